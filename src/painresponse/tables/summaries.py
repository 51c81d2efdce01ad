"""Table cells from a frequency table: n (%), mean ± SD, median (IQR).

Quartiles use SAS's default definition (PROC UNIVARIATE QNTLDEF=5, the empirical
distribution function with averaging), because the published study used SAS 9.4.

Examples
--------
>>> import numpy as np
>>> from painresponse.tables.frequencies import Distribution
>>> d = Distribution.from_values(np.array([1.0, 2.0, 3.0, 4.0]))
>>> summarise(d, "median_iqr")
MedianIQR(median=2.5, q1=1.5, q3=3.5, n=4, n_missing=0, digits=1, style='dash', show_n=False)
>>> summarise(d, "mean_sd").mean
2.5
"""

from __future__ import annotations

import math

from painresponse.tables.frequencies import Distribution
from painresponse.tables.model import CountPercent, MeanSD, MedianIQR

__all__ = ["count_percent", "summarise"]


def summarise(
    dist: Distribution, style: str, digits: int = 1, iqr_style: str = "dash"
) -> MeanSD | MedianIQR:
    """``mean_sd`` → :class:`MeanSD` (SD with n − 1); else :class:`MedianIQR` (SAS quartiles)."""
    if style == "mean_sd":
        return MeanSD(dist.mean(), dist.sd(), dist.n, dist.n_missing, digits)
    q1, med, q3 = dist.quartiles()
    return MedianIQR(med, q1, q3, dist.n, dist.n_missing, digits, iqr_style)  # type: ignore[arg-type]


def count_percent(count: int, total: int, digits: int = 1) -> CountPercent:
    """``count`` out of ``total`` with its percentage (NaN when total is 0)."""
    pct = 100.0 * count / total if total else math.nan
    return CountPercent(int(count), int(total), pct, digits)
