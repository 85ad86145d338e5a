"""Who may do what (django-rules). List scoping lives in selectors.restrict()."""

import rules

from innoplan.accounts.choices import Role


@rules.predicate
def is_plan_owner(user):
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.PLAN_OWNER)


@rules.predicate
def is_reporter(user):
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.REPORTER)


@rules.predicate
def is_leader(user):
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.LEADER)


@rules.predicate
def is_system_admin(user):
    return bool(
        user and user.is_authenticated and user.is_active and user.role == Role.SYSTEM_ADMIN
    )


@rules.predicate
def is_security_admin(user):
    return bool(
        user and user.is_authenticated and user.is_active and user.role == Role.SECURITY_ADMIN
    )


@rules.predicate
def is_audit_admin(user):
    return bool(
        user and user.is_authenticated and user.is_active and user.role == Role.AUDIT_ADMIN
    )


is_business_user = is_plan_owner | is_reporter | is_leader

rules.add_perm("accounts.manage_users", is_system_admin)
