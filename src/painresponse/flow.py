"""The flow of patients: assessed → excluded (by reason) → analysed → groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = ["Exclusion", "Flow", "SetAside", "set_aside_lines"]


@dataclass(frozen=True)
class Exclusion:
    """Patients excluded at one stage for one reason.

    Attributes
    ----------
    stage : {"eligibility", "completeness", "classification"}
        Where in the flow they left.
    reason : str
        The reason in words ("insufficient follow-up data: pain at T1 not recorded").
    count : int
        How many patients.
    rows : tuple of int
        Their row numbers in the input file (never their identifiers).
    """

    stage: Literal["eligibility", "completeness", "classification"]
    reason: str
    count: int
    rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class SetAside:
    """Lines of the input file that are not patient rows (a title, a blank row, a footer).

    Attributes
    ----------
    reason : str
        What the lines are, in words.
    rows : tuple of int
        Their row numbers in the file (every one of them).
    """

    reason: str
    rows: tuple[int, ...]

    @property
    def count(self) -> int:
        """How many lines."""
        return len(self.rows)


@dataclass(frozen=True)
class Flow:
    """Every input row accounted for: ``assessed == sum(excluded) + sum(groups)``.

    Attributes
    ----------
    assessed : int
        Rows read (patients assessed for eligibility).
    exclusions : tuple of Exclusion
        In flow order.
    groups : tuple of (str, int)
        Each analysed group's label and size, in display order.
    set_aside : tuple of SetAside
        Lines of the file that are not patient rows, by kind (never counted as assessed).
    """

    assessed: int
    exclusions: tuple[Exclusion, ...]
    groups: tuple[tuple[str, int], ...]
    set_aside: tuple[SetAside, ...] = ()

    @property
    def excluded(self) -> int:
        """Patients excluded before or at classification."""
        return sum(e.count for e in self.exclusions)

    @property
    def analysed(self) -> int:
        """Patients in the analysis (sum of the groups)."""
        return sum(n for _, n in self.groups)

    def to_rows(self) -> list[dict[str, Any]]:
        """The flow as rows ``stage, reason, n`` (for flow.csv and the Excel flow sheet)."""
        rows: list[dict[str, Any]] = [
            {"stage": "not a patient row", "reason": s.reason, "n": s.count} for s in self.set_aside
        ]
        rows.append({"stage": "assessed", "reason": "", "n": self.assessed})
        for e in self.exclusions:
            stage = "not classified" if e.stage == "classification" else f"excluded ({e.stage})"
            rows.append({"stage": stage, "reason": e.reason, "n": e.count})
        # "analysed" is the tables' n: responders + non-responders (the unclassified left above)
        rows.append({"stage": "analysed", "reason": "", "n": self.analysed})
        for label, n in self.groups:
            rows.append({"stage": "group", "reason": label, "n": n})
        return rows


class _Line(Protocol):
    """A line of the input that is not a patient row (``io``'s ``Skipped``)."""

    @property
    def row(self) -> int: ...

    @property
    def reason(self) -> str: ...


def set_aside_lines(lines: Iterable[_Line]) -> tuple[SetAside, ...]:
    """Group the lines set aside by reason, in order of first appearance."""
    by_reason: dict[str, list[int]] = {}
    for line in lines:
        by_reason.setdefault(line.reason, []).append(line.row)
    return tuple(SetAside(reason, tuple(sorted(rows))) for reason, rows in by_reason.items())
