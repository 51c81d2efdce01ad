"""The ``painresponse`` command: thin — parse arguments, call the public API, write files.

Every :class:`~painresponse.errors.PainresponseError` becomes one clear message on
stderr and exit code 2; ``validate`` exits 1 when the data break rules.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from painresponse.render.figure_set import PendingFigures
    from painresponse.result import StudyResult

app = typer.Typer(
    name="painresponse",
    help="Responder analyses of interventional pain procedures: Tables 1–5 with exact tests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

T = TypeVar("T")

Encoding = Annotated[
    str | None,
    typer.Option(help="Text encoding of a CSV file (detected: UTF-8, UTF-16, CP949).",
                 show_default=False),
]  # fmt: skip
Sheet = Annotated[
    str | None,
    typer.Option(help="Excel sheet by name or number (default: the one with the study's columns).",
                 show_default=False),
]  # fmt: skip
HeaderRow = Annotated[
    int | None,
    typer.Option("--header-row", min=1, help="Row number of the header (default: found below "
                 "any title rows).", show_default=False),
]  # fmt: skip
Delimiter = Annotated[
    str | None,
    typer.Option(help="Field separator of a CSV file: ',', ';', 'tab' or '|' (detected).",
                 show_default=False),
]  # fmt: skip
Decimal = Annotated[
    str | None,
    typer.Option(help="Decimal mark of a CSV file: '.' or ',' (detected).", show_default=False),
]  # fmt: skip


@dataclass(frozen=True)
class _Reading:
    """How to read the data file (the command line's reading flags)."""

    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    delimiter: str | None = None
    decimal: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return dict(self.__dict__)


ALL_FORMATS = ("csv", "markdown", "docx", "xlsx", "latex", "html", "figures")


def _fail(message: str, code: int = 2) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/bold red] {message}", markup=True
    )
    raise typer.Exit(code)


def _guard(action: Callable[[], T]) -> T:
    """Run ``action``; our errors become one message and exit code 2."""
    from painresponse.errors import PainresponseError

    try:
        return action()
    except PainresponseError as exc:
        _fail(str(exc).replace("[", "\\["))
        raise  # unreachable: _fail raises
    except KeyboardInterrupt:
        _fail("interrupted", 130)
        raise


def _formats(value: str | None) -> set[str]:
    if not value:
        return set(ALL_FORMATS)
    chosen = {v.strip().lower() for v in value.split(",") if v.strip()}
    unknown = chosen - set(ALL_FORMATS)
    if unknown:
        _fail(
            f"unknown format(s) {', '.join(sorted(unknown))}; choose from {', '.join(ALL_FORMATS)}"
        )
    return chosen


def _tables(value: str | None) -> tuple[set[int] | None, set[str]]:
    """``--tables``: Tables 1–5 by number and supplementary tables as ``S1``, ``S2``, …"""
    if not value:
        return None, set()
    numbers: set[int] = set()
    supplementary: set[str] = set()
    for token in (v.strip() for v in value.split(",") if v.strip()):
        if token.upper().startswith("S") and token[1:].isdigit():
            supplementary.add(token.upper())
        elif token.isdigit() and int(token) in range(1, 6):
            numbers.add(int(token))
        else:
            _fail(
                f"--tables: there is no table {token}; choose from 1 to 5 and S1, S2, … "
                "(e.g. --tables 1,2,S3)"
            )
    return numbers, supplementary


def _run_report(
    data: Any, study: Path | None, out: Path, formats: set[str],
    tables: tuple[set[int] | None, set[str]], overwrite: bool, reading: _Reading,
    extended: bool | None, verbosity: str = "normal",
) -> None:  # fmt: skip
    from rich.console import Console

    from painresponse.pipeline import analyze
    from painresponse.render.outputs import check_out_dir, write_report_folder
    from painresponse.render.report import figure_kinds

    # piped to a file, lines are not wrapped and tables get room (no "Non-respon…")
    console = Console(
        highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200,
        quiet=verbosity == "quiet",
    )  # fmt: skip
    numbers, supplementary = tables
    if supplementary:
        extended = True  # a supplementary table asked for by name needs the analyses
    _guard(lambda: check_out_dir(out, overwrite))
    early: list[PendingFigures] = []

    def paper_ready(paper: StudyResult) -> None:
        # the paper's figures are drawn (in a second process, where one pays) while the
        # supplementary analyses run
        kinds = figure_kinds(formats)
        if kinds:
            from painresponse.render.figure_set import start_paper_figures

            early.append(start_paper_figures(paper, kinds))

    def supplementary_ready(preliminary: StudyResult) -> None:
        # ... and the supplementary figures by the same process, while Table S9 is computed
        for pending in early:
            pending.add_supplementary(preliminary)

    try:
        with _progress_bar(console) as tick:
            result = _guard(
                lambda: analyze(
                    data, study, extended=extended, tables=numbers, progress=tick,
                    on_paper=paper_ready, on_supplementary=supplementary_ready,
                    **reading.as_kwargs(),
                )
            )  # fmt: skip
        if supplementary or numbers is not None:
            result = _only_tables(result, numbers, supplementary)
        _print_summary(console, result, verbosity)
        with console.status("Writing outputs …") as status:
            folder = _guard(
                lambda: write_report_folder(
                    result, out, formats, overwrite=overwrite,
                    progress=lambda what: status.update(f"Writing {what} …"),
                    early=early[0] if early else None,
                )
            )  # fmt: skip
    finally:
        for pending in early:  # a failed analysis: stop drawing
            pending.close()
    if verbosity == "verbose":
        for p in folder.written:
            console.print(f"  {p}", markup=False)
    if folder.removed:
        console.print(f"removed {len(folder.removed)} files of the earlier report", markup=False)
    if folder.kept:
        console.print(
            f"kept {len(folder.kept)} files not written by painresponse: "
            + ", ".join(str(k) for k in folder.kept[:10]),
            markup=False,
        )
    report = out / "report.html"
    where = f"; open {report}" if report.exists() else ""
    console.print(f"[bold]{len(folder.written)} files written to {out}{where}[/bold]")


def _only_tables(result: Any, numbers: set[int] | None, supplementary: set[str]) -> Any:
    """The result keeping only the tables asked for (``--tables 1,S3``)."""
    import dataclasses

    wanted = {str(n) for n in (numbers or set())} | supplementary
    kept = {k: t for k, t in result.tables.items() if str(t.number) in wanted}
    missing = sorted(wanted - {str(t.number) for t in kept.values()})
    if missing:
        made = ", ".join(str(t.number) for t in result.tables.values())
        _fail(f"--tables: there is no table {missing[0]} in this analysis (made: {made})")
    return dataclasses.replace(result, tables=kept)


def _table_line(table: Any) -> str:
    """``Table 3 (12 tests): smallest P < 0.001, EQ-5D at T1``: each table in one line."""
    from painresponse.render.format import format_pvalue

    cells = [(row, c) for row, _, c in table.pvalue_cells() if not c.is_missing]
    if not cells:
        return f"Table {table.number}: {table.title}"
    plain = [(row, c) for row, c in cells if not c.defines_groups] or cells
    row, cell = min(plain, key=lambda rc: rc[1].value)
    where = row.label + (f", {row.level}" if row.level else "")
    tests = f"{len(cells)} test{'s' if len(cells) != 1 else ''}"
    p = format_pvalue(cell.value)
    p = p if p.startswith(("<", ">")) else f"= {p}"
    return f"Table {table.number} ({tests}): smallest P {p}, {where}"


def _print_summary(console: Any, result: Any, verbosity: str) -> None:
    """The flow, the lines set aside, and each table in one line (or in full, verbose)."""
    console.print(f"[bold]{result.study.title}[/bold]")
    _print_reading(console, result.source, result.reading)
    flow = result.flow
    excluded = "; ".join(f"{e.count} {e.reason}" for e in flow.exclusions) or "none"
    groups = ", ".join(f"{g}: {n}" for g, n in flow.groups)
    console.print(
        f"{flow.assessed} patients assessed; excluded: {excluded}; "
        f"{flow.analysed} analysed; {groups}",
        markup=False,
    )
    for line in _set_aside_lines(flow.set_aside):
        console.print(line, markup=False)
    if verbosity == "verbose":
        from painresponse.render.terminal import table_to_rich

        for table in result.tables.values():
            console.print(table_to_rich(table))
    else:
        for table in result.tables.values():
            console.print(_table_line(table), markup=False)
    if result.extended is not None:
        for message in result.extended.messages:
            console.print(f"[yellow]note:[/yellow] {message}", markup=True)


@contextmanager
def _progress_bar(console: Any) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar (stage, bar, elapsed time) that disappears when done."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )  # fmt: skip
    with bar:
        task = bar.add_task("Analysing", total=1)

        def tick(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        yield tick


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("painresponse-output"),
    format: Annotated[
        str | None, typer.Option("--format", help=f"Comma-separated: {', '.join(ALL_FORMATS)}.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace the output folder's contents.")] = False,
    extended: Annotated[
        bool, typer.Option(help="Add the analyses beyond the paper (supplementary tables S1–S8).")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print every table and every file written.")
    ] = False,
) -> None:
    """Analyse the bundled synthetic cohort with the published study's definition."""
    from painresponse.synth import default_cohort_path

    path = default_cohort_path()
    _run_report(path, None, out, _formats(format), (None, set()), overwrite, _Reading(),
                extended, _verbosity(quiet, verbose))  # fmt: skip


@app.command()
def report(
    data: Annotated[
        Path,
        typer.Argument(
            help="CSV, Excel or Parquet file (or a folder of Parquet files).",
            metavar="DATA",
            show_default=False,
        ),
    ],
    study: Annotated[
        Path | None,
        typer.Option(
            help="Study file (TOML); default: the bundled LSGB study "
            "(see `painresponse study show`).",
            show_default=False,
        ),
    ] = None,
    tables: Annotated[
        str | None,
        typer.Option(
            help="Tables to make, e.g. 1,2,S3 (default: Tables 1–5, and S1–S8 with --extended).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("painresponse-output"),
    format: Annotated[
        str | None, typer.Option("--format", help=f"Comma-separated: {', '.join(ALL_FORMATS)}.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace the output folder's contents.")] = False,
    encoding: Encoding = None,
    sheet: Sheet = None,
    header_row: HeaderRow = None,
    delimiter: Delimiter = None,
    decimal: Decimal = None,
    extended: Annotated[
        bool | None,
        typer.Option(
            "--extended/--no-extended",
            help="Add the analyses beyond the paper (default: the study file's choice).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print every table and every file written.")
    ] = False,
) -> None:
    """Analyse DATA and write Tables 1–5, the flow, figures and reports."""
    chosen = _tables(tables)
    reading = _Reading(encoding, sheet, header_row, delimiter, decimal)
    _run_report(data, study, out, _formats(format), chosen, overwrite, reading, extended,
                _verbosity(quiet, verbose))  # fmt: skip


def _verbosity(quiet: bool, verbose: bool) -> str:
    if quiet and verbose:
        _fail("--quiet and --verbose cannot be used together")
    return "quiet" if quiet else "verbose" if verbose else "normal"


@app.command()
def validate(
    data: Annotated[
        Path, typer.Argument(help="CSV, Excel or Parquet file.", metavar="DATA", show_default=False)
    ],
    study: Annotated[
        Path | None,
        typer.Option(
            help="Study file (TOML); default: the bundled LSGB study "
            "(see `painresponse study show`).",
            show_default=False,
        ),
    ] = None,
    encoding: Encoding = None,
    sheet: Sheet = None,
    header_row: HeaderRow = None,
    delimiter: Delimiter = None,
    decimal: Decimal = None,
) -> None:
    """Check DATA against the study file: exit 0 when clean, 1 when it has problems."""
    from rich.console import Console

    from painresponse.cohort import build_cohort
    from painresponse.errors import ValidationError
    from painresponse.io import read_table
    from painresponse.io import validate as check
    from painresponse.io.validation import read_options
    from painresponse.study import load_study

    console = Console(highlight=False, soft_wrap=True)
    definition = _guard(lambda: load_study(study))
    options = read_options(definition, encoding=encoding, sheet=sheet, header_row=header_row,
                           delimiter=delimiter, decimal=decimal)  # fmt: skip
    raw = _guard(lambda: read_table(data, options=options))
    _print_reading(console, raw.source, raw.notes)
    try:
        typed = check(raw, definition)
    except ValidationError as exc:
        Console(stderr=True, highlight=False, soft_wrap=True).print(str(exc), markup=False)
        raise typer.Exit(1) from None
    flow = build_cohort(typed, definition).flow
    console.print(f"{raw.source}: {flow.assessed} patient rows, no problems found.", markup=False)
    from painresponse.flow import set_aside_lines

    for line in _set_aside_lines(set_aside_lines(raw.skipped)):
        console.print(f"  {line}", markup=False)
    for e in flow.exclusions:
        console.print(
            f"  would exclude {e.count} ({e.stage}): {e.reason}; {_row_list(e.rows, e.count)}",
            markup=False,
        )
    groups = ", ".join(f"{g}: {n}" for g, n in flow.groups)
    console.print(f"  {flow.analysed} would be analysed ({groups})", markup=False)


def _row_list(rows: tuple[int, ...], count: int, shown: int = 20) -> str:
    """``rows 46, 60, 61`` (the first ``shown``, then how many more): never identifiers."""
    listed = ", ".join(str(r) for r in rows[:shown])
    more = count - min(len(rows), shown)
    return f"row{'s' if count > 1 else ''} {listed}" + (f" and {more:,} more" if more else "")


def _set_aside_lines(asides: Any) -> list[str]:
    """One line per kind of non-patient line (``Flow.set_aside``): which rows."""
    return [f"not a patient row ({s.reason}): {_row_list(s.rows, s.count)}" for s in asides]


def _print_reading(console: Any, source: str, notes: tuple[str, ...]) -> None:
    """How the file was read (format, sheet, header row, lines set aside)."""
    for note in notes:
        style = "yellow" if note.startswith("warning:") else "dim"
        console.print(f"{source}: {note}", markup=False, style=style)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"painresponse {version('painresponse')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Responder analyses of interventional pain procedures: Tables 1–5 with exact tests."""


study_app = typer.Typer(
    help="The study file: show the bundled one to start from.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(study_app, name="study")


@study_app.command("show")
def study_show() -> None:
    """Print the bundled study file (the published LSGB study) to start your own from."""
    from painresponse.study import default_study_path

    sys.stdout.write(default_study_path().read_text(encoding="utf-8"))


@app.command()
def init(
    data: Annotated[Path, typer.Argument(help="Your export: CSV, Excel or Parquet file.")],
    study_out: Annotated[
        Path, typer.Option("--study-out", help="Where to write the draft study file.")
    ] = Path("study.toml"),
    study: Annotated[
        Path | None,
        typer.Option(
            help="Template study file (default: the bundled LSGB study).", show_default=False
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing study file.")] = False,
    encoding: Encoding = None,
    sheet: Sheet = None,
    header_row: HeaderRow = None,
) -> None:
    """Draft a study file from DATA's headers and values, to edit rather than write."""
    from rich.console import Console

    from painresponse.draft import draft_study

    if study_out.exists() and not overwrite:
        _fail(f"{study_out}: exists; use --overwrite to replace it, or another --study-out")
    draft = _guard(
        lambda: draft_study(
            data, study=study, sheet=sheet, header_row=header_row, encoding=encoding
        )
    )
    try:
        study_out.write_text(draft.text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{study_out}: cannot write the study file ({exc.strerror})")
    console = Console(highlight=False, soft_wrap=True)
    for note in draft.notes:
        if note not in draft.to_check:
            console.print(f"note: {note}", markup=False)
    for item in draft.to_check:
        console.print(item, markup=False)
    console.print(
        f"{len(draft.matches)} columns matched, {len(draft.missing_columns)} not found, "
        f"{len(draft.unmatched_headers)} not used; draft written to {study_out}",
        markup=False,
    )
    console.print(
        f"Confirm the lines marked TO CHECK and TODO in {study_out}, then run: "
        f"painresponse validate {data} --study {study_out}",
        markup=False,
    )


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Output file: .csv, .parquet or .xlsx.")],
    n: Annotated[int, typer.Option("--n", help="Number of patients.")] = 87,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same file).")] = 2024,
) -> None:
    """Write a synthetic cohort with the published study's structure and proportions."""
    from rich.progress import Progress

    from painresponse.synth import write_cohort

    if n < 1:
        _fail(f"--n must be at least 1, not {n}")
    with Progress(transient=True) as progress:
        task = progress.add_task("Generating", total=n)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        path = _guard(lambda: write_cohort(n, seed, out, progress=tick))
    typer.echo(f"{n} patients written to {path}")


@app.command("audit")
def audit_tables(
    tables: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Published table(s) transcribed as CSV (see docs/audit.md).",
            metavar="TABLE.csv",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for audit.csv, audit.md and audit.html.")
    ] = None,
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            help="A group's per-patient rule, e.g. 'Responder: Pain (NRS) T1 <= 0.5 * T0' "
            "(repeatable).",
        ),
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Audit the seed study's Tables 1–3 (examples/).")
    ] = False,
    overwrite: Annotated[bool, typer.Option(help="Replace audit files in --out.")] = False,
) -> None:
    """Check a published table against its own numbers: exit 0 clean, 1 with findings."""
    from rich.console import Console

    from painresponse.audit import EXAMPLE_RULES, audit, example_tables
    from painresponse.audit._report import FILES, terminal_summary

    if example and tables:
        _fail("give TABLE.csv files or --example, not both")
    if not example and not tables:
        _fail("give one or more TABLE.csv files, or --example for the seed study's Tables 1–3")
    paths = _guard(example_tables) if example else list(tables or [])
    rules = [*(EXAMPLE_RULES if example else ()), *(rule or [])]
    result = _guard(lambda: audit(paths, rules=rules, out=out, overwrite=overwrite))
    console = Console(highlight=False, soft_wrap=False)
    for renderable in terminal_summary(result):
        console.print(renderable)
    if out is not None:
        console.print(f"Written to {out}: {', '.join(FILES)}", markup=False)
    raise typer.Exit(result.exit_code)


#: Objects allocated between collections of the youngest generation, and collections of
#: each generation between collections of the next (Python's defaults: 700, 10, 10).
_GC_THRESHOLDS = (100_000, 50, 100)


def main() -> None:
    """Entry point of the ``painresponse`` command."""
    _collect_garbage_rarely()
    try:
        app()
        code: object = 0
    except SystemExit as stop:  # typer ends every command this way
        code = stop.code
    except Exception as exc:  # a bug: say so plainly rather than dump a traceback
        from painresponse.errors import PainresponseError

        if isinstance(exc, PainresponseError):
            print(f"error: {exc}", file=sys.stderr)
            code = 2
        else:
            print(
                f"painresponse: internal error ({type(exc).__name__}: {exc}). "
                "Please report this with the command you ran.",
                file=sys.stderr,
            )
            code = 3
    _leave(code)


def _collect_garbage_rarely() -> None:
    """Spare one short-lived command most of Python's cyclic garbage collections.

    The libraries a report loads (scipy.stats, statsmodels, pandas, matplotlib) create
    hundreds of thousands of long-lived objects, and with the default thresholds the
    collector scans them again and again: a tenth of the demo's CPU (4.1 -> 3.6 s in the
    main process). What exists now (the command line and its modules) is frozen out of
    every scan, and later collections come about 140 times less often. Cycles are still
    collected; the data themselves live in polars and numpy buffers, not in Python
    objects. Only the command does this; importing painresponse changes nothing.
    """
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)


def _leave(code: object) -> NoReturn:
    """End the process with ``code`` (as ``sys.exit`` would) without tearing Python down.

    Everything registered to run at exit runs first (temporary folders are removed, child
    processes stopped, logs flushed) and the output streams are flushed; what is skipped
    is the interpreter freeing every object and module one by one, which took 0.4–0.6 s
    after a report with figures (a tenth of the demo) and 0.1 s after a Tables 1–2 CSV
    report. Only the command-line entry point does this; ``app`` and the library exit
    normally.
    """
    import atexit
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
