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
from painresponse.stats.ranks import _as_float_array, _as_sample, rank_sum, signed_rank

__all__ = ["hodges_lehmann"]

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
        ``"exact"`` with ties or zeros raises :class:`StatisticsError` (R cannot either).
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

    Notes
    -----
    Two samples: :math:`\\hat\\Delta = \\mathrm{median}_{i,j}(x_i - y_j)`. One sample:
    :math:`\\hat\\theta = \\mathrm{median}_{i \\le j}(d_i + d_j)/2`. The exact interval is
    :math:`[D_{(q)}, D_{(mn + 1 - q)}]` with ``q`` the ``alpha/2`` quantile of the exact
    Wilcoxon null distribution (``q >= 1``). The asymptotic interval solves
    :math:`z(\\Delta) = \\pm z_{1-\\alpha/2}` for the continuity-corrected standardised
    statistic of ``x - Delta`` versus ``y``, with R's Brent iteration and tolerance 1e-4.

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
        raise StatisticsError("An exact Hodges-Lehmann interval needs data without ties.")
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
            "Hodges-Lehmann shift, asymptotic interval (R wilcox.test exact=FALSE, correct=TRUE)"
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
        raise StatisticsError(
            "An exact Hodges-Lehmann interval needs differences without ties or zeros."
        )
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
            "(R wilcox.test exact=FALSE, correct=TRUE)"
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
