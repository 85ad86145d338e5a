"""The supervision pages through the test client, per role: the battle map and scoreboard, a
department's list, the milestone list and its Excel export, a milestone with progress,
evidence and acceptance, planning forms, and notices with their answers."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from innoplan.audit.models import AuditEvent
from innoplan.supervision import services
from innoplan.supervision.choices import NoticeLevel, Review, Stage, State
from innoplan.supervision.models import (
    Evidence,
    Milestone,
    Notice,
    ProgressUpdate,
    Project,
    SupervisionPolicy,
)

pytestmark = pytest.mark.django_db

DAY = "2026-09-30"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def url(name, *args, **query):
    path = reverse(f"supervision:{name}", args=args)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def markers(response) -> list[str]:
    return re.findall(r'data-testid="marker" data-state="(\w+)"', response.content.decode())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def scene(supervision_scene):
    return supervision_scene


@pytest.fixture
def notices(scene):
    """The notices the daily job raised on the scene's day."""
    services.supervise(as_of=scene.day)
    return scene


def upload(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


# --- the battle map and the scoreboard ----------------------------------------------------------


def test_the_battle_map_shows_every_state_colour_on_the_scene_day(client, scene, plan_owner):
    client.force_login(plan_owner)
    response = client.get(url("battle_map", as_of=DAY))
    assert response.status_code == 200
    assert sorted(markers(response)) == sorted(
        ["not_started", "in_progress", "in_progress", "done", "overdue", "overdue", "done_late"]
    )
    html = response.content.decode()
    for state in State:
        assert f'class="ip-sv-marker ip-sv-{state.value}"' in html
        assert f'data-testid="legend-{state.value}"' in html
    assert dict(response.context["legend"]) == {
        State.NOT_STARTED: 1,
        State.IN_PROGRESS: 2,
        State.DONE: 1,
        State.OVERDUE: 2,
        State.DONE_LATE: 1,
    }
    # Twenty tasks in five sections, with or without milestones; the as-of line is drawn.
    assert html.count('data-testid="task-line"') == 20
    assert 'class="ip-sv-today"' in html
    assert f'href="/supervision/milestones/{scene.overdue.pk}/?as_of={DAY}"' in html


def test_the_timeline_starts_at_the_first_milestone(client, scene, plan_owner):
    """The scene's milestones fall due from 2026-08-31 to 2026-12-31: the axis runs over those
    months, not from the plan's first year (2024), which would crowd every dot to the right."""
    client.force_login(plan_owner)
    response = client.get(url("battle_map", as_of=DAY))
    axis = response.context["axis"]
    assert axis.start == date(2026, 8, 1)
    assert axis.end == date(2026, 12, 31)
    ticks = response.context["ticks"]
    assert [(tick["year"], tick["month"]) for tick in ticks] == [
        ("2026年", "8月"),
        ("", "9月"),
        ("", "10月"),
        ("", "11月"),
        ("", "12月"),
    ]
    html = response.content.decode()
    first = re.search(
        rf'href="/supervision/milestones/{scene.done_late.pk}/[^"]*".*?<circle[^>]*cx="([\d.]+)%"',
        html,
        re.S,
    )
    assert float(first.group(1)) < 20  # the first milestone sits at the left


def test_every_dot_carries_its_milestones_title(client, scene, plan_owner):
    client.force_login(plan_owner)
    html = client.get(url("battle_map", as_of=DAY)).content.decode()
    links = re.findall(r'<a [^>]*data-testid="marker".*?</a>', html, re.S)
    assert len(links) == 7
    for milestone in (scene.not_started, scene.done, scene.overdue, scene.done_late):
        link = next(a for a in links if f"/milestones/{milestone.pk}/" in a)
        # A tooltip with the title, department, due date and state …
        assert re.search(rf"<title>{milestone.title} — ", link), link
        # … and, where the track has room, the title beside the dot.
        label = re.search(r'<text [^>]*data-testid="marker-label"[^>]*>([^<]+)</text>', link)
        assert label, link
        assert milestone.title.startswith(label.group(1).rstrip("…"))
    # A dot alone on its line has the room for its whole title.
    alone = next(a for a in links if f"/milestones/{scene.done.pk}/" in a)
    assert f">{scene.done.title}</text>" in alone


def test_the_map_explains_its_dots_badges_and_counts(client, scene, plan_owner):
    client.force_login(plan_owner)
    html = client.get(url("battle_map", as_of=DAY)).content.decode()
    help_text = re.search(r'data-testid="map-help".*?</section>', html, re.S).group(0)
    for words in [
        "节点数",  # the number beside a task
        "任务状态",  # the dot before a task
        "计划完成日期",  # where a dot sits
        "红色竖线",  # the as-of line
    ]:
        assert words in help_text, words
    for state in State:
        assert str(state.label) in help_text
    # The badge beside a task says what its number is.
    assert re.search(r'<span class="badge[^"]*"[^>]*title="2 个节点"', html)


def test_the_state_colours_are_those_the_plan_owner_asked_for():
    from pathlib import Path

    css = (
        Path(__file__).resolve().parents[2] / "src/innoplan/static/supervision/supervision.css"
    ).read_text()
    for name, colour in [
        ("not-started", "#8a929a"),
        ("in-progress", "#0d6efd"),
        ("done", "#198754"),
        ("overdue", "#c8102e"),
        ("done-late", "#fd7e14"),
    ]:
        assert f"--ip-sv-{name}: {colour};" in css


def test_a_reporter_sees_only_their_departments_milestones_on_the_map(client, scene, reporter_b):
    client.force_login(reporter_b)
    response = client.get(url("battle_map", as_of=DAY))
    assert sorted(markers(response)) == ["done_late", "in_progress", "overdue"]
    assert scene.overdue.title not in response.content.decode()


def test_the_map_filters_by_department(client, scene, plan_owner):
    client.force_login(plan_owner)
    response = client.get(url("battle_map", as_of=DAY, department=scene.b.pk))
    assert sorted(markers(response)) == ["done_late", "in_progress", "overdue"]


def test_a_bad_date_shows_today_with_a_message(client, scene, leader):
    client.force_login(leader)
    response = client.get(url("battle_map", as_of="30.09.2026"))
    assert response.status_code == 200
    assert response.context["as_of"] == timezone.localdate()
    assert b'data-testid="as-of-error"' in response.content


@pytest.mark.parametrize("who", ["sysadmin", "security_admin", "audit_admin"])
def test_administrators_do_not_see_supervision(client, scene, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("battle_map")).status_code == 403
    assert client.get(url("milestone_list")).status_code == 403
    assert client.get(url("notice_list")).status_code == 403


def test_business_users_find_the_map_in_the_navigation(client, scene, reporter_a, sysadmin):
    client.force_login(reporter_a)
    assert b'data-testid="supervision-link"' in client.get(url("my_list")).content
    client.force_login(sysadmin)
    assert b'data-testid="supervision-link"' not in client.get("/accounts/security/").content


def test_the_battle_map_query_count_does_not_grow_with_milestones(
    client, scene, plan_owner, django_assert_max_num_queries
):
    client.force_login(plan_owner)
    with django_assert_max_num_queries(17):
        client.get(url("battle_map", as_of=DAY))
    tasks = list(scene.not_started.task.plan.tasks.all())
    for n in range(40):
        milestone = Milestone.objects.create(
            task=tasks[n % 20],
            title=f"节点{n}",
            due_on=date(2026, 1, 1) + timedelta(days=n * 9),
            lead_department=scene.a if n % 2 else scene.b,
            created_by=plan_owner,
        )
        milestone.cooperating_departments.add(scene.b if n % 2 else scene.a)
    with django_assert_max_num_queries(17):
        response = client.get(url("battle_map", as_of=DAY))
    assert len(markers(response)) == 47


def test_the_scoreboard_shows_rate_overdue_and_days_late(client, scene, reporter_a):
    client.force_login(reporter_a)
    response = client.get(url("scoreboard", as_of=DAY))
    assert response.status_code == 200
    lines = {line["department"].code: line for line in response.context["scoreboard"]}
    assert lines["dept-a"]["on_time_rate"] * 100 == 50
    assert lines["dept-a"]["overdue"] == 1
    assert str(lines["dept-a"]["average_days_late"]) == "20.0"
    assert lines["dept-b"]["on_time_rate"] == 0
    assert str(lines["dept-b"]["average_days_late"]) == "8.5"
    assert 'data-testid="on-time-rate">50%<' in response.content.decode()


# --- a department's list ------------------------------------------------------------------------


def test_a_reporters_list_holds_what_is_theirs(client, notices, reporter_a):
    client.force_login(reporter_a)
    response = client.get(url("my_list", as_of=DAY))
    assert response.status_code == 200
    listing = response.context["department_list"]
    assert [r.milestone.title for r in listing.overdue] == [notices.overdue.title]
    assert [r.milestone.title for r in listing.due_soon] == [notices.in_progress.title]
    assert [r.milestone.title for r in listing.open] == [notices.not_started.title]
    assert {n.level for n in listing.notices_to_answer} == {
        NoticeLevel.SUPERVISION,
        NoticeLevel.CIRCULAR,
    }
    assert all(n.department_id == notices.a.pk for n in listing.notices_to_answer)
    assert "平台授牌" not in response.content.decode()


def test_the_plan_owners_list_holds_acceptances_and_unanswered_notices(client, notices, plan_owner):
    client.force_login(plan_owner)
    response = client.get(url("my_list", as_of=DAY))
    assert [u.pk for u in response.context["pending"]] == [notices.submitted_update.pk]
    departments = {n.department_id for n in response.context["unanswered"]}
    assert departments == {notices.a.pk, notices.b.pk}
    assert b'data-testid="pending-row"' in response.content


def test_days_are_said_as_days_late_or_days_left(client, notices, reporter_a, plan_owner):
    """Not "逾期天数（负数为剩余天数） -5": a milestone due in five days has 剩余 5 天, one
    twenty days past its date 逾期 20 天."""
    client.force_login(reporter_a)
    html = client.get(url("my_list", as_of=DAY)).content.decode()
    soon = re.search(r'data-testid="due-soon-row".*?</tr>', html, re.S).group(0)
    late = re.search(r'data-testid="overdue-row".*?</tr>', html, re.S).group(0)
    assert "剩余 5 天" in soon and "-5" not in soon
    assert "逾期 20 天" in late
    assert "负数" not in html

    client.force_login(plan_owner)
    page = client.get(url("milestone_list", as_of=DAY)).content.decode()
    rows = {
        title: row
        for row in re.findall(r'<tr [^>]*data-testid="milestone-row".*?</tr>', page, re.S)
        for title in [re.search(r">([^<]+)</a>", row).group(1)]
    }
    assert "剩余 5 天" in rows[notices.in_progress.title]
    assert "逾期 20 天" in rows[notices.overdue.title]
    assert "逾期 12 天" in rows[notices.done_late.title]
    # The reminder was raised five days before the due date.
    notice_page = client.get(url("notice_list", level="reminder")).content.decode()
    assert "剩余 5 天" in notice_page and ">-5<" not in notice_page


def test_a_leader_has_no_to_do_list_of_work_only_others_can_do(
    client, notices, leader, plan_owner, reporter_a
):
    """A leader neither accepts completions nor answers notices: no 待办 tab, and the old
    address leads to the battle map."""
    client.force_login(leader)
    page = client.get(url("battle_map", as_of=DAY))
    assert b'data-testid="my-list-link"' not in page.content
    assert "待办" not in page.content.decode()
    response = client.get(url("my_list", as_of=DAY))
    assert response.status_code == 302
    assert response["Location"] == url("battle_map", as_of=DAY)
    for user in (plan_owner, reporter_a):
        client.force_login(user)
        assert b'data-testid="my-list-link"' in client.get(url("battle_map")).content
        assert client.get(url("my_list")).status_code == 200


# --- the milestone list -------------------------------------------------------------------------


def test_the_milestone_list_is_scoped_and_filtered(client, scene, reporter_b, plan_owner):
    client.force_login(reporter_b)
    response = client.get(url("milestone_list"))
    titles = {m.title for m in response.context["table"].data}
    assert titles == {"基金设立", "平台授牌", "举办对接活动"}

    client.force_login(plan_owner)
    overdue = client.get(url("milestone_list", state="overdue", as_of=DAY))
    assert {m.title for m in overdue.context["table"].data} == {"研发机构签约落地", "平台授牌"}
    search = client.get(url("milestone_list", q="新型研发"))
    assert {m.title for m in search.context["table"].data} == {"研发机构签约落地"}
    due = client.get(url("milestone_list", due_from="2026-09-01", due_to="2026-09-20"))
    assert {m.title for m in due.context["table"].data} == {"出台支持政策", "研发机构签约落地"}
    of_b = client.get(url("milestone_list", department=scene.b.pk))
    assert len(of_b.context["table"].data) == 3


def test_a_bad_filter_value_is_shown_at_its_field(client, scene, plan_owner):
    client.force_login(plan_owner)
    response = client.get(url("milestone_list", as_of="yesterday", state="overdue"))
    assert response.status_code == 200
    assert response.context["filter"].form.errors["as_of"]
    assert b"text-danger" in response.content


def test_a_co_operating_department_sees_the_milestone(client, scene, reporter_b):
    scene.overdue.cooperating_departments.add(scene.b)
    client.force_login(reporter_b)
    response = client.get(url("milestone_list", department=scene.b.pk))
    assert "研发机构签约落地" in {m.title for m in response.context["table"].data}
    detail = client.get(url("milestone_detail", scene.overdue.pk))
    assert detail.status_code == 200
    assert detail.context["progress_form"] is None  # only the lead department reports


def test_the_milestone_list_exports_the_filtered_rows_to_excel(client, scene, plan_owner):
    client.force_login(plan_owner)
    response = client.get(url("milestone_list", state="overdue", as_of=DAY, format="xlsx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 2
    column = {name: header.index(name) for name in header}
    by_title = {row[column["节点"]]: row for row in body}
    assert set(by_title) == {"研发机构签约落地", "平台授牌"}
    overdue = by_title["研发机构签约落地"]
    assert overdue[column["任务编号"]] == 3
    assert overdue[column["计划完成"]].date() == date(2026, 9, 10)
    assert overdue[column["逾期天数"]] == 20
    assert overdue[column["进度%"]] == 30
    assert overdue[column["牵头单位"]] == "区科委"
    assert AuditEvent.objects.filter(event="export").exists()


def test_the_milestone_list_query_count_does_not_grow_with_rows(
    client, scene, plan_owner, django_assert_max_num_queries
):
    client.force_login(plan_owner)
    with django_assert_max_num_queries(18):
        client.get(url("milestone_list", state="in_progress", as_of=DAY))
    tasks = list(scene.not_started.task.plan.tasks.all())
    for n in range(30):
        Milestone.objects.create(
            task=tasks[n % 20],
            title=f"节点{n}",
            due_on=date(2026, 11, 1),
            lead_department=scene.a,
            created_by=plan_owner,
        ).cooperating_departments.add(scene.b)
    with django_assert_max_num_queries(18):
        response = client.get(url("milestone_list", state="not_started", as_of=DAY))
    assert response.context["table"].paginator.count == 31


# --- a milestone: progress, evidence, acceptance -----------------------------------------------


def test_each_role_opens_a_milestone_or_not(
    client, scene, plan_owner, reporter_a, reporter_b, leader
):
    path = url("milestone_detail", scene.overdue.pk)
    post = {"narrative": "x", "kind": "progress", "version": 1}
    client.force_login(reporter_b)
    assert client.get(path).status_code == 404
    assert client.post(path, post).status_code == 404
    client.force_login(leader)
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["progress_form"] is None
    client.force_login(reporter_a)
    response = client.get(path)
    assert response.context["progress_form"] is not None
    assert "新型研发机构落地" in response.content.decode()
    client.force_login(plan_owner)
    assert client.post(path, post).status_code == 403


def test_the_lead_department_posts_progress_with_evidence(
    client, scene, reporter_a, reporter_b, leader, media
):
    milestone = scene.overdue
    client.force_login(reporter_a)
    response = client.post(
        url("milestone_detail", milestone.pk),
        {
            "kind": "progress",
            "narrative": "签约仪式已完成",
            "percent": "60",
            "version": milestone.version,
            "evidence": [upload("签约文件.pdf", PDF), upload("现场.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(milestone=milestone, narrative="签约仪式已完成")
    assert update.percent == 60
    evidence = list(update.evidence.order_by("name"))
    assert [e.name for e in evidence] == ["现场.pdf", "签约文件.pdf"]
    assert all(e.content_type == "application/pdf" for e in evidence)
    milestone.refresh_from_db()
    assert milestone.percent == 60

    page = client.get(url("milestone_detail", milestone.pk))
    assert page.content.decode().count('data-testid="evidence-link"') == 2

    download = client.get(url("evidence_download", evidence[0].pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF

    client.force_login(leader)
    assert client.get(url("evidence_download", evidence[0].pk)).status_code == 200
    client.force_login(reporter_b)
    assert client.get(url("evidence_download", evidence[0].pk)).status_code == 404


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_written(
    client, scene, reporter_a, media
):
    milestone = scene.in_progress
    before = ProgressUpdate.objects.count()
    client.force_login(reporter_a)
    response = client.post(
        url("milestone_detail", milestone.pk),
        {
            "kind": "progress",
            "narrative": "进展",
            "version": milestone.version,
            "evidence": [upload("ok.pdf", PDF), upload("伪装.pdf", b"MZ\x90\x00not a pdf")],
        },
    )
    assert response.status_code == 400
    assert "伪装.pdf" in " ".join(response.context["progress_form"].errors["evidence"])
    assert b'data-testid="field-error"' in response.content
    assert ProgressUpdate.objects.count() == before
    assert not Evidence.objects.exists()
    assert not list(media.rglob("*.*")) if media.exists() else True
    milestone.refresh_from_db()
    assert milestone.version == scene.in_progress.version


def test_a_progress_form_of_an_older_version_is_refused_with_a_message(client, scene, reporter_a):
    milestone = scene.in_progress
    client.force_login(reporter_a)
    stale = milestone.version
    services.progress_post(milestone=milestone, actor=reporter_a, kind="progress", narrative="先报")
    response = client.post(
        url("milestone_detail", milestone.pk),
        {"kind": "progress", "narrative": "后报", "version": stale},
    )
    assert response.status_code == 400
    assert "changed by" in response.content.decode() or "修改" in response.content.decode()
    assert not ProgressUpdate.objects.filter(narrative="后报").exists()


def test_the_plan_owner_accepts_a_completion(client, scene, plan_owner):
    client.force_login(plan_owner)
    page = client.get(url("milestone_detail", scene.submitted.pk))
    assert b'data-testid="accept-button"' in page.content
    response = client.post(
        url("progress_review", scene.submitted_update.pk), {"decision": "accept"}
    )
    assert response.status_code == 302
    scene.submitted.refresh_from_db()
    assert scene.submitted.stage == Stage.DONE
    assert scene.submitted.completed_on == date(2026, 9, 28)


def test_sending_back_needs_a_reason_and_reaches_the_department(
    client, scene, plan_owner, reporter_b
):
    client.force_login(plan_owner)
    path = url("progress_review", scene.submitted_update.pk)
    response = client.post(path, {"decision": "return", "reason": "  "})
    assert response.status_code == 400
    assert b'data-testid="field-error"' in response.content
    scene.submitted_update.refresh_from_db()
    assert scene.submitted_update.review == Review.PENDING

    response = client.post(path, {"decision": "return", "reason": "缺少活动照片"})
    assert response.status_code == 302
    scene.submitted.refresh_from_db()
    assert scene.submitted.stage == Stage.IN_PROGRESS

    client.force_login(reporter_b)
    listing = client.get(url("my_list", as_of=DAY))
    assert [u.review_reason for u in listing.context["department_list"].returned] == [
        "缺少活动照片"
    ]
    assert client.post(path, {"decision": "accept"}).status_code == 403


# --- planning ---------------------------------------------------------------------------------


def test_the_plan_owner_adds_a_milestone(client, scene, plan_owner, reporter_a):
    task = scene.overdue.task
    data = {
        "task": task.pk,
        "project": scene.project.pk,
        "title": "完成设备安装",
        "deliverable": "验收报告",
        "due_on": "2027-03-31",
        "lead_department": scene.a.pk,
        "cooperating_departments": [scene.b.pk],
    }
    client.force_login(reporter_a)
    assert client.get(url("milestone_create")).status_code == 403
    assert client.post(url("milestone_create"), data).status_code == 403
    client.force_login(plan_owner)
    response = client.post(url("milestone_create"), data)
    assert response.status_code == 302
    milestone = Milestone.objects.get(title="完成设备安装")
    assert milestone.project == scene.project
    assert list(milestone.cooperating_departments.all()) == [scene.b]


def test_a_project_of_another_task_is_refused_at_its_field(client, scene, plan_owner):
    client.force_login(plan_owner)
    response = client.post(
        url("milestone_create"),
        {
            "task": scene.not_started.task.pk,
            "project": scene.project.pk,
            "title": "错配节点",
            "due_on": "2027-03-31",
            "lead_department": scene.a.pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["project"]
    assert not Milestone.objects.filter(title="错配节点").exists()


def test_editing_a_milestone_over_a_newer_change_shows_the_stale_message(client, scene, plan_owner):
    milestone = scene.not_started
    client.force_login(plan_owner)
    form = client.get(url("milestone_edit", milestone.pk)).context["form"]
    shown_version = form.initial["version"]
    services.milestone_change(
        milestone=milestone,
        actor=plan_owner,
        version=shown_version,
        title=milestone.title,
        due_on=date(2027, 1, 31),
        lead_department=scene.a,
    )
    response = client.post(
        url("milestone_edit", milestone.pk),
        {
            "title": "改名",
            "due_on": "2027-02-28",
            "lead_department": scene.a.pk,
            "version": shown_version,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("制定入库培育方案", date(2027, 1, 31))


def test_the_plan_owner_adds_a_project_and_sets_the_ladder(client, scene, plan_owner):
    client.force_login(plan_owner)
    response = client.post(
        url("project_create"),
        {
            "task": scene.overdue.task.pk,
            "name": "中试平台建设",
            "lead_department": scene.a.pk,
            "stage": "preparing",
        },
    )
    assert response.status_code == 302
    assert Project.objects.filter(name="中试平台建设").exists()
    assert "中试平台建设" in client.get(url("project_list")).content.decode()

    form = client.get(url("policy")).context["form"]
    response = client.post(
        url("policy"),
        {"remind_days_before": 14, "circular_after_days": 5, "version": form.initial["version"]},
    )
    assert response.status_code == 302
    policy = SupervisionPolicy.objects.get()
    assert (policy.remind_days_before, policy.circular_after_days) == (14, 5)

    stale = client.post(
        url("policy"),
        {"remind_days_before": 3, "circular_after_days": 5, "version": form.initial["version"]},
    )
    assert stale.status_code == 400
    policy.refresh_from_db()
    assert policy.remind_days_before == 14


def test_the_project_list_names_its_column_project_name(client, scene, plan_owner):
    client.force_login(plan_owner)
    html = client.get(url("project_list")).content.decode()
    assert ">项目名称</th>" in html
    assert "姓名" not in html
    form = client.get(url("project_create")).content.decode()
    assert "项目名称" in form and "姓名" not in form


def test_reporters_see_projects_but_do_not_plan(client, scene, reporter_b, reporter_a):
    client.force_login(reporter_b)
    assert "新型研发机构落地" not in client.get(url("project_list")).content.decode()
    assert client.get(url("project_create")).status_code == 403
    assert client.get(url("policy")).status_code == 403
    client.force_login(reporter_a)
    assert "新型研发机构落地" in client.get(url("project_list")).content.decode()


# --- notices ----------------------------------------------------------------------------------


def test_the_notice_list_is_scoped_and_filtered(client, notices, reporter_b, plan_owner):
    client.force_login(reporter_b)
    response = client.get(url("notice_list"))
    assert {n.department_id for n in response.context["table"].data} == {notices.b.pk}
    client.force_login(plan_owner)
    waiting = client.get(url("notice_list", status="waiting"))
    assert waiting.context["table"].data
    assert all(n.awaits_answer for n in waiting.context["table"].data)
    reminders = client.get(url("notice_list", level="reminder"))
    assert {n.level for n in reminders.context["table"].data} == {NoticeLevel.REMINDER}


def test_the_department_answers_its_notice(client, notices, reporter_a, reporter_b, plan_owner):
    notice = Notice.objects.get(milestone=notices.overdue, level=NoticeLevel.SUPERVISION)
    path = url("notice_detail", notice.pk)
    new_date = (timezone.localdate() + timedelta(days=30)).isoformat()

    client.force_login(reporter_b)
    assert client.get(path).status_code == 404
    assert client.post(path, {"reason": "x", "new_date": new_date}).status_code == 404

    client.force_login(plan_owner)
    read_only = client.get(path)
    assert read_only.status_code == 200
    assert read_only.context["form"] is None
    assert client.post(path, {"reason": "x", "new_date": new_date}).status_code == 403

    client.force_login(reporter_a)
    missing = client.post(path, {"reason": "", "new_date": ""})
    assert missing.status_code == 400
    assert set(missing.context["form"].errors) == {"reason", "new_date"}
    notice.refresh_from_db()
    assert not notice.answered

    response = client.post(path, {"reason": "签约方调整", "new_date": new_date})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.answered_by == reporter_a
    assert notice.answer_new_date.isoformat() == new_date
    page = client.get(path)
    assert b'data-testid="answer-reason"' in page.content
    assert page.context["form"] is None
    assert AuditEvent.objects.filter(event="notice.answer").exists()


def _accept_completion(milestone, reporter, plan_owner):
    completion = services.progress_post(
        milestone=milestone, actor=reporter, kind="completion", narrative="协议已签署"
    )
    services.progress_accept(update=completion, actor=plan_owner)


def test_a_notice_is_settled_once_its_milestone_is_accepted(
    client, notices, reporter_a, plan_owner
):
    """督办 and 通报 of a milestone accepted as done await no answer: they leave the
    department's list and its count, show as settled, and take no answer."""
    _accept_completion(notices.overdue, reporter_a, plan_owner)
    supervision = Notice.objects.get(milestone=notices.overdue, level=NoticeLevel.SUPERVISION)

    client.force_login(reporter_a)
    listing = client.get(url("my_list", as_of=DAY))
    assert listing.context["department_list"].notices_to_answer == []
    assert b'data-testid="notice-to-answer"' not in listing.content

    page = client.get(url("notice_detail", supervision.pk))
    assert page.context["form"] is None
    html = page.content.decode()
    assert 'data-testid="settled"' in html
    assert "已办结" in html
    assert "待答复" not in html
    new_date = (timezone.localdate() + timedelta(days=30)).isoformat()
    refused = client.post(
        url("notice_detail", supervision.pk), {"reason": "x", "new_date": new_date}
    )
    assert refused.status_code == 400
    supervision.refresh_from_db()
    assert not supervision.answered

    milestone = client.get(url("milestone_detail", notices.overdue.pk)).content.decode()
    assert "已办结" in milestone and "待答复" not in milestone

    client.force_login(plan_owner)
    owner = client.get(url("my_list", as_of=DAY))
    assert notices.overdue.pk not in {n.milestone_id for n in owner.context["unanswered"]}
    settled = client.get(url("notice_list", status="settled"))
    assert {n.milestone_id for n in settled.context["table"].data} == {notices.overdue.pk}
    assert "已办结" in settled.content.decode()
    waiting = client.get(url("notice_list", status="waiting"))
    assert {n.milestone_id for n in waiting.context["table"].data} == {notices.overdue_b.pk}


def test_a_reminder_needs_no_answer(client, notices, reporter_a):
    reminder = Notice.objects.get(milestone=notices.in_progress, level=NoticeLevel.REMINDER)
    client.force_login(reporter_a)
    response = client.get(url("notice_detail", reminder.pk))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["is_reminder"]
