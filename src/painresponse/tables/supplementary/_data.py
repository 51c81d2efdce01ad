"""Reading outcome values and groups out of the analysed frame (shared by every module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from numpy.typing import NDArray

from painresponse.cohort import GROUP
from painresponse.study import ExtendedOptions, Outcome, Study
from painresponse.tables.model import Row, Table
from painresponse.tables.outcomes_expr import outcome_expr

__all__ = ["Analysed", "is_eq5d"]


def is_eq5d(outcome: Outcome) -> bool:
    """True for a five-dimension level-sum outcome (the EQ-5D-5L)."""
    return outcome.summary in ("level_sum", "index") and all(
        len(cols) == 5 for cols in outcome.dimension_columns.values()
    )


@dataclass(frozen=True)
class Analysed:
    """The analysed patients, with helpers to get an outcome's values per time and group."""

    frame: pl.DataFrame
    study: Study
    options: ExtendedOptions
    paper: Mapping[str, Table] = field(default_factory=dict)
    """The paper's tables already built (key → Table), so supplementary tables reuse their
    results instead of computing them again."""

    @property
    def labels(self) -> tuple[str, str]:
        """(responder label, non-responder label)."""
        return self.study.group_labels()

    def group_mask(self, label: str) -> NDArray[np.bool_]:
        """Rows of the patients in group ``label``."""
        return np.asarray((self.frame[GROUP] == label).to_numpy(), dtype=bool)

    @property
    def responder(self) -> NDArray[np.float64]:
        """1.0 for responders, 0.0 for non-responders."""
        return self.group_mask(self.labels[0]).astype(float)

    def dimensions(self, outcome: Outcome, time: str) -> NDArray[np.float64]:
        """(n, k) dimension levels of a level-sum outcome at ``time`` (NaN = missing)."""
        cols = outcome.raw_columns(time)
        return np.column_stack(
            [self.frame[c].cast(pl.Float64).fill_null(np.nan).to_numpy() for c in cols]
        )

    def values(
        self, outcome: Outcome, time: str, summary: str | None = None
    ) -> NDArray[np.float64]:
        """The outcome's score per patient at ``time`` (NaN when not recorded).

        ``summary`` overrides the EQ-5D choice: ``"level_sum"`` or ``"index:<code>"``.
        """
        default = (
            f"index:{outcome.value_set}"
            if outcome.summary == "index"
            else self.options.eq5d_summary
        )
        choice = summary or default
        scored = outcome
        if is_eq5d(outcome) and choice.startswith("index:"):
            scored = outcome.model_copy(
                update={"summary": "index", "value_set": choice.split(":", 1)[1]}
            )
        elif is_eq5d(outcome):
            scored = outcome.model_copy(update={"summary": "level_sum"})
        # the same expression as the paper's tables (painresponse.tables.outcomes_expr)
        score = self.frame.select(outcome_expr(scored, time)).to_series()
        return np.asarray(score.cast(pl.Float64).fill_null(np.nan).to_numpy(), dtype=float)

    def outcome_label(self, outcome: Outcome, summary: str | None = None) -> str:
        """The outcome's label, naming the EQ-5D summary used."""
        if not is_eq5d(outcome):
            return outcome.label
        default = (
            f"index:{outcome.value_set}"
            if outcome.summary == "index"
            else self.options.eq5d_summary
        )
        choice = summary or default
        if choice.startswith("index:"):
            return f"{outcome.label} index ({choice.split(':', 1)[1]} value set)"
        return f"{outcome.label} level sum (5–25)"

    def same_as_paper(self, outcome: Outcome) -> bool:
        """True when this outcome's scores are those of the paper's tables.

        Not so only for an EQ-5D level-sum outcome that the supplementary tables summarise
        by an index value set (``[extended] eq5d_summary = "index:…"``).
        """
        return not (
            is_eq5d(outcome)
            and outcome.summary == "level_sum"
            and self.options.eq5d_summary.startswith("index:")
        )

    def paper_row(self, key: str, outcome: Outcome, level: str) -> Row | None:
        """The row of paper table ``key`` for ``outcome`` at ``level`` (e.g. ``"T1 vs. T0"``).

        None when that table was not built, the row is not in it, the outcome's scores differ
        from the paper's (:meth:`same_as_paper`) or the confidence level differs.
        """
        table = self.paper.get(key)
        if table is None or not self.same_as_paper(outcome):
            return None
        if self.options.conf_level != self.study.extended.conf_level:
            return None
        for row in table.rows:
            if row.variable == outcome.key and row.level == level and row.kind == "level":
                return row
        return None

    def time_label(self, key: str) -> str:
        """The display label of time point ``key``."""
        return self.study.time(key).label
