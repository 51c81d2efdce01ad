"""The Chernoff bound that leaves out rank-sum tails below the float range (:mod:`._exact_bound`).

The bound must hold: checked against exact tails (the route's p-value, itself checked
against the network programme and R coin elsewhere) from 1e-1 down to 1e-300, where it
is within about 9 nats of the truth. A tail below ``e^-750`` rounds to 0, so a p-value
made only of such tails is exactly 0 and is returned at once; the routes, run with the
bound switched off, give 0 as well.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from painresponse.stats import _exact_ranks
from painresponse.stats._exact_bound import NEGLIGIBLE_LOG, log_upper_tail_bound
from painresponse.stats.ranks import rank_sum_from_counts
from tests.stats._rank_cases import lattice, unbalanced_table


@pytest.mark.parametrize("levels", [5, 7, 11, 30])
@pytest.mark.parametrize(("small", "large", "shift"), [(300, 5000, 3), (1000, 5000, 2)])
def test_bound_holds_and_is_tight(levels: int, small: int, large: int, shift: int) -> None:
    x, y = unbalanced_table(
        levels, small, large, seed=levels + small + shift, shift=shift, skew=True
    )
    d, counts, m, hi, _ = lattice(x, y, "greater")
    assert hi is not None
    bound = log_upper_tail_bound(d, counts, m, hi)
    result = rank_sum_from_counts(np.arange(levels), x, y, "exact", alternative="greater")
    if result.pvalue > 0.0:
        log_p = math.log(result.pvalue)
        assert log_p <= bound
        if bound < 0.0:  # computed (far enough out): a Chernoff bound's usual gap
            assert bound - log_p < 12.0
    else:
        assert bound < NEGLIGIBLE_LOG
        assert result.details["algorithm"] == "chernoff bound"


def test_no_bound_near_the_centre() -> None:
    """Within 20 standard deviations of the mean the bound is not computed (0.0)."""
    x, y = unbalanced_table(7, 300, 5000, seed=1, shift=0, skew=True)
    d, counts, m, hi, _ = lattice(x, y, "greater")
    assert hi is not None
    assert log_upper_tail_bound(d, counts, m, hi) == 0.0
    assert log_upper_tail_bound(d, counts, m, 0) == 0.0
    assert log_upper_tail_bound(d, counts, 0, 1) == 0.0


def test_tails_below_the_float_range_are_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 + 5,000 on a skewed 0-6 scale shifted by two points: both tails of the
    two-sided p-value are below e^-750, the p-value is exactly 0 without running any
    route, as the routes compute it when the bound is switched off."""
    x, y = unbalanced_table(7, 2000, 5000, seed=2009, shift=2, skew=True)
    result = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert result.pvalue == 0.0
    assert result.details["algorithm"] == "chernoff bound"
    d, counts, m, hi, _ = lattice(x, y, "greater")
    assert hi is not None
    assert log_upper_tail_bound(d, counts, m, hi) < NEGLIGIBLE_LOG
    monkeypatch.setattr(_exact_ranks, "NEGLIGIBLE_LOG", -math.inf)
    routed = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert routed.pvalue == 0.0
    assert routed.details["algorithm"] != "chernoff bound"


def test_one_tail_left_out() -> None:
    """A one-sided p-value below the float range is 0; the other direction is about 1."""
    x, y = unbalanced_table(11, 2000, 5000, seed=2014, shift=3, skew=True)
    greater = rank_sum_from_counts(np.arange(11), x, y, "exact", alternative="greater")
    less = rank_sum_from_counts(np.arange(11), x, y, "exact", alternative="less")
    assert greater.pvalue == 0.0
    assert greater.details["algorithm"] == "chernoff bound"
    assert less.pvalue == pytest.approx(1.0)


def _falling_table(seed: int, levels: int, small: int, fall: float) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    prob = np.exp(-np.arange(levels) * fall / (levels - 1))
    prob /= prob.sum()
    x = np.minimum(rng.choice(levels, small, p=prob) + 1, levels - 1)
    y = rng.choice(levels, 5000, p=prob)
    return np.bincount(x, minlength=levels), np.bincount(y, minlength=levels)


@pytest.mark.parametrize(("seed", "levels", "fall"), [(0, 6, 4.0), (2, 6, 4.0), (3, 11, 9.0)])
def test_lopsided_tails_leave_out_the_negligible_one(
    seed: int, levels: int, fall: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 + 5,000 shifted by one point on a steep scale: the mirrored tail is under
    half an ulp of the other, so it is not computed (a fraction of the cost), and the
    p-value is bit for bit the one with both tails computed."""
    x, y = _falling_table(seed, levels, 1000, fall)
    lopsided = rank_sum_from_counts(np.arange(levels), x, y, "exact")
    monkeypatch.setattr(_exact_ranks, "LOPSIDED_NATS", math.inf)
    both = rank_sum_from_counts(np.arange(levels), x, y, "exact")
    assert lopsided.pvalue == both.pvalue
    assert 0.0 < lopsided.pvalue < 1e-190
    assert lopsided.details["cost"] < both.details["cost"]
