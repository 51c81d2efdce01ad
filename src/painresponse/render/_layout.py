"""Layout decisions shared by the document renderers (Word, Excel, LaTeX, HTML).

Nothing here formats a number (that is :mod:`painresponse.render.format`) or computes
a statistic; it only decides *where* things go: which text a row's label column shows,
which rows belong to one variable, which tables are wide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from painresponse.render.format import FormatOptions, column_header, format_cell
from painresponse.tables.model import Cell, Column, Comparison, PValue, Row, Table

__all__ = [
    "PValueText",
    "cell_parts",
    "header_text",
    "is_wide",
    "row_label",
    "study_title",
    "table_caption",
    "variable_blocks",
]

DEFAULT_TITLE = "Study report"
NBSP = "\u00a0"
_PARENTHESES = re.compile(r"\([^()]*\)")


def study_title(result: Any) -> str:
    """The study's title when the result carries one, else a neutral default."""
    study = getattr(result, "study", None)
    title = getattr(study, "title", None)
    return str(title) if title else DEFAULT_TITLE


def row_label(row: Row) -> tuple[str, bool]:
    """Text of the row-label column and whether it is indented (a level row)."""
    if row.kind == "level":
        return (row.level if row.level is not None else row.label), True
    if row.kind == "single" and row.level:
        return f"{row.label}, {row.level}", False
    return row.label, False


def header_text(column: Column) -> str:
    """A column header whose parenthesised parts never break across lines.

    ``Non-responder (n = 43)`` may wrap before ``(n = 43)`` but never inside it, and
    ``Univariable OR (95% CI)`` never leaves ``CI)`` alone on a line: the spaces inside
    parentheses become no-break spaces.
    """
    return _PARENTHESES.sub(lambda m: m.group(0).replace(" ", NBSP), column_header(column))


def table_caption(table: Table) -> tuple[str, str]:
    """``("TABLE 1", "Demographic ... patients.")``: the bold lead and the title."""
    return f"TABLE {table.number}", table.title


@dataclass(frozen=True)
class PValueText:
    """A cell's text and, for p-values, the footnote marker to set as superscript."""

    text: str
    marker: str = ""


def cell_parts(cell: Cell, options: FormatOptions) -> PValueText:
    """Format a cell; p-values return their marker apart so it can be a real superscript.

    The marker is dropped when the p-value could not be computed (shown as a dash), as
    :func:`~painresponse.render.format.format_cell` does with ``show_markers``.
    """
    text = format_cell(cell, _without_markers(options))
    if isinstance(cell, PValue) and cell.marker:
        return PValueText(text, cell.marker)
    return PValueText(text)


def _without_markers(options: FormatOptions) -> FormatOptions:
    if not options.show_markers:
        return options
    from dataclasses import replace

    return replace(options, show_markers=False)


def variable_blocks(table: Table) -> list[list[int]]:
    """Indices of consecutive rows that belong to one variable (header with its levels)."""
    blocks: list[list[int]] = []
    previous: str | None = None
    for index, row in enumerate(table.rows):
        if blocks and row.variable == previous and row.kind == "level":
            blocks[-1].append(index)
        else:
            blocks.append([index])
        previous = row.variable
    return blocks


def is_wide(table: Table) -> bool:
    """True for tables that need a landscape page (``later vs. earlier`` cells, many columns)."""
    if len(table.columns) >= 6:
        return True
    return any(isinstance(cell, Comparison) for row in table.rows for cell in row.cells.values())
