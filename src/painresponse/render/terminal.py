"""Rich tables for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from painresponse.render.format import TYPESET, column_header, format_cell
from painresponse.tables.model import PValue, Table

if TYPE_CHECKING:
    from rich.table import Table as RichTable

__all__ = ["table_to_rich"]


def table_to_rich(table: Table) -> RichTable:
    """A :class:`rich.table.Table` with the title, columns, rows and footnotes as caption."""
    from rich import box
    from rich.table import Table as RichTable

    out = RichTable(
        title=f"Table {table.number}. {table.title}",
        box=box.SIMPLE_HEAD,
        caption="\n".join(
            (f"{n.marker}) {n.text}" if n.marker else n.text) for n in table.footnotes if n.text
        ),
        caption_justify="left",
        title_justify="left",
    )
    out.add_column("")
    for col in table.columns:
        out.add_column(column_header(col), justify="center" if col.kind == "pvalue" else "right")
    for row in table.rows:
        label = f"  {row.level}" if row.kind == "level" else row.label
        cells = [f"[bold]{label}[/bold]" if row.kind == "header" else label]
        for col in table.columns:
            cell = row.cell(col.key)
            text = format_cell(cell, TYPESET)
            if isinstance(cell, PValue) and cell.marker:
                text += f" {cell.marker})"
            cells.append(text)
        out.add_row(*cells)
    return out
