"""A published table transcribed as CSV: its groups, its variables and what each row compares.

The input contract (``docs/audit.md``): UTF-8 CSV (with or without BOM) with the columns
``variable``, ``level``, one column per group headed as printed with its size
(``Responder (n = 41)``), ``p_value``, and optionally ``test`` and ``integer``. A column whose
n equals the sum of the other groups' n is the overall column (``Patients (n = 84)``).

A file that is not such a table (empty, not UTF-8, no ``variable`` column, no group column,
a group header without its n) raises :class:`~painresponse.errors.InputError` with one
sentence. Anything wrong *inside* the table (a cell that cannot be read, an unknown test
name) is kept on the row and becomes a finding later.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from painresponse.audit._cells import (
    BadCell,
    Cell,
    CountCell,
    CountsCell,
    EmptyCell,
    MeanSDCell,
    MedianCell,
    PrintedP,
    read_cell,
    read_pvalue,
    read_tests,
)
from painresponse.errors import InputError

__all__ = [
    "CountComparison",
    "Group",
    "PublishedTable",
    "Row",
    "SummaryComparison",
    "Variable",
    "read_published_table",
]

_GROUP_HEADER = re.compile(r"^(?P<name>.*?)[\s,;]*\(?\s*n\s*=\s*(?P<n>[\d,]+)\s*\)?\s*$", re.I)
_ALIASES = {
    "variable": "variable",
    "characteristic": "variable",
    "level": "level",
    "category": "level",
    "p_value": "p_value",
    "p-value": "p_value",
    "p value": "p_value",
    "pvalue": "p_value",
    "p": "p_value",
    "test": "test",
    "integer": "integer",
}
_YES = {"yes", "y", "true", "1", "integer"}
_NO = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class Group:
    """One group column: its printed name and size."""

    name: str
    n: int
    header: str

    def __str__(self) -> str:
        return f"{self.name} (n = {self.n})"


@dataclass(frozen=True)
class Row:
    """One printed row, its cells read (one per group column, overall included).

    Attributes
    ----------
    line : int
        Line of the CSV file (the header is line 1).
    variable, level : str
        As transcribed (``level`` is empty on a variable's header row).
    cells : Mapping of str to Cell
        By group name.
    p : PrintedP, BadCell or None
        The printed p-value of this row, if any.
    tests : frozenset of str
        The variants the ``test`` column allows (see :func:`~painresponse.audit._cells.read_tests`).
    test_text : str
        The ``test`` column as written.
    unknown_tests : tuple of str
        Test names in the ``test`` column that were not understood.
    integer : bool or None
        The ``integer`` column: True (``yes``), False (``no``) or None (empty or unreadable).
    integer_text : str
        The ``integer`` column as written.
    """

    line: int
    variable: str
    level: str
    cells: Mapping[str, Cell]
    p: PrintedP | BadCell | None
    tests: frozenset[str]
    test_text: str
    unknown_tests: tuple[str, ...]
    integer: bool | None
    integer_text: str
    extra_cells: int = 0

    def kinds(self, groups: tuple[Group, ...]) -> set[type]:
        """The kinds of cell this row prints in ``groups`` (empty cells left out)."""
        return {type(self.cells[g.name]) for g in groups} - {EmptyCell}


@dataclass(frozen=True)
class Variable:
    """A variable and its rows, in print order."""

    name: str
    rows: tuple[Row, ...]

    def is_integer(self, row: Row) -> bool:
        """Whether a row's data are integers: its own ``integer`` column, else the variable's."""
        if row.integer is not None:
            return row.integer
        return any(r.integer for r in self.rows)

    @property
    def p(self) -> PrintedP | None:
        """The first printed p-value of the variable (usually on its header row)."""
        for row in self.rows:
            if isinstance(row.p, PrintedP):
                return row.p
        return None


@dataclass(frozen=True)
class CountComparison:
    """A categorical variable: a table of counts, levels by groups, and its printed p.

    ``counts`` maps each column (the overall one included) to one count per level.
    ``complement`` is True for a one-line variable (``Diabetes 12 (29.3%)``): the test then
    compares the count with the rest of the group (n − count).
    """

    variable: str
    levels: tuple[str, ...]
    rows: tuple[Row, ...]
    counts: Mapping[str, tuple[int, ...]]
    complement: bool
    p: PrintedP | None
    tests: frozenset[str]
    line: int

    def table(self, groups: tuple[Group, ...]) -> list[list[int]]:
        """The contingency table to test: one row per level, one column per group."""
        columns = [list(self.counts[g.name]) for g in groups]
        if self.complement:
            columns = [[*col, g.n - sum(col)] for col, g in zip(columns, groups, strict=True)]
        return [list(r) for r in zip(*columns, strict=True)]


@dataclass(frozen=True)
class SummaryComparison:
    """A continuous row: a mean ± SD or median (IQR) per group, and its printed p."""

    variable: str
    level: str
    row: Row
    p: PrintedP | None
    tests: frozenset[str]
    integer: bool


@dataclass(frozen=True)
class PublishedTable:
    """One published table as transcribed.

    Attributes
    ----------
    name : str
        The file's stem (``lsgb-fbss-table2``), used in findings and reports.
    source : str
        The file path as given.
    groups : tuple of Group
        The groups compared, in print order.
    overall : Group or None
        The overall column, recognised when its n is the sum of the groups' n.
    variables : tuple of Variable
        In print order.
    columns : tuple of Group
        Every group column in file order, the overall one included.
    """

    name: str
    source: str
    groups: tuple[Group, ...]
    overall: Group | None
    variables: tuple[Variable, ...]
    columns: tuple[Group, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        """Every row, in print order."""
        return tuple(row for v in self.variables for row in v.rows)

    def count_comparisons(self) -> list[CountComparison]:
        """Every categorical variable whose cells are all readable counts."""
        found = []
        for variable in self.variables:
            rows = [r for r in variable.rows if r.kinds(self.columns) & {CountCell, CountsCell}]
            if not rows or any(r.kinds(self.columns) - {CountCell, CountsCell} for r in rows):
                continue
            levels: list[str] = []
            counts: dict[str, list[int] | None] = {g.name: [] for g in self.columns}
            for row in rows:
                names = _level_names(row)
                for g in self.columns:
                    values = _counts_of(row.cells[g.name])
                    so_far = counts[g.name]
                    if so_far is None or values is None or len(values) != len(names):
                        counts[g.name] = None
                    else:
                        counts[g.name] = so_far + values
                levels += names
            if any(counts[g.name] is None for g in self.groups):
                continue
            found.append(
                CountComparison(
                    variable=variable.name,
                    levels=tuple(levels),
                    rows=tuple(rows),
                    counts=MappingProxyType(
                        {k: tuple(v) for k, v in counts.items() if v is not None}
                    ),
                    complement=len(levels) == 1,
                    p=variable.p,
                    tests=_tests_of(variable.rows),
                    line=variable.rows[0].line,
                )
            )
        return found

    def summary_comparisons(self) -> list[SummaryComparison]:
        """Every row of means ± SDs or medians (IQR) in all groups."""
        found = []
        for variable in self.variables:
            rows = [
                r
                for r in variable.rows
                if r.kinds(self.groups) in ({MeanSDCell}, {MedianCell})
                and all(not isinstance(r.cells[g.name], EmptyCell) for g in self.groups)
            ]
            for row in rows:
                p = row.p if isinstance(row.p, PrintedP) else None
                if p is None and len(rows) == 1 and row.p is None:
                    p = variable.p
                tests = row.tests or _tests_of(variable.rows)
                found.append(
                    SummaryComparison(
                        variable.name, row.level, row, p, tests, variable.is_integer(row)
                    )
                )
        return found


def _level_names(row: Row) -> list[str]:
    cells = list(row.cells.values())
    width = max((len(c.counts) for c in cells if isinstance(c, CountsCell)), default=1)
    if width == 1:
        return [row.level]
    names = [part.strip() for part in row.level.split("/")]
    if len(names) != width:
        names = [f"{row.level} [{i + 1}]" for i in range(width)]
    return names


def _counts_of(cell: Cell) -> list[int] | None:
    if isinstance(cell, CountCell):
        return [cell.count]
    if isinstance(cell, CountsCell):
        return list(cell.counts)
    return None


def _tests_of(rows: tuple[Row, ...]) -> frozenset[str]:
    for row in rows:
        if row.tests:
            return row.tests
    return frozenset()


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: not a text file; save the table as CSV (UTF-8)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the table as CSV UTF-8") from None


def _header_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split()).replace(" ", "_")


def _columns(header: list[str], path: Path) -> tuple[dict[str, int], list[tuple[int, Group]]]:
    known: dict[str, int] = {}
    others: list[tuple[int, str]] = []
    for index, text in enumerate(header):
        key = _header_key(text)
        alias = _ALIASES.get(key) or _ALIASES.get(key.replace("_", " "))
        if alias is None:
            others.append((index, text))
        elif alias in known:
            raise InputError(f"{path}: the column {alias!r} appears twice")
        else:
            known[alias] = index
    if "variable" not in known:
        raise InputError(
            f"{path}: no 'variable' column; the first line must be the header: "
            "variable, level, <group (n = …)> …, p_value"
        )
    groups: list[tuple[int, Group]] = []
    for index, text in others:
        if not text.strip():
            raise InputError(
                f"{path}: column {index + 1} has no header; every group column needs its "
                "printed header with its size, e.g. 'Responder (n = 41)'"
            )
        match = _GROUP_HEADER.match(text.strip())
        if match is None or not match.group("name").strip():
            raise InputError(
                f"{path}: the column {text.strip()!r} has no group size; head each group "
                "column as printed with its n, e.g. 'Responder (n = 41)'"
            )
        name = match.group("name").strip()
        n = int(match.group("n").replace(",", ""))
        if n < 1:
            raise InputError(f"{path}: the group {name!r} has n = {n}; a group needs n ≥ 1")
        if any(g.name == name for _, g in groups):
            raise InputError(f"{path}: two group columns are named {name!r}")
        groups.append((index, Group(name, n, text.strip())))
    if not groups:
        raise InputError(
            f"{path}: no group columns; add one column per group headed as printed with "
            "its size, e.g. 'Responder (n = 41)'"
        )
    return known, groups


def _overall(groups: list[Group]) -> Group | None:
    if len(groups) < 3:
        return None
    for candidate in groups:
        others = [g for g in groups if g is not candidate]
        if candidate.n == sum(g.n for g in others):
            return candidate
    return None


def read_published_table(path: str | Path) -> PublishedTable:
    """Read one transcribed table.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, with or without BOM).

    Returns
    -------
    PublishedTable

    Raises
    ------
    InputError
        If the file is missing, empty, not UTF-8, or lacks the ``variable`` column, any group
        column, or a group's ``(n = …)``.
    """
    path = Path(path)
    text = _decode(path)
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    if not records:
        raise InputError(f"{path}: the file is empty")
    known, indexed = _columns(records[0], path)
    columns = tuple(g for _, g in indexed)
    overall = _overall(list(columns))
    groups = tuple(g for g in columns if g is not overall)
    if len(records) < 2:
        raise InputError(f"{path}: the header has no rows under it")

    def field(record: list[str], name: str) -> str:
        index = known.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    variables: list[tuple[str, list[Row]]] = []
    for line, record in enumerate(records[1:], start=2):
        name = " ".join(field(record, "variable").split())
        if not name and variables:
            name = variables[-1][0]
        tests, unknown = read_tests(field(record, "test"))
        integer_text = field(record, "integer")
        integer = {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False)}.get(
            integer_text.lower()
        )
        row = Row(
            line=line,
            variable=name,
            level=" ".join(field(record, "level").split()),
            cells=MappingProxyType(
                {g.name: read_cell(record[i] if i < len(record) else "") for i, g in indexed}
            ),
            p=read_pvalue(field(record, "p_value")),
            tests=tests,
            test_text=field(record, "test"),
            unknown_tests=unknown,
            integer=integer,
            integer_text=integer_text,
            extra_cells=sum(1 for c in record[len(records[0]) :] if c.strip()),
        )
        if variables and variables[-1][0] == name:
            variables[-1][1].append(row)
        else:
            variables.append((name, [row]))
    return PublishedTable(
        name=path.stem,
        source=str(path),
        groups=groups,
        overall=overall,
        variables=tuple(Variable(n, tuple(rows)) for n, rows in variables),
        columns=columns,
    )
