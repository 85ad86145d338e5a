"""The plan upload page (规划文本上传): the plan owner uploads a plan document, reviews the
proposed plan the parser read from it — header, targets, sections, tasks, measures, with what
the parser was unsure of marked and each target's words highlighted in the source — edits it,
and confirms; the confirmed plan goes through ``parse_plan_yaml`` and ``plan_load`` exactly as
``innoplan plan parse`` followed by ``innoplan loadplan`` would.

The proposal travels between the two requests in a signed hidden field (salted, a day at
most): the client may send it back, not change it. The edited fields are read beside it and
applied to it; the schema checks the result before anything is written."""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict
from decimal import Decimal, InvalidOperation

import yaml
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from innoplan.accounts.permissions import authorise
from innoplan.audit.events import Event, Outcome
from innoplan.audit.services import record_event
from innoplan.plans.ingest.parser import ParseResult, parse_plan_text, to_yaml
from innoplan.plans.ingest.schema import COMPARATORS, PlanDocumentError, parse_plan_yaml
from innoplan.plans.ingest_forms import PlanUploadForm, ProposalForm, sign_proposal
from innoplan.plans.services import plan_upload_confirm

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


# --- the proposal: parser result -> signed payload -> plan dict ---------------------------------


def _payload(result: ParseResult, *, text: str, name: str) -> dict:
    return {
        "name": name,
        "yaml": to_yaml(result),
        "text": text,
        "sources": [asdict(item) for item in result.sources],
        "unsure": [asdict(item) for item in result.unsure],
        "unplaced": [asdict(item) for item in result.unplaced],
    }


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
    from the request keeps the proposed value (a checkbox missing means "not annual")."""

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
    return plan


# --- the page ------------------------------------------------------------------------------------


def _source_lines(text: str, sources: list[dict], unplaced: list[dict]) -> list[dict]:
    """The document a line each, each target's words as a marked segment."""
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
            segments.append({"text": line[start:end], "path": span["path"]})
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
    """The parser names a doubt's place as ``plan.<field>``, ``measures``, ``goal group X`` or
    ``section X``; the page names it as its own headings do."""
    if what.startswith("plan.") and what[5:] in HEADER_LABELS:
        return str(HEADER_LABELS[what[5:]])
    if what == "measures":
        return _("Safeguard measures")
    for prefix, label in (("goal group ", _("Goal group")), ("section ", _("Section"))):
        if what.startswith(prefix):
            return f"{label} {what[len(prefix) :]}"
    return what


def _in_language(items: list[dict]) -> list[dict]:
    """The parser's reasons are marked for translation where it states them."""
    return [{**item, "why": _(item["why"])} for item in items]


def _proposal_context(token: str, payload: dict, plan: dict, problems=()) -> dict:
    sources = {source["path"]: source for source in payload["sources"]}
    unsure = _in_language(payload["unsure"])
    unsure_by_place = {}
    for item in unsure:
        unsure_by_place.setdefault((item["what"], item["line"]), []).append(item["why"])
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
                "source": source,
                "unsure": reasons,
                "problems": _problems_at(problems, target_path),
            }
        )
    general_unsure = [
        {**item, "what": _place(item["what"])}
        for item in unsure
        if (item["what"], item["line"]) not in placed
    ]
    sections = []
    for s, section in enumerate(plan.get("sections") or []):
        tasks = [{"prefix": f"s{s}-k{k}", "task": task} for k, task in enumerate(section["tasks"])]
        sections.append({"prefix": f"s{s}", "section": section, "tasks": tasks})
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
        "measures": [
            {"prefix": f"m{m}", "measure": measure} for m, measure in enumerate(plan["measures"])
        ],
        "general_unsure": general_unsure,
        "unplaced": _in_language(payload["unplaced"]),
        "lines": _source_lines(payload["text"], payload["sources"], payload["unplaced"]),
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


def _record_confirm(request, payload: dict, outcome: str, *, plan=None, error: str = "") -> None:
    detail = {"file": payload["name"]}
    if error:
        detail["error"] = error
    record_event(Event.IMPORT_CONFIRM, request=request, obj=plan, outcome=outcome, detail=detail)


@require_POST
def plan_ingest_confirm(request):
    """Load the proposal as edited, when the schema accepts it; else show it again."""
    authorise(request.user, "plans.manage_plan")
    proposal = ProposalForm(request.POST)
    if not proposal.is_valid():
        context = {"form": PlanUploadForm(), "refusals": proposal.errors.get("proposal", [])}
        return render(request, "plans/ingest/upload.html", context, status=400)
    payload = proposal.cleaned_data["proposal"]
    token = request.POST["proposal"]
    plan = _apply_edits(_plan_of(payload), request.POST)
    text = to_yaml(ParseResult(plan=plan))
    try:
        document = parse_plan_yaml(text, source=payload["name"])
        result = plan_upload_confirm(
            document=document, actor=request.user, file_name=payload["name"]
        )
    except PlanDocumentError as error:
        context = _proposal_context(token, payload, plan, error.problems)
        return render(request, "plans/ingest/proposal.html", context, status=400)
    except ValidationError as error:
        _record_confirm(request, payload, Outcome.FAILURE, error=" ".join(error.messages))
        context = _proposal_context(token, payload, plan)
        context["load_errors"] = error.messages
        return render(request, "plans/ingest/proposal.html", context, status=400)
    messages.success(
        request,
        _("The plan “%(title)s” was loaded: %(indicators)s indicators.")
        % {"title": result.plan.title, "indicators": result.plan.indicators.count()},
    )
    return redirect("dashboard:home")
