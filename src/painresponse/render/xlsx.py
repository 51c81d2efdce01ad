"""The Excel workbook: the tables as displayed, plus the unrounded results behind them.

Sheets: one per table (text exactly as in the report, three-line borders), ``Flow``,
``Results`` (every p-value cell's test as real numbers, never rounded), ``Figure data``
(the outcome summaries) and ``Methods``.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from painresponse.render._layout import (
    PValueText,
    cell_parts,
    result_records,
    row_label,
    table_caption,
)
from painresponse.render._reproducible import write_reproducible_zip
from painresponse.render.format import TYPESET, FormatOptions, column_header

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from painresponse.result import StudyResult
    from painresponse.tables.model import Table

__all__ = ["RESULT_COLUMNS", "write_xlsx"]

#: Columns of the ``Results`` sheet, in order.
RESULT_COLUMNS = (
    "table", "variable", "level", "column", "test", "method", "reason", "statistic",
    "statistic_name", "df", "pvalue", "adjusted_pvalue", "adjustment", "defines_groups",
    "alternative", "n_per_group", "n_missing", "estimate", "estimate_name", "ci_low", "ci_high",
    "conf_level", "note",
)  # fmt: skip
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_FIGURE_COLUMNS = (
    "outcome", "outcome_label", "group", "time", "time_label", "n", "mean", "ci_low",
    "ci_high", "median", "q1", "q3",
)  # fmt: skip


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
    from openpyxl.styles import Alignment, Border, Font, Side

    thick, thin = Side(style="medium"), Side(style="thin")
    lead, title = table_caption(table)
    sheet.cell(1, 1, f"{lead} {title}").font = Font(bold=True)
    header = ["", *(column_header(c) for c in table.columns)]
    for c, text in enumerate(header, start=1):
        cell = sheet.cell(3, c, text)
        cell.font = Font(bold=True)
        cell.border = Border(top=thick, bottom=thin)
        cell.alignment = Alignment(horizontal="center" if c > 1 else "left", wrap_text=True)
    widths = [len(t) for t in header]
    last = 3 + len(table.rows)
    for r, row in enumerate(table.rows, start=4):
        label, indented = row_label(row)
        parts = [PValueText(label), *(cell_parts(row.cell(k.key), options) for k in table.columns)]
        for c, part in enumerate(parts, start=1):
            text = part.text
            cell = sheet.cell(r, c, _rich(part) if part.marker else text)
            cell.alignment = Alignment(
                horizontal="left" if c == 1 else "center", indent=1 if indented and c == 1 else 0
            )
            if r == last:
                cell.border = Border(bottom=thick)
            widths[c - 1] = max(widths[c - 1], len(text) + (2 if indented and c == 1 else 0))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(c)].width = min(max(width + 2, 8), 60)
    for offset, note in enumerate(table.footnotes, start=last + 1):
        text = f"{note.marker} {note.text}" if note.marker else note.text
        sheet.cell(offset, 1, text).font = Font(size=9)
    sheet.freeze_panes = "B4"


def _rich(part: PValueText) -> Any:
    """The p-value with its footnote marker as a real superscript."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    return CellRichText(part.text, TextBlock(InlineFont(vertAlign="superscript"), part.marker))


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _number(value: Any) -> Any:
    """Floats stay floats; NaN becomes an empty cell (Excel has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _result_rows(result: StudyResult) -> list[dict[str, Any]]:
    return [
        {
            **record,
            "n_per_group": ", ".join(str(n) for n in record["n"]),
            "n_missing": ", ".join(str(n) for n in record["n_missing"]),
        }
        for record in result_records(result.tables)
    ]


def _records_sheet(
    sheet: Worksheet, columns: tuple[str, ...], records: list[dict[str, Any]]
) -> None:
    from openpyxl.styles import Border, Font, Side

    for c, name in enumerate(columns, start=1):
        cell = sheet.cell(1, c, name)
        cell.font = Font(bold=True)
        cell.border = Border(bottom=Side(style="thin"))
    widths = [len(name) for name in columns]
    for r, record in enumerate(records, start=2):
        for c, name in enumerate(columns, start=1):
            value = _number(record.get(name))
            sheet.cell(r, c, value)
            shown = f"{value:.6g}" if isinstance(value, float) else str(value or "")
            widths[c - 1] = max(widths[c - 1], len(shown))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(c)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"


def _methods_sheet(sheet: Worksheet, result: StudyResult) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.cell(1, 1, "Statistical methods").font = Font(bold=True)
    row = 2
    for sentence in result.methods:
        sheet.cell(row, 1, sentence).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    sheet.cell(row, 1, "Software").font = Font(bold=True)
    for name, version in result.software.items():
        row += 1
        sheet.cell(row, 1, name)
        sheet.cell(row, 2, version)
    row += 2
    sheet.cell(row, 1, "Source").font = Font(bold=True)
    sheet.cell(row, 2, Path(result.source).name)
    sheet.column_dimensions["A"].width = 100
    sheet.column_dimensions["B"].width = 20
