"""Compiled programme (numba) of the exact signed-rank tail, one sign at a time.

The network programme of :mod:`._exact_kernels` for independent fair signs (no constraint
on their number): states ``w < u`` are carried in a ring buffer, a state that reaches
``u`` is complete, one that cannot reach ``u`` any more is dead. Imported into
:mod:`._exact_kernels` (which :func:`._rank_tails.kernels` returns), so numba is loaded on
first use only; compiled and cached by :func:`painresponse.stats._jit.jit`. No compiled
function here calls one of another module.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._jit import jit

__all__ = ["signed_rank_tail", "signed_rank_tail_cells"]


@jit
def signed_rank_tail_cells(r: NDArray[np.int64], u: int) -> float:  # pragma: no cover
    """Upper bound of the cell updates :func:`signed_rank_tail` performs."""
    total = 0
    for i in range(r.size):
        total += r[i]
    cells = 0.0
    done = 0
    rest = total
    for i in range(r.size):
        rest -= r[i]
        done += r[i]
        lo = max(0, u - rest)
        hi = min(done, u - 1)
        if hi >= lo:
            cells += hi - lo + 1
    return cells


@jit
def signed_rank_tail(
    r: NDArray[np.int64], u: int, max_cells: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """``P(V >= u)`` for ``V = sum_i r_i B_i`` with independent fair ``B_i``.

    ``r`` is sorted decreasingly. States ``w < u`` are carried (``w >= u`` is complete,
    whatever follows); a state below ``u - (sum of the items still to come)`` is dead, so
    the live states always lie in a window of at most ``min(u, total - u + 1)`` values,
    held in a ring buffer. Returns ``(tail, cells)``; ``tail`` is NaN when the buffer
    would exceed ``max_cells``.
    """
    total = 0
    for i in range(r.size):
        total += r[i]
    if u <= 0:
        return 1.0, 0.0
    if u > total:
        return 0.0, 0.0
    size = min(u, total - u + 1) + (r[0] if r.size else 0) + 1
    if size > max_cells:
        return math.nan, float(size)
    mass = np.zeros(size)  # state w lives at mass[w % size]
    mass[0] = 1.0
    lo, hi = 0, 0
    tail = 0.0
    carry = 0.0  # Kahan compensation of tail
    cells = 0.0
    rest = total
    for i in range(r.size):
        score = r[i]
        rest -= score  # the items after this one
        start = max(lo, u - score)
        index = start % size
        for _ in range(start, hi + 1):  # a positive sign here reaches u
            y = 0.5 * mass[index] - carry
            updated = tail + y
            carry = (updated - tail) - y
            tail = updated
            index += 1
            if index == size:
                index = 0
        new_hi = min(hi + score, u - 1)
        new_lo = max(lo, u - rest)  # dead below, once this item is done
        # descending w: mass[w - score] is still old. Ring indices move by one per step
        # (no division in the loop).
        index = new_hi % size
        source = (new_hi - score) % size
        for w in range(new_hi, new_lo - 1, -1):
            value = mass[index] if w <= hi else 0.0  # (w >= new_lo >= lo)
            if w - score >= lo:
                value += mass[source]
            mass[index] = 0.5 * value
            index -= 1
            if index < 0:
                index = size - 1
            source -= 1
            if source < 0:
                source = size - 1
        if new_lo <= new_hi:
            cells += new_hi - new_lo + 1
        lo, hi = new_lo, new_hi
        if lo > hi:
            break
    return min(1.0, tail), cells
