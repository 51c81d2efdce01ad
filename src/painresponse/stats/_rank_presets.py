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

from painresponse.stats._distributions import norm_cdf, norm_sf, t_cdf, t_sf

__all__ = [
    "R_EXACT_BELOW_N",
    "R_RANK_SUM_RULE",
    "R_SIGNED_RANK_RULE",
    "SAS_EXACT_MAX_N",
    "SAS_RANK_SUM_RULE",
    "SAS_SIGNED_RANK_RULE",
    "r_rank_sum_text",
    "r_signed_rank_text",
    "r_uses_exact_rank_sum",
    "r_uses_exact_signed_rank",
    "sas_rank_sum",
    "sas_signed_rank_t",
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


def sas_rank_sum(
    rank_sum_x: float,
    m: int,
    n: int,
    variance: float,
    correction: bool,
    alternative: str,
) -> dict[str, float | str]:
    """SAS ``PROC NPAR1WAY WILCOXON``: ``S``, ``Z`` and the normal and t p-values.

    Parameters
    ----------
    rank_sum_x : float
        Sum of the mid-ranks of the first group (``x``).
    m, n : int
        Sizes of the first and second group.
    variance : float
        Tie-corrected null variance of a group's rank sum (the same for both groups).
    correction : bool
        Continuity correction of 0.5 towards ``E(S)`` (SAS ``CORRECT=YES``, the default).
    alternative : {"two-sided", "less", "greater"}
        ``"greater"``: ``x`` tends to be larger than ``y``.

    Returns
    -------
    dict
        ``S``, ``S_group`` (``"x"`` or ``"y"``), ``expectation`` (``E(S)``), ``z`` (SAS's
        ``Z``, signed as ``S - E(S)``), ``pvalue`` (normal) and ``pvalue_t`` (Student's t
        on ``m + n - 1`` df); NaN p-values when the variance is zero.

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

    >>> out = sas_rank_sum(6.0, 3, 3, 5.25, True, "two-sided")
    >>> out["S"], out["S_group"], round(out["z"], 6), round(out["pvalue"], 6)
    (6.0, 'x', -1.745743, 0.080856)
    """
    n_total = m + n
    in_x = m <= n
    size = m if in_x else n
    statistic = rank_sum_x if in_x else n_total * (n_total + 1) / 2.0 - rank_sum_x
    expectation = size * (n_total + 1) / 2.0
    deviation = statistic - expectation
    shift = 0.5 * math.copysign(1.0, deviation) if correction and deviation != 0 else 0.0
    out: dict[str, float | str] = {
        "S": statistic,
        "S_group": "x" if in_x else "y",
        "expectation": expectation,
    }
    if variance <= 0:
        out.update(z=math.nan, pvalue=math.nan, pvalue_t=math.nan)
        return out
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
    out.update(z=z, pvalue=pvalue, pvalue_t=pvalue_t)
    return out


def sas_signed_rank_t(
    s: float, n_nonzero: int, variance: float, alternative: str
) -> tuple[float, float]:
    """SAS ``PROC UNIVARIATE`` signed-rank t approximation for ``n > 20``: ``(t, p)``.

    Parameters
    ----------
    s : float
        ``S = V - n(n+1)/4`` (``V`` the sum of the positive ranks).
    n_nonzero : int
        Number of non-zero differences ``n``.
    variance : float
        ``V = n(n+1)(2n+1)/24 - sum(t^3 - t)/48`` (tie-corrected null variance of ``S``).
    alternative : {"two-sided", "less", "greater"}
        ``"greater"``: the differences tend to be positive (SAS prints two-sided only).

    Returns
    -------
    tuple of float
        ``t = S sqrt((n - 1) / (n V - S^2))`` and its p-value on ``n - 1`` df. When
        ``n V = S^2`` (every difference tied and of one sign) ``t`` is infinite.

    Examples
    --------
    >>> t, p = sas_signed_rank_t(60.5, 25, 1381.25, "two-sided")
    >>> round(t, 6), round(p, 6)
    (1.686886, 0.104583)
    """
    df = float(n_nonzero - 1)
    denominator = n_nonzero * variance - s * s
    if denominator <= 0:
        t = math.copysign(math.inf, s) if s != 0 else 0.0
    else:
        t = s * math.sqrt(df / denominator)
    if alternative == "two-sided":
        return t, min(1.0, 2.0 * t_sf(abs(t), df))
    if alternative == "greater":
        return t, t_sf(t, df)
    return t, t_cdf(t, df)
