"""Supervision's writes and the daily job, with the clock frozen at each step of the ladder."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from innoplan.audit.models import AuditEvent
from innoplan.supervision import selectors, services
from innoplan.supervision.choices import (
    NoticeLevel,
    NoticeStatus,
    Review,
    Stage,
    State,
    UpdateKind,
)
from innoplan.supervision.models import Evidence, Milestone, Notice, ProgressUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English, the source language."""
    from django.utils import translation

    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: date, hour: int = 9):
    """Freeze the clock at ``day`` in the district's time zone."""
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False)


def levels(milestone: Milestone) -> list[str]:
    return sorted(milestone.notices.values_list("level", flat=True))


class TestTheLadder:
    """``overdue_b`` (dept B, due 2026-09-25, never started) climbs the default ladder:
    提醒 7 days before, 督办 on the first overdue day, 通报 after 10 days overdue."""

    def run(self, day: date) -> services.SuperviseResult:
        with at(day):
            return services.supervise(as_of=day)

    def test_nothing_is_raised_before_the_reminder_window(self, supervision_scene):
        self.run(date(2026, 9, 17))
        assert levels(supervision_scene.overdue_b) == []

    def test_a_reminder_seven_days_before_the_due_date(self, supervision_scene):
        self.run(date(2026, 9, 18))
        assert levels(supervision_scene.overdue_b) == ["reminder"]
        notice = supervision_scene.overdue_b.notices.get()
        assert notice.days_late == -7
        assert notice.department == supervision_scene.b
        assert not notice.needs_answer

    def test_supervision_on_the_first_overdue_day_and_the_milestone_is_overdue(
        self, supervision_scene
    ):
        self.run(date(2026, 9, 18))
        self.run(date(2026, 9, 25))
        milestone = Milestone.objects.get(pk=supervision_scene.overdue_b.pk)
        assert milestone.overdue_since is None
        self.run(date(2026, 9, 26))
        milestone.refresh_from_db()
        assert milestone.overdue_since == date(2026, 9, 26)
        assert levels(milestone) == ["reminder", "supervision"]
        notice = milestone.notices.get(level=NoticeLevel.SUPERVISION)
        assert (notice.raised_on, notice.days_late, notice.due_on) == (
            date(2026, 9, 26),
            1,
            date(2026, 9, 25),
        )
        assert AuditEvent.objects.filter(
            event="milestone.overdue", object_id=str(milestone.pk)
        ).exists()

    def test_a_public_notice_after_ten_days_overdue(self, supervision_scene):
        self.run(date(2026, 9, 26))
        self.run(date(2026, 10, 4))
        assert levels(supervision_scene.overdue_b) == ["supervision"]
        self.run(date(2026, 10, 5))
        assert levels(supervision_scene.overdue_b) == ["circular", "supervision"]
        assert supervision_scene.overdue_b.notices.get(level="circular").days_late == 10

    def test_the_plan_owner_sets_the_ladders_days(self, supervision_scene, plan, plan_owner):
        services.policy_update(
            plan=plan, remind_days_before=3, circular_after_days=2, actor=plan_owner
        )
        self.run(date(2026, 9, 21))
        assert levels(supervision_scene.overdue_b) == []
        self.run(date(2026, 9, 22))
        assert levels(supervision_scene.overdue_b) == ["reminder"]
        self.run(date(2026, 9, 27))
        assert levels(supervision_scene.overdue_b) == ["circular", "reminder", "supervision"]

    def test_running_twice_on_a_day_raises_nothing_twice(self, supervision_scene):
        first = self.run(date(2026, 9, 30))
        second = self.run(date(2026, 9, 30))
        assert first.notices > 0
        assert second.notices == 0
        assert second.became_overdue == 0
        for milestone in Milestone.objects.all():
            assert len(levels(milestone)) == len(set(levels(milestone)))

    def test_a_job_that_missed_days_catches_up_without_a_stale_reminder(self, supervision_scene):
        result = self.run(date(2026, 9, 30))
        # overdue (dept A) is 20 days late: 督办 and 通报 at once; overdue_b 5 days: 督办;
        # in_progress is due within 7 days: 提醒; submitted and done ones: nothing.
        assert levels(supervision_scene.overdue) == ["circular", "supervision"]
        assert levels(supervision_scene.overdue_b) == ["supervision"]
        assert levels(supervision_scene.in_progress) == ["reminder"]
        assert levels(supervision_scene.submitted) == []
        assert levels(supervision_scene.done) == []
        assert levels(supervision_scene.not_started) == []
        assert result.raised == {"supervision": 2, "circular": 1, "reminder": 1}
        assert result.became_overdue == 2

    def test_a_milestone_completed_late_climbs_no_further(
        self, supervision_scene, reporter_b, plan_owner
    ):
        self.run(date(2026, 9, 26))
        with at(date(2026, 10, 3)):
            update = services.progress_post(
                milestone=supervision_scene.overdue_b,
                actor=reporter_b,
                kind=UpdateKind.COMPLETION,
                narrative="平台已授牌",
                files=[SimpleUploadedFile("授牌文件.pdf", PDF, "application/pdf")],
            )
        # Waiting for acceptance: the ladder waits too.
        self.run(date(2026, 10, 5))
        assert levels(supervision_scene.overdue_b) == ["supervision"]
        with at(date(2026, 10, 6)):
            services.progress_accept(update=update, actor=plan_owner)
        self.run(date(2026, 10, 20))
        milestone = Milestone.objects.get(pk=supervision_scene.overdue_b.pk)
        assert levels(milestone) == ["supervision"]
        assert milestone.completed_on == date(2026, 10, 3)
        row = selectors.row_for(milestone, as_of=date(2026, 10, 20))
        assert (row.state, row.days_late) == (State.DONE_LATE, 8)
        # As of a day before it was done, it was overdue.
        assert selectors.row_for(milestone, as_of=date(2026, 10, 2)).state == State.OVERDUE

    def test_the_command_runs_the_job_for_a_day(self, supervision_scene, capsys):
        call_command("supervise", "--as-of", "2026-09-30")
        out = capsys.readouterr().out
        assert "2026-09-30" in out and "4 notices" in out
        call_command("supervise", "--as-of", "2026-09-30")
        assert "0 notices" in capsys.readouterr().out
        assert Notice.objects.count() == 4

    def test_the_command_refuses_a_bad_date(self, supervision_scene):
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("supervise", "--as-of", "2026-13-01")


class TestProgress:
    def test_the_lead_department_posts_progress_with_evidence(self, supervision_scene, reporter_a):
        with at(date(2026, 9, 30)):
            update = services.progress_post(
                milestone=supervision_scene.not_started,
                actor=reporter_a,
                kind=UpdateKind.PROGRESS,
                narrative="已完成方案初稿",
                percent=20,
                files=[SimpleUploadedFile("初稿.pdf", PDF, "application/pdf")],
            )
        milestone = Milestone.objects.get(pk=supervision_scene.not_started.pk)
        assert (milestone.stage, milestone.percent) == (Stage.IN_PROGRESS, 20)
        assert update.reported_on == date(2026, 9, 30)
        evidence = Evidence.objects.get(update=update)
        assert evidence.name == "初稿.pdf"
        assert evidence.content_type == "application/pdf"
        with evidence.file.open("rb") as stored:
            assert stored.read() == PDF
        row = selectors.row_for(
            selectors.milestones_of(milestone.task.plan).get(pk=milestone.pk),
            as_of=date(2026, 9, 30),
        )
        assert row.state == State.IN_PROGRESS

    def test_another_department_cannot_post(self, supervision_scene, reporter_b):
        with pytest.raises(PermissionDenied):
            services.progress_post(
                milestone=supervision_scene.not_started,
                actor=reporter_b,
                kind=UpdateKind.PROGRESS,
                narrative="越权",
            )
        assert not ProgressUpdate.objects.filter(milestone=supervision_scene.not_started).exists()

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("说明.exe", b"MZ\x90\x00", "is not"),
            ("伪装.pdf", b"<html>not a pdf</html>", "does not match"),
        ],
    )
    def test_a_wrong_file_changes_nothing(
        self, supervision_scene, reporter_a, name, content, message
    ):
        good = SimpleUploadedFile("好.pdf", PDF, "application/pdf")
        bad = SimpleUploadedFile(name, content, "application/octet-stream")
        with pytest.raises(ValidationError, match=message):
            services.progress_post(
                milestone=supervision_scene.not_started,
                actor=reporter_a,
                kind=UpdateKind.PROGRESS,
                narrative="附件有误",
                files=[good, bad],
            )
        assert not ProgressUpdate.objects.filter(milestone=supervision_scene.not_started).exists()
        assert not Evidence.objects.exists()
        assert Milestone.objects.get(pk=supervision_scene.not_started.pk).stage == Stage.PLANNED

    def test_an_oversized_file_is_refused_by_its_declared_size(
        self, supervision_scene, reporter_a, settings
    ):
        settings.UPLOAD_MAX_BYTES = 1024
        big = SimpleUploadedFile("大.pdf", PDF + b"0" * 2048, "application/pdf")
        with pytest.raises(ValidationError, match="at most"):
            services.progress_post(
                milestone=supervision_scene.not_started,
                actor=reporter_a,
                kind=UpdateKind.PROGRESS,
                narrative="大文件",
                files=[big],
            )
        assert not Evidence.objects.exists()
        assert not supervision_scene.not_started.updates.exists()

    def test_a_stale_version_is_refused(self, supervision_scene, reporter_a):
        milestone = supervision_scene.not_started
        seen = milestone.version
        services.progress_post(
            milestone=milestone, actor=reporter_a, kind=UpdateKind.PROGRESS, narrative="第一次"
        )
        with pytest.raises(ValidationError, match="changed by reporter_a"):
            services.progress_post(
                milestone=milestone,
                actor=reporter_a,
                kind=UpdateKind.PROGRESS,
                narrative="第二次",
                version=seen,
            )
        assert milestone.updates.count() == 1

    def test_the_plan_owner_sends_a_completion_back_with_a_reason(
        self, supervision_scene, plan_owner
    ):
        update = supervision_scene.submitted_update
        with pytest.raises(ValidationError):
            services.progress_return(update=update, actor=plan_owner, reason="  ")
        services.progress_return(update=update, actor=plan_owner, reason="缺少活动签到表")
        update.refresh_from_db()
        milestone = Milestone.objects.get(pk=supervision_scene.submitted.pk)
        assert update.review == Review.RETURNED
        assert update.review_reason == "缺少活动签到表"
        assert milestone.stage == Stage.IN_PROGRESS
        assert milestone.completed_on is None
        # A review is final: the second reviewer is told.
        with pytest.raises(ValidationError, match="already reviewed"):
            services.progress_accept(update=update, actor=plan_owner)

    def test_only_the_plan_owner_accepts(self, supervision_scene, reporter_b, leader):
        for actor in (reporter_b, leader):
            with pytest.raises(PermissionDenied):
                services.progress_accept(update=supervision_scene.submitted_update, actor=actor)
        assert Milestone.objects.get(pk=supervision_scene.submitted.pk).stage == Stage.SUBMITTED

    def test_no_update_while_a_completion_waits(self, supervision_scene, reporter_b):
        with pytest.raises(ValidationError, match="waiting for acceptance"):
            services.progress_post(
                milestone=supervision_scene.submitted,
                actor=reporter_b,
                kind=UpdateKind.PROGRESS,
                narrative="补充",
            )


class TestNoticeAnswers:
    @pytest.fixture
    def notice(self, supervision_scene):
        with at(date(2026, 9, 30)):
            services.supervise(as_of=date(2026, 9, 30))
        return Notice.objects.get(milestone=supervision_scene.overdue, level="supervision")

    def test_the_department_answers_with_a_reason_and_a_new_date(self, notice, reporter_a):
        with at(date(2026, 10, 1)):
            services.notice_answer(
                notice=notice,
                actor=reporter_a,
                reason="签约方内部审批延迟",
                new_date=date(2026, 10, 31),
            )
        notice.refresh_from_db()
        assert notice.answered_by == reporter_a
        assert notice.answer_new_date == date(2026, 10, 31)
        milestone = notice.milestone
        milestone.refresh_from_db()
        assert milestone.promised_on == date(2026, 10, 31)
        assert milestone.due_on == date(2026, 9, 10)  # the plan's date stays
        event = AuditEvent.objects.get(event="notice.answer", object_id=str(notice.pk))
        assert event.actor_name == reporter_a.username
        assert event.detail["new_date"] == "2026-10-31"

    def test_another_department_cannot_answer(self, notice, reporter_b):
        with pytest.raises(PermissionDenied):
            services.notice_answer(
                notice=notice, actor=reporter_b, reason="越权", new_date=date(2026, 12, 1)
            )
        notice.refresh_from_db()
        assert not notice.answered

    def test_an_answer_needs_a_reason_and_a_date_not_in_the_past(self, notice, reporter_a):
        with at(date(2026, 10, 1)), pytest.raises(ValidationError) as caught:
            services.notice_answer(
                notice=notice, actor=reporter_a, reason=" ", new_date=date(2026, 9, 1)
            )
        assert set(caught.value.message_dict) == {"reason", "new_date"}
        notice.refresh_from_db()
        assert not notice.answered

    def test_a_notice_is_answered_once(self, notice, reporter_a):
        with at(date(2026, 10, 1)):
            services.notice_answer(
                notice=notice, actor=reporter_a, reason="原因", new_date=date(2026, 10, 31)
            )
            with pytest.raises(ValidationError, match="already answered"):
                services.notice_answer(
                    notice=notice, actor=reporter_a, reason="再答", new_date=date(2026, 11, 30)
                )

    def test_a_notice_is_settled_when_its_milestone_is_accepted(
        self, notice, reporter_a, plan_owner
    ):
        assert notice.status == NoticeStatus.WAITING
        with at(date(2026, 10, 1)):
            completion = services.progress_post(
                milestone=notice.milestone,
                actor=reporter_a,
                kind=UpdateKind.COMPLETION,
                narrative="协议已签署",
            )
            services.progress_accept(update=completion, actor=plan_owner)
            with pytest.raises(ValidationError, match="settled"):
                services.notice_answer(
                    notice=notice, actor=reporter_a, reason="原因", new_date=date(2026, 10, 31)
                )
        notice = Notice.objects.get(pk=notice.pk)
        assert notice.status == NoticeStatus.SETTLED
        assert not notice.awaits_answer
        assert not notice.answered
        assert notice.pk not in selectors.notices_awaiting_answer().values_list("pk", flat=True)

    def test_the_status_filter_is_the_rule_of_each_notice(self, supervision_scene, reporter_a):
        scene = supervision_scene
        with at(date(2026, 9, 30)):
            services.supervise(as_of=date(2026, 9, 30))
        with at(date(2026, 10, 1)):
            services.notice_answer(
                notice=Notice.objects.get(milestone=scene.overdue, level="supervision"),
                actor=reporter_a,
                reason="原因",
                new_date=date(2026, 10, 31),
            )
        # Notices raised before their milestones were done, one of them answered.
        Notice.objects.create(
            milestone=scene.done,
            level=NoticeLevel.SUPERVISION,
            department=scene.a,
            raised_on=date(2026, 9, 9),
            due_on=date(2026, 9, 8),
            days_late=1,
        )
        Notice.objects.create(
            milestone=scene.done_late,
            level=NoticeLevel.CIRCULAR,
            department=scene.b,
            raised_on=date(2026, 9, 10),
            due_on=date(2026, 8, 31),
            days_late=10,
            answer_reason="原因",
            answer_new_date=date(2026, 9, 12),
            answered_by=reporter_a,
            answered_at=datetime(2026, 9, 11, 9, tzinfo=SHANGHAI),
        )
        seen = {status: set() for status in NoticeStatus}
        for notice in Notice.objects.select_related("milestone"):
            seen[notice.status].add(notice.pk)
        assert all(seen.values()), seen  # the scene holds every status
        assert len(seen[NoticeStatus.SETTLED]) == 2
        for status in NoticeStatus:
            chosen = selectors.notices_in_status(Notice.objects.all(), status)
            assert set(chosen.values_list("pk", flat=True)) == seen[status], status


class TestSelectors:
    def test_the_scene_shows_every_state(self, supervision_scene, plan):
        rows = selectors.milestone_rows(plan=plan, as_of=supervision_scene.day)
        states = {row.milestone.title: row.state for row in rows}
        assert states == {
            "制定入库培育方案": State.NOT_STARTED,
            "完成首批企业遴选": State.IN_PROGRESS,
            "出台支持政策": State.DONE,
            "研发机构签约落地": State.OVERDUE,
            "基金设立": State.DONE_LATE,
            "平台授牌": State.OVERDUE,
            "举办对接活动": State.IN_PROGRESS,
        }

    def test_a_reporter_sees_only_his_departments_milestones(
        self, supervision_scene, plan, reporter_b
    ):
        rows = selectors.milestone_rows(plan=plan, as_of=supervision_scene.day, user=reporter_b)
        assert {row.milestone.lead_department for row in rows} == {supervision_scene.b}

    def test_a_cooperating_department_sees_the_milestone(self, supervision_scene, plan, reporter_b):
        supervision_scene.not_started.cooperating_departments.add(supervision_scene.b)
        rows = selectors.milestone_rows(plan=plan, as_of=supervision_scene.day, user=reporter_b)
        assert supervision_scene.not_started in [row.milestone for row in rows]

    def test_the_scoreboard(self, supervision_scene, plan):
        lines = {
            line.department.code: line.score
            for line in selectors.scoreboard(plan=plan, as_of=supervision_scene.day)
        }
        # A: 出台支持政策 on time, 研发机构签约落地 20 days overdue -> 50 %, 20.0 days.
        assert (lines["dept-a"].due, lines["dept-a"].on_time, lines["dept-a"].overdue) == (2, 1, 1)
        assert str(lines["dept-a"].average_days_late) == "20.0"
        # B: 基金设立 12 days late, 平台授牌 5 days overdue -> 0 %, 8.5 days.
        assert (lines["dept-b"].on_time_rate, lines["dept-b"].overdue) == (0, 1)
        assert str(lines["dept-b"].average_days_late) == "8.5"

    def test_the_battle_map_lists_every_task_by_section(self, supervision_scene, plan):
        sections = selectors.battle_map(plan=plan, as_of=supervision_scene.day)
        assert len(sections) == 5
        assert sum(len(s.tasks) for s in sections) == 20
        lines = {line.task.number: line for s in sections for line in s.tasks}
        assert lines[3].state == State.OVERDUE
        assert lines[2].state == State.DONE
        assert lines[4].state == State.DONE_LATE
        assert lines[20].state == State.NOT_STARTED

    def test_the_overdue_by_department(self, supervision_scene, plan):
        groups = selectors.overdue_by_department(plan=plan, as_of=supervision_scene.day)
        assert [(d.code, [r.days_late for r in rows]) for d, rows in groups] == [
            ("dept-a", [20]),
            ("dept-b", [5]),
        ]
