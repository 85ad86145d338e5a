"""Every innoplan command that prints ``--format json`` prints Chinese as Chinese: a clerk
piping it into a file or a script reads 高新技术企业, not \\u9ad8\\u65b0…

The commands are found by their ``--format`` option, so a new one fails here until it is
given an invocation below."""

from __future__ import annotations

import argparse
import contextlib
import io
import re

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.utils import translation

from tests.seed import seed_file

pytestmark = pytest.mark.django_db

ESCAPED = re.compile(r"\\u[0-9a-fA-F]{4}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _json_formats(parser: argparse.ArgumentParser, path: tuple[str, ...]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _json_formats(sub, (*path, name))
        elif "--format" in action.option_strings and "json" in (action.choices or ()):
            yield " ".join(path)


def json_commands() -> set[str]:
    found = set()
    for name, app in get_commands().items():
        if app.startswith("innoplan"):
            command = load_command_class(app, name)
            found.update(_json_formats(command.create_parser("innoplan", name), (name,)))
    return found


def _plan_document(tmp_path):
    return [str(seed_file("000_8890667eab5c8e20.txt")), "--format", "json"]


def _not_a_spreadsheet(tmp_path):
    path = tmp_path / "机构名单.xlsx"
    path.write_bytes("这不是电子表格".encode())
    return str(path)


INVOCATIONS = {
    "metrics": lambda tmp_path, plan_owner: ["metrics", "--format", "json"],
    "plan parse": lambda tmp_path, plan_owner: ["plan", "parse", *_plan_document(tmp_path)],
    "import": lambda tmp_path, plan_owner: [
        "import",
        "organisations",
        _not_a_spreadsheet(tmp_path),
        "--dry-run",
        "--format",
        "json",
    ],
    "import-milestones": lambda tmp_path, plan_owner: [
        "import-milestones",
        _not_a_spreadsheet(tmp_path),
        "--dry-run",
        "--user",
        plan_owner.username,
        "--format",
        "json",
    ],
    "workdays add": lambda tmp_path, plan_owner: [
        "workdays",
        "add",
        "2026-09-30",
        "1",
        "--format",
        "json",
    ],
}


def test_every_json_command_has_an_invocation_here():
    assert json_commands() == set(INVOCATIONS)


@pytest.mark.parametrize("command", sorted(INVOCATIONS))
def test_json_output_keeps_chinese_unescaped(command, tmp_path, plan, plan_owner):
    out = io.StringIO()
    # A report with errors, or a refused file, exits non-zero: still printed as JSON.
    with translation.override("zh-hans"), contextlib.suppress(SystemExit):
        call_command(*INVOCATIONS[command](tmp_path, plan_owner), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert CHINESE.search(text), text[:500]
    assert not ESCAPED.search(text), ESCAPED.search(text).group(0)
