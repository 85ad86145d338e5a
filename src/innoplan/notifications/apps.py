from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "innoplan.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from innoplan.notifications import tasks  # noqa: F401 (registers the daily digest)
