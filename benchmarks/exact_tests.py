"""Timing of the exact Wilcoxon tests against R coin (run: python benchmarks/exact_tests.py).

Five tables:

* ``first call``: what the first exact test that needs a compiled kernel costs in a fresh
  process: numba's import and start-up with its cache warm, and with an empty cache
  (compilation of every kernel, as on a fresh clone; the machine code is then cached in
  ``__pycache__``).
* ``coin``: every case of ``tests/reference/rank_exact_large.json`` (seeded tables written
  by ``tests/reference/make_large_exact_reference.R``): painresponse's median time next
  to coin's recorded time, their ratio and the relative difference of the p-values. With
  ``PAINRESPONSE_RERUN_COIN=1`` and ``Rscript`` on the PATH the R script is run first (a
  few minutes) so coin's times are measured on this machine. Cases coin cannot compute
  (its exact distributions overflow) are listed with its message and time to fail.
* ``unbalanced``: every case of ``tests/reference/unbalanced_exact.json`` (a group of
  30-200 against 1,200-3,000, written by ``tests/reference/make_unbalanced_exact_reference.R``),
  painresponse next to coin's recorded time.
* ``limits``: the size rule's limits (``ranks.RANK_SUM_RULE``, ``ranks.SIGNED_RANK_RULE``),
  where coin overflows or would take hours, including a small group against 5,000 (the
  slowest corner of the rule).
* ``corners``: issue #14's slow corners, each case two-sided with ``method="exact"``: a
  group of 20-150 against 5,000 on 7-100 values (uniform and skewed scales), a group of
  300 or 1,000 against 5,000 on 6, 7 or 11 values, skewed 0-10
  and 0-4 scales with a strong shift (p-values from 1e-60 to below 1e-300), with the
  algorithm each tail took. ``--corners`` runs this table alone.
* ``--grid`` (alone, not in the default run): a group of 300-5,000 against 5,000 on 6, 7 or
  11 values, flat and skewed (30 cases), and how many take over 100 ms.
* ``--skews`` (alone, not in the default run): a group of 100-2,000 against 5,000 on 5, 6, 7
  or 11 values whose frequencies fall by a factor of e^0 to e^9 from the lowest value to
  the highest (the other tables' skewed scale falls by e^3 to e^4), with no shift and with
  a shift of one point (160 seeded cases), and how many take over 100 ms.

Times are medians of several runs (``--repeat``), in milliseconds; the machine may be shared,
so compare ratios rather than single figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from machine import describe

from painresponse.stats._result import TestResult
from painresponse.stats.ranks import (
    rank_sum,
    rank_sum_from_counts,
    signed_rank,
    signed_rank_from_counts,
)

_REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "reference" / "rank_exact_large.json"
_MAKE_REFERENCE = _REFERENCE.with_name("make_large_exact_reference.R")
_UNBALANCED = _REFERENCE.with_name("unbalanced_exact.json")
_ALTERNATIVE = {"two.sided": "two-sided", "less": "less", "greater": "greater"}


def _median_time(call: Callable[[], TestResult], repeat: int) -> tuple[float, TestResult]:
    result = call()  # warm-up: kernels loaded
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _call(case: dict[str, Any], method: str = "exact") -> Callable[[], TestResult]:
    alternative = _ALTERNATIVE[case["alternative"]]
    if case["test"] == "signed_rank":
        return partial(
            signed_rank_from_counts,
            case["values"],
            case["counts"],
            method=method,
            alternative=alternative,
        )
    if "values" in case:
        return partial(
            rank_sum_from_counts,
            case["values"],
            case["counts_x"],
            case["counts_y"],
            method=method,
            alternative=alternative,
        )
    return partial(rank_sum, case["x"], case["y"], method=method, alternative=alternative)


_FIRST_CALL = """
import time
start = time.perf_counter()
import numpy as np
from painresponse.stats.ranks import rank_sum
rank_sum(np.arange(300.0), np.arange(300.0) + 0.5, method="exact")
print(time.perf_counter() - start)
"""


def bench_first_call() -> None:
    """First exact test needing a compiled kernel, as a fresh process (seconds)."""
    print("## first call: import, numba start-up, kernels (fresh process)")
    baseline = "import numpy as np; from painresponse.stats.ranks import rank_sum"
    rows = []
    for label, env in [("cache warm", {}), ("cache empty (compile)", {"fresh": "1"})]:
        environment = dict(os.environ)
        with tempfile.TemporaryDirectory() as cache:
            if env:
                environment["NUMBA_CACHE_DIR"] = cache
            else:  # populate the default cache first
                subprocess.run([sys.executable, "-c", _FIRST_CALL], check=True, capture_output=True)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", baseline], check=True, env=environment)
            base = time.perf_counter() - start
            out = subprocess.run(
                [sys.executable, "-c", _FIRST_CALL],
                check=True,
                capture_output=True,
                text=True,
                env=environment,
            )
        rows.append((label, float(out.stdout.split()[-1]), base))
    for label, seconds, base in rows:
        print(
            f"{label:<24} first test {seconds:6.2f} s   (process with imports only: {base:.2f} s)"
        )
    print()


def _rerun_coin() -> None:
    rscript = shutil.which("Rscript")
    if rscript is None or os.environ.get("PAINRESPONSE_RERUN_COIN") != "1":
        return
    print(f"running {_MAKE_REFERENCE.name} with {rscript} (several minutes) ...")
    subprocess.run([rscript, str(_MAKE_REFERENCE), "--large"], check=False, timeout=7200)


def bench_coin(repeat: int) -> None:
    """Every committed reference case: painresponse next to coin."""
    _rerun_coin()
    reference = json.loads(_REFERENCE.read_text())
    print(f"## coin: {reference['packages']} on {reference['R_version']}")
    header = f"{'case':<54} {'ours ms':>9} {'coin s':>8} {'ratio':>8} {'rel diff':>9}  algorithm"
    print(header)
    print("-" * len(header))
    for case in reference["cases"]:
        seconds, result = _median_time(_call(case), repeat)
        rel = abs(result.pvalue - case["pvalue"]) / case["pvalue"]
        ratio = case["coin_seconds"] / seconds
        name = f"{case['label']} ({case['alternative']})"
        print(
            f"{name:<54} {seconds * 1000:9.1f} {case['coin_seconds']:8.2f} {ratio:7.0f}x "
            f"{rel:9.1e}  {result.details['algorithm']}"
        )
    for failure in reference.get("failures", []):
        timing = ""
        if "alternative" in failure:
            seconds, result = _median_time(_call(failure), repeat)
            timing = f"{seconds * 1000:9.1f} ms, p = {result.pvalue:.4g}, "
            timing += result.details["algorithm"]
        print(
            f"{failure['label']:<54} {timing}; coin fails after "
            f"{failure['coin_seconds']:.1f} s: {failure['coin_error'][-60:]}"
        )
    print()


def bench_unbalanced(repeat: int) -> None:
    """A small group against a large one: painresponse next to coin's recorded time."""
    reference = json.loads(_UNBALANCED.read_text())
    print(f"## unbalanced: {reference['packages']} on {reference['R_version']}")
    header = f"{'case':<54} {'ours ms':>9} {'coin s':>8} {'ratio':>8} {'rel diff':>9}  algorithm"
    print(header)
    print("-" * len(header))
    for case in reference["cases"]:
        call = partial(
            rank_sum_from_counts,
            np.arange(case["K"]),
            case["counts_x"],
            case["counts_y"],
            method="exact",
            alternative=_ALTERNATIVE[case["alternative"]],
        )
        seconds, result = _median_time(call, repeat)
        rel = abs(result.pvalue - case["pvalue"]) / case["pvalue"]
        name = f"{case['label']} ({case['alternative']})"
        print(
            f"{name:<54} {seconds * 1000:9.1f} {case['coin_seconds']:8.2f} "
            f"{case['coin_seconds'] / seconds:7.0f}x {rel:9.1e}  {result.details['algorithm']}"
        )
    print()


def _limits() -> list[tuple[str, Callable[[], TestResult]]]:
    rng = np.random.default_rng(14)
    cases: list[tuple[str, Callable[[], TestResult]]] = []
    for per_group, levels, shift in [(5000, 11, 0.0), (5000, 11, 0.05), (5000, 100, 0.03)]:
        x = np.bincount(rng.integers(0, levels, per_group), minlength=levels)
        y = np.bincount(
            np.minimum(
                rng.integers(0, levels, per_group) + rng.binomial(1, shift, per_group), levels - 1
            ),
            minlength=levels,
        )
        label = f"rank_sum {per_group}+{per_group} on {levels} values, shift {shift}"
        cases.append((label, partial(rank_sum_from_counts, np.arange(levels), x, y)))
    for levels, smaller in [
        (4, 5000),
        (3, 5000),
        (5, 5000),
        (5, 300),
        (5, 1000),
        (6, 150),
        (11, 20),
        (11, 50),
        (11, 100),
        (30, 50),
        (100, 20),
        (100, 35),
        (100, 50),
        (100, 100),
    ]:
        # few values, and a small group against a large one: the slowest corners
        x = np.bincount(rng.integers(0, levels, smaller), minlength=levels)
        y = np.bincount(rng.integers(0, levels, 5000), minlength=levels)
        label = f"rank_sum {smaller}+5000 on {levels} values"
        cases.append((label, partial(rank_sum_from_counts, np.arange(levels), x, y)))
    for levels, smaller in [(5, 300), (11, 300)]:
        # skewed scale, strong shift: tiny p-values ('exact not computable' before)
        prob = np.exp(-np.arange(levels) / (levels / 4))
        prob /= prob.sum()
        shifted = np.minimum(rng.choice(levels, smaller, p=prob) + levels // 5, levels - 1)
        x = np.bincount(shifted, minlength=levels)
        y = np.bincount(rng.choice(levels, 5000, p=prob), minlength=levels)
        label = f"rank_sum {smaller}+5000 on {levels} skewed values, shifted"
        cases.append((label, partial(rank_sum_from_counts, np.arange(levels), x, y)))
    for kind in ("untied", "continuous (2 decimals)"):
        for shift in (0.0, 0.2):
            first, second = rng.normal(size=500), rng.normal(shift, size=500)
            if kind != "untied":
                first, second = np.round(first, 2), np.round(second, 2)
            label = f"rank_sum 500+500 {kind}, shift {shift}"
            cases.append((label, partial(rank_sum, first, second)))
    for n, high in [(5000, 10), (5000, 50), (500, 0)]:
        for shift in (0.0, 0.1):
            d = (
                rng.normal(shift, 1.0, n)
                if high == 0
                else rng.integers(-high, high + 1, n) + rng.binomial(1, shift, n)
            )
            kind = "untied" if high == 0 else f"-{high}..{high}"
            cases.append((f"signed_rank {n} pairs {kind}, shift {shift}", partial(signed_rank, d)))
    return cases


def bench_limits(repeat: int) -> None:
    """The size rule's limits (coin overflows here or takes hours)."""
    print("## limits of the exact rule (method='auto')")
    for label, call in _limits():
        seconds, result = _median_time(call, repeat)
        print(
            f"{label:<54} {seconds * 1000:9.1f} ms  p = {result.pvalue:<10.4g} "
            f"{result.details.get('algorithm', result.method)}"
        )
    print()


def _skewed_table(
    levels: int, small: int, large: int, seed: int, shift: int = 0, skew: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Counts per value of a small group (shifted up, capped) and a large one."""
    rng = np.random.default_rng(seed)
    prob = np.exp(-np.arange(levels) / (levels / 4)) if skew else np.ones(levels)
    prob /= prob.sum()
    x = np.minimum(rng.choice(levels, small, p=prob) + shift, levels - 1)
    y = rng.choice(levels, large, p=prob)
    return np.bincount(x, minlength=levels), np.bincount(y, minlength=levels)


def _against_5000(
    levels_list: tuple[int, ...], smalls: tuple[int, ...]
) -> list[tuple[str, Callable[[], TestResult]]]:
    """A group of each size against 5,000 on each number of values, flat and skewed."""
    cases: list[tuple[str, Callable[[], TestResult]]] = []
    for levels in levels_list:
        for small in smalls:
            for skew in (False, True):
                x, y = _skewed_table(levels, small, 5000, levels * 1000 + small + skew, 0, skew)
                label = f"{small}+5000 on {levels} values{', skewed' if skew else ''}"
                cases.append(
                    (label, partial(rank_sum_from_counts, np.arange(levels), x, y, "exact"))
                )
    return cases


def _corners() -> list[tuple[str, Callable[[], TestResult]]]:
    cases = _against_5000((7, 11, 30, 60, 100), (20, 50, 100, 150))
    # few values and a middle-sized group: the Fourier grid
    cases += _against_5000((6, 7, 11), (300, 1000))
    for levels, small, large, shift in [
        (11, 300, 5000, 2),
        (11, 300, 5000, 3),
        (5, 1000, 5000, 1),
        (5, 1500, 5000, 1),
        (5, 2000, 5000, 1),
        (5, 2000, 3000, 1),
    ]:
        x, y = _skewed_table(levels, small, large, small + large + shift, shift, True)
        label = f"{small}+{large} on {levels} skewed values, shift {shift}"
        cases.append((label, partial(rank_sum_from_counts, np.arange(levels), x, y, "exact")))
    return cases


def _print_cases(cases: list[tuple[str, Callable[[], TestResult]]], repeat: int) -> int:
    """Each case's median time, p-value and algorithm; returns how many took over 100 ms."""
    over = 0
    for label, call in cases:
        seconds, result = _median_time(call, repeat)
        over += seconds > 0.1
        print(
            f"{label:<54} {seconds * 1000:9.1f} ms  p = {result.pvalue:<10.4g} "
            f"{result.details.get('algorithm', result.method)}"
        )
    return over


def bench_corners(repeat: int) -> None:
    """Issue #14's slow corners (two-sided, method='exact'), warm: kernels loaded."""
    print("## corners of the exact rule (method='exact', two-sided)")
    _print_cases(_corners(), repeat)
    print()


def bench_few_values_grid(repeat: int) -> None:
    """A few values (6, 7, 11) and a group of 300-5,000 against 5,000: the Fourier grid's
    hardest lattices (not in the default run; ``--grid``)."""
    print("## a few values, 300-5,000 + 5,000 (method='exact', two-sided)")
    cases = _against_5000((6, 7, 11), (300, 500, 1000, 2000, 5000))
    over = _print_cases(cases, repeat)
    print(f"{over} of {len(cases)} over 100 ms\n")


def _skews() -> list[tuple[str, Callable[[], TestResult]]]:
    """A group against 5,000 on a few values, from flat to steeply falling frequencies."""
    rng = np.random.default_rng(11)
    cases: list[tuple[str, Callable[[], TestResult]]] = []
    for levels in (5, 6, 7, 11):
        for small in (100, 300, 1000, 2000):
            for fall in (0.0, 2.0, 4.0, 6.0, 9.0):
                prob = np.exp(-np.arange(levels) * fall / (levels - 1))
                prob /= prob.sum()
                for shift in (0, 1):
                    x = np.minimum(rng.choice(levels, small, p=prob) + shift, levels - 1)
                    y = rng.choice(levels, 5000, p=prob)
                    counts_x = np.bincount(x, minlength=levels)
                    counts_y = np.bincount(y, minlength=levels)
                    label = f"{small}+5000 on {levels} values, fall e^{fall:g}, shift {shift}"
                    call = partial(
                        rank_sum_from_counts, np.arange(levels), counts_x, counts_y, "exact"
                    )
                    cases.append((label, call))
    return cases


def bench_skews(repeat: int) -> None:
    """Few values with frequencies falling steeply (not in the default run; ``--skews``)."""
    print("## a few values, steeply falling frequencies (method='exact', two-sided)")
    cases = _skews()
    over = _print_cases(cases, repeat)
    print(f"{over} of {len(cases)} over 100 ms\n")


def main() -> None:
    """Run the five tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median)")
    parser.add_argument("--skip-first-call", action="store_true")
    parser.add_argument("--corners", action="store_true", help="the corners table alone")
    parser.add_argument("--grid", action="store_true", help="the few-values grid alone")
    parser.add_argument("--skews", action="store_true", help="the steep-scales table alone")
    args = parser.parse_args()
    print(describe())
    if args.skews:
        bench_skews(args.repeat)
        return
    if args.corners:
        bench_corners(args.repeat)
        return
    if args.grid:
        bench_few_values_grid(args.repeat)
        return
    if not args.skip_first_call:
        bench_first_call()
    bench_coin(args.repeat)
    bench_unbalanced(args.repeat)
    bench_limits(args.repeat)
    bench_corners(args.repeat)


if __name__ == "__main__":
    main()
