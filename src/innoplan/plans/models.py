"""The plan as data: goal groups, indicators and their targets, sections, tasks, measures,
and the figures departments report against the indicators."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innoplan.core.models import TimeStampedModel
from innoplan.plans.choices import AssignmentRole, Comparator, PeriodKind, ReviewStatus


class Plan(TimeStampedModel):
    """实施方案 — a plan document issued by a government body, with its period."""

    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100)
    doc_number = models.CharField(_("document number"), max_length=50, unique=True)
    issued_on = models.DateField(_("issued on"))
    start_year = models.PositiveIntegerField(_("start year"))
    deadline_year = models.PositiveIntegerField(_("deadline year"))

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                name="plan_period_in_order",
                condition=models.Q(start_year__lte=models.F("deadline_year")),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def deadline(self) -> date:
        return date(self.deadline_year, 12, 31)


class GoalGroup(TimeStampedModel):
    """目标分组 — one of the plan's headline goals (创新主体快速集聚 …) grouping its targets."""

    plan = models.ForeignKey(
        Plan, models.CASCADE, related_name="goal_groups", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("goal group")
        verbose_name_plural = _("goal groups")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="goalgroup_unique_name")
        ]

    def __str__(self):
        return self.name


class Section(TimeStampedModel):
    """任务板块 — a section of the key tasks (集聚创新主体添动力 …)."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="sections", verbose_name=_("plan"))
    title = models.CharField(_("title"), max_length=100)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="section_unique_title")
        ]

    def __str__(self):
        return self.title


class Task(TimeStampedModel):
    """重点任务 — a numbered key task of the plan, led by one or more departments."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    section = models.ForeignKey(
        Section, models.CASCADE, related_name="tasks", verbose_name=_("section")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    departments = models.ManyToManyField(
        "accounts.Department",
        through="TaskAssignment",
        related_name="tasks",
        verbose_name=_("departments"),
    )
    # Optimistic lock: an edit form carries the version it was loaded at, and the service
    # refuses it when the record has moved on since (no lost update).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class TaskAssignment(TimeStampedModel):
    """任务分工 — a department's part in a task: lead (牵头) or co-operating (配合)."""

    task = models.ForeignKey(
        Task, models.CASCADE, related_name="assignments", verbose_name=_("task")
    )
    department = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        related_name="task_assignments",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=20, choices=AssignmentRole.choices)

    class Meta:
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        ordering = ["task", "role", "department"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="taskassign_unique_dept")
        ]

    def __str__(self):
        return f"{self.task} — {self.department} ({self.get_role_display()})"


class Measure(TimeStampedModel):
    """保障措施 — a safeguard measure of the plan."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="measures", verbose_name=_("plan"))
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("safeguard measure")
        verbose_name_plural = _("safeguard measures")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="measure_unique_title")
        ]

    def __str__(self):
        return self.title


class Indicator(TimeStampedModel):
    """指标 — what a target measures (高新技术企业, 子基金总规模 …), its definition (口径),
    baseline and the department that reports it. Values are stored in base units (元, 家)."""

    plan = models.ForeignKey(
        Plan, models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=100)
    goal_group = models.ForeignKey(
        GoalGroup,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("goal group"),
    )
    task = models.ForeignKey(
        Task,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("task"),
    )
    position = models.PositiveIntegerField(_("position"))
    unit = models.CharField(_("unit"), max_length=20)
    display_unit = models.CharField(_("display unit"), max_length=20)
    annual = models.BooleanField(
        _("annual flow"),
        default=False,
        help_text=_(
            "Counted afresh each calendar year (每年新增); reported values are year-to-date."
        ),
    )
    definition = models.TextField(_("definition"), blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("reporting department"),
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    metric_key = models.CharField(
        _("metric"),
        max_length=50,
        blank=True,
        help_text=_(
            "The registry metric that measures this indicator; empty when departments report it."
        ),
    )
    # Optimistic lock: an edit form carries the version it was loaded at, and the service
    # refuses it when the record has moved on since (no lost update).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                name="indicator_baseline_nonneg",
                condition=models.Q(baseline_value__isnull=True) | models.Q(baseline_value__gte=0),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def measured(self) -> bool:
        return bool(self.metric_key)

    @property
    def counts_whole_units(self) -> bool:
        """Counts (家, 名, 个) move in whole steps; amounts (元, %) do not."""
        return self.unit not in {"元", "%", "万元", "亿元"}


class Target(TimeStampedModel):
    """目标值 — the value an indicator must reach by the end of a year, as the plan states it."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveIntegerField(_("year"))
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    text = models.CharField(_("text in the plan"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
            models.CheckConstraint(name="target_value_nonneg", condition=models.Q(value__gte=0)),
        ]

    def __str__(self):
        return f"{self.indicator} {self.comparator} {self.value} ({self.year})"


def period_end(kind: str, start: date) -> date:
    """The last day of the month or quarter that starts on ``start``."""
    months = 3 if kind == PeriodKind.QUARTER else 1
    last_month = start.month + months - 1
    return date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def attachment_path(instance: ReportedValue, filename: str) -> str:
    return f"reported/{instance.indicator_id}/{filename}"


class ReportedValue(TimeStampedModel):
    """填报值 — a figure a department reports for an indicator at the end of a month or
    quarter. Only approved values count. For annual flows the value is year-to-date."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="reported_values", verbose_name=_("indicator")
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="reported_values",
        verbose_name=_("submitted by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_values",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)
    # Optimistic lock: an edit form carries the version it was loaded at, and the service
    # refuses it when the record has moved on since (no lost update).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["indicator", "-period_end", "-created"]
        constraints = [
            models.CheckConstraint(name="reported_value_nonneg", condition=models.Q(value__gte=0)),
            models.CheckConstraint(
                name="reported_period_in_order",
                condition=models.Q(period_start__lte=models.F("period_end")),
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "status", "period_end"], name="reported_ind_status_end"
            )
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_end}: {self.value}"
