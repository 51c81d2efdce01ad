"""Table S9: responders under each rule for patients without follow-up.

Reference values: ``tests/reference/dropout.json``, made by
``tests/reference/make_dropout_reference.R`` from the CSV alone (deterministic rules) and
from Python's exported completed data sets (``export_dropout_imputations.py``; Rubin's rules
and D2 pooling by R), plus R ``mice`` itself for the pooled responder rate. Tolerances are
stated per test.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from painresponse.cohort import NOT_ANALYSED, build_cohort, eligible_patients
from painresponse.io.readers import read_table
from painresponse.io.validation import validate
from painresponse.stats.imputation import (
    chained_imputations,
    pool_chi_square,
    responder_tipping_point,
    rubin_pool,
)
from painresponse.stats.proportions import wilson_interval
from painresponse.study import Study, load_study
from painresponse.synth import default_cohort_path
from painresponse.tables.effects import between_effect
from painresponse.tables.model import EstimateCI, Proportion, PValue, Text
from painresponse.tables.supplementary._dropout_rules import (
    distributions,
    patients_of,
    rule_data,
    series_of,
)
from painresponse.tables.supplementary._imputation import estimate_and_variance
from painresponse.tables.supplementary.dropout import (
    DropoutResult,
    dropout_analysis,
    dropout_methods_sentence,
)
from painresponse.tables.tests_run import between_groups_numeric
from tests.conftest import make_rows, write_csv

REF = Path(__file__).resolve().parents[2] / "reference"
STUDY = load_study()


def _reference(name: str) -> dict[str, Any]:
    return json.loads((REF / name).read_text(encoding="utf-8"))


def _eligible(path: Path | str, study: Study = STUDY) -> pl.DataFrame:
    return eligible_patients(validate(read_table(path), study), study)


@pytest.fixture(scope="module")
def eligible() -> pl.DataFrame:
    return _eligible(default_cohort_path())


@pytest.fixture(scope="module")
def demo(eligible: pl.DataFrame) -> DropoutResult:
    return dropout_analysis(eligible, STUDY)


def _headers(result: DropoutResult) -> dict[str, Any]:
    return {r.variable: r for r in result.table.rows if r.kind == "header"}


def _note(row: Any) -> str:
    cell = row.cells["note"]
    assert isinstance(cell, Text)
    return cell.text


# ---- the cohort ------------------------------------------------------------------------------


def test_eligible_patients_account_for_the_flow(eligible: pl.DataFrame) -> None:
    cohort = build_cohort(validate(read_table(default_cohort_path()), STUDY), STUDY)
    assert eligible.height == cohort.flow.assessed == 87
    assert eligible[NOT_ANALYSED].null_count() == cohort.flow.analysed == 84
    reasons = eligible[NOT_ANALYSED].drop_nulls().to_list()
    assert reasons == ["insufficient follow-up data: Pain (NRS) at T1 not recorded"] * 3
    analysed = eligible.filter(pl.col(NOT_ANALYSED).is_null())
    assert analysed["_group"].to_list() == cohort.collect()["_group"].to_list()


# ---- the demo table --------------------------------------------------------------------------


def test_demo_counts_are_the_issues(demo: DropoutResult) -> None:
    """Completers 41/84; NRI, BOCF and LOCF 41/87 (issue #15)."""
    headers = _headers(demo)
    counts = {
        k: (h.cells["responders"].count, h.cells["responders"].total)
        for k, h in headers.items()
        if isinstance(h.cells.get("responders"), Proportion)
    }
    assert counts == {"completers": (41, 84), "nri": (41, 87), "bocf": (41, 87), "locf": (41, 87)}
    assert demo.dropouts == 3
    cell = headers["completers"].cells["responders"]
    assert (cell.ci_low, cell.ci_high) == wilson_interval(41, 84)
    assert "— primary rule" in headers["completers"].label


def test_demo_locf_is_bocf_and_mbocf_says_why(demo: DropoutResult) -> None:
    headers = _headers(demo)
    assert "same groups and values as Baseline observation carried forward" in (
        headers["locf"].cells["note"].text
    )
    assert not any(r.variable == "locf" and r.kind == "level" for r in demo.table.rows)
    assert "names no dropout-reason column" in headers["mbocf"].cells["note"].text
    assert any("modified BOCF" in m for m in demo.messages)


def test_nri_changes_only_the_baseline_rows(demo: DropoutResult) -> None:
    """NRI defines response only: the dropouts' T0 values join the non-responders."""
    levels = [r.level for r in demo.table.rows if r.variable == "nri" and r.kind == "level"]
    assert levels == ["Pain (NRS), T0", "EQ-5D, T0", "Coldness of legs (NRS), T0"]
    pain_t0 = next(r for r in demo.table.rows if r.variable == "nri" and r.level == levels[0])
    assert pain_t0.n == {"group:Responder": 41, "group:Non-responder": 46}


def test_bocf_gives_zero_change_to_the_dropouts(eligible: pl.DataFrame) -> None:
    patients = patients_of(eligible, STUDY, STUDY.extended)
    data = rule_data("bocf", patients)
    for outcome in ("pain", "eq5d", "coldness"):
        for t in ("t1", "t4"):
            carried = data.scores[(outcome, t)][patients.dropout]
            np.testing.assert_array_equal(carried, data.scores[(outcome, "t0")][patients.dropout])
    assert set(data.group[patients.dropout]) == {"Non-responder"}


def test_multiple_imputation_line(demo: DropoutResult) -> None:
    mi = _headers(demo)["mi"]
    assert isinstance(mi.cells["responders"], EstimateCI)
    assert "m = 20 imputations, seed 20240615" in _note(mi)
    assert len(demo.imputations) == 20
    rate = demo.pooled_rate
    assert rate is not None and rate.estimate is not None
    assert 41 / 87 <= rate.estimate <= 44 / 87  # 0 to 3 of the 3 respond
    rows = [r for r in demo.table.rows if r.variable == "mi" and r.kind == "level"]
    assert len(rows) == 18 and all(isinstance(r.cells["p"], PValue) for r in rows)


def test_tipping_point_line(demo: DropoutResult) -> None:
    tp = demo.tipping
    assert tp is not None
    assert (tp.responders, tp.total, tp.missing, tp.reaches_completers) == (41, 87, 3, 2)
    assert tp.changes_at_most is None and tp.changes_at_least is None
    text = _note(demo.table.rows[-1])
    assert text.startswith("2 of the 3 patients whose response is not recorded would have to")
    assert "41/87 (none respond) to 44/87 (all respond)" in text


def test_completers_rows_are_tables_3_and_5(
    demo_result: Any, eligible: pl.DataFrame, demo: DropoutResult
) -> None:
    """The completers' rows computed here equal the paper's cells (same functions)."""
    reused = dropout_analysis(eligible, STUDY, paper=demo_result.tables)

    def completers(result: DropoutResult) -> list[Any]:
        return [r for r in result.table.rows if r.variable == "completers" and r.kind == "level"]

    mine, computed = completers(reused), completers(demo)
    assert len(mine) == len(computed) == 18
    for a, b in zip(mine, computed, strict=True):
        for key in ("group:Responder", "group:Non-responder", "effect"):
            assert a.cells[key] == b.cells[key] or a.cells[key].show_n  # paper may add its n
        assert a.cells["p"].result.pvalue == b.cells["p"].result.pvalue


def test_csv_file_name_and_methods(demo: DropoutResult) -> None:
    assert "dropout" in f"{demo.table.key}.csv"
    frame = demo.table.to_polars()
    assert frame.height == len(demo.table.rows)
    sentence = dropout_methods_sentence(STUDY.extended)
    assert "20 imputations, seed 20240615" in sentence and "Rubin's rules" in sentence
    nri = STUDY.extended.model_copy(update={"dropout_rule": "nri"})
    assert "primary rule for patients without follow-up is non-responder imputation" in (
        dropout_methods_sentence(nri)
    )


# ---- against R -------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["completers", "nri", "bocf", "locf"])
def test_deterministic_rules_match_r(eligible: pl.DataFrame, rule: str) -> None:
    """R builds each rule from the CSV: counts exact; Wilson, t-test and coin exact
    p-values and intervals to 1e-9 relative (1e-12 absolute)."""
    ref = _reference("dropout.json")["rules"][rule]
    patients = patients_of(eligible, STUDY, STUDY.extended)
    data = rule_data(rule, patients)
    yes, no = STUDY.group_labels()
    assert (data.count(yes), int(data.included.sum())) == (ref["responders"], ref["total"])
    assert [data.count(yes), data.count(no)] == ref["groups"]
    np.testing.assert_allclose(
        wilson_interval(data.count(yes), int(data.included.sum())), ref["wilson"], rtol=1e-9
    )
    series = series_of(STUDY)
    assert len(series) == len(ref["rows"])
    for s, r in zip(series, ref["rows"], strict=True):
        assert (s.outcome.key, list(s.times)) == (r["outcome"], r["times"])
        first, second = distributions(s, data, (yes, no))
        assert [first.n, second.n] == r["n"]
        effect = between_effect(first, second, s.display, STUDY, None, 1)
        assert isinstance(effect, EstimateCI)
        assert effect.estimate == pytest.approx(r["estimate"], rel=1e-9, abs=1e-12)
        np.testing.assert_allclose([effect.ci_low, effect.ci_high], r["ci"], rtol=1e-9, atol=1e-12)
        p = between_groups_numeric(first, second, s.outcome.kind, STUDY, None).result.pvalue
        assert p == pytest.approx(r["p_exact"], rel=1e-9, abs=1e-15)


def test_python_imputations_are_the_exported_ones(demo: DropoutResult) -> None:
    """The R reference pooled these completed data sets: they must still be Python's."""
    exported = _reference("dropout_mi_input.json")
    assert (exported["m"], exported["seed"]) == (20, 20240615)
    at = np.array(exported["dropout_index"]) - 1
    for data, completed in zip(demo.imputations, exported["completed"], strict=True):
        for (outcome, time), values in data.scores.items():
            expected = np.array(completed[f"{outcome}_{time}"], dtype=float)
            np.testing.assert_array_equal(values[at], expected)


def test_rubin_and_d2_pooling_match_r(demo: DropoutResult) -> None:
    """R pools the same completed data sets (mice::pool.scalar, mitml's D2), classifying
    them itself. Tolerance 1e-9 relative; the Hodges–Lehmann rows' estimates are roots of
    the rank statistic found by different root-finders (1e-6 absolute; the interval's
    half-width, hence the variance, to 1e-5 relative)."""
    ref = _reference("dropout.json")["pooled"]
    rate = demo.pooled_rate
    assert rate is not None
    np.testing.assert_allclose(rate.details["estimates"], ref["rate"]["shares"], rtol=1e-12)
    assert rate.estimate == pytest.approx(ref["rate"]["qbar"], rel=1e-12)
    assert rate.details["total"] == pytest.approx(ref["rate"]["t"], rel=1e-9)
    assert rate.df == pytest.approx(ref["rate"]["df"], rel=1e-9)
    assert [rate.ci_low, rate.ci_high] == pytest.approx(ref["rate"]["ci"], rel=1e-9)
    rows = [r for r in demo.table.rows if r.variable == "mi" and r.kind == "level"]
    for row, r in zip(rows, ref["rows"], strict=True):
        effect, p = row.cells["effect"], row.cells["p"]
        assert isinstance(effect, EstimateCI) and isinstance(p, PValue)
        hl = len(r["times"]) == 2
        assert effect.estimate == pytest.approx(r["qbar"], rel=1e-9, abs=1e-6 if hl else 1e-12)
        assert [effect.ci_low, effect.ci_high] == pytest.approx(r["ci"], rel=1e-5 if hl else 1e-9)
        assert p.result.statistic == pytest.approx(r["d2"], rel=1e-9)
        assert p.result.df == pytest.approx(r["d2_df"], rel=1e-9)
        assert p.result.pvalue == pytest.approx(r["d2_p"], rel=1e-9)


def test_pooled_rate_agrees_with_r_mice_within_monte_carlo_error(demo: DropoutResult) -> None:
    """R mice (pmm, 5 donors) on the matrix Python imputes from: the pooled rates estimate
    the same quantity; they must agree within 3 Monte Carlo standard errors
    (3·sqrt(B_py/m + B_R/m)), implementations and random streams being different."""
    ref = _reference("dropout.json")["mice"]["same_matrix"]
    rate = demo.pooled_rate
    assert rate is not None
    m = 20
    mc = math.sqrt(rate.details["between"] / m + ref["b"] / m)
    assert abs(rate.estimate - ref["qbar"]) <= 3 * mc


def test_stress_cohort_agrees_with_r_mice(tmp_path: Path) -> None:
    """Every fourth patient loses all follow-up (23 of 87 without a response). R mice on its
    own data frame vs Python: within 3 Monte Carlo standard errors (as above)."""
    ref = _reference("dropout.json")["mice"]["stress"]
    raw = pl.read_csv(default_cohort_path(), infer_schema_length=0)
    number = raw["patient_id"].str.replace(r"^LSGB-0*", "").cast(pl.Int64)
    follow = [c for c in raw.columns if c.endswith(("_t1", "_t4"))]
    lost = number % 4 == 0
    raw = raw.with_columns([pl.when(lost).then(None).otherwise(pl.col(c)).alias(c) for c in follow])
    path = tmp_path / "stress.csv"
    raw.write_csv(path)
    result = dropout_analysis(_eligible(path), STUDY)
    assert result.dropouts == ref["missing"] == 23
    headers = _headers(result)
    completers = headers["completers"].cells["responders"]
    assert [completers.count, completers.total] == ref["completers"]
    rate = result.pooled_rate
    assert rate is not None
    mc = math.sqrt(rate.details["between"] / 20 + ref["b"] / 20)
    assert abs(rate.estimate - ref["qbar"]) <= 3 * mc


# ---- statistics ------------------------------------------------------------------------------


def test_rubin_pool_by_hand() -> None:
    """Q = (1, 2, 3), U = 0.5: Q̄ = 2, B = 1, T = 0.5 + 4/3; R pool.scalar df 3.78."""
    res = rubin_pool([1.0, 2.0, 3.0], [0.5, 0.5, 0.5])
    assert res.estimate == 2.0
    assert res.details["between"] == 1.0
    assert res.details["total"] == pytest.approx(0.5 + 4.0 / 3.0)
    assert res.df == pytest.approx(3.7812, abs=1e-4)


def test_d2_without_between_variance_is_chi_square() -> None:
    res = pool_chi_square([3.841458820694124] * 4)
    assert res.df == math.inf
    assert res.pvalue == pytest.approx(0.05, rel=1e-9)


def test_tipping_point_against_a_reference_rate() -> None:
    """10/20 known, 10 missing; reference 30%. R ``prop.test(x, n, correct = FALSE)``: the
    completers' CI 0.2993–0.7007 contains 30%; (10 + k)/30 has its lower limit above 30%
    from k = 4 (0.3023; k = 3: 0.2738)."""
    tp = responder_tipping_point(10, 20, 10, (10, 20), reference=0.3)
    assert tp.completers_side == "inside"
    assert tp.changes_at_most is None
    assert tp.changes_at_least == 4
    assert tp.intervals[3][0] == pytest.approx(0.2737749, abs=1e-7)
    assert tp.intervals[4][0] == pytest.approx(0.3023239, abs=1e-7)
    assert tp.reaches_completers == 5


def test_tipping_point_leaving_the_completers_interval() -> None:
    """10/20 completers (R: 0.2993–0.7007), 20 missing: (10 + k)/40 lies below the CI for
    k ≤ 1 (0.275), inside for k = 2 … 18 (0.300 … 0.700), above for k ≥ 19 (0.725)."""
    tp = responder_tipping_point(10, 20, 20, (10, 20))
    assert (tp.changes_at_most, tp.changes_at_least) == (1, 19)
    assert tp.sides[0] == "below" and tp.sides[-1] == "above"


def test_chained_imputations_is_statsmodels_own() -> None:
    """The array-built design matrices give statsmodels' own imputations (same seed)."""
    from statsmodels.imputation.mice import MICEData

    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 4))
    x[:, 3] += x[:, 0]
    x[rng.random((40, 4)) < 0.15] = np.nan
    run = chained_imputations(x, m=2, seed=11, cycles=3)
    assert run.ok
    frame = pl.DataFrame(x, schema=[f"v{j}" for j in range(4)]).to_pandas()
    for completed, stream in zip(run.completed, np.random.SeedSequence(11).spawn(2), strict=True):
        stock = MICEData(frame, k_pmm=5, rng=np.random.default_rng(stream))
        stock.update_all(3)
        np.testing.assert_allclose(completed, stock.data.to_numpy(), rtol=1e-10)
        observed = ~np.isnan(x)
        np.testing.assert_array_equal(completed[observed], x[observed])
    first = chained_imputations(x, m=1, seed=11, cycles=3)
    np.testing.assert_array_equal(first.completed[0], run.completed[0])  # m does not matter


def test_chained_imputations_with_collinear_variables_is_statsmodels_own() -> None:
    """A rank-deficient imputation model: the same draws as the stock class, and the note."""
    from statsmodels.imputation.mice import MICEData

    rng = np.random.default_rng(8)
    x = rng.normal(size=(30, 3))
    x = np.column_stack([x, 2.0 * x[:, 0] - 1.0])  # a recorded variable and its rescaling
    x[:, 1:3][rng.random((30, 2)) < 0.15] = np.nan  # gaps in the other two only
    run = chained_imputations(x, m=2, seed=3, cycles=2)
    assert run.ok
    assert run.notes and "collinear" in run.notes[0]
    frame = pl.DataFrame(x, schema=[f"v{j}" for j in range(4)]).to_pandas()
    for completed, stream in zip(run.completed, np.random.SeedSequence(3).spawn(2), strict=True):
        stock = MICEData(frame, k_pmm=5, rng=np.random.default_rng(stream))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stock.update_all(2)
        np.testing.assert_allclose(completed, stock.data.to_numpy(), rtol=1e-10)


def test_mean_rows_use_the_t_test_standard_error(eligible: pl.DataFrame) -> None:
    patients = patients_of(eligible, STUDY, STUDY.extended)
    data = rule_data("bocf", patients)
    s = series_of(STUDY)[1]  # pain at T1, mean ± SD
    first, second = distributions(s, data, STUDY.group_labels())
    q, u = estimate_and_variance(first, second, s.display, STUDY)
    assert q == pytest.approx(first.mean() - second.mean())
    pooled_sd2 = ((first.n - 1) * first.sd() ** 2 + (second.n - 1) * second.sd() ** 2) / (
        first.n + second.n - 2
    )
    assert u == pytest.approx(pooled_sd2 * (1 / first.n + 1 / second.n))


# ---- bad input -------------------------------------------------------------------------------


def test_no_patient_without_follow_up_gives_one_line(tmp_path: Path) -> None:
    result = dropout_analysis(_eligible(write_csv(make_rows(12), tmp_path / "c.csv")), STUDY)
    assert len(result.table.rows) == 1
    row = result.table.rows[0]
    assert "coincide" in row.cells["note"].text  # type: ignore[union-attr]
    assert isinstance(row.cells["responders"], Proportion)
    assert result.table.to_polars().height == 1


def test_imputation_failure_is_a_message(
    monkeypatch: pytest.MonkeyPatch, eligible: pl.DataFrame
) -> None:
    import painresponse.stats.imputation as imputation

    class Diverging:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def update_all(self, n_iter: int = 1) -> None:
            raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(imputation, "_mice_data_class", lambda: Diverging)
    result = dropout_analysis(eligible, STUDY)
    note = _headers(result)["mi"].cells["note"].text
    assert note.startswith("not estimable: the imputation model failed (SVD did not converge)")
    assert any("multiple imputation" in m and "SVD did not converge" in m for m in result.messages)
    assert not any(r.variable == "mi" and r.kind == "level" for r in result.table.rows)
    assert _headers(result)["nri"].cells["responders"].count == 41  # the rest is intact


@pytest.mark.parametrize("n", [5, 4])
def test_too_few_patients_for_the_imputation_model(tmp_path: Path, n: int) -> None:
    """One of ``n`` patients without follow-up. Columns with one recorded value are left out;
    the rest (age, sex, pain at T0, T1, T4: 5 coefficients) outnumber the 4 (n = 5) or 3
    (n = 4) patients with pain recorded at T1: the outcomes alone (3 coefficients) are used
    at n = 5, and at n = 4 even they are too many: a note, not a crash."""
    rows = make_rows(n)
    for key in ("pain_t1", "pain_t4", "coldness_t1", "coldness_t4"):
        rows[0][key] = ""
    result = dropout_analysis(_eligible(write_csv(rows, tmp_path / "c.csv")), STUDY)
    assert result.dropouts == 1
    note = _note(_headers(result)["mi"])
    too_few = [m for m in result.messages if "too few patients" in m]
    if n == 5:
        assert too_few and "imputed from the outcomes only" in too_few[0]
        assert "m = 20 imputations" in note and result.pooled_rate is not None
    else:
        assert note.startswith("not estimable: too few patients for the imputation model")
        assert result.pooled_rate is None and len(too_few) == 2


def _with_reasons(tmp_path: Path) -> Path:
    """The demo cohort with a reason column, and one patient seen at T1 but not at T4."""
    raw = pl.read_csv(default_cohort_path(), infer_schema_length=0)
    reasons = {
        "LSGB-0045": "Adverse event",
        "LSGB-0059": "moved away",
        "LSGB-0001": "lack of efficacy",
    }
    raw = raw.with_columns(
        pl.col("patient_id").replace_strict(reasons, default=None).alias("dropout_reason")
    )
    # LSGB-0001: pain 4 -> 2 at T1 (a responder), T4 not recorded: excluded by completeness
    raw = raw.with_columns(
        pl.when(pl.col("patient_id") == "LSGB-0001").then(None).otherwise(pl.col(c)).alias(c)
        for c in ("pain_t4", "coldness_t4")
    )
    path = tmp_path / "reasons.csv"
    raw.write_csv(path)
    return path


def test_modified_bocf_and_locf_differ_when_a_follow_up_is_recorded(tmp_path: Path) -> None:
    eligible = _eligible(_with_reasons(tmp_path))
    options = STUDY.extended.model_copy(update={"dropout_reason_column": "dropout_reason"})
    result = dropout_analysis(eligible, STUDY, options)
    headers = _headers(result)
    assert result.dropouts == 4
    # LSGB-0001's response is recorded (T1): NRI keeps it a responder
    assert (headers["completers"].cells["responders"].count,
            headers["completers"].cells["responders"].total) == (40, 83)  # fmt: skip
    assert headers["nri"].cells["responders"].count == 41
    assert headers["nri"].cells["responders"].total == 87
    bocf, locf = result.rules["bocf"], result.rules["locf"]
    at = int(np.flatnonzero(eligible["patient_id"].to_numpy() == "LSGB-0001")[0])
    assert bocf.scores[("pain", "t4")][at] == 4.0  # T0 carried
    assert locf.scores[("pain", "t4")][at] == 2.0  # T1 carried
    assert "same groups" not in headers["locf"].cells["note"].text
    note = headers["mbocf"].cells["note"].text
    assert "treatment-related reason: 2 (BOCF); other reason: 1 (LOCF)" in note
    assert "reason not recorded: 1 (BOCF)" in note
    mbocf = result.rules["mbocf"]
    assert mbocf.scores[("pain", "t4")][at] == 4.0  # lack of efficacy: BOCF


def test_reason_column_missing_from_the_data(eligible: pl.DataFrame) -> None:
    options = STUDY.extended.model_copy(update={"dropout_reason_column": "why_left"})
    result = dropout_analysis(eligible, STUDY, options)
    assert "'why_left' is not in the data" in _headers(result)["mbocf"].cells["note"].text


def test_every_cell_renders(demo: DropoutResult) -> None:
    from painresponse.render.format import PLAIN, format_cell

    for row in demo.table.rows:
        for cell in row.cells.values():
            text = format_cell(cell, PLAIN)
            assert text is None or isinstance(text, str)
    assert all(isinstance(r.cells.get("note", Text("")), Text) for r in demo.table.rows)


def test_a_baseline_of_zero_is_left_out_of_every_rule(tmp_path: Path) -> None:
    """No rule makes a percent change from 0 defined: such a patient is no dropout."""
    rows = make_rows(12)
    rows[0]["pain_t0"], rows[0]["pain_t1"] = "0", ""
    rows[1]["pain_t1"] = ""
    result = dropout_analysis(_eligible(write_csv(rows, tmp_path / "c.csv")), STUDY)
    headers = _headers(result)
    assert result.dropouts == 1
    assert headers["nri"].cells["responders"].total == 11
    assert "1 with a baseline of 0 left out of every rule" in _note(headers["completers"])
