"""The study's published categorical p-values, recomputed from its printed counts with the
default rule (choose_test). R 4.x values in comments; published values are rounded to 3 dp."""

from __future__ import annotations

import pytest

from painresponse.stats.choice import choose_test, run_test

# (name, table [responder, non-responder] per category, test the rule picks, R p, paper p)
CASES = [
    # R: chisq.test(matrix(c(17,24,19,24),2), correct=FALSE)$p.value -> 0.801004142164
    ("sex", [[17, 19], [24, 24]], "chi2", 0.801004142164, 0.801),
    # R: chisq.test(matrix(c(5,13,19,4,6,13,12,12),4))$p.value -> 0.131229775102
    ("lesion level", [[5, 6], [13, 13], [19, 12], [4, 12]], "chi2", 0.131229775102, 0.131),
    # R: fisher.test(matrix(c(26,8,4,3,27,15,0,1),4))$p.value -> 0.0628878932883
    ("surgery range", [[26, 27], [8, 15], [4, 0], [3, 1]], "fisher_exact", 0.0628878932883, 0.063),
    # R: chisq.test(matrix(c(12,13,16,9,7,27),3))$p.value -> 0.0821778459394
    ("block side", [[12, 9], [13, 7], [16, 27]], "chi2", 0.0821778459394, 0.082),
]


@pytest.mark.parametrize(("name", "table", "test", "r_value", "published"), CASES)
def test_published_counts(
    name: str, table: list[list[int]], test: str, r_value: float, published: float
) -> None:
    choice = choose_test("categorical", table=table)
    assert choice.test == test, name
    res = run_test(choice, table)
    assert res.pvalue == pytest.approx(r_value, rel=1e-8)
    assert round(res.pvalue, 3) == published
