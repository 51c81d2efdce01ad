"""Compiled tails (numba) of the exact rank-sum test on five or six categories.

Imported only through :func:`painresponse.stats._rank_tails.sums_kernels` (numba is loaded
on first use), compiled and cached as :mod:`._exact_kernels`.

With five or six distinct values (0-4 and 0-5 scales) the counts ``a_j`` the smaller
group takes from the categories are drawn as nested hypergeometric laws: ``k = a_0 + a_1``
of the ``m``, ``a_0`` given ``k``, then the remaining ``r = m - k`` category by category,
the last two categories as one hypergeometric law whose cumulative sums (built once per
size, summed from either end so that small tails keep their precision) give the tail in
``O(1)``. Every term is a product of probabilities, non-negative, so rounding errors stay
relative. ``k`` is visited from its mode outwards (unimodal: the rows not visited weigh at
most their number times the last weight), and terms whose weight is below a cut are left
out with their weight summed and returned, so the caller can check (and tighten) the cut:
the tails are exact up to rounding and that sum. The generalisation of
:func:`._exact_kernels.rank_sum_tail_few` (at most four categories) one and two levels
deeper; the network algorithm's idea of visiting only what can matter (Mehta & Patel).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._exact_kernels import _hypergeometric
from painresponse.stats._jit import jit

__all__ = ["rank_sum_tail_five", "rank_sum_tail_six"]


@jit
def rank_sum_tail_five(
    d: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    upper: int,
    lower: int,
    need_upper: bool,
    need_lower: bool,
    eta: float,
) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    """``P(D >= upper)`` and ``P(D <= lower)`` for five categories (``d`` increasing, ``d[0] = 0``).

    The five counts are drawn as nested hypergeometric laws: ``k = a_0 + a_1`` of the
    ``m``; ``a_0`` given ``k``; ``a_2`` of ``r = m - k`` against categories 3-4; ``a_3``
    of ``r_3 = r - a_2`` against category 4. With ``D = (k - a_0) d_1 + a_2 d_2 + r_3 d_4
    - a_3 (d_4 - d_3)`` each tail is ``sum_k P(k) sum_a2 P(a_2) sum_a0 P(a_0) P(a_3 <= x)``
    (or ``>=``), the last factor read from cumulative sums of the law of ``a_3`` given
    ``r_3`` (built once per ``r_3``, summed from either end so small tails keep their
    precision). Every term is non-negative.

    ``k`` is visited from its mode outwards (unimodal: the rows not visited weigh at most
    their number times the last weight). Terms whose weight (product of the outer
    probabilities) is below ``eta`` (or, when ``eta`` is negative, ``-eta`` times the
    smallest tail asked for so far) are left out and their weights summed: the tails are
    exact up to rounding and that sum, returned so the caller can check it. Returns
    ``(upper tail, lower tail, work, weight left out)``.
    """
    # An empty category between the third and the fourth: its count is 0 with
    # probability 1 (weight exactly 1.0), so every term, cut and sum is the six-category
    # programme's on these five categories, with one loop level of a single pass.
    d6 = np.empty(6, np.int64)
    t6 = np.empty(6, np.int64)
    d6[:3] = d[:3]
    d6[3] = d[2]
    d6[4:] = d[3:5]
    t6[:3] = totals[:3]
    t6[3] = 0
    t6[4:] = totals[3:5]
    return rank_sum_tail_six(d6, t6, m, upper, lower, need_upper, need_lower, eta)


@jit
def rank_sum_tail_six(
    d: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    upper: int,
    lower: int,
    need_upper: bool,
    need_lower: bool,
    eta: float,
) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    """``P(D >= upper)`` and ``P(D <= lower)`` for six categories (``d`` increasing, ``d[0] = 0``).

    :func:`rank_sum_tail_five` with one more level: ``a_2`` of ``r`` against categories
    3-5, ``a_3`` of ``r - a_2`` against categories 4-5, and the cumulative sums of ``a_4``
    given ``r_4 = r - a_2 - a_3`` (against category 5), so ``D = (k - a_0) d_1 + a_2 d_2
    + a_3 d_3 + r_4 d_5 - a_4 (d_5 - d_4)``. Terms whose weight is below the cut are left
    out and their weights summed, as there. Returns ``(upper tail, lower tail, work,
    weight left out)``.
    """
    t = totals
    v = d
    step = v[5] - v[4]
    left = t[0] + t[1]
    right = t[2] + t[3] + t[4] + t[5]
    outer = np.empty(m + 1)
    inner = np.empty(m + 1)
    mid = np.empty(m + 1)
    third = np.empty(m + 1)
    last = np.empty(m + 1)
    # law of a_4 given r_4: cumulative sums, triangular storage, built on first use
    starts = np.zeros(m + 2, np.int64)
    for r3 in range(m + 1):
        starts[r3 + 1] = starts[r3] + r3 + 2
    below = np.empty(starts[m + 1])  # below[i]: P(a_4 < low_4 + i | r_4)
    above = np.empty(starts[m + 1])  # above[i]: P(a_4 >= low_4 + i | r_4)
    low3 = np.full(m + 1, -1, np.int64)
    high3 = np.zeros(m + 1, np.int64)
    k_low = _hypergeometric(m, left, right, outer)
    k_high = min(m, left)
    mode = k_low
    for k in range(k_low, k_high + 1):
        if outer[k - k_low] > outer[mode - k_low]:
            mode = k
    tails = np.zeros(2)
    carries = np.zeros(2)
    work = 0.0
    skipped = 0.0
    down_k, up_k = mode - 1, mode
    while down_k >= k_low or up_k <= k_high:
        if up_k <= k_high and (down_k < k_low or outer[up_k - k_low] >= outer[down_k - k_low]):
            k = up_k
            up_k += 1
        else:
            k = down_k
            down_k -= 1
        weight = outer[k - k_low]
        left_rows = (k_high - up_k + 1) + (down_k - k_low + 1)
        smallest = min(tails[0] if need_upper else math.inf, tails[1] if need_lower else math.inf)
        if weight * (left_rows + 1) < 1e-17 * smallest or weight == 0.0:
            skipped += weight * (left_rows + 1)
            break
        limit = eta if eta >= 0.0 else -eta * smallest
        r = m - k
        a0_low = _hypergeometric(k, t[0], t[1], inner)
        a0_high = min(k, t[0])
        # a_0 window: leave out the values whose weight is below limit / (k + 1)
        lo0, hi0 = a0_low, a0_high
        cut = limit / (weight * (k + 1.0))
        while lo0 < hi0 and inner[lo0 - a0_low] < cut:
            lo0 += 1
        while hi0 > lo0 and inner[hi0 - a0_low] < cut:
            hi0 -= 1
        out0 = 0.0
        for a0 in range(a0_low, lo0):
            out0 += inner[a0 - a0_low]
        for a0 in range(hi0 + 1, a0_high + 1):
            out0 += inner[a0 - a0_low]
        skipped += weight * out0
        a2_low = _hypergeometric(r, t[2], t[3] + t[4] + t[5], mid)
        a2_high = min(r, t[2])
        part = np.zeros(2)
        part_carry = np.zeros(2)
        for a2 in range(a2_low, a2_high + 1):
            w2_outer = mid[a2 - a2_low]
            if weight * w2_outer < limit or w2_outer == 0.0:
                skipped += weight * w2_outer
                continue
            r_after = r - a2
            a3_low = _hypergeometric(r_after, t[3], t[4] + t[5], third)
            a3_high = min(r_after, t[3])
            for a3 in range(a3_low, a3_high + 1):
                w2 = w2_outer * third[a3 - a3_low]
                if weight * w2 < limit or w2 == 0.0:
                    skipped += weight * w2
                    continue
                r3 = r_after - a3
                base3 = starts[r3]
                if low3[r3] < 0:  # build the cumulative sums of a_4 given r_4
                    lo3 = _hypergeometric(r3, t[4], t[5], last)
                    n3 = min(r3, t[4]) - lo3 + 1
                    running, run_carry = 0.0, 0.0
                    below[base3] = 0.0
                    for i in range(n3):
                        y = last[i] - run_carry
                        updated = running + y
                        run_carry = (updated - running) - y
                        running = updated
                        below[base3 + i + 1] = running
                    running, run_carry = 0.0, 0.0
                    above[base3 + n3] = 0.0
                    for i in range(n3 - 1, -1, -1):
                        y = last[i] - run_carry
                        updated = running + y
                        run_carry = (updated - running) - y
                        running = updated
                        above[base3 + i] = running
                    low3[r3] = lo3
                    high3[r3] = lo3 + n3 - 1
                    work += n3
                lo3 = low3[r3]
                hi3 = high3[r3]
                n3 = hi3 - lo3 + 1
                part_up, part_down = 0.0, 0.0
                fixed = a2 * v[2] + a3 * v[3] + r3 * v[5]
                for a0 in range(lo0, hi0 + 1):
                    w0 = inner[a0 - a0_low]
                    base = (k - a0) * v[1] + fixed  # D = base - a_4 * step
                    share_up = 0.0
                    share_down = 0.0
                    if need_upper:
                        x = (base - upper) // step  # a_4 <= x
                        if x >= hi3:
                            share_up = below[base3 + n3]
                        elif x >= lo3:
                            share_up = below[base3 + x - lo3 + 1]
                    if need_lower:
                        y_low = -((lower - base) // step)  # a_4 >= ceil((base - lower) / step)
                        if y_low <= lo3:
                            share_down = above[base3]
                        elif y_low <= hi3:
                            share_down = above[base3 + y_low - lo3]
                    part_up += w0 * share_up
                    part_down += w0 * share_down
                work += hi0 - lo0 + 1.0
                for which in range(2):
                    value = w2 * (part_up if which == 0 else part_down)
                    y = value - part_carry[which]
                    updated = part[which] + y
                    part_carry[which] = (updated - part[which]) - y
                    part[which] = updated
        for which in range(2):
            y = weight * part[which] - carries[which]
            updated = tails[which] + y
            carries[which] = (updated - tails[which]) - y
            tails[which] = updated
    return min(1.0, tails[0]), min(1.0, tails[1]), work, skipped
