"""A Word table (``w:tbl``) written as WordprocessingML text in one piece.

python-docx builds a table cell by cell, and every cell costs a style look-up by name and
dozens of element look-ups: 1,300 cells took most of a second. Here the whole table is
one string, parsed once by :func:`docx.oxml.parser.parse_xml` into the document. The
markup is the same, element for element and attribute for attribute, as python-docx
writes for the calls :mod:`painresponse.render.docx` used to make (``add_table``, column
and cell widths, ``paragraph.style``, ``add_run``, ``bold``, ``font.size``,
``font.superscript``, ``keep_with_next``, ``left_indent``), so the report's bytes did not
change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CellText", "table_xml"]

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TABLE_PROPERTIES = (
    '<w:tblPr><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
    '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
    'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
)
#: A rule of ``{}`` eighths of a point on one edge of a cell.
_RULE = '<w:{edge} w:val="single" w:sz="{eighths}" w:space="0" w:color="000000"/>'


@dataclass(frozen=True)
class CellText:
    """What one table cell shows.

    Attributes
    ----------
    text : str
        The text; each ``-`` becomes a no-break hyphen, so words wrap at spaces only.
    bold : bool
        Bold (the header row).
    centre : bool
        Centred (every column but the labels).
    indent : int
        Left indent in twips (a level under its variable), 0 for none.
    marker : str
        A footnote marker set as a superscript run after the text.
    """

    text: str
    bold: bool = False
    centre: bool = False
    indent: int = 0
    marker: str = ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(text: str) -> str:
    """A ``w:t`` keeping its leading and trailing spaces, as ``CT_R.add_t`` writes it."""
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{_escape(text)}</w:t>"


def _paragraph(cell: CellText, style_id: str, keep: bool, size: int) -> str:
    keep_next = "<w:keepNext/>" if keep else '<w:keepNext w:val="0"/>'
    indent = f'<w:ind w:left="{cell.indent}"/>' if cell.indent else ""
    centre = '<w:jc w:val="center"/>' if cell.centre else ""
    bold = "<w:b/>" if cell.bold else '<w:b w:val="0"/>'
    pieces = [
        ("<w:noBreakHyphen/>" if index else "") + (_t(piece) if piece else "")
        for index, piece in enumerate(cell.text.split("-"))
    ]
    marker = (
        f'<w:r><w:rPr><w:sz w:val="{size}"/><w:vertAlign w:val="superscript"/></w:rPr>'
        f"{_t(cell.marker)}</w:r>"
        if cell.marker
        else ""
    )
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{keep_next}{indent}{centre}</w:pPr>'
        f'<w:r><w:rPr>{bold}<w:sz w:val="{size}"/></w:rPr>{"".join(pieces)}</w:r>{marker}</w:p>'
    )


def table_xml(
    rows: Sequence[Sequence[CellText]],
    widths: Sequence[int],
    keep: Sequence[bool],
    *,
    style_id: str,
    size: int,
) -> str:
    """The ``w:tbl`` element of a three-line table, as text.

    Parameters
    ----------
    rows : sequence of sequence of CellText
        The header row first, then the body rows; one cell per column.
    widths : sequence of int
        Column widths in twips (the grid and every cell).
    keep : sequence of bool
        Per row: its paragraphs keep with the next (``w:keepNext``).
    style_id : str
        The paragraph style of every cell (its id, e.g. ``"Tabletext"``).
    size : int
        Font size of the cell text in half-points.

    Returns
    -------
    str
        The table with the namespace declared on it: the top rule and the rule under
        the header on the first row, the bottom rule on the last, no other borders; the
        header row repeats on every page and no row breaks across pages.
    """
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    rules: list[list[str]] = [[] for _ in rows]
    if rows:
        rules[0] += [_RULE.format(edge="top", eighths=12), _RULE.format(edge="bottom", eighths=6)]
        rules[-1].append(_RULE.format(edge="bottom", eighths=12))
    out = [f'<w:tbl xmlns:w="{W_NAMESPACE}">{_TABLE_PROPERTIES}<w:tblGrid>{grid}</w:tblGrid>']
    for index, (row, keep_row, edges) in enumerate(zip(rows, keep, rules, strict=True)):
        header = "<w:tblHeader/>" if index == 0 else ""
        borders = f"<w:tcBorders>{''.join(edges)}</w:tcBorders>" if edges else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        for cell, width in zip(row, widths, strict=True):
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{borders}</w:tcPr>'
                f"{_paragraph(cell, style_id, keep_row, size)}</w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
