"""The Fourier nodes' rounding bound near a zero of a factor ``z = q + p e^{i alpha}``.

With ``p`` near 1/2 and ``alpha`` near pi, ``|z|`` is small and its logarithm amplifies
the rounding of ``x = -4 p q sin^2(alpha / 2)`` by ``1 / |z|^2``: a bound relative to the
logarithm's size alone was too small there by up to 10^7 (measured against 40-digit
arithmetic). Each node's term, from the float64 kernel and from the extended-precision
path, is checked here against the same term in NumPy's extended precision (about 19
digits, far tighter than the bounds checked).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from painresponse.stats import _rank_tails

LD = np.longdouble
HALF = 0.5
# p and q summing to 1 exactly (the kernel's X = 1 - 2 p sin^2 assumes q = 1 - p)
NEAR_HALF = [HALF - 2.0**-12, HALF - 2.0**-20, HALF - 2.0**-26, HALF - 2.0**-40, HALF]


@dataclass(frozen=True)
class Node:
    """One node ``(theta = 2 pi s / period_d, phi = 2 pi r / period_a)`` of a tail's grid:
    categories ``delta`` holding ``totals`` at probabilities ``p``, tilt ``lam``,
    threshold ``u`` and group size ``m``."""

    s: int
    delta: np.ndarray
    totals: np.ndarray
    p: np.ndarray
    period_d: int = 8000
    period_a: int = 1
    r: int = 0
    lam: float = 0.02
    u: int = 1000
    m: int = 0

    def angles(self) -> tuple[np.longdouble, np.longdouble]:
        """``(theta, phi)`` in extended precision."""
        pi = LD(np.arccos(LD(-1)))
        return 2 * pi * LD(self.s) / LD(self.period_d), 2 * pi * LD(self.r) / LD(self.period_a)

    def product(self) -> np.clongdouble:
        """``prod_j (q_j + p_j e^{i alpha_j})^{t_j}`` in extended precision, ``alpha_j`` reduced
        exactly with integers (``alpha = pi`` exactly gives the factor ``q - p``)."""
        pi = LD(np.arccos(LD(-1)))
        grid = self.period_d * self.period_a
        value = np.clongdouble(1)
        for d_j, t_j, p_j in zip(self.delta, self.totals, self.p, strict=True):
            num = (self.s * int(d_j)) % self.period_d * self.period_a
            num = (num + self.r % self.period_a * self.period_d) % grid
            if 2 * num == grid:
                z = np.clongdouble((1 - LD(p_j)) - LD(p_j))
            else:
                alpha = 2 * pi * LD(num) / LD(grid)
                z = (1 - LD(p_j)) + LD(p_j) * (np.cos(alpha) + 1j * np.sin(alpha))
            value *= z ** int(t_j)
        return value

    def reference(self) -> complex:
        """The node's term (times ``period_a * period_d``) in extended precision."""
        theta, phi = self.angles()
        shift = phi * self.m + theta * self.u
        # 1 - e^{-lam - i theta}, its real part as two positive terms
        e_lam = np.exp(-LD(self.lam))
        kernel = -np.expm1(-LD(self.lam)) + 2 * e_lam * np.sin(theta / 2) ** 2
        kernel = kernel + 1j * e_lam * np.sin(theta)
        weight = 1 if (self.s == 0 or 2 * self.s == self.period_d) else 2
        term = self.product() * (np.cos(shift) - 1j * np.sin(shift)) / kernel * weight
        return complex(term)

    def kernel(self) -> tuple[float, float]:
        """The float64 kernel's real part of the node's term and its error bound (both
        times ``period_a * period_d``)."""
        kernels = _rank_tails.node_kernels()
        p = np.asarray(self.p, dtype=np.float64)
        q = 1.0 - p
        even, odd = kernels.cumulant_coefficients(p, q)
        t = self.totals.astype(np.float64)
        total, _, err = kernels.fourier_nodes(
            np.array([self.s], np.int64),
            np.array([self.r], np.int64),
            self.period_d,
            self.period_a,
            self.delta.astype(np.int64),
            t,
            p,
            q,
            even,
            odd,
            *kernels.centre_series(p, self.period_a * self.period_d),
            self.lam,
            float(np.sum(t * p) - self.m),
            float(np.sum(t * p * self.delta) - self.u),
            self.u % self.period_d,
            self.m % self.period_a,
        )
        grid = self.period_a * self.period_d
        return total * grid, err * grid


@pytest.mark.parametrize("p_near", NEAR_HALF)
@pytest.mark.parametrize("offset", [0, 1, 3, 40])
def test_node_bound_holds_near_a_zero_factor(p_near: float, offset: int) -> None:
    """One category with p near 1/2 at alpha = pi (minus ``offset`` steps of 2 pi / 8000),
    among others: the float64 term is within its bound of the extended-precision term."""
    delta = np.array([4000 - offset, 7, 1234])  # category 0 turns by pi at s = 1
    node = Node(1, delta, np.array([1, 40, 3]), np.array([p_near, 0.3, 0.05]))
    value, bound = node.kernel()
    assert abs(value - node.reference().real) <= bound
    assert bound < 1e-4  # the kernel: |1 - e^{-lam - i theta}| is about 0.02


def test_node_with_a_factor_near_zero_is_bounded_whole() -> None:
    """p = 1/2 - 2^-40 at alpha = pi: ``|z|^2 = 2^-78``, below NEAR_ZERO; the node is left out
    and its bound covers the true term."""
    node = Node(1, np.array([4000, 7]), np.array([1, 5]), np.array([HALF - 2.0**-40, 0.4]))
    value, bound = node.kernel()
    assert value == 0.0
    assert abs(node.reference().real) <= bound < 1e-4


@pytest.mark.parametrize("p_near", NEAR_HALF)
def test_extended_path_bound_holds_near_a_zero_factor(p_near: float) -> None:
    """The extended-precision path (:func:`._rank_tails.fourier_terms`): each product is
    within its relative bound of the reference, or left out with an absolute bound."""
    period_d, period_a = 8000, 1
    delta = np.array([4000, 7, 1234])
    totals = np.array([1, 40, 3])
    p = np.array([p_near, 0.3, 0.05], dtype=LD)
    logit = np.log(p / (1 - p))
    s_nodes = np.arange(1, 5, dtype=np.int64)
    values, error, near = _rank_tails.fourier_terms(
        s_nodes, np.zeros(4, np.int64), period_d, period_a, delta, totals, logit, LD
    )
    p_used = 1 / (1 + np.exp(-logit))
    for i, s in enumerate(s_nodes):
        product = Node(int(s), delta, totals, p_used, period_d=period_d).product()
        if near[i] > 0.0:
            assert values[i] == 0 and abs(product) <= near[i]
        else:
            assert abs(values[i] - product) <= (error[i] + 1e-17) * abs(product)


def test_extended_sum_agrees_with_the_float64_sum() -> None:
    """A whole tail's tilted sum in extended precision (which takes the node products'
    ``near`` bounds) agrees with the float64 kernel's within both bounds."""
    from painresponse.stats import _exact_fourier

    rng = np.random.default_rng(14)
    x = np.bincount(rng.choice(11, 60), minlength=11)
    y = np.bincount(rng.choice(11, 400), minlength=11)
    d = np.arange(11)
    plan = _exact_fourier.plan_upper_tail(
        list(d), list(x + y), int(x.sum()), int(0.55 * 10 * x.sum())
    )
    assert not isinstance(plan, float)
    value, bound, _ = _exact_fourier.evaluate_tail(plan, extended=False)
    tilted, rounding = _exact_fourier._extended_sum(plan)
    extended = float(np.exp(plan.log_norm + np.log(tilted)))
    if plan.complement:
        extended = 1.0 - extended
    assert rounding < 1e-15
    assert abs(extended - value) <= (bound + 1e-15) * value
