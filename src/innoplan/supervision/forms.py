"""Forms of the supervision pages. They parse what a person typed; the rules live in services
(a service's ValidationError is put back on the field it names, ``add_service_error``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department
from innoplan.core.forms import BootstrapForm, VersionedForm, add_service_error
from innoplan.core.uploads import ATTACHMENT_EXTENSIONS
from innoplan.supervision.choices import ProjectStage, UpdateKind
from innoplan.supervision.models import Project

__all__ = [
    "MilestoneForm",
    "NoticeAnswerForm",
    "PolicyForm",
    "ProgressForm",
    "ProjectForm",
    "ReviewForm",
    "add_service_error",
]

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _departments():
    return Department.objects.order_by("position", "code")


class MilestoneForm(BootstrapForm):
    """A milestone's plan: which task (and project), what is delivered, by when, by whom."""

    task = forms.ModelChoiceField(label=_("Key task"), queryset=None)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    deliverable = forms.CharField(
        label=_("Deliverable"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Due date"), **DATE_WIDGET)
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=None)
    cooperating_departments = forms.ModelMultipleChoiceField(
        label=_("Co-operating departments"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = plan.tasks.select_related("section").order_by("number")
        self.fields["task"].label_from_instance = lambda task: f"{task.number}. {task.title}"
        self.fields["project"].queryset = (
            Project.objects.filter(task__plan=plan).select_related("task").order_by("task", "name")
        )
        self.fields["project"].label_from_instance = lambda project: (
            f"{project.task.number}. {project.name}"
        )
        self.fields["lead_department"].queryset = _departments()
        self.fields["cooperating_departments"].queryset = _departments()


class MilestoneEditForm(VersionedForm, MilestoneForm):
    """The same, with the version the page showed: a save over a newer change is refused."""


class ProjectForm(BootstrapForm):
    task = forms.ModelChoiceField(label=_("Key task"), queryset=None)
    name = forms.CharField(label=_("Project name"), max_length=200)
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=None)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=ProjectStage.choices, initial=ProjectStage.PREPARING
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = plan.tasks.order_by("number")
        self.fields["task"].label_from_instance = lambda task: f"{task.number}. {task.title}"
        self.fields["lead_department"].queryset = _departments()


class PolicyForm(VersionedForm, BootstrapForm):
    """The escalation ladder's days."""

    remind_days_before = forms.IntegerField(
        label=_("Reminder, days before the due date"),
        min_value=1,
        max_value=90,
        help_text=_("A reminder (提醒) goes out this many days before a milestone is due."),
    )
    circular_after_days = forms.IntegerField(
        label=_("Public notice, days overdue"),
        min_value=1,
        max_value=180,
        help_text=_(
            "A supervision notice (督办) goes out on the first overdue day; a public notice "
            "(通报) once a milestone has been overdue this many days."
        ),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each (type, size, content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join(sorted(ATTACHMENT_EXTENSIONS))}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ProgressForm(VersionedForm, BootstrapForm):
    """What the lead department reports on a milestone."""

    kind = forms.ChoiceField(
        label=_("Report"),
        choices=UpdateKind.choices,
        initial=UpdateKind.PROGRESS,
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    percent = forms.IntegerField(
        label=_("Percent done"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Where it makes sense; a completion counts as 100 %."),
    )
    evidence = MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint or images; several files may be chosen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons carry Bootstrap's check class, not a text input's.
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class ReviewForm(forms.Form):
    """The plan owner's decision on a completion: accept, or send back with a reason."""

    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(choices=[(ACCEPT, _("Accept")), (RETURN, _("Send back"))])
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class NoticeAnswerForm(BootstrapForm):
    """A department's answer to a 督办 or 通报: why it is late, by when it will be done."""

    reason = forms.CharField(
        label=_("Reason for the delay"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_date = forms.DateField(label=_("New date"), required=False, **DATE_WIDGET)
