"""Hodges-Lehmann location estimates with the confidence intervals of R's ``wilcox.test``.

Two samples: the shift estimate is the median of all ``x_i - y_j``. One sample (or paired
differences): the pseudo-median, the median of the Walsh averages ``(d_i + d_j) / 2``,
``i <= j``, after dropping zero differences (as R does).

The interval reproduces R ``wilcox.test(..., conf.int = TRUE)``:

* exact (R ``exact = TRUE``; only without ties, and without zeros for one sample): order
  statistics of the pairwise differences / Walsh averages at the exact Wilcoxon quantiles;
* asymptotic (R ``exact = FALSE, correct = TRUE``): inversion of the continuity-corrected
  normal-approximation test by Brent's root finder with R's tolerance ``1e-4``. In that
  case R reports the root of the *uncorrected* standardised statistic as the estimate;
  we return the same number (so tables agree with R) and keep the median of the pairwise
  differences / Walsh averages in ``details``.

With ties (or zero differences) R has no exact interval. ``method="exact"`` then gives the
*exact conditional* interval: the shifts at which the exact conditional rank-sum test of
``x - Δ`` against ``y`` (or the signed-rank test of ``d - Δ``, zeros dropped at each Δ) has
two-sided ``p >= 1 - conf_level``, found by evaluating that test on the step function of Δ
(see :func:`hodges_lehmann`, Notes). The interval then agrees with its test: it excludes 0
exactly when the exact test of the data rejects. :func:`hodges_lehmann_from_counts` does the
same from frequency tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import StatisticsError
from painresponse.stats import _exact_ranks
from painresponse.stats._distributions import norm_isf, norm_ppf
from painresponse.stats._result import TestResult
from painresponse.stats._shift_inversion import pseudo_median_interval, shift_interval
from painresponse.stats.ranks import _as_float_array, _as_sample, rank_sum, signed_rank

__all__ = ["hodges_lehmann", "hodges_lehmann_from_counts"]

#: R's ``wilcox.test(tol.root = 1e-4)``.
_ROOT_TOL = 1e-4
_DBL_EPSILON = float(np.finfo(float).eps)


def _brent_root(
    func: Callable[[float], float], lower: float, upper: float, f_lower: float, f_upper: float
) -> float:
    """Brent's root finder with the step rules of R's ``uniroot`` (``R_zeroin2``).

    Following R's iteration exactly matters here: the function is a step function, so
    any root in the final bracket is valid and only the same iteration gives R's number.
    """
    a, b, fa, fb = lower, upper, f_lower, f_upper
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(1001):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2.0 * _DBL_EPSILON * abs(b) + _ROOT_TOL / 2.0
        new_step = (c - b) / 2.0
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:  # linear interpolation
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:  # inverse quadratic interpolation
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0.0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2.0) and p < abs(prev_step * q / 2.0):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0.0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = func(b)
        if (fb > 0.0 and fc > 0.0) or (fb < 0.0 and fc < 0.0):
            c, fc = a, fa
    return b


def _correction(deviation: float, correct: bool) -> float:
    return 0.5 * float(np.sign(deviation)) if correct else 0.0


def _two_sample_z(x: NDArray[np.float64], y: NDArray[np.float64]) -> Callable[[float, bool], float]:
    """Standardised rank-sum statistic of ``(x - d, y)`` as a function of the shift d."""
    m, n = x.size, y.size

    from scipy.stats import rankdata  # imported here: scipy.stats costs ~1 s at start-up

    def z(d: float, correct: bool) -> float:
        pooled = np.concatenate((x - d, y))
        ranks = rankdata(pooled)
        _, ties = np.unique(pooled, return_counts=True)
        deviation = float(ranks[:m].sum()) - m * (m + 1) / 2.0 - m * n / 2.0
        tie_term = float((ties.astype(float) ** 3 - ties).sum())
        variance = (m * n / 12.0) * ((m + n + 1) - tie_term / ((m + n) * (m + n - 1)))
        if variance <= 0.0:
            return math.nan
        return (deviation - _correction(deviation, correct)) / math.sqrt(variance)

    return z


def _one_sample_z(x: NDArray[np.float64]) -> Callable[[float, bool], float]:
    """Standardised signed-rank statistic of ``x - d`` (zeros dropped) as a function of d."""

    from scipy.stats import rankdata  # imported here: scipy.stats costs ~1 s at start-up

    def z(d: float, correct: bool) -> float:
        shifted = x - d
        shifted = shifted[shifted != 0]
        n = shifted.size
        magnitudes = np.abs(shifted)
        ranks = rankdata(magnitudes) if n else np.zeros(0)
        _, ties = np.unique(magnitudes, return_counts=True)
        deviation = float(ranks[shifted > 0].sum()) - n * (n + 1) / 4.0
        variance = (
            n * (n + 1) * (2 * n + 1) / 24.0 - float((ties.astype(float) ** 3 - ties).sum()) / 48.0
        )
        if variance <= 0.0:
            return math.nan
        return (deviation - _correction(deviation, correct)) / math.sqrt(variance)

    return z


def _exact_quantile_index(support: NDArray[np.int64], probs: NDArray[np.float64], p: float) -> int:
    """Smallest support value q with P(S <= q) >= p (R's ``qwilcox``/``qsignrank``)."""
    cumulative = np.cumsum(probs)
    index = int(np.searchsorted(cumulative, p - 10 * _DBL_EPSILON, side="left"))
    return int(support[min(index, support.size - 1)])


def _exact_interval(
    sorted_diffs: NDArray[np.float64],
    support: NDArray[np.int64],
    probs: NDArray[np.float64],
    top: int,
    conf_level: float,
) -> tuple[float, float, float]:
    """R's exact interval from the null distribution of U (or V) on 0..top."""
    alpha = 1.0 - conf_level
    qu = _exact_quantile_index(support, probs, alpha / 2.0)
    qu = max(qu, 1)
    ql = top - qu
    achieved_alpha = 2.0 * float(probs[support <= qu - 1].sum())
    if achieved_alpha - alpha > alpha / 2.0:
        conf_level = 1.0 - achieved_alpha
    return float(sorted_diffs[qu - 1]), float(sorted_diffs[ql]), conf_level


def _asymptotic_interval(
    z: Callable[[float, bool], float],
    lower: float,
    upper: float,
    conf_level: float,
    one_sample: bool,
) -> tuple[float, float, float, float, str | None]:
    """R's asymptotic interval and estimate: (ci_low, ci_high, estimate, level, note)."""
    alpha = 1.0 - conf_level
    z_lower, z_upper = z(lower, True), z(upper, True)
    if not (math.isfinite(z_lower) and math.isfinite(z_upper)):
        return (
            math.nan,
            math.nan,
            (lower + upper) / 2.0,
            0.0,
            ("All observations are tied: no confidence interval (estimate is the midrange)."),
        )
    note = None
    if one_sample:
        # R widens alpha until the interval ends are inside the data range.
        while z_lower - norm_isf(alpha / 2) < 0 or z_upper - norm_ppf(alpha / 2) > 0:
            alpha *= 2.0
        if alpha >= 1 or 1 - conf_level < alpha * 0.75:
            conf_level = 1.0 - min(1.0, alpha)
            note = "The requested confidence level is not achievable; conf_level is reduced."

    def root(zq: float) -> float:
        f_lower, f_upper = z_lower - zq, z_upper - zq
        if not one_sample:
            if f_lower <= 0:
                return lower
            if f_upper >= 0:
                return upper
        return _brent_root(lambda d: z(d, True) - zq, lower, upper, f_lower, f_upper)

    if alpha < 1:
        ci_low, ci_high = root(float(norm_isf(alpha / 2))), root(float(norm_ppf(alpha / 2)))
    else:
        ci_low = ci_high = math.nan
    # R evaluates the estimate after setting correct <- FALSE.
    e_lower, e_upper = z(lower, False), z(upper, False)
    if e_lower * e_upper > 0:
        estimate = math.nan
    else:
        estimate = _brent_root(lambda d: z(d, False), lower, upper, e_lower, e_upper)
    return ci_low, ci_high, estimate, conf_level, note


def _as_table(
    values: ArrayLike, counts: ArrayLike, name: str
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Distinct sorted values with their (merged, positive) counts."""
    value_array = _as_float_array(values, f"values_{name}")
    count_array = _as_float_array(counts, f"counts_{name}")
    if value_array.shape != count_array.shape:
        raise StatisticsError(f"values_{name} and counts_{name} must have the same length.")
    if np.isnan(value_array).any():
        raise StatisticsError(f"values_{name} must not contain missing values.")
    bad = np.isnan(count_array) | (count_array < 0) | (count_array != np.round(count_array))
    if bad.any():
        raise StatisticsError(f"counts_{name} must hold non-negative whole numbers.")
    keep = count_array > 0
    distinct, inverse = np.unique(value_array[keep], return_inverse=True)
    merged = np.bincount(inverse, weights=count_array[keep], minlength=distinct.size)
    return distinct, merged.astype(np.int64)


def hodges_lehmann(
    x: ArrayLike,
    y: ArrayLike | None = None,
    conf_level: float = 0.95,
    method: str = "auto",
    *,
    paired: bool = False,
) -> TestResult:
    """Hodges-Lehmann estimate and confidence interval (R ``wilcox.test(conf.int=TRUE)``).

    Parameters
    ----------
    x : array_like
        First sample, or the paired differences / one sample when ``y`` is None.
    y : array_like, optional
        Second sample (two-sample shift ``x - y``), or the second time point when
        ``paired=True``.
    conf_level : float
        Two-sided confidence level, in (0, 1).
    method : {"auto", "exact", "asymptotic"}
        ``"auto"`` follows R's default: exact when there are no ties (and no zero
        differences) and every sample has fewer than 50 values, else asymptotic.
        ``"exact"``: without ties (or zeros) R's exact interval; with them the exact
        conditional interval, by inversion of the exact conditional test (Notes), which R
        does not offer.
    paired : bool, keyword-only
        Treat ``x`` and ``y`` as paired (pseudo-median of ``x - y``).

    Returns
    -------
    TestResult
        ``test="hodges_lehmann"``; ``estimate`` is R's ``estimate`` (the median of the
        pairwise differences / Walsh averages in the exact case, the root of the
        standardised statistic in the asymptotic case); ``ci_low``/``ci_high`` R's
        ``conf.int``; ``conf_level`` the level achieved (R lowers it when the requested
        one is not achievable, and ``note`` says so). ``statistic``/``pvalue`` are those of
        R ``wilcox.test`` with the same exactness and ``correct=TRUE`` (rank-sum ``U`` or
        signed-rank ``V`` with zeros dropped). ``details["median_of_differences"]`` is the
        median of all ``x_i - y_j`` (two samples) or of the Walsh averages.

        The exact conditional interval (``method="exact"`` with ties or zeros) has
        ``pvalue`` the exact conditional test at 0 (``rank_sum(x, y, method="exact")``,
        ``signed_rank(d, zero_method="wilcox", method="exact")``), ``conf_level`` as
        requested, and in ``details``: ``ci_low_included``/``ci_high_included`` (whether
        the end itself is in the confidence set; None for an infinite end),
        ``pvalue_at_ci_low``/``pvalue_at_ci_high`` (the test at each end), ``non_convex``
        and ``excluded_inside`` (rejected parts inside the interval, each ``(c, c)`` for a
        single shift or ``(a, b)`` for the open gap between two), ``search`` ("scan" or
        "local"), ``evaluations`` (exact tests computed) and ``interval_rule``.

    Notes
    -----
    Two samples: :math:`\\hat\\Delta = \\mathrm{median}_{i,j}(x_i - y_j)`. One sample:
    :math:`\\hat\\theta = \\mathrm{median}_{i \\le j}(d_i + d_j)/2`. The exact interval is
    :math:`[D_{(q)}, D_{(mn + 1 - q)}]` with ``q`` the ``alpha/2`` quantile of the exact
    Wilcoxon null distribution (``q >= 1``). The asymptotic interval solves
    :math:`z(\\Delta) = \\pm z_{1-\\alpha/2}` for the continuity-corrected standardised
    statistic of ``x - Delta`` versus ``y``, with R's Brent iteration and tolerance 1e-4.

    *Exact conditional interval.* Let :math:`p(\\Delta)` be the two-sided p-value of the
    exact conditional rank-sum test of ``x - Δ`` against ``y``, or of the signed-rank test
    of ``d - Δ`` with the zeros of ``d - Δ`` dropped (Wilcoxon's zero method at every Δ; a
    zero difference ``d_i = 0`` is data like any other and is dropped only at Δ = 0,
    whereas R's asymptotic interval drops it once, before inverting). The confidence set is
    :math:`A = \\{\\Delta : p(\\Delta) \\ge \\alpha\\}`, ``alpha = 1 - conf_level``
    (relative tolerance 1e-10, since exact p-values are rationals that can equal alpha).

    *Where p is evaluated.* ``p`` is a step function of Δ: it changes only at the
    candidates :math:`c_1 < \\dots < c_K`, the distinct pairwise differences ``x_i - y_j``
    (Walsh averages ``(d_i + d_j)/2``, ``i <= j``). It is evaluated once on each open gap
    :math:`(c_k, c_{k+1})` and at each candidate with the ties the candidate creates:
    ``x_i - Δ`` tied with ``y_j`` when ``x_i - y_j = Δ``; ``d_i - Δ = 0`` dropped and
    ``|d_i - Δ| = |d_j - Δ|`` tied when ``(d_i + d_j)/2 = Δ``. Order and ties are read off
    the stored differences (Walsh averages), never off shifted values: two pairs tie at a
    candidate when their computed differences are the same double. At Δ = 0 this is
    exactly the tie structure of the data (``x_i - y_j == 0`` iff ``x_i == y_j``;
    ``d_i + d_j == 0`` iff ``d_i == -d_j``), so ``p(0)`` is the library's test of the data.
    Decimal data whose differences agree only in decimal arithmetic (``0.725 - 0.516`` and
    ``0.812 - 0.603`` are different doubles) are distinct candidates, as R and the tests
    see them; scale such data to integers (e.g. EQ-5D index x 1000) to tie them. On the
    gaps only ties within a sample remain.

    *Boundary rule.* ``ci_low = inf A`` and ``ci_high = sup A``; both are candidates. An
    end belongs to the set only when the test at that shift itself accepts
    (``details["ci_low_included"]``/``["ci_high_included"]``); otherwise the interval is
    open there. Hence :math:`p(\\Delta) \\ge \\alpha` for every Δ strictly inside
    (unless ``non_convex``), :math:`p < \\alpha` just outside, and at an end
    :math:`p \\ge \\alpha` exactly when its flag is True. The interval agrees with its
    test: a shift (0 in particular: ``pvalue < alpha``) is rejected exactly when it lies
    outside ``[ci_low, ci_high]``, is an end whose flag is False, or lies in
    ``excluded_inside``. Without ties ``[inf A, sup A]`` is R's (closed) exact interval:
    R reports the closure of A, which differs from A only at its two ends.

    *Non-convex sets.* With ties ``p`` need not be unimodal, so A can have holes. The
    interval is then A's convex hull, ``details["non_convex"]`` is True,
    ``excluded_inside`` lists the holes and ``note`` says so.

    *Unreachable levels.* When even the outermost gaps (every ``x_i - Δ`` above every
    ``y_j``) have ``p >= alpha`` (tiny samples), no shift is rejected: the ends are
    infinite and ``note`` says why (R instead lowers the level, which it does without ties
    and which is kept there). When no shift at all has ``p >= alpha`` the confidence set is
    empty and :class:`StatisticsError` is raised: with a conf_level near 0, or with very
    few distinct values (2-5 levels) in large samples, where every gap and every candidate
    can be rejected. Large samples on a short scale can also give a single candidate
    (``ci_low == ci_high``, both ends included): every non-integer shift is rejected.

    *Search.* When (positions ``2K + 1``) x (cell updates of one exact test) is at most
    5e6, every position is evaluated (``search="scan"``; holes are then found). Otherwise
    (``"local"``) the accepted gaps and the accepted candidates are taken to form one run
    each. The run of gaps is found from the centre, starting where the normal
    approximation puts its ends (the tie- and continuity-corrected z, whose variance is
    the same on every gap), by galloping and bisection; the candidate at each end of it is
    tested, and, when accepted, the candidates beyond it until one is rejected (those
    whose normal p is below alpha / 4 are taken as rejected without the exact test; the
    exact p stayed below that normal p in every check). Candidates inside the run of gaps
    are not tested and count as accepted. A local search costs about six exact tests
    (``details["evaluations"]``); it gave the scan's interval, flags and holes on every
    sample of the test suite. Each test is the exact conditional distribution of the
    merged table of distinct values, as :func:`~painresponse.stats.ranks.rank_sum_from_counts`
    and :func:`~painresponse.stats.ranks.signed_rank_from_counts` compute it (the same
    dynamic programme, bit for bit, up to 2e7 cell updates; beyond, the certified Fourier
    inversion or a pruned programme whose dropped mass bounds its error, ~1e-15).

    References
    ----------
    Hodges JL, Lehmann EL. Estimates of location based on rank tests. *Ann Math Stat*
    1963;34:598-611. Bauer DF. Constructing confidence sets using rank statistics.
    *J Am Stat Assoc* 1972;67:687-690.

    Examples
    --------
    Hollander & Wolfe (1999, p. 110), permeability of membranes (R ``?wilcox.test``):

    >>> res = hodges_lehmann([0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46],
    ...                      [1.15, 0.88, 0.9, 0.74, 1.21])
    >>> round(res.estimate, 3), round(res.ci_low, 2), round(res.ci_high, 2)
    (0.305, -0.15, 0.76)

    With ties the exact conditional interval agrees with the exact test: here the test
    rejects a shift of 0 (p = 0.037), and 0 is the interval's lower end, excluded:

    >>> res = hodges_lehmann([3, 4, 4, 5, 6, 6, 7], [1, 2, 2, 3, 4, 5], method="exact")
    >>> res.estimate, res.ci_low, res.ci_high, round(res.pvalue, 4)
    (2.0, 0.0, 4.0, 0.0373)
    >>> res.details["ci_low_included"], res.details["ci_high_included"]
    (False, True)
    """
    if method not in ("auto", "exact", "asymptotic"):
        raise StatisticsError(f"method must be 'auto', 'exact' or 'asymptotic', got {method!r}.")
    if not (isinstance(conf_level, float | int) and 0.0 < float(conf_level) < 1.0):
        raise StatisticsError(f"conf_level must be a number between 0 and 1, got {conf_level!r}.")
    conf_level = float(conf_level)
    if y is not None and not paired:
        x_values, x_missing = _as_sample(x, "x")
        y_values, y_missing = _as_sample(y, "y")
        if x_values.size == 0 or y_values.size == 0:
            raise StatisticsError("Each group needs at least one non-missing value.")
        return _two_sample(x_values, y_values, (x_missing, y_missing), conf_level, method)
    if y is None:
        if paired:
            raise StatisticsError("paired=True needs both x and y.")
        differences, missing = _as_sample(x, "x")
    else:
        x_array, y_array = _as_float_array(x, "x"), _as_float_array(y, "y")
        if x_array.shape != y_array.shape:
            raise StatisticsError(
                f"Paired samples must have the same length, got {x_array.size} and {y_array.size}."
            )
        complete = ~(np.isnan(x_array) | np.isnan(y_array))
        differences = x_array[complete] - y_array[complete]
        missing = int((~complete).sum())
    if differences.size == 0:
        raise StatisticsError("There is no non-missing value (or complete pair) to estimate from.")
    return _one_sample(differences, missing, conf_level, method)


def hodges_lehmann_from_counts(
    values_x: ArrayLike,
    counts_x: ArrayLike,
    values_y: ArrayLike | None = None,
    counts_y: ArrayLike | None = None,
    conf_level: float = 0.95,
) -> TestResult:
    """Exact Hodges-Lehmann estimate and interval from frequency tables.

    Parameters
    ----------
    values_x, counts_x : array_like
        Values of the first sample (or of the paired differences when ``values_y`` is None)
        and how many observations have each; any order, equal values are merged.
    values_y, counts_y : array_like, optional
        The second sample's values and counts (two-sample shift ``x - y``).
    conf_level : float
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    TestResult
        As :func:`hodges_lehmann` with ``method="exact"`` on the expanded samples
        (``n_missing`` zero): R's exact interval without ties, the exact conditional
        interval with ties (or zero differences).

    Raises
    ------
    StatisticsError
        On an empty sample, counts that are not non-negative whole numbers, or an exact
        test out of reach (see :func:`hodges_lehmann`).

    Notes
    -----
    With ties nothing is expanded: the candidates are the distinct differences of the
    distinct values (weighted by the products of their counts), and each exact test runs
    on the table of distinct values, so the cost depends on the number of distinct values
    and the number of patients, not on their product (see :func:`hodges_lehmann`, Notes,
    for the interval and its boundary rule).

    Examples
    --------
    Pain scores 0-10 as counts per score (the table of a cohort report):

    >>> res = hodges_lehmann_from_counts([3, 4, 5, 6, 7], [1, 2, 1, 2, 1],
    ...                                  [1, 2, 3, 4, 5], [1, 2, 1, 1, 1])
    >>> res.estimate, res.ci_low, res.ci_high, res.details["ci_low_included"]
    (2.0, 0.0, 4.0, False)
    """
    if not (isinstance(conf_level, float | int) and 0.0 < float(conf_level) < 1.0):
        raise StatisticsError(f"conf_level must be a number between 0 and 1, got {conf_level!r}.")
    conf_level = float(conf_level)
    values, counts = _as_table(values_x, counts_x, "x")
    if values_y is None or counts_y is None:
        if values_y is not None or counts_y is not None:
            raise StatisticsError("Give both values_y and counts_y, or neither.")
        if values.size == 0:
            raise StatisticsError("There is no difference to estimate from.")
        magnitudes = np.abs(values[values != 0])
        plain = (counts == 1).all() and np.unique(magnitudes).size == magnitudes.size
        if plain and not (values == 0).any():
            return _one_sample(values, 0, conf_level, "exact")
        return pseudo_median_interval(values, counts, 0, conf_level)
    other, other_counts = _as_table(values_y, counts_y, "y")
    if values.size == 0 or other.size == 0:
        raise StatisticsError("Each group needs at least one observation.")
    plain = (counts == 1).all() and (other_counts == 1).all()
    if plain and np.intersect1d(values, other).size == 0:
        return _two_sample(values, other, (0, 0), conf_level, "exact")
    return shift_interval(values, counts, other, other_counts, (0, 0), conf_level)


def _two_sample(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    n_missing: tuple[int, int],
    conf_level: float,
    method: str,
) -> TestResult:
    m, n = x.size, y.size
    pooled = np.concatenate((x, y))
    ties = np.unique(pooled).size != pooled.size
    if method == "exact" and ties:
        values_x, counts_x = np.unique(x, return_counts=True)
        values_y, counts_y = np.unique(y, return_counts=True)
        return shift_interval(values_x, counts_x, values_y, counts_y, n_missing, conf_level)
    exact = method == "exact" or (method == "auto" and not ties and m < 50 and n < 50)
    diffs = np.sort(np.subtract.outer(x, y).ravel())
    median = float(np.median(diffs))
    note = None
    details: dict[str, Any] = {"median_of_differences": median}
    if exact:
        doubled = list(range(2, 2 * (m + n) + 1, 2))
        support2, probs = _exact_ranks.rank_sum_distribution(doubled, [1] * (m + n), m)
        u_support = support2 // 2 - m * (m + 1) // 2
        ci_low, ci_high, level = _exact_interval(diffs, u_support, probs, m * n, conf_level)
        estimate = median
        test = rank_sum(x, y, method="exact")
        method_text = "Hodges-Lehmann shift, exact interval (R wilcox.test exact)"
    else:
        ci_low, ci_high, estimate, level, note = _asymptotic_interval(
            _two_sample_z(x, y),
            float(x.min() - y.max()),
            float(x.max() - y.min()),
            conf_level,
            one_sample=False,
        )
        test = rank_sum(x, y, method="asymptotic", correction=True)
        method_text = (
            "Hodges-Lehmann shift, asymptotic interval with continuity correction "
            "(as R reports by default)"
        )
    if level != conf_level and note is None:
        note = "The requested confidence level is not achievable; conf_level is reduced."
    details.update(exact=exact, ties=ties, test_method=test.method, conf_level_requested=conf_level)
    return TestResult(
        test="hodges_lehmann",
        method=method_text,
        statistic=float(test.details["U"]),
        pvalue=test.pvalue,
        n=(m, n),
        n_missing=n_missing,
        statistic_name="U (Mann-Whitney, R's W)",
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        conf_level=level,
        estimate_name="Hodges–Lehmann shift (x − y)",
        note=note,
        details=details,
    )


def _one_sample(
    differences: NDArray[np.float64], missing: int, conf_level: float, method: str
) -> TestResult:
    zeros = bool((differences == 0).any())
    x = differences[differences != 0]
    n = x.size
    ties = np.unique(np.abs(x)).size != n
    if method == "exact" and (ties or zeros):
        values, counts = np.unique(differences, return_counts=True)
        return pseudo_median_interval(values, counts, missing, conf_level)
    exact = method == "exact" or (method == "auto" and not ties and not zeros and n < 50)
    details: dict[str, Any] = {"n_zero": int(differences.size - n), "exact": exact, "ties": ties}
    base: dict[str, Any] = {
        "test": "hodges_lehmann",
        "n": (int(differences.size),),
        "n_missing": (missing,),
        "statistic_name": "V (sum of positive ranks, zeros dropped)",
        "estimate_name": "Hodges–Lehmann pseudo-median",
    }
    if n == 0:
        details["median_of_walsh_averages"] = math.nan
        return TestResult(
            method="Hodges-Lehmann pseudo-median",
            statistic=0.0,
            pvalue=math.nan,
            estimate=math.nan,
            ci_low=math.nan,
            ci_high=math.nan,
            conf_level=0.0,
            note="All differences are zero: no estimate or interval.",
            details=details,
            **base,
        )
    upper = np.triu_indices(n)
    walsh = np.sort(np.add.outer(x, x)[upper] / 2.0)
    median = float(np.median(walsh))
    details["median_of_walsh_averages"] = median
    note = None
    if exact:
        support2, probs = _exact_ranks.signed_rank_distribution(
            list(range(2, 2 * n + 1, 2)), [1] * n
        )
        ci_low, ci_high, level = _exact_interval(
            walsh, support2 // 2, probs, n * (n + 1) // 2, conf_level
        )
        if level != conf_level:
            note = "The requested confidence level is not achievable; conf_level is reduced."
        estimate = median
        test = signed_rank(x, zero_method="wilcox", method="exact")
        method_text = "Hodges-Lehmann pseudo-median, exact interval (R wilcox.test exact)"
    else:
        ci_low, ci_high, estimate, level, note = _asymptotic_interval(
            _one_sample_z(x), float(x.min()), float(x.max()), conf_level, one_sample=True
        )
        test = signed_rank(differences, zero_method="wilcox", method="asymptotic", correction=True)
        method_text = (
            "Hodges-Lehmann pseudo-median, asymptotic interval "
            "with continuity correction (as R reports by default)"
        )
    details.update(test_method=test.method, conf_level_requested=conf_level)
    return TestResult(
        method=method_text,
        statistic=test.statistic,
        pvalue=test.pvalue,
        ci_low=ci_low,
        ci_high=ci_high,
        conf_level=level,
        estimate=estimate,
        note=note,
        details=details,
        **base,
    )
