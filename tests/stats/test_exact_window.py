"""The middle of a two-sided rank-sum p-value by one untilted Fourier grid
(:mod:`painresponse.stats._exact_window`): its kernel, its screening bound, its certificate
against the whole distribution, and the route that takes it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painresponse.stats import _exact_choice, _exact_fourier, _exact_ranks, _exact_window
from painresponse.stats.ranks import _doubled_midranks, rank_sum_from_counts
from tests.stats._rank_cases import lattice, random_small_table

REFERENCE_ROUNDING = 4e-15


@pytest.mark.parametrize("window", [1, 2, 3, 4, 7, 10, 101, 2000])
def test_window_kernel_is_the_sum_it_stands_for(window: int) -> None:
    """``sum_{k=0}^{w-1} e^{-i theta (k - (w - 1) // 2)}`` at every node of a period."""
    period = 4096
    s = np.arange(period, dtype=np.int64)
    kernel = _exact_fourier._window_kernel(s, period, window, np.longdouble)
    theta = 2.0 * np.pi * s / period
    offsets = np.arange(window) - (window - 1) // 2
    direct = np.exp(-1j * np.outer(theta, offsets)).sum(axis=1)
    assert np.max(np.abs(kernel.astype(np.complex128) - direct)) <= 1e-12 * window


@pytest.mark.parametrize("window", [1, 2, 3, 4, 5, 8, 33, 1000, 100_000])
def test_screening_kernel_bounds_the_window_kernel(window: int) -> None:
    """``|K_w(theta)| <= 4 / |1 - e^{-lam' - i theta}|`` with ``1 - e^{-lam'} = min(2/w,
    1/2)``: the tail screening with ``lam'`` and a threshold four times lower is valid."""
    theta = np.linspace(0.0, np.pi, 200_001)
    with np.errstate(invalid="ignore", divide="ignore"):
        modulus = np.abs(np.sin(window * theta / 2) / np.sin(theta / 2))
    modulus[0] = window
    lam = -math.log1p(-min(2.0 / window, 0.5))
    screen = _exact_window._KERNEL_RATIO / np.abs(1.0 - np.exp(-lam - 1j * theta))
    assert np.all(modulus <= screen * (1 + 1e-12))


def _distribution(totals: np.ndarray, m: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    scores2 = _doubled_midranks(totals).tolist()
    support, probs = _exact_ranks.rank_sum_distribution(scores2, totals.tolist(), m)
    d = [int(v) - int(scores2[0]) for v in scores2]
    return d, np.asarray(support, dtype=np.int64) - m * int(scores2[0]), np.asarray(probs)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_window_error_within_its_bound(seed: int) -> None:
    """Random tables of 3-11 values (one category of a single observation half the time),
    windows from narrow to nearly the whole support: ``1 - P(window)`` within its reported
    bound of the whole distribution, in float64 and in extended precision."""
    rng = np.random.default_rng(2600 + seed)
    checked = extended = 0
    worst = 0.0
    for _ in range(8):
        totals, m = random_small_table(rng, 30)
        d, support, probs = _distribution(totals, m)
        centre = int(support[int(np.searchsorted(np.cumsum(probs), 0.5))])
        for half in rng.integers(0, max(2, (support[-1] - support[0]) // 3), 4):
            lower, upper = centre - int(half), centre + int(half) + int(rng.integers(0, 3))
            inside = (support >= lower) & (support <= upper)
            reference = float(probs[~inside].sum())
            plan = _exact_window.plan_middle(d, totals.tolist(), m, lower, upper)
            if isinstance(plan, float):
                assert plan == reference
                continue
            assert plan.window == upper - lower + 1 and plan.complement
            for use_extended in (False, True):
                if use_extended:
                    tilted, rounding = _exact_fourier._extended_sum(plan)
                    middle = float(np.exp(plan.log_norm + np.log(tilted)))
                    pvalue = 1.0 - middle
                    bound = (
                        math.exp(plan.log_alias - float(np.log(tilted)))
                        + math.exp(plan.log_excluded - float(np.log(tilted)))
                        + rounding
                    ) * middle / max(pvalue, 1e-300) + 1e-15 / max(pvalue, 1e-300)
                    extended += 1
                else:
                    try:
                        pvalue, bound, _ = _exact_fourier.evaluate_tail(plan, extended=False)
                    except _exact_fourier.FourierNotCertified:
                        continue  # a p-value too small for 1 - middle
                    assert bound <= _exact_fourier.FOURIER_MAX_REL_ERROR
                if reference < 1e-3:
                    continue
                error = abs(pvalue - reference)
                assert error <= (bound + REFERENCE_ROUNDING) * reference
                worst = max(worst, error / ((bound + REFERENCE_ROUNDING) * reference))
                checked += 1
    print(f"seed {seed}: {checked} checked, {extended} extended, worst {worst:.2g} of the bound")
    assert checked > 25 and extended > 10


def _centre_case() -> tuple[np.ndarray, np.ndarray]:
    """300 + 5,000 on 7 values falling by e^4 (`--skews`, p = 0.59)."""
    weights = np.exp(-4.0 * np.arange(7) / 6)
    rng = np.random.default_rng(7300)
    x = np.bincount(rng.choice(7, 300, p=weights / weights.sum()), minlength=7)
    y = np.bincount(rng.choice(7, 5000, p=weights / weights.sum()), minlength=7)
    return x, y


def test_route_takes_the_window_near_the_centre(monkeypatch: pytest.MonkeyPatch) -> None:
    """A heavy table near the centre: one Fourier grid, the same p-value as the two tails
    (forced by a try threshold above 1) within the two bounds."""
    x, y = _centre_case()
    window = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert window.details["algorithm"] == "fourier (middle)"
    assert 0.04 < window.pvalue < 1.0
    assert window.details["error_bound"] <= 1e-13
    monkeypatch.setattr(_exact_choice, "FOURIER_MIDDLE_TRY_PVALUE", 2.0)
    tails = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert tails.details["algorithm"] != "fourier (middle)"
    allowed = window.details["error_bound"] + tails.details.get("error_bound", 0.0) + 1e-15
    assert window.pvalue == pytest.approx(tails.pvalue, rel=allowed)


def test_uncertified_window_falls_back_to_the_tails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window whose bound fails (forced: a maximum bound of 0 for the window alone) is
    left for the two tails, which give the same p-value."""
    x, y = _centre_case()
    reference = rank_sum_from_counts(np.arange(7), x, y, "exact")
    real = _exact_fourier.evaluate_tail

    def failing(plan: object, *args: object, **kwargs: object) -> object:
        if getattr(plan, "window", 0):
            raise _exact_fourier.FourierNotCertified("forced")
        return real(plan, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_exact_fourier, "evaluate_tail", failing)
    result = rank_sum_from_counts(np.arange(7), x, y, "exact")
    assert result.details["algorithm"] != "fourier (middle)"
    assert result.pvalue == pytest.approx(reference.pvalue, rel=1e-13)


def test_window_outside_the_support() -> None:
    """A window holding the whole support gives 0; an empty one (beyond it) gives 1."""
    d, totals, m = [0, 1, 2, 3], [5, 6, 7, 8], 9
    low, high = _exact_fourier._extreme_sums(d, totals, m)
    assert (low, high) == (4, 26)
    assert _exact_window.plan_middle(d, totals, m, low - 5, high + 5) == 0.0
    assert _exact_window.plan_middle(d, totals, m, high + 1, high + 9) == 1.0


def _coin_two_sided() -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """Every two-sided rank-sum reference of R coin in ``tests/reference``, as counts per
    sorted value of each group."""
    root = Path(__file__).resolve().parents[1] / "reference"
    out = []
    for name in (
        "unbalanced_exact.json",
        "rank_corners.json",
        "rank_exact_large.json",
        "rank_window.json",
    ):
        for case in json.loads((root / name).read_text())["cases"]:
            if case.get("test", "rank_sum") != "rank_sum" or case["alternative"] != "two.sided":
                continue
            if "counts_x" in case:
                x = np.asarray(case["counts_x"], dtype=np.int64)
                y = np.asarray(case["counts_y"], dtype=np.int64)
            else:
                x, y = _counts(case["x"], case["y"])
            out.append((case["label"], x, y, float(case["pvalue"])))
    for case in json.loads((root / "rank_sum_exact.json").read_text())["cases"]:
        if case["alternative"] == "two-sided":
            out.append((case["id"], *_counts(case["x"], case["y"]), float(case["pvalue"])))
    return out


def _counts(x: list[float], y: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Counts per sorted distinct value of two samples."""
    values = np.unique(np.concatenate([x, y]))
    counts_x = np.bincount(np.searchsorted(values, x), minlength=values.size)
    return counts_x, np.bincount(np.searchsorted(values, y), minlength=values.size)


@pytest.mark.slow
def test_window_matches_coin_on_every_two_sided_reference() -> None:
    """The window's grid, forced on every two-sided coin reference whose p-value it can
    certify (at least about 0.02), gives coin's p-value to 1e-10, and within its own
    bound plus coin's rounding: coin's double-precision sums are off by up to 8e-14 here
    (where the window and the network programme, two exact algorithms, agree to 3e-16),
    so 2e-13 is allowed for them. A window that cannot certify (a p-value below 0.05, or
    a group of 1-2 patients) is left to the two tails, as the route does."""
    checked = uncertified = 0
    for _, x, y, expected in _coin_two_sided():
        d, counts, m, hi, lo = lattice(x, y, "two-sided")
        if hi is None or lo is None or hi - lo < 2:
            continue
        plan = _exact_window.plan_middle(d, counts, m, lo + 1, hi - 1)
        if isinstance(plan, float):
            assert plan == pytest.approx(expected, rel=1e-12)
            continue
        if plan.nodes > _exact_fourier.FOURIER_MAX_NODES:  # beyond the route's budget
            continue
        try:
            pvalue, bound, _ = _exact_fourier.evaluate_tail(plan)
        except _exact_fourier.FourierNotCertified:  # the route then takes the two tails
            assert expected < 0.05 or m <= 2  # (1 - p) / p amplifies the middle's bound
            uncertified += 1
            continue
        assert pvalue == pytest.approx(expected, rel=1e-10)
        assert abs(pvalue - expected) <= (bound + 2e-13) * expected
        checked += 1
    assert checked >= 70 and uncertified <= 40


_WINDOW_CASES = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "rank_window.json").read_text()
)["cases"]


@pytest.mark.parametrize("case", _WINDOW_CASES, ids=[c["label"] for c in _WINDOW_CASES])
def test_route_matches_coin_near_the_centre(case: dict[str, Any]) -> None:
    """R coin's exact p-values of near-centre tables (``tests/reference/rank_window.json``,
    written by ``make_window_reference.R``): the route takes the window's grid from p =
    0.05, and the p-value agrees to 1e-10."""
    x = np.asarray(case["counts_x"], dtype=np.int64)
    y = np.asarray(case["counts_y"], dtype=np.int64)
    result = rank_sum_from_counts(np.arange(case["K"]), x, y, "exact")
    if case["pvalue"] >= 0.05:  # below, the normal estimate may send it to the tails
        assert result.details["algorithm"] == "fourier (middle)"
    assert result.pvalue == pytest.approx(case["pvalue"], rel=1e-10)
