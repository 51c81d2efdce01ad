"""Effect sizes with confidence intervals, each returned as a :class:`TestResult`.

Where a test of "no effect" belongs naturally to the effect size (the t-test for a mean
difference, the Wald test for a log odds ratio) its p-value is given; otherwise the p-value
is NaN and ``note`` names the test to use.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats
from scipy.special import gammaln

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.contingency import _as_count_table
from painresponse.stats.means import _clean, ttest_ind
from painresponse.stats.proportions import wilson_interval

__all__ = [
    "mean_difference",
    "odds_ratio",
    "probability_of_superiority",
    "rank_biserial",
    "risk_difference",
    "standardized_mean_difference",
]


def _check_level(conf_level: float) -> None:
    if not 0 < conf_level < 1:
        raise StatisticsError(f"conf_level must be between 0 and 1, got {conf_level}.")


def _two_groups(
    x: ArrayLike, y: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[int, int]]:
    a, miss_a = _clean(x, "x")
    b, miss_b = _clean(y, "y")
    if len(a) == 0 or len(b) == 0:
        raise StatisticsError("Each group needs at least one non-missing value.")
    return a, b, (miss_a, miss_b)


def _table_2x2(table: ArrayLike) -> NDArray[np.int64]:
    counts = _as_count_table(table)
    if counts.shape != (2, 2):
        raise StatisticsError(f"A 2 x 2 table is needed, got shape {counts.shape}.")
    return counts


def mean_difference(
    x: ArrayLike, y: ArrayLike, conf_level: float = 0.95, equal_var: bool = True
) -> TestResult:
    """Difference in means, mean(x) - mean(y), with its t-based confidence interval.

    Parameters
    ----------
    x, y : array_like of float
        The two groups; NaN dropped and counted.
    conf_level : float, default 0.95
        Confidence level.
    equal_var : bool, default True
        Pooled-variance interval (True) or Welch's (False).

    Returns
    -------
    TestResult
        ``test="mean_difference"``; the t-test fields of :func:`~painresponse.stats.means.ttest_ind`
        (its two-sided p-value is the test of a zero difference).

    Notes
    -----
    :math:`\\bar x - \\bar y \\pm t_{1-\\alpha/2, df} SE` (see ``ttest_ind_from_stats``).

    References
    ----------
    .. [1] Altman DG et al. Statistics with Confidence. 2nd ed. BMJ Books; 2000. Chapter 5.

    Examples
    --------
    >>> res = mean_difference([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    >>> res.estimate, round(res.ci_low, 4), round(res.ci_high, 4)
    (-3.0, -6.6461, 0.6461)
    """
    res = ttest_ind(x, y, equal_var=equal_var, conf_level=conf_level)
    return replace(res, test="mean_difference")


def _hedges_j(df: float) -> float:
    """Exact small-sample correction J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))."""
    return math.exp(gammaln(df / 2) - gammaln((df - 1) / 2)) / math.sqrt(df / 2)


def _nct_ci(t_obs: float, df: float, conf_level: float) -> tuple[float, float]:
    """Confidence limits for the noncentrality parameter by inverting the noncentral t."""
    alpha = 1 - conf_level

    def solve(target: float) -> float:
        def f(ncp: float) -> float:
            cdf = float(stats.nct.cdf(t_obs, df, ncp))
            if math.isnan(cdf):  # far tails, where scipy's nct gives up: cdf is 0 or 1 there
                cdf = 0.0 if ncp > t_obs else 1.0
            return cdf - target

        step = 1.0
        lo, hi = t_obs - step, t_obs + step
        while f(lo) < 0:
            step *= 2
            lo = t_obs - step
        step = 1.0
        while f(hi) > 0:
            step *= 2
            hi = t_obs + step
        return float(optimize.brentq(f, lo, hi, xtol=1e-10))

    return solve(1 - alpha / 2), solve(alpha / 2)


def standardized_mean_difference(
    x: ArrayLike, y: ArrayLike, kind: str = "hedges", conf_level: float = 0.95
) -> TestResult:
    """Cohen's d or Hedges' g with a confidence interval from the noncentral t distribution.

    Parameters
    ----------
    x, y : array_like of float
        The two groups; NaN dropped and counted.
    kind : {"hedges", "cohen"}, default "hedges"
        Hedges' g (bias-corrected) or Cohen's d (pooled SD).
    conf_level : float, default 0.95
        Confidence level.

    Returns
    -------
    TestResult
        ``test="standardized_mean_difference"``; ``estimate`` d or g with ``ci_low``/``ci_high``;
        ``statistic`` the pooled t; ``pvalue`` the two-sided pooled t-test of zero;
        ``details``: ``"d"``, ``"j"`` (correction factor), ``"ncp_ci"``.

    Notes
    -----
    :math:`d = (\\bar x - \\bar y)/s_p`, :math:`g = J d` with
    :math:`J = \\Gamma(\\nu/2)/(\\sqrt{\\nu/2}\\,\\Gamma((\\nu-1)/2))`, :math:`\\nu = n_1+n_2-2`.
    With :math:`t = d\\sqrt{n_1 n_2/(n_1+n_2)}`, the limits for the noncentrality
    :math:`\\lambda` solve :math:`F_{\\nu,\\lambda}(t) = 1-\\alpha/2` and :math:`\\alpha/2`
    (Steiger and Fouladi), and are mapped back by :math:`\\lambda\\sqrt{(n_1+n_2)/(n_1 n_2)}`
    (times J for g).

    References
    ----------
    .. [1] Hedges LV. Distribution theory for Glass's estimator of effect size.
       J Educ Stat. 1981;6:107-128.
    .. [2] Steiger JH, Fouladi RT. Noncentrality interval estimation. In: What if there
       were no significance tests? Erlbaum; 1997.

    Examples
    --------
    >>> res = standardized_mean_difference([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], kind="cohen")
    >>> round(res.estimate, 4), round(res.ci_low, 3), round(res.ci_high, 3)
    (-1.2, -2.538, 0.198)
    """
    if kind not in ("hedges", "cohen"):
        raise StatisticsError(f"kind must be 'hedges' or 'cohen', got {kind!r}.")
    _check_level(conf_level)
    a, b, missing = _two_groups(x, y)
    n1, n2 = len(a), len(b)
    name = "Hedges' g" if kind == "hedges" else "Cohen's d"
    df = n1 + n2 - 2

    def undefined(note: str) -> TestResult:
        return TestResult(
            test="standardized_mean_difference",
            method=name,
            statistic=math.nan,
            pvalue=math.nan,
            n=(n1, n2),
            n_missing=missing,
            statistic_name="t",
            conf_level=conf_level,
            estimate_name=name,
            note=note,
        )

    if n1 < 2 or n2 < 2:
        return undefined("Each group needs at least two values for a pooled SD.")
    pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / df)
    if pooled == 0:
        return undefined("The pooled standard deviation is zero.")
    d = float((a.mean() - b.mean()) / pooled)
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    t_obs = d * scale
    ncp_low, ncp_high = _nct_ci(t_obs, df, conf_level)
    j = _hedges_j(df) if kind == "hedges" else 1.0
    return TestResult(
        test="standardized_mean_difference",
        method=f"{name}, confidence interval by inverting the noncentral t distribution",
        statistic=t_obs,
        pvalue=float(2 * stats.t.sf(abs(t_obs), df)),
        n=(n1, n2),
        n_missing=missing,
        statistic_name="t",
        df=float(df),
        estimate=j * d,
        ci_low=j * ncp_low / scale,
        ci_high=j * ncp_high / scale,
        conf_level=conf_level,
        estimate_name=name,
        details={"d": d, "j": j, "ncp_ci": [ncp_low, ncp_high]},
    )


def risk_difference(table2x2: ArrayLike, conf_level: float = 0.95) -> TestResult:
    """Difference of two proportions with Newcombe's hybrid score (Wilson-based) interval.

    Parameters
    ----------
    table2x2 : array_like of int, shape (2, 2)
        Rows are the groups, the first column counts events and the second non-events:
        ``[[events1, non_events1], [events2, non_events2]]``.
    conf_level : float, default 0.95
        Confidence level.

    Returns
    -------
    TestResult
        ``test="risk_difference"``; ``estimate`` p1 - p2 with ``ci_low``/``ci_high``;
        ``statistic`` the same difference; ``pvalue`` NaN (use :func:`chi2_test` or
        :func:`fisher_exact` for the test); ``details``: ``"p1"``, ``"p2"``, Wilson limits.

    Notes
    -----
    With Wilson limits :math:`(l_i, u_i)` for :math:`p_i` and :math:`\\delta = p_1 - p_2`:
    :math:`L = \\delta - \\sqrt{(p_1-l_1)^2 + (u_2-p_2)^2}`,
    :math:`U = \\delta + \\sqrt{(u_1-p_1)^2 + (p_2-l_2)^2}` (Newcombe's method 10).

    References
    ----------
    .. [1] Newcombe RG. Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Stat Med. 1998;17:873-890.

    Examples
    --------
    Newcombe (1998), example (a): 56/70 vs 48/80 gives 0.2000 (0.0524, 0.3339).

    >>> res = risk_difference([[56, 14], [48, 32]])
    >>> round(res.estimate, 4), round(res.ci_low, 4), round(res.ci_high, 4)
    (0.2, 0.0524, 0.3339)
    """
    _check_level(conf_level)
    counts = _table_2x2(table2x2)
    n1, n2 = int(counts[0].sum()), int(counts[1].sum())
    if n1 == 0 or n2 == 0:
        raise StatisticsError("Each group (row) of the table needs at least one patient.")
    p1, p2 = counts[0, 0] / n1, counts[1, 0] / n2
    l1, u1 = wilson_interval(int(counts[0, 0]), n1, conf_level)
    l2, u2 = wilson_interval(int(counts[1, 0]), n2, conf_level)
    delta = float(p1 - p2)
    low = delta - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = delta + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return TestResult(
        test="risk_difference",
        method="Risk difference, Newcombe hybrid score interval",
        statistic=delta,
        pvalue=math.nan,
        n=(n1, n2),
        n_missing=(0, 0),
        statistic_name="p1 - p2",
        estimate=delta,
        ci_low=float(low),
        ci_high=float(high),
        conf_level=conf_level,
        estimate_name="risk difference (row 1 - row 2)",
        note="No p-value: test the difference with chi2_test or fisher_exact.",
        details={"p1": float(p1), "p2": float(p2), "wilson1": [l1, u1], "wilson2": [l2, u2]},
    )


def odds_ratio(table2x2: ArrayLike, conf_level: float = 0.95) -> TestResult:
    """Sample odds ratio with Woolf's (log) confidence interval and Wald test.

    Parameters
    ----------
    table2x2 : array_like of int, shape (2, 2)
        ``[[a, b], [c, d]]``: rows are groups, columns event / non-event.
    conf_level : float, default 0.95
        Confidence level.

    Returns
    -------
    TestResult
        ``test="odds_ratio"``; ``estimate`` ad/(bc) with ``ci_low``/``ci_high``;
        ``statistic`` the Wald z of log OR; ``pvalue`` its two-sided p-value;
        ``details``: ``"log_or"``, ``"se_log_or"``, ``"haldane"`` (bool).

    Notes
    -----
    :math:`\\widehat{OR} = ad/(bc)`, :math:`SE(\\log \\widehat{OR}) = \\sqrt{1/a+1/b+1/c+1/d}`,
    interval :math:`\\exp(\\log \\widehat{OR} \\pm z_{1-\\alpha/2} SE)`. With a zero cell,
    0.5 is added to every cell (Haldane-Anscombe) and ``note`` says so.

    References
    ----------
    .. [1] Woolf B. On estimating the relation between blood group and disease.
       Ann Hum Genet. 1955;19:251-253.
    .. [2] Haldane JBS. The estimation and significance of the logarithm of a ratio of
       frequencies. Ann Hum Genet. 1956;20:309-311.

    Examples
    --------
    >>> res = odds_ratio([[12, 5], [6, 10]])
    >>> round(res.estimate, 3), round(res.ci_low, 3), round(res.ci_high, 3)
    (4.0, 0.935, 17.113)
    """
    _check_level(conf_level)
    counts = _table_2x2(table2x2)
    n = (int(counts[0].sum()), int(counts[1].sum()))
    cells = counts.astype(float)
    haldane = bool((cells == 0).any())
    note = None
    if haldane:
        cells = cells + 0.5
        note = "A cell is zero: 0.5 was added to every cell (Haldane-Anscombe correction)."
    a, b, c, d = cells.ravel()
    if (a + b == 0.0 or c + d == 0.0 or a + c == 0.0 or b + d == 0.0) and not haldane:
        raise StatisticsError("The odds ratio needs non-empty rows and columns.")
    log_or = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z = float(stats.norm.ppf(0.5 + conf_level / 2))
    wald = log_or / se
    return TestResult(
        test="odds_ratio",
        method="Odds ratio, Woolf (logit) interval",
        statistic=wald,
        pvalue=float(2 * stats.norm.sf(abs(wald))),
        n=n,
        n_missing=(0, 0),
        statistic_name="z",
        estimate=math.exp(log_or),
        ci_low=math.exp(log_or - z * se),
        ci_high=math.exp(log_or + z * se),
        conf_level=conf_level,
        estimate_name="odds ratio (row 1 vs row 2)",
        note=note,
        details={"log_or": log_or, "se_log_or": se, "haldane": haldane},
    )


def _superiority(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[float, float]:
    """(P(X > Y), P(X = Y)) over all pairs, by sorting."""
    ys = np.sort(b)
    below = np.searchsorted(ys, a, side="left")
    not_above = np.searchsorted(ys, a, side="right")
    pairs = len(a) * len(b)
    return float(below.sum()) / pairs, float((not_above - below).sum()) / pairs


def rank_biserial(x: ArrayLike, y: ArrayLike, conf_level: float = 0.95) -> TestResult:
    """Rank-biserial correlation r = 2 P(X > Y) + P(X = Y) - 1, with a Fisher-z interval.

    Parameters
    ----------
    x, y : array_like of float
        The two groups; NaN dropped and counted.
    conf_level : float, default 0.95
        Confidence level.

    Returns
    -------
    TestResult
        ``test="rank_biserial"``; ``estimate`` r in [-1, 1] with ``ci_low``/``ci_high``;
        ``statistic`` the Mann-Whitney U of x (ties count one half); ``pvalue`` NaN (use
        ``rank_sum`` for the test); ``details``: ``"p_greater"``, ``"p_equal"``.

    Notes
    -----
    :math:`r = 2U/(n_1 n_2) - 1`. The interval is
    :math:`\\tanh(\\operatorname{atanh}(r) \\pm z_{1-\\alpha/2}\\sqrt{(n_1+n_2+1)/(3 n_1 n_2)})`,
    the standard error of the rank-biserial correlation under the null hypothesis on the
    Fisher-z scale (as R's ``effectsize::rank_biserial``). It is approximate and
    conservative-to-liberal depending on r; |r| = 1 gives the degenerate interval at r.

    References
    ----------
    .. [1] Kerby DS. The simple difference formula: an approach to teaching
       nonparametric correlation. Compr Psychol. 2014;3:11.IT.3.1.
    .. [2] Ben-Shachar MS, Lüdecke D, Makowski D. effectsize: estimation of effect size
       indices and standardized parameters. J Open Source Softw. 2020;5:2815.

    Examples
    --------
    >>> res = rank_biserial([3, 4, 5, 6], [1, 2, 3, 4])
    >>> res.estimate
    0.75
    """
    _check_level(conf_level)
    a, b, missing = _two_groups(x, y)
    n1, n2 = len(a), len(b)
    greater, equal = _superiority(a, b)
    r = 2 * greater + equal - 1
    se = math.sqrt((n1 + n2 + 1) / (3 * n1 * n2))
    z = float(stats.norm.ppf(0.5 + conf_level / 2))
    r_clip = min(max(r, -1.0), 1.0)
    if abs(r_clip) == 1.0:
        low = high = r_clip
    else:
        centre = math.atanh(r_clip)
        low, high = math.tanh(centre - z * se), math.tanh(centre + z * se)
    return TestResult(
        test="rank_biserial",
        method="Rank-biserial correlation, Fisher z interval",
        statistic=(greater + equal / 2) * n1 * n2,
        pvalue=math.nan,
        n=(n1, n2),
        n_missing=missing,
        statistic_name="U",
        estimate=r,
        ci_low=low,
        ci_high=high,
        conf_level=conf_level,
        estimate_name="rank-biserial correlation (x vs y)",
        note="No p-value: test the shift with rank_sum.",
        details={"p_greater": greater, "p_equal": equal},
    )


def probability_of_superiority(x: ArrayLike, y: ArrayLike) -> TestResult:
    """Probability of superiority P(X > Y) + P(X = Y)/2 (common-language effect size).

    Parameters
    ----------
    x, y : array_like of float
        The two groups; NaN dropped and counted.

    Returns
    -------
    TestResult
        ``test="probability_of_superiority"``; ``estimate`` in [0, 1] with the interval
        (r + 1)/2 mapped from :func:`rank_biserial`'s 95% interval; ``pvalue`` NaN.

    Notes
    -----
    :math:`PS = U/(n_1 n_2) = (r + 1)/2`, the area under the ROC curve of x against y.

    References
    ----------
    .. [1] McGraw KO, Wong SP. A common language effect size statistic.
       Psychol Bull. 1992;111:361-365.

    Examples
    --------
    >>> probability_of_superiority([3, 4, 5, 6], [1, 2, 3, 4]).estimate
    0.875
    """
    rb = rank_biserial(x, y)
    assert rb.estimate is not None and rb.ci_low is not None and rb.ci_high is not None
    return replace(
        rb,
        test="probability_of_superiority",
        method="Probability of superiority, P(X > Y) + P(X = Y)/2",
        estimate=(rb.estimate + 1) / 2,
        ci_low=(rb.ci_low + 1) / 2,
        ci_high=(rb.ci_high + 1) / 2,
        estimate_name="P(X > Y) + P(X = Y)/2",
        note="No p-value: test the shift with rank_sum.",
    )
