"""Outcome rows: between groups at each time (Table 3), within groups over time (Table 4)
and change scores between groups (Table 5)."""

from __future__ import annotations

import numpy as np
import polars as pl

from painresponse.cohort import GROUP
from painresponse.study import Outcome, Study
from painresponse.tables.model import Cell, Comparison, Row
from painresponse.tables.summaries import mean_sd, median_iqr
from painresponse.tables.tests_run import between_groups_numeric, within_group_paired

__all__ = [
    "between_time_rows",
    "change_rows",
    "outcome_expr",
    "outcome_values",
    "within_group_rows",
]


def outcome_expr(outcome: Outcome, time: str) -> pl.Expr:
    """The outcome's score at ``time``: the column, or the level sum (null if any missing)."""
    cols = outcome.raw_columns(time)
    if len(cols) == 1:
        return pl.col(cols[0]).cast(pl.Float64)
    recorded = pl.all_horizontal([pl.col(c).is_not_null() for c in cols])
    total = pl.sum_horizontal([pl.col(c) for c in cols]).cast(pl.Float64)
    return pl.when(recorded).then(total).otherwise(None)


def outcome_values(frame: pl.DataFrame, outcome: Outcome, time: str) -> np.ndarray:
    """The outcome's scores at ``time`` as floats (NaN = not recorded)."""
    return frame.select(outcome_expr(outcome, time).alias("v"))["v"].to_numpy().astype(float)


def _by_group(frame: pl.DataFrame, study: Study) -> list[tuple[str, pl.DataFrame]]:
    return [(g, frame.filter(pl.col(GROUP) == g)) for g in study.group_labels()]


def between_time_rows(analysed: pl.DataFrame, study: Study) -> list[Row]:
    """Table 3: each outcome at each time point, summarised by group, compared between them."""
    rows: list[Row] = []
    summarise = mean_sd if study.analysis.outcome_display_between == "mean_sd" else median_iqr
    for outcome in study.outcomes:
        rows.append(Row(outcome.key, outcome.label, None, "header", {}))
        for t in outcome.time_keys():
            cells: dict[str, Cell] = {
                "overall": summarise(outcome_values(analysed, outcome, t), outcome.digits)
            }
            values = []
            for g, sub in _by_group(analysed, study):
                v = outcome_values(sub, outcome, t)
                values.append(v)
                cells[f"group:{g}"] = summarise(v, outcome.digits)
            cells["p"] = between_groups_numeric(values[0], values[1], outcome.kind, study, None)
            rows.append(Row(outcome.key, outcome.label, study.time(t).label, "level", cells))
    return rows


def _pair_label(study: Study, later: str, earlier: str, sep: str) -> str:
    return f"{study.time(later).label}{sep}{study.time(earlier).label}"


def within_group_rows(analysed: pl.DataFrame, study: Study) -> list[Row]:
    """Table 4: within each group, later vs. earlier time point, median (IQR), signed-rank p.

    Both summaries and the test use the patients with both scores recorded.
    """
    rows: list[Row] = []
    for outcome in study.outcomes:
        rows.append(Row(outcome.key, outcome.label, None, "header", {}))
        for later, earlier in study.comparisons():
            cells: dict[str, Cell] = {}
            for g, sub in _by_group(analysed, study):
                a = outcome_values(sub, outcome, later)
                b = outcome_values(sub, outcome, earlier)
                both = ~(np.isnan(a) | np.isnan(b))
                cells[f"group:{g}"] = Comparison(
                    median_iqr(a[both], outcome.digits), median_iqr(b[both], outcome.digits)
                )
                cells[f"p:{g}"] = within_group_paired(a[both], b[both], study)
            label = _pair_label(study, later, earlier, " vs. ")
            rows.append(Row(outcome.key, outcome.label, label, "level", cells))
    return rows


def change_rows(analysed: pl.DataFrame, study: Study) -> list[Row]:
    """Table 5: change scores (later − earlier), median (IQR) overall and by group, rank-sum p."""
    rows: list[Row] = []
    for outcome in study.outcomes:
        rows.append(Row(outcome.key, outcome.label, None, "header", {}))
        for later, earlier in study.comparisons():
            whole = outcome_values(analysed, outcome, later) - outcome_values(
                analysed, outcome, earlier
            )
            cells: dict[str, Cell] = {"overall": median_iqr(whole, outcome.digits, "to")}
            changes = []
            for g, sub in _by_group(analysed, study):
                d = outcome_values(sub, outcome, later) - outcome_values(sub, outcome, earlier)
                changes.append(d)
                cells[f"group:{g}"] = median_iqr(d, outcome.digits, "to")
            cells["p"] = between_groups_numeric(changes[0], changes[1], outcome.kind, study, None)
            label = _pair_label(study, later, earlier, "–")
            rows.append(Row(outcome.key, outcome.label, label, "level", cells))
    return rows
