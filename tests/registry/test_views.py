"""The registry's read-only pages: who may see them, the filters, the Excel export, and a
query count that does not grow with the registry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from openpyxl import load_workbook

from innoplan.registry import models as registry
from innoplan.registry.choices import (
    BaseKind,
    Industry,
    Level,
    PlatformKind,
    QualificationKind,
    RecognitionKind,
)
from tests.registry.builders import (
    REGISTER_LISTS,
    application_number,
    credit_code,
    make,
    make_organisation,
    make_patent,
    make_talent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(town):
    """One record of each register, all valid today."""
    organisation = make_organisation("北京智云科技有限公司", town=town)
    park = make(registry.Park, name="张家湾设计小镇", town=town, valid_from=date(2020, 1, 1))
    qualification = make(
        registry.Qualification,
        organisation=organisation,
        kind=QualificationKind.HIGH_TECH,
        valid_from=date(2024, 1, 1),
    )
    platform = make(
        registry.Platform,
        name="智云重点实验室",
        kind=PlatformKind.KEY_LABORATORY,
        level=Level.MUNICIPAL,
        host=organisation,
        valid_from=date(2021, 1, 1),
    )
    fund = make(registry.Fund, name="通州科创子基金", valid_from=date(2021, 1, 1))
    make(registry.FundScale, fund=fund, effective_on=date(2021, 1, 1), amount=Decimal("500000000"))
    event = make(registry.BrandEvent, name="运河创新大会", valid_from=date(2019, 1, 1))
    base = make(
        registry.Base,
        name="宋庄科普基地",
        kind=BaseKind.SCIENCE_POPULARISATION,
        level=Level.DISTRICT,
        host=organisation,
        town=town,
        valid_from=date(2021, 1, 1),
    )
    patent = make_patent(
        owners=[organisation], title="一种智能运河调度方法", strategic_emerging_industry=True
    )
    talent = make_talent("李明", employer=organisation)
    recognition = make(
        registry.TalentRecognition,
        talent=talent,
        kind=RecognitionKind.CANAL_TALENT,
        tier="leading",
        valid_from=date(2023, 5, 1),
    )
    team = make(
        registry.Team,
        name="智云算法团队",
        organisation=organisation,
        recognition_year=2024,
        valid_from=date(2024, 6, 1),
    )
    registry.TeamMember.objects.create(team=team, talent=talent, is_leader=True)
    return {
        "talent": talent,
        "talent_recognition": recognition,
        "team": team,
        "patent": patent,
        "organisation": organisation,
        "qualification": qualification,
        "platform": platform,
        "fund": fund,
        "brand_event": event,
        "base": base,
        "park": park,
    }


def list_url(route: str, **query) -> str:
    url = reverse(f"registry:{route}_list")
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def detail_url(route: str, record) -> str:
    return reverse(f"registry:{route}_detail", args=[record.pk])


def all_urls(records) -> list[str]:
    urls = [reverse("registry:index")]
    for route in REGISTER_LISTS:
        urls += [list_url(route), detail_url(route, records[route])]
    return urls


def names_listed(response) -> list[str]:
    table = response.context["table"]
    return [str(row.record) for row in table.paginated_rows]


# --- who may see the registry ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["plan_owner", "leader", "reporter_a"])
def test_business_users_see_every_registry_page(client, request, persona, records):
    client.force_login(request.getfixturevalue(persona))
    for url in all_urls(records):
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_system_administrator_is_refused_every_registry_page(client, sysadmin, records):
    client.force_login(sysadmin)
    for url in all_urls(records):
        assert client.get(url).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, records):
    for url in all_urls(records):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == redirect_to_login(url).url


def test_the_nav_links_the_registry_for_readers_only(client, leader, sysadmin):
    client.force_login(leader)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("registry:index")}"' in page
    client.force_login(sysadmin)
    refused = client.get(reverse("registry:index"))  # the 403 page carries the nav too
    assert refused.status_code == 403
    assert 'id="nav-main"' in refused.content.decode()
    assert f'href="{reverse("registry:index")}"' not in refused.content.decode()


def test_a_missing_record_is_not_found(client, leader, records):
    client.force_login(leader)
    assert client.get(reverse("registry:organisation_detail", args=[999999])).status_code == 404


# --- index and detail pages ------------------------------------------------------------------


def test_the_index_counts_the_records_valid_today_and_all_on_record(client, leader, records):
    make_organisation("已迁出公司", settled_on=date(2020, 1, 1), left_on=date(2021, 1, 1))
    client.force_login(leader)
    response = client.get(reverse("registry:index"))
    tiles = {r["all_url"]: r for r in response.context["registers"]}
    assert tiles[list_url("organisation")]["count"] == 1
    assert tiles[list_url("organisation")]["total"] == 2
    assert tiles[list_url("fund")]["count"] == 1


@pytest.mark.parametrize("route", REGISTER_LISTS)
def test_each_tile_opens_a_list_of_as_many_records_as_it_counts(client, leader, records, route):
    make_organisation("已迁出公司", settled_on=date(2020, 1, 1), left_on=date(2021, 1, 1))
    client.force_login(leader)
    [tile] = [
        r
        for r in client.get(reverse("registry:index")).context["registers"]
        if r["all_url"] == list_url(route)
    ]
    listed = client.get(tile["url"])
    assert listed.context["table"].paginator.count == tile["count"]
    assert client.get(tile["all_url"]).context["table"].paginator.count == tile["total"]


def test_an_organisations_page_shows_its_qualifications_platforms_and_history(
    client, leader, records
):
    client.force_login(leader)
    response = client.get(detail_url("organisation", records["organisation"]))
    page = response.content.decode()
    assert "智云重点实验室" in page
    assert detail_url("qualification", records["qualification"]) in page
    assert records["organisation"].credit_code in page
    # Created through the model: auditlog recorded the organisation and its qualification.
    assert len(response.context["audit"]) >= 2


def test_a_funds_page_shows_its_scale_history(client, leader, records):
    client.force_login(leader)
    response = client.get(detail_url("fund", records["fund"]))
    assert "500000000" in response.content.decode().replace(",", "")


def test_a_qualification_links_to_its_organisation(client, leader, records):
    client.force_login(leader)
    page = client.get(detail_url("qualification", records["qualification"])).content.decode()
    assert detail_url("organisation", records["organisation"]) in page


# --- search and filters ----------------------------------------------------------------------


@pytest.fixture
def organisations(records):
    other = make_organisation("通州运河文化传媒有限公司")
    return records["organisation"], other


@pytest.mark.parametrize(
    "query",
    ["智云", "BJZY", "bjzykj", "zykj", lambda o: o.credit_code, lambda o: o.credit_code[-8:]],
)
def test_organisations_are_found_by_name_credit_code_or_pinyin_initials(
    client, leader, organisations, query
):
    zhiyun, _ = organisations
    client.force_login(leader)
    q = query(zhiyun) if callable(query) else query
    response = client.get(list_url("organisation", q=q))
    assert names_listed(response) == [zhiyun.name]


def test_organisations_are_found_by_a_former_name(client, leader, organisations):
    zhiyun, _ = organisations
    zhiyun.former_names = "北京旧名科技有限公司"
    zhiyun.save()
    client.force_login(leader)
    assert names_listed(client.get(list_url("organisation", q="旧名"))) == [zhiyun.name]


def test_the_initials_are_kept_when_a_name_changes():
    organisation = make_organisation("北京智云科技有限公司")
    assert organisation.name_initials == "bjzykjyxgs"
    organisation.name = "通州智云有限公司"
    organisation.save(update_fields=["name"])
    organisation.refresh_from_db()
    assert organisation.name_initials == "tzzyyxgs"


def test_the_as_of_filter_lists_what_counted_on_that_day(client, leader):
    make_organisation("老公司", settled_on=date(2020, 1, 1), left_on=date(2023, 7, 1))
    make_organisation("新公司", settled_on=date(2023, 7, 1))
    client.force_login(leader)
    assert names_listed(client.get(list_url("organisation", as_of="2023-06-30"))) == ["老公司"]
    # valid_to is the first day it no longer counts.
    assert names_listed(client.get(list_url("organisation", as_of="2023-07-01"))) == ["新公司"]
    assert len(names_listed(client.get(list_url("organisation")))) == 2


def test_the_qualification_filter_follows_the_as_of_day(client, leader):
    holder = make_organisation("高企甲")
    make(
        registry.Qualification,
        organisation=holder,
        kind=QualificationKind.HIGH_TECH,
        valid_from=date(2021, 1, 1),
        valid_to=date(2024, 1, 1),
    )
    make_organisation("普通乙")
    client.force_login(leader)
    held = list_url("organisation", qualification=QualificationKind.HIGH_TECH, as_of="2023-12-31")
    assert names_listed(client.get(held)) == ["高企甲"]
    lapsed = list_url("organisation", qualification=QualificationKind.HIGH_TECH, as_of="2024-01-01")
    assert names_listed(client.get(lapsed)) == []
    today = list_url("organisation", qualification=QualificationKind.HIGH_TECH)
    assert names_listed(client.get(today)) == []


def test_patents_are_found_by_application_number_as_typed_or_by_title(client, leader, records):
    patent = records["patent"]
    other = make_patent(application_number=application_number(2021), title="一种种子处理装置")
    client.force_login(leader)
    number = patent.application_number
    typed = f"ZL{number[:4]} {number[4:12]}。{number[-1]}"
    for q in (number, number[:8], typed, "运河调度"):
        response = client.get(list_url("patent", q=q))
        assert names_listed(response) == [str(patent)], q
    assert names_listed(client.get(list_url("patent", q="种子"))) == [str(other)]


def test_a_patents_page_shows_its_patentees(client, leader, records):
    client.force_login(leader)
    page = client.get(detail_url("patent", records["patent"])).content.decode()
    assert detail_url("organisation", records["organisation"]) in page
    assert records["patent"].application_number in page


def test_the_patent_export_lists_its_patentees(client, leader, records):
    client.force_login(leader)
    rows = list(_sheet(client.get(list_url("patent", format="xlsx"))).iter_rows(values_only=True))
    assert rows[1][0] == records["patent"].application_number
    assert records["organisation"].name in rows[1]


def test_choice_filters_narrow_the_list(client, leader, town):
    make(registry.Park, name="甲园", industry=Industry.DIGITAL_ECONOMY, valid_from=date(2020, 1, 1))
    make(
        registry.Park,
        name="乙园",
        industry=Industry.FUTURE_HEALTH,
        town=town,
        valid_from=date(2020, 1, 1),
    )
    client.force_login(leader)
    assert names_listed(client.get(list_url("park", industry=Industry.FUTURE_HEALTH))) == ["乙园"]
    assert names_listed(client.get(list_url("park", town=town.pk))) == ["乙园"]


def test_a_bad_as_of_date_is_reported_on_the_form(client, leader, records):
    client.force_login(leader)
    response = client.get(list_url("organisation", as_of="2023-13-45"))
    assert response.status_code == 200
    assert "as_of" in response.context["filter"].form.errors


# --- Excel export ----------------------------------------------------------------------------


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def test_the_export_has_exactly_the_filtered_rows_with_the_tables_columns(client, leader):
    for n in range(3):
        make_organisation(f"智云{n}号公司")
    make_organisation("其他公司")
    client.force_login(leader)
    response = client.get(list_url("organisation", q="智云", format="xlsx"))
    rows = list(_sheet(response).iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == str(registry.Organisation._meta.get_field("name").verbose_name)
    assert len(header) == 7
    assert sorted(r[0] for r in body) == ["智云0号公司", "智云1号公司", "智云2号公司"]
    # Dates as ISO text, and no "—" placeholder for an empty cell.
    assert body[0][5] == "2020-01-01"
    assert body[0][6] is None


def test_the_export_is_not_paginated(client, leader):
    registry.Organisation.objects.bulk_create(
        registry.Organisation(name=f"公司{n:03d}", credit_code=credit_code(), kind="enterprise")
        for n in range(60)
    )
    client.force_login(leader)
    assert len(names_listed(client.get(list_url("organisation")))) == 50
    sheet = _sheet(client.get(list_url("organisation", format="xlsx")))
    assert sheet.max_row == 61


def test_the_export_keeps_a_formula_like_name_as_text(client, leader):
    make(
        registry.BrandEvent,
        name='=HYPERLINK("http://evil.example","x")',
        valid_from=date(2020, 1, 1),
    )
    client.force_login(leader)
    sheet = _sheet(client.get(list_url("brand_event", format="xlsx")))
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=HYPERLINK(")


def test_the_export_button_keeps_the_filter(client, leader, records):
    client.force_login(leader)
    response = client.get(list_url("organisation", q="智云", page=1))
    assert "q=%E6%99%BA%E4%BA%91" in response.context["export_query"]
    assert "format=xlsx" in response.context["export_query"]
    assert "page" not in response.context["export_query"]


@pytest.mark.parametrize("route", REGISTER_LISTS)
def test_every_register_exports(client, leader, records, route):
    client.force_login(leader)
    sheet = _sheet(client.get(list_url(route, format="xlsx")))
    assert sheet.max_row == 2


# --- query counts ----------------------------------------------------------------------------


def _grow(records, town, n: int) -> None:
    organisation = records["organisation"]
    for i in range(n):
        other = make_organisation(f"扩容公司{i}", town=town)
        make(
            registry.Qualification,
            organisation=other,
            kind=QualificationKind.TECH_SME,
            valid_from=date(2024, 1, 1),
        )
        make(
            registry.Platform,
            name=f"平台{i}",
            kind=PlatformKind.INCUBATOR,
            level=Level.DISTRICT,
            host=other,
            valid_from=date(2022, 1, 1),
        )
        make(registry.Fund, name=f"基金{i}", valid_from=date(2022, 1, 1))
        make(registry.BrandEvent, name=f"活动{i}", valid_from=date(2022, 1, 1))
        make(
            registry.Base,
            name=f"基地{i}",
            kind=BaseKind.SCIENCE_COURTYARD,
            level=Level.DISTRICT,
            host=organisation,
            town=town,
            valid_from=date(2022, 1, 1),
        )
        make(registry.Park, name=f"园区{i}", town=town, valid_from=date(2022, 1, 1))
        make_patent(owners=[organisation, other], title=f"专利{i}")
        talent = make_talent(f"人才{i}", employer=other)
        make(
            registry.TalentRecognition,
            talent=talent,
            kind=RecognitionKind.YOUNG_SCIENTIST,
            valid_from=date(2022, 1, 1),
        )
        make(registry.Team, name=f"团队{i}", recognition_year=2022, valid_from=date(2022, 3, 1))


@pytest.mark.parametrize("route", REGISTER_LISTS)
def test_a_list_page_takes_a_fixed_number_of_queries(
    client, leader, records, town, route, django_assert_max_num_queries
):
    client.force_login(leader)
    client.get(list_url(route))  # warm the session and content types
    # Session, user, its permissions (2), session refresh (3: savepoint, update, release),
    # the towns for the filter form, the count and the page's rows.
    with django_assert_max_num_queries(10):
        assert client.get(list_url(route)).status_code == 200
    _grow(records, town, 5)
    with django_assert_max_num_queries(10):
        assert client.get(list_url(route)).status_code == 200
