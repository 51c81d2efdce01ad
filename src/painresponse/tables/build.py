"""Assemble the study's Tables 1–5 from the analysed cohort."""

from __future__ import annotations

import dataclasses
import string

import numpy as np

from painresponse.stats.multiplicity import ADJUSTMENT_NAMES
from painresponse.study import Study
from painresponse.tables.aggregate import Aggregates
from painresponse.tables.characteristics import variable_rows
from painresponse.tables.circularity import CIRCULAR_MARK, circular_footnote
from painresponse.tables.effects import effect_column, effect_footnote, within_effect_column
from painresponse.tables.missingness import missing_footnote, pairs_footnote
from painresponse.tables.model import (
    AdjustedP,
    Column,
    Comparison,
    CountPercent,
    Footnote,
    MeanSD,
    MedianIQR,
    PValue,
    Row,
    Table,
)
from painresponse.tables.outcomes import between_time_rows, change_rows, within_group_rows
from painresponse.tables.registry import table_spec

__all__ = ["build_tables"]


def _between_columns(aggregates: Aggregates, study: Study, effects: bool) -> tuple[Column, ...]:
    cols = [Column("overall", "Patients", aggregates.total)]
    for g in study.group_labels():
        cols.append(Column(f"group:{g}", g, aggregates.group_sizes[g]))
    if effects:
        cols.append(effect_column(study))
    cols.append(Column("p", "P-value", None, "pvalue"))
    return tuple(cols)


def _within_columns(aggregates: Aggregates, study: Study, effects: bool) -> tuple[Column, ...]:
    cols = []
    for g in study.group_labels():
        cols.append(Column(f"group:{g}", g, aggregates.group_sizes[g]))
        cols.append(Column(f"p:{g}", "P-value", None, "pvalue"))
        if effects:
            cols.append(within_effect_column(g, study))
    return tuple(cols)


def _legend(rows: list[Row]) -> str:
    kinds: list[str] = []
    for row in rows:
        for cell in row.cells.values():
            inner = [cell.later, cell.earlier] if isinstance(cell, Comparison) else [cell]
            for c in inner:
                name = {
                    MeanSD: "mean ± SD",
                    MedianIQR: "median (IQR)",
                    CountPercent: "number (percentage)",
                }.get(type(c))
                if name and name not in kinds:
                    kinds.append(name)
    text = "Values are " + " or ".join(kinds) + "." if kinds else ""
    if "median (IQR)" in kinds:
        text += " IQR, interquartile range (quartiles by SAS's default definition)."
    return text


def _adjust(
    rows: list[Row], columns: tuple[Column, ...], method: str
) -> tuple[list[Row], tuple[Column, ...]]:
    """Multiplicity-adjust every p-value of the table together; show each beside its raw p.

    Each p-value column gains an "adjusted P" column right after it; the raw p stays in
    its column and the adjusted one is kept on the PValue cell too (for results.csv).
    """
    from painresponse.stats.multiplicity import adjust_pvalues

    cells = [
        (i, k, c)
        for i, r in enumerate(rows)
        for k, c in r.cells.items()
        if isinstance(c, PValue) and not c.is_missing
    ]
    if not cells:
        return rows, columns
    raw = np.array([c.result.pvalue for _, _, c in cells], dtype=float)
    adjusted = adjust_pvalues(raw, method=method)
    name = ADJUSTMENT_NAMES[method]
    out = [dict(r.cells) for r in rows]
    for (i, k, c), p in zip(cells, adjusted, strict=True):
        out[i][k] = dataclasses.replace(c, adjusted=float(p), adjustment=name, adjusted_apart=True)
        out[i][f"{k}_adjusted"] = AdjustedP(float(p), name)
    widened: list[Column] = []
    for col in columns:
        widened.append(col)
        if col.kind == "pvalue":
            widened.append(Column(f"{col.key}_adjusted", f"{name} P", None, "adjusted"))
    rows = [dataclasses.replace(r, cells=cells_) for r, cells_ in zip(rows, out, strict=True)]
    return rows, tuple(widened)


def _mark(rows: list[Row], p_style: str = "default") -> tuple[list[Row], list[Footnote]]:
    """Give each distinct test method a footnote letter, in order of first use."""
    markers: dict[str, str] = {}
    out = []
    for row in rows:
        cells = dict(row.cells)
        for key, cell in cells.items():
            if isinstance(cell, PValue):
                method = cell.result.method
                if cell.result.note and method == "not computed":
                    method = f"not computed: {cell.result.note}"
                if method not in markers:
                    markers[method] = string.ascii_lowercase[len(markers) % 26]
                marker = markers[method]
                if cell.defines_groups:
                    marker += f",{CIRCULAR_MARK}"
                cells[key] = dataclasses.replace(cell, marker=marker, style=p_style)
            elif isinstance(cell, AdjustedP):
                cells[key] = dataclasses.replace(cell, style=p_style)
        out.append(dataclasses.replace(row, cells=cells))
    notes = [Footnote(marker, method) for method, marker in markers.items()]
    return out, notes


def _computed(rows: list[Row]) -> list[PValue]:
    return [c for r in rows for c in r.cells.values() if isinstance(c, PValue) and not c.is_missing]


def _table(
    key: str, number: int, study: Study, columns: tuple[Column, ...], rows: list[Row]
) -> Table:
    adjusted = study.analysis.adjust != "none" and number in study.analysis.adjust_tables
    if adjusted:
        rows, columns = _adjust(rows, columns, study.analysis.adjust)
    rows, notes = _mark(rows, study.tests.p_style)
    if any(c.defines_groups for r in rows for c in r.cells.values() if isinstance(c, PValue)):
        notes.append(circular_footnote(study))
    footnotes = [Footnote("", _legend(rows))]
    extra = study.table_notes.get(key)
    if extra:
        footnotes.append(Footnote("", extra))
    if adjusted:
        name = ADJUSTMENT_NAMES[study.analysis.adjust]
        footnotes.append(
            Footnote("", f"{name} P, P-values adjusted for multiple comparisons within the "
                     f"table with the {name} method ({len(_computed(rows))} tests).")
        )  # fmt: skip
    if key == "table4":
        footnotes.append(pairs_footnote("within"))
    elif key == "table5":
        footnotes.append(pairs_footnote("change"))
    shown = missing_footnote(rows, study.analysis.missing)
    if shown is not None and key not in ("table4", "table5"):  # their pairs note says it
        footnotes.append(shown)
    effect_note = effect_footnote(rows, columns, study)
    if effect_note is not None:
        footnotes.append(effect_note)
    footnotes += notes
    title = study.table_titles.get(key, table_spec(key).title)
    return Table(key, number, title, columns, tuple(rows), tuple(footnotes))


def build_tables(
    aggregates: Aggregates, study: Study, only: set[int] | None = None, *, effects: bool = False
) -> dict[str, Table]:
    """Build Tables 1–5.

    Parameters
    ----------
    aggregates : Aggregates
        The frequency tables of the analysed patients
        (:func:`~painresponse.tables.aggregate.aggregate`).
    study : Study
        The study definition.
    only : set of int, optional
        Build only these tables (default: all five).
    effects : bool, keyword-only
        Add effect estimates with 95% CIs (:mod:`painresponse.tables.effects`): a
        "Difference (95% CI)" column after the group columns of Tables 1–3 and 5, and a
        paired change column after each group's P-value in Table 4. Off by default, so
        the paper's layout is unchanged.

    Returns
    -------
    dict of str to Table
        ``table1`` … ``table5``; a characteristics table with no variables is left out.
    """
    wanted = only if only is not None else {1, 2, 3, 4, 5}
    between = _between_columns(aggregates, study, effects)
    tables: dict[str, Table] = {}
    for number in (1, 2):
        rows = variable_rows(aggregates, study, number, effects) if number in wanted else []
        if rows:
            tables[f"table{number}"] = _table(f"table{number}", number, study, between, rows)
    if 3 in wanted:
        rows3 = variable_rows(aggregates, study, 3, effects) + between_time_rows(
            aggregates, study, effects
        )
        tables["table3"] = _table("table3", 3, study, between, rows3)
    if 4 in wanted:
        within = _within_columns(aggregates, study, effects)
        rows4 = within_group_rows(aggregates, study, effects)
        tables["table4"] = _table("table4", 4, study, within, rows4)
    if 5 in wanted:
        tables["table5"] = _table(
            "table5", 5, study, between, change_rows(aggregates, study, effects)
        )
    return tables
