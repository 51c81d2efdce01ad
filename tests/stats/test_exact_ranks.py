"""The exact algorithms behind the Wilcoxon tests, checked against each other.

* the network programmes (compiled) against the whole distributions of the NumPy dynamic
  programmes, at every threshold of small random tables (relative 1e-13);
* the certified Fourier inversion against the network programme on random tables of up to
  a few hundred observations, tails from the bulk to 1e-200 (relative 1e-12, and the
  difference within the reported bound);
* the cumulant series of one factor against extended-precision evaluation;
* the choice of algorithm, the symmetric shortcut, extreme tails and degenerate tables;
* numba is imported only when a compiled kernel is needed.

References to R are in ``test_exact_large.py`` and ``test_ranks.py``.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from painresponse.stats import _exact_fourier, _exact_ranks, _rank_tails
from painresponse.stats.ranks import _doubled_midranks, rank_sum, rank_sum_from_counts, signed_rank
from tests.stats._rank_cases import FOURIER_ROUTES


def _kernels():  # type: ignore[no-untyped-def]
    return _rank_tails.kernels()


def _reduced(totals: np.ndarray) -> tuple[list[int], list[int]]:
    """Category values (doubled mid-ranks from 0, divided by their gcd) and counts."""
    scores2 = _doubled_midranks(totals)
    steps = scores2 - scores2[0]
    g = int(np.gcd.reduce(steps)) or 1
    return (steps // g).tolist(), totals.tolist()


@pytest.mark.parametrize("seed", range(4))
def test_rank_sum_network_matches_whole_distribution(seed: int) -> None:
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(60):
        totals = rng.integers(1, 6, rng.integers(1, 9))
        n_total = int(totals.sum())
        if n_total < 2:
            continue
        m = int(rng.integers(1, n_total))
        d, counts = _reduced(totals)
        # the whole distribution on doubled mid-ranks (it reflects a larger group through
        # their total N(N+1)), mapped to the reduced values D = (W2 - m s_min) / g
        scores2 = _doubled_midranks(totals)
        g = int(np.gcd.reduce(scores2 - scores2[0])) or 1
        support2, probs = _exact_ranks.rank_sum_distribution(scores2.tolist(), counts, m)
        support = (support2 - m * int(scores2[0])) // g
        values = np.asarray(d[::-1], dtype=np.int64)
        totals_desc = np.asarray(counts[::-1], dtype=np.int64)
        for u in support.tolist():
            reference = float(probs[support >= u].sum())
            tail, cells = _kernels().rank_sum_tail(values, totals_desc, m, u, 1e9)
            assert cells <= _kernels().rank_sum_tail_cells(values, totals_desc, m, u)
            worst = max(worst, abs(tail - reference) / reference)
    assert worst < 1e-13


@pytest.mark.parametrize("seed", range(4))
def test_signed_rank_network_matches_whole_distribution(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    worst = 0.0
    for _ in range(60):
        totals = rng.integers(1, 7, rng.integers(1, 9))
        scores2 = _doubled_midranks(totals).tolist()
        support, probs = _exact_ranks.signed_rank_distribution(scores2, totals.tolist())
        items = np.repeat(np.asarray(scores2, dtype=np.int64), totals)[::-1].copy()
        for u in support.tolist():
            reference = float(probs[support >= u].sum())
            tail, cells = _kernels().signed_rank_tail(items, u, 1e9)
            assert cells <= _kernels().signed_rank_tail_cells(items, u)
            worst = max(worst, abs(tail - reference) / reference)
    assert worst < 1e-13


def _random_table(rng: np.random.Generator, kind: int) -> tuple[np.ndarray, np.ndarray]:
    n = int(rng.integers(60, 240))
    m = int(rng.integers(30, n))
    x: np.ndarray
    y: np.ndarray
    if kind == 0:  # untied
        x, y = rng.normal(size=m), rng.normal(rng.uniform(0, 1), size=n)
    elif kind == 1:  # continuous, rounded: ties
        x, y = np.round(rng.normal(size=m), 1), np.round(rng.normal(rng.uniform(0, 1), size=n), 1)
    elif kind == 2:  # NRS
        x, y = rng.integers(0, 11, m), rng.integers(0, 11, n) + rng.integers(0, 2, n)
    else:  # 0-59 with a shift
        x, y = rng.integers(0, 60, m), rng.integers(0, 60, n) + rng.integers(0, 8, n)
    values, inverse = np.unique(np.concatenate([x, y]), return_inverse=True)
    return (
        np.bincount(inverse[:m], minlength=values.size),
        np.bincount(inverse[m:], minlength=values.size),
    )


@pytest.mark.parametrize("seed", range(3))
def test_fourier_matches_network(seed: int) -> None:
    """Random tables; thresholds from -6 to +12 standard deviations (tails down to 1e-200)."""
    rng = np.random.default_rng(1000 + seed)
    compared = 0
    for trial in range(40):
        cx, cy = _random_table(rng, trial % 4)
        totals = cx + cy
        m = int(cx.sum())
        d, counts = _reduced(totals)
        items = np.repeat(np.asarray(d, dtype=np.int64), counts)[::-1].copy()
        values = np.asarray(d[::-1], dtype=np.int64)
        totals_desc = np.asarray(counts[::-1], dtype=np.int64)
        n_total = len(items)
        mean = m * items.sum() / n_total
        sd = np.sqrt(m * (n_total - m) / n_total / (n_total - 1) * items.var() * n_total)
        low, high = int(np.sort(items)[:m].sum()), int(np.sort(items)[-m:].sum())
        u = int(mean + rng.choice([-6.0, -2.0, 0.5, 2.0, 5.0, 12.0]) * sd)
        u = min(max(u, low + 1), high)
        try:
            tail, bound, _ = _exact_fourier.upper_tail(d, counts, m, u)
        except _exact_fourier.FourierNotCertified:
            continue
        if tail > 0.5:  # compare the smaller side: the programme's sum near 1 carries 1e-13
            reflected = np.asarray([d[-1] - v for v in d], dtype=np.int64)  # decreasing
            lower, _ = _kernels().rank_sum_tail(
                reflected, np.asarray(counts, dtype=np.int64), m, m * d[-1] - (u - 1), 1e9
            )
            reference = 1.0 - lower
        else:
            reference, _ = _kernels().rank_sum_tail(values, totals_desc, m, u, 1e9)
        if reference < 1e-290:
            continue
        compared += 1
        assert bound <= 1e-12
        assert tail == pytest.approx(reference, rel=max(bound, 1e-14), abs=0.0)
    assert compared >= 30


def test_signed_rank_fourier_matches_network() -> None:
    rng = np.random.default_rng(7)
    for trial in range(30):
        n = int(rng.integers(200, 2000))
        raw = (
            np.abs(rng.normal(size=n)).round(2)
            if trial % 2
            else rng.integers(1, 11 + 40 * (trial % 3), n)
        )
        _, totals = np.unique(raw, return_counts=True)
        scores2 = _doubled_midranks(totals)
        g = int(np.gcd.reduce(scores2))
        r = (scores2 // g).tolist()
        total = int((totals * scores2).sum()) // g
        u = int(
            total / 2
            + rng.choice([0.5, 2.0, 4.0, 9.0]) * np.sqrt((totals * (scores2 / g) ** 2).sum() / 4)
        )
        items = np.repeat(np.asarray(r, dtype=np.int64), totals)[::-1].copy()
        reference, _ = _kernels().signed_rank_tail(items, u, 1e9)
        tail, bound, _ = _exact_fourier.upper_tail(r, totals.tolist(), None, u)
        assert bound <= 1e-12
        assert tail == pytest.approx(reference, rel=max(bound, 1e-14))


def test_cumulant_series_of_one_factor() -> None:
    """``log(q + p e^{i a}) - i p a`` from the series agrees with extended precision."""
    p = np.array([1e-9, 0.01, 0.2, 0.45, 0.5, 0.55, 0.8, 0.99, 1 - 1e-9])
    q = 1.0 - p
    even, odd = _rank_tails.node_kernels().cumulant_coefficients(p, q)
    ld = np.longdouble
    p_ld, q_ld = p.astype(ld), ld(1) - p.astype(ld)
    for alpha in (1e-4, 0.05, 0.2, 0.5):
        a = ld(alpha)
        half = np.sin(a / 2)
        exact_re = 0.5 * np.log1p(-4 * p_ld * q_ld * half * half)
        exact_im = (
            np.arctan2(2 * p_ld * half * np.cos(a / 2), 1 - 2 * p_ld * half * half) - p_ld * a
        )
        powers = alpha ** (2 * np.arange(1, even.shape[1] + 1))
        series_re = even @ powers
        series_im = alpha * (odd @ powers[: odd.shape[1]])
        np.testing.assert_allclose(series_re, exact_re.astype(float), rtol=1e-14, atol=1e-300)
        # the long double reference itself carries about eps_ld * p * alpha (1e-19 p alpha)
        reference_error = 64 * float(np.finfo(ld).eps) * p * alpha
        error = np.abs(series_im - exact_im.astype(float))
        assert np.all(error <= 1e-13 * np.abs(exact_im.astype(float)) + reference_error)


def test_algorithm_choice() -> None:
    rng = np.random.default_rng(5)
    small = rank_sum(rng.integers(0, 11, 40), rng.integers(0, 11, 45), method="exact")
    assert small.details["algorithm"] == "dynamic programme" and "support_size" in small.details
    mid = rank_sum(rng.normal(size=60), rng.normal(size=70), method="exact")
    assert mid.details["algorithm"] == "network"
    large = rank_sum(rng.integers(0, 11, 1000), rng.integers(0, 11, 1000), method="exact")
    assert large.details["algorithm"] in FOURIER_ROUTES and large.details["error_bound"] <= 1e-12
    assert "Fourier inversion" in large.method and large.details["cost"] > 0


def test_untied_two_sided_is_twice_one_tail() -> None:
    """Untied samples have a symmetric null distribution: one tail is computed."""
    rng = np.random.default_rng(9)
    x, y = rng.normal(size=300), rng.normal(0.2, size=300)
    two = rank_sum(x, y, method="exact")
    one = rank_sum(x, y, method="exact", alternative="less" if two.statistic < 90150 else "greater")
    assert two.pvalue == pytest.approx(2 * one.pvalue, rel=1e-12)


@pytest.mark.parametrize(
    ("counts_x", "counts_y", "expected"),
    [
        # complete separation of 5,000 + 5,000 on 0-10: below the smallest float (exactly 0)
        ([1000] * 5 + [0] * 6, [0] * 5 + [1000] * 5 + [0], 0.0),
        # 2 categories: a hypergeometric tail (R: phyper), 5,000 + 5,000
        ([2600, 2400], [2400, 2600], None),
    ],
)
def test_extreme_and_degenerate_large_tables(
    counts_x: list[int], counts_y: list[int], expected: float | None
) -> None:
    values = np.arange(len(counts_x))
    res = rank_sum_from_counts(values, counts_x, counts_y)
    assert "exact" in res.method
    if expected is not None:
        assert res.pvalue == expected
    else:
        from scipy.stats import hypergeom

        # x takes a ~ Hypergeom(N, t_2, m) of the upper category; two-sided around m t_2 / N
        low = hypergeom.cdf(counts_x[1], 10000, 5000, 5000)
        assert res.pvalue == pytest.approx(2 * low, rel=1e-10)


def test_untied_separation_is_one_over_binomial() -> None:
    """Complete separation of 500 + 500 untied: p = 2 / C(1000, 500) (about 7e-300)."""
    import math

    res = rank_sum(np.arange(500.0), np.arange(500.0) + 500)
    assert res.pvalue == pytest.approx(2 / math.comb(1000, 500), rel=1e-12)
    assert res.details["algorithm"] == "network"


def test_signed_rank_all_positive() -> None:
    """All 500 untied differences positive: p = 2^-499."""
    rng = np.random.default_rng(2)
    res = signed_rank(np.abs(rng.normal(size=500)) + 0.1)
    assert res.pvalue == pytest.approx(2.0**-499, rel=1e-12)


def test_numba_is_imported_only_when_needed() -> None:
    """Small exact tests and ``import painresponse`` never load numba; a large one does."""
    code = (
        "import sys\n"
        "import painresponse.stats.ranks as r\n"
        "r.rank_sum([1, 2, 2, 3, 5], [3, 4, 4, 6, 7, 7], method='exact')\n"
        "r.signed_rank([1, -2, 3, 4, 4, -1, 5], method='exact')\n"
        "assert 'numba' not in sys.modules, 'numba imported by a small test'\n"
        "import numpy as np\n"
        "r.rank_sum(np.arange(300.0), np.arange(300.0) + 0.5, method='exact')\n"
        "assert 'numba' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_compiled_programme_is_the_numpy_programme_bit_for_bit() -> None:
    """``rank_sum_distribution(compiled=True)`` gives the same numbers, not merely close ones."""
    rng = np.random.default_rng(2)
    for _ in range(400):
        totals = rng.integers(1, int(rng.choice([2, 5, 12])), size=int(rng.integers(1, 20)))
        if rng.random() < 0.2:
            totals = np.ones(int(rng.integers(2, 50)), dtype=np.int64)
        n_total = int(totals.sum())
        if n_total < 2:
            continue
        m = int(rng.integers(1, n_total))
        scores2 = _doubled_midranks(totals)
        if rng.random() < 0.3:  # any increasing integer scores
            scores2 = np.cumsum(rng.integers(1, 5, size=totals.size))
        numpy_way = _exact_ranks.rank_sum_distribution(list(scores2), list(totals), m)
        compiled = _exact_ranks.rank_sum_distribution(list(scores2), list(totals), m, compiled=True)
        np.testing.assert_array_equal(compiled[0], numpy_way[0])
        np.testing.assert_array_equal(compiled[1], numpy_way[1])
