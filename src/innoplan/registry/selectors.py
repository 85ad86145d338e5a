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

from innoplan.registry.models import (
    Base,
    BrandEvent,
    Fund,
    FundScale,
    Organisation,
    Park,
    Patent,
    PatentOwner,
    Platform,
    Qualification,
    Talent,
    TalentRecognition,
    Team,
    TeamMember,
    valid_on_q,
)
from innoplan.registry.patents import INVENTION, PLEDGE_THRESHOLD, maintained_cutoff

ZERO = Decimal("0")
_AMOUNT = DecimalField(max_digits=20, decimal_places=2)


def organisations_present(
    *, as_of: date, kinds: Iterable[str] | None = None
) -> QuerySet[Organisation]:
    """The organisations in the district on ``as_of``, of the given kinds (all when None)."""
    queryset = Organisation.objects.valid_on(as_of)
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset


def organisations_qualified(*, kind: str, as_of: date) -> QuerySet[Organisation]:
    """The organisations in the district on ``as_of`` that hold a qualification of ``kind``
    valid that day; each once, however many such qualifications it holds."""
    # ``pk IN (holders)`` rather than ``EXISTS``: SQLite then starts from the qualification
    # index instead of testing every organisation (1.5 s -> 0.2 s at a million organisations);
    # PostgreSQL plans both alike.
    holders = Qualification.objects.valid_on(as_of).filter(kind=kind).values("organisation_id")
    return Organisation.objects.valid_on(as_of).filter(pk__in=holders)


def qualifications_granted(*, kind: str, year: int, as_of: date) -> QuerySet[Qualification]:
    """First-time qualifications of ``kind`` issued in calendar ``year`` up to and including
    ``as_of`` (the year's new 专精特新 so far), to organisations that were in the district on
    the day of issue. A renewal is not new: an organisation that held the kind before is not
    counted again. A flow, so a later move or revocation does not take a grant back out of
    its year."""
    last = min(as_of, date(year, 12, 31))
    present_at_issue = valid_on_q(F("valid_from"), through="organisation__")
    held_before = Qualification.objects.filter(
        organisation=OuterRef("organisation"), kind=kind, valid_from__lt=OuterRef("valid_from")
    )
    return Qualification.objects.filter(
        present_at_issue, kind=kind, valid_from__gte=date(year, 1, 1), valid_from__lte=last
    ).exclude(Exists(held_before))


def platforms_valid(
    *,
    as_of: date,
    levels: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> QuerySet[Platform]:
    """Platforms approved and not revoked on ``as_of`` whose host is in the district that
    day, of the given levels and kinds (all when None)."""
    queryset = Platform.objects.valid_on(as_of).filter(valid_on_q(as_of, through="host__"))
    if levels is not None:
        queryset = queryset.filter(level__in=list(levels))
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset


def funds_valid(*, as_of: date) -> QuerySet[Fund]:
    """Sub-funds established and not liquidated on ``as_of``."""
    return Fund.objects.valid_on(as_of)


def _scale_on(as_of: date) -> Subquery:
    """A fund's committed scale on ``as_of``: its latest amount effective on or before then."""
    latest = (
        FundScale.objects.filter(fund=OuterRef("pk"), effective_on__lte=as_of)
        .order_by("-effective_on")
        .values("amount")[:1]
    )
    return Subquery(latest, output_field=_AMOUNT)


def _funds_with_scale(as_of: date) -> QuerySet[Fund]:
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


def fund_scales(*, as_of: date) -> list[tuple[Fund, Decimal]]:
    """The records behind ``fund_scale_total``: each valid fund with its scale on ``as_of``
    (0 when no scale has taken effect yet)."""
    return [(fund, Decimal(fund.scale)) for fund in _funds_with_scale(as_of)]


def brand_events_valid(*, as_of: date) -> QuerySet[BrandEvent]:
    return BrandEvent.objects.valid_on(as_of)


def bases_valid(*, kind: str, as_of: date) -> QuerySet[Base]:
    """科普基地 or 科技小院 (``kind``) recognised and still valid on ``as_of``."""
    return Base.objects.valid_on(as_of).filter(kind=kind)


def parks_valid(*, as_of: date) -> QuerySet[Park]:
    return Park.objects.valid_on(as_of)


def high_value_invention_patents(*, as_of: date) -> QuerySet[Patent]:
    """高价值发明专利 on ``as_of``: invention patents in force that day meeting at least one
    of CNIPA's five categories (``registry.patents.is_high_value``, here as one query), owned
    by at least one organisation in the district that day."""
    owned_here = PatentOwner.objects.filter(patent=OuterRef("pk")).filter(
        valid_on_q(as_of, through="organisation__")
    )
    high_value = (
        Q(strategic_emerging_industry=True)
        | Q(overseas_family=True)
        | Q(filed_on__lt=maintained_cutoff(as_of))
        | Q(pledge_amount__gt=PLEDGE_THRESHOLD)
        | Q(award=True)
    )
    return Patent.objects.valid_on(as_of).filter(high_value, Exists(owned_here), kind=INVENTION)


def talents_recognised(
    *, kind: str, as_of: date, tiers: Iterable[str] | None = None
) -> QuerySet[Talent]:
    """The talents holding a recognition of ``kind`` (运河英才, 杰出青年科技工作者) valid on
    ``as_of``, of the given 运河英才 tiers (all when None); each person once."""
    holders = TalentRecognition.objects.valid_on(as_of).filter(kind=kind)
    if tiers is not None:
        holders = holders.filter(tier__in=list(tiers))
    return Talent.objects.filter(pk__in=holders.values("talent_id"))


def recognitions_granted(*, kind: str, year: int, as_of: date) -> QuerySet[TalentRecognition]:
    """Recognitions of ``kind`` granted in calendar ``year`` up to and including ``as_of``."""
    last = min(as_of, date(year, 12, 31))
    return TalentRecognition.objects.filter(
        kind=kind, valid_from__gte=date(year, 1, 1), valid_from__lte=last
    )


def teams_valid(*, as_of: date) -> QuerySet[Team]:
    """优秀科技创新团队 recognised and still recognised on ``as_of``."""
    return Team.objects.valid_on(as_of)


# --- list and detail pages -------------------------------------------------------------------

# What a register's list rows show of related records, fetched with the rows.
_LIST_RELATED: dict[type, tuple[str, ...]] = {
    Organisation: ("town",),
    Qualification: ("organisation",),
    Platform: ("host",),
    Base: ("host", "town"),
    Park: ("town",),
    Talent: ("employer",),
    TalentRecognition: ("talent",),
    Team: ("organisation",),
}
# What a register's rows show of many-to-many records, fetched in one more query.
_LIST_PREFETCH: dict[type, tuple[str, ...]] = {
    Patent: ("owners",),
}
_DETAIL_RELATED: dict[type, tuple[str, ...]] = {
    Organisation: ("town", "park", "parent"),
}


def restrict_records(user, queryset: QuerySet) -> QuerySet:
    """The registry records ``user`` may read. Every registry reader sees every record (the
    registers are the district's, not a department's); anyone else sees none."""
    if not user.has_perm("registry.view_registry"):
        return queryset.none()
    return queryset


def records(model, *, user) -> QuerySet:
    """A register's records for a list page or an export, with what its rows show."""
    queryset = model.objects.select_related(*_LIST_RELATED.get(model, ()))
    return restrict_records(user, queryset.prefetch_related(*_LIST_PREFETCH.get(model, ())))


def record(model, *, user, pk):
    """One record for its detail page, with what the page shows of related records; raises
    ``model.DoesNotExist`` when there is none the user may read."""
    related = _DETAIL_RELATED.get(model, _LIST_RELATED.get(model, ()))
    queryset = model.objects.select_related(*related)
    return restrict_records(user, queryset.prefetch_related(*_LIST_PREFETCH.get(model, ()))).get(
        pk=pk
    )


def register_counts(*, as_of: date) -> dict[type, int]:
    """How many records of each register count on ``as_of``; one query per register."""
    models = (
        Organisation,
        Qualification,
        Platform,
        Fund,
        BrandEvent,
        Base,
        Park,
        Patent,
        TalentRecognition,
        Team,
    )
    counts = {model: model.objects.valid_on(as_of).count() for model in models}
    # A person counts while any recognition of theirs holds.
    counts[Talent] = Talent.objects.filter(
        Exists(TalentRecognition.objects.valid_on(as_of).filter(talent=OuterRef("pk")))
    ).count()
    return counts


def audit_entries(obj, *, limit: int = 200):
    """The audit log of a record and of what is entered with it (an organisation's
    qualifications, a fund's scale history), newest first."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    condition = Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    children = {
        Organisation: [(Qualification, "organisation")],
        Fund: [(FundScale, "fund")],
        Patent: [(PatentOwner, "patent")],
        Talent: [(TalentRecognition, "talent"), (TeamMember, "talent")],
        Team: [(TeamMember, "team")],
    }.get(type(obj), [])
    for child, link in children:
        condition |= Q(
            content_type=ContentType.objects.get_for_model(child),
            object_id__in=child.objects.filter(**{link: obj}).values("pk"),
        )
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
