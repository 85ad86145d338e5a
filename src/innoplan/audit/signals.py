"""Receivers that turn authentication signals and change-log entries into audit records."""

from datetime import timedelta

from auditlog.models import LogEntry
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.core.net import client_ip

from .events import Event, Outcome
from .models import AppendOnlyError, AuditEvent
from .services import record_event, record_log_entry


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_mirror_log_entry")
def mirror_log_entry(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        record_log_entry(instance)


@receiver(pre_delete, sender=LogEntry, dispatch_uid="audit_keep_log_entry")
def refuse_log_entry_deletion(sender, instance, **kwargs):
    # Being a receiver also stops Django from deleting log entries in bulk without asking.
    raise AppendOnlyError(_("Change-log entries cannot be deleted; only the audit purge does."))


def _account(username):
    """The account a username names, or the name itself when there is none."""
    if not username:
        return None
    user_model = get_user_model()
    return user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first() or str(
        username
    )


@receiver(user_logged_in, dispatch_uid="audit_login_success")
def on_login(sender, request, user, **kwargs):
    record_event(Event.LOGIN_SUCCESS, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failure")
def on_login_failure(sender, credentials, request=None, **kwargs):
    # Only the name tried; never the password, even though Django has already masked it.
    username = str(credentials.get("username") or "")[:150]
    record_event(
        Event.LOGIN_FAILURE,
        request=request,
        actor=_account(username),
        outcome=Outcome.FAILURE,
        detail={"username": username, "locked_out": bool(getattr(request, "axes_locked_out", 0))},
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    record_event(Event.LOGOUT, request=request, actor=user)


def _locked_already(username: str, ip: str) -> bool:
    """django-axes signals a lockout again at each attempt while locked; those attempts are
    recorded as failed logins, the lockout once (again after a release or the cool-off)."""
    cooloff = settings.AXES_COOLOFF_TIME
    if not isinstance(cooloff, timedelta):
        cooloff = timedelta(hours=float(cooloff or 0))
    since = timezone.now() - cooloff
    last = (
        AuditEvent.objects.filter(
            event=Event.LOCKOUT, detail__username=username, ip=ip, occurred_at__gte=since
        )
        .order_by("-id")
        .first()
    )
    if last is None:
        return False
    return not AuditEvent.objects.filter(event=Event.LOCKOUT_RELEASE, id__gt=last.id).exists()


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def on_lockout(sender, request, username, ip_address, **kwargs):
    username = str(username or "")[:150]
    if _locked_already(username, client_ip(request) if request is not None else ""):
        return
    record_event(
        Event.LOCKOUT,
        request=request,
        actor=_account(username),
        outcome=Outcome.DENIED,
        detail={"username": username},
    )
