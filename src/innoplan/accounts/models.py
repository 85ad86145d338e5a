"""Users, the departments and towns they belong to, and their roles."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.choices import DepartmentKind, Role
from innoplan.core.models import TimeStampedModel


class Department(TimeStampedModel):
    """部门 — a district department, town or street that leads or reports part of the plan."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class AccountManager(UserManager):
    """``createsuperuser`` makes the first system administrator, who then creates the
    business accounts with their roles."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account: its role decides what it may do, its department what it may touch."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEADER)
    objects = AccountManager()
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_reporter_has_department",
                condition=~models.Q(role=Role.REPORTER) | models.Q(department__isnull=False),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_plan_owner(self) -> bool:
        return self.is_active and self.role == Role.PLAN_OWNER

    @property
    def is_reporter(self) -> bool:
        return self.is_active and self.role == Role.REPORTER

    @property
    def is_leader(self) -> bool:
        return self.is_active and self.role == Role.LEADER

    @property
    def is_system_admin(self) -> bool:
        return self.is_active and self.role == Role.SYSTEM_ADMIN
