"""The theta rows of the Fourier grid that may matter (:mod:`._exact_fourier`).

A row ``theta`` is kept when the bound of its nodes from ``|S(theta)|`` (``S(theta) =
sum_j t_j p_j q_j e^{i theta delta_j}``) can exceed the threshold: one FFT of ``S`` over
the period, or a coarse grid with a Lipschitz bound when the period is long
(:func:`candidate_rows`). For a small group many rows pass that bound although their nodes
cancel; those rows are bounded whole by Cauchy's estimate of the ``m``-th coefficient
(:func:`cauchy_rows`), charged against the caller's screening budget before it runs
(:func:`charged`, :func:`cauchy_cost`) and left out where a sample shows it would remove
almost none.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from painresponse.stats import _rank_tails

__all__ = [
    "CAUCHY_MAX_PERIOD",
    "FourierNotCertified",
    "ScreeningTooCostly",
    "candidate_rows",
    "cauchy_cost",
    "cauchy_rows",
    "charged",
]


class FourierNotCertified(ArithmeticError):
    """The Fourier method could not certify its error bound for this table."""


class ScreeningTooCostly(FourierNotCertified):
    """Screening the grid would cost more than the caller's budget (another algorithm is
    cheaper)."""


#: Up to this period the row bound |S(theta)| is evaluated at every theta node by one FFT;
#: beyond, on a coarse grid with a Lipschitz bound (:func:`._rank_tails.coarse_row_bound`).
_FULL_FFT_MAX_PERIOD = 1 << 17
#: Memory guards: candidate theta rows of the coarse screening, nodes screened one by one.
_MAX_CANDIDATE_ROWS = 1 << 22
#: The Cauchy bound of whole rows (:func:`cauchy_rows`) is used when more than this many
#: rows pass the node bound (a small group: its node bounds do not see the cancellation)
#: and the period is at most the second (it costs one FFT over the period).
_CAUCHY_MIN_ROWS = 4096
CAUCHY_MAX_PERIOD = 1 << 22
#: Cost of the Cauchy bound per point of the period (its FFT and the closed-form bound of
#: each row, about 30 ns), in screened node-category evaluations (3-5 ns each): when this
#: alone exceeds the screening budget, the grid is not screened (ScreeningTooCostly).
_CAUCHY_ELEMENTS_PER_POINT = 8.0
#: With a few values (summed row by row) the Cauchy bound is first tried on a sample of the
#: candidate rows: every _CAUCHY_SAMPLE_STEP-th run of _CAUCHY_SAMPLE_RUN rows (runs, so that
#: the rows turn into each other); when it would keep at least _CAUCHY_USELESS_KEPT of them
#: it is left out (for a group of 1,000-2,000 it keeps every row, at 40-90 ms a tail).
_CAUCHY_SAMPLE_STEP = 64
_CAUCHY_SAMPLE_RUN = 64
_CAUCHY_USELESS_KEPT = 0.98
#: Up to this many values the Cauchy bound sums ``U(theta)`` row by row (rotations), not by
#: an FFT over the whole period.
_CAUCHY_DIRECT_VALUES = 16


def candidate_rows(
    delta: NDArray[np.int64],
    w: NDArray[np.float64],
    big_w: float,
    lam: float,
    period_d: int,
    log_thr: float,
    cauchy: Callable[[NDArray[np.int64]], tuple[NDArray[np.bool_], float]] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.complex128], float]:
    """Theta nodes that may matter, ``S`` at them, and the log-bound of the rows left out.

    When more than :data:`_CAUCHY_MIN_ROWS` rows pass the bound from ``S`` and ``cauchy``
    is given, it is called on those rows for a second row bound (:func:`cauchy_rows`:
    the flags of the rows it keeps and the log-bound of those it leaves out).
    """
    half = period_d // 2 + 1
    if period_d <= _FULL_FFT_MAX_PERIOD:
        spikes = np.bincount(np.mod(delta, period_d), weights=w, minlength=period_d)
        s_all = np.fft.ifft(spikes.astype(np.complex128))[:half] * period_d
        if cauchy is None or half <= _CAUCHY_MIN_ROWS:
            return np.arange(half, dtype=np.int64), s_all, -math.inf
        keep, log_cauchy = cauchy(np.arange(half, dtype=np.int64))
        return np.flatnonzero(keep).astype(np.int64), s_all[keep], log_cauchy
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
    nodes = starts + np.arange(int(lengths.sum()), dtype=np.int64)  # disjoint runs, sorted
    if cauchy is not None and nodes.size > _CAUCHY_MIN_ROWS:
        # many rows pass: a small group, whose row sums cancel; bound whole rows instead
        # (only these: the others are bounded already), unless a sample of them shows that
        # the bound would leave out almost none (a large group: leaving it out is valid);
        # with more values the bound's cost is its FFT over the period, not its rows
        worth = True
        if delta.size <= _CAUCHY_DIRECT_VALUES:
            runs = np.arange(nodes.size) // _CAUCHY_SAMPLE_RUN  # runs of consecutive rows
            sample, _ = cauchy(nodes[runs % _CAUCHY_SAMPLE_STEP == 0])
            worth = bool(sample.mean() < _CAUCHY_USELESS_KEPT)
        if worth:
            keep, log_cauchy = cauchy(nodes)
            nodes = nodes[keep]
            log_excluded = float(np.logaddexp(log_excluded, log_cauchy))
    s_re, s_im = _rank_tails.node_kernels().row_sums(nodes, np.mod(delta, period_d), w, period_d)
    return nodes, s_re + 1j * s_im, log_excluded


def cauchy_cost(values: int, period_d: int, rows: int) -> float:
    """What the Cauchy bound of ``rows`` rows costs, in screened node-category evaluations:
    a few values sum ``U(theta)`` row by row, more take one FFT over the period."""
    if values <= _CAUCHY_DIRECT_VALUES:
        return 2.0 * _CAUCHY_ELEMENTS_PER_POINT * rows
    return _CAUCHY_ELEMENTS_PER_POINT * period_d


def charged(
    values: int,
    period_d: int,
    budget: float,
    bound: Callable[[NDArray[np.int64]], tuple[NDArray[np.bool_], float]],
    rows: NDArray[np.int64],
) -> tuple[NDArray[np.bool_], float]:
    """``bound(rows)``, unless its cost (:func:`cauchy_cost`) alone exceeds the screening
    ``budget`` (the caller's other algorithm is then cheaper than screening the grid)."""
    cost = cauchy_cost(values, period_d, rows.size)
    if cost > budget:
        raise ScreeningTooCostly(f"the Cauchy row bound costs {cost:.3g} screening steps")
    return bound(rows)


def cauchy_rows(
    delta: NDArray[np.int64],
    totals: NDArray[np.float64],
    p: NDArray[np.float64],
    q: NDArray[np.float64],
    m: int,
    lam: float,
    period_d: int,
    log_thr: float,
    log_alias_a: float,
    rows: NDArray[np.int64],
) -> tuple[NDArray[np.bool_], float]:
    """Which of the ``rows`` ``theta`` may matter by a Cauchy bound on their ``phi`` sum, and
    the bound of the others.

    The ``period_a`` nodes of a row sum to ``R(theta) = sum_{k = m mod period_a} c_k``,
    ``c_k = [x^k] prod_j (q_j + p_j e^{i theta delta_j} x)^{t_j}``. Node by node the terms
    are about ``exp(-m (1 - |psi|))`` (``psi`` the mean phase of the pooled scores) and are
    kept by the node screening when ``m`` is below about 100, although their sum, which
    is about ``|psi|^m``, cancels. Here the sum is bounded directly: for any radius
    ``r``, ``|c_m| <= max_{|x| = r} |prod_j (...)| r^{-m}`` (Cauchy), and
    ``log|q + s e^{i a}| <= log q + (s/q) cos a + (s/q)^2 / 2`` gives
    ``log|c_m| <= C0 + A r^2 + r |U(theta)| - m log r`` with ``C0 = sum t log q``,
    ``A = sum t (p/q)^2 / 2`` and ``U(theta) = sum_j t_j (p_j/q_j) e^{i theta delta_j}``
    (row by row for a few values, else one FFT over the period), minimised over ``r`` in
    closed form. The other ``c_k`` are at most ``Q(A = k)``, so their part is at most
    ``Q(|A - m| >= period_a)`` (``log_alias_a``, Chernoff) in every row.

    Returns the flags of the ``rows`` kept (their bound, with kernel and weight, above
    ``exp(log_thr)``) and the log of the bound of those left out (divided by
    ``period_d``, as in the sum).
    """
    v = totals * p / q
    a = 0.5 * float(np.sum(totals * (p / q) ** 2)) * (1.0 + 1e-12)
    c0 = float(np.sum(totals * np.log(q)))
    kernels = _rank_tails.node_kernels()
    pad = 1e-9 * (abs(c0) + m)
    b_pad = 1e-9 * float(v.sum())  # rounding of the sum (FFT or rotations), padded
    if delta.size <= _CAUCHY_DIRECT_VALUES:  # a few values: the sum row by row
        keep, rows_sum, kernel_sum, dropped = kernels.cauchy_rows_direct(
            rows, np.mod(delta, period_d), v, b_pad, a, c0, m, lam, period_d, log_thr, pad
        )
    else:
        spikes = np.bincount(np.mod(delta, period_d), weights=v, minlength=period_d)
        b = np.abs(np.fft.rfft(spikes))[rows] + b_pad
        keep, rows_sum, kernel_sum, dropped = kernels.cauchy_rows(
            rows, b, a, c0, m, lam, period_d, log_thr, pad
        )
    if dropped == 0.0:
        return keep, -math.inf
    # sums of up to a million positive terms (relative rounding far below 1e-9); terms
    # that underflow are below 1e-300 each
    rows_total = (rows_sum + dropped * 1e-300) * (1.0 + 1e-9)
    log_rows = log_thr + math.log(rows_total)
    log_alias = log_alias_a + math.log(kernel_sum * (1.0 + 1e-9))
    return keep, float(np.logaddexp(log_rows, log_alias)) - math.log(period_d)
