"""Tables 1–3, characteristics section: each variable summarised by group, with a p-value."""

from __future__ import annotations

import numpy as np
import polars as pl

from painresponse.cohort import GROUP
from painresponse.study import Study, Variable
from painresponse.tables.model import Cell, Row, Text
from painresponse.tables.summaries import count_percent, mean_sd, median_iqr
from painresponse.tables.tests_run import between_groups_categorical, between_groups_numeric

__all__ = ["variable_rows"]


def _categorical_rows(analysed: pl.DataFrame, var: Variable, study: Study) -> list[Row]:
    groups = study.group_labels()
    levels = var.display_levels()
    col = pl.col(var.column)
    counts = np.zeros((len(levels), len(groups)), dtype=np.int64)
    for j, g in enumerate(groups):
        sub = analysed.filter(pl.col(GROUP) == g)
        for i, (_, raw) in enumerate(levels):
            counts[i, j] = sub.filter(col.is_in(raw)).height
    missing = [
        analysed.filter((pl.col(GROUP) == g) & col.is_null()).height for g in groups
    ]
    totals = counts.sum(axis=0)
    overall = counts.sum(axis=1)
    pvalue = between_groups_categorical(counts, var.kind, study, var.test)
    rows = [Row(var.key, var.label, None, "header", {"p": pvalue})]
    for i, (label, _) in enumerate(levels):
        if overall[i] == 0 and not var.show_empty_levels:
            continue
        cells: dict[str, Cell] = {
            "overall": count_percent(int(overall[i]), int(totals.sum()), var.digits)
        }
        for j, g in enumerate(groups):
            cells[f"group:{g}"] = count_percent(int(counts[i, j]), int(totals[j]), var.digits)
        rows.append(Row(var.key, var.label, label, "level", cells))
    if any(missing):
        cells = {"overall": Text(str(sum(missing)))}
        for j, g in enumerate(groups):
            cells[f"group:{g}"] = Text(str(missing[j]))
        rows.append(Row(var.key, var.label, "Missing", "level", cells))
    return rows


def _numeric_row(analysed: pl.DataFrame, var: Variable, study: Study) -> list[Row]:
    groups = study.group_labels()
    summarise = mean_sd if var.display_kind == "mean_sd" else median_iqr
    values = [
        analysed.filter(pl.col(GROUP) == g)[var.column].cast(pl.Float64).to_numpy() for g in groups
    ]
    cells: dict[str, Cell] = {
        "overall": summarise(analysed[var.column].cast(pl.Float64).to_numpy(), var.digits)
    }
    for g, v in zip(groups, values, strict=True):
        cells[f"group:{g}"] = summarise(v, var.digits)
    cells["p"] = between_groups_numeric(values[0], values[1], var.kind, study, var.test)
    return [Row(var.key, var.label, None, "single", cells)]


def variable_rows(analysed: pl.DataFrame, study: Study, table: int) -> list[Row]:
    """Rows of every variable the study assigns to ``table``, in study-file order."""
    rows: list[Row] = []
    for var in study.variables:
        if var.table != table:
            continue
        if var.is_categorical:
            rows += _categorical_rows(analysed, var, study)
        else:
            rows += _numeric_row(analysed, var, study)
    return rows
