"""The innovation resource registry: what the plan counts, each record with the dates on which
it holds, so that any count can be taken as of any day.

Validity is half-open everywhere (see ``registry.validity``): a record counts on day ``d`` when
``valid_from <= d`` and (``valid_to`` is empty or ``d < valid_to``). Every dated register keeps
its dates in the two columns of ``ValidityPeriod``; each model names them in its own terms
(issued on / expires on, approved on, settled in the district on …) through ``verbose_name``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.choices import DepartmentKind
from innoplan.core.chinese import pinyin_initials
from innoplan.core.crypto import field_cipher
from innoplan.core.identifiers import (
    PERSONAL_ID_MAX_LENGTH,
    credit_code_findings,
    mask_personal_id,
    mask_phone,
    normalise_credit_code,
    normalise_patent_application,
    normalise_personal_id,
    normalise_phone,
    patent_application_findings,
    patent_type_of,
    personal_id_findings,
    phone_problem,
)
from innoplan.core.models import TimeStampedModel
from innoplan.registry import patents, validity
from innoplan.registry.choices import (
    BaseKind,
    CanalTalentTier,
    IdKind,
    Industry,
    Level,
    OrganisationKind,
    PatentKind,
    PlatformKind,
    QualificationKind,
    RecognitionKind,
)

# Where a record is located: a town (乡镇) or a street office (街道), never a department.
TOWN_KINDS = (DepartmentKind.TOWN, DepartmentKind.STREET)
# A branch (分院、分部、研究院) belongs to one of these.
PARENT_KINDS = (OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE)

Errors = dict[str, list]


def _add(errors: Errors, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _check_town(errors: Errors, town) -> None:
    if town is not None and town.kind not in TOWN_KINDS:
        _add(
            errors,
            "town",
            gettext("%(name)s is not a town or street office; choose the town or street it is in.")
            % {"name": town},
        )


def _id_number_errors(number: str, kind: str) -> list[str]:
    return [f.render(gettext) for f in personal_id_findings(number, kind) if f.severity == "error"]


def _id_number_plaintext(number: str, kind: str) -> str:
    """What is encrypted and digested for a person's document number: a mainland ID card
    number as it is (the digests recorded before other kinds existed stay valid), any other
    prefixed by its kind, so that a passport number never meets an ID card number, nor
    another kind's, in the unique digest. Key rotation digests this same plaintext."""
    return number if kind == IdKind.ID_CARD else f"{kind}:{number}"


def valid_on_q(day, through: str = "") -> models.Q:
    """The condition that a record (or the one reached by the lookup path ``through``, such as
    ``"organisation__"``) counts on ``day`` (a date, or an expression such as
    ``F("valid_from")``): started on or before it and not yet ended."""
    return models.Q(**{f"{through}valid_from__lte": day}) & (
        models.Q(**{f"{through}valid_to__isnull": True})
        | models.Q(**{f"{through}valid_to__gt": day})
    )


class ValidityQuerySet(models.QuerySet):
    """Records of a dated register, narrowed to those that hold on a day."""

    def valid_on(self, day: date):
        """The records that count on ``day``."""
        return self.filter(valid_on_q(day))


def ends_on(label, help_text=None) -> models.DateField:
    """The ``valid_to`` field of a dated register, named in the register's own terms."""
    return models.DateField(
        label,
        null=True,
        blank=True,
        help_text=help_text or _("The first day it no longer counts; empty while it still holds."),
    )


def period_in_order(name: str = "%(class)s_period_in_order") -> models.CheckConstraint:
    """An end needs a start before it; a missing start (never in force) has no end. A model
    whose class name makes the default name longer than 30 characters passes its own."""
    return models.CheckConstraint(
        name=name,
        condition=models.Q(valid_to__isnull=True)
        | (models.Q(valid_from__isnull=False) & models.Q(valid_to__gt=models.F("valid_from"))),
        violation_error_message=_("The end date must be after the start date."),
    )


class ValidityPeriod(models.Model):
    """A record that holds from ``valid_from`` up to, but not including, ``valid_to``; no end
    date means it still holds. Concrete models redeclare the two fields to name them in their
    own terms, and keep ``*ValidityPeriod.Meta.constraints`` when they set constraints."""

    valid_from = models.DateField(_("valid from"))
    valid_to = ends_on(_("valid to"))
    # Why it ended before its time (a qualification revoked, an organisation moved out, a
    # recognition withdrawn for integrity): a retirement, not an expiry, keeps its reason.
    end_reason = models.TextField(
        _("reason it ended"),
        blank=True,
        help_text=_("Filled when a steward ends the record before its time."),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [period_in_order()]

    def is_valid_on(self, day: date) -> bool:
        return validity.holds_on(self.valid_from, self.valid_to, day)

    def fill_derived_fields(self) -> None:
        """Set the fields that follow from the others (``clean`` calls it; an import calls it
        before comparing a row with the record it updates)."""

    def validity_errors(self) -> Errors:
        """What is wrong with the dates, by field, in the model's own words."""
        errors: Errors = {}
        if self.valid_to is None:
            return errors
        names = {
            "start": capfirst(self._meta.get_field("valid_from").verbose_name),
            "end": capfirst(self._meta.get_field("valid_to").verbose_name),
        }
        if self.valid_from is None:
            _add(errors, "valid_from", gettext("Give “%(start)s” before “%(end)s”.") % names)
        elif self.valid_to <= self.valid_from:
            names["date"] = self.valid_from.isoformat()
            _add(
                errors,
                "valid_to",
                gettext("“%(end)s” must be after “%(start)s” (%(date)s).") % names,
            )
        return errors

    def clean(self):
        super().clean()
        _raise(self.validity_errors())


class Park(ValidityPeriod, TimeStampedModel):
    """特色产业园区 — a characteristic industrial park recognised in the district, counted from
    its recognition until it is delisted."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    town = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="parks",
        verbose_name=_("town or street"),
    )
    industry = models.CharField(
        _("industry"), max_length=30, choices=Industry.choices, default=Industry.OTHER
    )
    valid_from = models.DateField(_("recognised on"))
    valid_to = ends_on(_("delisted on"))

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = self.validity_errors()
        _check_town(errors, self.town)
        _raise(errors)


class Organisation(ValidityPeriod, TimeStampedModel):
    """创新主体 — an enterprise, university, research institute or branch, hospital or social
    organisation, known by its unified social credit code. It counts as in the district from
    the day it settled there until the day it left; one with no settlement date (the parent
    university of a branch, say) is on record but never counted."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    credit_code_warning = models.TextField(
        _("credit code warning"),
        blank=True,
        help_text=_("What the check of the credit code found doubtful; set by the system."),
    )
    credit_code_confirmed = models.BooleanField(
        _("credit code confirmed"),
        default=False,
        help_text=_(
            "Tick after checking a doubtful credit code against the business licence: codes "
            "issued before the national standard can fail its check character."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    former_names = models.TextField(_("former names"), blank=True, help_text=_("One per line."))
    name_initials = models.CharField(
        _("name initials"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The pinyin initials of the name, for searching; set by the system."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("parent organisation"),
        help_text=_("For a branch: the university or research institute it belongs to."),
    )
    industry = models.CharField(
        _("industry"), max_length=30, choices=Industry.choices, default=Industry.OTHER
    )
    town = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("town or street"),
    )
    park = models.ForeignKey(
        Park,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("industrial park"),
    )
    central_soe_subsidiary = models.BooleanField(
        _("second- or third-tier subsidiary of a central SOE"), default=False
    )
    municipal_soe_hq = models.BooleanField(_("headquarters of a municipal SOE"), default=False)
    single_champion = models.BooleanField(_("single champion"), default=False)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    valid_from = models.DateField(
        _("settled in the district on"),
        null=True,
        blank=True,
        help_text=_("Empty for an organisation outside the district: it is never counted."),
    )
    valid_to = ends_on(
        _("left the district on"),
        help_text=_("The first day it no longer counts; empty while it is in the district."),
    )

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name"], name="registry_org_name"),
            models.Index(fields=["valid_from", "valid_to"], name="registry_org_validity"),
            # Counts by kind (高校院所) as of a day: 1.8 s -> 2 ms at a million organisations.
            models.Index(
                fields=["kind", "valid_from", "valid_to"], name="registry_org_kind_validity"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalise_credit_code(self.credit_code or "")
        self.name_initials = pinyin_initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Normalise before the length check, so that a code pasted with spaces or in
        # full-width characters is accepted as the code it is.
        self.credit_code = normalise_credit_code(self.credit_code or "")
        super().clean_fields(exclude=exclude)

    def clean(self):
        self.name_initials = pinyin_initials(self.name)
        errors = self.validity_errors()
        self._check_credit_code(errors)
        _check_town(errors, self.town)
        self._check_parent(errors)
        _raise(errors)

    def _check_credit_code(self, errors: Errors) -> None:
        """Structure errors refuse the code; a failed check character only is stored as a
        warning and needs a steward's confirmation."""
        code = normalise_credit_code(self.credit_code or "")
        findings = credit_code_findings(code)
        problems = [f.render(gettext) for f in findings if f.severity == "error"]
        if problems:
            for problem in problems:
                _add(
                    errors,
                    "credit_code",
                    gettext("Credit code %(code)s: %(problem)s.")
                    % {"code": code or "—", "problem": problem},
                )
            return
        warnings = [f.render(gettext) for f in findings if f.severity == "warning"]
        # Stored in the site's language, whatever the language of the steward who saved it.
        with translation.override(settings.LANGUAGE_CODE):
            self.credit_code_warning = "\n".join(
                f.render(gettext) for f in findings if f.severity == "warning"
            )
        if not warnings:
            self.credit_code_confirmed = False  # nothing to confirm
        elif not self.credit_code_confirmed:
            _add(
                errors,
                "credit_code_confirmed",
                gettext(
                    "Credit code %(code)s: %(warning)s. Check it against the business licence "
                    "and confirm it to keep it."
                )
                % {"code": code, "warning": "; ".join(warnings)},
            )

    def _check_parent(self, errors: Errors) -> None:
        if self.kind == OrganisationKind.BRANCH:
            if self.parent is None:
                _add(
                    errors,
                    "parent",
                    gettext("A branch needs the university or research institute it belongs to."),
                )
            elif self.parent.kind not in PARENT_KINDS:
                _add(
                    errors,
                    "parent",
                    gettext("%(parent)s is not a university or research institute.")
                    % {"parent": self.parent},
                )
        elif self.parent_id is not None:
            _add(errors, "parent", gettext("Only a branch has a parent organisation."))


class Qualification(ValidityPeriod, TimeStampedModel):
    """资质 — a recognition an organisation holds for a while (高新技术企业, 专精特新 …), from
    its issue date up to its expiry date, which follows from the kind's validity rule."""

    organisation = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="qualifications",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=QualificationKind.choices)
    certificate_no = models.CharField(_("certificate number"), max_length=100, blank=True)
    valid_from = models.DateField(_("issued on"))
    valid_to = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_(
            "The first day it no longer counts. Leave empty to follow the kind's validity rule "
            "(an innovation partner then holds until ended)."
        ),
    )

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["-valid_from", "id"]
        constraints = [
            *ValidityPeriod.Meta.constraints,
            models.UniqueConstraint(
                fields=["organisation", "kind", "valid_from"], name="qualification_unique_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "valid_from", "valid_to"], name="registry_qual_validity")
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()} ({self.valid_from})"

    def fill_derived_fields(self) -> None:
        """Without an expiry date, the kind's validity rule gives it."""
        if self.valid_to is None and self.kind in validity.EXPIRY_RULES and self.valid_from:
            self.valid_to = validity.expiry_for(self.kind, self.valid_from)

    def clean(self):
        self.fill_derived_fields()
        super().clean()


class Platform(ValidityPeriod, TimeStampedModel):
    """创新平台 — an innovation platform (重点实验室, 企业技术中心, 孵化器 …) approved at a
    national, municipal or district level and run by a host organisation."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, choices=PlatformKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    host = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="platforms",
        verbose_name=_("host organisation"),
    )
    valid_from = models.DateField(_("approved on"))
    valid_to = ends_on(_("revoked or closed on"))

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("innovation platform")
        verbose_name_plural = _("innovation platforms")
        ordering = ["name", "id"]
        constraints = [
            *ValidityPeriod.Meta.constraints,
            models.UniqueConstraint(
                fields=["host", "name", "level", "valid_from"], name="platform_unique_approval"
            ),
        ]

    def __str__(self):
        return self.name


class Fund(ValidityPeriod, TimeStampedModel):
    """子基金 — a sub-fund in which the government industry guiding fund takes part, counted
    from its establishment until it is liquidated; its committed scale is kept as a history
    (``FundScale``)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    manager = models.CharField(_("fund manager"), max_length=200, blank=True)
    guiding_fund_participates = models.BooleanField(
        _("the government guiding fund takes part"),
        default=True,
        help_text=_("Only sub-funds the government industry guiding fund takes part in count."),
    )
    valid_from = models.DateField(_("established on"))
    valid_to = ends_on(_("liquidated on"))

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("sub-fund")
        verbose_name_plural = _("sub-funds")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FundScale(TimeStampedModel):
    """子基金规模 — a sub-fund's committed scale in 元 from a date on; the scale on a day is that
    of the latest entry effective on or before it."""

    fund = models.ForeignKey(Fund, models.CASCADE, related_name="scales", verbose_name=_("fund"))
    effective_on = models.DateField(_("effective on"))
    amount = models.DecimalField(
        _("committed scale (yuan)"),
        max_digits=20,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("sub-fund scale")
        verbose_name_plural = _("sub-fund scales")
        ordering = ["fund", "effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "effective_on"], name="fundscale_unique_date"),
            models.CheckConstraint(
                name="fundscale_amount_nonneg", condition=models.Q(amount__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.fund} {self.effective_on}: {self.amount}"


class BrandEvent(ValidityPeriod, TimeStampedModel):
    """品牌活动 — a recurring innovation event with standing in its field, counted from the
    first time it was held until it is discontinued."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    valid_from = models.DateField(_("first held on"))
    valid_to = ends_on(_("discontinued on"))

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("brand event")
        verbose_name_plural = _("brand events")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Base(ValidityPeriod, TimeStampedModel):
    """科普基地/科技小院 — a science popularisation base or a science and technology courtyard,
    recognised at a national, municipal or district level."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=BaseKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    host = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bases",
        verbose_name=_("host organisation"),
    )
    town = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bases",
        verbose_name=_("town or street"),
    )
    valid_from = models.DateField(_("recognised on"))

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("base")
        verbose_name_plural = _("bases")
        ordering = ["kind", "name", "id"]
        constraints = [
            *ValidityPeriod.Meta.constraints,
            models.UniqueConstraint(
                fields=["kind", "name", "level", "valid_from"], name="base_unique_recognition"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = self.validity_errors()
        _check_town(errors, self.town)
        _raise(errors)


class Patent(ValidityPeriod, TimeStampedModel):
    """专利 — a patent owned by one or more organisations, counted from its grant (授权日) until
    it lapses (失效日). Whether it is a high-value invention patent (高价值发明专利) follows
    from the facts kept here as of a day (``registry.patents.is_high_value``); it is never
    typed."""

    application_number = models.CharField(
        _("application number"),
        max_length=20,
        unique=True,
        help_text=_("As 202310123456.7: 12 digits, a dot and the check digit."),
    )
    title = models.CharField(_("patent title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=PatentKind.choices)
    filed_on = models.DateField(_("filed on"))
    owners = models.ManyToManyField(
        Organisation,
        through="PatentOwner",
        related_name="patents",
        verbose_name=_("patentees"),
    )
    strategic_emerging_industry = models.BooleanField(
        _("in a strategic emerging industry"), default=False
    )
    overseas_family = models.BooleanField(_("has an overseas family member"), default=False)
    pledge_amount = models.DecimalField(
        _("pledge financing amount (yuan)"),
        max_digits=20,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    award = models.BooleanField(
        _("won a national science and technology award or the China Patent Award"),
        default=False,
    )
    award_name = models.CharField(
        _("award"),
        max_length=200,
        blank=True,
        help_text=_("The award it won, as 第二十五届中国专利金奖."),
    )
    valid_from = models.DateField(_("granted on"))
    valid_to = ends_on(
        _("lapsed on"),
        help_text=_("The first day it no longer counts; empty while it is in force."),
    )

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        ordering = ["-valid_from", "id"]
        constraints = [
            *ValidityPeriod.Meta.constraints,
            models.CheckConstraint(
                name="patent_pledge_amount_nonneg", condition=models.Q(pledge_amount__gte=0)
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "valid_from", "valid_to"], name="registry_patent_validity")
        ]

    def __str__(self):
        return f"{self.application_number} {self.title}"

    def save(self, *args, **kwargs):
        self.application_number = normalise_patent_application(self.application_number or "")
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Normalise first, so that 'ZL 2023 1 0123456.7' is stored as the number it is.
        self.application_number = normalise_patent_application(self.application_number or "")
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = self.validity_errors()
        self._check_application_number(errors)
        if self.filed_on and self.valid_from and self.valid_from < self.filed_on:
            _add(
                errors,
                "valid_from",
                gettext("A patent is granted on or after its filing date (%(date)s).")
                % {"date": self.filed_on.isoformat()},
            )
        _raise(errors)

    def _check_application_number(self, errors: Errors) -> None:
        number = normalise_patent_application(self.application_number or "")
        problems = [
            f.render(gettext) for f in patent_application_findings(number) if f.severity == "error"
        ]
        for problem in problems:
            _add(
                errors,
                "application_number",
                gettext("Application number %(number)s: %(problem)s.")
                % {"number": number or "—", "problem": problem},
            )
        if problems or not self.kind:
            return
        kind = patent_type_of(number)
        if kind != self.kind:
            _add(
                errors,
                "kind",
                gettext(
                    "Application number %(number)s belongs to the kind “%(expected)s”, not "
                    "“%(kind)s”."
                )
                % {
                    "number": number,
                    "expected": PatentKind(kind).label,
                    "kind": PatentKind(self.kind).label,
                },
            )

    def is_high_value(self, as_of: date) -> bool:
        """Whether it counts as a high-value invention patent on ``as_of``."""
        return patents.is_high_value(
            kind=self.kind,
            filed_on=self.filed_on,
            granted_on=self.valid_from,
            lapsed_on=self.valid_to,
            strategic_emerging_industry=self.strategic_emerging_industry,
            overseas_family=self.overseas_family,
            pledge_amount=self.pledge_amount,
            award=self.award,
            as_of=as_of,
        )


class PatentOwner(TimeStampedModel):
    """专利权人 — an organisation that owns (or co-owns) a patent."""

    patent = models.ForeignKey(
        Patent, models.CASCADE, related_name="ownerships", verbose_name=_("patent")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="patent_ownerships",
        verbose_name=_("patentee"),
    )

    class Meta:
        verbose_name = _("patentee")
        verbose_name_plural = _("patentees")
        ordering = ["patent", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patent", "organisation"], name="patentowner_unique_owner"
            )
        ]

    def __str__(self):
        return f"{self.patent.application_number} — {self.organisation}"


def id_number_digests(text: str) -> list[str]:
    """The keyed digests (under each key of the ring) that a whole document number typed
    without its kind (in a search box) may be stored under: one per kind it is valid for."""
    digests = []
    for kind in IdKind.values:
        number = normalise_personal_id(text, kind)
        if number and not personal_id_findings(number, kind):
            digests += field_cipher().digests(_id_number_plaintext(number, kind))
    return digests


class TalentQuerySet(models.QuerySet):
    def with_id_number(self, number: str, kind: str = IdKind.ID_CARD):
        """The talent with this document number of ``kind`` (an ID card unless said), found
        by its keyed digest (no decryption), under the current or a previous key
        (``core.crypto.FieldKeyring``)."""
        plaintext = _id_number_plaintext(normalise_personal_id(number, kind), kind)
        return self.filter(id_number_digest__in=field_cipher().digests(plaintext))

    def with_phone(self, number: str):
        """The talents with this mobile number, found by its keyed digest."""
        return self.filter(phone_digest__in=field_cipher().digests(normalise_phone(number)))


class Talent(TimeStampedModel):
    """人才 — a person the plan's talent programmes recognise, identified by a document
    number: the 居民身份证号码 (GB 11643) of a mainland resident, or the number of the
    passport, travel permit, permanent residence card or residence permit of a foreign expert
    or a person from Hong Kong, Macao or Taiwan (``id_kind``). The number is stored only
    encrypted (``core.crypto``), found through its keyed digest, unique per kind, and shown
    masked. Recognitions (``TalentRecognition``) and team memberships (``TeamMember``) carry
    the dates."""

    name = models.CharField(_("name"), max_length=100)
    id_kind = models.CharField(
        _("ID document type"), max_length=20, choices=IdKind.choices, default=IdKind.ID_CARD
    )
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_number_digest = models.CharField(
        _("ID number digest"),
        max_length=64,
        unique=True,
        editable=False,
        error_messages={"unique": _("A person with this document number is recorded.")},
    )
    id_number_masked = models.CharField(
        _("ID number"), max_length=PERSONAL_ID_MAX_LENGTH, editable=False
    )
    # 手机号码, optional: empty in all three columns when unknown. Not unique: a switchboard or
    # a shared number may serve several people.
    phone_encrypted = models.TextField(_("mobile phone (encrypted)"), blank=True, editable=False)
    phone_digest = models.CharField(
        _("mobile phone digest"), max_length=64, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField(_("mobile phone"), max_length=11, blank=True, editable=False)
    employer = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="talents",
        verbose_name=_("employer"),
    )
    title = models.CharField(_("position or title"), max_length=100, blank=True)

    objects = TalentQuerySet.as_manager()

    # (ciphertext, digest) column pairs that `innoplan rotate-field-key` re-encrypts; the
    # digest is of the plaintext as stored (normalised before encryption; a document number
    # other than an ID card's with its kind, ``_id_number_plaintext``).
    encrypted_fields = (
        ("id_number_encrypted", "id_number_digest"),
        ("phone_encrypted", "phone_digest"),
    )

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        ordering = ["name", "id"]

    def __str__(self):
        if self.id_kind == IdKind.ID_CARD:
            return f"{self.name} ({self.id_number_masked})"
        return f"{self.name} ({self.get_id_kind_display()} {self.id_number_masked})"

    @classmethod
    def from_db(cls, db, field_names, values):
        talent = super().from_db(db, field_names, values)
        # The kind the stored number is digested under: a kind changed without the number
        # typed again would leave the digest under the old one (``clean``).
        talent._id_kind_stored = talent.__dict__.get("id_kind")
        return talent

    @staticmethod
    def digest_of(number: str, kind: str = IdKind.ID_CARD) -> str:
        """The keyed digest of a document number of ``kind`` (an ID card unless said)."""
        return field_cipher().digest(
            _id_number_plaintext(normalise_personal_id(number, kind), kind)
        )

    def set_id_number(self, number: str, kind: str = IdKind.ID_CARD) -> None:
        """Take the document number of ``kind`` (an ID card unless said) as entered. A valid
        one is kept at once encrypted, with its digest and masked form; ``clean`` says what
        is wrong with any other and keeps the number recorded."""
        number = normalise_personal_id(number or "", kind)
        self.id_kind = kind
        self._id_number_entered = number
        if _id_number_errors(number, kind):
            return
        cipher = field_cipher()
        plaintext = _id_number_plaintext(number, kind)
        self.id_number_encrypted = cipher.encrypt(plaintext)
        self.id_number_digest = cipher.digest(plaintext)
        self.id_number_masked = mask_personal_id(number, kind)

    def id_number(self) -> str:
        """The full number (without its kind). Only for those allowed to unmask it
        (``registry.unmask_id_number``), and audited by the caller."""
        plaintext = field_cipher().decrypt(self.id_number_encrypted)
        return plaintext.rpartition(":")[2]

    @staticmethod
    def phone_digest_of(number: str) -> str:
        return field_cipher().digest(normalise_phone(number))

    def set_phone(self, number: str) -> None:
        """Take the mobile number as entered ("" for none). A valid one is kept at once
        encrypted, with its digest and masked form; ``clean`` says what is wrong with any
        other."""
        number = normalise_phone(number or "")
        self._phone_entered = number
        if not number:
            self.phone_encrypted = self.phone_digest = self.phone_masked = ""
            return
        if phone_problem(number):
            return
        cipher = field_cipher()
        self.phone_encrypted = cipher.encrypt(number)
        self.phone_digest = cipher.digest(number)
        self.phone_masked = mask_phone(number)

    def _id_number_problems(self) -> list[str]:
        """What is wrong with the document number as entered, said in its kind's terms."""
        entered = getattr(self, "_id_number_entered", None)
        kind = self.id_kind
        mainland = kind == IdKind.ID_CARD
        kind_name = self.get_id_kind_display()
        if entered is None:
            if not self.id_number_digest:
                if mainland:
                    return [gettext("Give the ID card number.")]
                return [gettext("Give the %(kind)s number.") % {"kind": kind_name}]
            if kind != getattr(self, "_id_kind_stored", kind):
                return [gettext("Type the number again to change the ID document type.")]
            return []
        problems = [
            gettext("ID card number %(problem)s.") % {"problem": problem}
            if mainland
            else gettext("%(kind)s number %(problem)s.") % {"kind": kind_name, "problem": problem}
            for problem in _id_number_errors(entered, kind)
        ]
        if (
            not problems
            and Talent.objects.with_id_number(entered, kind).exclude(pk=self.pk).exists()
        ):
            if mainland:
                return [gettext("A person with this ID card number is recorded.")]
            return [
                gettext("A person with this %(kind)s number is recorded.") % {"kind": kind_name}
            ]
        return problems

    def clean(self):
        """The numbers as entered (``set_id_number``, ``set_phone``): the document number
        checked as its kind's (an ID card's by GB 11643) and not another person's of the same
        kind, the phone a mainland mobile number."""
        errors: Errors = {}
        if self.id_kind in IdKind.values:  # else clean_fields says the kind is unknown
            for message in self._id_number_problems():
                _add(errors, "id_number", message)
        phone = getattr(self, "_phone_entered", "")
        if phone and (problem := phone_problem(phone)):
            _add(
                errors,
                "phone",
                gettext("Mobile phone number %(problem)s.") % {"problem": gettext(problem)},
            )
        _raise(errors)

    def phone(self) -> str:
        """The full mobile number ("" when none). Only for those allowed to unmask it, as
        ``id_number``."""
        return field_cipher().decrypt(self.phone_encrypted) if self.phone_encrypted else ""


class TalentRecognition(ValidityPeriod, TimeStampedModel):
    """人才认定 — a recognition a talent holds for a while: 运河英才 (with its tier 杰出/领军/
    青年) or 杰出青年科技工作者."""

    talent = models.ForeignKey(
        Talent, models.CASCADE, related_name="recognitions", verbose_name=_("talent")
    )
    kind = models.CharField(_("recognition"), max_length=30, choices=RecognitionKind.choices)
    tier = models.CharField(
        _("tier"),
        max_length=20,
        choices=CanalTalentTier.choices,
        blank=True,
        help_text=_("Only for 运河英才: 杰出, 领军 or 青年."),
    )
    certificate_no = models.CharField(_("certificate number"), max_length=100, blank=True)
    valid_from = models.DateField(_("recognised on"))
    valid_to = ends_on(
        _("expires on"),
        help_text=_("The first day it no longer counts; empty while it still holds."),
    )

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("talent recognition")
        verbose_name_plural = _("talent recognitions")
        ordering = ["-valid_from", "id"]
        constraints = [
            period_in_order("recognition_period_in_order"),
            # A tier belongs to 运河英才 and 运河英才 always has one.
            models.CheckConstraint(
                name="talentrecognition_tier_kind",
                condition=(models.Q(kind=RecognitionKind.CANAL_TALENT) & ~models.Q(tier=""))
                | (~models.Q(kind=RecognitionKind.CANAL_TALENT) & models.Q(tier="")),
                violation_error_message=_("运河英才 needs a tier; other recognitions have none."),
            ),
            models.UniqueConstraint(
                fields=["talent", "kind", "valid_from"], name="talentrecognition_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "valid_from", "valid_to"], name="registry_recog_validity")
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.tier:
            label = f"{label}（{self.get_tier_display()}）"
        return f"{self.talent.name} — {label}"

    def clean(self):
        errors = self.validity_errors()
        if self.kind == RecognitionKind.CANAL_TALENT and not self.tier:
            _add(errors, "tier", gettext("Give the tier of a 运河英才: 杰出, 领军 or 青年."))
        elif self.kind and self.kind != RecognitionKind.CANAL_TALENT and self.tier:
            _add(errors, "tier", gettext("Only 运河英才 has a tier; leave it empty."))
        _raise(errors)


class Team(ValidityPeriod, TimeStampedModel):
    """优秀科技创新团队 — an outstanding science and technology innovation team, recognised in a
    year and counted until its recognition ends."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("lead organisation"),
    )
    recognition_year = models.PositiveSmallIntegerField(_("recognition year"))
    members = models.ManyToManyField(
        Talent, through="TeamMember", related_name="teams", verbose_name=_("members")
    )
    valid_from = models.DateField(_("recognised on"))
    valid_to = ends_on(_("recognition ends on"))

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("innovation team")
        verbose_name_plural = _("innovation teams")
        ordering = ["-recognition_year", "name", "id"]
        constraints = [
            *ValidityPeriod.Meta.constraints,
            models.UniqueConstraint(fields=["name", "recognition_year"], name="team_unique_year"),
        ]

    def __str__(self):
        return f"{self.name}（{self.recognition_year}）"

    def clean(self):
        errors = self.validity_errors()
        if (
            self.valid_from
            and self.recognition_year
            and self.valid_from.year != self.recognition_year
        ):
            _add(
                errors,
                "valid_from",
                gettext("A team recognised in %(year)s is recognised on a day of that year.")
                % {"year": self.recognition_year},
            )
        _raise(errors)


class TeamMember(TimeStampedModel):
    """团队成员 — a talent's membership of an innovation team."""

    team = models.ForeignKey(
        Team, models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    talent = models.ForeignKey(
        Talent, models.CASCADE, related_name="team_memberships", verbose_name=_("talent")
    )
    is_leader = models.BooleanField(_("team leader"), default=False)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "talent"], name="teammember_unique_member")
        ]

    def __str__(self):
        return f"{self.team.name} — {self.talent.name}"


class RegisterGroup(models.TextChoices):
    """The registers a data steward (数据管理员) keeps, in the groups the district's agencies
    supply them in (``registers.Register.group``)."""

    ENTERPRISES = "enterprises", _("Enterprises and qualifications")
    CARRIERS = "carriers", _("Platforms, bases and parks")
    TALENTS = "talents", _("Talents and teams")
    OUTCOMES = "outcomes", _("Patents, funds and events")


class RegisterSteward(TimeStampedModel):
    """数据管理员分工 — a data steward's charge of one register group, assigned by the plan
    owner: within it the steward creates, corrects, ends and merges records and imports
    files. The plan owner keeps every register whatever is assigned."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="register_groups",
        verbose_name=_("data steward"),
    )
    group = models.CharField(_("register group"), max_length=20, choices=RegisterGroup.choices)

    class Meta:
        verbose_name = _("data steward's register group")
        verbose_name_plural = _("data stewards' register groups")
        ordering = ["user", "group"]
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="register_steward_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_group_display()}"
