"""Time painresponse's Fisher–Freeman–Halton test against R's ``fisher.test`` (issue #14).

Run: ``.venv/bin/python benchmarks/fisher_exact.py [--r] [--cold] [--stress N] [--threads K]``.

The set: the 80 seeded tables of ``tests/reference/fisher_network.json`` (28 4 x 4 and 40
4 x 5 tables with n = 80-150, 12 5 x 6 tables with n = 80-100, p from 1e-7 to 1), written by
``tests/reference/make_fisher_network_reference.R`` together with R's p-values and R's
times (``fisher.test(m, workspace = 2e8)``, the call alone, measured inside R). For each
table the script prints our time (wall; the median of three runs below one second) next
to R's recorded time, the ratio and the relative difference of the p-values, then the
totals. ``--r`` times R again here (Rscript on PATH), ``--cold`` measures the first call in
a fresh process with an empty numba cache (compilation) and with a warm one, ``--stress N``
adds N random near-uniform 4 x 5 (n = 150) and 5 x 6 (n = 100) tables with strong
association, the hardest family found, ``--threads K`` sets the kernel's threads (default:
the CPUs available, at most 2).
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
from pathlib import Path

import numpy as np
from machine import describe

from painresponse.stats._fisher_network import default_workers, exact_pvalue
from painresponse.stats.contingency import FISHER_MAX_WORK

REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "reference" / "fisher_network.json"

R_CODE = """
m <- matrix(c({cells}), nrow = {nrow}, byrow = TRUE)
t0 <- proc.time()[["elapsed"]]
res <- tryCatch(sprintf("%.15g", fisher.test(m, workspace = 2e8)$p.value),
                error = function(e) "error")
cat(res, proc.time()[["elapsed"]] - t0, "\\n")
"""

COLD_SCRIPT = """
import time, numpy as np
t0 = time.perf_counter()
from painresponse.stats._fisher_network import exact_pvalue
t1 = time.perf_counter()
table = np.array([[6, 8, 6, 3, 4], [7, 0, 7, 7, 4], [4, 4, 4, 5, 5], [5, 11, 5, 2, 3]])
exact_pvalue(table, 10**11)
t2 = time.perf_counter()
table[2, 4] -= 1
exact_pvalue(table, 10**11)
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f}")
"""


def time_ours(table: np.ndarray, workers: int) -> tuple[float | None, float]:
    """Our p-value (None past the budget) and wall time; median of three below a second."""
    times = []
    pvalue: float | None = None
    for _ in range(3):
        start = time.perf_counter()
        pvalue = exact_pvalue(table, FISHER_MAX_WORK, workers)
        times.append(time.perf_counter() - start)
        if times[-1] > 1.0:
            break
    return pvalue, statistics.median(times)


def time_r(table: np.ndarray) -> tuple[float | None, float] | None:
    """R's p-value (None on error) and time measured inside R; None without Rscript."""
    if shutil.which("Rscript") is None:
        return None
    code = R_CODE.format(cells=",".join(str(int(x)) for x in table.ravel()), nrow=table.shape[0])
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, timeout=3600)
    value, seconds = out.stdout.split()
    return (None if value == "error" else float(value)), float(seconds)


def cold_start() -> None:
    """First call in a fresh process: empty numba cache (compilation), then a warm one."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("cold cache (compiles)", "warm cache"):
            out = subprocess.run(
                [sys.executable, "-c", COLD_SCRIPT], env=env, capture_output=True, text=True
            )
            imp, first, second = out.stdout.split()
            print(f"{label}: import {imp} s, first call {first} s, second call {second} s")


def stress_tables(count: int) -> list[tuple[str, np.ndarray]]:
    """Near-uniform margins with strong association (small p): the hardest family found."""
    rng = np.random.default_rng(202)
    tables = []
    for shape, n in (((4, 5), 150), ((5, 6), 100)):
        for i in range(count):
            probs = np.exp(rng.uniform(0.5, 1.2) * rng.standard_normal(shape))
            table = rng.multinomial(n, (probs / probs.sum()).ravel()).reshape(shape)
            if (table.sum(axis=0) > 0).all() and (table.sum(axis=1) > 0).all():
                tables.append((f"stress {shape[0]}x{shape[1]} n={n} #{i}", table))
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--r", action="store_true", help="time R's fisher.test again here")
    parser.add_argument("--cold", action="store_true", help="measure compilation")
    parser.add_argument("--stress", type=int, default=0, help="random hard tables per shape")
    parser.add_argument("--threads", type=int, default=default_workers())
    args = parser.parse_args()
    if args.cold:
        cold_start()
    exact_pvalue(np.array([[1, 2, 3], [4, 5, 6]]), 10**9, args.threads)  # load the kernels
    data = json.loads(REFERENCE.read_text())
    print(describe())
    print(f"threads: {args.threads}; R's times recorded on: {data['header']['machine']}")
    rows = []
    for case in data["cases"]:
        table = np.asarray(case["table"], dtype=np.int64)
        ours, seconds = time_ours(table, args.threads)
        r_p, r_seconds = case.get("pvalue"), case["r_seconds"]
        if args.r and (live := time_r(table)) is not None:
            r_p, r_seconds = live
        rel = abs(ours - r_p) / r_p if ours is not None and r_p else float("nan")
        rows.append((case["id"], table.shape, int(table.sum()), ours, r_p, seconds, r_seconds))
        r_text = "R error" if r_p is None else f"R {r_p:.6g}"
        print(
            f"{case['id']} {table.shape[0]}x{table.shape[1]} n={table.sum():3d} "
            f"p={ours:.6g} ({r_text}, rel diff {rel:.1e})  ours {seconds:7.3f} s  "
            f"R {r_seconds:7.2f} s  R/ours {r_seconds / seconds:8.1f}"
        )
    ours_total = sum(r[5] for r in rows)
    r_total = sum(r[6] for r in rows)
    done = [r for r in rows if r[4] is not None]
    print(
        f"\nall {len(rows)} tables: ours {ours_total:.1f} s, R {r_total:.1f} s, "
        f"R/ours {r_total / ours_total:.1f}"
    )
    print(
        f"the {len(done)} R completes: ours {sum(r[5] for r in done):.1f} s, "
        f"R {sum(r[6] for r in done):.1f} s, "
        f"R/ours {sum(r[6] for r in done) / sum(r[5] for r in done):.1f}"
    )
    diffs = [abs(r[3] - r[4]) / r[4] for r in done if r[3] is not None]
    print(f"worst relative difference from R: {max(diffs):.1e}")
    for shape in sorted({r[1] for r in rows}):
        times = [r[5] for r in rows if r[1] == shape]
        print(
            f"  {shape[0]}x{shape[1]}: {len(times)} tables, median {statistics.median(times):.3f}"
            f" s, max {max(times):.2f} s"
        )
    if args.stress:
        print(f"\nstress ({args.stress} per shape):")
        worst: dict[str, float] = {}
        for name, table in stress_tables(args.stress):
            ours, seconds = time_ours(table, args.threads)
            kind = name.split(" #")[0]
            worst[kind] = max(worst.get(kind, 0.0), seconds)
            print(f"{name}: p={ours} {seconds:.2f} s  {table.tolist()}")
        for kind, seconds in worst.items():
            print(f"  {kind}: max {seconds:.2f} s")


if __name__ == "__main__":
    main()
