"""The exception hierarchy of painresponse.

Every error a user can meet is a :class:`PainresponseError`; the command-line
interface turns it into one clear message and exit code 2. A traceback that
reaches a user is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "InputError",
    "OutputError",
    "PainresponseError",
    "Problem",
    "StatisticsError",
    "StudyDefinitionError",
    "ValidationError",
]


class PainresponseError(Exception):
    """Base class of every error raised on purpose by painresponse."""


class StudyDefinitionError(PainresponseError):
    """The study file (TOML) is missing, unreadable or inconsistent."""


class InputError(PainresponseError):
    """A data file cannot be read as a table (missing, binary, wrong extension, empty)."""


class OutputError(PainresponseError):
    """An output location cannot be written, or would overwrite results."""


class StatisticsError(PainresponseError):
    """A statistical test was given data it cannot be computed on."""


@dataclass(frozen=True)
class Problem:
    """One broken rule in one cell of the input.

    Attributes
    ----------
    row : int or None
        The row as the user counts it: the sheet row of a workbook or the physical line
        of a text file (title and blank rows counted), the position from 1 in an
        in-memory table; None for file-level problems.
    column : str or None
        The column name in the user's file.
    value : str or None
        The offending value as text (never a patient identifier).
    rule : str
        The rule that the value breaks, in words.
    """

    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            cell = self.column if self.value is None else f"{self.column} = {self.value!r}"
            where.append(cell)
        prefix = ", ".join(where)
        return f"{prefix}: {self.rule}" if prefix else self.rule


class ValidationError(PainresponseError):
    """The data break one or more rules of the study file; all problems are listed.

    Parameters
    ----------
    source : str
        The file name (or "DataFrame") the problems were found in.
    problems : list of Problem
        Every problem found, not just the first.
    """

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{source}: {count:,} problem{'' if count == 1 else 's'} found"]
        lines += [f"  {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))
