"""Certified Fourier inversion of the probability between the two tails of a rank sum.

A two-sided p-value near the centre is ``P(D >= hi) + P(D <= lo) = 1 - P(lo < D < hi)``.
The tail method (:mod:`._exact_fourier`) needs a grid per tail, each tilted to its own
threshold. Here one grid, untilted in ``D`` (``lam = 0``; the tilt ``rho`` of ``A`` only,
``p_j = m / N``), sums the window ``P(A = m, a <= D' <= b)`` of the sheared ``D' = D -
beta A`` with the kernel ``sum_{k=a}^{b} e^{-i theta k}`` (:func:`._exact_nodes.fourier_nodes`
with ``window > 0``): about the nodes of one tail's grid, and no cancellation, because
the window's probability is of the order of one.

Aliasing: the periodic sum adds ``Q(A = m + j period_a, D' = k + l period_d)`` for ``k`` in
the window and ``(j, l) != (0, 0)``; with a window shorter than ``period_d`` each point
``(A, D')`` is counted at most once, so the error is at most ``Q(|A - m| >= period_a) +
Q(D' >= a + period_d) + Q(D' <= b - period_d)``, each bounded by Chernoff. Screening:
``|sum_k e^{-i theta k}| <= min(w, 1 / |sin(theta / 2)|) <= 4 / |1 - e^{-lam' - i theta}|``
with ``1 - e^{-lam'} = min(2 / w, 1 / 2)`` (``w`` the window's length), so the tail
method's row and node bounds serve with ``lam'`` and a threshold four times lower, and the
nodes they leave out are bounded by four times their sum.

The plan's value is ``1 - P(a <= D <= b)`` (``complement``): its relative error bound is
the window's times ``(1 - p) / p``, which :func:`._exact_fourier.evaluate_tail` checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from painresponse.stats._exact_fourier import (
    _FOURIER_TARGET,
    FOURIER_MAX_PERIOD,
    FourierNotCertified,
    TailPlan,
    _chernoff_level,
    _chernoff_log_bound,
    _extreme_sums,
    _log_comb,
    _node_probabilities,
    screen_grid,
)

__all__ = ["plan_middle"]

_LD = np.longdouble
#: The window's kernel is at most this many times the tail kernel of the screening.
_KERNEL_RATIO = 4.0


def plan_middle(
    d: Sequence[int],
    totals: Sequence[int],
    m: int,
    lower: int,
    upper: int,
    max_screen: float = math.inf,
    max_nodes: float = math.inf,
) -> TailPlan | float:
    """Screen the grid of ``1 - P(lower <= D <= upper)`` (rank sum: ``D = sum a_j d_j``
    over tables with ``sum a_j = m``); a float when it is 0 or 1 exactly.

    Raises :class:`FourierNotCertified` when no grid of admissible size certifies, and
    :class:`ScreeningTooCostly` as :func:`._exact_fourier.plan_upper_tail` does.
    """
    low, high = _extreme_sums(d, totals, m)
    lower, upper = max(lower, low), min(upper, high)
    if lower > upper:
        return 1.0
    if lower == low and upper == high:
        return 0.0
    try:
        return _plan(d, totals, m, lower, upper, max_screen, max_nodes)
    except (ArithmeticError, ValueError) as exc:  # overflow: not certified
        if isinstance(exc, FourierNotCertified):
            raise
        raise FourierNotCertified(f"numerical failure: {exc}") from exc


def _normal_window(mean: float, sd: float, lo: int, hi: int) -> tuple[float, float]:
    """Normal estimates of ``P(lo <= X <= hi)`` and of its complement (continuity-corrected)."""
    z_lo = (lo - 0.5 - mean) / (sd * math.sqrt(2.0))
    z_hi = (hi + 0.5 - mean) / (sd * math.sqrt(2.0))
    below, above = 0.5 * math.erfc(-z_lo), 0.5 * math.erfc(z_hi)
    return max(1.0 - below - above, 0.0), below + above


def _level(x: float, top: int) -> int:
    """The Chernoff level ``x`` as an integer, or one past the support's end ``top`` when
    it reaches it (the search saturates just below the end, where the bound is weak: past
    it there is nothing to alias)."""
    level = math.ceil(x)
    return top + 1 if level >= top else level


def _plan(
    d_int: Sequence[int],
    totals_int: Sequence[int],
    m: int,
    lower: int,
    upper: int,
    max_screen: float,
    max_nodes: float,
) -> TailPlan:
    """Tilt of ``A``, periods, aliasing bound and screened nodes of one window."""
    totals = np.asarray(totals_int, dtype=np.float64)
    d = np.asarray(d_int, dtype=np.float64)
    n_total = int(sum(totals_int))
    rho = math.log(m / (n_total - m))
    p0 = m / n_total
    w = totals * p0 * (1.0 - p0)
    big_w = float(w.sum())
    beta = round(float((w * d).sum()) / big_w)  # the shear decorrelates D' from A
    delta_int = [int(v) - beta for v in d_int]
    delta = np.asarray(delta_int, dtype=np.float64)
    lo_s, hi_s = lower - beta * m, upper - beta * m
    window = hi_s - lo_s + 1
    u_s = lo_s + (window - 1) // 2  # the kernel's centre
    logit = np.full(delta.size, rho)
    mu_d = float((totals * p0 * delta).sum())
    var_d = float((w * delta * delta).sum() - (w * delta).sum() ** 2 / big_w)
    inside, outside = _normal_window(mu_d, math.sqrt(max(var_d, 1e-300)), lo_s, hi_s)
    log_r_est = (
        -0.5 * math.log(2.0 * math.pi * big_w)
        + math.log(max(min(inside, outside), 1e-300))
        - math.log(1e3)
    )
    tau = -(math.log(_FOURIER_TARGET) + log_r_est)
    x_pos, eta_pos = _chernoff_level(delta, totals, logit, tau)
    x_neg, eta_neg = _chernoff_level(-delta, totals, logit, tau)
    from scipy.fft import next_fast_len

    # beyond the support (D' within [d_low, d_high], A within [0, N]) nothing aliases: a
    # small table's grid covers its support, with no aliasing error at all
    d_low = sum(min(v, 0) * t for v, t in zip(delta_int, totals_int, strict=True))
    d_high = sum(max(v, 0) * t for v, t in zip(delta_int, totals_int, strict=True))
    period_d = max(_level(x_pos, d_high) - lo_s, hi_s + _level(x_neg, -d_low), window + 1, 16)
    period_d = int(next_fast_len(period_d))
    ones = np.ones_like(delta)
    x_up, eta_up = _chernoff_level(ones, totals, logit, tau)
    x_dn, eta_dn = _chernoff_level(-ones, totals, logit, tau)
    period_a = max(_level(x_up, n_total) - m, _level(x_dn, 0) + m, 4)
    if period_d > FOURIER_MAX_PERIOD or period_a > FOURIER_MAX_PERIOD:
        raise FourierNotCertified(
            f"the Fourier grid would need {period_a} x {period_d} points "
            f"(limit {FOURIER_MAX_PERIOD})"
        )
    alias_a = [
        _chernoff_log_bound(ones, totals, logit, eta_up, m + period_a)
        if m + period_a <= n_total
        else -math.inf,
        _chernoff_log_bound(-ones, totals, logit, eta_dn, -(m - period_a))
        if m - period_a >= 0
        else -math.inf,
    ]
    alias_d = [
        _chernoff_log_bound(delta, totals, logit, eta_pos, lo_s + period_d)
        if lo_s + period_d <= d_high
        else -math.inf,
        _chernoff_log_bound(-delta, totals, logit, eta_neg, period_d - hi_s)
        if hi_s - period_d >= d_low
        else -math.inf,
    ]
    log_alias = float(np.logaddexp.reduce(alias_a + alias_d))
    log_alias_a = float(np.logaddexp.reduce(alias_a))
    # the screening's kernel |1 - e^{-lam - i theta}|^-1, a quarter of the window's bound
    lam = -math.log1p(-min(2.0 / window, 0.5))
    log_thr = math.log(_FOURIER_TARGET) + log_r_est - math.log(_KERNEL_RATIO)
    delta_arr = np.asarray(delta_int, dtype=np.int64)
    logit_ld = np.full(delta.size, _LD(rho))
    p_node, q_node = _node_probabilities(logit_ld)
    s_nodes, r_nodes, log_excluded = screen_grid(
        delta_arr,
        totals,
        p_node,
        q_node,
        m,
        lam,
        period_d,
        period_a,
        log_thr,
        log_alias_a,
        max_screen,
        max_nodes,
    )
    log_norm = (
        np.sum(totals.astype(_LD) * np.logaddexp(_LD(0), logit_ld))
        - _LD(rho) * m
        - _log_comb(n_total, m)
    )
    return TailPlan(
        s_nodes=s_nodes,
        r_nodes=r_nodes,
        period_d=period_d,
        period_a=period_a,
        delta=delta_arr,
        totals=np.asarray(totals_int, dtype=np.int64),
        logit_ld=logit_ld,
        p=p_node,
        q=q_node,
        lam=0.0,
        u_s=u_s,
        m=m,
        log_alias=log_alias,
        log_excluded=log_excluded + math.log(_KERNEL_RATIO),
        log_norm=log_norm,
        nodes=int(s_nodes.size),
        complement=True,
        info={"period_d": float(period_d), "period_a": float(period_a), "window": float(window)},
        work=float(s_nodes.size) * len(d_int),
        window=window,
    )
