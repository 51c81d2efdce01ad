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
from typing import IO, Any

from painresponse.errors import InputError
from painresponse.io._text import looks_like_table

__all__ = ["Row", "SheetRows", "excel_kind", "is_workbook", "open_workbook"]

#: A row: its number, its cells as text (None when empty), and the positions of the
#: cells that hold an Excel error value (a formula that failed).
Row = tuple[int, list[str | None], tuple[int, ...]]

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLRD_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
                0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}  # fmt: skip
_SPREADSHEET_XML = b"urn:schemas-microsoft-com:office:spreadsheet"


def excel_kind(path: Path) -> str:
    """What an Excel-named file really holds.

    Returns
    -------
    str
        ``xlsx`` (a zip), ``xls`` (an OLE compound file), ``xml`` (Excel 2003 XML
        spreadsheet), ``html`` (a web page), ``text`` (a delimited text table) or
        ``unknown`` (none of these: a broken or foreign file).

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    if head.startswith(_XLS_MAGIC):
        return "xls"
    # UTF-16 markup is compared with its zero bytes removed.
    plain = head.replace(b"\x00", b"") if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
    stripped = plain.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if stripped.startswith(b"<?xml") and _SPREADSHEET_XML in plain:
        return "xml"
    if stripped.startswith(b"<") or b"<table" in plain.lower():
        return "html"
    return "text" if looks_like_table(head) else "unknown"


def is_workbook(path: Path) -> bool:
    """Whether a file starts as an Excel workbook does (zip or OLE), whatever its name."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return False  # the caller's own reading names the error
    return head.startswith((_XLSX_MAGIC, _XLS_MAGIC))


def _number(value: float) -> str:
    """A number as Excel shows it: at most 15 significant digits, integers without '.0'.

    Excel keeps 15 significant digits, so a formula's 0.1 + 0.2 is 0.3 on the sheet (and
    an integer score stays an integer), not 0.30000000000000004.
    """
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    shown = format(value, ".15g")
    return str(int(float(shown))) if float(shown).is_integer() else shown


def _text(value: Any) -> str | None:
    """A cell value as the text a user would type for it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value)
    return text if text.strip() else None


@dataclass
class SheetRows:
    """One sheet's rows: ``name`` and an iterator of rows."""

    name: str
    rows: Iterator[Row]


class _Workbook:
    """A workbook open for reading; ``sheets`` lists the sheet names in order."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self._handle: IO[bytes] | None = None
        try:
            if kind == "xlsx":
                import openpyxl

                # A file object, not the name: openpyxl refuses an .xlsx workbook saved with
                # an .xls extension by its name alone.
                self._handle = path.open("rb")
                self._book: Any = openpyxl.load_workbook(
                    self._handle, read_only=True, data_only=True
                )
                self.sheets = list(self._book.sheetnames)
            else:
                import xlrd

                self._book = xlrd.open_workbook(str(path), on_demand=True)
                self.sheets = list(self._book.sheet_names())
        except Exception as exc:  # the readers raise many types for broken workbooks
            if self._handle is not None:
                self._handle.close()
            if kind == "xls" and _encrypted(path):
                raise InputError(
                    f"{path}: the workbook is protected with a password (encrypted); open it "
                    "in Excel, remove the password (File > Info > Protect Workbook) and save it"
                ) from None
            raise InputError(f"{path}: not a readable Excel workbook ({_detail(exc)})") from None

    def rows(self, sheet: str) -> Iterator[Row]:
        """Every row of ``sheet`` from row 1, blank rows included.

        Raises
        ------
        InputError
            When the sheet's data are broken (the readers fail part-way through).
        """
        rows = self._xlsx_rows(sheet) if self.kind == "xlsx" else self._xls_rows(sheet)
        try:
            yield from rows
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet fails while it is read, not when opened
            raise InputError(
                f"{self.path}: sheet {sheet!r} is not readable ({_detail(exc)}); open it in "
                "Excel and save it again"
            ) from None

    def _xlsx_rows(self, sheet: str) -> Iterator[Row]:
        worksheet = self._book[sheet]
        # Some exporters declare a wrong used range (<dimension>); read-only openpyxl would
        # stop at it and drop the rest of the table without a word.
        worksheet.reset_dimensions()
        expected = 1
        for row in worksheet.iter_rows():
            number = next((c.row for c in row if getattr(c, "row", None)), expected)
            while expected < number:  # rows absent from the file are blank rows
                yield expected, [], ()
                expected += 1
            values: list[str | None] = []
            errors: list[int] = []
            for i, c in enumerate(row):
                value = c.value
                if value is None:
                    values.append(None)
                elif c.data_type == "e":
                    values.append(str(value))
                    errors.append(i)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    values.append(_shown(c, value))
                else:
                    values.append(_text(value))
            yield number, values, tuple(errors)
            expected = number + 1

    def _xls_rows(self, sheet: str) -> Iterator[Row]:
        import xlrd

        worksheet = self._book.sheet_by_name(sheet)
        for r in range(worksheet.nrows):
            values: list[str | None] = []
            errors: list[int] = []
            for i, c in enumerate(worksheet.row(r)):
                if c.ctype == xlrd.XL_CELL_ERROR:
                    values.append(_XLRD_ERRORS.get(c.value, "#ERROR"))
                    errors.append(i)
                elif c.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate_as_datetime(c.value, self._book.datemode)
                    values.append(_text(value))
                elif c.ctype == xlrd.XL_CELL_BOOLEAN:
                    values.append(_text(bool(c.value)))
                else:
                    values.append(_text(c.value) if c.ctype != xlrd.XL_CELL_EMPTY else None)
            yield r + 1, values, tuple(errors)

    def close(self) -> None:
        """Release the file."""
        if self.kind == "xlsx":
            self._book.close()
            if self._handle is not None:
                self._handle.close()
        else:
            self._book.release_resources()


def _shown(cell: Any, value: float) -> str:
    """A number as shown: a cell formatted as a percentage holds 0.45 but shows "45%".

    Reading 0.45 for "45%" would put a 45 % relief below any responder threshold without
    a word; the text as shown lets validation say what it found.
    """
    if "%" in (cell.number_format or ""):
        return _number(float(value) * 100) + "%"
    return _number(float(value))


def _encrypted(path: Path) -> bool:
    """Whether an OLE file is a password-protected workbook (an "EncryptedPackage" inside)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return "EncryptedPackage".encode("utf-16-le") in data


def _detail(exc: Exception) -> str:
    """The first line of a reader's error, cut: it may quote the file's content."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def open_workbook(path: Path) -> _Workbook:
    """Open an ``.xlsx``/``.xlsm``/``.xls`` workbook whose bytes are really Excel.

    Raises
    ------
    InputError
        For web pages (HTML), Excel 2003 XML and other files saved with an Excel
        extension (one sentence saying what the file is and what to do), and for broken
        workbooks. Text tables with an Excel extension are the caller's to read as text.
    """
    kind = excel_kind(path)
    if kind == "html":
        raise InputError(
            f"{path}: this is a web page (HTML) saved with an Excel extension, as some hospital "
            "systems export; open it in Excel and save it as .xlsx or CSV, then read that file"
        )
    if kind == "xml":
        raise InputError(
            f"{path}: this is an Excel 2003 XML spreadsheet saved with an Excel extension; "
            "open it in Excel and save it as .xlsx or CSV, then read that file"
        )
    if kind == "text":
        raise InputError(f"{path}: this is a text file with an Excel extension")  # caller reads it
    if kind == "unknown":
        raise InputError(
            f"{path}: not a readable Excel workbook (neither an Excel workbook nor a table saved "
            "as text: damaged, or encrypted by a document-security program); open it in Excel "
            "and save it as .xlsx or CSV"
        )
    return _Workbook(path, kind)
