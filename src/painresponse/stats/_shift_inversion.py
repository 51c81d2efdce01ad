"""Exact conditional Hodges-Lehmann intervals by inversion of the exact conditional test.

:func:`painresponse.stats.location_shift.hodges_lehmann` (``method="exact"`` with ties or
zero differences) and ``hodges_lehmann_from_counts`` call :func:`shift_interval` and
:func:`pseudo_median_interval`; the interval, its boundary rule and the search are
documented there (Notes). This module holds the machinery:

* the exact test at a shift, from the table of distinct values: :func:`_rank_sum_at` merges
  the distinct ``x - Δ`` and ``y`` into tie blocks by reading every comparison off the
  stored differences ``x_i - y_j`` (:func:`_signed_rank_at` likewise off the Walsh
  averages), and the exact conditional distribution of that table gives ``p(Δ)``;
* :func:`_rank_sum_exact` picks the algorithm for one rank-sum test: ``rank_sum``'s own
  dynamic programme on small tables, otherwise the certified Fourier inversion of
  ``_exact_ranks`` or :func:`_rank_sum_pruned`, a pruned dynamic programme with a
  certified error bound that is several times faster on large, heavily tied tables (the
  candidates of 0-10 scores: few tie blocks, where the Fourier grid is large);
* :class:`_Inversion`, ``p(Δ)`` over the positions of its step function (the open gaps
  between candidates and the candidates themselves), with a full scan and a local search.

Private to ``painresponse.stats``; the public entry points are in ``location_shift``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from painresponse.errors import StatisticsError
from painresponse.stats import _exact_ranks
from painresponse.stats._distributions import norm_isf, norm_sf
from painresponse.stats._result import TestResult

__all__ = ["INTERVAL_RULE", "pseudo_median_interval", "shift_interval"]

#: ``p(Δ) >= alpha`` is decided with this relative tolerance: exact p-values are rationals
#: that can equal ``alpha = 1 - conf_level`` exactly, and both sides carry rounding (the
#: dynamic programme ~1e-15, the Fourier tails at most 1e-12).
_P_REL_TOL = 1e-10
#: Every position is evaluated (which also detects a non-convex acceptance set) when the
#: number of positions times the cell updates of one exact test is at most this (~20 ms).
_SCAN_MAX_COST = 5e6
_SCAN_MAX_POSITIONS = 401
#: Up to this many cell updates an exact rank-sum test runs the plain dynamic programme
#: (bit for bit ``rank_sum``'s, ~20 ms); beyond, the pruned one or Fourier inversion.
_PLAIN_MAX_COST = 2e7
#: The pruned programme drops cells whose share of the answer is below this fraction.
_PRUNE_EPS = 1e-20

INTERVAL_RULE = (
    "exact conditional interval: the shifts whose exact conditional test has two-sided "
    "p >= alpha (relative tolerance 1e-10), p evaluated on every open gap between consecutive "
    "pairwise differences (Walsh averages) and at each of them with the ties it creates; "
    "ci_low/ci_high are the infimum/supremum of that set, an end belongs to it only when "
    "ci_low_included/ci_high_included (the test at the end itself accepts); a non-convex set "
    "is reported as its convex hull with excluded_inside listing the rejected parts; "
    "infinite ends when even the most extreme shift is not rejected"
)


class _Exact(NamedTuple):
    """One exact conditional test: two-sided p-value, statistic (U or V), cell updates."""

    pvalue: float
    statistic: float
    cost: float


_TestAt = Callable[[float, bool], _Exact | None]
_NormalAt = Callable[[float, bool], float]
_RANK_SUM_METHOD = "Wilcoxon rank-sum test, exact conditional distribution (ties)"
_SIGNED_RANK_METHOD = (
    "Wilcoxon signed-rank test (zeros dropped), exact conditional distribution (ties)"
)


def _merge_blocks(
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    before: NDArray[np.int64],
    tied: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Counts per tie block of two sorted lists of value groups merged into one order.

    ``before[a]`` is how many groups of ``second`` precede group ``a`` of ``first``
    (non-decreasing in ``a``); a ``tied`` group of ``first`` joins group ``before[a]`` of
    ``second``. Returns the counts from ``first`` and from ``second`` per merged block.
    """
    free = ~tied
    n_second = second.size
    keys = np.concatenate((2 * before[free], 2 * np.arange(n_second) + 1))
    order = np.argsort(keys, kind="stable")
    joined = np.bincount(before[tied], weights=first[tied], minlength=n_second)
    from_first = np.concatenate((first[free], joined.astype(np.int64)))
    from_second = np.concatenate((np.zeros(int(free.sum()), dtype=np.int64), second))
    return from_first[order], from_second[order]


def _doubled_midranks(totals: NDArray[np.int64]) -> NDArray[np.int64]:
    return 2 * (np.cumsum(totals) - totals) + totals + 1


def _two_sided(support: NDArray[np.int64], probs: NDArray[np.float64], obs: int, c2: int) -> float:
    """``P(|S - E| >= |obs - E|)`` on the integer lattice, ``c2 = 2 E``."""
    return float(min(1.0, probs[np.abs(2 * support - c2) >= abs(2 * obs - c2)].sum()))


def _rank_sum_exact(from_x: NDArray[np.int64], from_y: NDArray[np.int64], alpha: float) -> _Exact:
    """Exact conditional two-sided rank-sum p-value of a 2 x c table (as ``rank_sum``).

    Up to 2e7 cell updates, the dynamic programme of ``rank_sum`` (bit for bit). Beyond, the
    certified Fourier inversion on 400 or more patients in 20 or more tie blocks (fast
    there), else the pruned programme (:func:`_rank_sum_pruned`) whenever its error bound
    leaves ``p >= alpha`` decided, else the Fourier inversion or the full programme.
    """
    totals = from_x + from_y
    m, n_total = int(from_x.sum()), int(totals.sum())
    scores2 = _doubled_midranks(totals)
    w2 = int((from_x * scores2).sum())
    u = w2 / 2.0 - m * (m + 1) / 2.0
    if totals.size == 1:
        return _Exact(1.0, u, 0.0)
    s, t = scores2.tolist(), totals.tolist()
    cost = _exact_ranks.rank_sum_cost(s, t, m)
    if cost > _PLAIN_MAX_COST:
        prunable = _pruned_cells(totals, m) <= _exact_ranks.EXACT_MAX_CELLS
        pruned = None
        if prunable and not (totals.size >= 20 and n_total >= _exact_ranks.FOURIER_MIN_N_AUTO):
            pruned = _rank_sum_pruned(scores2, totals, m, w2)
            if abs(pruned[0] - alpha) > pruned[1] + _P_REL_TOL * alpha:  # decided
                return _Exact(pruned[0], u, cost)
        try:
            return _Exact(
                _exact_ranks.rank_sum_pvalue_fourier(s, t, m, w2, "two-sided")[0], u, cost
            )
        except _exact_ranks.FourierNotCertified as exc:
            if prunable:  # e.g. far in a tail: the pruned value is certified to ~1e-15
                pvalue = (pruned or _rank_sum_pruned(scores2, totals, m, w2))[0]
                return _Exact(pvalue, u, cost)
            if _exact_ranks.rank_sum_cells(s, t, m) > _exact_ranks.EXACT_MAX_CELLS:
                raise StatisticsError(
                    "An exact conditional rank-sum test on the way to the interval is out of "
                    f"reach (the Fourier method could not certify its error: {exc}); "
                    "use method='asymptotic'."
                ) from exc
    support, probs = _exact_ranks.rank_sum_distribution(s, t, m, compiled=True)
    return _Exact(_two_sided(support, probs, w2, 2 * m * (n_total + 1)), u, cost)


def _pruned_cells(totals: NDArray[np.int64], m: int) -> float:
    """Rough size of the pruned programme's table: +-9 sd of the rows and of the statistic."""
    n_total = float(totals.sum())
    m = min(m, int(n_total) - m)
    rows = 18.0 * math.sqrt(m * (n_total - m) / (4.0 * n_total)) + 1.0
    tie_term = float((totals.astype(float) ** 3 - totals).sum()) / (n_total * (n_total - 1))
    sd2 = 2.0 * math.sqrt(max(m * (n_total - m) / 12.0 * (n_total + 1 - tie_term), 0.0))
    return min(rows, m + 1.0) * (18.0 * sd2 + 1.0)


def _rank_sum_pruned(
    scores2: NDArray[np.int64], totals: NDArray[np.int64], m: int, w2: int
) -> tuple[float, float]:
    """Two-sided exact conditional rank-sum p-value and a bound on its error.

    The tilted programme of ``_exact_ranks.rank_sum_distribution`` (independent binomials
    ``a_j ~ Bin(t_j, m/N)`` conditioned on their total; state: count taken ``k``, doubled
    partial rank sum ``c``) with two changes that shrink its table about tenfold on large
    tied samples. Columns hold ``c - k r``, ``r`` the mean doubled mid-rank of the
    categories done, so the rows' distributions line up (``r = N + 1`` at the end, where
    the column is ``W2 - E[W2]``). After each category a cell is dropped when its mass
    times the probability that the remaining categories supply ``m - k`` (its whole share
    of the final row) is below 1e-20 of that row's mass; the dropped shares are summed.
    With ``p = tail / total`` over the kept final row and ``D`` the dropped sum,
    ``|p - p_exact| <= D / total`` (all weights are non-negative). Returns ``(p, D/total)``.
    """
    n_total = int(totals.sum())
    if 2 * m > n_total:  # work with the smaller group: W2 of the other is N(N+1) - W2
        m, w2 = n_total - m, n_total * (n_total + 1) - w2
    tilt = m / n_total
    deviation2 = abs(2 * w2 - 2 * m * (n_total + 1))
    done = np.cumsum(totals)
    means = np.rint(np.cumsum(totals * scores2) / done).astype(np.int64)
    means[-1] = n_total + 1
    floor = _PRUNE_EPS * float(_exact_ranks._binom_pmf(n_total, tilt)[m])
    table, k_lo, u_lo, ref, dropped = np.ones((1, 1)), 0, 0, 0, 0.0
    steps = zip(
        scores2.tolist(), totals.tolist(), (n_total - done).tolist(), means.tolist(), strict=True
    )
    for score, count, rest, mean in steps:
        table, u_lo = _reskew(table, k_lo, u_lo, ref - mean)
        ref = mean
        table, u_lo = _add_category(table, k_lo, u_lo, score - ref, count, tilt, m)
        need = m - np.arange(k_lo, k_lo + table.shape[0])
        reach_pmf = _exact_ranks._binom_pmf(rest, tilt)
        reach = np.where(need <= rest, reach_pmf[np.clip(need, 0, rest)], 0.0)
        rows = np.flatnonzero(table.max(axis=1) * reach >= floor)
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        with np.errstate(divide="ignore"):
            limit = floor / reach[r0:r1]
        cols = np.flatnonzero((table[r0:r1] >= limit[:, None]).any(axis=0))
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        outside = table[:r0].sum(axis=1) @ reach[:r0] + table[r1:].sum(axis=1) @ reach[r1:]
        sides = table[r0:r1, :c0].sum(axis=1) + table[r0:r1, c1:].sum(axis=1)
        dropped += float(outside + sides @ reach[r0:r1])
        table, k_lo, u_lo = table[r0:r1, c0:c1], k_lo + r0, u_lo + c0
    final = table[m - k_lo]
    centred = np.arange(u_lo, u_lo + final.size)
    total = float(final.sum())
    tail = float(final[np.abs(2 * centred) >= deviation2].sum())
    return min(1.0, tail / total), dropped / total


def _reskew(
    table: NDArray[np.float64], k_lo: int, u_lo: int, delta: int
) -> tuple[NDArray[np.float64], int]:
    """Move row ``k`` by ``k * delta`` columns (a new reference score)."""
    if delta == 0:
        return table, u_lo
    rows, width = table.shape
    offsets = (np.arange(rows) + k_lo) * delta
    base = int(offsets.min())
    out = np.zeros((rows, width + abs(delta) * (rows - 1)))
    for row, offset in enumerate((offsets - base).tolist()):
        out[row, offset : offset + width] = table[row]
    return out, u_lo + base


def _add_category(
    table: NDArray[np.float64], k_lo: int, u_lo: int, step: int, count: int, tilt: float, m: int
) -> tuple[NDArray[np.float64], int]:
    """Take ``a ~ Bin(count, tilt)`` of a category: ``a`` rows down, ``a * step`` columns."""
    weights = _exact_ranks._binom_pmf(count, tilt)
    most = min(count, m - k_lo)
    rows, width = table.shape
    new_rows = min(rows + most, m - k_lo + 1)
    low, high = min(0, most * step), max(0, most * step)
    new = np.zeros((new_rows, width + high - low))
    scaled = np.empty_like(table)  # one buffer: a temporary per term would be re-faulted
    for a in range(most + 1):
        used = min(rows, new_rows - a)
        if used > 0 and weights[a] > 0.0:
            col = a * step - low
            np.multiply(table[:used], weights[a], out=scaled[:used])
            new[a : a + used, col : col + width] += scaled[:used]
    return new, u_lo + low


def _normal_pvalue(deviation2: float, variance2: float) -> float:
    """Two-sided normal p of a doubled statistic, continuity- and tie-corrected (a filter)."""
    if variance2 <= 0.0:
        return 1.0
    return min(1.0, 2.0 * norm_sf(max(abs(deviation2) - 1.0, 0.0) / math.sqrt(variance2)))


def _rank_sum_at(
    counts_x: NDArray[np.int64],
    counts_y: NDArray[np.int64],
    differences: NDArray[np.float64],
    alpha: float,
) -> tuple[_TestAt, _NormalAt]:
    """Rank-sum test of ``(x - Δ, y)`` at ``Δ = t`` or just above ``t``: exact and normal.

    Every comparison of ``x_i - Δ`` with ``y_j`` is read off the stored difference
    ``x_i - y_j`` versus ``t``: ties are exactly the pairs whose difference equals the
    candidate ``t``, and no shifted value is computed in floating point.
    """

    def table(t: float, at_point: bool) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        below = (differences > t).sum(axis=1)
        tied = (differences == t).any(axis=1) if at_point else np.zeros(below.size, dtype=bool)
        return _merge_blocks(counts_x, counts_y, below, tied)

    def test_at(t: float, at_point: bool) -> _Exact:
        return _rank_sum_exact(*table(t, at_point), alpha)

    def normal_at(t: float, at_point: bool) -> float:
        from_x, from_y = table(t, at_point)
        totals = from_x + from_y
        m, n_total = int(from_x.sum()), int(totals.sum())
        deviation2 = float((from_x * _doubled_midranks(totals)).sum()) - m * (n_total + 1.0)
        tie_term = float((totals.astype(float) ** 3 - totals).sum()) / (n_total * (n_total - 1))
        variance2 = m * (n_total - m) / 3.0 * (n_total + 1 - tie_term)
        return _normal_pvalue(deviation2, variance2)

    return test_at, normal_at


def _signed_rank_at(
    values: NDArray[np.float64], counts: NDArray[np.int64], walsh: NDArray[np.float64]
) -> tuple[_TestAt, _NormalAt]:
    """Signed-rank test of ``d - θ`` (zeros dropped) at ``θ = t`` or just above ``t``.

    ``|d_a - θ| < |d_b - θ|`` for ``d_a < θ < d_b`` exactly when the Walsh average
    ``(d_a + d_b) / 2 > θ``, so the order of the magnitudes, their ties and the signs are all
    read off the stored Walsh averages versus ``t``.
    """

    def table(t: float, at_point: bool) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
        positive = np.flatnonzero(values > t)
        negative = np.flatnonzero(values < t if at_point else values <= t)[::-1]
        if positive.size + negative.size == 0:
            return None  # every difference equals θ: nothing to test, θ is not rejected
        cross = walsh[np.ix_(negative, positive)]
        closer = (cross < t if at_point else cross <= t).sum(axis=1)
        tied = (cross == t).any(axis=1) if at_point else np.zeros(negative.size, dtype=bool)
        below, above = _merge_blocks(counts[negative], counts[positive], closer, tied)
        return below + above, above

    def test_at(t: float, at_point: bool) -> _Exact | None:
        blocks = table(t, at_point)
        if blocks is None:
            return None
        totals, above = blocks
        scores2 = _doubled_midranks(totals)
        v2, sum2 = int((above * scores2).sum()), int((totals * scores2).sum())
        s, c = scores2.tolist(), totals.tolist()
        support, probs = _exact_ranks.signed_rank_distribution(s, c)
        cost = _exact_ranks.signed_rank_cost(s, c)
        return _Exact(_two_sided(support, probs, v2, sum2), v2 / 2.0, cost)

    def normal_at(t: float, at_point: bool) -> float:
        blocks = table(t, at_point)
        if blocks is None:
            return 1.0
        totals, above = blocks
        scores2 = _doubled_midranks(totals).astype(float)
        deviation2 = float((above * scores2).sum() - (totals * scores2).sum() / 2.0)
        return _normal_pvalue(deviation2, float((totals * scores2**2).sum()) / 4.0)

    return test_at, normal_at


@dataclass(frozen=True)
class _Acceptance:
    """The acceptance set ``{Δ : p(Δ) >= alpha}`` as its hull and the facts about its ends."""

    ci_low: float
    ci_high: float
    low_included: bool | None
    high_included: bool | None
    pvalue_low: float | None
    pvalue_high: float | None
    excluded_inside: list[tuple[float, float]]
    search: str
    evaluations: int
    pvalue_extreme: float | None


class _Inversion:
    """``p(Δ)`` over the positions of its step function, and the search for its ends.

    With candidates ``c_1 < ... < c_K`` (the distinct pairwise differences or Walsh
    averages), position ``2k`` is the open gap ``(c_k, c_{k+1})`` (``c_0 = -inf``,
    ``c_{K+1} = +inf``) and position ``2k + 1`` the candidate ``c_{k+1}`` itself.
    """

    def __init__(
        self,
        candidates: NDArray[np.float64],
        tests: tuple[_TestAt, _NormalAt],
        gap_z: NDArray[np.float64],
        alpha: float,
    ) -> None:
        self.candidates = candidates
        self.gap_z = gap_z
        self.alpha = alpha
        self._test_at, self._normal_at = tests
        self._cache: dict[int, _Exact | None] = {}

    def position_of(self, value: float) -> int:
        """The position holding the shift ``value``."""
        k = int(np.searchsorted(self.candidates, value, side="left"))
        on_point = k < self.candidates.size and self.candidates[k] == value
        return 2 * k + 1 if on_point else 2 * k

    def test(self, position: int) -> _Exact | None:
        """The exact test at a position (cached)."""
        if position not in self._cache:
            k = position // 2
            if position % 2:
                self._cache[position] = self._test_at(float(self.candidates[k]), True)
            else:
                t = -math.inf if k == 0 else float(self.candidates[k - 1])
                self._cache[position] = self._test_at(t, False)
        return self._cache[position]

    def pvalue(self, position: int) -> float:
        result = self.test(position)
        return 1.0 if result is None or math.isnan(result.pvalue) else float(result.pvalue)

    def accepted(self, position: int) -> bool:
        return self.pvalue(position) >= self.alpha * (1.0 - _P_REL_TOL)

    def candidate_accepted(self, index: int) -> bool:
        """Whether candidate ``index`` is accepted; the exact test is skipped when the normal
        approximation's p is below alpha / 4 (then the exact p never reached alpha in the
        checks of tests/stats/test_exact_intervals.py)."""
        position = 2 * index + 1
        if position not in self._cache:
            t = float(self.candidates[index])
            if self._normal_at(t, True) < self.alpha / 4.0:
                return False
        return self.accepted(position)

    def run(self, search: str = "auto") -> _Acceptance:
        """Find the acceptance set by a full scan or a local search (see hodges_lehmann)."""
        n_gaps = self.candidates.size + 1
        central = [int(k) for k in np.argsort(np.abs(self.gap_z), kind="stable")[:3]]
        predicted = np.flatnonzero(np.abs(self.gap_z) <= norm_isf(self.alpha / 2.0))
        guess_low = int(predicted[0]) if predicted.size else central[0]
        guess_high = int(predicted[-1]) if predicted.size else central[0]
        if search == "auto":
            first = self.test(2 * min(guess_low, central[0]))
            cost = first.cost if first is not None else 0.0
            positions = 2 * n_gaps - 1
            cheap = positions * max(cost, 1.0) <= _SCAN_MAX_COST
            search = "scan" if positions <= _SCAN_MAX_POSITIONS and cheap else "local"
        if search == "local":
            found = self._local(central, guess_low, guess_high)
            if found is not None:
                return found
        return self._scan()

    def _local(self, central: list[int], guess_low: int, guess_high: int) -> _Acceptance | None:
        """Local search: the accepted gaps and the accepted candidates as two runs.

        Assumes the accepted gaps form one run around the centre and the accepted
        candidates another (each found by galloping and bisection); a candidate inside the
        run of gaps is not tested and counts as accepted. None when nothing central is
        accepted (the caller then scans).
        """
        last = 2 * self.candidates.size
        anchor = next((k for k in central if self.accepted(2 * k)), None)
        if anchor is not None:
            low_gap = self._edge(anchor, guess_low, -1)
            high_gap = self._edge(anchor, guess_high, 1)
            low, high = 2 * low_gap, 2 * high_gap
            if low > 0 and self.accepted(low - 1):
                low = 2 * self._point_edge((low - 1) // 2, -1) + 1
            if high < last and self.accepted(high + 1):
                high = 2 * self._point_edge((high + 1) // 2, 1) + 1
            gaps = (2 * low_gap, 2 * high_gap)
        else:  # no central gap accepted: the set is made of candidates (heavy ties, large n)
            near = (central[0] - 1, central[0])
            centre = next(
                (j for j in near if 0 <= j < self.candidates.size and self.accepted(2 * j + 1)),
                None,
            )
            if centre is None:
                return None
            low = 2 * self._point_edge(centre, -1) + 1
            high = 2 * self._point_edge(centre, 1) + 1
            gaps = (high, low)  # empty
        excluded = [
            self._span(i)
            for i in range(low + 1, high)
            if (i % 2 == 0 and not gaps[0] <= i <= gaps[1])
            or (i in self._cache and not self.accepted(i))
        ]
        return self._ends(low, high, excluded, "local")

    def _point_edge(self, start: int, step: int) -> int:
        """Outermost accepted candidate from the accepted candidate ``start`` (one run)."""
        last = 0 if step < 0 else self.candidates.size - 1
        inside, jump, outside = start, 1, None
        while outside is None:
            if inside == last:
                return inside
            probe = inside + step * jump
            probe = max(probe, last) if step < 0 else min(probe, last)
            if self.candidate_accepted(probe):
                inside, jump = probe, 2 * jump
            else:
                outside = probe
        while abs(outside - inside) > 1:
            middle = (inside + outside) // 2
            if self.candidate_accepted(middle):
                inside = middle
            else:
                outside = middle
        return inside

    def _scan(self) -> _Acceptance:
        last = 2 * self.candidates.size
        accepted = [i for i in range(last + 1) if self.accepted(i)]
        if not accepted:
            best = max(self.pvalue(i) for i in range(last + 1))
            raise StatisticsError(
                f"No shift has an exact two-sided p-value >= 1 - conf_level = {self.alpha:.4g} "
                f"(the largest is {best:.4g}): the confidence set is empty (with so few "
                "distinct values no shift makes the samples look alike at this level); use a "
                "higher conf_level or method='asymptotic'."
            )
        low, high = accepted[0], accepted[-1]
        inside = set(accepted)
        excluded = [self._span(i) for i in range(low + 1, high) if i not in inside]
        return self._ends(low, high, excluded, "scan")

    def _edge(self, anchor: int, guess: int, step: int) -> int:
        """Outermost accepted gap on one side (``step`` -1: left, +1: right).

        Assumes the accepted gaps from the accepted ``anchor`` to the edge are contiguous.
        Probes the seed ``guess`` (the normal approximation's edge); from an accepted gap
        gallops outwards, from a rejected one inwards (towards the anchor), then bisects.
        """
        last = 0 if step < 0 else self.candidates.size
        if (guess - anchor) * step < 0:
            guess = anchor
        if self.accepted(2 * guess):
            inside, jump = guess, 1
            while True:
                if inside == last:
                    return inside
                probe = inside + step * jump
                probe = max(probe, last) if step < 0 else min(probe, last)
                if not self.accepted(2 * probe):
                    outside = probe
                    break
                inside, jump = probe, 2 * jump
        else:
            outside, jump = guess, 1
            while True:
                probe = outside - step * jump
                if (probe - anchor) * step <= 0:
                    inside = anchor
                    break
                if self.accepted(2 * probe):
                    inside = probe
                    break
                outside, jump = probe, 2 * jump
        while abs(outside - inside) > 1:
            middle = (inside + outside) // 2
            if self.accepted(2 * middle):
                inside = middle
            else:
                outside = middle
        return inside

    def _span(self, position: int) -> tuple[float, float]:
        """The shifts a position stands for: ``(c, c)`` for a point, ``(c_k, c_k+1)`` a gap."""
        c, k = self.candidates, position // 2
        if position % 2:
            return float(c[k]), float(c[k])
        low = -math.inf if k == 0 else float(c[k - 1])
        high = math.inf if k == c.size else float(c[k])
        return low, high

    def _ends(
        self, low: int, high: int, excluded: list[tuple[float, float]], search: str
    ) -> _Acceptance:
        last = 2 * self.candidates.size

        def end(position: int, outward: int) -> tuple[float, bool | None, float | None]:
            if position == (0 if outward < 0 else last):  # the unbounded outer gap
                return math.copysign(math.inf, outward), None, None
            if position % 2:
                return float(self.candidates[position // 2]), True, self.pvalue(position)
            point = position + outward
            return float(self.candidates[point // 2]), False, self.pvalue(point)

        ci_low, low_included, p_low = end(low, -1)
        ci_high, high_included, p_high = end(high, 1)
        extreme = None
        if math.isinf(ci_low) or math.isinf(ci_high):
            extreme = self.pvalue(0 if math.isinf(ci_low) else last)
        return _Acceptance(
            ci_low,
            ci_high,
            low_included,
            high_included,
            p_low,
            p_high,
            excluded,
            search,
            len(self._cache),
            extreme,
        )


def _corrected_z(deviation: NDArray[np.float64], variance: float) -> NDArray[np.float64]:
    """Continuity-corrected standardised statistic (only the search's starting guess)."""
    if variance <= 0.0:
        return np.zeros_like(deviation)
    return np.asarray((deviation - 0.5 * np.sign(deviation)) / math.sqrt(variance))


def _weighted_median(values: NDArray[np.float64], weights: NDArray[np.int64]) -> float:
    """Median of ``values`` repeated ``weights`` times (``values`` sorted), as np.median."""
    cumulative = np.cumsum(weights)
    total = int(cumulative[-1])

    def kth(k: int) -> float:
        return float(values[int(np.searchsorted(cumulative, k, side="left"))])

    if total % 2:
        return kth(total // 2 + 1)
    return float(np.mean([kth(total // 2), kth(total // 2 + 1)]))


def _inversion_details(
    acceptance: _Acceptance, conf_level: float
) -> tuple[dict[str, Any], str | None]:
    details: dict[str, Any] = {
        "exact": True,
        "conf_level_requested": conf_level,
        "interval_rule": INTERVAL_RULE,
        "ci_low_included": acceptance.low_included,
        "ci_high_included": acceptance.high_included,
        "pvalue_at_ci_low": acceptance.pvalue_low,
        "pvalue_at_ci_high": acceptance.pvalue_high,
        "non_convex": bool(acceptance.excluded_inside),
        "excluded_inside": acceptance.excluded_inside,
        "search": acceptance.search,
        "evaluations": acceptance.evaluations,
    }
    notes = []
    if acceptance.pvalue_extreme is not None:
        notes.append(
            "No shift is rejected at this level: even the most extreme shift has exact "
            f"p = {acceptance.pvalue_extreme:.3g} >= {1 - conf_level:.3g}, so the interval "
            "is unbounded (the samples are too small for this conf_level)."
        )
    if acceptance.excluded_inside:
        notes.append(
            "Non-convex acceptance set: the exact test rejects some shifts inside the "
            "interval (details['excluded_inside']); the interval is its convex hull."
        )
    return details, " ".join(notes) or None


def shift_interval(
    values_x: NDArray[np.float64],
    counts_x: NDArray[np.int64],
    values_y: NDArray[np.float64],
    counts_y: NDArray[np.int64],
    n_missing: tuple[int, int],
    conf_level: float,
    search: str = "auto",
) -> TestResult:
    """Exact conditional interval of the shift from the distinct values and their counts."""
    m, n = int(counts_x.sum()), int(counts_y.sum())
    differences = np.subtract.outer(values_x, values_y)
    candidates, inverse = np.unique(differences.ravel(), return_inverse=True)
    pairs = np.multiply.outer(counts_x, counts_y).ravel().astype(float)
    weights = np.bincount(inverse, weights=pairs, minlength=candidates.size).astype(np.int64)
    # On the gaps only within-sample ties exist: U counts the pairs above the gap and the
    # tie-corrected variance is the same on every gap.
    u_gaps = m * n - np.concatenate(([0], np.cumsum(weights))).astype(float)
    n_total = m + n
    tie_sum = float((counts_x.astype(float) ** 3 - counts_x).sum())
    tie_sum += float((counts_y.astype(float) ** 3 - counts_y).sum())
    variance = m * n / 12.0 * ((n_total + 1) - tie_sum / (n_total * (n_total - 1)))
    inversion = _Inversion(
        candidates,
        _rank_sum_at(counts_x, counts_y, differences, 1.0 - conf_level),
        _corrected_z(u_gaps - m * n / 2.0, variance),
        1.0 - conf_level,
    )
    acceptance = inversion.run(search)
    test = inversion.test(inversion.position_of(0.0))
    assert test is not None  # a two-sample table always has something to test
    estimate = _weighted_median(candidates, weights)
    details, note = _inversion_details(acceptance, conf_level)
    ties = bool(
        (counts_x > 1).any() or (counts_y > 1).any() or (weights[candidates == 0] > 0).any()
    )
    details.update(median_of_differences=estimate, test_method=_RANK_SUM_METHOD, ties=ties)
    return TestResult(
        test="hodges_lehmann",
        method=(
            "Hodges-Lehmann shift, exact conditional interval "
            "(inverted exact conditional rank-sum test)"
        ),
        statistic=test.statistic,
        pvalue=test.pvalue,
        n=(m, n),
        n_missing=n_missing,
        statistic_name="U (Mann-Whitney, R's W)",
        estimate=estimate,
        ci_low=acceptance.ci_low,
        ci_high=acceptance.ci_high,
        conf_level=conf_level,
        estimate_name="Hodges–Lehmann shift (x − y)",
        note=note,
        details=details,
    )


def pseudo_median_interval(
    values: NDArray[np.float64],
    counts: NDArray[np.int64],
    n_missing: int,
    conf_level: float,
    search: str = "auto",
) -> TestResult:
    """Exact conditional interval of the pseudo-median from distinct differences and counts."""
    n = int(counts.sum())
    walsh = np.add.outer(values, values) / 2.0
    upper = np.triu_indices(values.size)
    multiplicity = np.multiply.outer(counts, counts).astype(float)
    multiplicity[np.diag_indices(values.size)] = counts * (counts + 1) / 2.0
    candidates, inverse = np.unique(walsh[upper], return_inverse=True)
    weights = np.bincount(inverse, weights=multiplicity[upper], minlength=candidates.size).astype(
        np.int64
    )
    # On the gaps no difference is zero and only equal differences tie: V counts the Walsh
    # averages above the gap and the tie-corrected variance is the same on every gap.
    v_gaps = n * (n + 1) / 2.0 - np.concatenate(([0], np.cumsum(weights))).astype(float)
    variance = n * (n + 1) * (2 * n + 1) / 24.0
    variance -= float((counts.astype(float) ** 3 - counts).sum()) / 48.0
    inversion = _Inversion(
        candidates,
        _signed_rank_at(values, counts, walsh),
        _corrected_z(v_gaps - n * (n + 1) / 4.0, variance),
        1.0 - conf_level,
    )
    acceptance = inversion.run(search)
    test = inversion.test(inversion.position_of(0.0))
    estimate = _weighted_median(candidates, weights)
    details, note = _inversion_details(acceptance, conf_level)
    magnitudes = np.abs(values[values != 0])
    ties = bool((counts[values != 0] > 1).any() or np.unique(magnitudes).size < magnitudes.size)
    details.update(
        ties=ties,
        n_zero=int(counts[values == 0].sum()),
        median_of_walsh_averages=estimate,
        test_method=_SIGNED_RANK_METHOD,
    )
    if test is None:
        note = " ".join(
            filter(None, ["All differences are zero: the test at 0 is undefined.", note])
        )
    return TestResult(
        test="hodges_lehmann",
        method=(
            "Hodges-Lehmann pseudo-median, exact conditional interval "
            "(inverted exact conditional signed-rank test, zeros dropped)"
        ),
        statistic=0.0 if test is None else test.statistic,
        pvalue=math.nan if test is None else test.pvalue,
        n=(n,),
        n_missing=(n_missing,),
        statistic_name="V (sum of positive ranks, zeros dropped)",
        estimate=estimate,
        ci_low=acceptance.ci_low,
        ci_high=acceptance.ci_high,
        conf_level=conf_level,
        estimate_name="Hodges–Lehmann pseudo-median",
        note=note,
        details=details,
    )
