"""Writes to departments and accounts."""

from __future__ import annotations

import enum
import re
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innoplan.accounts.choices import DepartmentKind
from innoplan.accounts.models import Department
from innoplan.accounts.permissions import authorise

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")


def read_departments_file(path: Path) -> list[dict]:
    """The department list from YAML: ``[{code, name, kind}]``; every problem names its entry."""
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path}: {exc}") from exc
    if not isinstance(entries, list):
        raise ValidationError(f"{path}: expected a list of departments")
    problems, seen, names = [], set(), set()
    kinds = set(DepartmentKind.values)
    for index, entry in enumerate(entries):
        where = f"{path}: entry {index + 1}"
        if not isinstance(entry, dict) or set(entry) - {"code", "name", "kind"}:
            problems.append(f"{where}: expected {{code, name, kind}}")
            continue
        code, name, kind = entry.get("code"), entry.get("name"), entry.get("kind", "department")
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            problems.append(
                f"{where}: code {code!r} must be lowercase ASCII, at most 30 characters"
            )
        elif code in seen:
            problems.append(f"{where}: code {code!r} appears twice")
        else:
            seen.add(code)
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: name is missing")
        elif name.strip() in names:
            problems.append(f"{where}: name {name.strip()!r} appears twice")
        else:
            names.add(name.strip())
        if kind not in kinds:
            problems.append(f"{where}: kind {kind!r} is not one of {', '.join(sorted(kinds))}")
    if problems:
        raise ValidationError(problems)
    return entries


@transaction.atomic
def departments_load(*, entries: list[dict]) -> tuple[int, int]:
    """Create or update departments by code; returns (created, updated). Idempotent."""
    created = updated = 0
    for position, entry in enumerate(entries, start=1):
        values = {
            "name": entry["name"].strip(),
            "kind": entry.get("kind", "department"),
            "position": position,
        }
        department = Department.objects.filter(code=entry["code"]).first()
        if department is None:
            department = Department(code=entry["code"], **values)
            department.full_clean()
            department.save()
            created += 1
        elif any(getattr(department, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(department, key, value)
            department.full_clean()
            department.save()
            updated += 1
    return created, updated


# --- Identity: passwords, second factor, roles and lockouts ---------------------------------

OTP_FAILURE_LIMIT = 5
OTP_FAILURES_KEY = "innoplan_otp_failures"
OTP_ENROL_KEY = "innoplan_otp_enrol_device"


def _record(event, **kwargs) -> None:
    from innoplan.audit.services import record_event

    record_event(event, **kwargs)


@transaction.atomic
def password_change(*, request, user, new_password: str) -> None:
    """Set the user's own new password (already validated): it joins the history, its age
    starts now, any forced change is lifted and the session stays signed in."""
    from django.contrib.auth import update_session_auth_hash

    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    update_session_auth_hash(request, user)
    _record("password.change", request=request, obj=user)


def password_set_by_administrator(*, user, new_password: str) -> None:
    """A password given by an administrator is temporary: changed at the next sign-in."""
    user.set_password(new_password)
    user.must_change_password = True


def otp_enrolment_device(*, request, user):
    """The unconfirmed TOTP device being enrolled in this session, made on first call."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device_id = request.session.get(OTP_ENROL_KEY)
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        request.session[OTP_ENROL_KEY] = device.pk
    return device


def _otp_failure(request, user, device) -> bool:
    """Count a wrong token; returns True when the session was ended for too many."""
    from django.contrib.auth import logout

    failures = request.session.get(OTP_FAILURES_KEY, 0) + 1
    request.session[OTP_FAILURES_KEY] = failures
    ended = failures >= OTP_FAILURE_LIMIT
    _record(
        "otp.failure",
        request=request,
        actor=user,
        obj=user,
        outcome="failure",
        detail={"failures": failures, "session_ended": ended},
    )
    if ended:
        logout(request)
    return ended


class Enrolment(enum.Enum):
    """How confirming a new authenticator went."""

    CONFIRMED = "confirmed"
    WRONG_CODE = "wrong_code"  # the new device's code
    CURRENT_CODE_MISSING = "current_code_missing"
    WRONG_CURRENT_CODE = "wrong_current_code"
    SESSION_ENDED = "session_ended"  # too many wrong codes in a row


@transaction.atomic
def otp_enrol_confirm(
    *, request, user, device, token: str, current_token: str | None = None
) -> Enrolment:
    """Confirm the device being enrolled with a token from it; on success the session has
    passed the second factor.

    An account that already has a confirmed device replaces it only with a valid code from
    that device too (``current_token``), checked first: a session left open, or a stolen
    password, is not enough to move the second factor to another phone. A wrong code of
    either device counts as a failed code. A lost phone is the security administrator's
    reset."""
    import django_otp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    current = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).first()
    if current is not None:
        if not current_token:
            return Enrolment.CURRENT_CODE_MISSING
        if not current.verify_token(current_token):
            ended = _otp_failure(request, user, current)
            return Enrolment.SESSION_ENDED if ended else Enrolment.WRONG_CURRENT_CODE
    if not device.verify_token(token):
        ended = _otp_failure(request, user, device)
        return Enrolment.SESSION_ENDED if ended else Enrolment.WRONG_CODE
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    request.session.pop(OTP_ENROL_KEY, None)
    request.session.pop(OTP_FAILURES_KEY, None)
    django_otp.login(request, device)
    _record("otp.enrol", request=request, obj=user)
    return Enrolment.CONFIRMED


def otp_verify(*, request, user, token: str) -> bool | None:
    """Check a token against the user's confirmed device. Returns True, False (wrong token;
    the device's own throttling slows guessing across sessions too) or None (session ended
    after OTP_FAILURE_LIMIT wrong tokens in a row)."""
    import django_otp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    verified = device and django_otp.verify_token(user, device.persistent_id, token)
    if verified:
        request.session.pop(OTP_FAILURES_KEY, None)
        django_otp.login(request, verified)
        _record("otp.success", request=request, obj=user)
        return True
    return None if _otp_failure(request, user, device) else False


def otp_device_reset(*, actor, request=None, user) -> int:
    """Remove a user's TOTP devices (a lost phone): the user enrols again at next sign-in.
    Only a security administrator may, and never his own: that would let one person both
    hold and lift the second factor that guards his rights."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Checked before the transaction: the refusal's audit record must not be rolled back.
    authorise(
        actor,
        "accounts.reset_otp",
        user,
        message=_("You may not reset your own second factor; another security administrator does.")
        if actor is not None and user.pk == actor.pk
        else _("Only a security administrator resets a second factor."),
    )
    with transaction.atomic():
        removed, _count = TOTPDevice.objects.filter(user=user).delete()
        _record("otp.reset", request=request, actor=actor, obj=user, detail={"devices": removed})
    return removed


def role_grant(*, actor, request=None, user, role: str, department=None) -> None:
    """Give a user a role (and department); only a security administrator may, never to
    himself. Bad input changes nothing."""
    authorise(
        actor,
        "accounts.grant_role",
        user,
        message=_("Only a security administrator grants roles, never to himself."),
    )
    with transaction.atomic():
        _set_role(actor=actor, request=request, user=user, role=role, department=department)


@transaction.atomic
def role_grant_from_console(*, user, role: str, department=None) -> None:
    """The server operator's grant (``innoplan grantrole``), for the first security
    administrator; recorded in the audit trail without a user."""
    _set_role(actor=None, request=None, user=user, role=role, department=department, console=True)


def _set_role(*, actor, request, user, role, department, console=False) -> None:
    from innoplan.accounts.choices import Role
    from innoplan.accounts.models import User

    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"role": user.role, "department": user.department.code if user.department else None}
    user.role = role
    user.department = department
    if role == Role.SYSTEM_ADMIN:
        user.is_staff = True  # his pages are on the admin site
    user.full_clean()
    user.save(update_fields=["role", "department", "is_staff"])
    after = {"role": user.role, "department": department.code if department else None}
    _record(
        "role.grant",
        request=request,
        actor=actor,
        obj=user,
        detail={"from": before, "to": after, **({"via": "console"} if console else {})},
    )


def lockout_release(*, actor, request=None, username: str, ip: str | None) -> int:
    """Lift a lockout (username at IP); returns how many attempt records were removed."""
    from axes.utils import reset

    authorise(actor, "accounts.manage_security")
    removed = reset(username=username, ip=ip or None)
    _record(
        "lockout.release",
        request=request,
        actor=actor,
        detail={"username": username, "ip": ip, "records": removed},
    )
    return removed
