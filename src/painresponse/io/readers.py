"""Read a table of patients from CSV, Excel, Parquet or a DataFrame, lazily where it can.

Text files are read as text so that validation sees exactly what the user wrote: nothing is
coerced on the way in. Parquet files, folders and globs of Parquet files are scanned lazily
(polars), so files larger than memory stream. Row numbers follow the spreadsheet convention
(the header is row 1, the first patient is row 2); in-memory tables count from 1.
"""

from __future__ import annotations

import glob as globbing
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from painresponse.errors import InputError

__all__ = ["LARGE_CSV_BYTES", "SUPPORTED_EXTENSIONS", "RawTable", "read_table"]

SUPPORTED_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
_ENCODINGS = ("utf-8", "cp949")
LARGE_CSV_BYTES = 256 * 1024**2
STREAMING_ROWS = 100_000
"""Parquet inputs with more rows than this run on polars' streaming engine."""
"""CSV files above this size are scanned lazily (UTF-8 only) instead of read whole."""


@dataclass(frozen=True)
class RawTable:
    """The input, not yet validated.

    Attributes
    ----------
    frame : polars.LazyFrame
        The rows; text files give String columns (null where a cell was empty),
        Parquet files and DataFrames keep their own types.
    source : str
        The file name(s), or ``"DataFrame"``.
    first_row : int
        Row number of the first patient as the user counts (2 for files with a header
        row, 1 for in-memory tables).
    encoding : str or None
        The text encoding used for CSV files.
    rows : int or None
        Number of rows when known without a scan.
    streaming : bool
        True when the data should be processed with polars' streaming engine.
    """

    frame: pl.LazyFrame
    source: str
    first_row: int = 2
    encoding: str | None = None
    rows: int | None = None
    streaming: bool = False

    @property
    def columns(self) -> list[str]:
        """Column names."""
        return list(self.frame.collect_schema().names())


def _decode(raw: bytes, source: str, encoding: str | None) -> tuple[str, str]:
    if b"\x00" in raw[:65536]:
        raise InputError(f"{source}: this is a binary file, not a CSV table")
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            raise InputError(f"{source}: unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: not valid {encoding} text at byte {exc.start}; "
                "try another --encoding (utf-8, cp949)"
            ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: not valid UTF-8 text at byte {exc.start + 3}") from None
    for name in _ENCODINGS:
        try:
            return raw.decode(name), name
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{source}: the text is neither UTF-8 nor CP949 (EUC-KR); give the encoding with --encoding"
    )


def _separator(path: Path, first_line: str) -> str:
    if path.suffix.lower() == ".tsv" or first_line.count("\t") > first_line.count(","):
        return "\t"
    return ","


def _read_csv(path: Path, encoding: str | None) -> RawTable:
    try:
        size = path.stat().st_size
        if size > LARGE_CSV_BYTES and encoding in (None, "utf-8", "utf8"):
            return _scan_csv(path)
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    text, used = _decode(raw, str(path), encoding)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator=_separator(path, text.splitlines()[0]),
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        detail = str(exc).splitlines()[0]
        raise InputError(f"{path}: not a readable table ({detail})") from None
    return RawTable(frame.lazy(), path.name, 2, used, frame.height)


def _scan_csv(path: Path) -> RawTable:
    with path.open("rb") as handle:
        head = handle.read(65536)
    if b"\x00" in head:
        raise InputError(f"{path}: this is a binary file, not a CSV table")
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    frame = pl.scan_csv(
        path,
        separator=_separator(path, first_line),
        infer_schema=False,
        encoding="utf8",
    )
    return RawTable(frame, path.name, 2, "utf-8", None, streaming=True)


def _read_excel(path: Path) -> RawTable:
    try:
        frame = pl.read_excel(path, infer_schema_length=0, raise_if_empty=False)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except Exception as exc:  # calamine raises its own types for broken workbooks
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable Excel workbook ({detail})") from None
    return RawTable(frame.lazy(), path.name, 2, None, frame.height)


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


def read_table(data: Any, encoding: str | None = None) -> RawTable:
    """Open patients from a path or a DataFrame (pandas, polars, pyarrow or DuckDB).

    Parameters
    ----------
    data : str, Path or DataFrame
        A ``.csv``/``.tsv`` (UTF-8, UTF-8 with BOM, or CP949/EUC-KR, detected), ``.xlsx``,
        or ``.parquet`` file; a folder of Parquet files or a glob (``"registry/*.parquet"``);
        or an in-memory table.
    encoding : str, optional
        Force a text encoding for CSV files.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        Missing, empty, binary or unreadable files, unsupported extensions, globs that
        match nothing, and Parquet files whose columns or types differ (naming the files).
    """
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
                table = _read_csv(path, encoding)
            elif suffix in (".parquet", ".pq"):
                table = _read_parquet(spec)
            else:
                table = _read_excel(path)
    else:
        frame = _to_polars(data)
        table = RawTable(frame.lazy(), "DataFrame", 1, None, frame.height)
    if not table.columns or table.rows == 0:
        raise InputError(f"{table.source}: the table has no patient rows")
    return table


def _to_polars(data: Any) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    module = type(data).__module__.split(".")[0]
    try:
        if module == "pandas":
            return pl.from_pandas(data)
        if module == "pyarrow":
            return pl.DataFrame(pl.from_arrow(data))
        if module in ("duckdb", "_duckdb"):
            return data.pl()  # type: ignore[no-any-return]
    except Exception as exc:
        raise InputError(f"DataFrame: cannot convert the {module} table ({exc})") from None
    raise InputError(
        f"cannot read data of type {type(data).__name__}: pass a file path or a "
        "pandas, polars, pyarrow or DuckDB table"
    )
