"""A variable nobody has, a time point a group lacks, a baseline of 0: said, never blank.

Each case edits the bundled cohort and checks the tables say "not estimable" with the
reason in a footnote, that nothing crashes, and that the flow's "analysed" is the
tables' n when the responder rule cannot classify a patient.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from painresponse import analyze
from painresponse.render.csv import flow_to_frame, table_to_frame
from painresponse.render.flow_diagram import flow_figure
from painresponse.render.markdown import table_to_markdown
from painresponse.synth import load_default_cohort

COHORT = load_default_cohort().with_columns(pl.all().cast(pl.String))


def _write(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(path)
    return path


def test_variable_missing_for_everyone(tmp_path: Path) -> None:
    path = _write(COHORT.with_columns(pl.lit(None, pl.String).alias("age")), tmp_path / "a.csv")
    result = analyze(path, extended=True)
    text = table_to_markdown(result.tables["table1"])
    assert "| Age (years) | not estimable | not estimable | not estimable |" in text
    assert "| &nbsp;&nbsp;&nbsp;&nbsp;Missing | 84 | 41 | 43 |" in text
    assert "“not estimable”: no patient of the column has the value recorded" in text
    assert "not computed" in text  # the p-value's footnote gives the reason


def test_group_without_a_time_point(tmp_path: Path) -> None:
    frame = COHORT.with_columns(pl.lit(None, pl.String).alias("coldness_t4"))
    result = analyze(_write(frame, tmp_path / "c.csv"), extended=True)
    for key in ("table3", "table4", "table5"):
        text = table_to_markdown(result.tables[key])
        assert "not estimable" in text, key
    csv = table_to_frame(result.tables["table5"])
    row = csv.filter(pl.col("level") == "T4–T0").filter(pl.col("variable").str.contains("Cold"))
    assert row["n (Responder)"].item() == 0


def test_baseline_zero_leaves_before_analysed(tmp_path: Path) -> None:
    ids = COHORT["patient_id"].to_list()
    frame = COHORT.with_columns(
        pl.when(pl.col("patient_id") == ids[0]).then(pl.lit("0")).otherwise(pl.col("pain_t0"))
        .alias("pain_t0")
    )  # fmt: skip
    result = analyze(_write(frame, tmp_path / "z.csv"))
    flow = flow_to_frame(result.flow)
    analysed = flow.filter(pl.col("stage") == "analysed")["n"].item()
    assert analysed == result.flow.analysed == sum(n for _, n in result.flow.groups)
    stages = flow["stage"].to_list()
    assert stages.index("not classified") < stages.index("analysed")
    assert all(
        c.n == analysed for t in result.tables.values() for c in t.columns if c.key == "overall"
    )
    texts = [t.get_text() for t in flow_figure(result.flow).axes[0].texts]
    assert f"Analysed (n = {analysed})" in texts


@pytest.mark.parametrize("policy", ["always", "no"])
def test_missing_policy(tmp_path: Path, policy: str) -> None:
    from painresponse.study import load_study

    study = load_study()
    study = study.model_copy(
        update={"analysis": study.analysis.model_copy(update={"missing": policy})}
    )
    frame = COHORT.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise(pl.col("age")).alias("age")
    )
    result = analyze(_write(frame, tmp_path / "p.csv"), study)
    text = table_to_markdown(result.tables["table1"])
    if policy == "always":
        assert text.count("Missing |") == len([v for v in study.variables if v.table == 1])
        assert "; n = " in table_to_markdown(result.tables["table3"])
    else:
        assert "Missing |" not in text
    assert table_to_frame(result.tables["table1"])["n (Patients)"][0] == 83


def test_every_estimate_lies_inside_its_interval(tmp_path: Path) -> None:
    import math

    from painresponse.tables.model import EstimateCI

    frame = COHORT.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 0).then(None).otherwise(pl.col("eq5d_mo_t4"))
        .alias("eq5d_mo_t4")
    )  # fmt: skip
    result = analyze(_write(frame, tmp_path / "e.csv"), extended=True)
    checked = 0
    for table in result.tables.values():
        for row in table.rows:
            for cell in row.cells.values():
                if isinstance(cell, EstimateCI) and not math.isnan(cell.ci_low):
                    assert cell.ci_low - 1e-9 <= cell.estimate <= cell.ci_high + 1e-9, row
                    checked += 1
    assert checked > 100
