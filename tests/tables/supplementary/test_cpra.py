"""Cumulative proportion of responders (Table S10): against R, circularity, bad input.

Reference: ``tests/reference/make_anchor_reference.R`` → ``anchor_cpra.json`` (R 4.2,
coin, pROC). R builds its own inputs from the CSV. Tolerances: counts exact; Wilson and
Newcombe limits 1e-12 absolute (``prop.test(correct = FALSE)``, Newcombe's method 10 by
formula); p-values 1e-9 relative (``coin::wilcox_test`` / ``wilcoxsign_test`` exact, or
``wilcox.test(exact = FALSE, correct = TRUE)`` when our rule chose the normal
approximation); the bootstrap band on R's own resamples 1e-12 absolute (numpy and R draw
different random streams, so only the same resamples can be compared).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painresponse.stats.responder_curves import (
    _percentile_band,
    _positions,
    _replicate_proportions,
    cumulative_proportions,
    cumulative_responders,
)
from painresponse.study import ExtendedOptions, InferenceOptions
from painresponse.tables.model import EstimateCI, Proportion, PValue, Text
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._demo import demo_frame
from painresponse.tables.supplementary.cpra import CpraFigureData, cpra_table

REF = Path(__file__).resolve().parents[2] / "reference" / "anchor_cpra.json"


@pytest.fixture(scope="module")
def ref() -> dict[str, Any]:
    return json.loads(REF.read_text(encoding="utf-8"))["cpra"]  # type: ignore[no-any-return]


def _build(**options: Any) -> tuple[Any, CpraFigureData, list[str]]:
    frame, study = demo_frame()
    table, figure, messages = cpra_table(Analysed(frame, study, ExtendedOptions(**options)))
    assert figure is not None
    return table, figure, messages


@pytest.fixture(scope="module")
def by_sex() -> tuple[Any, CpraFigureData, list[str]]:
    return _build(cpra_group="sex", cpra_bootstrap=200)


def _block(table: Any, time_label: str) -> list[Any]:
    """The header row of ``time_label`` and its threshold rows."""
    rows = list(table.rows)
    start = next(i for i, r in enumerate(rows) if r.kind == "header" and time_label in r.label)
    block = [rows[start]]
    for row in rows[start + 1 :]:
        if row.kind != "level":
            break
        block.append(row)
    return block


def test_proportions_wilson_and_newcombe_match_r(by_sex: Any, ref: dict[str, Any]) -> None:
    table = by_sex[0]
    labels = {"t1": "T1", "t4": "T4"}
    for case in ref["rows"]:
        rows = _block(table, f"to {labels[case['time']]}")
        row = next(r for r in rows if r.level == f"≥ {case['threshold']:g}%")
        for column, key in (("all", "all"), ("group:Male", "Male"), ("group:Female", "Female")):
            cell = row.cell(column)
            assert isinstance(cell, Proportion)
            assert (cell.count, cell.total) == (case[key]["count"], case[key]["n"])
            assert cell.ci_low == pytest.approx(case[key]["ci_low"], abs=1e-12)
            assert cell.ci_high == pytest.approx(case[key]["ci_high"], abs=1e-12)
        rd = row.cell("rd")
        assert isinstance(rd, EstimateCI)
        assert rd.estimate == pytest.approx(case["rd"]["estimate"], abs=1e-12)
        assert rd.ci_low == pytest.approx(case["rd"]["ci_low"], abs=1e-12)
        assert rd.ci_high == pytest.approx(case["rd"]["ci_high"], abs=1e-12)


def _reference_p(result: Any, case: dict[str, Any]) -> float:
    exact = "exact" in result.method.lower() and "normal" not in result.method.lower()
    return float(case["exact_pvalue"] if exact else case["asymptotic_pvalue"])


def test_whole_curve_tests_match_coin(by_sex: Any, ref: dict[str, Any]) -> None:
    table, figure, _ = by_sex
    groups = {c.time: c for c in figure.comparisons if c.kind == "groups"}
    times = next(c for c in figure.comparisons if c.kind == "times")
    for case in ref["tests"]:
        result = times.result if case["kind"] == "times" else groups[case["time"]].result
        assert result is not None
        assert result.pvalue == pytest.approx(_reference_p(result, case), rel=1e-9)
    # The study's rule ("auto") takes the exact rank-sum test for 36 vs 48 patients.
    assert "exact" in groups["t1"].result.method.lower()  # type: ignore[union-attr]
    header = _block(table, "to T1")[0]
    assert isinstance(header.cell("p"), PValue)
    assert header.cell("p").result is groups["t1"].result  # type: ignore[union-attr]


def test_curves_match_r(by_sex: Any, ref: dict[str, Any]) -> None:
    figure = by_sex[1]

    def curve(time: str, kind: str) -> Any:
        return next(
            c.curve
            for c in figure.curves
            if (c.time, c.group, c.kind) == (time, "All patients", kind)
        )

    t1 = curve("t1", "percent")
    assert t1.thresholds.tolist() == ref["curve_t1_percent"]["thresholds"]
    np.testing.assert_allclose(t1.proportion, ref["curve_t1_percent"]["proportion"], atol=1e-12)
    t4 = curve("t4", "absolute")
    assert t4.thresholds.tolist() == ref["curve_t4_absolute"]["thresholds"]
    np.testing.assert_allclose(t4.proportion, ref["curve_t4_absolute"]["proportion"], atol=1e-12)


def test_bootstrap_band_on_r_resamples(ref: dict[str, Any]) -> None:
    """R's resamples (indices) → counts per distinct value → our replicate curves and band."""
    frame, _ = demo_frame()
    boot = ref["bootstrap"]
    assert frame["patient_id"].to_list() == boot["patient_id"]
    pain0 = frame["pain_t0"].to_numpy()
    percent = (pain0 - frame["pain_t1"].to_numpy()) / pain0 * 100
    distinct, inverse = np.unique(percent, return_inverse=True)
    indices = np.asarray(boot["indices"], dtype=np.intp) - 1
    counts = np.stack([np.bincount(inverse[i], minlength=distinct.size) for i in indices])
    thresholds = np.arange(0.0, 101.0)
    replicates = _replicate_proportions(
        counts.astype(np.int64), _positions(distinct, thresholds), percent.size
    )
    low, high = _percentile_band(replicates, 0.95)
    np.testing.assert_allclose(low, boot["ci_low"], atol=1e-12)
    np.testing.assert_allclose(high, boot["ci_high"], atol=1e-12)


def test_default_compares_times_not_the_circular_groups() -> None:
    table, figure, messages = _build(cpra_bootstrap=0)
    assert [c.key for c in table.columns] == ["all", "p"]
    assert figure.groups == ("All patients",)
    assert [c.kind for c in figure.comparisons] == ["times"]
    assert not any(cell.defines_groups for _, _, cell in table.pvalue_cells())
    last = table.rows[-1]
    assert last.label.startswith("Whole curve, T4 vs. T1")
    assert isinstance(last.cell("p"), PValue) and last.n["p"] == 84
    notes = " ".join(f.text for f in table.footnotes)
    assert "circular" in notes and "not compared here" in notes
    assert messages == []


def test_responder_grouping_marks_the_rule_follow_up_only() -> None:
    table, figure, _ = _build(cpra_group="responder", cpra_bootstrap=0)
    t1, t4 = _block(table, "to T1")[0].cell("p"), _block(table, "to T4")[0].cell("p")
    assert isinstance(t1, PValue) and isinstance(t4, PValue)
    assert t1.defines_groups and t1.marker == "†"
    assert not t4.defines_groups
    assert any(f.marker == "†" for f in table.footnotes)
    assert [c.circular for c in figure.comparisons if c.kind == "groups"] == [True, False]
    # Every responder reaches 50% at T1 and no non-responder does: by construction.
    row = next(r for r in _block(table, "to T1") if r.level == "≥ 50%")
    assert row.cell("group:Responder").proportion == 1.0  # type: ignore[union-attr]
    assert row.cell("group:Non-responder").proportion == 0.0  # type: ignore[union-attr]


def test_responder_grouping_omitted_when_the_study_says_so() -> None:
    frame, study = demo_frame()
    study = study.model_copy(update={"tests": InferenceOptions(circular="omit")})
    opts = ExtendedOptions(cpra_group="responder", cpra_bootstrap=0)
    table, _, _ = cpra_table(Analysed(frame, study, opts))
    block = _block(table, "to T1")
    p = block[0].cell("p")
    assert isinstance(p, PValue) and math.isnan(p.value) and p.defines_groups
    assert all(isinstance(r.cell("rd"), Text) for r in block[1:])
    t4 = _block(table, "to T4")
    assert all(isinstance(r.cell("rd"), EstimateCI) for r in t4[1:])


@pytest.mark.parametrize(
    ("group", "words"),
    [
        ("no_such_variable", "is not a variable of the study"),
        ("age", "is not categorical"),
    ],
)
def test_unusable_grouping_falls_back_with_a_message(group: str, words: str) -> None:
    table, figure, messages = _build(cpra_group=group, cpra_bootstrap=0)
    assert any(words in m for m in messages)
    assert figure.groups == ("All patients",)
    assert "group:" not in " ".join(c.key for c in table.columns)


def test_grouping_with_one_level_among_patients() -> None:
    frame, study = demo_frame()
    frame = frame.with_columns(pl.lit("Female").alias("sex"))
    assert frame["sex"].unique().to_list() == ["Female"]
    opts = ExtendedOptions(cpra_group="sex", cpra_bootstrap=0)
    _, figure, messages = cpra_table(Analysed(frame, study, opts))
    assert any("1 level" in m for m in messages)
    assert figure is not None and figure.groups == ("All patients",)


def test_more_than_two_groups_use_kruskal_wallis() -> None:
    table, figure, _ = _build(cpra_group="lesion_level", cpra_bootstrap=0)
    assert "rd" not in [c.key for c in table.columns]
    tests = [c.result.test for c in figure.comparisons if c.kind == "groups" and c.result]
    assert tests == ["kruskal", "kruskal"]


def test_bands_are_seeded() -> None:
    first = _build(cpra_bootstrap=300, bootstrap_seed=11)[1].curves[0].curve
    again = _build(cpra_bootstrap=300, bootstrap_seed=11)[1].curves[0].curve
    other = _build(cpra_bootstrap=300, bootstrap_seed=12)[1].curves[0].curve
    np.testing.assert_array_equal(first.ci_low, again.ci_low)
    np.testing.assert_array_equal(first.ci_high, again.ci_high)
    assert first.seed == 11 and other.seed == 12
    assert not (
        np.array_equal(first.ci_low, other.ci_low) and np.array_equal(first.ci_high, other.ci_high)
    )


def test_band_width_is_about_the_binomial_one() -> None:
    """At 2,000 resamples the band's half-width is close to 1.96 sqrt(p(1-p)/n)."""
    rng = np.random.default_rng(5)
    values = rng.normal(30, 30, size=400)
    curve = cumulative_responders(values, [30.0], n_boot=2000, seed=1)
    p = curve.proportion[0]
    expected = 1.96 * math.sqrt(p * (1 - p) / 400)
    assert (curve.ci_high[0] - curve.ci_low[0]) / 2 == pytest.approx(expected, rel=0.15)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(-300, 100, allow_nan=False), st.just(float("nan"))),
        min_size=1,
        max_size=60,
    )
)
def test_curve_invariants(values: list[float]) -> None:
    thresholds = np.arange(0.0, 101.0, 5.0)
    if all(math.isnan(v) for v in values):
        assert np.isnan(cumulative_proportions(values, thresholds)).all()
        return
    curve = cumulative_responders(values, thresholds, n_boot=50, seed=0)
    assert np.all(np.diff(curve.proportion) <= 0)
    for array in (curve.proportion, curve.ci_low, curve.ci_high):
        assert np.all((array >= 0) & (array <= 1))
    assert np.all(curve.ci_low <= curve.ci_high)
    assert curve.n + curve.n_missing == len(values)


def test_figure_and_its_data(by_sex: Any, tmp_path: Path) -> None:
    from painresponse.render.cpra_figures import (
        cpra_caption,
        cpra_figure,
        cpra_figure_frame,
        write_cpra_figure,
    )

    figure_data = by_sex[1]
    figure = cpra_figure(figure_data)
    assert len(figure.axes) == 4
    frame = cpra_figure_frame(figure_data)
    assert frame.height == sum(c.curve.thresholds.size for c in figure_data.curves)
    assert set(frame["group"].unique()) == {"All patients", "Male", "Female"}
    assert "T4 vs. T1 on the same patients: signed-rank P" in cpra_caption(figure_data)
    paths = write_cpra_figure(figure_data, tmp_path, "S4_cpra")
    assert [p.name for p in paths] == [
        "figureS4_cpra.svg",
        "figureS4_cpra.png",
        "figureS4_cpra_data.csv",
    ]
    assert paths[2].read_bytes().startswith(b"\xef\xbb\xbftime,time_label,group,kind")


def test_relief_column_rule_says_so() -> None:
    frame, study = demo_frame()
    rule = study.responder.model_copy(update={"rule": "relief_column", "relief_column": "x"})
    study = study.model_copy(update={"responder": rule})
    table, figure, messages = cpra_table(Analysed(frame, study, ExtendedOptions()))
    assert figure is None and "relief column" in messages[0]
    assert isinstance(table.rows[0].cell("note"), Text)
