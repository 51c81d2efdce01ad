"""Between-group effect estimates: Hodges–Lehmann shift (responder − non-responder).

For every outcome the shift is estimated at each time point and for each change score of
the study's comparisons. Where Table 3 (time points shown as median) or Table 5 (change
scores) already holds that shift and its rank-sum p-value, they are reused; otherwise the
same functions compute them (:func:`painresponse.tables.effects.between_effect`,
:func:`painresponse.tables.tests_run.between_groups_numeric`), with the same circularity
guard, so a number never differs between two tables.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from painresponse.stats.distribution import Distribution
from painresponse.study import Outcome
from painresponse.tables.circularity import CIRCULAR_MARK, circular_footnote, guard
from painresponse.tables.effects import between_effect, conf_level
from painresponse.tables.model import (
    Cell,
    Column,
    Empty,
    EstimateCI,
    Footnote,
    PValue,
    Row,
    Table,
)
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import make_row, note_cell
from painresponse.tables.tests_run import between_groups_numeric

__all__ = ["between_group_effects"]

SPEC = table_spec("S7")
KEY = SPEC.key
_SHIFTS = ("Hodges–Lehmann shift", "Hodges–Lehmann shift (exact interval)")


def _shift(
    data: Analysed, outcome: Outcome, name: str, times: tuple[str, ...], values: np.ndarray
) -> dict[str, Cell]:
    """The shift and its p-value for one row: reused from Table 3/5 or computed alike."""
    paper = data.paper_row("table5" if len(times) == 2 else "table3", outcome, name)
    if paper is not None:
        effect, test = paper.cells.get("effect"), paper.cells.get("p")
        if isinstance(effect, EstimateCI) and effect.what in _SHIFTS and isinstance(test, PValue):
            return {"shift": effect, "p": test}
    yes, no = data.labels
    first = Distribution.from_values(values[data.group_mask(yes)])
    second = Distribution.from_values(values[data.group_mask(no)])
    study = data.study
    digits = 3 if not data.same_as_paper(outcome) else outcome.digits
    shift = between_effect(first, second, "median_iqr", study, None, digits)
    if isinstance(shift, Empty):
        return {"shift": note_cell("not estimable")}
    test = between_groups_numeric(first, second, "continuous_nonnormal", study, None)
    return {"shift": shift, "p": guard(test, study, outcome.key, times)}


def between_group_effects(data: Analysed) -> Table:
    """Table of Hodges–Lehmann shifts between the groups, with 95% CIs and p-values.

    Parameters
    ----------
    data : Analysed
        The analysed patients, the study and the extended options.

    Returns
    -------
    Table
        Key ``"tableS7_between_group_effects"``; one block per outcome: a row per time
        point and per change score (later − earlier). Columns: the shift and its interval
        (``"shift"``) and the rank-sum p-value that goes with it (``"p"``).

    Notes
    -----
    The shift is the median of all differences ``x_i − y_j`` (responder minus
    non-responder); with ties (always, for 0–10 scores) R reports, and we report, the root
    of the continuity-corrected normal-approximation statistic, and the interval inverts
    the same test (Bauer 1972).
    """
    yes, no = data.labels
    level = conf_level(data.study)
    rows: list[Row] = []
    for outcome in data.study.outcomes:
        label = data.outcome_label(outcome)
        rows.append(make_row(outcome.key, label, None, "header", {}))
        series: list[tuple[str, tuple[str, ...], np.ndarray]] = []
        for t in outcome.time_keys():
            series.append((data.time_label(t), (t,), data.values(outcome, t)))
        for later, earlier in data.study.comparisons():
            if later in outcome.time_keys() and earlier in outcome.time_keys():
                change = data.values(outcome, later) - data.values(outcome, earlier)
                name = f"{data.time_label(later)}–{data.time_label(earlier)}"
                series.append((name, (later, earlier), change))
        for name, times, values in series:
            cells = _shift(data, outcome, name, times, values)
            test = cells.get("p")
            if isinstance(test, PValue):
                # Table 3/5's legend letters do not travel; † does
                mark = CIRCULAR_MARK if test.defines_groups else ""
                cells["p"] = dataclasses.replace(test, marker=mark)
            rows.append(make_row(outcome.key, label, name, "level", cells))
    columns = (
        Column("shift", f"{yes} − {no}: Hodges–Lehmann shift ({level:.0%} CI)"),
        Column("p", "P-value", kind="pvalue"),
    )
    notes = [
        Footnote(
            "",
            "Hodges–Lehmann shift: median of all pairwise differences between a responder and "
            "a non-responder, with the interval that inverts the Wilcoxon rank-sum test, and "
            "that test's p-value: exact conditional where Tables 3 and 5 are, else the normal "
            "approximation with continuity correction. Change scores are later minus earlier; "
            "rows shown in Tables 3 and 5 carry the same numbers there.",
        ),
    ]
    if any(isinstance(c, PValue) and c.defines_groups for r in rows for c in r.cells.values()):
        notes.append(circular_footnote(data.study))
    return Table(
        KEY,
        SPEC.number,
        SPEC.title,
        columns,
        tuple(rows),
        tuple(notes),
    )
