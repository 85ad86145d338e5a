"""The pure date rules of supervision: states on a day, the ladder, the scoreboard."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from innoplan.supervision import timeline
from innoplan.supervision.choices import NoticeLevel, NoticeStatus, State

DUE = date(2026, 9, 25)


def days(n: int) -> date:
    return DUE + timedelta(days=n)


class TestStateOn:
    def test_the_values_are_the_stored_choices(self):
        assert set(timeline.STATES) == set(State.values)
        assert set(timeline.LADDER) == set(NoticeLevel.values)

    def test_it_is_not_started_until_the_first_update(self):
        assert (
            timeline.state_on(due_on=DUE, as_of=days(-10), started_on=None, completed_on=None)
            == "not_started"
        )
        assert (
            timeline.state_on(due_on=DUE, as_of=days(-10), started_on=days(-9), completed_on=None)
            == "not_started"
        )

    def test_it_is_in_progress_from_the_first_update_to_the_due_date(self):
        for on in (days(-9), days(0)):
            assert (
                timeline.state_on(due_on=DUE, as_of=on, started_on=days(-9), completed_on=None)
                == "in_progress"
            )

    def test_it_is_overdue_from_the_day_after_the_due_date(self):
        assert (
            timeline.state_on(due_on=DUE, as_of=days(1), started_on=None, completed_on=None)
            == "overdue"
        )
        assert (
            timeline.state_on(due_on=DUE, as_of=days(1), started_on=days(-5), completed_on=None)
            == "overdue"
        )

    def test_completed_on_the_due_date_is_done_after_it_done_late(self):
        assert (
            timeline.state_on(due_on=DUE, as_of=days(30), started_on=None, completed_on=days(0))
            == "done"
        )
        assert (
            timeline.state_on(due_on=DUE, as_of=days(30), started_on=None, completed_on=days(3))
            == "done_late"
        )

    def test_a_completion_reported_in_time_is_not_overdue_while_it_waits(self):
        waiting = dict(due_on=DUE, started_on=days(-20), completed_on=None)
        assert timeline.state_on(as_of=days(5), submitted_on=days(-1), **waiting) == "in_progress"
        # Reported after the due date, it was late all the same.
        assert timeline.state_on(as_of=days(5), submitted_on=days(2), **waiting) == "overdue"
        # Before it was reported, it was what it was.
        assert timeline.state_on(as_of=days(-3), submitted_on=days(-1), **waiting) == "in_progress"

    def test_a_completion_is_not_seen_before_its_day(self):
        # Seen as of a day before the completion, the milestone was still overdue.
        assert (
            timeline.state_on(due_on=DUE, as_of=days(2), started_on=days(-5), completed_on=days(3))
            == "overdue"
        )

    @given(
        due=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
        offsets=st.tuples(st.integers(-400, 400), st.integers(-400, 400)),
    )
    def test_a_late_state_never_turns_back_to_on_time(self, due, offsets):
        completed = due + timedelta(days=offsets[0])
        as_of = due + timedelta(days=offsets[1])
        state = timeline.state_on(due_on=due, as_of=as_of, started_on=None, completed_on=completed)
        later = timeline.state_on(
            due_on=due, as_of=as_of + timedelta(days=30), started_on=None, completed_on=completed
        )
        if state in ("overdue", "done_late"):
            assert later in ("overdue", "done_late")
        if state in ("done", "done_late"):
            assert later == state


class TestLadder:
    def owed(self, on, closed=False, remind=7, circular=10):
        return timeline.notices_owed(
            due_on=DUE,
            as_of=on,
            remind_days_before=remind,
            circular_after_days=circular,
            closed=closed,
        )

    def test_nothing_before_the_reminder_window(self):
        assert self.owed(days(-8)) == []

    def test_a_reminder_from_n_days_before_to_the_due_date(self):
        assert self.owed(days(-7)) == ["reminder"]
        assert self.owed(days(0)) == ["reminder"]

    def test_supervision_on_the_first_overdue_day(self):
        assert self.owed(days(1)) == ["supervision"]
        assert self.owed(days(9)) == ["supervision"]

    def test_a_public_notice_after_m_days_overdue(self):
        assert self.owed(days(10)) == ["supervision", "circular"]
        assert self.owed(days(3), circular=3) == ["supervision", "circular"]

    def test_a_closed_milestone_is_owed_nothing(self):
        assert self.owed(days(20), closed=True) == []

    @given(st.integers(-60, 120), st.integers(1, 30), st.integers(1, 60))
    def test_levels_only_climb(self, late, remind, circular):
        today = self.owed(days(late), remind=remind, circular=circular)
        tomorrow = self.owed(days(late + 1), remind=remind, circular=circular)
        rank = {level: i for i, level in enumerate(timeline.LADDER)}
        assert max((rank[x] for x in tomorrow), default=-1) >= max(
            (rank[x] for x in today), default=-1
        )


class TestNoticeStatus:
    def status(self, level="supervision", answered=False, done=False):
        return timeline.notice_status(level=level, answered=answered, milestone_done=done)

    def test_the_values_are_the_stored_choices(self):
        assert set(timeline.NOTICE_STATUSES) == set(NoticeStatus.values)

    def test_a_supervision_or_public_notice_waits_for_its_answer(self):
        assert self.status() == "waiting"
        assert self.status(level="circular") == "waiting"
        assert self.status(answered=True) == "answered"

    def test_a_notice_is_settled_once_its_milestone_is_done(self):
        assert self.status(done=True) == "settled"
        assert self.status(level="circular", answered=True, done=True) == "settled"

    def test_a_reminder_needs_no_answer_whatever_its_milestone(self):
        assert self.status(level="reminder") == "no_answer_needed"
        assert self.status(level="reminder", done=True) == "no_answer_needed"


class TestScore:
    def test_it_scores_on_time_late_and_overdue(self):
        milestones = [
            timeline.MilestoneDates(days(0), days(-2)),  # on time
            timeline.MilestoneDates(days(0), days(4)),  # 4 days late
            timeline.MilestoneDates(days(-10), None),  # overdue, 20 days on days(10)
            timeline.MilestoneDates(days(30), None),  # not due: not scored
            timeline.MilestoneDates(days(30), days(5)),  # early: on time
        ]
        score = timeline.score(milestones, as_of=days(10))
        assert (score.due, score.on_time, score.done_late, score.overdue) == (4, 2, 1, 1)
        assert score.on_time_rate == Decimal("0.5000")
        assert score.average_days_late == Decimal("12.0")

    def test_nothing_scored_has_no_rate(self):
        score = timeline.score([timeline.MilestoneDates(days(5), None)], as_of=days(0))
        assert score.on_time_rate is None
        assert score.average_days_late is None
