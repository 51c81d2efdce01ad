"""Tests of painresponse.stats.ranks against brute force, scipy and R.

R values were produced with R 4.2.2, coin 1.4; tolerances are relative 1e-10 unless
stated (the implementations agree to about 1e-14 in practice).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from painresponse.errors import StatisticsError
from painresponse.stats._exact_ranks import rank_sum_distribution, signed_rank_distribution
from painresponse.stats.k_sample import friedman, kruskal
from painresponse.stats.ranks import (
    rank_sum,
    rank_sum_from_counts,
    signed_rank,
    signed_rank_from_counts,
)
from tests.stats._rank_cases import FOURIER_ROUTES

# A study-shaped NRS example: 41 responders vs 43 non-responders at T1.
RESPONDERS = [0] * 6 + [1] * 8 + [2] * 9 + [3] * 7 + [4] * 5 + [5] * 3 + [6] * 2 + [7]
NON_RESPONDERS = [2] * 3 + [3] * 5 + [4] * 7 + [5] * 9 + [6] * 8 + [7] * 6 + [8] * 3 + [9, 10]
# 41 paired NRS changes with 9 zeros.
CHANGES = [-3] * 2 + [-2] * 4 + [-1] * 6 + [0] * 9 + [1] * 7 + [2] * 6 + [3] * 4 + [4] * 2 + [6]


def _brute_rank_sum(x: list[float], y: list[float], alternative: str) -> float:
    pooled = np.array(x + y, dtype=float)
    ranks = sps.rankdata(pooled)
    m, n_total = len(x), len(pooled)
    observed = ranks[:m].sum()
    centre = m * (n_total + 1) / 2
    sums = np.array([ranks[list(c)].sum() for c in itertools.combinations(range(n_total), m)])
    if alternative == "greater":
        return float(np.mean(sums >= observed - 1e-9))
    if alternative == "less":
        return float(np.mean(sums <= observed + 1e-9))
    return float(np.mean(np.abs(sums - centre) >= abs(observed - centre) - 1e-9))


def _brute_signed_rank(d: list[float], zero_method: str, alternative: str) -> float:
    d_array = np.array(d, dtype=float)
    if zero_method == "wilcox":
        d_array = d_array[d_array != 0]
        ranks = sps.rankdata(np.abs(d_array))
    else:
        ranks = sps.rankdata(np.abs(d_array))
        ranks, d_array = ranks[d_array != 0], d_array[d_array != 0]
    observed = ranks[d_array > 0].sum()
    centre = ranks.sum() / 2
    sums = np.array([np.dot(ranks, s) for s in itertools.product([0, 1], repeat=ranks.size)])
    if alternative == "greater":
        return float(np.mean(sums >= observed - 1e-9))
    if alternative == "less":
        return float(np.mean(sums <= observed + 1e-9))
    return float(np.mean(np.abs(sums - centre) >= abs(observed - centre) - 1e-9))


# ------------------------------------------------------------------ brute force


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2, 2, 3, 5], [3, 4, 4, 6, 7, 7]),
        ([0, 0, 0, 1, 1, 2], [0, 1, 1, 2, 2, 2]),
        ([3, 3, 3], [3, 3, 4, 4, 4, 5, 5]),
        ([0, 1, 2, 2, 2, 2, 2, 3], [2, 2, 3, 4]),
    ],
)
def test_rank_sum_exact_matches_enumeration(
    x: list[float], y: list[float], alternative: str
) -> None:
    res = rank_sum(x, y, method="exact", alternative=alternative)
    assert res.pvalue == pytest.approx(_brute_rank_sum(x, y, alternative), abs=1e-12)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
@pytest.mark.parametrize("zero_method", ["pratt", "wilcox"])
@pytest.mark.parametrize(
    "d",
    [
        [-2, 0, 0, 1, 1, 1, 1, 3, 3, 3],
        [0, 0, 0, -1, 1, 2, 2, -2, 2, 4, 5, 0],
        [-1.5, 2.5, 2.5, -2.5, 3, 4, 0.5],
    ],
)
def test_signed_rank_exact_matches_enumeration(
    d: list[float], zero_method: str, alternative: str
) -> None:
    res = signed_rank(d, zero_method=zero_method, method="exact", alternative=alternative)
    expected = _brute_signed_rank(d, zero_method, alternative)
    assert res.pvalue == pytest.approx(expected, abs=1e-12)


# ------------------------------------------------------------------------ scipy


def test_rank_sum_exact_without_ties_equals_scipy() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=12), rng.normal(0.8, 1, size=15)
    for alternative in ("two-sided", "less", "greater"):
        ours = rank_sum(x, y, method="exact", alternative=alternative)
        ref = sps.mannwhitneyu(x, y, method="exact", alternative=alternative)
        assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-10)
        assert ours.details["U"] == pytest.approx(ref.statistic)


def test_signed_rank_exact_without_ties_equals_scipy() -> None:
    rng = np.random.default_rng(5)
    d = rng.normal(0.4, 1, size=18)
    for alternative in ("two-sided", "less", "greater"):
        ours = signed_rank(d, method="exact", alternative=alternative)
        ref = sps.wilcoxon(d, method="exact", alternative=alternative)
        assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-10)


# ---------------------------------------------------------------------------- R


def test_rank_sum_study_example_matches_coin_and_wilcox_test() -> None:
    """R:
    g <- factor(rep(c("r","n"), c(41,43)), levels = c("r","n"))
    pvalue(coin::wilcox_test(c(resp, non) ~ g, distribution = "exact"))  # 2.1568955552202166e-09
    ... alternative = "less"                                              # 1.0882001961871301e-09
    wilcox.test(resp, non, exact = FALSE)$p.value                        # 2.0416466194670954e-08
    wilcox.test(resp, non, exact = FALSE, correct = FALSE)$p.value       # 1.9891399733578672e-08
    """
    exact = rank_sum(RESPONDERS, NON_RESPONDERS)
    assert exact.method == "Wilcoxon rank-sum test, exact conditional distribution (ties)"
    assert exact.pvalue == pytest.approx(2.1568955552202166e-09, rel=1e-10)
    less = rank_sum(RESPONDERS, NON_RESPONDERS, method="exact", alternative="less")
    assert less.pvalue == pytest.approx(1.0882001961871301e-09, rel=1e-10)
    asym = rank_sum(RESPONDERS, NON_RESPONDERS, method="asymptotic")
    assert asym.pvalue == pytest.approx(2.0416466194670954e-08, rel=1e-10)
    raw = rank_sum(RESPONDERS, NON_RESPONDERS, method="asymptotic", correction=False)
    assert raw.pvalue == pytest.approx(1.9891399733578672e-08, rel=1e-10)
    assert exact.n == (41, 43)


def test_signed_rank_changes_match_coin_and_wilcox_test() -> None:
    """R:
    z <- rep(0, 41)
    wilcoxsign_test(d ~ z, distribution = "exact", zero.method = "Pratt")  # 0.087476081214845181
    wilcoxsign_test(d ~ z, distribution = "exact", zero.method = "Wilcoxon")  # 0.0735264359973371
    wilcoxsign_test(d ~ z, distribution = "asymptotic", zero.method = "Pratt")  # 0.0857721085318262
    wilcox.test(d, exact = FALSE)$p.value                   # 0.073569700959411288
    wilcox.test(d, exact = FALSE, correct = FALSE)$p.value  # 0.072058664290652288
    """
    pratt = signed_rank(CHANGES, zero_method="pratt")
    assert pratt.pvalue == pytest.approx(0.087476081214845181, rel=1e-10)
    wil = signed_rank(CHANGES, zero_method="wilcox", method="exact")
    assert wil.pvalue == pytest.approx(0.073526435997337103, rel=1e-10)
    # The default zero handling is R's and SAS's: zeros dropped.
    assert signed_rank(CHANGES).pvalue == wil.pvalue
    pratt_asym = signed_rank(CHANGES, zero_method="pratt", method="asymptotic", correction=False)
    assert pratt_asym.pvalue == pytest.approx(0.085772108531826152, rel=1e-10)
    r_asym = signed_rank(CHANGES, zero_method="wilcox", method="asymptotic")
    assert r_asym.pvalue == pytest.approx(0.073569700959411288, rel=1e-10)
    r_raw = signed_rank(CHANGES, zero_method="wilcox", method="asymptotic", correction=False)
    assert r_raw.pvalue == pytest.approx(0.072058664290652288, rel=1e-10)


def test_signed_rank_paired_input_and_missing_pairs() -> None:
    before = [5, 6, np.nan, 7, 8, 3, None]
    after = [4, 6, 2, 5, 9, 1, 2]
    res = signed_rank(after, before, method="exact")
    direct = signed_rank([-1, 0, -2, 1, -2], method="exact")
    assert res.pvalue == direct.pvalue
    assert res.n == (5,)
    assert res.n_missing == (2,)


def test_kruskal_matches_r() -> None:
    """R: kruskal.test(list(c(2.9, 3.0, 2.5, 2.6, 3.2), c(3.8, 2.7, 4.0, 2.4),
    c(2.8, 3.4, 3.7, 2.2, 2.0)))  # chi-squared = 0.77143, p = 0.68 (Hollander & Wolfe)
    kruskal.test(list(c(1, 1, 2, 3), c(2, 2, 3, 3, 4), c(4, 4, 5)))$statistic  # 7.1023199023199064
    p = 0.028691339791993887"""
    res = kruskal([2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0])
    assert res.statistic == pytest.approx(0.771428571428571, rel=1e-12)
    assert res.df == 2
    tied = kruskal([1, 1, 2, 3, np.nan], [2, 2, 3, 3, 4], [4, 4, 5])
    assert tied.statistic == pytest.approx(7.1023199023199064, rel=1e-12)
    assert tied.pvalue == pytest.approx(0.028691339791993887, rel=1e-10)
    assert tied.n_missing == (1, 0, 0)


def test_friedman_matches_r() -> None:
    """R: friedman.test(cbind(c(7,6,8,5,9), c(5,5,6,4,7), c(4,3,6,2,6)))
    # Friedman chi-squared = 9.5789, p = 0.008317 (9.5789473684210531, 0.0083168335110044475)"""
    res = friedman([7, 6, 8, 5, 9, np.nan], [5, 5, 6, 4, 7, 3], [4, 3, 6, 2, 6, 1])
    assert res.statistic == pytest.approx(9.5789473684210531, rel=1e-12)
    assert res.pvalue == pytest.approx(0.0083168335110044475, rel=1e-10)
    assert res.n == (5,)
    assert res.n_missing == (1,)


# ---------------------------------------------------------------------- contract


def test_from_counts_equals_rows() -> None:
    values = np.arange(11)
    cx = np.bincount(RESPONDERS, minlength=11)
    cy = np.bincount(NON_RESPONDERS, minlength=11)
    a = rank_sum_from_counts(values, cx, cy)
    b = rank_sum(RESPONDERS, NON_RESPONDERS)
    assert a.pvalue == b.pvalue and a.statistic == b.statistic


def test_auto_rule_is_reported_and_uses_fourier_for_large_samples() -> None:
    rng = np.random.default_rng(0)
    small = rank_sum(RESPONDERS, NON_RESPONDERS)
    assert "exact" in small.method and "cell updates" in small.details["method_rule"]
    assert small.details["algorithm"] == "dynamic programme"
    x, y = rng.integers(0, 11, 500), rng.integers(0, 11, 500)
    big = rank_sum(x, y)
    assert "Fourier inversion" in big.method and "Fourier" in big.details["method_rule"]
    assert big.details["algorithm"] in FOURIER_ROUTES
    assert 0.0 < big.details["error_bound"] <= 1e-12
    assert rank_sum(x, y, method="exact").pvalue == big.pvalue
    assert "normal approximation" in rank_sum(x, y, method="asymptotic").method


def test_all_differences_zero_gives_nan_with_note() -> None:
    res = signed_rank([3, 4, 5], [3, 4, 5])
    assert math.isnan(res.pvalue)
    assert res.note is not None and "zero" in res.note


def test_all_tied_rank_sum() -> None:
    assert rank_sum([2, 2], [2, 2, 2], method="exact").pvalue == 1.0
    res = rank_sum([2, 2], [2, 2, 2], method="asymptotic")
    assert math.isnan(res.pvalue) and res.note


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rank_sum([], [1, 2]), "at least one"),
        (lambda: rank_sum([np.nan], [1, 2]), "at least one"),
        (lambda: rank_sum([1, np.inf], [1, 2]), "infinite"),
        (lambda: rank_sum(["a", "b"], [1, 2]), "numbers"),
        (lambda: rank_sum([1, 2], [1, 2], method="magic"), "method"),
        (lambda: signed_rank([1, 2, 3], [1, 2]), "same length"),
        (lambda: signed_rank([1, 2], zero_method="x"), "zero_method"),
        (lambda: rank_sum_from_counts([2, 1], [1, 1], [1, 1]), "sorted"),
        (lambda: rank_sum_from_counts([1, 2], [1, -1], [1, 1]), "non-negative"),
        (lambda: kruskal([1, 2]), "two groups"),
        (lambda: kruskal([1, 2], []), "Group 2"),
        (lambda: friedman([1, 2], [1, 2, 3]), "same number"),
        (lambda: friedman([1, np.nan], [np.nan, 2]), "No patient"),
    ],
)
def test_bad_input_raises_statistics_error(call: object, message: str) -> None:
    with pytest.raises(StatisticsError, match=message):
        call()  # type: ignore[operator]


def test_result_serialises() -> None:
    d = rank_sum(RESPONDERS, NON_RESPONDERS).to_dict()
    assert d["test"] == "rank_sum"
    assert d["details"]["U"] == pytest.approx(d["statistic"] - 41 * 42 / 2)
    assert d["n"] == [41, 43]


# ---------------------------------------------------------------------- properties

_scores = st.lists(st.integers(0, 6), min_size=1, max_size=9)


@settings(max_examples=60, deadline=None)
@given(_scores, _scores, st.sampled_from(["exact", "asymptotic"]))
def test_rank_sum_properties(x: list[int], y: list[int], method: str) -> None:
    res = rank_sum(x, y, method=method)
    swapped = rank_sum(y, x, method=method)
    if math.isnan(res.pvalue):
        assert math.isnan(swapped.pvalue)
        return
    assert 0.0 <= res.pvalue <= 1.0
    assert res.pvalue == pytest.approx(swapped.pvalue, rel=1e-12, abs=1e-15)
    less = rank_sum(x, y, method=method, alternative="less").pvalue
    greater = rank_sum(x, y, method=method, alternative="greater").pvalue
    assert 0.0 <= less <= 1.0 and 0.0 <= greater <= 1.0


@settings(max_examples=60, deadline=None)
@given(_scores, _scores)
def test_rank_sum_counts_equal_rows(x: list[int], y: list[int]) -> None:
    cx, cy = np.bincount(x, minlength=7), np.bincount(y, minlength=7)
    a = rank_sum_from_counts(np.arange(7), cx, cy, method="exact")
    b = rank_sum(x, y, method="exact")
    assert a.pvalue == pytest.approx(b.pvalue, rel=1e-12) and a.statistic == b.statistic


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=8), st.integers(1, 30))
def test_exact_distributions_sum_to_one(totals: list[int], m_seed: int) -> None:
    totals_array = np.array(totals)
    before = np.concatenate(([0], np.cumsum(totals_array)[:-1]))
    scores2 = (2 * before + totals_array + 1).tolist()
    n_total = int(totals_array.sum())
    if n_total < 2:
        return
    m = 1 + m_seed % (n_total - 1)
    support, probs = rank_sum_distribution(scores2, totals, m)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)
    assert (np.diff(support) > 0).all()
    mean2 = float((support * probs).sum())
    assert mean2 == pytest.approx(m * (n_total + 1), rel=1e-10)
    v_support, v_probs = signed_rank_distribution(scores2, totals)
    assert v_probs.sum() == pytest.approx(1.0, abs=1e-12)
    assert float((v_support * v_probs).sum()) == pytest.approx(
        float(np.dot(scores2, totals)) / 2, rel=1e-10
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=12), st.sampled_from(["pratt", "wilcox"]))
def test_signed_rank_properties(d: list[int], zero_method: str) -> None:
    res = signed_rank(d, zero_method=zero_method)
    if all(v == 0 for v in d):
        assert math.isnan(res.pvalue)
        return
    assert 0.0 <= res.pvalue <= 1.0
    flipped = signed_rank([-v for v in d], zero_method=zero_method)
    assert res.pvalue == pytest.approx(flipped.pvalue, rel=1e-12)
    values, counts = np.unique(d, return_counts=True)
    assert signed_rank_from_counts(values, counts, zero_method).pvalue == res.pvalue


# ------------------------------------------------------- Fourier inversion (large tables)


def _exact_rational_tail(scores2: list[int], totals: list[int], m: int, w2: int, alt: str) -> float:
    """Exact p-value by enumerating all first rows of the 2 x c table (big integers)."""
    from fractions import Fraction

    n_total, hits = sum(totals), 0
    centre2 = 2 * m * (n_total + 1)
    for head in itertools.product(*(range(min(t, m) + 1) for t in totals[:-1])):
        last = m - sum(head)
        if not 0 <= last <= totals[-1]:
            continue
        row = (*head, last)
        w = sum(a * s for a, s in zip(row, scores2, strict=True))
        if alt == "greater":
            ok = w >= w2
        elif alt == "less":
            ok = w <= w2
        else:
            ok = abs(2 * w - centre2) >= abs(2 * w2 - centre2)
        if ok:
            hits += math.prod(math.comb(t, a) for t, a in zip(totals, row, strict=True))
    return float(Fraction(hits, math.comb(n_total, m)))


def _table(totals: list[int]) -> list[int]:
    before = np.concatenate(([0], np.cumsum(totals)[:-1]))
    return (2 * before + np.array(totals) + 1).tolist()


@pytest.mark.parametrize(
    ("totals", "m", "quantile"),
    [
        ([120, 60, 150], 160, 0.002),  # 3 categories: exact rational reference
        ([120, 60, 150], 160, 0.5),
        ([35, 70, 20, 55], 90, 0.001),
        ([35, 70, 20, 55], 60, 0.9),
        ([200, 3, 180], 250, 0.0),  # extreme tail (~1e-60 and below)
    ],
)
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_fourier_matches_exact_rational_enumeration(
    totals: list[int], m: int, quantile: float, alternative: str
) -> None:
    from painresponse.stats._exact_ranks import (
        FourierNotCertified,
        rank_sum_distribution,
        rank_sum_pvalue_fourier,
    )

    scores2 = _table(totals)
    support, _ = rank_sum_distribution(scores2, totals, m)
    w2 = int(support[min(int(quantile * support.size) + 2, support.size - 3)])
    reference = _exact_rational_tail(scores2, totals, m, w2, alternative)
    try:
        pvalue, info = rank_sum_pvalue_fourier(scores2, totals, m, w2, alternative)
    except FourierNotCertified:
        pytest.skip("not certified for this table (the dynamic programme is used instead)")
    assert pvalue == pytest.approx(reference, rel=1e-13, abs=0.0)
    assert info["error_bound"] <= 1e-12


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(5, 60), min_size=2, max_size=8),
    st.integers(0, 10_000),
    st.sampled_from(["two-sided", "greater", "less"]),
)
def test_fourier_matches_dynamic_programme(totals: list[int], seed: int, alternative: str) -> None:
    """Random tables, heavy ties, unbalanced groups, tails far below 1e-30; 1e-12 relative."""
    from painresponse.stats._exact_ranks import (
        FourierNotCertified,
        rank_sum_distribution,
        rank_sum_pvalue_fourier,
    )
    from painresponse.stats.ranks import _tail_pvalue

    rng = np.random.default_rng(seed)
    n_total = sum(totals)
    m = int(rng.integers(1, n_total))
    scores2 = _table(totals)
    support, probs = rank_sum_distribution(scores2, totals, m)
    w2 = int(support[int(rng.integers(0, support.size))])
    reference = _tail_pvalue(support, probs, w2, 2 * m * (n_total + 1), alternative)
    try:
        pvalue, _ = rank_sum_pvalue_fourier(scores2, totals, m, w2, alternative)
    except FourierNotCertified:
        return
    # The programme itself carries ~1e-14 relative rounding in deep tails.
    assert pvalue == pytest.approx(reference, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    ("counts_x", "counts_y", "coin_pvalue"),
    [
        # x <- rep(0:10, cx); y <- rep(0:10, cy); coin 1.4, R 4.2 (10 s):
        # pvalue(wilcox_test(v ~ g, data = data.frame(v = c(x, y),
        #     g = factor(rep(c("x", "y"), c(300, 300)))), distribution = "exact"))
        (
            (20, 25, 30, 35, 30, 30, 30, 30, 25, 25, 20),
            (15, 20, 25, 30, 30, 30, 30, 30, 30, 30, 30),
            0.034235871688730768,
        ),
        # The same call for 500 + 500 (coin: 115 s).
        (
            (60, 50, 55, 50, 45, 45, 40, 40, 40, 40, 35),
            (30, 35, 40, 45, 45, 45, 50, 50, 50, 50, 60),
            8.9175475768675205e-07,
        ),
    ],
)
def test_large_nrs_tables_match_coin_exact(
    counts_x: tuple[int, ...], counts_y: tuple[int, ...], coin_pvalue: float
) -> None:
    res = rank_sum_from_counts(np.arange(11), counts_x, counts_y, method="exact")
    assert res.details["algorithm"] in FOURIER_ROUTES
    assert res.pvalue == pytest.approx(coin_pvalue, rel=1e-12)
