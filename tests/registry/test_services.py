"""Granting and revoking qualifications, amending a sub-fund's scale: the rules and the audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from innoplan.registry.choices import QualificationKind
from innoplan.registry.models import Fund, FundScale, Qualification
from innoplan.registry.services import (
    fund_scale_amend,
    qualification_grant,
    record_retire,
)
from tests.registry.builders import make, make_organisation

pytestmark = pytest.mark.django_db

YI = Decimal(100_000_000)  # 1 亿元


@pytest.fixture
def enterprise(db):
    return make_organisation("北京副中心精密制造有限公司")


@pytest.fixture
def fund(db):
    return make(Fund, name="城市副中心产业引导子基金一期", valid_from=date(2023, 6, 1))


def test_a_high_tech_certificate_is_granted_for_three_years(enterprise, plan_owner):
    certificate = qualification_grant(
        organisation=enterprise,
        kind=QualificationKind.HIGH_TECH,
        issued_on=date(2023, 11, 30),
        certificate_no=" GR202311001234 ",
        actor=plan_owner,
    )
    certificate.refresh_from_db()
    assert (certificate.valid_from, certificate.valid_to) == (
        date(2023, 11, 30),
        date(2026, 11, 30),
    )
    assert certificate.certificate_no == "GR202311001234"


def test_a_tech_sme_holds_for_its_evaluation_year(enterprise, plan_owner):
    evaluation = qualification_grant(
        organisation=enterprise,
        kind=QualificationKind.TECH_SME,
        issued_on=date(2025, 4, 18),
        actor=plan_owner,
    )
    assert evaluation.valid_to == date(2026, 1, 1)


def test_an_innovation_partner_is_open_ended_unless_an_end_is_given(enterprise, plan_owner):
    open_ended = qualification_grant(
        organisation=enterprise,
        kind=QualificationKind.INNOVATION_PARTNER,
        issued_on=date(2024, 9, 1),
        actor=plan_owner,
    )
    assert open_ended.valid_to is None
    ended = qualification_grant(
        organisation=make_organisation("另一伙伴"),
        kind=QualificationKind.INNOVATION_PARTNER,
        issued_on=date(2024, 9, 1),
        expires_on=date(2025, 9, 1),
        actor=plan_owner,
    )
    assert ended.valid_to == date(2025, 9, 1)


def test_a_given_expiry_overrides_the_rule(enterprise, plan_owner):
    certificate = qualification_grant(
        organisation=enterprise,
        kind=QualificationKind.SPECIALISED_SME,
        issued_on=date(2024, 1, 10),
        expires_on=date(2026, 12, 31),
        actor=plan_owner,
    )
    assert certificate.valid_to == date(2026, 12, 31)


def test_an_expiry_before_the_issue_is_refused(enterprise, plan_owner):
    with pytest.raises(ValidationError) as caught:
        qualification_grant(
            organisation=enterprise,
            kind=QualificationKind.SPECIALISED_SME,
            issued_on=date(2024, 1, 10),
            expires_on=date(2024, 1, 1),
            actor=plan_owner,
        )
    assert "valid_to" in caught.value.message_dict
    assert not Qualification.objects.exists()


def test_a_grant_is_audited_with_its_actor(enterprise, plan_owner):
    certificate = qualification_grant(
        organisation=enterprise,
        kind=QualificationKind.HIGH_TECH,
        issued_on=date(2023, 11, 30),
        actor=plan_owner,
    )
    entry = LogEntry.objects.get_for_object(certificate).get()
    assert entry.actor == plan_owner
    assert entry.action == LogEntry.Action.CREATE


def test_a_reporter_cannot_change_the_registry(enterprise, reporter_a, fund):
    with pytest.raises(PermissionDenied):
        qualification_grant(
            organisation=enterprise,
            kind=QualificationKind.HIGH_TECH,
            issued_on=date(2023, 11, 30),
            actor=reporter_a,
        )
    with pytest.raises(PermissionDenied):
        fund_scale_amend(fund=fund, effective_on=date(2024, 1, 1), amount=YI, actor=reporter_a)
    assert not Qualification.objects.exists()
    assert not FundScale.objects.exists()


def test_a_scripted_load_writes_as_the_system(enterprise):
    certificate = qualification_grant(
        organisation=enterprise,
        kind=QualificationKind.HIGH_TECH,
        issued_on=date(2023, 11, 30),
        actor=None,
    )
    assert LogEntry.objects.get_for_object(certificate).get().actor is None


# --- revocation -------------------------------------------------------------------------


@pytest.fixture
def certificate(enterprise, plan_owner):
    return qualification_grant(
        organisation=enterprise,
        kind=QualificationKind.HIGH_TECH,
        issued_on=date(2023, 11, 30),
        actor=plan_owner,
    )


def test_a_revoked_qualification_ends_on_the_revocation_day(certificate, plan_owner):
    revoked = record_retire(
        record=certificate, on=date(2025, 3, 15), reason="复核不合格，撤销资格", actor=plan_owner
    )
    certificate.refresh_from_db()
    assert revoked.valid_to == certificate.valid_to == date(2025, 3, 15)
    assert revoked.end_reason == "复核不合格，撤销资格"  # a revocation keeps its reason
    update = LogEntry.objects.get_for_object(certificate).filter(action=LogEntry.Action.UPDATE)
    assert update.get().changes_dict["valid_to"] == ["2026-11-30", "2025-03-15"]


def test_a_revocation_must_come_after_the_issue(certificate, plan_owner, english):
    with pytest.raises(ValidationError) as caught:
        record_retire(record=certificate, on=date(2023, 11, 30), reason="撤销", actor=plan_owner)
    assert "only be ended after that day" in " ".join(caught.value.message_dict["on"])


def test_a_revocation_must_come_before_the_expiry(certificate, plan_owner, english):
    with pytest.raises(ValidationError) as caught:
        record_retire(record=certificate, on=date(2026, 11, 30), reason="撤销", actor=plan_owner)
    assert "already stops counting on 2026-11-30" in " ".join(caught.value.message_dict["on"])
    certificate.refresh_from_db()
    assert certificate.valid_to == date(2026, 11, 30)


def test_only_a_steward_revokes(certificate, reporter_a):
    with pytest.raises(PermissionDenied):
        record_retire(record=certificate, on=date(2025, 3, 15), reason="撤销", actor=reporter_a)


# --- fund scale -------------------------------------------------------------------------


def test_a_fund_scale_is_amended_from_a_date_and_keeps_its_history(fund, plan_owner):
    fund_scale_amend(fund=fund, effective_on=date(2023, 6, 1), amount=5 * YI, actor=plan_owner)
    fund_scale_amend(fund=fund, effective_on=date(2025, 1, 1), amount=8 * YI, actor=plan_owner)
    assert list(fund.scales.values_list("effective_on", "amount")) == [
        (date(2023, 6, 1), 5 * YI),
        (date(2025, 1, 1), 8 * YI),
    ]


def test_amending_the_same_day_again_replaces_the_amount(fund, plan_owner):
    first = fund_scale_amend(
        fund=fund, effective_on=date(2025, 1, 1), amount=8 * YI, actor=plan_owner
    )
    second = fund_scale_amend(
        fund=fund, effective_on=date(2025, 1, 1), amount=Decimal("850000000"), actor=plan_owner
    )
    assert first.pk == second.pk
    assert fund.scales.get().amount == Decimal("850000000")


def test_amending_to_the_same_amount_changes_nothing(fund, plan_owner):
    fund_scale_amend(fund=fund, effective_on=date(2025, 1, 1), amount=8 * YI, actor=plan_owner)
    entries = LogEntry.objects.count()
    fund_scale_amend(fund=fund, effective_on=date(2025, 1, 1), amount=8 * YI, actor=plan_owner)
    assert LogEntry.objects.count() == entries


def test_a_negative_scale_is_refused(fund, plan_owner):
    with pytest.raises(ValidationError) as caught:
        fund_scale_amend(fund=fund, effective_on=date(2025, 1, 1), amount=-YI, actor=plan_owner)
    assert "amount" in caught.value.message_dict
    assert not FundScale.objects.exists()
