"""Password rules beyond Django's own: several character classes, no reuse of recent ones."""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """Require characters from at least ``min_classes`` of: lower, upper, digit, symbol."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password, user=None):
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(n)d of these: lower case, upper case, digits, "
            "symbols."
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Refuse the account's current password and its last ``INNOPLAN_PASSWORD_HISTORY``."""

    def __init__(self, history: int | None = None):
        self.history = history

    @property
    def count(self) -> int:
        return self.history or settings.INNOPLAN_PASSWORD_HISTORY

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from innoplan.accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
                : self.count
            ]
        )
        from django.contrib.auth import get_user_model

        stored = (
            get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        )
        if stored:
            hashes.append(stored)
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self):
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(n)d passwords.",
            self.count,
        ) % {"n": self.count}
