"""Student's and Welch's t-tests for two independent groups, and the paired t-test.

The estimate is the difference in means (first group minus second) with its t-based
confidence interval, as R's ``t.test``; the pooled test is SAS PROC TTEST's "Pooled" row and
the Welch test its "Satterthwaite" row.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import StatisticsError
from painresponse.stats._distributions import t_cdf, t_ppf, t_sf
from painresponse.stats._result import TestResult

__all__ = ["ttest_ind", "ttest_ind_from_stats", "ttest_rel"]

_ALTERNATIVES = ("two-sided", "less", "greater")


def _clean(values: ArrayLike, name: str) -> tuple[NDArray[np.float64], int]:
    """Return the finite values of a one-dimensional sample and how many were missing."""
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise StatisticsError(f"Group {name} must contain numbers only.") from exc
    if np.isinf(arr).any():
        raise StatisticsError(f"Group {name} contains infinite values.")
    missing = np.isnan(arr)
    return arr[~missing], int(missing.sum())


def _check_options(alternative: str, conf_level: float) -> None:
    if alternative not in _ALTERNATIVES:
        raise StatisticsError(
            f"alternative must be one of {', '.join(_ALTERNATIVES)}, got {alternative!r}."
        )
    if not 0 < conf_level < 1:
        raise StatisticsError(f"conf_level must be between 0 and 1, got {conf_level}.")


def _t_inference(
    estimate: float, se: float, df: float, alternative: str, conf_level: float
) -> tuple[float, float, float, float]:
    """t statistic, p-value and confidence limits for ``estimate`` with standard error ``se``."""
    statistic = estimate / se
    if alternative == "two-sided":
        pvalue = 2 * t_sf(abs(statistic), df)
        half = t_ppf(0.5 + conf_level / 2, df) * se
        low, high = estimate - half, estimate + half
    elif alternative == "less":
        pvalue = t_cdf(statistic, df)
        low, high = -math.inf, estimate + t_ppf(conf_level, df) * se
    else:
        pvalue = t_sf(statistic, df)
        low, high = estimate - t_ppf(conf_level, df) * se, math.inf
    return float(statistic), float(min(1.0, pvalue)), float(low), float(high)


def _nan_result(
    test: str,
    method: str,
    reason: str,
    alternative: str,
    n: tuple[int, ...],
    n_missing: tuple[int, ...],
    conf_level: float,
) -> TestResult:
    return TestResult(
        test=test,
        method=method,
        statistic=math.nan,
        pvalue=math.nan,
        alternative=alternative,
        n=n,
        n_missing=n_missing,
        statistic_name="t",
        conf_level=conf_level,
        note=reason,
    )


def ttest_ind_from_stats(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    equal_var: bool = True,
    alternative: str = "two-sided",
    conf_level: float = 0.95,
) -> TestResult:
    """Two-sample t-test from group means, standard deviations and sizes.

    Parameters
    ----------
    mean1, sd1, n1 : float, float, int
        Mean, standard deviation (n - 1 denominator) and size of the first group.
    mean2, sd2, n2 : float, float, int
        The same for the second group.
    equal_var : bool, default True
        True: Student's pooled-variance test. False: Welch's test with the
        Welch-Satterthwaite degrees of freedom.
    alternative : {"two-sided", "less", "greater"}
        Direction of the alternative for mean1 - mean2.
    conf_level : float, default 0.95
        Confidence level of the interval for the difference in means.

    Returns
    -------
    TestResult
        ``test="ttest_ind"``, ``statistic`` t, ``df``, ``estimate`` = mean1 - mean2 with
        ``ci_low``/``ci_high``; ``details`` holds ``"se"``, the means and SDs.

    Notes
    -----
    Pooled: :math:`s_p^2 = ((n_1-1)s_1^2 + (n_2-1)s_2^2)/(n_1+n_2-2)`,
    :math:`SE = s_p\\sqrt{1/n_1 + 1/n_2}`, df = n1 + n2 - 2.
    Welch: :math:`SE = \\sqrt{s_1^2/n_1 + s_2^2/n_2}`,
    :math:`df = SE^4 / ((s_1^2/n_1)^2/(n_1-1) + (s_2^2/n_2)^2/(n_2-1))`.
    :math:`t = (\\bar x_1 - \\bar x_2)/SE`.

    References
    ----------
    .. [1] Welch BL. The generalization of "Student's" problem when several different
       population variances are involved. Biometrika. 1947;34:28-35.
    .. [2] SAS Institute. SAS/STAT User's Guide: The TTEST Procedure.

    Examples
    --------
    Age in Table 1 of the study, 65.8 +/- 11.3 (n = 41) vs 68.5 +/- 9.0 (n = 43):

    >>> res = ttest_ind_from_stats(65.8, 11.3, 41, 68.5, 9.0, 43)
    >>> round(res.statistic, 3), round(res.pvalue, 3)
    (-1.214, 0.228)
    """
    _check_options(alternative, conf_level)
    test = "ttest_ind"
    method = (
        "Student's two-sample t-test (pooled variance)"
        if equal_var
        else ("Welch's two-sample t-test (Satterthwaite degrees of freedom)")
    )
    n = (int(n1), int(n2))
    if n1 < 1 or n2 < 1 or n1 + n2 < 3 or (not equal_var and min(n1, n2) < 2):
        return _nan_result(
            test,
            method,
            "Too few observations for a two-sample t-test.",
            alternative,
            n,
            (0, 0),
            conf_level,
        )
    if sd1 < 0 or sd2 < 0:
        raise StatisticsError("Standard deviations must not be negative.")
    v1, v2 = sd1**2, sd2**2
    if equal_var:
        df = float(n1 + n2 - 2)
        pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
        se = math.sqrt(pooled * (1 / n1 + 1 / n2))
    else:
        a, b = v1 / n1, v2 / n2
        se = math.sqrt(a + b)
        df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1)) if se > 0 else math.nan
    if se == 0:
        return _nan_result(
            test,
            method,
            "Both groups have zero variance; t is undefined.",
            alternative,
            n,
            (0, 0),
            conf_level,
        )
    estimate = float(mean1 - mean2)
    statistic, pvalue, low, high = _t_inference(estimate, se, df, alternative, conf_level)
    return TestResult(
        test=test,
        method=method,
        statistic=statistic,
        pvalue=pvalue,
        alternative=alternative,
        n=n,
        n_missing=(0, 0),
        statistic_name="t",
        df=float(df),
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        conf_level=conf_level,
        estimate_name="difference in means (group 1 - group 2)",
        details={
            "se": se,
            "mean1": float(mean1),
            "mean2": float(mean2),
            "sd1": float(sd1),
            "sd2": float(sd2),
        },
    )


def ttest_ind(
    x: ArrayLike,
    y: ArrayLike,
    equal_var: bool = True,
    alternative: str = "two-sided",
    conf_level: float = 0.95,
) -> TestResult:
    """Two-sample t-test (Student's pooled, or Welch's) with the mean difference and its CI.

    Parameters
    ----------
    x, y : array_like of float
        The two groups; NaN values are dropped and counted in ``n_missing``.
    equal_var : bool, default True
        True: pooled variance (SAS "Pooled", R ``var.equal=TRUE``); False: Welch.
    alternative : {"two-sided", "less", "greater"}
        Direction of the alternative for mean(x) - mean(y).
    conf_level : float, default 0.95
        Confidence level of the interval for the difference in means.

    Returns
    -------
    TestResult
        As :func:`ttest_ind_from_stats`, with ``n_missing`` per group.

    Notes
    -----
    See :func:`ttest_ind_from_stats` for the formulas. A group with fewer than two values
    (Welch), or no variance in either group, gives a NaN p-value with a ``note``.

    References
    ----------
    .. [1] Student. The probable error of a mean. Biometrika. 1908;6:1-25.

    Examples
    --------
    R: ``t.test(c(1, 2, 3, 4, 5), c(2, 4, 6, 8, 10), var.equal = TRUE)`` gives
    t = -1.8974, df = 8, p-value = 0.09435.

    >>> res = ttest_ind([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    >>> round(res.statistic, 4), res.df, round(res.pvalue, 5)
    (-1.8974, 8.0, 0.09435)
    """
    a, miss_a = _clean(x, "x")
    b, miss_b = _clean(y, "y")
    if len(a) == 0 or len(b) == 0:
        raise StatisticsError("Each group needs at least one non-missing value.")
    sd_a = float(np.std(a, ddof=1)) if len(a) > 1 else 0.0
    sd_b = float(np.std(b, ddof=1)) if len(b) > 1 else 0.0
    res = ttest_ind_from_stats(
        float(a.mean()),
        sd_a,
        len(a),
        float(b.mean()),
        sd_b,
        len(b),
        equal_var=equal_var,
        alternative=alternative,
        conf_level=conf_level,
    )
    return _with_missing(res, (miss_a, miss_b))


def _with_missing(res: TestResult, n_missing: tuple[int, ...]) -> TestResult:
    from dataclasses import replace

    return replace(res, n_missing=n_missing)


def ttest_rel(
    x: ArrayLike,
    y: ArrayLike,
    alternative: str = "two-sided",
    conf_level: float = 0.95,
) -> TestResult:
    """Paired t-test of mean(x - y) = 0, with the mean difference and its CI.

    Parameters
    ----------
    x, y : array_like of float
        Paired measurements of equal length; a pair with a NaN in either member is dropped
        and counted in ``n_missing``.
    alternative : {"two-sided", "less", "greater"}
        Direction of the alternative for the mean of x - y.
    conf_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TestResult
        ``test="ttest_rel"``; ``n`` = (pairs used,), ``df`` = n - 1, ``estimate`` the mean
        difference with ``ci_low``/``ci_high``; ``details["se"]``.

    Raises
    ------
    StatisticsError
        If x and y differ in length.

    Notes
    -----
    With differences :math:`d_i = x_i - y_i`, :math:`t = \\bar d / (s_d/\\sqrt n)` on n - 1 df.

    References
    ----------
    .. [1] Student. The probable error of a mean. Biometrika. 1908;6:1-25.

    Examples
    --------
    R: ``t.test(c(5, 7, 8, 6, 9), c(4, 6, 8, 5, 6), paired = TRUE)``: t = 2.4495, df = 4,
    p-value = 0.07048.

    >>> res = ttest_rel([5, 7, 8, 6, 9], [4, 6, 8, 5, 6])
    >>> round(res.statistic, 4), round(res.pvalue, 5)
    (2.4495, 0.07048)
    """
    _check_options(alternative, conf_level)
    try:
        a = np.asarray(x, dtype=float).ravel()
        b = np.asarray(y, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise StatisticsError("Paired measurements must contain numbers only.") from exc
    if len(a) != len(b):
        raise StatisticsError(f"Paired samples differ in length ({len(a)} and {len(b)}).")
    if np.isinf(a).any() or np.isinf(b).any():
        raise StatisticsError("Paired measurements contain infinite values.")
    keep = ~(np.isnan(a) | np.isnan(b))
    d = a[keep] - b[keep]
    n, missing = len(d), int((~keep).sum())
    method = "Paired t-test"
    if n < 2:
        return _nan_result(
            "ttest_rel",
            method,
            "A paired t-test needs at least two pairs.",
            alternative,
            (n,),
            (missing,),
            conf_level,
        )
    se = float(np.std(d, ddof=1) / math.sqrt(n))
    estimate = float(d.mean())
    if se == 0:
        # t is undefined, but the mean difference is not (0 when nothing changed)
        undefined = _nan_result(
            "ttest_rel",
            method,
            "All paired differences are equal; t is undefined.",
            alternative,
            (n,),
            (missing,),
            conf_level,
        )
        return dataclasses.replace(
            undefined, estimate=estimate, estimate_name="mean of the differences (x - y)"
        )
    statistic, pvalue, low, high = _t_inference(estimate, se, n - 1, alternative, conf_level)
    return TestResult(
        test="ttest_rel",
        method=method,
        statistic=statistic,
        pvalue=pvalue,
        alternative=alternative,
        n=(n,),
        n_missing=(missing,),
        statistic_name="t",
        df=float(n - 1),
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        conf_level=conf_level,
        estimate_name="mean of the differences (x - y)",
        details={"se": se},
    )
