"""The registers of the registry (创新资源库), each declared once.

A ``Register`` names a model and its declarative classes — FilterSet, Table, import-export
resource — with what its pages fetch along with a record, the records entered with it (a
fund's scale history) and whether the metrics count it. Everything else is derived from
``REGISTERS``: the URLs and route names (``registry:<route>_list``/``_detail``), the list and
detail selectors, the index page and its counts, the import choices (one importer per register
with a resource), the audit registration, the metric snapshots' subscription (counted
registers only) and the tests' list of registers.

Adding a register: its model (with ``ValidityPeriod`` when it is dated), its FilterSet, Table
and resource (``registry/resources/<register>.py``), and one ``Register`` line below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef

from innoplan.registry import filters, tables
from innoplan.registry import models as registry
from innoplan.registry.models import RegisterGroup, ValidityPeriod
from innoplan.registry.resources import (
    bases,
    brand_events,
    funds,
    organisations,
    parks,
    patents,
    platforms,
    qualifications,
    talent_recognitions,
    talents,
    teams,
)
from innoplan.tabular.resources import RegisterResource


@dataclass(frozen=True)
class Child:
    """Records entered with a register's record (a fund's scale history): shown in its
    change history, and watched by the metrics when the register is counted."""

    model: type[models.Model]
    link: str  # the child's foreign key to the record


@dataclass(frozen=True)
class Register:
    model: type[models.Model]
    slug: str  # the URL segment and the import's name: kebab-case plural
    filterset: type[filters.RegisterFilterSet]
    table: type
    resource: type[RegisterResource] | None = None
    # Which data stewards keep it (RegisterSteward); the plan owner keeps every register.
    group: str = field(kw_only=True)
    # Whether the metrics count it: its changes drop the metric snapshots from the days they
    # touch. A register that only describes (a person, whose recognitions are counted) is not.
    counted: bool = True
    list_related: tuple[str, ...] = ()  # select_related of its list rows
    list_prefetch: tuple[str, ...] = ()  # prefetch_related of its list rows
    detail_related: tuple[str, ...] | None = None  # select_related of its detail page
    children: tuple[Child, ...] = ()
    # Fields the audit log must not keep (ciphertexts and digests: the log keeps the masked
    # form only).
    audit_exclude: tuple[str, ...] = ()
    # How many of its records count on a day (the index page); default: valid that day.
    count_on: Callable[[date], int] | None = field(default=None, compare=False)

    @property
    def route(self) -> str:
        """``registry:<route>_list`` and ``registry:<route>_detail``: the model's name in
        snake case (brand_event)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.model.__name__).lower()

    def count(self, day: date) -> int:
        if self.count_on is not None:
            return self.count_on(day)
        return self.model.objects.valid_on(day).count()

    @property
    def dated(self) -> bool:
        """Whether its records hold over a span of days (and can be ended before their time)."""
        return issubclass(self.model, ValidityPeriod)

    def models(self) -> list[type[models.Model]]:
        """The register's model and its children's."""
        return [self.model, *(child.model for child in self.children)]


def _talents_recognised(day: date) -> int:
    # A person counts while any recognition of theirs holds.
    holding = registry.TalentRecognition.objects.valid_on(day).filter(talent=OuterRef("pk"))
    return registry.Talent.objects.filter(Exists(holding)).count()


REGISTERS: tuple[Register, ...] = (
    Register(
        registry.Organisation,
        "organisations",
        filters.OrganisationFilterSet,
        tables.OrganisationTable,
        organisations.OrganisationResource,
        list_related=("town",),
        detail_related=("town", "park", "parent"),
        children=(Child(registry.Qualification, "organisation"),),
        group=RegisterGroup.ENTERPRISES,
    ),
    Register(
        registry.Qualification,
        "qualifications",
        filters.QualificationFilterSet,
        tables.QualificationTable,
        qualifications.QualificationResource,
        list_related=("organisation",),
        group=RegisterGroup.ENTERPRISES,
    ),
    Register(
        registry.Platform,
        "platforms",
        filters.PlatformFilterSet,
        tables.PlatformTable,
        platforms.PlatformResource,
        list_related=("host",),
        group=RegisterGroup.CARRIERS,
    ),
    Register(
        registry.Fund,
        "funds",
        filters.FundFilterSet,
        tables.FundTable,
        funds.FundResource,
        children=(Child(registry.FundScale, "fund"),),
        group=RegisterGroup.OUTCOMES,
    ),
    Register(
        registry.BrandEvent,
        "brand-events",
        filters.BrandEventFilterSet,
        tables.BrandEventTable,
        brand_events.BrandEventResource,
        group=RegisterGroup.OUTCOMES,
    ),
    Register(
        registry.Base,
        "bases",
        filters.BaseFilterSet,
        tables.BaseTable,
        bases.BaseResource,
        list_related=("host", "town"),
        group=RegisterGroup.CARRIERS,
    ),
    Register(
        registry.Park,
        "parks",
        filters.ParkFilterSet,
        tables.ParkTable,
        parks.ParkResource,
        list_related=("town",),
        group=RegisterGroup.CARRIERS,
    ),
    Register(
        registry.Patent,
        "patents",
        filters.PatentFilterSet,
        tables.PatentTable,
        patents.PatentResource,
        list_prefetch=("owners",),
        children=(Child(registry.PatentOwner, "patent"),),
        group=RegisterGroup.OUTCOMES,
    ),
    Register(
        registry.Talent,
        "talents",
        filters.TalentFilterSet,
        tables.TalentTable,
        talents.TalentResource,
        counted=False,
        list_related=("employer",),
        children=(
            Child(registry.TalentRecognition, "talent"),
            Child(registry.TeamMember, "talent"),
        ),
        audit_exclude=(
            "id_number_encrypted",
            "id_number_digest",
            "phone_encrypted",
            "phone_digest",
        ),
        count_on=_talents_recognised,
        group=RegisterGroup.TALENTS,
    ),
    Register(
        registry.TalentRecognition,
        "talent-recognitions",
        filters.TalentRecognitionFilterSet,
        tables.TalentRecognitionTable,
        talent_recognitions.TalentRecognitionResource,
        list_related=("talent",),
        group=RegisterGroup.TALENTS,
    ),
    Register(
        registry.Team,
        "teams",
        filters.TeamFilterSet,
        tables.TeamTable,
        teams.TeamResource,
        list_related=("organisation",),
        children=(Child(registry.TeamMember, "team"),),
        group=RegisterGroup.TALENTS,
    ),
)

# The registers with a resource: each is an importer (``registry.imports``).
IMPORTED: tuple[Register, ...] = tuple(r for r in REGISTERS if r.resource is not None)
_BY_MODEL = {register.model: register for register in REGISTERS}
_BY_SLUG = {register.slug: register for register in REGISTERS}
# A child entered with two registers' records (a team member: the talent's, the team's) is
# kept by the first declared.
_BY_CHILD: dict[type[models.Model], Register] = {}
for _register in REGISTERS:
    for _child in _register.children:
        _BY_CHILD.setdefault(_child.model, _register)


def register_of(model: type[models.Model]) -> Register | None:
    """The register whose records are ``model``'s, or None (a child such as FundScale)."""
    return _BY_MODEL.get(model)


def register_by_slug(slug: str) -> Register:
    return _BY_SLUG[slug]


def register_for(target) -> Register | None:
    """The register a permission is asked about: a ``Register``, a model or a record of it —
    a child's (a fund's scale, a team member) is its parent register's — or None."""
    if isinstance(target, Register):
        return target
    model = target if isinstance(target, type) else type(target)
    if model in _BY_MODEL:
        return _BY_MODEL[model]
    return _BY_CHILD.get(model)


def counted_models() -> list[type[models.Model]]:
    """The models whose changes move a metric: counted registers and their children."""
    found: dict[type[models.Model], None] = {}
    for register in REGISTERS:
        if register.counted:
            found.update(dict.fromkeys(register.models()))
    return list(found)


def audited_models() -> dict[type[models.Model], tuple[str, ...]]:
    """Every register's and child's model, with the fields its audit log leaves out."""
    found: dict[type[models.Model], tuple[str, ...]] = {}
    for register in REGISTERS:
        found[register.model] = register.audit_exclude
        for child in register.children:
            found.setdefault(child.model, ())
    return found
