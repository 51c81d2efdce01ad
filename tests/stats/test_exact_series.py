"""The series about centres around the circle (:mod:`painresponse.stats._exact_series`).

Each centre's series is checked against the factor's logarithm in extended precision at
random angles of its arc (within the bound it reports), and the Fourier node kernel with
the centres against the kernel without them (within the sum of both bounds).
"""

from __future__ import annotations

import numpy as np
import pytest

from painresponse.stats import _exact_choice, _exact_fourier, _exact_series, _rank_tails

LD = np.longdouble
PI = np.arccos(LD(-1))


def _random_p(rng: np.random.Generator) -> np.ndarray:
    """Tilts from 1e-6 to 1 - 1e-6, many near 0 and near 1, a few near 1/2."""
    return np.concatenate(
        [
            rng.uniform(0, 1, 4),
            10 ** rng.uniform(-6, 0, 4) / 2,
            1 - 10 ** rng.uniform(-6, 0, 2) / 2,
            0.5 + rng.uniform(-1e-3, 1e-3, 1),
        ]
    )


def _series_at(coef: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both polynomials at ``b`` by Horner in extended precision (not the kernel's order:
    this checks the coefficients and the bound's truncation, not the float64 rounding)."""
    order = _exact_series.CENTRE_ORDER
    re = np.zeros(b.shape, LD)
    im = np.zeros(b.shape, LD)
    b_ld = b.astype(LD)
    for n in range(order, -1, -1):
        re = re * b_ld + coef[:, n].astype(LD)
        im = im * b_ld + coef[:, order + 1 + n].astype(LD)
    return re, im


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_centre_series_is_within_its_bound_of_the_logarithm(seed: int) -> None:
    """At random nodes of random grids, every usable centre's series of ``log z - i p
    alpha`` is within its bound of the extended-precision logarithm (imaginary parts
    compared modulo 2 pi, which the integer ``t_j`` make irrelevant)."""
    rng = np.random.default_rng(seed)
    checked = 0
    worst = 0.0
    for _ in range(40):
        grid = int(rng.integers(1_000, 10**9))
        p = _random_p(rng)
        coef, bound, at = _exact_series.centre_series(p, grid)
        num = rng.integers(-(grid // 2) + 1, grid // 2 + 1, 300)
        alpha = 2 * np.pi * (num / grid)
        centre = alpha * (_exact_series.CENTRES / (2 * np.pi)) + _exact_series.CENTRES // 2 + 0.5
        centre = centre.astype(np.int64)
        beta = 2 * np.pi * ((num - at[centre]) / grid)
        for j in range(p.size):
            use = np.isfinite(bound[j, centre]) & (np.abs(alpha) > _exact_series.SERIES_ALPHA)
            if not use.any():
                continue
            re, im = _series_at(coef[j, centre[use]], beta[use])
            exact_alpha = 2 * PI * num[use].astype(LD) / LD(grid)
            z = (1 - LD(p[j])) + LD(p[j]) * np.exp(1j * exact_alpha.astype(np.clongdouble))
            log_z = np.log(z)
            d_im = (im - (log_z.imag - LD(p[j]) * exact_alpha) + PI) % (2 * PI) - PI
            diff = (np.abs(re - log_z.real) + np.abs(d_im)).astype(np.float64)
            ratio = diff / bound[j, centre[use]]
            assert np.all(ratio <= 1.0)
            worst = max(worst, float(ratio.max()))
            checked += int(use.sum())
    assert checked > 50_000
    assert worst > 1e-3  # the bound is not vacuous


def test_centres_cover_small_tilts_and_spare_a_zero_near_pi() -> None:
    """For tilts up to 0.15 every centre past the cumulant series is usable; at p = 1/2
    the centre at pi (where z vanishes) is not."""
    grid = 10**6 + 7
    _, bound, at = _exact_series.centre_series(np.array([1e-6, 0.01, 0.1, 0.15, 0.5]), grid)
    past = np.abs(2 * np.pi * at / grid) > _exact_series.SERIES_ALPHA - np.pi / 64
    assert np.all(np.isfinite(bound[:4, past]))
    assert not np.isfinite(bound[4, 0]) and not np.isfinite(bound[4, -1])
    assert np.all(bound[np.isfinite(bound)] < 1e-14)


def test_centres_are_symmetric_and_on_the_grid() -> None:
    """``k_-c = -k_c``, and the conjugate centre's coefficients are the mirrored ones."""
    grid = 999_983
    coef, bound, at = _exact_series.centre_series(np.array([0.03, 0.7]), grid)
    assert np.array_equal(at, -at[::-1])
    assert np.array_equal(bound, bound[:, ::-1])
    order = _exact_series.CENTRE_ORDER
    sign = (-1.0) ** np.arange(order + 1)
    assert np.array_equal(coef[:, ::-1, : order + 1] * sign, coef[:, :, : order + 1])


@pytest.mark.parametrize("seed", [4, 5])
def test_node_kernel_with_centres_agrees_with_the_kernel_without(seed: int) -> None:
    """Random nodes of random tilted tables: the node sums with and without the centres
    agree within the sum of their two rounding bounds, and the bounds are alike."""
    rng = np.random.default_rng(seed)
    kernels = _rank_tails.node_kernels()
    for _ in range(12):
        n_cat = int(rng.integers(3, 12))
        p = 10 ** rng.uniform(-3, np.log10(0.6), n_cat)
        q = 1.0 - p
        totals = rng.integers(1, 2_000, n_cat).astype(np.float64)
        delta = np.sort(rng.choice(np.arange(-5_000, 5_000), n_cat, replace=False))
        period_d, period_a = int(rng.integers(10_000, 400_000)), int(rng.integers(50, 400))
        s_nodes = np.sort(rng.integers(0, period_d // 2, 4_000))
        r_nodes = rng.integers(0, period_a, 4_000)
        even, odd = kernels.cumulant_coefficients(p, q)
        args = (s_nodes, r_nodes, period_d, period_a, delta.astype(np.int64), totals, p, q)
        rest = (0.01, 3.5, -2.25, 17, 3)
        grid = period_d * period_a
        with_c = kernels.fourier_nodes(*args, even, odd, *kernels.centre_series(p, grid), *rest)
        without = kernels.fourier_nodes(*args, even, odd, *kernels.no_centres(n_cat), *rest)
        assert abs(with_c[0] - without[0]) <= with_c[2] + without[2]
        assert with_c[1] == pytest.approx(without[1], rel=1e-12)
        assert with_c[2] < 4 * without[2]


def test_cost_model_share_follows_the_usable_centres() -> None:
    """The cost model's estimate (:func:`._exact_fourier.centre_share`) of the categories
    the centres serve is within 0.25 of the share of usable centres past the cumulant
    series, and 0 for a grid too small to build the tables."""
    grid = 10**7 + 19
    tilts = np.array([0.01, 0.1, 0.2, 0.22, 0.25, 0.3, 0.33, 0.36, 0.5, 0.8, 0.99])
    _, bound, at = _exact_series.centre_series(tilts, grid)
    past = np.abs(2 * np.pi * at / grid) > _exact_series.SERIES_ALPHA - np.pi / 64
    nodes = _exact_fourier.CENTRE_MIN_NODES
    for p, row in zip(tilts, bound, strict=True):
        usable = float(np.isfinite(row[past]).mean())
        assert abs(_exact_fourier.centre_share(np.array([p]), nodes) - usable) <= 0.25
    assert _exact_fourier.centre_share(np.array([0.01]), nodes - 1) == 0.0
    cheap = _exact_choice._element_cells(np.array([0.01, 0.02]), nodes)
    assert cheap < _exact_choice._element_cells(np.array([0.5, 0.5]), nodes)
