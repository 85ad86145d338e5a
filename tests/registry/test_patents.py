"""高价值发明专利: the pure rule, its boundaries, and the selector that asks the database the
same question."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from innoplan.metrics.selectors import metric_value
from innoplan.registry.choices import PatentKind
from innoplan.registry.models import Patent
from innoplan.registry.patents import (
    PLEDGE_THRESHOLD,
    is_high_value,
    maintained_cutoff,
    maintained_over_ten_years,
    years_after,
)
from innoplan.registry.selectors import high_value_invention_patents
from tests.registry.builders import application_number, make_organisation, make_patent

KINDS = [PatentKind.INVENTION, PatentKind.UTILITY_MODEL, PatentKind.DESIGN]
NO_FACTS = {
    "strategic_emerging_industry": False,
    "overseas_family": False,
    "pledge_amount": Decimal(0),
    "award": False,
}


def rule(**overrides):
    facts = {
        "kind": PatentKind.INVENTION,
        "filed_on": date(2020, 3, 1),
        "granted_on": date(2022, 1, 1),
        "lapsed_on": None,
        **NO_FACTS,
        "as_of": date(2025, 6, 30),
    }
    facts.update(overrides)
    return is_high_value(**facts)


# --- the rule by hand ------------------------------------------------------------------------


def test_an_invention_patent_with_no_category_is_not_high_value():
    assert not rule()


@pytest.mark.parametrize(
    "fact",
    [
        {"strategic_emerging_industry": True},
        {"overseas_family": True},
        {"pledge_amount": Decimal("10000000.01")},
        {"award": True},
        {"filed_on": date(2014, 3, 1)},
    ],
)
def test_any_one_category_makes_an_invention_patent_high_value(fact):
    assert rule(**fact)


@pytest.mark.parametrize("kind", [PatentKind.UTILITY_MODEL, PatentKind.DESIGN])
def test_only_invention_patents_are_high_value(kind):
    assert not rule(kind=kind, strategic_emerging_industry=True, award=True)


def test_a_pledge_of_exactly_ten_million_yuan_is_not_enough():
    assert Decimal(10_000_000) == PLEDGE_THRESHOLD
    assert not rule(pledge_amount=Decimal(10_000_000))
    assert rule(pledge_amount=Decimal(10_000_001))


def test_maintained_counts_from_the_day_after_the_tenth_anniversary_of_filing():
    filed = date(2015, 6, 30)
    assert not rule(filed_on=filed, granted_on=date(2018, 1, 1), as_of=date(2025, 6, 30))
    assert rule(filed_on=filed, granted_on=date(2018, 1, 1), as_of=date(2025, 7, 1))


def test_a_patent_filed_on_29_february_is_ten_years_old_on_28_february():
    filed = date(2016, 2, 29)
    assert not maintained_over_ten_years(filed_on=filed, as_of=date(2026, 2, 28))
    assert maintained_over_ten_years(filed_on=filed, as_of=date(2026, 3, 1))


def test_it_counts_from_the_grant_and_stops_on_the_lapse_day():
    facts = {"strategic_emerging_industry": True, "lapsed_on": date(2025, 3, 1)}
    assert not rule(**facts, as_of=date(2021, 12, 31))
    assert rule(**facts, as_of=date(2022, 1, 1))
    assert rule(**facts, as_of=date(2025, 2, 28))
    assert not rule(**facts, as_of=date(2025, 3, 1))


# --- properties ------------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


@given(filed_on=days, as_of=days)
def test_the_cutoff_agrees_with_the_ten_year_rule(filed_on, as_of):
    assert (filed_on < maintained_cutoff(as_of)) == maintained_over_ten_years(
        filed_on=filed_on, as_of=as_of
    )


@given(
    kind=st.sampled_from(KINDS),
    filed_on=days,
    grant_after=st.integers(0, 2000),
    lapse_after=st.none() | st.integers(1, 8000),
    strategic=st.booleans(),
    overseas=st.booleans(),
    pledge=st.decimals(0, 50_000_000, places=2),
    award=st.booleans(),
    as_of=days,
)
def test_high_value_is_in_force_and_at_least_one_category(
    kind, filed_on, grant_after, lapse_after, strategic, overseas, pledge, award, as_of
):
    granted_on = filed_on + timedelta(days=grant_after)
    lapsed_on = None if lapse_after is None else granted_on + timedelta(days=lapse_after)
    result = is_high_value(
        kind=kind,
        filed_on=filed_on,
        granted_on=granted_on,
        lapsed_on=lapsed_on,
        strategic_emerging_industry=strategic,
        overseas_family=overseas,
        pledge_amount=pledge,
        award=award,
        as_of=as_of,
    )
    in_force = granted_on <= as_of and (lapsed_on is None or as_of < lapsed_on)
    categories = [
        strategic,
        overseas,
        pledge > Decimal(10_000_000),
        award,
        as_of > years_after(filed_on, 10),
    ]
    assert result == (kind == PatentKind.INVENTION and in_force and any(categories))


# --- the model -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_application_number_is_stored_normalised():
    number = application_number(2015)
    typed = f"ZL {number[:4]} {number[4]} {number[5:12]}。{number[-1]}"
    patent = make_patent(application_number=typed, filed_on=date(2015, 1, 5))
    assert patent.application_number == number


@pytest.mark.django_db
def test_a_wrong_check_digit_is_refused_with_the_reason(english):
    number = application_number(2015)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(ValidationError) as error:
        make_patent(application_number=wrong)
    message = " ".join(error.value.message_dict["application_number"])
    assert "check digit" in message


@pytest.mark.django_db
def test_the_kind_must_agree_with_the_application_number(english):
    with pytest.raises(ValidationError) as error:
        make_patent(application_number=application_number(2020, "2"), kind=PatentKind.INVENTION)
    assert "Utility model" in " ".join(error.value.message_dict["kind"])
    make_patent(application_number=application_number(2020, "3"), kind=PatentKind.DESIGN)


@pytest.mark.django_db
def test_a_grant_before_filing_or_a_lapse_before_grant_is_refused():
    with pytest.raises(ValidationError) as error:
        make_patent(filed_on=date(2020, 1, 1), valid_from=date(2019, 12, 31))
    assert "valid_from" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_patent(valid_from=date(2022, 1, 1), valid_to=date(2022, 1, 1))
    assert "valid_to" in error.value.message_dict


# --- the selector and the metric -------------------------------------------------------------


@pytest.mark.django_db
def test_only_patents_owned_by_an_organisation_in_the_district_count():
    here = make_organisation("北京在区科技有限公司")
    gone = make_organisation("北京迁出科技有限公司", left_on=date(2024, 1, 1))
    outside = make_organisation("区外公司", settled_on=None)
    facts = {"strategic_emerging_industry": True}
    make_patent(owners=[here, gone], **facts)
    make_patent(owners=[gone], **facts)
    make_patent(owners=[outside], **facts)
    make_patent(**facts)  # no owner recorded
    assert high_value_invention_patents(as_of=date(2023, 6, 30)).count() == 2
    assert high_value_invention_patents(as_of=date(2024, 1, 1)).count() == 1
    assert metric_value(key="high_value_patents", as_of=date(2024, 1, 1)) == 1


@pytest.mark.django_db
def test_the_selector_and_the_rule_agree_on_a_grid_of_patents():
    owner = make_organisation("北京专利科技有限公司", settled_on=date(2000, 1, 1))
    filed = [date(2014, 6, 30), date(2016, 2, 29), date(2018, 1, 1)]
    lapses = [None, date(2025, 7, 1), date(2026, 3, 1)]
    facts = [
        NO_FACTS,
        {**NO_FACTS, "strategic_emerging_industry": True},
        {**NO_FACTS, "overseas_family": True},
        {**NO_FACTS, "pledge_amount": PLEDGE_THRESHOLD},
        {**NO_FACTS, "pledge_amount": PLEDGE_THRESHOLD + Decimal("0.01")},
        {**NO_FACTS, "award": True},
    ]
    digits = {PatentKind.INVENTION: "1", PatentKind.UTILITY_MODEL: "2", PatentKind.DESIGN: "3"}
    patents = []
    for kind, filed_on, lapsed_on, fact in itertools.product(KINDS, filed, lapses, facts):
        patents.append(
            make_patent(
                owners=[owner],
                application_number=application_number(filed_on.year, digits[kind]),
                kind=kind,
                filed_on=filed_on,
                valid_from=date(2019, 7, 1),
                valid_to=lapsed_on,
                **fact,
            )
        )
    days = [
        date(2019, 6, 30),
        date(2019, 7, 1),
        date(2024, 6, 30),
        date(2024, 7, 1),
        date(2025, 6, 30),
        date(2025, 7, 1),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2028, 2, 29),
    ]
    for day in days:
        expected = {p.pk for p in patents if p.is_high_value(day)}
        assert set(high_value_invention_patents(as_of=day).values_list("pk", flat=True)) == (
            expected
        ), day
    assert Patent.objects.count() == len(patents)
