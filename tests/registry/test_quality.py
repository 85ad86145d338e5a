"""The data quality rules (no database) and the page that lists what to fix."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from innoplan.registry.quality import name_key, suspected_duplicates
from tests.registry.builders import credit_code, make_organisation, with_wrong_check_character


def test_legal_forms_and_a_bracketed_region_do_not_tell_two_names_apart():
    assert name_key("北京甲科技有限公司") == name_key("北京甲科技有限责任公司")
    assert name_key("甲科技（北京）有限公司") == name_key("甲科技有限公司")
    assert name_key("北京甲科技有限公司") != name_key("北京乙科技有限公司")
    assert name_key("有限公司") == "有限公司"  # a name that is only the form stays itself


def test_duplicates_are_groups_of_two_or_more_in_id_order():
    rows = [(3, "甲科技有限公司"), (1, "甲科技有限责任公司"), (2, "乙科技有限公司")]
    assert suspected_duplicates(rows) == [[1, 3]]


@given(st.lists(st.tuples(st.integers(1, 10**6), st.text(max_size=12)), unique_by=lambda r: r[0]))
def test_every_id_is_in_at_most_one_group_and_groups_have_two_or_more(rows):
    groups = suspected_duplicates(rows)
    seen = [pk for group in groups for pk in group]
    assert len(seen) == len(set(seen))
    assert all(len(group) >= 2 for group in groups)


@pytest.mark.django_db
def test_the_quality_page_lists_warnings_duplicates_and_undated_records(client, plan_owner):
    doubtful = make_organisation(
        "北京试点老企业有限公司",
        credit_code=with_wrong_check_character(credit_code()),
        credit_code_confirmed=True,
    )
    first = make_organisation("北京甲科技有限公司")
    second = make_organisation("北京甲科技有限责任公司")
    undated = make_organisation("北京未入驻科技有限公司", settled_on=None)
    make_organisation("北京乙科技有限公司")
    client.force_login(plan_owner)
    response = client.get(reverse("registry:organisation_quality"))
    assert response.status_code == 200
    quality = response.context["quality"]
    assert [record.pk for record, _message in quality.warnings] == [doubtful.pk]
    assert [[r.pk for r in group] for group in quality.duplicates] == [[first.pk, second.pk]]
    assert [record.pk for record in quality.undated] == [undated.pk]
    page = response.content.decode()
    for record in (doubtful, first, second, undated):
        assert reverse("registry:organisation_edit", args=[record.pk]) in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reporter_a", "leader"])
def test_only_a_steward_reads_the_quality_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("registry:organisation_quality")).status_code == 403
