"""Table cells of the extended analyses: estimates with confidence intervals, proportions.

Like :mod:`painresponse.tables.model`, cells hold unrounded floats and a ``digits``
instruction; :mod:`painresponse.render.format_extended` turns them into text.

Examples
--------
>>> cell = EstimateCI(-2.0, -3.0, -1.5, digits=1)
>>> cell.is_missing
False
>>> Proportion(12, 40, 0.3, 0.17, 0.46).percent
30.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["EstimateCI", "ExtendedCell", "Number", "Proportion"]


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
