"""Exact conditional null distributions and p-values of the Wilcoxon rank statistics.

Both statistics are handled on *doubled* mid-ranks, which are always integers, so the
distributions live on an integer lattice and the comparisons that define a p-value are
exact integer comparisons (no floating-point tolerance is needed, although callers may
still apply one).

Rank-sum (2 x c ordered table)
    Category ``j`` holds ``t_j`` tied observations with doubled mid-rank ``s_j``; the first
    group takes ``a_j`` of them, ``sum(a_j) = m``. Under H0 the ``a_j`` are multivariate
    hypergeometric. :func:`rank_sum_distribution` uses the identity "independent binomials
    conditioned on their total are multivariate hypergeometric": with ``a_j ~ Binomial(t_j,
    p)`` independent and ``p = m / N``, the joint distribution of ``(A, W2)`` is built by a
    dynamic programme over categories with state ``(A so far, partial W2)``; row ``A = m``
    divided by its mass is the exact conditional distribution. All weights are
    non-negative, so rounding errors are relative and tiny tails keep full precision.

Signed-rank
    Each non-zero ``|d|`` category ``j`` holds ``t_j`` ties with doubled rank ``r_j``; the
    number of positive signs is ``Binomial(t_j, 1/2)``. A one-dimensional programme over
    the partial ``V2`` gives the exact distribution (:func:`signed_rank_distribution`).

p-values at every size (:func:`rank_sum_pvalue`, :func:`signed_rank_pvalue`)
    Small tables get the whole distribution above (NumPy, a few milliseconds, bit for bit
    what the Hodges-Lehmann intervals invert). Larger ones compute only the tails the
    p-value needs (one when the null distribution is symmetric, as it always is for
    signed ranks and for untied samples), by exact algorithms in compiled kernels:

    * at most 4 distinct values: sums of hypergeometric terms
      (:func:`._exact_sums.rank_sum_tail_few`), O(m^2);
    * 5 or 6 distinct values (0-4 and 0-5 scales) and a smaller group of at most
      :data:`._exact_choice.FIVE_MAX_M` (:data:`._exact_choice.SIX_MAX_M`): nested
      hypergeometric sums (:mod:`._exact_sums`), the terms that cannot reach a tail
      skipped exactly and those below 1e-19 of the p-value left out with their weight
      checked; for a larger group the same sums when they are expected cheap, narrow laws
      as on a skewed scale, and given up past a limit (:func:`._exact_choice.sums_effort`);
    * from five values on, a tail whose Chernoff bound (:mod:`._exact_bound`) is below
      the float range is left out (it rounds to 0 and adds nothing; all left out: a
      p-value of exactly 0, ``"chernoff bound"``);
    * otherwise the cheaper of (:mod:`._exact_choice`)
      - the *network* programme (:func:`._exact_kernels.rank_sum_tail`, one category at
        a time with hypergeometric steps; :func:`._exact_kernels.signed_rank_tail`, one
        sign at a time), carrying only the states that can still end on either side of
        the observed statistic (Mehta & Patel's shortest- and longest-path bounds): cheap
        up to a few hundred observations, for a small group against a large one, and in
        extreme tails; its work is counted beforehand by a dry run of its loops;
      - certified tilted Fourier inversion (:mod:`._exact_fourier`): cost independent of
        the score range, a few thousand nodes for large samples (for a small group, whole
        rows of the grid are bounded by Cauchy's estimate of their sum); relative error
        bound at most :data:`FOURIER_MAX_REL_ERROR`, reported.

    The choice compares the programme's counted cells with the Fourier nodes kept by the
    screening (which stops early when the programme is cheaper); a grid that cannot
    certify its bound falls back to the programme and, when the programme is beyond its
    limits of work or memory, runs with a larger budget. The two tails of a two-sided
    test run on two threads when both are heavy. Every path is exact; none falls back to
    an approximation. Timings at the corners of the rule (a group of 20-150 against 5,000
    on 7-100 values; skewed scales with p below 1e-60) are in ``benchmarks/exact_tests.py``.

References
----------
Mehta CR, Patel NR. A network algorithm for performing Fisher's exact test in r x c
contingency tables. *J Am Stat Assoc* 1983;78:427-434. Streitberg B, Röhmel J. Exact
distributions for permutation and rank tests: an introduction to some recently published
algorithms. *Stat Software Newsl* 1986;12:10-17. Hothorn T, Hornik K, van de Wiel MA,
Zeileis A. Implementing a class of permutation tests: the coin package. *J Stat Softw*
2008;28(8).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from painresponse.stats import _exact_fourier, _rank_tails
from painresponse.stats._exact_bound import NEGLIGIBLE_LOG, log_upper_tail_bound
from painresponse.stats._exact_choice import (
    FEW_CATEGORIES,
    MIDDLE_TRY_PVALUE,
    ExactNotComputable,
    ExactPvalue,
    _combine,
    _five_categories,
    _tails,
    sums_effort,
    two_sided_middle,
)
from painresponse.stats._exact_fourier import (
    FOURIER_AUTO_MAX_NODES,
    FOURIER_MAX_N,
    FOURIER_MAX_NODES,
    FOURIER_MAX_PERIOD,
    FOURIER_MAX_REL_ERROR,
    FourierNotCertified,
)

__all__ = [
    "AUTO_EXACT_MAX_COST",
    "EXACT_MAX_CELLS",
    "FOURIER_AUTO_MAX_NODES",
    "FOURIER_MAX_N",
    "FOURIER_MAX_NODES",
    "FOURIER_MAX_PERIOD",
    "FOURIER_MAX_REL_ERROR",
    "ExactNotComputable",
    "ExactPvalue",
    "FourierNotCertified",
    "rank_sum_cells",
    "rank_sum_cost",
    "rank_sum_distribution",
    "rank_sum_pvalue",
    "rank_sum_pvalue_fourier",
    "signed_rank_cost",
    "signed_rank_distribution",
    "signed_rank_pvalue",
]

#: Two tails whose Chernoff bounds differ by more than this (natural log) are taken one
#: after the other, the larger first (:func:`_lopsided`); the bound is within about 9
#: nats of the tail, so the smaller is then likely below the larger's rounding.
LOPSIDED_NATS = 45.0
#: A tail below e^-38.5 times a float64 sum is under half its unit in the last place
#: (2^-54 = e^-37.4, and 1.1 of margin for the bound's own rounding): adding it changes
#: nothing.
_BELOW_HALF_ULP_NATS = 38.5

FOURIER_MIN_N_AUTO = 400
"""``stats.trend``'s "auto" rule tries the Fourier method from this many observations on."""
FOURIER_MAX_N_AUTO = 2_500
"""... and up to this many."""

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


def rank_sum_cost(
    scores2: Sequence[int], totals: Sequence[int], m: int, limit: float = 1e15
) -> float:
    """Number of cell updates of :func:`rank_sum_distribution` (counting stops above ``limit``)."""
    m = min(m, int(sum(totals)) - m)
    _, _, plan = _rank_sum_plan(scores2, totals, m)
    cost = 0.0
    for (k_lo, k_hi, k_lo_new, k_hi_new, col_hi), t in zip(plan, totals, strict=True):
        if t == 1:  # a = 0 or 1
            rows = max(0, min(k_hi, k_hi_new) - max(k_lo, k_lo_new) + 1)
            rows += max(0, min(k_hi, k_hi_new - 1) - max(k_lo, k_lo_new - 1) + 1)
            cost += float(rows) * (col_hi + 1)
        else:  # vectorised over the a = 0..t items taken from this category (t up to 10^6)
            a = np.arange(int(t) + 1, dtype=np.int64)
            rows_a = np.minimum(k_hi, k_hi_new - a) - np.maximum(k_lo, k_lo_new - a) + 1
            cost += float(rows_a[rows_a > 0].sum()) * (col_hi + 1)
        if cost > limit:  # beyond the caller's budget: stop counting
            return cost
    return cost


def rank_sum_cells(scores2: Sequence[int], totals: Sequence[int], m: int) -> float:
    """Cells of the programme's table (rows x columns)."""
    m = min(m, int(sum(totals)) - m)
    rows, cols, _ = _rank_sum_plan(scores2, totals, m)
    return float(rows) * float(cols)


def rank_sum_distribution(
    scores2: Sequence[int], totals: Sequence[int], m: int, *, compiled: bool = False
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
    compiled : bool, default False
        Run the programme compiled (:func:`._exact_kernels.rank_sum_programme`): the same
        cell updates in the same order, so the same numbers bit for bit, about three
        times faster, at the price of loading numba (about 0.2 s the first time in a
        process). For callers that run many programmes, such as an exact interval's
        inversion; a single small test stays in numpy.

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
        support_y, probs_y = rank_sum_distribution(scores2, totals, n_total - m, compiled=compiled)
        return (total2 - support_y)[::-1].copy(), probs_y[::-1].copy()
    rows, cols, plan = _rank_sum_plan(scores2, totals, m)
    s_min = int(scores2[0])
    weights = [_binom_pmf(int(t), m / n_total) for t in totals]
    if compiled:
        starts = np.zeros(len(weights), dtype=np.int64)
        np.cumsum([w.size for w in weights[:-1]], out=starts[1:])
        last = _rank_tails.kernels().rank_sum_programme(
            np.asarray(plan, dtype=np.int64).reshape(-1, 5),
            np.asarray(scores2, dtype=np.int64) - s_min,
            np.minimum(np.asarray(totals, dtype=np.int64), m),
            np.concatenate(weights),
            starts,
            rows,
            cols,
            m,
        )
    else:
        last = _rank_sum_programme(plan, scores2, totals, weights, rows, cols, m)
    nonzero = np.flatnonzero(last > 0.0)
    probs = last[nonzero] / last[nonzero].sum()
    support = nonzero.astype(np.int64) + m * s_min
    return support, probs


def _rank_sum_programme(
    plan: list[tuple[int, int, int, int, int]],
    scores2: Sequence[int],
    totals: Sequence[int],
    weights: list[NDArray[np.float64]],
    rows: int,
    cols: int,
    m: int,
) -> NDArray[np.float64]:
    """Row ``m`` of the programme's last table, in numpy (one slice update per item count)."""
    s_min = int(scores2[0])
    # Each step's table is only as wide as the columns reachable so far (the same cells,
    # without allocating and clearing the final width at every category).
    table = np.zeros((rows, 1))
    table[0, 0] = 1.0
    for (k_lo, k_hi, k_lo_new, k_hi_new, col_hi), s, t, w in zip(
        plan, scores2, totals, weights, strict=True
    ):
        t = int(t)
        step = int(s) - s_min
        new = np.zeros((rows, min(cols, col_hi + min(t, m) * step + 1)))
        for a in range(min(t, m) + 1):
            src_lo = max(k_lo, k_lo_new - a)
            src_hi = min(k_hi, k_hi_new - a)
            if src_lo > src_hi or w[a] == 0.0:
                continue
            shift = a * step
            width = min(col_hi + 1, cols - shift)
            if width <= 0:
                continue
            new[src_lo + a : src_hi + a + 1, shift : shift + width] += (
                w[a] * table[src_lo : src_hi + 1, :width]
            )
        table = new
    return table[m]


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


@functools.lru_cache(maxsize=256)
def _binom_pmf(t: int, p: float) -> NDArray[np.float64]:
    """Binomial(t, p) probabilities of 0..t, without importing ``scipy.stats`` (~1 s).

    Built outwards from the mode by the ratios ``f(a+1)/f(a) = (t-a)/(a+1) * p/(1-p)``,
    so each probability has a relative error of a few ulp times ``log(t)`` and far tails
    underflow to 0 rather than lose precision; the mode's value comes from ``lgamma``.
    A common factor would cancel in every conditional distribution built from these.

    Cached (read-only arrays): an exact interval's inversion asks for the same few
    ``(t, p)`` thousands of times (the demo: 18,000 calls, 101 distinct).
    """
    out = _binom_pmf_uncached(t, p)
    out.setflags(write=False)
    return out


def _binom_pmf_uncached(t: int, p: float) -> NDArray[np.float64]:
    if t == 0:
        return np.ones(1)
    if p <= 0.0 or p >= 1.0:
        out = np.zeros(t + 1)
        out[0 if p <= 0.0 else t] = 1.0
        return out
    mode = min(t, int((t + 1) * p))
    a = np.arange(t + 1, dtype=np.float64)
    odds = p / (1.0 - p)
    log_mode = (
        math.lgamma(t + 1)
        - math.lgamma(mode + 1)
        - math.lgamma(t - mode + 1)
        + mode * math.log(p)
        + (t - mode) * math.log1p(-p)
    )
    out = np.empty(t + 1)
    out[mode] = 1.0
    with np.errstate(under="ignore"):
        up = (t - a[mode:t]) / (a[mode:t] + 1.0) * odds  # f(a+1)/f(a) for a = mode..t-1
        out[mode + 1 :] = np.cumprod(up)
        down = a[1 : mode + 1][::-1] / (t - a[1 : mode + 1][::-1] + 1.0) / odds  # f(a-1)/f(a)
        out[:mode] = np.cumprod(down)[::-1]
    return out * math.exp(log_mode)


# --------------------------------------------------------------- p-values at every size

#: Up to this many cell updates (:func:`rank_sum_cost`, :func:`signed_rank_cost`) the whole
#: distribution is computed in NumPy: a few milliseconds, and no compiled kernel is loaded.
SMALL_COST = 3.0e6
#: ... and its table has at most this many cells (a table is allocated per category).
SMALL_CELLS = 2.0e6


def _thresholds(
    twice_n_centre: int, scale: int, obs: int, alternative: str
) -> tuple[int | None, int | None]:
    """Upper and lower thresholds of the tails a p-value needs.

    ``twice_n_centre / (2 scale)`` is the null mean of the integer statistic ``obs``; the
    two-sided p-value is ``P(|D - E| >= |obs - E|)`` evaluated by integer comparisons.
    Returns ``(hi, lo)``: the p-value is ``P(D >= hi) + P(D <= lo)`` (a ``None`` tail is
    not needed).
    """
    if alternative == "greater":
        return obs, None
    if alternative == "less":
        return None, obs
    dev = abs(2 * scale * obs - twice_n_centre)
    hi = -((-(twice_n_centre + dev)) // (2 * scale))  # ceil(E + r)
    lo = (twice_n_centre - dev) // (2 * scale)  # floor(E - r)
    return hi, lo


def rank_sum_pvalue(
    scores2: Sequence[int], totals: Sequence[int], m: int, w2: int, alternative: str
) -> ExactPvalue:
    """Exact conditional rank-sum p-value by the cheapest exact algorithm.

    Parameters
    ----------
    scores2, totals, m
        As in :func:`rank_sum_distribution` (any integer scores, strictly increasing).
    w2 : int
        Observed (doubled) score sum of the group of size ``m``.
    alternative : {"two-sided", "less", "greater"}
        Two-sided is ``P(|W2 - E| >= |w2 - E|)``.

    Returns
    -------
    ExactPvalue

    Raises
    ------
    ExactNotComputable
        Only far beyond the documented size rule (no algorithm fits its limits).
    """
    scores = [int(s) for s in scores2]
    counts = [int(t) for t in totals]
    n_total = sum(counts)
    total_score = sum(s * t for s, t in zip(scores, counts, strict=True))
    s_min = scores[0]
    g = math.gcd(*(s - s_min for s in scores))
    if g == 0:  # a single category: every table has the same statistic
        return ExactPvalue(1.0, "dynamic programme", 0.0, support_size=1)
    # rank_sum_distribution reflects a larger group through the mid-rank total N(N+1)
    reflection_ok = 2 * m <= n_total or total_score == n_total * (n_total + 1)
    cost = rank_sum_cost(scores, counts, m, limit=SMALL_COST)
    small = cost <= SMALL_COST and rank_sum_cells(scores, counts, m) <= SMALL_CELLS
    if small and reflection_ok:
        # bit for bit the distribution other modules compute (the intervals invert it)
        support, probs = rank_sum_distribution(scores, counts, m)
        return ExactPvalue(
            pvalue=_distribution_tail(support, probs, w2, n_total, m * total_score, alternative),
            algorithm="dynamic programme",
            cost=cost,
            support_size=int(support.size),
        )
    if 2 * m > n_total:  # the smaller group: W2_y = sum - W2_x, tails swapped
        w2 = total_score - w2
        m = n_total - m
        alternative = {"less": "greater", "greater": "less"}.get(alternative, alternative)
    d = [(s - s_min) // g for s in scores]
    obs = (w2 - m * s_min) // g
    d_max = d[-1]
    twice_n_centre = 2 * m * sum(v * t for v, t in zip(d, counts, strict=True))
    hi, lo = _thresholds(twice_n_centre, n_total, obs, alternative)
    fourier_ok = n_total <= FOURIER_MAX_N
    reflected = ([d_max - v for v in reversed(d)], counts[::-1])
    symmetric = counts == counts[::-1] and all(
        a + b == d_max for a, b in zip(d, reversed(d), strict=True)
    )
    if alternative == "two-sided" and hi is not None and lo is not None and hi <= lo:
        return ExactPvalue(1.0, "network", 0.0)  # the mean: every table is as extreme
    if len(d) <= FEW_CATEGORIES:
        up, down, rows = _rank_tails.sums_kernels().rank_sum_tail_few(
            np.asarray(d, dtype=np.int64),
            np.asarray(counts, dtype=np.int64),
            m,
            hi if hi is not None else 0,
            lo if lo is not None else 0,
            hi is not None,
            lo is not None,
        )
        value = (up if hi is not None else 0.0) + (down if lo is not None else 0.0)
        return ExactPvalue(min(1.0, value), "hypergeometric sums", rows * (m + 1))
    # a tail below the float range rounds to 0 and adds nothing to the p-value: left out
    bound_hi = log_upper_tail_bound(d, counts, m, hi) if hi is not None else 0.0
    bound_lo = log_upper_tail_bound(*reflected, m, m * d_max - lo) if lo is not None else 0.0
    if bound_hi < NEGLIGIBLE_LOG:
        hi = None
    if bound_lo < NEGLIGIBLE_LOG:
        lo = None
    if hi is None and lo is None:
        return ExactPvalue(0.0, "chernoff bound", 0.0)
    if len(d) in (5, 6):
        effort = sums_effort(counts, m)
        if effort > 0.0:
            sums = _five_categories(d, counts, m, hi, lo, effort)
            if not math.isnan(sums.pvalue):
                return sums
    if alternative == "two-sided" and hi is not None and lo is not None and symmetric:
        return _combine(_tails([(d, counts, m, hi)], fourier_ok), 2.0)
    specs: list[tuple[list[int], list[int], int | None, int]] = []
    bounds: list[float] = []
    if hi is not None:
        specs.append((d, counts, m, hi))
        bounds.append(bound_hi)
    if lo is not None:
        specs.append((*reflected, m, m * d_max - lo))
        bounds.append(bound_lo)
    if len(specs) == 2 and abs(bounds[0] - bounds[1]) > LOPSIDED_NATS:
        return _lopsided(specs, bounds, fourier_ok)
    if len(specs) == 2 and hi is not None and lo is not None:
        estimate = _normal_pvalue(d, counts, m, hi, lo)
        if estimate >= MIDDLE_TRY_PVALUE:
            return two_sided_middle(specs, fourier_ok, lo + 1, hi - 1, estimate)
    return _combine(_tails(specs, fourier_ok))


def _normal_pvalue(d: list[int], counts: list[int], m: int, hi: int, lo: int) -> float:
    """The normal approximation of ``P(D >= hi) + P(D <= lo)``, ``D`` the sum of ``m``
    values drawn without replacement (only to decide whether to try the middle)."""
    n = sum(counts)
    mean_d = sum(v * t for v, t in zip(d, counts, strict=True)) / n
    spread = sum(t * (v - mean_d) ** 2 for v, t in zip(d, counts, strict=True))
    variance = m * (n - m) / (n * (n - 1.0)) * spread
    if variance <= 0.0:
        return 1.0
    sd = math.sqrt(variance)
    centre = m * mean_d
    return 0.5 * (
        math.erfc((hi - centre) / sd / math.sqrt(2.0))
        + math.erfc((centre - lo) / sd / math.sqrt(2.0))
    )


def _lopsided(
    specs: list[tuple[list[int], list[int], int | None, int]],
    bounds: list[float],
    fourier_ok: bool,
) -> ExactPvalue:
    """Two tails whose Chernoff bounds are far apart: the larger first, on both cores;
    the smaller only when its bound is not under half a unit in the last place of the
    larger (below that it cannot change the float64 sum: left out, bit for bit the same
    p-value)."""
    big = 0 if bounds[0] > bounds[1] else 1
    first = _tails([specs[big]], fourier_ok)
    value = first[0].value
    if value > 0.0 and bounds[1 - big] < math.log(value) - _BELOW_HALF_ULP_NATS:
        return _combine(first)
    return _combine(first + _tails([specs[1 - big]], fourier_ok))


def _distribution_tail(
    support: NDArray[np.int64],
    probs: NDArray[np.float64],
    observed: int,
    scale: int,
    scaled_centre: int,
    alternative: str,
) -> float:
    """p-value from a whole distribution; ``scaled_centre / scale`` is the null mean.

    Integer comparisons only (``scale * value - scaled_centre``), so no tolerance is needed.
    """
    if alternative == "greater":
        p = probs[support >= observed].sum()
    elif alternative == "less":
        p = probs[support <= observed].sum()
    else:
        deviation = np.abs(scale * support - scaled_centre)
        p = probs[deviation >= abs(scale * observed - scaled_centre)].sum()
    return float(min(1.0, max(0.0, p)))


def signed_rank_pvalue(
    scores2: Sequence[int], counts: Sequence[int], v2: int, alternative: str
) -> ExactPvalue:
    """Exact conditional signed-rank p-value by the cheapest exact algorithm.

    Parameters
    ----------
    scores2, counts
        As in :func:`signed_rank_distribution`.
    v2 : int
        Observed doubled sum of positive ranks.
    alternative : {"two-sided", "less", "greater"}
        Two-sided is ``P(|V2 - E| >= |v2 - E|)``; the null distribution is symmetric, so
        it is twice one tail.

    Returns
    -------
    ExactPvalue
    """
    scores = [int(s) for s in scores2]
    totals = [int(t) for t in counts]
    total2 = sum(s * t for s, t in zip(scores, totals, strict=True))  # twice E[V2]
    cost = signed_rank_cost(scores, totals)
    if cost <= SMALL_COST and total2 <= SMALL_CELLS:
        # bit for bit the distribution other modules compute (the intervals invert it)
        support, probs = signed_rank_distribution(scores, totals)
        return ExactPvalue(
            pvalue=_distribution_tail(support, probs, v2, 2, total2, alternative),
            algorithm="dynamic programme",
            cost=cost,
            support_size=int(support.size),
        )
    g = math.gcd(*scores)
    r = [s // g for s in scores]
    obs = v2 // g
    total = total2 // g  # twice E[V]
    if alternative == "greater":
        return _combine(_tails([(r, totals, None, obs)], True))
    if alternative == "less":  # V <= obs  <=>  total - V >= total - obs
        return _combine(_tails([(r, totals, None, total - obs)], True))
    hi, _ = _thresholds(2 * total, 2, obs, alternative)
    if hi is None or 2 * hi <= total:  # the observed statistic is the mean
        return ExactPvalue(1.0, "network", 0.0)
    return _combine(_tails([(r, totals, None, hi)], True), 2.0)


def rank_sum_pvalue_fourier(
    scores2: Sequence[int],
    totals: Sequence[int],
    m: int,
    w2: int,
    alternative: str,
    max_nodes: int = FOURIER_MAX_NODES,
) -> tuple[float, dict[str, float]]:
    """Exact conditional rank-sum p-value by certified tilted Fourier inversion only.

    Parameters
    ----------
    scores2, totals, m
        As in :func:`rank_sum_distribution`.
    w2 : int
        Observed doubled rank sum of the group of size ``m``.
    alternative : {"two-sided", "less", "greater"}
        Two-sided is ``P(|W2 - E| >= |w2 - E|)``.
    max_nodes : int
        Largest number of nodes a tail may evaluate.

    Returns
    -------
    pvalue : float
    info : dict
        ``error_bound`` (certified relative error of the p-value: aliasing, skipped
        nodes, rounding) and the grid sizes of the (larger) tail computed.

    Raises
    ------
    FourierNotCertified
        When the bound cannot be brought under :data:`FOURIER_MAX_REL_ERROR` within
        ``max_nodes`` evaluations (e.g. small samples, or a statistic at the very edge
        of its support); callers then use a programme.
    """
    s_min = int(scores2[0])
    steps = [int(s) - s_min for s in scores2]
    g = math.gcd(*steps)
    if g == 0:  # a single category: every table has the same statistic
        return 1.0, {"error_bound": 0.0}
    d = [v // g for v in steps]
    counts = [int(t) for t in totals]
    obs = (w2 - m * s_min) // g
    n_total = sum(counts)
    twice_n_centre = 2 * m * sum(v * t for v, t in zip(d, counts, strict=True))
    hi, lo = _thresholds(twice_n_centre, n_total, obs, alternative)
    if hi is not None and lo is not None and hi <= lo:
        return 1.0, {"error_bound": 0.0}
    tails: list[tuple[list[int], int]] = []
    if hi is not None:
        tails.append((d, hi))
    if lo is not None:
        tails.append(([-v for v in d], -lo))
    pvalue, abs_error = 0.0, 0.0
    info: dict[str, float] = {}
    for values, threshold in tails:
        tail, bound, tail_info = _exact_fourier.upper_tail(values, counts, m, threshold, max_nodes)
        pvalue += tail
        abs_error += bound * tail
        if tail_info and tail >= pvalue - tail:
            info = tail_info
    info["error_bound"] = abs_error / pvalue if pvalue > 0 else 0.0
    return min(1.0, pvalue), info
