"""The plan's management commands: loadassignments and loadplan, run as an operator runs them."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from innoplan.plans.choices import AssignmentRole
from innoplan.plans.models import Plan, TaskAssignment
from tests.conftest import PLAN_FIXTURE

pytestmark = pytest.mark.django_db

ASSIGNMENTS = PLAN_FIXTURE.with_name("tongzhou_2024_assignments.yaml")
DOC_NUMBER = "通政发〔2024〕19号"


def run(name: str, *args, **options) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, **options)
    return out.getvalue()


def load_assignments(path: Path = ASSIGNMENTS) -> str:
    return run("loadassignments", str(path), "--plan", DOC_NUMBER)


@pytest.fixture
def shipped_departments(db):
    run("loaddepartments")


@pytest.fixture
def edited(tmp_path):
    """A copy of the shipped assignments with one piece of text replaced."""

    def edit(old: str, new: str) -> Path:
        text = ASSIGNMENTS.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path = tmp_path / "assignments.yaml"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    return edit


def assignment_rows():
    return sorted(TaskAssignment.objects.values_list("task__number", "department__code", "role"))


def indicator_rows(plan):
    return sorted(plan.indicators.values_list("name", "department__code", "definition"))


def test_the_shipped_assignments_give_every_task_a_lead_and_every_indicator_a_reporter(
    plan, shipped_departments
):
    output = load_assignments()
    changed = int(output.split()[1])
    assert output.strip() == f"assignments: {changed} changed"
    assert changed == TaskAssignment.objects.count() + plan.indicators.count()

    for task in plan.tasks.prefetch_related("assignments"):
        leads = [a for a in task.assignments.all() if a.role == AssignmentRole.LEAD]
        assert leads, f"task {task.number} has no lead department"
    assert plan.tasks.count() == 20
    assert plan.indicators.count() == 18
    assert not plan.indicators.filter(department__isnull=True).exists()
    assert not plan.indicators.filter(definition="").exists()
    high_tech = plan.indicators.get(name="高新技术企业")
    assert high_tech.department.code == "science"
    assert high_tech.definition.startswith("注册地在通州区")
    task_1 = plan.tasks.get(number=1)
    assert {a.department.code for a in task_1.assignments.all() if a.role == "lead"} == {
        "science",
        "education",
    }


def test_applying_the_assignments_again_changes_nothing(plan, shipped_departments):
    load_assignments()
    before = (assignment_rows(), indicator_rows(plan))
    stamps = sorted(TaskAssignment.objects.values_list("id", "updated"))
    assert load_assignments().strip() == "assignments: 0 changed"
    assert (assignment_rows(), indicator_rows(plan)) == before
    assert sorted(TaskAssignment.objects.values_list("id", "updated")) == stamps


def test_a_corrected_file_updates_only_what_changed(plan, shipped_departments, edited):
    load_assignments()
    path = edited(
        "- {task: 6, lead: [science], cooperating: [health, economy-it, market-regulation]}",
        "- {task: 6, lead: [science], cooperating: [health, economy-it]}",
    )
    assert load_assignments(path).strip() == "assignments: 1 changed"
    assert not TaskAssignment.objects.filter(
        task__number=6, department__code="market-regulation"
    ).exists()


def test_an_unknown_department_code_is_refused_by_name_and_nothing_changes(
    plan, shipped_departments, edited
):
    path = edited(
        "- {task: 2, lead: [science], cooperating: [development-reform, economy-it, health, "
        "finance]}",
        "- {task: 2, lead: [science-bureau], cooperating: [development-reform, economy-it, "
        "health, finance]}",
    )
    with pytest.raises(CommandError) as caught:
        load_assignments(path)
    message = str(caught.value)
    assert "was not applied" in message
    assert "task 2 lead: unknown department code 'science-bureau'" in message
    assert not TaskAssignment.objects.exists()
    assert not plan.indicators.filter(department__isnull=False).exists()


def test_an_unknown_department_for_an_indicator_is_refused_after_a_good_load(
    plan, shipped_departments, edited
):
    load_assignments()
    before = (assignment_rows(), indicator_rows(plan))
    path = edited(
        "  - indicator: 科技小院\n    department: science-association",
        "  - indicator: 科技小院\n    department: farmers-union",
    )
    with pytest.raises(
        CommandError, match="indicator 科技小院: unknown department code 'farmers-union'"
    ):
        load_assignments(path)
    assert (assignment_rows(), indicator_rows(plan)) == before


def test_an_unknown_task_number_is_refused_by_number_and_nothing_changes(
    plan, shipped_departments, edited
):
    path = edited(
        "- {task: 20, lead: [science, development-reform]",
        "- {task: 21, lead: [science, development-reform]",
    )
    with pytest.raises(CommandError, match=f"task 21 is not in {DOC_NUMBER}"):
        load_assignments(path)
    assert not TaskAssignment.objects.exists()


def test_an_unknown_indicator_is_refused_by_name(plan, shipped_departments, edited):
    path = edited("  - indicator: 科普基地\n", "  - indicator: 科普场馆\n")
    with pytest.raises(CommandError, match="indicator '科普场馆' is not in"):
        load_assignments(path)
    assert not TaskAssignment.objects.exists()


def test_every_problem_in_the_file_is_named_at_once(plan, shipped_departments, edited, tmp_path):
    path = tmp_path / "several.yaml"
    path.write_text(
        "tasks:\n"
        "  - {task: 1, lead: [nobody]}\n"
        "  - {task: 99, lead: [science]}\n"
        "indicators:\n"
        "  - {indicator: 科技小院, department: nowhere}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        load_assignments(path)
    lines = str(caught.value).splitlines()[1:]
    assert len(lines) == 3
    assert "'nobody'" in lines[0] and "task 99" in lines[1] and "'nowhere'" in lines[2]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tasks: [1]\n", "tasks entry 1: expected {task, lead, cooperating}"),
        ("indicators: [科技小院]\n", "indicators entry 1: expected {indicator, department"),
        ("tasks:\n  - {task: 1, lead: science}\n", "task 1 lead: expected a list of department"),
        ("tasks:\n  - {task: [1, 2], lead: [science]}\n", "task [1, 2] is not in"),
        ("tasks:\n  - {task: 1, cooperating: [science]}\n", "task 1 has no lead department"),
        ("tasks:\n  - {task: 1, lead: [], cooperating: [science]}\n", "task 1 has no lead"),
        (
            "tasks:\n  - {task: 1, lead: [science, finance], cooperating: [science]}\n",
            "task 1: 'science' cannot both lead and co-operate",
        ),
    ],
)
def test_a_malformed_entry_is_refused_by_name_and_nothing_changes(
    plan, shipped_departments, tmp_path, text, problem
):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        load_assignments(path)
    assert problem in str(caught.value)
    assert not TaskAssignment.objects.exists()


def test_assignments_for_a_plan_that_is_not_loaded_are_refused(shipped_departments):
    with pytest.raises(CommandError, match="no plan with that document number"):
        load_assignments()


def test_a_file_that_is_not_assignments_is_refused(plan, shipped_departments, tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- {task: 1}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="expected a mapping with 'tasks' and 'indicators'"):
        load_assignments(path)
    with pytest.raises(CommandError, match=r"no-such\.yaml"):
        load_assignments(tmp_path / "no-such.yaml")


def test_loadplan_with_an_unknown_actor_is_a_clear_error_and_loads_nothing():
    with pytest.raises(CommandError, match="--actor nosuchuser: no such user"):
        run("loadplan", str(PLAN_FIXTURE), "--actor", "nosuchuser")
    assert not Plan.objects.exists()


def test_loadplan_with_a_known_actor_loads_the_plan(plan_owner):
    output = run("loadplan", str(PLAN_FIXTURE), "--actor", plan_owner.username)
    assert output.startswith(DOC_NUMBER)
    assert Plan.objects.get().doc_number == DOC_NUMBER


def test_loadplan_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="was not loaded"):
        run("loadplan", str(tmp_path / "no-such.yaml"))
