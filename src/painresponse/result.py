"""What :func:`painresponse.analyze` returns: the flow, the tables and the figure data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from painresponse.flow import Flow
from painresponse.tables.model import Table

if TYPE_CHECKING:
    import polars as pl

    from painresponse.extended import ExtendedResult
    from painresponse.study import Study

__all__ = ["FigureData", "OutcomeSummary", "StudyResult", "Trajectories", "Waterfall"]


@dataclass(frozen=True)
class OutcomeSummary:
    """One outcome at one time point in one group (for the outcome-over-time figure)."""

    outcome: str
    outcome_label: str
    group: str
    time: str
    time_label: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class Trajectories:
    """Each patient's values of one outcome over the time points (rows are patients).

    No identifiers: row order is arbitrary; ``values`` has NaN where not recorded.
    """

    outcome: str
    outcome_label: str
    group: str
    times: tuple[str, ...]
    time_labels: tuple[str, ...]
    values: np.ndarray


@dataclass(frozen=True)
class Waterfall:
    """Percent change of the responder outcome per patient, sorted, with its group."""

    outcome_label: str
    time_label: str
    percent_change: np.ndarray
    group: tuple[str, ...]
    threshold: float
    rule: str


@dataclass(frozen=True)
class FigureData:
    """Everything the figures draw; computed once, rendered by :mod:`painresponse.render`."""

    group_order: tuple[str, ...]
    summaries: tuple[OutcomeSummary, ...]
    trajectories: tuple[Trajectories, ...]
    waterfall: Waterfall | None


@dataclass(frozen=True)
class StudyResult:
    """The whole analysis of one data set under one study definition.

    Attributes
    ----------
    study : Study
        The validated study definition used.
    source : str
        Where the data came from (file name or "DataFrame").
    flow : Flow
        assessed → excluded by reason → analysed → groups.
    tables : dict of str to Table
        ``"table1"`` … ``"table5"`` (and extended tables), in display order.
    figures : FigureData
        Data for the figures.
    methods : tuple of str
        The statistical-methods paragraph, sentence by sentence, built from what was run.
    software : dict
        Names and versions of the software used.
    analysed : polars.DataFrame or None
        The analysed patients (in memory only; never written to any output).
    extended : ExtendedResult or None
        The analyses beyond the paper, when requested (their tables are also in ``tables``).
    reading : tuple of str
        How the file was read, in words: its format, the sheet, the header row, the lines
        set aside as not patient rows.
    """

    study: Study
    source: str
    flow: Flow
    tables: dict[str, Table]
    figures: FigureData
    methods: tuple[str, ...]
    software: dict[str, str] = field(default_factory=dict)
    analysed: pl.DataFrame | None = None
    extended: ExtendedResult | None = None
    reading: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        from painresponse.render.notebook import result_html

        return result_html(self)

    def _repr_markdown_(self) -> str:
        from painresponse.render.notebook import result_markdown

        return result_markdown(self)

    def table_frame(self, key: str) -> Any:
        """Table ``key`` as a polars DataFrame of display text (the CSV contract's columns)."""
        from painresponse.render.csv import table_to_frame

        return table_to_frame(self.tables[key])
