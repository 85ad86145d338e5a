"""``innoplan report quarterly|supervision``: the files it writes and the errors it gives;
and LibreOffice opens both reports (converts them to PDF)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from innoplan.reports import housestyle
from tests.reports.conftest import all_text, open_docx, table_rows

pytestmark = pytest.mark.django_db


def test_the_commands_write_both_reports_and_libreoffice_converts_them_to_pdf(
    report_scene, tmp_path, capsys
):
    quarterly, circular = tmp_path / "季度报告.docx", tmp_path / "督办通报.docx"
    call_command("report", "quarterly", "--quarter", "2026Q3", "--output", str(quarterly))
    call_command("report", "supervision", "--as-of", "2026-09-30", "--output", str(circular))
    out = capsys.readouterr().out
    assert "2026Q3 (as of 2026-09-30)" in out and str(circular) in out

    document = open_docx(quarterly.read_bytes())
    overdue = table_rows(document.tables[-1])[1:]
    assert [(row[1], row[4]) for row in overdue] == [
        (report_scene.overdue.title, "20"),
        (report_scene.overdue_b.title, "5"),
    ]
    assert report_scene.overdue_b.title in all_text(open_docx(circular.read_bytes()))

    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice is not installed: apt-get install libreoffice-writer-nogui"
    out_dir = tmp_path / "pdf"
    result = subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(quarterly),
            str(circular),
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    for name in ("季度报告.pdf", "督办通报.pdf"):
        pdf = out_dir / name
        assert pdf.exists(), result.stdout.decode(errors="replace")
        assert pdf.read_bytes().startswith(b"%PDF")


def test_the_fontconfig_rules_are_written_for_the_server(tmp_path, capsys):
    call_command("report", "fontconfig")
    printed = capsys.readouterr().out
    assert "<family>仿宋_GB2312</family>" in printed and "Noto Serif CJK SC" in printed
    output = tmp_path / "30-innoplan-gbt9704.conf"
    call_command("report", "fontconfig", "--output", str(output))
    assert output.read_text(encoding="utf-8") == housestyle.fontconfig_fallbacks()


def test_libreoffice_renders_the_gbt_9704_fonts_with_noto_cjk_where_they_are_missing(
    plan, tmp_path
):
    """With the fallback rules (and none of the GB/T 9704 fonts installed, as here), the body
    and headings come out in Noto Serif CJK, 黑体 in Noto Sans CJK: not one face for all."""
    report = tmp_path / "季度报告.docx"
    call_command("report", "quarterly", "--quarter", "2026Q3", "--output", str(report))
    rules = tmp_path / "30-innoplan-gbt9704.conf"
    call_command("report", "fontconfig", "--output", str(rules))
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"<fontconfig><include>{rules}</include>"
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include></fontconfig>\n',
        encoding="utf-8",
    )
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice is not installed: apt-get install libreoffice-writer-nogui"
    result = subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(report),
        ],
        capture_output=True,
        timeout=120,
        env=os.environ | {"FONTCONFIG_FILE": str(config)},
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    pdf = PdfReader(tmp_path / "季度报告.pdf")
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in pdf.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.startswith("NotoSerifCJK") for name in fonts), fonts
    assert any(name.startswith("NotoSansCJK") for name in fonts), fonts


def test_the_circular_is_taken_today_without_a_date(plan, plan_owner, tmp_path):
    output = tmp_path / "circular.docx"
    with translation.override("en"):
        call_command("report", "supervision", "--output", str(output))
    assert "no milestone is overdue" in all_text(open_docx(output.read_bytes()))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["quarterly", "--quarter", "2026Q5"], "--quarter: '2026Q5' is not a quarter"),
        (["quarterly", "--quarter", "Q3"], "expected a year and a quarter, as 2026Q3"),
        (["supervision", "--as-of", "2026-02-30"], "--as-of '2026-02-30': expected a date"),
    ],
)
def test_it_refuses_a_bad_quarter_or_date(plan, tmp_path, arguments, message):
    output = tmp_path / "report.docx"
    with pytest.raises(CommandError, match=message):
        call_command("report", *arguments, "--output", str(output))
    assert not output.exists()


def test_it_refuses_a_path_it_cannot_write(plan, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "report",
            "quarterly",
            "--quarter",
            "2026Q3",
            "--output",
            str(tmp_path / "no" / "r.docx"),
        )
    with pytest.raises(CommandError, match="is a folder"):
        call_command("report", "supervision", "--output", str(tmp_path))


def test_it_says_so_when_no_plan_is_loaded(db, tmp_path):
    with pytest.raises(CommandError, match="No plan is loaded"):
        call_command(
            "report", "quarterly", "--quarter", "2026Q3", "--output", str(tmp_path / "r.docx")
        )
