"""Read a table of patients from CSV, Excel, Parquet or a DataFrame, as text.

Every column is read as text so that validation sees exactly what the user wrote:
nothing is coerced on the way in. Row numbers follow the spreadsheet convention
(the header is row 1, the first patient is row 2).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from painresponse.errors import InputError

__all__ = ["RawTable", "SUPPORTED_EXTENSIONS", "read_table"]

SUPPORTED_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
_ENCODINGS = ("utf-8", "cp949")


@dataclass(frozen=True)
class RawTable:
    """The input as text columns.

    Attributes
    ----------
    frame : polars.DataFrame
        Every column as String (null where the cell was empty).
    source : str
        The file name, or ``"DataFrame"``.
    first_row : int
        Row number of the first patient as the user counts (2 for files with a header
        row, 1 for DataFrames).
    encoding : str or None
        The text encoding used for CSV files.
    """

    frame: pl.DataFrame
    source: str
    first_row: int = 2
    encoding: str | None = None


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
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for name in _ENCODINGS:
        try:
            return raw.decode(name), name
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{source}: the text is neither UTF-8 nor CP949 (EUC-KR); "
        "give the encoding with --encoding"
    )


def _read_csv(path: Path, encoding: str | None) -> RawTable:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    text, used = _decode(raw, str(path), encoding)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    first_line = text.splitlines()[0]
    sep = "\t" if path.suffix.lower() == ".tsv" or first_line.count("\t") > first_line.count(",") else ","
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator=sep,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        detail = str(exc).splitlines()[0]
        raise InputError(f"{path}: not a readable table ({detail})") from None
    return RawTable(frame=frame, source=path.name, first_row=2, encoding=used)


def _read_excel(path: Path) -> RawTable:
    try:
        frame = pl.read_excel(path, infer_schema_length=0, raise_if_empty=False)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except Exception as exc:  # calamine raises its own types for broken workbooks
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable Excel workbook ({detail})") from None
    return RawTable(frame=_as_text(frame), source=path.name, first_row=2)


def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pl.read_parquet(path)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable Parquet file ({detail})") from None
    return RawTable(frame=_as_text(frame), source=path.name, first_row=2)


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast every column to String; integral floats are written without '.0'."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype.is_float():
            integral = col.is_finite() & (col == col.round(0)) & (col.abs() < 2**53)
            text = (
                pl.when(integral)
                .then(col.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(col.cast(pl.String))
            )
            out.append(text.alias(name))
        else:
            out.append(col.cast(pl.String).alias(name))
    return frame.select(out) if out else frame


def read_table(data: Any, encoding: str | None = None) -> RawTable:
    """Read patients from a path or a DataFrame (pandas, polars or pyarrow), as text.

    Parameters
    ----------
    data : str, Path or DataFrame
        A ``.csv``/``.tsv`` (UTF-8, UTF-8 with BOM, or CP949/EUC-KR, detected), ``.xlsx``,
        or ``.parquet`` file; or an in-memory table.
    encoding : str, optional
        Force a text encoding for CSV files.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        Missing, empty, binary or unreadable files, and unsupported extensions.
    """
    if isinstance(data, str | Path):
        path = Path(data)
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            raise InputError(
                f"{path}: unsupported file type {suffix or '(none)'!r}; "
                f"use one of {', '.join(SUPPORTED_EXTENSIONS)}"
            )
        if not path.exists():
            raise InputError(f"{path}: file not found")
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file")
        if suffix in (".csv", ".tsv", ".txt"):
            table = _read_csv(path, encoding)
        elif suffix in (".parquet", ".pq"):
            table = _read_parquet(path)
        else:
            table = _read_excel(path)
    else:
        table = RawTable(frame=_as_text(_to_polars(data)), source="DataFrame", first_row=1)
    if table.frame.width == 0 or table.frame.height == 0:
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
            return pl.from_arrow(data)  # type: ignore[return-value]
        if module == "duckdb":
            return data.pl()  # type: ignore[no-any-return]
    except Exception as exc:
        raise InputError(f"DataFrame: cannot convert the {module} table ({exc})") from None
    raise InputError(
        f"cannot read data of type {type(data).__name__}: pass a file path or a "
        "pandas, polars or pyarrow DataFrame"
    )
