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
def is_data_steward(user):
    return bool(
        user and user.is_authenticated and user.is_active and user.role == Role.DATA_STEWARD
    )


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
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.AUDIT_ADMIN)


is_business_user = is_plan_owner | is_reporter | is_leader


@rules.predicate
def is_someone_else(user, other):
    return other is None or other.pk != user.pk


# 三员 — the separation of duties. Nobody is a Django superuser: each administrator's pages are
# granted here, in code, so no administrator can widen his own rights from a page.
#
# System administrator: accounts and departments on the admin site; not roles (the role field
# is read-only there), not the audit trail, not business data.
rules.add_perm("accounts.manage_users", is_system_admin)
rules.add_perm("accounts", is_system_admin)  # the app on the admin index
for model in ("user", "department"):
    for action in ("view", "add", "change"):
        rules.add_perm(f"accounts.{action}_{model}", is_system_admin)
# Accounts are deactivated, not deleted: their history stays in the audit trail.

# Security administrator: the security policy, lockouts, second-factor resets and role grants
# (neither to himself), on the pages of accounts/views.py.
rules.add_perm("accounts.manage_security", is_security_admin)
rules.add_perm("accounts.grant_role", is_security_admin & is_someone_else)
rules.add_perm("accounts.reset_otp", is_security_admin & is_someone_else)
