"""The audit written out: ``audit.csv`` (the findings), ``audit.md`` and ``audit.html``.

The reports list the findings first, then, table by table and row by row, everything that
was recomputed and how, passes included. The HTML page is self-contained (inline CSS, no
script, no external resource) and escapes every text.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from painresponse.errors import OutputError

if TYPE_CHECKING:  # annotations only: _model imports this module to write a result
    from painresponse.audit._model import AuditResult, Check
    from painresponse.audit._table import PublishedTable

__all__ = ["FILES", "audit_html", "audit_markdown", "terminal_summary", "write_audit"]

#: The files :func:`write_audit` writes.
FILES = ("audit.csv", "audit.md", "audit.html")
_MARK = {"error": "✗", "warning": "!", "info": "i", "ok": "✓"}


def _summary(result: AuditResult) -> str:
    counts = [
        f"{n} {s}{'s' if n != 1 and s != 'info' else ''}"
        for s in ("error", "warning", "info")
        for n in [result.count(s)]
    ]
    if result.count("error"):
        verdict = "the tables contradict their own numbers"
    elif result.count("warning"):
        verdict = "nothing impossible, but the warnings need a look"
    else:
        verdict = "no errors or warnings"
    return f"{', '.join(counts)}: {verdict} (exit code {result.exit_code})"


def _tables_line(table: PublishedTable) -> str:
    groups = " vs ".join(str(g) for g in table.groups)
    overall = f"; overall {table.overall}" if table.overall else ""
    rows = len(table.rows)
    return f"{table.name}: {rows} row{'' if rows == 1 else 's'}; {groups}{overall}"


def _where(check: Check) -> str:
    return check.variable + (f" · {check.level}" if check.level else "")


def _rows(result: AuditResult, table: PublishedTable) -> Iterator[tuple[str, list[Check]]]:
    """The checks of one table grouped by printed row (variable and level)."""
    checks = sorted(result.table_checks(table.name), key=lambda c: c.sort_key())
    for key, group in groupby(checks, key=_where):
        yield key, list(group)


# --------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def audit_markdown(result: AuditResult) -> str:
    """The audit as a Markdown document."""
    lines = ["# Audit of published tables", ""]
    lines += [f"- {_tables_line(t)}" for t in result.tables]
    if result.rules:
        lines += [f"- group rule: `{r}`" for r in result.rules]
    lines += ["", f"**{_summary(result)}**", "", "## Findings", ""]
    if result.findings:
        lines += [
            "| table | variable | level | check | severity | detail |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {_md(c.table)} | {_md(c.variable)} | {_md(c.level)} | {c.check} | "
            f"{c.severity} | {_md(c.detail)} |"
            for c in sorted(result.findings, key=_severity_order)
        ]
    else:
        lines.append("None: every number that could be recomputed agrees with the table.")
    lines += ["", "## What was recomputed, row by row", ""]
    lines.append(
        "✓ consistent · ✗ error · ! warning · i info. Printed numbers stand for every value "
        "that rounds to them; p-value ranges from means and SDs cover that rounding."
    )
    for table in result.tables:
        lines += ["", f"### {table.name}", ""]
        for where, checks in _rows(result, table):
            lines.append(f"- **{_md(where)}**")
            lines += [f"  - {_MARK[c.severity]} {c.check}: {_md(c.detail)}" for c in checks]
    return "\n".join(lines) + "\n"


def _severity_order(check: Check) -> int:
    return ("error", "warning", "info").index(check.severity)


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "Liberation Sans", "Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans CJK KR",
  "NanumGothic", sans-serif; color: #111; background: #fff;
  max-width: 64rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin-top: 1.5rem; }
ul.sources { color: #444; font-size: 0.9rem; padding-left: 1.2rem; }
p.summary { font-weight: 600; }
table { border-collapse: collapse; font-size: 0.85rem; width: 100%;
  border-top: 2px solid #000; border-bottom: 2px solid #000; }
thead th { border-bottom: 1px solid #000; text-align: left; font-weight: 600; }
th, td { padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
tbody tr + tr td, tbody tr + tr th { border-top: 1px solid #e2e2e2; }
td.detail { font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
.sev { font-weight: 600; white-space: nowrap; }
.error { color: #b00020; } .warning { color: #9a5b00; } .info { color: #1f5fa8; }
.ok { color: #2e7d32; }
table.rows th[scope=row] { width: 16rem; font-weight: normal; }
table.rows td.check { width: 7rem; white-space: nowrap; }
footer { color: #555; font-size: 0.8rem; margin-top: 3rem; }
"""


def audit_html(result: AuditResult) -> str:
    """The audit as one self-contained HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Audit of published tables</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Audit of published tables</h1>",
        '<ul class="sources">',
        *(f"<li>{escape(_tables_line(t))}</li>" for t in result.tables),
        *(f"<li>group rule: <code>{escape(r)}</code></li>" for r in result.rules),
        "</ul>",
        f'<p class="summary">{escape(_summary(result))}</p>',
        "<h2>Findings</h2>",
    ]
    if result.findings:
        parts += [
            "<table><thead><tr><th>table</th><th>variable</th><th>level</th><th>check</th>"
            "<th>severity</th><th>detail</th></tr></thead><tbody>"
        ]
        for c in sorted(result.findings, key=_severity_order):
            parts.append(
                f'<tr><td class="nowrap">{escape(c.table)}</td><td>{escape(c.variable)}</td>'
                f'<td>{escape(c.level)}</td><td class="nowrap">{escape(c.check)}</td>'
                f'<td class="sev {c.severity}">{c.severity}</td>'
                f'<td class="detail">{escape(c.detail)}</td></tr>'
            )
        parts.append("</tbody></table>")
    else:
        parts.append("<p>None: every number that could be recomputed agrees with the table.</p>")
    parts += [
        "<h2>What was recomputed, row by row</h2>",
        "<p>Printed numbers stand for every value that rounds to them; p-value ranges from "
        "means and SDs cover that rounding.</p>",
    ]
    for table in result.tables:
        parts.append(f"<h3>{escape(table.name)}</h3>")
        parts.append('<table class="rows"><tbody>')
        for where, checks in _rows(result, table):
            for i, c in enumerate(checks):
                head = (
                    f'<th scope="row" rowspan="{len(checks)}">{escape(where)}</th>'
                    if i == 0
                    else ""
                )
                parts.append(
                    f'<tr>{head}<td class="check"><span class="sev {c.severity}">'
                    f"{_MARK[c.severity]}</span> {escape(c.check)}</td>"
                    f'<td class="detail">{escape(c.detail)}</td></tr>'
                )
        parts.append("</tbody></table>")
    parts += [
        "<footer>Made by painresponse audit. Severities: error — the printed numbers cannot "
        "all be right; warning — unlikely or against convention; info — cannot be checked "
        "from the table, or worth knowing.</footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------
# Files and terminal
# --------------------------------------------------------------------------------------


def write_audit(result: AuditResult, out: Path, overwrite: bool = False) -> list[Path]:
    """Write ``audit.csv`` (UTF-8 with BOM, for Excel), ``audit.md`` and ``audit.html``."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    paths = [out / name for name in FILES]
    present = [p.name for p in paths if p.exists()]
    if present and not overwrite:
        raise OutputError(f"{out}: already holds {', '.join(present)}; use --overwrite to replace")
    try:
        out.mkdir(parents=True, exist_ok=True)
        csv_text = result.findings_frame().write_csv()
        paths[0].write_bytes(b"\xef\xbb\xbf" + csv_text.encode("utf-8"))
        paths[1].write_text(audit_markdown(result), encoding="utf-8")
        paths[2].write_text(audit_html(result), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the audit ({exc.strerror})") from None
    return paths


def terminal_summary(result: AuditResult) -> list[Any]:
    """Rich renderables for the terminal: the tables read, each finding, the summary."""
    from rich.padding import Padding
    from rich.text import Text

    renderables: list[Any] = [Text(f"Audited {_tables_line(t)}") for t in result.tables]
    renderables += [Text(f"Group rule: {r}") for r in result.rules]
    colours = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
    for c in sorted(result.findings, key=_severity_order):
        where = f"{c.table} › {_where(c)}" if len(result.tables) > 1 else _where(c)
        head = Text.assemble(
            (f"{c.severity:<8}", colours[c.severity]), (f"{c.check:<12}", "bold"), where
        )
        renderables += [Text(""), head, Padding(Text(c.detail), (0, 0, 0, 4), expand=False)]
    renderables += [Text(""), Text(_summary(result), style="bold")]
    return renderables
