"""Sufficient statistics: value counts per group, from which every table cell is computed.

Tables are built from frequency tables, never from per-patient loops: a small study and a
registry of millions of patients go through the same code. An integer scale (NRS 0–10,
EQ-5D sums 5–25) has a handful of distinct values, so its counts are tiny whatever n is.

Examples
--------
>>> import numpy as np
>>> d = Distribution.from_values(np.array([1.0, 2.0, 2.0, 3.0, np.nan]))
>>> d.n, d.n_missing, d.mean(), d.quartiles()
(4, 1, 2.0, (1.5, 2.0, 2.5))
"""

from __future__ import annotations

import polars as pl

from painresponse.stats.distribution import Distribution

__all__ = ["Distribution", "distributions_by_group"]


def distributions_by_group(
    counts: pl.DataFrame, value: str, group: str, weight: str, groups: tuple[str, ...]
) -> dict[str, Distribution]:
    """Split a (group, value, count) frequency table into one Distribution per group.

    Rows whose ``value`` is null count as missing.
    """
    out = {}
    for g in groups:
        sub = counts.filter(pl.col(group) == g).select(value, weight)
        present = sub.filter(pl.col(value).is_not_null())
        missing = int(sub.filter(pl.col(value).is_null())[weight].sum())
        out[g] = Distribution.from_counts(
            present[value].cast(pl.Float64).to_numpy(), present[weight].to_numpy(), missing
        )
    return out
