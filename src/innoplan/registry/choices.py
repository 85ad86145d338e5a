from django.db import models
from django.utils.translation import gettext_lazy as _

from innoplan.core import identifiers
from innoplan.registry import patents, validity


class OrganisationKind(models.TextChoices):
    """What kind of innovation actor an organisation is."""

    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    # 分院、分部、研究院 of a university or research institute settled in the district.
    BRANCH = "branch", _("Branch of a university or institute")
    HOSPITAL = "hospital", _("Hospital")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    OTHER = "other", _("Other organisation")


class Industry(models.TextChoices):
    """The plan's "6+3" industry directions: six leading industries, three future ones."""

    DIGITAL_ECONOMY = "digital_economy", _("Digital economy")
    MODERN_FINANCE = "modern_finance", _("Modern finance")
    ADVANCED_MANUFACTURING = "advanced_manufacturing", _("Advanced manufacturing")
    BUSINESS_SERVICES = "business_services", _("Business services")
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    MODERN_SEED = "modern_seed", _("Modern seed industry")
    FUTURE_INFORMATION = "future_information", _("Future information")
    FUTURE_HEALTH = "future_health", _("Future health")
    FUTURE_ENERGY = "future_energy", _("Future energy")
    OTHER = "other", _("Other industry")


class QualificationKind(models.TextChoices):
    """A recognition an organisation holds for a while; how long follows from
    ``registry.validity``."""

    TECH_SME = validity.TECH_SME, _("Technology-based SME")
    HIGH_TECH = validity.HIGH_TECH, _("High-tech enterprise")
    INNOVATIVE_SME = validity.INNOVATIVE_SME, _("Innovative SME")
    SPECIALISED_SME = validity.SPECIALISED_SME, _("Specialised and sophisticated SME")
    LITTLE_GIANT = validity.LITTLE_GIANT, _("Specialised and sophisticated little giant")
    INNOVATION_PARTNER = validity.INNOVATION_PARTNER, _("Innovation partner")


class PlatformKind(models.TextChoices):
    KEY_LABORATORY = "key_laboratory", _("Key laboratory")
    ENGINEERING_RESEARCH_CENTER = "engineering_research_center", _("Engineering research center")
    ENTERPRISE_TECHNOLOGY_CENTER = (
        "enterprise_technology_center",
        _("Enterprise technology center"),
    )
    TECHNOLOGY_INNOVATION_CENTER = (
        "technology_innovation_center",
        _("Technology innovation center"),
    )
    MANUFACTURING_INNOVATION_CENTER = (
        "manufacturing_innovation_center",
        _("Manufacturing innovation center"),
    )
    PROOF_OF_CONCEPT_CENTER = "proof_of_concept_center", _("Proof-of-concept center")
    PILOT_TEST_BASE = "pilot_test_base", _("Pilot-scale test base")
    APPLICATION_VERIFICATION_PLATFORM = (
        "application_verification_platform",
        _("Application verification platform"),
    )
    INCUBATOR = "incubator", _("Incubator")
    OTHER = "other", _("Other platform")


class Level(models.TextChoices):
    """Who recognised a platform or base: the state, Beijing Municipality or the district."""

    NATIONAL = "national", _("National")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


class BaseKind(models.TextChoices):
    SCIENCE_POPULARISATION = "science_popularisation", _("Science popularisation base")
    SCIENCE_COURTYARD = "science_courtyard", _("Science and technology courtyard")


class PatentKind(models.TextChoices):
    """The three kinds of patent right, as the type digit of the application number gives
    them (``core.identifiers.patent_type_of``)."""

    INVENTION = patents.INVENTION, _("Invention")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design")


class RecognitionKind(models.TextChoices):
    """What a talent is recognised as."""

    CANAL_TALENT = "canal_talent", _("Canal talent (运河英才)")
    YOUNG_SCIENTIST = "young_scientist", _("Outstanding young scientist")


class CanalTalentTier(models.TextChoices):
    """The three tiers of 运河英才."""

    OUTSTANDING = "outstanding", _("Outstanding (杰出)")
    LEADING = "leading", _("Leading (领军)")
    YOUNG = "young", _("Young (青年)")


class IdKind(models.TextChoices):
    """证件类型 — the document a person is registered by: the mainland 居民身份证, or for foreign
    experts and people from Hong Kong, Macao and Taiwan the document they hold. The checks and
    masks of each are in ``core.identifiers``."""

    ID_CARD = identifiers.ID_CARD, _("Resident ID card")
    PASSPORT = identifiers.PASSPORT, _("Passport")
    HK_MACAO_PERMIT = (
        identifiers.HK_MACAO_PERMIT,
        _("Mainland travel permit for Hong Kong and Macao residents"),
    )
    TAIWAN_PERMIT = identifiers.TAIWAN_PERMIT, _("Mainland travel permit for Taiwan residents")
    PERMANENT_RESIDENCE = (
        identifiers.PERMANENT_RESIDENCE,
        _("Foreigner's permanent residence ID card"),
    )
    RESIDENCE_PERMIT = (
        identifiers.RESIDENCE_PERMIT,
        _("Residence permit for Hong Kong, Macao and Taiwan residents"),
    )
