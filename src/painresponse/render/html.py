"""One self-contained HTML report that makes no network request.

Inline CSS with the system font stack, the figures as inline SVG, the methods paragraph and
Tables 1–5 as semantic tables (``<caption>``, ``<thead>``, footnotes with ``<sup>``). There
is no script, no stylesheet link, no web font and no external image; every text is escaped.

Layout: a ``<nav>`` links every table and figure by its stable id (``table1``,
``figure2_outcomes``); a table wider than the screen scrolls inside its own box with the
row labels sticky, while its caption and notes stay in view; every figure is drawn at its
journal size times one scale (so 8 pt reads the same in all of them) and shrinks to fit a
narrow screen; the print stylesheet hides the navigation, prints figures at journal size
and keeps tables and figures whole on a page where it can.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.render._layout import (
    cell_parts,
    header_text,
    is_wide,
    row_label,
    study_title,
    table_caption,
)
from painresponse.render.format import TYPESET, FormatOptions

if TYPE_CHECKING:
    from painresponse.render.figure_set import RenderedFigure
    from painresponse.result import StudyResult
    from painresponse.tables.model import Table

__all__ = ["inline_svg", "table_to_html", "write_html"]

_CSS = """
:root { color-scheme: light; --fig-scale: 1.25; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "Liberation Sans", "Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans CJK KR",
  "NanumGothic", sans-serif; color: #111; background: #fff;
  max-width: 76rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45;
  overflow-wrap: break-word; }
header, nav, .prose, footer { max-width: 48rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
.source { color: #555; font-size: 0.9rem; margin-top: 0; }
nav { font-size: 0.9rem; border: 1px solid #ccc; padding: 0.5rem 1rem; margin: 1.5rem 0; }
nav h2 { font-size: 1rem; margin: 0.25rem 0; }
nav ul { margin: 0.25rem 0 0.5rem; padding-left: 0; list-style: none; }
nav li { margin: 0.1rem 0; }
a { color: #0b5394; }
.table-wrap { overflow-x: auto; margin: 1.5rem 0 2rem; max-width: 100%; }
table { border-collapse: separate; border-spacing: 0; font-size: 0.85rem;
  font-variant-numeric: tabular-nums; }
thead tr:first-child > * { border-top: 2px solid #000; }
tbody tr:last-child > * { border-bottom: 2px solid #000; }
sup { line-height: 0; font-size: 0.72em; }
caption { caption-side: top; text-align: left; padding-bottom: 0.5rem; font-size: 0.95rem;
  position: sticky; left: 0; max-width: calc(100vw - 2rem); }
caption b { margin-right: 0.3em; }
thead th { border-bottom: 1px solid #000; font-weight: 600; vertical-align: bottom; }
th, td { padding: 0.2rem 0.6rem; text-align: center; }
tbody td { white-space: nowrap; }
tbody td.pair { white-space: normal; min-width: 8rem; }
td.pair span { white-space: nowrap; }
th[scope=row], td.label { text-align: left; font-weight: normal; }
tbody th[scope=row] { min-width: 10rem; max-width: 18rem; }
thead th:first-child, tbody th[scope=row] { position: sticky; left: 0; z-index: 1;
  background: #fff; }
tr.level th[scope=row] { padding-left: 1.6rem; }
tbody tr:hover, tbody tr:hover > th { background: #f3f6fa; }
tfoot td { text-align: left; font-size: 0.78rem; padding-top: 0.15rem; border: 0; }
tfoot tr:first-child td { padding-top: 0.4rem; }
tfoot .note { position: sticky; left: 0.6rem; max-width: min(56rem, calc(100vw - 3.2rem)); }
table.wide { font-size: 0.8rem; }
figure { margin: 2rem 0; }
.art { width: calc(var(--w) * var(--fig-scale)); max-width: 100%; }
.art svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9rem; margin-top: 0.4rem; max-width: 48rem; }
footer { color: #555; font-size: 0.8rem; margin-top: 3rem; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; }
  tbody th[scope=row] { min-width: 7rem; max-width: 11rem; white-space: normal; }
  tr.level th[scope=row] { padding-left: 1rem; }
  th, td { padding: 0.2rem 0.4rem; }
}
@page { size: A4; margin: 15mm; }
@media print {
  :root { --fig-scale: 1; }
  nav { display: none; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; break-inside: avoid; page-break-inside: avoid; }
  table, figure, tr { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 8pt; }
  table.wide { font-size: 7pt; }
  thead { display: table-header-group; }
  caption, h2 { break-after: avoid; page-break-after: avoid; }
  caption, tfoot .note { position: static; max-width: none; }
  thead th:first-child, tbody th[scope=row] { position: static; }
  tbody tr:hover, tbody tr:hover > th { background: none; }
  th, td { padding: 0.1rem 0.35rem; }
}
"""

_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_PAIR = " vs. "
_IDS = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def inline_svg(svg: str, prefix: str) -> str:
    """Make a matplotlib SVG document embeddable in HTML.

    Drops the XML prologue, the DOCTYPE and the RDF metadata (they name ``http`` URIs
    that browsers never fetch but that a strict offline check would flag), and prefixes
    every ``id`` so that several figures on one page cannot share a clip path by accident.

    Parameters
    ----------
    svg : str
        The SVG document written by matplotlib.
    prefix : str
        A prefix unique to this figure on the page.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    body = _METADATA.sub("", _PROLOGUE.sub("", svg, count=1))
    body = _NAMESPACES.sub("", body)
    return _IDS.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body).strip()


def table_to_html(table: Table, options: FormatOptions = TYPESET) -> str:
    """One table as an HTML ``<table>`` (caption, header with n, rows, footnotes).

    Parameters
    ----------
    table : Table
        The table to render.
    options : FormatOptions
        Number formatting.

    Returns
    -------
    str
        The ``<table>`` element inside a horizontally scrollable ``<div>``.
    """
    lead, title = table_caption(table)
    width = 1 + len(table.columns)
    classes = ' class="wide"' if is_wide(table) else ""
    out = [
        f'<div class="table-wrap"><table id="{escape(table.key)}"{classes}>',
        f"<caption><b>{escape(lead)}</b>{escape(title)}</caption>",
        '<thead><tr><th scope="col"></th>',
    ]
    out += [f'<th scope="col">{escape(header_text(c))}</th>' for c in table.columns]
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        label, indented = row_label(row)
        out.append(f'<tr class="{"level" if indented else row.kind}">')
        out.append(f'<th scope="row">{escape(label)}</th>')
        for column in table.columns:
            part = cell_parts(row.cell(column.key), options)
            sup = f"<sup>{escape(part.marker)}</sup>" if part.marker else ""
            out.append(_cell(part.text, sup))
        out.append("</tr>")
    out.append("</tbody>")
    if table.footnotes:
        out.append("<tfoot>")
        for note in table.footnotes:
            sup = f"<sup>{escape(note.marker)}</sup> " if note.marker else ""
            out.append(
                f'<tr><td colspan="{width}"><div class="note">{sup}{escape(note.text)}</div>'
                "</td></tr>"
            )
        out.append("</tfoot>")
    out.append("</table></div>")
    return "\n".join(out)


def _cell(text: str, sup: str) -> str:
    """A body cell; a "before vs. after" pair may wrap at "vs.", never inside a summary."""
    if _PAIR in text:
        first, second = text.split(_PAIR, 1)
        return (
            f'<td class="pair"><span>{escape(first)}</span>{_PAIR}'
            f"<span>{escape(second)}{sup}</span></td>"
        )
    return f"<td>{escape(text)}{sup}</td>"


def _figure(figure: RenderedFigure) -> str:
    # Every figure keeps its drawn size times one scale (set in the CSS), so that 8 pt in
    # one figure is 8 pt in all of them; narrow screens shrink it to fit.
    return (
        f'<figure id="{escape(figure.stem)}">\n'
        f'<div class="art" style="--w: {figure.width_cm:.2f}cm">'
        f"{inline_svg(figure.svg, figure.stem)}</div>\n"
        f"<figcaption><b>Figure {figure.number}.</b> {escape(figure.caption)}</figcaption>"
        "\n</figure>"
    )


def _navigation(tables: Sequence[Table], figures: Sequence[RenderedFigure]) -> str:
    """Contents: a link to every table and figure by its id."""
    out = ['<nav aria-label="Contents"><h2>Contents</h2>']
    if tables:
        out.append("<ul>")
        for table in tables:
            lead, title = table_caption(table)
            lead = lead.replace("TABLE", "Table")
            out.append(
                f'<li><a href="#{escape(table.key)}">{escape(lead)}</a> {escape(title)}</li>'
            )
        out.append("</ul>")
    if figures:
        out.append("<ul>")
        for figure in figures:
            out.append(
                f'<li><a href="#{escape(figure.stem)}">Figure {figure.number}</a> '
                f"{escape(_first_sentence(figure.caption))}</li>"
            )
        out.append("</ul>")
    out.append("</nav>")
    return "\n".join(out)


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def write_html(
    result: StudyResult,
    path: str | Path,
    options: FormatOptions = TYPESET,
    rendered: Sequence[RenderedFigure] | None = None,
) -> Path:
    """Write the whole report as one self-contained HTML file.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    path : str or Path
        The ``.html`` file to write (its directory must exist).
    options : FormatOptions
        Number formatting.
    rendered : sequence of RenderedFigure, optional
        Figures already drawn by :func:`painresponse.render.figure_set.render_figures`.

    Returns
    -------
    Path
        ``path``.
    """
    if rendered is None:
        from painresponse.render.figure_set import render_figures

        rendered = render_figures(result)
    title = study_title(result)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="source">Data: {escape(Path(result.source).name)}</p></header>',
        _navigation(list(result.tables.values()), rendered),
        "<main>",
        '<section id="methods"><h2>Statistical methods</h2>',
        f'<p class="prose">{escape(" ".join(result.methods))}</p></section>',
    ]
    flow = [f for f in rendered if f.name == "flow"]
    others = [f for f in rendered if f.name != "flow"]
    parts += [_figure(f) for f in flow]
    parts.append('<section id="tables"><h2>Tables</h2>')
    parts += [table_to_html(t, options) for t in result.tables.values()]
    parts.append("</section>")
    if others:
        parts.append('<section id="figures"><h2>Figures</h2>')
        parts += [_figure(f) for f in others]
        parts.append("</section>")
    parts.append("</main>")
    if result.software:
        software = ", ".join(f"{k} {v}" for k, v in result.software.items())
        parts.append(f"<footer>Software: {escape(software)}.</footer>")
    parts.append("</body></html>\n")
    out = Path(path)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out
