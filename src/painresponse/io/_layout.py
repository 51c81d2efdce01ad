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
The loop over rows is the hot path of reading a million-row file, so the common row (as
many fields as the header, no error cell) passes through with a length check and nothing
else; everything per cell that can be done on columns is done later by polars.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from painresponse.errors import InputError, Problem

__all__ = [
    "EXCEL_ERRORS",
    "MAX_CELLS_PER_COLUMN",
    "RULE_ERROR",
    "Layout",
    "Row",
    "Skipped",
    "column_name",
    "normalise",
    "read_layout",
]

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
RULE_ERROR = "an Excel error value (a formula that failed): correct the formula or clear the cell"
MAX_CELLS_PER_COLUMN = 200
"""Error cells listed by row per column; the rest are counted in one line."""
FOOTER_REASON = "footer or total below the last patient"
_SUMMARY_WORDS = ("total", "sum", "mean", "average", "count", "합계", "총계", "평균", "계")
_LOOKAHEAD = 30
_TAIL = 50
_SHAPE_SAMPLE = 2_000
_VALUE_CHARS = 80

#: A row: its number, its cells as text (None when empty), and the positions of the
#: cells that hold an Excel error value.
Row = tuple[int, list[str | None], tuple[int, ...]]
#: Receives each patient row as ``[row number, value per header...]`` (a csv writer's
#: ``writerow`` fits, with no Python call between the reader and the writer).
Sink = Callable[[list[int | str | None]], object]


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
    shape = re.sub(r"\d+", "9", text.strip()[:_VALUE_CHARS])
    return re.sub(r"[^\W\d_]+", "A", shape)


def _cut(text: str) -> str:
    """A value as shown in a message: at most 80 characters."""
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


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
        Excel error cells of a workbook, by row and header (at most 200 per column, then
        one line with the count); text files' error values are found by the caller.
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


def _filled(values: Sequence[str | None]) -> bool:
    # The first cell (usually the ID) settles it for almost every row.
    return any(v and not v.isspace() for v in values)


def _count(values: Sequence[str | None]) -> int:
    return sum(1 for v in values if v and not v.isspace())


def _header_index(candidates: list[Row], expected: set[str], header_row: int | None) -> int:
    """Index (in ``candidates``) of the header row."""
    if header_row is not None:
        for i, (number, _, _) in enumerate(candidates):
            if number == header_row:
                return i
        raise InputError(
            f"header row {header_row} (--header-row, or header_row in the study's [input]) "
            "is blank or beyond the table"
        )
    if expected:
        scores = [
            sum(1 for v in values if v is not None and normalise(v) in expected)
            for _, values, _ in candidates
        ]
        best = max(scores)
        if best >= min(2, len(expected)):
            return scores.index(best)
    widths = [_count(values) for _, values, _ in candidates]
    widest = max(widths)
    for i, width in enumerate(widths):
        if width >= max(1, 0.6 * widest):
            return i
    return 0


class _Reader:
    """Sorts rows into header, patients and the rest; see :func:`read_layout`."""

    def __init__(self, source: str, excel: bool, id_column: str | None) -> None:
        self.source, self.excel, self.id_column = source, excel, id_column
        self.sink: Sink = lambda row: None
        self.layout = Layout()
        self.width = 0  # fields of the header row, empty names included
        self.needed = 0  # fields up to the last named column: fewer is a short row
        self.keep: list[int] = []
        self.position: dict[int, int] = {}
        self.dense = True  # every header named: a full row passes through unchanged
        self.id_field = 0
        self.shapes: Counter[str] = Counter()
        self.tail: deque[Row] = deque()
        self.blanks: deque[int] = deque()
        self.extra_empty: list[int] = []  # lines with one more, empty, field than the header
        self.error_counts: Counter[str] = Counter()

    def set_header(self, number: int, values: list[str | None]) -> None:
        layout = self.layout
        layout.header_row = number
        self.width = len(values)
        seen: dict[str, int] = {}
        for i, value in enumerate(values):
            name = (value or "").strip()
            if not name:
                continue
            if name in seen:
                first = column_name(seen[name], self.excel)
                raise InputError(
                    f"{self.source}: columns {first} and {column_name(i, self.excel)} (row "
                    f"{number}) are both headed {_cut(name)!r}; rename one so that each column "
                    "has its own header"
                )
            seen[name] = i
            self.position[i] = len(self.keep)
            self.keep.append(i)
            layout.headers.append(name)
        if not layout.headers:
            raise InputError(f"{self.source}: the header row {number} has no column names")
        self.needed = self.keep[-1] + 1
        self.dense = len(self.keep) == self.width
        wanted = normalise(self.id_column) if self.id_column else None
        index = next(
            (k for k, h in enumerate(layout.headers) if wanted and normalise(h) == wanted), 0
        )
        self.id_field = self.keep[index]

    def add(self, row: Row) -> None:
        values = row[1]
        first = values[0] if values else None
        if not (first and not first.isspace()) and not _filled(values):
            self.blanks.append(row[0])
            return
        self.tail.append(row)
        if len(self.tail) > _TAIL:
            self.emit(self.tail.popleft())

    def emit(self, row: Row) -> None:
        number, values, errors = row
        blanks = self.blanks
        while blanks and blanks[0] < number:
            self.layout.skipped.append(Skipped(blanks.popleft(), "blank row"))
        n = len(values)
        if n == self.width and self.dense:
            out = values
        else:
            self.check_shape(number, values)
            out = [values[i] if i < n else None for i in self.keep]
        if errors:
            self.error_values(number, out, errors)
        if self.layout.patient_rows < _SHAPE_SAMPLE:
            ident = values[self.id_field] if self.id_field < n else None
            if ident and not ident.isspace():
                self.shapes[_shape(ident)] += 1
        self.layout.patient_rows += 1
        self.sink([number, *out])

    def check_shape(self, number: int, values: list[str | None]) -> None:
        """Short and long lines of a text file; values under no header in either."""
        n, problems, header = len(values), self.layout.problems, self.layout.header_row
        if not self.excel and n < self.needed:
            problems.append(Problem(number, None, None,
                f"the line has {n} fields where the header (line {header}) has {self.width}: "
                "a line cut short, or a line break inside a field without quotes"))  # fmt: skip
            return
        if not self.excel and n > self.width:
            if _filled(values[self.width :]) or n > self.width + 1:
                problems.append(Problem(number, None, None,
                    f"the line has {n} fields where the header (line {header}) has "
                    f"{self.width}: a value containing the separator without quotes (such as a "
                    "decimal comma), or a value with no column"))  # fmt: skip
                return
            # One more, empty, field: a separator at the end of the line. Decided at the end
            # (harmless when every line has it, a sign of shifted values when only some do).
            self.extra_empty.append(number)
        unheaded = [
            i for i, v in enumerate(values[: self.width] if not self.excel else values)
            if i not in self.position and v and not v.isspace()
        ]  # fmt: skip
        if unheaded:
            where = column_name(unheaded[0], self.excel)
            where = f"cell {where}{number}" if self.excel else where
            problems.append(Problem(number, None, None,
                f"{where} holds a value but its column has no header (row {header})"))  # fmt: skip

    def error_values(self, number: int, out: list[str | None], errors: tuple[int, ...]) -> None:
        """Record a sheet's error cells in named columns and read them as empty."""
        for i in errors:
            k = self.position.get(i)
            if k is None or out[k] is None:
                continue
            header = self.layout.headers[k]
            self.error_counts[header] += 1
            if self.error_counts[header] <= MAX_CELLS_PER_COLUMN:
                value = (out[k] or "").strip()
                self.layout.error_cells.append(Problem(number, header, _cut(value), RULE_ERROR))
            out[k] = None

    def ident_shape(self, values: list[str | None]) -> str | None:
        ident = values[self.id_field] if self.id_field < len(values) else None
        return _shape(ident) if ident and not ident.isspace() else None

    def sparse_or_summary(self, values: list[str | None]) -> bool:
        """A line that could be a footer: a summary word first, or very few cells filled."""
        filled = [v.strip() for v in values if v and not v.isspace()]
        summary = bool(filled) and filled[0].casefold().rstrip(":") in _SUMMARY_WORDS
        few = len(self.keep) >= 4 and len(filled) <= max(2, len(self.keep) // 10)
        return summary or few

    def is_footer(self, values: list[str | None], patients: Counter[str], total: int) -> bool:
        """A sparse or summary line is a footer unless its ID is shaped like the patients'."""
        if not self.sparse_or_summary(values):
            return False
        shape = self.ident_shape(values)
        return shape is None or patients[shape] < max(1, 0.05 * total)

    def finish(self) -> None:
        layout = self.layout
        # The IDs' shapes of lines that are patients beyond doubt: "Total" and "Mean" lines
        # share a shape with each other, never with these.
        patients = Counter(self.shapes)
        for _, values, _ in self.tail:
            shape = self.ident_shape(values)
            if shape is not None and not self.sparse_or_summary(values):
                patients[shape] += 1
        total = sum(patients.values())
        footers: list[int] = []
        while self.tail and self.is_footer(self.tail[-1][1], patients, total):
            footers.append(self.tail.pop()[0])
        while self.tail:
            self.emit(self.tail.popleft())
        layout.skipped += [Skipped(b, "blank row") for b in self.blanks]
        layout.skipped += [Skipped(number, FOOTER_REASON) for number in footers]
        layout.skipped.sort(key=lambda s: s.row)
        if footers:
            one = len(footers) == 1
            layout.notes.append(
                f"{_rows(footers)} below the last patient "
                + ("is not a patient row (a footer or total) and was not counted" if one
                   else "are not patient rows (footers or totals) and were not counted")
            )  # fmt: skip
        self.finish_extra_fields()
        for header, count in self.error_counts.items():
            if count > MAX_CELLS_PER_COLUMN:
                layout.error_cells.append(Problem(None, header, None,
                    f"{count - MAX_CELLS_PER_COLUMN} more cells hold an Excel error value: "
                    "correct the formulas or clear the cells"))  # fmt: skip

    def finish_extra_fields(self) -> None:
        """Lines with one empty field too many: a habit of the exporter, or shifted values."""
        layout, lines = self.layout, self.extra_empty
        if not lines:
            return
        if len(lines) == layout.patient_rows:
            layout.notes.append(
                "every line ends with a field separator the header does not have; the empty "
                "last field was ignored"
            )
            return
        for number in lines:
            layout.problems.append(Problem(number, None, None,
                f"the line has {self.width + 1} fields where the header (line "
                f"{layout.header_row}) has {self.width}, unlike the other lines: a value "
                "containing the separator without quotes (such as a decimal comma) shifts the "
                "values after it"))  # fmt: skip
        layout.problems.sort(key=lambda p: p.row or 0)


def _rows(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    shown = ", ".join(str(n) for n in numbers[:20]) + (" …" if len(numbers) > 20 else "")
    return f"row {shown}" if len(numbers) == 1 else f"rows {shown}"


def read_layout(
    rows: Iterable[Row],
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
    rows : iterable of Row
        Every row of the sheet or file with its own number, blank rows included: the row
        number, the cells as text, and the positions of Excel error cells.
    source : str
        File (and sheet) name for messages.
    make_sink : callable
        Called once with the headers when the header row is found; returns the sink that
        receives each patient row as one list: its number, then one value per header (None
        or empty text when empty; error cells of a sheet as None).
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

    Notes
    -----
    Footers are looked for among the last 50 filled lines only, and a line is set aside
    only when every line after it is set aside too: a patient with many empty cells in
    the middle of the table is still a patient.
    """
    wanted = {normalise(e) for e in expected if e}
    iterator: Iterator[Row] = iter(rows)
    candidates: list[Row] = []
    blanks: list[int] = []
    for row in iterator:
        if not _filled(row[1]):
            blanks.append(row[0])
            continue
        candidates.append(row)
        if header_row is not None and row[0] >= header_row:
            break
        if header_row is None and len(candidates) >= _LOOKAHEAD:
            break
    if not candidates:
        raise InputError(f"{source}: the table has no rows")
    index = _header_index(candidates, wanted, header_row)
    reader = _Reader(source, excel, id_column)
    head_number, head_values, _ = candidates[index]
    reader.set_header(head_number, head_values)
    reader.sink = make_sink(reader.layout.headers)
    layout = reader.layout
    above = [row[0] for row in candidates[:index]]
    layout.skipped += [Skipped(n, "title or note above the header") for n in above]
    layout.skipped += [Skipped(n, "blank row") for n in blanks if n < head_number]
    if above:
        layout.notes.append(
            f"the header is on row {head_number}; {_rows(above)} above it "
            f"{'is a title or note' if len(above) == 1 else 'are titles or notes'}, not data"
        )
    reader.blanks = deque(n for n in blanks if n > head_number)
    for row in candidates[index + 1 :]:
        reader.add(row)
    for row in iterator:
        reader.add(row)
    reader.finish()
    return layout
