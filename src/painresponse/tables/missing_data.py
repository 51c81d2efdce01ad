"""The missing-data table (supplementary): how many analysed patients lack each value.

STROBE item 14b asks for the number of participants with missing data for each variable
of interest. One row per characteristic and one per outcome and time point, each cell
``missing (percent of the column's patients)``, computed from the same frequency tables
as Tables 1–5, so it costs nothing more at registry scale.

Examples
--------
>>> from painresponse import analyze
>>> from painresponse.synth import default_cohort_path
>>> result = analyze(default_cohort_path(), extended=True)
>>> table = result.tables["tableS8_missing_data"]
>>> table.number, table.rows[0].label
('S8', 'Age (years)')
"""

from __future__ import annotations

import polars as pl

from painresponse.cohort import GROUP
from painresponse.study import Study
from painresponse.tables.aggregate import COUNT, Aggregates
from painresponse.tables.model import Column, Footnote, Row, Table
from painresponse.tables.registry import table_spec
from painresponse.tables.summaries import count_percent

__all__ = ["MISSING_DATA_KEY", "missing_data_table"]

SPEC = table_spec("S8")
MISSING_DATA_KEY = SPEC.key


def _missing(counts: pl.DataFrame, value: str, groups: tuple[str, ...]) -> dict[str, int]:
    """Patients with ``value`` null, per group."""
    lacking = counts.filter(pl.col(value).is_null())
    return {g: int(lacking.filter(pl.col(GROUP) == g)[COUNT].sum()) for g in groups}


def _row(variable: str, label: str, level: str | None, missing: dict[str, int],
         aggregates: Aggregates) -> Row:  # fmt: skip
    sizes = aggregates.group_sizes
    cells = {"overall": count_percent(sum(missing.values()), aggregates.total)}
    cells |= {f"group:{g}": count_percent(m, sizes[g]) for g, m in missing.items()}
    recorded = {"overall": aggregates.total} | {f"group:{g}": sizes[g] for g in missing}
    return Row(variable, label, level, "level" if level else "single", dict(cells), recorded)


def missing_data_table(aggregates: Aggregates, study: Study) -> Table:
    """Table S8: missing values by variable (and outcome × time point) and group.

    Parameters
    ----------
    aggregates : Aggregates
        The frequency tables of the analysed patients.
    study : Study
        The study definition (variables in file order, outcomes and their time points).

    Returns
    -------
    Table
        Columns Patients and each group, cells ``n (%)`` of patients with the value not
        recorded (for a level-sum or index outcome: any of its dimensions).
    """
    groups = study.group_labels()
    columns = [Column("overall", "Patients", aggregates.total)]
    columns += [Column(f"group:{g}", g, aggregates.group_sizes[g]) for g in groups]
    rows: list[Row] = []
    for var in study.variables:
        counts = aggregates.variables.get(var.key)
        if counts is not None:
            rows.append(_row(var.key, var.label, None, _missing(counts, "value", groups),
                             aggregates))  # fmt: skip
    for outcome in study.outcomes:
        joint = aggregates.outcomes.get(outcome.key)
        if joint is None:
            continue
        rows.append(Row(outcome.key, outcome.label, None, "header", {}))
        for t in outcome.time_keys():
            missing = _missing(joint, t, groups)
            rows.append(_row(outcome.key, outcome.label, study.time(t).label, missing,
                             aggregates))  # fmt: skip
    note = (
        "Values are the number (percentage) of analysed patients with the value not "
        "recorded; for a score made of several items, any item not recorded."
    )
    return Table(MISSING_DATA_KEY, SPEC.number, SPEC.title,
                 tuple(columns), tuple(rows), (Footnote("", note),))  # fmt: skip
