"""Effect sizes: published examples and R 4.x computations (calls in comments)."""

from __future__ import annotations

import math

import pytest

from painresponse.errors import StatisticsError
from painresponse.stats.effects import (
    mean_difference,
    odds_ratio,
    probability_of_superiority,
    rank_biserial,
    risk_difference,
    standardized_mean_difference,
)

X = [1, 2, 3, 4, 5]
Y = [2, 4, 6, 8, 10]


def test_mean_difference_r() -> None:
    # R: t.test(X, Y, var.equal=TRUE)$conf.int -> -6.6461127 0.6461127
    res = mean_difference(X, Y)
    assert res.estimate == -3
    assert (res.ci_low, res.ci_high) == pytest.approx((-6.6461127, 0.6461127), rel=1e-7)


def test_cohen_d_noncentral_ci() -> None:
    # R: t <- -1.2*sqrt(25/10); uniroot(function(n) pt(t, 8, n) - 0.975 / 0.025, ...)
    #    limits / sqrt(25/10) -> -2.5377035879 0.1978721032
    res = standardized_mean_difference(X, Y, kind="cohen")
    assert res.estimate == pytest.approx(-1.2)
    assert res.ci_low == pytest.approx(-2.5377035879, rel=1e-6)
    assert res.ci_high == pytest.approx(0.1978721032, rel=1e-6)


def test_hedges_g() -> None:
    res = standardized_mean_difference(X, Y)
    j = math.gamma(4) / (math.sqrt(4) * math.gamma(3.5))
    assert res.estimate == pytest.approx(-1.2 * j)
    assert res.ci_low == pytest.approx(-2.5377035879 * j, rel=1e-6)


def test_newcombe_examples() -> None:
    # Newcombe (1998) Table II, method 10: (a) 56/70 - 48/80: 0.0524, 0.3339;
    # (b) 9/10 - 3/10: 0.1705, 0.8090
    res = risk_difference([[56, 14], [48, 32]])
    assert (res.ci_low, res.ci_high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    res = risk_difference([[9, 1], [3, 7]])
    assert (res.ci_low, res.ci_high) == pytest.approx((0.1705, 0.8090), abs=5e-5)
    assert math.isnan(res.pvalue) and res.note


def test_odds_ratio_woolf_and_haldane() -> None:
    res = odds_ratio([[12, 5], [6, 10]])
    se = math.sqrt(1 / 12 + 1 / 5 + 1 / 6 + 1 / 10)
    assert res.estimate == pytest.approx(4.0)
    assert res.ci_low == pytest.approx(math.exp(math.log(4) - 1.959963984540054 * se))
    zero = odds_ratio([[0, 5], [5, 5]])
    assert zero.details["haldane"] and zero.note
    assert zero.estimate == pytest.approx((0.5 * 5.5) / (5.5 * 5.5))
    with pytest.raises(StatisticsError):
        odds_ratio([[1, 2, 3], [4, 5, 6]])


def test_rank_biserial_and_superiority() -> None:
    res = rank_biserial([3, 4, 5, 6], [1, 2, 3, 4])
    # pairs: 16; x > y in 13, ties 2 -> r = 2*13/16 + 2/16 - 1 = 0.75
    assert res.estimate == pytest.approx(0.75)
    assert res.ci_low < 0.75 < res.ci_high
    assert rank_biserial([1, 2, 3, 4], [3, 4, 5, 6]).estimate == pytest.approx(-0.75)
    ps = probability_of_superiority([3, 4, 5, 6], [1, 2, 3, 4])
    assert ps.estimate == pytest.approx(0.875)
    perfect = rank_biserial([5, 6], [1, 2])
    assert perfect.estimate == 1 and perfect.ci_low == 1
