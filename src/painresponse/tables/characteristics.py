"""Tables 1–3, characteristics section: each variable summarised by group, with a p-value."""

from __future__ import annotations

import numpy as np
import polars as pl

from painresponse.cohort import GROUP
from painresponse.study import Study, Variable
from painresponse.tables.aggregate import COUNT, Aggregates
from painresponse.tables.effects import EFFECT, between_effect, conf_level, level_effects
from painresponse.tables.frequencies import distributions_by_group
from painresponse.tables.missingness import missing_row
from painresponse.tables.model import Cell, Row
from painresponse.tables.summaries import count_percent, summarise
from painresponse.tables.tests_run import between_groups_categorical, between_groups_numeric

__all__ = ["variable_rows"]


def _categorical_rows(
    counts: pl.DataFrame, var: Variable, study: Study, effects: bool
) -> list[Row]:
    groups = study.group_labels()
    levels = var.display_levels()
    table = np.zeros((len(levels), len(groups)), dtype=np.int64)
    missing = []
    for j, g in enumerate(groups):
        sub = counts.filter(pl.col(GROUP) == g)
        for i, (_, raw) in enumerate(levels):
            table[i, j] = int(sub.filter(pl.col("value").is_in(raw))[COUNT].sum())
        missing.append(int(sub.filter(pl.col("value").is_null())[COUNT].sum()))
    totals = table.sum(axis=0)
    overall = table.sum(axis=1)
    pvalue = between_groups_categorical(table, var.kind, study, var.test)
    recorded = {"overall": int(totals.sum())}
    recorded |= {f"group:{g}": int(totals[j]) for j, g in enumerate(groups)}
    rows = [Row(var.key, var.label, None, "header", {"p": pvalue}, recorded)]
    differences = level_effects(table, var.digits, conf_level(study)) if effects else []
    for i, (label, _) in enumerate(levels):
        if overall[i] == 0 and not var.show_empty_levels:
            continue
        cells: dict[str, Cell] = {
            "overall": count_percent(int(overall[i]), int(totals.sum()), var.digits)
        }
        for j, g in enumerate(groups):
            cells[f"group:{g}"] = count_percent(int(table[i, j]), int(totals[j]), var.digits)
        if differences:
            cells[EFFECT] = differences[i]
        rows.append(Row(var.key, var.label, label, "level", cells))
    lacking = {"overall": sum(missing)} | {f"group:{g}": missing[j] for j, g in enumerate(groups)}
    return rows + missing_row(var.key, var.label, lacking, study.analysis.missing)


def _numeric_row(counts: pl.DataFrame, var: Variable, study: Study, effects: bool) -> list[Row]:
    groups = study.group_labels()
    dists = distributions_by_group(counts, "value", GROUP, COUNT, groups)
    first, second = (dists[g] for g in groups)
    style = var.display_kind
    cells: dict[str, Cell] = {"overall": summarise(first.merged(second), style, var.digits)}
    for g in groups:
        cells[f"group:{g}"] = summarise(dists[g], style, var.digits)
    if effects:
        cells[EFFECT] = between_effect(first, second, style, study, var.test, var.digits)
    cells["p"] = between_groups_numeric(first, second, var.kind, study, var.test)
    recorded = {"overall": first.n + second.n} | {f"group:{g}": dists[g].n for g in groups}
    lacking = {"overall": first.n_missing + second.n_missing}
    lacking |= {f"group:{g}": dists[g].n_missing for g in groups}
    row = Row(var.key, var.label, None, "single", cells, recorded)
    return [row, *missing_row(var.key, var.label, lacking, study.analysis.missing)]


def variable_rows(
    aggregates: Aggregates, study: Study, table: int, effects: bool = False
) -> list[Row]:
    """Rows of every variable the study assigns to ``table``, in study-file order.

    ``effects`` adds the between-group difference with its 95% CI
    (:mod:`painresponse.tables.effects`).
    """
    rows: list[Row] = []
    for var in study.variables:
        if var.table != table:
            continue
        counts = aggregates.variables[var.key]
        if var.is_categorical:
            rows += _categorical_rows(counts, var, study, effects)
        else:
            rows += _numeric_row(counts, var, study, effects)
    return rows
