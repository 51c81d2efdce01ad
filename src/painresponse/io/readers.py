"""Read a table of patients from CSV, Excel, Parquet or a DataFrame, lazily where it can.

Text files and Excel sheets are read as text, so that validation sees exactly what the
user wrote: nothing is coerced on the way in. Row numbers are the file's own: the physical
line of a CSV file (as a text editor counts, quoted line breaks included) and the sheet row
of a workbook (title rows and blank rows counted), so a message sends the clinician to the
right patient. Every line is accounted for: patient rows go on; titles above the header,
blank rows and footers are listed in :attr:`RawTable.skipped`; malformed rows become
problems. Parquet files, folders and globs are scanned lazily (polars), so files larger
than memory stream.

Text files and sheets are read in one pass that sorts every line (the standard library's
``csv`` module for text, which knows each record's physical line); the patient rows are
written out as UTF-8 CSV with their row numbers, and polars parses that in bulk: in memory,
or, for files above :data:`LARGE_CSV_BYTES`, from a scratch copy it scans lazily. Both
paths report the same rows, problems, error cells and notes.
"""

from __future__ import annotations

import atexit
import csv
import glob as globbing
import io
import itertools
import math
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import polars as pl

from painresponse._engine import engine
from painresponse.errors import InputError, Problem
from painresponse.io._excel import excel_kind, is_workbook, open_workbook
from painresponse.io._layout import (
    EXCEL_ERRORS,
    MAX_CELLS_PER_COLUMN,
    RULE_ERROR,
    Layout,
    Row,
    Skipped,
    normalise,
    read_layout,
)
from painresponse.io._text import detect_format, records

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
_COPIES = itertools.count(1)


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
    sheet : str or None
        The sheet read, for a workbook with several sheets.
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
    sheet: str | None = None

    @property
    def columns(self) -> list[str]:
        """Column names (without the row-number column)."""
        return [c for c in self.frame.collect_schema().names() if c != ROW]


class _Normalised:
    """Writes patient rows as UTF-8 CSV (row number first), in memory or to a scratch file.

    Polars then parses the text in bulk: far faster than building Python columns, and
    the same code serves the in-memory and the streaming path. The CRLF line end makes
    the writer quote every value holding a line break or carriage return.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # In memory the text is encoded as it is written: one copy of the rows, not two.
        self.buffer = io.BytesIO()
        self.handle: IO[str] = (
            path.open("w", encoding="utf-8", newline="")
            if path is not None
            else io.TextIOWrapper(self.buffer, encoding="utf-8", newline="")
        )
        # None is written as an empty field.
        self.write = csv.writer(self.handle, lineterminator="\r\n").writerow

    def frame(self, headers: list[str]) -> pl.LazyFrame:
        """The rows as String columns (null when empty) and the Int64 ``_row`` column."""
        schema = {ROW: pl.Int64, **{h: pl.String for h in headers}}
        if self.path is not None:
            self.handle.close()
            return pl.scan_csv(self.path, has_header=False, schema=schema, encoding="utf8")
        self.handle.flush()
        if not self.buffer.tell():
            return pl.DataFrame(schema=schema).lazy()
        self.buffer.seek(0)
        frame = pl.read_csv(self.buffer, has_header=False, schema=schema)
        self.handle.close()
        return frame.lazy()


def _read_rows(
    rows: Iterable[Row], source: str, options: ReadOptions, *, excel: bool, copy: Path | None
) -> tuple[Layout, pl.LazyFrame]:
    """Sort ``rows`` (see :func:`read_layout`) and parse the patient rows into a frame."""
    sinks: list[_Normalised] = []

    def make(headers: list[str]) -> Callable[[Iterable[Any]], Any]:
        sinks.append(_Normalised(copy))
        return sinks[0].write

    try:
        layout = read_layout(
            rows, source, make, excel=excel, expected=options.expected(),
            id_column=options.id_column, header_row=options.header_row,
        )  # fmt: skip
    finally:
        for sink in sinks:
            if not sink.handle.closed and sink.path is not None:
                sink.handle.close()
    return layout, sinks[0].frame(layout.headers)


def _error_texts(
    frame: pl.LazyFrame, headers: list[str], streaming: bool
) -> tuple[pl.LazyFrame, list[Problem]]:
    """Excel error values written into a text file ("#N/A"), and blank cells made null.

    One pass over the columns finds which hold error texts or cells of spaces only; only
    those columns are fetched (at most 200 rows each) and cleaned.
    """
    run_on = engine(streaming)
    errors = list(EXCEL_ERRORS)
    # by position: a header such as "*" or "^a.*$" would be a wildcard or a regex to pl.col
    position = {name: i for i, name in enumerate(frame.collect_schema().names())}

    def column(h: str) -> pl.Expr:
        return pl.nth(position[h])

    def stripped(h: str) -> pl.Expr:
        return column(h).str.strip_chars()

    flags = frame.select(
        *[stripped(h).is_in(errors).sum().alias(f"e{i}") for i, h in enumerate(headers)],
        *[(stripped(h) == "").any().alias(f"w{i}") for i, h in enumerate(headers)],
    ).collect(engine=run_on)
    counts = {h: int(flags[f"e{i}"].item()) for i, h in enumerate(headers)}
    spaces = {h for i, h in enumerate(headers) if flags[f"w{i}"].item()}
    failing = [h for h in headers if counts[h]]
    queries = [
        frame.filter(stripped(h).is_in(errors)).select(ROW, stripped(h).alias("_value"))
        .head(MAX_CELLS_PER_COLUMN)
        for h in failing
    ]  # fmt: skip
    problems: list[Problem] = []
    for h, found in zip(failing, pl.collect_all(queries, engine=run_on), strict=True):
        problems += [Problem(int(r), h, v, RULE_ERROR) for r, v in found.iter_rows()]
        if counts[h] > MAX_CELLS_PER_COLUMN:
            more = counts[h] - MAX_CELLS_PER_COLUMN
            problems.append(Problem(None, h, None, f"{more} more cells hold an Excel error "
                                    "value: correct the formulas or clear the cells"))  # fmt: skip
    cleaned = [
        pl.when(stripped(h).is_in(errors) | (stripped(h) == "")).then(None).otherwise(column(h))
        .alias(h)
        for h in headers
        if counts[h] or h in spaces
    ]  # fmt: skip
    problems.sort(key=lambda p: (p.row is None, p.row or 0, headers.index(p.column or "")))
    return (frame.with_columns(cleaned) if cleaned else frame), problems


_SCRATCH: list[Path] = []


def _scratch_dir() -> Path:
    """A private folder for normalised copies of large files, removed at exit."""
    if not _SCRATCH:
        _SCRATCH.append(Path(tempfile.mkdtemp(prefix="painresponse-")))
        atexit.register(shutil.rmtree, _SCRATCH[0], True)
    return _SCRATCH[0]


def _raw_table(
    frame: pl.LazyFrame, source: str, layout: Layout, notes: list[str], **kw: Any
) -> RawTable:
    return RawTable(
        frame, source, layout.header_row + 1, rows=layout.patient_rows,
        header_row=layout.header_row, skipped=tuple(layout.skipped),
        problems=tuple(layout.problems), error_cells=tuple(layout.error_cells),
        notes=tuple(notes + layout.notes), **kw,
    )  # fmt: skip


def _read_csv(path: Path, options: ReadOptions) -> RawTable:
    fmt = detect_format(path, options.encoding, options.delimiter, options.decimal)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    notes = [f"read as {fmt.describe()}"]
    # Above LARGE_CSV_BYTES the patient rows go to a UTF-8 copy that polars scans lazily;
    # below it they are parsed in memory. Both see the same rows, problems and notes.
    streaming = size > LARGE_CSV_BYTES
    copy = _scratch_dir() / f"{next(_COPIES)}-{path.stem}.csv" if streaming else None
    layout, frame = _read_rows(records(path, fmt), path.name, options, excel=False, copy=copy)
    frame, error_cells = _error_texts(frame, layout.headers, streaming)
    layout.error_cells = error_cells
    if not streaming:
        frame = frame.collect().lazy()  # cleaned once, not at every query of validation
    return _raw_table(
        frame, path.name, layout, notes, encoding=fmt.encoding, decimal=fmt.decimal,
        streaming=streaming or layout.patient_rows > STREAMING_ROWS,
    )  # fmt: skip


def _header_cells(rows: list[Row], options: ReadOptions) -> tuple[int, list[str]]:
    """(columns the study needs that a sheet holds, the header cells as found)."""
    best: tuple[int, list[str]] = (0, [])
    widest = max(sum(1 for v in values if v and v.strip()) for _, values, _ in rows)
    for _, values, _ in rows:
        headers = [v.strip() for v in values if v and v.strip()]
        found = options.matched(headers)
        # Without a match, the first row nearly as wide as the widest is the header.
        if found > best[0] or (not best[1] and len(headers) >= 0.6 * widest):
            best = (found, headers)
    return best


def _sheet_summary(
    book: Any, sheet: str, options: ReadOptions, count: bool = False
) -> tuple[int, list[str], int]:
    """(columns the study needs that the sheet holds, its header, its filled rows).

    The first 30 filled rows settle which sheet holds the study's columns; the whole
    sheet is read (``count``) only to say how many rows each holds when none can be chosen.
    """
    head: list[Row] = []
    filled = 0
    for row in book.rows(sheet):
        if any(v and v.strip() for v in row[1]):
            filled += 1
            if len(head) < 30:
                head.append(row)
            elif not count:
                break
    if not head:
        return 0, [], 0
    found, headers = _header_cells(head, options)
    return found, headers, filled


def _choose_sheet(book: Any, path: Path, options: ReadOptions) -> tuple[str, list[str]]:
    names: list[str] = book.sheets
    if options.sheet is not None:
        wanted = options.sheet.strip()
        if wanted in names:
            return wanted, []
        folded = [n for n in names if n.strip().casefold() == wanted.casefold()]
        if len(folded) == 1:
            return folded[0], []
        if wanted.isdigit() and 1 <= int(wanted) <= len(names):
            return names[int(wanted) - 1], []
        listed = ", ".join(f"{i} {n!r}" for i, n in enumerate(names, start=1))
        raise InputError(f"{path}: there is no sheet {wanted!r}; the sheets are {listed}")
    if len(names) == 1:
        return names[0], []
    summaries = {name: _sheet_summary(book, name, options) for name in names}
    needed = len(options.columns)
    with_data = [n for n in names if summaries[n][2]]
    if needed:
        full = [n for n, (found, _, _) in summaries.items() if found == needed]
        if len(full) == 1:
            others = ", ".join(repr(n) for n in names if n != full[0])
            return full[0], [f"read sheet {full[0]!r}, the only one with the study's columns "
                             f"(also in the workbook: {others})"]  # fmt: skip
    elif len(with_data) == 1:
        others = ", ".join(repr(n) for n in names if n != with_data[0])
        return with_data[0], [f"read sheet {with_data[0]!r}, the only one with data "
                              f"(the others are empty: {others})"]  # fmt: skip
    elif with_data:
        # Without a study (drafting one) the largest table is the best guess, and said.
        widest = max(with_data, key=lambda n: (summaries[n][2] > 1, len(summaries[n][1])))
        others = ", ".join(repr(n) for n in names if n != widest)
        return widest, [f"read sheet {widest!r}, the largest table (also: {others})"]
    lines = []
    for i, name in enumerate(names, start=1):
        found, headers, filled = _sheet_summary(book, name, options, count=True)
        shown = ", ".join(repr(h[:30]) for h in headers[:6]) + (", …" if len(headers) > 6 else "")
        what = f"{filled} filled rows; columns {shown}" if headers else "empty"
        if needed:
            what += f" ({found} of the {needed} columns the study reads)"
        lines.append(f"  sheet {i} {name!r}: {what}")
    several = needed and sum(1 for s in summaries.values() if s[0] == needed) > 1
    reason = "several sheets hold" if several else "no sheet holds"
    raise InputError(
        f"{path}: the workbook has {len(names)} sheets and {reason} every column the study "
        "reads; choose one with --sheet NAME (or its number), or `sheet` in the study's "
        "[input] section:\n" + "\n".join(lines)
    )


def _read_excel(path: Path, options: ReadOptions) -> RawTable:
    if excel_kind(path) == "text":
        table = _read_csv(path, options)
        note = f"{path.name} is a text table saved with an Excel extension; read as text"
        return replace(table, notes=(note, *table.notes))
    book = open_workbook(path)
    try:
        sheet, notes = _choose_sheet(book, path, options)
        source = path.name if len(book.sheets) == 1 else f"{path.name} [sheet {sheet!r}]"
        layout, frame = _read_rows(book.rows(sheet), source, options, excel=True, copy=None)
    finally:
        book.close()
    return _raw_table(frame, source, layout, notes, sheet=sheet if len(book.sheets) > 1 else None)


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
            if suffix in (".csv", ".tsv", ".txt") and is_workbook(path):
                table = _read_excel(path, options)
                note = f"{path.name} is an Excel workbook saved with a text extension; read as one"
                table = replace(table, notes=(note, *table.notes))
            elif suffix in (".csv", ".tsv", ".txt"):
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


def _unique_names(names: Sequence[Any]) -> list[str]:
    """Column names as text; two columns of one name are an error naming both."""
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        text = str(name)
        if text in seen:
            raise InputError(
                f"DataFrame: columns {seen[text]} and {i} are both named {text[:80]!r}; rename "
                "one so that each column has its own name"
            )
        seen[text] = i
    return list(seen)


def _cell_text(value: Any) -> str | None:
    """A value of a mixed-type (object) column as text; pandas' missing markers as None."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    return str(value)


def _pandas_to_polars(data: Any) -> pl.DataFrame:
    """A pandas table to polars; mixed-type (object) columns become text, value by value.

    A column pandas holds as objects (an ID column with numbers and text, say) is turned
    into text here rather than by polars, whose error would quote the offending value,
    which may be a patient's ID.
    """
    names = _unique_names(list(data.columns))
    columns = {}
    for i, name in enumerate(names):
        series = data.iloc[:, i]
        if series.dtype != object:
            try:
                columns[name] = pl.from_pandas(series.rename(name))
                continue
            except Exception:  # an exotic dtype: read its values as text instead
                pass
        columns[name] = pl.Series(name, [_cell_text(v) for v in series], pl.String)
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
            _unique_names(list(getattr(data, "column_names", [])))
            return pl.DataFrame(pl.from_arrow(data))
        if module in ("duckdb", "_duckdb"):
            return data.pl()  # type: ignore[no-any-return]
    except InputError:
        raise
    except Exception as exc:  # the message of a failed conversion may quote a cell: not shown
        raise InputError(
            f"DataFrame: cannot convert the {module} table ({type(exc).__name__}); give "
            "columns of one type each"
        ) from None
    raise InputError(
        f"cannot read data of type {type(data).__name__}: pass a file path or a "
        "pandas, polars, pyarrow or DuckDB table"
    )
