"""The Chinese catalogue: every message translated, the committed .mo in step with the .po,
and the 作战图 in Chinese by default, in English when the user asks for it."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from innoplan.plans.choices import PeriodKind, ReviewStatus
from innoplan.plans.models import ReportedValue, period_end

MESSAGES = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO, MO = MESSAGES / "django.po", MESSAGES / "django.mo"
HOME = reverse("dashboard:home")
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] | None = None  # plural index (0 for a singular entry) -> text
    flags: tuple[str, ...] = ()


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""). A small reader for the subset
    of the format that makemessages writes: flags, msgctxt, msgid[_plural], msgstr[n]."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, field, flags = Entry(msgstr={}), None, []
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
                continue
            if line.startswith("#"):
                continue
            keyword, _, rest = line.partition(" ")
            if line.startswith('"'):
                text = ast.literal_eval(line)
            else:
                field, text = keyword, ast.literal_eval(rest)
            if field.startswith("msgstr"):
                index = int(field[7:-1]) if field.startswith("msgstr[") else 0
                entry.msgstr[index] = entry.msgstr.get(index, "") + text
            else:
                setattr(entry, field, (getattr(entry, field) or "") + text)
        if field is not None:
            entry.flags = tuple(flags)
            entries.append(entry)
    return entries


def messages() -> list[Entry]:
    return [entry for entry in read_po(PO) if entry.msgid]


def name(entry: Entry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


# --- the catalogue ----------------------------------------------------------------------------


def test_the_catalogue_is_the_simplified_chinese_one_with_one_plural_form():
    header = read_po(PO)[0]
    assert header.msgid == ""
    assert "Language: zh_Hans\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert "@" not in header.msgstr[0]  # no translator's e-mail address


def test_there_are_messages_to_check():
    assert len(messages()) > 200


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [name(e) for e in messages() if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [name(e) for e in messages() if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_fill_their_single_chinese_form():
    for entry in messages():
        if entry.msgid_plural is not None:
            assert set(entry.msgstr) == {0}, name(entry)


def test_translations_keep_the_placeholders():
    for entry in messages():
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == expected, name(entry)


def test_the_compiled_catalogue_is_in_step_with_the_po_file():
    """Run `innoplan compilemessages` in src/innoplan after editing the .po file."""
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = []
    for entry in messages():
        if entry.msgid_plural is not None:
            shown = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        elif entry.msgctxt is not None:
            shown = compiled.pgettext(entry.msgctxt, entry.msgid)
        else:
            shown = compiled.gettext(entry.msgid)
        if shown != entry.msgstr[0]:
            stale.append(name(entry))
    assert stale == []
    # Nothing in the .mo that the .po no longer has (keys: msgid, ctx\x04msgid, (msgid, n)).
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in compiled._catalog}
    po_ids = {f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid for e in messages()}
    assert compiled_ids - {""} == po_ids


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def lagging_history(indicator_of_a, plan_owner):
    """高新技术企业 with two approved figures far below its path: a 需月均新增 fact appears."""
    day = date.today().replace(day=1)
    for value in (620, 600):
        day = (day - timedelta(days=1)).replace(day=1)
        ReportedValue.objects.create(
            indicator=indicator_of_a,
            period_kind=PeriodKind.MONTH,
            period_start=day,
            period_end=period_end(PeriodKind.MONTH, day),
            value=Decimal(value),
            status=ReviewStatus.APPROVED,
            submitted_by=plan_owner,
            reviewed_by=plan_owner,
        )
    return indicator_of_a


CHINESE = ["作战图", "数据截至", "已达标", "正常", "滞后", "严重滞后", "暂无数据", "需月均新增"]
CHINESE += ["重点任务", "牵头单位", "配合单位", "区领导", "退出登录"]
ENGLISH = ["Dashboard", "Figures as of", "Achieved", "On track", "Severely lagging", "No data"]
ENGLISH += ["Needed per month", "Key tasks", "Co-operating", "District leader", "Log out"]


def test_the_dashboard_is_chinese_by_default(client, leader, plan, lagging_history):
    client.force_login(leader)
    html = client.get(HOME).content.decode()
    assert '<html lang="zh-hans">' in html
    for label in CHINESE:
        assert label in html, label
    for label in ENGLISH:
        assert f">{label}<" not in html, label


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, leader, plan):
    client.force_login(leader)
    html = client.get(HOME, headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "作战图" in html


@pytest.mark.parametrize("how", ["cookie", "set_language"])
def test_the_dashboard_is_english_when_asked(client, leader, plan, lagging_history, how):
    client.force_login(leader)
    headers = {}
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    else:
        client.post(reverse("set_language"), {"language": "en", "next": HOME})
    html = client.get(HOME, headers=headers).content.decode()
    assert '<html lang="en">' in html
    for label in ENGLISH:
        assert label in html, label
    for label in ["已达标", "严重滞后", "需月均新增", "数据截至"]:
        assert label not in html, label


def test_a_chinese_accept_language_gets_chinese(client, leader, plan):
    client.force_login(leader)
    html = client.get(HOME, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "作战图" in html
