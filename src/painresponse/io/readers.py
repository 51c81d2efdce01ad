"""Read a table of patients from CSV, Excel, Parquet or a DataFrame, lazily where it can.

Text files and Excel sheets are read as text, so that validation sees exactly what the
user wrote: nothing is coerced on the way in. Row numbers are the file's own: the physical
line of a CSV file (as a text editor counts, quoted line breaks included) and the sheet row
of a workbook (title rows and blank rows counted), so a message sends the clinician to the
right patient. Every line is accounted for: patient rows go on; titles above the header,
blank rows and footers are listed in :attr:`RawTable.skipped`; malformed rows become
problems. Parquet files, folders and globs are scanned lazily (polars), so files larger
than memory stream; large CSV files are normalised to UTF-8 in one streaming pass first.
"""

from __future__ import annotations

import atexit
import csv
import glob as globbing
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from painresponse.errors import InputError, Problem
from painresponse.io._excel import excel_kind, open_workbook
from painresponse.io._layout import Layout, Skipped, normalise, read_layout
from painresponse.io._text import TextFormat, detect_format, records

__all__ = [
    "LARGE_CSV_BYTES",
    "ROW",
    "SUPPORTED_EXTENSIONS",
    "RawTable",
    "ReadOptions",
    "read_table",
]

SUPPORTED_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
LARGE_CSV_BYTES = 256 * 1024**2
"""CSV files above this size are normalised to a UTF-8 file in one pass and scanned lazily."""
STREAMING_ROWS = 100_000
"""Inputs with more rows than this run on polars' streaming engine."""
ROW = "_row"
"""The column holding each patient's row number as the user counts it."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file, when detection needs help (command-line flags or ``[input]``).

    Attributes
    ----------
    encoding : str, optional
        Text encoding of a CSV file (detected: UTF-8 ± BOM, UTF-16 with BOM, CP949).
    delimiter : str, optional
        Field separator of a CSV file (detected among ``,`` ``;`` tab ``|``).
    decimal : str, optional
        Decimal mark (``.`` or ``,``; detected for semicolon files).
    sheet : str, optional
        Excel sheet by name, or by number from 1.
    header_row : int, optional
        Row number of the header (found automatically below titles).
    columns : sequence of sequence of str
        For each column the study needs, the names it may have in the file (used to find
        the header row and the sheet); empty when reading without a study.
    id_column : str, optional
        The patient-ID column's name in the file.
    """

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    columns: Sequence[Sequence[str]] = ()
    id_column: str | None = None

    def expected(self) -> list[str]:
        """Every name a needed column may have."""
        return [name for names in self.columns for name in names]

    def matched(self, headers: Sequence[str]) -> int:
        """How many needed columns ``headers`` hold."""
        present = {normalise(h) for h in headers if h}
        return sum(1 for names in self.columns if any(normalise(n) in present for n in names))


@dataclass(frozen=True)
class RawTable:
    """The input, not yet validated.

    Attributes
    ----------
    frame : polars.LazyFrame
        The rows; text files and sheets give String columns (null where a cell was empty)
        and a ``_row`` column with each row's number; Parquet files and DataFrames keep
        their own types.
    source : str
        The file name (with the sheet for workbooks), or ``"DataFrame"``.
    first_row : int
        Row number of the first row when the frame has no ``_row`` column (2 for Parquet
        files with their header, 1 for in-memory tables).
    encoding : str or None
        The text encoding used for CSV files.
    rows : int or None
        Number of patient rows when known without a scan.
    streaming : bool
        True when the data should be processed with polars' streaming engine.
    decimal : str
        The decimal mark of numbers written as text.
    header_row : int
        Row number of the header.
    skipped : tuple of Skipped
        Lines that are not patient rows (titles, blank rows, footers), by row number.
    problems : tuple of Problem
        Malformed rows (too few or too many fields, values without a header).
    error_cells : tuple of Problem
        Excel error values (``#N/A`` …), by row and header; read as empty.
    notes : tuple of str
        What was detected, in words (format, sheet, header row, lines set aside).
    """

    frame: pl.LazyFrame
    source: str
    first_row: int = 2
    encoding: str | None = None
    rows: int | None = None
    streaming: bool = False
    decimal: str = "."
    header_row: int = 1
    skipped: tuple[Skipped, ...] = ()
    problems: tuple[Problem, ...] = ()
    error_cells: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        """Column names (without the row-number column)."""
        return [c for c in self.frame.collect_schema().names() if c != ROW]


class _Columns:
    """Collects patient rows in memory, one list per column."""

    def __init__(self, headers: list[str]) -> None:
        self.rows: list[int] = []
        self.values: list[list[str | None]] = [[] for _ in headers]

    def __call__(self, number: int, values: list[str | None]) -> None:
        self.rows.append(number)
        for column, value in zip(self.values, values, strict=True):
            column.append(value)

    def frame(self, headers: list[str]) -> pl.DataFrame:
        data: dict[str, Any] = {ROW: pl.Series(ROW, self.rows, dtype=pl.Int64)}
        for name, column in zip(headers, self.values, strict=True):
            data[name] = pl.Series(name, column, dtype=pl.String)
        return pl.DataFrame(data)


class _CsvSink:
    """Writes patient rows to a normalised UTF-8 CSV file (for the streaming path)."""

    def __init__(self, path: Path, headers: list[str]) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow([ROW, *headers])

    def __call__(self, number: int, values: list[str | None]) -> None:
        self.writer.writerow([number, *("" if v is None else v for v in values)])

    def close(self) -> None:
        self.handle.close()


def _text_rows(path: Path, fmt: TextFormat) -> Iterator[tuple[int, list[tuple[str | None, bool]]]]:
    for number, fields in records(path, fmt):
        yield number, [(f, False) for f in fields]


_SCRATCH: list[Path] = []


def _scratch_dir() -> Path:
    """A private folder for normalised copies of large files, removed at exit."""
    if not _SCRATCH:
        _SCRATCH.append(Path(tempfile.mkdtemp(prefix="painresponse-")))
        atexit.register(shutil.rmtree, _SCRATCH[0], True)
    return _SCRATCH[0]


def _raw_table(
    frame: pl.LazyFrame, source: str, layout: Layout, rows: int, notes: list[str], **kw: Any
) -> RawTable:
    return RawTable(
        frame, source, layout.header_row + 1, rows=rows, header_row=layout.header_row,
        skipped=tuple(layout.skipped), problems=tuple(layout.problems),
        error_cells=tuple(layout.error_cells), notes=tuple(notes + layout.notes), **kw,
    )  # fmt: skip


def _read_csv(path: Path, options: ReadOptions) -> RawTable:
    fmt = detect_format(path, options.encoding, options.delimiter, options.decimal)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    notes = [f"read as {fmt.describe()}"]
    if size > LARGE_CSV_BYTES:
        copy = _scratch_dir() / f"{len(list(_scratch_dir().iterdir()))}-{path.stem}.csv"
        sinks: list[_CsvSink] = []

        def make(headers: list[str]) -> _CsvSink:
            sinks.append(_CsvSink(copy, headers))
            return sinks[0]

        try:
            layout = read_layout(
                _text_rows(path, fmt), path.name, make, excel=False,
                expected=options.expected(), id_column=options.id_column,
                header_row=options.header_row,
            )  # fmt: skip
        finally:
            for sink in sinks:
                sink.close()
        schema = {ROW: pl.Int64, **{h: pl.String for h in layout.headers}}
        frame = pl.scan_csv(copy, schema=schema, encoding="utf8")
        return _raw_table(
            frame, path.name, layout, layout.patient_rows, notes, encoding=fmt.encoding,
            streaming=True, decimal=fmt.decimal,
        )  # fmt: skip
    collected: list[_Columns] = []

    def make_columns(headers: list[str]) -> _Columns:
        collected.append(_Columns(headers))
        return collected[0]

    layout = read_layout(
        _text_rows(path, fmt), path.name, make_columns, excel=False,
        expected=options.expected(), id_column=options.id_column, header_row=options.header_row,
    )  # fmt: skip
    table = collected[0].frame(layout.headers)
    return _raw_table(
        table.lazy(), path.name, layout, table.height, notes, encoding=fmt.encoding,
        decimal=fmt.decimal, streaming=table.height > STREAMING_ROWS,
    )  # fmt: skip


def _sheet_summary(book: Any, sheet: str, options: ReadOptions) -> tuple[int, list[str], int]:
    """(columns the study needs that the sheet holds, its header, its filled rows)."""
    rows = [(n, cells) for n, cells in book.rows(sheet) if any(v for v, _ in cells)]
    if not rows:
        return 0, [], 0
    best: tuple[int, list[str]] = (0, [])
    for _, cells in rows[:30]:
        headers = [v.strip() for v, _ in cells if v and v.strip()]
        found = options.matched(headers)
        if found > best[0] or not best[1]:
            best = (found, headers)
    return best[0], best[1], len(rows)


def _choose_sheet(book: Any, path: Path, options: ReadOptions) -> tuple[str, list[str]]:
    names: list[str] = book.sheets
    if options.sheet is not None:
        wanted = options.sheet
        if wanted in names:
            return wanted, []
        if wanted.isdigit() and 1 <= int(wanted) <= len(names):
            return names[int(wanted) - 1], []
        listed = ", ".join(f"{i} {n!r}" for i, n in enumerate(names, start=1))
        raise InputError(f"{path}: there is no sheet {wanted!r}; the sheets are {listed}")
    if len(names) == 1:
        return names[0], []
    summaries = {name: _sheet_summary(book, name, options) for name in names}
    needed = len(options.columns)
    if needed:
        full = [n for n, (found, _, _) in summaries.items() if found == needed]
        if len(full) == 1:
            others = ", ".join(repr(n) for n in names if n != full[0])
            return full[0], [f"read sheet {full[0]!r}, the only one with the study's columns "
                             f"(also in the workbook: {others})"]  # fmt: skip
    else:
        widest = max(names, key=lambda n: (summaries[n][2] > 1, len(summaries[n][1])))
        others = ", ".join(repr(n) for n in names if n != widest)
        return widest, [f"read sheet {widest!r}, the largest table (also: {others})"]
    lines = []
    for i, name in enumerate(names, start=1):
        found, headers, filled = summaries[name]
        shown = ", ".join(headers[:6]) + (", …" if len(headers) > 6 else "")
        what = f"{filled} filled rows; columns: {shown}" if headers else "empty"
        if needed:
            what += f" ({found} of the {needed} columns the study reads)"
        lines.append(f"  sheet {i} {name!r}: {what}")
    reason = "several sheets hold" if needed and any(
        s[0] == needed for s in summaries.values()) else "no sheet holds"  # fmt: skip
    raise InputError(
        f"{path}: the workbook has {len(names)} sheets and {reason} every column the study "
        "reads; choose one with --sheet NAME (or its number), or `sheet` in the study's "
        "[input] section:\n" + "\n".join(lines)
    )


def _read_excel(path: Path, options: ReadOptions) -> RawTable:
    kind = excel_kind(path)
    if kind == "text":
        table = _read_csv(path, options)
        note = f"{path.name} is a text table saved with an Excel extension; read as text"
        return RawTable(**{**table.__dict__, "notes": (note, *table.notes)})
    book = open_workbook(path)
    try:
        sheet, notes = _choose_sheet(book, path, options)
        source = path.name if len(book.sheets) == 1 else f"{path.name} [sheet {sheet!r}]"
        collected: list[_Columns] = []

        def make_columns(headers: list[str]) -> _Columns:
            collected.append(_Columns(headers))
            return collected[0]

        layout = read_layout(
            book.rows(sheet), source, make_columns, excel=True, expected=options.expected(),
            id_column=options.id_column, header_row=options.header_row,
        )  # fmt: skip
    finally:
        book.close()
    frame = collected[0].frame(layout.headers)
    return _raw_table(frame.lazy(), source, layout, frame.height, notes)


def _parquet_files(spec: str) -> list[Path]:
    path = Path(spec)
    if any(ch in spec for ch in "*?["):
        files = sorted(Path(p) for p in globbing.glob(spec, recursive=True))
        if not files:
            raise InputError(f"{spec}: no file matches this pattern")
        return files
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".parquet", ".pq"))
        if not files:
            raise InputError(f"{path}: the folder holds no .parquet files")
        return files
    if not path.exists():
        raise InputError(f"{path}: file not found")
    return [path]


def _read_parquet(spec: str) -> RawTable:
    files = _parquet_files(spec)
    schemas: dict[Path, dict[str, pl.DataType]] = {}
    rows = 0
    for f in files:
        try:
            schemas[f] = dict(pl.read_parquet_schema(f))
            rows += pl.scan_parquet(f).select(pl.len()).collect().item()
        except Exception as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{f}: not a readable Parquet file ({detail})") from None
    first, reference = files[0], schemas[files[0]]
    for f in files[1:]:
        other = schemas[f]
        if set(other) != set(reference):
            extra = sorted(set(other) - set(reference))
            lacking = sorted(set(reference) - set(other))
            raise InputError(
                f"{f} and {first} have different columns"
                + (f"; only in {f.name}: {', '.join(extra)}" if extra else "")
                + (f"; missing from {f.name}: {', '.join(lacking)}" if lacking else "")
            )
        for name, dtype in reference.items():
            if other[name] != dtype:
                raise InputError(f"column {name!r} is {dtype} in {first} but {other[name]} in {f}")
    source = files[0].name if len(files) == 1 else f"{spec} ({len(files)} files)"
    frame = pl.scan_parquet([str(f) for f in files])
    return RawTable(frame, source, 2, None, rows, streaming=rows > STREAMING_ROWS)


def read_table(
    data: Any, encoding: str | None = None, options: ReadOptions | None = None
) -> RawTable:
    """Open patients from a path or a DataFrame (pandas, polars, pyarrow or DuckDB).

    Parameters
    ----------
    data : str, Path or DataFrame
        A ``.csv``/``.tsv``/``.txt`` file (UTF-8 ± BOM, UTF-16 with BOM or CP949/EUC-KR
        detected; commas, semicolons or tabs; decimal commas), an ``.xlsx``/``.xlsm``/
        ``.xls`` workbook, a ``.parquet`` file, a folder of Parquet files or a glob
        (``"registry/*.parquet"``), or an in-memory table.
    encoding : str, optional
        Force a text encoding for CSV files (same as ``options.encoding``).
    options : ReadOptions, optional
        Sheet, header row, delimiter, decimal mark and the columns the study needs.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        Missing, empty, binary or unreadable files, unsupported extensions, HTML saved
        as ``.xls``, duplicate column names, workbooks whose sheet cannot be chosen, globs
        that match nothing, and Parquet files whose columns or types differ.
    """
    options = options or ReadOptions()
    if encoding is not None:
        options = ReadOptions(**{**options.__dict__, "encoding": encoding})
    if isinstance(data, str | Path):
        spec = str(data)
        path = Path(spec)
        is_pattern = any(ch in spec for ch in "*?[")
        if path.is_dir() or is_pattern:
            table = _read_parquet(spec)
        else:
            suffix = path.suffix.lower()
            if suffix not in SUPPORTED_EXTENSIONS:
                raise InputError(
                    f"{path}: unsupported file type {suffix or '(none)'!r}; "
                    f"use one of {', '.join(SUPPORTED_EXTENSIONS)}"
                )
            if not path.exists():
                raise InputError(f"{path}: file not found")
            if suffix in (".csv", ".tsv", ".txt"):
                table = _read_csv(path, options)
            elif suffix in (".parquet", ".pq"):
                table = _read_parquet(spec)
            else:
                table = _read_excel(path, options)
    else:
        frame = _to_polars(data)
        table = RawTable(frame.lazy(), "DataFrame", 1, None, frame.height, header_row=0)
    if not table.columns:
        raise InputError(f"{table.source}: the table has no columns")
    if table.rows == 0:
        raise InputError(f"{table.source}: the table has no patient rows")
    return table


def _pandas_to_polars(data: Any) -> pl.DataFrame:
    """A pandas table to polars; mixed-type (object) columns become text, value by value."""
    import math

    columns = {}
    for name in data.columns:
        series = data[name]
        if series.dtype == object:

            def as_text(v: Any) -> str | None:
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    return None
                if isinstance(v, float) and v.is_integer():
                    return str(int(v))
                return str(v)

            columns[str(name)] = pl.Series(str(name), [as_text(v) for v in series], pl.String)
        else:
            columns[str(name)] = pl.from_pandas(series.rename(str(name)))
    return pl.DataFrame(columns)


def _to_polars(data: Any) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    module = type(data).__module__.split(".")[0]
    try:
        if module == "pandas":
            return _pandas_to_polars(data)
        if module == "pyarrow":
            return pl.DataFrame(pl.from_arrow(data))
        if module in ("duckdb", "_duckdb"):
            return data.pl()  # type: ignore[no-any-return]
    except Exception as exc:  # the message of a failed conversion may quote a cell: not shown
        raise InputError(
            f"DataFrame: cannot convert the {module} table ({type(exc).__name__}); give "
            "columns of one type each"
        ) from None
    raise InputError(
        f"cannot read data of type {type(data).__name__}: pass a file path or a "
        "pandas, polars, pyarrow or DuckDB table"
    )
