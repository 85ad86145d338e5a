"""Who may do what with the plan (django-rules). List scoping is in selectors."""

import rules

from innoplan.accounts.rules import (
    is_business_user,
    is_data_steward,
    is_leader,
    is_plan_owner,
    is_reporter,
)


@rules.predicate
def reports_for_indicator(user, indicator):
    if indicator is None:
        return False
    return bool(user.department_id) and indicator.department_id == user.department_id


@rules.predicate
def reports_for_value(user, reported_value):
    if reported_value is None:
        return False
    return reports_for_indicator(user, reported_value.indicator)


# A data steward reads the 作战图 too (its big numbers, not the departments' figures behind
# them): what a correction does to a target shows there.
rules.add_perm("plans.view_dashboard", is_business_user | is_data_steward)
rules.add_perm(
    "plans.view_indicator", is_plan_owner | is_leader | (is_reporter & reports_for_indicator)
)
rules.add_perm("plans.report_value", is_reporter & reports_for_indicator)
rules.add_perm(
    "plans.view_reported_value", is_plan_owner | is_leader | (is_reporter & reports_for_value)
)
rules.add_perm("plans.review_value", is_plan_owner)
rules.add_perm("plans.manage_plan", is_plan_owner)
rules.add_perm("plans.view_reports_list", is_plan_owner | is_reporter)
# A department's own list of indicators to report and figures reported ("my reports").
rules.add_perm("plans.view_department_reports", is_reporter)
