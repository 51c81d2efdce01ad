"""What an audit finds: one :class:`Check` per thing recomputed, and the :class:`AuditResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from painresponse.audit._table import PublishedTable

__all__ = ["CHECKS", "COLUMNS", "SEVERITIES", "AuditResult", "Check"]

#: Every check, in the order a row is reported. ``parse`` (a cell that cannot be read or a
#: printed value that cannot be) and ``rule`` (a group's defining rule, given with ``--rule``)
#: come with the seven checks of the contract.
CHECKS = (
    "parse",
    "total",
    "percent",
    "grim",
    "grimmer",
    "rule",
    "pvalue",
    "test-choice",
    "duplicate-p",
)
#: Severities, most serious first; ``ok`` marks a check that passed (not a finding).
SEVERITIES = ("error", "warning", "info", "ok")
#: The columns of ``audit.csv``.
COLUMNS = ("variable", "level", "check", "severity", "detail")


@dataclass(frozen=True)
class Check:
    """One thing the audit recomputed, and what came out.

    Attributes
    ----------
    table : str
        The table's name (its file's stem).
    variable : str
        The variable as printed.
    level : str
        The level (row) as printed, or ``""`` for the variable as a whole.
    check : str
        One of :data:`CHECKS`.
    severity : str
        ``"error"`` (the printed numbers cannot all be right), ``"warning"`` (they are
        unlikely or break a convention), ``"info"`` (cannot be checked, or worth knowing) or
        ``"ok"`` (recomputed and consistent; not a finding).
    detail : str
        One sentence with the arithmetic.
    line : int
        Line of the CSV file the check is about (for ordering).
    """

    table: str
    variable: str
    level: str
    check: str
    severity: str
    detail: str
    line: int = 0

    def __post_init__(self) -> None:
        if self.check not in CHECKS:
            raise ValueError(f"unknown check {self.check!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def is_finding(self) -> bool:
        """Whether this is a finding (error, warning or info) rather than a pass."""
        return self.severity != "ok"

    def sort_key(self) -> tuple[int, int]:
        return self.line, CHECKS.index(self.check)


@dataclass(frozen=True)
class AuditResult:
    """The audit of one or more published tables.

    Attributes
    ----------
    tables : tuple of PublishedTable
        The tables as read.
    rules : tuple of str
        The group rules that were checked (``"Responder: Pain (NRS) T1 <= 0.5 * T0"``).
    checks : tuple of Check
        Everything recomputed, passes included, ordered by table and row.
    """

    tables: tuple[PublishedTable, ...]
    rules: tuple[str, ...]
    checks: tuple[Check, ...]

    @property
    def findings(self) -> tuple[Check, ...]:
        """The checks with severity error, warning or info."""
        return tuple(c for c in self.checks if c.is_finding)

    def count(self, severity: str) -> int:
        """How many checks have this severity."""
        return sum(1 for c in self.checks if c.severity == severity)

    @property
    def exit_code(self) -> int:
        """0 without errors or warnings, 1 with (2 is for unreadable input, raised instead)."""
        return 1 if any(c.severity in ("error", "warning") for c in self.checks) else 0

    def findings_frame(self) -> pl.DataFrame:
        """The findings as the rows of ``audit.csv``: variable, level, check, severity, detail."""
        import polars as pl

        rows = [{k: getattr(c, k) for k in COLUMNS} for c in self.findings]
        return pl.DataFrame(rows, schema={k: pl.String for k in COLUMNS})

    def write(self, out: str | Path, overwrite: bool = False) -> list[Path]:
        """Write ``audit.csv``, ``audit.md`` and ``audit.html`` to the folder ``out``.

        Raises
        ------
        OutputError
            If one of those files exists and ``overwrite`` is False, or ``out`` is a file.
        """
        from painresponse.audit._report import write_audit

        return write_audit(self, Path(out), overwrite)

    def table_checks(self, table: str) -> Sequence[Check]:
        """The checks of one table, in row order."""
        return [c for c in self.checks if c.table == table]
