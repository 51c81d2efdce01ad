"""Compiled kernels (numba) of the certified Fourier inversion (:mod:`._exact_fourier`).

Imported only through :func:`painresponse.stats._rank_tails.node_kernels` (numba is loaded
on first use). Compiled and cached as :mod:`._exact_kernels` (:func:`painresponse.stats._jit.jit`).

* :func:`row_sums`: ``S(theta) = sum_j t_j p_j q_j e^{i theta delta_j}`` at candidate rows;
* :func:`screen_nodes`: the rows and ``(phi, theta)`` nodes whose bound can matter, the
  bound of the others;
* :func:`cauchy_rows`, :func:`cauchy_rows_direct`: the rows whose Cauchy bound of the row
  sum can matter, the bound of the others (:func:`._exact_rows.cauchy_rows`);
* :func:`cumulant_coefficients`, :func:`fourier_nodes`: the tilted characteristic function
  at the kept nodes (cumulant series of each factor, linear phases summed exactly) with
  a running rounding bound, and the tail integrand summed.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._exact_series import (
    CAUCHY,
    CENTRES,
    ORDER,
    SERIES_ALPHA,
    centre_log,
    centre_series,
    cumulant_coefficients,
    no_centres,
)
from painresponse.stats._jit import jit

__all__ = [
    "NEAR_ZERO",
    "NEAR_ZERO_PAD",
    "ZERO_FACTOR",
    "cauchy_rows",
    "cauchy_rows_direct",
    "centre_series",
    "cumulant_coefficients",
    "fourier_nodes",
    "no_centres",
    "row_sums",
    "screen_nodes",
]


#: A node term computed as 0 is an underflow (its logarithm below -744, within the
#: rounding bound; a factor near 0 is bounded apart, :data:`NEAR_ZERO`): it counts this
#: times its kernel and weight in the rounding bound, far more than its true modulus.
ZERO_FACTOR = 4e-16

#: A factor ``z = q + p e^{i alpha}`` with computed ``|z|^2`` below this (``p`` near 1/2 and
#: ``alpha`` near pi) has a logarithm whose rounding is not bounded relative to its size:
#: its node is left out of the Fourier sum and counts its true modulus, at most ``|z|``
#: (``|z|^2`` is within NEAR_ZERO_PAD of the computed value; every other factor is at most
#: 1), times its kernel and weight in the rounding bound. Above it the first-order bound
#: of the logarithm's rounding (:func:`fourier_nodes`, :func:`._rank_tails.fourier_terms`) held
#: with a margin of 4 on 150,000 random factors checked in 40-digit arithmetic.
NEAR_ZERO = 1e-12
NEAR_ZERO_PAD = 1e-14


#: Added to each computed factor ``|q + p e^{i alpha}|^2`` when screening: bounds its
#: rounding (angles reduced exactly, cosines within an ulp, table products) with room.
_SCREEN_PAD = 1e-14


@jit
def _rotations(
    delta_mod: NDArray[np.int64], period_d: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # pragma: no cover - compiled
    """``e^{i 2 pi delta_j / L}``: what each term turns by from one theta row to the next."""
    step_re = np.empty(delta_mod.size)
    step_im = np.empty(delta_mod.size)
    for j in range(delta_mod.size):
        angle = 2.0 * math.pi * (delta_mod[j] / period_d)
        step_re[j] = math.cos(angle)
        step_im[j] = math.sin(angle)
    return step_re, step_im


@jit
def _terms_at(
    s: int,
    delta_mod: NDArray[np.int64],
    w: NDArray[np.float64],
    period_d: int,
    term_re: NDArray[np.float64],
    term_im: NDArray[np.float64],
) -> None:  # pragma: no cover - compiled
    """``w_j e^{i theta_s delta_j}`` from the exactly reduced angles (no drift)."""
    for j in range(delta_mod.size):
        angle = 2.0 * math.pi * (((s * delta_mod[j]) % period_d) / period_d)
        term_re[j] = w[j] * math.cos(angle)
        term_im[j] = w[j] * math.sin(angle)


@jit
def _rotate(
    term_re: NDArray[np.float64],
    term_im: NDArray[np.float64],
    step_re: NDArray[np.float64],
    step_im: NDArray[np.float64],
) -> None:  # pragma: no cover - compiled
    """The terms of the next theta row (each turned by its step)."""
    for j in range(term_re.size):
        re = term_re[j] * step_re[j] - term_im[j] * step_im[j]
        term_im[j] = term_re[j] * step_im[j] + term_im[j] * step_re[j]
        term_re[j] = re


@jit
def _total(
    term_re: NDArray[np.float64], term_im: NDArray[np.float64]
) -> tuple[float, float]:  # pragma: no cover - compiled
    """The sum of the terms (real, imaginary)."""
    total_re = 0.0
    total_im = 0.0
    for j in range(term_re.size):
        total_re += term_re[j]
        total_im += term_im[j]
    return total_re, total_im


@jit
def row_sums(
    nodes: NDArray[np.int64], delta_mod: NDArray[np.int64], w: NDArray[np.float64], period_d: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # pragma: no cover - compiled
    """``S(theta) = sum_j w_j e^{i theta delta_j}`` at the given theta nodes (increasing).

    Along a run of consecutive nodes each term is rotated by ``e^{i 2 pi delta_j / L}``;
    the terms are recomputed from exactly reduced angles at the start of a run and every
    256 nodes, so the drift stays below ``256 * 4 eps * sum_j w_j`` (the row bound that
    uses ``S`` carries a slack of ``1e-9 sum_j w_j``). Returns the real and imaginary parts.
    """
    out_re = np.empty(nodes.size)
    out_im = np.empty(nodes.size)
    step_re, step_im = _rotations(delta_mod, period_d)
    term_re = np.empty(delta_mod.size)
    term_im = np.empty(delta_mod.size)
    since = 256
    for idx in range(nodes.size):
        s = nodes[idx]
        if since >= 256 or idx == 0 or nodes[idx - 1] != s - 1:
            _terms_at(s, delta_mod, w, period_d, term_re, term_im)
            since = 0
        else:
            _rotate(term_re, term_im, step_re, step_im)
            since += 1
        out_re[idx], out_im[idx] = _total(term_re, term_im)
    return out_re, out_im


@jit
def _int_power(x: float, n: int) -> float:  # pragma: no cover - compiled
    result = 1.0
    while n > 0:
        if n & 1:
            result *= x
        x *= x
        n >>= 1
    return result


@jit
def _node_log_bound(
    r: int,
    cos_row: NDArray[np.float64],
    sin_row: NDArray[np.float64],
    cos_phi: NDArray[np.float64],
    sin_phi: NDArray[np.float64],
    a_coef: NDArray[np.float64],
    b_coef: NDArray[np.float64],
    totals: NDArray[np.int64],
) -> float:  # pragma: no cover - compiled
    """Log of the padded exact modulus ``prod_j (a_j + b_j cos alpha_j)^(t_j / 2)`` of the
    node ``r`` of a row (:func:`screen_nodes`)."""
    cp = cos_phi[r]
    sp = sin_phi[r]
    square = 1.0
    for j in range(a_coef.size):
        factor = a_coef[j] + b_coef[j] * (cos_row[j] * cp - sin_row[j] * sp)
        t = totals[j]
        square *= factor if t == 1 else _int_power(factor, t)
    return 0.5 * math.log(square) if square > 0.0 else -math.inf


@jit
def screen_nodes(
    rows: NDArray[np.int64],
    s_re: NDArray[np.float64],
    s_im: NDArray[np.float64],
    period_d: int,
    period_a: int,
    delta_mod: NDArray[np.int64],
    totals: NDArray[np.int64],
    p: NDArray[np.float64],
    q: NDArray[np.float64],
    lam: float,
    log_thr: float,
    max_pairs: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], float, float]:  # pragma: no cover
    """Keep the nodes whose bound can exceed the threshold; bound the contribution of the rest.

    Row ``theta = 2 pi s / L`` (``S = s_re + i s_im`` there, ``W = S(0)``): every node of
    the row has ``|E_Q e^{i phi (A-m) + i theta D'}| <= exp(-W + |S| cos(phi + arg S))``
    (``phi = 0`` only without A: ``-W + Re S``). A row whose largest bound, times its
    kernel ``|1 - e^{-lam - i theta}|^-1`` and weight, is below ``exp(log_thr)`` is left
    out whole; in the others the nodes above the threshold form one arc of ``phi``, rounded
    outwards. Each node of an arc is then screened on its exact modulus ``prod_j (p_j^2 +
    q_j^2 + 2 p_j q_j cos alpha_j)^(t_j/2)`` (angles reduced exactly, each factor padded by
    :data:`_SCREEN_PAD` so the computed value bounds the true one; a few flops per category).

    Returns the kept nodes (theta index, phi index), the sum of the bounds left out scaled
    by ``exp(-log_thr)`` (node bounds over ``period_a * period_d``, row bounds over
    ``period_d``) and the number of arc nodes screened; ``(empty, empty, nan, pairs)`` when
    that number would exceed ``max_pairs``.
    """
    two_pi = 2.0 * math.pi
    n_rows = rows.size
    n_cat = delta_mod.size
    big_w = 0.0
    for j in range(n_cat):
        big_w += totals[j] * p[j] * q[j]
    slack = 1e-9 * big_w  # rounding of S (FFT, rotations)
    e_lam = math.exp(-lam)
    first = np.zeros(n_rows, np.int64)
    count = np.zeros(n_rows, np.int64)
    log_row = np.zeros(n_rows)  # log of the kernel modulus and the weight
    excluded = 0.0
    pairs = 0.0
    to_index = period_a / two_pi
    for idx in range(n_rows):
        s = rows[idx]
        theta = two_pi * s / period_d
        half_theta = math.sin(0.5 * theta)
        k_re = -math.expm1(-lam) + 2.0 * e_lam * half_theta * half_theta
        k_im = e_lam * math.sin(theta)
        log_kernel = -0.5 * math.log(k_re * k_re + k_im * k_im)
        weight = 1.0 if (s == 0 or 2 * s == period_d) else 2.0
        modulus = math.sqrt(s_re[idx] * s_re[idx] + s_im[idx] * s_im[idx])
        s_eff = (modulus if period_a > 1 else s_re[idx]) + slack
        row_max = -big_w + s_eff + log_kernel
        if row_max <= log_thr:
            excluded += weight * math.exp(row_max - log_thr) / period_d
            continue
        log_row[idx] = log_kernel + math.log(weight)
        if period_a == 1:
            first[idx], count[idx] = 0, 1
        else:
            c0 = (log_thr + big_w - log_kernel) / s_eff
            if c0 <= -1.0:
                first[idx], count[idx] = 0, period_a
            else:
                half = math.acos(min(c0, 1.0))
                arg = math.atan2(s_im[idx], s_re[idx])
                low = math.floor((-arg - half) * to_index)
                high = math.ceil((-arg + half) * to_index)
                count[idx] = min(high - low + 1, period_a)
                first[idx] = low % period_a
            excluded += (period_a - count[idx]) * weight / (period_a * period_d)
        pairs += count[idx]
    if pairs > max_pairs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), math.nan, pairs
    kept_s = np.empty(int(pairs), np.int64)
    kept_r = np.empty(int(pairs), np.int64)
    a_coef = np.empty(n_cat)
    b_coef = np.empty(n_cat)
    for j in range(n_cat):
        a_coef[j] = p[j] * p[j] + q[j] * q[j] + _SCREEN_PAD
        b_coef[j] = 2.0 * p[j] * q[j]
    cos_phi = np.empty(period_a)
    sin_phi = np.empty(period_a)
    for r in range(period_a):
        cos_phi[r] = math.cos(two_pi * r / period_a)
        sin_phi[r] = math.sin(two_pi * r / period_a)
    cos_row = np.empty(n_cat)
    sin_row = np.empty(n_cat)
    scale = 1.0 / (float(period_a) * float(period_d))
    n_kept = 0
    for idx in range(n_rows):
        if count[idx] == 0:
            continue
        s = rows[idx]
        for j in range(n_cat):
            angle = two_pi * (((s * delta_mod[j]) % period_d) / period_d)
            cos_row[j] = math.cos(angle)
            sin_row[j] = math.sin(angle)
        # the arc's ends inwards, each up to its first node above the threshold; every
        # node between is kept without a screen (keeping a node is always valid, and
        # along an arc the bound rises to one peak and falls, so the screen would keep
        # nearly all of them: 80-90% on the few-value corners, at a quarter of a node's
        # evaluation each)
        low, high = 0, count[idx] - 1
        while low <= high:
            r = (first[idx] + low) % period_a
            log_bound = _node_log_bound(
                r, cos_row, sin_row, cos_phi, sin_phi, a_coef, b_coef, totals
            )
            log_bound += log_row[idx]
            if log_bound > log_thr:
                break
            excluded += math.exp(log_bound - log_thr) * scale
            low += 1
        while high > low:
            r = (first[idx] + high) % period_a
            log_bound = _node_log_bound(
                r, cos_row, sin_row, cos_phi, sin_phi, a_coef, b_coef, totals
            )
            log_bound += log_row[idx]
            if log_bound > log_thr:
                break
            excluded += math.exp(log_bound - log_thr) * scale
            high -= 1
        for step in range(low, high + 1):
            kept_s[n_kept] = s
            kept_r[n_kept] = (first[idx] + step) % period_a
            n_kept += 1
    return kept_s[:n_kept], kept_r[:n_kept], excluded, pairs


@jit
def _row_bound(
    bs: float,
    s: int,
    a: float,
    c0: float,
    m: int,
    e_lam: float,
    k_base: float,
    period_d: int,
    pad: float,
) -> tuple[float, float]:  # pragma: no cover - compiled
    """Row ``s`` of :func:`cauchy_rows`: its log-bound with kernel and weight, and the
    kernel's modulus times the weight."""
    radius = (math.sqrt(bs * bs + 8.0 * a * m) - bs) / (4.0 * a)
    log_cm = c0 + a * radius * radius + bs * radius - m * math.log(radius) + pad
    theta = 2.0 * math.pi * s / period_d
    half_sin = math.sin(0.5 * theta)
    k_re = k_base + 2.0 * e_lam * half_sin * half_sin
    k_im = e_lam * math.sin(theta)
    kernel = 1.0 / math.sqrt(k_re * k_re + k_im * k_im)
    if s != 0 and 2 * s != period_d:
        kernel *= 2.0
    return log_cm + math.log(kernel), kernel


@jit
def cauchy_rows(
    rows: NDArray[np.int64],
    b: NDArray[np.float64],
    a: float,
    c0: float,
    m: int,
    lam: float,
    period_d: int,
    log_thr: float,
    pad: float,
) -> tuple[NDArray[np.bool_], float, float, float]:  # pragma: no cover - compiled
    """Which of the ``rows`` have a bound ``min_r (c0 + a r^2 + b r - m log r)`` (plus
    kernel, weight) that matters.

    ``b[i]`` bounds ``|U(theta)|`` at row ``rows[i]`` (:func:`._exact_rows.cauchy_rows`);
    the minimising radius is taken in closed form (any radius gives a valid bound, so its
    rounding does not matter) and ``pad`` is added to each log-bound for the rounding of
    the rest. Returns the flags of the rows kept, ``sum exp(bound - log_thr)`` and ``sum
    |kernel| * weight`` over the rows left out, and their number.
    """
    keep = np.zeros(rows.size, np.bool_)
    e_lam = math.exp(-lam)
    k_base = -math.expm1(-lam)
    rows_sum = 0.0
    kernel_sum = 0.0
    dropped = 0.0
    for i in range(rows.size):
        row_log, kernel = _row_bound(b[i], rows[i], a, c0, m, e_lam, k_base, period_d, pad)
        if row_log > log_thr:
            keep[i] = True
        else:
            rows_sum += math.exp(row_log - log_thr)
            kernel_sum += kernel
            dropped += 1.0
    return keep, rows_sum, kernel_sum, dropped


@jit
def _cheap_limit(
    a: float, c0: float, m: int, pad: float, target: float
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """A ``b`` below which the row bound ``min_r (c0 + a r^2 + b r - m log r) + pad`` is at
    most ``target``, and the line that proves it: ``(b_lim, k, r0)`` with ``k + b r0`` the
    bound at the fixed radius ``r0`` (any radius bounds the minimum). The minimum is
    concave in ``b``; three tangent steps from ``b = 0`` approach the crossing from below."""
    guess = 0.0
    limit = -1.0
    k = 0.0
    r0 = 1.0
    for _ in range(3):
        r0 = (math.sqrt(guess * guess + 8.0 * a * m) - guess) / (4.0 * a)
        k = c0 + a * r0 * r0 - m * math.log(r0) + pad
        limit = (target - k) / r0
        if limit <= guess:
            break
        guess = limit
    return limit, k, r0


@jit
def _kernel_modulus(
    half_sin: float, half_cos: float, e_lam: float, k_base: float
) -> float:  # pragma: no cover - compiled
    """``|1 - e^{-lam - i theta}|^-1`` from ``sin`` and ``cos`` of ``theta / 2`` (``k_base =
    1 - e^{-lam}``, the real part as two positive terms)."""
    k_re = k_base + 2.0 * e_lam * half_sin * half_sin
    k_im = 2.0 * e_lam * half_sin * half_cos
    return 1.0 / math.sqrt(k_re * k_re + k_im * k_im)


@jit
def cauchy_rows_direct(
    rows: NDArray[np.int64],
    delta_mod: NDArray[np.int64],
    v: NDArray[np.float64],
    b_pad: float,
    a: float,
    c0: float,
    m: int,
    lam: float,
    period_d: int,
    log_thr: float,
    pad: float,
) -> tuple[NDArray[np.bool_], float, float, float]:  # pragma: no cover - compiled
    """:func:`cauchy_rows` with ``b = |sum_j v_j e^{i theta delta_j}| + b_pad`` summed here,
    row by row, instead of by an FFT over the period (a few values: cheaper), at the given
    ``rows`` (increasing) only.

    Along a run of consecutive rows each term is rotated by ``e^{i 2 pi delta_j / L}`` from
    row to row and recomputed from its exactly reduced angle at the start of each block (a
    run, cut every 256 rows, as :func:`row_sums`), so the drift stays below ``256 * 4 eps
    * sum_j v_j``, far inside ``b_pad``; the kernel's ``e^{i theta / 2}`` turns the same way
    (drift below 1e-13 relative, far inside ``pad``). Most rows are far below the
    threshold: with the kernel at most its value at the block's first row (it decreases in
    theta), a row whose ``|S|`` is below the block's limit (:func:`_cheap_limit`) is left
    out at the cost of a rotation and a comparison, and the block adds for those rows their
    number times the bound at their largest ``|S|``. The other rows get their own bound
    (closed-form radius, one logarithm, one exponential).
    """
    n_rows = rows.size
    keep = np.zeros(n_rows, np.bool_)
    e_lam = math.exp(-lam)
    k_base = -math.expm1(-lam)
    step_re, step_im = _rotations(delta_mod, period_d)
    turn_re = math.cos(math.pi / period_d)  # theta / 2 from one row to the next
    turn_im = math.sin(math.pi / period_d)
    term_re = np.empty(delta_mod.size)
    term_im = np.empty(delta_mod.size)
    rows_sum = 0.0
    kernel_sum = 0.0
    dropped = 0.0
    idx = 0
    while idx < n_rows:
        first = rows[idx]
        _terms_at(first, delta_mod, v, period_d, term_re, term_im)
        half_cos = math.cos(math.pi * first / period_d)
        half_sin = math.sin(math.pi * first / period_d)
        log_kmax = math.log(2.0 * _kernel_modulus(half_sin, half_cos, e_lam, k_base))
        limit, k_line, r_line = _cheap_limit(a, c0, m, pad, log_thr - log_kmax)
        room = limit - 2.0 * b_pad  # |S| itself, with room for the rounding of the square
        room2 = room * room if room > 0.0 else -1.0
        cheap = 0.0
        cheap_max = 0.0
        end = min(idx + 256, n_rows)
        at = idx
        while at < end:
            s = rows[at]
            if at > idx:
                if s != rows[at - 1] + 1:  # a gap: a new block
                    break
                _rotate(term_re, term_im, step_re, step_im)
                turned = half_cos * turn_re - half_sin * turn_im
                half_sin = half_cos * turn_im + half_sin * turn_re
                half_cos = turned
            total_re, total_im = _total(term_re, term_im)
            size2 = total_re * total_re + total_im * total_im
            kernel = _kernel_modulus(half_sin, half_cos, e_lam, k_base)
            if s != 0 and 2 * s != period_d:
                kernel *= 2.0
            at += 1
            if size2 <= room2:
                cheap += 1.0
                cheap_max = max(cheap_max, size2)
                kernel_sum += kernel
                continue
            bs = math.sqrt(size2) + b_pad
            radius = (math.sqrt(bs * bs + 8.0 * a * m) - bs) / (4.0 * a)
            log_cm = c0 + a * radius * radius + bs * radius - m * math.log(radius) + pad
            scaled = math.exp(log_cm - log_thr) * kernel
            if scaled > 1.0:
                keep[at - 1] = True
            else:
                rows_sum += scaled
                kernel_sum += kernel
                dropped += 1.0
        if cheap > 0.0:
            bs_max = math.sqrt(cheap_max) + b_pad
            rows_sum += cheap * math.exp(k_line + bs_max * r_line + log_kmax - log_thr)
            dropped += cheap
        idx = at
    return keep, rows_sum, kernel_sum, dropped


@jit
def fourier_nodes(
    s_nodes: NDArray[np.int64],
    r_nodes: NDArray[np.int64],
    period_d: int,
    period_a: int,
    delta: NDArray[np.int64],
    totals: NDArray[np.float64],
    p: NDArray[np.float64],
    q: NDArray[np.float64],
    even: NDArray[np.float64],
    odd: NDArray[np.float64],
    centre_coef: NDArray[np.float64],
    centre_bound: NDArray[np.float64],
    centre_at: NDArray[np.int64],
    lam: float,
    excess_a: float,
    excess_d: float,
    u_mod: int,
    m_mod: int,
    window: int = 0,
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """Sum the tilted tail integrand over the given nodes (grouped by theta row).

    A node ``(theta = 2 pi s / period_d, phi = 2 pi r / period_a)`` contributes
    ``w prod_j (q_j + p_j e^{i alpha_j})^{t_j} e^{-i (phi m + theta u)} / (1 - e^{-lam -
    i theta})`` (``w = 2`` except at ``theta = 0`` and ``theta = pi``), ``alpha_j = phi +
    theta delta_j - 2 pi k_j`` reduced exactly with integers. Each factor's logarithm is
    split into its linear part ``i p_j alpha_j`` and the rest: the rest from the cumulant
    series (:func:`cumulant_coefficients`, by Estrin's scheme in ``alpha^2``: pairs,
    then pairs of pairs, five dependent steps where Horner's takes fifteen; its terms fall
    by 16 or more per step, so its rounding is within the same bound) when ``|alpha_j| <=
    0.5``; else from the series about the nearest of :data:`._exact_series.CENTRES`
    centres (``centre_coef``, at ``centre_at`` on the grid; :func:`._exact_series.centre_log`)
    where its ``centre_bound`` per unit of ``t_j`` is finite, that bound added whole to the
    node's; else from ``0.5 log1p(-4 p q sin^2(alpha / 2))`` and ``atan2(...) - p alpha``.

    The linear parts and the shift: when no factor wraps (every ``k_j = 0``, the nodes
    near the saddle point) they sum exactly to ``phi (A - m) + theta (D - u)``, with
    ``A - m`` (``excess_a``) and ``D - u`` (``excess_d``) computed once in extended
    precision: small numbers, so the large phases (hundreds of radians for thousands of
    observations) never meet rounding. Otherwise (a peak of a lattice-like distribution
    far from the saddle point, where the reduced ``alpha_j`` are small) ``sum_j t_j p_j
    alpha_j`` is summed directly and the shift reduced exactly on the grid.

    Returns ``(sum of Re terms, sum |terms|, sum |terms| * relative error bound)``, scaled
    by ``1 / (period_a * period_d)``; sums compensated (Kahan). The per-node bound is
    ``eps (8 sum_j t_j (|Re| + |Im rest| + [p_j |alpha_j|: off the series, or summed
    directly] + [off the series: a_j]) + 4 |linear terms| + 48)`` plus the series'
    truncation ``sum_j t_j (|alpha_j| / 2)^31 / (1 - |alpha_j| / 2)`` (``|kappa_n| / n! <=
    2^-n``, see :data:`._exact_series.CAUCHY`). ``a_j`` carries the rounding of ``x = -4 p
    q sin^2(alpha / 2)`` and of ``z``'s parts ``X = 1 - 2 p sin^2``, ``Y = 2 p sin cos`` (and
    of ``alpha``) through the logarithm, which amplifies them near a zero of ``z``: ``8 a_j
    = 4 |x| / (1 + x) + (16 p sin^2 + |X| + 8 |Y| + 4 p |alpha| + 1) / |z|``. A node with
    a factor of ``|z|^2`` below :data:`NEAR_ZERO` is left out and bounded whole (or, when
    ``alpha = pi`` exactly and ``p_j = q_j``, left out as the 0 it is).

    ``window > 0`` replaces the tail's kernel by a window's (:mod:`._exact_window`, ``lam =
    0``): ``sum_{k = a}^{a + window - 1} e^{-i theta (k - u)}`` with ``u = a + (window - 1)
    // 2``, that is ``R(theta) = sin(window theta / 2) / sin(theta / 2)`` times ``e^{-i
    theta / 2}`` for an even window; the angles are reduced exactly with integers, and the
    rounding of ``R``, at most ``eps (12 |R| + (4 |angle| + 2) / sin(theta / 2))``, is
    added to each node's bound times its product's modulus.
    """
    eps = 2.220446049250313e-16
    two_pi = 2.0 * math.pi
    n_cat = delta.size
    scale = 1.0 / (float(period_a) * float(period_d))
    grid = period_d * period_a
    half_grid = grid // 2
    half_c = CENTRES // 2 + 0.5  # the nearest centre: int(alpha CENTRES / 2 pi + half_c)
    per_turn = CENTRES / two_pi
    e_lam = math.exp(-lam)
    k_base = -math.expm1(-lam)
    theta = 0.0
    k_re = k_im = k_den = weight = 1.0
    k_mod = k_abs = 0.0  # the kernel's modulus bound; the window kernel's rounding
    rem = np.empty(n_cat, np.int64)  # (s delta_j) mod L, times period_a
    quot = np.empty(n_cat, np.int64)  # floor(s delta_j / L)
    row = -1
    total_re = 0.0
    compensation = 0.0
    total_abs = 0.0
    total_err = 0.0
    for idx in range(s_nodes.size):
        s = s_nodes[idx]
        r = r_nodes[idx]
        if s != row:  # what depends on theta alone, once per row
            row = s
            for j in range(n_cat):
                product = s * delta[j]  # exact: |s| < 2^30, |delta| < 2^33
                quot[j] = product // period_d
                rem[j] = (product - quot[j] * period_d) * period_a
            theta = two_pi * s / period_d
            weight = 1.0 if (s == 0 or 2 * s == period_d) else 2.0
            if window == 0:
                # 1 - e^{-lam - i theta}: real part as two positive terms (1 - e^{-lam} cos
                # theta would lose eps / lam near theta = 0, and lam is about 1 / sd(D))
                half_theta = math.sin(0.5 * theta)
                k_re = k_base + 2.0 * e_lam * half_theta * half_theta
                k_im = e_lam * math.sin(theta)
                k_den = k_re * k_re + k_im * k_im
                k_mod = 1.0 / math.sqrt(k_den)
            elif s == 0:  # a window's kernel, held as conj(k) with k_den = |k|^2 = 1
                k_re, k_im, k_den, k_mod, k_abs = float(window), 0.0, 1.0, float(window), 0.0
            else:
                n_edge = (s * window) % (2 * period_d)  # exact: window theta / 2 mod 2 pi
                if n_edge > period_d:
                    n_edge -= 2 * period_d
                edge = math.pi * (n_edge / period_d)
                half = math.pi * (s / period_d)  # theta / 2 in (0, pi)
                sin_half = math.sin(half)
                ratio = math.sin(edge) / sin_half
                k_den = 1.0
                if window % 2 == 0:  # e^{-i theta / 2}: the window's half-integer centre
                    k_re, k_im = ratio * math.cos(half), ratio * sin_half
                else:
                    k_re, k_im = ratio, 0.0
                k_mod = min(float(window), 1.0 / sin_half)
                k_abs = eps * (12.0 * abs(ratio) + (4.0 * abs(edge) + 2.0) / sin_half)
        r_signed = r - period_a if 2 * r > period_a else r
        phi = two_pi * r_signed / period_a
        acc_re, c_re = 0.0, 0.0
        acc_im, c_im = 0.0, 0.0
        acc_lin, c_lin = 0.0, 0.0
        size = 0.0
        size_lin = 0.0
        series_weight = 0.0
        series_alpha = 0.0
        wrapped = False
        near = math.inf
        centre_err = 0.0
        r_part = r_signed * period_d
        for j in range(n_cat):
            num = r_part + rem[j]
            wraps = quot[j]
            while 2 * num > grid:
                num -= grid
                wraps += 1
            while 2 * num <= -grid:
                num += grid
                wraps -= 1
            if wraps != 0:
                wrapped = True
            alpha = two_pi * (num / grid)
            pj = p[j]
            tj = totals[j]
            if abs(alpha) <= SERIES_ALPHA:
                a2 = alpha * alpha
                a4 = a2 * a2
                a8 = a4 * a4
                re = ((even[j, 0] + even[j, 1] * a2) + (even[j, 2] + even[j, 3] * a2) * a4) + (
                    (even[j, 4] + even[j, 5] * a2) + (even[j, 6] + even[j, 7] * a2) * a4
                ) * a8
                re += (
                    ((even[j, 8] + even[j, 9] * a2) + (even[j, 10] + even[j, 11] * a2) * a4)
                    + ((even[j, 12] + even[j, 13] * a2) + even[j, 14] * a4) * a8
                ) * (a8 * a8)
                re *= a2
                rest = ((odd[j, 0] + odd[j, 1] * a2) + (odd[j, 2] + odd[j, 3] * a2) * a4) + (
                    (odd[j, 4] + odd[j, 5] * a2) + (odd[j, 6] + odd[j, 7] * a2) * a4
                ) * a8
                rest += (
                    ((odd[j, 8] + odd[j, 9] * a2) + (odd[j, 10] + odd[j, 11] * a2) * a4)
                    + (odd[j, 12] + odd[j, 13] * a2) * a8
                ) * (a8 * a8)
                rest *= a2 * alpha
                series_weight += tj
                series_alpha = max(series_alpha, abs(alpha))
                size += tj * (abs(re) + abs(rest))
            elif centre_bound[j, int(alpha * per_turn + half_c)] < 1.0:
                # about the nearest centre (:mod:`._exact_series`), its error bounded whole
                c = int(alpha * per_turn + half_c)
                re, rest = centre_log(centre_coef, j, c, two_pi * ((num - centre_at[c]) / grid))
                centre_err += tj * centre_bound[j, c]
            else:
                sh = math.sin(0.5 * alpha)
                ch = math.cos(0.5 * alpha)
                sin2 = sh * sh
                x = -4.0 * pj * q[j] * sin2
                modulus2 = 1.0 + x  # |q + p e^{i alpha}|^2, within 9 eps
                if modulus2 < NEAR_ZERO:  # the node is bounded whole (below)
                    # alpha = pi exactly (reduced with integers) and p = q: the factor q - p
                    # is 0 exactly (p = m / N = 1/2 on an untilted grid), and so the term
                    near = -1.0 if (2 * num == grid and pj == q[j]) else modulus2
                    break
                re = 0.5 * math.log1p(x)
                im_z = 2.0 * pj * sh * ch
                re_z = 1.0 - 2.0 * pj * sin2
                rest = math.atan2(im_z, re_z) - pj * alpha
                # the errors of x and of z's parts, amplified near a zero of z
                amplified = 0.5 * abs(x) / modulus2 + 0.125 * (
                    16.0 * pj * sin2 + abs(re_z) + 8.0 * abs(im_z) + 4.0 * pj * abs(alpha) + 1.0
                ) / math.sqrt(modulus2)
                size += tj * (abs(re) + abs(rest) + 2.0 * pj * abs(alpha) + amplified)
            linear = tj * pj * alpha
            size_lin += abs(linear)
            y = tj * re - c_re
            updated = acc_re + y
            c_re = (updated - acc_re) - y
            acc_re = updated
            y = tj * rest - c_im
            updated = acc_im + y
            c_im = (updated - acc_im) - y
            acc_im = updated
            y = linear - c_lin
            updated = acc_lin + y
            c_lin = (updated - acc_lin) - y
            acc_lin = updated
        if near < 0.0:  # a factor of exactly 0: the term is 0, with no error
            continue
        if near < math.inf:
            # a factor near 0 (p near 1/2, alpha near pi), where its logarithm's rounding
            # is not bounded relative to it: the node is left out, its true term at most
            # that factor's modulus times the kernel and weight (every other factor <= 1)
            total_err += math.sqrt(max(near, 0.0) + NEAR_ZERO_PAD) * weight * k_mod * scale
            continue
        if wrapped:
            shift_num = (
                (s * u_mod) % period_d * period_a + (r * m_mod) % period_a * period_d
            ) % grid
            if shift_num > half_grid:
                shift_num -= grid
            shift = two_pi * (shift_num / grid)
            linear_total = acc_lin - shift
            linear_err = 8.0 * size_lin + 4.0 * abs(shift)
        else:
            linear_total = phi * excess_a + theta * excess_d
            linear_err = 4.0 * (abs(phi * excess_a) + abs(theta * excess_d))
        # truncation of the series: sum_j t_j h_j^(ORDER+1) / (1 - h_j), h_j = |alpha_j| / 2
        half = 0.5 * series_alpha
        truncation = series_weight * half ** (ORDER + 1) / (1.0 - half)
        err = (
            eps * (8.0 * size + linear_err + 2.0 * (abs(acc_re) + abs(acc_im)) + 48.0)
            + CAUCHY * truncation
            + centre_err
        )
        angle = acc_im + linear_total
        magnitude = math.exp(acc_re) * weight / k_den
        v_re = magnitude * math.cos(angle)
        v_im = magnitude * math.sin(angle)
        # times the kernel 1 / k = conj(k) / |k|^2 (the 1 / |k|^2 is in magnitude; a
        # window's kernel is held as conj(k) with |k|^2 = 1)
        t_re = (v_re * k_re + v_im * k_im) * scale
        t_im = (v_im * k_re - v_re * k_im) * scale
        if window > 0:
            total_err += magnitude * scale * k_abs * (1.0 + err)
        y = t_re - compensation
        updated = total_re + y
        compensation = (updated - total_re) - y
        total_re = updated
        t_abs = math.sqrt(t_re * t_re + t_im * t_im)
        if t_abs > 0.0:
            total_abs += t_abs
            total_err += t_abs * err
        else:  # 0: an underflow (a factor near 0 is handled above)
            total_err += ZERO_FACTOR * weight * k_mod * scale
    return total_re, total_abs, total_err
