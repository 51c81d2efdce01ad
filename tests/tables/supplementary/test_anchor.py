"""Anchor-based clinically important change (Table S11): against pROC, bad input.

Reference: ``tests/reference/make_anchor_reference.R`` → ``anchor_cpra.json`` (R 4.2, pROC
1.18). R draws a synthetic PGIC (7 levels) from the pain change plus noise (the bundled
cohort has none); the tests attach it to the demo frame by ``patient_id``. Compared, for
the PGIC and the EQ-5D anchors, the reduction in points and in percent, all patients and
the baseline strata 4–6 and 7–10 (12 analyses): AUC and DeLong interval
(``ci.auc(method = "delong")``), every Youden-tied threshold with its sensitivity and
specificity (``coords("best", best.method = "youden")``) and the chosen one, the
mean-change estimates — all 1e-9 absolute. The bootstrap intervals are compared on R's own
stratified resamples (stored indices) for two analyses, 1e-9 absolute; numpy and R draw
different random streams, so only the same resamples can be compared.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from painresponse.stats.thresholds import (
    _interval,
    _replicates,
    anchor_thresholds,
    youden_cutoff,
)
from painresponse.study import ExtendedOptions, Study, Variable
from painresponse.tables.model import EstimateCI, Number, Text
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._demo import demo_frame
from painresponse.tables.supplementary.anchor import AnchorResult, anchor_table
from painresponse.tables.supplementary.roc import roc_table

REF = Path(__file__).resolve().parents[2] / "reference" / "anchor_cpra.json"
IMPROVED = ["Much improved", "Very much improved"]


@pytest.fixture(scope="module")
def ref() -> dict[str, Any]:
    return json.loads(REF.read_text(encoding="utf-8"))["anchor"]  # type: ignore[no-any-return]


def _with_pgic(ref: dict[str, Any], levels: list[str] | None = None) -> tuple[pl.DataFrame, Study]:
    """The demo frame with R's synthetic PGIC column, and the study with its variable."""
    frame, study = demo_frame()
    pgic = pl.DataFrame({"patient_id": ref["pgic"]["patient_id"], "pgic": ref["pgic"]["level"]})
    frame = frame.join(pgic, on="patient_id", how="left", maintain_order="left")
    variable = Variable(
        key="pgic",
        column="pgic",
        label="PGIC",
        kind="ordinal",
        table=3,
        levels=levels or ref["pgic"]["levels"],
    )
    return frame, study.model_copy(update={"variables": [*study.variables, variable]})


def _run(frame: pl.DataFrame, study: Study, **options: Any) -> tuple[Any, Any, list[str]]:
    return anchor_table(Analysed(frame, study, ExtendedOptions(**options)))


@pytest.fixture(scope="module")
def results(ref: dict[str, Any]) -> dict[str, AnchorResult]:
    frame, study = _with_pgic(ref)
    out = {}
    for anchor, extra in (("pgic", {"anchor_improved_levels": IMPROVED}), ("eq5d", {})):
        _, result, _ = _run(frame, study, anchor=anchor, anchor_bootstrap=0, **extra)
        out[anchor] = result
    return out


def _as_list(value: Any) -> list[float]:
    return [float(v) for v in (value if isinstance(value, list) else [value])]


CASES = json.loads(REF.read_text(encoding="utf-8"))["anchor"]["analyses"]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['anchor']}-{c['kind']}-{c['stratum']}" for c in CASES]
)
def test_matches_proc(case: dict[str, Any], results: dict[str, AnchorResult]) -> None:
    result = results[case["anchor"]]
    stratum = "All patients" if case["stratum"] == "all" else case["stratum"]
    analysis = next(a for a in result.analyses if (a.stratum, a.kind) == (stratum, case["kind"]))
    res = analysis.result
    assert res is not None
    assert (res.youden.n_improved, res.youden.n_not_improved) == (
        case["n_improved"],
        case["n_not_improved"],
    )
    assert res.roc.auc == pytest.approx(case["auc"], abs=1e-9)
    assert res.roc.ci[0] == pytest.approx(case["auc_ci_low"], abs=1e-9)
    assert res.roc.ci[1] == pytest.approx(case["auc_ci_high"], abs=1e-9)
    np.testing.assert_allclose(
        res.youden.details["tied_cutoffs"], _as_list(case["youden_thresholds"]), atol=1e-9
    )
    assert res.youden.estimate == pytest.approx(case["youden_chosen"], abs=1e-9)
    assert res.youden.details["sensitivity"] == pytest.approx(
        case["youden_chosen_sensitivity"], abs=1e-9
    )
    assert res.youden.details["specificity"] == pytest.approx(
        case["youden_chosen_specificity"], abs=1e-9
    )
    assert res.mean_change.estimate == pytest.approx(case["mean_change"], abs=1e-9)
    assert res.mean_difference.estimate == pytest.approx(case["mean_difference"], abs=1e-9)


def _analysis_inputs(case: dict[str, Any], ref: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The change and the anchor of ``case``, in R's patient order."""
    frame, _ = _with_pgic(ref)
    frame = frame.filter(pl.col("patient_id").is_in(case["patient_id"]))
    assert frame["patient_id"].to_list() == case["patient_id"]
    pain0, pain1 = frame["pain_t0"].to_numpy(), frame["pain_t1"].to_numpy()
    change = pain0 - pain1 if case["kind"] == "absolute" else (pain0 - pain1) / pain0 * 100
    if case["anchor"] == "pgic":
        return change.astype(float), frame["pgic"].is_in(IMPROVED).to_numpy()
    dims = ("mo", "sc", "ua", "pd", "ad")
    level_sum = {t: sum(frame[f"eq5d_{d}_{t}"].to_numpy() for d in dims) for t in ("t0", "t1")}
    return change.astype(float), np.asarray(level_sum["t1"] - level_sum["t0"] <= -1, dtype=bool)


@pytest.mark.parametrize("name", ["pgic-absolute-all", "eq5d-percent-7–10"])
def test_bootstrap_on_r_resamples(name: str, ref: dict[str, Any]) -> None:
    case = next(c for c in ref["analyses"] if f"{c['anchor']}-{c['kind']}-{c['stratum']}" == name)
    change, improved = _analysis_inputs(case, ref)
    indices = np.asarray(case["indices"], dtype=np.intp) - 1
    boot = _replicates(change, improved, indices)
    youden = boot[~np.isnan(boot[:, 0]), 0]
    assert youden.size == case["boot_youden_used"]
    for column, key in (
        (0, "boot_youden_ci"),
        (1, "boot_mean_change_ci"),
        (2, "boot_mean_difference_ci"),
    ):
        low, high, _ = _interval(boot[:, column], 0.95)
        np.testing.assert_allclose([low, high], case[key], atol=1e-9)


def test_fast_youden_is_roc_curves(ref: dict[str, Any]) -> None:
    """The bootstrap's sorted-array Youden equals the pROC-compatible roc_curve's choice."""
    for case in ref["analyses"]:
        if "patient_id" not in case:
            continue
        change, improved = _analysis_inputs(case, ref)
        res = anchor_thresholds(change, improved, n_boot=0)
        assert youden_cutoff(change, improved) == res.youden.estimate


def test_table_layout_and_intervals(ref: dict[str, Any]) -> None:
    frame, study = _with_pgic(ref)
    table, result, messages = _run(
        frame, study, anchor="pgic", anchor_improved_levels=IMPROVED, anchor_bootstrap=400
    )
    assert table.key == "tableS11_anchor_thresholds" and table.number == "S11"
    assert [c.key for c in table.columns] == ["all", "stratum:4–6", "stratum:7–10"]
    assert [c.n for c in table.columns] == [84, 25, 54]
    assert table.rows[0].kind == "header" and "PGIC" in table.rows[0].label
    improved = table.rows[1]
    assert improved.level == "Improved" and improved.cell("all") == Number(38.0, 0)
    youden = next(r for r in table.rows if r.level and r.level.startswith("ROC: Youden"))
    cell = youden.cell("all")
    assert isinstance(cell, EstimateCI)
    assert cell.ci_low <= cell.estimate <= cell.ci_high
    assert "400 resamples" in cell.method
    assert any("below 4" in m for m in messages)
    assert result.time == "t1"
    notes = " ".join(f.text for f in table.footnotes)
    assert "PGIC: Much improved or Very much improved" in notes


def test_eq5d_anchor_agrees_with_table_s6() -> None:
    frame, study = demo_frame()
    opts = ExtendedOptions(anchor="eq5d", anchor_bootstrap=0)
    data = Analysed(frame, study, opts)
    _, result, _ = anchor_table(data)
    _, roc, _ = roc_table(data)
    assert roc is not None and result is not None
    mine = result.analyses[0].result
    assert mine is not None
    assert mine.roc.auc == roc.auc and mine.roc.ci == roc.ci
    assert mine.youden.estimate in [float(roc.thresholds[i]) for i in roc.best]


def test_seeded(ref: dict[str, Any]) -> None:
    frame, study = _with_pgic(ref)
    kw = {"anchor": "pgic", "anchor_improved_levels": IMPROVED, "anchor_bootstrap": 200}
    a = _run(frame, study, bootstrap_seed=3, **kw)[1].analyses[0].result
    b = _run(frame, study, bootstrap_seed=3, **kw)[1].analyses[0].result
    assert a.mean_change.ci_low == b.mean_change.ci_low
    assert a.mean_change.seed == 3


# ----------------------------------------------------------------------------- bad input


def _note(table: Any) -> str:
    cell = table.rows[0].cell("note")
    assert isinstance(cell, Text)
    return cell.text


def test_anchor_with_one_level_is_a_message_not_a_crash(ref: dict[str, Any]) -> None:
    frame, study = _with_pgic(ref)
    frame = frame.with_columns(pl.lit("Much improved").alias("pgic"))
    table, result, messages = _run(frame, study, anchor="pgic", anchor_improved_levels=IMPROVED)
    assert result is None
    assert "1 level" in _note(table) and "'Much improved'" in _note(table)
    assert messages == [_note(table)]


def test_every_patient_improved(ref: dict[str, Any]) -> None:
    frame, study = _with_pgic(ref)
    table, result, messages = _run(
        frame, study, anchor="pgic", anchor_improved_levels=ref["pgic"]["levels"]
    )
    assert result is None and "every patient in one class" in _note(table)
    assert len(messages) == 1


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"anchor": "pgic_missing"}, "neither 'eq5d' nor a variable"),
        ({"anchor": "age"}, "not categorical"),
        ({"anchor": "pgic"}, "needs anchor_improved_levels"),
        ({"anchor": "pgic", "anchor_improved_levels": ["Better"]}, "'Better', not a level"),
        ({"anchor": "eq5d", "anchor_time": "t0"}, "not a follow-up time"),
    ],
)
def test_unusable_anchor(options: dict[str, Any], words: str, ref: dict[str, Any]) -> None:
    frame, study = _with_pgic(ref)
    table, result, messages = _run(frame, study, **options)
    assert result is None and words in _note(table)
    assert any(words in m for m in messages)


def test_no_anchor_no_table() -> None:
    frame, study = demo_frame()
    assert anchor_table(Analysed(frame, study, ExtendedOptions())) == (None, None, [])


def test_small_stratum_gets_a_note(ref: dict[str, Any]) -> None:
    frame, study = _with_pgic(ref)
    table, result, messages = _run(
        frame,
        study,
        anchor="pgic",
        anchor_improved_levels=IMPROVED,
        anchor_bootstrap=0,
        baseline_strata=[1.0, 2.0],
    )
    single = next(a for a in result.analyses if a.stratum == "1" and a.kind == "absolute")
    assert single.result is None and "one class" in single.note
    header = next(r for r in table.rows if r.kind == "header" and r.variable == "anchor_absolute")
    assert isinstance(header.cell("stratum:1"), Text)
    assert any(m.startswith("Anchor, 1,") for m in messages)


def test_missing_anchor_values_are_counted(ref: dict[str, Any]) -> None:
    frame, study = _with_pgic(ref)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < 4).then(None).otherwise(pl.col("pgic")).alias("pgic")
    )
    _, result, messages = _run(
        frame, study, anchor="pgic", anchor_improved_levels=IMPROVED, anchor_bootstrap=0
    )
    assert any("4 patients without the anchor" in m for m in messages)
    res = result.analyses[0].result
    assert res.youden.n_improved + res.youden.n_not_improved == 80
    assert not math.isnan(res.youden.estimate)
