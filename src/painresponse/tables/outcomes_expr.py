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
    total = pl.sum_horizontal([pl.col(c) for c in cols]).cast(pl.Float64)
    return pl.when(recorded).then(total).otherwise(None)
