"""Pages of task supervision (挂图作战、节点化督办、清单化管理): the battle map of the key tasks
and the department scoreboard, a department's list, the milestone list with its Excel export,
a milestone with its progress and acceptance, the plan owner's planning forms and the notices
with their answers.

Each view parses, calls a selector or a service, and renders. Permissions come from
supervision/rules.py; what a user sees from ``selectors.restrict_*``, so another department's
milestone, notice or evidence answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from innoplan.accounts.models import Department
from innoplan.accounts.permissions import authorise, requires
from innoplan.audit.exports import xlsx_response
from innoplan.core.http import as_of_from
from innoplan.plans.selectors import current_plan
from innoplan.supervision import selectors, services
from innoplan.supervision.choices import NoticeLevel, Review, Stage, State
from innoplan.supervision.exports import MILESTONE_HEADERS, milestone_values
from innoplan.supervision.filters import MilestoneFilterSet, NoticeFilterSet
from innoplan.supervision.forms import (
    MilestoneEditForm,
    MilestoneForm,
    NoticeAnswerForm,
    PolicyForm,
    ProgressForm,
    ProjectForm,
    ReviewForm,
    add_service_error,
)
from innoplan.supervision.models import Evidence, Milestone, ProgressUpdate, Project
from innoplan.supervision.tables import MilestoneTable, NoticeTable

PER_PAGE = 50

# Where the services' errors go on the forms (service argument -> form field).
PROGRESS_FIELDS = {"files": "evidence"}
ANSWER_FIELDS = {"new_date": "new_date", "reason": "reason"}


def _plan_or_404():
    plan = current_plan()
    if plan is None:
        raise Http404(_("No plan has been loaded yet."))
    return plan


# --- the battle map ---------------------------------------------------------------------------


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Axis:
    """The battle map's date axis: from the first day of the first milestone's month to the
    last day of the last one's (or of the as-of day, when that is later), so the dots spread
    over the track; the plan's years when nothing is planned yet. A day's position along it
    is a percentage, for the SVG's ``x`` attributes."""

    start: date
    end: date

    @classmethod
    def for_plan(cls, plan, rows, as_of: date | None = None) -> Axis:
        dues = [row.milestone.due_on for row in rows]
        if not dues:
            return cls(date(plan.start_year, 1, 1), date(plan.deadline_year, 12, 31))
        last = max(dues) if as_of is None else max(max(dues), as_of)
        return cls(min(dues).replace(day=1), _month_after(last) - timedelta(days=1))

    @property
    def span(self) -> int:
        return (self.end - self.start).days or 1

    def share(self, day: date) -> float:
        return min(max((day - self.start).days / self.span, 0.0), 1.0)

    def x(self, day: date) -> str:
        return f"{self.share(day) * 100:.2f}%"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def ticks(self) -> list[dict]:
        """The axis's lines and labels: every month over a year and a half or less, each
        quarter up to five years, each year beyond; the year is named, on its own row, at the
        start and at each January. The formats are the translation's: "Sep" and "2026" in
        English, "9月" and "2026年" in Chinese."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        step = 1 if months <= 18 else 3 if months <= 60 else 12
        year_format = pgettext("year on the battle map's axis", "Y")
        month_format = pgettext("month on the battle map's axis", "M")
        ticks: list[dict] = []
        day = self.start
        while day <= self.end:
            if day == self.start or (day.month - 1) % step == 0:
                named_year = not ticks or day.month == 1
                ticks.append(
                    {
                        "day": day,
                        "x": self.x(day),
                        "year": date_format(day, year_format) if named_year else "",
                        "month": "" if step == 12 else date_format(day, month_format),
                    }
                )
            day = _month_after(day)
        return ticks


# A dot's title is written beside it where the track has room before the next dot, judged on
# the narrowest track the page lays out (36rem) at about 11 pixels a Chinese character.
NARROWEST_TRACK_PX = 576
CHARACTER_PX = 11
DOT_PX = 14


# What each colour means, as ``timeline.state_on`` decides it: the map's explanation.
STATE_HELP = (
    (State.NOT_STARTED, gettext_lazy("not yet due, and no progress reported yet.")),
    (
        State.IN_PROGRESS,
        gettext_lazy(
            "progress reported and not yet due, or its completion reported by the due date "
            "and waiting for acceptance."
        ),
    ),
    (State.DONE, gettext_lazy("accepted as done, completed by its due date.")),
    (State.OVERDUE, gettext_lazy("past its due date and not completed.")),
    (State.DONE_LATE, gettext_lazy("completed after its due date.")),
)


def _fitted(title: str, room: float) -> str:
    """As much of ``title`` as fits in ``room`` (a share of the track) beside a dot."""
    fits = int((room * NARROWEST_TRACK_PX - DOT_PX) // CHARACTER_PX)
    if fits >= len(title):
        return title
    return title[: fits - 1] + "…" if fits >= 3 else ""


def _markers(rows: list[selectors.MilestoneRow], axis: Axis) -> list[dict]:
    """A task's dots along the axis, left to right, each with as much of its title as fits:
    after the dot up to the next one, or before it back to the previous dot's label when
    there is more room there (the last dot of a line, at the end of the axis)."""
    placed = sorted(((axis.share(row.milestone.due_on), row) for row in rows), key=lambda p: p[0])
    markers = []
    taken = 0.0  # how far along the track the previous dot and its label reach
    for i, (share, row) in enumerate(placed):
        title = row.milestone.title
        after = _fitted(title, (placed[i + 1][0] if i + 1 < len(placed) else 1.0) - share)
        before = _fitted(title, share - taken)
        side = "before" if len(before) > len(after) else "after"
        label = before if side == "before" else after
        taken = share + (
            (DOT_PX + len(label) * CHARACTER_PX) / NARROWEST_TRACK_PX
            if side == "after" and label
            else DOT_PX / 2 / NARROWEST_TRACK_PX
        )
        markers.append({"row": row, "x": f"{share * 100:.2f}%", "label": label, "side": side})
    return markers


def _department_choice(request) -> tuple[Department | None, list[Department]]:
    departments = list(Department.objects.order_by("position", "code"))
    wanted = request.GET.get("department", "").strip()
    chosen = next((d for d in departments if str(d.pk) == wanted), None)
    return chosen, departments


def _scoreboard_lines(plan, as_of: date) -> list[dict]:
    return [
        {
            "department": line.department,
            "milestones": line.milestones,
            "due": line.score.due,
            "on_time_rate": line.score.on_time_rate,
            "overdue": line.score.overdue,
            "done_late": line.score.done_late,
            "average_days_late": line.score.average_days_late,
        }
        for line in selectors.scoreboard(plan=plan, as_of=as_of)
    ]


@requires("supervision.view_supervision")
def battle_map(request):
    """作战图: the key tasks by section, their milestones on a date axis coloured by their
    state on ``as_of``, a legend with the counts, and the department scoreboard."""
    as_of, as_of_error = as_of_from(request)
    plan = current_plan()
    context = {"plan": plan, "as_of": as_of, "as_of_error": as_of_error}
    if plan is None:
        return render(request, "supervision/battle_map.html", context)
    department, departments = _department_choice(request)
    sections = selectors.battle_map(
        plan=plan, as_of=as_of, user=request.user, department=department
    )
    rows = [row for section in sections for line in section.tasks for row in line.rows]
    axis = Axis.for_plan(plan, rows, as_of)
    context.update(
        department=department,
        departments=departments,
        sections=[
            {
                "section": section.section,
                "tasks": [
                    {
                        "task": line.task,
                        "state": line.state,
                        "state_label": State(line.state).label,
                        "count": len(line.rows),
                        "markers": _markers(line.rows, axis),
                    }
                    for line in section.tasks
                ],
            }
            for section in sections
        ],
        legend=selectors.state_counts(rows),
        total=len(rows),
        ticks=axis.ticks(),
        state_help=STATE_HELP,
        today_x=axis.x(as_of) if axis.contains(as_of) else None,
        axis=axis,
        scoreboard=_scoreboard_lines(plan, as_of),
        can_manage=request.user.has_perm("supervision.manage_milestones"),
    )
    return render(request, "supervision/battle_map.html", context)


@requires("supervision.view_supervision")
def scoreboard(request):
    """The department scoreboard on its own: on-time rate, overdue count, days late."""
    as_of, as_of_error = as_of_from(request)
    plan = _plan_or_404()
    return render(
        request,
        "supervision/scoreboard.html",
        {
            "plan": plan,
            "as_of": as_of,
            "as_of_error": as_of_error,
            "scoreboard": _scoreboard_lines(plan, as_of),
        },
    )


# --- a department's list ----------------------------------------------------------------------


@requires("supervision.view_supervision")
def my_list(request):
    """清单: for a department's reporter what is theirs on ``as_of``; for the plan owner the
    completions waiting for acceptance and the notices waiting for an answer. A leader does
    neither, and is shown the battle map instead."""
    if not request.user.has_perm("supervision.view_to_do"):
        target = reverse("supervision:battle_map")
        if "as_of" in request.GET:
            target += "?" + urlencode({"as_of": request.GET["as_of"]})
        return redirect(target)
    as_of, as_of_error = as_of_from(request)
    plan = _plan_or_404()
    context = {"plan": plan, "as_of": as_of, "as_of_error": as_of_error}
    user = request.user
    if user.is_reporter:
        if user.department is None:
            raise PermissionDenied
        context["department_list"] = selectors.department_list(
            plan=plan, department=user.department, as_of=as_of
        )
    else:
        context.update(
            pending=list(selectors.pending_acceptances(plan)),
            unanswered=list(
                restricted_notices(user, selectors.notices_awaiting_answer()).filter(
                    milestone__task__plan=plan
                )
            ),
        )
    return render(request, "supervision/my_list.html", context)


def restricted_notices(user, queryset=None):
    return selectors.restrict_notices(user, queryset).order_by("-raised_on", "department", "id")


# --- milestones -------------------------------------------------------------------------------


@requires("supervision.view_supervision")
def milestone_list(request):
    """The milestones the user may see, through ``MilestoneFilterSet``: a page of the table,
    or ``?format=xlsx`` for every filtered milestone with the table's columns."""
    plan = _plan_or_404()
    milestones = selectors.restrict_milestones(request.user, selectors.milestones_of(plan))
    filterset = MilestoneFilterSet(request.GET, queryset=milestones, plan=plan)
    records = filterset.qs
    as_of = filterset.as_of_or_today()
    if request.GET.get("format") == "xlsx":
        # The district's milestone sheet, with the page's filters; written and audited by
        # core.excel.
        title = _("Milestones")
        return xlsx_response(
            filename=f"{title}-{as_of.isoformat()}.xlsx",
            title="节点清单",
            headers=MILESTONE_HEADERS,
            rows=[milestone_values(selectors.row_for(m, as_of=as_of)) for m in records],
            request=request,
            obj=Milestone,
            detail={"as_of": as_of.isoformat()},
        )
    table = MilestoneTable(records, as_of=as_of)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    export = request.GET.copy()
    export.pop("page", None)
    export["format"] = "xlsx"
    return render(
        request,
        "supervision/milestone_list.html",
        {
            "plan": plan,
            "filter": filterset,
            "table": table,
            "as_of": as_of,
            "export_query": export.urlencode(),
            "can_manage": request.user.has_perm("supervision.manage_milestones"),
        },
    )


def _visible_milestone(request, pk: int) -> Milestone:
    """The milestone if the user may see it: 403 without a supervision role, 404 when it is
    another department's."""
    authorise(request.user, "supervision.view_supervision")
    queryset = selectors.milestones_with_dates()
    milestone = get_object_or_404(selectors.restrict_milestones(request.user, queryset), pk=pk)
    authorise(request.user, "supervision.view_milestone", milestone)
    return milestone


def _detail_context(request, milestone: Milestone, **forms) -> dict:
    user = request.user
    # The state as of today, or of the day the battle map was looking at.
    as_of, _error = as_of_from(request)
    updates = list(selectors.updates_for(milestone))
    can_post = user.has_perm("supervision.post_progress", milestone) and milestone.stage not in (
        Stage.DONE,
        Stage.SUBMITTED,
    )
    can_review = user.has_perm("supervision.review_progress")
    progress_form = forms.get("progress_form")
    if progress_form is None and can_post:
        progress_form = ProgressForm(initial={"version": milestone.version})
    return {
        "milestone": milestone,
        "plan": milestone.task.plan,
        "row": selectors.row_for(milestone, as_of=as_of),
        "as_of": as_of,
        "updates": updates,
        "notices": list(
            restricted_notices(user, selectors.notices_with_context().filter(milestone=milestone))
        ),
        "can_post": can_post,
        "can_review": can_review,
        "can_manage": user.has_perm("supervision.manage_milestones"),
        "progress_form": progress_form if can_post else None,
        "review_form": forms.get("review_form") or ReviewForm(),
        "review_update_id": forms.get("review_update_id"),
        "pending": [u for u in updates if u.review == Review.PENDING],
    }


def milestone_detail(request, pk: int):
    """A milestone: its plan, its state today, departments, project, progress with evidence,
    notices and answers; the lead department posts progress here (POST)."""
    milestone = _visible_milestone(request, pk)
    if request.method == "POST":
        authorise(request.user, "supervision.post_progress", milestone)
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.progress_post(
                    milestone=milestone,
                    actor=request.user,
                    kind=data["kind"],
                    narrative=data["narrative"],
                    percent=data["percent"],
                    files=data["evidence"],
                    version=data["version"],
                )
            except ValidationError as error:
                add_service_error(form, error, PROGRESS_FIELDS)
            else:
                messages.success(request, _("Progress posted."))
                return redirect("supervision:milestone_detail", pk=milestone.pk)
        return render(
            request,
            "supervision/milestone_detail.html",
            _detail_context(request, milestone, progress_form=form),
            status=400,
        )
    return render(request, "supervision/milestone_detail.html", _detail_context(request, milestone))


@require_POST
@requires("supervision.review_progress")
def progress_review(request, pk: int):
    """The plan owner accepts a completion, or sends it back with a reason."""
    update = get_object_or_404(
        ProgressUpdate.objects.filter(
            milestone__in=selectors.restrict_milestones(request.user)
        ).select_related("milestone"),
        pk=pk,
    )
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == ReviewForm.ACCEPT:
                services.progress_accept(update=update, actor=request.user, reason=data["reason"])
                messages.success(request, _("Accepted as done."))
            else:
                services.progress_return(update=update, actor=request.user, reason=data["reason"])
                messages.success(request, _("Sent back to the department."))
        except ValidationError as error:
            add_service_error(form, error, {})
        else:
            return redirect("supervision:milestone_detail", pk=update.milestone_id)
    else:
        form.add_error(None, _("Choose accept or send back."))
    milestone = _visible_milestone(request, update.milestone_id)
    return render(
        request,
        "supervision/milestone_detail.html",
        _detail_context(request, milestone, review_form=form, review_update_id=update.pk),
        status=400,
    )


@requires("supervision.view_supervision")
def evidence_download(request, pk: int):
    """An evidence file, to those who may see its milestone, as an attachment with the type
    it was checked to be."""
    evidence = get_object_or_404(
        Evidence.objects.filter(
            update__milestone__in=selectors.restrict_milestones(request.user)
        ).select_related("update__milestone"),
        pk=pk,
    )
    authorise(request.user, "supervision.view_milestone", evidence.update.milestone)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )


# --- planning ---------------------------------------------------------------------------------


def _milestone_arguments(data) -> dict:
    return {
        "title": data["title"],
        "deliverable": data["deliverable"],
        "due_on": data["due_on"],
        "lead_department": data["lead_department"],
        "cooperating_departments": list(data["cooperating_departments"]),
        "project": data["project"],
    }


@requires("supervision.manage_milestones")
def milestone_create(request):
    plan = _plan_or_404()
    if request.method == "POST":
        form = MilestoneForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                milestone = services.milestone_create(
                    task=form.cleaned_data["task"],
                    actor=request.user,
                    **_milestone_arguments(form.cleaned_data),
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, _("Milestone added."))
                return redirect("supervision:milestone_detail", pk=milestone.pk)
        status = 400
    else:
        initial = {}
        task = request.GET.get("task", "")
        if task.isdigit():
            initial["task"] = plan.tasks.filter(pk=task).first()
        form = MilestoneForm(plan=plan, initial=initial)
        status = 200
    return render(
        request,
        "supervision/milestone_form.html",
        {"form": form, "plan": plan, "milestone": None},
        status=status,
    )


@requires("supervision.manage_milestones")
def milestone_edit(request, pk: int):
    milestone = _visible_milestone(request, pk)
    plan = milestone.task.plan
    if request.method == "POST":
        form = MilestoneEditForm(request.POST, plan=plan, initial={"task": milestone.task})
        # A milestone stays with its task: the field is shown, its posted value ignored.
        form.fields["task"].disabled = True
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.milestone_change(
                    milestone=milestone,
                    actor=request.user,
                    version=data["version"],
                    **_milestone_arguments(data),
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, _("Milestone saved."))
                return redirect("supervision:milestone_detail", pk=milestone.pk)
        status = 400
    else:
        form = MilestoneEditForm(
            plan=plan,
            initial={
                "task": milestone.task,
                "project": milestone.project,
                "title": milestone.title,
                "deliverable": milestone.deliverable,
                "due_on": milestone.due_on,
                "lead_department": milestone.lead_department,
                "cooperating_departments": list(milestone.cooperating_departments.all()),
                "version": milestone.version,
            },
        )
        status = 200
    form.fields["task"].disabled = True
    return render(
        request,
        "supervision/milestone_form.html",
        {"form": form, "plan": plan, "milestone": milestone},
        status=status,
    )


@requires("supervision.view_supervision")
def project_list(request):
    """The projects (项目) through which tasks are delivered, by task."""
    plan = _plan_or_404()
    projects = (
        selectors.restrict_projects(request.user, Project.objects.filter(task__plan=plan))
        .select_related("task", "lead_department")
        .order_by("task__number", "name")
    )
    return render(
        request,
        "supervision/project_list.html",
        {
            "plan": plan,
            "projects": projects,
            "can_manage": request.user.has_perm("supervision.manage_milestones"),
        },
    )


@requires("supervision.manage_milestones")
def project_create(request):
    plan = _plan_or_404()
    if request.method == "POST":
        form = ProjectForm(request.POST, plan=plan)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.project_create(
                    task=data["task"],
                    name=data["name"],
                    lead_department=data["lead_department"],
                    stage=data["stage"],
                    description=data["description"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, _("Project added."))
                return redirect("supervision:project_list")
        status = 400
    else:
        form = ProjectForm(plan=plan)
        status = 200
    return render(
        request, "supervision/project_form.html", {"form": form, "plan": plan}, status=status
    )


@requires("supervision.manage_milestones")
def policy_edit(request):
    """The escalation ladder: days of the reminder before, and of the public notice after."""
    plan = _plan_or_404()
    policy = selectors.policy_for(plan)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.policy_update(
                    plan=plan,
                    remind_days_before=data["remind_days_before"],
                    circular_after_days=data["circular_after_days"],
                    version=data["version"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, _("Supervision rules saved."))
                return redirect("supervision:policy")
        status = 400
    else:
        form = PolicyForm(
            initial={
                "remind_days_before": policy.remind_days_before,
                "circular_after_days": policy.circular_after_days,
                "version": policy.version,
            }
        )
        status = 200
    return render(
        request,
        "supervision/policy_form.html",
        {"form": form, "plan": plan, "policy": policy},
        status=status,
    )


# --- notices ----------------------------------------------------------------------------------


@requires("supervision.view_supervision")
def notice_list(request):
    notices = restricted_notices(request.user, selectors.notices_with_context())
    filterset = NoticeFilterSet(request.GET, queryset=notices)
    table = NoticeTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "supervision/notice_list.html",
        {"filter": filterset, "table": table},
    )


@requires("supervision.view_supervision")
def notice_detail(request, pk: int):
    """A notice; its department answers it here (reason and new date)."""
    notice = get_object_or_404(
        restricted_notices(
            request.user,
            selectors.notices_with_context().select_related("milestone__lead_department"),
        ),
        pk=pk,
    )
    authorise(request.user, "supervision.view_notice", notice)
    can_answer = request.user.has_perm("supervision.answer_notice", notice) and notice.awaits_answer
    status = 200
    form = NoticeAnswerForm() if can_answer else None
    if request.method == "POST":
        authorise(request.user, "supervision.answer_notice", notice)
        form = NoticeAnswerForm(request.POST)
        if form.is_valid():
            try:
                services.notice_answer(
                    notice=notice,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    new_date=form.cleaned_data["new_date"],
                )
            except ValidationError as error:
                add_service_error(form, error, ANSWER_FIELDS)
            else:
                messages.success(request, _("Answer sent."))
                return redirect("supervision:notice_detail", pk=notice.pk)
        status = 400
    subject, body = services.notice_text(notice)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "subject": subject,
            "body": body,
            "form": form,
            "is_reminder": notice.level == NoticeLevel.REMINDER,
        },
        status=status,
    )
