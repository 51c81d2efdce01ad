"""Time and peak memory of each pipeline stage on one input (all five tables).

Usage::

    python benchmarks/stages.py benchmarks/data/cohort_100000000.parquet

Prints, per stage, the wall time and the process's peak resident memory so far, to show
where registry-scale time goes. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import resource
import sys
import time


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the stages one after the other and print their figures."""
    started = time.perf_counter()
    last = started

    def stage(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        print(f"{name:<28} {now - last:7.2f} s   peak {peak_mb():7.0f} MB", flush=True)
        last = now

    from painresponse.cohort import build_cohort
    from painresponse.io import read_table, validate
    from painresponse.study import load_study
    from painresponse.tables.aggregate import aggregate
    from painresponse.tables.build import build_tables
    from painresponse.tables.figure_data import figure_data

    stage("imports")
    study = load_study()
    raw = read_table(sys.argv[1])
    stage(f"open ({raw.rows:,} rows)")
    typed = validate(raw, study)
    stage("validate")
    cohort = build_cohort(typed, study, streaming=raw.streaming)
    stage("cohort and flow")
    aggregates = aggregate(cohort.analysed, study, raw.streaming, rows=cohort.flow.analysed)
    stage("frequency tables")
    build_tables(aggregates, study)
    stage("tests and tables 1-5")
    figure_data(aggregates, study)
    stage("figure data")
    print(f"{'total':<28} {time.perf_counter() - started:7.2f} s   peak {peak_mb():7.0f} MB")


if __name__ == "__main__":
    main()
