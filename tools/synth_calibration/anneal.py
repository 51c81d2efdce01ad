"""Seeded simulated annealing on small integer tables, aimed at published summary figures.

The state is an integer array ``X`` (patients × time points). A move changes one cell by
±1 or ±2, or swaps two patients' values at one time point within a group; a move that
breaks a hard constraint (``valid``) is never taken. The loss compares the summary
vector ``stats(X)`` with the published targets: a mean or SD only counts once it is
outside the rounding interval of the printed value, a quartile counts from any
difference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Objective", "anneal", "sas_quartile_index"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def sas_quartile_index(n: int) -> tuple[IntArray, IntArray]:
    """0-based order-statistic positions of Q1, median and Q3 under SAS QNTLDEF=5.

    With ``n·p = j + g`` (``j`` integer, ``0 ≤ g < 1``) the quantile is ``x(j+1)`` when
    ``g > 0`` and ``(x(j) + x(j+1)) / 2`` when ``g = 0`` (1-based order statistics): the
    empirical distribution function with averaging, numpy's
    ``method="averaged_inverted_cdf"``.

    Parameters
    ----------
    n : int
        Sample size (≥ 1).

    Returns
    -------
    lo, hi : ndarray of int
        Positions in the sorted sample; the quartile is ``(x[lo] + x[hi]) / 2``.

    Examples
    --------
    >>> lo, hi = sas_quartile_index(84)
    >>> lo.tolist(), hi.tolist()
    ([20, 41, 62], [21, 42, 63])
    """
    lo, hi = [], []
    for k in (1, 2, 3):
        j, g = divmod(n * k, 4)
        if g:
            lo.append(j)
            hi.append(j)
        else:
            lo.append(max(j - 1, 0))
            hi.append(j)
    return np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64)


@dataclass(frozen=True)
class Objective:
    """Targets of a summary vector.

    Attributes
    ----------
    target : ndarray
        Published values (NaN where nothing is published).
    weight : ndarray
        Importance of each figure (0 where nothing is published).
    tolerance : ndarray
        Half-width of the interval inside which a figure counts as met.
    scale : ndarray
        Size of a one-unit miss.
    """

    target: FloatArray
    weight: FloatArray
    tolerance: FloatArray
    scale: FloatArray

    def loss(self, stats: FloatArray) -> float:
        """Weighted squared miss outside the tolerance, plus a small pull to the centre."""
        diff = np.nan_to_num(stats - self.target)
        miss = np.maximum(np.abs(diff) - self.tolerance, 0.0) / self.scale
        centre = diff / self.scale
        return float(np.sum(self.weight * (miss * miss + 0.001 * centre * centre)))


def anneal(
    X: IntArray,
    *,
    editable: npt.NDArray[np.bool_],
    lower: IntArray,
    upper: IntArray,
    groups: list[IntArray],
    stats: Callable[[IntArray], FloatArray],
    objective: Objective,
    rng: np.random.Generator,
    n_iter: int,
    valid: Callable[[IntArray, int], bool] | None = None,
    derive: Callable[[IntArray, int], None] | None = None,
    t_start: float = 1.0,
    t_end: float = 0.005,
) -> IntArray:
    """Minimise ``objective.loss(stats(X))`` over integer tables, seeded and deterministic.

    Parameters
    ----------
    X : ndarray of int, shape (n, k)
        Start values (changed in place and returned).
    editable : ndarray of bool, shape (n, k)
        Cells the search may change.
    lower, upper : ndarray of int, shape (n, k)
        Inclusive bounds of each cell.
    groups : list of ndarray of int
        Row indices of each group; swaps stay inside a group.
    stats : callable
        Summary vector of a table.
    objective : Objective
        Targets of the summary vector.
    rng : numpy.random.Generator
        Source of randomness.
    n_iter : int
        Number of proposed moves.
    valid : callable, optional
        ``valid(X, i)`` is False when row ``i`` breaks a hard constraint.
    derive : callable, optional
        ``derive(X, i)`` recomputes cells of row ``i`` that follow from others.
    t_start, t_end : float
        Temperatures of the geometric cooling schedule.

    Returns
    -------
    ndarray of int
        The best table found.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = np.zeros((10, 1), dtype=np.int64)
    >>> objective = Objective(np.array([3.0]), np.array([1.0]), np.array([0.0]), np.array([0.1]))
    >>> best = anneal(
    ...     X, editable=np.ones_like(X, dtype=bool), lower=X - 9, upper=X + 9,
    ...     groups=[np.arange(10)], stats=lambda x: x.mean(axis=0, dtype=float),
    ...     objective=objective, rng=rng, n_iter=2000)
    >>> float(best.mean())
    3.0
    """
    cells = np.argwhere(editable)
    rows_in_group = np.empty(X.shape[0], dtype=np.int64)
    for g, rows in enumerate(groups):
        rows_in_group[rows] = g
    pick = rng.integers(0, len(cells), n_iter)
    steps = rng.choice(np.array([-2, -1, -1, 1, 1, 2]), n_iter)
    kind = rng.random(n_iter)
    partner = rng.random(n_iter)
    accept = rng.random(n_iter)
    temps = t_start * (t_end / t_start) ** (np.arange(n_iter) / max(n_iter - 1, 1))

    current = objective.loss(stats(X))
    best, best_X = current, X.copy()
    for it in range(n_iter):
        i, t = (int(v) for v in cells[pick[it]])
        old_i = X[i].copy()
        if kind[it] < 0.3:
            members = groups[rows_in_group[i]]
            j = int(members[int(partner[it] * len(members))])
            if j == i or not editable[j, t] or X[i, t] == X[j, t]:
                continue
            old_j = X[j].copy()
            X[i, t], X[j, t] = X[j, t], X[i, t]
            touched: tuple[int, ...] = (i, j)
        else:
            value = X[i, t] + steps[it]
            if value < lower[i, t] or value > upper[i, t]:
                continue
            X[i, t] = value
            old_j = old_i
            j = i
            touched = (i,)
        ok = True
        for r in touched:
            if derive is not None:
                derive(X, r)
            if (X[r] < lower[r]).any() or (X[r] > upper[r]).any():
                ok = False
            if valid is not None and not valid(X, r):
                ok = False
        if ok:
            candidate = objective.loss(stats(X))
            delta = candidate - current
            if delta <= 0 or accept[it] < np.exp(-delta / temps[it]):
                current = candidate
                if current < best:
                    best, best_X = current, X.copy()
                continue
        X[i] = old_i
        X[j] = old_j
    X[...] = best_X
    return X
