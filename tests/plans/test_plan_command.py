"""``innoplan plan parse``: a plan document in, loadplan's YAML (or JSON) out, nothing written."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation
from docx import Document
from pypdf import PdfWriter

from innoplan.plans.ingest.schema import parse_plan_yaml
from innoplan.plans.models import Plan
from tests.conftest import PLAN_FIXTURE
from tests.seed import seed_file

pytestmark = pytest.mark.django_db

SEED = "000_8890667eab5c8e20.txt"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parse(path, *arguments) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("plan", "parse", str(path), *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_seed_text_becomes_the_plan_fixture_and_nothing_is_written():
    out, err = parse(seed_file(SEED))
    assert yaml.safe_load(out) == yaml.safe_load(PLAN_FIXTURE.read_text(encoding="utf-8"))
    document = parse_plan_yaml(out, source="proposal")
    assert sum(len(group.targets) for group in document.goal_groups) == 16
    # What to review is said, with its line.
    assert "review: line 32:" in err
    assert "not placed: line 16:" in err
    assert not Plan.objects.exists()


def test_a_word_file_of_the_seed_gives_the_same_plan(tmp_path):
    word = Document()
    for line in seed_file(SEED).read_text(encoding="utf-8").split("\n"):
        word.add_paragraph(line)
    path = tmp_path / "实施方案.docx"
    word.save(path)
    out, _err = parse(path)
    assert yaml.safe_load(out) == yaml.safe_load(PLAN_FIXTURE.read_text(encoding="utf-8"))


def test_json_carries_the_plan_what_to_review_and_where_each_target_was_read(tmp_path):
    target = tmp_path / "plan.json"
    parse(seed_file(SEED), "--format", "json", "--output", str(target))
    proposal = json.loads(target.read_text(encoding="utf-8"))
    assert proposal["plan"]["plan"]["doc_number"] == "通政发〔2024〕19号"
    assert len(proposal["sources"]) == 18
    assert {"what", "line", "why"} <= set(proposal["unsure"][0])
    first = proposal["sources"][0]
    line = seed_file(SEED).read_text(encoding="utf-8").split("\n")[first["line"] - 1]
    assert line[first["start"] : first["end"]] == first["text"]


def blank_pdf(path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as handle:
        writer.write(handle)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("empty.txt", lambda p: p.write_bytes(b""), "empty"),
        ("scan.pdf", blank_pdf, "scanned"),
        (
            "news.txt",
            lambda p: p.write_text("今天上午，区里召开了一次会议。与会人员听取了汇报。", "utf-8"),
            "does not look like a plan",
        ),
        ("plan.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0"), ".docx"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_written(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(CommandError, match=message) as caught:
        parse(path)
    assert name in str(caught.value)
    assert not Plan.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.INNOPLAN_PLAN_MAX_BYTES = 1024 * 1024
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: 100 MB declared, nothing allocated
        handle.truncate(100 * 1024 * 1024)
    with pytest.raises(CommandError, match="MB"):
        parse(path)
