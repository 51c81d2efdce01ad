"""Markdown (GitHub pipe tables) for each table, footnote markers as superscript letters."""

from __future__ import annotations

from painresponse.render.format import TYPESET, FormatOptions, column_header, format_cell
from painresponse.tables.model import PValue, Table

__all__ = ["table_to_markdown"]


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def table_to_markdown(table: Table, options: FormatOptions = TYPESET) -> str:
    """Render ``table`` as a Markdown pipe table with its title and footnotes.

    P-values carry their footnote marker as ``<sup>a</sup>``; level rows are indented
    with non-breaking spaces so they read as nested under their variable.
    """
    headers = ["", *[column_header(c) for c in table.columns]]
    lines = [f"**Table {table.number}.** {table.title}", ""]
    lines.append("| " + " | ".join(_escape(h) for h in headers) + " |")
    aligns = [":---"] + [":---:" if c.kind == "pvalue" else "---:" for c in table.columns]
    lines.append("| " + " | ".join(aligns) + " |")
    for row in table.rows:
        if row.kind == "level":
            label = "&nbsp;&nbsp;&nbsp;&nbsp;" + _escape(row.level or "")
        else:
            label = f"**{_escape(row.label)}**" if row.kind == "header" else _escape(row.label)
        cells = [label]
        for col in table.columns:
            cell = row.cell(col.key)
            text = _escape(format_cell(cell, options))
            if isinstance(cell, PValue) and cell.marker:
                text += f"<sup>{cell.marker}</sup>"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for note in table.footnotes:
        if note.marker:
            lines.append(f"<sup>{note.marker}</sup> {_escape(note.text)}  ")
        elif note.text:
            lines.append(f"{_escape(note.text)}  ")
    return "\n".join(lines).rstrip() + "\n"
