"""The expression of an outcome's score at one time point."""

from __future__ import annotations

import polars as pl

from painresponse.study import Outcome

__all__ = ["outcome_expr"]


def outcome_expr(outcome: Outcome, time: str) -> pl.Expr:
    """The outcome's score at ``time``: the column, or the level sum (null if any is missing)."""
    cols = outcome.raw_columns(time)
    if len(cols) == 1:
        return pl.col(cols[0]).cast(pl.Float64)
    recorded = pl.all_horizontal([pl.col(c).is_not_null() for c in cols])
    if outcome.summary == "index":
        return pl.when(recorded).then(_index_expr(cols, outcome.value_set)).otherwise(None)
    total = pl.sum_horizontal([pl.col(c) for c in cols]).cast(pl.Float64)
    return pl.when(recorded).then(total).otherwise(None)


def _index_expr(cols: list[str], value_set: str) -> pl.Expr:
    """EQ-5D-5L index: 1 − constant·[any level > 1] − Σ decrements − N4·[any level ≥ 4]."""
    from painresponse.eq5d import DIMENSIONS, value_set_coefficients

    coef = value_set_coefficients(value_set)
    decrements = [
        pl.col(col)
        .cast(pl.Float64)
        .replace_strict(
            {1.0: 0.0, **{float(level): coef[f"{dim}{level}"] for level in range(2, 6)}},
            return_dtype=pl.Float64,
        )
        for dim, col in zip(DIMENSIONS, cols, strict=True)
    ]
    above_one = pl.any_horizontal([pl.col(c) > 1 for c in cols]).cast(pl.Float64)
    severe = pl.any_horizontal([pl.col(c) >= 4 for c in cols]).cast(pl.Float64)
    return 1.0 - coef["constant"] * above_one - pl.sum_horizontal(decrements) - coef["N4"] * severe
