"""Text files as the spreadsheet program wrote them: encoding, delimiter, decimal mark, lines.

Hospital exports come as UTF-8 (with or without a byte-order mark), CP949/EUC-KR (Korean
Excel), UTF-16 ("Unicode Text" from Excel), or Latin-1/CP1252 (Western Excel), with commas,
semicolons (European Excel, often with decimal commas) or tabs between fields. This module
works out which, and yields every record with the physical line it starts on, so that a
message can send a clinician to the line their editor shows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from painresponse.errors import InputError

__all__ = ["TextFormat", "detect_format", "looks_like_table", "records"]

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 1 << 20
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_ENCODING_HINT = "give it with --encoding (e.g. cp949, utf-16, cp1252, latin-1)"


@dataclass(frozen=True)
class TextFormat:
    """How a text table is written.

    Attributes
    ----------
    encoding : str
        The Python codec that reads it (``utf-8-sig`` when it starts with a byte-order mark).
    delimiter : str
        The field separator.
    decimal : str
        The decimal mark of numbers (``","`` in European exports).
    """

    encoding: str
    delimiter: str
    decimal: str

    def describe(self) -> str:
        """The format in words, for the reading notes."""
        names = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
        mark = "decimal commas" if self.decimal == "," else "decimal points"
        return f"{self.encoding} text, fields separated by {names[self.delimiter]}, {mark}"


def _looks_utf16(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is zero."""
    sample = head[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _plausible_cp949(text: str) -> bool:
    """CP949 decodes many Latin-1 byte pairs too; real Korean text is mostly Hangul."""
    foreign = [ch for ch in text if ord(ch) > 127]
    if not foreign:
        return True
    hangul = sum(1 for ch in foreign if _HANGUL.match(ch))
    return hangul >= 0.8 * len(foreign)


def detect_encoding(head: bytes, source: str, encoding: str | None) -> str:
    """The codec of a text file from its first bytes (or the one the user gave).

    Raises
    ------
    InputError
        For binary files, unknown codecs and text that is neither UTF-8 nor CP949.
    """
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"{source}: unknown encoding {encoding!r}") from None
        if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        return encoding
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    utf16 = _looks_utf16(head)
    if utf16 is not None:
        return utf16
    if b"\x00" in head:
        raise InputError(f"{source}: this is a binary file, not a CSV table")
    # A cut in the middle of a multi-byte character at the end of the sample is not an error.
    sample = head[: len(head) - 4] if len(head) >= _SNIFF_BYTES else head
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        if _plausible_cp949(sample.decode("cp949")):
            return "cp949"
    except UnicodeDecodeError:
        pass
    raise InputError(f"{source}: the text is neither UTF-8 nor Korean CP949 (EUC-KR); "
                     f"{_ENCODING_HINT}")  # fmt: skip


def _field_counts(lines: list[str], delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=delimiter)
    try:
        return [len(r) for r in reader if r]
    except csv.Error:
        return []


def _delimiter(lines: list[str]) -> tuple[str, int]:
    """The separator that splits the most lines into the same, largest number of fields.

    Returns the separator and that number of fields (1 when no separator splits the lines).
    """
    best, best_score = ",", (0, 1)
    for delimiter in _DELIMITERS:
        counts = _field_counts(lines, delimiter)
        if not counts:
            continue
        modal = max(set(counts), key=lambda c: (counts.count(c), c))
        if modal < 2:
            continue
        score = (counts.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best, best_score[1]


def _decimal(lines: list[str], delimiter: str) -> str:
    if delimiter == ",":
        return "."
    comma = point = 0
    for record in csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=delimiter):
        for cell in record:
            cell = cell.strip()
            comma += bool(_COMMA_DECIMAL.match(cell))
            point += bool(_POINT_DECIMAL.match(cell))
    # The majority decides: a stray "1.5" in a note must not turn a European file's
    # hundreds of "24,5" into text, nor the reverse.
    return "," if comma > point else "."


def looks_like_table(head: bytes) -> bool:
    """Whether the first bytes of a file read as a delimited text table.

    Used for files with an Excel extension that are not workbooks: a table saved as text
    (Excel's "Unicode Text", a TSV from an EMR) is read as text, anything else is not.
    The encoding is only guessed here (Latin-1 as the last resort, since any bytes decode):
    the text reader then checks it properly and names the line that does not decode.
    """
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    encoding = encoding or _looks_utf16(head)
    if encoding is None:
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # A character cut at the end of the sample is still UTF-8.
            encoding = "utf-8" if exc.start >= len(head) - 3 else "latin-1"
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    control = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    if not text.strip() or control > 0.01 * len(text):
        return False
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    return _delimiter(lines)[1] >= 2


def detect_format(
    path: Path,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> TextFormat:
    """Work out a text table's encoding, delimiter and decimal mark from its first megabyte.

    Parameters
    ----------
    path : Path
        The file.
    encoding, delimiter, decimal : str, optional
        What the user said; each is detected when not given.

    Returns
    -------
    TextFormat

    Raises
    ------
    InputError
        For unreadable, empty, binary or undecodable files.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    used = detect_encoding(head, str(path), encoding)
    decoder = codecs.getincrementaldecoder(used)(errors="replace")
    text = decoder.decode(head, final=False)
    if not text.strip().strip("\ufeff"):
        raise InputError(f"{path}: the file is empty")
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    if lines and len(head) >= _SNIFF_BYTES:
        lines = lines[:-1]  # the last line of the sample may be cut
    if delimiter is not None and delimiter not in _DELIMITERS:
        if delimiter.lower() in ("tab", "\\t"):
            delimiter = "\t"
        elif len(delimiter) != 1:
            raise InputError(
                f"--delimiter must be one character (e.g. ';' or tab), not {delimiter!r}"
            )
    chosen = delimiter or _delimiter(lines)[0]
    if decimal is not None and decimal not in (".", ","):
        raise InputError(f"--decimal must be '.' or ',', not {decimal!r}")
    mark = decimal or _decimal(lines, chosen)
    if mark == chosen:
        raise InputError(f"{path}: the decimal mark and the field separator are both {mark!r}")
    return TextFormat(used, chosen, mark)


def records(path: Path, fmt: TextFormat) -> Iterator[tuple[int, list[str | None], tuple[()]]]:
    """Yield ``(line, fields, ())`` for every record, ``line`` the physical line it starts on.

    Blank lines are yielded as empty lists, so that nothing is skipped unseen; a field
    quoted across lines counts all its lines, as a text editor does. The empty tuple
    stands for "no Excel error cells" in the rows :func:`read_layout` takes.

    Raises
    ------
    InputError
        When the bytes are not valid in the encoding, naming the line.
    """
    try:
        handle = path.open("r", encoding=fmt.encoding, newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    csv.field_size_limit(2**31 - 1)  # a pasted document in one cell is data, not a crash
    with handle:
        reader = csv.reader(handle, delimiter=fmt.delimiter)
        lines: Iterator[list[Any]] = reader  # lists of str, typed to be read as cells
        start = 1
        try:
            for fields in lines:
                if start == 1 and fields and fields[0].startswith("\ufeff"):
                    fields[0] = fields[0][1:]
                yield start, fields, ()
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: line {start} is not valid {fmt.encoding} text (byte {exc.start} of "
                f"that stretch); {_ENCODING_HINT}"
            ) from None
        except csv.Error as exc:
            raise InputError(f"{path}: line {start}: not a readable table ({exc})") from None
