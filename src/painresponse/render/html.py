"""One self-contained HTML report that makes no network request.

Inline CSS with the system font stack, the figures as inline SVG, the methods paragraph and
Tables 1–5 as semantic tables (``<caption>``, ``<thead>``, footnotes with ``<sup>``). There
is no script, no stylesheet link, no web font and no external image; every text is escaped.
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
    from painresponse.render.figures import RenderedFigure
    from painresponse.result import StudyResult
    from painresponse.tables.model import Table

__all__ = ["inline_svg", "table_to_html", "write_html"]

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "Liberation Sans", sans-serif; color: #111; background: #fff;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
.source { color: #555; font-size: 0.9rem; margin-top: 0; }
.table-wrap { overflow-x: auto; margin: 1.5rem 0 2rem; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums;
  border-top: 2px solid #000; }
tbody tr:last-child > * { border-bottom: 2px solid #000; }
sup { line-height: 0; font-size: 0.72em; }
caption { caption-side: top; text-align: left; padding-bottom: 0.5rem; font-size: 0.95rem; }
caption b { margin-right: 0.3em; }
thead th { border-bottom: 1px solid #000; font-weight: 600; vertical-align: bottom; }
th, td { padding: 0.2rem 0.6rem; text-align: center; }
tbody td { white-space: nowrap; }
th[scope=row], td.label { text-align: left; font-weight: normal; }
tbody th[scope=row] { min-width: 14rem; }
tr.level th[scope=row] { padding-left: 1.6rem; }
tbody tr:hover { background: #f3f6fa; }
tfoot td { text-align: left; font-size: 0.78rem; padding-top: 0.15rem; border: 0; }
tfoot tr:first-child td { padding-top: 0.4rem; }
table.wide { font-size: 0.8rem; }
figure { margin: 2rem 0; }
figure svg { width: 100%; max-width: 46rem; height: auto; display: block; }
figcaption { font-size: 0.9rem; margin-top: 0.4rem; }
footer { color: #555; font-size: 0.8rem; margin-top: 3rem; }
@media print { .table-wrap, figure { break-inside: avoid; } }
"""

_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
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
            out.append(f"<td>{escape(part.text)}{sup}</td>")
        out.append("</tr>")
    out.append("</tbody>")
    if table.footnotes:
        out.append("<tfoot>")
        for note in table.footnotes:
            sup = f"<sup>{escape(note.marker)}</sup> " if note.marker else ""
            out.append(f'<tr><td colspan="{width}">{sup}{escape(note.text)}</td></tr>')
        out.append("</tfoot>")
    out.append("</table></div>")
    return "\n".join(out)


def _figure(figure: RenderedFigure) -> str:
    return (
        f'<figure id="{escape(figure.stem)}">\n{inline_svg(figure.svg, figure.stem)}\n'
        f"<figcaption><b>Figure {figure.number}.</b> {escape(figure.caption)}</figcaption>"
        "\n</figure>"
    )


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
        Figures already drawn by :func:`painresponse.render.figures.render_figures`.

    Returns
    -------
    Path
        ``path``.
    """
    if rendered is None:
        from painresponse.render.figures import render_figures

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
        "<main>",
        "<section><h2>Statistical methods</h2>",
        f"<p>{escape(' '.join(result.methods))}</p></section>",
    ]
    flow = [f for f in rendered if f.name == "flow"]
    others = [f for f in rendered if f.name != "flow"]
    parts += [_figure(f) for f in flow]
    parts.append("<section><h2>Tables</h2>")
    parts += [table_to_html(t, options) for t in result.tables.values()]
    parts.append("</section>")
    if others:
        parts.append("<section><h2>Figures</h2>")
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
