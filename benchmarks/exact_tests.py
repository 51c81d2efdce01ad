"""Timing of the exact tests of painresponse.stats (run: python benchmarks/exact_tests.py).

Each benchmark is a function returning rows ``(case, method used, seconds, p-value)``;
``main()`` runs them all and prints a table. Add further benchmarks (e.g. Fisher's exact
test) as new functions and list them in ``BENCHMARKS``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.ranks import rank_sum, rank_sum_from_counts, signed_rank

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
        (1000, 1000, "exact"),
    ]:
        x, y = rng.integers(0, 11, m), rng.integers(0, 11, n) + rng.integers(0, 2, n)
        y = np.minimum(y, 10)
        case = f"rank_sum {m}+{n} NRS, method={method}"
        try:
            repeat = 1 if 150 <= m < 500 else 5  # the programme is slow there; Fourier is not
            seconds, res = _best_of(partial(rank_sum, x, y, method=method), repeat)
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


# 500 + 500 NRS counts (0..10) timed against R coin in bench_rank_sum_vs_coin.
_COIN_X = (50, 45, 50, 45, 45, 45, 45, 45, 45, 45, 40)
_COIN_Y = (45, 45, 45, 45, 45, 45, 45, 45, 45, 45, 50)
_COIN_SCRIPT = """
suppressMessages(library(coin))
x <- rep(0:10, c({x})); y <- rep(0:10, c({y}))
d <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(length(x), length(y)))))
t0 <- proc.time()[["elapsed"]]
p <- pvalue(wilcox_test(v ~ g, data = d, distribution = "exact"))
cat(sprintf("%.17g %.3f", p, proc.time()[["elapsed"]] - t0))
"""


def bench_rank_sum_vs_coin() -> list[Row]:
    """Exact rank-sum, 500 + 500 NRS: painresponse vs R coin (skipped without Rscript)."""
    values = np.arange(11)
    seconds, res = _best_of(
        partial(rank_sum_from_counts, values, _COIN_X, _COIN_Y, method="exact"), 5
    )
    rows: list[Row] = [("rank_sum 500+500 painresponse exact", res.method, seconds, res.pvalue)]
    rscript = shutil.which("Rscript")
    if rscript is None:
        return rows
    script = _COIN_SCRIPT.format(x=",".join(map(str, _COIN_X)), y=",".join(map(str, _COIN_Y)))
    out = subprocess.run(
        [rscript, "-e", script], capture_output=True, text=True, check=False, timeout=1800
    )
    if out.returncode != 0:
        failed = ("rank_sum 500+500 coin", "R failed: " + out.stderr[-200:], math.nan, math.nan)
        return [*rows, failed]
    coin_p, coin_seconds = (float(v) for v in out.stdout.split())
    rows.append(("rank_sum 500+500 coin exact", "coin::wilcox_test", coin_seconds, coin_p))
    rows.append(
        (
            "ratio coin / painresponse (time)",
            f"relative p difference {abs(res.pvalue - coin_p) / coin_p:.1e}",
            coin_seconds / seconds,
            math.nan,
        )
    )
    return rows


_LARGE = Path(__file__).resolve().parents[1] / "tests" / "reference" / "rank_exact_large.json"
_MAKE_LARGE = _LARGE.with_name("make_large_exact_reference.R")


def bench_large_vs_coin() -> list[Row]:
    """Exact tests on tests/reference/rank_exact_large.json: painresponse vs R coin.

    coin's seconds are those recorded by make_large_exact_reference.R; set
    PAINRESPONSE_RERUN_COIN=1 to rerun that script (several minutes) via Rscript first.
    """
    rscript = shutil.which("Rscript")
    if rscript is not None and os.environ.get("PAINRESPONSE_RERUN_COIN") == "1":
        subprocess.run([rscript, str(_MAKE_LARGE), "--large"], check=False, timeout=3600)
    rows: list[Row] = []
    from painresponse.stats.ranks import signed_rank_from_counts

    for case in json.loads(_LARGE.read_text())["cases"]:
        alternative = {"two.sided": "two-sided"}.get(case["alternative"], case["alternative"])
        if case["test"] == "signed_rank":
            call = partial(
                signed_rank_from_counts, case["values"], case["counts"], alternative=alternative
            )
        elif "values" in case:
            call = partial(
                rank_sum_from_counts,
                case["values"],
                case["counts_x"],
                case["counts_y"],
                alternative=alternative,
            )
        else:
            call = partial(rank_sum, case["x"], case["y"], alternative=alternative)
        seconds, res = _best_of(call, 3)
        rel = abs(res.pvalue - case["pvalue"]) / case["pvalue"]
        rows.append(
            (
                f"{case['label']} ({case['alternative']})",
                f"{res.details.get('algorithm', res.method)}; coin {case['coin_seconds']:.1f} s, "
                f"ratio {case['coin_seconds'] / seconds:.0f}x, rel diff {rel:.1e}",
                seconds,
                res.pvalue,
            )
        )
    for per_group, levels in [(1000, 11), (5000, 11), (5000, 100)]:
        rng = np.random.default_rng(per_group + levels)
        x = np.bincount(rng.integers(0, levels, per_group), minlength=levels)
        y = np.bincount(rng.integers(0, levels, per_group), minlength=levels)
        seconds, res = _best_of(partial(rank_sum_from_counts, np.arange(levels), x, y), 3)
        rows.append(
            (
                f"rank_sum {per_group}+{per_group} scale 0-{levels - 1} (auto)",
                f"{res.details.get('algorithm', res.method)}; coin: fails/overflows",
                seconds,
                res.pvalue,
            )
        )
    return rows


BENCHMARKS: list[Callable[[], list[Row]]] = [
    bench_large_vs_coin,
    bench_rank_sum,
    bench_rank_sum_vs_coin,
    bench_signed_rank,
]


def main() -> None:
    """Run every benchmark and print one line per case."""
    for bench in BENCHMARKS:
        print(f"## {bench.__name__}: {bench.__doc__}")
        for case, method, seconds, pvalue in bench():
            if case.startswith("ratio"):
                print(f"{case:<45} {seconds:9.1f} x   [{method}]")
                continue
            print(f"{case:<55} {seconds * 1000:9.1f} ms  p={pvalue:.6g}  [{method}]")
        print()


if __name__ == "__main__":
    main()
