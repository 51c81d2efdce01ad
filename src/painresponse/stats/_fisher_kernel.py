"""numba kernels of the Fisher–Freeman–Halton network (driven by :mod:`._fisher_network`):
buffers and hash tables, the allocations of a column, the nodes of a stage and how a node
pulls the pasts of its parents. The last two columns and the stage loop over a chunk of
nodes are in :mod:`._fisher_tail`. A kernel inlines the kernels it calls from other
modules; :func:`painresponse.stats._jit.jit` keys every ``_fisher_*`` kernel's cache to
all of these modules, so none keeps a stale copy of a changed callee.

Values. A table's *value* is ``-sum(log x_ij!)`` in fixed point (int64, units of 1/scale)
with exactly additive logs (:func:`._fisher_network.fixed_point_log_factorials`): sums are
exact and do not depend on the order of addition, so equal values merge by plain equality.

Speed. A numba loop that may replace an array it uses (``arr = grow(arr)``) runs about ten
times slower, so the hot loops live in functions that never replace their arrays; their
callers grow the buffers and resume. The first compilation takes about 15 s (30 s on a busy
machine); numba caches it on disk.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._jit import jit

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
# an index cast to unsigned: numba then leaves out its check for negative indices
# (Python's wrap-around), which measured 1.3-1.8x on the network's hottest loops
U64 = np.uint64

EMPTY = np.iinfo(np.int64).min  # an empty slot of a value table (no value is this small)
_GOLDEN = -7046029254386353131  # 0x9E3779B97F4A7C15 as int64, for multiplicative hashing
SMALL_TABLE = 256  # first size of a node's table of past values (so it stays in cache)
STRIDE = 8  # words per slot of a node table: one cache line
FAST_SPAN = 600.0  # spread (log scale) below which scaled sums cannot under- or overflow
FINE_BUCKETS = 16  # at most this many look-up buckets per completion value of a tail node
SEARCH_LANES = 8  # binary searches in lock-step (:func:`_ends_in_step`)


# --------------------------------------------------------------------------------------
# buffers, hash tables, sorting
# --------------------------------------------------------------------------------------


@jit
def grow_1d(arr: Any, need: int) -> Any:
    """``arr`` when it holds ``need`` entries, else a copy at least twice as long."""
    if need <= arr.shape[0]:
        return arr
    out = np.empty(max(need, 2 * arr.shape[0]), arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@jit
def grow_2d(arr: I64, need: int) -> I64:
    """``arr`` when it holds ``need`` rows, else a copy with at least twice as many."""
    if need <= arr.shape[0]:
        return arr
    out = np.empty((max(need, 2 * arr.shape[0]), arr.shape[1]), arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@jit
def _slot(keys: I64, key: int, empty: int, mask: int, stride: int) -> int:
    """Slot of ``key`` in the open-addressing table ``keys[::stride]`` of ``mask + 1``
    slots, or the empty slot where it belongs."""
    slot = ((key * _GOLDEN) >> 23) & mask
    at = U64(stride * slot)  # unsigned: no negative-index wrap-around in numba
    while keys[at] != key and keys[at] != empty:
        slot = (slot + 1) & mask
        at = U64(stride * slot)
    return slot


@jit
def code_of(m: I64, radix: I64) -> int:
    """A node's code: its sorted remaining totals in mixed radix."""
    code = 0
    for i in range(m.shape[0]):
        code += m[i] * radix[i]
    return code


@jit
def node_table(margins: I64, radix: I64, cap: int) -> I64:
    """Hash table of the nodes ``margins`` (at least ``cap`` slots and twice as many as
    nodes), a 64-byte line per slot: word 0 the code (-1 when empty), word 1 the node's
    row in ``margins``; words 2-7 are filled by :func:`index_parents`."""
    while cap < 2 * margins.shape[0]:
        cap *= 2
    table = np.full(STRIDE * cap, -1, np.int64)
    for i in range(margins.shape[0]):
        code = code_of(margins[i], radix)
        slot = _slot(table, code, -1, cap - 1, STRIDE)
        table[STRIDE * slot] = code
        table[STRIDE * slot + 1] = i
    return table


@jit
def _node_find(table: I64, code: int) -> int:
    """Slot of the node ``code`` in a node table, or -1."""
    slot = _slot(table, code, -1, table.shape[0] // STRIDE - 1, STRIDE)
    return slot if table[U64(STRIDE * slot)] == code else -1


@jit
def _value_table_grow(table: I64, used: I64, n_used: int, cap: int) -> tuple[I64, I64, int]:
    """Double the active size ``cap`` of a value table and insert its entries again.

    A value table interleaves a past value and its weight (float64 bits) per slot, so one
    cache line serves both; ``table[: 2 cap]`` is in use, ``used`` lists the filled slots."""
    weights = table.view(np.float64)
    old_keys = np.empty(n_used, np.int64)
    old_weights = np.empty(n_used, np.float64)
    for i in range(n_used):
        old_keys[i] = table[2 * used[i]]
        old_weights[i] = weights[2 * used[i] + 1]
        table[2 * used[i]] = EMPTY
    cap *= 2
    if table.shape[0] < 2 * cap:
        table = np.full(2 * cap, EMPTY, np.int64)
        used = np.empty(cap // 4 + 1, np.int64)
        weights = table.view(np.float64)
    for i in range(n_used):
        slot = _slot(table, old_keys[i], EMPTY, cap - 1, 2)
        table[2 * slot] = old_keys[i]
        weights[2 * slot + 1] = old_weights[i]
        used[i] = slot
    return table, used, cap


@jit
def _insert_runs(
    table: I64,
    used: I64,
    n_used: int,
    cap: int,
    values: I64,
    value_weights: F64,
    runs: I64,
    factors: F64,
    n_runs: int,
    run: int,
    pos: int,
) -> tuple[int, int, int]:
    """Add (values[j] + shift, value_weights[j] * factor) for j in each run's span
    (``runs[i]`` = first, stop, shift, ...) to the value table, from run ``run`` at ``pos``
    on, merging equal values. Stops before a new entry would fill the table over a quarter
    (the caller grows it and resumes). Returns the entries in use and where it stopped."""
    weights = table.view(np.float64)
    mask = cap - 1
    while run < n_runs:
        stop = runs[run, 1]
        shift = runs[run, 2]
        factor = factors[run]
        for j in range(pos, stop):
            uj = U64(j)
            key = values[uj] + shift
            slot = _slot(table, key, EMPTY, mask, 2)
            at = U64(2 * slot)
            if table[at] == EMPTY:
                if 4 * (n_used + 1) > cap:
                    return n_used, run, j
                table[at] = key
                weights[at + U64(1)] = 0.0
                used[n_used] = slot
                n_used += 1
            weights[at + U64(1)] += value_weights[uj] * factor
        run += 1
        if run < n_runs:
            pos = runs[run, 0]
    return n_used, run, pos


@jit
def _take_sorted(table: I64, used: I64, n_used: int) -> tuple[I64, F64]:
    """The (value, weight) entries of a value table sorted by value (bottom-up merge
    sort), clearing the table."""
    weights = table.view(np.float64)
    keys = np.empty(n_used, np.int64)
    ws = np.empty(n_used, np.float64)
    for i in range(n_used):
        keys[i] = table[2 * used[i]]
        ws[i] = weights[2 * used[i] + 1]
        table[2 * used[i]] = EMPTY
    keys_b = np.empty(n_used, np.int64)
    ws_b = np.empty(n_used, np.float64)
    width = 1
    while width < n_used:
        for lo in range(0, n_used, 2 * width):
            mid = min(lo + width, n_used)
            hi = min(lo + 2 * width, n_used)
            i, j = lo, mid
            for k in range(lo, hi):
                if j >= hi or (i < mid and keys[i] <= keys[j]):
                    keys_b[k] = keys[i]
                    ws_b[k] = ws[i]
                    i += 1
                else:
                    keys_b[k] = keys[j]
                    ws_b[k] = ws[j]
                    j += 1
        keys, keys_b = keys_b, keys
        ws, ws_b = ws_b, ws
        width *= 2
    return keys, ws


# --------------------------------------------------------------------------------------
# allocations of a column and the nodes of a stage
# --------------------------------------------------------------------------------------


@jit
def _fill_allocations(
    caps: I64, total: int, lf: I64, pair: bool, small_fact: F64, out: I64, mult: F64, value: I64
) -> int:
    """The allocations of :func:`allocations` written into the buffers; -1 when they are
    too short. The first r - 2 rows run as an odometer, the last two in a closed loop."""
    r = caps.shape[0]
    suffix = np.zeros(r + 1, np.int64)
    for i in range(r - 1, -1, -1):
        suffix[i] = suffix[i + 1] + caps[i]
    if suffix[0] < total:
        return 0
    tied = False
    for i in range(1, r):
        tied = tied or caps[i] == caps[i - 1]
    x = np.zeros(r, np.int64)
    left = np.zeros(r + 1, np.int64)
    part = np.zeros(r + 1, np.int64)  # value of the rows fixed so far
    left[0] = total
    a_row, b_row = r - 2, r - 1
    n = 0
    i = 0
    if a_row > 0:
        x[0] = max(0, total - suffix[1])
    while True:
        if i < a_row:
            if x[i] <= min(caps[i], left[i]):
                left[i + 1] = left[i] - x[i]
                part[i + 1] = part[i] - lf[x[i]] - (lf[caps[i] - x[i]] if pair else 0)
                i += 1
                if i < a_row:
                    low = max(0, left[i] - suffix[i + 1])
                    if caps[i] == caps[i - 1] and x[i - 1] > low:
                        low = x[i - 1]
                    x[i] = low
                continue
            i -= 1
            if i < 0:
                break
            x[i] += 1
            continue
        rest = left[a_row]  # the last two rows: x_a + x_b = rest
        lo = max(0, rest - caps[b_row])
        if a_row > 0 and caps[a_row] == caps[a_row - 1] and x[a_row - 1] > lo:
            lo = x[a_row - 1]
        hi = min(caps[a_row], rest)
        if caps[b_row] == caps[a_row] and hi > rest // 2:
            hi = rest // 2
        if n + hi - lo + 1 > out.shape[0]:
            return -1
        for xa in range(lo, hi + 1):
            xb = rest - xa
            for k in range(a_row):
                out[n, k] = x[k]
            out[n, a_row] = xa
            out[n, b_row] = xb
            v = part[a_row] - lf[xa] - lf[xb]
            if pair:
                v -= lf[caps[a_row] - xa] + lf[caps[b_row] - xb]
            value[n] = v
            count = 1.0
            if tied:  # distinct permutations within runs of equal capacities
                block = 1
                run = 1
                for k in range(1, r):
                    if caps[k] == caps[k - 1]:
                        block += 1
                        if out[n, k] == out[n, k - 1]:
                            run += 1
                        else:
                            count /= small_fact[run]
                            run = 1
                    else:
                        count *= small_fact[block] / small_fact[run]
                        block = 1
                        run = 1
                count *= small_fact[block] / small_fact[run]
            mult[n] = count
            n += 1
        if a_row == 0:
            break
        i = a_row - 1
        x[i] += 1
    return n


@jit
def allocations(
    caps: I64, total: int, lf: I64, pair: bool, small_fact: F64, out: I64, mult: F64, value: I64
) -> tuple[I64, F64, I64, int]:
    """Every way to split ``total`` over rows with capacities ``caps`` (r >= 2), up to
    permutations among rows with equal capacities: within a run of equal capacities the
    allocation x is non-decreasing and ``mult`` counts its distinct permutations.
    ``value`` is -sum(log x_i!), or with ``pair`` -sum(log x_i! + log (caps_i - x_i)!)
    (a node's last two columns). Returns the buffers (doubled when short) and the count."""
    while True:
        n = _fill_allocations(caps, total, lf, pair, small_fact, out, mult, value)
        if n >= 0:
            return out, mult, value, n
        out = grow_2d(out, 2 * out.shape[0])
        mult = grow_1d(mult, 2 * mult.shape[0])
        value = grow_1d(value, 2 * value.shape[0])


@jit
def symmetries(m: I64, small_fact: F64) -> float:
    """Number of permutations of the rows that leave the sorted totals ``m`` unchanged."""
    count = 1.0
    block = 1
    for i in range(1, m.shape[0]):
        if m[i] == m[i - 1]:
            block += 1
        else:
            count *= small_fact[block]
            block = 1
    return count * small_fact[block]


@jit
def reached_nodes(parents: I64, col: int, radix: I64, lf: I64, small_fact: F64) -> I64:
    """The distinct children (sorted remaining totals) of the nodes ``parents`` when the
    next column, of total ``col``, is placed."""
    r = parents.shape[1]
    out = np.empty((256, r), np.int64)
    mult = np.empty(256, np.float64)
    value = np.empty(256, np.int64)
    cap = 1024
    seen = np.full(STRIDE * cap, -1, np.int64)
    found = np.empty((64, r), np.int64)
    n = 0
    m = np.empty(r, np.int64)
    child = np.empty(r, np.int64)
    for p in range(parents.shape[0]):
        m[:] = parents[p]
        out, mult, value, k = allocations(m, col, lf, False, small_fact, out, mult, value)
        for a in range(k):
            for i in range(r):  # insertion sort of m - x
                v = m[i] - out[a, i]
                j = i
                while j > 0 and child[j - 1] > v:
                    child[j] = child[j - 1]
                    j -= 1
                child[j] = v
            code = code_of(child, radix)
            slot = _slot(seen, code, -1, cap - 1, STRIDE)
            if seen[STRIDE * slot] == code:
                continue
            seen[STRIDE * slot] = code
            seen[STRIDE * slot + 1] = n
            found = grow_2d(found, n + 1)
            found[n] = child
            n += 1
            if 2 * n > cap:
                cap *= 2
                seen = node_table(found[:n], radix, cap)
    return found[:n]


# --------------------------------------------------------------------------------------
# a node pulls from its parents
# --------------------------------------------------------------------------------------


@jit
def _end_of_at_most(val: I64, lo: int, hi: int, cut: int) -> int:  # pragma: no cover - compiled
    """First index in ``[lo, hi)`` of the sorted ``val`` above ``cut`` (``hi`` if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if val[U64(mid)] <= cut:
            lo = mid + 1
        else:
            hi = mid
    return lo


@jit
def _ends_in_step(val: I64, runs: I64, cuts: I64, starts: I64, n: int) -> None:
    """For each pending run i < n (``runs[i, 0:2]`` a span [lo, hi) of the sorted ``val``):
    ``starts[i]`` = the first index of the span above ``cuts[i]`` (the span is empty when
    no search is due: lo = hi). ``starts`` may be ``cuts`` itself: a group of lanes reads
    its cuts before it writes its answers.

    The searches go SEARCH_LANES at a time in lock-step, without branches (a conditional
    move per step): each step is a cache miss in the pasts of a random parent, and the
    lanes' misses overlap (measured 1.8x faster than one branchy search after another)."""
    base = np.zeros(SEARCH_LANES, np.uint64)
    size = np.zeros(SEARCH_LANES, np.int64)
    cut = np.zeros(SEARCH_LANES, np.int64)
    g = 0
    while g < n:
        k = min(SEARCH_LANES, n - g)
        deepest = 0
        for lane in range(SEARCH_LANES):
            if lane < k:
                base[lane] = U64(runs[g + lane, 0])
                size[lane] = runs[g + lane, 1] - runs[g + lane, 0]
                cut[lane] = cuts[g + lane]
            else:
                size[lane] = 0
            deepest = max(deepest, size[lane])
        while deepest > 1:
            for lane in range(SEARCH_LANES):
                half = size[lane] >> 1
                base[lane] += U64(half) * U64(val[base[lane] + U64(half)] <= cut[lane])
                size[lane] -= half
            deepest -= deepest >> 1
        for lane in range(k):
            if size[lane] == 1:
                starts[g + lane] = int(base[lane]) + int(val[base[lane]] <= cut[lane])
            else:
                starts[g + lane] = runs[g + lane, 0]
        g += SEARCH_LANES


@jit
def _bands(
    m: I64,
    out: I64,
    mult: F64,
    value: I64,
    n_alloc: int,
    radix: I64,
    table: I64,
    val: I64,
    lp: F64,
    lower: int,
    upper: int,
    threshold: int,
    log_scale: float,
    inv_scale: float,
    sym_child: float,
    buf: I64,
    runs: I64,
    factors: F64,
    pending: I64,
) -> tuple[float, int]:
    """Node ``m`` pulls from its parents: for each allocation x (parent = m + x, sorted;
    ``table`` from :func:`index_parents`), the parent's pasts whose completions all count
    are added in closed form and the band of pasts whose completions straddle the
    threshold is recorded as a run (first, stop, shift = e, the parent's largest past)
    with its factor. Returns (closed-form sum, number of runs).

    In three passes: the parents (their smallest and largest pasts settle most of them),
    then the searches for where the closed-form pasts end, in lock-step
    (:func:`_ends_in_step`), then the runs. ``pending`` (n_alloc x 3) is scratch."""
    info = table.view(np.float64)
    r = m.shape[0]
    closed = 0.0
    n_pend = 0
    for a in range(n_alloc):
        e = value[a]
        for i in range(r):  # insertion sort of m + x
            v = m[i] + out[a, i]
            j = i
            while j > 0 and buf[j - 1] > v:
                buf[j] = buf[j - 1]
                j -= 1
            buf[j] = v
        slot = _node_find(table, code_of(buf, radix))
        if slot < 0:
            continue
        at = U64(STRIDE * slot)
        cut_band = threshold - e - lower
        if table[at + U64(2)] > cut_band:  # even the parent's smallest past is too large
            continue
        # labelled allocations of the parent leading here: the reverse count times
        # |Aut(parent)| / |Aut(node)| (both count arrangement pairs joined by an allocation)
        count = mult[a] * info[at + U64(6)] / sym_child
        cut_closed = threshold - e - upper
        if table[at + U64(3)] <= cut_closed:  # every past of the parent is settled
            closed += count * math.exp(info[at + U64(7)] + e * inv_scale + log_scale)
            continue
        lo = table[at + U64(4)]
        runs[n_pend, 0] = lo
        # a search is due only when the smallest past is settled
        runs[n_pend, 1] = table[at + U64(5)] if table[at + U64(2)] <= cut_closed else lo
        runs[n_pend, 2] = e
        runs[n_pend, 3] = table[at + U64(3)]
        factors[n_pend] = count
        pending[n_pend, 0] = table[at + U64(1)]
        pending[n_pend, 1] = table[at + U64(5)]
        pending[n_pend, 2] = cut_closed
        n_pend += 1
    _ends_in_step(val, runs, pending[:, 2], pending[:, 2], n_pend)  # cuts, then starts
    n_runs = 0
    for i in range(n_pend):
        lo = runs[i, 0]
        hi = pending[i, 1]
        e = runs[i, 2]
        top = runs[i, 3]
        first = pending[i, 2]  # pasts every completion counts for end here; then those
        cut_band = threshold - e - lower  # some completion counts for
        stop = hi if top <= cut_band else _end_of_at_most(val, first, hi, cut_band)
        if first > lo:
            closed += factors[i] * math.exp(lp[first + pending[i, 0]] + e * inv_scale + log_scale)
        if stop > first:  # compacted in place (n_runs <= i)
            runs[n_runs, 0] = first
            runs[n_runs, 1] = stop
            runs[n_runs, 2] = e
            runs[n_runs, 3] = top
            factors[n_runs] = factors[i]
            n_runs += 1
    return closed, n_runs


@jit
def index_parents(margins: I64, radix: I64, ptr: I64, val: I64, lp: F64, sym: F64) -> I64:
    """Node table of a stage's parents, each slot holding what a child needs first: code,
    row, smallest and largest past, span of pasts [lo, hi), symmetries and the log-sum of
    all its past probabilities (the last two as float64 bits)."""
    table = node_table(margins, radix, 64)
    info = table.view(np.float64)
    for slot in range(table.shape[0] // STRIDE):
        at = STRIDE * slot
        if table[at] == -1:
            continue
        i = table[at + 1]
        table[at + 2] = val[ptr[i]]
        table[at + 3] = val[ptr[i + 1] - 1]
        table[at + 4] = ptr[i]
        table[at + 5] = ptr[i + 1]
        info[at + 6] = sym[i]
        info[at + 7] = lp[ptr[i + 1] + i]
    return table


@jit
def _log_sums(vals: I64, ws: F64, inv_scale: float, lp: F64, at: int) -> None:
    """lp[at + j] = log sum_{i < j} ws_i exp(vals_i), j = 0..len(vals) (-inf for j = 0)."""
    running = -np.inf
    lp[at] = running
    for i in range(vals.shape[0]):
        term = math.log(ws[i]) + vals[i] * inv_scale
        if running == -np.inf or term - running > 700.0:
            running = term
        elif running - term < 700.0:
            hi = max(running, term)
            running = hi + math.log1p(math.exp(min(running, term) - hi))
        lp[at + i + 1] = running
