"""The audit administrator's read-only pages: the trail, one record, its Excel export."""

import json

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from innoplan.accounts.permissions import authorise, requires

from . import selectors
from .events import Event
from .exports import xlsx_response
from .filters import AuditEventFilterSet
from .models import AuditEvent

PER_PAGE = 50
EXPORT_LIMIT = 100_000


def _export_row(record: AuditEvent) -> list:
    return [
        record.id,
        timezone.localtime(record.occurred_at),
        record.actor_name,
        record.ip,
        record.get_event_display(),
        record.get_outcome_display(),
        record.object_type_name,
        record.object_id,
        record.object_repr,
        json.dumps(record.detail, ensure_ascii=False, sort_keys=True),
        record.hash,
    ]


@require_GET
@requires("audit.view_trail")
def event_list(request):
    filterset = AuditEventFilterSet(request.GET, queryset=selectors.audit_events(request.user))
    records = filterset.qs
    if request.GET.get("format") == "xlsx":
        authorise(request.user, "audit.export_trail")
        headers = [
            _("Sequence"),
            _("Time"),
            _("User"),
            _("IP address"),
            _("Event"),
            _("Outcome"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Detail"),
            _("Hash"),
        ]
        title = _("Audit trail")
        return xlsx_response(
            filename=f"{title}-{timezone.localdate().isoformat()}.xlsx",
            title=title,
            headers=headers,
            rows=(_export_row(r) for r in records[:EXPORT_LIMIT].iterator()),
            request=request,
            obj=AuditEvent,
            event=Event.AUDIT_EXPORT,
        )
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export = query.copy()
    export["format"] = "xlsx"
    return render(
        request,
        "audit/event_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "query": query.urlencode(),
            "export_query": export.urlencode(),
        },
    )


@require_GET
@requires("audit.view_trail")
def event_detail(request, pk: int):
    record = get_object_or_404(selectors.audit_events(request.user), pk=pk)
    return render(
        request,
        "audit/event_detail.html",
        {
            "record": record,
            "detail_text": json.dumps(record.detail, ensure_ascii=False, indent=2, sort_keys=True),
            "changes": selectors.log_entry_changes(record),
            "batch": selectors.batch_entries(record),
        },
    )
