"""The two requests of the reports page: a quarterly report for a quarter, a supervision
circular as of a day."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from innoplan.plans.models import Plan
from innoplan.reports.quarters import Quarter, last_complete_quarter, parse_quarter


def quarter_label(quarter: Quarter) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": quarter.year, "quarter": quarter.number}


def quarters_of(plan: Plan, today: date) -> list[Quarter]:
    """The quarters a report can be asked for: from the plan's start to the current one,
    newest first."""
    quarter, first = Quarter.of(today), Quarter(plan.start_year, 1)
    found = []
    while quarter >= first:
        found.append(quarter)
        quarter = quarter.previous
    return found


class QuarterlyReportForm(forms.Form):
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=(), coerce=parse_quarter)

    def __init__(self, *args, plan: Plan, today: date, **kwargs):
        kwargs.setdefault("initial", {"quarter": str(last_complete_quarter(today))})
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [
            (str(q), quarter_label(q)) for q in quarters_of(plan, today)
        ]
        self.fields["quarter"].widget.attrs["class"] = "form-select"


class CircularForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, *args, today: date, **kwargs):
        kwargs.setdefault("initial", {"as_of": today.isoformat()})
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["as_of"].widget.attrs["max"] = today.isoformat()

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise forms.ValidationError(
                _("A circular reports what has happened: choose a day no later than today.")
            )
        return as_of
