"""Certified tilted Fourier inversion of the exact Wilcoxon tails.

Rank-sum (two dimensions)
    With category values ``d_j`` (integers) holding ``t_j`` observations, the tail
    ``P(D >= u)`` of ``D = sum_j a_j d_j`` under the multivariate hypergeometric law of
    ``(a_j)`` given ``sum_j a_j = m`` is ``P(A = m, D >= u)`` for independent
    ``a_j ~ Bin(t_j, p_j)``, divided by ``P(A = m)``. Exponential tilts of ``A`` and ``D``
    (the saddle point ``(rho, lambda)`` of the joint cumulant generating function) move the
    mass to ``(m, u)``; the tilted tail ``E_Q[1{A = m} sum_{k >= 0} 1{D = u + k} e^{-lambda
    k}]`` is a contour integral sampled on a ``period_a x period_d`` grid of
    ``(phi, theta)`` nodes: an exact sum up to aliasing, which Chernoff bounds make
    negligible when the periods are chosen from them.
Signed-rank (one dimension)
    ``V = sum_j r_j B_j`` with independent ``B_j ~ Bin(t_j, 1/2)``: the same with no ``A``
    (``period_a = 1``).

Only nodes whose bound ``|E_Q e^{i phi (A - m) + i theta D'}| <= exp(-W + |S(theta)|
cos(phi + arg S(theta)))`` (``S(theta) = sum_j t_j p_j q_j e^{i theta delta_j}``,
``W = S(0)``) can matter are evaluated; the bound of the others is summed. Rows
``theta`` are screened first (one FFT of ``S`` over the period, or a coarse grid with a
Lipschitz bound when the period is long), then the ``(phi, theta)`` pairs of the rows
that remain, inside the compiled kernels of :mod:`._exact_nodes`. For a small group (``m``
below about 100) the node bound, about ``exp(-m (1 - |psi(theta)|))``, is weak although the
nodes of a row cancel to about ``|psi(theta)|^m``: when many rows pass, whole rows are
bounded by Cauchy's estimate of the ``m``-th coefficient on the best circle
(:func:`._exact_rows.cauchy_rows`), which keeps a few hundred rows of a grid of 10^5-10^6. The
reported relative error bound adds the aliasing bound, the skipped nodes' bound and a
running rounding bound (float64 in the kernel; extended precision in NumPy when that
bound is too large).

References
----------
Daniels HE. Saddlepoint approximations in statistics. *Ann Math Stat* 1954;25:631-650.
Abate J, Whitt W. The Fourier-series method for inverting transforms of probability
distributions. *Queueing Syst* 1992;10:5-87 (aliasing of the periodic sum).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from numpy.typing import NDArray

from painresponse.stats import _exact_rows, _rank_tails
from painresponse.stats._exact_parallel import SpareCores, map_chunks
from painresponse.stats._exact_rows import FourierNotCertified, ScreeningTooCostly

__all__ = [
    "FOURIER_AUTO_MAX_NODES",
    "FOURIER_MAX_N",
    "FOURIER_MAX_NODES",
    "FOURIER_MAX_PERIOD",
    "FOURIER_MAX_REL_ERROR",
    "FourierNotCertified",
    "ScreeningTooCostly",
    "TailPlan",
    "evaluate_tail",
    "plan_upper_tail",
    "screen_grid",
    "upper_tail",
]

#: Target for each truncation error of the Fourier method (aliasing, skipped nodes),
#: relative to the tail's estimate (itself divided by 1e3); the reported bound must stay
#: below FOURIER_MAX_REL_ERROR. 1e-15 leaves each truncation at 1e-18 to 1e-16 of the
#: tail, below the float64 rounding of the sum (about 2e-14): 1e-17 kept 40-70% more
#: nodes for no change in the bound.
_FOURIER_TARGET = 1e-15
FOURIER_MAX_REL_ERROR = 1e-12
#: From this many nodes a tail evaluates the angles past the cumulant series by the series
#: about the nearest centre (:mod:`._exact_series`; about 2x faster per node and category
#: than sin, cos, log1p and atan2) when a centre allows it: below, its tables (1.4 ms for 5
#: categories, 14 ms for 100, in extended precision) would cost more than they save.
CENTRE_MIN_NODES = 20_000
#: Tilts ``min(p, q)`` up to the first have every centre past the cumulant series usable
#: (:func:`._exact_series.centre_series`: 64 centres, order 12), none from the second;
#: between, the share falls about linearly (0.75 at 0.22, 0.29 at 0.30, 0.11 at 0.33).
_CENTRE_FULL, _CENTRE_NONE = 0.2, 0.35


def centre_share(p: NDArray[np.float64], nodes: int) -> float:
    """The estimated share of a grid's categories whose angles past the cumulant series
    take the centres' series (0 below :data:`CENTRE_MIN_NODES` nodes): the cost model's
    (:mod:`._exact_choice`) view of :mod:`._exact_series`, without its tables."""
    if nodes < CENTRE_MIN_NODES or p.size == 0:
        return 0.0
    small = np.minimum(p, 1.0 - p)
    share = np.clip((_CENTRE_NONE - small) / (_CENTRE_NONE - _CENTRE_FULL), 0.0, 1.0)
    return float(share.mean())


#: Longest the Fourier method may run: at most this many (phi, theta) nodes are evaluated.
FOURIER_MAX_NODES = 2_000_000
#: The budget the older "auto" rule of ``stats.trend`` gives the Fourier method.
FOURIER_AUTO_MAX_NODES = 200_000
#: The D-tilt is at least this many conditional standard deviations (keeps L moderate).
_LAMBDA_MIN_SD = 1.5
FOURIER_MAX_PERIOD = 1 << 30
"""Largest Fourier grid period in either dimension (keeps the integer phases in int64)."""
FOURIER_MAX_N = 20_000
"""The Fourier method is not tried above this many observations (the grid outgrows memory)."""
_MAX_SCREEN_PAIRS = 5e7
#: The node screening keeps at least about this part of the nodes of the rows' arcs (58-91%
#: measured on the few-value corners): when the arcs hold more than ``max_nodes`` divided
#: by it, the grid is given up before the nodes are screened one by one.
_SCREEN_KEPT_FLOOR = 0.5
#: The nodes of a tail are summed in this many fixed chunks (so a second core can join and
#: the sums do not depend on it) when each chunk has at least the second many
#: node-category evaluations (about 2-3 ms: a grid of 60,000 nodes on 60 values, once
#: summed on one core for having fewer than 65,536 nodes, took 290 ms).
_NODE_CHUNKS = 8
_ELEMENTS_PER_CHUNK = 32_768

_LD = np.longdouble
#: Below this log the value rounds to 0 in float64 (half the smallest subnormal).
_LOG_TINY = -1075.0 * math.log(2.0)


def _log_comb(n: int, k: int) -> np.longdouble:
    """``log C(n, k)`` in extended precision from the exact integer."""
    value = math.comb(n, k)
    shift = max(value.bit_length() - 64, 0)
    return np.log(_LD(value >> shift)) + _LD(shift) * np.log(_LD(2))


def _logistic(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


def _chernoff_level(
    values: NDArray[np.float64], totals: NDArray[np.float64], logit: NDArray[np.float64], tau: float
) -> tuple[float, float]:
    """Smallest ``x`` with Chernoff ``P(X >= x) <= exp(-tau)``, ``X = sum_j v_j Bin(t_j, p_j)``.

    Returns ``(x, eta)``; any ``x' >= x`` has ``log P(X >= x') <= K(eta) - eta x'`` (K the
    cumulant generating function), which callers re-evaluate as the certified bound.
    """
    base = np.logaddexp(0.0, logit)

    def cgf(eta: float) -> tuple[float, float, float]:
        kappa = logit + eta * values
        p = _logistic(kappa)
        k0 = float(np.sum(totals * (np.logaddexp(0.0, kappa) - base)))
        k1 = float(np.sum(totals * p * values))
        k2 = float(np.sum(totals * p * (1.0 - p) * values * values))
        return k0, k1, k2

    def rate(eta: float) -> float:
        k0, k1, _ = cgf(eta)
        return eta * k1 - k0

    _, _, var = cgf(0.0)
    lo, hi = 0.0, math.sqrt(2.0 * tau / max(var, 1e-300))
    while rate(hi) < tau:
        lo, hi = hi, 2.0 * hi
        if hi > 1e6:
            break
    for _ in range(60):  # bisection on the monotone rate function
        mid = 0.5 * (lo + hi)
        if rate(mid) < tau:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-10 * hi:
            break
    return cgf(hi)[1], hi


def _chernoff_log_bound(
    values: NDArray[np.float64],
    totals: NDArray[np.float64],
    logit: NDArray[np.float64],
    eta: float,
    x: float,
) -> float:
    kappa = logit + eta * values
    k0 = float(np.sum(totals * (np.logaddexp(0.0, kappa) - np.logaddexp(0.0, logit))))
    return k0 - eta * x


def _saddle_point(
    d: NDArray[np.float64], totals: NDArray[np.float64], m: int, u: float, lam_min: float
) -> tuple[float, float]:
    """Tilts minimising ``sum t softplus(rho + lam d) - rho m - lam u`` with ``lam >= lam_min``.

    Any tilt gives an exact result (it enters the nodes and the normalisation alike); the
    saddle point only keeps the grid small, so Newton stops once its decrement (the gain
    still possible) is below 1e-12.
    """
    n_total = float(totals.sum())
    rho, lam = math.log(m / (n_total - m)), 0.0

    def objective(r: float, la: float) -> float:
        return float(np.sum(totals * np.logaddexp(0.0, r + la * d))) - r * m - la * u

    f0 = objective(rho, lam)
    for _ in range(100):
        p = _logistic(rho + lam * d)
        w = totals * p * (1.0 - p)
        grad = np.array([np.sum(totals * p) - m, np.sum(totals * p * d) - u])
        hess = np.array([[w.sum(), (w * d).sum()], [(w * d).sum(), (w * d * d).sum()]])
        step = np.linalg.solve(hess, -grad)
        decrement = -float(grad @ step)
        if decrement < 1e-12:
            break
        size = 1.0
        while True:
            f1 = objective(rho + size * step[0], lam + size * step[1])
            if f1 <= f0 - 1e-4 * size * decrement:
                break
            size *= 0.5
            if size < 1e-12:
                raise FourierNotCertified("saddle-point search did not converge")
        rho, lam, f0 = rho + size * step[0], lam + size * step[1], f1
    if lam < lam_min:
        lam = lam_min
        for _ in range(100):
            p = _logistic(rho + lam * d)
            shift = -(float(np.sum(totals * p)) - m) / float(np.sum(totals * p * (1.0 - p)))
            rho += shift
            if abs(shift) < 1e-14:
                break
    return rho, lam


def _saddle_point_1d(
    d: NDArray[np.float64], totals: NDArray[np.float64], u: float, lam_min: float
) -> float:
    """Tilt minimising ``sum t softplus(lam d) - lam u`` with ``lam >= lam_min`` (convex)."""

    def objective(la: float) -> float:
        return float(np.sum(totals * np.logaddexp(0.0, la * d))) - la * u

    lam = 0.0
    f0 = objective(lam)
    for _ in range(100):
        p = _logistic(lam * d)
        grad = float(np.sum(totals * p * d)) - u
        step = -grad / float(np.sum(totals * p * (1.0 - p) * d * d))
        decrement = -grad * step
        if decrement < 1e-12:
            break
        size = 1.0
        while True:
            f1 = objective(lam + size * step)
            if f1 <= f0 - 1e-4 * size * decrement:
                break
            size *= 0.5
            if size < 1e-12:
                raise FourierNotCertified("saddle-point search did not converge")
        lam, f0 = lam + size * step, f1
    return max(lam, lam_min)


def _log_gauss_tail_sum(mu: float, var: float, lam: float, u: float) -> float:
    """log of integral_{x>=u} N(x; mu, var) exp(-lam (x - u)) dx (a rough size of the tail)."""
    sd = math.sqrt(var)
    a = (u - mu + lam * var) / sd
    log_phi_c = (
        math.log(0.5 * math.erfc(a / math.sqrt(2.0)))
        if a < 8.0
        else -0.5 * a * a - math.log(a * math.sqrt(2.0 * math.pi))
    )
    return lam * (mu - u) + 0.5 * lam * lam * var + log_phi_c


@dataclass
class TailPlan:
    """A screened Fourier grid for one upper tail, ready for :func:`evaluate_tail`.

    ``complement``: the plan is for the reflected problem and the tail wanted is one minus
    its value. ``nodes``: kept ``(phi, theta)`` nodes; ``work``: the evaluation's cost in
    node-category evaluations (nodes times categories). ``window``: 0 for a tail; else the
    plan sums ``P(a <= D <= a + window - 1)`` with ``lam = 0`` (:mod:`._exact_window`),
    ``u_s`` the window's centre.
    """

    s_nodes: NDArray[np.int64]
    r_nodes: NDArray[np.int64]
    period_d: int
    period_a: int
    delta: NDArray[np.int64]
    totals: NDArray[np.int64]
    logit_ld: NDArray[np.longdouble]
    p: NDArray[np.float64]
    q: NDArray[np.float64]
    lam: float
    u_s: int
    m: int
    log_alias: float
    log_excluded: float
    log_norm: np.longdouble
    nodes: int
    complement: bool
    info: dict[str, float] = field(default_factory=dict)
    work: float = 0.0
    window: int = 0


def _extreme_sums(d: Sequence[int], totals: Sequence[int], m: int | None) -> tuple[int, int]:
    """Smallest and largest ``sum a_j d_j`` (over tables with ``sum a_j = m`` if ``m``)."""
    pairs = sorted(zip((int(v) for v in d), (int(t) for t in totals), strict=True))
    if m is None:
        low = sum(v * t for v, t in pairs if v < 0)
        return low, sum(v * t for v, t in pairs if v > 0)

    def greedy(order: list[tuple[int, int]]) -> int:
        left, total = m, 0
        for value, count in order:
            take = min(count, left)
            total += take * value
            left -= take
        return total

    return greedy(pairs), greedy(pairs[::-1])


def plan_upper_tail(
    d: Sequence[int],
    totals: Sequence[int],
    m: int | None,
    u: int,
    max_screen: float = math.inf,
    max_nodes: float = math.inf,
) -> TailPlan | float:
    """Screen the Fourier grid of ``P(D >= u)``; a float when the tail is 0 or 1 exactly.

    ``m=None`` is the signed-rank law (independent fair binomials, no constraint). When
    ``u`` lies at or below the mean the plan is for the complement (reflected values).
    Raises :class:`FourierNotCertified` when no grid of admissible size certifies, and
    :class:`ScreeningTooCostly` when screening would take more than ``max_screen``
    node-category evaluations, or when the nodes left to screen one by one show that
    more than about ``max_nodes`` would be kept (:data:`_SCREEN_KEPT_FLOOR`: a grid the
    caller would not evaluate).
    """
    low, high = _extreme_sums(d, totals, m)
    if u > high:
        return 0.0
    if u <= low:
        return 1.0
    n_total = int(sum(totals))
    scale = n_total if m is not None else 2
    weight = m if m is not None else 1
    if u * scale <= weight * sum(int(v) * int(t) for v, t in zip(d, totals, strict=True)):
        plan = plan_upper_tail([-int(v) for v in d], totals, m, 1 - u, max_screen, max_nodes)
        if isinstance(plan, float):
            return 1.0 - plan
        plan.complement = not plan.complement
        return plan
    try:
        return _plan(d, totals, m, u, max_screen, max_nodes)
    except (ArithmeticError, ValueError) as exc:  # singular saddle, overflow: not certified
        if isinstance(exc, FourierNotCertified):
            raise
        raise FourierNotCertified(f"numerical failure: {exc}") from exc


def _plan(
    d_int: Sequence[int],
    totals_int: Sequence[int],
    m: int | None,
    u: int,
    max_screen: float,
    max_nodes: float = math.inf,
) -> TailPlan:
    """Tilts, periods, aliasing bound and screened rows of one upper tail above the mean."""
    totals = np.asarray(totals_int, dtype=np.float64)
    d = np.asarray(d_int, dtype=np.float64)
    n_total = int(sum(totals_int))
    if m is None:
        sd0 = math.sqrt(max(float((totals * d * d).sum()) / 4.0, 1e-300))
        lam = _saddle_point_1d(d, totals, float(u), _LAMBDA_MIN_SD / sd0)
        rho, beta = 0.0, 0
    else:
        # Conditional standard deviation of D given A = m under the untilted law.
        p0 = m / n_total
        w0 = totals * p0 * (1.0 - p0)
        sd0 = math.sqrt(max(float((w0 * d * d).sum() - (w0 * d).sum() ** 2 / w0.sum()), 1e-300))
        rho, lam = _saddle_point(d, totals, m, float(u), _LAMBDA_MIN_SD / sd0)
    p = _logistic(rho + lam * d)
    w = totals * p * (1.0 - p)
    big_w = float(w.sum())
    if m is not None:
        # Shear D' = D - beta A: decorrelates D' from A, so the aliasing period L is smaller.
        beta = round(float((w * d).sum()) / big_w)
    m_eff = m if m is not None else 0
    delta_int = [int(v) - beta for v in d_int]
    delta = np.asarray(delta_int, dtype=np.float64)
    u_s = u - beta * m_eff
    rho_s = rho + lam * beta
    logit = rho_s + lam * delta  # equal to rho + lam d
    mu_d = float((totals * p * delta).sum())
    if m is None:
        var_d = float((w * delta * delta).sum())
        log_density_a = 0.0
    else:
        var_d = float((w * delta * delta).sum() - (w * delta).sum() ** 2 / big_w)
        log_density_a = -0.5 * math.log(2.0 * math.pi * big_w)
    log_r_est = log_density_a + _log_gauss_tail_sum(mu_d, var_d, lam, u_s) - math.log(1e3)
    tau = -(math.log(_FOURIER_TARGET) + log_r_est)
    # Aliasing periods: Chernoff bounds on D' >= u' + L (any A), the e^{-lam L} wrap of the
    # kernel, and |A - m| >= M.
    log_b_neg = (
        float(np.sum(totals * (np.logaddexp(0.0, logit - lam * delta) - np.logaddexp(0.0, logit))))
        + lam * u_s
    )
    x_pos, eta_pos = _chernoff_level(delta, totals, logit, tau)
    period_d = max(math.ceil(x_pos - u_s), math.ceil((log_b_neg + tau) / lam), 16)
    from scipy.fft import next_fast_len

    period_d = int(next_fast_len(period_d))
    wrap = -math.log1p(-math.exp(-lam * period_d))
    alias_terms = [
        _chernoff_log_bound(delta, totals, logit, eta_pos, u_s + period_d) + wrap,
        log_b_neg - lam * period_d + wrap,
    ]
    if m is None:
        period_a = 1
    else:
        ones = np.ones_like(delta)
        x_up, eta_up = _chernoff_level(ones, totals, logit, tau)
        x_dn, eta_dn = _chernoff_level(-ones, totals, logit, tau)
        period_a = max(math.ceil(max(x_up - m, x_dn + m)), 4)
        alias_terms += [
            _chernoff_log_bound(ones, totals, logit, eta_up, m + period_a) + wrap,
            _chernoff_log_bound(-ones, totals, logit, eta_dn, -(m - period_a)) + wrap,
        ]
    log_alias = float(np.logaddexp.reduce(alias_terms))
    log_alias_a = (
        float(np.logaddexp(alias_terms[2] - wrap, alias_terms[3] - wrap)) if m is not None else 0.0
    )
    if period_d > FOURIER_MAX_PERIOD or period_a > FOURIER_MAX_PERIOD:
        raise FourierNotCertified(
            f"the Fourier grid would need {period_a} x {period_d} points "
            f"(limit {FOURIER_MAX_PERIOD})"
        )
    # |E_Q e^{i phi (A-m) + i theta (D'-u')}| <= exp(-W + |S(theta)| cos(phi + arg S(theta)))
    # with S(theta) = sum_j w_j e^{i theta delta_j}.
    log_thr = math.log(_FOURIER_TARGET) + log_r_est
    delta_arr = np.asarray(delta_int, dtype=np.int64)
    # The tilt must enter the products and the normalisation identically: build it in
    # extended precision from the exact integer scores (a float64 logit would leave an
    # inconsistency of order m * 1e-16 in the exponent).
    logit_ld = _LD(rho_s) + _LD(lam) * np.asarray(delta_int, dtype=_LD)
    p_node, q_node = _node_probabilities(logit_ld)
    log_norm = np.sum(totals.astype(_LD) * np.logaddexp(_LD(0), logit_ld)) - _LD(lam) * u_s
    if m is None:
        log_norm -= _LD(n_total) * np.log(_LD(2))
    else:
        log_norm -= _LD(rho_s) * m + _log_comb(n_total, m)
    totals_arr = np.asarray(totals_int, dtype=np.int64)
    info = {
        "period_d": float(period_d),
        "period_a": float(period_a),
        "tilt_sd": lam * math.sqrt(var_d),
    }
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
    return TailPlan(
        s_nodes=s_nodes,
        r_nodes=r_nodes,
        period_d=period_d,
        period_a=period_a,
        delta=delta_arr,
        totals=totals_arr,
        logit_ld=logit_ld,
        p=p_node,
        q=q_node,
        lam=lam,
        u_s=u_s,
        m=m_eff,
        log_alias=log_alias,
        log_excluded=log_excluded,
        log_norm=log_norm,
        nodes=int(s_nodes.size),
        complement=False,
        info=info,
        work=float(s_nodes.size) * len(d_int),
    )


def screen_grid(
    delta: NDArray[np.int64],
    totals: NDArray[np.float64],
    p: NDArray[np.float64],
    q: NDArray[np.float64],
    m: int | None,
    lam: float,
    period_d: int,
    period_a: int,
    log_thr: float,
    log_alias_a: float,
    max_screen: float,
    max_nodes: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], float]:
    """The nodes of a grid that may matter, and the log of the bound of those left out.

    Rows on the bound from ``S`` (and Cauchy's, for a rank sum), the ``phi`` arcs within
    them, then node by node on the exact modulus (the first bound is loose far from the
    saddle point: it keeps 10-100 times the nodes that matter). ``lam`` enters only the
    kernel ``|1 - e^{-lam - i theta}|^-1`` of the bounds; ``log_thr`` is the level below
    which a node (with kernel and weight) is left out. Raises :class:`ScreeningTooCostly`
    as :func:`plan_upper_tail` does.
    """
    w = totals * p * q
    cauchy = None
    if m is not None and period_d <= _exact_rows.CAUCHY_MAX_PERIOD:
        cauchy = partial(
            _exact_rows.charged,
            delta.size,
            period_d,
            max_screen,
            partial(
                _exact_rows.cauchy_rows,
                delta,
                totals,
                p,
                q,
                m,
                lam,
                period_d,
                log_thr,
                log_alias_a,
            ),
        )
    nodes, s_theta, log_excluded = _exact_rows.candidate_rows(
        delta, w, float(w.sum()), lam, period_d, log_thr, cauchy
    )
    s_nodes, r_nodes, excluded, pairs = _rank_tails.node_kernels().screen_nodes(
        nodes,
        np.ascontiguousarray(s_theta.real),
        np.ascontiguousarray(s_theta.imag),
        period_d,
        period_a,
        np.mod(delta, period_d),
        totals.astype(np.int64),
        p,
        q,
        lam,
        log_thr,
        min(max_screen / delta.size, float(_MAX_SCREEN_PAIRS), max_nodes / _SCREEN_KEPT_FLOOR),
    )
    if math.isnan(excluded):
        raise ScreeningTooCostly(f"{pairs:.3g} Fourier nodes to screen")
    if excluded > 0.0:
        log_excluded = float(np.logaddexp(log_excluded, math.log(excluded) + log_thr))
    return s_nodes, r_nodes, log_excluded


def _node_probabilities(
    logit_ld: NDArray[np.longdouble],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``p`` and ``q = 1 - p`` in float64, each from the extended-precision logit."""
    p = (1 / (1 + np.exp(-logit_ld))).astype(np.float64)
    q = (1 / (1 + np.exp(logit_ld))).astype(np.float64)
    return p, q


def evaluate_tail(
    plan: TailPlan | float,
    max_nodes: int = FOURIER_MAX_NODES,
    extended: bool = True,
    cores: SpareCores | None = None,
) -> tuple[float, float, dict[str, float]]:
    """The tail of a plan: ``(tail, relative error bound, diagnostics)``.

    The nodes are summed in float64 (compiled), in :data:`_NODE_CHUNKS` fixed chunks when
    there are many (the same sums whoever computes them: a second thread joins while a core
    can be borrowed from ``cores``); when that rounding bound is too large they are summed
    again in extended precision (NumPy, about 50 times slower), unless ``extended`` is
    false. Raises :class:`FourierNotCertified` above ``max_nodes`` nodes or when the bound
    exceeds :data:`FOURIER_MAX_REL_ERROR`.
    """
    if isinstance(plan, float):
        return plan, 0.0, {}
    if plan.log_norm < _LOG_TINY and not plan.complement:
        # tilted <= sum_k Q(u + k) <= 1, so the tail is below the smallest subnormal: its
        # float64 value is 0 exactly
        return 0.0, 0.0, {**plan.info, "nodes": 0.0, "underflow": 1.0}
    if plan.nodes > max_nodes:
        raise FourierNotCertified(f"{plan.nodes} Fourier nodes needed")
    kernels = _rank_tails.node_kernels()
    even, odd = kernels.cumulant_coefficients(plan.p, plan.q)
    if plan.nodes >= CENTRE_MIN_NODES:
        centres = kernels.centre_series(plan.p, plan.period_d * plan.period_a)
    else:
        centres = kernels.no_centres(plan.p.size)
    # The kernel's tilt is its float64 p: the linear phases it leaves out sum to
    # phi (A - m) + theta (D - u), A = sum t p and D = sum t p delta with that same p.
    p_ld = plan.p.astype(_LD)
    totals_ld = plan.totals.astype(_LD)
    excess_a = float(np.sum(totals_ld * p_ld) - plan.m) if plan.period_a > 1 else 0.0
    excess_d = float(np.sum(totals_ld * p_ld * plan.delta.astype(_LD)) - plan.u_s)
    n_chunks = _NODE_CHUNKS if plan.work >= _NODE_CHUNKS * _ELEMENTS_PER_CHUNK else 1
    bounds = np.linspace(0, plan.nodes, n_chunks + 1).astype(np.int64)
    totals_f = plan.totals.astype(np.float64)

    def chunk(i: int) -> tuple[float, float, float]:
        part = slice(int(bounds[i]), int(bounds[i + 1]))
        return kernels.fourier_nodes(  # type: ignore[no-any-return]
            plan.s_nodes[part],
            plan.r_nodes[part],
            plan.period_d,
            plan.period_a,
            plan.delta,
            totals_f,
            plan.p,
            plan.q,
            even,
            odd,
            *centres,
            plan.lam,
            excess_a,
            excess_d,
            plan.u_s % plan.period_d,
            plan.m % plan.period_a,
            plan.window,
        )

    parts = map_chunks(chunk, n_chunks, cores)
    total = 0.0
    for part_total, _, _ in parts:  # in chunk order: the same sum whoever computed each
        total += part_total
    abs_sum = sum(part[1] for part in parts)
    err_sum = sum(part[2] for part in parts)
    partial = sum(abs(part[0]) for part in parts)
    eps = float(np.finfo(np.float64).eps)
    tilted: float | np.longdouble = total
    # Kahan summation of each chunk: 2 eps |chunk sum| plus n eps^2 sum |terms|; adding the
    # chunk sums: at most (chunks - 1) eps times the sum of their moduli
    rounding = (
        (err_sum + abs_sum * (plan.nodes * eps * eps) + (n_chunks + 1) * eps * partial) / total
        + 2.0 * eps
        if total > 0
        else 1.0
    )
    use_extended = not total > 0 or rounding > 0.5 * FOURIER_MAX_REL_ERROR
    if use_extended:
        if not extended:
            raise FourierNotCertified(f"float64 rounding bound {rounding:.1e}")
        tilted, rounding = _extended_sum(plan)
    log_tilted = float(np.log(tilted))
    tail = float(np.exp(plan.log_norm + np.log(_LD(tilted))))
    alias_rel = math.exp(plan.log_alias - log_tilted)
    skipped_rel = math.exp(plan.log_excluded - log_tilted)
    rel_bound = alias_rel + skipped_rel + rounding + 4.0 * eps
    info = dict(plan.info)
    info.update(
        nodes=float(plan.nodes),
        extended_precision=float(use_extended),
        alias_rel=alias_rel,
        skipped_rel=skipped_rel,
        rounding_rel=rounding,
    )
    if rel_bound > FOURIER_MAX_REL_ERROR:
        raise FourierNotCertified(f"error bound {rel_bound:.1e} above {FOURIER_MAX_REL_ERROR:.0e}")
    if plan.complement:
        other = tail
        tail = 1.0 - other
        rel_bound = rel_bound * other / tail + 2.2e-16 if tail > 0 else math.inf
        if rel_bound > FOURIER_MAX_REL_ERROR:  # a complement far below its estimate
            raise FourierNotCertified(f"complement's error bound {rel_bound:.1e}")
    return tail, rel_bound, info


def _extended_sum(plan: TailPlan) -> tuple[np.longdouble, float]:
    """The tilted sum in extended precision (NumPy), when float64 cannot certify it."""
    s_nodes, r_nodes = plan.s_nodes, plan.r_nodes
    products, node_error, near = _rank_tails.fourier_terms(
        s_nodes,
        r_nodes,
        plan.period_d,
        plan.period_a,
        plan.delta,
        plan.totals,
        plan.logit_ld,
        np.longdouble,
    )
    dtype = np.longdouble
    eps = float(np.finfo(dtype).eps)
    two_pi = 2 * np.arccos(dtype(-1))
    frac = ((s_nodes * (plan.u_s % plan.period_d)) % plan.period_d).astype(dtype) / plan.period_d
    frac += ((r_nodes * (plan.m % plan.period_a)) % plan.period_a).astype(dtype) / plan.period_a
    shift = (frac - np.round(frac)) * two_pi
    theta = (s_nodes.astype(dtype) / plan.period_d) * two_pi
    if plan.window > 0:
        kernel = _window_kernel(s_nodes, plan.period_d, plan.window, dtype)
    else:
        # 1 - e^{-lam - i theta} with its real part as two positive terms (no cancellation)
        e_lam = np.exp(-dtype(plan.lam))
        half_theta = np.sin(theta / 2)
        kernel = 1 / (
            -np.expm1(-dtype(plan.lam)) + 2 * e_lam * half_theta**2 + 1j * e_lam * np.sin(theta)
        )
    weight = np.where((s_nodes == 0) | (2 * s_nodes == plan.period_d), 1.0, 2.0)
    terms = products * (np.cos(shift) - 1j * np.sin(shift)) * kernel * weight
    scale = _LD(plan.period_a) * _LD(plan.period_d)
    tilted = np.sum(terms.real.astype(_LD)) / scale
    if not tilted > 0:
        raise FourierNotCertified("the Fourier sum is not positive")
    abs_terms = np.abs(terms).astype(np.float64)
    abs_sum = float(np.sum(abs_terms) / float(scale))
    eps_sum = eps * (s_nodes.size + 2)
    # a term of 0: an underflow, at most ZERO_FACTOR times its kernel and weight, or a
    # node left out for a factor near 0, at most that factor's modulus times them
    outer = np.abs(kernel * weight).astype(np.float64)
    kernel_error = np.zeros(s_nodes.size)
    if plan.window > 0:  # R's rounding is not relative near its zeros (as in the kernel)
        with np.errstate(divide="ignore"):  # theta = 0: R = window exactly
            cosec = np.where(s_nodes == 0, 0.0, 1.0 / np.sin(np.pi * s_nodes / plan.period_d))
        outer = weight * np.where(s_nodes == 0, plan.window, np.minimum(plan.window, cosec))
        kernel_error = (
            np.abs(products).astype(np.float64)
            * weight
            * (2.0 * eps)
            * (12.0 * np.abs(kernel).astype(np.float64) + (4.0 * np.pi + 2.0) * cosec)
        )
    zero_bound = np.maximum(_rank_tails.node_kernels().ZERO_FACTOR, near) * outer
    with np.errstate(invalid="ignore"):  # 0 * inf, discarded by the where
        errors = np.where(abs_terms > 0.0, abs_terms * (node_error + 32.0 * eps), zero_bound)
    errors = errors + kernel_error
    rounding = (float(np.sum(errors)) / float(scale) + abs_sum * eps_sum) / float(tilted)
    return tilted, rounding


def _window_kernel(
    s_nodes: NDArray[np.int64], period_d: int, window: int, dtype: type
) -> NDArray[np.complexfloating]:
    """``sum_{k=0}^{window-1} e^{-i theta (k - (window - 1) // 2)}`` at ``theta = 2 pi s / L``
    (the kernel of :func:`._exact_nodes.fourier_nodes` with ``window > 0``), angles reduced
    exactly with integers."""
    pi = np.arccos(dtype(-1))
    n_edge = (s_nodes * window) % (2 * period_d)
    n_edge = np.where(n_edge > period_d, n_edge - 2 * period_d, n_edge)
    half = pi * (s_nodes.astype(dtype) / period_d)
    with np.errstate(invalid="ignore", divide="ignore"):  # theta = 0, replaced by the where
        ratio = np.sin(pi * (n_edge.astype(dtype) / period_d)) / np.sin(half)
    ratio = np.where(s_nodes == 0, dtype(window), ratio)
    if window % 2 == 0:
        return ratio * (np.cos(half) - 1j * np.sin(half))
    return ratio + 0j


def upper_tail(
    d: Sequence[int],
    totals: Sequence[int],
    m: int | None,
    u: int,
    max_nodes: int = FOURIER_MAX_NODES,
) -> tuple[float, float, dict[str, float]]:
    """``P(D >= u)`` with its certified relative error bound and diagnostics."""
    return evaluate_tail(plan_upper_tail(d, totals, m, u), max_nodes)
