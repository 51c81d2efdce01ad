"""A Chernoff bound on an exact rank-sum tail, to leave out tails below the float range.

With ``a_j ~ Bin(t_j, 1/2)`` independent and ``A = sum_j a_j``, the law of ``(a_j)`` given
``A = m`` is the multivariate hypergeometric law of the rank-sum statistic ``D = sum_j a_j
d_j``, and ``P(A = m) = C(N, m) / 2^N``. For every ``rho`` and every ``lambda >= 0``,
Markov's inequality applied to ``exp(rho (A - m) + lambda (D - u))`` gives

    log P(D >= u | A = m) <= sum_j t_j log(1 + e^(rho + lambda d_j)) - rho m - lambda u
                             - log C(N, m),

whatever ``(rho, lambda)`` is used: a few damped Newton steps towards the minimum (the
saddle point) only make it tighter, and the bound is evaluated once at the point reached.
A tail whose bound is below :data:`NEGLIGIBLE_LOG` (about 1.4e-326) is below half the
smallest float64 number, so it rounds to 0 and adds nothing to any float64 sum: leaving
it out changes no p-value, bit for bit. Such tails (a shifted group of thousands) used to
take 0.1-0.3 s of Fourier nodes or programme cells each.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["NEGLIGIBLE_LOG", "log_upper_tail_bound"]

#: Natural log of a tail that rounds to 0 in float64 (half the smallest subnormal is
#: about e^-744.4), with a margin for the rounding of the bound itself.
NEGLIGIBLE_LOG = -750.0
_NEWTON_STEPS = 30
_MIN_SD = 20.0


def _objective(rho: float, lam: float, d: np.ndarray, t: np.ndarray, m: int, u: float) -> float:
    """The bound's exponent before ``- log C(N, m)`` (``d`` scaled as ``u``)."""
    return float(np.sum(t * np.logaddexp(0.0, rho + lam * d)) - rho * m - lam * u)


def log_upper_tail_bound(d: list[int], totals: list[int], m: int, u: int) -> float:
    """Upper bound on ``log P(D >= u)`` for ``D = sum_j a_j d_j``, ``(a_j)`` multivariate
    hypergeometric (``m`` draws from categories of ``totals`` with values ``d``).

    Returns 0.0 (no information) when ``u`` is less than :data:`_MIN_SD` standard
    deviations above the mean (such a tail is far above the float range's end: the
    bound is not worth its Newton steps).
    """
    values = np.asarray(d, dtype=np.float64)
    t = np.asarray(totals, dtype=np.float64)
    n = int(t.sum())
    if m <= 0 or m >= n:
        return 0.0
    scale = float(values.max() - values.min()) or 1.0
    x = (values - values.min()) / scale  # in [0, 1]: a well-conditioned Newton
    target = (u - m * float(values.min())) / scale
    mean = float(np.sum(t * x)) / n
    variance = m * (n - m) / (n - 1.0) * (float(np.sum(t * x * x)) / n - mean * mean)
    if target - m * mean <= _MIN_SD * math.sqrt(max(variance, 0.0)):
        return 0.0  # not far enough out to be below the float range (e^-750 ~ 39 sd)
    rho = math.log(m / (n - m))
    lam = 0.0
    best = _objective(rho, lam, x, t, m, target)
    for _ in range(_NEWTON_STEPS):
        s = 0.5 * (1.0 + np.tanh(0.5 * (rho + lam * x)))  # the logistic, without overflow
        v = t * s * (1.0 - s)
        g = np.array([np.sum(t * s) - m, np.sum(t * s * x) - target])
        h = np.array([[v.sum(), np.sum(v * x)], [np.sum(v * x), np.sum(v * x * x)]])
        try:
            step = np.linalg.solve(h + 1e-12 * np.eye(2), g)
        except np.linalg.LinAlgError:  # pragma: no cover - singular only at degenerate margins
            break
        size = 1.0
        while size > 1e-6:  # damped: the bound only ever goes down
            new_rho, new_lam = rho - size * step[0], max(0.0, lam - size * step[1])
            value = _objective(new_rho, new_lam, x, t, m, target)
            if value < best:
                break
            size /= 2.0
        else:
            break
        if best - value < 1e-9 * max(1.0, abs(value)):
            rho, lam, best = new_rho, new_lam, value
            break
        rho, lam, best = new_rho, new_lam, value
    log_choose = math.lgamma(n + 1.0) - math.lgamma(m + 1.0) - math.lgamma(n - m + 1.0)
    return min(0.0, best - log_choose)
