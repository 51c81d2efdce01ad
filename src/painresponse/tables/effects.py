"""Effect estimates with 95% CIs for Tables 1–5, computed from frequency tables.

With the extended analyses on (issue #7, item 2) every between-group row gains a
"Difference (95% CI)" cell (first group − second group) and every Table 4 row a paired
change (later − earlier) per group:

- rows shown as mean ± SD: difference in means with the t interval (Student's, or
  Welch's as the study file or the row's test says), so the estimate matches the summary
  beside it;
- rows shown as median (IQR): the Hodges–Lehmann shift with the interval of
  R ``wilcox.test(x, y, conf.int = TRUE)``; within groups the Hodges–Lehmann pseudo-median
  of the paired differences (R ``wilcox.test(later, earlier, paired = TRUE, conf.int = TRUE)``);
- categorical variables with two levels: the risk difference of each level in percentage
  points, Newcombe's hybrid score interval. A variable with more levels gets no single
  number, so its cells stay empty.

Everything runs on :class:`~painresponse.stats.distribution.Distribution` counts; the
Hodges–Lehmann estimates from counts are :mod:`painresponse.stats.location_shift_counts`.
The confidence level is the study's (``[extended] conf_level``, 95% by default).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.location_shift_counts import (
    CONF_LEVEL,
    pseudo_median_from_counts,
    shift_from_counts,
)
from painresponse.study import Study
from painresponse.tables.frequencies import Distribution
from painresponse.tables.model import Column, Empty, EstimateCI, Footnote, Row

__all__ = [
    "EFFECT",
    "between_effect",
    "effect_column",
    "effect_footnote",
    "level_effects",
    "paired_effect",
    "pseudo_median_from_counts",
    "shift_from_counts",
    "within_effect_column",
]

EFFECT = "effect"
"""Key of the between-group effect column; Table 4 uses ``effect:<group>``."""


_MEAN = "difference in means"
_MEAN_WELCH = "difference in means (Welch)"
_SHIFT = "Hodges–Lehmann shift"
_SHIFT_EXACT = "Hodges–Lehmann shift (exact interval)"
_PSEUDO = "Hodges–Lehmann change"
_PSEUDO_EXACT = "Hodges–Lehmann change (exact interval)"
_RISK = "risk difference"


def conf_level(study: Study | None) -> float:
    """The study's one confidence level (``[extended] conf_level``; 0.95 without a study)."""
    return CONF_LEVEL if study is None else float(study.extended.conf_level)


def _ci(level: float) -> str:
    """``95% CI``."""
    return f"{level:.0%} CI"


def effect_column(study: Study | None = None) -> Column:
    """The between-group column, placed after the group columns."""
    return Column(EFFECT, f"Difference ({_ci(conf_level(study))})", None, "summary")


def within_effect_column(group: str, study: Study | None = None) -> Column:
    """Table 4's paired-change column of ``group`` (labels differ per group: CSV needs it)."""
    label = f"{group}: change ({_ci(conf_level(study))})"
    return Column(f"{EFFECT}:{group}", label, None, "summary")


# ---- Hodges–Lehmann from counts -------------------------------------------------------------


def _cell(result: TestResult, digits: int, what: str, scale: float = 1.0) -> EstimateCI:
    def f(v: float | None) -> float:
        return math.nan if v is None else scale * float(v)

    details = result.details or {}
    return EstimateCI(
        f(result.estimate),
        f(result.ci_low),
        f(result.ci_high),
        digits=digits,
        conf_level=result.conf_level or CONF_LEVEL,
        what=what,
        method=result.method,
        n=sum(result.n) if result.n else None,
        low_open=details.get("ci_low_included") is False,
        high_open=details.get("ci_high_included") is False,
    )


EXACT_INTERVAL_PATIENTS = 400
"""Up to this many patients (two samples) the Hodges–Lehmann interval inverts the exact
conditional test, as the row's exact p-value does; above, the asymptotic inversion (an
exact inversion at 400 + 400 takes seconds per interval)."""
EXACT_INTERVAL_PAIRS = 1000
"""Up to this many pairs the paired interval inverts the exact signed-rank test."""


def _interval_method(study: Study | None, n: int, limit: int) -> str:
    """``exact`` where the row's p-value is exact conditional and the size allows it."""
    if study is None or study.tests.preset != "exact" or study.analysis.exact == "asymptotic":
        return "auto"
    return "exact" if n <= limit else "auto"


def between_effect(
    first: Distribution,
    second: Distribution,
    display: str,
    study: Study,
    override: str | None,
    digits: int,
) -> EstimateCI | Empty:
    """The effect cell of a numeric row: the estimate that goes with the row's summary.

    A row shown as mean ± SD gets the difference in means with its t interval (Student's,
    or Welch's when the row's test or the study says so); a row shown as median (IQR) the
    Hodges–Lehmann shift. Not estimable → an empty cell.
    """
    from painresponse.stats.choice import choose_test
    from painresponse.stats.means import ttest_ind_from_stats

    try:
        if display != "mean_sd":
            method = _interval_method(study, first.n + second.n, EXACT_INTERVAL_PATIENTS)
            shift = shift_from_counts(first, second, conf_level(study), method=method)
            return _cell(shift, digits, _SHIFT_EXACT if method == "exact" else _SHIFT)
        if first.n < 2 or second.n < 2:
            return Empty()
        choice = choose_test("continuous_normal", override=override,
                             equal_var=study.analysis.equal_var)  # fmt: skip
        welch = choice.test == "ttest_welch" or not choice.options.get(
            "equal_var", study.analysis.equal_var
        )
        res = ttest_ind_from_stats(
            first.mean(), first.sd(), first.n, second.mean(), second.sd(), second.n,
            equal_var=not welch, conf_level=conf_level(study),
        )  # fmt: skip
        return _cell(res, digits, _MEAN_WELCH if welch else _MEAN)
    except StatisticsError:
        return Empty()


def paired_effect(
    differences: Distribution, digits: int, study: Study | None = None
) -> EstimateCI | Empty:
    """Table 4's cell: Hodges–Lehmann pseudo-median of later − earlier.

    With the study's exact tests and at most :data:`EXACT_INTERVAL_PAIRS` pairs, the
    interval inverts the exact signed-rank test (zeros dropped at each shift), so it
    excludes 0 exactly when the row's exact p-value is below 0.05.
    """
    magnitudes = np.unique(np.abs(differences.values[differences.values != 0]))
    # the exact inversion is kept to 1,000 pairs (400 with more than 100 distinct |d|): the
    # signed-rank p-value itself is exact up to 5,000 pairs, so between those sizes the row's
    # p is exact and its interval asymptotic (the footnote says which)
    limit = EXACT_INTERVAL_PAIRS if magnitudes.size <= 100 else 400
    method = _interval_method(study, differences.n, limit)
    try:
        result = pseudo_median_from_counts(differences, conf_level(study), method=method)
        return _cell(result, digits, _PSEUDO_EXACT if method == "exact" else _PSEUDO)
    except StatisticsError:
        return Empty()


def level_effects(
    table: np.ndarray, digits: int, level: float = CONF_LEVEL
) -> list[EstimateCI | Empty]:
    """Risk difference (percentage points) of each level, first − second group.

    ``table`` is levels × groups (two groups). Only a variable with exactly two levels
    gets numbers; with more levels one difference does not summarise the comparison.
    """
    from painresponse.stats.effects import risk_difference

    table = np.asarray(table, dtype=np.int64)
    if table.shape[0] != 2 or table.shape[1] != 2:
        return [Empty() for _ in range(table.shape[0])]
    totals = table.sum(axis=0)
    out: list[EstimateCI | Empty] = []
    for i in range(2):
        events = table[i]
        try:
            res = risk_difference(
                [[events[0], totals[0] - events[0]], [events[1], totals[1] - events[1]]],
                conf_level=level,
            )
        except StatisticsError:
            out.append(Empty())
            continue
        out.append(_cell(res, digits, _RISK, scale=100.0))
    return out


# ---- footnote -------------------------------------------------------------------------------

_EXPLAINED = {
    _MEAN: "for rows shown as mean ± SD, the difference in means with Student's t interval",
    _MEAN_WELCH: "for rows shown as mean ± SD, the difference in means with Welch's t interval",
    _SHIFT: (
        "for rows shown as median (IQR), the Hodges–Lehmann shift (median of all "
        "between-group differences) with the interval that inverts the Wilcoxon rank-sum "
        "test"
    ),
    _RISK: (
        "for two-level categorical variables, the risk difference of each level in "
        "percentage points with Newcombe's hybrid score (Wilson) interval (none for more "
        "levels)"
    ),
    _PSEUDO: (
        "Hodges–Lehmann pseudo-median of the paired differences (later − earlier) with the "
        "interval that inverts the Wilcoxon signed-rank test"
    ),
    _SHIFT_EXACT: (
        "for rows shown as median (IQR), the Hodges–Lehmann shift (median of all "
        "between-group differences) with the interval that inverts the exact conditional "
        "rank-sum test, so it excludes 0 exactly when the row's P-value is below 0.05"
    ),
    _PSEUDO_EXACT: (
        "Hodges–Lehmann pseudo-median of the paired differences (later − earlier) with the "
        "interval that inverts the exact conditional signed-rank test (zeros dropped at each "
        "shift), so it excludes 0 exactly when the row's P-value is below 0.05"
    ),
}


def effect_footnote(
    rows: Iterable[Row], columns: Iterable[Column], study: Study
) -> Footnote | None:
    """One line naming the estimates in the table's effect columns and how their CIs arise."""
    keys = [c.key for c in columns if c.key == EFFECT or c.key.startswith(f"{EFFECT}:")]
    if not keys:
        return None
    seen: list[str] = []
    asymptotic = degenerate = open_end = False
    for row in rows:
        for key in keys:
            cell = row.cells.get(key)
            if isinstance(cell, EstimateCI):
                if cell.what not in seen:
                    seen.append(cell.what)
                asymptotic |= "asymptotic" in cell.method
                degenerate |= cell.ci_low == cell.ci_high
                open_end |= cell.low_open or cell.high_open
    if not seen:
        return None
    if EFFECT in keys:
        first, second = study.group_labels()
        lead = f"Difference ({_ci(conf_level(study))}), {first} − {second}"
    else:
        lead = f"Change ({_ci(conf_level(study))})"
    alpha = f"{1 - conf_level(study):.2g}"
    text = f"{lead}: " + "; ".join(_EXPLAINED[w].replace("0.05", alpha) for w in seen) + "."
    if asymptotic:
        text += (
            " With ties, the interval inverts the rank test's normal approximation with "
            "continuity correction (Bauer 1972), as R reports by default."
        )
    if open_end:
        text += (
            " An end written <x or >x is open: the exact test rejects that value itself "
            "(discrete data), though it accepts every value between it and the estimate."
        )
    if degenerate:
        text += (
            " An interval of zero width (the estimate repeated) means that the pairwise "
            "differences around the estimate are all equal, as happens with tied integer "
            "scores; it is not a rounding error."
        )
    return Footnote("", text)
