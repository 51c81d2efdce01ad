"""The middle of a two-sided exact rank-sum test (:mod:`painresponse.stats._exact_middle`).

``P(lower <= D <= upper)`` by one network programme must equal the sum of the whole null
distribution over that range (to rounding), its counted work must equal the updates it
makes, its two-thread run must give the same numbers bit for bit, and the route that
uses it near the centre (``1 - middle``) must give the two tails' p-value.
"""

from __future__ import annotations

import numpy as np
import pytest

from painresponse.stats import _exact_choice, _exact_middle, _exact_parallel
from painresponse.stats._exact_ranks import rank_sum_distribution
from painresponse.stats.ranks import rank_sum_from_counts
from tests.stats._rank_cases import lattice, unbalanced_table


def _table(seed: int) -> tuple[list[int], list[int], int]:
    rng = np.random.default_rng(seed)
    levels = int(rng.integers(3, 12))
    d = np.cumsum(rng.integers(1, 4, levels)) - 1
    counts = rng.integers(1, 25, levels)
    m = int(rng.integers(2, min(30, int(counts.sum()) // 2 + 1)))  # the smaller group
    return [int(v) for v in d], [int(t) for t in counts], m


@pytest.mark.parametrize("seed", range(40))
def test_middle_is_the_distribution_summed_over_the_range(seed: int) -> None:
    """Random small tables, three ranges each (around the mean, lopsided, one end)."""
    d, counts, m = _table(9100 + seed)
    support, probs = rank_sum_distribution(d, counts, m)
    values = np.asarray(d[::-1], dtype=np.int64)
    totals = np.asarray(counts[::-1], dtype=np.int64)
    mean = float((support * probs).sum())
    sd = float(np.sqrt(((support - mean) ** 2 * probs).sum()))
    for lower, upper in (
        (int(mean - 0.5 * sd), int(mean + 0.5 * sd)),
        (int(mean - 2 * sd), int(mean + 0.2 * sd)),
        (int(support[0]), int(mean)),
    ):
        expected = float(probs[(support >= lower) & (support <= upper)].sum())
        middle, cells = _exact_middle.rank_sum_middle(values, totals, m, lower, upper, 1e9)
        work, table = _exact_middle.rank_sum_middle_work(values, totals, m, lower, upper)
        assert middle == pytest.approx(expected, rel=1e-13, abs=1e-16)
        assert cells == work and table >= 1


@pytest.mark.parametrize("seed", range(3))
def test_two_threads_give_the_same_middle(seed: int) -> None:
    """Two threads sharing the bands, and one thread through the same steps, agree with
    the compiled one-thread middle bit for bit."""
    rng = np.random.default_rng(9300 + seed)
    for _ in range(15):
        x, y = unbalanced_table(
            int(rng.integers(4, 30)),
            int(rng.integers(10, 60)),
            int(rng.integers(200, 1200)),
            int(rng.integers(1 << 30)),
            0,
            bool(rng.random() < 0.5),
        )
        d, counts, m, hi, lo = lattice(x, y, "two-sided")
        if hi is None or lo is None or hi - lo < 2:
            continue
        values = np.asarray(d[::-1], dtype=np.int64)
        totals = np.asarray(counts[::-1], dtype=np.int64)
        alone = _exact_middle.rank_sum_middle(values, totals, m, lo + 1, hi - 1, 1e9)
        shared = _exact_parallel.rank_sum_tail_shared(
            values, totals, m, lo + 1, 1e9, _exact_parallel.SpareCores(1), hi - 1
        )
        serial = _exact_parallel.rank_sum_tail_shared(
            values, totals, m, lo + 1, 1e9, _exact_parallel.SpareCores(0), hi - 1
        )
        assert shared == alone == serial


def _centre_case() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7100)
    x = np.bincount(rng.choice(7, 100), minlength=7)
    y = np.bincount(rng.choice(7, 5000), minlength=7)
    return x, y


def test_route_near_the_centre_takes_the_middle(monkeypatch: pytest.MonkeyPatch) -> None:
    """100 + 5,000 on 7 values (p about 0.5): one programme over the middle, and the same
    p-value as the two tails (forced by a ratio of 0) to 1e-14. The middle's Fourier grid
    (:mod:`._exact_window`, cheaper here) is left out by a try threshold above 1, and the
    tails' grids (as cheap as their programmes with the centres' series) by the cost
    model without that saving."""
    monkeypatch.setattr(_exact_choice, "FOURIER_MIDDLE_TRY_PVALUE", 2.0)
    monkeypatch.setattr(_exact_choice, "_CENTRE_SAVING", 0.0)
    x, y = _centre_case()
    middle = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert middle.details["algorithm"] == "network (middle)"
    monkeypatch.setattr(_exact_choice, "MIDDLE_MAX_RATIO", 0.0)
    tails = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert tails.details["algorithm"] == "network"
    assert middle.pvalue == pytest.approx(tails.pvalue, rel=1e-14)


def test_small_pvalue_from_the_middle_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A middle whose 1 - middle is below MIDDLE_MIN_PVALUE is not kept (its subtraction
    would lose relative precision): the two tails answer."""
    x, y = _centre_case()
    monkeypatch.setattr(_exact_choice, "FOURIER_MIDDLE_TRY_PVALUE", 2.0)
    monkeypatch.setattr(_exact_choice, "MIDDLE_MIN_PVALUE", 0.99)
    result = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert result.details["algorithm"] == "network"
