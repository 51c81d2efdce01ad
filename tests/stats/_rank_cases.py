"""Tables and reduced problems shared by the exact rank-sum tests of unbalanced groups
(``test_exact_unbalanced.py``, ``test_exact_rank_corners.py``), and the names of the
Fourier routes."""

from __future__ import annotations

import math

import numpy as np

from painresponse.stats import _exact_ranks
from painresponse.stats.ranks import _doubled_midranks

#: The Fourier routes: a tail (or two), or the middle between two tails near the centre.
FOURIER_ROUTES = ("fourier", "fourier (middle)")
#: R's names of the alternatives, and ours.
ALTERNATIVE = {"two.sided": "two-sided", "less": "less", "greater": "greater"}


def random_small_table(rng: np.random.Generator, most: int) -> tuple[np.ndarray, int]:
    """Counts of 3-11 values (at most ``most - 1`` each; one category of a single
    observation half the time, a factor with ``t = 1``) and a group size of 2 to half."""
    k = int(rng.integers(3, 12))
    totals = rng.integers(1, most, k)
    if rng.random() < 0.5:
        totals[rng.integers(0, k)] = 1
    return totals, int(rng.integers(2, int(totals.sum()) // 2 + 1))


def unbalanced_table(
    levels: int, small: int, large: int, seed: int, shift: int = 0, skew: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Counts per value of a small group (shifted up, capped) and a large one; ``skew``
    makes the frequencies geometric-like, as the coin reference scripts do."""
    rng = np.random.default_rng(seed)
    prob = np.exp(-np.arange(levels) / (levels / 4)) if skew else np.ones(levels)
    prob /= prob.sum()
    x = np.minimum(rng.choice(levels, small, p=prob) + shift, levels - 1)
    y = rng.choice(levels, large, p=prob)
    return np.bincount(x, minlength=levels), np.bincount(y, minlength=levels)


def lattice(
    x: np.ndarray, y: np.ndarray, alternative: str
) -> tuple[list[int], list[int], int, int | None, int | None]:
    """The reduced integer problem ``rank_sum_pvalue`` solves: values, totals, the smaller
    group's size and the thresholds of its tails (a larger ``x`` is reflected, as there)."""
    totals = x + y
    keep = totals > 0
    x, totals = x[keep], totals[keep]
    scores2 = _doubled_midranks(totals)
    m = int(x.sum())
    w2 = int((scores2 * x).sum())
    n_total = int(totals.sum())
    if 2 * m > n_total:
        w2 = int((scores2 * totals).sum()) - w2
        m = n_total - m
        alternative = {"less": "greater", "greater": "less"}.get(alternative, alternative)
    s_min = int(scores2[0])
    g = math.gcd(*(int(s) - s_min for s in scores2))
    d = [(int(s) - s_min) // g for s in scores2]
    counts = [int(t) for t in totals]
    centre = 2 * m * sum(v * t for v, t in zip(d, counts, strict=True))
    hi, lo = _exact_ranks._thresholds(centre, n_total, (w2 - m * s_min) // g, alternative)
    return d, counts, m, hi, lo
