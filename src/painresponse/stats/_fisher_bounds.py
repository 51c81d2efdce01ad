"""Bounds on the value the completions of a node of the Fisher–Freeman–Halton network can
add (compiled with numba; used by :mod:`._fisher_network`).

A node is the sorted tuple ``m`` of row totals still to be filled by the columns ``rest``;
a completion's value is -sum(log y_ij!) in the fixed point of :mod:`._fisher_kernel`. The
bounds decide which past values of a node are settled without enumeration (Mehta & Patel
1983, 1986): a past p with p + upper <= threshold counts with all its completions, one with
p + lower > threshold with none. Two columns from the end the bounds are exact (the
shortest and the longest path of Clarkson, Fan & Joe 1993 for the last two columns); before
that, relaxing the row or the column totals leaves independent problems solved exactly.

:func:`node_bounds` is called by the driver for a whole chunk of nodes, before the stage
kernel; no function here calls compiled code of another module (numba's on-disk cache
is keyed by the source file of each function, so a kernel inlining a callee of another
module could keep a stale copy of it).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._jit import jit

__all__ = ["node_bounds"]

I64 = NDArray[np.int64]


@jit
def _spread(total: int, caps: I64, lf: I64) -> int:
    """Largest -sum(log x!) over sum(x) = total, 0 <= x_i <= caps_i (caps ascending):
    water-filling, the caps below the level are filled."""
    width = caps.shape[0]
    value = 0
    left = total
    for i in range(width):
        slots = width - i
        if caps[i] * slots <= left:
            value -= lf[caps[i]]
            left -= caps[i]
        else:
            base = left // slots
            extra = left - base * slots
            return value - extra * lf[base + 1] - (slots - extra) * lf[base]
    return value


@jit
def _concentrate(total: int, caps: I64, lf: I64) -> int:
    """Largest sum(log x!) over sum(x) = total, 0 <= x_i <= caps_i (caps descending):
    the largest caps filled first."""
    value = 0
    left = total
    for i in range(caps.shape[0]):
        take = min(caps[i], left)
        value += lf[take]
        left -= take
    return value


@jit
def _relaxed_bounds(m: I64, rest: I64, lf: I64) -> tuple[int, int]:
    """(lower, upper) bounds on the completion value of node ``m`` (ascending) with the
    columns ``rest`` (ascending) left: relaxing the row or the column totals leaves
    independent columns or rows, each solved exactly."""
    m_desc = m[::-1].copy()
    rest_desc = rest[::-1].copy()
    up_cols = 0
    low_cols = 0
    for j in range(rest.shape[0]):
        up_cols += _spread(rest[j], m, lf)
        low_cols -= _concentrate(rest[j], m_desc, lf)
    up_rows = 0
    low_rows = 0
    for i in range(m.shape[0]):
        up_rows += _spread(m[i], rest, lf)
        low_rows -= _concentrate(m[i], rest_desc, lf)
    return max(low_cols, low_rows), min(up_cols, up_rows)


@jit
def _tail_bounds(m: I64, col: int, lf: I64, log_int: I64) -> tuple[int, int]:
    """Exact (smallest, largest) completion value of a node two columns from the end.

    With y_i in the first of the two columns, row i adds g_i(y) = -log y! - log (m_i - y)!,
    concave in y. The largest sum is found greedily, one unit at a time to the row whose
    value rises most (exact for separable concave functions under one sum constraint); the
    smallest lies on a vertex of {sum y = col, 0 <= y <= m}: all rows empty or full but one.
    """
    r = m.shape[0]
    y = np.zeros(r, np.int64)
    for _ in range(col):
        best = -1
        gain = 0
        for i in range(r):
            if y[i] < m[i]:
                g = log_int[m[i] - y[i]] - log_int[y[i] + 1]
                if best < 0 or g > gain:
                    best = i
                    gain = g
        y[best] += 1
    upper = 0
    full = 0
    for i in range(r):
        upper -= lf[y[i]] + lf[m[i] - y[i]]
        full -= lf[m[i]]  # an empty or a full row adds -log m_i! either way
    lower = 0
    found = False
    for free in range(r):
        for subset in range(1 << (r - 1)):
            filled = 0
            bit = 0
            for i in range(r):
                if i != free:
                    if subset >> bit & 1:
                        filled += m[i]
                    bit += 1
            rest = col - filled
            if 0 <= rest <= m[free]:
                v = full + lf[m[free]] - lf[rest] - lf[m[free] - rest]
                if not found or v < lower:
                    lower = v
                    found = True
    return lower, upper


@jit
def node_bounds(children: I64, rest: I64, tail: bool, tail_col: int, lf: I64) -> tuple[I64, I64]:
    """(lower, upper) bounds for each node of ``children`` (rows, each ascending) with the
    columns ``rest`` (ascending) left: exact when ``tail`` (two columns, the first of
    total ``tail_col``), relaxed before."""
    n = children.shape[0]
    lowers = np.empty(n, np.int64)
    uppers = np.empty(n, np.int64)
    log_int = np.zeros(lf.shape[0], np.int64)  # log k in fixed point
    for i in range(1, lf.shape[0]):
        log_int[i] = lf[i] - lf[i - 1]
    for ch in range(n):
        m = children[ch]
        if tail:
            lowers[ch], uppers[ch] = _tail_bounds(m, tail_col, lf, log_int)
        else:
            lowers[ch], uppers[ch] = _relaxed_bounds(m, rest, lf)
    return lowers, uppers
