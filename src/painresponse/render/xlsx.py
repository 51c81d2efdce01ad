"""The Excel workbook: the tables as displayed, plus the unrounded results behind them.

Sheets: one per table (text exactly as in the report, three-line borders), ``Flow``,
``Results`` (every p-value cell's test as real numbers, never rounded), ``Figure data``
(the outcome summaries) and ``Methods``.

Every sheet prints as it opens: A4, fitted to the page width, landscape when wide, the
header row repeated on every printed page. A table sheet's print area is its caption,
table and footnotes, scaled to one page when that keeps the text readable, so a table
never breaks from its notes. Column widths and row heights are estimated from the text
(Excel and LibreOffice do not size merged, wrapped cells themselves).
"""

from __future__ import annotations

import functools
import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from painresponse.render._layout import (
    PValueText,
    cell_parts,
    header_text,
    row_label,
    table_caption,
)
from painresponse.render._reproducible import write_reproducible_zip
from painresponse.render.format import TYPESET, FormatOptions
from painresponse.render.results import RESULT_FIELDS, flat_record, result_records

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from painresponse.result import StudyResult
    from painresponse.tables.model import Table

__all__ = ["RESULT_COLUMNS", "write_xlsx"]

#: Columns of the ``Results`` sheet, in order: the one results schema.
RESULT_COLUMNS = RESULT_FIELDS
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_FIGURE_COLUMNS = (
    "outcome", "outcome_label", "group", "time", "time_label", "n", "mean", "ci_low",
    "ci_high", "median", "q1", "q3",
)  # fmt: skip
FONT = "Arial"
BODY_PT = 10
NOTE_PT = 9
#: Height of one line of 10 pt Arial in points (Excel's own default row height for it).
LINE_PT = 12.75
#: Printable width of an A4 page in Excel column-width units (about 7 pixels each) with
#: the margins below: portrait, then landscape.
PORTRAIT_UNITS, LANDSCAPE_UNITS = 95.0, 140.0
#: Printable height of an A4 page in points, portrait and landscape.
PORTRAIT_PT, LANDSCAPE_PT = 760.0, 520.0
#: A table prints portrait when that scales its text to at least this share.
PORTRAIT_SCALE = 0.85
#: A table is scaled to one printed page unless that shrinks its text below this share.
MIN_SCALE = 0.6
#: Width of an average character of prose in Excel units (one unit is one digit).
PROSE = 0.92
#: Text columns of the record sheets wrap beyond this width.
TEXT_CAP = 40


def write_xlsx(result: StudyResult, path: str | Path, options: FormatOptions = TYPESET) -> Path:
    """Write the tables, the flow, the unrounded results and the figure data to Excel.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    path : str or Path
        The ``.xlsx`` file to write (its directory must exist).
    options : FormatOptions
        Number formatting of the displayed tables.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    The file is reproducible: the same result gives the same bytes (fixed document and zip
    entry dates, see :func:`painresponse.render._reproducible.write_reproducible_zip`).
    """
    from openpyxl import Workbook

    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for table in result.tables.values():
        _table_sheet(workbook.create_sheet(_sheet_title(table)), table, options)
    _records_sheet(workbook.create_sheet("Flow"), ("stage", "reason", "n"), result.flow.to_rows())
    _records_sheet(workbook.create_sheet("Results"), RESULT_COLUMNS, _result_rows(result))
    summaries = [
        {name: getattr(s, name) for name in _FIGURE_COLUMNS} for s in result.figures.summaries
    ]
    _records_sheet(workbook.create_sheet("Figure data"), _FIGURE_COLUMNS, summaries)
    _methods_sheet(workbook.create_sheet("Methods"), result)
    # openpyxl stamps the save time into the file; the dates are fixed afterwards.
    buffer = io.BytesIO()
    workbook.save(buffer)
    return write_reproducible_zip(buffer.getvalue(), path)


def _sheet_title(table: Table) -> str:
    return _SHEET_NAME.sub("-", f"Table {table.number}")[:31]


def _table_sheet(sheet: Worksheet, table: Table, options: FormatOptions) -> None:
    from openpyxl.styles import Alignment, Border, Side

    thick, thin = Side(style="medium"), Side(style="thin")
    header = ["", *(header_text(c) for c in table.columns)]
    body = [
        [
            PValueText(row_label(row)[0]),
            *(cell_parts(row.cell(k.key), options) for k in table.columns),
        ]
        for row in table.rows
    ]
    indents = [row_label(row)[1] for row in table.rows]
    widths = _table_widths(header, body, indents)
    n_columns, last = len(header), 3 + len(table.rows)

    lead, title = table_caption(table)
    heights = [_merged_text(sheet, 1, n_columns, f"{lead} {title}", widths, bold=True)]
    heights.append(LINE_PT / 2)
    sheet.row_dimensions[2].height = heights[-1]
    for c, text in enumerate(header, start=1):
        cell = sheet.cell(3, c, text)
        cell.font = _font(bold=True)
        cell.border = Border(top=thick, bottom=thin)
        cell.alignment = Alignment(
            horizontal="center" if c > 1 else "left", vertical="bottom", wrap_text=True
        )
    heights.append(_row_height(header, widths, bold=True))
    sheet.row_dimensions[3].height = heights[-1]
    for r, (parts, indented) in enumerate(zip(body, indents, strict=True), start=4):
        for c, part in enumerate(parts, start=1):
            cell = sheet.cell(r, c, _rich(part) if part.marker else part.text)
            cell.font = _font()
            cell.alignment = _body_alignment(c == 1, indented and c == 1)
            if r == last:
                cell.border = Border(bottom=thick)
        shown = [p.text + p.marker for p in parts]
        shown[0] = ("  " if indented else "") + shown[0]
        heights.append(_row_height(shown, widths))
        sheet.row_dimensions[r].height = heights[-1]
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(c)].width = width
    for r, note in enumerate(table.footnotes, start=last + 1):
        text = f"{note.marker} {note.text}" if note.marker else note.text
        heights.append(_merged_text(sheet, r, n_columns, text, widths, size=NOTE_PT))
        if note.marker:
            sheet.cell(r, 1).value = _rich_note(note.marker, note.text)
    sheet.freeze_panes = "B4"
    end = last + len(table.footnotes)
    # portrait as journals print tables, unless that shrinks the type and landscape does
    # less; a table too small on one page breaks between rows, its header row repeated
    portrait = _scale(sum(widths), sum(heights), PORTRAIT_UNITS, PORTRAIT_PT)
    landscape = _scale(sum(widths), sum(heights), LANDSCAPE_UNITS, LANDSCAPE_PT)
    turn = portrait < PORTRAIT_SCALE and landscape > portrait
    tall = max(portrait, landscape) < MIN_SCALE
    _print_setup(sheet, landscape=turn, title_rows="3:3", tall=tall)
    sheet.print_area = f"A1:{_letter(n_columns)}{end}"


def _scale(width: float, height: float, page_units: float, page_pt: float) -> float:
    """Print scale that fits ``width`` (Excel units) by ``height`` (points) on one page."""
    return min(1.0, page_units / width, page_pt / height)


def _table_widths(
    header: list[str], body: list[list[PValueText]], indents: list[bool]
) -> list[float]:
    """Column widths (Excel units): numbers on one line, headers wrapped between words.

    The label column fits its longest label (up to ``TEXT_CAP``; longer labels wrap); a
    value column its longest cell, its longest header word, and a third of its header, so
    a header takes at most three lines and never breaks inside parentheses.
    """
    labels = [len(p[0].text) + (2 if i else 0) for p, i in zip(body, indents, strict=True)]
    widths = [min(max(labels, default=8), TEXT_CAP) + 2.0]
    for c in range(1, len(header)):
        cells = [len(parts[c].text + parts[c].marker) for parts in body]
        # header_text joins a parenthesised part with no-break spaces: it never breaks
        words = max((len(w) for w in header[c].split(" ")), default=0) * _BOLD
        third = len(header[c]) * _BOLD / 3
        widths.append(max([8.0, words, third, *cells]) + 2.0)
    return widths


#: Bold text is about a tenth wider.
_BOLD = 1.1


def _lines(text: str, width: float, bold: bool = False) -> int:
    """Lines ``text`` takes wrapped at spaces in a column ``width`` Excel units wide."""
    room = max(width - 1.0, 1.0)
    factor = _BOLD if bold else 1.0
    lines, used = 1, 0.0
    for word in text.split(" "):
        size = len(word) * factor
        if used and used + factor + size > room:
            lines, used = lines + 1, 0.0
        used += (factor if used else 0.0) + size
        if used > room:  # a word wider than the column breaks inside it
            extra = int(used // room)
            lines, used = lines + extra, used - extra * room
    return lines


def _row_height(
    texts: list[str], widths: list[float], bold: bool = False, prose: float = 1.0
) -> float:
    """Height (points) of a row whose cells wrap; ``prose`` scales the text's width."""
    lines = max(_lines(t, w / prose, bold) for t, w in zip(texts, widths, strict=True))
    return lines * LINE_PT + 2.0


def _merged_text(
    sheet: Worksheet,
    row: int,
    n_columns: int,
    text: str,
    widths: list[float],
    *,
    bold: bool = False,
    size: int = BODY_PT,
) -> float:
    """Text across the table's width, wrapped; returns the row height it was given."""
    from openpyxl.styles import Alignment

    cell = sheet.cell(row, 1, text)
    cell.font = _font(bold=bold, size=size)
    cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    if n_columns > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n_columns)
    # smaller text fits more characters on a line, and prose is narrower than digits
    lines = _lines(text, sum(widths) * BODY_PT / size / PROSE, bold)
    height = lines * LINE_PT * size / BODY_PT + 2.0
    sheet.row_dimensions[row].height = height
    return height


@functools.cache
def _font(*, bold: bool = False, size: int = BODY_PT) -> Any:
    """The one Font object of each style (openpyxl hashes every style assigned to a cell:
    building a new object per cell cost a third of the workbook's time)."""
    from openpyxl.styles import Font

    return Font(name=FONT, size=size, bold=bold)


@functools.cache
def _body_alignment(first: bool, indented: bool) -> Any:
    """Alignment of a body cell: the label column left (indented for a level), others centred."""
    from openpyxl.styles import Alignment

    return Alignment(
        horizontal="left" if first else "center",
        vertical="top",
        indent=1 if indented else 0,
        wrap_text=True,
    )


def _print_setup(sheet: Worksheet, *, landscape: bool, title_rows: str, tall: bool) -> None:
    """A4, one page wide (and one page tall unless ``tall``), ``title_rows`` on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0 if tall else 1
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.6
    margins.top = margins.bottom = 0.75
    margins.header = margins.footer = 0.3
    sheet.oddFooter.center.text = "&P / &N"
    sheet.oddFooter.center.size = 8
    sheet.print_title_rows = title_rows


def _rich(part: PValueText) -> Any:
    """The p-value with its footnote marker as a real superscript."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    marker = InlineFont(rFont=FONT, sz=BODY_PT, vertAlign="superscript")
    return CellRichText(part.text, TextBlock(marker, part.marker))


def _rich_note(marker: str, text: str) -> Any:
    """A footnote with its marker as a real superscript."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    superscript = InlineFont(rFont=FONT, sz=NOTE_PT, vertAlign="superscript")
    return CellRichText(TextBlock(superscript, marker), f" {text}")


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _number(value: Any) -> Any:
    """Floats stay floats; NaN becomes an empty cell (Excel has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _result_rows(result: StudyResult) -> list[dict[str, Any]]:
    return [flat_record(record) for record in result_records(result.tables)]


def _records_sheet(
    sheet: Worksheet, columns: tuple[str, ...], records: list[dict[str, Any]]
) -> None:
    """One record a row, numbers as numbers (never text); long texts wrap."""
    from openpyxl.styles import Alignment, Border, Side

    for c, name in enumerate(columns, start=1):
        cell = sheet.cell(1, c, name)
        cell.font = _font(bold=True)
        cell.border = Border(bottom=Side(style="thin"))
    rows = [[_number(record.get(name)) for name in columns] for record in records]
    shown = [[f"{v:.6g}" if isinstance(v, float) else str(v or "") for v in row] for row in rows]
    widths = [
        min(max([6.0, len(name) * _BOLD, *(len(row[c]) for row in shown)]) + 2.0, TEXT_CAP)
        for c, name in enumerate(columns)
    ]
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, (values, texts) in enumerate(zip(rows, shown, strict=True), start=2):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(r, c, value)
            cell.font = _font()
            cell.alignment = wrap
        height = _row_height(texts, widths, prose=PROSE)
        if height > LINE_PT + 2.0:
            sheet.row_dimensions[r].height = height
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(c)].width = width
    sheet.freeze_panes = "A2"
    _print_setup(sheet, landscape=sum(widths) > PORTRAIT_UNITS, title_rows="1:1", tall=True)
    # very wide sheets (Results) print two or more pages across rather than in tiny type
    sheet.page_setup.fitToWidth = max(1, math.ceil(sum(widths) * MIN_SCALE / LANDSCAPE_UNITS))


def _methods_sheet(sheet: Worksheet, result: StudyResult) -> None:
    from openpyxl.styles import Alignment

    sheet.cell(1, 1, "Statistical methods").font = _font(bold=True)
    row = 2
    wrap = Alignment(wrap_text=True, vertical="top")
    for sentence in result.methods:
        cell = sheet.cell(row, 1, sentence)
        cell.font, cell.alignment = _font(), wrap
        sheet.row_dimensions[row].height = _row_height([sentence], [80.0], prose=PROSE)
        row += 1
    row += 1
    sheet.cell(row, 1, "Software").font = _font(bold=True)
    for name, version in result.software.items():
        row += 1
        sheet.cell(row, 1, name).font = _font()
        sheet.cell(row, 2, version).font = _font()
    row += 2
    sheet.cell(row, 1, "Source").font = _font(bold=True)
    sheet.cell(row, 2, Path(result.source).name).font = _font()
    sheet.column_dimensions["A"].width = 80
    sheet.column_dimensions["B"].width = 16
    _print_setup(sheet, landscape=False, title_rows="1:1", tall=True)
    sheet.print_area = f"A1:B{row}"
