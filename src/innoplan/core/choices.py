from django.db import models
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    """Where the working-day calendar's word on a day comes from, strongest first."""

    OFFICE = "office", _("office data")
    PACKAGE = "package", _("statutory calendar (chinesecalendar)")
    WEEKDAYS = "weekdays", _("Monday to Friday assumed")
