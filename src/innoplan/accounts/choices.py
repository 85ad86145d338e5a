from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does in the plan; each account has exactly one.

    The three administrators (三员) hold separate duties: the system administrator keeps
    accounts and configuration, the security administrator the security policy, lockouts and
    role grants, and the audit administrator reads the audit trail and changes nothing.

    A new account has no role yet (``NO_ROLE``): it reads nothing until a security
    administrator grants it one. It is a value of its own, not an empty string, so that no
    database's treatment of '' and NULL decides who may do what."""

    NO_ROLE = "none", _("No role yet")
    SYSTEM_ADMIN = "sysadmin", _("System administrator")
    SECURITY_ADMIN = "secadmin", _("Security administrator")
    AUDIT_ADMIN = "auditadmin", _("Audit administrator")
    PLAN_OWNER = "plan_owner", _("Plan owner")
    REPORTER = "reporter", _("Department reporter")
    LEADER = "leader", _("District leader")
    # 数据管理员: keeps the register groups the plan owner assigns (registry.RegisterSteward).
    DATA_STEWARD = "steward", _("Data steward")


# The three administrators (三员): a second factor is required of them by default.
ADMINISTRATOR_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", _("District department")
    TOWN = "town", _("Town")
    STREET = "street", _("Street")
    ZONE = "zone", _("Functional zone")
