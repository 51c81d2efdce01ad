"""Tests of association in r x c contingency tables: Pearson chi-square and Fisher's exact test.

Rows or columns whose margin is zero carry no information about association; both tests
drop them before computing and say so in ``note`` (R's ``fisher.test`` does the same;
R's ``chisq.test`` would return NaN). A table left with fewer than two rows or two
columns has no test of association: the p-value is NaN and ``note`` says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from painresponse.errors import StatisticsError
from painresponse.stats._distributions import chi2_sf
from painresponse.stats._result import TestResult

__all__ = ["FISHER_MAX_WORK", "chi2_test", "fisher_exact"]

#: Budget of the exact network algorithm, in elementary steps (allocations enumerated plus
#: edges and (past value, edge) pairs in the band between the bounds). 4 x 5 tables with
#: n = 150 need 1e7-1.4e8 steps (1-7 s); at the budget the enumeration takes about a minute.
#: Past the budget the test raises and suggests ``method="monte-carlo"``.
FISHER_MAX_WORK = 1_000_000_000

_REL_TOL = 1e-7  # R fisher.test: tables with p <= p_obs * (1 + 1e-7) count as "as extreme"
_LOG_REL_TOL = math.log1p(_REL_TOL)
_MERGE_DIGITS = 9  # past log-probabilities equal to 1e-9 are merged (far below _REL_TOL)
_CHUNK = 4_000_000  # (past, edge) pairs matched at once: bounds the memory of the last stage


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
    still to be filled, stored as one integer (mixed radix): rows with equal remaining totals
    are interchangeable, so sorting merges their subtrees. The value of a path is
    ``-sum(log x_ij!)`` over the cells placed so far; a whole table has probability
    ``exp(const + value)``. Every stage is processed for all of its nodes together, with
    each node's past values sorted. For each edge (an allocation of the column, merged by
    child and value) the past values whose every completion is at most as probable as the
    observed table form a prefix, added in closed form by a prefix sum; those whose every
    completion is more probable form a suffix and are dropped; only the band between is
    carried to the child. Bounds on the completions of a child come from relaxing the row
    or the column totals, except two columns from the end, where every completion value is
    listed once, sorted, and the bounds are exact: there each band (past + edge) value is
    matched by binary search instead of being carried further.
    """

    def __init__(self, rows: NDArray[np.int64], cols: NDArray[np.int64], max_work: int) -> None:
        self.rows = np.sort(rows)
        self.cols = [int(c) for c in cols]
        self.n = int(rows.sum())
        self.lfact = gammaln(np.arange(self.n + 2, dtype=float) + 1.0)
        lf_cols = [float(self.lfact[c]) for c in self.cols]
        self.suffix_lfact_cols = [sum(lf_cols[k:]) for k in range(len(self.cols) + 1)]
        # the k-th smallest remaining total never exceeds the k-th smallest row total
        radix = np.cumprod(np.concatenate([[1], self.rows[:-1] + 1]))
        if float(np.prod(self.rows.astype(float) + 1.0)) >= 2.0**62:
            raise _BudgetExceeded
        self.radix = radix.astype(np.int64)
        self.max_work = max_work
        self.work = 0
        self._tail_ids: dict[int, int] = {}
        self._tails: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []

    def _spend(self, amount: int) -> None:
        self.work += amount
        if self.work > self.max_work:
            raise _BudgetExceeded

    def decode(self, code: int) -> NDArray[np.int64]:
        """Sorted remaining row totals of a node from its integer code."""
        return (code // self.radix) % (self.rows + 1)

    # ---- relaxed bounds on the value a subtree can add (vectorised over nodes) -----------
    def _max_spread(self, totals: NDArray[np.int64], caps: NDArray[np.int64]) -> NDArray[Any]:
        """Largest -sum(log x!) with sum(x) = total, 0 <= x_i <= caps_i, per row of ``caps``
        (sorted ascending): water-filling, the caps below the level are filled."""
        value = np.zeros(len(totals))
        left = totals.astype(np.int64).copy()
        open_ = np.ones(len(totals), dtype=bool)
        width = caps.shape[1]
        for i in range(width):
            cap = caps[:, i]
            fits = open_ & (cap * (width - i) <= left)
            value[fits] -= self.lfact[cap[fits]]
            left[fits] -= cap[fits]
            level = open_ & ~fits
            base, extra = np.divmod(left[level], width - i)
            value[level] -= extra * self.lfact[base + 1] + (width - i - extra) * self.lfact[base]
            open_ &= fits
        return value

    def _max_concentrated(self, totals: NDArray[np.int64], caps: NDArray[np.int64]) -> NDArray[Any]:
        """Largest sum(log x!) with sum(x) = total, 0 <= x_i <= caps_i, per row of ``caps``
        (sorted descending): fill the largest cap first."""
        value = np.zeros(len(totals))
        left = totals.astype(np.int64).copy()
        for i in range(caps.shape[1]):
            take = np.minimum(caps[:, i], left)
            value += self.lfact[take]
            left -= take
        return value

    def bounds(self, stage: int, margins: NDArray[np.int64]) -> tuple[NDArray[Any], NDArray[Any]]:
        """(lower, upper) bounds on -sum(log x!) over the completions of the nodes
        ``margins`` (one node a row, sorted ascending) at ``stage``: relaxing the row (or
        column) totals leaves independent columns (rows), each solved exactly."""
        k = len(margins)
        rest = np.asarray(self.cols[stage:], dtype=np.int64)
        rest_up = np.broadcast_to(np.sort(rest), (k, len(rest)))
        rest_down = rest_up[:, ::-1]
        m_down = margins[:, ::-1]
        upper = np.minimum(
            sum(self._max_spread(np.full(k, c), margins) for c in rest),
            sum(self._max_spread(margins[:, i], rest_up) for i in range(margins.shape[1])),
        )
        lower = np.maximum(
            -sum(self._max_concentrated(np.full(k, c), m_down) for c in rest),
            -sum(self._max_concentrated(margins[:, i], rest_down) for i in range(margins.shape[1])),
        )
        return lower, upper

    def log_total(self, stage: int, margins: NDArray[np.int64]) -> NDArray[np.float64]:
        """log of the sum over completions of exp(value) = log(N'! / (prod m! prod c!))."""
        lf = self.lfact
        return lf[margins.sum(axis=1)] - lf[margins].sum(axis=1) - self.suffix_lfact_cols[stage]

    # ---- enumeration ------------------------------------------------------------------
    def allocations(self, col: int, margins: NDArray[np.int64]) -> NDArray[np.int64]:
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
        self, stage: int, margins: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Allocations of column ``stage`` merged by (child node, value).

        Returns the distinct child codes (sorted), and per merged edge its child index,
        value and count.
        """
        alloc = self.allocations(self.cols[stage], margins)
        values = np.round(-self.lfact[alloc].sum(axis=1), _MERGE_DIGITS)
        codes = np.sort(margins[None, :] - alloc, axis=1) @ self.radix
        order = np.lexsort((values, codes))
        codes, values = codes[order], values[order]
        new = np.ones(len(codes), dtype=bool)
        new[1:] = (codes[1:] != codes[:-1]) | (values[1:] != values[:-1])
        starts = np.flatnonzero(new)
        mult = np.diff(np.append(starts, len(codes))).astype(float)
        children, child_idx = np.unique(codes[starts], return_inverse=True)
        return children, child_idx.ravel(), values[starts], mult

    def tail(self, code: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Sorted values of every completion of a node two columns from the end, with the
        running sum of exp(value - largest value)."""
        margins = self.decode(code)
        alloc = self.allocations(self.cols[-2], margins)
        rest = margins[None, :] - alloc
        values = np.sort(-self.lfact[alloc].sum(axis=1) - self.lfact[rest].sum(axis=1))
        return values, np.cumsum(np.exp(values - values[-1]))

    def tails(self, codes: NDArray[np.int64]) -> NDArray[np.int64]:
        """Ids of the tails of the nodes ``codes``, computing the missing ones."""
        ids = self._tail_ids
        for code in codes.tolist():
            if code not in ids:
                ids[code] = len(self._tails)
                self._tails.append(self.tail(code))
        return np.array([ids[code] for code in codes.tolist()], dtype=np.int64)

    # ---- the walk -----------------------------------------------------------------------
    def pvalue(self, threshold: float, const: float) -> float:
        """Sum of probabilities of the tables whose value is at most ``threshold``."""
        root = int(self.rows @ self.radix)
        last_forward = len(self.cols) - 2
        if last_forward == 0:
            return self._tail_sum(root, threshold, const)
        level = _Level(np.array([root]), np.zeros(1), np.ones(1))
        total = 0.0
        for stage in range(last_forward - 1):
            parts: list[_Level] = []
            for code, past, weight in level.nodes():
                subtotal, band = self._expand(stage, code, past, weight, threshold, const)
                total += subtotal
                parts.append(band)
            level = _Level.merge(parts)
        return total + self._last_forward(last_forward - 1, level, threshold, const)

    def _expand(
        self,
        stage: int,
        code: int,
        past: NDArray[np.float64],
        weight: NDArray[np.float64],
        threshold: float,
        const: float,
    ) -> tuple[float, _Level]:
        """One node, one stage: the probability settled in closed form and the band carried
        to the children."""
        children, child_idx, edge_values, edge_counts = self.edges(stage, self.decode(code))
        child_margins = self.decode_many(children)
        lower, upper = self.bounds(stage + 1, child_margins)
        log_tot = self.log_total(stage + 1, child_margins)
        top = float(past[-1])
        prefix = np.concatenate([[0.0], np.cumsum(weight * np.exp(past - top))])
        first = np.searchsorted(past, threshold - edge_values - upper[child_idx], side="right")
        stop = np.searchsorted(past, threshold - edge_values - lower[child_idx], side="right")
        scale = edge_counts * np.exp(edge_values + log_tot[child_idx] + top + const)
        total = float(np.sum(scale * prefix[first]))
        edge_of, past_of = _band_pairs(first, stop)
        self._spend(len(edge_values) + len(edge_of))
        band = _Level(
            children[child_idx[edge_of]],
            past[past_of] + edge_values[edge_of],
            weight[past_of] * edge_counts[edge_of],
        )
        return total, band

    def decode_many(self, codes: NDArray[np.int64]) -> NDArray[np.int64]:
        return (codes[:, None] // self.radix[None, :]) % (self.rows[None, :] + 1)

    def _last_forward(self, stage: int, level: _Level, threshold: float, const: float) -> float:
        """Last forward stage: every band (past + edge) value is matched by binary search
        against the sorted completion values of its child, all children of a batch of nodes
        searched at once by laying their value lists end to end on one axis."""
        total = 0.0
        batch: list[tuple[NDArray[Any], ...]] = []
        size = 0
        for code, past, weight in level.nodes():
            children, child_idx, edge_values, edge_counts = self.edges(stage, self.decode(code))
            batch.append((past, weight, children, child_idx, edge_values, edge_counts))
            size += len(edge_values)
            if size > 2_000_000:
                total += self._pair_with_tails(batch, threshold, const)
                batch, size = [], 0
        if batch:
            total += self._pair_with_tails(batch, threshold, const)
        return total

    def _pair_with_tails(
        self, batch: list[tuple[NDArray[Any], ...]], threshold: float, const: float
    ) -> float:
        codes = np.unique(np.concatenate([item[2] for item in batch]))
        tails = [self._tails[i] for i in self.tails(codes).tolist()]
        lows = np.array([t[0][0] for t in tails])
        highs = np.array([t[0][-1] for t in tails])
        spans = highs - lows + 4.0
        bases = np.concatenate([[0.0], np.cumsum(spans)[:-1]])
        axis = np.concatenate([t[0] - lo + b for t, lo, b in zip(tails, lows, bases, strict=True)])
        cum = np.concatenate([t[1] for t in tails])
        totals = np.array([t[1][-1] for t in tails])
        total = 0.0
        for past, weight, children, child_idx, edge_values, edge_counts in batch:
            k = np.searchsorted(codes, children)[child_idx]
            top = float(past[-1])
            scaled = weight * np.exp(past - top)
            prefix = np.concatenate([[0.0], np.cumsum(scaled)])
            first = np.searchsorted(past, threshold - edge_values - highs[k], side="right")
            stop = np.searchsorted(past, threshold - edge_values - lows[k], side="right")
            # a table's probability is scaled[past] * edge_scale[edge] * cum[completion]
            edge_scale = edge_counts * np.exp(edge_values + highs[k] + top + const)
            total += float(np.sum(edge_scale * totals[k] * prefix[first]))
            widths = stop - first
            self._spend(len(edge_values) + int(widths.sum()))
            band = np.flatnonzero(widths > 0)
            # chunks of edges keep the (past, edge) arrays to a few million entries
            if len(band) == 0:
                continue
            ends = np.cumsum(widths[band])
            cuts = np.searchsorted(ends, np.arange(1, ends[-1] // _CHUNK + 1) * _CHUNK)
            for part in np.split(band, cuts):
                if len(part) == 0:
                    continue
                total += self._band_sum(
                    past,
                    scaled,
                    first[part],
                    widths[part],
                    edge_scale[part],
                    threshold - edge_values[part] - lows[k[part]] + bases[k[part]],
                    axis,
                    cum,
                )
        return total

    @staticmethod
    def _band_sum(
        past: NDArray[np.float64],
        scaled: NDArray[np.float64],
        first: NDArray[np.int64],
        widths: NDArray[np.int64],
        edge_scale: NDArray[np.float64],
        room: NDArray[np.float64],
        axis: NDArray[np.float64],
        cum: NDArray[np.float64],
    ) -> float:
        """Sum over edges of edge_scale * sum over the past band of scaled * cum[completions
        within room - past], the completions found by binary search on ``axis``."""
        starts = np.cumsum(widths) - widths
        edge_of = np.repeat(np.arange(len(widths)), widths)
        past_of = np.arange(int(starts[-1] + widths[-1])) + (first - starts)[edge_of]
        idx = np.searchsorted(axis, room[edge_of] - past[past_of], side="right") - 1
        per_edge = np.add.reduceat(scaled[past_of] * cum[idx], starts)
        return float(np.dot(edge_scale, per_edge))

    def _tail_sum(self, code: int, threshold: float, const: float) -> float:
        """Probability of the completions of the root, two columns from the end, whose value
        is at most ``threshold``."""
        values, cum = self.tail(code)
        idx = int(np.searchsorted(values, threshold, side="right")) - 1
        return 0.0 if idx < 0 else float(np.exp(values[-1] + const) * cum[idx])


def _band_pairs(first: NDArray[np.int64], stop: NDArray[np.int64]) -> tuple[NDArray[Any], ...]:
    """(edge, past) index pairs with past index in [first, stop) of each edge."""
    widths = np.maximum(stop - first, 0)
    edge_of = np.repeat(np.arange(len(first)), widths)
    starts = np.cumsum(widths) - widths
    past_of = first[edge_of] + np.arange(len(edge_of)) - starts[edge_of]
    return edge_of, past_of


class _Level:
    """Past values of the open nodes of a stage: node code, value and count per entry,
    sorted by node and then value once merged."""

    def __init__(
        self, codes: NDArray[np.int64], values: NDArray[np.float64], counts: NDArray[np.float64]
    ) -> None:
        self.codes, self.values, self.counts = codes, values, counts

    @staticmethod
    def merge(parts: list[_Level]) -> _Level:
        """Concatenate and merge entries of a node whose values agree to 1e-9 (log scale)."""
        if not parts:
            return _Level(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
        codes = np.concatenate([p.codes for p in parts])
        values = np.round(np.concatenate([p.values for p in parts]), _MERGE_DIGITS)
        counts = np.concatenate([p.counts for p in parts])
        order = np.lexsort((values, codes))
        codes, values, counts = codes[order], values[order], counts[order]
        new = np.ones(len(codes), dtype=bool)
        new[1:] = (codes[1:] != codes[:-1]) | (values[1:] != values[:-1])
        starts = np.flatnonzero(new)
        if len(starts) == 0:
            return _Level(codes, values, counts)
        return _Level(codes[starts], values[starts], np.add.reduceat(counts, starts))

    def nodes(self) -> Iterator[tuple[int, NDArray[np.float64], NDArray[np.float64]]]:
        """(code, sorted past values, counts) per node."""
        if len(self.codes) == 0:
            return
        bounds = np.flatnonzero(np.diff(self.codes)) + 1
        starts = np.concatenate([[0], bounds])
        stops = np.concatenate([bounds, [len(self.codes)]])
        for begin, end in zip(starts.tolist(), stops.tolist(), strict=True):
            yield int(self.codes[begin]), self.values[begin:end], self.counts[begin:end]


class _BudgetExceeded(Exception):
    """Internal signal: the exact enumeration went over FISHER_MAX_WORK."""


def _log_table_value(counts: NDArray[np.int64]) -> float:
    return -float(np.sum(gammaln(counts + 1.0)))


def _fisher_exact_pvalue(counts: NDArray[np.int64], max_work: int) -> float:
    """Two-sided Fisher-Freeman-Halton p-value of a table without empty margins."""
    # fewer rows -> fewer distinct sorted margin tuples; the smaller dimension goes in rows
    if counts.shape[0] > counts.shape[1]:
        counts = counts.T
    rows = counts.sum(axis=1)
    # small columns first, the two largest in the tail: measured fastest (largest first is
    # 1-4x slower on 4 x 5 tables, n = 150; the order among the forward columns hardly matters)
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
    water-filling (most even) and greedy filling (most concentrated); two columns from the
    end they are exact (every completion is listed once, sorted). With each node's past
    values sorted, the past values settled by an edge form a prefix (a prefix sum) and only
    the band between the bounds is carried on or matched by binary search. The result is
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
