"""Make the .docx test documents of plan ingestion, so that they can be made again.

    .venv/bin/python tests/plans/documents/make_documents.py

writes, beside this script:

- ``table_targets.docx`` — a plan whose targets are rows of a table (指标 | 单位 | 2024年基数 |
  2027年目标), its chapters and tasks numbered in the text;
- ``word_list_numbering.docx`` — a plan whose chapter, section, task and measure numbers are
  Word's automatic list numbering (numbering.xml), not text: 一、 （一） 1. as Word shows them.

The expected plans are written by hand beside them (``*.yaml``). The helpers that write Word
list definitions (:func:`add_list`, :func:`number`) are used by the reader tests as well.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

HERE = Path(__file__).resolve().parent

# One level of a Word list: (numFmt, lvlText, start, lvlRestart or None for Word's default).
Level = tuple[str, str, int, int | None]

# The numbering of Chinese government documents: 一、 then （一） then 1.
CHINESE_OUTLINE: tuple[Level, ...] = (
    ("chineseCounting", "%1、", 1, None),
    ("chineseCounting", "（%2）", 1, None),
    ("decimal", "%3.", 1, None),
)


def add_list(document, levels: tuple[Level, ...], *, start_overrides=None) -> int:
    """Write an abstract list and an instance of it into the numbering part; its numId.

    ``start_overrides`` ({level: start}) restarts levels where the instance is first used.
    """
    numbering = document.part.numbering_part.element
    abstract_ids = [
        int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))
    ]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1
    xml_levels = []
    for ilvl, (fmt, text, start, restart) in enumerate(levels):
        restart_xml = f'<w:lvlRestart w:val="{restart}"/>' if restart is not None else ""
        xml_levels.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'{restart_xml}<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="0" w:firstLine="{640 if ilvl else 0}"/></w:pPr></w:lvl>'
        )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(xml_levels)}</w:abstractNum>'
    )
    # The schema wants every w:abstractNum before the first w:num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return add_instance(document, abstract_id, num_id=num_id, start_overrides=start_overrides)


def add_instance(document, abstract_id: int, *, num_id=None, start_overrides=None) -> int:
    """Another instance (w:num) of an abstract list, optionally restarting levels; its numId."""
    numbering = document.part.numbering_part.element
    if num_id is None:
        num_id = max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0)
        num_id += 1
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        for ilvl, start in (start_overrides or {}).items()
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f"{overrides}</w:num>"
        )
    )
    return num_id


def number(paragraph, num_id: int, level: int) -> None:
    """Number ``paragraph`` with list ``num_id`` at ``level`` (0-based), as Word does."""
    properties = paragraph._p.get_or_add_pPr()
    properties.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def _header(document, lines: list[str]) -> None:
    for line in lines:
        document.add_paragraph(line)


def table_targets() -> bytes:
    document = docx.Document()
    _header(
        document,
        [
            "北京经济技术开发区管理委员会文件",
            "",
            "京技管〔2025〕21号",
            "",
            "北京经济技术开发区管理委员会关于印发《北京经济技术开发区人工智能产业创新发展"
            "行动方案（2025—2027年）》的通知",
            "区属各部门，各街道，各有关单位：",
            "现将《北京经济技术开发区人工智能产业创新发展行动方案（2025—2027年）》印发给你们，"
            "请认真贯彻落实。",
            "",
            "北京经济技术开发区管理委员会",
            "2025年4月28日",
            "",
            "北京经济技术开发区人工智能产业创新发展行动方案（2025—2027年）",
            "为抢抓人工智能发展机遇，打造具有全球影响力的人工智能产业高地，制定本行动方案。",
            "一、主要目标",
            "到2027年，人工智能产业规模和创新能力显著提升，主要指标如下表所示。",
        ],
    )
    rows = [
        ("序号", "指标", "单位", "2024年基数", "2027年目标"),
        ("1", "人工智能核心企业", "家", "320", "500"),
        ("2", "人工智能核心产业规模", "亿元", "800", "1200"),
        ("3", "市级及以上人工智能创新平台", "个", "25", "≥40"),
        ("4", "规模以上企业研发投入强度", "%", "4.2", "5左右"),
        ("5", "人工智能领域发明专利授权量", "件", "1500", "3000以上"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    _header(
        document,
        [
            "注：表中目标值为2027年底应达到的数值。",
            "二、重点任务",
            "（一）夯实产业创新基础",
            "1.建设算力基础设施。统筹布局智能算力中心，推动算力资源统一调度，为企业提供普惠算力"
            "服务。",
            "2.开放高质量数据集。围绕智能制造、医药健康等领域建设行业数据集，依法有序开放公共数据。",
            "（二）推动产业集聚发展",
            "3.培育领军企业。支持人工智能企业开展大模型研发和行业应用，培育一批具有核心竞争力的"
            "领军企业。",
            "4.拓展应用场景。每年发布人工智能应用场景清单，推动人工智能在工业制造、城市治理等"
            "领域规模化应用。",
            "5.建设创新平台。支持企业联合高校院所建设人工智能创新平台，开展关键技术攻关。",
            "三、保障措施",
            "（一）强化组织保障。成立人工智能产业发展工作专班，统筹推进各项任务。",
            "（二）加大资金投入。设立人工智能产业专项资金，对重点项目给予支持。",
            "（三）优化人才服务。在落户、住房、子女教育等方面为人工智能人才提供服务保障。",
        ],
    )
    return _save(document)


def word_list_numbering() -> bytes:
    document = docx.Document()
    _header(
        document,
        [
            "北京市昌平区人民政府文件",
            "昌政发〔2025〕7号",
            "北京市昌平区人民政府关于印发《昌平区生物医药产业创新发展实施方案（2025—2027年）》"
            "的通知",
            "各镇人民政府，各街道办事处，区政府各委、办、局：",
            "现将《昌平区生物医药产业创新发展实施方案（2025—2027年）》印发给你们，请认真组织实施。",
            "北京市昌平区人民政府",
            "2025年5月16日",
            "昌平区生物医药产业创新发展实施方案（2025—2027年）",
            "为加快建设国际一流的生物医药创新高地，制定本实施方案。",
        ],
    )
    # Chapters and sections are one outline list (（一） restarts in each chapter); tasks are a
    # list of their own, so that they count 1–5 on through the sections, as in the seed plan.
    outline = add_list(document, CHINESE_OUTLINE[:2])
    tasks = add_list(document, (("decimal", "%1.", 1, None),))

    def add(text: str, level: int | None = None) -> None:
        paragraph = document.add_paragraph(text)
        if level == 2:
            number(paragraph, tasks, 0)
        elif level is not None:
            number(paragraph, outline, level)

    add("总体要求", 0)
    add("指导思想", 1)
    add("坚持创新驱动、链式发展，聚焦创新药、高端医疗器械和细胞与基因治疗，构建全链条创新生态。")
    add("主要目标", 1)
    add(
        "到2027年，生物医药产业创新能级显著提升。生物医药产业规模突破1000亿元，"
        "获批上市创新药和创新医疗器械达到30个，每年新增临床试验项目100项以上，"
        "研究型病房达到8个。"
    )
    add("重点任务", 0)
    add("加快创新成果转化", 1)
    add("建设概念验证平台。支持高校院所和医疗机构建设生物医药概念验证平台，加速早期成果熟化。", 2)
    add("完善临床试验服务。推动医疗机构建设研究型病房，缩短临床试验启动时间。", 2)
    add("壮大产业发展集群", 1)
    add("引育龙头企业。面向全球引进生物医药龙头企业区域总部和研发中心。", 2)
    add("建设专业园区。高标准建设生物医药专业园区，提供定制厂房和共享实验室。", 2)
    add("强化金融支持。设立生物医药产业基金，撬动社会资本投向早期项目。", 2)
    add("保障措施", 0)
    add("加强组织领导", 1)
    add("成立区生物医药产业发展领导小组，统筹推进重大事项。")
    add("加大政策支持", 1)
    add("制定生物医药产业专项政策，对关键环节给予资金支持。")
    add("优化营商环境", 1)
    add("深化审评审批服务，为企业提供全生命周期服务。")
    return _save(document)


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCUMENTS = {
    "table_targets.docx": table_targets,
    "word_list_numbering.docx": word_list_numbering,
}


def main() -> None:
    for name, make in DOCUMENTS.items():
        (HERE / name).write_bytes(make())
        print(HERE / name)


if __name__ == "__main__":
    main()
