"""The default-choice rule and the registry."""

from __future__ import annotations

import pytest

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.choice import REGISTRY, TestChoice, choose_test, run_test


def test_cochran_rule() -> None:
    ok = choose_test("categorical", table=[[17, 19], [24, 24]])
    assert ok == TestChoice("chi2", {"correction": False}, ok.reason)
    assert "Cochran" in ok.reason
    sparse = choose_test("ordinal", table=[[26, 27], [8, 15], [4, 0], [3, 1]])
    assert sparse.test == "fisher_exact"
    assert sparse.reason.startswith("Fisher's exact test: 4 of 8 cells (50%)")


def test_continuous_and_paired() -> None:
    assert choose_test("continuous_normal").test == "ttest_ind"
    assert choose_test("continuous_normal", equal_var=False).test == "ttest_welch"
    assert choose_test("continuous_normal", paired=True).test == "ttest_rel"
    assert choose_test("continuous_nonnormal").test == "rank_sum"
    assert choose_test("count").test == "rank_sum"
    paired = choose_test("count", paired=True)
    assert paired.test == "signed_rank" and paired.options["zero_method"] == "wilcox"


def test_override_and_errors() -> None:
    choice = choose_test("categorical", table=[[1, 2], [3, 4]], override="chi2_yates")
    assert choice.test == "chi2_yates" and choice.reason == "set in the study file"
    with pytest.raises(StatisticsError):
        choose_test("categorical", override="no_such_test")
    with pytest.raises(StatisticsError):
        choose_test("nominalish")
    with pytest.raises(StatisticsError):
        choose_test("categorical")
    with pytest.raises(StatisticsError):
        run_test("no_such_test", [1])


def test_run_contingency_and_means() -> None:
    assert run_test("chi2_yates", [[12, 6], [5, 10]]).pvalue == pytest.approx(
        0.119224300624, rel=1e-8
    )  # R: chisq.test(matrix(c(12,5,6,10),2))$p.value
    res = run_test(choose_test("continuous_normal", equal_var=False), [1, 2, 3, 4], [2, 5, 7, 9])
    assert res.test == "ttest_ind" and "Welch" in res.method


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("rank_sum", ([1.0, 2.0, 3.5, 4.0], [2.5, 5.0, 6.0, 7.0]), {}),
        ("rank_sum_exact", ([1.0, 2.0, 3.5, 4.0], [2.5, 5.0, 6.0, 7.0]), {}),
        ("rank_sum_asymptotic", ([1.0, 2.0, 3.5, 4.0], [2.5, 5.0, 6.0, 7.0]), {}),
        ("signed_rank", ([1.0, 2.0, 3.0, 4.0, 5.0], [0.5, 2.5, 1.0, 1.5, 2.0]), {}),
        ("kruskal", ([1.0, 2.0, 3.0], [2.5, 5.0, 6.0], [7.0, 8.0, 9.0]), {}),
        ("friedman", ([1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 1.0, 5.0], [3.0, 4.0, 5.0, 6.0]), {}),
        ("hodges_lehmann", ([1.0, 2.0, 3.5, 4.0], [2.5, 5.0, 6.0, 7.0]), {}),
    ],
)
def test_rank_registry_runs(name: str, args: tuple[list[float], ...], kwargs: dict) -> None:
    assert name in REGISTRY
    res = run_test(name, *args, **kwargs)
    assert isinstance(res, TestResult)
    assert res.pvalue != res.pvalue or 0 <= res.pvalue <= 1


def test_rank_sum_matches_r() -> None:
    # R: wilcox.test(c(1,2,3.5,4), c(2.5,5,6,7))$p.value -> 0.1142857 (exact, no ties)
    res = run_test(choose_test("continuous_nonnormal"), [1, 2, 3.5, 4], [2.5, 5, 6, 7])
    assert res.pvalue == pytest.approx(0.114285714286, rel=1e-6)
