"""Who may do what in task supervision (django-rules). List scoping is in selectors."""

import rules

from innoplan.accounts.rules import is_leader, is_plan_owner, is_reporter


@rules.predicate
def leads_milestone(user, milestone):
    if milestone is None:
        return False
    return bool(user.department_id) and milestone.lead_department_id == user.department_id


@rules.predicate
def takes_part_in_milestone(user, milestone):
    if milestone is None:
        return False
    if leads_milestone(user, milestone):
        return True
    return bool(user.department_id) and any(
        d.pk == user.department_id for d in milestone.cooperating_departments.all()
    )


@rules.predicate
def notice_is_for_department(user, notice):
    if notice is None:
        return False
    return bool(user.department_id) and notice.department_id == user.department_id


# The plan owner (区科委) plans and accepts; leaders read everything; a department reads the
# milestones it leads or co-operates on, and posts progress on, and answers notices of, the
# ones it leads.
rules.add_perm("supervision.view_supervision", is_plan_owner | is_leader | is_reporter)
# The to-do list (待办/清单) holds work to do: the plan owner's acceptances, a department's
# milestones and notices. A leader does neither, so has none.
rules.add_perm("supervision.view_to_do", is_plan_owner | is_reporter)
rules.add_perm("supervision.manage_milestones", is_plan_owner)
rules.add_perm(
    "supervision.view_milestone",
    is_plan_owner | is_leader | (is_reporter & takes_part_in_milestone),
)
rules.add_perm("supervision.post_progress", is_reporter & leads_milestone)
rules.add_perm("supervision.review_progress", is_plan_owner)
rules.add_perm(
    "supervision.view_notice", is_plan_owner | is_leader | (is_reporter & notice_is_for_department)
)
rules.add_perm("supervision.answer_notice", is_reporter & notice_is_for_department)
