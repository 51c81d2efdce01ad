"""EQ-5D-5L index values by value set, time point and group, beside the level sum score."""

from __future__ import annotations

import numpy as np

from painresponse._words import counted
from painresponse.eq5d import VALUE_SETS, available_value_sets, incomplete_states
from painresponse.tables.model import Column, Footnote, MeanSD, Number, Row, Table
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed, is_eq5d
from painresponse.tables.supplementary._rows import make_row

__all__ = ["eq5d_index_table"]

SPEC = table_spec("S5")
KEY = SPEC.key


def _mean_sd(values: np.ndarray, digits: int) -> MeanSD:
    ok = values[~np.isnan(values)]
    sd = float(ok.std(ddof=1)) if ok.size > 1 else float("nan")
    return MeanSD(
        float(ok.mean()) if ok.size else float("nan"),
        sd,
        int(ok.size),
        int(values.size - ok.size),
        digits,
    )


def _table_value_sets(data: Analysed) -> list[str]:
    """The value sets the table shows: KR, US, ENG (as before 44 were bundled) and the study's."""
    chosen = ["KR", "US", "ENG", data.options.eq5d_value_set, data.options.summary_value_set]
    return [c for c in dict.fromkeys(chosen) if c is not None and c in available_value_sets()]


def eq5d_index_table(data: Analysed) -> tuple[Table | None, list[str]]:
    """Mean ± SD of the EQ-5D-5L index (KR, US, ENG and the study's value set), and the level sum.

    Returns
    -------
    table : Table or None
        Key ``"tableS5_eq5d_index"`` (None when the study has no EQ-5D-5L outcome). One
        block per summary (level sum, then each value set), one row per time point, a
        column per group and overall; a last block counts incomplete states (a dimension
        missing → no index) per time point.
    messages : list of str
        Incomplete states, in words.
    """
    eq5d = next((o for o in data.study.outcomes if is_eq5d(o)), None)
    if eq5d is None:
        return None, []
    groups = {"overall": np.ones(data.frame.height, dtype=bool)}
    groups.update({f"group:{g}": data.group_mask(g) for g in data.labels})
    rows: list[Row] = []
    summaries = [("level_sum", f"{eq5d.label} level sum score (5–25)", 1)]
    summaries += [
        (f"index:{c}", f"{eq5d.label} index, {VALUE_SETS[c].name}" if c in VALUE_SETS else c, 3)
        for c in _table_value_sets(data)
    ]
    for summary, label, digits in summaries:
        rows.append(make_row(f"eq5d:{summary}", label, None, "header", {}))
        for t in eq5d.time_keys():
            values = data.values(eq5d, t, summary)
            cells: dict[str, object] = {k: _mean_sd(values[m], digits) for k, m in groups.items()}
            rows.append(make_row(f"eq5d:{summary}", label, data.time_label(t), "level", cells))
    messages = []
    label = "Incomplete EQ-5D-5L states (no index value)"
    rows.append(make_row("eq5d:incomplete", label, None, "header", {}))
    for t in eq5d.time_keys():
        missing = incomplete_states(data.dimensions(eq5d, t))
        counts: dict[str, object] = {k: Number(int(missing[m].sum()), 0) for k, m in groups.items()}
        rows.append(make_row("eq5d:incomplete", label, data.time_label(t), "level", counts))
        if missing.any():
            messages.append(
                f"EQ-5D-5L at {data.time_label(t)}: "
                f"{counted(int(missing.sum()), 'patient has', 'patients have')} a dimension "
                "missing and no index value."
            )
    columns = [Column("overall", "Patients", data.frame.height)]
    columns += [Column(f"group:{g}", g, int(data.group_mask(g).sum())) for g in data.labels]
    refs = "; ".join(
        f"{c}: {VALUE_SETS[c].reference}" for c in _table_value_sets(data) if c in VALUE_SETS
    )
    notes = (
        Footnote(
            "",
            "Values are mean ± SD. The level sum score (5–25, higher is worse) is the "
            "paper's summary; EuroQol advises index values from a value set instead "
            "(1 = full health, higher is better; values below 0 are worse than dead).",
        ),
        Footnote("", f"Value sets: {refs}"),
    )
    return Table(KEY, SPEC.number, SPEC.title, tuple(columns), tuple(rows), notes), messages
