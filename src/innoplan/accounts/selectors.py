"""Reads for the identity pages: lockouts, the security policy in force, accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.urls import NoReverseMatch, reverse

from innoplan.accounts.choices import Role
from innoplan.accounts.models import User

START_PAGES = {
    # An account without a role yet has only its own security page (which says so).
    Role.NO_ROLE: "accounts:security",
    Role.SYSTEM_ADMIN: "admin:index",
    Role.SECURITY_ADMIN: "accounts:security_policy",
    Role.AUDIT_ADMIN: "audit:event_list",
    # A data steward keeps registers and reads no department's figures.
    Role.DATA_STEWARD: "registry:index",
}


def department_scope(user, queryset, own):
    """The records a user may see among ``queryset``: all for the plan owner and leaders; for a
    department's reporter those ``own(department_id)`` (a Q) selects; none for anyone else
    (administrators, inactive or anonymous users). Every list of department-owned records is
    scoped through here, never by each view remembering."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role in (Role.PLAN_OWNER, Role.LEADER):
        return queryset
    if user.role == Role.REPORTER and user.department_id:
        return queryset.filter(own(user.department_id))
    return queryset.none()


def plan_owner_department():
    """The department of the plan owner (区科委): that of the longest-standing active plan
    owner account, or None when no plan owner has one."""
    owner = (
        User.objects.filter(role=Role.PLAN_OWNER, is_active=True, department__isnull=False)
        .select_related("department")
        .order_by("date_joined", "pk")
        .first()
    )
    return owner.department if owner is not None else None


def start_page(user) -> str:
    """Where an account starts: the 作战图, except for the three administrators, who have
    no business data and start on their own pages, a data steward (the registry) and an
    account without a role yet."""
    try:
        return reverse(START_PAGES.get(user.role, "dashboard:home"))
    except NoReverseMatch:
        return reverse("dashboard:home")


@dataclass(frozen=True)
class Lockout:
    username: str
    ip: str | None
    failures: int
    last_attempt: object
    locked: bool


def lockouts() -> list[Lockout]:
    """Every username and IP with failed logins on record, the locked ones first."""
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    rows = AccessAttempt.objects.order_by("-attempt_time").values(
        "username", "ip_address", "failures_since_start", "attempt_time"
    )
    found = [
        Lockout(
            username=row["username"] or "",
            ip=row["ip_address"],
            failures=row["failures_since_start"],
            last_attempt=row["attempt_time"],
            locked=row["failures_since_start"] >= limit,
        )
        for row in rows
    ]
    return sorted(found, key=lambda lockout: not lockout.locked)


def _validator_option(name: str, attribute: str, default=None):
    for validator in password_validation.get_default_password_validators():
        if type(validator).__name__ == name:
            return getattr(validator, attribute, default)
    return default


def security_policy() -> list[tuple[str, object]]:
    """The policy in force, read from the settings, as (label, value) rows."""
    from django.utils.translation import gettext as _

    from innoplan.accounts.choices import Role

    cooloff = settings.AXES_COOLOFF_TIME
    cooloff_minutes = round(cooloff * 60) if isinstance(cooloff, int | float) else cooloff
    roles = dict(Role.choices)
    return [
        (_("Minimum password length"), _validator_option("MinimumLengthValidator", "min_length")),
        (
            _("Character classes required (of lower, upper, digit, symbol)"),
            _validator_option("CharacterClassValidator", "min_classes"),
        ),
        (_("Password maximum age (days)"), settings.INNOPLAN_PASSWORD_MAX_AGE_DAYS),
        (_("Earlier passwords that may not be reused"), settings.INNOPLAN_PASSWORD_HISTORY),
        (_("Failed logins before lockout"), settings.AXES_FAILURE_LIMIT),
        (_("Lockout duration (minutes)"), cooloff_minutes),
        (_("Idle logout (minutes)"), round(settings.SESSION_IDLE_TIMEOUT / 60, 1)),
        (
            _("Roles that must pass a second factor"),
            ", ".join(str(roles.get(r, r)) for r in settings.INNOPLAN_OTP_REQUIRED_ROLES),
        ),
        (
            _("Accounts that must also pass a second factor"),
            _("those that may see whole ID card numbers"),
        ),
        (_("Single sign-on (OIDC)"), _("on") if settings.INNOPLAN_OIDC_ENABLED else _("off")),
    ]


def accounts_for_security_admin():
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.select_related("department")
        .annotate(has_otp=Exists(confirmed))
        .order_by("username")
    )
