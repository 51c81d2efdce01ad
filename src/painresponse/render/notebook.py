"""Rich display in notebooks (Jupyter, Quarto, marimo) and a bridge to great-tables.

``Table`` and ``StudyResult`` call these lazily from their ``_repr_html_`` and
``_repr_markdown_``, so a result shows as the report shows it: the same cells, footnote
markers and footnotes, in self-contained HTML (one scoped ``<style>``, no external
reference). :func:`to_great_tables` hands a table to great-tables (an optional extra:
``pip install painresponse[notebook]``), which styles tables for HTML but has no Word
output; painresponse's own ``report.docx`` keeps that part.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from painresponse.render.html import table_to_html
from painresponse.render.markdown import table_to_markdown

if TYPE_CHECKING:
    from painresponse.result import StudyResult
    from painresponse.tables.model import Table

__all__ = ["result_html", "result_markdown", "table_html", "to_great_tables"]

_STYLE = """<style>
.painresponse table { border-collapse: collapse; font-variant-numeric: tabular-nums;
  border-top: 2px solid currentColor; margin: 0.5rem 0 1rem; }
.painresponse thead th { border-bottom: 1px solid currentColor; vertical-align: bottom; }
.painresponse tbody tr:last-child > * { border-bottom: 2px solid currentColor; }
.painresponse th, .painresponse td { padding: 0.15rem 0.55rem; text-align: center; }
.painresponse th[scope=row] { text-align: left; font-weight: normal; }
.painresponse tr.level th[scope=row] { padding-left: 1.5rem; }
.painresponse caption { caption-side: top; text-align: left; }
.painresponse tfoot td { text-align: left; font-size: 0.8em; border: 0; }
.painresponse .table-wrap { overflow-x: auto; }
</style>"""


def table_html(table: Table) -> str:
    """One table as self-contained HTML for a notebook cell."""
    return f'<div class="painresponse">{_STYLE}{table_to_html(table)}</div>'


def result_html(result: StudyResult) -> str:
    """The whole result: title, flow, methods and every table, as self-contained HTML."""
    flow = result.flow
    groups = ", ".join(f"{escape(g)}: {n:,}" for g, n in flow.groups)
    excluded = "; ".join(f"{e.count:,} {escape(e.reason)}" for e in flow.exclusions) or "none"
    parts = [
        f'<div class="painresponse">{_STYLE}',
        f"<h3>{escape(result.study.title)}</h3>",
        f"<p>{escape(result.source)}: {flow.assessed:,} patients assessed; excluded: "
        f"{excluded}; {flow.analysed:,} analysed ({groups}).</p>",
    ]
    parts += [table_to_html(t) for t in result.tables.values()]
    parts.append(f"<p><small>{escape(' '.join(result.methods))}</small></p></div>")
    return "\n".join(parts)


def result_markdown(result: StudyResult) -> str:
    """The whole result as Markdown (Quarto and plain-text notebooks)."""
    flow = result.flow
    groups = ", ".join(f"{g}: {n:,}" for g, n in flow.groups)
    head = [
        f"### {result.study.title}",
        "",
        f"{result.source}: {flow.assessed:,} patients assessed; {flow.analysed:,} analysed "
        f"({groups}).",
        "",
    ]
    return "\n".join(head) + "\n\n".join(table_to_markdown(t) for t in result.tables.values())


def to_great_tables(table: Table) -> Any:
    """The table as a ``great_tables.GT``: same title, cells, group spanners and footnotes.

    Cells are the report's formatted text (numbers are formatted once, by painresponse),
    the label column is the stub, the columns of one group in Table 4 share a spanner, and
    every footnote (with its marker) becomes a source note.

    Raises
    ------
    ImportError
        When great-tables is not installed (``pip install painresponse[notebook]``).
    """
    try:
        import great_tables as gt
    except ImportError:
        raise ImportError(
            "to_great_tables needs great-tables: pip install 'painresponse[notebook]'"
        ) from None
    import polars as pl

    from painresponse.render._layout import cell_parts, header_text, row_label, table_caption
    from painresponse.render.format import TYPESET

    data: dict[str, list[str]] = {"label": []}
    ids = [f"c{i}" for i in range(len(table.columns))]
    for key in ids:
        data[key] = []
    for row in table.rows:
        label, indented = row_label(row)
        data["label"].append(("\u2003" if indented else "") + label)
        for key, column in zip(ids, table.columns, strict=True):
            part = cell_parts(row.cell(column.key), TYPESET)
            data[key].append(part.text + (f" {part.marker}" if part.marker else ""))
    lead, title = table_caption(table)
    headers: dict[str, Any] = {k: header_text(c) for k, c in zip(ids, table.columns, strict=True)}
    built = (
        gt.GT(pl.DataFrame(data), rowname_col="label")
        .tab_header(title=f"{lead.strip()} {title}".strip())
        .cols_label(**headers)
    )
    spanners: dict[str, list[str]] = {}
    for key, column in zip(ids, table.columns, strict=True):
        if ":" in column.key:
            spanners.setdefault(column.key.split(":", 1)[1], []).append(key)
    for label, columns in spanners.items():
        if len(columns) > 1:
            built = built.tab_spanner(label=label, columns=columns)
    for note in table.footnotes:
        built = built.tab_source_note(f"{note.marker} {note.text}".strip())
    return built
