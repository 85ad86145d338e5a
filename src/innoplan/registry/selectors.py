"""Reads of the registry as of a day, for the metrics app, list pages and exports.

Each takes ``as_of`` and, unless it says otherwise, returns a QuerySet: the caller counts it
or lists the records behind a figure. Each is a constant number of queries whatever the size
of the registry, with all filtering in the database.

A record counts on ``as_of`` when its validity period covers that day (see
``registry.validity``). Records that belong to an organisation (its qualifications, the
platforms it hosts) count only while the organisation is in the district.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from innoplan.registry import models as registry
from innoplan.registry.models import valid_on_q
from innoplan.registry.patents import INVENTION, PLEDGE_THRESHOLD, maintained_cutoff

ZERO = Decimal("0")
_AMOUNT = DecimalField(max_digits=20, decimal_places=2)


def organisations_present(
    *, as_of: date, kinds: Iterable[str] | None = None
) -> QuerySet[registry.Organisation]:
    """The organisations in the district on ``as_of``, of the given kinds (all when None)."""
    queryset = registry.Organisation.objects.valid_on(as_of)
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset


def organisations_qualified(*, kind: str, as_of: date) -> QuerySet[registry.Organisation]:
    """The organisations in the district on ``as_of`` that hold a qualification of ``kind``
    valid that day; each once, however many such qualifications it holds."""
    # ``pk IN (holders)`` rather than ``EXISTS``: SQLite then starts from the qualification
    # index instead of testing every organisation (1.5 s -> 0.2 s at a million organisations);
    # PostgreSQL plans both alike.
    holders = (
        registry.Qualification.objects.valid_on(as_of).filter(kind=kind).values("organisation_id")
    )
    return registry.Organisation.objects.valid_on(as_of).filter(pk__in=holders)


def qualifications_granted(
    *, kind: str, year: int, as_of: date
) -> QuerySet[registry.Qualification]:
    """First-time qualifications of ``kind`` issued in calendar ``year`` up to and including
    ``as_of`` (the year's new 专精特新 so far), to organisations that were in the district on
    the day of issue. A renewal is not new: an organisation that held the kind before is not
    counted again. A flow, so a later move or revocation does not take a grant back out of
    its year."""
    last = min(as_of, date(year, 12, 31))
    present_at_issue = valid_on_q(F("valid_from"), through="organisation__")
    held_before = registry.Qualification.objects.filter(
        organisation=OuterRef("organisation"), kind=kind, valid_from__lt=OuterRef("valid_from")
    )
    return registry.Qualification.objects.filter(
        present_at_issue, kind=kind, valid_from__gte=date(year, 1, 1), valid_from__lte=last
    ).exclude(Exists(held_before))


def platforms_valid(
    *,
    as_of: date,
    levels: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> QuerySet[registry.Platform]:
    """Platforms approved and not revoked on ``as_of`` whose host is in the district that
    day, of the given levels and kinds (all when None)."""
    queryset = registry.Platform.objects.valid_on(as_of).filter(valid_on_q(as_of, through="host__"))
    if levels is not None:
        queryset = queryset.filter(level__in=list(levels))
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset


def funds_valid(*, as_of: date) -> QuerySet[registry.Fund]:
    """Sub-funds the government industry guiding fund takes part in (政府产业引导基金参与的子
    基金), established and not liquidated on ``as_of``."""
    return registry.Fund.objects.valid_on(as_of).filter(guiding_fund_participates=True)


def _scale_on(as_of: date) -> Subquery:
    """A fund's committed scale on ``as_of``: its latest amount effective on or before then."""
    latest = (
        registry.FundScale.objects.filter(fund=OuterRef("pk"), effective_on__lte=as_of)
        .order_by("-effective_on")
        .values("amount")[:1]
    )
    return Subquery(latest, output_field=_AMOUNT)


def _funds_with_scale(as_of: date) -> QuerySet[registry.Fund]:
    return funds_valid(as_of=as_of).annotate(
        scale=Coalesce(_scale_on(as_of), Value(ZERO), output_field=_AMOUNT)
    )


def fund_scale_total(*, as_of: date) -> Decimal:
    """The committed scale (元) of all sub-funds valid on ``as_of``, each at the scale in
    effect that day; one query."""
    total = _funds_with_scale(as_of).aggregate(
        total=Coalesce(Sum("scale"), Value(ZERO), output_field=_AMOUNT)
    )["total"]
    return Decimal(total)


def fund_scales(*, as_of: date) -> list[tuple[registry.Fund, Decimal]]:
    """The records behind ``fund_scale_total``: each valid fund with its scale on ``as_of``
    (0 when no scale has taken effect yet)."""
    return [(fund, Decimal(fund.scale)) for fund in _funds_with_scale(as_of)]


def brand_events_valid(*, as_of: date) -> QuerySet[registry.BrandEvent]:
    return registry.BrandEvent.objects.valid_on(as_of)


def bases_valid(*, kind: str, as_of: date) -> QuerySet[registry.Base]:
    """科普基地 or 科技小院 (``kind``) recognised and still valid on ``as_of``."""
    return registry.Base.objects.valid_on(as_of).filter(kind=kind)


def parks_valid(*, as_of: date) -> QuerySet[registry.Park]:
    return registry.Park.objects.valid_on(as_of)


def high_value_invention_patents(*, as_of: date) -> QuerySet[registry.Patent]:
    """高价值发明专利 on ``as_of``: invention patents in force that day meeting at least one
    of CNIPA's five categories (``registry.patents.is_high_value``, here as one query), owned
    by at least one organisation in the district that day."""
    owned_here = registry.PatentOwner.objects.filter(patent=OuterRef("pk")).filter(
        valid_on_q(as_of, through="organisation__")
    )
    high_value = (
        Q(strategic_emerging_industry=True)
        | Q(overseas_family=True)
        | Q(filed_on__lt=maintained_cutoff(as_of))
        | Q(pledge_amount__gt=PLEDGE_THRESHOLD)
        | Q(award=True)
    )
    return registry.Patent.objects.valid_on(as_of).filter(
        high_value, Exists(owned_here), kind=INVENTION
    )


def talents_recognised(
    *, kind: str, as_of: date, tiers: Iterable[str] | None = None
) -> QuerySet[registry.Talent]:
    """The talents holding a recognition of ``kind`` (运河英才, 杰出青年科技工作者) valid on
    ``as_of``, of the given 运河英才 tiers (all when None); each person once."""
    holders = registry.TalentRecognition.objects.valid_on(as_of).filter(kind=kind)
    if tiers is not None:
        holders = holders.filter(tier__in=list(tiers))
    return registry.Talent.objects.filter(pk__in=holders.values("talent_id"))


def recognitions_granted(
    *, kind: str, year: int, as_of: date
) -> QuerySet[registry.TalentRecognition]:
    """Recognitions of ``kind`` granted in calendar ``year`` up to and including ``as_of``."""
    last = min(as_of, date(year, 12, 31))
    return registry.TalentRecognition.objects.filter(
        kind=kind, valid_from__gte=date(year, 1, 1), valid_from__lte=last
    )


def teams_valid(*, as_of: date) -> QuerySet[registry.Team]:
    """优秀科技创新团队 recognised and still recognised on ``as_of``."""
    return registry.Team.objects.valid_on(as_of)


# --- list and detail pages -------------------------------------------------------------------


def restrict_records(user, queryset: QuerySet) -> QuerySet:
    """The registry records ``user`` may read. Every registry reader sees every record (the
    registers are the district's, not a department's); anyone else sees none."""
    if not user.has_perm("registry.view_registry"):
        return queryset.none()
    return queryset


def _register(model):
    from innoplan.registry.registers import register_of

    return register_of(model)


def records(model, *, user) -> QuerySet:
    """A register's records for a list page or an export, with what its rows show."""
    register = _register(model)
    queryset = model.objects.select_related(*register.list_related)
    return restrict_records(user, queryset.prefetch_related(*register.list_prefetch))


def record(model, *, user, pk):
    """One record for its detail page, with what the page shows of related records; raises
    ``model.DoesNotExist`` when there is none the user may read."""
    register = _register(model)
    related = register.list_related if register.detail_related is None else register.detail_related
    queryset = model.objects.select_related(*related).prefetch_related(*register.list_prefetch)
    return restrict_records(user, queryset).get(pk=pk)


def register_counts(*, as_of: date) -> dict[type, int]:
    """How many records of each register count on ``as_of``; one query per register."""
    from innoplan.registry.registers import REGISTERS

    return {register.model: register.count(as_of) for register in REGISTERS}


@dataclass
class RegisterQuality:
    """What a register's stewards should look at (``registry.quality``)."""

    warnings: list  # (record, message)
    duplicates: list  # groups of records whose names compare alike
    undated: list  # records without the start date that makes them count

    @property
    def count(self) -> int:
        return len(self.warnings) + sum(map(len, self.duplicates)) + len(self.undated)


def register_quality(model, *, limit: int = 500) -> RegisterQuality:
    """A register's records with a warning, suspected duplicates and records that never count
    for want of a start date; at most ``limit`` of each, in a few queries."""
    from innoplan.registry.quality import suspected_duplicates

    fields = {f.name: f for f in model._meta.concrete_fields}
    warning_fields = [name for name in fields if name.endswith("_warning")]
    warnings = []
    if warning_fields:
        condition = Q()
        for name in warning_fields:
            condition |= ~Q(**{name: ""})
        for record in model.objects.filter(condition).order_by("pk")[:limit]:
            message = "；".join(getattr(record, n) for n in warning_fields if getattr(record, n))
            warnings.append((record, message))
    duplicates = []
    if "name" in fields:
        groups = suspected_duplicates(model.objects.values_list("pk", "name").iterator())[:limit]
        found = model.objects.in_bulk([pk for group in groups for pk in group])
        duplicates = [[found[pk] for pk in group] for group in groups]
    undated = []
    start = fields.get("valid_from")
    if start is not None and start.null:
        undated = list(model.objects.filter(valid_from__isnull=True).order_by("pk")[:limit])
    return RegisterQuality(warnings=warnings, duplicates=duplicates, undated=undated)


def register_totals() -> dict[type, int]:
    """How many records each register holds, whatever their dates; one query per register."""
    from innoplan.registry.registers import REGISTERS

    return {register.model: register.model.objects.count() for register in REGISTERS}


def table_values(table, *, request=None) -> tuple[list[str], list[list]]:
    """A register's table (``<Model>Table``) as a header and rows of plain values, every row,
    sorted as ``request`` asks: what a page shows of the records and nothing else (never a
    ciphertext or a digest), for an Excel export."""
    from django_tables2 import RequestConfig

    if request is not None:
        RequestConfig(request, paginate=False).configure(table)
    header, *rows = table.as_values()
    return list(header), [list(row) for row in rows]


def register_table(queryset: QuerySet, *, default: str = ""):
    """The records of ``queryset`` (one register's) in that register's table."""
    register = _register(queryset.model)
    related = queryset.select_related(*register.list_related)
    return register.table(related.prefetch_related(*register.list_prefetch), default=default)


def audit_entries(obj, *, limit: int = 200):
    """The audit log of a record and of what is entered with it (an organisation's
    qualifications, a fund's scale history), newest first."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    condition = Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    register = _register(type(obj))
    for child in register.children if register else ():
        condition |= Q(
            content_type=ContentType.objects.get_for_model(child.model),
            object_id__in=child.model.objects.filter(**{child.link: obj}).values("pk"),
        )
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )


def data_stewards() -> list:
    """The active data stewards' accounts, each with ``groups``: the register groups they
    keep."""
    from django.contrib.auth import get_user_model

    from innoplan.accounts.choices import Role
    from innoplan.registry.models import RegisterSteward

    stewards = list(
        get_user_model().objects.filter(role=Role.DATA_STEWARD, is_active=True).order_by("username")
    )
    held: dict[int, set[str]] = {}
    for user_id, group in RegisterSteward.objects.values_list("user_id", "group"):
        held.setdefault(user_id, set()).add(group)
    for steward in stewards:
        steward.groups_kept = held.get(steward.pk, set())
    return stewards
