"""Fast kernels behind the exact Wilcoxon tests of :mod:`._exact_ranks`.

* :func:`fourier_terms` evaluates the tilted characteristic function of the rank-sum (or
  signed-rank) statistic at many Fourier nodes at once, in float64 with a per-node running
  rounding bound, or in extended precision when that bound is too large.
* :func:`coarse_row_bound` certifies which Fourier rows can matter without an FFT over the
  whole (possibly ten-million-point) aliasing period: a coarse grid plus a Lipschitz bound.
* :func:`kernels`, :func:`node_kernels` and :func:`sums_kernels` return the compiled
  kernels (:mod:`._exact_kernels`: the programmes; :mod:`._exact_nodes`: the Fourier
  nodes; :mod:`._exact_sums`: five or six categories),
  importing numba on first use only: ``import painresponse`` never loads it.

:func:`fourier_terms` is the extended-precision path of the Fourier method (numba has no
``long double``): it is used when the float64 kernel's rounding bound is too large.
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

__all__ = ["coarse_row_bound", "fourier_terms", "kernels", "node_kernels", "sums_kernels"]

#: Elements (nodes x categories) handled per vectorised block.
_BLOCK = 1 << 20


def fourier_terms(
    s_nodes: NDArray[np.int64],
    r_nodes: NDArray[np.int64],
    period_d: int,
    period_a: int,
    delta: NDArray[np.int64],
    totals: NDArray[np.int64],
    logit: NDArray[np.longdouble],
    dtype: type[np.floating],  # type: ignore[type-arg]
) -> tuple[
    NDArray[np.complexfloating],  # type: ignore[type-arg]
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """``prod_j (q_j + p_j e^{i alpha_j})^{t_j}`` at each node, with a relative error bound.

    ``alpha_j = 2 pi (s delta_j / period_d + r / period_a)`` is reduced exactly (integer
    arithmetic) to ``(-pi, pi]``. With ``w = e^{i alpha} - 1``, ``log z_j`` is computed as
    ``0.5 log1p(-4 p q sin^2(alpha/2)) + i atan2(p sin alpha, 1 - 2 p sin^2(alpha/2))``, so
    every error is relative to ``|alpha|`` (no cancellation near the saddle point).

    Returns
    -------
    values : complex ndarray
        The products, one per node.
    error : float64 ndarray
        A bound on the relative rounding error of each value (first order).
    near : float64 ndarray
        0, or for a node with a factor near 0 (``_exact_nodes.NEAR_ZERO``; its value is
        then 0) a bound on its true modulus, kernel and weight aside.
    """
    nodes_module = node_kernels()
    near_zero, near_zero_pad = nodes_module.NEAR_ZERO, nodes_module.NEAR_ZERO_PAD
    eps = float(np.finfo(dtype).eps)
    p = (1 / (1 + np.exp(-logit))).astype(dtype)
    q = (1 / (1 + np.exp(logit))).astype(dtype)
    pq4 = 4 * p * q
    t = totals.astype(dtype)
    d_mod = np.mod(delta, period_d).astype(np.int64)
    n_nodes = s_nodes.size
    out_log = np.zeros(n_nodes, dtype=np.result_type(dtype, np.complex64))
    err = np.zeros(n_nodes)
    near = np.zeros(n_nodes)
    two_pi = 2 * np.arccos(dtype(-1))
    step = max(1, _BLOCK // max(1, delta.size))
    for lo in range(0, n_nodes, step):
        s = s_nodes[lo : lo + step, None]
        r = r_nodes[lo : lo + step, None]
        frac = np.mod(s * d_mod[None, :], period_d).astype(dtype) / period_d + (
            np.mod(r, period_a).astype(dtype) / period_a
        )
        frac -= np.round(frac)
        alpha = two_pi * frac
        half_sin = np.sin(alpha / 2)
        sin2 = half_sin * half_sin
        x = -pq4 * sin2
        modulus2 = 1 + x  # |z|^2
        near_rows = (modulus2 < near_zero).any(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):  # near 0: replaced below
            real = 0.5 * np.log1p(x)
            im_z = p * np.sin(alpha)
            re_z = 1 - 2 * p * sin2
            imag = np.arctan2(im_z, re_z)
            # log1p, atan2, sin carry a few ulp relative to their size; alpha is correct
            # to 2 ulp, and both parts move by at most p |alpha| / |z| per unit of it; the
            # rounding of x and of z's parts is amplified by 1 / |z|^2 and 1 / |z|
            amplified = 0.5 * np.abs(x) / modulus2 + 0.125 * (
                16 * p * sin2 + np.abs(re_z) + 8 * np.abs(im_z) + 4 * p * np.abs(alpha) + 1
            ) / np.sqrt(modulus2)
            size = np.abs(real) + np.abs(imag) + np.abs(alpha) * p + amplified
        block = slice(lo, lo + step)
        out_log[block] = (t * real).sum(axis=1) + 1j * (t * imag).sum(axis=1)
        err[block] = eps * (8.0 * (t * size).sum(axis=1).astype(np.float64) + 8.0)
        if near_rows.any():
            smallest = np.min(np.where(modulus2 < near_zero, modulus2, 1), axis=1)[near_rows]
            rows = np.flatnonzero(near_rows) + lo
            out_log[rows] = -np.inf
            err[rows] = 0.0
            near[rows] = np.sqrt(np.maximum(smallest, 0) + near_zero_pad).astype(np.float64)
            # alpha = pi exactly (integers: 2 (s d mod L) Pa + 2 (r mod Pa) L = L Pa mod 2 L
            # Pa) with p = q: a factor of exactly 0, so the term is 0 with no error
            grid = period_d * period_a
            twice = 2 * (
                np.mod(s * d_mod[None, :], period_d) * period_a + np.mod(r, period_a) * period_d
            )
            exact = ((np.mod(twice, 2 * grid) == grid) & (p == q)[None, :]).any(axis=1)
            near[np.flatnonzero(exact) + lo] = 0.0
    return np.exp(out_log), err, near


def coarse_row_bound(
    delta: NDArray[np.int64], weights: NDArray[np.float64], period_d: int, slack: float = 4.0
) -> tuple[int, NDArray[np.float64]]:
    """Upper bounds of ``|S(theta)| = |sum_j w_j e^{i theta delta_j}|`` on coarse cells.

    ``S`` is evaluated exactly on ``P`` points by one FFT (integer frequencies, so there is
    no aliasing error) and ``|S'| <= G = sum_j w_j |delta_j|`` bounds it inside each cell
    of width ``2 pi / P`` around a point; ``P`` is chosen with ``G pi / P <= slack``.

    Returns ``(P, bound)`` with ``bound[k]`` valid for ``|theta - 2 pi k / P| <= pi / P``,
    ``k = 0 .. P // 2``.
    """
    lipschitz = float(np.sum(weights * np.abs(delta)))
    size = 1 << max(10, math.ceil(math.log2(max(1.0, math.pi * lipschitz / slack))))
    size = min(size, 1 << math.ceil(math.log2(period_d)))
    spikes = np.bincount(np.mod(delta, size), weights=weights, minlength=size)
    values = np.abs(np.fft.rfft(spikes))
    return size, values + lipschitz * math.pi / size


def kernels() -> ModuleType:
    """The compiled kernels module; numba is imported (and its cache loaded) on first call.

    The first call in a process costs about 0.5 s (numba's import) plus 0.5 s (its
    compiler's start-up while the cached machine code loads); the first call after
    installing, a few seconds more (compilation, then cached in ``__pycache__``).
    """
    from painresponse.stats import _exact_kernels

    return _exact_kernels


def sums_kernels() -> ModuleType:
    """The compiled tails of five or six categories (:mod:`._exact_sums`), numba on first call."""
    from painresponse.stats import _exact_sums

    return _exact_sums


def node_kernels() -> ModuleType:
    """The compiled Fourier kernels (:mod:`._exact_nodes`); numba is imported on first call."""
    from painresponse.stats import _exact_nodes

    return _exact_nodes
