"""The table model: rows of raw numbers plus formatting instructions, never text numbers.

A :class:`Table` is what every renderer (terminal, Markdown, CSV, Word, Excel, LaTeX, HTML)
formats. Cells hold unrounded floats and a ``digits`` instruction; p-value cells hold the
:class:`~painresponse.stats.TestResult` and the reason the test was chosen (provenance).
Nothing here imports :mod:`painresponse.render`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from painresponse.stats._result import TestResult

__all__ = [
    "AdjustedP",
    "Cell",
    "Column",
    "Comparison",
    "CountPercent",
    "Empty",
    "EstimateCI",
    "ExtendedCell",
    "Footnote",
    "MeanSD",
    "MedianIQR",
    "Number",
    "PValue",
    "Proportion",
    "Row",
    "Table",
    "Text",
]


@dataclass(frozen=True)
class EstimateCI:
    """An estimate with its confidence interval: ``−2.0 (−3.0 to −1.5)``.

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        Unrounded; NaN when not estimable (rendered as an em dash).
    digits : int
        Decimals to show.
    conf_level : float
        Confidence level of the interval (0.95).
    what : str
        What the estimate is, in words (provenance: "Hodges–Lehmann shift", "odds ratio").
    method : str
        How the interval was computed, in words.
    n : int or None
        Patients (or observations) used.
    low_open, high_open : bool
        An end that does not belong to the interval (an exact interval of discrete data:
        the test at that value rejects); rendered ``>low`` / ``<high``.
    """

    estimate: float
    ci_low: float
    ci_high: float
    digits: int = 2
    conf_level: float = 0.95
    what: str = ""
    method: str = ""
    n: int | None = None
    low_open: bool = False
    high_open: bool = False

    @property
    def is_missing(self) -> bool:
        """True when the estimate could not be computed."""
        return math.isnan(self.estimate)


@dataclass(frozen=True)
class Proportion:
    """``count/total (percent%; CI low–high%)``; proportions are 0–1, unrounded.

    Attributes
    ----------
    count, total : int
        Patients meeting the criterion, patients assessed.
    proportion, ci_low, ci_high : float
        The share and its confidence interval on the 0–1 scale.
    digits : int
        Decimals of the percentages.
    method : str
        How the interval was computed ("Wilson score interval").
    """

    count: int
    total: int
    proportion: float
    ci_low: float
    ci_high: float
    digits: int = 1
    method: str = "Wilson score interval"

    @property
    def percent(self) -> float:
        """The share in percent."""
        return 100.0 * self.proportion


@dataclass(frozen=True)
class Number:
    """A single number (a test statistic, a count of events per variable)."""

    value: float
    digits: int = 2


ExtendedCell = EstimateCI | Proportion | Number


@dataclass(frozen=True)
class CountPercent:
    """``count (percent%)`` of a level within a column; ``percent`` is 0-100, unrounded."""

    count: int
    total: int
    percent: float
    digits: int = 1


@dataclass(frozen=True)
class MeanSD:
    """``mean ± SD`` of the non-missing values (``n`` of them; ``n_missing`` dropped).

    ``show_n`` asks the renderer to add ``n = …`` (set when ``n`` is below the column's n).
    """

    mean: float
    sd: float
    n: int
    n_missing: int = 0
    digits: int = 1
    show_n: bool = False


@dataclass(frozen=True)
class MedianIQR:
    """``median (Q1–Q3)``; quartiles by SAS's default definition (QNTLDEF=5).

    ``style="dash"`` renders ``5.0 (4.0–6.0)``; ``style="to"`` renders
    ``−2.0 (−3.0 to −1.0)``, which stays readable when values are negative (change scores).
    ``show_n`` asks the renderer to add ``n = …`` (set when ``n`` is below the column's n).
    """

    median: float
    q1: float
    q3: float
    n: int
    n_missing: int = 0
    digits: int = 1
    style: Literal["dash", "to"] = "dash"
    show_n: bool = False


@dataclass(frozen=True)
class Comparison:
    """Two summaries shown as ``later vs. earlier`` (Table 4's within-group rows).

    Both are of the same ``pairs`` patients (those with both time points recorded);
    ``show_n`` asks the renderer to add ``n = pairs``.
    """

    later: MedianIQR | MeanSD
    earlier: MedianIQR | MeanSD
    show_n: bool = False

    @property
    def pairs(self) -> int:
        """Patients with both time points recorded."""
        return self.later.n


@dataclass(frozen=True)
class Text:
    """Literal text (a label or a note), already in words."""

    text: str


@dataclass(frozen=True)
class Empty:
    """An intentionally empty cell."""


@dataclass(frozen=True)
class PValue:
    """A p-value cell with its provenance.

    Attributes
    ----------
    result : TestResult
        The full, unrounded test result.
    reason : str
        Why this test was chosen (the default rule's words, or "set in the study file").
    marker : str
        Footnote marker (``"a"``, ``"b"``, ...) shared by every cell of the same method.
    adjusted : float or None
        Multiplicity-adjusted p-value when adjustment is on, else None.
    adjustment : str or None
        Name of the adjustment method (e.g. ``"Holm"``) when ``adjusted`` is set.
    defines_groups : bool
        True when the test compares the groups on the values that define them
        (:mod:`painresponse.tables.circularity`): descriptive, marked in the table.
    style : str
        How the p-value is written (the study's ``[tests] p_style``).
    """

    result: TestResult
    reason: str
    marker: str = ""
    adjusted: float | None = None
    adjustment: str | None = None
    defines_groups: bool = False
    style: str = "default"
    adjusted_apart: bool = False

    @property
    def value(self) -> float:
        """The p-value to display: the adjusted one when adjustment is on, unless the table
        shows it in a column of its own (``adjusted_apart``, Tables 1–5)."""
        if self.adjusted is not None and not self.adjusted_apart:
            return self.adjusted
        return self.result.pvalue

    @property
    def is_missing(self) -> bool:
        """True when the p-value could not be computed (NaN)."""
        return math.isnan(self.value)


@dataclass(frozen=True)
class AdjustedP:
    """A multiplicity-adjusted p-value shown in its own column beside the raw one.

    Attributes
    ----------
    value : float
        The adjusted p-value (the raw one and its test stay in the row's PValue cell).
    adjustment : str
        The method's name (``"Holm"``), also named in the table's footnote.
    style : str
        How the p-value is written (the study's ``[tests] p_style``).
    """

    value: float
    adjustment: str
    style: str = "default"


Cell = (
    AdjustedP
    | CountPercent
    | MeanSD
    | MedianIQR
    | Comparison
    | Text
    | Empty
    | PValue
    | EstimateCI
    | Proportion
    | Number
)


@dataclass(frozen=True)
class Column:
    """A table column.

    Attributes
    ----------
    key : str
        Stable identifier (``"overall"``, ``"group:Responder"``, ``"p"``, ``"p:Responder"``).
    label : str
        Header text without the n (e.g. ``"Responder"``, ``"P-value"``).
    n : int or None
        Number of patients in the column, shown as ``(n = 41)``; None for p-value columns.
    kind : {"summary", "pvalue", "adjusted"}
        What the column's cells hold (``adjusted``: :class:`AdjustedP` cells).
    """

    key: str
    label: str
    n: int | None = None
    kind: Literal["summary", "pvalue", "adjusted"] = "summary"


@dataclass(frozen=True)
class Row:
    """One table row.

    Attributes
    ----------
    variable : str
        The study-file key of the variable (``"age"``, ``"pain"``).
    label : str
        The variable's label (``"Age (years)"``); repeated on each of its level rows.
    level : str or None
        The level or time point shown in the row (``"Male"``, ``"T1 vs. T0"``), or None
        for a single-row variable.
    kind : {"header", "level", "single"}
        ``header`` rows introduce a variable whose levels follow (they may carry the
        p-value, as in the paper); ``level`` rows are indented; ``single`` rows stand alone.
    cells : dict
        Column key -> cell; absent keys are empty.
    n : dict
        Column key -> the number of patients behind the row's summary in that column
        (numeric rows: patients with the value recorded; a categorical variable's header
        row: patients with a level recorded; Table 4: pairs; Table 5: patients with both
        time points of the change). Absent where the row has no summary.
    """

    variable: str
    label: str
    level: str | None
    kind: Literal["header", "level", "single"]
    cells: dict[str, Cell] = field(default_factory=dict)
    n: dict[str, int] = field(default_factory=dict)

    def cell(self, key: str) -> Cell:
        """Return the cell of column ``key`` (``Empty()`` when absent)."""
        return self.cells.get(key, Empty())


@dataclass(frozen=True)
class Footnote:
    """A footnote; ``marker`` is empty for the legend, else the superscript letter."""

    marker: str
    text: str


@dataclass(frozen=True)
class Table:
    """One of the study's tables, ready for any renderer.

    Attributes
    ----------
    key : str
        ``"table1"`` ... ``"table5"`` (or an extended table's key); also the file stem.
    number : int or str
        The table's number as printed.
    title : str
        The table's title.
    columns : tuple of Column
        The columns after the row-label columns (variable, level).
    rows : tuple of Row
        The rows, in display order.
    footnotes : tuple of Footnote
        The legend (marker ``""``) then one footnote per test method used.
    """

    key: str
    number: int | str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[Footnote, ...] = ()

    # Display in notebooks and conversions: the rendering lives in painresponse.render
    # (imported when asked for), so computing a table never loads a renderer.

    def _repr_html_(self) -> str:
        from painresponse.render.notebook import table_html

        return table_html(self)

    def _repr_markdown_(self) -> str:
        from painresponse.render.markdown import table_to_markdown

        return table_to_markdown(self)

    def to_polars(self) -> Any:
        """The table as a polars DataFrame in the CSV contract's columns (display text,
        unrounded p-values, ``n (…)`` columns)."""
        from painresponse.render.csv import table_to_frame

        return table_to_frame(self)

    def to_pandas(self) -> Any:
        """:meth:`to_polars` as a pandas DataFrame (needs pandas)."""
        return self.to_polars().to_pandas()

    def to_great_tables(self) -> Any:
        """The table as a ``great_tables.GT`` (needs ``painresponse[notebook]``)."""
        from painresponse.render.notebook import to_great_tables

        return to_great_tables(self)

    def pvalue_cells(self) -> list[tuple[Row, Column, PValue]]:
        """Every p-value cell with its row and column, in display order."""
        found = []
        for row in self.rows:
            for col in self.columns:
                cell = row.cell(col.key)
                if isinstance(cell, PValue):
                    found.append((row, col, cell))
        return found
