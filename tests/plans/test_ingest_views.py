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
    assert html.count('data-testid="unsure"') == sum(len(row["unsure"]) for row in unsure)
    assert 'data-testid="unplaced"' in html
    # The parser's reasons are shown in the reader's language.
    assert "没有比较词，按“不低于”识别" in html
    assert "no comparator word" not in html
    # A doubt about no target names its place as the page's headings do.
    general = response.context["general_unsure"]
    assert {item["what"] for item in general} == {"保障措施"}
    assert "保障措施: 保障措施编号不规则，请核对顺序" in html
    assert plan_count() == 0


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
    response = client.post(reverse("plans:plan_ingest_confirm"), fields)
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
    response = client.post(reverse("plans:plan_ingest_confirm"), fields)
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
    response = client.post(reverse("plans:plan_ingest_confirm"), fields)
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
