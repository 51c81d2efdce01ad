"""numba kernels of the Fisher–Freeman–Halton network: the last two columns, and one
stage of the network for a chunk of nodes (:func:`pull_chunk`, driven by
:mod:`._fisher_network`); the buffers, allocations and node pulls they use are in
:mod:`._fisher_kernel`.

The last two columns. A node two columns from the end pulls the bands of its parents'
pasts (Mehta & Patel 1986) and matches each against its completions, listed once, merged
by value and indexed by buckets. The pasts are not merged: each is looked up by its rank
among the completion values, which is all that decides which completions count
(:func:`_tail_runs`; a look-up, about 2 ns, costs less than a hash-table merge, about
3.5 ns, even where 400 band pasts share one value). Only when a node's completions spread
too far for scaled sums are its pasts merged and swept (:func:`tail_sweep`). The bounds
on a node's completions (:mod:`._fisher_bounds`) are computed by the driver for a chunk of
nodes and passed in as arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from painresponse.stats._fisher_kernel import (
    EMPTY,
    F64,
    FAST_SPAN,
    FINE_BUCKETS,
    I64,
    SMALL_TABLE,
    U64,
    _bands,
    _insert_runs,
    _log_sums,
    _take_sorted,
    _value_table_grow,
    allocations,
    grow_1d,
    grow_2d,
    symmetries,
)
from painresponse.stats._jit import jit

__all__ = ["pull_chunk", "tail_sweep"]


# --------------------------------------------------------------------------------------
# the last two columns
# --------------------------------------------------------------------------------------


@jit
def _completion_index(
    value: I64,
    mult: F64,
    k: int,
    lower: int,
    upper: int,
    inv_scale: float,
    fv: I64,
    fu: F64,
    cum: F64,
    starts: I64,
    fill: I64,
    many: bool,
) -> tuple[int, int, int]:
    """Sort the completions of a node two columns from the end by value (a counting sort
    by buckets, then an insertion sort within each), merge equal values and index them by
    buckets of width 2**shift from ``lower``, four or more per value: ``fv`` holds the n
    distinct values ascending, then sentinels; ``cum[i]`` the sum of mult exp(value -
    upper) over the values below ``fv[i]``, ``starts[b]`` the first value of bucket b;
    with ``many`` look-ups to come the buckets are finer. Returns (n, shift, the most
    values in one bucket)."""
    span = upper - lower
    shift = 0
    while (span >> shift) >= k:
        shift += 1
    nb = (span >> shift) + 1
    for b in range(nb + 2):
        starts[b] = 0
    for a in range(k):
        starts[((value[a] - lower) >> shift) + 1] += 1
    for b in range(nb):
        starts[b + 1] += starts[b]
    for b in range(nb + 1):
        fill[b] = starts[b]
    for a in range(k):
        b = (value[a] - lower) >> shift
        at = fill[b]
        fill[b] += 1
        v = value[a]
        u = mult[a] * math.exp((v - upper) * inv_scale)
        while at > starts[b] and fv[at - 1] > v:
            fv[at] = fv[at - 1]
            fu[at] = fu[at - 1]
            at -= 1
        fv[at] = v
        fu[at] = u
    n = 0  # merge equal values
    running = 0.0
    for a in range(k):
        if n > 0 and fv[a] == fv[n - 1]:
            running += fu[a]
            continue
        fv[n] = fv[a]
        cum[n] = running
        running += fu[a]
        n += 1
    cum[n] = running
    shift = 0  # buckets for the look-ups: one per value, or for ``many`` look-ups four
    while (span >> shift) >= (4 * n if many else n):  # and up to FINE_BUCKETS per value
        shift += 1  # while a bucket holds more than two
    while True:
        nb = (span >> shift) + 1
        widest = 1
        a = 0
        for b in range(nb + 1):
            while a < n and (fv[a] - lower) >> shift < b:
                a += 1
            starts[b] = a
            if b > 0:
                widest = max(widest, a - starts[b - 1])
        if not many or widest <= 2 or shift == 0 or (span >> (shift - 1)) >= FINE_BUCKETS * n:
            break
        shift -= 1
    for a in range(n, n + widest + 1):
        fv[a] = upper + 1  # sentinels above every look-up
    return n, shift, widest


@jit
def _rank(q: int, lower: int, shift: int, widest: int, fv: I64, starts: I64) -> int:
    """The number of completion values at most ``q`` (:func:`_completion_index`): its
    bucket's first value plus a fixed count of comparisons without branches (the values
    past the bucket exceed q)."""
    at = U64(starts[U64((q - lower) >> shift)])
    i = at
    for t in range(widest):
        i += U64(fv[at + U64(t)] <= q)
    return int(i)


@jit
def _tail_runs(
    runs: I64,
    factors: F64,
    n_runs: int,
    val: I64,
    w: F64,
    ew: F64,
    lower: int,
    upper: int,
    threshold: int,
    inv_scale: float,
    n: int,
    shift: int,
    widest: int,
    fv: I64,
    cum: F64,
    starts: I64,
    sums: F64,
) -> float:
    """The bands of a node two columns from the end (:func:`_bands`) matched against its
    completions (:func:`_completion_index`), without merging the pasts.

    Only the rank of q = threshold - e - p among the completion values matters to a band
    past p (its completions f <= q count): an exact classification by a look-up in the
    completions' buckets (:func:`_rank`), with no hash table of distinct pasts. Each past
    stores exp(p - top), top its parent's largest past (``ew``). Unless the parent's
    pasts spread too far, a past weighs ew times the completions below its rank, summed in
    four sums so that four look-ups are in flight (measured 15-20% faster than adding it
    to a bin per rank, whose stores wait on each other), with no exponential per past.
    Otherwise each past costs an exponential: the pasts are binned by rank, each bin
    summing w exp(upper - q), and the node adds each bin's weight times the completions
    below it. Returns the sum relative to exp(threshold)."""
    for i in range(n + 1):
        sums[i] = 0.0
    gathered = 0.0
    for run in range(n_runs):
        first = runs[run, 0]
        stop = runs[run, 1]
        cut = threshold - runs[run, 2]
        top = runs[run, 3]
        d = (upper - cut + top) * inv_scale  # upper - q at the parent's largest past
        if d < FAST_SPAN and (top - val[first]) * inv_scale < 650.0:  # no under- or overflow
            factor = factors[run] * math.exp(d)
            a0 = 0.0
            a1 = 0.0
            a2 = 0.0
            a3 = 0.0
            # indices unsigned here: numba then leaves out its negative-index wrap-around
            # (measured 1.8x faster look-ups on the stress tables)
            u = U64(first)
            end = U64(stop)
            while u + U64(4) <= end:  # _rank four times, written out: the look-ups interleave
                q0 = cut - val[u]  # (about 10% faster than four calls)
                q1 = cut - val[u + U64(1)]
                q2 = cut - val[u + U64(2)]
                q3 = cut - val[u + U64(3)]
                at0 = U64(starts[U64((q0 - lower) >> shift)])
                at1 = U64(starts[U64((q1 - lower) >> shift)])
                at2 = U64(starts[U64((q2 - lower) >> shift)])
                at3 = U64(starts[U64((q3 - lower) >> shift)])
                i0 = at0
                i1 = at1
                i2 = at2
                i3 = at3
                for t in range(widest):
                    i0 += U64(fv[at0 + U64(t)] <= q0)
                    i1 += U64(fv[at1 + U64(t)] <= q1)
                    i2 += U64(fv[at2 + U64(t)] <= q2)
                    i3 += U64(fv[at3 + U64(t)] <= q3)
                a0 += ew[u] * cum[i0]
                a1 += ew[u + U64(1)] * cum[i1]
                a2 += ew[u + U64(2)] * cum[i2]
                a3 += ew[u + U64(3)] * cum[i3]
                u += U64(4)
            while u < end:
                a0 += ew[u] * cum[_rank(cut - val[u], lower, shift, widest, fv, starts)]
                u += U64(1)
            gathered += ((a0 + a1) + (a2 + a3)) * factor
        else:  # parents whose pasts spread too far: an exponential per past
            for j in range(first, stop):
                q = cut - val[j]
                i = _rank(q, lower, shift, widest, fv, starts)
                sums[i] += factors[run] * w[j] * math.exp((upper - q) * inv_scale)
    total = gathered
    for i in range(n + 1):
        total += sums[i] * cum[i]
    return total


@jit
def tail_sweep(
    m: I64,
    col: int,
    vals: I64,
    ws: F64,
    threshold: int,
    lf: I64,
    inv_scale: float,
    small_fact: F64,
) -> tuple[float, int]:
    """As :func:`_tail_answer` for sorted pasts ``vals``, safe at any spread of values:
    every completion is dropped into the bucket of the smallest query q_j = threshold -
    v_j it does not exceed, relative to that query, and a running sum rescaled from query
    to query gives each query's total. Returns (sum, completions listed)."""
    r = m.shape[0]
    out = np.empty((256, r), np.int64)
    mult = np.empty(256, np.float64)
    value = np.empty(256, np.int64)
    out, mult, value, k = allocations(m, col, lf, True, small_fact, out, mult, value)
    nq = vals.shape[0]
    query = np.empty(nq, np.int64)
    for j in range(nq):
        query[j] = threshold - vals[nq - 1 - j]  # ascending
    bucket = np.zeros(nq, np.float64)
    for a in range(k):
        f = value[a]
        if f > query[nq - 1]:
            continue
        lo = 0
        hi = nq - 1
        while lo < hi:
            mid = (lo + hi) >> 1
            if query[mid] >= f:
                hi = mid
            else:
                lo = mid + 1
        bucket[lo] += mult[a] * math.exp((f - query[lo]) * inv_scale)
    total = 0.0
    running = 0.0
    for j in range(nq):
        if j > 0:
            running *= math.exp((query[j - 1] - query[j]) * inv_scale)
        running += bucket[j]
        total += ws[nq - 1 - j] * running
    return total, k


# --------------------------------------------------------------------------------------
# one stage for a chunk of nodes
# --------------------------------------------------------------------------------------


@jit
def pull_chunk(
    children: I64,
    lowers: I64,
    uppers: I64,
    tail: bool,
    col: int,
    tail_col: int,
    rest: I64,
    log_rest: float,
    rows_max: int,
    radix: I64,
    lf: I64,
    lf_float: F64,
    inv_scale: float,
    threshold: int,
    table: I64,
    par_val: I64,
    par_w: F64,
    par_ew: F64,
    par_lp: F64,
    scaled: bool,
    max_work: int,
    progress: I64,
    piece: int,
) -> Any:
    """One stage for the nodes ``children`` with completion bounds ``lowers`` and
    ``uppers`` (:func:`._fisher_bounds.node_bounds`): each lists backwards the allocations
    of the column (total ``col``) that lead to it, pulls from its parents (:func:`_bands`),
    merges the bands in a small hash table of its own and keeps them as its pasts or, two
    columns from the end (``tail``), looks each band past up by its rank among its
    completions (:func:`_tail_runs`; merged and swept, :func:`tail_sweep`, only when the
    completions spread too far for scaled sums). ``rest`` holds the
    totals of the columns after this one (ascending), ``log_rest`` the sum of their log
    factorials; ``par_ew`` the parents' weights times exp(past - the parent's largest
    past), made for the children too when ``scaled`` (the next stage is the tail). The
    pieces of a stage share the budget through ``progress`` (the work done so far by each
    piece, this one at ``piece``). Returns (sum, work, over budget, margins, symmetries,
    ptr, pasts, weights, running log-sums, scaled weights) of the children that keep
    pasts."""
    r = children.shape[1]
    small_fact = np.ones(r + 2, np.float64)
    for i in range(2, r + 2):
        small_fact[i] = small_fact[i - 1] * i
    n_rest = 0
    for j in range(rest.shape[0]):
        n_rest += rest[j]
    t_float = threshold * inv_scale
    out = np.empty((256, r), np.int64)
    mult = np.empty(256, np.float64)
    value = np.empty(256, np.int64)
    runs = np.empty((256, 4), np.int64)
    factors = np.empty(256, np.float64)
    pending = np.empty((256, 3), np.int64)
    vtable = np.full(2 * SMALL_TABLE, EMPTY, np.int64)
    used = np.empty(SMALL_TABLE // 4 + 1, np.int64)
    t_out = np.empty((256, r), np.int64)
    t_mult = np.empty(256, np.float64)
    t_value = np.empty(256, np.int64)
    starts = np.empty(256, np.int64)
    fill = np.empty(256, np.int64)
    fv = np.empty(256, np.int64)
    fu = np.empty(256, np.float64)
    cum = np.empty(256, np.float64)
    sums = np.empty(256, np.float64)
    m = np.empty(r, np.int64)
    caps = np.empty(r, np.int64)
    buf = np.empty(r, np.int64)
    n_child = children.shape[0]
    nxt_margins = np.empty((max(n_child, 1), r), np.int64)
    nxt_sym = np.empty(max(n_child, 1), np.float64)
    nxt_ptr = np.zeros(n_child + 1, np.int64)
    nxt_val = np.empty(256, np.int64)
    nxt_w = np.empty(256, np.float64)
    nxt_lp = np.empty(256, np.float64)
    nxt_ew = np.empty(256, np.float64)
    n_nxt = 0
    n_val = 0
    total = 0.0
    work = 0
    over = False
    for ch in range(n_child):
        m[:] = children[ch]
        lower = lowers[ch]
        upper = uppers[ch]
        log_total = lf_float[n_rest] - log_rest  # log of the sum of exp(completion)
        for i in range(r):
            log_total -= lf_float[m[i]]
            caps[i] = rows_max - m[i]
        sym_child = symmetries(m, small_fact)
        out, mult, value, n_alloc = allocations(caps, col, lf, False, small_fact, out, mult, value)
        work += n_alloc
        runs = grow_2d(runs, n_alloc)
        factors = grow_1d(factors, n_alloc)
        pending = grow_2d(pending, n_alloc)
        closed, n_runs = _bands(
            m,
            out,
            mult,
            value,
            n_alloc,
            radix,
            table,
            par_val,
            par_lp,
            lower,
            upper,
            threshold,
            log_total - t_float,
            inv_scale,
            sym_child,
            buf,
            runs,
            factors,
            pending,
        )
        total += closed
        band = 0
        for i in range(n_runs):
            band += runs[i, 1] - runs[i, 0]
        work += band
        progress[piece] = work  # each piece writes its own entry and reads the others'
        if progress.sum() > max_work:
            over = True
            break
        if n_runs == 0:
            continue
        fast_tail = tail and (upper - lower) * inv_scale < FAST_SPAN
        if fast_tail:  # every band past looked up by its rank (_tail_runs), unmerged
            t_out, t_mult, t_value, k = allocations(
                m, tail_col, lf, True, small_fact, t_out, t_mult, t_value
            )
            work += k
            starts = grow_1d(starts, FINE_BUCKETS * k + 3)
            fill = grow_1d(fill, k + 3)
            fv = grow_1d(fv, 2 * k + 2)
            fu = grow_1d(fu, k + 1)
            cum = grow_1d(cum, k + 1)
            sums = grow_1d(sums, k + 1)
            n, shift, widest = _completion_index(
                t_value, t_mult, k, lower, upper, inv_scale, fv, fu, cum, starts, fill, band > 4 * k
            )
            total += _tail_runs(
                runs,
                factors,
                n_runs,
                par_val,
                par_w,
                par_ew,
                lower,
                upper,
                threshold,
                inv_scale,
                n,
                shift,
                widest,
                fv,
                cum,
                starts,
                sums,
            )
            continue
        cap = SMALL_TABLE  # merge the band pasts by value
        n_used = 0
        run = 0
        pos = runs[0, 0]
        while run < n_runs:
            n_used, run, pos = _insert_runs(
                vtable, used, n_used, cap, par_val, par_w, runs, factors, n_runs, run, pos
            )
            if run < n_runs:
                vtable, used, cap = _value_table_grow(vtable, used, n_used, cap)
        vals, ws = _take_sorted(vtable, used, n_used)
        if tail:
            s, listed = tail_sweep(m, tail_col, vals, ws, threshold, lf, inv_scale, small_fact)
            total += s
            work += listed
            continue
        nxt_margins[n_nxt] = m
        nxt_sym[n_nxt] = sym_child
        nxt_val = grow_1d(nxt_val, n_val + n_used)
        nxt_w = grow_1d(nxt_w, n_val + n_used)
        nxt_lp = grow_1d(nxt_lp, n_val + n_used + n_nxt + 1)
        nxt_ew = grow_1d(nxt_ew, n_val + n_used)
        _log_sums(vals, ws, inv_scale, nxt_lp, n_val + n_nxt)
        nxt_val[n_val : n_val + n_used] = vals
        nxt_w[n_val : n_val + n_used] = ws
        if scaled:  # the weights relative to the node's largest past, for the tail
            for i in range(n_used):
                nxt_ew[n_val + i] = ws[i] * math.exp((vals[i] - vals[n_used - 1]) * inv_scale)
        n_val += n_used
        n_nxt += 1
        nxt_ptr[n_nxt] = n_val
    return (
        total,
        work,
        over,
        nxt_margins[:n_nxt],
        nxt_sym[:n_nxt],
        nxt_ptr[: n_nxt + 1],
        nxt_val[:n_val],
        nxt_w[:n_val],
        nxt_lp[: n_val + n_nxt],
        nxt_ew[:n_val],
    )
