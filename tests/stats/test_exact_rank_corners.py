"""The slow corners of the exact rank-sum test (issue #14), and the routes that fixed them.

* the network programme (:func:`._exact_kernels.rank_sum_tail`, destination-major bands of
  the diagonal coordinate, rows sized by a dry run of its live ranges) and its counted work
  (:func:`._exact_kernels.rank_sum_tail_work`) against the whole distribution
  (:func:`._exact_ranks.rank_sum_distribution`) on hundreds of seeded random tables,
  every threshold, relative 1e-12;
* the five- and six-category sums (:mod:`._exact_sums`: exact skipping of the terms with
  no tail, the cut relative to the p-value) against the whole distribution, including
  two-sided tests whose tails differ by many orders of magnitude;
* the whole choice of routes (:func:`._exact_ranks.rank_sum_pvalue` with the small-table
  shortcut switched off, so the network, Fourier and the two tails on two threads are used)
  against the whole distribution;
* the corner sizes themselves (a small group against 5,000 on 7-100 values; skewed scales
  with p below 1e-60) against the network programme run alone;
* R coin references at corner sizes coin can reach (``tests/reference/rank_corners.json``,
  written by ``Rscript tests/reference/make_rank_corners_reference.R``), relative 1e-10.

Timings are in ``benchmarks/exact_tests.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painresponse.stats import _exact_choice, _exact_ranks, _rank_tails
from painresponse.stats.ranks import _doubled_midranks, rank_sum_from_counts
from tests.stats._rank_cases import ALTERNATIVE, lattice, unbalanced_table

RTOL = 1e-12
_CORNERS = Path(__file__).resolve().parents[1] / "reference" / "rank_corners.json"


def _kernels():  # type: ignore[no-untyped-def]
    return _rank_tails.kernels()


def _random_table(rng: np.random.Generator, levels: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Random counts: a Dirichlet scale, a random shift, unbalanced groups."""
    m = int(rng.integers(1, n // 2 + 1))
    prob = rng.dirichlet(np.full(levels, rng.uniform(0.3, 3.0)))
    x = np.minimum(rng.choice(levels, m, p=prob) + rng.integers(0, 3, m), levels - 1)
    y = rng.choice(levels, n - m, p=prob)
    cx, cy = np.bincount(x, minlength=levels), np.bincount(y, minlength=levels)
    cy[(cx + cy) == 0] = 1
    return cx, cy


def _whole(d: list[int], counts: list[int], m: int) -> tuple[np.ndarray, np.ndarray]:
    return _exact_ranks.rank_sum_distribution(d, counts, m)


def _network_tail(d: list[int], counts: list[int], m: int, u: int) -> float:
    value, _ = _kernels().rank_sum_tail(
        np.asarray(d[::-1], dtype=np.int64), np.asarray(counts[::-1], dtype=np.int64), m, u, 3e8
    )
    assert not math.isnan(value)
    return float(value)


@pytest.mark.parametrize("seed", range(3))
def test_network_matches_whole_distribution(seed: int) -> None:
    """100 random tables per seed, every threshold of the support; the counted work too."""
    rng = np.random.default_rng(1400 + seed)
    worst, checked = 0.0, 0
    for _ in range(100):
        levels = int(rng.integers(2, 25))
        x, y = _random_table(rng, levels, int(rng.integers(levels + 2, 160)))
        d, counts, m, _, _ = lattice(x, y, "greater")
        support, probs = _whole(d, counts, m)
        values = np.asarray(d[::-1], dtype=np.int64)
        totals = np.asarray(counts[::-1], dtype=np.int64)
        for u in support[:: max(1, support.size // 25)].tolist():
            reference = float(probs[support >= u].sum())
            tail, cells = _kernels().rank_sum_tail(values, totals, m, u, 1e9)
            work, table = _kernels().rank_sum_tail_work(values, totals, m, u)
            assert work == cells
            assert table <= _kernels().rank_sum_tail_table(values, totals, m, u)
            worst = max(worst, abs(tail - reference) / reference)
            checked += 1
    assert checked > 500
    assert worst <= RTOL


@pytest.mark.parametrize("seed", range(3))
def test_five_and_six_categories_match_whole_distribution(seed: int) -> None:
    """80 random 0-4 / 0-5 tables per seed, all alternatives, tails far apart included."""
    rng = np.random.default_rng(1500 + seed)
    worst, checked = 0.0, 0
    for _ in range(80):
        levels = int(rng.choice([5, 6]))
        x, y = _random_table(rng, levels, int(rng.integers(20, 400)))
        alternative = str(rng.choice(["two-sided", "less", "greater"]))
        d, counts, m, hi, lo = lattice(x, y, alternative)
        if len(d) < 5 or (hi is not None and lo is not None and hi <= lo):
            continue
        support, probs = _whole(d, counts, m)
        expected = 0.0
        if hi is not None:
            expected += float(probs[support >= hi].sum())
        if lo is not None:
            expected += float(probs[support <= lo].sum())
        result = _exact_ranks._five_categories(d, counts, m, hi, lo)
        assert result.algorithm == "hypergeometric sums"
        if expected > 1e-300:
            worst = max(worst, abs(result.pvalue - min(1.0, expected)) / expected)
            checked += 1
    assert checked > 50
    assert worst <= RTOL


@pytest.mark.parametrize("seed", range(2))
def test_route_choice_matches_whole_distribution(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The small-table shortcut off: each tail by the network or the Fourier method, two
    tails of a two-sided test on two threads (their threshold lowered to every table)."""
    monkeypatch.setattr(_exact_ranks, "SMALL_COST", -1.0)
    monkeypatch.setattr(_exact_choice, "_PARALLEL_MIN_CELLS", 0.0)
    if seed == 1:  # the Fourier method wherever it certifies
        monkeypatch.setattr(_exact_choice, "NETWORK_DIRECT_CELLS", -1.0)
    rng = np.random.default_rng(1600 + seed)
    worst, checked, algorithms = 0.0, 0, set()
    for _ in range(60):
        levels = int(rng.integers(7, 30))
        x, y = _random_table(rng, levels, int(rng.integers(levels + 10, 300)))
        alternative = str(rng.choice(["two-sided", "less", "greater"]))
        totals = x + y
        scores2 = _doubled_midranks(totals[totals > 0])
        m = int(x[totals > 0].sum())
        w2 = int((scores2 * x[totals > 0]).sum())
        counts = totals[totals > 0].tolist()
        result = _exact_ranks.rank_sum_pvalue(scores2.tolist(), counts, m, w2, alternative)
        support, probs = _whole(scores2.tolist(), counts, m)
        n_total = sum(counts)
        centre = m * int((scores2 * totals[totals > 0]).sum())
        expected = _exact_ranks._distribution_tail(support, probs, w2, n_total, centre, alternative)
        algorithms.add(result.algorithm)
        assert result.error_bound <= 1e-12
        if expected > 1e-300:
            worst = max(worst, abs(result.pvalue - expected) / expected)
            checked += 1
    assert checked > 40
    assert worst <= RTOL
    assert any("network" in name or "fourier" in name for name in algorithms)


CORNERS = [
    (100, 20, 5000, 0, False),
    (100, 50, 5000, 0, True),
    (30, 50, 5000, 0, False),
    (11, 100, 5000, 0, False),
    (7, 150, 5000, 0, True),
    (11, 300, 5000, 2, True),
]


@pytest.mark.slow
@pytest.mark.parametrize(("levels", "small", "large", "shift", "skew"), CORNERS)
def test_corners_match_the_network(
    levels: int, small: int, large: int, shift: int, skew: bool
) -> None:
    """The corner sizes through the automatic choice, against the programme run alone."""
    x, y = unbalanced_table(levels, small, large, seed=levels + small, shift=shift, skew=skew)
    result = rank_sum_from_counts(np.arange(levels), x, y, method="exact")
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    assert hi is not None and lo is not None
    reflected = [d[-1] - v for v in reversed(d)]
    reference = _network_tail(d, counts, m, hi) + _network_tail(
        reflected, counts[::-1], m, m * d[-1] - lo
    )
    assert result.pvalue == pytest.approx(min(1.0, reference), rel=RTOL, abs=1e-300)
    assert result.details.get("error_bound", 0.0) <= 1e-12


def test_five_categories_far_apart_tails() -> None:
    """1,000 + 5,000 on a skewed 0-4 scale, p near 1e-216: the lower tail is far below the
    upper one and is summed only as far as the p-value needs (0.4 s before, milliseconds)."""
    x, y = unbalanced_table(5, 1000, 5000, seed=6001, shift=1, skew=True)
    d, counts, m, hi, lo = lattice(x, y, "two-sided")
    result = _exact_ranks._five_categories(d, counts, m, hi, lo)
    upper = _exact_ranks._five_categories(d, counts, m, hi, None)
    assert 0.0 < result.pvalue < 1e-200
    assert result.pvalue == pytest.approx(upper.pvalue, rel=1e-10)
    assert result.cost < 1e8


def _coin_cases() -> list[dict[str, Any]]:
    if not _CORNERS.exists():
        return []
    return list(json.loads(_CORNERS.read_text())["cases"])


@pytest.mark.skipif(not _CORNERS.exists(), reason="rank_corners.json not generated")
@pytest.mark.parametrize("case", _coin_cases(), ids=[c["label"] for c in _coin_cases()])
def test_matches_coin(case: dict[str, Any]) -> None:
    x = np.asarray(case["counts_x"], dtype=np.int64)
    y = np.asarray(case["counts_y"], dtype=np.int64)
    alternative = ALTERNATIVE[case["alternative"]]
    result = rank_sum_from_counts(np.arange(case["K"]), x, y, "exact", alternative=alternative)
    assert result.pvalue == pytest.approx(case["pvalue"], rel=1e-10, abs=1e-300)


def test_cauchy_row_bound_is_charged_before_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small group against 5,000 on 7 values: the Cauchy bound of the grid's rows is
    tried on a sample of the rows the coarse grid flags, then (it leaves many out) at all
    of them, each charged before it runs; when the charge exceeds the screening budget,
    screening stops without running it; with room it runs and plans."""
    from painresponse.stats import _exact_fourier, _exact_rows

    rng = np.random.default_rng(7100)
    x = np.bincount(rng.choice(7, 100), minlength=7)
    y = np.bincount(rng.choice(7, 5000), minlength=7)
    d, counts, m, hi, _ = lattice(x, y, "two-sided")
    assert hi is not None
    calls: list[int] = []
    real = _exact_rows.cauchy_rows

    def counted(*args: Any) -> Any:
        calls.append(args[-1].size)  # the rows bounded
        return real(*args)

    monkeypatch.setattr(_exact_rows, "cauchy_rows", counted)
    probe = _exact_fourier.plan_upper_tail(d, counts, m, hi)
    assert not isinstance(probe, float) and len(calls) == 2
    # a sample first (about 1/64), then only the rows the coarse grid flags, not every
    # row of the period
    sample, flagged = calls
    assert 0 < 40 * sample < flagged < probe.period_d // 2
    cost = _exact_rows.cauchy_cost(7, probe.period_d, flagged)
    with pytest.raises(_exact_fourier.ScreeningTooCostly, match="Cauchy row bound"):
        _exact_fourier.plan_upper_tail(d, counts, m, hi, max_screen=0.9 * cost)
    assert calls == [sample, flagged, sample]  # the sample ran again, the whole did not
    # the route: near the centre, the middle between the two tails (its Fourier grid,
    # cheaper here, or the programme); the tails' grids are not screened
    result = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert result.details["algorithm"] in ("fourier (middle)", "network (middle)")


def test_cauchy_row_bound_left_out_where_it_keeps_every_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """2,000 against 5,000 on 6 values falling by e^6 (`--skews`): the Cauchy bound keeps
    every flagged row, so after its sample it is left out; the grid is the same as with
    the bound run at every flagged row."""
    from painresponse.stats import _exact_fourier, _exact_rows

    rng = np.random.default_rng(11)
    prob = np.exp(-np.arange(6) * 6.0 / 5)
    prob /= prob.sum()
    x = np.bincount(rng.choice(6, 2000, p=prob), minlength=6)
    y = np.bincount(rng.choice(6, 5000, p=prob), minlength=6)
    d, counts, m, hi, _ = lattice(x, y, "two-sided")
    assert hi is not None
    calls: list[int] = []
    real = _exact_rows.cauchy_rows

    def counted(*args: Any) -> Any:
        calls.append(args[-1].size)
        return real(*args)

    monkeypatch.setattr(_exact_rows, "cauchy_rows", counted)
    skipped = _exact_fourier.plan_upper_tail(d, counts, m, hi)
    assert len(calls) == 1  # the sample only
    monkeypatch.setattr(_exact_rows, "_CAUCHY_USELESS_KEPT", 2.0)  # always run it
    whole = _exact_fourier.plan_upper_tail(d, counts, m, hi)
    assert len(calls) == 3 and calls[2] > 40 * calls[0]
    assert not isinstance(skipped, float) and not isinstance(whole, float)
    assert np.array_equal(skipped.s_nodes, whole.s_nodes)
    assert np.array_equal(skipped.r_nodes, whole.r_nodes)
    assert skipped.log_excluded == whole.log_excluded


def test_cauchy_rows_summed_directly_match_the_fft(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few values: the Cauchy bound sums U(theta) row by row (rotations) instead of an
    FFT over the period. Both are padded by 1e-9 of the weights, far above either's
    rounding, so they keep the same rows. The rows far below the threshold are left out
    a block at a time there, each at the bound of its block's largest |U| and kernel: the
    bound of the rows left out is looser than the FFT route's row by row (never tighter),
    by a few per cent."""
    from painresponse.stats import _exact_fourier, _exact_rows

    rng = np.random.default_rng(7200)
    for levels, small in ((7, 150), (11, 100), (16, 60)):
        x = np.bincount(rng.choice(levels, small), minlength=levels)
        y = np.bincount(rng.choice(levels, 5000), minlength=levels)
        d, counts, m, hi, _ = lattice(x, y, "greater")
        assert hi is not None
        first = _exact_fourier.plan_upper_tail(d, counts, m, hi)
        with monkeypatch.context() as patch:
            patch.setattr(_exact_rows, "_CAUCHY_DIRECT_VALUES", 0)
            second = _exact_fourier.plan_upper_tail(d, counts, m, hi)
        assert not isinstance(first, float) and not isinstance(second, float)
        assert np.array_equal(first.s_nodes, second.s_nodes)
        assert second.log_excluded - 1e-9 <= first.log_excluded <= second.log_excluded + 0.1
