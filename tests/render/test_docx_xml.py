"""The Word table written as text is the table python-docx writes cell by cell.

The reference is python-docx's own API (``add_table``, widths, ``paragraph.style``,
``add_run``, ``bold``, ``font.size``, ``font.superscript``, ``keep_with_next``,
``left_indent``), as :mod:`painresponse.render.docx` used it before the table was written
in one piece: the two must give the same markup, element for element.
"""

from __future__ import annotations

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Cm, Pt
from lxml import etree

from painresponse.render._docx_xml import CellText, table_xml

STYLE = "Table text"
WIDTHS_CM = [4.2, 2.5, 2.5, 1.9]
INDENT_CM = 0.35


def _rows() -> list[list[CellText]]:
    indent = Cm(INDENT_CM).twips
    return [
        [CellText("", bold=True)]
        + [CellText(t, bold=True, centre=True) for t in ("Responder", "Non-responder", "P")],
        [CellText("Sex")] + [CellText("", centre=True)] * 2 + [CellText("0.801", True, True)],
        [CellText("Male", indent=indent), CellText("20 (48.8)", centre=True),
         CellText(" 1 & <2> ", centre=True), CellText("0.03", centre=True, marker="b")],
        [CellText("Female-only--x-", indent=indent), CellText("-", centre=True),
         CellText("a  b", centre=True), CellText("—", centre=True, marker="c")],
    ]  # fmt: skip


def _with_python_docx(rows: list[list[CellText]], keep: list[bool]) -> bytes:
    """The table as python-docx writes it, one call per property."""
    document = Document()
    document.styles.add_style(STYLE, WD_STYLE_TYPE.PARAGRAPH)
    grid = document.add_table(rows=len(rows), cols=len(WIDTHS_CM))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, WIDTHS_CM, strict=True):
        column.width = Cm(width)
    for row, cells in zip(grid.rows, rows, strict=True):
        for cell, text, width in zip(row.cells, cells, WIDTHS_CM, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.style = STYLE
            if text.centre:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if text.indent:
                paragraph.paragraph_format.left_indent = Cm(INDENT_CM)
            run = paragraph.add_run()
            for index, piece in enumerate(text.text.split("-")):
                if index:
                    run._r.append(OxmlElement("w:noBreakHyphen"))
                if piece:
                    run._r.add_t(piece)
            run.font.size = Pt(9)
            run.bold = text.bold
            if text.marker:
                sup = paragraph.add_run(text.marker)
                sup.font.size = Pt(9)
                sup.font.superscript = True
            cell.width = Cm(width)
    rules = [(grid.rows[0], {"top": 12, "bottom": 6}), (grid.rows[-1], {"bottom": 12})]
    for row, edges in rules:
        for cell in row.cells:
            tc_pr = cell._tc.get_or_add_tcPr()
            borders = tc_pr.find(qn("w:tcBorders"))
            if borders is None:
                borders = OxmlElement("w:tcBorders")
                tc_pr.append(borders)
            for edge, eighths in edges.items():
                element = OxmlElement(f"w:{edge}")
                for name, value in (("val", "single"), ("sz", str(eighths)), ("space", "0"),
                                    ("color", "000000")):  # fmt: skip
                    element.set(qn(f"w:{name}"), value)
                borders.append(element)
    for index, (row, keep_row) in enumerate(zip(grid.rows, keep, strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if index == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = keep_row
    return _canonical(grid._tbl)


def _written(rows: list[list[CellText]], keep: list[bool]) -> bytes:
    widths = [Cm(w).twips for w in WIDTHS_CM]
    text = table_xml(rows, widths, keep, style_id="Tabletext", size=18)
    return _canonical(parse_xml(text))


def _canonical(element: etree._Element) -> bytes:
    """Exclusive canonical XML: only the namespaces used, whatever the document declares."""
    return etree.tostring(element, method="c14n", exclusive=True)


@pytest.mark.parametrize("keep", [[True] * 4, [True, False, True, False], [False] * 4])
def test_same_markup_as_python_docx(keep: list[bool]) -> None:
    rows = _rows()
    assert _written(rows, keep) == _with_python_docx(rows, keep)


def test_a_header_only_table_has_all_three_rules() -> None:
    rows = _rows()[:1]
    assert _written(rows, [False]) == _with_python_docx(rows, [False])
    borders = parse_xml(_written(rows, [False])).find(f".//{qn('w:tcBorders')}")
    assert [e.tag.split("}")[1] for e in borders] == ["top", "bottom", "bottom"]


def test_markup_details() -> None:
    tbl = parse_xml(_written(_rows(), [True, True, True, False]))
    texts = [t.text for t in tbl.iter(qn("w:t"))]
    assert " 1 & <2> " in texts  # escaped in the markup, intact once parsed
    spaced = next(t for t in tbl.iter(qn("w:t")) if t.text == " 1 & <2> ")
    assert spaced.get(qn("xml:space")) == "preserve"
    superscripts = tbl.findall(f".//{qn('w:vertAlign')}")
    assert [s.get(qn("w:val")) for s in superscripts] == ["superscript"] * 2
    assert len(tbl.findall(f".//{qn('w:tblHeader')}")) == 1
    assert len(tbl.findall(f".//{qn('w:cantSplit')}")) == 4
