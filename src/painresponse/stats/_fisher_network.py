"""The network algorithm for the Fisher–Freeman–Halton exact test, stage by stage.

Imported only when an exact r x c Fisher test runs (it imports numba, through
:mod:`._fisher_kernel` and :mod:`._fisher_tail`, where all the compiled work is).
:func:`exact_pvalue` is the entry point; :func:`network_sum` describes the algorithm.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from painresponse.stats import _fisher_bounds as bounds
from painresponse.stats import _fisher_kernel as kernel
from painresponse.stats import _fisher_tail as tail_kernel
from painresponse.stats._exact_parallel import available_cores
from painresponse.stats._jit import jit

__all__ = ["exact_pvalue", "fixed_point_log_factorials", "network_sum"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

REL_TOL = 1e-7  # R's fisher.test counts tables with p <= p_obs * (1 + 1e-7) as extreme
_CHUNKS = 32  # the nodes of a stage are pulled in this many pieces (threads share them)
_MAX_PASTS = 50_000_000  # past values kept at one stage (~1.2 GB): beyond, over budget

_POOL: ThreadPoolExecutor | None = None


@jit
def fixed_point_log_factorials(n: int, scale: float) -> I64:
    """log k! for k = 0..n in units of 1 / ``scale``, with exactly additive logs: log p is
    rounded once per prime p and log k is the sum over the prime factors of k, so products
    of factorials that are equal as numbers have equal fixed-point logs."""
    logs = np.zeros(n + 1, np.int64)
    smallest = np.zeros(n + 1, np.int64)  # smallest prime factor
    for k in range(2, n + 1):
        if smallest[k] == 0:
            for q in range(k, n + 1, k):
                if smallest[q] == 0:
                    smallest[q] = k
            logs[k] = round(math.log(k) * scale)
        else:
            logs[k] = logs[smallest[k]] + logs[k // smallest[k]]
    out = np.zeros(n + 1, np.int64)
    for k in range(1, n + 1):
        out[k] = out[k - 1] + logs[k]
    return out


@jit
def candidate_nodes(rows: I64, total: int) -> I64:
    """Every sorted vector of remaining totals with sum ``total`` whose i-th smallest entry
    is at most the i-th smallest row total (``rows`` ascending): the possible nodes."""
    r = rows.shape[0]
    suffix = np.zeros(r + 1, np.int64)
    for i in range(r - 1, -1, -1):
        suffix[i] = suffix[i + 1] + rows[i]
    out = np.empty((64, r), np.int64)
    n = 0
    if suffix[0] < total:
        return out[:0]
    x = np.zeros(r, np.int64)
    left = np.zeros(r + 1, np.int64)
    left[0] = total
    i = 0
    x[0] = max(0, total - suffix[1])
    while True:
        if x[i] <= min(rows[i], left[i] // (r - i)):
            if i < r - 1:
                left[i + 1] = left[i] - x[i]
                i += 1
                x[i] = max(x[i - 1], left[i] - suffix[i + 1])
                continue
            if x[i] == left[i]:
                if n == out.shape[0]:  # full: twice the room
                    bigger = np.empty((2 * n, r), np.int64)
                    bigger[:n] = out
                    out = bigger
                out[n] = x
                n += 1
            x[i] = left[i] + 1
        else:
            i -= 1
            if i < 0:
                break
            x[i] += 1
    return out[:n]


def default_workers() -> int:
    """Threads for the kernel: the CPUs this process may use, at most 2."""
    return available_cores()


def _map(workers: int, func: Callable[..., Any], *args: Any) -> list[Any]:
    global _POOL
    if workers <= 1 or len(args[0]) <= 1:
        return [func(*items) for items in zip(*args, strict=True)]
    if _POOL is None or _POOL._max_workers < workers:
        _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fisher-network")
    return list(_POOL.map(func, *args))


def _pull(children: I64, piece: int, **kwargs: Any) -> Any:
    lowers, uppers = bounds.node_bounds(
        children, kwargs["rest"], kwargs["tail"], kwargs["tail_col"], kwargs["lf"]
    )
    return tail_kernel.pull_chunk(children, lowers, uppers, piece=piece, **kwargs)


def network_sum(
    rows: I64,
    cols: I64,
    lf: I64,
    lf_float: F64,
    inv_scale: float,
    threshold: int,
    max_work: int,
    workers: int = 1,
) -> tuple[float, bool, int]:
    """Sum of exp(value - threshold) over the tables with margins ``rows`` and ``cols``
    whose value -sum(log x_ij!) is at most ``threshold`` (fixed point).

    Parameters
    ----------
    rows : int64 array
        Row totals, ascending (the coordinates of a node: the smaller dimension).
    cols : int64 array
        Column totals in the order they are placed (at least two).
    lf, lf_float : arrays
        log k! for k = 0..n in fixed point (:func:`fixed_point_log_factorials`)
        and as floats (for the closed-form totals).
    inv_scale : float
        The size of one fixed-point unit.
    threshold : int
        The observed table's value plus R's relative tolerance, in fixed point.
    max_work : int
        Budget in elementary steps (allocations listed, past values merged).
    workers : int
        Threads pulling the nodes of a stage; the result does not depend on it.

    Returns
    -------
    (total, over_budget, work)

    Notes
    -----
    The network of Mehta and Patel: columns are placed one at a time (stages) and a node
    is the sorted tuple of row totals still to be filled, rows with equal totals being
    interchangeable. Each node keeps its *past* values (of the columns placed so far),
    merged by equality, with the number of paths giving each. Each node of the next stage
    *pulls* from its parents: it lists backwards the allocations of the column that lead to
    it (parent = node + allocation) and, with bounds [L, U] on the value its completions can
    add, the parent's pasts p with p + e + U <= threshold (e the allocation's value) form a
    prefix, added in closed form (the parent's running log-sum of past probabilities times
    the node's total over its completions); those with p + e + L > threshold are dropped;
    only the band between is merged into the node's pasts, in a small hash table of its own
    that stays in cache (past-path hashing). Two columns from the end the bounds are exact
    (the shortest and longest path: a greedy fill and a vertex search) and each band past
    is looked up by its rank among the node's completions, listed once, merged by value and
    bucketed (exact: the rank alone decides which completions count; the pasts are not
    merged first, which measured slower than looking each up). Before that the bounds
    relax the row or the column totals (:mod:`._fisher_bounds`, computed per chunk of
    nodes before the stage kernel). A stage with few parents lists its children forwards
    first, so that only reachable nodes pull.
    """
    r = rows.shape[0]
    c = cols.shape[0]
    small_fact = np.array([float(math.factorial(i)) for i in range(r + 2)])
    if c == 2:
        total, listed = tail_kernel.tail_sweep(
            rows,
            int(cols[0]),
            np.zeros(1, np.int64),
            np.ones(1),
            threshold,
            lf,
            inv_scale,
            small_fact,
        )
        return total, listed > max_work, listed
    radix = np.cumprod(np.concatenate([[1], rows[:-1] + 1])).astype(np.int64)
    margins = rows.reshape(1, r).copy()
    sym = np.array([kernel.symmetries(rows, small_fact)])
    ptr = np.array([0, 1], np.int64)
    val = np.zeros(1, np.int64)
    weight = np.ones(1)
    scaled = np.ones(1)
    lp = np.array([-np.inf, 0.0])
    total = 0.0
    work = 0
    for stage in range(c - 2):
        tail = stage + 1 == c - 2
        rest = np.sort(cols[stage + 1 :]).astype(np.int64)
        log_rest = float(sum(lf_float[k] for k in rest))
        children = candidate_nodes(rows, int(rest.sum()))
        if 3 * margins.shape[0] < children.shape[0]:
            children = kernel.reached_nodes(margins, int(cols[stage]), radix, lf, small_fact)
        table = kernel.index_parents(margins, radix, ptr, val, lp, sym)
        pull = partial(
            _pull,
            tail=tail,
            col=int(cols[stage]),
            tail_col=int(cols[c - 2]),
            rest=rest,
            log_rest=log_rest,
            rows_max=int(rows[-1]),
            radix=radix,
            lf=lf,
            lf_float=lf_float,
            inv_scale=inv_scale,
            threshold=threshold,
            table=table,
            par_val=val,
            par_w=weight,
            par_ew=scaled,
            par_lp=lp,
            scaled=stage + 2 == c - 2,
            max_work=max_work - work,
            progress=np.zeros(_CHUNKS, np.int64),
        )
        # a fixed split (not by thread count) keeps the order of the sums, so the result
        # is the same whatever the number of threads
        n_pieces = _CHUNKS if children.shape[0] >= 4 * _CHUNKS else 1
        results = _map(workers, pull, np.array_split(children, n_pieces), range(n_pieces))
        for res in results:
            total += res[0]
            work += res[1]
        if work > max_work or any(res[2] for res in results):
            return total, True, work
        if tail:
            break
        margins = np.concatenate([res[3] for res in results])
        if margins.shape[0] == 0:
            break
        sym = np.concatenate([res[4] for res in results])
        sizes = np.cumsum([0] + [res[6].shape[0] for res in results])
        ptr = np.concatenate(
            [[0]] + [res[5][1:] + size for res, size in zip(results, sizes[:-1], strict=True)]
        ).astype(np.int64)
        val = np.concatenate([res[6] for res in results])
        if val.shape[0] > _MAX_PASTS:
            return total, True, work
        weight = np.concatenate([res[7] for res in results])
        lp = np.concatenate([res[8] for res in results])
        scaled = np.concatenate([res[9] for res in results])
    return total, False, work


def exact_pvalue(counts: I64, max_work: int, workers: int | None = None) -> float | None:
    """Two-sided Fisher–Freeman–Halton p-value of a table of counts without empty rows or
    columns (at least 2 x 2), or None when the enumeration would exceed ``max_work``.

    The smaller dimension goes in rows (fewer nodes), the columns ascending (measured
    fastest: the two largest form the exact tail). Values are held in fixed point, units
    of 2**-bits with bits as large as int64 sums allow (at most 50), log-factorials with
    exactly additive logs: a table's value moves by at most 2**-(bits + 1) per prime factor
    of n!, below 1e-10 for n up to several thousand.
    """
    if counts.shape[0] > counts.shape[1]:
        counts = counts.T
    rows = np.sort(counts.sum(axis=1)).astype(np.int64)
    cols = np.sort(counts.sum(axis=0)).astype(np.int64)
    n = int(rows.sum())
    if float(np.prod(rows.astype(float) + 1.0)) >= 2.0**62:  # node codes must fit in int64
        return None
    lf_float = np.array([math.lgamma(k + 1.0) for k in range(n + 1)])
    bits = min(50, 61 - math.ceil(math.log2(lf_float[n] + 2.0)))
    scale = 2.0**bits
    lf = fixed_point_log_factorials(n, scale)
    observed = -int(lf[counts].sum())
    threshold = observed + round(math.log1p(REL_TOL) * scale)
    total, over, _ = network_sum(
        rows,
        cols,
        lf,
        lf_float,
        1.0 / scale,
        threshold,
        max_work,
        default_workers() if workers is None else workers,
    )
    if over:
        return None
    if total <= 0.0:  # pragma: no cover - the observed table itself always counts
        return 0.0
    log_const = float(lf_float[rows].sum() + lf_float[cols].sum() - lf_float[n])
    return min(1.0, math.exp(math.log(total) + threshold / scale + log_const))
