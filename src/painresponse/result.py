"""What :func:`painresponse.analyze` returns: the flow, the tables and the figure data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from painresponse.flow import Flow
from painresponse.tables.figure_data import FigureData, OutcomeSummary, Trajectories, Waterfall
from painresponse.tables.model import Table

if TYPE_CHECKING:
    import polars as pl

    from painresponse.study import Study
    from painresponse.tables.supplementary import ExtendedResult

__all__ = ["FigureData", "OutcomeSummary", "StudyResult", "Trajectories", "Waterfall"]


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
        return self.tables[key].to_polars()
