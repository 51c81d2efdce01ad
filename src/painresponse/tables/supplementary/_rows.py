"""Small helpers to build extended tables (no formatting: cells keep raw floats)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, cast

from painresponse.stats._result import TestResult
from painresponse.tables.model import Cell, EstimateCI, Row, Text

__all__ = ["estimate_cell", "make_row", "note_cell"]


def make_row(
    variable: str, label: str, level: str | None, kind: str, cells: Mapping[str, Any]
) -> Row:
    """A :class:`Row` whose cells may include extended cell types."""
    return Row(variable, label, level, kind, cast(dict[str, Cell], dict(cells)))  # type: ignore[arg-type]


def estimate_cell(result: TestResult, digits: int, what: str) -> EstimateCI:
    """An :class:`EstimateCI` from a test result's estimate and interval."""

    def f(v: float | None) -> float:
        return math.nan if v is None else float(v)

    return EstimateCI(
        f(result.estimate),
        f(result.ci_low),
        f(result.ci_high),
        digits=digits,
        conf_level=result.conf_level or 0.95,
        what=what,
        method=result.method,
        n=sum(result.n) if result.n else None,
    )


def note_cell(text: str) -> Text:
    """A cell saying, in words, why there is no number."""
    return Text(text)
