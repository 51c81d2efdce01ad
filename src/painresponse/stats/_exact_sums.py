"""Compiled tails (numba) of the exact rank-sum test on at most six categories.

Imported only through :func:`painresponse.stats._rank_tails.sums_kernels` (numba is loaded
on first use), compiled and cached as :mod:`._exact_kernels`.

With five or six distinct values (0-4 and 0-5 scales) the counts ``a_j`` the smaller
group takes from the categories are drawn as nested hypergeometric laws: ``k = a_0 + a_1``
of the ``m``, ``a_0`` given ``k``, then the remaining ``r = m - k`` category by category,
the last two categories as one hypergeometric law whose cumulative sums (built once per
size, summed from either end so that small tails keep their precision) give the tail in
``O(1)``. Every term is a product of probabilities, non-negative, so rounding errors stay
relative. ``k`` is visited from its mode outwards (unimodal: the rows not visited weigh at
most their number times the last weight). Rows, pairs and triples whose extreme statistics
cannot reach a tail asked for are skipped exactly (integer comparisons), and the values of
``a_0`` whose every completion is in a tail are summed in one step; terms whose weight is
below a cut (relative to the p-value) are left out with their weight summed and
returned, so the caller can check (and tighten) the cut: the tails are exact up to
rounding and that sum. The generalisation of
:func:`rank_sum_tail_few` (at most four categories) one and two levels
deeper; the network algorithm's idea of visiting only what can matter (Mehta & Patel).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._exact_kernels import _hypergeometric
from painresponse.stats._jit import jit

__all__ = ["TRIPLE_EFFORT", "rank_sum_tail_few", "rank_sum_tail_five", "rank_sum_tail_six"]

#: Cost of visiting a triple ``(k, a_2, a_3)`` of :func:`rank_sum_tail_six`, in terms summed
#: (measured: a term about 1.5-2 ns, a triple with its bounds and cumulative sums 20-30 ns).
TRIPLE_EFFORT = 15.0


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
    max_effort: float = np.inf,
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
    ``(upper tail, lower tail, work, weight left out)``; both tails NaN when the effort
    exceeds ``max_effort`` (:func:`rank_sum_tail_six`).
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
    return rank_sum_tail_six(d6, t6, m, upper, lower, need_upper, need_lower, eta, max_effort)


@jit
def _greedy_sums(
    v: NDArray[np.int64], t: NDArray[np.int64], first: int, r: int
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Smallest and largest sum of ``r`` items from categories ``first`` on (``v`` increasing)."""
    low, left = 0, r
    for j in range(first, v.size):
        take = min(t[j], left)
        low += take * v[j]
        left -= take
    high, left = 0, r
    for j in range(v.size - 1, first - 1, -1):
        take = min(t[j], left)
        high += take * v[j]
        left -= take
    return low, high


@jit
def _window_sums(
    values: NDArray[np.float64], n: int, up: NDArray[np.float64], down: NDArray[np.float64]
) -> None:  # pragma: no cover - compiled
    """Compensated sums of ``values[:n]``: ``up[i]`` of the first ``i``, ``down[i]`` of the
    last ``i`` (each summed from its own end, small terms first)."""
    running, carry = 0.0, 0.0
    up[0] = 0.0
    for i in range(n):
        y = values[i] - carry
        updated = running + y
        carry = (updated - running) - y
        running = updated
        up[i + 1] = running
    running, carry = 0.0, 0.0
    down[0] = 0.0
    for i in range(n):
        y = values[n - 1 - i] - carry
        updated = running + y
        carry = (updated - running) - y
        running = updated
        down[i + 1] = running


@jit
def _tail_sums(
    values: NDArray[np.float64], n: int, below: NDArray[np.float64], above: NDArray[np.float64]
) -> None:  # pragma: no cover - compiled
    """:func:`_window_sums` of ``values[:n]`` as the two tails of a law on ``0 .. n - 1``:
    ``below[i]`` the weight of the values under ``i``, ``above[i]`` of those from ``i``
    on (the suffixes reversed), each summed from its own end so small tails keep their
    precision (no ``1 - x``)."""
    _window_sums(values, n, below, above)
    for i in range((n + 1) // 2):
        j = n - i
        above[i], above[j] = above[j], above[i]


@jit
def _above_cut(
    weights: NDArray[np.float64], low: int, lo: int, mode: int, hi: int, cut: float
) -> tuple[int, int]:  # pragma: no cover - compiled
    """The values ``a`` in ``lo .. hi`` with ``weights[a - low] >= cut`` (unimodal, largest at
    ``mode``): ``(first, last)`` by bisection on either side (empty when ``first > last``)."""
    if weights[mode - low] < cut:
        return mode + 1, mode
    left, right = lo, mode  # first a with weight >= cut on the increasing side
    while left < right:
        mid = (left + right) // 2
        if weights[mid - low] >= cut:
            right = mid
        else:
            left = mid + 1
    first = left
    left, right = mode, hi  # last a with weight >= cut on the decreasing side
    while left < right:
        mid = (left + right + 1) // 2
        if weights[mid - low] >= cut:
            left = mid
        else:
            right = mid - 1
    return first, left


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
    max_effort: float = np.inf,
) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    """``P(D >= upper)`` and ``P(D <= lower)`` for six categories (``d`` increasing, ``d[0] = 0``).

    :func:`rank_sum_tail_five` with one more level: ``a_2`` of ``r`` against categories
    3-5, ``a_3`` of ``r - a_2`` against categories 4-5, and the cumulative sums of ``a_4``
    given ``r_4 = r - a_2 - a_3`` (against category 5), so ``D = (k - a_0) d_1 + a_2 d_2
    + a_3 d_3 + r_4 d_5 - a_4 (d_5 - d_4)``. Terms whose weight is below the cut are left
    out and their weights summed, as there; the cut (``eta < 0``) and the stopping rule
    of ``k`` are relative to the sum of the tails asked for (the p-value).

    Exact shortcuts (integer comparisons, nothing left out): a row ``k``, a pair ``(k,
    a_2)`` or a triple ``(k, a_2, a_3)`` whose smallest and largest ``D`` (greedy over
    the categories still open) cannot reach a tail asked for is not visited; for a
    triple, the values of ``a_0`` whose every ``a_4`` is in a tail add the tail of
    ``a_4`` times the (compensated) sum of their weights, those with none are not
    visited, and only the ``a_0`` in between are summed one by one. Returns ``(upper
    tail, lower tail, work, weight left out)``.

    The effort (terms summed and listed plus :data:`TRIPLE_EFFORT` per triple visited,
    about 1.5-3 ns each) stops the sums once it exceeds ``max_effort``: both tails are then
    NaN, so a caller can try these sums first and fall back on another algorithm at a
    bounded cost.
    """
    t = totals
    v = d
    step = v[5] - v[4]
    q1 = v[1] // step  # d_1 = q1 step + r1: one a_0 more moves D down by d_1
    r1 = v[1] - q1 * step
    left = t[0] + t[1]
    right = t[2] + t[3] + t[4] + t[5]
    outer = np.empty(m + 1)
    inner = np.empty(m + 1)
    mid = np.empty(m + 1)
    third = np.empty(m + 1)
    last = np.empty(m + 1)
    from_low = np.empty(m + 2)  # from_low[i]: weight of a_0 = lo0 .. lo0 + i - 1
    from_high = np.empty(m + 2)  # from_high[i]: weight of a_0 = hi0 - i + 1 .. hi0
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
    effort = 0.0
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
        scale = (tails[0] if need_upper else 0.0) + (tails[1] if need_lower else 0.0)
        if weight * (left_rows + 1) < 1e-17 * scale or weight == 0.0:
            skipped += weight * (left_rows + 1)
            break
        r = m - k
        # the row's extreme statistics: can it reach a tail at all?
        rest_low, rest_high = _greedy_sums(v, t, 2, r)
        k_min_left = (k - min(k, t[0])) * v[1]
        k_max_left = (k - max(0, k - t[1])) * v[1]
        row_up = need_upper and k_max_left + rest_high >= upper
        row_down = need_lower and k_min_left + rest_low <= lower
        if not (row_up or row_down):
            continue
        limit = eta if eta >= 0.0 else -eta * scale
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
        n0 = hi0 - lo0 + 1
        _window_sums(inner[lo0 - a0_low :], n0, from_low, from_high)
        mode0 = lo0  # the law of a_0 is unimodal: increasing up to mode0, then decreasing
        for a0 in range(lo0, hi0 + 1):
            if inner[a0 - a0_low] > inner[mode0 - a0_low]:
                mode0 = a0
        left_min = (k - hi0) * v[1]  # D's part from categories 0-1 over the window
        left_max = (k - lo0) * v[1]
        a2_low = _hypergeometric(r, t[2], t[3] + t[4] + t[5], mid)
        a2_high = min(r, t[2])
        effort += (a0_high - a0_low + 1) + (a2_high - a2_low + 1)
        part = np.zeros(2)
        part_carry = np.zeros(2)
        for a2 in range(a2_low, a2_high + 1):
            w2_outer = mid[a2 - a2_low]
            if weight * w2_outer < limit or w2_outer == 0.0:
                skipped += weight * w2_outer
                continue
            r_after = r - a2
            after_low, after_high = _greedy_sums(v, t, 3, r_after)
            pair_up = need_upper and left_max + a2 * v[2] + after_high >= upper
            pair_down = need_lower and left_min + a2 * v[2] + after_low <= lower
            if not (pair_up or pair_down):
                continue
            a3_low = _hypergeometric(r_after, t[3], t[4] + t[5], third)
            a3_high = min(r_after, t[3])
            effort += a3_high - a3_low + 1
            if effort > max_effort:
                return np.nan, np.nan, work, skipped
            for a3 in range(a3_low, a3_high + 1):
                w2 = w2_outer * third[a3 - a3_low]
                if weight * w2 < limit or w2 == 0.0:
                    skipped += weight * w2
                    continue
                effort += TRIPLE_EFFORT
                r3 = r_after - a3
                lo3 = max(0, r3 - t[5])  # the support of a_4 given r_4
                hi3 = min(r3, t[4])
                fixed = a2 * v[2] + a3 * v[3] + r3 * v[5]  # D = (k - a0) d_1 + fixed - a_4 step
                go_up = need_upper and left_max + fixed - lo3 * step >= upper
                go_down = need_lower and left_min + fixed - hi3 * step <= lower
                if not (go_up or go_down):
                    continue
                base3 = starts[r3]
                if low3[r3] < 0:  # build the cumulative sums of a_4 given r_4
                    _hypergeometric(r3, t[4], t[5], last)
                    n3 = hi3 - lo3 + 1  # above[i]: the weight of a_4 >= lo3 + i
                    _tail_sums(last, n3, below[base3:], above[base3:])
                    low3[r3] = lo3
                    high3[r3] = hi3
                    work += n3
                    effort += n3
                n3 = hi3 - lo3 + 1
                part_up, part_down = 0.0, 0.0
                part_terms = 0.0
                # the a_0 summed one by one (between all and none of a_4 in a tail): only
                # those whose term can exceed limit / (n0 + 1), the others' weight counted
                scale3 = weight * w2 * (n0 + 1.0)
                if scale3 == 0.0:  # every term of the triple underflows to 0
                    continue
                cut3 = limit / scale3
                sum_lo, sum_hi = _above_cut(inner, a0_low, lo0, mode0, hi0, cut3)
                if go_up:
                    # share P(a_4 <= x), x = ((k - a0) d_1 + fixed - upper) // step: all of
                    # a_4 for a0 <= full, some for a0 <= any, none above
                    full = k + (fixed - hi3 * step - upper) // v[1]
                    any_ = k + (fixed - lo3 * step - upper) // v[1]
                    if full >= lo0:
                        part_up += below[base3 + n3] * from_low[min(full, hi0) - lo0 + 1]
                    first, final = max(lo0, full + 1), min(hi0, any_)
                    if final >= first:
                        cut_terms = max(0, min(final, sum_lo - 1) - first + 1)
                        cut_terms += max(0, final - max(first, sum_hi + 1) + 1)
                        skipped += weight * w2 * cut3 * cut_terms
                    start = max(first, sum_lo)
                    # x = ((k - a0) d_1 + fixed - upper) // step, stepped without a division
                    num = (k - start) * v[1] + fixed - upper
                    x = num // step
                    rem = num - x * step
                    stop = min(final, sum_hi)
                    for a0 in range(start, stop + 1):
                        part_up += inner[a0 - a0_low] * below[base3 + x - lo3 + 1]
                        x -= q1
                        rem -= r1
                        if rem < 0:
                            rem += step
                            x -= 1
                    work += max(0, stop - start + 1)
                    part_terms += max(0, stop - start + 1)
                if go_down:
                    # share P(a_4 >= y), y = ceil(((k - a0) d_1 + fixed - lower) / step):
                    # all of a_4 for a0 >= full, some for a0 >= any, none below
                    full = k - (lower + lo3 * step - fixed) // v[1]
                    any_ = k - (lower + hi3 * step - fixed) // v[1]
                    if full <= hi0:
                        part_down += above[base3] * from_high[hi0 - max(full, lo0) + 1]
                    first, final = max(lo0, any_), min(hi0, full - 1)
                    if final >= first:
                        cut_terms = max(0, min(final, sum_lo - 1) - first + 1)
                        cut_terms += max(0, final - max(first, sum_hi + 1) + 1)
                        skipped += weight * w2 * cut3 * cut_terms
                    start = max(first, sum_lo)
                    # y = ceil(((k - a0) d_1 + fixed - lower) / step) = -(z // step), z =
                    # lower - (k - a0) d_1 - fixed, stepped without a division
                    z = lower - (k - start) * v[1] - fixed
                    qz = z // step
                    rz = z - qz * step
                    stop = min(final, sum_hi)
                    for a0 in range(start, stop + 1):
                        part_down += inner[a0 - a0_low] * above[base3 - qz - lo3]
                        qz += q1
                        rz += r1
                        if rz >= step:
                            rz -= step
                            qz += 1
                    work += max(0, stop - start + 1)
                    part_terms += max(0, stop - start + 1)
                work += 1.0
                effort += part_terms
                if effort > max_effort:
                    return np.nan, np.nan, work, skipped
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


# ------------------------------------------------------------------ at most four values


@jit
def rank_sum_tail_few(
    d: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    upper: int,
    lower: int,
    need_upper: bool,
    need_lower: bool,
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """``P(D >= upper)`` and ``P(D <= lower)`` for 2 to 4 categories, ``D = sum_j a_j d_j``.

    Categories (``d`` increasing, ``d[0] = 0``) are grouped as {1, 2} | {3, 4}:
    ``k = a_1 + a_2`` is hypergeometric, and given ``k`` so are ``a_1`` (of ``k`` from
    ``t_1, t_2``) and ``a_3`` (of ``r = m - k`` from ``t_3, t_4``). With
    ``D = (k - a_1) d_2 + r d_4 - a_3 (d_4 - d_3)`` each tail is
    ``sum_k P(k) sum_a1 P(a_1 | k) P(a_3 <= x | r)`` (or ``>=``): non-negative terms, O(m^2)
    at most (three categories: ``a_3 = r``). ``k`` is visited from its mode outwards; as
    its law is unimodal, the rows not visited weigh at most their number times the last
    weight, and the loop stops once that is below 1e-17 of the tails asked for
    (``need_upper``, ``need_lower``); a bound far below the rounding of the sums. Returns
    ``(upper tail, lower tail, rows)``.
    """
    c = d.size
    t = np.zeros(4, np.int64)
    v = np.zeros(4, np.int64)
    for j in range(c):
        t[j] = totals[j]
        v[j] = d[j]
    if c == 2:  # D = a_2 d_2, one hypergeometric law
        pmf = np.empty(m + 1)
        low = _hypergeometric(m, t[1], t[0], pmf)
        high = min(m, t[1])
        up, down = 0.0, 0.0
        for a in range(low, high + 1):
            if a * v[1] >= upper:
                up += pmf[a - low]
            if a * v[1] <= lower:
                down += pmf[a - low]
        return min(1.0, up), min(1.0, down), 1.0
    if c == 3:  # a_3 = r, a_4 = 0
        t[3] = 0
        v[3] = v[2]
    left, right = t[0] + t[1], t[2] + t[3]
    outer = np.empty(m + 1)
    inner = np.empty(m + 1)
    last = np.empty(m + 1)
    below = np.empty(m + 2)  # below[i]: P(a_3 < a3_low + i | r), summed from the bottom
    above = np.empty(m + 2)  # above[i]: P(a_3 >= a3_low + i | r), summed from the top
    k_low = _hypergeometric(m, left, right, outer)
    k_high = min(m, left)
    mode = k_low
    for k in range(k_low, k_high + 1):
        if outer[k - k_low] > outer[mode - k_low]:
            mode = k
    step = v[3] - v[2]
    tails = np.zeros(2)
    carries = np.zeros(2)
    rows = 0.0
    down_k, up_k = mode - 1, mode  # next rows below and above the mode
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
            break
        rows += 1.0
        r = m - k
        a1_low = _hypergeometric(k, t[0], t[1], inner)
        a1_high = min(k, t[0])
        if c == 3:
            a3_low, a3_high = r, r
            last[0] = 1.0
        else:
            a3_low = _hypergeometric(r, t[2], t[3], last)
            a3_high = min(r, t[2])
        n3 = a3_high - a3_low + 1
        _tail_sums(last, n3, below, above)
        part_up, part_down = 0.0, 0.0
        for a1 in range(a1_low, a1_high + 1):
            base = (k - a1) * v[1] + r * v[3]  # D = base - a_3 * step
            share_up = 0.0  # P(a_3 * step <= base - upper)
            share_down = 0.0  # P(a_3 * step >= base - lower)
            if step == 0:
                share_up = 1.0 if base >= upper else 0.0
                share_down = 1.0 if base <= lower else 0.0
            else:
                x = (base - upper) // step  # a_3 <= x
                if x >= a3_high:
                    share_up = below[n3]
                elif x >= a3_low:
                    share_up = below[x - a3_low + 1]
                y_low = -((lower - base) // step)  # a_3 >= ceil((base - lower) / step)
                if y_low <= a3_low:
                    share_down = above[0]
                elif y_low <= a3_high:
                    share_down = above[y_low - a3_low]
            weight_a1 = inner[a1 - a1_low]
            part_up += weight_a1 * share_up
            part_down += weight_a1 * share_down
        for which in range(2):
            value = weight * (part_up if which == 0 else part_down)
            y = value - carries[which]
            updated = tails[which] + y
            carries[which] = (updated - tails[which]) - y
            tails[which] = updated
    return min(1.0, tails[0]), min(1.0, tails[1]), rows
