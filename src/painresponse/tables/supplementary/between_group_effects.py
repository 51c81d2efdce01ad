"""Between-group effect estimates: Hodges–Lehmann shift (responder − non-responder).

For every outcome the shift is estimated at each time point and for each change score of
the study's comparisons, with the interval of R ``wilcox.test(conf.int = TRUE)``.
"""

from __future__ import annotations

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats.location_shift import hodges_lehmann
from painresponse.tables.model import Column, Footnote, PValue, Row, Table
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import estimate_cell, make_row, note_cell

__all__ = ["between_group_effects"]

SPEC = table_spec("S7")
KEY = SPEC.key


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
    resp, nonresp = data.group_mask(yes), data.group_mask(no)
    level = data.options.conf_level
    rows: list[Row] = []
    for outcome in data.study.outcomes:
        label = data.outcome_label(outcome)
        digits = (
            3
            if data.options.eq5d_summary.startswith("index:") and outcome.summary != "value"
            else 1
        )
        rows.append(make_row(outcome.key, label, None, "header", {}))
        series: list[tuple[str, np.ndarray]] = []
        for t in outcome.time_keys():
            series.append((data.time_label(t), data.values(outcome, t)))
        for later, earlier in data.study.comparisons():
            if later in outcome.time_keys() and earlier in outcome.time_keys():
                change = data.values(outcome, later) - data.values(outcome, earlier)
                series.append((f"{data.time_label(later)}–{data.time_label(earlier)}", change))
        for name, values in series:
            try:
                res = hodges_lehmann(values[resp], values[nonresp], conf_level=level)
            except StatisticsError as exc:
                rows.append(
                    make_row(outcome.key, label, name, "level", {"shift": note_cell(str(exc))})
                )
                continue
            cells = {
                "shift": estimate_cell(res, digits, "Hodges–Lehmann shift"),
                "p": PValue(res, "Wilcoxon rank-sum test paired with the Hodges–Lehmann interval"),
            }
            rows.append(make_row(outcome.key, label, name, "level", cells))
    columns = (
        Column("shift", f"{yes} − {no}: Hodges–Lehmann shift ({level:.0%} CI)"),
        Column("p", "P-value", kind="pvalue"),
    )
    notes = (
        Footnote(
            "",
            "Hodges–Lehmann shift: median of all pairwise differences between a responder and "
            "a non-responder; interval and p-value from the Wilcoxon rank-sum test as in R "
            "wilcox.test(conf.int = TRUE) (normal approximation with continuity correction "
            "when there are ties). Change scores are later minus earlier.",
        ),
    )
    return Table(
        KEY,
        SPEC.number,
        SPEC.title,
        columns,
        tuple(rows),
        notes,
    )
