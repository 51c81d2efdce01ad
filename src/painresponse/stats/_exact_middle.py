"""Compiled middle (numba) of a two-sided exact rank-sum test: ``P(lower <= D <= upper)``.

Near the centre of the null distribution the two tails of a two-sided p-value each need
about the same network programme (:func:`._exact_kernels.rank_sum_tail`), over nearly the
same live states. Their sum is ``1 - P(lower <= D <= upper)`` with ``lower`` and
``upper`` the values strictly between the two thresholds, and that middle needs one
programme: the same steps over the states that can still end in ``[lower, upper]``, with
no complete moves (a state is kept up to the last row, where ``D`` is known) and the
mass of the last row summed at the end. Every term is non-negative, so the middle has the
programme's relative accuracy; the p-value ``1 - middle`` loses what the subtraction
loses, ``eps * middle / p`` relative, so it is used only where the p-value is not small
(:mod:`._exact_choice`). Imported into :mod:`._exact_kernels`' family and compiled and
cached with it (:func:`painresponse.stats._jit.jit`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._exact_bands import BASE, LIVE_HI, LIVE_LO
from painresponse.stats._exact_kernels import (
    ProgrammeState,
    _category_starts,
    _item_prefix,
    apply_categories,
    programme_setup,
    programme_work,
    windows,
)
from painresponse.stats._jit import jit

__all__ = ["middle_setup", "middle_total", "rank_sum_middle", "rank_sum_middle_work"]


@jit
def middle_setup(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    lower: int,
    upper: int,
    max_cells: float,
) -> ProgrammeState:  # pragma: no cover - compiled
    """The programme's state before its first category, for the middle (as
    :func:`._exact_kernels._tail_setup`; rows up to ``m``)."""
    starts = _category_starts(totals)
    prefix = _item_prefix(values, starts)
    low, high = windows(prefix, m, lower, upper)
    return programme_setup(values, totals, m, lower, max_cells, starts, prefix, low, high, m)


@jit
def middle_total(
    mass: NDArray[np.float64], rows: NDArray[np.int64], m: int
) -> float:  # pragma: no cover - compiled
    """The mass left in row ``m`` (every state there has ``D`` in the middle)."""
    lo, hi = rows[LIVE_LO, m], rows[LIVE_HI, m]
    total, carry = 0.0, 0.0
    base = rows[BASE, m]
    for w in range(lo, hi + 1):
        y = mass[base + w] - carry
        updated = total + y
        carry = (updated - total) - y
        total = updated
    return total


@jit
def rank_sum_middle(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    lower: int,
    upper: int,
    max_cells: float,
) -> tuple[float, float]:  # pragma: no cover - compiled
    """``P(lower <= D <= upper)`` (``values`` decreasing, as :func:`rank_sum_tail`);
    returns ``(middle, cells)``, NaN when the table would hold more than ``max_cells``."""
    run, value, cells, mass, weights, rows, requests, starts, prefix = middle_setup(
        values, totals, m, lower, upper, max_cells
    )
    if not run:
        return value, cells
    sums = np.zeros(2)  # unused: the middle has no complete moves
    cells += apply_categories(
        values, totals, m, lower, m, mass, weights, rows, requests, starts, prefix, sums
    )
    return middle_total(mass, rows, m), cells


@jit
def rank_sum_middle_work(
    values: NDArray[np.int64], totals: NDArray[np.int64], m: int, lower: int, upper: int
) -> tuple[float, float]:  # pragma: no cover - compiled
    """Cell updates of :func:`rank_sum_middle` and the cells of its table and weights
    (as :func:`._exact_kernels.rank_sum_tail_work`)."""
    starts = _category_starts(totals)
    prefix = _item_prefix(values, starts)
    low, high = windows(prefix, m, lower, upper)
    return programme_work(values, totals, m, lower, starts, prefix, low, high, m)
