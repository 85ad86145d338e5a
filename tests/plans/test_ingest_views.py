"""The plan upload page: upload a plan document, check and edit the proposed plan, load it."""

from __future__ import annotations

import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.seed import seed_file

SEED = "000_8890667eab5c8e20.txt"

pytestmark = pytest.mark.django_db


def seed_bytes() -> bytes:
    return seed_file(SEED).read_bytes()


def seed_docx() -> bytes:
    """The seed document as Word would hold it: one paragraph a line."""
    from docx import Document

    document = Document()
    for line in seed_bytes().decode("utf-8-sig").splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str):
    return client.post(reverse("plans:plan_ingest"), {"file": SimpleUploadedFile(name, data)})


class _ConfirmForm(HTMLParser):
    """The fields the proposal page's confirm form submits, as a browser would."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.fields[name] = "on"
            else:
                self.fields[name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def confirm_fields(response) -> dict[str, str]:
    parser = _ConfirmForm()
    parser.feed(response.content.decode())
    return parser.fields


def plan_count() -> int:
    from innoplan.plans.models import Plan

    return Plan.objects.count()


CONFIRM = reverse("plans:plan_ingest_confirm")


def review(client, fields: dict, step: str = "review"):
    """The proposal page's button: check what loading the proposal, as edited, changes."""
    return client.post(CONFIRM, {**fields, "step": step})


def load(client, summary):
    """The summary page's button: load the plan as the summary showed it."""
    assert summary.status_code in (200, 409), summary.content.decode()[:2000]
    return client.post(CONFIRM, {**confirm_fields(summary), "step": "load"})


def review_and_load(client, fields: dict):
    return load(client, review(client, fields))


def element(html: str, id_: str) -> str:
    """The opening tag of the element with this id and what follows it, up to its end tag
    (no nesting of the same tag inside, as the tests use it)."""
    start = html.index(f'id="{id_}"')
    start = html.rindex("<", 0, start)
    tag = html[start + 1 : html.index(" ", start)]
    return html[start : html.index(f"</{tag}>", start)]


def test_the_owner_sees_sixteen_goal_targets_and_two_task_targets_with_their_words_marked(
    client, plan_owner
):
    client.force_login(plan_owner)
    response = upload(client, seed_bytes(), "plan.txt")
    assert response.status_code == 200
    assert len(response.context["goal_rows"]) == 16
    assert len(response.context["task_rows"]) == 2
    html = response.content.decode()
    assert html.count('id="row-g') == 16 and html.count('id="row-s') == 2
    assert '<mark data-path="goal_groups[0].targets[1]">高新技术企业突破1500家</mark>' in html
    assert html.count("<mark ") == 18
    assert 'id="line-32"' in html and 'href="#line-32"' in html
    assert 'value="北京城市副中心科技创新资源倍增工程实施方案"' in html
    unsure = [row for row in response.context["rows"] if row["unsure"]]
    assert {row["target"]["text"] for row in unsure} >= {"总规模达到30亿元"}
    measures = response.context["measures"]
    assert html.count('data-testid="unsure"') == sum(len(row["unsure"]) for row in unsure) + sum(
        len(measure["unsure"]) for measure in measures
    )
    assert 'data-testid="unplaced"' in html
    # The parser's reasons are shown in the reader's language.
    assert "没有比较词，按“不低于”识别" in html
    assert "no comparator word" not in html
    assert plan_count() == 0


def test_the_measures_numbering_doubt_names_the_measure_and_links_to_its_row_and_line(
    client, plan_owner
):
    client.force_login(plan_owner)
    response = upload(client, seed_bytes(), "plan.txt")
    html = response.content.decode()
    # 保障措施 numbers （一） then （2）: the doubt is about the second measure, on line 71.
    [doubt] = response.context["general_unsure"]
    assert doubt["line"] == 71 and doubt["anchor"] == "measure-m1"
    assert doubt["what"] == "保障措施 （2）创新招引路径"
    alert = element(html, "general-unsure-0")
    assert 'href="#measure-m1"' in alert and 'href="#line-71"' in alert
    assert "保障措施编号不规则，请核对顺序" in alert
    # The measure's own row carries the doubt and leads to its line in the text.
    row = element(html, "measure-m1")
    assert 'data-testid="unsure"' in row and 'href="#line-71"' in row
    assert "保障措施编号不规则，请核对顺序" in row
    assert 'data-testid="unsure"' not in element(html, "measure-m0")
    assert 'id="line-71"' in html


def test_a_word_document_gives_the_same_proposal(client, plan_owner):
    client.force_login(plan_owner)
    response = upload(client, seed_docx(), "plan.docx")
    assert response.status_code == 200
    assert len(response.context["goal_rows"]) == 16
    assert len(response.context["task_rows"]) == 2


def test_confirming_the_proposal_loads_the_plan_with_its_indicators(client, plan_owner):
    from innoplan.audit.models import AuditEvent
    from innoplan.plans.models import Plan

    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    response = review_and_load(client, fields)
    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")
    plan = Plan.objects.get()
    assert plan.doc_number == "通政发〔2024〕19号"
    assert plan.indicators.filter(goal_group__isnull=False).count() == 16
    assert plan.indicators.count() == 18
    assert plan.tasks.count() == 20
    followed = client.get(response.url)
    assert "北京城市副中心科技创新资源倍增工程实施方案" in followed.content.decode()
    confirm = AuditEvent.objects.get(event="import.confirm")
    assert (confirm.actor_name, confirm.outcome) == (plan_owner.username, "success")
    assert confirm.object_id == str(plan.pk) and confirm.detail["file"] == "plan.txt"


def test_an_edited_value_and_title_are_what_is_loaded(client, plan_owner):
    from innoplan.plans.models import Indicator, Plan

    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    assert fields["g0-t1-indicator"] == "高新技术企业"
    fields["g0-t1-value"] = "1600"
    fields["h-title"] = "改过的标题"
    response = review_and_load(client, fields)
    assert response.status_code == 302
    assert Plan.objects.get().title == "改过的标题"
    target = Indicator.objects.get(name="高新技术企业").targets.get()
    assert target.value == Decimal("1600")


def test_a_value_the_schema_refuses_is_shown_with_its_field_and_nothing_is_created(
    client, plan_owner
):
    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    fields["g0-t1-value"] = "many"
    fields["h-date"] = "someday"
    response = review(client, fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert "goal_groups[0].targets[1].value" in html
    assert "plan.date" in html
    assert 'value="many"' in html  # the edits are kept on the page
    assert plan_count() == 0


def test_a_tampered_proposal_is_refused_and_nothing_is_created(client, plan_owner):
    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    token = fields["proposal"]
    fields["proposal"] = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(reverse("plans:plan_ingest_confirm"), fields)
    assert response.status_code == 400
    assert response.context["refusals"]
    assert 'data-testid="form-errors"' in response.content.decode()
    assert plan_count() == 0


def test_a_proposal_signed_for_something_else_is_refused(client, plan_owner):
    from django.core import signing

    client.force_login(plan_owner)
    forged = signing.dumps({"name": "x", "yaml": "plan: {}"}, compress=True)
    response = client.post(reverse("plans:plan_ingest_confirm"), {"proposal": forged})
    assert response.status_code == 400
    assert plan_count() == 0


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "plan.txt"),
        (b"MZ\x90\x00", "plan.exe"),
        ("今天天气很好，我们去公园散步。\n晚上一起吃饭。\n".encode(), "letter.txt"),
    ],
)
def test_a_file_that_is_no_plan_document_is_refused_with_a_reason(client, plan_owner, data, name):
    client.force_login(plan_owner)
    response = upload(client, data, name)
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert plan_count() == 0


def test_a_file_over_the_limit_is_refused_by_its_size(client, plan_owner, settings):
    settings.INNOPLAN_PLAN_MAX_BYTES = 1024
    client.force_login(plan_owner)
    response = upload(client, seed_bytes(), "plan.txt")
    assert response.status_code == 400
    assert "MB" in response.context["form"].errors["file"][0]


def test_an_empty_upload_shows_the_form_with_an_error(client, plan_owner):
    client.force_login(plan_owner)
    response = client.post(reverse("plans:plan_ingest"), {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_the_owner_sees_the_upload_form(client, plan_owner):
    client.force_login(plan_owner)
    response = client.get(reverse("plans:plan_ingest"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_confirm_answers_only_posts(client, plan_owner):
    client.force_login(plan_owner)
    assert client.get(reverse("plans:plan_ingest_confirm")).status_code == 405


@pytest.mark.parametrize(
    "persona",
    ["reporter_a", "reporter_b", "leader", "sysadmin", "security_admin", "audit_admin"],
)
def test_nobody_but_the_plan_owner_may_upload_or_confirm(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("plans:plan_ingest")).status_code == 403
    assert upload(client, seed_bytes(), "plan.txt").status_code == 403
    assert client.post(reverse("plans:plan_ingest_confirm"), {}).status_code == 403
    assert plan_count() == 0


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("plans:plan_ingest"))
    assert response.status_code == 302
    assert "login" in response.url
    assert client.post(reverse("plans:plan_ingest_confirm"), {}).status_code == 302


# --- lead departments ---------------------------------------------------------------------------


def test_the_proposal_says_the_document_names_no_lead_departments(client, plan_owner):
    client.force_login(plan_owner)
    response = upload(client, seed_bytes(), "plan.txt")
    html = response.content.decode()
    assert "文件未写明各项任务的牵头单位" in element(html, "no-leads")
    tasks = [entry for item in response.context["sections"] for entry in item["tasks"]]
    assert len(tasks) == 20
    assert all(entry["leads"] is None and entry["kept"] == [] for entry in tasks)
    assert html.count('data-testid="task-leads"') == 20
    assert "未写明" in element(html, "task-s0-k0")


def test_lead_departments_the_document_names_are_shown_with_their_task(client, plan_owner):
    from tests.plans.test_parser import city_plan_with_leads

    client.force_login(plan_owner)
    response = upload(client, city_plan_with_leads().encode(), "plan.txt")
    assert response.status_code == 200
    html = response.content.decode()
    first = element(html, "task-s0-k0")
    assert "市科委、中关村管委会" in first and 'href="#line-22"' in first
    assert "市人力资源社会保障局" in element(html, "task-s1-k0")
    assert "未写明" in element(html, "task-s0-k1")
    assert 'id="no-leads"' not in html
    # What the page does with them is said: they are not assigned by the load.
    assert "载入不设置任务分工" in html


def test_a_loaded_plans_lead_departments_are_shown_as_kept(client, plan_owner, plan, departments):
    from innoplan.plans.services import assignments_load

    assignments_load(plan=plan, data={"tasks": [{"task": 1, "lead": ["dept-a"]}]}, source="t")
    client.force_login(plan_owner)
    response = upload(client, seed_bytes(), "plan.txt")
    html = response.content.decode()
    first = element(html, "task-s0-k0")
    assert "区科委" in first and "载入后保留" in first
    assert "区科委" not in element(html, "task-s0-k1")


# --- figures in the plan's own units ------------------------------------------------------------


def test_target_values_are_shown_in_the_plans_own_units(client, plan_owner):
    client.force_login(plan_owner)
    response = upload(client, seed_bytes(), "plan.txt")
    html = response.content.decode()
    fields = confirm_fields(response)
    assert fields["g4-t1-indicator"] == "子基金总规模"
    assert (fields["g4-t1-value"], fields["g4-t1-display_unit"]) == ("30", "亿元")
    assert fields["g0-t1-value"] == "1,500"
    assert "3000000000" not in html and "3,000,000,000" not in html
    # Each mark in the text says what was read from it, in the plan's units, and leads to
    # its row.
    assert html.count('data-testid="reading"') == 18
    mark = html.index('<mark data-path="goal_groups[4].targets[1]">总规模达到30亿元</mark>')
    reading = html[mark : html.index("</a>", mark)]
    assert "≥ 30 亿元" in reading and 'href="#row-g4-t1"' in reading


def test_an_edited_value_is_read_in_the_display_unit_and_loaded_exactly(client, plan_owner):
    import yaml

    from innoplan.plans.models import Indicator
    from tests.plans.test_parser import FIXTURE

    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    fields["g4-t1-value"] = "30.5"
    assert review_and_load(client, fields).status_code == 302
    fund = Indicator.objects.get(name="子基金总规模").targets.get()
    assert fund.value == Decimal("3050000000")
    # Every value left as shown is loaded exactly as the plan states it.
    expected = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    for group in expected["goal_groups"]:
        for target in group["targets"]:
            if target["indicator"] != "子基金总规模":
                loaded = Indicator.objects.get(name=target["indicator"]).targets.get()
                assert loaded.value == Decimal(str(target["value"])), target["indicator"]


def test_a_display_unit_the_value_cannot_be_converted_to_is_refused_at_its_field(
    client, plan_owner
):
    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    fields["g4-t1-display_unit"] = "千元"
    response = review(client, fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert "goal_groups[4].targets[1].display_unit" in html
    assert confirm_fields(response)["g4-t1-value"] == "30"  # shown as typed
    assert plan_count() == 0


# --- the summary of what loading changes, and its confirmation ----------------------------------


def test_checking_a_new_plan_counts_what_it_creates_and_loads_nothing(client, plan_owner):
    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    summary = review(client, fields)
    assert summary.status_code == 200
    assert plan_count() == 0
    changes = summary.context["changes"]
    assert changes.new
    html = summary.content.decode()
    counts = element(html, "summary-new")
    for label, count in (("目标分组", 5), ("指标", 18), ("重点任务", 20), ("保障措施", 5)):
        assert f"<dt>{label}</dt><dd>{count}</dd>" in counts
    assert "通政发〔2024〕19号" in html
    response = load(client, summary)
    assert response.status_code == 302
    assert plan_count() == 1


def test_a_plan_already_loaded_lists_what_is_added_changed_and_removed(client, plan_owner, plan):
    from innoplan.plans.models import Indicator

    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    fields["g0-t1-value"] = "1,600"
    fields["g0-t0-indicator"] = "高校院所"
    fields["s0-k0-title"] = "改过的任务一"
    fields["g4-t1-value"] = "35"
    summary = review(client, fields)
    assert summary.status_code == 200
    html = summary.content.decode()
    assert not summary.context["changes"].new
    changed = element(html, "change-target-changed-高新技术企业")
    assert "&gt; 1,500 家" in changed and "&gt; 1,600 家" in changed
    fund = element(html, "change-target-changed-子基金总规模")
    assert "≥ 30 亿元" in fund and "≥ 35 亿元" in fund
    assert "高校院所及分支机构" in element(html, "change-target-removed-高校院所及分支机构")
    assert "高校院所" in element(html, "change-target-added-高校院所")
    task = element(html, "change-task-changed-1")
    assert "改过的任务一" in task and plan.tasks.get(number=1).title in task
    # Nothing is written until the summary is confirmed.
    assert Indicator.objects.get(name="高新技术企业").targets.get().value == 1500
    assert load(client, summary).status_code == 302
    assert Indicator.objects.get(name="高新技术企业").targets.get().value == 1600
    assert not Indicator.objects.filter(name="高校院所及分支机构").exists()


def test_the_same_plan_again_is_said_to_change_nothing(client, plan_owner, plan):
    client.force_login(plan_owner)
    summary = review(client, confirm_fields(upload(client, seed_bytes(), "plan.txt")))
    assert summary.context["changes"].changes == ()
    assert "载入不会改变任何内容" in element(summary.content.decode(), "summary-unchanged")


def test_removing_an_indicator_that_has_reported_figures_is_refused_in_the_summary(
    client, plan_owner, indicator_of_a, reporter_a
):
    from datetime import date

    from innoplan.plans.models import ReportedValue

    ReportedValue.objects.create(
        indicator=indicator_of_a,
        period_kind="month",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        value=Decimal(1200),
        submitted_by=reporter_a,
    )
    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    fields["g0-t1-indicator"] = "高新技术企业数"
    summary = review(client, fields)
    html = summary.content.decode()
    assert "高新技术企业" in element(html, "summary-blocked")
    assert 'value="load"' not in html  # no button to load what the load would refuse


def test_nothing_is_loaded_without_the_summarys_confirmation(client, plan_owner):
    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    # The proposal page's own token, sent as if its summary had been confirmed.
    response = review(client, fields, step="load")
    assert response.status_code == 200
    assert response.context["changes"].new
    assert plan_count() == 0


def test_a_plan_changed_since_its_summary_is_not_loaded_and_the_new_summary_is_shown(
    client, plan_owner
):
    from innoplan.audit.models import AuditEvent
    from innoplan.plans.ingest.schema import read_plan_file
    from innoplan.plans.services import plan_load
    from tests.plans.test_parser import FIXTURE

    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    fields["g0-t1-value"] = "1600"
    summary = review(client, fields)
    assert summary.context["changes"].new
    plan_load(document=read_plan_file(FIXTURE))  # somebody else loads the plan meanwhile
    response = load(client, summary)
    assert response.status_code == 409
    assert 'id="summary-stale"' in response.content.decode()
    assert not response.context["changes"].new
    assert not AuditEvent.objects.filter(event="import.confirm").exists()
    # The new summary can be confirmed.
    assert load(client, response).status_code == 302
    from innoplan.plans.models import Indicator

    assert Indicator.objects.get(name="高新技术企业").targets.get().value == 1600


def test_back_to_editing_keeps_the_edits(client, plan_owner):
    client.force_login(plan_owner)
    fields = confirm_fields(upload(client, seed_bytes(), "plan.txt"))
    fields["g0-t1-value"] = "1600"
    assert fields["g0-t2-annual"] == "on"  # 每年新增“专精特新”: annual, and stays so
    summary = review(client, fields)
    back = client.post(CONFIRM, {**confirm_fields(summary), "step": "edit"})
    assert back.status_code == 200
    again = confirm_fields(back)
    assert again["g0-t1-value"] == "1,600"
    assert again.get("g0-t2-annual") == "on"
    # Going back to editing loads nothing, and its form asks for a summary again.
    assert plan_count() == 0
    assert review(client, again, step="load").context["changes"].new
    assert plan_count() == 0
