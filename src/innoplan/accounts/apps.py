from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "innoplan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.accounts.models import Department, User

        auditlog.register(Department)
        auditlog.register(User, include_fields=["username", "role", "department", "is_active"])
