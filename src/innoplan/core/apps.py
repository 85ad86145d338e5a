from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "innoplan.core"
    label = "core"
    verbose_name = _("Common")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.core.models import CalendarDay, CalendarYear
        from innoplan.core.schedule import daily
        from innoplan.core.uploads import kept_uploads_discard

        daily("core.discard_kept_uploads")(kept_uploads_discard)
        auditlog.register(CalendarYear, exclude_fields=["created", "updated"])
        auditlog.register(CalendarDay, exclude_fields=["created", "updated"])
