"""Find the table inside a sheet: the header row, the patient rows, and every other line.

A hospital export is rarely a bare table. Above the header there may be a title and a
blank line; between patients a blank row; below them "Exported 2024-03-02 by EMR" or a
"Total" line. This module reads the rows of a CSV file or an Excel sheet once, finds the
header, and sorts every line into exactly one place:

- a patient row (passed on with its own row number);
- a line above the header (a title or note), a blank row, or a trailing line that is not
  a patient row (a footer): each reported with its row number, never counted;
- a row that is malformed (too few or too many fields, a value under an empty header):
  a problem, so the analysis stops and says where.

Cell contents are never echoed in these notes: a misread line may hold a patient's data.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from painresponse.errors import InputError, Problem

__all__ = ["EXCEL_ERRORS", "Layout", "Skipped", "column_name", "normalise", "read_layout"]

#: Error values Excel writes into cells (and into CSV files exported from them).
EXCEL_ERRORS = frozenset(
    [
        "#N/A",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#N/A N/A",
    ]
)
_SUMMARY_WORDS = ("total", "sum", "mean", "average", "count", "합계", "총계", "평균", "계")
_LOOKAHEAD = 30
_TAIL = 50
_RULE_ERROR = "an Excel error value (a formula that failed): correct the formula or clear the cell"

Cell = tuple[str | None, bool]
Sink = Callable[[int, list[str | None]], None]


def normalise(header: str) -> str:
    """A header reduced for matching: case, spaces and punctuation removed."""
    return re.sub(r"[\s_\-.,:;/\\()\[\]{}'\"·]+", "", header.casefold())


def column_name(index: int, excel: bool) -> str:
    """``C`` (Excel letters) or ``field 3`` (text files) for the 0-based ``index``."""
    if not excel:
        return f"field {index + 1}"
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _shape(text: str) -> str:
    """The pattern of an identifier: runs of digits → 9, runs of letters → A."""
    shape = re.sub(r"\d+", "9", text.strip())
    return re.sub(r"[^\W\d_]+", "A", shape)


@dataclass(frozen=True)
class Skipped:
    """A line that is not a patient row: its row number and why."""

    row: int
    reason: str


@dataclass
class Layout:
    """Where the table sits in the file and what every other line was.

    Attributes
    ----------
    header_row : int
        Row number of the header (1 for a bare table).
    headers : list of str
        The header cells as written (surrounding spaces removed), empty headers dropped.
    skipped : list of Skipped
        Title lines, blank rows and footers, by row number.
    problems : list of Problem
        Malformed rows (the analysis cannot go on with them).
    error_cells : list of Problem
        Excel error values, by row and header (reported for the columns the study reads).
    patient_rows : int
        Number of rows passed on as patients.
    notes : list of str
        What was detected, in words (the header row, the rows set aside).
    """

    header_row: int = 1
    headers: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error_cells: list[Problem] = field(default_factory=list)
    patient_rows: int = 0
    notes: list[str] = field(default_factory=list)


def _filled(cells: Sequence[Cell]) -> int:
    return sum(1 for value, _ in cells if value is not None and value.strip())


def _header_index(
    candidates: list[tuple[int, list[Cell]]], expected: set[str], header_row: int | None
) -> int:
    """Index (in ``candidates``) of the header row."""
    if header_row is not None:
        for i, (number, _) in enumerate(candidates):
            if number == header_row:
                return i
        raise InputError(f"--header-row {header_row}: that row is blank or beyond the table")
    if expected:
        scores = [
            sum(1 for v, _ in cells if v is not None and normalise(v) in expected)
            for _, cells in candidates
        ]
        best = max(scores)
        if best >= min(2, len(expected)):
            return scores.index(best)
    widths = [_filled(cells) for _, cells in candidates]
    widest = max(widths)
    for i, width in enumerate(widths):
        if width >= max(1, 0.6 * widest):
            return i
    return 0


class _Reader:
    """Sorts rows into header, patients and the rest; see :func:`read_layout`."""

    def __init__(self, source: str, excel: bool, id_column: str | None, sink: Sink) -> None:
        self.source, self.excel, self.id_column, self.sink = source, excel, id_column, sink
        self.layout = Layout()
        self.width = 0
        self.keep: list[int] = []
        self.id_index = 0
        self.id_shapes: Counter[str] = Counter()
        self.tail: deque[tuple[int, list[Cell]]] = deque()
        self.blank_in_tail: list[int] = []

    def set_header(self, number: int, cells: list[Cell]) -> None:
        layout = self.layout
        layout.header_row = number
        self.width = len(cells)
        seen: dict[str, int] = {}
        for i, (value, _) in enumerate(cells):
            name = (value or "").strip()
            if not name:
                continue
            if name in seen:
                first = column_name(seen[name], self.excel)
                raise InputError(
                    f"{self.source}: columns {first} and {column_name(i, self.excel)} (row "
                    f"{number}) are both headed {name!r}; rename one so that each column has "
                    "its own header"
                )
            seen[name] = i
            self.keep.append(i)
            layout.headers.append(name)
        if not layout.headers:
            raise InputError(f"{self.source}: the header row {number} has no column names")
        wanted = normalise(self.id_column) if self.id_column else None
        self.id_index = next(
            (k for k, h in enumerate(layout.headers) if wanted and normalise(h) == wanted), 0
        )

    def add(self, number: int, cells: list[Cell]) -> None:
        if not _filled(cells):
            self.blank_in_tail.append(number)
            return
        self.tail.append((number, cells))
        while len(self.tail) > _TAIL:
            self.emit(*self.tail.popleft())
        self.flush_blanks_before(self.tail[0][0])

    def flush_blanks_before(self, number: int) -> None:
        while self.blank_in_tail and self.blank_in_tail[0] < number:
            self.layout.skipped.append(Skipped(self.blank_in_tail.pop(0), "blank row"))

    def emit(self, number: int, cells: list[Cell]) -> None:
        layout = self.layout
        self.flush_blanks_before(number)
        if not self.excel and len(cells) < self.width:
            layout.problems.append(
                Problem(
                    number,
                    None,
                    None,
                    f"the line has {len(cells)} fields where the header (line "
                    f"{layout.header_row}) has {self.width}: a line cut short, or a field "
                    "containing the separator without quotes",
                )
            )
        kept = set(self.keep)
        unheaded = [i for i, (v, _) in enumerate(cells) if i not in kept and (v or "").strip()]
        if not self.excel and len(cells) > self.width and any(i >= self.width for i in unheaded):
            layout.problems.append(
                Problem(
                    number,
                    None,
                    None,
                    f"the line has {len(cells)} fields where the header (line "
                    f"{layout.header_row}) has {self.width}",
                )
            )
        elif unheaded:
            where = column_name(unheaded[0], self.excel)
            where = f"cell {where}{number}" if self.excel else where
            layout.problems.append(
                Problem(
                    number,
                    None,
                    None,
                    f"{where} holds a value but its column has no header (row {layout.header_row})",
                )
            )
        values: list[str | None] = []
        for k, i in enumerate(self.keep):
            value, is_error = cells[i] if i < len(cells) else (None, False)
            if value is not None and (
                is_error or (not self.excel and value.strip() in EXCEL_ERRORS)
            ):
                layout.error_cells.append(
                    Problem(number, layout.headers[k], value.strip()[:80], _RULE_ERROR)
                )
                value = None
            values.append(value if value is None or value.strip() else None)
        if values[self.id_index] is not None and len(self.id_shapes) < 10_000:
            self.id_shapes[_shape(values[self.id_index] or "")] += 1
        layout.patient_rows += 1
        self.sink(number, values)

    def _is_footer(self, cells: list[Cell]) -> bool:
        filled = [v.strip() for v, _ in cells if v is not None and v.strip()]
        ident = (
            cells[self.keep[self.id_index]][0] if self.keep[self.id_index] < len(cells) else None
        )
        total = sum(self.id_shapes.values())
        id_like = bool(ident and ident.strip()) and (
            total == 0 or self.id_shapes[_shape(ident or "")] >= max(1, 0.05 * total)
        )
        if id_like:
            return False
        summary = bool(filled) and filled[0].casefold().rstrip(":") in _SUMMARY_WORDS
        return summary or (len(self.keep) >= 4 and len(filled) <= max(2, len(self.keep) // 10))

    def finish(self) -> None:
        footers: list[int] = []
        while self.tail and len(self.tail) > 0 and self._is_footer(self.tail[-1][1]):
            footers.append(self.tail.pop()[0])
        tail_blanks = [b for b in self.blank_in_tail if not self.tail or b > self.tail[-1][0]]
        self.blank_in_tail = [b for b in self.blank_in_tail if b not in tail_blanks]
        for number, cells in list(self.tail):
            self.emit(number, cells)
        self.flush_blanks_before(10**18)
        layout = self.layout
        trailing = sorted(footers)
        for number in trailing:
            layout.skipped.append(
                Skipped(number, "not a patient row (a footer or total below the last patient)")
            )
        layout.skipped += [Skipped(b, "blank row") for b in tail_blanks]
        layout.skipped.sort(key=lambda s: s.row)
        if trailing:
            layout.notes.append(
                f"{_rows(trailing)} below the last patient {'is' if len(trailing) == 1 else 'are'}"
                " not patient rows (a footer or total) and were not counted"
            )


def _rows(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    shown = ", ".join(str(n) for n in numbers[:20]) + (" …" if len(numbers) > 20 else "")
    return f"row {shown}" if len(numbers) == 1 else f"rows {shown}"


def read_layout(
    rows: Iterable[tuple[int, list[Cell]]],
    source: str,
    make_sink: Callable[[list[str]], Sink],
    *,
    excel: bool,
    expected: Iterable[str] = (),
    id_column: str | None = None,
    header_row: int | None = None,
) -> Layout:
    """Read ``rows`` once, passing each patient row to a sink made for the headers.

    Parameters
    ----------
    rows : iterable of (int, list of Cell)
        Every row of the sheet or file with its own number, blank rows included.
    source : str
        File (and sheet) name for messages.
    make_sink : callable
        Called once with the headers when the header row is found; returns the sink that
        receives each patient row: its number and one value per header (None when empty
        or an error value).
    excel : bool
        True for sheets (column letters in messages, no field-count check).
    expected : iterable of str
        Column names the study reads (helps find the header below a title).
    id_column : str, optional
        The patient-ID header (footers are told from patients by the IDs' pattern).
    header_row : int, optional
        The header's row number as the user counts it (found automatically when None).

    Returns
    -------
    Layout

    Raises
    ------
    InputError
        For a file without a header or with two columns of the same name.
    """
    wanted = {normalise(e) for e in expected if e}
    iterator: Iterator[tuple[int, list[Cell]]] = iter(rows)
    candidates: list[tuple[int, list[Cell]]] = []
    blanks: list[int] = []
    for number, cells in iterator:
        if not _filled(cells):
            blanks.append(number)
            continue
        candidates.append((number, cells))
        if header_row is not None and number >= header_row:
            break
        if header_row is None and len(candidates) >= _LOOKAHEAD:
            break
    if not candidates:
        raise InputError(f"{source}: the table has no rows")
    index = _header_index(candidates, wanted, header_row)
    reader = _Reader(source, excel, id_column, lambda number, values: None)
    head_number, head_cells = candidates[index]
    reader.set_header(head_number, head_cells)
    reader.sink = make_sink(reader.layout.headers)
    layout = reader.layout
    above = [n for n, _ in candidates[:index]]
    layout.skipped += [Skipped(n, "above the header (a title or note)") for n in above]
    layout.skipped += [Skipped(n, "blank row") for n in blanks if n < head_number]
    if above:
        layout.notes.append(
            f"the header is on row {head_number}; {_rows(above)} above it "
            f"{'is a title or note' if len(above) == 1 else 'are titles or notes'}, not data"
        )
    reader.blank_in_tail = [n for n in blanks if n > head_number]
    for number, cells in candidates[index + 1 :]:
        reader.add(number, cells)
    for number, cells in iterator:
        reader.add(number, cells)
    reader.finish()
    return layout
