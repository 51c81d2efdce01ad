"""Linear-by-linear association (ordinal trend) test for ordered contingency tables.

The test of R ``coin::lbl_test``: with row scores ``u`` and column scores ``v`` the linear
statistic ``T = sum_ij u_i v_j n_ij`` is standardised by its mean and variance under the
permutation (conditional, fixed margins) null distribution, ``Z = (T - E[T]) / sqrt(V[T])``.

A table with two rows (or two columns) is a two-sample problem, and the exact conditional
distribution of ``T`` given the margins is that of the sum of the scores of one group: the
same distribution as the exact Wilcoxon rank-sum test with the scores in place of mid-ranks,
so the algorithms of :mod:`painresponse.stats._exact_ranks` (a dynamic programme over the
columns, and certified Fourier inversion for large tables) are reused. Tables with at least
three rows and three columns have the asymptotic test only (coin has no exact test there).
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import reduce
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import StatisticsError
from painresponse.stats import _exact_ranks
from painresponse.stats._distributions import norm_cdf, norm_sf
from painresponse.stats._result import TestResult
from painresponse.stats.contingency import _as_count_table

__all__ = ["TREND_RULE", "trend_test"]

_ALTERNATIVES = ("two-sided", "less", "greater")
_METHODS = ("auto", "exact", "asymptotic")

METHOD_EXACT = "Linear-by-linear association test (ordinal trend), exact conditional distribution"
METHOD_ASYMPTOTIC = "Linear-by-linear association test (ordinal trend), asymptotic"

#: Scores whose ratios of differences are fractions with denominators up to this (within
#: float noise) are put on an integer lattice, where the exact algorithms are exact.
_MAX_DENOMINATOR = 10_000
_LATTICE_REL_TOL = 1e-12
#: coin's tolerance on the Z scale for "as extreme" when scores are real (off any lattice).
_SQRT_EPS = math.sqrt(np.finfo(float).eps)
#: Budget of the real-score programme, in (count, value) entries built at one column.
_REAL_MAX_ENTRIES_AUTO = 1_000_000
_REAL_MAX_ENTRIES_EXACT = 5_000_000

TREND_RULE = (
    "tables with two (non-empty) rows or two columns: exact when the scores lie on an integer "
    "lattice (after an increasing affine map) and the dynamic programme over the columns needs "
    f"at most {_exact_ranks.AUTO_EXACT_MAX_COST:.0e} cell updates; otherwise exact by certified "
    f"Fourier inversion (tried for {_exact_ranks.FOURIER_MIN_N_AUTO}-"
    f"{_exact_ranks.FOURIER_MAX_N:,} patients within {_exact_ranks.FOURIER_AUTO_MAX_NODES:,} "
    f"evaluations; for up to {_exact_ranks.FOURIER_MAX_N:,} patients within "
    f'{_exact_ranks.FOURIER_MAX_NODES:,} with method="exact"). Real scores off any lattice, '
    "or a lattice too wide for both: exact by a programme over (count, value) pairs within "
    f"{_REAL_MAX_ENTRIES_AUTO:,} entries ({_REAL_MAX_ENTRIES_EXACT:,} with "
    'method="exact"), otherwise asymptotic. Tables with at least three non-empty rows and three '
    "non-empty columns: asymptotic"
)


class _NotFeasible(Exception):
    """Internal signal: no exact algorithm applies within its budget (the message says why)."""


# --------------------------------------------------------------------------------- input


def _as_scores(scores: ArrayLike | None, size: int, name: str, default: list[float]) -> list[float]:
    """Validate one vector of scores (finite, one per row/column, not all equal)."""
    if scores is None:
        return default
    what = "row" if name == "row_scores" else "column"
    try:
        array = np.asarray(scores, dtype=float)
    except (TypeError, ValueError) as exc:
        raise StatisticsError(f"{name} must be numbers, one per {what}.") from exc
    if array.ndim != 1:
        raise StatisticsError(f"{name} must be one-dimensional, got {array.ndim} dimension(s).")
    if array.size != size:
        raise StatisticsError(
            f"{name} must have one score per {what} of the table ({size}), got {array.size}."
        )
    if not np.all(np.isfinite(array)):
        raise StatisticsError(f"{name} must be finite numbers (no NaN or infinity).")
    if np.all(array == array[0]):
        raise StatisticsError(
            f"{name} must not all be equal: equal scores carry no ordering to test."
        )
    return [float(s) for s in array]


def _two_level(scores: list[float]) -> list[float]:
    """A two-level dimension carries only the order of its two scores: as coin, it is scored
    as the indicator of the level with the larger score."""
    return [1.0, 0.0] if scores[0] > scores[1] else [0.0, 1.0]


def _default_scores(levels: int, two_groups: bool) -> list[float]:
    """1..k for an ordered dimension; (1, 0), the first level against the second, for the
    group dimension of a two-sample table (coin does not order a two-level factor)."""
    if two_groups:
        return [1.0, 0.0]
    return [float(k) for k in range(1, levels + 1)]


# --------------------------------------------------------------------- exact algorithms


def _integer_lattice(values: NDArray[np.float64]) -> list[int] | None:
    """Integers ``d`` with ``d[0] = 0`` and gcd 1, proportional to ``values - values[0]``.

    ``values`` are strictly increasing. The ratios of the differences to the smallest one must
    be fractions with denominators up to ``_MAX_DENOMINATOR`` (within relative float noise);
    otherwise None. The test is invariant under increasing affine maps of the scores, so the
    exact distribution on ``d`` is that of the scores.
    """
    deltas = values - values[0]
    ratios = deltas / deltas[1]
    tol = _LATTICE_REL_TOL * float(ratios[-1])
    fractions = []
    for ratio in ratios.tolist():
        fraction = Fraction(ratio).limit_denominator(_MAX_DENOMINATOR)
        if abs(float(fraction) - ratio) > tol:
            return None
        fractions.append(fraction)
    lcm = reduce(math.lcm, (f.denominator for f in fractions), 1)
    ints = [int(f * lcm) for f in fractions]
    divisor = reduce(math.gcd, ints, 0)
    return [i // divisor for i in ints]


def _lattice_tail(
    support: NDArray[np.int64],
    probs: NDArray[np.float64],
    observed: int,
    d: list[int],
    totals: list[int],
    m: int,
    alternative: str,
) -> float:
    """Exact p-value on the lattice; two-sided ``P(|D - E| >= |d_obs - E|)`` compared as
    integers (``N D`` against ``m sum_j t_j d_j``), so no tolerance is needed."""
    if alternative == "greater":
        return float(probs[support >= observed].sum())
    if alternative == "less":
        return float(probs[support <= observed].sum())
    n_total = sum(totals)
    centre = m * sum(di * ti for di, ti in zip(d, totals, strict=True))  # N E[D]
    if n_total * (int(support.max()) + 1) + centre < 2**62:
        deviation = np.abs(n_total * support - centre)
    else:  # beyond int64: exact Python integers
        deviation = np.abs(support.astype(object) * n_total - centre)
    return float(probs[deviation >= abs(n_total * observed - centre)].sum())


def _real_distribution(
    values: NDArray[np.float64], totals: NDArray[np.int64], m: int, max_entries: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact null distribution of the sum of ``m`` scores drawn without replacement (real scores).

    The first-group counts are independent binomials ``Bin(t_j, m/N)`` conditioned on their
    total ``m`` (multivariate hypergeometric); a programme over the columns carries the pairs
    (count so far, partial sum) with their weights and merges partial sums equal to 1e-12 of
    the range. Raises :class:`_NotFeasible` past ``max_entries`` entries at one column.
    """
    n_total = int(totals.sum())
    span = float(values[-1] - values[0]) * m
    grid = 1e-12 * span
    counts = np.zeros(1, dtype=np.int64)
    sums = np.zeros(1)
    weights = np.ones(1)
    done = 0
    for value, total in zip(values.tolist(), totals.tolist(), strict=True):
        if len(counts) * (total + 1) > max_entries:
            raise _NotFeasible(
                f"the exact programme for real scores would need more than {max_entries:,} entries"
            )
        done += total
        lo, hi = max(0, m - (n_total - done)), min(m, done)
        pmf = _exact_ranks._binom_pmf(total, m / n_total)
        taken = np.arange(total + 1)
        new_counts = (counts[:, None] + taken[None, :]).ravel()
        new_sums = (sums[:, None] + taken[None, :] * (value - values[0])).ravel()
        new_weights = (weights[:, None] * pmf[None, :]).ravel()
        keep = (new_counts >= lo) & (new_counts <= hi) & (new_weights > 0)
        new_counts, new_sums, new_weights = new_counts[keep], new_sums[keep], new_weights[keep]
        keys = np.round(new_sums / grid) if grid > 0 else np.zeros_like(new_sums)
        order = np.lexsort((keys, new_counts))
        new_counts, new_sums, new_weights = new_counts[order], new_sums[order], new_weights[order]
        keys = keys[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (new_counts[1:] != new_counts[:-1])
        starts = np.flatnonzero(first)
        counts, sums = new_counts[starts], new_sums[starts]
        weights = np.add.reduceat(new_weights, starts)
    at_m = counts == m
    sums, weights = sums[at_m], weights[at_m]
    return sums + m * values[0], weights / weights.sum()


def _real_tail(
    support: NDArray[np.float64],
    probs: NDArray[np.float64],
    observed: float,
    expectation: float,
    sd: float,
    alternative: str,
) -> float:
    """Exact p-value for real scores with coin's tolerance (1.5e-8 on the Z scale)."""
    z = (support - expectation) / sd
    z_obs = (observed - expectation) / sd
    if alternative == "greater":
        return float(probs[z >= z_obs - _SQRT_EPS].sum())
    if alternative == "less":
        return float(probs[z <= z_obs + _SQRT_EPS].sum())
    return float(probs[np.abs(z) >= abs(z_obs) - _SQRT_EPS].sum())


def _real_pvalue(
    values: NDArray[np.float64],
    totals: NDArray[np.int64],
    group: NDArray[np.int64],
    alternative: str,
    max_entries: int,
) -> tuple[float, dict[str, Any]]:
    """Exact p-value by the programme over (count, value) pairs (any real scores)."""
    n_total, m = int(totals.sum()), int(group.sum())
    support, probs = _real_distribution(values, totals, m, max_entries)
    mean_score = float(totals @ values) / n_total
    pooled = float(totals @ (values - mean_score) ** 2)
    sd = math.sqrt(m * (n_total - m) * pooled / (n_total * (n_total - 1)))
    observed = float(group @ values)
    pvalue = _real_tail(support, probs, observed, m * mean_score, sd, alternative)
    details = {"algorithm": "dynamic programme (real scores)", "support_size": int(support.size)}
    return min(1.0, max(0.0, pvalue)), details


def _lattice_pvalue(
    lattice: list[int], totals: list[int], group: list[int], alternative: str, method: str
) -> tuple[float, dict[str, Any]]:
    """Exact p-value on the integer lattice: the rank-sum programme, or Fourier inversion when
    the programme is too large (the rule in :data:`TREND_RULE`). Raises :class:`_NotFeasible`."""
    n_total, m = sum(totals), sum(group)
    observed = int(np.dot(group, lattice))
    cost = _exact_ranks.rank_sum_cost(lattice, totals, m)
    details: dict[str, Any] = {"lattice": lattice, "cost": cost}
    if cost > _exact_ranks.AUTO_EXACT_MAX_COST:
        if method == "exact":
            try_fourier = n_total <= _exact_ranks.FOURIER_MAX_N
            budget = _exact_ranks.FOURIER_MAX_NODES
        else:
            # with a few columns the Fourier grid stays small (n = 20 000: ~50 ms), so "auto"
            # tries it up to the exact limit, unlike the rank-sum rule (many distinct values)
            low, high = _exact_ranks.FOURIER_MIN_N_AUTO, _exact_ranks.FOURIER_MAX_N
            try_fourier = low <= n_total <= high
            budget = _exact_ranks.FOURIER_AUTO_MAX_NODES
        failure = f"the Fourier method is not tried for n = {n_total}"
        if try_fourier:
            try:
                pvalue, info = _exact_ranks.rank_sum_pvalue_fourier(
                    lattice, totals, m, observed, alternative, budget
                )
            except _exact_ranks.FourierNotCertified as exc:
                failure = f"the Fourier method could not certify its error ({exc})"
            else:
                details.update(
                    algorithm="fourier", error_bound=info["error_bound"], fourier=dict(info)
                )
                return min(1.0, max(0.0, pvalue)), details
        cells = _exact_ranks.rank_sum_cells(lattice, totals, m)
        if method != "exact" or cells > _exact_ranks.EXACT_MAX_CELLS:
            raise _NotFeasible(
                f"the dynamic programme would need {cost:.2g} cell updates "
                f"(limit {_exact_ranks.AUTO_EXACT_MAX_COST:.0e}) and {failure}"
            )
    support, probs = _exact_ranks.rank_sum_distribution(lattice, totals, m)
    pvalue = _lattice_tail(support, probs, observed, lattice, totals, m, alternative)
    details.update(algorithm="dynamic programme", support_size=int(support.size))
    return min(1.0, max(0.0, pvalue)), details


def _exact_two_sample(
    scores: NDArray[np.float64],
    totals: NDArray[np.int64],
    group: NDArray[np.int64],
    alternative: str,
    method: str,
) -> tuple[float, dict[str, Any]]:
    """Exact p-value of ``sum_j group_j scores_j`` given the margins (direction: "greater" =
    the group lies towards higher scores). Raises :class:`_NotFeasible`."""
    values, inverse = np.unique(scores, return_inverse=True)
    totals_u = np.bincount(inverse, weights=totals, minlength=values.size).astype(np.int64)
    group_u = np.bincount(inverse, weights=group, minlength=values.size).astype(np.int64)
    if 2 * int(group_u.sum()) > int(totals_u.sum()):
        # the smaller group keeps the programmes small (and the rank-sum programme expects
        # it); its score sum mirrors the first group's, so the one-sided tails swap
        group_u = totals_u - group_u
        alternative = {"greater": "less", "less": "greater"}.get(alternative, alternative)
    budget = _REAL_MAX_ENTRIES_EXACT if method == "exact" else _REAL_MAX_ENTRIES_AUTO
    lattice = _integer_lattice(values)
    if lattice is None:
        return _real_pvalue(values, totals_u, group_u, alternative, budget)
    try:
        return _lattice_pvalue(lattice, totals_u.tolist(), group_u.tolist(), alternative, method)
    except _NotFeasible as lattice_failure:
        # a wide lattice (e.g. scores 0, 1/997, 1) may still have few distinct sums
        try:
            return _real_pvalue(values, totals_u, group_u, alternative, budget)
        except _NotFeasible as real_failure:
            raise _NotFeasible(f"{lattice_failure}; {real_failure}") from None


# --------------------------------------------------------------------------- the test


def _normal_pvalue(z: float, alternative: str) -> float:
    if alternative == "less":
        return norm_cdf(z)
    if alternative == "greater":
        return norm_sf(z)
    return min(1.0, 2.0 * norm_sf(abs(z)))


def _check_options(method: str, alternative: str) -> None:
    if method not in _METHODS:
        raise StatisticsError(f"method must be one of {_METHODS}, got {method!r}.")
    if alternative not in _ALTERNATIVES:
        raise StatisticsError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}.")


def trend_test(
    table: ArrayLike,
    scores: ArrayLike | None = None,
    method: str = "auto",
    alternative: str = "two-sided",
    row_scores: ArrayLike | None = None,
) -> TestResult:
    """Linear-by-linear association test (ordinal trend) in an ordered r x c table of counts.

    Parameters
    ----------
    table : array_like of int, shape (r, c)
        Observed counts, r >= 2 and c >= 2; the columns (and rows) in their natural order,
        e.g. groups in rows and ordered categories in columns.
    scores : array_like of float, optional
        Column scores, one per column (empty columns included): any finite numbers, not all
        equal. Default ``1, ..., c``; for a table with two columns and more than two rows
        the columns are the two groups and the default is the first against the second
        (as the scores ``(1, 0)``).
    method : {"auto", "exact", "asymptotic"}, default "auto"
        ``"exact"``: exact conditional distribution given the margins (tables with two rows
        or two columns only). ``"asymptotic"``: standard normal. ``"auto"``: exact when
        feasible (see Notes), otherwise asymptotic with a ``note`` saying why.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"greater"``: positive association, ``Z > 0``. For a table with two rows that is:
        the first row lies towards the higher column scores.
    row_scores : array_like of float, optional
        Row scores, one per row, as ``scores``. Default ``1, ..., r``; for a table with two
        rows the rows are the two groups and the default is the first against the second
        (as the scores ``(1, 0)``); scores ``(1, 2)`` flip the sign of ``Z``. A dimension
        with two levels uses only the order of its two scores: as coin, it is scored as the
        indicator of the level with the larger score.

    Returns
    -------
    TestResult
        ``test="trend"``; ``method`` is ``"Linear-by-linear association test (ordinal trend),
        exact conditional distribution"`` or ``"..., asymptotic"``; ``statistic`` is coin's
        standardised ``Z`` (``statistic_name="Z"``), ``alternative``, ``n`` = (total count,),
        ``n_missing`` = (0,), ``df`` None. ``pvalue`` and ``statistic`` are NaN, with
        ``note``, when the non-empty rows or columns leave no variation in the scores.
        ``note`` also records dropped empty rows/columns and a fallback to the asymptotic
        test. ``details``: ``scores`` and ``row_scores`` (as used: a two-level dimension as its
        0/1 indicator), ``groups`` (``"rows"``,
        ``"columns"`` or None: which dimension is the two-sample factor),
        ``linear_statistic`` (``T``), ``expectation`` and ``variance`` of ``T``,
        ``chi_squared`` (``Z**2``, Mantel's ``M^2 = (N - 1) r^2``, chi-square with 1 df),
        ``correlation`` (``r``), ``dropped_rows``, ``dropped_columns``, ``method_requested``,
        ``method_rule``; exact only: ``algorithm`` (``"dynamic programme"``, ``"fourier"``
        with its relative ``error_bound``, or ``"dynamic programme (real scores)"``),
        ``support_size``, ``cost``, ``lattice``.

    Raises
    ------
    StatisticsError
        If the table is not a two-way table of non-negative whole numbers with at least two
        rows and two columns, all counts are zero, the scores are not finite, of the wrong
        length or all equal, ``method``/``alternative`` are unknown, or ``method="exact"``
        is asked for a table with at least three non-empty rows and columns, or is beyond every
        exact algorithm's budget.

    Notes
    -----
    With marginal totals :math:`n_{i+}`, :math:`n_{+j}`, :math:`N` and means
    :math:`\\bar u = \\sum_i n_{i+} u_i / N`, :math:`\\bar v = \\sum_j n_{+j} v_j / N`,

    .. math:: T = \\sum_{ij} u_i v_j n_{ij}, \\quad E[T] = N \\bar u \\bar v, \\quad
              V[T] = \\frac{1}{N - 1} \\sum_i n_{i+} (u_i - \\bar u)^2
                     \\sum_j n_{+j} (v_j - \\bar v)^2,

    and :math:`Z = (T - E[T]) / \\sqrt{V[T]} = \\sqrt{N - 1}\\, r`, with :math:`r` the
    Pearson correlation of the scores over the N patients (:math:`Z^2` is Mantel's
    :math:`M^2`). The asymptotic p-value refers Z to the standard normal distribution
    (two-sided: :math:`2 \\Phi(-|Z|)`, the chi-square test of :math:`M^2` with 1 df).

    With two rows, :math:`Z` is the standardised sum of the column scores of the first row,
    whose exact distribution given the margins is that of the sum of the first row's
    counts :math:`a_j` times the scores, :math:`a` multivariate hypergeometric. It is
    computed by the dynamic programme over the columns of the exact rank-sum test
    (independent :math:`a_j \\sim Bin(n_{+j}, m/N)` conditioned on their total, state
    (count, partial sum)); scores are first mapped to integers by an increasing affine map
    (decimals, fractions), so the two-sided p-value :math:`P(|T - E| \\ge |t - E|)` is
    found by exact integer comparisons. Large tables use the certified tilted Fourier
    inversion of the same module (relative error at most 1e-12). Scores off any integer
    lattice (e.g. logarithms), or on a lattice too wide for both, use a programme over
    (count, value) pairs with coin's tolerance of 1.5e-8 on the Z scale. Two columns: the
    same with rows and columns swapped. The ``"auto"`` rule is :data:`TREND_RULE`.

    Empty rows and columns do not change T, E or V: they are dropped (and said so in
    ``note``), but the default scores stay those of the full table, as in coin.

    References
    ----------
    .. [1] Agresti A. Categorical Data Analysis. 3rd ed. Wiley; 2013. Section 3.4.
    .. [2] Mantel N. Chi-square tests with one degree of freedom; extensions of the
       Mantel-Haenszel procedure. J Am Stat Assoc. 1963;58:690-700.
    .. [3] Hothorn T, Hornik K, van de Wiel MA, Zeileis A. A Lego system for conditional
       inference. Am Stat. 2006;60:257-263 (R package coin, ``lbl_test``).

    Examples
    --------
    Responders (first row) and non-responders by an ordered category:

    >>> table = [[3, 4, 5, 2], [1, 1, 9, 6]]
    >>> res = trend_test(table, method="exact")
    >>> round(res.statistic, 6), round(res.pvalue, 6)
    (-2.137649, 0.038666)
    >>> round(trend_test(table, method="asymptotic").pvalue, 6)
    0.032545
    >>> res.details["linear_statistic"]
    34.0
    >>> r3 = trend_test([[3, 1, 2, 3], [1, 5, 6, 5], [4, 9, 5, 8]])
    >>> print(r3.method)
    Linear-by-linear association test (ordinal trend), asymptotic
    >>> round(r3.statistic, 6), round(r3.pvalue, 6)
    (-0.016521, 0.986818)
    """
    _check_options(method, alternative)
    counts = _as_count_table(table)
    n_rows, n_cols = counts.shape
    if n_rows < 2 or n_cols < 2:
        raise StatisticsError(
            f"The trend test needs at least two rows and two columns; the table is "
            f"{n_rows} x {n_cols}."
        )
    n_total = int(counts.sum())
    if n_total == 0:
        raise StatisticsError("The table has no observations (all counts are zero).")
    groups = "rows" if n_rows == 2 else "columns" if n_cols == 2 else None
    col_scores = _as_scores(scores, n_cols, "scores", _default_scores(n_cols, groups == "columns"))
    rw_scores = _as_scores(
        row_scores, n_rows, "row_scores", _default_scores(n_rows, groups == "rows")
    )
    if n_cols == 2:
        col_scores = _two_level(col_scores)
    if n_rows == 2:
        rw_scores = _two_level(rw_scores)
    keep_rows, keep_cols = counts.sum(axis=1) > 0, counts.sum(axis=0) > 0
    kept = counts[keep_rows][:, keep_cols]
    two_sample = min(kept.shape) == 2  # after dropping empty rows and columns
    if method == "exact" and min(kept.shape) > 2:
        raise StatisticsError(
            f"The exact trend test is available for tables with two (non-empty) rows or two "
            f"columns; this table is {kept.shape[0]} x {kept.shape[1]}. "
            "Use method='asymptotic'."
        )
    u = np.asarray(rw_scores)[keep_rows]
    v = np.asarray(col_scores)[keep_cols]
    dropped = []
    if not keep_rows.all():
        dropped.append(f"{int((~keep_rows).sum())} row(s)")
    if not keep_cols.all():
        dropped.append(f"{int((~keep_cols).sum())} column(s)")
    notes = [f"Dropped {' and '.join(dropped)} with a total of zero."] if dropped else []

    row_totals, col_totals = kept.sum(axis=1), kept.sum(axis=0)
    u_centred = u - float(row_totals @ u) / n_total
    v_centred = v - float(col_totals @ v) / n_total
    ss_u = float(row_totals @ u_centred**2)
    ss_v = float(col_totals @ v_centred**2)
    linear = float(u @ kept @ v)
    expectation = float(row_totals @ u) * float(col_totals @ v) / n_total
    variance = ss_u * ss_v / (n_total - 1) if n_total > 1 else 0.0
    details: dict[str, Any] = {
        "scores": col_scores,
        "row_scores": rw_scores,
        "groups": groups,
        "linear_statistic": linear,
        "expectation": expectation,
        "variance": variance,
        "dropped_rows": int((~keep_rows).sum()),
        "dropped_columns": int((~keep_cols).sum()),
        "method_requested": method,
        "method_rule": TREND_RULE,
    }
    exact = method == "exact" or (method == "auto" and two_sample)
    method_text = METHOD_EXACT if exact else METHOD_ASYMPTOTIC
    if np.unique(u).size < 2 or np.unique(v).size < 2:  # exactly, not up to rounding
        notes.append("No variation to test: the non-empty rows or columns all have the same score.")
        details.update(chi_squared=math.nan, correlation=math.nan)
        return _result(method_text, math.nan, math.nan, alternative, n_total, notes, details)
    z = float(u_centred @ kept @ v_centred) / math.sqrt(variance)
    details.update(chi_squared=z * z, correlation=z / math.sqrt(n_total - 1))
    if method_text == METHOD_EXACT:
        try:
            pvalue, exact_details = _exact_for_table(kept, u, v, alternative, method)
        except _NotFeasible as exc:
            if method == "exact":
                raise StatisticsError(
                    f"No exact algorithm applies to this {n_rows} x {n_cols} table "
                    f"(n = {n_total}): {exc}. Use method='asymptotic'."
                ) from None
            notes.append(f"Asymptotic p-value: {exc}.")
            method_text = METHOD_ASYMPTOTIC
        else:
            details.update(exact_details)
            return _result(method_text, z, pvalue, alternative, n_total, notes, details)
    return _result(
        method_text, z, _normal_pvalue(z, alternative), alternative, n_total, notes, details
    )


def _exact_for_table(
    kept: NDArray[np.int64],
    u: NDArray[np.float64],
    v: NDArray[np.float64],
    alternative: str,
    method: str,
) -> tuple[float, dict[str, Any]]:
    """Exact p-value of a table (empty margins dropped) with two rows or two columns."""
    if kept.shape[0] == 2:
        group_scores, scores, group, totals = u, v, kept[0], kept.sum(axis=0)
    else:
        group_scores, scores, group, totals = v, u, kept[:, 0], kept.sum(axis=1)
    # Z is the first group's standardised score sum when the first group scores higher.
    if group_scores[0] < group_scores[1]:
        alternative = {"greater": "less", "less": "greater"}.get(alternative, alternative)
    return _exact_two_sample(scores, totals, group, alternative, method)


def _result(
    method_text: str,
    z: float,
    pvalue: float,
    alternative: str,
    n_total: int,
    notes: list[str],
    details: dict[str, Any],
) -> TestResult:
    return TestResult(
        test="trend",
        method=method_text,
        statistic=z,
        pvalue=pvalue,
        alternative=alternative,
        n=(n_total,),
        n_missing=(0,),
        statistic_name="Z",
        note=" ".join(notes) if notes else None,
        details=details,
    )
