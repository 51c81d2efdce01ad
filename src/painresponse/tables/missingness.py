"""How many patients are behind each summary: "Missing" lines, ``n = …`` and their footnote.

A reviewer reading ``Responder (n = 41)`` assumes every summary below it uses 41
patients. When a value was not recorded for some of them, the table must say so (STROBE
item 14b). The study's ``analysis.missing`` chooses when (as gtsummary's ``missing``):

- ``"ifany"`` (default): a variable with values not recorded gets a "Missing" line
  (numeric and categorical alike), and an outcome summary on fewer patients than its
  column gets ``n = …``;
- ``"always"``: every variable gets its "Missing" line and every outcome summary its n;
- ``"no"``: neither (the CSV files' ``n (…)`` columns still hold every number).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from painresponse.tables.model import Cell, Comparison, Footnote, MeanSD, MedianIQR, Row, Text

__all__ = [
    "MISSING",
    "missing_footnote",
    "missing_row",
    "pairs_footnote",
    "with_n_shown",
]

MISSING = "Missing"
"""The level label of the line counting patients with the value not recorded."""


def missing_row(variable: str, label: str, missing: Mapping[str, int], policy: str) -> list[Row]:
    """The variable's "Missing" line (count per column), when the policy asks for it."""
    if policy == "no" or (policy == "ifany" and not any(missing.values())):
        return []
    cells: dict[str, Cell] = {key: Text(f"{count:,}") for key, count in missing.items()}
    return [Row(variable, label, MISSING, "level", cells)]


def with_n_shown(cell: Cell, column_n: int | None, policy: str) -> Cell:
    """``cell`` asking to show its n when the policy wants it (fewer patients, or always)."""
    if policy == "no" or not isinstance(cell, MeanSD | MedianIQR | Comparison):
        return cell
    n = cell.pairs if isinstance(cell, Comparison) else cell.n
    if policy == "always" or (column_n is not None and n < column_n):
        return dataclasses.replace(cell, show_n=True)
    return cell


def missing_footnote(rows: list[Row], policy: str) -> Footnote | None:
    """The rule behind the table's "Missing" lines and n's, when any is shown."""
    has_missing = any(r.level == MISSING for r in rows)
    summaries = [c for r in rows for c in r.cells.values() if isinstance(c, MeanSD | MedianIQR)]
    has_n = any(c.show_n and c.n > 0 for c in summaries)
    empty = any(c.n == 0 for c in summaries)
    if not (has_missing or has_n or empty):
        return None
    parts = ["Summaries use the patients with the value recorded"]
    if has_missing:
        parts.append("“Missing” counts the others")
    if has_n:
        parts.append(
            "n is given where a summary uses fewer patients than its column"
            if policy == "ifany"
            else "n is the number of patients behind each summary"
        )
    if empty:
        parts.append("“not estimable”: no patient of the column has the value recorded")
    return Footnote("", "; ".join(parts) + ".")


def pairs_footnote(kind: str) -> Footnote:
    """Tables 4 and 5: each comparison uses the patients with both time points."""
    if kind == "within":
        text = (
            "Each comparison uses the patients of the group with both time points recorded "
            "(pairs), and both summaries are of those patients; n (pairs) is given where it "
            "is below the group's n (“not estimable” where it is 0)."
        )
    else:
        text = (
            "Each change score uses the patients with both time points recorded; n is "
            "given where it is below the column's n (“not estimable” where it is 0)."
        )
    return Footnote("", text)
