"""Time painresponse's exact trend test (linear-by-linear association) against R's coin.

Run: ``.venv/bin/python benchmarks/trend_test.py [--no-r]``. Tables: 2 x c tables with c = 4
and 6 at n = 100 ... 5000, drawn with a mild trend (fixed seeds), default scores 1..c and
scores spread over 0..60 (a wider lattice: the dynamic programme grows with it, and the Fourier
branch takes over). R is called once through ``Rscript`` when it is on PATH; its time is
measured inside R (``proc.time``, best of 3), so R's start-up is not counted. coin's shift
algorithm overflows a little above n = 1000 ("overflow error; cannot compute exact
distribution", after 1 s to 2 min of work), so tables above :data:`R_MAX_N` are not sent to
R. Nothing is asserted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats.trend import trend_test

R_CODE = """
suppressPackageStartupMessages(library(coin))
run <- function(cells, scores) {{
  tab <- as.table(matrix(cells, nrow = 2, byrow = TRUE))
  best <- Inf
  res <- NA
  for (i in 1:3) {{
    t0 <- proc.time()[["elapsed"]]
    res <- tryCatch(sprintf("%.15g", pvalue(lbl_test(tab, scores = list(Var2 = scores),
      distribution = "exact"))), error = function(e) paste("error:", conditionMessage(e)))
    best <- min(best, proc.time()[["elapsed"]] - t0)
    if (startsWith(res, "error") || best > 1) break  # slow runs are timed once
  }}
  cat(gsub("\\\\s+", "_", res), best, "\\n")
}}
{calls}
"""


#: coin's shift algorithm fails with an overflow error a little above n = 1000, after 1 s
#: (n = 2000) to 2 min (n = 5000) of work; larger tables are not sent to R.
R_MAX_N = 1000


def benchmark_tables() -> list[tuple[str, np.ndarray, list[int]]]:
    """(name, 2 x c table, scores), deterministic."""
    rng = np.random.default_rng(20250117)
    tables = []
    for n in (100, 300, 500, 1000, 2000, 5000):
        for columns, spread in ((4, False), (6, False), (6, True)):
            base = rng.gamma(2.0, size=columns)
            trend = np.exp(0.15 * np.arange(columns))
            first = rng.multinomial(n // 2, base / base.sum())
            second = rng.multinomial(n - n // 2, base * trend / (base * trend).sum())
            scores = (
                sorted(rng.choice(61, columns, replace=False).tolist())
                if spread
                else list(range(1, columns + 1))
            )
            label = "0..60" if spread else f"1..{columns}"
            name = f"2x{columns} n={n} scores {label}"
            tables.append((name, np.vstack([first, second]), [int(s) for s in scores]))
    return tables


def time_ours(table: np.ndarray, scores: list[int], repeat: int = 5) -> tuple[float, str, float]:
    """Best time in seconds, algorithm and p-value of painresponse's exact test."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = trend_test(table, scores=scores, method="exact")
        except StatisticsError as exc:
            return float("nan"), f"refused: {exc}", float("nan")
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, str(result.details.get("algorithm")), result.pvalue


def run_r(tables: list[tuple[str, np.ndarray, list[int]]]) -> list[tuple[str, float]] | None:
    """R's p-value (or error) and time per table (n <= R_MAX_N only); None without Rscript."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    calls = "\n".join(
        f"run(c({','.join(str(int(x)) for x in table.ravel())}), c({','.join(map(str, scores))}))"
        for _, table, scores in tables
        if table.sum() <= R_MAX_N
    )
    out = subprocess.run(
        [rscript, "-e", R_CODE.format(calls=calls)],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if out.returncode != 0:
        print("R failed:", out.stderr[-500:])
        return None
    rows = []
    for line in out.stdout.strip().splitlines():
        message, seconds = line.split()
        rows.append((message.replace("_", " "), float(seconds)))
    return rows


def main() -> None:
    """Time every table with painresponse and (unless --no-r) with coin; print the ratios."""
    tables = benchmark_tables()
    r_rows = None if "--no-r" in sys.argv else run_r(tables)
    if r_rows is None and "--no-r" not in sys.argv:
        print("Rscript not found (or R failed): painresponse timings only.\n")
    header = f"{'table':<28} {'painresponse':>12} {'algorithm':<20} {'p':>12}"
    if r_rows is not None:
        header += f" {'coin':>10} {'ratio':>8}  coin p (rel. diff)"
    print(header)
    r_iter = iter(r_rows or [])
    for name, table, scores in tables:
        seconds, algorithm, pvalue = time_ours(table, scores)
        line = f"{name:<28} {seconds * 1000:9.2f} ms {algorithm:<20} {pvalue:12.6g}"
        if r_rows is not None:
            if table.sum() > R_MAX_N:
                print(f"{line} {'-':>10} {'-':>8}  not run (coin overflows above n = 1000)")
                continue
            message, r_seconds = next(r_iter)
            if message.startswith("error"):
                line += f" {'-':>10} {'-':>8}  {message[:60]}"
            else:
                r_p = float(message)
                diff = abs(r_p - pvalue) / r_p if r_p > 0 else abs(r_p - pvalue)
                line += (
                    f" {r_seconds * 1000:7.0f} ms {r_seconds / seconds:7.1f}x  "
                    f"{r_p:.6g} ({diff:.1e})"
                )
        print(line)


if __name__ == "__main__":
    main()
