"""Tests of painresponse.stats.location_shift against R ``wilcox.test(conf.int = TRUE)``.

R 4.2.2; tolerance relative 1e-10 (agreement is about 1e-15, including the asymptotic
estimate, because R's Brent iteration is reproduced step by step).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painresponse.errors import StatisticsError
from painresponse.stats.location_shift import hodges_lehmann

RESPONDERS = [0] * 6 + [1] * 8 + [2] * 9 + [3] * 7 + [4] * 5 + [5] * 3 + [6] * 2 + [7]
NON_RESPONDERS = [2] * 3 + [3] * 5 + [4] * 7 + [5] * 9 + [6] * 8 + [7] * 6 + [8] * 3 + [9, 10]
CHANGES = [-3] * 2 + [-2] * 4 + [-1] * 6 + [0] * 9 + [1] * 7 + [2] * 6 + [3] * 4 + [4] * 2 + [6]


def test_two_sample_exact_hollander_wolfe() -> None:
    """R: x <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46)
    y <- c(1.15, 0.88, 0.90, 0.74, 1.21); wilcox.test(x, y, conf.int = TRUE)
    # estimate 0.305, conf.int -0.15 0.76, p 0.2544123"""
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    res = hodges_lehmann(x, y)
    assert res.estimate == pytest.approx(0.305, rel=1e-10)
    assert (res.ci_low, res.ci_high) == pytest.approx((-0.15, 0.76), rel=1e-10)
    assert res.conf_level == 0.95
    assert res.pvalue == pytest.approx(0.2544123, rel=1e-6)
    assert res.estimate_name == "Hodges–Lehmann shift (x − y)"


def test_paired_exact_hollander_wolfe() -> None:
    """R: wilcox.test(x, y, paired = TRUE, conf.int = TRUE) with the Hamilton depression
    data of ?wilcox.test: p 0.0390625, estimate 0.46, conf.int 0.01 0.786"""
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    res = hodges_lehmann(x, y, paired=True)
    assert res.pvalue == pytest.approx(0.0390625, rel=1e-10)
    assert res.estimate == pytest.approx(0.46, rel=1e-10)
    assert (res.ci_low, res.ci_high) == pytest.approx((0.01, 0.786), rel=1e-10)
    assert res.details["median_of_walsh_averages"] == pytest.approx(0.46)


def test_two_sample_asymptotic_with_ties_matches_r() -> None:
    """R: w <- wilcox.test(resp, non, conf.int = TRUE, exact = FALSE)
    c(w$estimate, w$conf.int)
    # -2.9999430174565225 -3.9999475392261594 -2.0000044512215402"""
    res = hodges_lehmann(RESPONDERS, NON_RESPONDERS)
    assert "asymptotic" in res.method
    assert res.estimate == pytest.approx(-2.9999430174565225, rel=1e-10)
    assert res.ci_low == pytest.approx(-3.9999475392261594, rel=1e-10)
    assert res.ci_high == pytest.approx(-2.0000044512215402, rel=1e-10)
    assert res.details["median_of_differences"] == -3.0


def test_one_sample_asymptotic_with_zeros_matches_r() -> None:
    """R: w <- wilcox.test(d, conf.int = TRUE, exact = FALSE); c(w$estimate, w$conf.int)
    # 9.9997336169877593e-01 -1.1124404030027259e-05 1.5000890970359460e+00"""
    res = hodges_lehmann(CHANGES)
    assert res.estimate == pytest.approx(9.9997336169877593e-01, rel=1e-10)
    assert res.ci_low == pytest.approx(-1.1124404030027259e-05, rel=1e-8)
    assert res.ci_high == pytest.approx(1.5000890970359460e00, rel=1e-10)
    assert res.details["n_zero"] == 9


def test_exact_with_ties_inverts_the_exact_conditional_test() -> None:
    # ties used to be refused; the interval now inverts the exact conditional test
    # (tests/stats/test_exact_intervals.py checks it against brute-force enumeration)
    res = hodges_lehmann([1, 2, 2], [3, 4], method="exact")
    assert "exact conditional interval" in res.method


def test_all_zero_differences() -> None:
    res = hodges_lehmann([1, 2, 3], [1, 2, 3], paired=True)
    assert math.isnan(res.estimate) and res.note


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: hodges_lehmann([], [1.0]), "at least one"),
        (lambda: hodges_lehmann([1.0, 2.0], [1.0], paired=True), "same length"),
        (lambda: hodges_lehmann([1.0, 2.0], conf_level=1.5), "conf_level"),
        (lambda: hodges_lehmann([1.0, math.inf]), "infinite"),
        (lambda: hodges_lehmann([np.nan]), "no non-missing"),
    ],
)
def test_bad_input(call: object, message: str) -> None:
    with pytest.raises(StatisticsError, match=message):
        call()  # type: ignore[operator]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=15),
    st.lists(st.integers(0, 10), min_size=2, max_size=15),
)
def test_interval_contains_estimate_and_swaps(x: list[int], y: list[int]) -> None:
    res = hodges_lehmann(x, y)
    swapped = hodges_lehmann(y, x)
    if math.isnan(res.ci_low):
        return
    assert res.ci_low <= res.details["median_of_differences"] <= res.ci_high
    assert res.details["median_of_differences"] == -swapped.details["median_of_differences"]
