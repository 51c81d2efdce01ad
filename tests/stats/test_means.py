"""t-tests against R 4.x ``t.test``; tolerance relative 1e-8."""

from __future__ import annotations

import math

import pytest

from painresponse.errors import StatisticsError
from painresponse.stats.means import ttest_ind, ttest_ind_from_stats, ttest_rel

X = [19.1, 22.3, 18.7, 25.0, 21.4, 20.9, 23.3]
Y = [17.2, 18.8, 20.1, 16.5, 19.0, 17.7]
REL = 1e-8


def test_student_pooled() -> None:
    # R: t.test(x, y, var.equal=TRUE) -> t 3.16791046432, df 11, p 0.00895187633028,
    #    CI 1.0108759561 5.61293356771
    res = ttest_ind(X, Y)
    assert res.statistic == pytest.approx(3.16791046432, rel=REL)
    assert res.df == 11
    assert res.pvalue == pytest.approx(0.00895187633028, rel=REL)
    assert (res.ci_low, res.ci_high) == pytest.approx((1.0108759561, 5.61293356771), rel=REL)


def test_welch() -> None:
    # R: t.test(x, y) -> t 3.29850422801, df 9.90818703719, p 0.00813232838869,
    #    CI 1.07190065813 5.55190886568
    res = ttest_ind(X, Y, equal_var=False)
    assert res.df == pytest.approx(9.90818703719, rel=REL)
    assert res.pvalue == pytest.approx(0.00813232838869, rel=REL)
    assert (res.ci_low, res.ci_high) == pytest.approx((1.07190065813, 5.55190886568), rel=REL)


def test_welch_one_sided() -> None:
    # R: t.test(x, y, alternative="greater") -> p 0.00406616419435, CI 1.4903676693 Inf
    res = ttest_ind(X, Y, equal_var=False, alternative="greater")
    assert res.pvalue == pytest.approx(0.00406616419435, rel=REL)
    assert res.ci_low == pytest.approx(1.4903676693, rel=REL)
    assert res.ci_high == math.inf


def test_paired() -> None:
    # R: t.test(x[1:6], y, paired=TRUE) -> t 2.30312706722, df 5, p 0.0695006660913,
    #    CI -0.350315836332 6.38364916966
    res = ttest_rel(X[:6], Y)
    assert res.pvalue == pytest.approx(0.0695006660913, rel=REL)
    assert (res.ci_low, res.ci_high) == pytest.approx((-0.350315836332, 6.38364916966), rel=REL)


def test_from_stats_matches_raw() -> None:
    import numpy as np

    a, b = np.array(X), np.array(Y)
    res = ttest_ind_from_stats(a.mean(), a.std(ddof=1), 7, b.mean(), b.std(ddof=1), 6)
    assert res.pvalue == pytest.approx(ttest_ind(X, Y).pvalue, rel=1e-12)


def test_missing_swap_and_errors() -> None:
    res = ttest_ind([*X, float("nan")], Y)
    assert res.n == (7, 6) and res.n_missing == (1, 0)
    assert ttest_ind(Y, X).pvalue == pytest.approx(ttest_ind(X, Y).pvalue)
    assert math.isnan(ttest_ind([1, 1], [1, 1]).pvalue)
    with pytest.raises(StatisticsError):
        ttest_ind([], [1, 2])
    with pytest.raises(StatisticsError):
        ttest_rel([1, 2, 3], [1, 2])
    with pytest.raises(StatisticsError):
        ttest_ind(X, Y, alternative="bigger")
    paired = ttest_rel([1, 2, float("nan"), 4], [0, 1, 2, 2.5])
    assert paired.n == (3,) and paired.n_missing == (1,)
