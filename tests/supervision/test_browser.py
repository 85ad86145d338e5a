"""Task supervision in a real browser: a department's reporter opens the battle map as of the
scene's day, sees the milestones coloured by state, follows a marker to its milestone, goes
to the department's list, opens the supervision notice the daily job raised and answers it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from innoplan.supervision import services
from innoplan.supervision.models import Notice
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = "2026-09-30"
# The state colours of supervision.css, as the browser computes them.
COLOURS = {
    "not_started": "rgb(138, 146, 154)",
    "in_progress": "rgb(13, 110, 253)",
    "done": "rgb(25, 135, 84)",
    "overdue": "rgb(200, 16, 46)",
}


def test_a_reporter_walks_the_battle_map_to_a_notice_and_answers_it(
    live_server, page, supervision_scene, reporter_a
):
    scene = supervision_scene
    services.supervise(as_of=scene.day)
    notice = Notice.objects.get(milestone=scene.overdue, level="supervision")

    log_in(page, live_server, reporter_a.username, PASSWORD)
    page.click("[data-testid=supervision-link]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/supervision/?as_of={DAY}")

    # Department A's four milestones, each coloured by its state on the day.
    markers = page.locator("[data-testid=marker]")
    assert markers.count() == 4
    for state, colour in COLOURS.items():
        circle = page.locator(f"[data-testid=marker][data-state={state}] circle")
        assert circle.evaluate("el => getComputedStyle(el).fill") == colour
    # Placed along the axis by their due dates: the overdue one left of the not-started one.
    overdue_x = page.locator("[data-testid=marker][data-state=overdue] circle").bounding_box()
    later_x = page.locator("[data-testid=marker][data-state=not_started] circle").bounding_box()
    assert overdue_x["x"] < later_x["x"]
    assert page.locator("[data-testid=legend-overdue] .ip-sv-legend-count").inner_text() == "1"

    # A marker opens its milestone.
    page.locator("[data-testid=marker][data-state=overdue]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=milestone-title]").inner_text() == scene.overdue.title

    # The department's list, as of the same day, names the notice waiting for an answer.
    page.goto(f"{live_server.url}/supervision/?as_of={DAY}")
    page.click("[data-testid=my-list-link]")
    page.wait_for_load_state("networkidle")
    assert f"as_of={DAY}" in page.url
    overdue_rows = page.locator("[data-testid=overdue-row]")
    assert overdue_rows.count() == 1
    page.locator(f"[data-testid=notice-link][href$='/notices/{notice.pk}/']").click()
    page.wait_for_load_state("networkidle")

    # Answered with a reason and a new date, the notice shows the answer.
    new_date = (timezone.localdate() + timedelta(days=45)).isoformat()
    form = page.locator("[data-testid=answer-form]")
    form.locator("textarea[name=reason]").fill("签约方股东调整，延后签约")
    form.locator("input[name=new_date]").fill(new_date)
    form.locator("[data-testid=answer-button]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=answer-reason]").inner_text() == "签约方股东调整，延后签约"
    assert page.locator("[data-testid=answer-date]").inner_text() == new_date
    assert page.locator("[data-testid=answer-form]").count() == 0
    notice.refresh_from_db()
    assert notice.answered_by == reporter_a

    assert page.console_problems == []
