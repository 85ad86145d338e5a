"""Progress and forecast rules of plan targets: hand-computed cases, then properties.

The stock example throughout is "高新技术企业突破1500家 by 2027": baseline 1000 on
2025-05-01, deadline 2027-12-31. Assessed on 2026-08-31 it is exactly halfway in time
(487 days gone, 487 days left) and 16 months from the deadline (487 / 30.4375 = 16).
The annual examples use 2024, a leap year: 2024-07-01 is day 183 of 366, half the year.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from innoplan.plans.progress import (
    Assessment,
    Comparator,
    Point,
    Status,
    Thresholds,
    assess_annual,
    assess_stock,
    linear_trend_at,
    months_between,
    required_on,
    still_needed,
    stock_progress,
    target_met,
)

D = Decimal

BASELINE_ON = date(2025, 5, 1)
AS_OF = date(2026, 8, 31)
DEADLINE = date(2027, 12, 31)


def high_tech(current=None, *, history=None, as_of=AS_OF, **overrides) -> Assessment:
    """突破1500家 from 1000, assessed with one value (or a whole history)."""
    if history is None:
        history = [] if current is None else [Point(as_of, D(current))]
    arguments = {
        "comparator": Comparator.GREATER,
        "target": D(1500),
        "deadline": DEADLINE,
        "baseline": D(1000),
        "baseline_on": BASELINE_ON,
        "history": history,
        "as_of": as_of,
    } | overrides
    return assess_stock(**arguments)


def new_specialised(ytd=None, *, points=None, as_of=date(2024, 7, 1), **overrides) -> Assessment:
    """每年新增专精特新中小企业50家, assessed with one year-to-date value (or several)."""
    if points is None:
        points = [] if ytd is None else [Point(as_of, D(ytd))]
    arguments = {
        "comparator": Comparator.AT_LEAST,
        "annual_target": D(50),
        "year_to_date": points,
        "as_of": as_of,
    } | overrides
    return assess_annual(**arguments)


# --- target_met -------------------------------------------------------------------------


def test_breaking_1500_is_not_met_by_1500():
    assert not target_met(D(1500), Comparator.GREATER, D(1500))


def test_breaking_1500_is_met_by_1501():
    assert target_met(D(1501), Comparator.GREATER, D(1500))


def test_reaching_30_yi_is_met_at_exactly_30_yi():
    assert target_met(D(3_000_000_000), Comparator.AT_LEAST, D(3_000_000_000))
    assert not target_met(D("2999999999.99"), Comparator.AT_LEAST, D(3_000_000_000))


def test_about_20_teams_is_met_from_18():
    # 20 * (1 - 0.10) = 18
    assert target_met(D(18), Comparator.ABOUT, D(20))
    assert not target_met(D("17.99"), Comparator.ABOUT, D(20))


def test_about_uses_the_tolerance_it_is_given():
    # 20 * (1 - 0.25) = 15
    assert target_met(D(15), Comparator.ABOUT, D(20), D("0.25"))
    assert not target_met(D(15), Comparator.ABOUT, D(20))


def test_equal_is_met_only_at_the_target():
    assert target_met(D(3), Comparator.EQUAL, D(3))
    assert not target_met(D(2), Comparator.EQUAL, D(3))
    assert not target_met(D(4), Comparator.EQUAL, D(3))


def test_target_met_accepts_the_comparator_as_stored_text():
    assert not target_met(D(1500), ">", D(1500))
    assert target_met(D(1500), ">=", D(1500))


def test_target_met_refuses_an_unknown_comparator():
    with pytest.raises(ValueError):
        target_met(D(1), "<", D(2))


# --- still_needed -----------------------------------------------------------------------


def test_breaking_1500_needs_1501():
    # 1500 - 1400 + 1 = 101 more to reach 1501
    needed = still_needed(current=D(1400), comparator=Comparator.GREATER, target=D(1500))
    assert needed == 101


def test_reaching_1500_needs_1500():
    needed = still_needed(current=D(1400), comparator=Comparator.AT_LEAST, target=D(1500))
    assert needed == 100


def test_exceeding_an_amount_in_yuan_leaves_strictness_to_target_met():
    # step 0 for continuous amounts: at exactly 30 亿 nothing countable is missing
    needed = still_needed(
        current=D(3_000_000_000), comparator=Comparator.GREATER, target=D(3_000_000_000), step=D(0)
    )
    assert needed == 0
    assert not target_met(D(3_000_000_000), Comparator.GREATER, D(3_000_000_000))


def test_about_20_teams_with_12_needs_6_more():
    # 20 * 0.9 - 12 = 6
    assert still_needed(current=D(12), comparator=Comparator.ABOUT, target=D(20)) == 6


def test_nothing_is_needed_once_met():
    assert still_needed(current=D(1600), comparator=Comparator.GREATER, target=D(1500)) == 0
    # over an EQUAL target: not met, but growing further never helps
    assert still_needed(current=D(4), comparator=Comparator.EQUAL, target=D(3)) == 0


# --- stock_progress ---------------------------------------------------------------------


def test_progress_is_the_share_of_the_journey_done():
    # (1230 - 1000) / (1500 - 1000) = 230 / 500 = 0.46
    assert stock_progress(baseline=D(1000), target=D(1500), current=D(1230)) == D("0.46")


def test_progress_can_exceed_one_or_fall_below_zero():
    # (1600 - 1000) / 500 = 1.2 ; (900 - 1000) / 500 = -0.2
    assert stock_progress(baseline=D(1000), target=D(1500), current=D(1600)) == D("1.2")
    assert stock_progress(baseline=D(1000), target=D(1500), current=D(900)) == D("-0.2")


def test_progress_towards_a_target_equal_to_its_baseline_is_all_or_nothing():
    assert stock_progress(baseline=D(100), target=D(100), current=D(100)) == 1
    assert stock_progress(baseline=D(100), target=D(100), current=D(120)) == 1
    assert stock_progress(baseline=D(100), target=D(100), current=D(99)) == 0


# --- required_on ------------------------------------------------------------------------


def test_required_path_is_halfway_halfway_in_time():
    # 1000 + 500 * 487 / 974 = 1250
    required = required_on(
        baseline=D(1000), baseline_on=BASELINE_ON, target=D(1500), deadline=DEADLINE, on=AS_OF
    )
    assert required == 1250


def test_required_path_counts_days():
    # 0 + 366 * 31 / 366 = 31 (2024 is a leap year: 366 days to 2025-01-01)
    required = required_on(
        baseline=D(0),
        baseline_on=date(2024, 1, 1),
        target=D(366),
        deadline=date(2025, 1, 1),
        on=date(2024, 2, 1),
    )
    assert required == 31


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2020, 1, 1), 1000),  # before the baseline date: the baseline
        (BASELINE_ON, 1000),
        (DEADLINE, 1500),
        (date(2030, 1, 1), 1500),  # after the deadline: the target
    ],
)
def test_required_path_is_clamped_outside_its_dates(on, expected):
    required = required_on(
        baseline=D(1000), baseline_on=BASELINE_ON, target=D(1500), deadline=DEADLINE, on=on
    )
    assert required == expected


def test_required_path_with_no_time_asks_for_the_target_from_the_deadline_on():
    day = date(2026, 1, 1)
    assert required_on(baseline=D(1), baseline_on=day, target=D(9), deadline=day, on=day) == 9


# --- months_between ---------------------------------------------------------------------


def test_487_days_are_16_months():
    # 487 / 30.4375 = 16
    assert months_between(AS_OF, DEADLINE) == 16


def test_january_is_a_little_over_one_month():
    # 31 / 30.4375 = 1.0184804928…
    months = months_between(date(2024, 1, 1), date(2024, 2, 1))
    assert months.quantize(D("0.000001")) == D("1.018480")


def test_months_between_is_never_negative():
    assert months_between(DEADLINE, AS_OF) == 0
    assert months_between(AS_OF, AS_OF) == 0


# --- linear_trend_at --------------------------------------------------------------------


def test_trend_through_two_points_extends_their_line():
    # 10 on day 0, 30 on day 10: 2 a day, so 50 on day 20
    points = [Point(date(2024, 1, 1), D(10)), Point(date(2024, 1, 11), D(30))]
    assert linear_trend_at(points, date(2024, 1, 21)) == 50


def test_trend_passes_through_the_mean_point():
    # x = 0, 31, 62 (days); y = 1200, 1230, 1230: the fitted line passes through
    # (mean x, mean y) = (31, 1220), whatever its slope (30 / 62 a day)
    points = [
        Point(date(2026, 6, 30), D(1200)),
        Point(date(2026, 7, 31), D(1230)),
        Point(date(2026, 8, 31), D(1230)),
    ]
    assert linear_trend_at(points, date(2026, 7, 31)) == 1220


def test_trend_accepts_several_values_on_one_date():
    # x = 0, 0, 10; y = 10, 20, 30: n = 3, sum x = 10, sum x² = 100, sum y = 60, sum xy = 300
    # slope = (3*300 - 10*60) / (3*100 - 10²) = 300 / 200 = 1.5
    # on day 10: (sum y + slope * (3*10 - sum x)) / 3 = (60 + 1.5*20) / 3 = 30
    points = [
        Point(date(2024, 1, 1), D(10)),
        Point(date(2024, 1, 1), D(20)),
        Point(date(2024, 1, 11), D(30)),
    ]
    assert linear_trend_at(points, date(2024, 1, 11)) == 30


@pytest.mark.parametrize(
    "points",
    [[], [Point(AS_OF, D(1))], [Point(AS_OF, D(1)), Point(AS_OF, D(2))]],
    ids=["none", "one", "one-date"],
)
def test_trend_needs_two_dates(points):
    with pytest.raises(ValueError):
        linear_trend_at(points, DEADLINE)


# --- assess_stock -----------------------------------------------------------------------


def test_a_target_46_percent_done_halfway_in_time_is_on_track():
    # required 1250; shortfall (1250 - 1230) / 500 = 0.04 <= 0.05
    # pace forecast 1230 + 230 / 487 days * 487 days = 1460
    # needed (1501 - 1230) / 16 months = 271 / 16 = 16.9375
    assessment = high_tech(1230)
    assert assessment == Assessment(
        current=D(1230),
        progress=D("0.46"),
        required=D(1250),
        status=Status.ON_TRACK,
        forecast=D(1460),
        forecast_method="pace",
        needed_monthly=D("16.9375"),
        met=False,
    )


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (1225, Status.ON_TRACK),  # (1250 - 1225) / 500 = 0.05, not above 0.05
        (1224, Status.LAGGING),  # 26 / 500 = 0.052
        (1175, Status.LAGGING),  # 75 / 500 = 0.15, not above 0.15
        (1174, Status.SEVERELY_LAGGING),  # 76 / 500 = 0.152
        (1000, Status.SEVERELY_LAGGING),  # 250 / 500 = 0.5
    ],
)
def test_stock_status_follows_the_shortfall_against_the_required_path(current, status):
    assert high_tech(current).status == status


def test_breaking_1500_is_achieved_at_1501():
    assessment = high_tech(1501)
    assert assessment.status == Status.ACHIEVED
    assert assessment.met
    assert assessment.needed_monthly == 0
    assert assessment.progress == D("1.002")  # 501 / 500


def test_standing_at_1500_has_not_broken_1500():
    # ahead of the path (shortfall (1250 - 1500) / 500 = -0.5) but not over the line:
    # 1 more 家 needed over 16 months = 0.0625 a month
    assessment = high_tech(1500)
    assert assessment.status == Status.ON_TRACK
    assert not assessment.met
    assert assessment.needed_monthly == D("0.0625")


def test_stricter_thresholds_mark_the_same_figure_as_lagging():
    # shortfall 0.04 > 0.01
    thresholds = Thresholds(lagging=D("0.01"), severe=D("0.03"))
    assert high_tech(1230, thresholds=thresholds).status == Status.SEVERELY_LAGGING
    thresholds = Thresholds(lagging=D("0.01"), severe=D("0.10"))
    assert high_tech(1230, thresholds=thresholds).status == Status.LAGGING


def test_the_current_value_is_the_latest_approved_one_in_any_order():
    history = [
        Point(date(2026, 8, 31), D(1230)),
        Point(date(2025, 12, 31), D(1100)),
        Point(date(2026, 3, 31), D(1150)),
    ]
    assert high_tech(history=history).current == 1230


def test_points_after_as_of_are_ignored():
    history = [Point(date(2026, 1, 1), D(1100)), Point(date(2026, 8, 31), D(1230))]
    later = [Point(date(2026, 9, 1), D(1600)), Point(date(2027, 1, 1), D(1700))]
    assert high_tech(history=history + later) == high_tech(history=history)


def test_of_two_values_on_one_date_the_last_given_wins():
    history = [Point(AS_OF, D(1200)), Point(AS_OF, D(1230))]
    assert high_tech(history=history).current == 1230


def test_two_points_are_forecast_by_pace_from_the_baseline():
    # pace: 1230 + (1230 - 1000) / 487 * 487 = 1460; the 2026-01-01 point plays no part
    history = [Point(date(2026, 1, 1), D(1100)), Point(AS_OF, D(1230))]
    assessment = high_tech(history=history)
    assert assessment.forecast_method == "pace"
    assert assessment.forecast == 1460


def test_three_points_are_forecast_by_their_trend():
    # x = 0, 31, 62 days from 2026-06-30; y = 1200, 1230, 1230
    # slope = (1230 - 1200) / 62 = 15/31 a day; the line passes through (2026-07-31, 1220)
    # 2026-07-31 -> 2027-12-31 is 518 days: 1220 + 15 * 518 / 31 = 1220 + 7770/31 = 1470.645161
    history = [
        Point(date(2026, 6, 30), D(1200)),
        Point(date(2026, 7, 31), D(1230)),
        Point(date(2026, 8, 31), D(1230)),
    ]
    assessment = high_tech(history=history)
    assert assessment.forecast_method == "trend"
    assert assessment.forecast == D("1470.645161")
    assert assessment.current == 1230


def test_three_values_on_one_date_fall_back_to_pace():
    history = [Point(AS_OF, D(1200)), Point(AS_OF, D(1210)), Point(AS_OF, D(1230))]
    assessment = high_tech(history=history)
    assert assessment.forecast_method == "pace"
    assert assessment.forecast == 1460


def test_without_a_value_by_as_of_there_is_no_data():
    expected = Assessment(
        current=None,
        progress=None,
        required=D(1250),  # the path is known even without a value
        status=Status.NO_DATA,
        forecast=None,
        forecast_method="none",
        needed_monthly=None,
        met=False,
    )
    assert high_tech(history=[]) == expected
    assert high_tech(history=[Point(date(2026, 9, 1), D(1600))]) == expected


def test_on_the_baseline_date_the_forecast_is_the_current_value():
    # required 1000, progress 0, shortfall 0; 2025-05-01 -> 2027-12-31 is 974 days = 32 months
    # needed (1501 - 1000) / 32 = 15.65625
    assessment = high_tech(1000, as_of=BASELINE_ON)
    assert assessment.status == Status.ON_TRACK
    assert assessment.forecast == 1000
    assert assessment.forecast_method == "pace"
    assert assessment.needed_monthly == D("15.65625")


def test_after_the_deadline_the_whole_remaining_amount_is_needed_at_once():
    # required 1500; shortfall (1500 - 1400) / 500 = 0.2 > 0.15; needed 1501 - 1400 = 101
    assessment = high_tech(1400, as_of=date(2028, 3, 31))
    assert assessment.required == 1500
    assert assessment.status == Status.SEVERELY_LAGGING
    assert assessment.needed_monthly == 101
    assert assessment.forecast == 1400  # no time left to grow


def test_on_the_deadline_the_whole_remaining_amount_is_needed():
    assert high_tech(1400, as_of=DEADLINE).needed_monthly == 101


def test_a_target_equal_to_its_baseline_is_achieved_by_holding_it():
    assessment = high_tech(100, baseline=D(100), target=D(100), comparator=Comparator.AT_LEAST)
    assert assessment.status == Status.ACHIEVED
    assert assessment.progress == 1


def test_a_target_equal_to_its_baseline_is_severely_lagging_below_it():
    # nothing of the (empty) journey is done: shortfall 1 - 0 = 1
    assessment = high_tech(90, baseline=D(100), target=D(100), comparator=Comparator.AT_LEAST)
    assert assessment.status == Status.SEVERELY_LAGGING
    assert assessment.progress == 0
    assert assessment.needed_monthly == D("0.625")  # 10 / 16


def test_breaking_a_target_equal_to_its_baseline_needs_one_more():
    # holding 100 is on the path (shortfall 0) but 101 is needed: 1 / 16 months
    assessment = high_tech(100, baseline=D(100), target=D(100))
    assert assessment.status == Status.ON_TRACK
    assert assessment.needed_monthly == D("0.0625")


def test_a_fund_of_30_yi_is_measured_in_yuan_with_no_step():
    # 子基金总规模达到30亿元 from 10 亿: 20 亿 halfway in time is exactly on the path;
    # (30 亿 - 20 亿) / 16 months = 62,500,000 元 a month
    assessment = high_tech(
        2_000_000_000,
        comparator=Comparator.AT_LEAST,
        baseline=D(1_000_000_000),
        target=D(3_000_000_000),
        step=D(0),
    )
    assert assessment.progress == D("0.5")
    assert assessment.required == 2_000_000_000
    assert assessment.status == Status.ON_TRACK
    assert assessment.needed_monthly == 62_500_000


def test_assess_stock_accepts_the_comparator_as_stored_text():
    assert high_tech(1500, comparator=">=").status == Status.ACHIEVED


@pytest.mark.parametrize(
    "arguments",
    [
        {"lagging": D("0.2"), "severe": D("0.1")},
        {"lagging": D("-0.01")},
        {"about_tolerance": D(1)},
    ],
)
def test_thresholds_refuse_nonsense(arguments):
    with pytest.raises(ValueError):
        Thresholds(**arguments)


# --- assess_annual ----------------------------------------------------------------------


def test_24_new_enterprises_at_mid_year_are_on_track_for_50():
    # required 50 * 183/366 = 25; shortfall (25 - 24) / 50 = 0.02; progress 24/50 = 0.48
    # pace forecast 24 / (183/366) = 48
    # needed (50 - 24) / (183 days / 30.4375) = 26 * 30.4375 / 183 = 4.3244535... -> 4.324454
    assessment = new_specialised(24)
    assert assessment == Assessment(
        current=D(24),
        progress=D("0.48"),
        required=D(25),
        status=Status.ON_TRACK,
        forecast=D(48),
        forecast_method="pace",
        needed_monthly=D("4.324454"),
        met=False,
    )


@pytest.mark.parametrize(
    ("ytd", "status"),
    [
        ("22.5", Status.ON_TRACK),  # (25 - 22.5) / 50 = 0.05
        ("22", Status.LAGGING),  # 3 / 50 = 0.06
        ("17.5", Status.LAGGING),  # 7.5 / 50 = 0.15
        ("17", Status.SEVERELY_LAGGING),  # 8 / 50 = 0.16
        ("50", Status.ACHIEVED),
        ("60", Status.ACHIEVED),
    ],
)
def test_annual_status_follows_the_shortfall_against_the_share_of_the_year(ytd, status):
    assert new_specialised(ytd).status == status


def test_a_fifth_of_a_common_year_asks_for_a_fifth_of_the_target():
    # 2025-03-14 is day 31 + 28 + 14 = 73 of 365 = 1/5: required 10, pace forecast 10 * 5 = 50
    assessment = new_specialised(10, as_of=date(2025, 3, 14))
    assert assessment.required == 10
    assert assessment.status == Status.ON_TRACK
    assert assessment.forecast == 50


def test_about_20_teams_with_12_at_mid_year_needs_6_more():
    # 每年支持20个左右团队: met from 18; required 20 * 1/2 = 10, ahead of it
    # needed (18 - 12) / (183 / 30.4375) = 182.625 / 183 = 0.99795... -> 0.997951
    assessment = new_specialised(12, comparator=Comparator.ABOUT, annual_target=D(20))
    assert assessment.status == Status.ON_TRACK
    assert assessment.needed_monthly == D("0.997951")
    assert new_specialised(18, comparator=Comparator.ABOUT, annual_target=D(20)).met


def test_only_points_of_the_year_up_to_as_of_count():
    points = [
        Point(date(2023, 12, 31), D(49)),  # last year's total
        Point(date(2024, 3, 31), D(12)),
        Point(date(2024, 7, 1), D(24)),
        Point(date(2024, 7, 2), D(40)),  # after as_of
    ]
    assessment = new_specialised(points=points)
    assert assessment.current == 24
    assert assessment.forecast_method == "pace"  # two points in the year, not three


def test_a_year_without_points_has_no_data():
    assessment = new_specialised(points=[Point(date(2023, 12, 31), D(49))])
    assert assessment.status == Status.NO_DATA
    assert assessment.required == 25
    assert assessment.current is None
    assert assessment.needed_monthly is None


def test_three_points_in_the_year_are_forecast_to_year_end_by_trend():
    # x = 0, 31, 62 days from 2024-05-30; y = 10, 20, 24: slope (24 - 10) / 62 = 7/31 a day,
    # through (2024-06-30, 18); 2024-06-30 -> 2024-12-31 is 184 days:
    # 18 + 7 * 184 / 31 = 18 + 1288/31 = 59.548387
    # required on 2024-07-31 (day 213 of 366): 50 * 213 / 366 = 29.098361
    points = [
        Point(date(2024, 5, 30), D(10)),
        Point(date(2024, 6, 30), D(20)),
        Point(date(2024, 7, 31), D(24)),
    ]
    assessment = new_specialised(points=points, as_of=date(2024, 7, 31))
    assert assessment.forecast_method == "trend"
    assert assessment.forecast == D("59.548387")
    assert assessment.required == D("29.098361")


def test_a_batch_approved_late_in_the_year_is_not_forecast_below_itself():
    # 杰出青年科技工作者资助: a few supported through the year, then 47 approved in December.
    # The trend of the eleven small month-end totals ends far below the last one; the year
    # cannot end below what it has already reached.
    points = [Point(date(2026, month, 28), D(month)) for month in range(1, 12)]
    points.append(Point(date(2026, 12, 10), D(47)))
    assessment = new_specialised(
        points=points, as_of=date(2026, 12, 15), comparator=Comparator.ABOUT
    )
    assert assessment.current == 47
    assert assessment.forecast_method == "trend"
    assert assessment.forecast >= 47


def test_on_new_years_eve_the_whole_remaining_amount_is_needed():
    # 每年新增超过50家 at 50 on Dec 31: 1 more, no month left; pace forecast is the value itself
    assessment = new_specialised(50, as_of=date(2024, 12, 31), comparator=Comparator.GREATER)
    assert not assessment.met
    assert assessment.needed_monthly == 1
    assert assessment.forecast == 50
    assert assessment.required == 50


# --- properties -------------------------------------------------------------------------

amounts = st.decimals(min_value=-(10**6), max_value=10**6, places=2)
positive_amounts = st.decimals(min_value=D("0.01"), max_value=10**6, places=2)
tolerances = st.decimals(min_value=0, max_value=D("0.99"), places=2)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
comparators = st.sampled_from(Comparator)
monotone_comparators = st.sampled_from([Comparator.AT_LEAST, Comparator.GREATER, Comparator.ABOUT])
STATUS_RANK = {
    Status.SEVERELY_LAGGING: 0,
    Status.LAGGING: 1,
    Status.ON_TRACK: 2,
    Status.ACHIEVED: 3,
}


@st.composite
def histories(draw, *, min_size=0):
    """Points on distinct dates, so that their order carries no meaning."""
    dates = draw(st.lists(days, min_size=min_size, max_size=8, unique=True))
    return [Point(on, draw(amounts)) for on in dates]


@given(value=amounts)
def test_breaking_a_target_is_never_met_at_equality(value):
    assert not target_met(value, Comparator.GREATER, value)
    assert target_met(value, Comparator.AT_LEAST, value)


@given(value=amounts, target=amounts, tolerance=tolerances)
def test_each_comparator_is_at_most_as_strict_as_the_one_before(value, target, tolerance):
    if target_met(value, Comparator.GREATER, target):
        assert target_met(value, Comparator.AT_LEAST, target)
    if target_met(value, Comparator.AT_LEAST, target) and target >= 0:
        assert target_met(value, Comparator.ABOUT, target, tolerance)


@given(value=amounts, target=amounts)
def test_about_with_no_tolerance_means_at_least(value, target):
    assert target_met(value, Comparator.ABOUT, target, D(0)) == target_met(
        value, Comparator.AT_LEAST, target
    )


@given(current=amounts, target=amounts, comparator=comparators, tolerance=tolerances)
def test_what_is_still_needed_is_never_negative_and_nothing_once_met(
    current, target, comparator, tolerance
):
    needed = still_needed(
        current=current, comparator=comparator, target=target, tolerance=tolerance
    )
    assert needed >= 0
    if target_met(current, comparator, target, tolerance):
        assert needed == 0


@given(
    current=amounts,
    target=amounts,
    comparator=monotone_comparators,
    tolerance=tolerances,
    step=positive_amounts,
)
def test_what_is_still_needed_is_enough(current, target, comparator, tolerance, step):
    needed = still_needed(
        current=current, comparator=comparator, target=target, step=step, tolerance=tolerance
    )
    assert target_met(current + needed, comparator, target, tolerance)


@given(baseline=amounts, target=amounts, low=amounts, high=amounts)
def test_progress_grows_with_the_current_value(baseline, target, low, high):
    assume(target > baseline)
    low, high = min(low, high), max(low, high)
    assert stock_progress(baseline=baseline, target=target, current=low) <= stock_progress(
        baseline=baseline, target=target, current=high
    )


@given(baseline=amounts, target=amounts)
def test_progress_runs_from_zero_at_the_baseline_to_one_at_the_target(baseline, target):
    assume(target != baseline)
    assert stock_progress(baseline=baseline, target=target, current=baseline) == 0
    assert stock_progress(baseline=baseline, target=target, current=target) == 1


@given(baseline=amounts, target=amounts, baseline_on=days, deadline=days, on=days)
def test_the_required_path_stays_between_baseline_and_target(
    baseline, target, baseline_on, deadline, on
):
    required = required_on(
        baseline=baseline, baseline_on=baseline_on, target=target, deadline=deadline, on=on
    )
    assert min(baseline, target) <= required <= max(baseline, target)


@given(baseline=amounts, target=amounts, baseline_on=days, deadline=days, first=days, then=days)
def test_the_required_path_moves_only_towards_the_target(
    baseline, target, baseline_on, deadline, first, then
):
    first, then = min(first, then), max(first, then)
    path = {
        "baseline": baseline,
        "baseline_on": baseline_on,
        "target": target,
        "deadline": deadline,
    }
    earlier, later = required_on(**path, on=first), required_on(**path, on=then)
    assert abs(target - later) <= abs(target - earlier)


@given(
    intercept=amounts,
    slope=st.decimals(min_value=-1000, max_value=1000, places=2),
    dates=st.lists(days, min_size=2, max_size=10).filter(lambda ds: len(set(ds)) >= 2),
    on=days,
)
def test_a_trend_through_collinear_points_reproduces_their_line(intercept, slope, dates, on):
    origin = date(2020, 1, 1)

    def line(day: date) -> Decimal:
        return intercept + slope * (day - origin).days

    points = [Point(day, line(day)) for day in dates]
    assert linear_trend_at(points, on) == line(on)


@given(points=histories(min_size=2), on=days, data=st.data())
def test_a_trend_does_not_depend_on_the_order_of_its_points(points, on, data):
    shuffled = data.draw(st.permutations(points))
    assert abs(linear_trend_at(points, on) - linear_trend_at(shuffled, on)) < D("1e-20")


@given(start=days, end=days)
def test_months_between_are_the_days_over_the_mean_month(start, end):
    months = months_between(start, end)
    assert months >= 0
    assert abs(months * D("30.4375") - max((end - start).days, 0)) < D("1e-20")


stock_cases = st.fixed_dictionaries(
    {
        "comparator": comparators,
        "target": amounts,
        "deadline": days,
        "baseline": amounts,
        "baseline_on": days,
        "history": histories(),
        "as_of": days,
        "step": st.sampled_from([D(0), D(1)]),
    }
)


@given(case=stock_cases)
def test_a_stock_target_is_achieved_exactly_when_its_current_value_meets_it(case):
    assessment = assess_stock(**case)
    if assessment.current is None:
        assert assessment.status == Status.NO_DATA
        assert not assessment.met
        return
    met = target_met(assessment.current, case["comparator"], case["target"])
    assert assessment.met == met
    assert (assessment.status == Status.ACHIEVED) == met
    assert assessment.needed_monthly >= 0
    if met:
        assert assessment.needed_monthly == 0


@given(case=stock_cases, data=st.data())
def test_a_stock_assessment_ignores_the_order_and_the_future_of_its_history(case, data):
    shuffled = data.draw(st.permutations(case["history"]))
    future = [
        Point(case["as_of"] + timedelta(days=1 + (point.on - date(2020, 1, 1)).days), point.value)
        for point in data.draw(histories())
    ]
    expected = assess_stock(**case)
    assert assess_stock(**case | {"history": shuffled + future}) == expected


@given(case=stock_cases, low=amounts, high=amounts, comparator=monotone_comparators)
def test_a_higher_stock_value_never_has_a_worse_status(case, low, high, comparator):
    # Only for targets above their baseline: below it "more" is not "better".
    assume(case["target"] >= case["baseline"])
    low, high = min(low, high), max(low, high)
    on = case["as_of"]
    case = case | {"comparator": comparator}
    worse = assess_stock(**case | {"history": [Point(on, low)]})
    better = assess_stock(**case | {"history": [Point(on, high)]})
    assert STATUS_RANK[worse.status] <= STATUS_RANK[better.status]


annual_cases = st.fixed_dictionaries(
    {
        "comparator": comparators,
        "annual_target": amounts,
        "year_to_date": histories(),
        "as_of": days,
        "step": st.sampled_from([D(0), D(1)]),
    }
)


@given(case=annual_cases)
def test_an_annual_target_is_achieved_exactly_when_its_year_to_date_meets_it(case):
    assessment = assess_annual(**case)
    in_year = [
        p for p in case["year_to_date"] if p.on.year == case["as_of"].year and p.on <= case["as_of"]
    ]
    assert (assessment.status == Status.NO_DATA) == (not in_year)
    if in_year:
        met = target_met(assessment.current, case["comparator"], case["annual_target"])
        assert assessment.met == met == (assessment.status == Status.ACHIEVED)
        assert assessment.needed_monthly >= 0


@given(case=annual_cases)
def test_an_annual_forecast_is_never_below_what_the_year_has_already_reached(case):
    assessment = assess_annual(**case)
    if assessment.current is not None:
        assert assessment.forecast >= assessment.current


# A year-to-date total is never negative (a negative one is forecast at its own value).
@given(annual_target=positive_amounts, ytd=positive_amounts | st.just(D(0)), as_of=days)
def test_the_annual_pace_forecast_keeps_the_pace_of_the_year_so_far(annual_target, ytd, as_of):
    assessment = assess_annual(
        comparator=Comparator.AT_LEAST,
        annual_target=annual_target,
        year_to_date=[Point(as_of, ytd)],
        as_of=as_of,
    )
    year_start = date(as_of.year, 1, 1)
    share = D((as_of - year_start).days + 1) / ((date(as_of.year, 12, 31) - year_start).days + 1)
    assert assessment.forecast_method == "pace"
    assert abs(assessment.forecast * share - ytd) <= D("0.000001")
    assert abs(assessment.required - annual_target * share) <= D("0.000001")


@given(
    annual_target=st.decimals(min_value=0, max_value=10**6, places=2),
    low=amounts,
    high=amounts,
    as_of=days,
    comparator=monotone_comparators,
)
def test_a_higher_year_to_date_never_has_a_worse_status(
    annual_target, low, high, as_of, comparator
):
    low, high = min(low, high), max(low, high)
    common = {"comparator": comparator, "annual_target": annual_target, "as_of": as_of}
    worse = assess_annual(**common, year_to_date=[Point(as_of, low)])
    better = assess_annual(**common, year_to_date=[Point(as_of, high)])
    assert STATUS_RANK[worse.status] <= STATUS_RANK[better.status]
