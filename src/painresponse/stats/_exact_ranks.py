"""Exact conditional null distributions of the Wilcoxon rank statistics.

Both statistics are handled on *doubled* mid-ranks, which are always integers, so the
distributions live on an integer lattice and the comparisons that define a p-value are
exact integer comparisons (no floating-point tolerance is needed, although callers may
still apply one).

Rank-sum (2 x c ordered table)
    Category ``j`` holds ``t_j`` tied observations with doubled mid-rank ``s_j``; the first
    group takes ``a_j`` of them, ``sum(a_j) = m``. Under H0 the ``a_j`` are multivariate
    hypergeometric. We use the identity "independent binomials conditioned on their total
    are multivariate hypergeometric": with ``a_j ~ Binomial(t_j, p)`` independent and
    ``p = m / N`` (the tilt that makes ``A = m`` the most likely total), the joint
    distribution of ``(A, W2)`` is built by a dynamic programme over categories with state
    ``(A so far, partial W2)``; row ``A = m`` divided by its mass is the exact conditional
    distribution. All weights are non-negative probabilities, so rounding errors are
    relative (no cancellation) and tiny tail probabilities keep full relative precision.

Signed-rank
    Each non-zero ``|d|`` category ``j`` holds ``t_j`` ties with doubled rank ``r_j``; the
    number of positive signs is ``Binomial(t_j, 1/2)``. A one-dimensional programme over
    the partial ``V2`` gives the exact distribution.

The ``*_cost`` functions return the number of cell updates the programme performs; the
public ``method="auto"`` rule compares them with :data:`AUTO_EXACT_MAX_COST`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "AUTO_EXACT_MAX_COST",
    "EXACT_MAX_CELLS",
    "rank_sum_cells",
    "rank_sum_cost",
    "rank_sum_distribution",
    "signed_rank_cost",
    "signed_rank_distribution",
]

#: ``method="auto"`` uses the exact distribution when the programme needs at most this
#: many cell updates (about 0.1-0.3 s on a 2020s laptop).
AUTO_EXACT_MAX_COST = 1.0e8

#: ``method="exact"`` refuses (with a clear error) when the programme's table would need
#: more cells than this (3e7 cells = 240 MB per float64 table; two tables are live).
EXACT_MAX_CELLS = 3.0e7


def _rank_sum_plan(
    scores2: Sequence[int], totals: Sequence[int], m: int
) -> tuple[int, int, list[tuple[int, int, int, int, int]]]:
    """Row bands and column widths of the rank-sum programme, category by category.

    Returns ``(rows, cols, plan)`` where each plan entry is
    ``(k_lo_old, k_hi_old, k_lo_new, k_hi_new, col_hi_old)``.
    """
    n_total = int(sum(totals))
    s_min = int(scores2[0])
    # Largest reachable column: the m largest doubled scores, each measured from s_min.
    remaining = m
    col_max = 0
    for s, t in sorted(zip(scores2, totals, strict=True), reverse=True):
        take = min(int(t), remaining)
        col_max += take * (int(s) - s_min)
        remaining -= take
        if remaining == 0:
            break
    cols = col_max + 1
    plan = []
    k_lo, k_hi, col_hi, done = 0, 0, 0, 0
    for s, t in zip(scores2, totals, strict=True):
        done += int(t)
        k_lo_new = max(0, m - (n_total - done))
        k_hi_new = min(m, done)
        plan.append((k_lo, k_hi, k_lo_new, k_hi_new, col_hi))
        col_hi = min(col_max, col_hi + min(int(t), m) * (int(s) - s_min))
        k_lo, k_hi = k_lo_new, k_hi_new
    return m + 1, cols, plan


def rank_sum_cost(scores2: Sequence[int], totals: Sequence[int], m: int) -> float:
    """Number of cell updates of :func:`rank_sum_distribution` (the "auto" cost)."""
    m = min(m, int(sum(totals)) - m)
    _, _, plan = _rank_sum_plan(scores2, totals, m)
    cost = 0.0
    for (k_lo, k_hi, k_lo_new, k_hi_new, col_hi), t in zip(plan, totals, strict=True):
        # Vectorised over the a = 0..t items taken from this category (t can be 10^6).
        a = np.arange(int(t) + 1, dtype=np.int64)
        rows = np.minimum(k_hi, k_hi_new - a) - np.maximum(k_lo, k_lo_new - a) + 1
        cost += float(rows[rows > 0].sum()) * (col_hi + 1)
        if cost > 1e15:  # far beyond any exact budget: stop counting
            return cost
    return cost


def rank_sum_cells(scores2: Sequence[int], totals: Sequence[int], m: int) -> float:
    """Cells of the programme's table (rows x columns)."""
    m = min(m, int(sum(totals)) - m)
    rows, cols, _ = _rank_sum_plan(scores2, totals, m)
    return float(rows) * float(cols)


def rank_sum_distribution(
    scores2: Sequence[int], totals: Sequence[int], m: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Exact null distribution of the doubled rank sum of a group of size ``m``.

    Parameters
    ----------
    scores2 : sequence of int
        Doubled mid-ranks of the categories, strictly increasing.
    totals : sequence of int
        Observations (both groups) per category, all positive.
    m : int
        Size of the group whose rank sum is the statistic, ``0 < m < N``.

    Returns
    -------
    support : ndarray of int64
        Possible values of the doubled rank sum ``W2`` (only those with positive mass).
    probs : ndarray of float64
        Their probabilities (summing to 1 up to rounding).
    """
    n_total = int(sum(totals))
    total2 = n_total * (n_total + 1)
    if 2 * m > n_total:
        # The other group is smaller: W2_x = N(N+1) - W2_y.
        support_y, probs_y = rank_sum_distribution(scores2, totals, n_total - m)
        return (total2 - support_y)[::-1].copy(), probs_y[::-1].copy()
    rows, cols, plan = _rank_sum_plan(scores2, totals, m)
    s_min = int(scores2[0])
    p = m / n_total
    table = np.zeros((rows, cols))
    table[0, 0] = 1.0
    for (k_lo, k_hi, k_lo_new, k_hi_new, col_hi), s, t in zip(plan, scores2, totals, strict=True):
        t = int(t)
        weights = _binom_pmf(t, p)
        step = int(s) - s_min
        new = np.zeros_like(table)
        for a in range(min(t, m) + 1):
            src_lo = max(k_lo, k_lo_new - a)
            src_hi = min(k_hi, k_hi_new - a)
            if src_lo > src_hi or weights[a] == 0.0:
                continue
            shift = a * step
            width = min(col_hi + 1, cols - shift)
            if width <= 0:
                continue
            new[src_lo + a : src_hi + a + 1, shift : shift + width] += (
                weights[a] * table[src_lo : src_hi + 1, :width]
            )
        table = new
    last = table[m]
    nonzero = np.flatnonzero(last > 0.0)
    probs = last[nonzero] / last[nonzero].sum()
    support = nonzero.astype(np.int64) + m * s_min
    return support, probs


def signed_rank_cost(scores2: Sequence[int], counts: Sequence[int]) -> float:
    """Number of cell updates of :func:`signed_rank_distribution` (the "auto" cost)."""
    cost = 0.0
    width = 1
    for r, t in zip(scores2, counts, strict=True):
        cost += (int(t) + 1) * width
        width += int(t) * int(r)
    return cost


def signed_rank_distribution(
    scores2: Sequence[int], counts: Sequence[int]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Exact null distribution of the doubled sum of positive ranks ``V2``.

    Parameters
    ----------
    scores2 : sequence of int
        Doubled mid-ranks of the non-zero ``|d|`` categories (positive integers).
    counts : sequence of int
        Non-zero differences per category.

    Returns
    -------
    support : ndarray of int64
        Possible values of ``V2`` with positive mass.
    probs : ndarray of float64
        Their probabilities.
    """
    width_max = 1 + sum(int(r) * int(t) for r, t in zip(scores2, counts, strict=True))
    dist = np.zeros(width_max)
    dist[0] = 1.0
    width = 1
    for r, t in zip(scores2, counts, strict=True):
        r, t = int(r), int(t)
        weights = _binom_pmf(t, 0.5)
        new = np.zeros(width + t * r)
        for a in range(t + 1):
            if weights[a] > 0.0:
                new[a * r : a * r + width] += weights[a] * dist[:width]
        width += t * r
        dist[:width] = new
    nonzero = np.flatnonzero(dist > 0.0)
    probs = dist[nonzero] / dist[nonzero].sum()
    return nonzero.astype(np.int64), probs


def _binom_pmf(t: int, p: float) -> NDArray[np.float64]:
    """Binomial(t, p) probabilities of 0..t (scipy.stats imported only when exact is run)."""
    from scipy.stats import binom

    return np.asarray(binom.pmf(np.arange(t + 1), t, p), dtype=np.float64)
