"""The data steward (数据管理员): keeps the register groups the plan owner assigns — creates,
corrects, ends and imports there, and nowhere else — while the plan owner keeps every
register. The assignment itself is the plan owner's, and audited."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from innoplan.accounts.choices import Role
from innoplan.registry import services
from innoplan.registry.models import (
    BrandEvent,
    Organisation,
    Patent,
    RegisterGroup,
    RegisterSteward,
)
from innoplan.registry.registers import REGISTERS, register_by_slug, register_for
from tests.conftest import _user
from tests.registry.builders import make, make_organisation

pytestmark = pytest.mark.django_db


def test_every_register_is_in_a_group_and_every_group_holds_a_register():
    assert {register.group for register in REGISTERS} == set(RegisterGroup.values)


def test_a_child_record_belongs_to_its_parents_register():
    from innoplan.registry.models import FundScale, TeamMember

    assert register_for(FundScale).slug == "funds"
    assert register_for(TeamMember).group == RegisterGroup.TALENTS
    assert register_for(Organisation).slug == "organisations"
    assert register_for(object) is None


def test_a_steward_keeps_his_groups_and_only_those(steward, plan_owner):
    organisation = make_organisation("北京运河数据科技有限公司")
    assert steward.has_perm("registry.manage_registry", organisation)
    assert steward.has_perm("registry.manage_registry", register_by_slug("qualifications"))
    assert not steward.has_perm("registry.manage_registry", register_by_slug("patents"))
    assert not steward.has_perm("registry.manage_registry", Patent)
    assert steward.has_perm("registry.manage_registry")  # some register: the import pages
    assert not steward.has_perm("registry.assign_stewards")
    assert not steward.has_perm("registry.unmask_id_number")
    # The plan owner keeps every register whatever is assigned.
    assert all(plan_owner.has_perm("registry.manage_registry", r) for r in REGISTERS)


def test_a_steward_without_a_group_keeps_nothing_and_still_reads(db):
    idle = _user("idle_steward", Role.DATA_STEWARD)
    assert idle.has_perm("registry.view_registry")
    assert not idle.has_perm("registry.manage_registry")
    assert not any(idle.has_perm("registry.manage_registry", r) for r in REGISTERS)


def test_a_steward_corrects_in_his_register_and_is_refused_in_another(steward):
    organisation = make_organisation("北京运河数据科技有限公司")
    organisation.name = "北京运河数据科技股份有限公司"
    services.record_save(record=organisation, actor=steward)
    assert Organisation.objects.get(pk=organisation.pk).name == "北京运河数据科技股份有限公司"

    event = make(BrandEvent, name="运河科技论坛", valid_from=date(2025, 5, 1))
    event.name = "改名"
    with pytest.raises(PermissionDenied):
        services.record_save(record=event, actor=steward)
    assert BrandEvent.objects.get(pk=event.pk).name == "运河科技论坛"
    with pytest.raises(PermissionDenied):
        services.record_retire(record=event, on=date(2025, 6, 1), reason="停办", actor=steward)
    assert BrandEvent.objects.get(pk=event.pk).valid_to is None


def test_the_plan_owner_assigns_groups_and_each_change_is_audited(plan_owner, steward):
    services.steward_groups_assign(
        steward=steward,
        groups=[RegisterGroup.TALENTS, RegisterGroup.OUTCOMES],
        actor=plan_owner,
    )
    assert set(RegisterSteward.objects.filter(user=steward).values_list("group", flat=True)) == {
        RegisterGroup.TALENTS,
        RegisterGroup.OUTCOMES,
    }
    entries = LogEntry.objects.get_for_model(RegisterSteward)
    assert entries.filter(action=LogEntry.Action.CREATE).count() == 3  # with the fixture's
    assert entries.filter(action=LogEntry.Action.DELETE, actor=plan_owner).count() == 1
    steward.refresh_from_db()  # a new request: the groups are read again
    assert steward.has_perm("registry.manage_registry", Patent)
    assert not steward.has_perm("registry.manage_registry", Organisation)


def test_only_the_plan_owner_assigns_and_only_to_a_steward(steward, leader, plan_owner):
    with pytest.raises(PermissionDenied):
        services.steward_groups_assign(
            steward=steward, groups=[RegisterGroup.TALENTS], actor=steward
        )
    with pytest.raises(ValidationError, match="不是在用的数据管理员"):
        services.steward_groups_assign(
            steward=leader, groups=[RegisterGroup.TALENTS], actor=plan_owner
        )
    assert not RegisterSteward.objects.filter(user=leader).exists()
    assert list(RegisterSteward.objects.filter(user=steward).values_list("group", flat=True)) == [
        RegisterGroup.ENTERPRISES
    ]


def test_the_stewards_page_assigns_groups(client, plan_owner, steward):
    client.force_login(plan_owner)
    page = client.get("/registry/stewards/").content.decode()
    assert "steward" in page and "企业与资质" in page
    response = client.post(
        "/registry/stewards/",
        {"steward": steward.pk, f"s{steward.pk}-groups": ["carriers"]},
    )
    assert response.status_code == 302
    assert list(RegisterSteward.objects.filter(user=steward).values_list("group", flat=True)) == [
        "carriers"
    ]
    # An unknown group is refused with the field's message and changes nothing.
    response = client.post(
        "/registry/stewards/", {"steward": steward.pk, f"s{steward.pk}-groups": ["everything"]}
    )
    assert response.status_code == 400
    assert 'data-testid="field-error"' in response.content.decode()
    assert list(RegisterSteward.objects.filter(user=steward).values_list("group", flat=True)) == [
        "carriers"
    ]


def test_a_steward_starts_on_the_registry_with_his_registers_marked(client, steward):
    from innoplan.accounts.selectors import start_page

    assert start_page(steward) == "/registry/"
    client.force_login(steward)
    page = client.get("/registry/").content.decode()
    assert page.count('data-testid="register-kept"') == 2
    assert 'data-testid="stewards-link"' not in page
    assert 'data-testid="import-link"' in page
    # Only his registers' create and quality links on the lists.
    assert (
        'href="/registry/organisations/new/"'
        in client.get("/registry/organisations/").content.decode()
    )
    assert "/registry/patents/new/" not in client.get("/registry/patents/").content.decode()


def test_a_steward_imports_only_his_registers(client, steward):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from innoplan.imports.models import ImportJob

    client.force_login(steward)
    page = client.get("/registry/imports/").content.decode()
    assert 'value="organisations"' in page and 'value="qualifications"' in page
    assert 'value="patents"' not in page
    assert client.get("/registry/imports/template/patents.xlsx").status_code == 403
    upload = SimpleUploadedFile("patents.csv", "专利申请号\n".encode())
    response = client.post("/registry/imports/", {"importer": "patents", "file": upload})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()
