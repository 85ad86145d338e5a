"""Audit log entries (django-auditlog) as rows a page can show: when, who, what, field: old → new.

auditlog's own ``changes_display_dict`` looks up every foreign key with a query of its own;
here the related objects of all entries are fetched together, one query per related model,
so a page's query count does not grow with its history.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

# Bookkeeping fields that say nothing a reader needs.
HIDDEN_FIELDS = {"id", "created", "updated"}

# django-auditlog ships no Chinese catalogue: the names of its actions (LogEntry.Action, shown
# by ``get_action_display``) are translated in ours, and marked here for makemessages.
AUDITLOG_ACTION_NAMES = (
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditRow:
    entry: object  # auditlog LogEntry
    subject: str  # the verbose name of the changed object's model
    changes: list[Change]


def _local_time(value):
    """auditlog keeps datetimes as UTC text; show them in the site's time zone, to the minute."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# What auditlog writes for an empty related manager ("plans.Target.None"): no value at all.
_EMPTY_MANAGER = re.compile(r"^[a-z_]+\.[A-Za-z]+\.None$")


def _shown(value) -> str:
    if value in (None, "None", "") or _EMPTY_MANAGER.match(str(value)):
        return "—"
    return str(value)


def _plain(field, value):
    """A stored value as a reader says it: 是/否 for a yes-or-no, 47 rather than 47.0000."""
    if value in (None, "None", ""):
        return value
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if str(value) in ("True", "1", "true") else gettext("No")
    if isinstance(field, models.DecimalField):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return value
        return format(number.normalize(), "f")
    return value


def audit_rows(entries) -> list[AuditRow]:
    """The entries (with ``content_type`` and ``actor`` selected) as display rows."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    parsed = []
    for entry in entries:
        model = entry.content_type.model_class()
        fields = []
        for name, values in (entry.changes_dict or {}).items():
            if name in HIDDEN_FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
                continue
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            if field is not None and not field.concrete:
                field = None  # a reverse relation sharing the name: show the raw values
            if field is not None and field.is_relation and field.many_to_one:
                for value in values:
                    if value not in (None, "None", ""):
                        wanted[field.related_model].add(str(value))
            fields.append((name, field, values))
        parsed.append((entry, model, fields))

    related: dict[type[models.Model], dict[str, models.Model]] = {}
    for model, keys in wanted.items():
        pk_field = model._meta.pk
        pks = []
        for key in keys:
            try:
                pks.append(pk_field.to_python(key))
            except Exception:  # a stored value that no longer parses stays as it was
                continue
        related[model] = {str(pk): obj for pk, obj in model.objects.in_bulk(pks).items()}

    rows = []
    for entry, model, fields in parsed:
        changes = []
        for name, field, (old, new) in fields:
            label = str(field.verbose_name) if field is not None else name
            if field is not None and field.is_relation and field.many_to_one:
                found = related.get(field.related_model, {})
                old, new = (found.get(str(v), v) for v in (old, new))
            elif field is not None and field.choices:
                choices = {str(k): v for k, v in field.flatchoices}
                old, new = (choices.get(str(v), v) for v in (old, new))
            elif field is not None and isinstance(field, models.DateTimeField):
                old, new = _local_time(old), _local_time(new)
            else:
                old, new = _plain(field, old), _plain(field, new)
            if entry.action == LogEntry.Action.CREATE and _shown(new) == "—":
                continue  # a new record's empty fields say nothing
            changes.append(Change(label, _shown(old), _shown(new)))
        subject = str(model._meta.verbose_name) if model else entry.content_type.model
        rows.append(AuditRow(entry=entry, subject=subject, changes=changes))
    return rows
