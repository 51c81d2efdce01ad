"""Compiled band step (numba) of the rank-sum network tail (:func:`._exact_kernels.rank_sum_tail`).

A move of category ``j`` keeps the diagonal coordinate ``c = w + (m - k) d_j``, so within
a category the bands of ``c`` are independent: :func:`category_bands` applies every
``stride``-th band from ``first``, and two threads given ``first = 0, 1`` and ``stride =
2`` apply a category together with the same numbers, bit for bit, as one thread
(:func:`._exact_parallel.rank_sum_tail_shared`). Imported into :mod:`._exact_kernels`;
compiled and cached by :func:`painresponse.stats._jit.jit`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._jit import jit

__all__ = ["ROW_FIELDS", "category_bands"]

#: Rows of the programme's integer state (each ``m + 1`` long): live ranges now and after
#: the category, the category's weights per source row (start, lowest and highest ``a``;
#: ``w_high = -1``: not a source), the row offsets into the table, the windows, and
#: scratch for the complete moves.
ROW_FIELDS = (
    "live_lo",
    "live_hi",
    "w_start",
    "w_low",
    "w_high",
    "next_lo",
    "next_hi",
    "base",
    "low",
    "high",
    "req_pos",
    "order",
)
LIVE_LO, LIVE_HI, W_START, W_LOW, W_HIGH, NEXT_LO, NEXT_HI, BASE, LOW, HIGH = range(10)
REQ_POS, ORDER = 10, 11


@jit
def _add_one(mass: NDArray[np.float64], lo: int, hi: int, offset: int, pick: float) -> None:
    """``mass[i] += mass[i + offset] * pick`` for ``lo <= i <= hi`` (rows do not overlap)."""
    if lo > hi:
        return
    # slices indexed from 0: numba then drops the negative-index fix-up and the loop
    # vectorises
    target = mass[lo : hi + 1]
    source = mass[lo + offset : hi + offset + 1]
    for i in range(hi - lo + 1):
        target[i] += source[i] * pick


@jit
def _add_moves(
    mass: NDArray[np.float64],
    n_moves: int,
    move_lo: NDArray[np.int64],
    move_hi: NDArray[np.int64],
    move_from: NDArray[np.int64],
    move_pick: NDArray[np.float64],
) -> None:  # pragma: no cover - compiled
    """Add a destination row's moves (``a`` ascending) to its cells, four at a time.

    Move ``g`` adds ``mass[i + move_from[g]] * move_pick[g]`` to ``mass[i]`` for ``i`` in
    ``[move_lo[g], move_hi[g]]``. Where four consecutive moves overlap, one pass adds all
    four, left to right, so each cell still sees the same additions in the same order (the
    numbers are the same bit for bit) with a quarter of the loads and stores of the
    destination; outside the overlap each move is added alone.
    """
    g = 0
    while g + 4 <= n_moves:
        lo = max(max(move_lo[g], move_lo[g + 1]), max(move_lo[g + 2], move_lo[g + 3]))
        hi = min(min(move_hi[g], move_hi[g + 1]), min(move_hi[g + 2], move_hi[g + 3]))
        if lo > hi:
            for h in range(g, g + 4):
                _add_one(mass, move_lo[h], move_hi[h], move_from[h], move_pick[h])
            g += 4
            continue
        for h in range(g, g + 4):  # the cells outside the overlap: each move alone
            _add_one(mass, move_lo[h], lo - 1, move_from[h], move_pick[h])
            _add_one(mass, hi + 1, move_hi[h], move_from[h], move_pick[h])
        p0, p1, p2, p3 = move_pick[g], move_pick[g + 1], move_pick[g + 2], move_pick[g + 3]
        f0, f1, f2, f3 = move_from[g], move_from[g + 1], move_from[g + 2], move_from[g + 3]
        target = mass[lo : hi + 1]
        s0 = mass[lo + f0 : hi + f0 + 1]
        s1 = mass[lo + f1 : hi + f1 + 1]
        s2 = mass[lo + f2 : hi + f2 + 1]
        s3 = mass[lo + f3 : hi + f3 + 1]
        for i in range(hi - lo + 1):
            target[i] = (((target[i] + s0[i] * p0) + s1[i] * p1) + s2[i] * p2) + s3[i] * p3
        g += 4
    while g < n_moves:
        _add_one(mass, move_lo[g], move_hi[g], move_from[g], move_pick[g])
        g += 1


@jit
def category_bands(
    score: int,
    count: int,
    m: int,
    mass: NDArray[np.float64],
    weights: NDArray[np.float64],
    rows: NDArray[np.int64],
    reach: NDArray[np.int64],
    first: int,
    stride: int,
    moves: NDArray[np.int64],
    picks: NDArray[np.float64],
) -> float:  # pragma: no cover - compiled
    """Apply one category (value ``score``, ``count`` items) to the bands ``first``,
    ``first + stride``, ... of its diagonal coordinate; returns the cell updates.

    ``reach`` is ``(c_lo, c_hi, dest_top, k_bottom, k_top)`` from
    :func:`._exact_kernels._category_head`; ``moves`` (3 x (m + 1)) and ``picks`` are
    scratch of this thread. Each band holds every row's cells of the band (about a
    megabyte, in cache); destination rows are taken from the top (a row only receives
    from rows below it, which still hold their old masses): cleared or scaled by the
    weight of taking no item, then the moves of a = 1, 2, ... added, the order of the
    source-major programme cell by cell.
    """
    live_lo, live_hi = rows[LIVE_LO], rows[LIVE_HI]
    w_start, w_low, w_high = rows[W_START], rows[W_LOW], rows[W_HIGH]
    next_lo, next_hi = rows[NEXT_LO], rows[NEXT_HI]
    base, low, high = rows[BASE], rows[LOW], rows[HIGH]
    c_lo, c_hi, dest_top, k_bottom, k_top = reach[0], reach[1], reach[2], reach[3], reach[4]
    move_lo, move_hi, move_from = moves[0], moves[1], moves[2]
    cells = 0.0
    band = max(256, (1 << 17) // (dest_top - k_bottom + 1))
    for c0 in range(c_lo + first * band, c_hi + 1, stride * band):
        c1 = c0 + band - 1
        for dest in range(dest_top, k_bottom - 1, -1):
            lift = (m - dest) * score
            t_lo = max(next_lo[dest], c0 - lift)
            t_hi = min(next_hi[dest], c1 - lift)
            if t_lo > t_hi:
                continue
            row_base = base[dest]
            if dest <= k_top and w_high[dest] >= 0:
                lo, hi = max(live_lo[dest], t_lo), min(live_hi[dest], t_hi)
                if lo > hi:
                    mass[row_base + t_lo : row_base + t_hi + 1] = 0.0
                else:
                    mass[row_base + t_lo : row_base + lo] = 0.0
                    mass[row_base + hi + 1 : row_base + t_hi + 1] = 0.0
                    keep = weights[w_start[dest]] if w_low[dest] == 0 else 0.0
                    row = mass[row_base + lo : row_base + hi + 1]
                    for i in range(hi - lo + 1):
                        row[i] *= keep
                    cells += hi - lo + 1
            else:
                mass[row_base + t_lo : row_base + t_hi + 1] = 0.0
            n_moves = 0
            for a in range(max(1, dest - k_top), min(count, dest - k_bottom) + 1):
                k = dest - a
                if w_high[k] < 0 or a < w_low[k] or a > w_high[k]:
                    continue
                pick = weights[w_start[k] + a - w_low[k]]
                if pick == 0.0:
                    continue
                shift = a * score
                src_lo = max(live_lo[k], low[dest] - shift, t_lo - shift)
                src_hi = min(live_hi[k], high[dest] - shift, t_hi - shift)
                if src_lo > src_hi:
                    continue
                move_lo[n_moves] = row_base + src_lo + shift
                move_hi[n_moves] = row_base + src_hi + shift
                move_from[n_moves] = base[k] - row_base - shift
                picks[n_moves] = pick
                n_moves += 1
                cells += src_hi - src_lo + 1
            _add_moves(mass, n_moves, move_lo, move_hi, move_from, picks)
    return cells
