"""Exact Wilcoxon tests at large sizes: R coin references, the cases coin cannot do, the rule.

References: ``tests/reference/rank_exact_large.json``, written by
``Rscript tests/reference/make_large_exact_reference.R --large`` (R 4.2.2, coin 1.4.2)::

    pvalue(coin::wilcox_test(v ~ g, data = d, distribution = "exact", alternative = a))
    pvalue(coin::wilcoxsign_test(before ~ after, distribution = "exact",
                                 zero.method = "Wilcoxon", alternative = a))

Tolerance: relative 1e-10 (absolute floor 1e-300); the agreement is about 1e-13. The cases
coin cannot compute (its exact distributions overflow beyond about 1,000 observations:
5,000 + 5,000 scores, 2,000 and 5,000 pairs) are stored under ``failures`` with their data
and checked against independent exact computations of our own (the network programme,
the Fourier inversion, hypergeometric sums). No wall-clock assertions here: speed is
measured in ``benchmarks/exact_tests.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painresponse.stats import _exact_ranks
from painresponse.stats._result import TestResult
from painresponse.stats.ranks import (
    AUTO_EXACT_MAX_DISTINCT,
    AUTO_EXACT_MAX_GROUP,
    AUTO_EXACT_MAX_GROUP_TIED,
    SIGNED_RANK_MAX_DISTINCT,
    SIGNED_RANK_MAX_PAIRS,
    SIGNED_RANK_MAX_PAIRS_ON_SCALE,
    SIGNED_RANK_RULE,
    _doubled_midranks,
    _tail_pvalue,
    rank_sum,
    rank_sum_from_counts,
    signed_rank,
    signed_rank_from_counts,
)
from tests.stats._rank_cases import FOURIER_ROUTES

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "rank_exact_large.json").read_text()
)
ALTERNATIVE = {"two.sided": "two-sided", "less": "less", "greater": "greater"}


def _run(case: dict[str, Any], method: str) -> TestResult:
    alternative = ALTERNATIVE[case["alternative"]]
    if case["test"] == "signed_rank":
        return signed_rank_from_counts(
            case["values"], case["counts"], method=method, alternative=alternative
        )
    if "values" in case:
        return rank_sum_from_counts(
            case["values"], case["counts_x"], case["counts_y"], method, alternative=alternative
        )
    return rank_sum(case["x"], case["y"], method=method, alternative=alternative)


@pytest.mark.parametrize(
    "case",
    REFERENCE["cases"],
    ids=[c["label"] + " " + c["alternative"] for c in REFERENCE["cases"]],
)
def test_matches_coin_exact(case: dict[str, Any]) -> None:
    res = _run(case, "exact")
    assert res.pvalue == pytest.approx(case["pvalue"], rel=1e-10, abs=1e-300)
    if "fourier" in res.details["algorithm"]:
        assert res.details["error_bound"] <= 1e-12


@pytest.mark.parametrize(
    "case",
    REFERENCE["cases"],
    ids=[c["label"] + " " + c["alternative"] for c in REFERENCE["cases"]],
)
def test_auto_is_exact_within_the_rule(case: dict[str, Any]) -> None:
    """Inside the size rule "auto" gives coin's value; outside, the normal approximation."""
    res = _run(case, "auto")
    if res.details["within_exact_rule"]:
        assert "exact" in res.method
        assert res.pvalue == pytest.approx(case["pvalue"], rel=1e-10, abs=1e-300)
    else:
        assert "normal approximation" in res.method


def test_the_references_cover_the_new_sizes() -> None:
    """The fixture holds the mid sizes that were slow and the cases coin cannot compute."""
    labels = {c["label"] for c in REFERENCE["cases"]}
    assert {"rank_sum 120+100 untied", "rank_sum 150+150 scale 0-10"} <= labels
    assert {"rank_sum 500+500 untied", "signed_rank 1000 pairs scale 0-10 small p"} <= labels
    failed = {f["label"]: f for f in REFERENCE["failures"]}
    assert "signed_rank 5000 pairs scale 0-10" in failed
    assert "rank_sum 5000+5000 scale 0-10" in failed
    for failure in failed.values():
        assert "overflow" in failure["coin_error"] or "negative length" in failure["coin_error"]


def _failure(label: str) -> dict[str, Any]:
    return next(f for f in REFERENCE["failures"] if f["label"] == label)


def test_signed_rank_5000_pairs_where_coin_overflows() -> None:
    """5,000 NRS pairs: Fourier inversion and the network programme agree to 1e-12."""
    case = _failure("signed_rank 5000 pairs scale 0-10")
    res = signed_rank_from_counts(case["values"], case["counts"], method="auto")
    assert res.details["within_exact_rule"] and "exact" in res.method
    differences = np.asarray(case["values"])
    pairs = np.asarray(case["counts"])
    keep = differences != 0
    _, category = np.unique(np.abs(differences[keep]), return_inverse=True)
    totals = np.bincount(category, weights=pairs[keep]).astype(np.int64)
    scores2 = _doubled_midranks(totals)
    positives = np.bincount(category, weights=pairs[keep] * (differences[keep] > 0))
    positives = positives.astype(np.int64)
    v2 = int((positives * scores2).sum())
    g = int(np.gcd.reduce(scores2))
    r, total = (scores2 // g).tolist(), int((totals * scores2).sum()) // g
    hi = -(-(total + abs(2 * (v2 // g) - total)) // 2)  # ceil(E + |v - E|)
    items = np.repeat(np.asarray(r, dtype=np.int64), totals)[::-1].copy()
    from painresponse.stats import _exact_fourier, _rank_tails

    network, _ = _rank_tails.kernels().signed_rank_tail(items, hi, 1e9)
    fourier, bound, _ = _exact_fourier.upper_tail(r, totals.tolist(), None, hi)
    assert bound <= 1e-12
    assert fourier == pytest.approx(network, rel=1e-12)
    assert res.pvalue == pytest.approx(2 * network, rel=1e-12)


def _three_category_tail(totals: list[int], d: list[int], m: int, u: int) -> float:
    """``P(D >= u)`` for three categories by a sum of hypergeometric terms (scipy)."""
    from scipy.stats import hypergeom

    t1, t2, t3 = totals
    n_total = t1 + t2 + t3
    a3 = np.arange(0, min(t3, m) + 1)
    weight = hypergeom.pmf(a3, n_total, t3, m)  # P(a3), then a2 given a3
    need = np.ceil((u - a3 * d[2]) / d[1]).astype(np.int64)  # a2 * d2 >= u - a3 * d3
    inner = hypergeom.sf(need - 1, t1 + t2, t2, m - a3)
    return float(np.sum(weight * inner))


@pytest.mark.parametrize("shift", [0.0, 0.02, 0.05])
def test_rank_sum_5000_per_group_three_categories(shift: float) -> None:
    """5,000 + 5,000 on a 0-2 scale against a direct hypergeometric sum (scipy), 1e-10."""
    rng = np.random.default_rng(14)
    x = np.bincount(rng.choice(3, 5000, p=[0.3, 0.4, 0.3]), minlength=3)
    y = np.bincount(rng.choice(3, 5000, p=[0.3 - shift, 0.4, 0.3 + shift]), minlength=3)
    res = rank_sum_from_counts([0, 1, 2], x, y, method="auto", alternative="less")
    assert "exact" in res.method
    totals = (x + y).tolist()
    scores2 = _doubled_midranks(np.asarray(totals))
    d = ((scores2 - scores2[0]) // int(np.gcd.reduce(scores2 - scores2[0]))).tolist()
    obs = int(np.dot(x, d))
    # P(D_x <= obs) = P(D' >= m d_max - obs) with reflected values
    reference = _three_category_tail(totals[::-1], [0, d[2] - d[1], d[2]], 5000, 5000 * d[2] - obs)
    assert res.pvalue == pytest.approx(reference, rel=1e-10)


def test_rank_sum_5000_per_group_where_coin_fails() -> None:
    """5,000 + 5,000 NRS (coin: "negative length vectors"): exact, certified, in the rule."""
    case = _failure("rank_sum 5000+5000 scale 0-10")
    res = rank_sum_from_counts(case["values"], case["counts_x"], case["counts_y"])
    assert res.details["within_exact_rule"] and "exact" in res.method
    assert res.details["algorithm"] in FOURIER_ROUTES and res.details["error_bound"] <= 1e-12
    # and it sits where the tie-corrected normal approximation puts it
    assert res.pvalue == pytest.approx(
        rank_sum_from_counts(
            case["values"], case["counts_x"], case["counts_y"], method="asymptotic"
        ).pvalue,
        rel=0.05,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("totals", "m"),
    [
        ([30, 25, 40, 35, 20, 30, 25, 15, 30, 25, 25], 150),  # 150 + 150 on 0-10
        ([1] * 120 + [2] * 10 + [1] * 90, 100),  # nearly untied
        ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9] * 8, 200),
    ],
)
def test_fourier_agrees_with_dynamic_programme(totals: list[int], m: int) -> None:
    """Two independent exact algorithms agree to 1e-12 across the distribution."""
    scores2 = _doubled_midranks(np.asarray(totals)).tolist()
    support, probs = _exact_ranks.rank_sum_distribution(scores2, totals, m)
    n_total = sum(totals)
    for quantile in (0.001, 0.02, 0.3, 0.7):
        w2 = int(support[int(quantile * support.size)])
        for alternative in ("two-sided", "less", "greater"):
            reference = _tail_pvalue(support, probs, w2, 2 * m * (n_total + 1), alternative)
            try:
                pvalue, info = _exact_ranks.rank_sum_pvalue_fourier(
                    scores2, totals, m, w2, alternative
                )
            except _exact_ranks.FourierNotCertified:
                continue
            assert pvalue == pytest.approx(reference, rel=1e-12, abs=1e-300)
            assert info["error_bound"] <= 1e-12


def _scale_counts(per_group: int, levels: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.bincount(rng.integers(0, levels, per_group), minlength=levels)
    y = np.bincount(
        np.minimum(rng.integers(0, levels, per_group) + 1, levels - 1), minlength=levels
    )
    return x, y


def test_auto_rule_boundary_tied_scale() -> None:
    """Exact at 5,000 per group on 100 distinct values; asymptotic one patient beyond."""
    x, y = _scale_counts(AUTO_EXACT_MAX_GROUP_TIED, AUTO_EXACT_MAX_DISTINCT, 7)
    values = np.arange(AUTO_EXACT_MAX_DISTINCT)
    res = rank_sum_from_counts(values, x, y)
    assert "exact" in res.method and res.details["algorithm"] in FOURIER_ROUTES
    assert res.details["error_bound"] <= 1e-12
    assert "5,000" in res.details["method_rule"] and "100 distinct" in res.details["method_rule"]
    y[0] += 1
    beyond = rank_sum_from_counts(values, x, y)
    assert "normal approximation" in beyond.method
    assert beyond.details["within_exact_rule"] is False
    more_values = rank_sum_from_counts(
        np.arange(AUTO_EXACT_MAX_DISTINCT + 1), np.append(x, 1), np.append(y[:-1], [y[-1], 0])
    )
    assert "normal approximation" in more_values.method


def test_auto_rule_boundary_untied() -> None:
    """Untied data: exact at 500 per group, asymptotic at 501."""
    rng = np.random.default_rng(11)
    pool = rng.permutation(2 * AUTO_EXACT_MAX_GROUP + 2) / 7.0
    res = rank_sum(pool[:500], pool[500:1000])
    assert "exact" in res.method and res.details["within_exact_rule"]
    beyond = rank_sum(pool[:501], pool[501:1002])
    assert "normal approximation" in beyond.method


def test_signed_rank_auto_is_a_rule_of_sizes() -> None:
    """Exact up to 5,000 differences on at most 100 distinct |d|, and up to 500 otherwise."""
    rng = np.random.default_rng(3)
    n_scale = SIGNED_RANK_MAX_PAIRS_ON_SCALE
    scale = rng.integers(1, 11, n_scale).astype(float) * rng.choice([-1.0, 1.0], n_scale)
    inside = signed_rank(scale, method="auto")
    assert "exact" in inside.method and inside.details["within_exact_rule"]
    assert inside.details["method_rule"] == SIGNED_RANK_RULE
    assert (
        "5,000" in SIGNED_RANK_RULE and f"{SIGNED_RANK_MAX_DISTINCT} distinct" in SIGNED_RANK_RULE
    )
    beyond = signed_rank(np.append(scale, 5.0), method="auto")
    assert "normal approximation" in beyond.method and not beyond.details["within_exact_rule"]
    untied = rng.normal(0.3, 1.0, SIGNED_RANK_MAX_PAIRS + 1)
    assert "normal approximation" in signed_rank(untied, method="auto").method
    assert "exact" in signed_rank(untied[:SIGNED_RANK_MAX_PAIRS], method="auto").method
