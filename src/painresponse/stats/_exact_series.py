"""Series of one factor's logarithm for the Fourier nodes (:func:`._exact_nodes.fourier_nodes`).

A node's factor is ``z = q + p e^{i alpha}`` (``alpha`` reduced to ``(-pi, pi]``), and the
kernel needs ``log z - i p alpha`` (the linear part ``i p alpha`` is summed apart).

* **About 0** (:func:`cumulant_coefficients`), for ``|alpha| <= SERIES_ALPHA``: the
  cumulant series, real polynomials in ``alpha^2`` valid for every ``p``.
* **About centres around the circle** (:func:`centre_series`, :func:`centre_log`), for the
  other angles: ``alpha_c = 2 pi k_c / grid`` at ``CENTRES`` points, ``k_c`` integers, so a
  node's offset ``beta = alpha - alpha_c`` is reduced exactly with integers. Each centre
  keeps ``CENTRE_ORDER + 1`` complex Taylor coefficients (computed in extended precision)
  and a bound on the evaluation's whole error per unit of ``t_j``, or infinity where the
  nearest zero of ``z`` (``p`` near 1/2, ``alpha`` near pi) is too close for the series.
  Two real polynomials of degree 12 cost about a third of ``sin``, ``cos``, ``log1p`` and
  ``atan2`` (measured 2.2x on whole Fourier tails of a small group against thousands).

The bound of a centre (``r = h / rho``, ``h`` the largest ``|beta|``, ``rho`` a radius
chosen per centre): with ``w(u) = s (e^u - 1) / f_0``, ``s = min(p, q)`` and ``f_0 = z(alpha_c)``,
``log z(alpha_c + beta) = log f_0 + log(1 + w(i beta))`` up to a linear term (for ``p >
q`` write ``z = e^{i alpha} (p + q e^{-i alpha})``), so on ``|u| = rho`` the orders from 2
are bounded by ``M = -log(1 - s (e^rho - 1) / |f_0|)`` (Cauchy): ``|G_n| <= M / rho^n``.
Then the truncation is at most ``M r^(N+1) / (1 - r)``; ``sum_n |G_n| h^n <= A = |G_0| +
|G_1| h + M r^2 / (1 - r)``; ``|F'| <= D = |G_1| + (M / rho) ((1 - r)^-2 - 1)``. The
evaluation (Estrin, at most 11 roundings per term, and the product by ``t_j``) is within
``25 eps A`` in the real and imaginary parts together, the rounding of ``beta`` within
``5 eps h D``, and ``q`` against ``1 - p`` within ``eps / |z|``: the bound kept is ``eps (32
A + 8 h D + 2 / |z|_min) + 2 x truncation``, used only when the truncation is at most
:data:`_MAX_TRUNCATION`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._jit import jit

__all__ = [
    "CAUCHY",
    "CENTRES",
    "CENTRE_ORDER",
    "ORDER",
    "SERIES_ALPHA",
    "centre_log",
    "centre_series",
    "cumulant_coefficients",
    "no_centres",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
_LD = np.longdouble

#: Orders of the cumulant series of one factor (2 .. ORDER); the factors are expanded
#: when ``|alpha| <= SERIES_ALPHA``.
ORDER = 30
SERIES_ALPHA = 0.5
_N_EVEN = ORDER // 2  # orders 2, 4, .., 30
_N_ODD = (ORDER - 1) // 2  # orders 3, 5, .., 29
if (_N_EVEN, _N_ODD) != (15, 14):  # pragma: no cover - fourier_nodes spells out 15 and 14
    raise ImportError("fourier_nodes' Estrin scheme is written for 15 and 14 coefficients")
#: ``|kappa_n| / n! <= CAUCHY / 2^n`` for n >= 2 and every p: the largest modulus of
#: ``log(q + p e^z) - p z`` on ``|z| = 2`` is 0.616 (p = 1/2, z = 2i); 1 leaves room.
CAUCHY = 1.0

#: Centres around the circle (their offsets ``|beta|`` at most ``pi / CENTRES`` plus a
#: grid step) and the order of their series; :func:`centre_log` spells out 13 coefficients.
CENTRES = 64
CENTRE_ORDER = 12
#: A centre's series is used only when its truncation (per unit of ``t_j``) is at most
#: this: far below the rounding of the logarithm (about 1e-16 per unit).
_MAX_TRUNCATION = 1e-18
#: Radii tried per centre, as fractions of the radius where ``|w|`` reaches 1 (48 instead
#: of 16 made 0.3% more centres usable at twice the cost).
_RADII = np.linspace(0.1, 0.95, 16)


@jit
def cumulant_coefficients(
    p: NDArray[np.float64], q: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # pragma: no cover - compiled
    """Series of ``log(q + p e^{i alpha}) - i p alpha`` in ``alpha``, per category.

    With ``g_n = kappa_n / n!`` the Taylor coefficients of ``log(q + p e^z)`` (Bernoulli
    cumulants), the real part is ``sum_k even[j, k-1] alpha^(2k)`` and the imaginary part
    ``alpha sum_k odd[j, k-1] alpha^(2k)``, ``even_k = (-1)^k g_2k``, ``odd_k = (-1)^k
    g_(2k+1)``. The ``g_n`` come from ``n g_n = n f_n - sum_k k g_k f_(n-k)`` with
    ``f_n = p / n!`` (the series of ``q + p e^z``), evaluated at ``min(p, q)``:
    ``kappa_n(p) = (-1)^n kappa_n(q)`` for ``n >= 2`` avoids the cancellation near 1.
    """
    n_cat = p.size
    even = np.zeros((n_cat, _N_EVEN))
    odd = np.zeros((n_cat, _N_ODD))
    f = np.empty(ORDER + 1)
    g = np.empty(ORDER + 1)
    for j in range(n_cat):
        small = min(p[j], q[j])
        flip = p[j] > q[j]
        factorial = 1.0
        for n in range(1, ORDER + 1):
            factorial *= n
            f[n] = small / factorial
        for n in range(1, ORDER + 1):
            acc = n * f[n]
            for k in range(1, n):
                acc -= k * g[k] * f[n - k]
            g[n] = acc / n
        for k in range(1, _N_EVEN + 1):
            even[j, k - 1] = (-1.0) ** k * g[2 * k]
        for k in range(1, _N_ODD + 1):
            value = (-1.0) ** k * g[2 * k + 1]
            odd[j, k - 1] = -value if flip else value
    return even, odd


def centre_positions(grid: int) -> I64:
    """``k_c = round(c grid / CENTRES)`` for ``c = 0 .. CENTRES/2`` and ``k_-c = -k_c``, in
    order from ``c = -CENTRES/2``: a node's centre is the nearest, ``c = round(alpha
    CENTRES / 2 pi)`` (in float64, so within ``pi / CENTRES`` plus two grid steps of
    it), at index ``c + CENTRES / 2``."""
    upper = [(2 * c * grid + CENTRES) // (2 * CENTRES) for c in range(CENTRES // 2 + 1)]
    return np.array([-k for k in upper[:0:-1]] + upper, np.int64)


def centre_series(p: F64, grid: int) -> tuple[F64, F64, I64]:
    """Taylor coefficients of ``log z - i p alpha`` about each centre, and their bounds.

    Computed in extended precision for the centres ``c >= 0``; those of ``-c`` follow
    from ``F_-c(beta) = conj(F_c(-beta))`` (``z`` of ``-alpha`` is the conjugate).

    Returns
    -------
    coef : ndarray, shape (categories, CENTRES + 1, 2 (CENTRE_ORDER + 1))
        Real parts of the coefficients of ``beta^0 .. beta^N``, then the imaginary parts.
    bound : ndarray, shape (categories, CENTRES + 1)
        A bound on the error of :func:`centre_log` times ``t_j`` in the real and
        imaginary parts together, per unit of ``t_j``; infinity where not used.
    positions : ndarray, shape (CENTRES + 1,)
        The centres ``k_c`` on the grid (:func:`centre_positions`).
    """
    p = np.asarray(p, np.float64)
    n_cat, order, half = p.size, CENTRE_ORDER, CENTRES // 2
    positions = centre_positions(grid)
    pi = np.arccos(_LD(-1))
    alpha_c = 2 * pi * positions[half:].astype(_LD) / _LD(grid)
    p_ld = p.astype(_LD)[:, None]
    turn = p_ld * np.exp(1j * alpha_c.astype(np.clongdouble))[None, :]  # p e^{i alpha_c}
    f0 = (1 - p_ld) + turn
    # log f(u), f(u) = f0 + b (e^u - 1), b = p e^{i alpha_c}: with a = b / f0,
    # g_n = a (1 / n! - (1 / n) sum_k k g_k / (n - k)!) for n >= 1
    ratio = turn / f0
    g = np.empty((order + 1, *f0.shape), np.clongdouble)
    g[0] = np.log(f0)
    for n in range(1, order + 1):
        weights = np.array([k / math.factorial(n - k) for k in range(1, n)], _LD) / n
        inner = np.tensordot(weights, g[1:n], axes=1) if n > 1 else 0
        g[n] = ratio * (_LD(1) / math.factorial(n) - inner)
    series = g * (1j ** np.arange(order + 1)).astype(np.clongdouble)[:, None, None]
    series[0] -= 1j * p_ld * alpha_c[None, :]  # in beta (u = i beta), less i p alpha
    series[1] -= 1j * p_ld
    coef = np.empty((n_cat, CENTRES + 1, 2 * (order + 1)))
    upper = np.moveaxis(series, 0, -1)  # (categories, centres c >= 0, orders)
    coef[:, half:, : order + 1] = upper.real.astype(np.float64)
    coef[:, half:, order + 1 :] = upper.imag.astype(np.float64)
    sign = (-1.0) ** np.arange(order + 1)  # F_-c(beta) = conj(F_c(-beta))
    coef[:, :half, : order + 1] = coef[:, :half:-1, : order + 1] * sign
    coef[:, :half, order + 1 :] = -coef[:, :half:-1, order + 1 :] * sign
    bound = np.empty((n_cat, CENTRES + 1))
    bound[:, half:] = _centre_bounds(p, f0, series[0], series[1], grid)
    bound[:, :half] = bound[:, :half:-1]
    return coef, bound, positions


def no_centres(n_cat: int) -> tuple[F64, F64, I64]:
    """Tables in the form of :func:`centre_series` with no centre usable (every angle
    past :data:`SERIES_ALPHA` then takes ``sin``, ``cos``, ``log1p`` and ``atan2``)."""
    return (
        np.zeros((n_cat, CENTRES + 1, 2 * (CENTRE_ORDER + 1))),
        np.full((n_cat, CENTRES + 1), np.inf),
        np.zeros(CENTRES + 1, np.int64),
    )


def _centre_bounds(
    p: F64,
    f0: NDArray[np.clongdouble],
    g0: NDArray[np.clongdouble],
    g1: NDArray[np.clongdouble],
    grid: int,
) -> F64:
    """The bound of each centre's evaluation (module docstring), the best over radii."""
    eps = float(np.finfo(np.float64).eps)
    # the nearest centre is found in float64 (a rounding from the midpoint): room for it
    h = math.pi / CENTRES + 4 * math.pi / grid + 1e-9
    small = np.minimum(p, 1 - p)[:, None]
    f0_abs = np.abs(f0).astype(np.float64)
    g0_abs = np.abs(g0).astype(np.float64)
    g1_abs = np.abs(g1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w_h = small * math.expm1(h) / f0_abs  # |w| on the arc itself
        z_min = f0_abs * (1 - w_h)
        rho = np.log1p(f0_abs / small)[None] * _RADII[:, None, None]  # |w| = 1 at 1
        w = small * np.expm1(rho) / f0_abs
        r = h / rho
        ok = (w < 1) & (r < 0.5) & (w_h < 0.5)
        m = -np.log1p(-np.where(ok, w, 0.0))
        r4 = (r * r) * (r * r)
        truncation = m * (r4 * r4 * r4 * r) / (1 - r)  # r^(CENTRE_ORDER + 1)
        a = g0_abs + g1_abs * h + m * r * r / (1 - r)
        d = g1_abs + (m / rho) * (1 / (1 - r) ** 2 - 1)
        bound = eps * (32 * a + 8 * h * d + 2 / z_min) + 2 * truncation
        usable = ok & (truncation <= _MAX_TRUNCATION) & np.isfinite(bound)
    return np.asarray(np.where(usable, bound, np.inf).min(axis=0), np.float64)


@jit
def centre_log(
    coef: NDArray[np.float64], j: int, c: int, b: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """``log z - i p alpha`` of category ``j`` at ``beta = b`` from centre ``c``: two real
    polynomials of degree 12 by Estrin's scheme (four levels)."""
    b2 = b * b
    b4 = b2 * b2
    b8 = b4 * b4
    k = coef[j, c]
    re = ((k[0] + k[1] * b) + (k[2] + k[3] * b) * b2) + (
        (k[4] + k[5] * b) + (k[6] + k[7] * b) * b2
    ) * b4
    re += (((k[8] + k[9] * b) + (k[10] + k[11] * b) * b2) + k[12] * b4) * b8
    im = ((k[13] + k[14] * b) + (k[15] + k[16] * b) * b2) + (
        (k[17] + k[18] * b) + (k[19] + k[20] * b) * b2
    ) * b4
    im += (((k[21] + k[22] * b) + (k[23] + k[24] * b) * b2) + k[25] * b4) * b8
    return re, im
