"""Rank tests of k independent groups and of k repeated measurements.

:func:`kruskal` (Kruskal–Wallis) and :func:`friedman`, both with the chi-square
approximation and tie corrections, as R's ``kruskal.test`` and ``friedman.test``; the
two-sample and paired exact tests are in :mod:`painresponse.stats.ranks`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from painresponse.errors import StatisticsError
from painresponse.stats._distributions import chi2_sf
from painresponse.stats._result import TestResult
from painresponse.stats.ranks import _as_float_array, _as_sample

__all__ = ["friedman", "kruskal"]


def kruskal(*groups: ArrayLike) -> TestResult:
    """Kruskal-Wallis rank test of k independent groups (chi-square approximation).

    Parameters
    ----------
    *groups : array_like
        Two or more samples; NaN/None are dropped per group.

    Returns
    -------
    TestResult
        ``test="kruskal"``, ``statistic`` the tie-corrected ``H`` ("Kruskal-Wallis
        chi-squared"), ``df = k - 1``, ``n``/``n_missing`` per group, ``details`` with the
        uncorrected ``H`` and the tie correction factor.

    Notes
    -----
    .. math:: H = \\frac{\\frac{12}{N(N+1)} \\sum_i R_i^2 / n_i - 3(N+1)}
                        {1 - \\sum_j (t_j^3 - t_j) / (N^3 - N)}

    compared with chi-square on ``k - 1`` df (R ``kruskal.test``). When all values are
    tied the statistic is undefined and the p-value NaN (``note``).

    References
    ----------
    Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis.
    *J Am Stat Assoc* 1952;47:583-621.

    Examples
    --------
    Hollander & Wolfe (1973, p. 116), mucociliary efficiency:

    >>> res = kruskal([2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0])
    >>> round(res.statistic, 4), round(res.pvalue, 4)
    (0.7714, 0.68)
    """
    if len(groups) < 2:
        raise StatisticsError("The Kruskal-Wallis test needs at least two groups.")
    cleaned = [_as_sample(g, f"group {i + 1}") for i, g in enumerate(groups)]
    for i, (values, _) in enumerate(cleaned):
        if values.size == 0:
            raise StatisticsError(f"Group {i + 1} has no non-missing value.")
    pooled = np.concatenate([values for values, _ in cleaned])
    sizes = np.array([values.size for values, _ in cleaned])
    n_total = pooled.size
    from scipy.stats import rankdata

    ranks = rankdata(pooled)
    rank_sums = np.add.reduceat(ranks, np.concatenate(([0], np.cumsum(sizes)[:-1])))
    h_raw = 12.0 / (n_total * (n_total + 1)) * float((rank_sums**2 / sizes).sum()) - 3.0 * (
        n_total + 1
    )
    _, ties = np.unique(pooled, return_counts=True)
    tie_factor = 1.0 - float((ties.astype(float) ** 3 - ties).sum()) / (n_total**3 - n_total)
    df = float(len(groups) - 1)
    note = None
    if tie_factor <= 0:
        statistic, pvalue = math.nan, math.nan
        note = "All observations are tied: the Kruskal-Wallis statistic is undefined."
    else:
        statistic = h_raw / tie_factor
        pvalue = float(chi2_sf(statistic, df))
    return TestResult(
        test="kruskal",
        method="Kruskal-Wallis rank sum test, chi-square approximation",
        statistic=statistic,
        pvalue=pvalue,
        n=tuple(int(s) for s in sizes),
        n_missing=tuple(missing for _, missing in cleaned),
        statistic_name="Kruskal-Wallis chi-squared",
        df=df,
        note=note,
        details={"H_uncorrected": h_raw, "tie_correction": tie_factor},
    )


def friedman(*time_points: ArrayLike) -> TestResult:
    """Friedman rank test of one group measured at k time points.

    Parameters
    ----------
    *time_points : array_like
        ``k >= 2`` arrays of equal length, one per time point, patients in the same order.
        Patients with any missing value are dropped (complete cases).

    Returns
    -------
    TestResult
        ``test="friedman"``, ``statistic`` the tie-corrected Friedman chi-squared,
        ``df = k - 1``, ``n = (patients used,)``, ``n_missing = (patients dropped,)``,
        ``details`` with ``k`` and the mean rank per time point.

    Notes
    -----
    With ``R_j`` the rank sums per time point (ranks within patient, mid-ranks for ties)
    and ``t`` the tie block sizes within patients,

    .. math:: \\chi^2_F = \\frac{12 \\sum_j (R_j - n(k+1)/2)^2}
                              {n k (k+1) - \\sum (t^3 - t) / (k - 1)}

    on ``k - 1`` df, as R ``friedman.test`` on the n x k matrix.

    References
    ----------
    Friedman M. The use of ranks to avoid the assumption of normality implicit in the
    analysis of variance. *J Am Stat Assoc* 1937;32:675-701.

    Examples
    --------
    >>> res = friedman([7, 6, 8, 5, 9], [5, 5, 6, 4, 7], [4, 3, 6, 2, 6])
    >>> round(res.statistic, 4), round(res.pvalue, 6)
    (9.5789, 0.008317)
    """
    if len(time_points) < 2:
        raise StatisticsError("The Friedman test needs at least two time points.")
    arrays = [_as_float_array(t, f"time point {i + 1}") for i, t in enumerate(time_points)]
    lengths = {a.size for a in arrays}
    if len(lengths) != 1:
        raise StatisticsError(
            f"All time points must have the same number of patients, got {sorted(lengths)}."
        )
    matrix = np.column_stack(arrays)
    complete = ~np.isnan(matrix).any(axis=1)
    matrix = matrix[complete]
    n, k = matrix.shape
    if n == 0:
        raise StatisticsError("No patient has values at every time point.")
    from scipy.stats import rankdata

    ranks = rankdata(matrix, axis=1)
    rank_sums = ranks.sum(axis=0)
    # Each member of a within-patient tie block of size t contributes t^2 - 1, so a block
    # contributes t^3 - t in total.
    block_size = (matrix[:, :, None] == matrix[:, None, :]).sum(axis=2).astype(float)
    tie_term = float((block_size**2 - 1.0).sum())
    denominator = n * k * (k + 1) - tie_term / (k - 1)
    df = float(k - 1)
    note = None
    if denominator <= 0:
        statistic, pvalue = math.nan, math.nan
        note = "Every patient has the same value at all time points: the statistic is undefined."
    else:
        statistic = 12.0 * float(((rank_sums - n * (k + 1) / 2.0) ** 2).sum()) / denominator
        pvalue = float(chi2_sf(statistic, df))
    return TestResult(
        test="friedman",
        method="Friedman rank sum test, chi-square approximation",
        statistic=statistic,
        pvalue=pvalue,
        n=(int(n),),
        n_missing=(int((~complete).sum()),),
        statistic_name="Friedman chi-squared",
        df=df,
        note=note,
        details={"k": int(k), "mean_ranks": (rank_sums / n).tolist()},
    )
