"""Tests of association in r x c contingency tables: Pearson chi-square and Fisher's exact test.

Rows or columns whose margin is zero carry no information about association; both tests
drop them before computing and say so in ``note`` (R's ``fisher.test`` does the same;
R's ``chisq.test`` would return NaN). A table left with fewer than two rows or two
columns has no test of association: the p-value is NaN and ``note`` says why.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from painresponse.errors import StatisticsError
from painresponse.stats._distributions import chi2_sf
from painresponse.stats._fisher_two_rows import LISTING_MAX_TABLES, listed_pvalue, tables_to_list
from painresponse.stats._result import TestResult

__all__ = ["FISHER_MAX_WORK", "chi2_test", "fisher_exact"]

#: Budget of the exact network algorithm, in elementary steps (column allocations listed,
#: past values merged, completions listed; 2-4e8 a second on one core). The 80 seeded
#: 4 x 4 - 5 x 6 tables of benchmarks/fisher_exact.py need at most 1e9; the hardest
#: 4 x 5 (n <= 150) and 5 x 6 (n <= 100) tables found (near-uniform margins, p below 1e-5)
#: about 1.2e10, so the budget is about three times that (a minute or two of enumeration).
#: Past it the test raises: the table is beyond the exact range; use Monte Carlo.
FISHER_MAX_WORK = 40_000_000_000

_REL_TOL = 1e-7  # R fisher.test: tables with p <= p_obs * (1 + 1e-7) count as "as extreme"
_LOG_REL_TOL = math.log1p(_REL_TOL)


def _as_count_table(table: ArrayLike) -> NDArray[np.int64]:
    """Validate a two-way table of counts and return it as an integer array."""
    try:
        arr = np.asarray(table, dtype=float)
    except (TypeError, ValueError) as exc:
        raise StatisticsError("The table must contain numbers only.") from exc
    if arr.ndim != 2:
        raise StatisticsError(f"The table must be two-dimensional, got {arr.ndim} dimension(s).")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise StatisticsError(f"The table has no cells (shape {arr.shape}).")
    if not np.all(np.isfinite(arr)):
        raise StatisticsError("The table contains missing or infinite counts.")
    if np.any(arr < 0):
        raise StatisticsError("The table contains negative counts.")
    if np.any(arr != np.round(arr)):
        raise StatisticsError("The table contains non-integer counts.")
    return arr.astype(np.int64)


def _drop_empty_margins(counts: NDArray[np.int64]) -> tuple[NDArray[np.int64], str | None]:
    """Drop rows and columns whose total is zero, returning the table and a note."""
    keep_rows = counts.sum(axis=1) > 0
    keep_cols = counts.sum(axis=0) > 0
    parts = []
    if not keep_rows.all():
        parts.append(f"{int((~keep_rows).sum())} row(s)")
    if not keep_cols.all():
        parts.append(f"{int((~keep_cols).sum())} column(s)")
    note = None
    if parts:
        note = f"Dropped {' and '.join(parts)} with a total of zero."
    return counts[keep_rows][:, keep_cols], note


def _degenerate(
    test: str, method: str, counts: NDArray[np.int64], note: str | None, statistic_name: str
) -> TestResult:
    reason = (
        f"No test of association: after dropping empty rows and columns the table is "
        f"{counts.shape[0]} x {counts.shape[1]}; at least 2 x 2 is needed."
    )
    return TestResult(
        test=test,
        method=method,
        statistic=math.nan,
        pvalue=math.nan,
        n=(int(counts.sum()),),
        n_missing=(0,),
        statistic_name=statistic_name,
        note=reason if note is None else f"{note} {reason}",
    )


def _join(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return " ".join(kept) if kept else None


def chi2_test(table: ArrayLike, correction: bool = False) -> TestResult:
    """Pearson's chi-square test of independence in an r x c table of counts.

    Parameters
    ----------
    table : array_like of int, shape (r, c)
        Observed counts (groups in columns or rows; the test is symmetric).
    correction : bool, default False
        Apply Yates' continuity correction. Only used for 2 x 2 tables, as R's
        ``chisq.test(correct=TRUE)``; ignored (and said so in ``note``) otherwise.

    Returns
    -------
    TestResult
        ``test="chi2"``; ``statistic`` is X-squared, ``df`` = (r - 1)(c - 1),
        ``n`` = (total count,). ``details`` holds ``"expected"`` (list of lists),
        ``"min_expected"``, ``"share_expected_below_5"``, ``"cochran_ok"`` (no expected
        count below 1 and at most 20% below 5), ``"dropped_rows"``/``"dropped_columns"``.
        The p-value is NaN (with ``note``) when fewer than two non-empty rows or columns remain.

    Notes
    -----
    With expected counts :math:`E_{ij} = R_i C_j / N`,

    .. math:: X^2 = \\sum_{ij} (|O_{ij} - E_{ij}| - \\delta)^2 / E_{ij},

    referred to a chi-square distribution with (r - 1)(c - 1) degrees of freedom, where
    :math:`\\delta = 0`, or with Yates' correction :math:`\\delta = \\min(0.5, |O_{ij} - E_{ij}|)`
    (R's rule, so the correction never overshoots). Empty rows or columns are dropped first.

    References
    ----------
    .. [1] Agresti A. Categorical Data Analysis. 3rd ed. Wiley; 2013. Section 3.2.
    .. [2] Cochran WG. Some methods for strengthening the common chi-square tests.
       Biometrics. 1954;10:417-451.

    Examples
    --------
    >>> res = chi2_test([[17, 19], [24, 24]])
    >>> round(res.statistic, 4), round(res.pvalue, 3)
    (0.0635, 0.801)
    """
    counts = _as_count_table(table)
    kept, note = _drop_empty_margins(counts)
    method = "Pearson's chi-square test"
    if kept.shape[0] < 2 or kept.shape[1] < 2:
        return _degenerate("chi2", method, kept, note, "X-squared")
    obs = kept.astype(float)
    total = obs.sum()
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / total
    diff = np.abs(obs - expected)
    yates = correction and kept.shape == (2, 2)
    if yates:
        diff = diff - np.minimum(0.5, diff)
        method = "Pearson's chi-square test with Yates' continuity correction"
    elif correction:
        note = _join(note, "Yates' correction applies to 2 x 2 tables only; not applied.")
    statistic = float(np.sum(diff**2 / expected))
    df = (kept.shape[0] - 1) * (kept.shape[1] - 1)
    pvalue = chi2_sf(statistic, df)
    below5 = float(np.mean(expected < 5))
    min_expected = float(expected.min())
    return TestResult(
        test="chi2",
        method=method,
        statistic=statistic,
        pvalue=pvalue,
        n=(int(total),),
        n_missing=(0,),
        statistic_name="X-squared",
        df=float(df),
        note=note,
        details={
            "expected": expected.tolist(),
            "min_expected": min_expected,
            "share_expected_below_5": below5,
            "cochran_ok": bool(min_expected >= 1 and below5 <= 0.2),
            "correction": bool(yates),
            "dropped_rows": int(counts.shape[0] - kept.shape[0]),
            "dropped_columns": int(counts.shape[1] - kept.shape[1]),
        },
    )


# --------------------------------------------------------------------------------------
# Fisher-Freeman-Halton exact test
# --------------------------------------------------------------------------------------


def _log_table_value(counts: NDArray[np.int64]) -> float:
    return -float(np.sum(gammaln(counts + 1.0)))


def _fisher_exact_pvalue(counts: NDArray[np.int64], max_work: int) -> float:
    """Two-sided Fisher-Freeman-Halton p-value of a table without empty margins, by the
    compiled network algorithm; raises StatisticsError past ``max_work``."""
    # imported here: the kernel needs numba, which importing painresponse must not load
    from painresponse.stats._fisher_network import exact_pvalue

    pvalue = exact_pvalue(counts, max_work)
    if pvalue is None:
        raise StatisticsError(
            f"This {counts.shape[0]} x {counts.shape[1]} table (n = {int(counts.sum())}) is "
            f"beyond the range of the exact test (more than {max_work:,} steps of the "
            f"network algorithm); use method='monte-carlo'."
        )
    return pvalue


def _monte_carlo_pvalue(
    counts: NDArray[np.int64], n_simulations: int, seed: int
) -> tuple[float, float]:
    """Monte Carlo p-value as R's ``simulate.p.value``: (1 + hits) / (1 + B), with its SE."""
    rng = np.random.default_rng(seed)
    rows = counts.sum(axis=1)
    cols = counts.sum(axis=0)
    observed = _log_table_value(counts)
    from scipy import stats

    tables = stats.random_table(rows, cols, seed=rng).rvs(size=n_simulations)
    values = -gammaln(np.asarray(tables, dtype=float) + 1.0).sum(axis=(1, 2))
    hits = int(np.sum(values <= observed + _LOG_REL_TOL))
    pvalue = (1 + hits) / (1 + n_simulations)
    se = math.sqrt(pvalue * (1 - pvalue) / n_simulations)
    return pvalue, se


def fisher_exact(
    table: ArrayLike,
    method: str = "exact",
    n_simulations: int | None = None,
    seed: int | None = None,
    conf_level: float = 0.95,
    max_work: int = FISHER_MAX_WORK,
) -> TestResult:
    """Fisher's exact test (Fisher-Freeman-Halton for r x c), two-sided.

    Parameters
    ----------
    table : array_like of int, shape (r, c)
        Observed counts.
    method : {"exact", "monte-carlo"}, default "exact"
        ``"exact"`` enumerates every table with the observed margins by the network
        algorithm. ``"monte-carlo"`` samples tables with the observed margins instead;
        it is used only when asked for.
    n_simulations : int, optional
        Number of simulated tables for ``"monte-carlo"`` (default 100 000).
    seed : int, optional
        Seed of the Monte Carlo generator. When omitted a seed is drawn and recorded in
        ``details["seed"]`` so the result can be reproduced.
    conf_level : float, default 0.95
        Confidence level of the odds-ratio interval (2 x 2 tables only).
    max_work : int, default :data:`FISHER_MAX_WORK`
        Budget of the exact enumeration, in elementary steps (column allocations listed,
        past values merged, completions listed).

    Returns
    -------
    TestResult
        ``test="fisher_exact"``; ``statistic`` is the probability of the observed table
        (``statistic_name="P(observed table)"``), ``n`` = (total count,). For 2 x 2 tables
        ``estimate`` is the conditional maximum-likelihood odds ratio with its exact
        confidence interval (``ci_low``, ``ci_high``, ``conf_level``), as R's ``fisher.test``.
        ``details`` has ``"dropped_rows"``, ``"dropped_columns"``, ``"shape"`` and, for Monte
        Carlo, ``"n_simulations"``, ``"seed"``, ``"standard_error"``.

    Raises
    ------
    StatisticsError
        If the table is not a valid table of counts, ``method`` is unknown, or the table is
        beyond the exact range: the enumeration would exceed ``max_work`` (one sentence that
        says so and suggests ``method="monte-carlo"``).

    Notes
    -----
    Given the margins, a table has the multivariate hypergeometric probability

    .. math:: P(x) = \\frac{\\prod_i R_i! \\prod_j C_j!}{N! \\prod_{ij} x_{ij}!}.

    The two-sided p-value is :math:`\\sum P(x)` over tables with
    :math:`P(x) \\le P(x_{obs}) (1 + 10^{-7})`, R's relative tolerance. A 2 x c (or r x 2) table
    with at most 200,000 tables of its margins has them all listed (``details["algorithm"] =
    "every table listed"``, well under a millisecond); any other table is computed by the
    network algorithm of Mehta and Patel [1]_ [2]_ in a compiled (numba) kernel: columns are
    placed one at a time, a node is the sorted tuple of remaining row totals (rows with equal
    totals are interchangeable), and each node keeps its distinct past log-probabilities with
    their multiplicities (past-path hashing). Bounds on the largest and smallest log-probability
    a node's completions can add (the longest and shortest paths) let whole subtrees be counted
    in closed form or dropped; only the pasts in the band between are carried on. Two columns
    from the end the bounds are exact and each past is matched against the node's completions,
    listed once. Log-probabilities are held in fixed point with exactly additive logarithms, so
    equal tables merge exactly and the result does not depend on the order of the sums (nor on
    the number of threads, at most two). 4 x 5 tables with n <= 150 and 5 x 6 tables with n <=
    100 take a fraction of a second to a few seconds, up to about a minute for the hardest found
    (near-uniform margins with p below 1e-5; docs/scaling.md); larger tables are tried up to
    ``max_work``. Empty rows and columns are dropped first. The kernel is compiled on first use
    (15-30 s, once: numba caches it on disk).

    References
    ----------
    .. [1] Mehta CR, Patel NR. A network algorithm for performing Fisher's exact test in
       r x c contingency tables. J Am Stat Assoc. 1983;78:427-434.
    .. [2] Mehta CR, Patel NR. Algorithm 643: FEXACT. ACM Trans Math Softw. 1986;12:154-161.
       Clarkson DB, Fan Y, Joe H. A remark on algorithm 643. ACM Trans Math Softw.
       1993;19:484-488.
    .. [3] Freeman GH, Halton JH. Note on an exact treatment of contingency, goodness of fit
       and other problems of significance. Biometrika. 1951;38:141-149.

    Examples
    --------
    R's ``fisher.test`` help page, job satisfaction by income (p = 0.7827):

    >>> job = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]
    >>> round(fisher_exact(job).pvalue, 4)
    0.7827
    >>> tea = fisher_exact([[3, 1], [1, 3]])
    >>> round(tea.pvalue, 4), round(tea.estimate, 4)
    (0.4857, 6.4083)
    """
    counts = _as_count_table(table)
    kept, note = _drop_empty_margins(counts)
    if method not in ("exact", "monte-carlo"):
        raise StatisticsError(f"Unknown method {method!r}; use 'exact' or 'monte-carlo'.")
    name = "Fisher's exact test" if kept.shape == (2, 2) else "Fisher–Freeman–Halton exact test"
    if kept.shape[0] < 2 or kept.shape[1] < 2:
        return _degenerate("fisher_exact", name, kept, note, "P(observed table)")
    details: dict[str, Any] = {
        "shape": list(kept.shape),
        "dropped_rows": int(counts.shape[0] - kept.shape[0]),
        "dropped_columns": int(counts.shape[1] - kept.shape[1]),
    }
    rows, cols = kept.sum(axis=1), kept.sum(axis=0)
    n = int(kept.sum())
    log_const = float(np.sum(gammaln(rows + 1.0)) + np.sum(gammaln(cols + 1.0)) - gammaln(n + 1.0))
    p_observed = math.exp(log_const + _log_table_value(kept))
    if method == "exact" and tables_to_list(kept) <= LISTING_MAX_TABLES:
        pvalue = listed_pvalue(kept, _REL_TOL)
        details["algorithm"] = "every table listed"
    elif method == "exact":
        pvalue = _fisher_exact_pvalue(kept, max_work)
        details["algorithm"] = "network (Mehta-Patel)"
    else:
        sims = 100_000 if n_simulations is None else int(n_simulations)
        if sims < 1:
            raise StatisticsError("n_simulations must be a positive integer.")
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        pvalue, se = _monte_carlo_pvalue(kept, sims, seed)
        name += " (Monte Carlo)"
        details.update({"n_simulations": sims, "seed": seed, "standard_error": se})
    estimate = ci_low = ci_high = None
    level = None
    if kept.shape == (2, 2):
        estimate, ci_low, ci_high = _conditional_odds_ratio(kept, conf_level)
        level = conf_level
    return TestResult(
        test="fisher_exact",
        method=name,
        statistic=p_observed,
        pvalue=pvalue,
        n=(n,),
        n_missing=(0,),
        statistic_name="P(observed table)",
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        conf_level=level,
        estimate_name="conditional MLE odds ratio" if estimate is not None else None,
        note=note,
        details=details,
    )


def _conditional_odds_ratio(counts: NDArray[np.int64], conf_level: float) -> tuple[float, ...]:
    """Conditional MLE odds ratio and its exact interval, as R's ``fisher.test``."""
    if not 0 < conf_level < 1:
        raise StatisticsError(f"conf_level must be between 0 and 1, got {conf_level}.")
    from scipy import stats

    res = stats.contingency.odds_ratio(counts, kind="conditional")
    ci = res.confidence_interval(confidence_level=conf_level)
    return float(res.statistic), float(ci.low), float(ci.high)
