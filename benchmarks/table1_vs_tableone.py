"""Tables 1–2 with p-values: painresponse against tableone 0.9.6 on the same file.

Usage::

    python benchmarks/table1_vs_tableone.py --rows 1000000 [--repeat 1]

Generates (or reuses) the synthetic cohort at N rows as Parquet under
``benchmarks/data/`` (git-ignored), then runs each tool as a whole process (Python start,
imports, reading, Tables 1–2 with p-values) and prints wall time, peak memory (max RSS of
the child process) and the ratios. Both tools get the same variables: the 14 Table 1–2
characteristics (age, sex, BMI, diagnosis, pain duration, lesion level, lesion severity,
surgery type, time since surgery, number of surgeries, surgery range) by responder group.
tableone needs the groups as a column, so its script applies the same completeness and
responder rule with pandas first (counted in its time, as a user would have to).
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

TABLEONE_SCRIPT = r"""
import sys, warnings
import pandas as pd
from tableone import TableOne
warnings.filterwarnings("ignore")
frame = pd.read_parquet(sys.argv[1])
frame = frame.dropna(subset=["pain_t0", "pain_t1", "pain_t4"])
frame = frame[frame["pain_t0"] > 0]
frame["group"] = (frame["pain_t1"] <= 0.5 * frame["pain_t0"]).map(
    {True: "Responder", False: "Non-responder"})
columns = ["age", "sex", "bmi", "diagnosis", "pain_duration", "lesion_level",
           "lesion_severity", "surgery_type", "time_since_surgery", "n_surgeries",
           "surgery_range"]
categorical = ["sex", "diagnosis", "pain_duration", "lesion_level", "lesion_severity",
               "surgery_type", "time_since_surgery", "surgery_range"]
table = TableOne(frame, columns=columns, categorical=categorical, groupby="group",
                 pval=True, nonnormal=["n_surgeries"])
table.to_csv(sys.argv[2])
"""


def ensure_data(rows: int) -> Path:
    """The synthetic cohort with ``rows`` patients as Parquet (made once, then reused)."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"cohort_{rows}.parquet"
    if not path.exists():
        from painresponse.synth import write_cohort

        started = time.perf_counter()
        write_cohort(rows, 2024, path)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def measure(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd`` in a fresh interpreter that reports its own child's peak memory."""
    probe = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
        "w = time.perf_counter() - t;"
        "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024;"
        "print(f'{w} {m} {r.returncode}')"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True)
    wall, peak, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{cmd[:4]} failed:\n{out.stderr}")
    return float(wall), float(peak)


def main() -> None:
    """Parse arguments, run both tools, print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-tableone", action="store_true")
    args = parser.parse_args()
    data = ensure_data(args.rows)
    exe = Path(sys.executable).parent / "painresponse"
    with tempfile.TemporaryDirectory() as tmp:
        ours_cmd = [str(exe), "report", str(data), "--tables", "1,2", "--format", "csv",
                    "--out", f"{tmp}/ours", "--overwrite"]  # fmt: skip
        script = Path(tmp) / "tableone_run.py"
        script.write_text(TABLEONE_SCRIPT)
        theirs_cmd = [sys.executable, str(script), str(data), f"{tmp}/tableone.csv"]
        for i in range(args.repeat):
            ours = measure(ours_cmd)
            print(f"rows={args.rows:,} run={i + 1} painresponse: {ours[0]:.2f} s, {ours[1]:.0f} MB")
            if args.skip_tableone:
                continue
            theirs = measure(theirs_cmd)
            print(
                f"rows={args.rows:,} run={i + 1} tableone 0.9.6: "
                f"{theirs[0]:.2f} s, {theirs[1]:.0f} MB"
            )
            print(
                f"rows={args.rows:,} run={i + 1} ratio: {theirs[0] / ours[0]:.1f}x faster, "
                f"{theirs[1] / ours[1]:.1f}x less peak memory"
            )


if __name__ == "__main__":
    main()
