"""The parser on the test documents of tests/plans/documents/ (read as a user uploads them,
.txt or .docx, then parsed): each yields its hand-written expected YAML. No Django.

The seed plan counts in the overall precision and recall too; it must be present (no skip).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from innoplan.plans.ingest.parser import parse_plan_text
from innoplan.plans.ingest.readers import read_document_file
from tests.seed import seed_file

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"
REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "src" / "innoplan" / "plans" / "fixtures" / "tongzhou_2024.yaml"
SEED_NAME = "000_8890667eab5c8e20.txt"
DOCUMENTS = [
    "city_action_plan.txt",
    "numerals_gbk.txt",
    "ranges_action_plan.txt",
    "table_targets.docx",
    "word_list_numbering.docx",
]


def targets(plan: dict) -> set[tuple]:
    """The plan's targets as (indicator, comparator, value, unit, annual)."""
    found = [t for group in plan.get("goal_groups") or [] for t in group.get("targets") or []]
    for section in plan.get("sections") or []:
        for task in section.get("tasks") or []:
            found += task.get("targets") or []
    return {
        (t["indicator"], t["comparator"], str(t["value"]), t["unit"], bool(t.get("annual")))
        for t in found
    }


def expected(name: str) -> dict:
    return yaml.safe_load((DOCUMENTS_DIR / name).with_suffix(".yaml").read_text(encoding="utf-8"))


def parsed(name: str) -> dict:
    return parse_plan_text(read_document_file(DOCUMENTS_DIR / name).text).plan


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_documents_targets_are_exactly_those_of_its_expected_yaml(name):
    assert targets(parsed(name)) == targets(expected(name))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_yields_its_expected_yaml_whole(name):
    assert parsed(name) == expected(name)


def test_overall_precision_and_recall_over_the_documents_and_the_seed_are_complete():
    pairs = [(parsed(name), expected(name)) for name in DOCUMENTS]
    seed_text = seed_file(SEED_NAME).read_text(encoding="utf-8")
    pairs.append(
        (parse_plan_text(seed_text).plan, yaml.safe_load(FIXTURE.read_text(encoding="utf-8")))
    )
    true_positive = false_positive = false_negative = 0
    for got, wanted in pairs:
        got_targets, wanted_targets = targets(got), targets(wanted)
        true_positive += len(got_targets & wanted_targets)
        false_positive += len(got_targets - wanted_targets)
        false_negative += len(wanted_targets - got_targets)
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(f"precision {precision:.3f} recall {recall:.3f} over {true_positive} targets")
    assert true_positive == 45
    assert (precision, recall) == (1.0, 1.0)
