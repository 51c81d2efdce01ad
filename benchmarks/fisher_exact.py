"""Time painresponse's Fisher-Freeman-Halton test against R's ``fisher.test``.

Run: ``.venv/bin/python benchmarks/fisher_exact.py [--no-r]``. Tables: a 4 x 5 table with
n = 150 and one with n = 100 (uniform cell probabilities), then ten random 4 x 5 tables with
n = 150 drawn under independence with Dirichlet(10) row and column shares (fixed seeds).
R is called through ``Rscript`` when it is on PATH, first with the default workspace (its
error is printed when it fails), then with ``workspace = 2e8``; R's time is measured inside
R (``proc.time``), so R's start-up is not counted. R's 4 x 5 times run from about 1 s to
about a minute on these tables (R 4.x, this 2-core machine).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats.contingency import fisher_exact

R_CODE = """
m <- matrix(c({cells}), nrow = {nrow}, byrow = TRUE)
t0 <- proc.time()[["elapsed"]]
res <- tryCatch(sprintf("p = %.15g", fisher.test(m{extra})$p.value),
                error = function(e) paste("error:", gsub("\\\\s+", " ", conditionMessage(e))))
cat(res, proc.time()[["elapsed"]] - t0, "\\n")
"""


def benchmark_tables() -> dict[str, np.ndarray]:
    """The benchmark's tables, by name (deterministic)."""
    rng = np.random.default_rng(20240601)
    tables = {"4x5 n=150 uniform": rng.multinomial(150, np.full(20, 1 / 20)).reshape(4, 5)}
    rng = np.random.default_rng(7)
    tables["4x5 n=100 uniform"] = rng.multinomial(100, np.full(20, 1 / 20)).reshape(4, 5)
    rng = np.random.default_rng(11)
    for i in range(10):
        rows, cols = rng.dirichlet(np.full(4, 10.0)), rng.dirichlet(np.full(5, 10.0))
        cells = rng.multinomial(150, np.outer(rows, cols).ravel())
        tables[f"4x5 n=150 random {i}"] = cells.reshape(4, 5)
    return tables


def run_r(table: np.ndarray, extra: str = "") -> tuple[str, float] | None:
    """R's p-value (or error) and its time in seconds; None without Rscript."""
    if shutil.which("Rscript") is None:
        return None
    code = R_CODE.format(
        cells=",".join(str(int(x)) for x in table.ravel()), nrow=table.shape[0], extra=extra
    )
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, timeout=900)
    *message, seconds = out.stdout.split()
    return " ".join(message), float(seconds)


def time_ours(table: np.ndarray) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        ours = f"p = {fisher_exact(table).pvalue:.15g}"
    except StatisticsError as exc:
        ours = f"error: {exc}"
    return ours, time.perf_counter() - start


def main(with_r: bool = True) -> None:
    random_times: list[float] = []
    for name, table in benchmark_tables().items():
        print(f"{name}: {table.tolist()}")
        ours, ours_time = time_ours(table)
        if "random" in name:
            random_times.append(ours_time)
        print(f"  painresponse: {ours}  ({ours_time:.2f} s)")
        for extra in ("", ", workspace = 2e8") if with_r else ():
            r = run_r(table, extra)
            if r is None:
                print("  R: Rscript not on PATH")
                break
            message, seconds = r
            ratio = f", ratio ours/R = {ours_time / seconds:.2f}" if seconds > 0 else ""
            if message.startswith("error"):
                ratio = ""
            label = extra.lstrip(", ") or "default workspace"
            print(f"  R fisher.test ({label}): {message} ({seconds:.2f} s{ratio})")
            if message.startswith("p = ") and ours.startswith("p = "):
                ours_p, r_p = float(ours[4:]), float(message[4:])
                print(f"    relative difference ours vs R: {abs(ours_p - r_p) / r_p:.1e}")
    print(
        f"random 4x5 n=150 tables: median {statistics.median(random_times):.2f} s, "
        f"max {max(random_times):.2f} s"
    )


if __name__ == "__main__":
    main(with_r="--no-r" not in sys.argv[1:])
