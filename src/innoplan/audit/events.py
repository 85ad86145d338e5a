"""The events the audit trail records (审计事件), as dotted names with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    LOGIN_SUCCESS = "login.success", _("Login")
    LOGIN_FAILURE = "login.failure", _("Failed login")
    LOGOUT = "logout", _("Logout")
    LOCKOUT = "lockout", _("Account locked out")
    LOCKOUT_RELEASE = "lockout.release", _("Lockout released")
    PASSWORD_CHANGE = "password.change", _("Password changed")
    PASSWORD_RESET = "password.reset", _("Password reset")
    ROLE_GRANT = "role.grant", _("Role granted")
    ROLE_REVOKE = "role.revoke", _("Role revoked")
    OTP_ENROL = "otp.enrol", _("Second factor enrolled")
    OTP_SUCCESS = "otp.success", _("Second factor verified")
    OTP_FAILURE = "otp.failure", _("Second factor failed")
    OTP_RESET = "otp.reset", _("Second factor reset")
    DATA_CREATE = "data.create", _("Record created")
    DATA_UPDATE = "data.update", _("Record changed")
    DATA_DELETE = "data.delete", _("Record deleted")
    DATA_ACCESS = "data.access", _("Record accessed")
    UNMASK = "unmask", _("Personal data unmasked")
    EXPORT = "export", _("Export")
    IMPORT_CONFIRM = "import.confirm", _("Import confirmed")
    BACKUP = "backup", _("Backup")
    RESTORE = "restore", _("Restore")
    FIELD_KEY_ROTATE = "field_key.rotate", _("Encryption key rotated")
    AUDIT_EXPORT = "audit.export", _("Audit trail exported")
    AUDIT_PURGE = "audit.purge", _("Audit trail purged")
    MILESTONE_OVERDUE = "milestone.overdue", _("Milestone overdue")
    NOTICE_ANSWER = "notice.answer", _("Notice answered")
    # A refused permission check, or a 403/404 answered to a signed-in user.
    ACCESS_DENIED = "access.denied", _("Access denied")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


LOGIN_SUCCESS = Event.LOGIN_SUCCESS.value
LOGIN_FAILURE = Event.LOGIN_FAILURE.value
LOGOUT = Event.LOGOUT.value
LOCKOUT = Event.LOCKOUT.value
LOCKOUT_RELEASE = Event.LOCKOUT_RELEASE.value
PASSWORD_CHANGE = Event.PASSWORD_CHANGE.value
PASSWORD_RESET = Event.PASSWORD_RESET.value
ROLE_GRANT = Event.ROLE_GRANT.value
ROLE_REVOKE = Event.ROLE_REVOKE.value
OTP_ENROL = Event.OTP_ENROL.value
OTP_SUCCESS = Event.OTP_SUCCESS.value
OTP_FAILURE = Event.OTP_FAILURE.value
OTP_RESET = Event.OTP_RESET.value
DATA_CREATE = Event.DATA_CREATE.value
DATA_UPDATE = Event.DATA_UPDATE.value
DATA_DELETE = Event.DATA_DELETE.value
DATA_ACCESS = Event.DATA_ACCESS.value
UNMASK = Event.UNMASK.value
EXPORT = Event.EXPORT.value
IMPORT_CONFIRM = Event.IMPORT_CONFIRM.value
BACKUP = Event.BACKUP.value
RESTORE = Event.RESTORE.value
FIELD_KEY_ROTATE = Event.FIELD_KEY_ROTATE.value
AUDIT_EXPORT = Event.AUDIT_EXPORT.value
AUDIT_PURGE = Event.AUDIT_PURGE.value
MILESTONE_OVERDUE = Event.MILESTONE_OVERDUE.value
NOTICE_ANSWER = Event.NOTICE_ANSWER.value
ACCESS_DENIED = Event.ACCESS_DENIED.value
