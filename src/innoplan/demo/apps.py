from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """演示数据 — the demo data set and the ``innoplan demo`` command."""

    name = "innoplan.demo"
    label = "demo"
    verbose_name = _("Demo data")
