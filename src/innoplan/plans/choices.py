from django.db import models
from django.utils.translation import gettext_lazy as _


class Comparator(models.TextChoices):
    """How a target is stated: 达到 (at least), 突破/超过 (more than), 左右 (about)."""

    AT_LEAST = ">=", _("at least")
    GREATER = ">", _("more than")
    EQUAL = "=", _("exactly")
    ABOUT = "~", _("about")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    COOPERATING = "cooperating", _("Co-operating")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
