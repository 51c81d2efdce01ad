"""Excel workbooks as the clinician sees them: sheets, sheet row numbers, error cells.

``.xlsx``/``.xlsm`` are read with openpyxl (read-only, cached values), which keeps the
difference between a formula that failed (``#N/A`` as an *error* cell) and the text
"#N/A"; ``.xls`` (BIFF) with xlrd, which does the same. Every row of the sheet is yielded
with its own row number, blank rows included, so that row numbers in messages are the ones
at the left edge of the spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from painresponse.errors import InputError

__all__ = ["Cell", "SheetRows", "excel_kind", "open_workbook"]

#: A cell as text (None when empty) and whether it holds an Excel error value.
Cell = tuple[str | None, bool]

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLRD_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
                0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}  # fmt: skip


def excel_kind(path: Path) -> str:
    """What an Excel-named file really holds: ``xlsx``, ``xls``, ``html`` or ``text``.

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    if head.startswith(_XLS_MAGIC):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")) or b"<table" in head.lower():
        return "html"
    return "text"


def _text(value: Any) -> str | None:
    """A cell value as the text a user would type for it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


@dataclass
class SheetRows:
    """One sheet's rows: ``name`` and an iterator of ``(row number, cells)``."""

    name: str
    rows: Iterator[tuple[int, list[Cell]]]


class _Workbook:
    """A workbook open for reading; ``sheets`` lists the sheet names in order."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        try:
            if kind == "xlsx":
                import openpyxl

                self._book: Any = openpyxl.load_workbook(path, read_only=True, data_only=True)
                self.sheets = list(self._book.sheetnames)
            else:
                import xlrd

                self._book = xlrd.open_workbook(str(path), on_demand=True)
                self.sheets = list(self._book.sheet_names())
        except Exception as exc:  # the readers raise many types for broken workbooks
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{path}: not a readable Excel workbook ({detail})") from None

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Cell]]]:
        """Every row of ``sheet`` from row 1, blank rows included."""
        if self.kind == "xlsx":
            yield from self._xlsx_rows(sheet)
        else:
            yield from self._xls_rows(sheet)

    def _xlsx_rows(self, sheet: str) -> Iterator[tuple[int, list[Cell]]]:
        worksheet = self._book[sheet]
        expected = 1
        for row in worksheet.iter_rows():
            number = next((c.row for c in row if getattr(c, "row", None)), expected)
            while expected < number:  # rows absent from the file are blank rows
                yield expected, []
                expected += 1
            cells: list[Cell] = []
            for c in row:
                if getattr(c, "data_type", None) == "e":
                    cells.append((str(c.value), True))
                else:
                    cells.append((_text(c.value), False))
            yield number, cells
            expected = number + 1

    def _xls_rows(self, sheet: str) -> Iterator[tuple[int, list[Cell]]]:
        import xlrd

        worksheet = self._book.sheet_by_name(sheet)
        for r in range(worksheet.nrows):
            cells: list[Cell] = []
            for c in worksheet.row(r):
                if c.ctype == xlrd.XL_CELL_ERROR:
                    cells.append((_XLRD_ERRORS.get(c.value, "#ERROR"), True))
                elif c.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate_as_datetime(c.value, self._book.datemode)
                    cells.append((_text(value), False))
                elif c.ctype == xlrd.XL_CELL_BOOLEAN:
                    cells.append((_text(bool(c.value)), False))
                else:
                    cells.append((_text(c.value) if c.ctype != xlrd.XL_CELL_EMPTY else None, False))
            yield r + 1, cells

    def close(self) -> None:
        """Release the file."""
        if self.kind == "xlsx":
            self._book.close()
        else:
            self._book.release_resources()


def open_workbook(path: Path) -> _Workbook:
    """Open an ``.xlsx``/``.xlsm``/``.xls`` workbook whose bytes are really Excel.

    Raises
    ------
    InputError
        For HTML pages and text files saved with an Excel extension (one sentence saying
        what the file is and what to do), and for broken workbooks.
    """
    kind = excel_kind(path)
    if kind == "html":
        raise InputError(
            f"{path}: this is a web page (HTML) saved with an Excel extension, as some hospital "
            "systems export; open it in Excel and save it as .xlsx or CSV, then read that file"
        )
    if kind == "text":
        raise InputError(f"{path}: this is a text file with an Excel extension")  # caller reads it
    return _Workbook(path, kind)
