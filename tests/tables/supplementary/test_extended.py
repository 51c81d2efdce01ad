"""Behaviour of build_extended: every table present, bad input reported in words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from painresponse.errors import StudyDefinitionError
from painresponse.render.format import PLAIN
from painresponse.render.format import format_cell as format_extended_cell
from painresponse.stats.models import fit_logistic
from painresponse.study import ExtendedOptions
from painresponse.tables.model import EstimateCI, Number, Proportion, Text
from painresponse.tables.supplementary import build_extended
from painresponse.tables.supplementary._demo import demo_frame

KEYS = {
    "tableS1_mixed_model",
    "tableS2_responder_rates",
    "tableS3_predictors",
    "tableS4_friedman",
    "tableS5_eq5d_index",
    "tableS6_roc",
    "tableS7_between_group_effects",
    "tableS10_cpra",
}


@pytest.fixture(scope="module")
def ext():  # type: ignore[no-untyped-def]
    frame, study = demo_frame()
    return build_extended(frame, study)


def test_every_table_is_built(ext) -> None:  # type: ignore[no-untyped-def]
    assert set(ext.tables) == KEYS
    assert [t.number for t in ext.tables.values()] == [
        "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S10"
    ]  # fmt: skip
    for table in ext.tables.values():
        for row in table.rows:
            for cell in row.cells.values():
                text = format_extended_cell(cell, PLAIN)
                assert text is None or isinstance(text, str)


def test_separation_is_marked_not_a_number(ext) -> None:  # type: ignore[no-untyped-def]
    rows = [
        r
        for r in ext.tables["tableS3_predictors"].rows
        if r.variable == "surgery_range" and r.level == "3"
    ]
    assert isinstance(rows[0].cell("or_uni"), Text)
    assert "separation" in rows[0].cell("or_uni").text  # type: ignore[union-attr]
    assert any("separation" in m for m in ext.messages)


def test_mixed_model_states_assumptions(ext) -> None:  # type: ignore[no-untyped-def]
    notes = " ".join(f.text for f in ext.tables["tableS1_mixed_model"].footnotes)
    assert (
        "random intercept" in notes and "missing at random" in notes and "likelihood-ratio" in notes
    )


def test_unknown_value_set_is_a_study_error() -> None:
    frame, study = demo_frame()
    with pytest.raises(StudyDefinitionError, match="available"):
        build_extended(frame, study, ExtendedOptions(eq5d_summary="index:XX"))


def test_index_summary_and_missing_dimensions() -> None:
    frame, study = demo_frame()
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < 3)
        .then(None)
        .otherwise(pl.col("eq5d_mo_t1"))
        .alias("eq5d_mo_t1")
    )
    ext = build_extended(frame, study, ExtendedOptions(eq5d_summary="index:KR"))
    assert any("3 patients have a dimension missing" in m for m in ext.messages)
    incomplete = [
        r
        for r in ext.tables["tableS5_eq5d_index"].rows
        if r.variable == "eq5d:incomplete" and r.level == "T1"
    ]
    assert (
        isinstance(incomplete[0].cell("overall"), Number)
        and incomplete[0].cell("overall").value == 3
    )  # type: ignore[union-attr]
    assert "index" in ext.tables["tableS1_mixed_model"].rows[3].label


def test_epv_warning_and_index_anchor_fallback() -> None:
    frame, study = demo_frame()
    opts = ExtendedOptions(
        multivariable=[
            "age",
            "sex",
            "bmi",
            "diagnosis",
            "lesion_level",
            "lesion_severity",
            "surgery_type",
            "block_side",
        ],
        roc_anchor="index",
    )
    ext = build_extended(frame, study, opts)
    assert any("events per variable" in m for m in ext.messages)
    assert any("roc_index_mid" in m for m in ext.messages)


def test_logistic_problems_are_words() -> None:
    y = np.array([1.0, 1, 0, 0])
    assert (
        fit_logistic(y, {"x": np.array([5.0, 6, 1, 2])}).message is not None
    )  # complete separation
    assert (
        fit_logistic(np.ones(4), {"x": np.arange(4.0)}).message == "every patient is in one group"
    )


def test_formatting() -> None:
    assert format_extended_cell(EstimateCI(float("nan"), 0, 1), PLAIN) == "—"
    assert (
        format_extended_cell(Proportion(0, 0, float("nan"), float("nan"), float("nan")), PLAIN)
        == "—"
    )
    assert (
        format_extended_cell(EstimateCI(1.234, 0.5, 2.0, digits=2), PLAIN) == "1.23 (0.50 to 2.00)"
    )


def test_figures_are_written(ext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from painresponse.render.extended_figures import write_extended_figures

    paths = write_extended_figures(ext, tmp_path)
    assert [p.name for p in paths][::2] == [
        "figureS1_responder_curves.svg",
        "figureS2_roc.svg",
        "figureS3_forest.svg",
    ]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_roc_rows_name_their_quantity(ext) -> None:  # type: ignore[no-untyped-def]
    rows = ext.tables["tableS6_roc"].rows
    assert all(r.kind == "single" and r.level is None for r in rows)
    labels = [r.label for r in rows]
    assert labels[:5] == [
        "Predictor",
        "Improvement in quality of life",
        "Patients improved",
        "Patients not improved",
        "AUC (95% CI)",
    ]
    assert not any(label.startswith("ROC") for label in labels)


def test_every_level_row_follows_its_header(ext) -> None:  # type: ignore[no-untyped-def]
    for table in ext.tables.values():
        current = None
        for row in table.rows:
            if row.kind == "header":
                current = row.variable
            elif row.kind == "level":
                assert row.variable == current, (table.key, row.label, row.level)
            else:
                current = None


def test_agreement_counts_sit_in_one_column(ext) -> None:  # type: ignore[no-untyped-def]
    table = ext.tables["tableS2_responder_rates"]
    assert table.columns[-1].key == "agreement" and table.columns[-1].n == 84
    block = [r for r in table.rows if r.variable == "agreement" and r.kind == "level"]
    counts = [r.cell("agreement") for r in block[:4]]
    assert [r.level for r in block[:4]] == [
        "Responder at both",
        "Responder at T1 only",
        "Responder at T4 only",
        "Responder at neither",
    ]
    assert sum(c.count for c in counts) == 84  # type: ignore[union-attr]
    assert all(set(r.cells) == {"agreement"} for r in block)
