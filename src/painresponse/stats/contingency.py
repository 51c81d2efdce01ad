"""Tests of association in r x c contingency tables: Pearson chi-square and Fisher's exact test.

Rows or columns whose margin is zero carry no information about association; both tests
drop them before computing and say so in ``note`` (R's ``fisher.test`` does the same;
R's ``chisq.test`` would return NaN). A table left with fewer than two rows or two
columns has no test of association: the p-value is NaN and ``note`` says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from painresponse.errors import StatisticsError
from painresponse.stats._distributions import chi2_sf
from painresponse.stats._result import TestResult

__all__ = ["FISHER_MAX_WORK", "chi2_test", "fisher_exact"]

#: Budget of the exact network algorithm, in elementary steps (allocations enumerated plus
#: (past value, edge) pairs expanded). A uniform 4 x 5 table with n = 150 needs about
#: 2.7e8 steps (roughly 15-20 s); at the budget the enumeration takes about a minute.
#: Past the budget the test raises and suggests ``method="monte-carlo"``.
FISHER_MAX_WORK = 1_000_000_000

_REL_TOL = 1e-7  # R fisher.test: tables with p <= p_obs * (1 + 1e-7) count as "as extreme"
_LOG_REL_TOL = math.log1p(_REL_TOL)
_MERGE_DIGITS = 9  # past log-probabilities equal to 1e-9 are merged (far below _REL_TOL)


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
# Fisher-Freeman-Halton exact test: the network algorithm
# --------------------------------------------------------------------------------------


class _Network:
    """Exact two-sided Fisher-Freeman-Halton p-value by the network algorithm.

    Columns are placed one at a time (a *stage*). A node is the sorted tuple of row totals
    still to be filled: rows with equal remaining totals are interchangeable, so sorting
    merges their subtrees. The value of a path is ``-sum(log x_ij!)`` over the cells placed
    so far; a whole table has probability ``exp(const + value)``. For each node the largest
    and smallest value any completion can add are bounded; past values whose every
    completion is at most as probable as the observed table are added in closed form,
    those whose every completion is more probable are dropped, and only the rest expand.
    The last two columns are not expanded: for each node two columns from the end, every
    completion value is listed once, sorted, and each incoming (past + edge) value is
    matched to it by binary search.
    """

    def __init__(self, rows: NDArray[np.int64], cols: NDArray[np.int64], max_work: int) -> None:
        self.rows = rows
        self.cols = [int(c) for c in cols]
        self.n = int(rows.sum())
        self.lfact = gammaln(np.arange(self.n + 2, dtype=float) + 1.0)
        lf_cols = [float(self.lfact[c]) for c in self.cols]
        self.suffix_lfact_cols = [sum(lf_cols[k:]) for k in range(len(self.cols) + 1)]
        self.max_work = max_work
        self.work = 0
        self._bounds: dict[tuple[int, tuple[int, ...]], tuple[float, float]] = {}
        self._tails: dict[tuple[int, ...], tuple[NDArray[np.float64], NDArray[np.float64]]] = {}

    def _spend(self, amount: int) -> None:
        self.work += amount
        if self.work > self.max_work:
            raise _BudgetExceeded

    # ---- bounds on the value a subtree can add ------------------------------------
    def _max_spread(self, total: int, caps: Sequence[int]) -> float:
        """Largest -sum(log x!) with sum(x) = total, 0 <= x_i <= caps_i (water-filling)."""
        order = sorted(caps)
        left = total
        value = 0.0
        for i, cap in enumerate(order):
            k = len(order) - i
            if cap <= left // k:
                value -= self.lfact[cap]
                left -= cap
                continue
            base, extra = divmod(left, k)
            # every remaining cap exceeds `base`: `extra` cells get base + 1, the rest base
            return value - extra * self.lfact[base + 1] - (k - extra) * self.lfact[base]
        return value

    def _max_concentrated(self, total: int, caps: Sequence[int]) -> float:
        """Largest sum(log x!) with sum(x) = total, 0 <= x_i <= caps_i (fill largest first)."""
        left = total
        value = 0.0
        for cap in sorted(caps, reverse=True):
            take = min(cap, left)
            value += self.lfact[take]
            left -= take
        return value

    def bounds(self, stage: int, margins: tuple[int, ...]) -> tuple[float, float]:
        """(lower, upper) bounds on -sum(log x!) over the completions of a node."""
        key = (stage, margins)
        hit = self._bounds.get(key)
        if hit is not None:
            return hit
        rest = self.cols[stage:]
        if stage == len(self.cols) - 2:
            values, _ = self.tail(margins)
            result = (float(values[0]), float(values[-1]))
        else:
            # relaxing the row (or column) totals leaves independent columns (rows), each
            # solved exactly: most even for the upper bound, most concentrated for the lower
            upper = min(
                sum(self._max_spread(c, margins) for c in rest),
                sum(self._max_spread(m, rest) for m in margins),
            )
            lower = max(
                -sum(self._max_concentrated(c, margins) for c in rest),
                -sum(self._max_concentrated(m, rest) for m in margins),
            )
            result = (lower, upper)
        self._bounds[key] = result
        return result

    def log_total(self, stage: int, margins: tuple[int, ...]) -> float:
        """log of the sum over completions of exp(value) = log(N'! / (prod m! prod c!))."""
        return float(
            self.lfact[sum(margins)]
            - sum(self.lfact[m] for m in margins)
            - self.suffix_lfact_cols[stage]
        )

    # ---- enumeration ------------------------------------------------------------------
    def allocations(self, col: int, margins: tuple[int, ...]) -> NDArray[np.int64]:
        """Every way to split ``col`` over rows with remaining totals ``margins``."""
        caps = np.asarray(margins, dtype=np.int64)
        alloc = np.zeros((1, 0), dtype=np.int64)
        partial = np.zeros(1, dtype=np.int64)
        for i, cap in enumerate(caps):
            left_after = int(caps[i + 1 :].sum())
            lo = np.maximum(0, col - partial - left_after)
            hi = np.minimum(cap, col - partial)
            width = hi - lo + 1
            ok = width > 0
            alloc, partial, lo, width = alloc[ok], partial[ok], lo[ok], width[ok]
            reps = np.repeat(np.arange(len(alloc)), width)
            offsets = np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)
            x = lo[reps] + offsets
            alloc = np.column_stack([alloc[reps], x])
            partial = partial[reps] + x
        self._spend(len(alloc))
        return alloc

    def edges(
        self, stage: int, margins: tuple[int, ...]
    ) -> tuple[list[tuple[int, ...]], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Allocations of column ``stage`` merged by (child node, value).

        Returns the child nodes, and per merged edge its child index, value and count.
        """
        alloc = self.allocations(self.cols[stage], margins)
        values = -self.lfact[alloc].sum(axis=1)
        children = np.sort(np.asarray(margins)[None, :] - alloc, axis=1)
        uniq_children, child_idx = np.unique(children, axis=0, return_inverse=True)
        child_idx = child_idx.ravel()
        keys = np.column_stack([child_idx, np.round(values, _MERGE_DIGITS)])
        uniq, inverse, mult = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        nodes = [tuple(int(v) for v in row) for row in uniq_children]
        del inverse
        return nodes, uniq[:, 0].astype(np.int64), uniq[:, 1], mult.astype(float)

    def tail(self, margins: tuple[int, ...]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Sorted values of every completion of a node two columns from the end, with the
        running sum of exp(value - largest value)."""
        hit = self._tails.get(margins)
        if hit is not None:
            return hit
        alloc = self.allocations(self.cols[-2], margins)
        rest = np.asarray(margins)[None, :] - alloc
        values = np.sort(-self.lfact[alloc].sum(axis=1) - self.lfact[rest].sum(axis=1))
        cum = np.cumsum(np.exp(values - values[-1]))
        self._tails[margins] = (values, cum)
        return values, cum

    # ---- the walk -----------------------------------------------------------------------
    def pvalue(self, threshold: float, const: float) -> float:
        """Sum of probabilities of the tables whose value is at most ``threshold``."""
        root = tuple(sorted(int(r) for r in self.rows))
        last_forward = len(self.cols) - 2
        if last_forward == 0:
            return self._tail_sum(root, np.zeros(1), np.ones(1), threshold, const)
        Level = dict[tuple[int, ...], tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]]
        level: Level = {root: ([np.zeros(1)], [np.ones(1)])}
        total = 0.0
        for stage in range(last_forward):
            following: Level = {}
            for margins, (value_parts, count_parts) in level.items():
                past, counts = _merge(np.concatenate(value_parts), np.concatenate(count_parts))
                lower, upper = self.bounds(stage, margins)
                all_in = past + upper <= threshold
                if all_in.any():
                    log_tot = self.log_total(stage, margins)
                    total += float(np.sum(counts[all_in] * np.exp(past[all_in] + log_tot + const)))
                open_ = ~all_in & (past + lower <= threshold)
                if not open_.any():
                    continue
                past, counts = past[open_], counts[open_]
                if stage == last_forward - 1:
                    total += self._pair_with_tails(stage, margins, past, counts, threshold, const)
                    continue
                nodes, child_idx, edge_values, edge_counts = self.edges(stage, margins)
                self._spend(len(past) * len(edge_values))
                vals = (past[:, None] + edge_values[None, :]).ravel()
                cnts = (counts[:, None] * edge_counts[None, :]).ravel()
                which = np.broadcast_to(child_idx[None, :], (len(past), len(child_idx))).ravel()
                order = np.argsort(which, kind="stable")
                starts = np.searchsorted(which[order], np.arange(len(nodes) + 1))
                for k, child in enumerate(nodes):
                    sel = order[starts[k] : starts[k + 1]]
                    if len(sel) == 0:
                        continue
                    v_parts, c_parts = following.setdefault(child, ([], []))
                    v_parts.append(vals[sel])
                    c_parts.append(cnts[sel])
            level = following
        return total

    def _pair_with_tails(
        self,
        stage: int,
        margins: tuple[int, ...],
        past: NDArray[np.float64],
        counts: NDArray[np.float64],
        threshold: float,
        const: float,
    ) -> float:
        """Last forward step: every (past, edge) pair is matched by binary search against the
        sorted completion values of its child, all children searched at once by laying their
        value lists end to end on one axis."""
        nodes, child_idx, edge_values, edge_counts = self.edges(stage, margins)
        tails = [self.tail(child) for child in nodes]
        lows = np.array([t[0][0] for t in tails])
        highs = np.array([t[0][-1] for t in tails])
        spans = highs - lows + 4.0
        bases = np.concatenate([[0.0], np.cumsum(spans)[:-1]])
        axis = np.concatenate([t[0] - lo + b for t, lo, b in zip(tails, lows, bases, strict=True)])
        cum = np.concatenate([t[1] for t in tails])
        ends = np.cumsum([len(t[0]) for t in tails]) - 1
        total = 0.0
        chunk = max(1, 4_000_000 // max(1, len(edge_values)))
        for begin in range(0, len(past), chunk):
            p_part, c_part = past[begin : begin + chunk], counts[begin : begin + chunk]
            self._spend(len(p_part) * len(edge_values))
            reach = p_part[:, None] + edge_values[None, :]  # value before the last 2 columns
            room = threshold - reach  # completions with value <= room count
            full = room >= highs[child_idx]
            band = ~full & (room >= lows[child_idx])
            child_all = np.broadcast_to(child_idx, reach.shape)
            weight = c_part[:, None] * edge_counts[None, :]
            if full.any():
                k = child_all[full]
                scale = np.exp(reach[full] + highs[k] + const)
                total += float(np.sum(weight[full] * scale * cum[ends[k]]))
            if band.any():
                k = child_all[band]
                idx = np.searchsorted(axis, room[band] - lows[k] + bases[k], side="right") - 1
                scale = np.exp(reach[band] + highs[k] + const)
                total += float(np.sum(weight[band] * scale * cum[idx]))
        return total

    def _tail_sum(
        self,
        margins: tuple[int, ...],
        past: NDArray[np.float64],
        counts: NDArray[np.float64],
        threshold: float,
        const: float,
    ) -> float:
        """Probability of the completions of a node two columns from the end that, added to
        each past value, reach at most ``threshold``."""
        values, cum = self.tail(margins)
        self._spend(len(past))
        idx = np.searchsorted(values, threshold - past, side="right") - 1
        hit = idx >= 0
        scale = np.exp(past[hit] + values[-1] + const)
        return float(np.sum(counts[hit] * scale * cum[idx[hit]]))


class _BudgetExceeded(Exception):
    """Internal signal: the exact enumeration went over FISHER_MAX_WORK."""


def _merge(
    values: NDArray[np.float64], counts: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Merge past values equal to within 1e-9 (on the log scale), adding their counts."""
    if len(values) == 1:
        return values, counts
    keys = np.round(values, _MERGE_DIGITS)
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, np.bincount(inverse.ravel(), weights=counts, minlength=len(uniq)).astype(float)


def _log_table_value(counts: NDArray[np.int64]) -> float:
    return -float(np.sum(gammaln(counts + 1.0)))


def _fisher_exact_pvalue(counts: NDArray[np.int64], max_work: int) -> float:
    """Two-sided Fisher-Freeman-Halton p-value of a table without empty margins."""
    # fewer rows -> fewer distinct sorted margin tuples; the smaller dimension goes in rows
    if counts.shape[0] > counts.shape[1]:
        counts = counts.T
    rows = counts.sum(axis=1)
    # small columns first: fewer past values in the forward stages (measured)
    cols = np.sort(counts.sum(axis=0))
    n = int(rows.sum())
    const = float(np.sum(gammaln(rows + 1.0)) + np.sum(gammaln(cols + 1.0)) - gammaln(n + 1.0))
    threshold = _log_table_value(counts) + _LOG_REL_TOL
    network = _Network(rows, cols, max_work)
    return min(1.0, network.pvalue(threshold, const))


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
        Budget of the exact enumeration, in expanded (node, past-probability) pairs.

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
        If the table is not a valid table of counts, ``method`` is unknown, or the exact
        enumeration would exceed ``max_work`` (the message suggests ``method="monte-carlo"``).

    Notes
    -----
    Given the margins, a table has the multivariate hypergeometric probability

    .. math:: P(x) = \\frac{\\prod_i R_i! \\prod_j C_j!}{N! \\prod_{ij} x_{ij}!}.

    The two-sided p-value is :math:`\\sum P(x)` over tables with
    :math:`P(x) \\le P(x_{obs}) (1 + 10^{-7})`, R's relative tolerance. It is computed by the
    network algorithm of Mehta and Patel: columns are placed one at a time, nodes are the
    sorted remaining row totals (row-permutation symmetry), and bounds on the largest and
    smallest log-probability a subtree can add let whole subtrees be counted in closed form
    or dropped. Past log-probabilities equal to within 1e-9 are merged. The bounds come from
    relaxing either the row or the column constraints, which is solved exactly by
    water-filling (most even) and greedy filling (most concentrated). The result is
    deterministic. Empty rows and columns are dropped first.

    References
    ----------
    .. [1] Mehta CR, Patel NR. A network algorithm for performing Fisher's exact test in
       r x c contingency tables. J Am Stat Assoc. 1983;78:427-434.
    .. [2] Mehta CR, Patel NR. Algorithm 643: FEXACT. ACM Trans Math Softw. 1986;12:154-161.
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
    name = "Fisher's exact test" if kept.shape == (2, 2) else "Fisher-Freeman-Halton exact test"
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
    if method == "exact":
        try:
            pvalue = _fisher_exact_pvalue(kept, max_work)
        except _BudgetExceeded:
            raise StatisticsError(
                f"The exact enumeration for this {kept.shape[0]} x {kept.shape[1]} table "
                f"(n = {n}) exceeds the budget of {max_work} steps; use "
                f"method='monte-carlo'."
            ) from None
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
