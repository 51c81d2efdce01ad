"""Timing of the exact tests of painresponse.stats (run: python benchmarks/exact_tests.py).

Each benchmark is a function returning rows ``(case, method used, seconds, p-value)``;
``main()`` runs them all and prints a table. Add further benchmarks (e.g. Fisher's exact
test) as new functions and list them in ``BENCHMARKS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.ranks import rank_sum, signed_rank

Row = tuple[str, str, float, float]


def _best_of(call: Callable[[], TestResult], repeat: int = 5) -> tuple[float, TestResult]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result  # repeat >= 1, so result is bound


def bench_rank_sum() -> list[Row]:
    """Rank-sum test on 0-10 NRS scores at increasing group sizes."""
    rng = np.random.default_rng(2024)
    rows: list[Row] = []
    for m, n, method in [
        (41, 43, "exact"),
        (100, 100, "exact"),
        (150, 150, "auto"),
        (200, 200, "exact"),
        (500, 500, "auto"),
        (500, 500, "exact"),
    ]:
        x, y = rng.integers(0, 11, m), rng.integers(0, 11, n) + rng.integers(0, 2, n)
        y = np.minimum(y, 10)
        case = f"rank_sum {m}+{n} NRS, method={method}"
        try:
            seconds, res = _best_of(partial(rank_sum, x, y, method=method), 1 if m >= 200 else 5)
        except StatisticsError as exc:
            rows.append((case, f"refused: {exc}", float("nan"), float("nan")))
            continue
        rows.append((case, res.method, seconds, res.pvalue))
    return rows


def bench_signed_rank() -> list[Row]:
    """Signed-rank test on paired NRS changes (-10..10, many zeros)."""
    rng = np.random.default_rng(2025)
    rows: list[Row] = []
    for n in (41, 84, 200, 500, 1000):
        before = rng.integers(3, 11, n)
        after = np.clip(before - rng.integers(-2, 4, n), 0, 10)
        for zero_method in ("pratt", "wilcox"):
            seconds, res = _best_of(
                partial(signed_rank, before, after, zero_method=zero_method, method="exact")
            )
            rows.append(
                (
                    f"signed_rank {n} pairs, {zero_method}, exact",
                    res.method,
                    seconds,
                    res.pvalue,
                )
            )
    return rows


BENCHMARKS: list[Callable[[], list[Row]]] = [bench_rank_sum, bench_signed_rank]


def main() -> None:
    """Run every benchmark and print one line per case."""
    for bench in BENCHMARKS:
        print(f"## {bench.__name__}: {bench.__doc__}")
        for case, method, seconds, pvalue in bench():
            print(f"{case:<45} {seconds * 1000:9.1f} ms  p={pvalue:.6g}  [{method}]")
        print()


if __name__ == "__main__":
    main()
