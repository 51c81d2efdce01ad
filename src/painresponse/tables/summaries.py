"""Descriptive summaries of one column of numbers: the cells of the tables.

Quartiles use SAS's default definition (PROC UNIVARIATE QNTLDEF=5, the empirical
distribution function with averaging), because the published study used SAS 9.4;
numpy calls it ``averaged_inverted_cdf``.

"""

from __future__ import annotations

import math

import numpy as np

from painresponse.tables.model import CountPercent, MeanSD, MedianIQR

__all__ = ["count_percent", "mean_sd", "median_iqr", "sas_quartiles"]


def sas_quartiles(values: np.ndarray) -> tuple[float, float, float]:
    """(Q1, median, Q3) by SAS QNTLDEF=5.

    Examples
    --------
    >>> sas_quartiles(np.array([1.0, 2.0, 3.0, 4.0]))
    (1.5, 2.5, 3.5)
    """
    if values.size == 0:
        return (math.nan, math.nan, math.nan)
    q = np.quantile(values, [0.25, 0.5, 0.75], method="averaged_inverted_cdf")
    return (float(q[0]), float(q[1]), float(q[2]))


def _present(values: np.ndarray) -> tuple[np.ndarray, int]:
    values = np.asarray(values, dtype=float)
    keep = ~np.isnan(values)
    return values[keep], int((~keep).sum())


def mean_sd(values: np.ndarray, digits: int = 1) -> MeanSD:
    """Mean and sample SD (n − 1) of the non-missing values.

    Examples
    --------
    >>> mean_sd(np.array([1.0, 2.0, 3.0, np.nan]))
    MeanSD(mean=2.0, sd=1.0, n=3, n_missing=1, digits=1)
    """
    x, missing = _present(values)
    if x.size == 0:
        return MeanSD(math.nan, math.nan, 0, missing, digits)
    sd = float(np.std(x, ddof=1)) if x.size > 1 else math.nan
    return MeanSD(float(np.mean(x)), sd, int(x.size), missing, digits)


def median_iqr(values: np.ndarray, digits: int = 1, style: str = "dash") -> MedianIQR:
    """Median and interquartile range (SAS quartiles) of the non-missing values."""
    x, missing = _present(values)
    q1, med, q3 = sas_quartiles(x)
    return MedianIQR(med, q1, q3, int(x.size), missing, digits, style)  # type: ignore[arg-type]


def count_percent(count: int, total: int, digits: int = 1) -> CountPercent:
    """``count`` out of ``total`` with its percentage (NaN when total is 0)."""
    pct = 100.0 * count / total if total else math.nan
    return CountPercent(int(count), int(total), pct, digits)
