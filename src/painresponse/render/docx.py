"""The Word report: methods, flow diagram, Tables 1–5 as journal three-line tables, figures.

Three-line tables (top rule, rule under the header, bottom rule, no vertical lines) are
what most clinical journals print. The header row repeats on every page (``w:tblHeader``),
rows never break across pages (``w:cantSplit``), and "keep with next" holds a table
together on one page when it fits (else each variable's header with its levels). Each
table is written as one piece of WordprocessingML (:mod:`painresponse.render._docx_xml`),
the markup python-docx writes cell by cell, at a fraction of the cost.

Word lays the page out itself, so whether a table fits is *estimated* here: column widths
come from the longest cell text (measured with Arial's character widths), the number of
wrapped lines of every cell from those widths, and the table's height from the lines.
Wide tables (``later vs. earlier`` cells, or numbers that do not fit across a portrait
page) get a landscape section of their own.

The report is ready to submit as it opens: every section's footer numbers the pages
("Page N of M", Word fields), the figures follow the tables under a "Figures" heading
(journals want them apart from the text, and never inside the Methods), and hyphens in
table cells are no-break hyphens, so that ``P-value`` never wraps as ``P-`` / ``value``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.render._docx_xml import CellText, table_xml
from painresponse.render._layout import (
    NBSP,
    cell_parts,
    header_text,
    is_wide,
    row_label,
    study_title,
    table_caption,
    variable_blocks,
)
from painresponse.render._reproducible import FIXED_DATE_TIME, write_reproducible_zip
from painresponse.render.format import TYPESET, FormatOptions

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.text.paragraph import Paragraph

    from painresponse.render.figure_set import RenderedFigure
    from painresponse.result import StudyResult
    from painresponse.tables.model import Table

__all__ = ["write_docx"]

FONT = "Arial"
BODY_PT = 10
TABLE_PT = 9
NOTE_PT = 8
PAGE_W_CM, PAGE_H_CM, MARGIN_CM = 21.0, 29.7, 2.0
LEVEL_INDENT_CM = 0.35
CAPTION_SPACE_CM = 0.4
#: Word's default left + right cell margins (0.19 cm each) and a little slack.
CELL_PAD_CM = 0.45
#: The label column wraps long labels rather than squeezing the numbers, but not below this.
LABEL_MIN_CM = 3.5
#: Line height of Arial (ascent + descent + line gap) in ems, and the table paragraph's
#: spacing before + after in points (see ``_setup``).
LINE_EM = 1.15
CELL_SPACING_PT = 2.0
#: Share of the page a table may fill and still be kept whole: the estimate is not Word.
PAGE_SAFETY = 0.97
TABLE_STYLE = "Table text"
_PT_CM = 2.54 / 72


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
        Figures already drawn by :func:`painresponse.render.figure_set.render_figures`.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Order: title, statistical methods, the tables, then a "Figures" section on a new
    portrait page with Figure 1 (flow of patients) and the remaining figures, each with its
    caption. Every section's footer carries "Page N of M". Every number is written by
    :func:`painresponse.render.format.format_cell`. The file is reproducible: the same
    result gives the same bytes (fixed document and zip entry dates, see
    :func:`painresponse.render._reproducible.write_reproducible_zip`).
    """
    from docx import Document
    from docx.shared import Cm

    if rendered is None:
        from painresponse.render.figure_set import render_figures

        rendered = render_figures(result, ("png",))
    document = Document()
    _setup(document)
    document.add_paragraph(study_title(result), style="Title")
    document.add_paragraph("Statistical methods", style="Heading 1")
    document.add_paragraph(" ".join(result.methods))
    if result.software:
        software = ", ".join(f"{name} {version}" for name, version in result.software.items())
        _small(document.add_paragraph(f"Software: {software}."))
    landscape = False
    for table in result.tables.values():
        plan = plan_table(table, options)
        if plan.landscape != landscape:
            _new_section(document, landscape=plan.landscape)
            landscape = plan.landscape
        _add_table(document, table, plan, options)
    if rendered:
        if landscape:
            _new_section(document, landscape=False)
        heading = document.add_paragraph("Figures", style="Heading 1")
        heading.paragraph_format.page_break_before = not landscape
        # the flow of patients is Figure 1: it comes first, the others in their order
        for figure in sorted(rendered, key=lambda f: f.name != "flow"):
            _add_figure(document, figure, PAGE_W_CM - 2 * MARGIN_CM)
    elif landscape:
        _new_section(document, landscape=False)
    section = document.sections[-1]
    section.page_width, section.page_height = Cm(PAGE_W_CM), Cm(PAGE_H_CM)
    _page_numbers(document)
    _fix_core_properties(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return write_reproducible_zip(buffer.getvalue(), path)


def _fix_core_properties(document: DocumentObject) -> None:
    """Dates that do not depend on when the report was written: same inputs, same bytes."""
    from datetime import datetime

    fixed = datetime(*FIXED_DATE_TIME)
    properties = document.core_properties
    properties.created = fixed
    properties.modified = fixed
    properties.revision = 1


def _page_numbers(document: DocumentObject) -> None:
    """Page numbers, "Page N of M" centred, in every section's own footer (none inherited)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for section in document.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Page ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" of ")
        _field(paragraph, "NUMPAGES")
        _small(paragraph)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``): begin, instruction, separate, result, end.

    The result ``1`` is a placeholder; Word and LibreOffice update page fields as they lay
    the document out.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _text_width(landscape: bool) -> float:
    return (PAGE_H_CM if landscape else PAGE_W_CM) - 2 * MARGIN_CM


def _text_height(landscape: bool) -> float:
    return (PAGE_W_CM if landscape else PAGE_H_CM) - 2 * MARGIN_CM


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


@dataclass(frozen=True)
class TablePlan:
    """How one table goes on the page.

    Attributes
    ----------
    widths : list of float
        Column widths in cm, the label column first.
    landscape : bool
        True when the table gets a landscape section.
    height_cm : float
        Estimated height of caption, table and footnotes.
    page_cm : float
        Usable height of the page (``text_height``).
    """

    widths: list[float]
    landscape: bool
    height_cm: float
    page_cm: float

    @property
    def fits_one_page(self) -> bool:
        """True when the whole table (with caption and footnotes) fits on one page."""
        return self.height_cm <= PAGE_SAFETY * self.page_cm


def plan_table(table: Table, options: FormatOptions = TYPESET) -> TablePlan:
    """Choose orientation and column widths of a Word table and estimate its height.

    Parameters
    ----------
    table : Table
        The table.
    options : FormatOptions
        Number formatting (the widths depend on the formatted text).

    Returns
    -------
    TablePlan
        Widths, orientation, estimated height and the page's usable height.

    Notes
    -----
    Numbers and intervals never wrap: a number column is at least as wide as its longest
    cell, a header at least as wide as its longest unbreakable part. What is left of the
    text width goes first to the headers (so that they do not wrap), then to the labels,
    then evenly to the summary columns. A table whose numbers do not fit across a portrait
    page, or that :func:`~painresponse.render._layout.is_wide` calls wide, is landscape.
    """
    texts = _table_texts(table, options)
    landscape = is_wide(table)
    if _fit_widths(table, texts, _text_width(landscape)) is None:
        landscape = True
    text_width = _text_width(landscape)
    plans = []
    # Headers get their width first, unless giving it to the labels makes the table
    # shorter: a wrapped header costs one line, a wrapped label one line per row.
    for labels_first in (False, True):
        widths = _fit_widths(table, texts, text_width, labels_first=labels_first)
        if widths is None:  # too wide even in landscape: shrink everything, cells wrap
            need = _needs(texts).least
            widths = [w * text_width / sum(need) for w in need]
        height = _height(table, texts, widths, landscape)
        plans.append(TablePlan(widths, landscape, height, _text_height(landscape)))
    return min(plans, key=lambda plan: plan.height_cm)  # on a tie, the first


@dataclass(frozen=True)
class _Texts:
    """Every cell's text as Word shows it: ``rows[r][c]`` with the label column first."""

    header: list[str]
    rows: list[list[str]]
    indented: list[bool]
    wrappable: list[list[bool]]


def _table_texts(table: Table, options: FormatOptions) -> _Texts:
    from painresponse.tables.model import Text

    rows, indented, wrappable = [], [], []
    for row in table.rows:
        label, indent = row_label(row)
        texts, free = [label], [True]
        for column in table.columns:
            cell = row.cell(column.key)
            part = cell_parts(cell, options)
            texts.append(part.text + part.marker)
            free.append(isinstance(cell, Text))  # words, not numbers: may wrap
        rows.append(texts)
        indented.append(indent)
        wrappable.append(free)
    return _Texts(["", *(header_text(c) for c in table.columns)], rows, indented, wrappable)


@dataclass(frozen=True)
class _Needs:
    """Widths (cm) each column asks for, label column first.

    ``least``: numbers on one line, words no narrower than the longest word;
    ``header``: the header on one line; ``label``: the labels on one line (label column
    only); ``words``: text cells (notes in words) on one line.
    """

    least: list[float]
    header: list[float]
    label: list[float]
    words: list[float]


def _needs(texts: _Texts) -> _Needs:
    indent = [LEVEL_INDENT_CM if i else 0.0 for i in texts.indented]
    labels = [row[0] for row in texts.rows]
    label = max((_width(t) + d for t, d in zip(labels, indent, strict=True)), default=0.0)
    word = max((_longest_word(t) + d for t, d in zip(labels, indent, strict=True)), default=0.0)
    least = [max(word, min(label, LABEL_MIN_CM)) + CELL_PAD_CM]
    header, words = [least[0]], [least[0]]
    for c in range(1, len(texts.header)):
        cells = [(row[c], free[c]) for row, free in zip(texts.rows, texts.wrappable, strict=True)]
        smallest = max(
            [_longest_word(texts.header[c], bold=True)]
            + [_longest_word(t) if free else _width(t) for t, free in cells]
        )
        least.append(smallest + CELL_PAD_CM)
        header.append(max(smallest, _width(texts.header[c], bold=True)) + CELL_PAD_CM)
        words.append(max([smallest] + [_width(t) for t, _ in cells]) + CELL_PAD_CM)
    return _Needs(least, header, [max(label + CELL_PAD_CM, least[0]), *least[1:]], words)


def _fit_widths(
    table: Table, texts: _Texts, text_width: float, *, labels_first: bool = False
) -> list[float] | None:
    """Column widths filling ``text_width``, or None when the numbers do not fit.

    What is left after the smallest widths goes to the headers (so they do not wrap)
    and the labels, in the order given, then the text cells, each in proportion to what
    it lacks; the rest evenly to the summary columns, so the table spans the text width.
    """
    needs = _needs(texts)
    widths = list(needs.least)
    slack = text_width - sum(widths)
    if slack < 0:
        return None
    order = (needs.label, needs.header) if labels_first else (needs.header, needs.label)
    for wanted in (*order, needs.words):
        lacking = [max(0.0, want - have) for want, have in zip(wanted, widths, strict=True)]
        total = sum(lacking)
        if total <= 0:
            continue
        share = min(1.0, slack / total)
        widths = [have + share * lack for have, lack in zip(widths, lacking, strict=True)]
        slack -= share * total
    summary = [i for i, c in enumerate(table.columns, start=1) if c.kind == "summary"]
    for i in summary or range(len(widths)):
        widths[i] += slack / len(summary or widths)
    return widths


def _height(table: Table, texts: _Texts, widths: list[float], landscape: bool) -> float:
    """Estimated height (cm) of the caption, the table and its footnotes."""
    line_cm = LINE_EM * TABLE_PT * _PT_CM
    spacing_cm = CELL_SPACING_PT * _PT_CM

    def row_cm(cells: list[str], bold: bool, indent: bool) -> float:
        lines = 1
        for c, (text, width) in enumerate(zip(cells, widths, strict=True)):
            room = width - CELL_PAD_CM - (LEVEL_INDENT_CM if indent and c == 0 else 0.0)
            lines = max(lines, _lines(text, room, TABLE_PT, bold))
        return lines * line_cm + spacing_cm

    text_width = _text_width(landscape)
    lead, title = table_caption(table)
    caption = CAPTION_SPACE_CM + _lines(f"{lead} {title}", text_width, BODY_PT, True) * (
        LINE_EM * BODY_PT * _PT_CM
    )
    body = row_cm(texts.header, True, False) + sum(
        row_cm(row, False, indent) for row, indent in zip(texts.rows, texts.indented, strict=True)
    )
    notes = sum(
        _lines(f"{f.marker} {f.text}", text_width, NOTE_PT) * LINE_EM * NOTE_PT * _PT_CM
        for f in table.footnotes
    )
    return caption + body + notes


#: Advance widths of Arial (= Helvetica = Liberation Sans) in 1/1000 em; others ~ 0.556.
_ARIAL = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278)
        + (556,) * 10
        + (278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278)
        + (500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667)
        + (611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222)
        + (222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500)
        + (500, 334, 260, 334, 584),
        strict=True,
    )
)
_ARIAL.update({"−": 584, "–": 556, "—": 1000, "±": 584, "≥": 549, "≤": 549, "×": 584})
_ARIAL.update({"→": 1000, "²": 333, NBSP: 278, "·": 278})
#: Bold Arial is about 6% wider on average text.
_BOLD = 1.06


def _width(text: str, pt: float = TABLE_PT, bold: bool = False) -> float:
    """Width of ``text`` in cm at ``pt`` points, on one line."""
    ems = sum(_ARIAL.get(ch, 556) for ch in text) / 1000
    return ems * pt * _PT_CM * (_BOLD if bold else 1.0)


def _words(text: str) -> list[str]:
    return [w for w in text.replace("\n", " ").split(" ") if w]


def _longest_word(text: str, pt: float = TABLE_PT, bold: bool = False) -> float:
    return max((_width(w, pt, bold) for w in _words(text)), default=0.0)


def _lines(text: str, room_cm: float, pt: float = TABLE_PT, bold: bool = False) -> int:
    """Number of lines ``text`` takes when wrapped at spaces in ``room_cm``."""
    space = _width(" ", pt, bold)
    lines, used = 1, 0.0
    for word in _words(text):
        width = _width(word, pt, bold)
        if used and used + space + width > room_cm:
            lines += 1
            used = 0.0
        if not used and width > room_cm:  # a word wider than the cell breaks inside it
            lines += int(width // max(room_cm, 1e-6))
            used = width % max(room_cm, 1e-6)
            continue
        used += (space if used else 0.0) + width
    return lines


def _add_table(
    document: DocumentObject, table: Table, plan: TablePlan, options: FormatOptions
) -> None:
    from docx.oxml.parser import parse_xml
    from docx.shared import Cm

    lead, title = table_caption(table)
    heading = document.add_paragraph()
    heading.add_run(lead + " ").bold = True
    heading.add_run(title)
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Cm(CAPTION_SPACE_CM)

    indent = Cm(LEVEL_INDENT_CM).twips
    rows = [[CellText("", bold=True)]]
    rows[0] += [CellText(header_text(c), bold=True, centre=True) for c in table.columns]
    for row in table.rows:
        label, indented = row_label(row)
        cells = [CellText(label, indent=indent if indented else 0)]
        for column in table.columns:
            part = cell_parts(row.cell(column.key), options)
            cells.append(CellText(part.text, centre=True, marker=part.marker))
        rows.append(cells)
    # the whole table is parsed in one go: python-docx's cell-by-cell calls cost ~1 ms each
    grid = table_xml(
        rows,
        [Cm(width).twips for width in plan.widths],
        _keep_with_next(table, whole=plan.fits_one_page),
        style_id=document.styles[TABLE_STYLE].style_id,
        size=2 * TABLE_PT,
    )
    document.element.body._insert_tbl(parse_xml(grid))
    notes = [_footnote(document, f.marker, f.text) for f in table.footnotes]
    for note in notes[:-1]:
        note.paragraph_format.keep_with_next = True


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


def _keep_with_next(table: Table, *, whole: bool) -> list[bool]:
    """Per row of the Word table (header first): whether it keeps with the next.

    ``whole``: every row keeps with the next, so the table moves to the next page as a
    whole. Otherwise only each variable's rows (header with its levels) keep together
    and the table may break between variables, its header row repeated (``w:tblHeader``;
    no row breaks across pages, ``w:cantSplit``). The last row keeps with the footnotes
    (when there are any), which keep with each other.
    """
    keep = [True] * (1 + len(table.rows))
    if not whole:
        keep = [True] + [False] * len(table.rows)
        for block in variable_blocks(table):
            for index in block[:-1]:
                keep[index + 1] = True
    keep[-1] = bool(table.footnotes)
    return keep
