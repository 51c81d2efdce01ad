"""Fisher's exact test of a 2 x c table with few possible tables, by listing them all.

A study comparing two groups asks Fisher's test of 2 x c tables: group by category, with
one or two small categories (Table 1's comorbidities or surgery counts). Such a table has
few tables with its margins (the demo's: at most 24 to 3,840), and listing them takes
well under a millisecond. The network algorithm (:mod:`._fisher_network`) would give the
same p-value but first loads its compiled kernels (about 0.3 s in each process), which is
most of the time a report spends on these tests. Larger tables go to the network.

The rule is R's: the p-value is the sum of the probabilities of the tables whose
probability is at most the observed one times ``1 + 1e-7``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

__all__ = ["LISTING_MAX_TABLES", "listed_pvalue", "tables_to_list"]

#: Tables listed at most (arrays of this many entries per column: a few MB).
LISTING_MAX_TABLES = 200_000


def tables_to_list(counts: NDArray[np.int64]) -> float:
    """Upper bound on the tables :func:`listed_pvalue` lists; ``inf`` unless one side is 2.

    The product, over all columns but the last, of how many values the first row's cell
    can take given the column total and the first row's total.
    """
    if 2 not in counts.shape:
        return math.inf
    two = counts if counts.shape[0] == 2 else counts.T
    first = int(two[0].sum())
    second = int(two[1].sum())
    cols = two.sum(axis=0)
    ranges = np.minimum(cols, first) - np.maximum(cols - second, 0) + 1
    return float(np.prod(ranges[:-1].astype(float)))


def listed_pvalue(counts: NDArray[np.int64], rel_tol: float) -> float:
    """Two-sided Fisher p-value of a 2 x c (or r x 2) table without empty margins.

    Parameters
    ----------
    counts : ndarray of int64
        The table, one side of length 2, at most :data:`LISTING_MAX_TABLES` tables to list
        (:func:`tables_to_list`).
    rel_tol : float
        Tables with ``P <= P(observed) * (1 + rel_tol)`` count as extreme (R: 1e-7).

    Returns
    -------
    float
        The p-value.
    """
    two = counts if counts.shape[0] == 2 else counts.T
    first, second = int(two[0].sum()), int(two[1].sum())
    cols = two.sum(axis=0).astype(np.int64)
    # first-row cells of every table, column by column: partial sums within reach
    taken = np.zeros(1, dtype=np.int64)
    value = np.zeros(1)  # -sum of log(x!) over the cells placed so far
    left = int(cols.sum())
    for col in cols[:-1]:
        col = int(col)
        left -= col
        low, high = max(0, col - second), min(col, first)
        cells = np.arange(low, high + 1, dtype=np.int64)
        cell_value = -(gammaln(cells + 1.0) + gammaln(col - cells + 1.0))
        taken = (taken[:, None] + cells[None, :]).ravel()
        value = (value[:, None] + cell_value[None, :]).ravel()
        # the columns still to come must be able to take the rest of the first row
        keep = (taken <= first) & (first - taken <= left)
        taken, value = taken[keep], value[keep]
    last = int(cols[-1])
    rest = first - taken
    keep = (rest >= max(0, last - second)) & (rest <= last)
    rest, value = rest[keep], value[keep]
    value = value - (gammaln(rest + 1.0) + gammaln(last - rest + 1.0))
    observed = -float(np.sum(gammaln(two + 1.0)))
    extreme = value[value <= observed + math.log1p(rel_tol)]
    log_const = float(
        gammaln(first + 1.0) + gammaln(second + 1.0) + np.sum(gammaln(cols + 1.0))
    ) - float(gammaln(first + second + 1.0))
    top = float(extreme.max())
    total = float(np.sum(np.exp(extreme - top)))
    return min(1.0, math.exp(math.log(total) + top + log_const))
