"""The plan upload page (规划文本上传): the plan owner uploads a plan document, reviews the
proposed plan the parser read from it — header, targets (in the plan's own units), sections,
tasks with the lead departments the document names, measures, with what the parser was unsure
of marked and each target's words highlighted in the source — edits it, sees what loading it
changes, and confirms; the confirmed plan goes through ``parse_plan_yaml`` and
``plan_upload_confirm`` exactly as ``innoplan plan parse`` followed by ``innoplan loadplan``
would.

The proposal travels between the requests in a signed hidden field (salted, a day at most):
the client may send it back, not change it. Three steps, one URL, the button says which:

- ``review`` (the proposal page's button): the edited fields are read beside the proposal and
  applied to it, the schema checks the result, and the summary of what the load changes is
  shown. The proposal is signed again with the edits applied and the digest of that summary
  (``reviewed``); nothing is written.
- ``load`` (the summary's button): only a reviewed proposal is loaded, and only while the load
  still changes what the summary said: compared and loaded in one transaction. Otherwise the
  summary is shown again as it now stands.
- ``edit`` (back from the summary): the proposal page again, with the edits kept.

A target's value is typed in its display unit (30 亿元) and kept in the base unit (元)."""

from __future__ import annotations

import contextlib
import datetime
import re
from dataclasses import asdict
from decimal import Decimal, InvalidOperation

import yaml
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from innoplan.accounts.permissions import authorise
from innoplan.audit.events import Event, Outcome
from innoplan.audit.services import record_event
from innoplan.core.numbers import format_number, format_quantity, from_display, to_display
from innoplan.plans import selectors
from innoplan.plans.ingest.changes import (
    ADDED,
    CHANGED,
    REMOVED,
    Change,
    PlanChanges,
    Snapshot,
    TargetEntry,
    TaskEntry,
    plan_changes,
    snapshot_of,
)
from innoplan.plans.ingest.parser import ParseResult, parse_plan_text, to_yaml
from innoplan.plans.ingest.schema import (
    COMPARATORS,
    PlanDocument,
    PlanDocumentError,
    parse_plan_yaml,
)
from innoplan.plans.ingest_forms import PlanUploadForm, ProposalForm, sign_proposal
from innoplan.plans.models import Indicator, Plan, ReportedValue, Task
from innoplan.plans.services import plan_upload_confirm
from innoplan.plans.templatetags.plan_display import comparator_sign

HEADER_FIELDS = ("title", "issuer", "doc_number", "date", "start_year", "deadline_year")
TARGET_FIELDS = ("indicator", "comparator", "value", "unit", "display_unit", "year", "annual")
INTEGER_FIELDS = {"start_year", "deadline_year", "year", "number"}
COMPARATOR_LABELS = {
    ">=": gettext_lazy("at least (≥)"),
    ">": gettext_lazy("more than (>)"),
    "=": gettext_lazy("exactly (=)"),
    "~": gettext_lazy("about (~)"),
}
# Where the parser places a doubt that belongs to no target, in the page's words.
HEADER_LABELS = {
    "title": gettext_lazy("Title"),
    "issuer": gettext_lazy("Issuer"),
    "doc_number": gettext_lazy("Document number"),
    "date": gettext_lazy("Date issued (YYYY-MM-DD)"),
    "start_year": gettext_lazy("Start year"),
    "deadline_year": gettext_lazy("Deadline year"),
}
_INTEGER = re.compile(r"[+-]?\d+")
# The summary's words for what a change is about and what it does.
KIND_LABELS = {
    "plan": gettext_lazy("Plan"),
    "goal_group": gettext_lazy("Goal group"),
    "section": gettext_lazy("Section"),
    "task": gettext_lazy("Task"),
    "target": gettext_lazy("Indicator"),
    "measure": gettext_lazy("Measure"),
}
KIND_ORDER = ("plan", "target", "task", "goal_group", "section", "measure")
ACTION_LABELS = {
    ADDED: gettext_lazy("Added"),
    CHANGED: gettext_lazy("Changed"),
    REMOVED: gettext_lazy("Removed"),
}
ACTION_TONES = {ADDED: "success", CHANGED: "warning", REMOVED: "danger"}


# --- the proposal: parser result -> signed payload -> plan dict ---------------------------------


def _payload(result: ParseResult, *, text: str, name: str) -> dict:
    return {
        "name": name,
        "yaml": to_yaml(result),
        "text": text,
        "sources": [asdict(item) for item in result.sources],
        "unsure": [asdict(item) for item in result.unsure],
        "unplaced": [asdict(item) for item in result.unplaced],
        "leads": [asdict(item) for item in result.leads],
    }


def _unreviewed(payload: dict) -> dict:
    """The proposal as the proposal page carries it: a summary confirms nothing there."""
    return {key: value for key, value in payload.items() if key != "reviewed"}


def _as_decimal(value):
    """YAML reads 3.5 as a float; the plan's figures are Decimals, taken from the text."""
    return Decimal(repr(value)) if isinstance(value, float) else value


def _plan_of(payload: dict) -> dict:
    plan = yaml.safe_load(payload["yaml"])
    for target in _targets(plan):
        target[1]["value"] = _as_decimal(target[1]["value"])
    return plan


def _targets(plan: dict):
    """(path, target dict, prefix of its form fields, owner) for every target of the plan."""
    for g, group in enumerate(plan.get("goal_groups") or []):
        for t, target in enumerate(group.get("targets") or []):
            yield f"goal_groups[{g}].targets[{t}]", target, f"g{g}-t{t}", group.get("name")
    for s, section in enumerate(plan.get("sections") or []):
        for k, task in enumerate(section.get("tasks") or []):
            for t, target in enumerate(task.get("targets") or []):
                owner = _("Task %(number)s") % {"number": task.get("number")}
                yield f"sections[{s}].tasks[{k}].targets[{t}]", target, f"s{s}-k{k}-t{t}", owner


def _typed(name: str, raw: str):
    """What a person typed, as the schema expects it; left as text when it is not, so that
    the schema names the field and says what is wrong."""
    text = raw.strip()
    if name in INTEGER_FIELDS and _INTEGER.fullmatch(text):
        return int(text)
    if name == "value":
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return text
        return value if value.is_finite() else text
    if name == "date":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _apply_edits(plan: dict, post) -> dict:
    """Apply the edited fields of the proposal page onto the signed plan; a field missing
    from the request keeps the proposed value (a checkbox missing means "not annual").

    A value is typed in its row's display unit and kept in the base unit, exactly (the
    factors are powers of ten). One with no conversion between the row's units is kept as
    typed; the schema then refuses the display unit by its field."""

    def take(container: dict, key: str, name: str) -> None:
        if name in post:
            container[key] = _typed(key, post[name])

    for key in HEADER_FIELDS:
        take(plan["plan"], key, f"h-{key}")
    for g, group in enumerate(plan.get("goal_groups") or []):
        take(group, "name", f"g{g}-name")
    for s, section in enumerate(plan.get("sections") or []):
        take(section, "title", f"s{s}-title")
        for k, task in enumerate(section.get("tasks") or []):
            take(task, "title", f"s{s}-k{k}-title")
    for m, measure in enumerate(plan.get("measures") or []):
        take(measure, "title", f"m{m}-title")
    for _path, target, prefix, _owner in _targets(plan):
        for key in TARGET_FIELDS:
            if key == "annual":
                target["annual"] = f"{prefix}-annual" in post
            else:
                take(target, key, f"{prefix}-{key}")
        if f"{prefix}-value" in post and isinstance(target["value"], Decimal):
            with contextlib.suppress(ValueError):  # no conversion: the schema says so
                target["value"] = from_display(
                    target["value"], str(target["unit"]), str(target["display_unit"])
                )
    return plan


# --- figures in the plan's own units --------------------------------------------------------------


def _exact(number: Decimal) -> str:
    """A number with thousands separators and every decimal it has: 1,500, 30, 3.5."""
    number = number.normalize()
    return format_number(number, max(0, -number.as_tuple().exponent))


def _value_shown(target: dict) -> str:
    """A target's value as its input shows it: in its display unit, exactly (30 for 30 亿元);
    as typed when it is no number or has no conversion to its display unit."""
    value = target.get("value")
    if not isinstance(value, (Decimal, int)):
        return "" if value is None else str(value)
    try:
        return _exact(to_display(Decimal(value), target["unit"], target["display_unit"]))
    except (ValueError, TypeError, InvalidOperation):
        return _exact(Decimal(value))


def _quantity(value, unit: str, display_unit: str) -> str:
    try:
        return format_quantity(Decimal(value), unit, display_unit)
    except (ValueError, TypeError, InvalidOperation):
        return f"{value} {unit}"


def _reading(target: dict) -> str | None:
    """What a target states, as the dashboard writes it: "≥ 30 亿元"; None for a value that
    is no number yet."""
    value = target.get("value")
    if not isinstance(value, (Decimal, int)):
        return None
    quantity = _quantity(value, str(target.get("unit")), str(target.get("display_unit")))
    return f"{comparator_sign(target.get('comparator'))} {quantity}"


def _reading_in(target: TargetEntry) -> str:
    """A target of the summary: its reading, its year, whether it is a yearly figure."""
    words = {"reading": _reading(asdict(target)), "year": target.year}
    if target.annual:
        return _("%(reading)s a year, to %(year)s") % words
    return _("%(reading)s by %(year)s") % words


# --- the page ------------------------------------------------------------------------------------


def _source_lines(
    text: str, sources: list[dict], unplaced: list[dict], readings: dict[str, tuple]
) -> list[dict]:
    """The document a line each, each target's words as a marked segment with what was read
    from them and the row they became (``readings``: path -> (reading, row prefix))."""
    spans: dict[int, list[dict]] = {}
    for source in sources:
        spans.setdefault(source["line"], []).append(source)
    unplaced_lines = {item["line"] for item in unplaced}
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        segments, cursor = [], 0
        for span in sorted(spans.get(number, []), key=lambda s: (s["start"], s["end"])):
            start, end = span["start"], span["end"]
            if start < cursor or end > len(line) or start >= end:
                continue
            if start > cursor:
                segments.append({"text": line[cursor:start]})
            reading, row = readings.get(span["path"], (None, None))
            segments.append(
                {"text": line[start:end], "path": span["path"], "reading": reading, "row": row}
            )
            cursor = end
        if cursor < len(line):
            segments.append({"text": line[cursor:]})
        lines.append({"number": number, "segments": segments, "unplaced": number in unplaced_lines})
    return lines


def _shown(value):
    """A header value as its input shows it: a date as YYYY-MM-DD, whatever the language."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def _problems_at(problems, path: str) -> list:
    return [p for p in problems if p.field == path or p.field.startswith(path + ".")]


def _place(what: str) -> str:
    """The parser names a doubt's place as ``plan.<field>``, ``measure X``, ``goal group X``
    or ``section X``; the page names it as its own headings do."""
    if what.startswith("plan.") and what[5:] in HEADER_LABELS:
        return str(HEADER_LABELS[what[5:]])
    if what == "measures":
        return _("Safeguard measures")
    for prefix, label in (
        ("measure ", _("Measure")),
        ("goal group ", _("Goal group")),
        ("section ", _("Section")),
    ):
        if what.startswith(prefix):
            return f"{label} {what[len(prefix) :]}"
    return what


def _in_language(items: list[dict]) -> list[dict]:
    """The parser's reasons are marked for translation where it states them."""
    return [{**item, "why": _(item["why"])} for item in items]


def _anchor(path: str | None) -> str | None:
    """The id of the page's row for a doubt's place in the plan (``measures[1]`` -> the
    second measure's row), or None."""
    match = re.fullmatch(r"measures\[(\d+)\]", path or "")
    return f"measure-m{match.group(1)}" if match else None


def _kept_leads(doc_number) -> dict[int, list[str]]:
    """The lead departments of the tasks of the plan already loaded under this document
    number, by task number: a load keeps a task's departments while its number stays."""
    if not doc_number:
        return {}
    tasks = Task.objects.filter(plan__doc_number=doc_number).prefetch_related(
        "assignments__department"
    )
    return {
        task.number: [department.name for department in selectors.lead_departments(task)]
        for task in tasks
    }


def _proposal_context(token: str, payload: dict, plan: dict, problems=()) -> dict:
    sources = {source["path"]: source for source in payload["sources"]}
    unsure = _in_language(payload["unsure"])
    unsure_by_place = {}
    for item in unsure:
        unsure_by_place.setdefault((item["what"], item["line"]), []).append(item["why"])
    unsure_by_path = {}
    for item in unsure:
        if item.get("path"):
            unsure_by_path.setdefault(item["path"], []).append(item)
    placed = set()
    rows = []
    for number, (target_path, target, prefix, owner) in enumerate(_targets(plan), start=1):
        source = sources.get(target_path)
        reasons = []
        if source is not None:
            place = (source["text"], source["line"])
            reasons = unsure_by_place.get(place, [])
            placed.add(place)
        rows.append(
            {
                "number": number,
                "path": target_path,
                "prefix": prefix,
                "owner": owner,
                "task": target_path.startswith("sections"),
                "target": target,
                "value": _value_shown(target),
                "reading": _reading(target),
                "source": source,
                "unsure": reasons,
                "problems": _problems_at(problems, target_path),
            }
        )
    general_unsure = [
        {**item, "what": _place(item["what"]), "anchor": _anchor(item.get("path"))}
        for item in unsure
        if (item["what"], item["line"]) not in placed
    ]
    stated = {lead["path"]: lead for lead in payload.get("leads", [])}
    kept = _kept_leads(plan["plan"].get("doc_number"))
    sections = []
    for s, section in enumerate(plan.get("sections") or []):
        tasks = [
            {
                "prefix": f"s{s}-k{k}",
                "task": task,
                "leads": stated.get(f"sections[{s}].tasks[{k}]"),
                "kept": kept.get(task.get("number"), []),
            }
            for k, task in enumerate(section["tasks"])
        ]
        sections.append({"prefix": f"s{s}", "section": section, "tasks": tasks})
    readings = {row["path"]: (row["reading"], row["prefix"]) for row in rows}
    return {
        "token": token,
        "name": payload["name"],
        "header": [
            {
                "key": key,
                "name": f"h-{key}",
                "label": HEADER_LABELS[key],
                "value": _shown(plan["plan"].get(key)),
            }
            for key in HEADER_FIELDS
        ],
        "groups": [
            {"prefix": f"g{g}", "group": group} for g, group in enumerate(plan["goal_groups"])
        ],
        "rows": rows,
        "goal_rows": [row for row in rows if not row["task"]],
        "task_rows": [row for row in rows if row["task"]],
        "unsure_count": sum(1 for row in rows if row["unsure"]),
        "sections": sections,
        "leads_stated": bool(stated),
        "leads_kept": any(kept.values()),
        "measures": [
            {
                "prefix": f"m{m}",
                "number": m + 1,
                "measure": measure,
                "unsure": unsure_by_path.get(f"measures[{m}]", []),
            }
            for m, measure in enumerate(plan["measures"])
        ],
        "general_unsure": general_unsure,
        "unplaced": _in_language(payload["unplaced"]),
        "lines": _source_lines(payload["text"], payload["sources"], payload["unplaced"], readings),
        "comparators": [(value, COMPARATOR_LABELS[value]) for value in COMPARATORS],
        "problems": list(problems),
    }


def plan_ingest(request):
    """GET: the upload form. POST: read the document and show the proposed plan."""
    authorise(request.user, "plans.manage_plan")
    if request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES)
        if form.is_valid():
            document = form.cleaned_data["document"]
            result = parse_plan_text(document.text)
            payload = _payload(result, text=document.text, name=form.cleaned_data["file"].name)
            token = sign_proposal(payload)
            return render(
                request,
                "plans/ingest/proposal.html",
                _proposal_context(token, payload, _plan_of(payload)),
            )
        status = 400
    else:
        form = PlanUploadForm()
        status = 200
    return render(request, "plans/ingest/upload.html", {"form": form}, status=status)


# --- the summary of what the load changes ---------------------------------------------------------


def _loaded_snapshot(doc_number: str) -> tuple[Snapshot | None, set[str]]:
    """The plan loaded under this document number as the load compares it, and the names of
    its indicators that have reported figures; (None, set()) when there is none."""
    plan = Plan.objects.filter(doc_number=doc_number).first()
    if plan is None:
        return None, set()
    indicators = (
        plan.indicators.select_related("goal_group", "task")
        .prefetch_related("targets")
        .annotate(has_figures=Exists(ReportedValue.objects.filter(indicator=OuterRef("pk"))))
    )
    targets: dict[tuple[str, int], TargetEntry] = {}
    with_figures: set[str] = set()
    for indicator in indicators:
        if indicator.has_figures:
            with_figures.add(indicator.name)
        for target in indicator.targets.all():
            targets[(indicator.name, target.year)] = _loaded_target(indicator, target)
    tasks = {
        task.number: TaskEntry(task.number, task.title, task.section.title)
        for task in plan.tasks.select_related("section")
    }
    snapshot = Snapshot(
        doc_number=plan.doc_number,
        header={
            "title": plan.title,
            "issuer": plan.issuer,
            "date": plan.issued_on,
            "start_year": plan.start_year,
            "deadline_year": plan.deadline_year,
        },
        goal_groups=tuple(plan.goal_groups.order_by("position").values_list("name", flat=True)),
        sections=tuple(plan.sections.order_by("position").values_list("title", flat=True)),
        tasks=tasks,
        targets=targets,
        measures=tuple(plan.measures.order_by("position").values_list("title", flat=True)),
    )
    return snapshot, with_figures


def _loaded_target(indicator: Indicator, target) -> TargetEntry:
    return TargetEntry(
        indicator=indicator.name,
        year=target.year,
        comparator=target.comparator,
        value=target.value,
        unit=indicator.unit,
        display_unit=indicator.display_unit,
        annual=indicator.annual,
        text=target.text,
        group=indicator.goal_group.name if indicator.goal_group else None,
        task=indicator.task.number if indicator.task else None,
    )


def _changes(document: PlanDocument) -> PlanChanges:
    loaded, with_figures = _loaded_snapshot(document.header.doc_number)
    return plan_changes(loaded, snapshot_of(document), with_figures=with_figures)


def _owner(target: TargetEntry) -> str:
    if target.task is not None:
        return _("Task %(number)s") % {"number": target.task}
    return f"{_('Goal group')} {target.group}"


def _change_row(change: Change) -> dict:
    """One line of the summary: what, and how it reads before and after."""
    before = after = None
    notes = []
    name = change.name
    if change.kind == "plan":
        name = str(HEADER_LABELS.get(change.name, change.name))
        before, after = _shown(change.before), _shown(change.after)
    elif change.kind == "task":
        name = _("Task %(number)s") % {"number": change.name}
        before = change.before.title if isinstance(change.before, TaskEntry) else None
        after = change.after.title if isinstance(change.after, TaskEntry) else None
        if "section" in change.fields:
            notes.append(
                _("Section: %(before)s → %(after)s")
                % {"before": change.before.section, "after": change.after.section}
            )
    elif change.kind == "target":
        if isinstance(change.before, TargetEntry):
            before = _reading_in(change.before)
        if isinstance(change.after, TargetEntry):
            after = _reading_in(change.after)
        if "text" in change.fields:
            notes.append(
                _("Words: %(before)s → %(after)s")
                % {"before": change.before.text, "after": change.after.text}
            )
        if "group" in change.fields or "task" in change.fields:
            notes.append(
                _("Belongs to: %(before)s → %(after)s")
                % {"before": _owner(change.before), "after": _owner(change.after)}
            )
        if change.blocked:
            notes.append(
                _(
                    "It has reported figures: a load cannot remove it. Go back and keep "
                    "the indicator's name."
                )
            )
    return {
        "id": f"change-{change.kind}-{change.action}-{change.name}",
        "kind": KIND_LABELS[change.kind],
        "action": ACTION_LABELS[change.action],
        "tone": ACTION_TONES[change.action],
        "name": name,
        "before": before,
        "after": after,
        "notes": notes,
        "blocked": change.blocked,
    }


def _summary(request, payload: dict, document: PlanDocument, changes: PlanChanges, *, stale=False):
    """The summary page: what loading the proposal does, signed with what it says."""
    reviewed = {**payload, "reviewed": changes.digest}
    ordered = sorted(changes.changes, key=lambda change: KIND_ORDER.index(change.kind))
    counts = changes.counts
    context = {
        "token": sign_proposal(reviewed),
        "name": payload["name"],
        "header": document.header,
        "changes": changes,
        "counts": [
            (_("Goal groups"), counts["goal_groups"]),
            (_("Targets"), counts["targets"]),
            (_("Sections"), counts["sections"]),
            (_("Tasks"), counts["tasks"]),
            (_("Measures"), counts["measures"]),
        ],
        "rows": [_change_row(change) for change in ordered],
        "blocked": [change.name for change in changes.blocked],
        "tasks_removed": any(
            change.kind == "task" and change.action == REMOVED for change in changes.changes
        ),
        "stale": stale,
    }
    status = 409 if stale else 200
    return render(request, "plans/ingest/confirm.html", context, status=status)


def _proposal_page(request, payload: dict, plan: dict, *, problems=(), load_errors=()):
    payload = _unreviewed(payload)
    context = _proposal_context(sign_proposal(payload), payload, plan, problems)
    if load_errors:
        context["load_errors"] = load_errors
    status = 400 if problems or load_errors else 200
    return render(request, "plans/ingest/proposal.html", context, status=status)


def _record_confirm(request, payload: dict, outcome: str, *, plan=None, error: str = "") -> None:
    detail = {"file": payload["name"]}
    if error:
        detail["error"] = error
    record_event(Event.IMPORT_CONFIRM, request=request, obj=plan, outcome=outcome, detail=detail)


class _Stale(Exception):
    """The load would no longer change what the summary said."""

    def __init__(self, changes: PlanChanges):
        self.changes = changes


@require_POST
def plan_ingest_confirm(request):
    """The proposal's three steps (see the module): show what loading it as edited changes;
    load it once that summary is confirmed; or go back to editing it."""
    authorise(request.user, "plans.manage_plan")
    proposal = ProposalForm(request.POST)
    if not proposal.is_valid():
        context = {"form": PlanUploadForm(), "refusals": proposal.errors.get("proposal", [])}
        return render(request, "plans/ingest/upload.html", context, status=400)
    payload = proposal.cleaned_data["proposal"]
    step = request.POST.get("step")
    if "reviewed" not in payload:
        # From the proposal page, whichever button was sent: its edits, then the summary.
        plan = _apply_edits(_plan_of(payload), request.POST)
        text = to_yaml(ParseResult(plan=plan))
        try:
            document = parse_plan_yaml(text, source=payload["name"])
        except PlanDocumentError as error:
            return _proposal_page(request, payload, plan, problems=error.problems)
        return _summary(request, {**payload, "yaml": text}, document, _changes(document))
    if step == "edit":
        return _proposal_page(request, payload, _plan_of(payload))
    try:
        document = parse_plan_yaml(payload["yaml"], source=payload["name"])
    except PlanDocumentError as error:  # the schema changed since the summary was signed
        return _proposal_page(request, payload, _plan_of(payload), problems=error.problems)
    if step != "load":
        return _summary(request, payload, document, _changes(document))
    try:
        # Compared and loaded in one transaction: what is loaded is what the summary said.
        with transaction.atomic():
            changes = _changes(document)
            if changes.digest != payload["reviewed"]:
                raise _Stale(changes)
            result = plan_upload_confirm(
                document=document, actor=request.user, file_name=payload["name"]
            )
    except _Stale as stale:
        return _summary(request, payload, document, stale.changes, stale=True)
    except ValidationError as error:
        _record_confirm(request, payload, Outcome.FAILURE, error=" ".join(error.messages))
        return _proposal_page(request, payload, _plan_of(payload), load_errors=error.messages)
    messages.success(
        request,
        _("The plan “%(title)s” was loaded: %(indicators)s indicators.")
        % {"title": result.plan.title, "indicators": result.plan.indicators.count()},
    )
    return redirect("dashboard:home")
