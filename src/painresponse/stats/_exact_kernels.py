"""Compiled programmes (numba) of the exact Wilcoxon tails.

Imported only through :func:`painresponse.stats._rank_tails.kernels`, so ``numba`` is loaded
the first time a test needs a compiled kernel, never by ``import painresponse``. Every
function is compiled by :func:`painresponse.stats._jit.jit` (``njit`` with an on-disk
cache that also works on a read-only install): the first call in a fresh environment
compiles it (about two seconds for all kernels; ``benchmarks/exact_tests.py`` reports it)
and later processes load the machine code from the cache. The Fourier kernels
are in :mod:`._exact_nodes`.

Tail programmes (the network algorithm of a 2 x c table, item by item)
    :func:`rank_sum_tail` gives ``P(D >= u)`` where ``D`` is the sum of a random ``m``-subset
    of the integer item scores ``d`` (sorted increasingly; a tie block is ``t`` equal
    items). Items are drawn one at a time: the state after item ``i`` is (items taken ``k``,
    partial sum ``w``) and its mass is the probability of the path (sequential sampling
    without replacement, so every mass is a probability: nothing overflows, nothing
    cancels). With ``r = m - k`` still to take, a state whose largest completion is below
    ``u`` is dropped (it never reaches the tail) and one whose smallest completion reaches
    ``u`` is added to the tail and dropped (every completion is in the tail): only states
    straddling ``u`` are carried, the shortest- and longest-path bounds of Mehta & Patel's
    network algorithm. A move keeps ``c = w + (m - k) d`` of its category, so a category is
    applied in place one band of ``c`` at a time (all rows of the band fit in cache), and
    each row holds only the hull of its live ranges, found by a dry run of the loops
    (:func:`rank_sum_tail_work` counts the work and memory the same way).
    :func:`signed_rank_tail` (in :mod:`._exact_signed`, imported here) is the same for
    independent fair signs.

Whole distribution
    :func:`rank_sum_programme` is the dynamic programme of
    :func:`painresponse.stats._exact_ranks.rank_sum_distribution`, compiled: the same
    cell updates in the same order (bit for bit the same numbers), without a numpy call
    per category and item count.

Few categories
    :func:`._exact_sums.rank_sum_tail_few`: with at most four distinct values the tails
    are sums of products of hypergeometric probabilities.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._exact_bands import (
    BASE,
    HIGH,
    LIVE_HI,
    LIVE_LO,
    LOW,
    NEXT_HI,
    NEXT_LO,
    ORDER,
    REQ_POS,
    ROW_FIELDS,
    W_HIGH,
    W_LOW,
    W_START,
    category_bands,
)
from painresponse.stats._exact_signed import signed_rank_tail, signed_rank_tail_cells
from painresponse.stats._jit import jit

__all__ = [
    "ProgrammeState",
    "apply_categories",
    "programme_setup",
    "programme_work",
    "rank_sum_programme",
    "rank_sum_tail",
    "rank_sum_tail_cells",
    "rank_sum_tail_table",
    "rank_sum_tail_work",
    "signed_rank_tail",
    "signed_rank_tail_cells",
    "windows",
]


# ----------------------------------------------------------------------- rank-sum tail
#
# Items are processed from the largest score down. With ``r = m - k`` items still to
# take after ``i`` items, a state (k, w) is
#   dead      when w + (sum of the r largest remaining) < u   (those are items i..i+r-1),
#   complete  when w + (sum of the r smallest items) >= u     (the last r items).
# The first bound moves with i (it binds near the top of the support, where small tails
# are), the second is fixed; so row k only ever holds
#   u - (sum of items k..m-1) <= w <= u - (sum of the r smallest) - 1, and w <= (sum of
#   the k largest),
# a window of at most (sum of the m largest) - u + 1 cells.


@jit
def _hypergeometric(n: int, first: int, second: int, out: NDArray[np.float64]) -> int:
    """``P(a)``, ``a`` of ``n`` draws from ``first`` (rest from ``second``), into ``out[a - low]``.

    Built outwards from the mode by ``f(a+1)/f(a) = (first - a)(n - a) / ((a + 1)(second - n
    + a + 1))`` and normalised by the (compensated) sum: every term is non-negative, the
    relative error of a term grows like ``|a - mode| * 3 eps`` and far terms underflow to 0
    rather than lose precision. Returns ``low = max(0, n - second)``.
    """
    low = max(0, n - second)
    high = min(n, first)
    mode = min(max(low, int((n + 1.0) * (first + 1.0) / (first + second + 2.0))), high)
    out[mode - low] = 1.0
    for a in range(mode, high):
        out[a + 1 - low] = out[a - low] * (
            (first - a) * (n - a) / ((a + 1.0) * (second - n + a + 1.0))
        )
    for a in range(mode, low, -1):
        out[a - 1 - low] = out[a - low] * (
            a * (second - n + a) / ((first - a + 1.0) * (n - a + 1.0))
        )
    total, carry = 0.0, 0.0
    for a in range(low, high + 1):
        y = out[a - low] - carry
        updated = total + y
        carry = (updated - total) - y
        total = updated
    for a in range(low, high + 1):
        out[a - low] /= total
    return low


@jit
def rank_sum_programme(
    plan: NDArray[np.int64],
    steps: NDArray[np.int64],
    takes: NDArray[np.int64],
    weights: NDArray[np.float64],
    weight_starts: NDArray[np.int64],
    rows: int,
    cols: int,
    m: int,
) -> NDArray[np.float64]:  # pragma: no cover - compiled
    """Row ``m`` of the rank-sum programme's last table (as wide as that table).

    Category ``j`` has the plan row ``(k_lo, k_hi, k_lo_new, k_hi_new, col_hi)`` of
    ``_rank_sum_plan``, its score step from the lowest score ``steps[j]``, ``takes[j] =
    min(t_j, m)`` and its binomial weights ``weights[weight_starts[j]:]``. Every cell is
    ``new += w_a * old`` with ``a`` ascending, as the numpy programme does.
    """
    table = np.zeros((rows, cols))
    new = np.zeros((rows, cols))
    table[0, 0] = 1.0
    width_new = 1
    for j in range(plan.shape[0]):
        k_lo, k_hi = plan[j, 0], plan[j, 1]
        k_lo_new, k_hi_new, col_hi = plan[j, 2], plan[j, 3], plan[j, 4]
        step = steps[j]
        width_new = min(cols, col_hi + takes[j] * step + 1)
        for r in range(k_lo_new, k_hi_new + 1):  # the rows the next category reads
            for c in range(width_new):
                new[r, c] = 0.0
        for a in range(takes[j] + 1):
            w = weights[weight_starts[j] + a]
            src_lo = max(k_lo, k_lo_new - a)
            src_hi = min(k_hi, k_hi_new - a)
            if src_lo > src_hi or w == 0.0:
                continue
            shift = a * step
            width = min(col_hi + 1, cols - shift)
            for r in range(src_lo, src_hi + 1):
                for c in range(width):
                    new[r + a, shift + c] += w * table[r, c]
        table, new = new, table
    return table[m, :width_new].copy()


@jit
def _rank_sum_windows(
    prefix: NDArray[np.int64], m: int, u: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:  # pragma: no cover - compiled
    """Lowest and highest partial sum a live state of row ``k`` can ever hold (above the
    highest, every completion reaches ``u``)."""
    return windows(prefix, m, u, u - 1)


@jit
def windows(
    prefix: NDArray[np.int64], m: int, lower: int, upper: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:  # pragma: no cover - compiled
    """Lowest and highest partial sum of row ``k`` from which ``D`` can still end in
    ``[lower, upper]``."""
    n_items = prefix.size - 1
    low = np.empty(m + 1, np.int64)
    high = np.empty(m + 1, np.int64)
    for k in range(m + 1):
        r = m - k
        smallest_k = prefix[n_items] - prefix[n_items - k]
        low[k] = max(lower - (prefix[m] - prefix[k]), smallest_k)
        high[k] = min(upper - (prefix[n_items] - prefix[n_items - r]), prefix[k])
    return low, high


@jit
def _category_starts(totals: NDArray[np.int64]) -> NDArray[np.int64]:  # pragma: no cover
    starts = np.zeros(totals.size + 1, np.int64)
    for j in range(totals.size):
        starts[j + 1] = starts[j] + totals[j]
    return starts


@jit
def _item_prefix(
    values: NDArray[np.int64], starts: NDArray[np.int64]
) -> NDArray[np.int64]:  # pragma: no cover - compiled
    """Sums of the first ``i`` item scores (category ``j`` holds items ``starts[j]`` on)."""
    prefix = np.zeros(starts[-1] + 1, np.int64)
    for j in range(values.size):
        for i in range(starts[j], starts[j + 1]):
            prefix[i + 1] = prefix[i] + values[j]
    return prefix


@jit
def rank_sum_tail_cells(
    values: NDArray[np.int64], totals: NDArray[np.int64], m: int, u: int
) -> float:  # pragma: no cover - compiled
    """Upper bound of the cell updates :func:`rank_sum_tail` performs (no arithmetic)."""
    starts = _category_starts(totals)
    n_items = starts[-1]
    prefix = _item_prefix(values, starts)
    low, high = _rank_sum_windows(prefix, m, u)
    cells = 0.0
    for j in range(values.size):
        done = starts[j]  # items before this category
        for k in range(max(0, m - (n_items - done)), min(m, done) + 1):
            if high[k] < low[k]:
                continue
            r = m - k
            lo = max(low[k], u - (prefix[done + r] - prefix[done]))
            if lo <= high[k]:
                cells += (high[k] - lo + 1) * (min(totals[j], r) + 1.0)
    return cells


@jit
def _drop_dead(
    live_lo: NDArray[np.int64],
    live_hi: NDArray[np.int64],
    prefix: NDArray[np.int64],
    done: int,
    m: int,
    n_items: int,
    u: int,
) -> None:  # pragma: no cover - compiled
    """After the first ``done`` items: drop the states that even the ``r`` largest items
    left leave below ``u``, and the rows that cannot take ``r`` more items."""
    for k in range(0, min(m, done) + 1):
        lo, hi = live_lo[k], live_hi[k]
        if lo > hi:
            continue
        r = m - k
        if r > n_items - done:
            live_lo[k], live_hi[k] = 1, 0
            continue
        dead_below = u - (prefix[done + r] - prefix[done])
        if lo < dead_below:
            live_lo[k] = dead_below


@jit
def _live_ranges(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    u: int,
    starts: NDArray[np.int64],
    prefix: NDArray[np.int64],
    low: NDArray[np.int64],
    high: NDArray[np.int64],
    top: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], float]:  # pragma: no cover - compiled
    """The live ranges of :func:`rank_sum_tail`, without its arithmetic; rows up to
    ``top`` (``m - 1`` for a tail, whose moves to row ``m`` are complete; ``m`` for the
    middle of :mod:`._exact_middle`).

    Follows the programme's loops: each row's live range, grown by the moves that land in
    the window of their row and cut by the states left dead after each category. Returns
    the hull of each row's live ranges over the whole run (every cell the programme
    touches lies in it) and the cell updates. A move whose hypergeometric weight
    underflows to 0 is skipped by the programme and counted here, so the ranges and the
    count are upper bounds, equal in practice.
    """
    n_items = starts[-1]
    live_lo = np.ones(m + 1, np.int64)
    live_hi = np.zeros(m + 1, np.int64)  # empty rows: live_lo > live_hi
    live_lo[0] = 0
    live_hi[0] = 0
    touch_lo = live_lo.copy()
    touch_hi = live_hi.copy()
    next_lo = np.zeros(m + 1, np.int64)
    next_hi = np.zeros(m + 1, np.int64)
    cells = 0.0
    for j in range(values.size):
        score = values[j]
        count = totals[j]
        done = starts[j]
        remaining = n_items - done
        k_top = min(top, done)
        k_bottom = max(0, m - remaining)
        dest_top = min(top, k_top + count)
        for dest in range(dest_top, k_bottom - 1, -1):
            new_lo, new_hi = 1, 0
            if dest <= k_top and live_lo[dest] <= live_hi[dest]:
                new_lo, new_hi = live_lo[dest], live_hi[dest]
                cells += new_hi - new_lo + 1
            for a in range(max(1, dest - k_top), min(count, dest - k_bottom) + 1):
                k = dest - a
                if live_lo[k] > live_hi[k] or a < m - k - (remaining - count):
                    continue
                shift = a * score
                src_lo = max(live_lo[k], low[dest] - shift)
                src_hi = min(live_hi[k], high[dest] - shift)
                if src_lo > src_hi:
                    continue
                cells += src_hi - src_lo + 1
                if new_lo > new_hi:
                    new_lo, new_hi = src_lo + shift, src_hi + shift
                else:
                    new_lo = min(new_lo, src_lo + shift)
                    new_hi = max(new_hi, src_hi + shift)
            next_lo[dest], next_hi[dest] = new_lo, new_hi
        for dest in range(dest_top, k_bottom - 1, -1):
            new_lo, new_hi = next_lo[dest], next_hi[dest]
            if new_lo > new_hi:
                continue
            live_lo[dest], live_hi[dest] = new_lo, new_hi
            if touch_lo[dest] > touch_hi[dest]:
                touch_lo[dest], touch_hi[dest] = new_lo, new_hi
            else:
                touch_lo[dest] = min(touch_lo[dest], new_lo)
                touch_hi[dest] = max(touch_hi[dest], new_hi)
        _drop_dead(live_lo, live_hi, prefix, starts[j + 1], m, n_items, u)
    return touch_lo, touch_hi, cells


@jit
def rank_sum_tail_work(
    values: NDArray[np.int64], totals: NDArray[np.int64], m: int, u: int
) -> tuple[float, float]:  # pragma: no cover - compiled
    """Cell updates of :func:`rank_sum_tail` and the cells of its table and weights.

    From the live ranges (:func:`_live_ranges`): the count of updates is exact unless a
    weight underflows (then an upper bound), unlike :func:`rank_sum_tail_cells` (an upper
    bound several to fifty times the work when the group is small). Costs about
    ``categories x m x min(t, m)`` steps.
    """
    starts = _category_starts(totals)
    n_items = starts[-1]
    prefix = _item_prefix(values, starts)
    if prefix[n_items] - prefix[n_items - m] >= u or prefix[m] < u:
        return 0.0, 0.0
    low, high = _rank_sum_windows(prefix, m, u)
    return programme_work(values, totals, m, u, starts, prefix, low, high, m - 1)


@jit
def programme_work(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    u: int,
    starts: NDArray[np.int64],
    prefix: NDArray[np.int64],
    low: NDArray[np.int64],
    high: NDArray[np.int64],
    top: int,
) -> tuple[float, float]:  # pragma: no cover - compiled
    """:func:`rank_sum_tail_work` for the windows ``low``, ``high`` of rows up to ``top``."""
    touch_lo, touch_hi, cells = _live_ranges(values, totals, m, u, starts, prefix, low, high, top)
    table = float(_weight_cells(totals, m))
    for k in range(m + 1):
        table += max(touch_hi[k] - touch_lo[k] + 1, 0)
    return cells, table


@jit
def rank_sum_tail_table(
    values: NDArray[np.int64], totals: NDArray[np.int64], m: int, u: int
) -> float:  # pragma: no cover - compiled
    """Cells of the table and weights :func:`rank_sum_tail` allocates (its memory, in
    float64 cells)."""
    prefix = _item_prefix(values, _category_starts(totals))
    low, high = _rank_sum_windows(prefix, m, u)
    table = float(_weight_cells(totals, m))
    for k in range(m + 1):
        table += max(high[k] - low[k] + 1, 0)
    return table


#: Suffix sums of a row: blocks of this many cells summed on four accumulators (a
#: relative error below 20 eps, several times faster than compensating every addition),
#: compensated (Kahan) from block to block.
_BLOCK = 64


@jit
def _suffix_sums(
    mass: NDArray[np.float64],
    src: int,
    hi: int,
    positions: NDArray[np.int64],
    n: int,
    order: NDArray[np.int64],
    out: NDArray[np.float64],
) -> None:  # pragma: no cover - compiled
    """``out[i] = sum of mass[src + w], w = positions[i] .. hi``, for ``i < n``.

    The positions are visited from the top (insertion sort: they nearly always come in
    that order already) and the row is summed once from ``hi`` down to the lowest, in
    blocks of :data:`_BLOCK` cells (four interleaved accumulators inside a block,
    compensated across blocks), so every value is a sum of non-negative terms with a
    relative error of a few tens of eps.
    """
    for i in range(n):
        order[i] = i
    for i in range(1, n):
        key = order[i]
        j = i - 1
        while j >= 0 and positions[order[j]] < positions[key]:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = key
    running, run_carry = 0.0, 0.0
    pos = hi + 1
    for i in range(n):
        target = positions[order[i]]
        while target < pos:
            stop = max(target, pos - _BLOCK)
            block = mass[src + stop : src + pos]
            s0, s1, s2, s3 = 0.0, 0.0, 0.0, 0.0
            size = pos - stop
            q = 0
            while q + 4 <= size:
                s0 += block[q]
                s1 += block[q + 1]
                s2 += block[q + 2]
                s3 += block[q + 3]
                q += 4
            while q < size:
                s0 += block[q]
                q += 1
            y = ((s0 + s1) + (s2 + s3)) - run_carry
            updated = running + y
            run_carry = (updated - running) - y
            running = updated
            pos = stop
        out[order[i]] = running


@jit
def _weight_cells(totals: NDArray[np.int64], m: int) -> int:  # pragma: no cover - compiled
    """Most hypergeometric weights :func:`rank_sum_tail` stores for one category: ``min(t,
    r) + 1`` for each row ``r = m - k = 0 .. m``."""
    most = 0
    for j in range(totals.size):
        t = min(totals[j], m)
        most = max(most, (m + 1) + t * (t + 1) // 2 + t * (m - t))
    return most


#: The programme's state before its first category (:func:`_tail_setup`): whether to run,
#: the answer when not (a tail, or NaN when the table is too large), cells, the mass table,
#: the weights, the integer rows, the complete moves' scratch, category starts, prefix sums.
ProgrammeState = tuple[
    bool,
    float,
    float,
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
]


@jit
def _tail_setup(
    values: NDArray[np.int64], totals: NDArray[np.int64], m: int, u: int, max_cells: float
) -> ProgrammeState:  # pragma: no cover - compiled
    """The state of :func:`rank_sum_tail` before its first category.

    Returns ``(run, tail, cells, mass, weights, rows, requests, starts, prefix)``: when
    ``run`` is false the answer is ``(tail, cells)`` already (a certain tail, or NaN when
    the table would exceed ``max_cells``). ``rows`` holds the integer state
    (:data:`._exact_bands.ROW_FIELDS`), ``requests`` the complete moves' weights and sums.
    """
    starts = _category_starts(totals)
    n_items = starts[-1]
    prefix = _item_prefix(values, starts)
    none_f = np.empty(0)
    none_i = np.empty((0, 0), np.int64)
    none_r = np.empty((0, 0))
    if prefix[n_items] - prefix[n_items - m] >= u:  # even the m smallest items reach u
        return False, 1.0, 0.0, none_f, none_f, none_i, none_r, starts, prefix
    if prefix[m] < u:
        return False, 0.0, 0.0, none_f, none_f, none_i, none_r, starts, prefix
    low, high = _rank_sum_windows(prefix, m, u)
    return programme_setup(values, totals, m, u, max_cells, starts, prefix, low, high, m - 1)


@jit
def programme_setup(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    u: int,
    max_cells: float,
    starts: NDArray[np.int64],
    prefix: NDArray[np.int64],
    low: NDArray[np.int64],
    high: NDArray[np.int64],
    top: int,
) -> ProgrammeState:  # pragma: no cover - compiled
    """:func:`_tail_setup` for the windows ``low``, ``high`` of rows up to ``top``."""
    none_f = np.empty(0)
    none_i = np.empty((0, 0), np.int64)
    none_r = np.empty((0, 0))
    # each row holds only the hull of its live ranges (a dry run of the loops below)
    touch_lo, touch_hi, _ = _live_ranges(values, totals, m, u, starts, prefix, low, high, top)
    offset = np.zeros(m + 2, np.int64)
    for k in range(m + 1):
        offset[k + 1] = offset[k] + max(touch_hi[k] - touch_lo[k] + 1, 0)
    n_weights = _weight_cells(totals, m)
    table = float(offset[m + 1] + n_weights)
    if table > max_cells:
        return False, math.nan, table, none_f, none_f, none_i, none_r, starts, prefix
    # not cleared: a cell is written (zero or a mass) before it is first read, when its
    # row's live range grows over it
    mass = np.empty(max(offset[m + 1], 1))
    rows = np.zeros((len(ROW_FIELDS), m + 1), np.int64)
    rows[BASE] = offset[: m + 1] - touch_lo  # mass[base[k] + w] holds state (k, w)
    rows[LIVE_LO] = 1  # empty rows: live_lo > live_hi
    rows[LIVE_LO, 0] = 0
    rows[W_HIGH] = -1  # -1: row k is not a source this category
    rows[LOW] = low
    rows[HIGH] = high
    mass[rows[BASE, 0]] = 1.0
    # the category's weights of source row k: weights[w_start[k] + a - w_low[k]]
    weights = np.empty(n_weights)
    requests = np.empty((2, m + 1))  # a row's complete moves: weight, sum of the row above
    return True, 0.0, 0.0, mass, weights, rows, requests, starts, prefix


@jit
def _category_head(
    j: int,
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    starts: NDArray[np.int64],
    mass: NDArray[np.float64],
    weights: NDArray[np.float64],
    rows: NDArray[np.int64],
    requests: NDArray[np.float64],
    sums: NDArray[np.float64],
    top: int,
) -> NDArray[np.int64]:  # pragma: no cover - compiled
    """Steps 1 and 2 of category ``j``: the source rows' weights and complete moves (added
    to the tail, ``sums[0]``, Kahan-compensated by ``sums[1]``; none when ``top = m``, the
    middle of :mod:`._exact_middle`, whose row ``m`` is kept), then the destination
    rows' live ranges after the category. Returns ``(c_lo, c_hi, dest_top, k_bottom,
    k_top)``, the reach of the category's moves (:func:`._exact_bands.category_bands`)."""
    live_lo, live_hi = rows[LIVE_LO], rows[LIVE_HI]
    w_start, w_low, w_high = rows[W_START], rows[W_LOW], rows[W_HIGH]
    next_lo, next_hi = rows[NEXT_LO], rows[NEXT_HI]
    base, low, high = rows[BASE], rows[LOW], rows[HIGH]
    req_pos, order = rows[REQ_POS], rows[ORDER]
    req_pick, req_val = requests[0], requests[1]
    score = values[j]
    count = totals[j]
    done = starts[j]
    remaining = starts[-1] - done
    k_top = min(top, done)
    k_bottom = max(0, m - remaining)
    tail, carry = sums[0], sums[1]
    # 1. source rows, from the top: their weights, and their complete moves (the sum of
    # the row above each move's first complete state)
    used = 0
    for k in range(k_top, k_bottom - 1, -1):
        w_high[k] = -1
        lo, hi = live_lo[k], live_hi[k]
        if lo > hi:
            continue
        r = m - k
        w_start[k] = used
        a_low = _hypergeometric(r, count, remaining - count, weights[used:])
        a_high = min(count, r)
        w_low[k] = a_low
        w_high[k] = a_high
        used += a_high - a_low + 1
        if top == m:  # the middle: no complete moves
            continue
        n_req = 0
        for a in range(max(a_low, 1), a_high + 1):
            pick = weights[w_start[k] + a - a_low]
            if pick == 0.0:
                continue
            # above row k + a's window the move is complete (its smallest completion
            # reaches u)
            first_complete = max(lo, high[k + a] - a * score + 1)
            if first_complete <= hi:
                req_pos[n_req] = first_complete
                req_pick[n_req] = pick
                n_req += 1
        if n_req > 0:
            _suffix_sums(mass, base[k], hi, req_pos, n_req, order, req_val)
            for i in range(n_req):  # a ascending
                y = req_val[i] * req_pick[i] - carry
                updated = tail + y
                carry = (updated - tail) - y
                tail = updated
    sums[0], sums[1] = tail, carry
    # 2. destination rows: their live ranges after the category (the old ranges stay in
    # live_lo / live_hi while the category is applied)
    dest_top = min(top, k_top + count)
    c_lo, c_hi = 0, -1  # range of the diagonal coordinate c = w + (m - k) * score
    for dest in range(dest_top, k_bottom - 1, -1):
        new_lo, new_hi = 1, 0
        if dest <= k_top and w_high[dest] >= 0:
            new_lo, new_hi = live_lo[dest], live_hi[dest]
        for a in range(max(1, dest - k_top), min(count, dest - k_bottom) + 1):
            k = dest - a
            if w_high[k] < 0 or a < w_low[k] or a > w_high[k]:
                continue
            if weights[w_start[k] + a - w_low[k]] == 0.0:
                continue
            shift = a * score
            src_lo = max(live_lo[k], low[dest] - shift)
            src_hi = min(live_hi[k], high[dest] - shift)
            if src_lo > src_hi:
                continue
            if new_lo > new_hi:
                new_lo, new_hi = src_lo + shift, src_hi + shift
            else:
                new_lo = min(new_lo, src_lo + shift)
                new_hi = max(new_hi, src_hi + shift)
        next_lo[dest], next_hi[dest] = new_lo, new_hi
        if new_lo <= new_hi:
            lift = (m - dest) * score
            if c_lo > c_hi:
                c_lo, c_hi = new_lo + lift, new_hi + lift
            else:
                c_lo = min(c_lo, new_lo + lift)
                c_hi = max(c_hi, new_hi + lift)
    reach = np.empty(5, np.int64)
    reach[0], reach[1], reach[2], reach[3], reach[4] = c_lo, c_hi, dest_top, k_bottom, k_top
    return reach


@jit
def _category_close(
    j: int,
    m: int,
    u: int,
    starts: NDArray[np.int64],
    prefix: NDArray[np.int64],
    rows: NDArray[np.int64],
    reach: NDArray[np.int64],
) -> None:  # pragma: no cover - compiled
    """After category ``j``'s bands: the new live ranges, and the states left dead."""
    live_lo, live_hi = rows[LIVE_LO], rows[LIVE_HI]
    next_lo, next_hi = rows[NEXT_LO], rows[NEXT_HI]
    for dest in range(reach[2], reach[3] - 1, -1):
        if next_lo[dest] <= next_hi[dest]:
            live_lo[dest], live_hi[dest] = next_lo[dest], next_hi[dest]
    _drop_dead(live_lo, live_hi, prefix, starts[j + 1], m, starts[-1], u)


@jit
def rank_sum_tail(
    values: NDArray[np.int64], totals: NDArray[np.int64], m: int, u: int, max_cells: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """``P(D >= u)``, ``D`` the sum of a random ``m``-subset of the items.

    Category ``j`` holds ``totals[j]`` items of value ``values[j]`` (decreasing). A
    category is one step: from state (k, w), with ``r = m - k`` items still to take out of
    the ``R`` not yet seen, it takes ``a`` items with the hypergeometric probability
    ``C(t, a) C(R - t, r - a) / C(R, r)`` (:func:`_hypergeometric`), so the masses are
    probabilities of sampling without replacement. Returns ``(tail, cells)``; ``tail`` is
    NaN when the table (and the category's weights) would hold more than ``max_cells``
    cells.

    Each category is applied in place (:func:`_category_head`, then
    :func:`._exact_bands.category_bands`, then :func:`_category_close`), destination row
    by destination row from the top (row ``k`` only receives from rows below it, which
    still hold their old masses): a row is scaled by its weight of taking no item, then
    the moves of each source row are added, ``a = 1, 2, ...``, one band of the diagonal
    coordinate at a time, so the band stays in cache. Each cell sees the same operations
    in the same order as source row by source row (the programme's first form), so the
    numbers are the same bit for bit; the moves that land above a row's window (complete)
    join the tail from suffix sums of their source row first.
    :func:`._exact_parallel.rank_sum_tail_shared` runs the same steps with the bands
    shared by two threads.
    """
    run, tail, cells, mass, weights, rows, requests, starts, prefix = _tail_setup(
        values, totals, m, u, max_cells
    )
    if not run:
        return tail, cells
    sums = np.zeros(2)  # the tail and its Kahan compensation (millions of additions)
    cells += apply_categories(
        values, totals, m, u, m - 1, mass, weights, rows, requests, starts, prefix, sums
    )
    return min(1.0, sums[0]), cells


@jit
def apply_categories(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    u: int,
    top: int,
    mass: NDArray[np.float64],
    weights: NDArray[np.float64],
    rows: NDArray[np.int64],
    requests: NDArray[np.float64],
    starts: NDArray[np.int64],
    prefix: NDArray[np.int64],
    sums: NDArray[np.float64],
) -> float:  # pragma: no cover - compiled
    """Every category on one thread (:func:`_category_head`, then
    :func:`._exact_bands.category_bands`, then :func:`_category_close`), rows up to
    ``top``; the complete moves add to ``sums``. Returns the cell updates."""
    cells = 0.0
    moves = np.empty((3, m + 1), np.int64)
    picks = np.empty(m + 1)
    for j in range(values.size):
        reach = _category_head(
            j, values, totals, m, starts, mass, weights, rows, requests, sums, top
        )
        cells += category_bands(
            values[j], totals[j], m, mass, weights, rows, reach, 0, 1, moves, picks
        )
        _category_close(j, m, u, starts, prefix, rows, reach)
    return cells
