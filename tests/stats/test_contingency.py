"""Chi-square and Fisher's exact test against R 4.x (``stats::chisq.test``/``fisher.test``).

Tolerance: relative 1e-8 on p-values (R prints 12 significant digits here).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from painresponse.errors import StatisticsError
from painresponse.stats.contingency import chi2_test, fisher_exact

REL = 1e-8


def test_fisher_job_satisfaction_r_help() -> None:
    # R: Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4, byrow=TRUE)
    #    fisher.test(Job)$p.value  -> 0.782684938967
    job = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]
    assert fisher_exact(job).pvalue == pytest.approx(0.782684938967, rel=REL)


def test_fisher_tea_tasting_with_odds_ratio() -> None:
    # R: tt <- fisher.test(matrix(c(3,1,1,3),2)); tt$p.value, tt$estimate, tt$conf.int
    res = fisher_exact([[3, 1], [1, 3]])
    assert res.pvalue == pytest.approx(0.485714285714, rel=REL)
    assert res.estimate == pytest.approx(6.40830886701, rel=1e-5)
    # scipy solves the CI limits more tightly than R's uniroot (tol ~1e-4): agree to 1%
    assert res.ci_low == pytest.approx(0.211732915306, rel=1e-2)
    assert res.ci_high == pytest.approx(621.933750545, rel=1e-2)
    assert res.conf_level == 0.95


def test_fisher_convictions() -> None:
    # R: fisher.test(matrix(c(2,10,15,3),2)) -> p 0.000536724119143, OR 0.0469366088277,
    #    CI 0.00332576403386 0.363182271475
    res = fisher_exact([[2, 15], [10, 3]])
    assert res.pvalue == pytest.approx(0.000536724119143, rel=REL)
    assert res.estimate == pytest.approx(0.0469366088277, rel=1e-5)
    assert res.ci_low == pytest.approx(0.00332576403386, rel=1e-2)
    assert res.ci_high == pytest.approx(0.363182271475, rel=1e-2)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # R: fisher.test(matrix(c(1,2,3,4,5,6,7,8,9,10,11,12),3))$p.value
        ([[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9, 12]], 0.999067682684),
        # R: fisher.test(matrix(c(0,5,5,0),2))$p.value
        ([[0, 5], [5, 0]], 0.00793650793651),
        # R: fisher.test(matrix(c(5,13,19,4,6,13,12,12),4))$p.value
        ([[5, 6], [13, 13], [19, 12], [4, 12]], 0.131297815344),
    ],
)
def test_fisher_against_r(table: list[list[int]], expected: float) -> None:
    assert fisher_exact(table).pvalue == pytest.approx(expected, rel=REL)


def test_chi2_agresti_party_identification() -> None:
    # Agresti (2007) Table 2.5, gender by party identification.
    # R: chisq.test(rbind(c(762, 327, 468), c(484, 239, 477))) -> 30.0701490958, 2.95358918321e-07
    res = chi2_test([[762, 327, 468], [484, 239, 477]])
    assert res.statistic == pytest.approx(30.0701490958, rel=REL)
    assert res.pvalue == pytest.approx(2.95358918321e-07, rel=1e-6)
    assert res.df == 2
    assert res.details["cochran_ok"] is True


def test_chi2_yates_and_r_min_rule() -> None:
    # R: chisq.test(matrix(c(12,5,6,10),2), correct=TRUE) -> 2.42748161765, 0.119224300624
    res = chi2_test([[12, 6], [5, 10]], correction=True)
    assert res.statistic == pytest.approx(2.42748161765, rel=REL)
    assert res.pvalue == pytest.approx(0.119224300624, rel=REL)
    # |O - E| = 0.5 everywhere: R's min(0.5, |O - E|) gives X-squared 0, p 1
    res = chi2_test([[3, 4], [4, 3]], correction=True)
    assert res.statistic == pytest.approx(0.0, abs=1e-12)
    assert res.pvalue == pytest.approx(1.0)


def test_chi2_details() -> None:
    res = chi2_test([[26, 27], [8, 15], [4, 0], [3, 1]])
    assert res.details["cochran_ok"] is False
    assert res.details["share_expected_below_5"] == pytest.approx(0.5)
    assert np.asarray(res.details["expected"]).shape == (4, 2)


def test_empty_margins_are_dropped() -> None:
    res = fisher_exact([[3, 0, 1], [1, 0, 3]])
    assert res.pvalue == pytest.approx(0.485714285714, rel=REL)
    assert res.note is not None and "column" in res.note
    res = chi2_test([[3, 1], [0, 0], [1, 3]])
    assert res.details["dropped_rows"] == 1
    res = chi2_test([[3, 1], [0, 0]])
    assert math.isnan(res.pvalue) and res.note


@pytest.mark.parametrize(
    "table",
    [[], [[]], [[1, -1], [2, 3]], [[1.5, 1], [2, 3]], [[1, 2, 3]], [[1, float("nan")], [1, 1]]],
)
def test_bad_tables_raise(table: Any) -> None:
    if table == [[1, 2, 3]]:
        assert math.isnan(fisher_exact(table).pvalue)
        return
    with pytest.raises(StatisticsError):
        fisher_exact(table)
    with pytest.raises(StatisticsError):
        chi2_test(table)


def test_budget_suggests_monte_carlo() -> None:
    with pytest.raises(StatisticsError, match="monte-carlo"):
        fisher_exact([[10, 12, 9, 11], [12, 9, 11, 10], [9, 11, 10, 12]], max_work=100)


def test_monte_carlo_is_reproducible() -> None:
    job = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]
    a = fisher_exact(job, method="monte-carlo", n_simulations=2000, seed=1)
    b = fisher_exact(job, method="monte-carlo", n_simulations=2000, seed=1)
    assert a.pvalue == b.pvalue
    assert abs(a.pvalue - 0.7827) < 5 * a.details["standard_error"]
    c = fisher_exact(job, method="monte-carlo", n_simulations=100)
    assert isinstance(c.details["seed"], int)


tables = st.integers(2, 4).flatmap(
    lambda r: st.integers(2, 4).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 8), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(tables, st.randoms(use_true_random=False))
def test_fisher_invariances(table: list[list[int]], rnd: object) -> None:
    arr = np.asarray(table)
    p = fisher_exact(arr).pvalue
    if math.isnan(p):
        return
    assert 0.0 <= p <= 1.0
    rng = np.random.default_rng(len(arr.ravel()))
    permuted = arr[rng.permutation(arr.shape[0])][:, rng.permutation(arr.shape[1])]
    assert fisher_exact(arr.T).pvalue == pytest.approx(p, rel=1e-9)
    assert fisher_exact(permuted).pvalue == pytest.approx(p, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_chi2_matches_scipy(table: list[list[int]]) -> None:
    arr = np.asarray(table)
    res = chi2_test(arr)
    if (arr.sum(axis=0) == 0).any() or (arr.sum(axis=1) == 0).any():
        return
    ref = stats.chi2_contingency(arr, correction=False)
    assert 0.0 <= res.pvalue <= 1.0
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # R 4.x: m <- matrix(c(10,8,7,12,4, 7,8,7,9,9, 6,4,9,12,10, 7,2,5,7,7), 4, byrow=TRUE)
        #        fisher.test(m, workspace = 2e8)$p.value -> 0.726676769957716
        #        (the default workspace fails: "FEXACT error 6. LDKEY=621 is too small")
        (
            [[10, 8, 7, 12, 4], [7, 8, 7, 9, 9], [6, 4, 9, 12, 10], [7, 2, 5, 7, 7]],
            0.726676769957716,
        ),
        # R: m <- matrix(c(6,8,6,3,4, 7,0,7,7,4, 4,4,4,5,5, 5,11,5,2,3), 4, byrow=TRUE)
        #    fisher.test(m, workspace = 2e8)$p.value -> 0.0776061294641871
        ([[6, 8, 6, 3, 4], [7, 0, 7, 7, 4], [4, 4, 4, 5, 5], [5, 11, 5, 2, 3]], 0.0776061294641871),
        # R: m <- matrix(c(3,4,11,9,3, 5,9,9,12,10, 7,6,11,4,7, 6,8,6,13,7), 4, byrow=TRUE)
        #    fisher.test(m, workspace = 2e8)$p.value -> 0.439124182044217
        (
            [[3, 4, 11, 9, 3], [5, 9, 9, 12, 10], [7, 6, 11, 4, 7], [6, 8, 6, 13, 7]],
            0.439124182044217,
        ),
    ],
)
def test_fisher_4x5_large_n_against_r(table: list[list[int]], expected: float) -> None:
    """4 x 5 tables with n = 100-150, past R's default workspace (relative 1e-7, R's own
    tolerance for "as extreme"); the transpose runs the same network and must agree."""
    assert fisher_exact(table).pvalue == pytest.approx(expected, rel=1e-7)
    assert fisher_exact(np.asarray(table).T).pvalue == pytest.approx(expected, rel=1e-7)


def test_fisher_three_columns_against_r() -> None:
    # one forward stage before the two-column tail
    # R: fisher.test(matrix(c(1,4,7, 2,5,8, 3,6,9), 3, byrow=TRUE))$p.value -> 0.988793435678955
    table = [[1, 4, 7], [2, 5, 8], [3, 6, 9]]
    assert fisher_exact(table).pvalue == pytest.approx(0.988793435678955, rel=1e-8)


def test_fisher_network_settled_before_the_tail() -> None:
    # every path is settled in closed form before the last stages (an empty stage)
    # R: fisher.test(matrix(c(1,0,0,0,0,0, 0,0,1,0,0,1, 0,1,0,0,0,0, 0,0,0,1,0,0), 4,
    #                       byrow=TRUE))$p.value -> 1
    table = [[1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 1], [0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0]]
    assert fisher_exact(table).pvalue == pytest.approx(1.0, rel=1e-9)
