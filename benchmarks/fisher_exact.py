"""Time painresponse's Fisher-Freeman-Halton test against R's ``fisher.test``.

Run: ``.venv/bin/python benchmarks/fisher_exact.py``. R is called through ``Rscript`` when
it is on PATH (default workspace, then workspace = 2e8); its time or its error is printed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats.contingency import fisher_exact

R_CODE = """
m <- matrix(jsonlite::fromJSON('{table}'), nrow = {nrow}, byrow = TRUE)
t0 <- proc.time()[["elapsed"]]
res <- tryCatch(sprintf("p = %.10g", fisher.test(m{extra})$p.value),
                error = function(e) paste("error:", conditionMessage(e)))
cat(res, proc.time()[["elapsed"]] - t0, "\\n")
"""


def run_r(table: np.ndarray, extra: str = "") -> tuple[str, float] | None:
    if shutil.which("Rscript") is None:
        return None
    code = R_CODE.format(table=json.dumps(table.ravel().tolist()), nrow=table.shape[0], extra=extra)
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, timeout=900)
    *message, seconds = out.stdout.split()
    return " ".join(message), float(seconds)


def main() -> None:
    rng = np.random.default_rng(20240601)
    tables = [rng.multinomial(150, np.full(20, 1 / 20)).reshape(4, 5)]
    tables += [
        rng.multinomial(n, rng.dirichlet(np.ones(r * c))).reshape(r, c)
        for r, c, n in [(3, 4, 60), (4, 4, 80), (2, 6, 100), (4, 5, 100)]
    ]
    for table in tables:
        print(f"table {table.shape[0]}x{table.shape[1]}, n = {table.sum()}: {table.tolist()}")
        start = time.perf_counter()
        try:
            ours = f"p = {fisher_exact(table).pvalue:.10g}"
        except StatisticsError as exc:
            ours = f"error: {exc}"
        ours_time = time.perf_counter() - start
        print(f"  painresponse: {ours}  ({ours_time:.2f} s)")
        for extra in ("", ", workspace = 2e8"):
            r = run_r(table, extra)
            if r is None:
                print("  R: Rscript not on PATH")
                break
            message, seconds = r
            ratio = f", ratio ours/R = {ours_time / seconds:.1f}" if seconds > 0 else ""
            print(
                f"  R fisher.test{extra or ' (default workspace)'}: {message} "
                f"({seconds:.2f} s{ratio})"
            )


if __name__ == "__main__":
    main()
