from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "innoplan.audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from auditlog.models import LogEntry
        from django.contrib import admin

        from . import rules, signals, tasks  # noqa: F401 (tasks: the daily anchor)

        # The change log belongs to the audit administrator's pages; django-auditlog's own
        # admin would let staff read (and delete) it.
        if admin.site.is_registered(LogEntry):
            admin.site.unregister(LogEntry)
