"""Exact rank-sum p-values of a small group against a large one, and of five categories.

Each route is checked against an independent exact computation of our own:

* the Cauchy row bound of the Fourier grid (:func:`._exact_rows.cauchy_rows`, a
  smaller group of 20-100 against thousands on many values) against the network
  programme (:func:`._exact_kernels.rank_sum_tail`), which shares no code with it;
* the five-category hypergeometric sums (:func:`._exact_kernels.rank_sum_tail_five`)
  against the whole distribution (:func:`._exact_ranks.rank_sum_distribution`, a dynamic
  programme of binomial weights) and against the network programme.

Tolerance: relative 1e-12 (the certified Fourier bound), the agreement is about 1e-14.
R coin references (``tests/reference/unbalanced_exact.json``, written by
``Rscript tests/reference/make_unbalanced_exact_reference.R``, coin 1.4.2): groups of
30-200 against 1,200-3,000 on 5-100 values, compared at relative 1e-10 through the
automatic choice and through each exact route. Coin takes seconds to minutes there and
cannot reach 5,000 patients; speed is measured in ``benchmarks/exact_tests.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painresponse.stats import _exact_choice, _exact_fourier, _exact_ranks, _rank_tails
from painresponse.stats.ranks import rank_sum_from_counts
from tests.stats._rank_cases import ALTERNATIVE, FOURIER_ROUTES, lattice, unbalanced_table

RTOL = 1e-12
COIN = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "unbalanced_exact.json").read_text()
)


def _network_tail(d: list[int], counts: list[int], m: int, u: int) -> float:
    value, _ = _rank_tails.kernels().rank_sum_tail(
        np.asarray(d[::-1], dtype=np.int64), np.asarray(counts[::-1], dtype=np.int64), m, u, 2e8
    )
    assert not math.isnan(value)
    return float(value)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("levels", "small", "large", "shift", "skew"),
    [
        (100, 50, 5000, 0, False),  # 2.2 s by the programme before the Cauchy row bound
        (100, 50, 5000, 10, False),  # p about 1e-8
        (100, 60, 5000, 0, True),
        (60, 40, 3000, 0, False),
        (30, 70, 5000, 3, False),
        (100, 80, 3000, 0, False),
    ],
)
def test_cauchy_rows_agree_with_network(
    levels: int, small: int, large: int, shift: int, skew: bool
) -> None:
    x, y = unbalanced_table(levels, small, large, seed=levels + small, shift=shift, skew=skew)
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    assert hi is not None and lo is not None
    reflected = [d[-1] - v for v in reversed(d)]
    for values, totals, u in [(d, counts, hi), (reflected, counts[::-1], m * d[-1] - lo)]:
        plan = _exact_fourier.plan_upper_tail(values, totals, m, u)
        assert not isinstance(plan, float)
        value, bound, _ = _exact_fourier.evaluate_tail(plan, 40_000_000)
        assert bound <= _exact_fourier.FOURIER_MAX_REL_ERROR
        reference = _network_tail(values, totals, m, u)
        assert value == pytest.approx(reference, rel=RTOL, abs=1e-300)


def test_cauchy_rows_bound_is_conservative() -> None:
    """The bound of the rows left out covers them: dropping nothing changes little."""
    x, y = unbalanced_table(100, 50, 5000, seed=3)
    d, counts, m, hi, _ = lattice(x, y, "greater")
    assert hi is not None
    plan = _exact_fourier.plan_upper_tail(d, counts, m, hi)
    assert not isinstance(plan, float)
    # the rows kept are a small part of the grid: the Cauchy bound did the screening
    assert plan.nodes < 0.05 * plan.period_a * (plan.period_d // 2 + 1)
    value, bound, info = _exact_fourier.evaluate_tail(plan, 40_000_000)
    assert info["skipped_rel"] < 1e-15
    reference = _network_tail(d, counts, m, hi)
    assert abs(value - reference) <= (bound + 1e-14) * reference


def test_small_group_on_many_values_uses_fourier() -> None:
    x, y = unbalanced_table(100, 50, 5000, seed=14)
    result = rank_sum_from_counts(np.arange(100), x, y)
    assert result.details["algorithm"] in FOURIER_ROUTES
    assert result.details["error_bound"] <= 1e-12
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    assert hi is not None and lo is not None
    reflected = [d[-1] - v for v in reversed(d)]
    reference = _network_tail(d, counts, m, hi) + _network_tail(
        reflected, counts[::-1], m, m * d[-1] - lo
    )
    assert result.pvalue == pytest.approx(reference, rel=RTOL)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("levels", [5, 6])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_five_categories_agree_with_distribution(seed: int, levels: int, alternative: str) -> None:
    """Five and six categories (``rank_sum_tail_five``, ``rank_sum_tail_six``)."""
    rng = np.random.default_rng(seed + 10 * levels)
    n = int(rng.integers(40, 700))
    m = int(rng.integers(1, n // 2 + 1))
    prob = rng.dirichlet(np.full(levels, rng.uniform(0.3, 3.0)))
    x = np.minimum(rng.choice(levels, m, p=prob) + rng.integers(0, 3, m), levels - 1)
    y = rng.choice(levels, n - m, p=prob)
    cx, cy = np.bincount(x, minlength=levels), np.bincount(y, minlength=levels)
    if ((cx + cy) == 0).any():
        cy[(cx + cy) == 0] = 1
    d, counts, m, hi, lo = lattice(cx, cy, alternative)
    if hi is not None and lo is not None and hi <= lo:
        pytest.skip("the observed statistic is the mean")
    result = _exact_ranks._five_categories(d, counts, m, hi, lo)
    support, probs = _exact_ranks.rank_sum_distribution(d, counts, m)
    expected = 0.0
    if hi is not None:
        expected += float(probs[support >= hi].sum())
    if lo is not None:
        expected += float(probs[support <= lo].sum())
    assert result.algorithm == "hypergeometric sums"
    assert result.pvalue == pytest.approx(min(1.0, expected), rel=RTOL, abs=1e-300)


@pytest.mark.parametrize(
    ("small", "large", "shift", "skew"),
    [(300, 5000, 0, True), (200, 2000, 1, False), (60, 5000, 2, True), (150, 4000, 0, False)],
)
def test_five_categories_agree_with_network(small: int, large: int, shift: int, skew: bool) -> None:
    """Five values (a 0-4 scale), unbalanced groups: 'exact not computable' before."""
    x, y = unbalanced_table(5, small, large, seed=small, shift=shift, skew=skew)
    result = rank_sum_from_counts(np.arange(5), x, y)
    assert result.details["algorithm"] == "hypergeometric sums"
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    assert hi is not None and lo is not None
    reflected = [d[-1] - v for v in reversed(d)]
    reference = _network_tail(d, counts, m, hi) + _network_tail(
        reflected, counts[::-1], m, m * d[-1] - lo
    )
    assert result.pvalue == pytest.approx(min(1.0, reference), rel=RTOL, abs=1e-300)


@pytest.mark.parametrize(("small", "shift", "skew"), [(150, 0, False), (60, 1, True)])
def test_six_categories_agree_with_network(small: int, shift: int, skew: bool) -> None:
    """Six values (a 0-5 scale) against 3,000: 0.2-1.5 s by the programme before."""
    x, y = unbalanced_table(6, small, 3000, seed=small + 6, shift=shift, skew=skew)
    result = rank_sum_from_counts(np.arange(6), x, y)
    assert result.details["algorithm"] == "hypergeometric sums"
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    assert hi is not None and lo is not None
    reflected = [d[-1] - v for v in reversed(d)]
    reference = _network_tail(d, counts, m, hi) + _network_tail(
        reflected, counts[::-1], m, m * d[-1] - lo
    )
    assert result.pvalue == pytest.approx(min(1.0, reference), rel=RTOL, abs=1e-300)


def _two_tails_by_network(x: np.ndarray, y: np.ndarray) -> tuple[float, list[int]]:
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    assert hi is not None and lo is not None
    reflected = [d[-1] - v for v in reversed(d)]
    reference = _network_tail(d, counts, m, hi) + _network_tail(
        reflected, counts[::-1], m, m * d[-1] - lo
    )
    return min(1.0, reference), counts


@pytest.mark.parametrize(("small", "skew", "route"), [(300, True, "sums"), (300, False, "other")])
def test_six_categories_beyond_the_rule_when_cheap(small: int, skew: bool, route: str) -> None:
    """300 + 5,000 on a 0-5 scale: above SIX_MAX_M the sums are taken only when expected
    cheap (skewed: about 11 ms, against about 100 ms by the Fourier grid and the
    programme); the flat scale's wide laws go to the other routes. Both agree with the
    network programme."""
    x, y = unbalanced_table(6, small, 5000, seed=small + 60, skew=skew)
    result = rank_sum_from_counts(np.arange(6), x, y, "exact")
    reference, counts = _two_tails_by_network(x, y)
    m = int(x.sum())
    assert m > _exact_choice.SIX_MAX_M
    expected_cheap = _exact_choice.sums_triples(counts, m) <= _exact_choice.SUMS_TRY_TRIPLES
    assert expected_cheap == (route == "sums")
    assert (result.details["algorithm"] == "hypergeometric sums") == (route == "sums")
    assert result.pvalue == pytest.approx(reference, rel=RTOL, abs=1e-300)


def test_six_categories_give_up_past_their_effort() -> None:
    """The sums stop with a NaN p-value once their effort passes the limit (the route
    then takes another algorithm), and finish the same below it."""
    x, y = unbalanced_table(6, 300, 5000, seed=360, skew=True)
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    given_up = _exact_ranks._five_categories(d, counts, m, hi, lo, 1_000.0)
    assert math.isnan(given_up.pvalue)
    limited = _exact_ranks._five_categories(d, counts, m, hi, lo, _exact_choice.SUMS_TRY_EFFORT)
    whole = _exact_ranks._five_categories(d, counts, m, hi, lo)
    assert limited.pvalue == whole.pvalue


def test_five_categories_extreme_tail() -> None:
    """A p-value near 1e-50: the left-out weight is checked against the tail itself."""
    x, y = unbalanced_table(5, 150, 5000, seed=9, shift=1, skew=True)
    d, counts, m, hi, lo = lattice(x, y, "greater")
    assert hi is not None and lo is None
    result = _exact_ranks._five_categories(d, counts, m, hi, None)
    reference = _network_tail(d, counts, m, hi)
    assert 0.0 < reference < 1e-20
    assert result.pvalue == pytest.approx(reference, rel=RTOL)


@pytest.mark.slow
def test_no_exact_failure_inside_the_rule() -> None:
    """Skewed 0-10 scale, 300 + 5,000, strong shift: the programme's table is too large,
    so the Fourier grid takes the larger budget (before: 'exact not computable')."""
    x, y = unbalanced_table(11, 300, 5000, seed=1, shift=2, skew=True)
    result = rank_sum_from_counts(np.arange(11), x, y)
    assert "fourier" in result.details["algorithm"] or "network" in result.details["algorithm"]
    assert result.details.get("error_bound", 0.0) <= 1e-12
    assert 0.0 < result.pvalue < 1e-20


def _fourier_tail(d: list[int], counts: list[int], m: int, u: int) -> float | None:
    try:
        plan = _exact_fourier.plan_upper_tail(d, counts, m, u)
        return _exact_fourier.evaluate_tail(plan, 40_000_000)[0]
    except _exact_fourier.FourierNotCertified:
        return None


@pytest.mark.parametrize("case", COIN["cases"], ids=[c["label"] for c in COIN["cases"]])
def test_matches_coin(case: dict[str, Any]) -> None:
    alternative = ALTERNATIVE[case["alternative"]]
    x = np.asarray(case["counts_x"], dtype=np.int64)
    y = np.asarray(case["counts_y"], dtype=np.int64)
    expected = case["pvalue"]
    result = rank_sum_from_counts(np.arange(case["K"]), x, y, "exact", alternative=alternative)
    assert result.pvalue == pytest.approx(expected, rel=1e-10, abs=1e-300)
    d, counts, m, hi, lo = lattice(x, y, alternative)
    if hi is not None and lo is not None and hi <= lo:
        assert expected == pytest.approx(1.0, rel=1e-10)
        return
    reflected = [d[-1] - v for v in reversed(d)]
    tails = []
    if hi is not None:
        tails.append((d, counts, hi))
    if lo is not None:
        tails.append((reflected, counts[::-1], m * d[-1] - lo))
    # each exact route on its own
    network = sum(_network_tail(*tail_args[:2], m, tail_args[2]) for tail_args in tails)
    assert min(1.0, network) == pytest.approx(expected, rel=1e-10, abs=1e-300)
    fourier = [_fourier_tail(*tail_args[:2], m, tail_args[2]) for tail_args in tails]
    if all(value is not None for value in fourier):
        total = sum(value for value in fourier if value is not None)
        assert min(1.0, total) == pytest.approx(expected, rel=1e-10, abs=1e-300)
    if len(d) == 5:
        five = _exact_ranks._five_categories(d, counts, m, hi, lo)
        assert five.pvalue == pytest.approx(expected, rel=1e-10, abs=1e-300)
