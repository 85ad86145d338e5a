"""Reading plan documents (.txt, .docx, .pdf) into plain text, and refusing bad files.

Every format is read from real files: those under tests/plans/documents/ (with the expected
plans beside them), .docx files built here with python-docx — Word's list numbering written
into numbering.xml — and PDFs that LibreOffice makes from them.
"""

from __future__ import annotations

import io
import pickle
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfWriter

from innoplan.plans.ingest import readers
from innoplan.plans.ingest.readers import (
    DEFAULT_MAX_BYTES,
    DocumentError,
    DocumentText,
    check_size,
    looks_like_a_plan,
    not_a_plan_error,
    read_document,
    read_document_file,
)
from innoplan.plans.ingest.schema import read_plan_file
from tests.plans.documents.make_documents import (
    CHINESE_OUTLINE,
    DOCUMENTS,
    add_instance,
    add_list,
    number,
)
from tests.seed import seed_file

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"
TEST_DOCUMENTS = [
    "city_action_plan.txt",
    "numerals_gbk.txt",
    "table_targets.docx",
    "word_list_numbering.docx",
    "ranges_action_plan.txt",
]

NEWS_ARTICLE = """\
本市举办2025年科技活动周
本报讯（记者 王晓）5月18日上午，2025年北京科技活动周在中关村国家自主创新示范区展示中心开幕。
本届活动周以“科技创新 引领未来”为主题，设置人工智能、生命健康、航空航天等展区，展出科技成果300余项。
活动周期间，全市各区将同步举办科普讲座、实验室开放日等活动500余场，预计吸引观众超过10万人次。
市民可通过官方网站预约参观，活动将持续至5月25日。
"""


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read_docx(document) -> list[str]:
    return read_document(docx_bytes(document), "plan.docx").lines


def read_test_document(name: str) -> DocumentText:
    return read_document_file(DOCUMENTS_DIR / name)


# --- .txt ----------------------------------------------------------------------------------------


def test_a_utf8_text_is_read_with_its_bom_dropped_line_endings_normalised_and_empty_lines_kept():
    data = "\ufeff一、总体要求\r\n\r\n（一）主要目标\r到2027年，高新技术企业突破1500家。\n".encode()
    document = read_document(data, "方案.txt")
    assert document == DocumentText(
        text="一、总体要求\n\n（一）主要目标\n到2027年，高新技术企业突破1500家。\n",
        format="txt",
        encoding="utf-8",
    )


def test_a_gbk_text_is_decoded():
    document = read_test_document("numerals_gbk.txt")
    assert document.encoding == "gbk"
    assert "全社会研究与试验发展经费投入强度达到百分之三点五" in document.text
    assert (DOCUMENTS_DIR / "numerals_gbk.txt").read_bytes().startswith("北京市".encode("gbk"))


def test_a_utf16_text_with_its_bom_is_decoded():
    document = read_document("一、总体要求\r\n二、重点任务".encode("utf-16"), "a.txt")
    assert (document.encoding, document.lines) == ("utf-16", ["一、总体要求", "二、重点任务"])


def test_the_bookmark_marker_of_a_converted_word_file_is_dropped():
    document = read_document("[bookmark: _GoBack]北京市通州区人民政府文件".encode(), "a.txt")
    assert document.text == "北京市通州区人民政府文件"


def test_text_that_is_neither_utf8_nor_gbk_is_refused():
    with pytest.raises(DocumentError, match="neither UTF-8 nor GBK"):
        read_document(b"\x80\x80 plan", "plan.txt")


# --- .docx: paragraphs, tables, Word's list numbering ------------------------------------------


def test_word_list_numbering_is_rendered_as_the_prefixes_a_reader_sees():
    document = docx.Document()
    outline = add_list(document, CHINESE_OUTLINE)
    for text, level in [
        ("总体要求", 0),
        ("主要目标", 1),
        ("重点任务", 0),
        ("集聚创新主体添动力", 1),
        ("强化名校院所集聚。聚焦……", 2),
        ("建设高水平研发机构。面向……", 2),
        ("构筑创新平台提效力", 1),
        ("谋划高能级创新平台。加快……", 2),
    ]:
        number(document.add_paragraph(text), outline, level)
    document.add_paragraph("一段没有编号的正文。")
    assert read_docx(document) == [
        "一、总体要求",
        "（一）主要目标",
        "二、重点任务",
        "（一）集聚创新主体添动力",
        "1.强化名校院所集聚。聚焦……",
        "2.建设高水平研发机构。面向……",
        "（二）构筑创新平台提效力",
        "1.谋划高能级创新平台。加快……",
        "一段没有编号的正文。",
    ]


def test_list_counters_follow_word_restarts_start_values_and_formats():
    document = docx.Document()
    measures = add_list(
        document, (("chineseCounting", "（%1）", 1, None), ("decimal", "%2)", 1, 0))
    )
    for title in ["加强组织领导", "创新招引路径"]:
        number(document.add_paragraph(title), measures, 0)
    # A second instance of the same list continues its count, as in Word …
    more = add_instance(document, _abstract_of(document, measures))
    number(document.add_paragraph("加大政策支持"), more, 0)
    # … unless it overrides the start, which restarts the count where it is first used.
    restarted = add_instance(document, _abstract_of(document, measures), start_overrides={0: 1})
    number(document.add_paragraph("另起一组"), restarted, 0)
    # A level that never restarts (lvlRestart 0) counts on across its parents.
    number(document.add_paragraph("子项"), restarted, 1)
    number(document.add_paragraph("第二组"), restarted, 0)
    number(document.add_paragraph("子项"), restarted, 1)
    stems = add_list(document, (("ideographTraditional", "%1、", 1, None),))
    tens = add_list(document, (("chineseCounting", "%1、", 9, None),))
    circled = add_list(document, (("decimalEnclosedCircle", "%1", 1, None),))
    chapters = add_list(document, (("chineseCountingThousand", "第%1章", 1, None),))
    for paragraphs, num_id in [(2, stems), (4, tens), (1, circled), (1, chapters)]:
        for index in range(paragraphs):
            number(document.add_paragraph(f"项{index}"), num_id, 0)
    assert read_docx(document) == [
        "（一）加强组织领导",
        "（二）创新招引路径",
        "（三）加大政策支持",
        "（一）另起一组",
        "1)子项",
        "（二）第二组",
        "2)子项",
        "甲、项0",
        "乙、项1",
        "九、项0",
        "十、项1",
        "十一、项2",
        "十二、项3",
        "① 项0",
        "第一章 项0",
    ]


def _abstract_of(document, num_id: int) -> int:
    numbering = document.part.numbering_part.element
    for num in numbering.findall(f"{{{numbering.nsmap['w']}}}num"):
        if num.get(f"{{{numbering.nsmap['w']}}}numId") == str(num_id):
            return int(num[0].get(f"{{{numbering.nsmap['w']}}}val"))
    raise AssertionError(num_id)


def test_numbering_that_comes_from_the_paragraph_style_is_rendered():
    document = docx.Document()
    for text in ["强化组织领导", "加大资金支持"]:
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("要点", style="List Bullet")  # a bullet is not a number
    assert read_docx(document) == ["1.强化组织领导", "2.加大资金支持", "要点"]


def test_table_rows_are_read_in_document_order_with_cells_joined_by_a_tab():
    lines = read_test_document("table_targets.docx").lines
    heading = lines.index("一、主要目标")
    assert lines[heading + 2 : heading + 5] == [
        "序号\t指标\t单位\t2024年基数\t2027年目标",
        "1\t人工智能核心企业\t家\t320\t500",
        "2\t人工智能核心产业规模\t亿元\t800\t1200",
    ]
    assert lines[heading + 8] == "注：表中目标值为2027年底应达到的数值。"


def test_bookmarks_field_codes_and_deleted_text_are_left_out():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml(_with_ns("<w:r><w:t>到2027年，高新技术企业突破</w:t></w:r>")))
    for xml in [
        '<w:bookmarkStart w:id="0" w:name="_GoBack"/>',
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> MERGEFIELD 目标值 </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>1500</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        '<w:bookmarkEnd w:id="0"/>',
        '<w:del w:id="1" w:author="a"><w:r><w:delText>1200</w:delText></w:r></w:del>',
        '<w:ins w:id="2" w:author="a"><w:r><w:t>家</w:t></w:r></w:ins>',
    ]:
        paragraph._p.append(parse_xml(_with_ns(xml)))
    assert read_docx(document) == ["到2027年，高新技术企业突破1500家"]


def _with_ns(xml: str) -> str:
    tag_end = xml.index(" ") if " " in xml.split(">")[0] else xml.index(">")
    return xml[:tag_end] + f" {nsdecls('w')}" + xml[tag_end:]


# --- .pdf -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """The test documents as PDFs, made by LibreOffice (the .txt ones through a .docx)."""
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice is not installed: apt-get install libreoffice-writer-nogui"
    work = tmp_path_factory.mktemp("pdf")
    sources = []
    for name in TEST_DOCUMENTS:
        source = work / (Path(name).stem + ".docx")
        if name.endswith(".txt"):
            document = docx.Document()
            for line in read_test_document(name).lines:
                if line.strip():
                    document.add_paragraph(line)
            document.save(source)
        else:
            shutil.copy(DOCUMENTS_DIR / name, source)
        sources.append(str(source))
    result = subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={(work / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            *sources,
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return {name: work / "out" / (Path(name).stem + ".pdf") for name in TEST_DOCUMENTS}


def test_a_pdf_made_from_a_word_file_reads_back_as_the_word_file_reads(pdfs):
    from_pdf = read_document_file(pdfs["word_list_numbering.docx"])
    assert from_pdf.format == "pdf" and from_pdf.pages == 2
    assert from_pdf.text == read_test_document("word_list_numbering.docx").text


@pytest.mark.parametrize(
    "name", ["city_action_plan.txt", "numerals_gbk.txt", "ranges_action_plan.txt"]
)
def test_a_pdfs_wrapped_lines_are_joined_into_the_paragraphs_of_the_text(pdfs, name):
    from_pdf = read_document_file(pdfs[name]).lines
    paragraphs = [line.strip() for line in read_test_document(name).lines if line.strip()]

    assert from_pdf == paragraphs


def test_every_target_task_and_measure_of_the_expected_plans_is_in_the_pdf_text(pdfs):
    for name in TEST_DOCUMENTS:
        if name == "table_targets.docx":
            continue  # a PDF's table is read cell by cell, not row by row
        text = read_document_file(pdfs[name]).text
        assert_plan_is_in_text(name, text)


def test_a_pdf_without_a_text_layer_is_refused_as_scanned():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(
        DocumentError, match=r"a scanned PDF with no text layer: 扫描件\.pdf"
    ) as error:
        read_document(buffer.getvalue(), "扫描件.pdf")
    assert "2 page(s)" in str(error.value)


def test_a_damaged_pdf_is_refused():
    with pytest.raises(DocumentError, match="is damaged: it cannot be read as a PDF"):
        read_document(b"%PDF-1.7\n" + b"\x00garbage" * 50, "plan.pdf")


def test_lines_join_only_when_full_open_ended_and_not_followed_by_a_number():
    full = "为" * 30
    lines = [
        "一、总体要求",
        full,
        "完。",
        full[:-1] + "。",
        "第二段。",
        full,
        "1.强化名校院所集聚。",
        "（二）短标题",
    ]
    assert readers._join_wrapped_lines(lines).split("\n") == [
        "一、总体要求",
        full + "完。",
        full[:-1] + "。",
        "第二段。",
        full,
        "1.强化名校院所集聚。",
        "（二）短标题",
    ]


def test_stray_quotation_marks_go_back_into_the_gaps_they_were_drawn_over():
    line = "高新技术企业突破1500 “ ”家，每年新增 专精特新 中小企业50家"
    assert readers._tidy_pdf_line(line) == "高新技术企业突破1500家，每年新增“专精特新”中小企业50家"
    assert readers._tidy_pdf_line("到2027 年，总规模达到30 亿元") == "到2027年，总规模达到30亿元"
    assert readers._tidy_pdf_line("1. 建设概念验证平台") == "1.建设概念验证平台"


# --- refused files -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan.txt", "plan.docx", "plan.pdf"])
@pytest.mark.parametrize("data", [b"", b" \r\n\t "])
def test_an_empty_file_is_refused(name, data):
    with pytest.raises(DocumentError, match=f"the file {name} is empty"):
        read_document(data, name)


def test_a_word_file_without_any_text_is_refused():
    with pytest.raises(DocumentError, match="contains no text"):
        read_document(docx_bytes(docx.Document()), "空白.docx")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("一、总体要求".encode(), "plan.docx", "named .docx but its content is plain text"),
        ("一、总体要求".encode(), "plan.pdf", "named .pdf but its content is plain text"),
        (b"PK\x03\x04 not really", "plan.txt", "named .txt but its content is a zip archive"),
        (b"%PDF-1.4\n", "plan.docx", "named .docx but its content is a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "plan.pdf", "named .pdf but its content is binary"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(data, name, message):
    with pytest.raises(DocumentError, match=message):
        read_document(data, name)


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DocumentError, match="is not a Word document"):
        read_document(buffer.getvalue(), "plan.docx")
    with pytest.raises(DocumentError, match=r"is damaged: it is not a readable \.docx"):
        read_document(b"PK\x03\x04" + b"\x00" * 100, "plan.docx")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("plan.doc", "old-style Word \\(.doc\\) file; save it as .docx"),
        ("plan.xlsx", "upload a .docx, .txt or .pdf file"),
        ("plan", "upload a .docx, .txt or .pdf file"),
    ],
)
def test_an_unknown_extension_is_refused_naming_the_accepted_ones(name, message):
    with pytest.raises(DocumentError, match=message):
        read_document(b"anything", name)


def test_a_100_mb_file_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch):
    huge = tmp_path / "规划.pdf"
    with huge.open("wb") as file:  # sparse: 100 MB declared, nothing written
        file.truncate(100 * 1024 * 1024)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(readers, "open", no_reading, raising=False)
    with pytest.raises(DocumentError) as error:
        read_document_file(huge, max_bytes=DEFAULT_MAX_BYTES)
    assert str(error.value).startswith("the file is 100.0 MB; the limit is 20.0 MB")


def test_check_size_refuses_a_declared_size_over_the_limit_and_allows_the_limit():
    check_size(20 * 1024 * 1024, max_bytes=20 * 1024 * 1024)
    with pytest.raises(DocumentError, match=r"the file is 100\.0 MB; the limit is 20\.0 MB"):
        check_size(100 * 1024 * 1024, max_bytes=20 * 1024 * 1024)
    with pytest.raises(DocumentError, match=r"the limit is 1\.0 MB"):
        read_document(b"x" * (1024 * 1024 + 1), "plan.txt", max_bytes=1024 * 1024)


def test_a_missing_file_is_refused():
    with pytest.raises(DocumentError, match="file not found"):
        read_document_file("/nonexistent/plan.docx")


def test_an_error_renders_in_the_readers_language_and_survives_pickling():
    error = DocumentError("the file %(name)s is empty", name="a.txt")
    assert error.render(lambda s: s.replace("the file", "文件")) == "文件 a.txt is empty"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.template, copy.params, str(copy)) == (error.template, error.params, str(error))
    with pytest.raises(DocumentError) as mismatch:
        read_document(b"%PDF-1.4", "a.txt")
    assert "【PDF】" in mismatch.value.render(lambda s: "【PDF】" if s == "a PDF" else s)


# --- not a plan ----------------------------------------------------------------------------------


def test_a_news_article_does_not_look_like_a_plan():
    error = not_a_plan_error(NEWS_ARTICLE)
    assert error is not None and not looks_like_a_plan(NEWS_ARTICLE)
    assert str(error).startswith(
        "this does not look like a plan: no 目标 (targets), 任务 (tasks) or 措施 (measures) "
        "and no numbered chapters"
    )


def test_a_text_that_speaks_of_targets_but_has_no_chapters_does_not_look_like_a_plan():
    text = "会议强调，要确保完成全年目标任务，各项措施落实到位。"
    assert str(not_a_plan_error(text)).startswith(
        "this does not look like a plan: no numbered chapters"
    )


def test_the_seed_plan_and_every_test_document_look_like_plans():
    assert looks_like_a_plan(read_document_file(seed_file("000_8890667eab5c8e20.txt")).text)
    for name in TEST_DOCUMENTS:
        assert not_a_plan_error(read_test_document(name).text) is None, name


# --- the test documents and their expected plans --------------------------------------------


def assert_plan_is_in_text(name: str, text: str) -> None:
    plan = read_plan_file(DOCUMENTS_DIR / (Path(name).stem + ".yaml"))
    assert plan.header.title in text and plan.header.doc_number in text, name
    for target in plan.all_targets():
        assert target.text in text, (name, target.text)
    lines = text.split("\n")
    for section in plan.sections:
        assert any(line.endswith(section.title) for line in lines), (name, section.title)
        for task in section.tasks:
            assert f"\n{task.number}.{task.title}。" in text, (name, task.number)
    for measure in plan.measures:
        assert any(measure.title in line[:20] for line in lines), (name, measure.title)


@pytest.mark.parametrize("name", TEST_DOCUMENTS)
def test_each_expected_plan_is_valid_and_quotes_its_document(name):
    assert_plan_is_in_text(name, read_test_document(name).text)


def test_the_test_documents_have_the_promised_shape():
    counts = {}
    for name in TEST_DOCUMENTS:
        plan = read_plan_file(DOCUMENTS_DIR / (Path(name).stem + ".yaml"))
        targets = len(plan.all_targets())
        sections = len(plan.sections)
        tasks = [len(section.tasks) for section in plan.sections]
        assert 3 <= targets <= 8 and sections == 2 and all(2 <= t <= 3 for t in tasks), name
        assert 2 <= len(plan.measures) <= 3, name
        counts[name] = targets
    assert sum(counts.values()) == 27


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_committed_word_files_are_what_the_generator_makes(name):
    made = read_document(DOCUMENTS[name](), name)
    assert made.text == read_test_document(name).text


# --- properties ----------------------------------------------------------------------------------

_VALUES = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def _read_chinese(numeral: str) -> int:
    total = digit = 0
    for character in numeral:
        if character in _UNITS:
            total += (digit or 1) * _UNITS[character]
            digit = 0
        else:
            digit = _VALUES[character]
    return total + digit


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_counting_thousand_reads_back_as_the_number(n):
    numeral = readers._FORMATS["chineseCountingThousand"](n)
    assert _read_chinese(numeral) == n
    assert not numeral.startswith("一十")  # 十一, never 一十一
    assert "零零" not in numeral and not numeral.endswith("零")


@given(st.integers(min_value=1, max_value=99))
def test_chinese_counting_agrees_with_counting_thousand_below_a_hundred(n):
    assert readers._FORMATS["chineseCounting"](n) == readers._FORMATS["chineseCountingThousand"](n)
