"""Exact Wilcoxon tests at large sizes: R coin references, engine agreement, the auto rule.

References: ``tests/reference/rank_exact_large.json``, written by
``Rscript tests/reference/make_large_exact_reference.R --large`` (R 4.2.2, coin 1.4.2)::

    pvalue(coin::wilcox_test(v ~ g, data = d, distribution = "exact", alternative = a))
    pvalue(coin::wilcoxsign_test(before ~ after, distribution = "exact",
                                 zero.method = "Wilcoxon", alternative = a))

Tolerance: relative 1e-9 (absolute floor 1e-15), as the other R fixtures. Cases coin cannot
do (overflow, hours) are checked by two independent exact algorithms of ours agreeing to
1e-12 (dynamic programme vs certified Fourier inversion). No wall-clock assertions here:
speed is measured in ``benchmarks/exact_tests.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painresponse.stats import _exact_ranks
from painresponse.stats.ranks import (
    AUTO_EXACT_MAX_DISTINCT,
    AUTO_EXACT_MAX_GROUP,
    AUTO_EXACT_MAX_GROUP_TIED,
    _doubled_midranks,
    _tail_pvalue,
    rank_sum,
    rank_sum_from_counts,
    signed_rank_from_counts,
)

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "rank_exact_large.json").read_text()
)
ALTERNATIVE = {"two.sided": "two-sided", "less": "less", "greater": "greater"}


def _run(case: dict[str, Any], method: str) -> float:
    alternative = ALTERNATIVE[case["alternative"]]
    if case["test"] == "signed_rank":
        res = signed_rank_from_counts(
            case["values"], case["counts"], method=method, alternative=alternative
        )
    elif "values" in case:
        res = rank_sum_from_counts(
            case["values"], case["counts_x"], case["counts_y"], method, alternative=alternative
        )
    else:
        res = rank_sum(case["x"], case["y"], method=method, alternative=alternative)
    return res.pvalue


@pytest.mark.parametrize(
    "case",
    REFERENCE["cases"],
    ids=[c["label"] + " " + c["alternative"] for c in REFERENCE["cases"]],
)
def test_matches_coin_exact(case: dict[str, Any]) -> None:
    assert _run(case, "exact") == pytest.approx(case["pvalue"], rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    "case",
    [c for c in REFERENCE["cases"] if c["test"] == "rank_sum"],
    ids=[c["label"] for c in REFERENCE["cases"] if c["test"] == "rank_sum"],
)
def test_auto_is_exact_within_the_rule(case: dict[str, Any]) -> None:
    """Every rank-sum reference case lies inside the size rule: "auto" gives coin's value."""
    assert _run(case, "auto") == pytest.approx(case["pvalue"], rel=1e-9, abs=1e-15)


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
    assert "exact" in res.method and res.details["algorithm"] == "fourier"
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
    """Exact up to 1,000 differences on at most 100 distinct |d|, or 400 otherwise."""
    import numpy as np

    from painresponse.stats.ranks import SIGNED_RANK_RULE, signed_rank

    rng = np.random.default_rng(3)
    scale = rng.integers(1, 11, 1000).astype(float) * rng.choice([-1.0, 1.0], 1000)
    inside = signed_rank(scale, method="auto")
    assert "exact" in inside.method and inside.details["within_exact_rule"]
    assert inside.details["method_rule"] == SIGNED_RANK_RULE
    beyond = signed_rank(np.append(scale, 5.0), method="auto")
    assert "normal approximation" in beyond.method and not beyond.details["within_exact_rule"]
    untied = rng.normal(0.3, 1.0, 401)
    assert "normal approximation" in signed_rank(untied, method="auto").method
    assert "exact" in signed_rank(untied[:400], method="auto").method
