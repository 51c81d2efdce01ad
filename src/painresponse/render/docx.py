"""The Word report: methods, flow diagram, Tables 1–5 as journal three-line tables, figures.

Three-line tables (top rule, rule under the header, bottom rule, no vertical lines) are
what most clinical journals print. The header row repeats on every page (``w:tblHeader``),
rows never break across pages (``w:cantSplit``), and "keep with next" holds a table
together on one page when it fits (else each variable's header with its levels). Wide
tables (``later vs. earlier`` cells) get a landscape section of their own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.render._layout import (
    cell_parts,
    is_wide,
    row_label,
    study_title,
    table_caption,
    variable_blocks,
)
from painresponse.render.format import TYPESET, FormatOptions, column_header

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table as DocxTable
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

    from painresponse.render.figures import RenderedFigure
    from painresponse.result import StudyResult
    from painresponse.tables.model import Table

__all__ = ["write_docx"]

FONT = "Arial"
BODY_PT = 10
TABLE_PT = 9
NOTE_PT = 8
PAGE_W_CM, PAGE_H_CM, MARGIN_CM = 21.0, 29.7, 2.0
LABEL_CM = 4.6
PVALUE_CM = 1.8
LEVEL_INDENT_CM = 0.35
#: Tables with at most this many rows are kept on one page as a whole.
KEEP_WHOLE_ROWS = 32
TABLE_STYLE = "Table text"
#: ``(n = 41)`` must not wrap inside: no-break spaces around the equals sign.
_NBSP = "\u00a0"


def write_docx(
    result: StudyResult,
    path: str | Path,
    options: FormatOptions = TYPESET,
    rendered: Sequence[RenderedFigure] | None = None,
) -> Path:
    """Write the study report as a Word document.

    Parameters
    ----------
    result : StudyResult
        The analysis to report.
    path : str or Path
        The ``.docx`` file to write (its directory must exist).
    options : FormatOptions
        Number formatting; the default writes a real minus sign.
    rendered : sequence of RenderedFigure, optional
        Figures already drawn by :func:`painresponse.render.figures.render_figures`.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Order: title, statistical methods, Figure 1 (flow of patients), Tables 1–5, then the
    remaining figures, each with its caption. Every number is written by
    :func:`painresponse.render.format.format_cell`.
    """
    from docx import Document
    from docx.shared import Cm

    if rendered is None:
        from painresponse.render.figures import render_figures

        rendered = render_figures(result)
    document = Document()
    _setup(document)
    document.add_paragraph(study_title(result), style="Title")
    document.add_paragraph("Statistical methods", style="Heading 1")
    document.add_paragraph(" ".join(result.methods))
    if result.software:
        software = ", ".join(f"{name} {version}" for name, version in result.software.items())
        _small(document.add_paragraph(f"Software: {software}."))
    flow = [f for f in rendered if f.name == "flow"]
    others = [f for f in rendered if f.name != "flow"]
    for figure in flow:
        _add_figure(document, figure, PAGE_W_CM - 2 * MARGIN_CM)
    landscape = False
    for table in result.tables.values():
        wide = is_wide(table)
        if wide != landscape:
            _new_section(document, landscape=wide)
            landscape = wide
        _add_table(document, table, options, _text_width(landscape))
    if landscape:
        _new_section(document, landscape=False)
    for figure in others:
        _add_figure(document, figure, PAGE_W_CM - 2 * MARGIN_CM)
    section = document.sections[-1]
    section.page_width, section.page_height = Cm(PAGE_W_CM), Cm(PAGE_H_CM)
    out = Path(path)
    document.save(str(out))
    return out


def _text_width(landscape: bool) -> float:
    return (PAGE_H_CM if landscape else PAGE_W_CM) - 2 * MARGIN_CM


def _setup(document: DocumentObject) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_W_CM), Cm(PAGE_H_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    sizes = {"Normal": BODY_PT, "Title": 16, "Heading 1": 12, "Caption": 9}
    for name, size in sizes.items():
        style = document.styles[name]
        font = style.font  # type: ignore[attr-defined]
        font.name = FONT
        font.size = Pt(size)
        font.color.rgb = RGBColor(0, 0, 0)
        font.italic = False
        r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            r_fonts.set(qn(attribute), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            r_fonts.attrib.pop(qn(theme), None)
    document.styles["Caption"].font.bold = False  # type: ignore[attr-defined]
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = document.styles["Normal"]  # type: ignore[attr-defined]
    table_text.font.size = Pt(TABLE_PT)  # type: ignore[attr-defined]
    spacing = table_text.paragraph_format  # type: ignore[attr-defined]
    spacing.space_before, spacing.space_after, spacing.line_spacing = Pt(1), Pt(1), 1.0
    title = document.styles["Title"].element.pPr
    if title is not None:  # the template underlines the title with a coloured rule
        for border in title.findall(qn("w:pBdr")):
            title.remove(border)


def _small(paragraph: Paragraph, size: int = NOTE_PT) -> Paragraph:
    from docx.shared import Pt

    for run in paragraph.runs:
        run.font.size = Pt(size)
    return paragraph


def _new_section(document: DocumentObject, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long_side, short_side = Cm(PAGE_H_CM), Cm(PAGE_W_CM)
    section.page_width = long_side if landscape else short_side
    section.page_height = short_side if landscape else long_side


def _add_figure(document: DocumentObject, figure: RenderedFigure, width_cm: float) -> None:
    from docx.shared import Cm

    document.add_picture(io.BytesIO(figure.png), width=Cm(min(figure.width_cm, width_cm)))
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    caption = document.add_paragraph(style="Caption")
    caption.add_run(f"Figure {figure.number}. ").bold = True
    caption.add_run(figure.caption)


def _column_widths(table: Table, text_width: float) -> list[float]:
    n_p = sum(1 for c in table.columns if c.kind == "pvalue")
    n_summary = len(table.columns) - n_p
    label = LABEL_CM if text_width < 20 else LABEL_CM - 1.0
    share = (text_width - label - n_p * PVALUE_CM) / max(n_summary, 1)
    return [label] + [PVALUE_CM if c.kind == "pvalue" else share for c in table.columns]


def _add_table(
    document: DocumentObject, table: Table, options: FormatOptions, text_width: float
) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    lead, title = table_caption(table)
    heading = document.add_paragraph()
    heading.add_run(lead + " ").bold = True
    heading.add_run(title)
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Cm(0.4)

    widths = _column_widths(table, text_width)
    grid = document.add_table(rows=1 + len(table.rows), cols=1 + len(table.columns))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)
    header = grid.rows[0].cells
    _write(header[0], "", bold=True)
    for cell, column in zip(header[1:], table.columns, strict=True):
        _write(cell, _unbreakable_n(column_header(column)), bold=True, centre=True)
    for r, row in enumerate(table.rows, start=1):
        cells = grid.rows[r].cells
        label, indented = row_label(row)
        _write(cells[0], label, indent=indented)
        for cell, column in zip(cells[1:], table.columns, strict=True):
            part = cell_parts(row.cell(column.key), options)
            _write(cell, part.text, centre=True, marker=part.marker)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    _rules(grid)
    _pagination(grid, table)
    notes = [_footnote(document, f.marker, f.text) for f in table.footnotes]
    for note in notes[:-1]:
        note.paragraph_format.keep_with_next = True


def _unbreakable_n(header: str) -> str:
    return header.replace("(n = ", f"(n{_NBSP}={_NBSP}")


def _write(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    centre: bool = False,
    indent: bool = False,
    marker: str = "",
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_STYLE
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.left_indent = Cm(LEVEL_INDENT_CM)
    run = paragraph.add_run(text)
    run.font.size = Pt(TABLE_PT)
    run.bold = bold
    if marker:
        sup = paragraph.add_run(marker)
        sup.font.size = Pt(TABLE_PT)
        sup.font.superscript = True


def _footnote(document: DocumentObject, marker: str, text: str) -> Paragraph:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    if marker:
        sup = paragraph.add_run(marker)
        sup.font.superscript = True
        paragraph.add_run(" ")
    paragraph.add_run(text)
    return _small(paragraph)


def _border(cell: _Cell, edges: dict[str, int]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for edge, eighths in edges.items():
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(eighths))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)


def _rules(grid: DocxTable) -> None:
    """Top rule and header rule on the first row, bottom rule on the last; no others."""
    for cell in grid.rows[0].cells:
        _border(cell, {"top": 12, "bottom": 6})
    for cell in grid.rows[-1].cells:
        _border(cell, {"bottom": 12})


def _pagination(grid: DocxTable, table: Table) -> None:
    from docx.oxml import OxmlElement

    for index, row in enumerate(grid.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if index == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
    keep = [True] * len(grid.rows)  # the last row keeps with the footnotes below
    if len(table.rows) > KEEP_WHOLE_ROWS:
        keep = [True] + [False] * len(table.rows)
        for block in variable_blocks(table):
            for index in block[:-1]:
                keep[index + 1] = True
    for row, keep_row in zip(grid.rows, keep, strict=True):
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = keep_row
