"""Rank tests: Wilcoxon rank-sum, Wilcoxon signed-rank, Kruskal-Wallis and Friedman.

Every function returns a :class:`~painresponse.stats._result.TestResult` and raises
:class:`~painresponse.errors.StatisticsError` on data it cannot be computed on. Missing
values (NaN or None) are dropped and counted in ``n_missing``.

The Wilcoxon tests work from value counts, so heavily tied data (0-10 pain scores,
5-25 EQ-5D sums) cost only as much as their number of distinct values, and the exact
p-values are those of the exact *conditional* distribution given the tied mid-ranks
(R ``coin::wilcox_test(distribution = "exact")``, SAS ``NPAR1WAY ... EXACT WILCOXON``).

Besides ``"auto"``, ``"exact"`` and ``"asymptotic"``, the Wilcoxon tests take two presets
that reproduce other programs' *default* output, variant choice included:
``method="r"`` (R ``wilcox.test()``) and ``method="sas"`` (SAS 9.4 ``PROC NPAR1WAY`` for two
samples, ``PROC UNIVARIATE`` for paired differences); see :mod:`._rank_presets`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import StatisticsError
from painresponse.stats import _exact_ranks, _rank_presets
from painresponse.stats._distributions import norm_cdf, norm_sf
from painresponse.stats._result import TestResult

__all__ = [
    "rank_sum",
    "rank_sum_from_counts",
    "signed_rank",
    "signed_rank_from_counts",
]

_ALTERNATIVES = ("two-sided", "less", "greater")
_METHODS = ("auto", "exact", "asymptotic", "sas", "r")

#: The "auto" size rule of the rank-sum test: exact when each group has at most
#: AUTO_EXACT_MAX_GROUP_TIED patients and the data take at most AUTO_EXACT_MAX_DISTINCT
#: distinct values, or at most AUTO_EXACT_MAX_GROUP patients per group whatever the data.
#: Inside the rule the exact p-value is always computed (no fallback on cost): at the
#: rule's limits it takes at most about 0.1 s, and some few-value tables of a group of
#: 100-1,000 against thousands up to about 0.3 s (``benchmarks/exact_tests.py``).
AUTO_EXACT_MAX_GROUP_TIED = 5_000
AUTO_EXACT_MAX_DISTINCT = 100
AUTO_EXACT_MAX_GROUP = 500


def _exact_algorithms(few_values: str) -> str:
    return (
        "Exact algorithm: the whole distribution by dynamic programme up to "
        f"{_exact_ranks.SMALL_COST:.0e} cell updates, otherwise only the tails the p-value "
        f"needs: {few_values}the cheaper of a network programme (states that can still end "
        "on either side of the observed statistic; its cells counted beforehand) and "
        "certified tilted Fourier inversion (relative error bound at most "
        f"{_exact_ranks.FOURIER_MAX_REL_ERROR:.0e}, in details['error_bound'])"
    )


RANK_SUM_RULE = (
    f"exact up to {AUTO_EXACT_MAX_GROUP_TIED:,} patients per group when the data take at most "
    f"{AUTO_EXACT_MAX_DISTINCT} distinct values, and up to {AUTO_EXACT_MAX_GROUP} patients per "
    "group otherwise; normal approximation with tie-corrected variance (and continuity "
    "correction when requested) beyond. "
    + _exact_algorithms(
        f"sums of hypergeometric terms for at most {_exact_ranks.FEW_CATEGORIES} distinct "
        "values, else "
    )
)
SIGNED_RANK_MAX_PAIRS_ON_SCALE = 5_000
SIGNED_RANK_MAX_DISTINCT = 100
SIGNED_RANK_MAX_PAIRS = 500
SIGNED_RANK_RULE = (
    f"exact up to {SIGNED_RANK_MAX_PAIRS_ON_SCALE:,} ranked differences when they take at "
    f"most {SIGNED_RANK_MAX_DISTINCT} distinct absolute values, and up to "
    f"{SIGNED_RANK_MAX_PAIRS} otherwise; normal approximation with tie-corrected variance "
    "(and continuity correction when requested) beyond. " + _exact_algorithms("")
)


# --------------------------------------------------------------------------- input


def _as_sample(values: ArrayLike, name: str) -> tuple[NDArray[np.float64], int]:
    """Return the non-missing values of one sample as floats and the number dropped."""
    array = _as_float_array(values, name)
    missing = np.isnan(array)
    return array[~missing], int(missing.sum())


def _as_float_array(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """Convert to a 1-D float array (None -> NaN), rejecting infinities and non-numbers."""
    try:
        raw = np.asarray(values, dtype=object)
        if raw.ndim == 0:
            raw = raw.reshape(1)
        if raw.ndim != 1:
            raise StatisticsError(f"{name} must be one-dimensional, got {raw.ndim} dimensions.")
        array = np.array([np.nan if v is None else v for v in raw], dtype=float)
    except (TypeError, ValueError) as exc:
        raise StatisticsError(f"{name} must contain numbers or missing values only.") from exc
    if np.isinf(array).any():
        raise StatisticsError(f"{name} contains infinite values; only finite numbers or NaN.")
    return array


def _check_options(method: str, alternative: str) -> None:
    if method not in _METHODS:
        raise StatisticsError(f"method must be one of {_METHODS}, got {method!r}.")
    if alternative not in _ALTERNATIVES:
        raise StatisticsError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}.")


def _as_counts(counts: ArrayLike, name: str, size: int) -> NDArray[np.int64]:
    array = _as_float_array(counts, name)
    if array.shape != (size,):
        raise StatisticsError(f"{name} must have one count per value ({size}), got {array.size}.")
    if np.isnan(array).any() or (array < 0).any() or (array != np.round(array)).any():
        raise StatisticsError(f"{name} must hold non-negative whole numbers.")
    return array.astype(np.int64)


def _as_sorted_values(values: ArrayLike, name: str) -> NDArray[np.float64]:
    array = _as_float_array(values, name)
    if np.isnan(array).any():
        raise StatisticsError(f"{name} must not contain missing values.")
    if array.size and (np.diff(array) <= 0).any():
        raise StatisticsError(f"{name} must be distinct and sorted in increasing order.")
    return array


def _doubled_midranks(totals: NDArray[np.int64]) -> NDArray[np.int64]:
    """Doubled mid-ranks of consecutive tie blocks: 2 * (rank before block) + t + 1."""
    before = np.concatenate(([0], np.cumsum(totals)[:-1]))
    return 2 * before + totals + 1


def _normal_pvalue(z: float, alternative: str) -> float:
    if alternative == "less":
        return float(norm_cdf(z))
    if alternative == "greater":
        return float(norm_sf(z))
    return float(min(1.0, 2.0 * min(norm_cdf(z), norm_sf(z))))


def _continuity(deviation: float, alternative: str, correction: bool) -> float:
    """R's continuity correction: 0.5 towards the null (sign of the deviation if two-sided)."""
    if not correction:
        return 0.0
    if alternative == "two-sided":
        return 0.5 * float(np.sign(deviation))
    return 0.5 if alternative == "greater" else -0.5


def _tail_pvalue(
    support: NDArray[np.int64],
    probs: NDArray[np.float64],
    observed: int,
    centre2: int,
    alternative: str,
) -> float:
    """Exact p-value on the integer lattice; ``centre2`` is twice the null mean of support."""
    if alternative == "greater":
        p = probs[support >= observed].sum()
    elif alternative == "less":
        p = probs[support <= observed].sum()
    else:
        # Integer comparison: exact, so coin's relative tolerance is not needed here.
        p = probs[np.abs(2 * support - centre2) >= abs(2 * observed - centre2)].sum()
    return float(min(1.0, max(0.0, p)))


# ------------------------------------------------------------------------ rank-sum


def rank_sum(
    x: ArrayLike,
    y: ArrayLike,
    method: str = "auto",
    correction: bool = True,
    alternative: str = "two-sided",
) -> TestResult:
    """Wilcoxon rank-sum (Mann-Whitney) test of two independent samples.

    Parameters
    ----------
    x, y : array_like
        The two samples (e.g. responders and non-responders). NaN/None are dropped.
    method : {"auto", "exact", "asymptotic", "r", "sas"}
        ``"exact"``: exact conditional (permutation) distribution given the tied
        mid-ranks. ``"asymptotic"``: normal approximation with tie-corrected variance.
        ``"auto"``: exact when the exact algorithm is cheap (see Notes).
        ``"r"``: R ``wilcox.test(x, y)`` defaults (exact without ties when both groups
        have fewer than 50 observations, else normal approximation).
        ``"sas"``: SAS 9.4 ``PROC NPAR1WAY WILCOXON`` defaults (normal approximation on
        the rank sum of the smaller group). See Notes.
    correction : bool
        Continuity correction of 0.5 in the asymptotic test (as R ``correct = TRUE`` and
        SAS ``CORRECT=YES``, both defaults).
    alternative : {"two-sided", "less", "greater"}
        ``"greater"``: x tends to be larger than y.

    Returns
    -------
    TestResult
        ``test="rank_sum"``; ``statistic`` is ``W``, the sum of the mid-ranks of ``x``
        (with ``method="sas"``: SAS's ``S``, the rank sum of the smaller group, ``x`` if
        the sizes are equal); ``details`` hold ``U = W - m(m+1)/2`` (what R's
        ``wilcox.test`` prints as W), ``expectation`` and ``variance`` of the statistic
        under H0, ``z`` (the standardised statistic, continuity-corrected when used; with
        ``"sas"`` SAS's ``Z``), ``ties``, ``method_rule``, ``method_requested`` and
        ``cost`` (cell updates of the exact algorithm; not with ``"sas"``). ``"sas"``
        adds ``rank_sum_x``, ``S_group`` (``"x"``/``"y"``) and
        ``pvalue_t_approximation`` (SAS's "t Approximation", ``m + n - 1`` df).

    Notes
    -----
    With tie blocks ``t_j`` among ``N = m + n`` observations,

    .. math:: E[W] = m(N+1)/2, \\quad
              Var[W] = \\frac{mn}{12}\\Big(N + 1 - \\frac{\\sum_j (t_j^3 - t_j)}{N(N-1)}\\Big).

    The asymptotic p-value uses ``z = (W - E[W] - c) / sqrt(Var[W])`` with ``c`` the
    continuity correction (R ``wilcox.test(exact = FALSE)``). The exact two-sided p-value
    is ``P(|W - E[W]| >= |w - E[W]|)`` (coin's definition); one-sided ``P(W >= w)``
    (greater) or ``P(W <= w)`` (less). See :func:`rank_sum_from_counts` for the algorithm
    and the ``"auto"`` rule.

    *Presets.* ``"r"`` is ``"exact"`` when ``m < 50``, ``n < 50`` and no value is tied
    (R's ``pwilcox``; its two-sided ``min(1, 2 min(P(W <= w), P(W >= w)))`` equals the
    definition above for a tie-free, hence symmetric, distribution), and otherwise
    ``"asymptotic"`` with ``correction``. ``"sas"`` takes ``S`` = the rank sum of the
    smaller group (the first if equal), ``Z = (S - E[S] - c) / sqrt(Var[S])`` with
    ``c = 0.5 sign(S - E[S])`` (none if ``correction=False``, SAS ``CORRECT=NO``) and the
    two-sided ``Pr > |Z| = 2 P(N(0,1) > |Z|)``. SAS prints the one-sided p-value in the
    observed direction only; ``"less"``/``"greater"`` give the lower/upper tail at the
    same ``Z``, oriented to ``x``.

    References
    ----------
    Hollander M, Wolfe DA, Chicken E. *Nonparametric Statistical Methods*, 3rd ed. Wiley,
    2014, ch. 4. Hothorn T, Hornik K, van de Wiel MA, Zeileis A. A Lego system for
    conditional inference. *Am Stat* 2006;60:257-263. R Core Team, ``?wilcox.test``
    (R 4.2). SAS Institute. *SAS/STAT 15.1 User's Guide*, The NPAR1WAY Procedure:
    "Simple Linear Rank Tests for Two-Sample Data".

    Examples
    --------
    >>> res = rank_sum([1, 2, 2, 3, 5], [3, 4, 4, 6, 7, 7], method="exact")
    >>> res.statistic, res.details["U"]
    (18.5, 3.5)
    >>> round(res.pvalue, 6)
    0.028139

    Birth weights of babies of smoking and non-smoking mothers (Kirkwood & Sterne 2003,
    Table 30.4); SAS 9.4 prints S = 150.5, Z = -2.5756, Pr > |Z| = 0.0100:

    >>> smokers = [3.18, 2.74, 2.9, 3.27, 3.65, 3.42, 3.23, 2.86, 3.6, 3.65, 3.69, 3.53,
    ...            2.38, 2.34]
    >>> non_smokers = [3.99, 3.89, 3.6, 3.73, 3.31, 3.7, 4.08, 3.61, 3.83, 3.41, 4.13,
    ...                3.36, 3.54, 3.51, 2.71]
    >>> sas = rank_sum(non_smokers, smokers, method="sas")
    >>> sas.statistic, round(sas.details["z"], 4), round(sas.pvalue, 4)
    (150.5, -2.5756, 0.01)
    >>> print(rank_sum(non_smokers, smokers, method="r").method)  # doctest: +NORMALIZE_WHITESPACE
    Wilcoxon rank-sum test, normal approximation with continuity correction
    (R wilcox.test default: ties)
    """
    _check_options(method, alternative)
    x_values, x_missing = _as_sample(x, "x")
    y_values, y_missing = _as_sample(y, "y")
    if x_values.size == 0 or y_values.size == 0:
        raise StatisticsError("Each group needs at least one non-missing value.")
    values, inverse = np.unique(np.concatenate((x_values, y_values)), return_inverse=True)
    counts_x = np.bincount(inverse[: x_values.size], minlength=values.size)
    counts_y = np.bincount(inverse[x_values.size :], minlength=values.size)
    result = rank_sum_from_counts(values, counts_x, counts_y, method, correction, alternative)
    return dataclasses.replace(result, n_missing=(x_missing, y_missing))


def rank_sum_from_counts(
    values: ArrayLike,
    counts_x: ArrayLike,
    counts_y: ArrayLike,
    method: str = "auto",
    correction: bool = True,
    alternative: str = "two-sided",
) -> TestResult:
    """Wilcoxon rank-sum test from a 2 x c table of counts per distinct value.

    Parameters
    ----------
    values : array_like
        Distinct values, sorted increasingly (only their order matters).
    counts_x, counts_y : array_like of int
        Number of observations of each value in the first and second group.
    method, correction, alternative
        As in :func:`rank_sum`.

    Returns
    -------
    TestResult
        As :func:`rank_sum` (``n_missing`` is ``(0, 0)``).

    Notes
    -----
    *Algorithm.* Category ``j`` has ``t_j`` observations with integer doubled mid-rank
    ``s_j``; the first group takes ``a_j``, multivariate hypergeometric given ``sum a_j =
    m``. Small tables (at most 3e6 cell updates) get the whole exact conditional
    distribution from a dynamic programme over categories (independent
    ``Binomial(t_j, m/N)`` conditioned on their total; state: count taken, partial
    ``sum a_j s_j``). Larger ones compute only the tails the p-value needs (one when the
    null distribution is symmetric, as for untied samples). With at most 4 distinct values
    a tail is a sum of products of hypergeometric probabilities (O(m^2) non-negative
    terms); otherwise each tail is computed by the cheaper of two exact algorithms, chosen
    on their counted work:

    * a *network* programme (compiled): one category at a time (hypergeometric steps),
      carrying only the states whose completions can still end on either side of the
      observed statistic (the shortest- and longest-path bounds of Mehta & Patel); a state
      whose every completion is in the tail is added to it at once. Its masses are
      probabilities of sampling without replacement, so nothing cancels.
    * *tilted Fourier inversion* of the generating function ``prod_j (1 + x z^{d_j})^{t_j}``
      (``d_j`` the scores reduced by their gcd): exponential tilts of the count and the
      score at the saddle point, a shear that decorrelates them, aliasing periods from
      Chernoff bounds, and evaluation only at the grid nodes whose exact modulus is not
      negligible (screened with a bound from one FFT, then node by node); the tail
      ``sum_{D >= u}`` enters through the kernel ``1 / (1 - e^{-lambda - i theta})``. The
      sum of the aliasing, skipped-node and rounding bounds is reported as
      ``details["error_bound"]`` (relative, typically 1e-14) and must be at most 1e-12;
      otherwise (a statistic at the very edge of its support) the programme is used.

    All agree with exact rational enumeration and with R ``coin`` to 1e-13 or better.
    ``details["algorithm"]`` names what was used (``"dynamic programme"``,
    ``"hypergeometric sums"``, ``"network"``, ``"fourier"``, ``"fourier + network"``;
    ``"network (middle)"`` for a two-sided p-value of at least 0.01 computed as one minus
    the probability between its two tails, one programme instead of two;
    ``"fourier (middle)"`` for the same by one Fourier grid, untilted in the score, whose
    kernel ``sum_{lo < k < hi} e^{-i theta k}`` is the window between the tails (tried
    when the normal approximation gives at least 0.04; its bound is that of the middle
    times ``(1 - p) / p``);
    ``"chernoff bound"`` when every tail is below the float range, a p-value of 0) and
    ``details["cost"]`` its work (cells, or Fourier nodes times categories).

    *"auto" rule* (``details["method_rule"]``, :data:`RANK_SUM_RULE`): a rule of sizes a
    protocol can quote — exact up to 5,000 patients per group when the data take at most
    100 distinct values, and up to 500 per group otherwise; the normal approximation
    (tie-corrected variance) beyond (``details["within_exact_rule"]``). Inside the rule
    the exact p-value is always computed, on 2 cores in at most about 0.1 s for most
    tables measured, and up to about 0.3 s for a group of 100-1,000 against thousands on
    6-11 values, mostly with steeply falling frequencies (``benchmarks/exact_tests.py``
    ``--corners``, ``--grid``, ``--skews``; 12 of its 160 steep-scale cases and 3-5 of its
    58 corners over 0.1 s, ``docs/scaling.md``). ``"exact"`` uses
    the same algorithms at any size and is refused only when none fits its limits. ``"r"``
    and ``"sas"`` follow their programs' rules instead (:func:`rank_sum`, Notes).

    References
    ----------
    Mehta CR, Patel NR. A network algorithm for performing Fisher's exact test in r x c
    contingency tables. *J Am Stat Assoc* 1983;78:427-434. Streitberg B, Röhmel J. Exact
    distributions for permutation and rank tests. *Stat Software Newsl* 1986;12:10-17.

    Examples
    --------
    >>> res = rank_sum_from_counts([0, 1, 2], [3, 2, 1], [1, 2, 3], method="exact")
    >>> res.statistic, round(res.pvalue, 6)
    (31.0, 0.316017)
    >>> sas = rank_sum_from_counts([0, 1, 2], [3, 2, 1], [1, 2, 3], method="sas")
    >>> sas.statistic, round(sas.details["z"], 6), round(sas.pvalue, 6)
    (31.0, -1.269381, 0.204305)
    """
    _check_options(method, alternative)
    value_array = _as_sorted_values(values, "values")
    cx = _as_counts(counts_x, "counts_x", value_array.size)
    cy = _as_counts(counts_y, "counts_y", value_array.size)
    m, n = int(cx.sum()), int(cy.sum())
    if m == 0 or n == 0:
        raise StatisticsError("Each group needs at least one observation.")
    keep = (cx + cy) > 0
    cx, cy = cx[keep], cy[keep]
    totals = cx + cy
    n_total = m + n
    scores2 = _doubled_midranks(totals)
    w2 = int((cx * scores2).sum())
    statistic = w2 / 2.0
    expectation = m * (n_total + 1) / 2.0
    tie_sum = float((totals.astype(float) ** 3 - totals).sum())
    variance = m * n / 12.0 * ((n_total + 1) - tie_sum / (n_total * (n_total - 1)))
    ties = bool((totals > 1).any())
    if method == "sas":
        return _rank_presets.sas_rank_sum_result(
            statistic, m, n, variance, ties, correction, alternative
        )
    requested, r_exact = method, _rank_presets.r_uses_exact_rank_sum(m, n, ties)
    if method == "r":
        method = "exact" if r_exact else "asymptotic"
    distinct = int(totals.size)
    within_rule = max(m, n) <= AUTO_EXACT_MAX_GROUP or (
        max(m, n) <= AUTO_EXACT_MAX_GROUP_TIED and distinct <= AUTO_EXACT_MAX_DISTINCT
    )
    if method == "auto":
        method = "exact" if within_rule else "asymptotic"
    details: dict[str, Any] = {
        "U": statistic - m * (m + 1) / 2.0,
        "expectation": expectation,
        "variance": variance,
        "ties": ties,
        "method_rule": _rank_presets.R_RANK_SUM_RULE if requested == "r" else RANK_SUM_RULE,
        "cost": math.nan,
        "method_requested": requested,
        "distinct_values": distinct,
        "within_exact_rule": within_rule,
    }
    note = None
    exact = None
    if method == "exact":
        try:
            exact = _exact_ranks.rank_sum_pvalue(
                scores2.tolist(), totals.tolist(), m, w2, alternative
            )
        except _exact_ranks.ExactNotComputable as exc:
            if requested != "auto":
                raise StatisticsError(
                    f"The exact rank-sum p-value cannot be computed: {exc}; "
                    "use method='asymptotic'."
                ) from exc
            # not met inside the documented rule; stated, never silent
            note = f"Exact test not computable ({exc}); normal approximation used."
    if exact is not None:
        pvalue = exact.pvalue
        details.update(exact.details())
        fourier_text = "; Fourier inversion" if "fourier" in exact.algorithm else ""
        method_text = (
            "Wilcoxon rank-sum test, exact conditional distribution "
            f"({'ties' if ties else 'no ties'}{fourier_text})"
        )
        details["z"] = (
            math.nan if variance <= 0 else (statistic - expectation) / math.sqrt(variance)
        )
    else:
        deviation = statistic - expectation
        shift = _continuity(deviation, alternative, correction)
        method_text = "Wilcoxon rank-sum test, normal approximation" + (
            " with continuity correction" if correction else ""
        )
        if variance <= 0:
            z, pvalue = math.nan, math.nan
            note = "All observations are tied: the rank-sum variance is zero."
        else:
            z = (deviation - shift) / math.sqrt(variance)
            pvalue = _normal_pvalue(z, alternative)
        details["z"] = z
    if requested == "r":
        method_text = _rank_presets.r_rank_sum_text(r_exact, m, n, correction)
    return TestResult(
        test="rank_sum",
        method=method_text,
        statistic=statistic,
        pvalue=pvalue,
        alternative=alternative,
        n=(m, n),
        n_missing=(0, 0),
        statistic_name="W (rank sum of first group)",
        note=note,
        details=details,
    )


# --------------------------------------------------------------------- signed-rank


def signed_rank(
    x: ArrayLike,
    y: ArrayLike | None = None,
    zero_method: str = "wilcox",
    method: str = "auto",
    correction: bool = True,
    alternative: str = "two-sided",
) -> TestResult:
    """Wilcoxon signed-rank test of paired differences ``d = x - y`` (or of ``x``).

    Parameters
    ----------
    x : array_like
        Values at the first time point (or the differences themselves if ``y`` is None).
    y : array_like, optional
        Values at the second time point, same patients in the same order.
    zero_method : {"wilcox", "pratt"}
        ``"wilcox"`` (default): zeros are dropped before ranking (R ``wilcox.test``, SAS
        ``PROC UNIVARIATE``, the published tables). ``"pratt"``: zero differences are
        ranked with the others and their ranks then dropped (coin's default,
        ``wilcoxsign_test(zero.method = "Pratt")``); not with ``"r"`` or ``"sas"``.
    method : {"auto", "exact", "asymptotic", "r", "sas"}
        As in :func:`rank_sum`; the "auto" rule is in :func:`signed_rank_from_counts`.
        ``"r"``: R ``wilcox.test(x, y, paired = TRUE)`` defaults (exact without ties or
        zeros below 50 non-zero differences, else normal approximation). ``"sas"``: SAS
        9.4 ``PROC UNIVARIATE`` (exact for at most 20 non-zero differences, else
        Student's t approximation). See Notes.
    correction : bool
        Continuity correction of 0.5 in the normal approximation (``"sas"`` uses none:
        UNIVARIATE has no normal approximation).
    alternative : {"two-sided", "less", "greater"}
        ``"greater"``: ``d`` tends to be positive.

    Returns
    -------
    TestResult
        ``test="signed_rank"``; ``statistic`` is ``V``, the sum of the (mid-)ranks of the
        positive differences (with ``method="sas"``: SAS's ``S = V - n(n+1)/4``, ``V``
        then in ``details["V"]``); ``n`` is ``(number of pairs used,)`` including zero
        differences, ``n_missing`` the pairs dropped for a missing member; ``df`` is
        ``n - 1`` for SAS's t approximation, else None. ``details``: ``n_zero``,
        ``n_nonzero``, ``expectation`` and ``variance`` of ``V``, ``z`` (not for the t
        approximation, which has ``t``), ``zero_method``, ``ties``, ``method_rule``,
        ``method_requested``, ``cost``.

    Notes
    -----
    With ``r_i`` the mid-ranks of the non-zero ``|d_i|`` (after the zero handling),
    ``E[V] = sum r_i / 2`` and ``Var[V] = sum r_i^2 / 4`` under the sign-flip null; for
    ``zero_method="wilcox"`` this equals R's
    ``n(n+1)(2n+1)/24 - sum(t^3 - t)/48``. Exact two-sided p-value
    ``P(|V - E| >= |v - E|)``. When every difference is zero the p-value is NaN and
    ``note`` says why (there is no non-zero difference to test).

    *Presets* (zeros dropped, ``n`` non-zero differences, ``t`` the tie block sizes of
    ``|d|``). ``"r"`` is ``"exact"`` when ``n < 50`` and there are neither ties nor zeros
    (R's ``psignrank``), otherwise ``"asymptotic"`` with ``correction``. ``"sas"`` reports
    ``S = V - n(n+1)/4``; for ``n <= 20`` its p-value ``Pr >= |S|`` comes from the exact
    distribution of ``S`` (a convolution of scaled binomials, one per tie block: the
    conditional distribution used by ``"exact"``), for ``n > 20`` from
    ``t = S sqrt((n - 1) / (n V_S - S^2))`` on ``n - 1`` df with
    ``V_S = n(n+1)(2n+1)/24 - sum(t^3 - t)/48``. SAS prints the two-sided p-value only;
    ``"greater"``/``"less"`` give the corresponding upper/lower tail.

    References
    ----------
    Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures.
    *J Am Stat Assoc* 1959;54:655-667. Hollander, Wolfe & Chicken (2014), ch. 3.
    Iman RL. Use of a t-statistic as an approximation to the exact distribution of the
    Wilcoxon signed ranks test statistic. *Commun Stat* 1974;3:795-806. SAS Institute.
    *Base SAS Procedures Guide: Statistical Procedures*, The UNIVARIATE Procedure: "Tests
    for Location". R Core Team, ``?wilcox.test`` (R 4.2).

    Examples
    --------
    Hollander & Wolfe (1999, Table 3.1), Hamilton depression scale before/after:

    >>> before = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    >>> after = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    >>> res = signed_rank(after, before, method="exact", alternative="less")
    >>> res.statistic, round(res.pvalue, 6)
    (5.0, 0.019531)

    PROC UNIVARIATE on 10 paired ratings with 2 zero differences and ties prints
    ``Sgn Rank 16.5, Pr>=|S| 0.0234``:

    >>> best = [4, 3, 5, 2, 3, 5, 1, 4, 3, 4]
    >>> poor = [2, 1, 3, 2, 1, 1, 1, 3, 4, 2]
    >>> sas = signed_rank(best, poor, method="sas")
    >>> sas.statistic, round(sas.pvalue, 4), sas.method
    ... # doctest: +NORMALIZE_WHITESPACE
    (16.5, 0.0234,
     'Wilcoxon signed-rank test, exact distribution (SAS UNIVARIATE, n <= 20)')
    """
    _check_options(method, alternative)
    if y is None:
        differences, n_missing = _as_sample(x, "x")
    else:
        x_array = _as_float_array(x, "x")
        y_array = _as_float_array(y, "y")
        if x_array.shape != y_array.shape:
            raise StatisticsError(
                f"Paired samples must have the same length, got {x_array.size} and {y_array.size}."
            )
        complete = ~(np.isnan(x_array) | np.isnan(y_array))
        differences = x_array[complete] - y_array[complete]
        n_missing = int((~complete).sum())
    if differences.size == 0:
        raise StatisticsError("There is no complete (non-missing) pair to test.")
    distinct, counts = np.unique(differences, return_counts=True)
    result = signed_rank_from_counts(distinct, counts, zero_method, method, correction, alternative)
    return dataclasses.replace(result, n_missing=(n_missing,))


def signed_rank_from_counts(
    differences: ArrayLike,
    counts: ArrayLike,
    zero_method: str = "wilcox",
    method: str = "auto",
    correction: bool = True,
    alternative: str = "two-sided",
) -> TestResult:
    """Wilcoxon signed-rank test from counts of distinct differences.

    Parameters
    ----------
    differences : array_like
        Distinct paired differences, sorted increasingly (may include 0).
    counts : array_like of int
        Number of pairs with each difference.
    zero_method, method, correction, alternative
        As in :func:`signed_rank`.

    Returns
    -------
    TestResult
        As :func:`signed_rank` (``n_missing`` is ``(0,)``).

    Notes
    -----
    *Algorithm.* Group the non-zero ``|d|`` into categories with count ``t_j`` and
    integer doubled mid-rank ``r_j``; the number of positive signs in a category is
    ``Binomial(t_j, 1/2)``. Small problems (at most 3e6 cell updates,
    ``cost = sum_j (t_j + 1) x (support width before category j)``) get the whole
    distribution from a one-dimensional dynamic programme. Larger ones compute one tail
    (the null distribution is symmetric, so the two-sided p-value is twice it) by the
    cheaper of a network programme (signs one at a time, carrying only the partial sums
    that can still end on either side of the observed one) and certified tilted Fourier
    inversion of ``prod_j ((1 + z^{r_j}) / 2)^{t_j}`` (one dimension; relative error bound
    at most 1e-12 in ``details["error_bound"]``); see :func:`rank_sum_from_counts`.

    *"auto" rule* (``details["method_rule"]``, :data:`SIGNED_RANK_RULE`): a rule of sizes a
    protocol can quote — exact up to 5,000 ranked differences when they take at most 100
    distinct absolute values, and up to 500 otherwise; asymptotic beyond
    (``details["within_exact_rule"]``). Inside the rule the exact p-value takes at most
    about 0.1 s (``benchmarks/exact_tests.py``). ``"r"`` and ``"sas"`` follow their
    programs' rules instead (:func:`signed_rank`, Notes).

    Examples
    --------
    Zeros are dropped by default; Pratt's method ranks them first:

    >>> res = signed_rank_from_counts([-2, 0, 1, 3], [1, 2, 4, 3], method="exact")
    >>> res.statistic, round(res.pvalue, 6)
    (31.0, 0.09375)
    >>> pratt = signed_rank_from_counts([-2, 0, 1, 3], [1, 2, 4, 3], "pratt", "exact")
    >>> pratt.statistic, round(pratt.pvalue, 6)
    (45.0, 0.046875)
    >>> print(signed_rank_from_counts([-2, 0, 1, 3], [1, 2, 4, 3], method="r").method)
    ... # doctest: +NORMALIZE_WHITESPACE
    Wilcoxon signed-rank test, normal approximation with continuity correction
    (R wilcox.test default: ties)
    """
    _check_options(method, alternative)
    if zero_method not in ("pratt", "wilcox"):
        raise StatisticsError(f"zero_method must be 'pratt' or 'wilcox', got {zero_method!r}.")
    if method in ("sas", "r") and zero_method != "wilcox":
        raise StatisticsError(
            f"method={method!r} reproduces a program that drops zero differences; "
            "it cannot be combined with zero_method='pratt'."
        )
    diff_array = _as_sorted_values(differences, "differences")
    count_array = _as_counts(counts, "counts", diff_array.size)
    n_pairs = int(count_array.sum())
    if n_pairs == 0:
        raise StatisticsError("There is no pair to test.")
    magnitudes, inverse = np.unique(np.abs(diff_array), return_inverse=True)
    totals = np.bincount(inverse, weights=count_array, minlength=magnitudes.size).astype(np.int64)
    positives = np.bincount(
        inverse, weights=count_array * (diff_array > 0), minlength=magnitudes.size
    ).astype(np.int64)
    n_zero = int(totals[magnitudes == 0].sum())
    if zero_method == "wilcox":
        nonzero = (magnitudes > 0) & (totals > 0)
        scores2 = _doubled_midranks(totals[nonzero])
    else:
        used = totals > 0
        scores2 = _doubled_midranks(totals[used])[magnitudes[used] > 0]
        nonzero = (magnitudes > 0) & used
    totals, positives = totals[nonzero], positives[nonzero]
    n_nonzero = int(totals.sum())
    ties = bool((totals > 1).any())
    rules = {"r": _rank_presets.R_SIGNED_RANK_RULE, "sas": _rank_presets.SAS_SIGNED_RANK_RULE}
    details: dict[str, Any] = {
        "n_zero": n_zero,
        "n_nonzero": n_nonzero,
        "zero_method": zero_method,
        "ties": ties,
        "method_rule": rules.get(method, SIGNED_RANK_RULE),
        "method_requested": method,
    }
    base = dict(test="signed_rank", alternative=alternative, n=(n_pairs,), n_missing=(0,))
    if n_nonzero == 0:
        return TestResult(
            method="Wilcoxon signed-rank test",
            statistic=0.0,
            pvalue=math.nan,
            statistic_name="V (sum of positive ranks)",
            note="All differences are zero: there is no signed rank to test.",
            details=details,
            **base,  # type: ignore[arg-type]
        )
    v2 = int((positives * scores2).sum())
    sum2 = int((totals * scores2).sum())  # twice E[V2]
    statistic = v2 / 2.0
    expectation = sum2 / 4.0
    variance = float((totals * scores2.astype(float) ** 2).sum()) / 16.0
    cost = _exact_ranks.signed_rank_cost(scores2.tolist(), totals.tolist())
    details.update(expectation=expectation, variance=variance, cost=cost)
    requested = method
    if method == "sas" and n_nonzero > _rank_presets.SAS_EXACT_MAX_N:
        return _rank_presets.sas_signed_rank_t_result(
            statistic, expectation, variance, n_nonzero, details, base
        )
    r_exact = _rank_presets.r_uses_exact_signed_rank(n_nonzero, ties, n_zero)
    if method == "r":
        method = "exact" if r_exact else "asymptotic"
    ranked = int(totals.sum())
    within = ranked <= SIGNED_RANK_MAX_PAIRS or (
        ranked <= SIGNED_RANK_MAX_PAIRS_ON_SCALE and len(totals) <= SIGNED_RANK_MAX_DISTINCT
    )
    details["within_exact_rule"] = within  # a rule of sizes a protocol can quote, not of cost
    use_exact = method in ("exact", "sas") or (method == "auto" and within)
    zero_text = "Pratt zero handling" if zero_method == "pratt" else "zeros dropped"
    if use_exact:
        exact = _exact_ranks.signed_rank_pvalue(scores2.tolist(), totals.tolist(), v2, alternative)
        pvalue = exact.pvalue
        details.update(exact.details())
        fourier_text = "; Fourier inversion" if "fourier" in exact.algorithm else ""
        method_text = (
            f"Wilcoxon signed-rank test ({zero_text}), exact conditional distribution "
            f"({'ties' if details['ties'] or n_zero else 'no ties'}{fourier_text})"
        )
        details["z"] = (statistic - expectation) / math.sqrt(variance)
    else:
        deviation = statistic - expectation
        z = (deviation - _continuity(deviation, alternative, correction)) / math.sqrt(variance)
        pvalue = _normal_pvalue(z, alternative)
        details["z"] = z
        method_text = f"Wilcoxon signed-rank test ({zero_text}), normal approximation" + (
            " with continuity correction" if correction else ""
        )
    statistic_name = "V (sum of positive ranks)"
    if requested == "r":
        method_text = _rank_presets.r_signed_rank_text(r_exact, n_nonzero, ties, correction)
    elif requested == "sas":
        method_text = "Wilcoxon signed-rank test, exact distribution (SAS UNIVARIATE, n <= 20)"
        details["V"] = statistic
        statistic, statistic_name = statistic - expectation, _rank_presets.SAS_S_NAME
    return TestResult(
        method=method_text,
        statistic=statistic,
        pvalue=pvalue,
        statistic_name=statistic_name,
        details=details,
        **base,  # type: ignore[arg-type]
    )
