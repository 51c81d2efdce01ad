"""Time each stage of the pipeline: the whole demo report, or one registry-scale input.

Usage::

    python benchmarks/stages.py demo                       # the demo, median of 3 runs
    python benchmarks/stages.py demo --before OLD/src      # ... and an older tree beside it
    python benchmarks/stages.py demo --repeat 5 --src src  # which source tree to time
    python benchmarks/stages.py demo --figure-processes 2  # fork whatever the load
    python benchmarks/stages.py benchmarks/data/cohort_100000000.parquet

``demo`` times what ``painresponse demo`` does (84 patients, every format, the
supplementary tables): start-up, reading, validation, cohort, counting, Tables 1–5, the
supplementary analyses (and the mixed models' share of them), drawing the figures, each
writer, then the whole command as one process. Every run is a fresh process, so imports
are counted where they happen; the table shows the median of the runs. With ``--before``
the same stages are timed on another source tree (e.g. ``git archive`` of an earlier
commit) and shown beside, with their ratio.

With a data file, prints per stage the wall time and the process's peak resident memory
so far, to show where registry-scale time goes. Speed is measured here, never asserted in
tests.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The formats of the report (``painresponse demo`` writes them in ``WRITERS`` order).
WRITER_ORDER = ("csv", "markdown", "docx", "xlsx", "latex", "html", "figures")


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------- registry scale


def registry(path: str) -> None:
    """Run the stages of one large input one after the other and print their figures."""
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
    raw = read_table(path)
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


# ------------------------------------------------------------------------------ demo


def _timed(function: Callable[..., Any], into: dict[str, float], name: str) -> Callable[..., Any]:
    """``function`` wrapped so that its time adds to ``into[name]``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def _wrap_mixed_models(into: dict[str, float]) -> None:
    """Time the mixed models inside the supplementary stage, wherever they live now."""
    import importlib

    for name in ("painresponse.tables.supplementary.build", "painresponse.extended.build"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "mixed_model_table"):
            timed = _timed(module.mixed_model_table, into, "mixed models")
            setattr(module, "mixed_model_table", timed)  # noqa: B010 - any module
        return


def demo_once() -> dict[str, float]:
    """One run of the demo's stages in this process; seconds per stage."""
    started = time.perf_counter()
    import painresponse.pipeline as pipeline
    from painresponse.synth import default_cohort_path

    times: dict[str, float] = {"start-up (imports)": time.perf_counter() - started}
    inner: dict[str, float] = {}
    pipeline.build_tables = _timed(pipeline.build_tables, inner, "tables")  # type: ignore[attr-defined]
    _wrap_mixed_models(inner)

    names = {
        "Reading": "read",
        "Checking every value": "validate",
        "Applying eligibility and the responder rule": "cohort",
        "Counting": "count",
        "Testing": "tests",
    }
    marks: list[tuple[str, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage in names or stage == "Done":
            marks.append((stage, time.perf_counter()))

    early: list[Any] = []

    def paper_ready(paper: Any) -> None:  # as the command line: the paper's figures start
        from painresponse.render.figure_set import start_paper_figures
        from painresponse.render.report import figure_kinds

        early.append(start_paper_figures(paper, figure_kinds(WRITER_ORDER)))

    def supplementary_ready(preliminary: Any) -> None:  # ... and the supplementary ones
        for pending in early:
            pending.add_supplementary(preliminary)

    begun = time.perf_counter()
    try:
        result = pipeline.analyze(
            default_cohort_path(),
            extended=True,
            progress=progress,
            on_paper=paper_ready,
            on_supplementary=supplementary_ready,
        )
    except TypeError:  # older trees: no supplementary callback, or no early figures at all
        try:
            result = pipeline.analyze(
                default_cohort_path(), extended=True, progress=progress, on_paper=paper_ready
            )
        except TypeError:
            result = None
    if result is None:  # the oldest trees: the figures start with the report
        result = pipeline.analyze(default_cohort_path(), extended=True, progress=progress)
    ended = time.perf_counter()
    marks.append(("end", ended))
    for (stage, at), (_, after) in itertools.pairwise(marks):
        if stage in names:
            times[names[stage]] = after - at
    tests = times.pop("tests", 0.0)
    times["tables 1-5"] = inner.get("tables", 0.0)
    times["supplementary"] = tests - inner.get("tables", 0.0)
    if "mixed models" in inner:
        times["  of which mixed models"] = inner["mixed models"]
    times["figure data, methods"] = (ended - begun) - sum(
        times[k] for k in ("read", "validate", "cohort", "count", "tables 1-5", "supplementary")
    )
    times.update(_write_all(result, early[0] if early else None))
    return times


def _write_all(result: Any, early: Any = None) -> dict[str, float]:
    """Run each writer into a temporary folder, as ``painresponse demo`` does.

    The paper's figures were started during the analysis (``early``), the others start
    with the report (in a second process where that pays); all are waited for before the
    first writer that shows them: that wait is "figures: draw".
    """
    from painresponse.render.report import WRITERS, ReportJob

    times: dict[str, float] = {}
    order = [name for name in WRITERS if name in WRITER_ORDER]
    if early is not None:
        job = ReportJob(result, order, early)
    else:
        try:
            job = ReportJob(result, order)
        except TypeError:  # older trees: one job for all formats
            job = ReportJob(result)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        start = getattr(job, "start", None)  # older trees draw on first use only
        if start is not None:
            start()
        times["figures: start"] = time.perf_counter() - started
        for name in order:
            if name in ("docx", "html", "figures") and "figures: draw" not in times:
                started = time.perf_counter()
                job.figures  # noqa: B018 - drawn (or waited for) here, once for all formats
                times["figures: draw"] = time.perf_counter() - started
            started = time.perf_counter()
            WRITERS[name](result, Path(folder), job)
            times[f"write {name}"] = time.perf_counter() - started
        close = getattr(job, "close", None)
        if close is not None:
            close()
    return times


def _whole_command(src: Path) -> tuple[float, float]:
    """Wall and CPU seconds of ``painresponse demo`` as one process, on the tree ``src``.

    The CPU time (user + system, the figure child's included) hardly depends on what
    else the machine runs, the wall time does.
    """
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "painresponse.cli", "demo", "--out", folder,
                   "--overwrite", "-q"]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, env=_env(src), cwd=folder)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


#: ``--figure-processes``: passed to the runs as ``PAINRESPONSE_FIGURE_PROCESSES``.
FIGURE_PROCESSES: dict[str, str] = {}


def _env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src), **FIGURE_PROCESSES}


def _once(src: Path) -> tuple[dict[str, float], tuple[float, float]]:
    """One run of the stages and one of the whole command, each a fresh process."""
    run = subprocess.run(
        [sys.executable, __file__, "demo", "--once"],
        env=_env(src), capture_output=True, text=True,
    )  # fmt: skip
    if run.returncode:
        sys.exit(f"the demo failed on {src}:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1]), _whole_command(src)


def measure(trees: list[Path], repeat: int) -> list[dict[str, float]]:
    """Per tree, the median over ``repeat`` runs of each stage and of the whole command.

    The trees take turns, run by run, so that a change in the machine's load falls on
    all of them alike.
    """
    runs: list[list[dict[str, float]]] = [[] for _ in trees]
    whole: list[list[tuple[float, float]]] = [[] for _ in trees]
    for _ in range(repeat):
        for index, src in enumerate(trees):
            stages, seconds = _once(src)
            runs[index].append(stages)
            whole[index].append(seconds)
    medians = []
    for tree_runs, tree_whole in zip(runs, whole, strict=True):
        names = list(dict.fromkeys(k for run in tree_runs for k in run))
        median = {k: statistics.median(run.get(k, 0.0) for run in tree_runs) for k in names}
        median["sum of stages"] = sum(v for k, v in median.items() if not k.startswith(" "))
        median["painresponse demo (process)"] = statistics.median(w for w, _ in tree_whole)
        median["  its CPU time"] = statistics.median(c for _, c in tree_whole)
        medians.append(median)
    return medians


def show(after: dict[str, float], before: dict[str, float] | None, repeat: int) -> None:
    """Print the stage table: seconds (median of ``repeat``), and before/ratio when given."""
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"painresponse demo, median of {repeat} runs, seconds; {os.cpu_count()} cores, "
        f"load average {load} (others' work slows every figure)"
    )
    if before is None:
        print(f"{'stage':<30} {'time':>7}")
        for key, value in after.items():
            print(f"{key:<30} {value:7.2f}")
        return
    print(f"{'stage':<30} {'before':>7} {'after':>7} {'ratio':>6}")
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        ratio = f"{old / new:5.1f}x" if old and new and new > 0.005 else ""
        cells = [f"{v:7.2f}" if v is not None else f"{'':>7}" for v in (old, new)]
        print(f"{key:<30} {cells[0]} {cells[1]} {ratio:>6}")


def main() -> None:
    """Dispatch: ``demo`` (stage table), ``demo --once`` (one run, JSON) or a data file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="'demo', or a data file to time at registry scale")
    parser.add_argument("--once", action="store_true", help="one demo run, JSON on stdout")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tree (median shown)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="source tree to time")
    parser.add_argument("--before", type=Path, help="an older source tree to time beside it")
    parser.add_argument(
        "--figure-processes",
        choices=("1", "2"),
        help="draw the figures in 1 or 2 processes (default: as the machine's load allows)",
    )
    args = parser.parse_args()
    if args.figure_processes:
        FIGURE_PROCESSES["PAINRESPONSE_FIGURE_PROCESSES"] = args.figure_processes
    if args.data != "demo":
        registry(args.data)
    elif args.once:
        print(json.dumps(demo_once()))
    else:
        trees = [args.src.resolve()] + ([args.before.resolve()] if args.before else [])
        medians = measure(trees, args.repeat)
        show(medians[0], medians[1] if args.before else None, args.repeat)


if __name__ == "__main__":
    main()
