"""The ``method="sas"`` and ``method="r"`` presets of the Wilcoxon tests in :mod:`.ranks`.

A preset reproduces another program's *default* output, variant choice included:

``"r"``
    R ``wilcox.test()`` with its defaults (``exact = NULL``, ``correct = TRUE``): the exact
    distribution when there are no ties (and, paired, no zero differences) and fewer than 50
    observations (two-sample: in each group), otherwise the normal approximation with
    tie-corrected variance and continuity correction. Zero differences are dropped.
``"sas"``
    SAS 9.4. Two samples: ``PROC NPAR1WAY WILCOXON`` (normal approximation with continuity
    correction; ``S`` is the rank sum of the smaller group). Paired: the signed-rank test of
    ``PROC UNIVARIATE`` (zeros dropped; exact for at most 20 non-zero differences, Student's
    t approximation above).

This module holds the rules, texts and the SAS-only approximations; the exact
distributions and the R-style normal approximation are those of :mod:`.ranks`.
"""

from __future__ import annotations

import math
from typing import Any

from painresponse.stats._distributions import norm_cdf, norm_sf, t_cdf, t_sf
from painresponse.stats._result import TestResult

__all__ = [
    "R_EXACT_BELOW_N",
    "R_RANK_SUM_RULE",
    "R_SIGNED_RANK_RULE",
    "SAS_EXACT_MAX_N",
    "SAS_RANK_SUM_RULE",
    "SAS_SIGNED_RANK_RULE",
    "SAS_S_NAME",
    "r_rank_sum_text",
    "r_signed_rank_text",
    "r_uses_exact_rank_sum",
    "r_uses_exact_signed_rank",
    "sas_rank_sum_result",
    "sas_signed_rank_t_result",
]

#: R ``wilcox.test``: exact only when the sample (each sample) has fewer observations.
R_EXACT_BELOW_N = 50
#: SAS ``PROC UNIVARIATE``: exact signed-rank p-value for at most this many non-zero differences.
SAS_EXACT_MAX_N = 20

R_RANK_SUM_RULE = (
    "R wilcox.test() defaults: exact distribution when both groups have fewer than "
    f"{R_EXACT_BELOW_N} observations and there are no ties; otherwise normal approximation "
    "with tie-corrected variance and continuity correction (correct = TRUE)"
)
R_SIGNED_RANK_RULE = (
    "R wilcox.test(paired = TRUE) defaults: zero differences dropped; exact distribution when "
    f"fewer than {R_EXACT_BELOW_N} non-zero differences remain and there are no ties and no "
    "zeros; otherwise normal approximation with tie-corrected variance and continuity "
    "correction (correct = TRUE)"
)
#: ``statistic_name`` of the signed-rank test under ``method="sas"``.
SAS_S_NAME = "S (SAS: sum of positive ranks - n(n+1)/4)"

SAS_RANK_SUM_RULE = (
    "SAS 9.4 PROC NPAR1WAY WILCOXON default: S = rank sum of the smaller group (the first if "
    "equal); Z = (S - E(S) -/+ 0.5) / sqrt(Var(S)) with tie-corrected variance and the "
    "continuity correction towards E(S) (CORRECT=YES); p from the standard normal; "
    "the t approximation (n - 1 df) is kept in details"
)
SAS_SIGNED_RANK_RULE = (
    "SAS 9.4 PROC UNIVARIATE signed-rank test: zero differences dropped; "
    "S = sum of positive ranks - n(n+1)/4; exact distribution of S for n <= "
    f"{SAS_EXACT_MAX_N} non-zero differences, otherwise S sqrt((n-1)/(nV - S^2)) "
    "as Student's t on n - 1 df, V = n(n+1)(2n+1)/24 - sum(t^3 - t)/48"
)


def r_uses_exact_rank_sum(m: int, n: int, ties: bool) -> bool:
    """R ``wilcox.test(x, y)``: exact when ``m < 50``, ``n < 50`` and there are no ties.

    Examples
    --------
    >>> r_uses_exact_rank_sum(49, 10, ties=False), r_uses_exact_rank_sum(50, 10, ties=False)
    (True, False)
    """
    return m < R_EXACT_BELOW_N and n < R_EXACT_BELOW_N and not ties


def r_uses_exact_signed_rank(n_nonzero: int, ties: bool, n_zero: int) -> bool:
    """R ``wilcox.test(x, y, paired = TRUE)``: exact for ``n < 50`` without ties or zeros.

    Examples
    --------
    >>> r_uses_exact_signed_rank(12, ties=False, n_zero=0)
    True
    >>> r_uses_exact_signed_rank(12, ties=False, n_zero=1)
    False
    """
    return n_nonzero < R_EXACT_BELOW_N and not ties and n_zero == 0


def r_rank_sum_text(exact: bool, m: int, n: int, correction: bool) -> str:
    """The ``method`` text of the rank-sum test under ``method="r"``.

    Examples
    --------
    >>> r_rank_sum_text(False, 60, 12, True)
    'Wilcoxon rank-sum test, normal approximation with continuity correction (R wilcox.test default: a group of 50 or more)'
    """  # noqa: E501
    if exact:
        return (
            "Wilcoxon rank-sum test, exact distribution "
            "(R wilcox.test default: no ties, both groups < 50)"
        )
    reason = "ties" if m < R_EXACT_BELOW_N and n < R_EXACT_BELOW_N else "a group of 50 or more"
    return _r_normal_text("rank-sum", correction, reason)


def r_signed_rank_text(exact: bool, n_nonzero: int, ties: bool, correction: bool) -> str:
    """The ``method`` text of the signed-rank test under ``method="r"``.

    Examples
    --------
    >>> r_signed_rank_text(True, 12, False, True)
    'Wilcoxon signed-rank test, exact distribution (R wilcox.test default: no ties or zeros, n < 50)'
    """  # noqa: E501
    if exact:
        return (
            "Wilcoxon signed-rank test, exact distribution "
            "(R wilcox.test default: no ties or zeros, n < 50)"
        )
    if n_nonzero >= R_EXACT_BELOW_N:
        reason = "50 or more non-zero differences"
    else:
        reason = "ties" if ties else "zero differences"
    return _r_normal_text("signed-rank", correction, reason)


def _r_normal_text(test: str, correction: bool, reason: str) -> str:
    if correction:
        return (
            f"Wilcoxon {test} test, normal approximation with continuity correction "
            f"(R wilcox.test default: {reason})"
        )
    return (
        f"Wilcoxon {test} test, normal approximation without continuity correction "
        f"(R wilcox.test, correct = FALSE: {reason})"
    )


def sas_rank_sum_result(
    rank_sum_x: float,
    m: int,
    n: int,
    variance: float,
    ties: bool,
    correction: bool,
    alternative: str,
) -> TestResult:
    """SAS ``PROC NPAR1WAY WILCOXON``: ``S``, ``Z``, the normal and the t p-value.

    Parameters
    ----------
    rank_sum_x : float
        Sum of the mid-ranks of the first group (``x``).
    m, n : int
        Sizes of the first and second group.
    variance : float
        Tie-corrected null variance of a group's rank sum (the same for both groups).
    ties : bool
        Whether any value is tied (reported only).
    correction : bool
        Continuity correction of 0.5 towards ``E(S)`` (SAS ``CORRECT=YES``, the default).
    alternative : {"two-sided", "less", "greater"}
        ``"greater"``: ``x`` tends to be larger than ``y``.

    Returns
    -------
    TestResult
        ``statistic`` is SAS's ``S``; ``pvalue`` the normal p-value (NaN when every value
        is tied); ``details``: ``U`` and ``rank_sum_x`` (of ``x``), ``S_group`` (``"x"``
        or ``"y"``), ``expectation`` and ``variance`` of ``S``, ``z`` (SAS's ``Z``, signed
        as ``S - E(S)``), ``pvalue_t_approximation`` (Student's t on ``m + n - 1`` df),
        ``ties``, ``method_rule``, ``method_requested``.

    Notes
    -----
    SAS sums the scores of the smaller group (the first group if the sizes are equal):
    ``Z = (S - E(S) - c) / sqrt(Var(S))`` with ``c = 0.5 sign(S - E(S))``. Two-sided
    ``Pr > |Z| = 2 P(N > |Z|)``. SAS prints only the one-sided p-value in the observed
    direction; here ``"greater"``/``"less"`` give the upper/lower tail at the same ``Z``,
    oriented to ``x``, so the one SAS prints is the one whose direction matches the data.

    Examples
    --------
    Equal sizes: S is the first group's rank sum (ranks 1, 2, 3 against 4, 5, 6):

    >>> res = sas_rank_sum_result(6.0, 3, 3, 5.25, False, True, "two-sided")
    >>> res.statistic, res.details["S_group"], round(res.details["z"], 6)
    (6.0, 'x', -1.745743)
    >>> round(res.pvalue, 6), round(res.details["pvalue_t_approximation"], 6)
    (0.080856, 0.141295)
    """
    n_total = m + n
    in_x = m <= n
    statistic = rank_sum_x if in_x else n_total * (n_total + 1) / 2.0 - rank_sum_x
    expectation = (m if in_x else n) * (n_total + 1) / 2.0
    deviation = statistic - expectation
    shift = 0.5 * math.copysign(1.0, deviation) if correction and deviation != 0 else 0.0
    z, pvalue, pvalue_t = math.nan, math.nan, math.nan
    if variance > 0:
        z = (deviation - shift) / math.sqrt(variance)
        z_x = z if in_x else -z  # the same Z, signed as x's deviation
        df = float(n_total - 1)
        if alternative == "two-sided":
            pvalue = min(1.0, 2.0 * norm_sf(abs(z)))
            pvalue_t = min(1.0, 2.0 * t_sf(abs(z), df))
        elif alternative == "greater":
            pvalue, pvalue_t = norm_sf(z_x), t_sf(z_x, df)
        else:
            pvalue, pvalue_t = norm_cdf(z_x), t_cdf(z_x, df)
    details: dict[str, Any] = {
        "U": rank_sum_x - m * (m + 1) / 2.0,
        "rank_sum_x": rank_sum_x,
        "S_group": "x" if in_x else "y",
        "expectation": expectation,
        "variance": variance,
        "z": z,
        "pvalue_t_approximation": pvalue_t,
        "ties": ties,
        "method_rule": SAS_RANK_SUM_RULE,
        "method_requested": "sas",
    }
    return TestResult(
        test="rank_sum",
        method="Wilcoxon rank-sum test, normal approximation "
        + (
            "with continuity correction (SAS NPAR1WAY default)"
            if correction
            else "without continuity correction (SAS NPAR1WAY CORRECT=NO)"
        ),
        statistic=statistic,
        pvalue=pvalue,
        alternative=alternative,
        n=(m, n),
        n_missing=(0, 0),
        statistic_name="S (SAS: rank sum of the smaller group, the first if equal)",
        note="All observations are tied: the rank-sum variance is zero." if variance <= 0 else None,
        details=details,
    )


def sas_signed_rank_t_result(
    v: float,
    expectation: float,
    variance: float,
    n_nonzero: int,
    details: dict[str, Any],
    base: dict[str, Any],
) -> TestResult:
    """SAS ``PROC UNIVARIATE`` signed-rank test for ``n > 20``: Student's t approximation.

    Parameters
    ----------
    v : float
        ``V``, the sum of the positive ranks (zeros dropped).
    expectation : float
        ``n(n+1)/4``.
    variance : float
        ``V_S = n(n+1)(2n+1)/24 - sum(t^3 - t)/48`` (tie-corrected null variance).
    n_nonzero : int
        Number of non-zero differences ``n``.
    details : dict
        The details built so far (``V`` and ``t`` are added).
    base : dict
        ``test``, ``alternative``, ``n``, ``n_missing`` of the result.

    Returns
    -------
    TestResult
        ``statistic`` ``S = V - n(n+1)/4``, ``df = n - 1`` and the p-value of
        ``t = S sqrt((n - 1) / (n V_S - S^2))``; ``t`` is infinite when ``n V_S = S^2``
        (every difference tied and of one sign). SAS prints the two-sided p-value only;
        ``"greater"``/``"less"`` give the upper/lower tail of ``t``.

    Examples
    --------
    >>> base = dict(test="signed_rank", alternative="two-sided", n=(25,), n_missing=(0,))
    >>> res = sas_signed_rank_t_result(223.0, 162.5, 1381.25, 25, {}, base)
    >>> res.statistic, round(res.details["t"], 6), round(res.pvalue, 6), res.df
    (60.5, 1.686886, 0.104583, 24.0)
    """
    s = v - expectation
    df = float(n_nonzero - 1)
    denominator = n_nonzero * variance - s * s
    if denominator <= 0:
        t = math.copysign(math.inf, s) if s != 0 else 0.0
    else:
        t = s * math.sqrt(df / denominator)
    if base["alternative"] == "two-sided":
        pvalue = min(1.0, 2.0 * t_sf(abs(t), df))
    elif base["alternative"] == "greater":
        pvalue = t_sf(t, df)
    else:
        pvalue = t_cdf(t, df)
    details.update(V=v, t=t)
    return TestResult(
        method="Wilcoxon signed-rank test, t approximation (SAS UNIVARIATE, n > 20)",
        statistic=s,
        pvalue=pvalue,
        statistic_name=SAS_S_NAME,
        df=df,
        details=details,
        **base,
    )
