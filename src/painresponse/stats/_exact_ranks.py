"""Exact conditional null distributions of the Wilcoxon rank statistics.

Both statistics are handled on *doubled* mid-ranks, which are always integers, so the
distributions live on an integer lattice and the comparisons that define a p-value are
exact integer comparisons (no floating-point tolerance is needed, although callers may
still apply one).

Rank-sum (2 x c ordered table)
    Category ``j`` holds ``t_j`` tied observations with doubled mid-rank ``s_j``; the first
    group takes ``a_j`` of them, ``sum(a_j) = m``. Under H0 the ``a_j`` are multivariate
    hypergeometric. We use the identity "independent binomials conditioned on their total
    are multivariate hypergeometric": with ``a_j ~ Binomial(t_j, p)`` independent and
    ``p = m / N`` (the tilt that makes ``A = m`` the most likely total), the joint
    distribution of ``(A, W2)`` is built by a dynamic programme over categories with state
    ``(A so far, partial W2)``; row ``A = m`` divided by its mass is the exact conditional
    distribution. All weights are non-negative probabilities, so rounding errors are
    relative (no cancellation) and tiny tail probabilities keep full relative precision.

Signed-rank
    Each non-zero ``|d|`` category ``j`` holds ``t_j`` ties with doubled rank ``r_j``; the
    number of positive signs is ``Binomial(t_j, 1/2)``. A one-dimensional programme over
    the partial ``V2`` gives the exact distribution.

Rank-sum, large tables (:func:`rank_sum_pvalue_fourier`)
    The tails ``P(A = m, D >= u)`` are contour integrals of the generating function
    ``prod_j (1 + x z^{d_j})^{t_j}``; with saddle-point tilts of ``x`` and ``z`` they are
    computed on a certified part of an ``M x L`` grid (see the function and
    ``ranks.rank_sum_from_counts`` for the error bound). Cost is O(1e3-1e4) node
    evaluations for 500 + 500 NRS scores, independent of the score range.

The ``*_cost`` functions return the number of cell updates the programme performs; the
public ``method="auto"`` rule compares them with :data:`AUTO_EXACT_MAX_COST`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from painresponse.stats import _rank_tails

__all__ = [
    "AUTO_EXACT_MAX_COST",
    "EXACT_MAX_CELLS",
    "FOURIER_MAX_NODES",
    "FOURIER_MAX_REL_ERROR",
    "FourierNotCertified",
    "rank_sum_cells",
    "rank_sum_cost",
    "rank_sum_distribution",
    "rank_sum_pvalue_fourier",
    "signed_rank_cost",
    "signed_rank_distribution",
]

#: ``method="auto"`` uses the exact distribution when the programme needs at most this
#: many cell updates (about 0.1-0.3 s on a 2020s laptop).
AUTO_EXACT_MAX_COST = 1.0e8

#: ``method="exact"`` refuses (with a clear error) when the programme's table would need
#: more cells than this (3e7 cells = 240 MB per float64 table; two tables are live).
EXACT_MAX_CELLS = 3.0e7


def _rank_sum_plan(
    scores2: Sequence[int], totals: Sequence[int], m: int
) -> tuple[int, int, list[tuple[int, int, int, int, int]]]:
    """Row bands and column widths of the rank-sum programme, category by category.

    Returns ``(rows, cols, plan)`` where each plan entry is
    ``(k_lo_old, k_hi_old, k_lo_new, k_hi_new, col_hi_old)``.
    """
    n_total = int(sum(totals))
    s_min = int(scores2[0])
    # Largest reachable column: the m largest doubled scores, each measured from s_min.
    remaining = m
    col_max = 0
    for s, t in sorted(zip(scores2, totals, strict=True), reverse=True):
        take = min(int(t), remaining)
        col_max += take * (int(s) - s_min)
        remaining -= take
        if remaining == 0:
            break
    cols = col_max + 1
    plan = []
    k_lo, k_hi, col_hi, done = 0, 0, 0, 0
    for s, t in zip(scores2, totals, strict=True):
        done += int(t)
        k_lo_new = max(0, m - (n_total - done))
        k_hi_new = min(m, done)
        plan.append((k_lo, k_hi, k_lo_new, k_hi_new, col_hi))
        col_hi = min(col_max, col_hi + min(int(t), m) * (int(s) - s_min))
        k_lo, k_hi = k_lo_new, k_hi_new
    return m + 1, cols, plan


def rank_sum_cost(scores2: Sequence[int], totals: Sequence[int], m: int) -> float:
    """Number of cell updates of :func:`rank_sum_distribution` (the "auto" cost)."""
    m = min(m, int(sum(totals)) - m)
    _, _, plan = _rank_sum_plan(scores2, totals, m)
    cost = 0.0
    for (k_lo, k_hi, k_lo_new, k_hi_new, col_hi), t in zip(plan, totals, strict=True):
        # Vectorised over the a = 0..t items taken from this category (t can be 10^6).
        a = np.arange(int(t) + 1, dtype=np.int64)
        rows = np.minimum(k_hi, k_hi_new - a) - np.maximum(k_lo, k_lo_new - a) + 1
        cost += float(rows[rows > 0].sum()) * (col_hi + 1)
        if cost > 1e15:  # far beyond any exact budget: stop counting
            return cost
    return cost


def rank_sum_cells(scores2: Sequence[int], totals: Sequence[int], m: int) -> float:
    """Cells of the programme's table (rows x columns)."""
    m = min(m, int(sum(totals)) - m)
    rows, cols, _ = _rank_sum_plan(scores2, totals, m)
    return float(rows) * float(cols)


def rank_sum_distribution(
    scores2: Sequence[int], totals: Sequence[int], m: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Exact null distribution of the doubled rank sum of a group of size ``m``.

    Parameters
    ----------
    scores2 : sequence of int
        Doubled mid-ranks of the categories, strictly increasing.
    totals : sequence of int
        Observations (both groups) per category, all positive.
    m : int
        Size of the group whose rank sum is the statistic, ``0 < m < N``.

    Returns
    -------
    support : ndarray of int64
        Possible values of the doubled rank sum ``W2`` (only those with positive mass).
    probs : ndarray of float64
        Their probabilities (summing to 1 up to rounding).
    """
    n_total = int(sum(totals))
    total2 = n_total * (n_total + 1)
    if 2 * m > n_total:
        # The other group is smaller: W2_x = N(N+1) - W2_y.
        support_y, probs_y = rank_sum_distribution(scores2, totals, n_total - m)
        return (total2 - support_y)[::-1].copy(), probs_y[::-1].copy()
    rows, cols, plan = _rank_sum_plan(scores2, totals, m)
    s_min = int(scores2[0])
    p = m / n_total
    table = np.zeros((rows, cols))
    table[0, 0] = 1.0
    for (k_lo, k_hi, k_lo_new, k_hi_new, col_hi), s, t in zip(plan, scores2, totals, strict=True):
        t = int(t)
        weights = _binom_pmf(t, p)
        step = int(s) - s_min
        new = np.zeros_like(table)
        for a in range(min(t, m) + 1):
            src_lo = max(k_lo, k_lo_new - a)
            src_hi = min(k_hi, k_hi_new - a)
            if src_lo > src_hi or weights[a] == 0.0:
                continue
            shift = a * step
            width = min(col_hi + 1, cols - shift)
            if width <= 0:
                continue
            new[src_lo + a : src_hi + a + 1, shift : shift + width] += (
                weights[a] * table[src_lo : src_hi + 1, :width]
            )
        table = new
    last = table[m]
    nonzero = np.flatnonzero(last > 0.0)
    probs = last[nonzero] / last[nonzero].sum()
    support = nonzero.astype(np.int64) + m * s_min
    return support, probs


def signed_rank_cost(scores2: Sequence[int], counts: Sequence[int]) -> float:
    """Number of cell updates of :func:`signed_rank_distribution` (the "auto" cost)."""
    cost = 0.0
    width = 1
    for r, t in zip(scores2, counts, strict=True):
        cost += (int(t) + 1) * width
        width += int(t) * int(r)
    return cost


def signed_rank_distribution(
    scores2: Sequence[int], counts: Sequence[int]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Exact null distribution of the doubled sum of positive ranks ``V2``.

    Parameters
    ----------
    scores2 : sequence of int
        Doubled mid-ranks of the non-zero ``|d|`` categories (positive integers).
    counts : sequence of int
        Non-zero differences per category.

    Returns
    -------
    support : ndarray of int64
        Possible values of ``V2`` with positive mass.
    probs : ndarray of float64
        Their probabilities.
    """
    width_max = 1 + sum(int(r) * int(t) for r, t in zip(scores2, counts, strict=True))
    dist = np.zeros(width_max)
    dist[0] = 1.0
    width = 1
    for r, t in zip(scores2, counts, strict=True):
        r, t = int(r), int(t)
        weights = _binom_pmf(t, 0.5)
        new = np.zeros(width + t * r)
        for a in range(t + 1):
            if weights[a] > 0.0:
                new[a * r : a * r + width] += weights[a] * dist[:width]
        width += t * r
        dist[:width] = new
    nonzero = np.flatnonzero(dist > 0.0)
    probs = dist[nonzero] / dist[nonzero].sum()
    return nonzero.astype(np.int64), probs


def _binom_pmf(t: int, p: float) -> NDArray[np.float64]:
    """Binomial(t, p) probabilities of 0..t, without importing ``scipy.stats`` (~1 s).

    Built outwards from the mode by the ratios ``f(a+1)/f(a) = (t-a)/(a+1) * p/(1-p)``,
    so each probability has a relative error of a few ulp times ``log(t)`` and far tails
    underflow to 0 rather than lose precision; the mode's value comes from ``lgamma``.
    A common factor would cancel in every conditional distribution built from these.
    """
    if t == 0:
        return np.ones(1)
    if p <= 0.0 or p >= 1.0:
        out = np.zeros(t + 1)
        out[0 if p <= 0.0 else t] = 1.0
        return out
    mode = min(t, int((t + 1) * p))
    a = np.arange(t + 1, dtype=np.float64)
    odds = p / (1.0 - p)
    log_mode = (
        math.lgamma(t + 1)
        - math.lgamma(mode + 1)
        - math.lgamma(t - mode + 1)
        + mode * math.log(p)
        + (t - mode) * math.log1p(-p)
    )
    out = np.empty(t + 1)
    out[mode] = 1.0
    with np.errstate(under="ignore"):
        up = (t - a[mode:t]) / (a[mode:t] + 1.0) * odds  # f(a+1)/f(a) for a = mode..t-1
        out[mode + 1 :] = np.cumprod(up)
        down = a[1 : mode + 1][::-1] / (t - a[1 : mode + 1][::-1] + 1.0) / odds  # f(a-1)/f(a)
        out[:mode] = np.cumprod(down)[::-1]
    return out * math.exp(log_mode)


# ------------------------------------------------------------- tilted Fourier inversion

#: Target for each truncation error of the Fourier method (aliasing, skipped nodes),
#: relative to the computed tail; the reported bound must stay below FOURIER_MAX_REL_ERROR.
_FOURIER_TARGET = 1e-17
FOURIER_MAX_REL_ERROR = 1e-12
#: Longest the Fourier method may run: at most this many (phi, theta) nodes are evaluated.
FOURIER_MAX_NODES = 2_000_000
#: Under ``method="auto"`` the Fourier method gets a smaller budget (about 0.2 s).
FOURIER_AUTO_MAX_NODES = 200_000
#: The D-tilt is at least this many conditional standard deviations (keeps L moderate).
_LAMBDA_MIN_SD = 1.5

_LD = np.longdouble


FOURIER_MAX_PERIOD = 1 << 30
"""Largest Fourier grid period in either dimension (keeps the integer phases in int64)."""
FOURIER_MIN_N_AUTO = 400
"""Under ``method="auto"``, the Fourier method is tried from this many patients on (below
it, when the programme is too costly, the normal approximation is instant and accurate)."""
FOURIER_MAX_N = 20_000
"""The Fourier method is not tried above this many patients (the grid outgrows memory)."""
FOURIER_MAX_N_AUTO = 2_500
"""Under ``method="auto"`` the Fourier method is tried up to this many patients (two groups
of 1,000 take about 0.1 s; beyond, its grids cost up to a second and the normal
approximation with tie correction is accurate to many digits)."""


class FourierNotCertified(ArithmeticError):
    """The Fourier method could not certify its error bound for this table."""


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
    """Tilts minimising ``sum t softplus(rho + lam d) - rho m - lam u`` with ``lam >= lam_min``."""
    n_total = float(totals.sum())
    rho, lam = math.log(m / (n_total - m)), 0.0

    def objective(r: float, la: float) -> float:
        return float(np.sum(totals * np.logaddexp(0.0, r + la * d))) - r * m - la * u

    for _ in range(200):
        p = _logistic(rho + lam * d)
        w = totals * p * (1.0 - p)
        grad = np.array([np.sum(totals * p) - m, np.sum(totals * p * d) - u])
        hess = np.array([[w.sum(), (w * d).sum()], [(w * d).sum(), (w * d * d).sum()]])
        step = np.linalg.solve(hess, -grad)
        size, f0 = 1.0, objective(rho, lam)
        while objective(rho + size * step[0], lam + size * step[1]) > f0 + 1e-4 * size * float(
            grad @ step
        ):
            size *= 0.5
            if size < 1e-12:
                raise FourierNotCertified("saddle-point search did not converge")
        rho, lam = rho + size * step[0], lam + size * step[1]
        if size == 1.0 and abs(step[0]) < 1e-12 and abs(step[1]) < 1e-12 * max(abs(lam), 1e-6):
            break
    if lam < lam_min:
        lam = lam_min
        for _ in range(100):
            p = _logistic(rho + lam * d)
            shift = -(float(np.sum(totals * p)) - m) / float(np.sum(totals * p * (1.0 - p)))
            rho += shift
            if abs(shift) < 1e-14:
                break
    return rho, lam


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


#: Up to this period the row bound |S(theta)| is evaluated at every theta node by one FFT;
#: beyond, on a coarse grid with a Lipschitz bound (:func:`._rank_tails.coarse_row_bound`).
_FULL_FFT_MAX_PERIOD = 1 << 17
#: Memory guards: candidate theta rows, and rows x period_a pairs screened at once.
_MAX_CANDIDATE_ROWS = 1 << 21
_MAX_PAIRS = 1 << 25


def _candidate_rows(
    delta: NDArray[np.int64],
    w: NDArray[np.float64],
    big_w: float,
    lam: float,
    period_d: int,
    log_thr: float,
) -> tuple[NDArray[np.int64], NDArray[np.complex128], float]:
    """Theta nodes that may matter, ``S`` at them, and the log-bound of the rows left out."""
    half = period_d // 2 + 1
    if period_d <= _FULL_FFT_MAX_PERIOD:
        spikes = np.bincount(np.mod(delta, period_d), weights=w, minlength=period_d)
        s_all = np.fft.ifft(spikes.astype(np.complex128))[:half] * period_d
        return np.arange(half, dtype=np.int64), s_all, -math.inf
    # A slack of W/4 nats costs a few more fine rows near theta = 0 and keeps the grid small.
    size, cell_bound = _rank_tails.coarse_row_bound(delta, w, period_d, max(4.0, big_w / 4.0))
    cells = np.arange(cell_bound.size)
    theta_near = np.maximum(0.0, 2.0 * math.pi * (cells - 0.5) / size)
    cell_log = -big_w + cell_bound - np.log(np.abs(1.0 - np.exp(-lam - 1j * theta_near)))
    flagged = cell_log > log_thr
    per_cell = period_d / size + 1.0
    log_excluded = (
        float(np.logaddexp.reduce(cell_log[~flagged] + math.log(2.0 * per_cell / period_d)))
        if (~flagged).any()
        else -math.inf
    )
    lo = np.ceil((cells[flagged] - 0.5) * period_d / size).astype(np.int64)
    hi = np.ceil((cells[flagged] + 0.5) * period_d / size).astype(np.int64)
    lo, hi = np.clip(lo, 0, half), np.clip(hi, 0, half)
    lengths = hi - lo
    if int(lengths.sum()) > _MAX_CANDIDATE_ROWS:  # memory guard: the grid is not sparse here
        raise FourierNotCertified(f"{int(lengths.sum())} candidate Fourier rows")
    starts = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    nodes = starts + np.arange(int(lengths.sum()), dtype=np.int64)
    s_theta = np.zeros(nodes.size, dtype=np.complex128)
    d_mod = np.mod(delta, period_d)
    step = max(1, (1 << 20) // max(1, delta.size))
    for start in range(0, nodes.size, step):
        block = nodes[start : start + step, None]
        angle = 2.0 * math.pi * (np.mod(block * d_mod[None, :], period_d) / period_d)
        s_theta[start : start + step] = (w[None, :] * np.exp(1j * angle)).sum(axis=1)
    return nodes, s_theta, log_excluded


def _tilted_sum(
    s_nodes: NDArray[np.int64],
    r_nodes: NDArray[np.int64],
    period_d: int,
    period_a: int,
    delta: NDArray[np.int64],
    totals: NDArray[np.int64],
    logit_ld: NDArray[np.longdouble],
    lam: float,
    u_s: int,
    m: int,
    dtype: type[np.floating],  # type: ignore[type-arg]
) -> tuple[np.longdouble, float, float]:
    """The tilted tail sum over the kept nodes, ``sum |terms|`` and the rounding bound."""
    eps = float(np.finfo(dtype).eps)
    products, node_error = _rank_tails.fourier_terms(
        s_nodes, r_nodes, period_d, period_a, delta, totals, logit_ld, dtype
    )
    two_pi = 2 * np.arccos(dtype(-1))
    frac = ((s_nodes * (u_s % period_d)) % period_d).astype(dtype) / period_d + (
        (r_nodes * (m % period_a)) % period_a
    ).astype(dtype) / period_a
    shift = (frac - np.round(frac)) * two_pi
    theta = (s_nodes.astype(dtype) / period_d) * two_pi
    kernel = 1 / (1 - np.exp(-dtype(lam)) * (np.cos(theta) - 1j * np.sin(theta)))
    weight = np.where(s_nodes == 0, 1, 2).astype(dtype)
    if period_d % 2 == 0:
        weight[s_nodes == period_d // 2] = 1
    terms = products * (np.cos(shift) - 1j * np.sin(shift)) * kernel * weight
    scale = _LD(period_a) * _LD(period_d)
    tilted = np.sum(terms.real.astype(_LD)) / scale
    if not tilted > 0:
        raise FourierNotCertified("the Fourier sum is not positive")
    abs_terms = np.abs(terms).astype(np.float64)
    abs_sum = float(np.sum(abs_terms) / float(scale))
    # Per-node bound of the products, a few ulp for shift, kernel and weight, and the
    # extended-precision sum (n terms, eps_ld each at most).
    eps_sum = float(np.finfo(_LD).eps) * (s_nodes.size + 2)
    rounding = (
        float(np.sum(abs_terms * (node_error + 32.0 * eps))) / float(scale) + abs_sum * eps_sum
    ) / float(tilted)
    return tilted, abs_sum, rounding


def _upper_tail_fourier(
    d_int: Sequence[int],
    totals_int: Sequence[int],
    m: int,
    u: int,
    max_nodes: int = FOURIER_MAX_NODES,
) -> tuple[float, float, dict[str, float]]:
    """``P(D >= u)`` for ``D = sum a_j d_j`` under the multivariate hypergeometric law.

    ``u`` must lie above the conditional mean and below the largest attainable ``D``.
    Returns ``(tail, relative error bound, diagnostics)``; raises FourierNotCertified.
    """
    totals = np.asarray(totals_int, dtype=np.float64)
    d = np.asarray(d_int, dtype=np.float64)
    n_total = int(sum(totals_int))
    # Conditional standard deviation of D given A = m under the untilted law.
    p0 = m / n_total
    w0 = totals * p0 * (1.0 - p0)
    sd0 = math.sqrt(max(float((w0 * d * d).sum() - (w0 * d).sum() ** 2 / w0.sum()), 1e-300))
    rho, lam = _saddle_point(d, totals, m, float(u), _LAMBDA_MIN_SD / sd0)
    p = _logistic(rho + lam * d)
    w = totals * p * (1.0 - p)
    big_w = float(w.sum())
    # Shear D' = D - beta A: decorrelates D' from A, so the aliasing period L is smaller.
    beta = round(float((w * d).sum()) / big_w)
    delta_int = [int(v) - beta for v in d_int]
    delta = np.asarray(delta_int, dtype=np.float64)
    u_s = u - beta * m
    rho_s = rho + lam * beta
    logit = rho_s + lam * delta  # equal to rho + lam d
    var_a = big_w
    var_d = float((w * delta * delta).sum() - (w * delta).sum() ** 2 / big_w)
    mu_d = float((totals * p * delta).sum())
    log_r_est = (
        -0.5 * math.log(2.0 * math.pi * var_a) + _log_gauss_tail_sum(mu_d, var_d, lam, u_s)
    ) - math.log(1e3)
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
    ones = np.ones_like(delta)
    x_up, eta_up = _chernoff_level(ones, totals, logit, tau)
    x_dn, eta_dn = _chernoff_level(-ones, totals, logit, tau)
    period_a = max(math.ceil(max(x_up - m, x_dn + m)), 4)
    wrap = -math.log1p(-math.exp(-lam * period_d))
    log_alias = float(
        np.logaddexp.reduce(
            [
                _chernoff_log_bound(delta, totals, logit, eta_pos, u_s + period_d) + wrap,
                log_b_neg - lam * period_d + wrap,
                _chernoff_log_bound(ones, totals, logit, eta_up, m + period_a),
                _chernoff_log_bound(-ones, totals, logit, eta_dn, -(m - period_a)),
            ]
        )
    )
    # |E_Q e^{i phi (A-m) + i theta (D'-u')}| <= exp(-W + |S(theta)| cos(phi + arg S(theta)))
    # with S(theta) = sum_j w_j e^{i theta delta_j}.
    if period_d > FOURIER_MAX_PERIOD or period_a > FOURIER_MAX_PERIOD:
        raise FourierNotCertified(
            f"the Fourier grid would need {period_a} x {period_d} points "
            f"(limit {FOURIER_MAX_PERIOD})"
        )
    log_thr = math.log(_FOURIER_TARGET) + log_r_est
    delta_arr = np.asarray(delta_int, dtype=np.int64)
    nodes, s_theta, log_excluded = _candidate_rows(delta_arr, w, big_w, lam, period_d, log_thr)
    s_abs = np.abs(s_theta) + 1e-9 * big_w
    s_arg = np.angle(s_theta)
    theta = 2.0 * math.pi * nodes / period_d
    log_kernel = -np.log(np.abs(1.0 - np.exp(-lam - 1j * theta)))
    row_weight = np.where(nodes == 0, 1.0, 2.0)
    if period_d % 2 == 0:
        row_weight[nodes == period_d // 2] = 1.0
    row_log_max = -big_w + s_abs + log_kernel
    rows = row_log_max > log_thr
    if (~rows).any():
        dropped = np.log(row_weight[~rows] / period_d) + row_log_max[~rows]
        log_excluded = float(np.logaddexp(log_excluded, np.logaddexp.reduce(dropped)))
    if int(rows.sum()) * period_a > _MAX_PAIRS:
        raise FourierNotCertified(f"{int(rows.sum())} x {period_a} Fourier pairs to screen")
    phi = 2.0 * math.pi * np.arange(period_a) / period_a
    pair_log = (
        -big_w
        + s_abs[rows, None] * np.cos(phi[None, :] + s_arg[rows, None])
        + log_kernel[rows, None]
    )
    keep = pair_log > log_thr
    if (~keep).any():
        skipped = pair_log[~keep] + np.log(
            np.broadcast_to(row_weight[rows, None], pair_log.shape)[~keep] / (period_d * period_a)
        )
        log_excluded = float(np.logaddexp(log_excluded, np.logaddexp.reduce(skipped)))
    row_idx, col_idx = np.nonzero(keep)
    s_nodes = nodes[rows][row_idx].astype(np.int64)
    r_nodes = col_idx.astype(np.int64)
    if s_nodes.size > max_nodes:
        raise FourierNotCertified(f"{s_nodes.size} Fourier nodes needed")
    # The tilt must enter the products and the normalisation identically: build it in
    # extended precision from the exact integer scores (a float64 logit would leave an
    # inconsistency of order m * 1e-16 in the exponent).
    logit_ld = _LD(rho_s) + _LD(lam) * np.asarray(delta_int, dtype=_LD)
    totals_arr = np.asarray(totals_int, dtype=np.int64)
    tilted, rounding = _LD(0), math.inf
    # float64 first (fast); extended precision when its rounding bound is too large.
    for dtype in (np.float64, np.longdouble):
        tilted, _, rounding = _tilted_sum(
            s_nodes,
            r_nodes,
            period_d,
            period_a,
            delta_arr,
            totals_arr,
            logit_ld,
            lam,
            u_s,
            m,
            dtype,
        )
        if rounding <= 0.5 * FOURIER_MAX_REL_ERROR:
            break
    log_norm = (
        np.sum(totals.astype(_LD) * np.logaddexp(_LD(0), logit_ld))
        - _LD(rho_s) * m
        - _LD(lam) * u_s
        - _log_comb(n_total, m)
    )
    tail = float(np.exp(log_norm + np.log(tilted)))
    log_tilted = float(np.log(tilted))
    rel_bound = (
        math.exp(log_alias - log_tilted)
        + math.exp(log_excluded - log_tilted)
        + rounding
        + 4.0 * float(np.finfo(np.float64).eps)
    )
    info = {
        "period_d": float(period_d),
        "period_a": float(period_a),
        "nodes": float(s_nodes.size),
        "tilt_sd": lam * math.sqrt(var_d),
        "alias_rel": math.exp(log_alias - log_tilted),
        "skipped_rel": math.exp(log_excluded - log_tilted),
        "rounding_rel": rounding,
    }
    if rel_bound > FOURIER_MAX_REL_ERROR:
        raise FourierNotCertified(f"error bound {rel_bound:.1e} above {FOURIER_MAX_REL_ERROR:.0e}")
    return tail, rel_bound, info


def _extreme_sums(d: Sequence[int], totals: Sequence[int], m: int) -> tuple[int, int]:
    """Smallest and largest ``sum a_j d_j`` over tables with ``sum a_j = m``."""
    pairs = sorted(zip((int(v) for v in d), (int(t) for t in totals), strict=True))

    def greedy(order: list[tuple[int, int]]) -> int:
        left, total = m, 0
        for value, count in order:
            take = min(count, left)
            total += take * value
            left -= take
        return total

    return greedy(pairs), greedy(pairs[::-1])


def _upper_tail(
    d: Sequence[int], totals: Sequence[int], m: int, u: int, max_nodes: int = FOURIER_MAX_NODES
) -> tuple[float, float, dict[str, float]]:
    """``P(D >= u)`` with its relative error bound; the complement is used below the mean."""
    low, high = _extreme_sums(d, totals, m)
    if u > high:
        return 0.0, 0.0, {}
    if u <= low:
        return 1.0, 0.0, {}
    n_total = int(sum(totals))
    if u * n_total <= m * sum(int(v) * int(t) for v, t in zip(d, totals, strict=True)):
        other, other_bound, info = _upper_tail([-int(v) for v in d], totals, m, 1 - u, max_nodes)
        tail = 1.0 - other
        return tail, other_bound * other / tail + 2.2e-16, info
    return _upper_tail_fourier(d, totals, m, u, max_nodes)


def rank_sum_pvalue_fourier(
    scores2: Sequence[int],
    totals: Sequence[int],
    m: int,
    w2: int,
    alternative: str,
    max_nodes: int = FOURIER_MAX_NODES,
) -> tuple[float, dict[str, float]]:
    """Exact conditional rank-sum p-value by tilted two-dimensional Fourier inversion.

    Parameters
    ----------
    scores2, totals, m
        As in :func:`rank_sum_distribution`.
    w2 : int
        Observed doubled rank sum of the group of size ``m``.
    alternative : {"two-sided", "less", "greater"}
        Two-sided is ``P(|W2 - E| >= |w2 - E|)``.

    Returns
    -------
    pvalue : float
    info : dict
        ``error_bound`` (certified relative error of the p-value: aliasing, skipped
        nodes, rounding) and the grid sizes of the (larger) tail computed.

    Raises
    ------
    FourierNotCertified
        When the bound cannot be brought under :data:`FOURIER_MAX_REL_ERROR` within
        :data:`FOURIER_MAX_NODES` evaluations (e.g. small samples, or a statistic at the
        very edge of its support); callers then use the dynamic programme.
    """
    s_min = int(scores2[0])
    steps = [int(s) - s_min for s in scores2]
    g = math.gcd(*steps)
    if g == 0:  # a single category: every table has the same statistic
        return 1.0, {"error_bound": 0.0}
    d = [v // g for v in steps]
    obs = (w2 - m * s_min) // g
    n_total = int(sum(totals))
    centre2n = 2 * m * sum(v * int(t) for v, t in zip(d, totals, strict=True))  # 2 N E[D]
    tails: list[tuple[list[int], int]] = []
    if alternative == "greater":
        tails.append((d, obs))
    elif alternative == "less":
        tails.append(([-v for v in d], -obs))
    else:
        dev = abs(2 * n_total * obs - centre2n)  # 2N |obs - E|
        if dev == 0:
            return 1.0, {"error_bound": 0.0}
        hi = -((-(centre2n + dev)) // (2 * n_total))  # ceil((E + r))
        lo = (centre2n - dev) // (2 * n_total)  # floor(E - r)
        tails += [(d, hi), ([-v for v in d], -lo)]
    pvalue, abs_error = 0.0, 0.0
    info: dict[str, float] = {}
    for values, threshold in tails:
        try:
            tail, bound, tail_info = _upper_tail(values, totals, m, threshold, max_nodes)
        except (ArithmeticError, ValueError) as exc:  # singular saddle, overflow: not certified
            if isinstance(exc, FourierNotCertified):
                raise
            raise FourierNotCertified(f"numerical failure: {exc}") from exc
        pvalue += tail
        abs_error += bound * tail
        if tail_info and tail >= pvalue - tail:
            info = tail_info
    info["error_bound"] = abs_error / pvalue if pvalue > 0 else 0.0
    return min(1.0, pvalue), info
