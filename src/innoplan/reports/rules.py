"""Who may ask for and download the Word reports (django-rules). List scoping is in
selectors."""

import rules

from innoplan.accounts.rules import is_leader, is_plan_owner


@rules.predicate
def requested_job(user, job):
    return job is not None and job.created_by_id == user.pk


# The plan owner writes the reports and the leaders read them; departments do not. A built
# report is downloaded by whoever asked for it, and by the plan owner.
rules.add_perm("reports.request_report", is_plan_owner | is_leader)
rules.add_perm("reports.download_report", is_plan_owner | (is_leader & requested_job))
