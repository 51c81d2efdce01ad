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
    """EQ-5D-5L index of the five columns: :func:`painresponse.eq5d.eq5d_index`, batch by batch."""
    from painresponse.eq5d import eq5d_index

    def index(levels: pl.Series) -> pl.Series:
        return pl.Series(eq5d_index(levels.struct.unnest().to_numpy(), value_set))

    # one model for every value set (constants, N4/N5, level 4-5 and squared terms)
    return pl.struct(cols).map_batches(index, return_dtype=pl.Float64)
