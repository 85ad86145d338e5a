"""Abstract base models shared by every app, and the one table core keeps: the office's
working-day calendar, which every programme's deadlines read (see ``workdays``)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A record that knows when it was created and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CalendarYear(TimeStampedModel):
    """节假日安排 — a year's holiday schedule as the office loaded it from the State Council's
    notice (`innoplan workdays load`). Its existence is what makes the year's calendar known
    when the chinesecalendar package does not cover the year; its days override the
    package's, day by day."""

    year = models.PositiveSmallIntegerField(_("year"))
    notice = models.CharField(
        _("issuing notice"),
        max_length=200,
        blank=True,
        help_text=_(
            "The notice the schedule is taken from, e.g. "
            "国务院办公厅关于2026年部分节假日安排的通知."
        ),
    )

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["year"], name="calendaryear_unique_year")]

    def __str__(self):
        return str(self.year)


class CalendarDay(TimeStampedModel):
    """日历调整 — one day of an office-loaded schedule: a statutory holiday (is_workday False,
    e.g. 春节) or an adjusted working day (调休上班, a weekend day that is worked). A day listed
    here overrides what the chinesecalendar package says of it."""

    schedule = models.ForeignKey(
        CalendarYear,
        on_delete=models.CASCADE,
        related_name="days",
        verbose_name=_("holiday schedule"),
    )
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date"], name="calendarday_unique_date")]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}".strip()

    def clean(self):
        if self.date and self.schedule_id and self.date.year != self.schedule.year:
            raise ValidationError(
                {"date": _("%(day)s is not in %(year)s, the schedule's year")},
                params={"day": self.date.isoformat(), "year": self.schedule.year},
            )
