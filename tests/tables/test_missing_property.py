"""Every patient counted, every n shown: blank random cells, then recompute by hand.

Hypothesis blanks random cells of the bundled cohort (any column but the ID) and sets a
few baselines to 0, runs the whole analysis, and recomputes independently, in plain
Python from the rows written to the CSV file:

- the flow's boxes (completeness exclusions, the unclassified, each group) and
  flow.csv's "analysed", which must equal every table's ``Patients (n = N)``;
- for every characteristic, the n behind its summary per column, its "Missing" line
  and (numeric) the mean and SD;
- for Tables 3–5, the n per time point, the pairs of Table 4 and Table 5 and the
  ``n``/``n_missing`` of every paired test in the results.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painresponse import analyze
from painresponse.render.csv import flow_to_frame, results_frame, table_to_frame
from painresponse.synth import load_default_cohort
from painresponse.tables.model import MeanSD, Text

COHORT = load_default_cohort().with_columns(pl.all().cast(pl.String))
COLUMNS = [c for c in COHORT.columns if c != "patient_id"]
GROUPS = ("Responder", "Non-responder")
EQ5D = {t: [f"eq5d_{d}_{t}" for d in ("mo", "sc", "ua", "pd", "ad")] for t in ("t0", "t1", "t4")}
TIMES = {"t0": "T0", "t1": "T1", "t4": "T4"}


def _number(text: str | None) -> float | None:
    return None if text in (None, "") else float(text)  # type: ignore[arg-type]


def _outcome(row: dict[str, str | None], key: str, t: str) -> float | None:
    if key == "eq5d":
        items = [_number(row[c]) for c in EQ5D[t]]
        return None if any(v is None for v in items) else sum(items)  # type: ignore[misc]
    return _number(row[f"{key}_{t}"])


def _place(row: dict[str, str | None]) -> str:
    """Where the study puts a patient: a completeness reason, unclassified, or a group."""
    for t in ("t0", "t1", "t4"):
        if _number(row[f"pain_{t}"]) is None:
            return f"completeness:{t}"
    t0, t1 = _number(row["pain_t0"]), _number(row["pain_t1"])
    assert t0 is not None and t1 is not None
    if t0 == 0:
        return "unclassified"
    return GROUPS[0] if (t0 - t1) / t0 * 100 >= 50 else GROUPS[1]


@st.composite
def blanked(draw: st.DrawFn) -> list[tuple[int, str, str]]:
    """Cells to change: (row index, column, new text)."""
    n_rows = COHORT.height
    blanks = draw(
        st.lists(
            st.tuples(st.integers(0, n_rows - 1), st.sampled_from(COLUMNS)),
            min_size=1,
            max_size=40,
        )
    )
    zeros = draw(st.lists(st.integers(0, n_rows - 1), max_size=2))
    return [(i, c, "") for i, c in blanks] + [(i, "pain_t0", "0") for i in zeros]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=blanked())
def test_every_n_recomputed_by_hand(tmp_path: Path, changes: list[tuple[int, str, str]]) -> None:
    rows: list[dict[str, str | None]] = [dict(r) for r in COHORT.iter_rows(named=True)]
    for i, column, text in changes:
        rows[i][column] = text
    path = tmp_path / "cohort.csv"
    pl.DataFrame(rows, schema={c: pl.String for c in COHORT.columns}).write_csv(path)
    rows = [{k: (v if v not in ("", None) else None) for k, v in r.items()} for r in rows]
    result = analyze(path, extended=False)

    # the flow, by hand
    places = [_place(r) for r in rows]
    groups = {g: [r for r, p in zip(rows, places, strict=True) if p == g] for g in GROUPS}
    assert dict(result.flow.groups) == {g: len(v) for g, v in groups.items()}
    unclassified = sum(p == "unclassified" for p in places)
    by_stage: dict[str, int] = {}
    for e in result.flow.exclusions:
        by_stage[e.stage] = by_stage.get(e.stage, 0) + e.count
    assert by_stage.get("classification", 0) == unclassified
    assert by_stage.get("completeness", 0) == sum(p.startswith("completeness") for p in places)
    analysed = sum(len(v) for v in groups.values())
    flow = flow_to_frame(result.flow)
    assert flow.filter(pl.col("stage") == "analysed")["n"].item() == analysed
    for table in result.tables.values():
        overall = [c for c in table.columns if c.key == "overall"]
        assert not overall or overall[0].n == analysed

    # characteristics: n behind each summary, Missing lines, means and SDs
    study = result.study
    for var in study.variables:
        table = result.tables[f"table{var.table}"]
        var_rows = [r for r in table.rows if r.variable == var.key]
        head = var_rows[0]
        missing_rows = [r for r in var_rows if r.level == "Missing"]
        lacking_any = any(r[var.column] is None for g in GROUPS for r in groups[g])
        assert bool(missing_rows) == lacking_any, var.key  # analysis.missing = "ifany"
        for g in GROUPS:
            values = [r[var.column] for r in groups[g]]
            recorded = [v for v in values if v is not None]
            assert head.n[f"group:{g}"] == len(recorded), (var.key, g)
            if missing_rows:
                cell = missing_rows[0].cells[f"group:{g}"]
                assert isinstance(cell, Text) and cell.text == str(len(values) - len(recorded))
            summary = head.cells.get(f"group:{g}")
            if isinstance(summary, MeanSD) and len(recorded) >= 2:
                numbers = [float(v) for v in recorded]
                assert summary.mean == pytest.approx(statistics.fmean(numbers), abs=1e-9)
                assert summary.sd == pytest.approx(statistics.stdev(numbers), abs=1e-9)

    # outcomes: Table 3 n per time, Table 4 pairs, Table 5 pairs, paired tests' n_missing
    results = results_frame(result.tables)
    for outcome in study.outcomes:
        for t, label in TIMES.items():
            row = next(
                r for r in result.tables["table3"].rows
                if r.variable == outcome.key and r.level == label
            )  # fmt: skip
            for g in GROUPS:
                n = sum(_outcome(r, outcome.key, t) is not None for r in groups[g])
                assert row.n[f"group:{g}"] == n
                cell = row.cells[f"group:{g}"]
                assert getattr(cell, "show_n", False) == (n < len(groups[g]))
        for later, earlier in study.comparisons():
            pairs = {
                g: sum(
                    _outcome(r, outcome.key, later) is not None
                    and _outcome(r, outcome.key, earlier) is not None
                    for r in groups[g]
                )
                for g in GROUPS
            }
            vs = f"{TIMES[later]} vs. {TIMES[earlier]}"
            row4 = next(
                r for r in result.tables["table4"].rows
                if r.variable == outcome.key and r.level == vs
            )  # fmt: skip
            row5 = next(
                r for r in result.tables["table5"].rows
                if r.variable == outcome.key and r.level == f"{TIMES[later]}–{TIMES[earlier]}"
            )  # fmt: skip
            for g in GROUPS:
                assert row4.n[f"group:{g}"] == pairs[g]
                assert row5.n[f"group:{g}"] == pairs[g]
                test = results.filter(
                    (pl.col("table") == "table4")
                    & (pl.col("variable") == outcome.label)
                    & (pl.col("level") == vs)
                    & (pl.col("group") == g)
                )
                if pairs[g] and test.height:
                    assert test["n_missing"].item() == str(len(groups[g]) - pairs[g])
            csv = table_to_frame(result.tables["table5"])
            line = csv.filter(
                (pl.col("variable") == outcome.label)
                & (pl.col("level") == f"{TIMES[later]}–{TIMES[earlier]}")
            )
            assert line["n (Patients)"].item() == sum(pairs.values())
    assert math.isfinite(analysed)
