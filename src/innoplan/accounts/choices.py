from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does in the plan; each account has exactly one."""

    SYSTEM_ADMIN = "sysadmin", _("System administrator")
    PLAN_OWNER = "plan_owner", _("Plan owner")
    REPORTER = "reporter", _("Department reporter")
    LEADER = "leader", _("District leader")


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", _("District department")
    TOWN = "town", _("Town")
    STREET = "street", _("Street")
    ZONE = "zone", _("Functional zone")
