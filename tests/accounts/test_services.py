"""Departments and towns from YAML: validated entry by entry, loaded all or nothing, idempotent."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from innoplan.accounts.choices import DepartmentKind
from innoplan.accounts.models import Department
from innoplan.accounts.services import departments_load, read_departments_file

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "src/innoplan/accounts/fixtures/departments.yaml"
ENTRIES = [
    {"code": "science", "name": "区科委", "kind": "department"},
    {"code": "songzhuang", "name": "宋庄镇", "kind": "town"},
    {"code": "beiyuan", "name": "北苑街道", "kind": "street"},
]


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "departments.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def snapshot():
    return list(Department.objects.order_by("code").values_list("code", "name", "kind", "position"))


def command(*args) -> str:
    out = StringIO()
    call_command("loaddepartments", *args, stdout=out)
    return out.getvalue()


def test_departments_are_created_in_file_order():
    assert departments_load(entries=ENTRIES) == (3, 0)
    assert list(Department.objects.values_list("code", "kind", "position")) == [
        ("science", DepartmentKind.DEPARTMENT, 1),
        ("songzhuang", DepartmentKind.TOWN, 2),
        ("beiyuan", DepartmentKind.STREET, 3),
    ]


def test_loading_the_same_entries_again_changes_nothing():
    departments_load(entries=ENTRIES)
    stamps = list(Department.objects.order_by("code").values_list("updated", flat=True))
    assert departments_load(entries=ENTRIES) == (0, 0)
    assert list(Department.objects.order_by("code").values_list("updated", flat=True)) == stamps


def test_a_changed_entry_updates_the_department_in_place():
    departments_load(entries=ENTRIES)
    science = Department.objects.get(code="science")
    renamed = [{**ENTRIES[0], "name": "区科学技术委员会"}, *ENTRIES[1:]]
    assert departments_load(entries=renamed) == (0, 1)
    assert Department.objects.count() == 3
    science.refresh_from_db()
    assert science.name == "区科学技术委员会"


def test_a_reordered_file_moves_departments_without_creating_any():
    departments_load(entries=ENTRIES)
    assert departments_load(entries=list(reversed(ENTRIES))) == (0, 2)
    assert list(Department.objects.values_list("code", flat=True)) == [
        "beiyuan",
        "songzhuang",
        "science",
    ]


def test_a_department_left_out_of_the_file_is_kept():
    departments_load(entries=ENTRIES)
    departments_load(entries=ENTRIES[:1])
    assert Department.objects.count() == 3


def test_the_kind_defaults_to_a_district_department(tmp_path):
    entries = read_departments_file(write(tmp_path, "- {code: finance, name: 区财政局}\n"))
    departments_load(entries=entries)
    assert Department.objects.get().kind == DepartmentKind.DEPARTMENT


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- {code: Science, name: 区科委}\n", "entry 1: code 'Science' must be lowercase ASCII"),
        ("- {code: 科委, name: 区科委}\n", "entry 1: code '科委' must be lowercase ASCII"),
        (f"- {{code: {'x' * 31}, name: 区科委}}\n", "must be lowercase ASCII, at most 30"),
        ("- {name: 区科委}\n", "entry 1: code None must be"),
        (
            "- {code: science, name: 区科委}\n- {code: science, name: 区财政局}\n",
            "entry 2: code 'science' appears twice",
        ),
        (
            "- {code: science, name: 区科委}\n- {code: finance, name: 区科委}\n",
            "entry 2: name '区科委' appears twice",
        ),
        (
            "- {code: science, name: 区科委}\n- {code: bad, name: 部委, kind: ministry}\n",
            "entry 2: kind 'ministry' is not one of department, street, town, zone",
        ),
        ("- {code: science, name: '  '}\n", "entry 1: name is missing"),
        ("- {code: science, name: 区科委, head: 张三}\n", "entry 1: expected {code, name, kind}"),
        ("- science\n", "entry 1: expected {code, name, kind}"),
        ("- {code: [a, b], name: 区科委}\n", "entry 1: code ['a', 'b'] must be"),
        ("science: 区科委\n", "expected a list of departments"),
        ("", "expected a list of departments"),
        ("- {code: science, name: [区科委\n", "departments.yaml"),
    ],
)
def test_a_bad_file_names_the_entry_and_the_problem(tmp_path, text, problem):
    with pytest.raises(ValidationError) as caught:
        read_departments_file(write(tmp_path, text))
    assert any(problem in message for message in caught.value.messages), caught.value.messages


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    text = (
        "- {code: science, name: 区科委}\n"
        "- {code: Bad, name: 区财政局}\n"
        "- {code: science, name: 区教委}\n"
        "- {code: nowhere, name: 某局, kind: county}\n"
    )
    with pytest.raises(ValidationError) as caught:
        read_departments_file(write(tmp_path, text))
    assert [m.split(": ")[1] for m in caught.value.messages] == ["entry 2", "entry 3", "entry 4"]


def test_a_bad_file_changes_nothing(tmp_path):
    departments_load(entries=ENTRIES)
    before = snapshot()
    bad = write(
        tmp_path,
        "- {code: science, name: 区科学技术委员会}\n- {code: finance, name: 区财政局, kind: x}\n",
    )
    with pytest.raises(CommandError, match=r"entry 2: kind 'x'"):
        command(str(bad))
    assert snapshot() == before


def test_a_load_that_fails_part_way_is_rolled_back():
    departments_load(entries=ENTRIES)
    before = snapshot()
    # The file itself is fine, but 北苑街道 is already the name of another code.
    clash = [
        {"code": "science", "name": "区科学技术委员会"},
        {"code": "beiyuan-2", "name": "北苑街道", "kind": "street"},
    ]
    with pytest.raises(ValidationError):
        departments_load(entries=clash)
    assert snapshot() == before


def test_the_shipped_list_loads_every_department_town_and_street():
    entries = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert read_departments_file(SHIPPED) == entries
    assert departments_load(entries=entries) == (len(entries), 0)
    assert Department.objects.get(code="science").name == "区科委"
    kinds = set(Department.objects.values_list("kind", flat=True))
    assert {DepartmentKind.DEPARTMENT, DepartmentKind.TOWN, DepartmentKind.STREET} <= kinds


def test_the_command_loads_the_shipped_list_and_prints_counts():
    total = len(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))
    assert command().strip() == f"departments: {total} created, 0 updated"
    assert Department.objects.count() == total
    assert command().strip() == "departments: 0 created, 0 updated"


def test_the_command_loads_a_named_file(tmp_path):
    path = write(tmp_path, yaml.safe_dump(ENTRIES, allow_unicode=True))
    assert command(str(path)).strip() == "departments: 3 created, 0 updated"
    path.write_text(
        yaml.safe_dump(
            [{**ENTRIES[0], "name": "区科学技术委员会"}, *ENTRIES[1:]], allow_unicode=True
        ),
        encoding="utf-8",
    )
    assert command(str(path)).strip() == "departments: 0 created, 1 updated"


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"no-such\.yaml"):
        command(str(tmp_path / "no-such.yaml"))
    assert not Department.objects.exists()
