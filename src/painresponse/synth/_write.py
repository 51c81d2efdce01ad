"""Atomic, deterministic writers of a cohort: CSV, Parquet and Excel, chosen by extension."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from painresponse.errors import OutputError
from painresponse.synth._schema import COLUMNS, SCHEMA

if TYPE_CHECKING:  # pyarrow is loaded only to write Parquet (not by `painresponse demo`)
    import pyarrow as pa

__all__ = ["EXCEL_MAX_ROWS", "SUFFIXES", "check_destination", "write_blocks", "write_csv_text"]

SUFFIXES = (".csv", ".parquet", ".xlsx")
#: One worksheet holds 1,048,576 rows, one of them the header.
EXCEL_MAX_ROWS = 1_048_575
#: Fixed timestamp of the xlsx document and its zip members, so files are reproducible.
_EXCEL_TIME = dt.datetime(2023, 1, 12, 0, 0, 0)  # xlsx stores naive times
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Progress = Callable[[int, int], None]


def check_destination(path: str | Path, n: int) -> Path:
    """The output path as a Path, or an OutputError saying why it cannot be written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputError(
            f"Cannot write a cohort to {target.name!r}: the file name must end in "
            ".csv, .parquet or .xlsx."
        )
    if suffix == ".xlsx" and n > EXCEL_MAX_ROWS:
        raise OutputError(
            f"An Excel worksheet holds at most {EXCEL_MAX_ROWS:,} patients, not {n:,}: "
            "write a .parquet or .csv file instead."
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"Cannot write {target}: the folder {parent} does not exist.")
    if target.is_dir():
        raise OutputError(f"Cannot write {target}: it is a folder.")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"Cannot write {target}: the folder {parent} is not writable.")
    return target


def write_csv_text(frame: pl.DataFrame, *, include_header: bool = True) -> str:
    """The cohort as CSV text: ``\\n`` line ends, empty cells for missing values, BMI to 0.1.

    The one CSV format of cohorts: :func:`write_cohort` writes it block by block (UTF-8),
    and the bundled default cohort is stored in it.
    """
    return frame.write_csv(
        null_value="", float_precision=1, line_terminator="\n", include_header=include_header
    )


def _arrow_schema() -> pa.Schema:
    import pyarrow as pa

    kinds = {pl.String: pa.large_string(), pl.Float64: pa.float64(), pl.Int64: pa.int64()}
    return pa.schema([pa.field(c, kinds[SCHEMA[c]]) for c in COLUMNS])


def _write_csv(blocks: Iterable[pl.DataFrame], tmp: Path, on_block: Callable[[int], None]) -> None:
    with tmp.open("wb") as handle:
        for k, frame in enumerate(blocks):
            handle.write(write_csv_text(frame, include_header=k == 0).encode("utf-8"))
            on_block(frame.height)


def _write_parquet(
    blocks: Iterable[pl.DataFrame], tmp: Path, on_block: Callable[[int], None]
) -> None:
    import pyarrow.parquet as pq

    schema = _arrow_schema()
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for frame in blocks:
            writer.write_table(frame.to_arrow().cast(schema), row_group_size=frame.height)
            on_block(frame.height)


def _write_xlsx(blocks: Iterable[pl.DataFrame], tmp: Path, on_block: Callable[[int], None]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.created = _EXCEL_TIME
    book.properties.modified = _EXCEL_TIME
    book.properties.creator = "painresponse"
    sheet = book.create_sheet("cohort")
    sheet.append(list(COLUMNS))
    for frame in blocks:
        for row in frame.iter_rows():
            sheet.append(list(row))
        on_block(frame.height)
    raw = tmp.with_suffix(".raw")
    try:
        book.save(raw)
        _normalise_zip(raw, tmp)
    finally:
        raw.unlink(missing_ok=True)


def _normalise_zip(source: Path, target: Path) -> None:
    """Copy a zip with every member dated 1980-01-01, so equal content gives equal bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            content = old.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time as "modified" whatever the properties say.
                fixed = _EXCEL_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + fixed, content)
            new.writestr(member, content)


def write_blocks(
    blocks: Iterable[pl.DataFrame],
    target: Path,
    total: int,
    progress: Progress | None = None,
) -> Path:
    """Write blocks of a cohort to ``target`` atomically (temp file, then ``os.replace``)."""
    writer = {".csv": _write_csv, ".parquet": _write_parquet, ".xlsx": _write_xlsx}[
        target.suffix.lower()
    ]
    done = 0

    def on_block(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, total)

    try:
        fd, name = tempfile.mkstemp(
            dir=target.parent if str(target.parent) else ".",
            prefix=f".{target.name}.",
            suffix=".tmp",
        )
    except OSError as exc:
        raise OutputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        writer(blocks, tmp, on_block)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target
