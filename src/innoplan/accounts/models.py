"""Users, the departments and towns they belong to, and their roles."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.choices import DepartmentKind, Role
from innoplan.accounts.constants import SECOND_FACTOR_PERMISSIONS
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
    business accounts. Under the separation of duties (三员) nobody is a Django superuser: the
    system administrator is a staff user whose admin pages are granted in accounts/rules.py,
    and roles are granted by a security administrator (the first one with ``grantrole``)."""

    def _create_user_object(self, username, email, password, **extra_fields):
        # Through set_password, so that the password's age starts and it enters the history.
        user = super()._create_user_object(username, email, None, **extra_fields)
        user.set_password(password)
        return user

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN)
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = False
        return self._create_user(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account: its role decides what it may do, its department what it may touch."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.NO_ROLE)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("The user must choose a new password before anything else."),
    )
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

    def set_password(self, raw_password):
        """Every new password starts its age now (expiry counts from here) and goes into the
        account's history when saved."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        password_set = self._password is not None
        super().save(*args, **kwargs)
        if password_set and self.has_usable_password():
            PasswordHistory.remember(self)

    @property
    def password_expired(self) -> bool:
        """Older than ``INNOPLAN_PASSWORD_MAX_AGE_DAYS``. Existing accounts were stamped when
        the policy came in (migration 0005), so their age counts from then."""
        if self.password_changed_at is None or not self.has_usable_password():
            return False
        max_age = timedelta(days=settings.INNOPLAN_PASSWORD_MAX_AGE_DAYS)
        return timezone.now() - self.password_changed_at > max_age

    @property
    def needs_password_change(self) -> bool:
        return self.must_change_password or self.password_expired

    @property
    def second_factor_required(self) -> bool:
        """Whether this account may not do without TOTP: by its role
        (``INNOPLAN_OTP_REQUIRED_ROLES``, the three administrators) or because it may open
        personal data (``SECOND_FACTOR_PERMISSIONS``, the whole ID-card number)."""
        import rules

        if self.role in settings.INNOPLAN_OTP_REQUIRED_ROLES:
            return True
        # The rules themselves, not has_perm: no per-request query of Django's own tables.
        return any(rules.has_perm(perm, self) for perm in SECOND_FACTOR_PERMISSIONS)

    @property
    def needs_second_factor(self) -> bool:
        """Whether this account must pass TOTP after its password (because it is required of
        it, or because it enrolled a device of its own will)."""
        if self.second_factor_required:
            return True
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.filter(user=self, confirmed=True).exists()

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


class PasswordHistory(models.Model):
    """A password an account has had (its hash), so that the last N are not used again."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("password"), max_length=128)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("password history entry")
        verbose_name_plural = _("password history")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user} {self.created:%Y-%m-%d %H:%M}"

    @classmethod
    def remember(cls, user) -> None:
        """Keep the user's current password hash; only the last N stay."""
        cls.objects.create(user=user, password=user.password)
        keep = cls.objects.filter(user=user).values_list("pk", flat=True)[
            : settings.INNOPLAN_PASSWORD_HISTORY
        ]
        cls.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
