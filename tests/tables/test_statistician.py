"""What a journal statistician signs: circular tests flagged, multiplicity stated, p styles.

- The tests that compare responders and non-responders on the values that define them
  (pain at T1, its T1–T0 change, T1 vs T0 within groups) are marked † with a footnote
  and ``defines_groups`` in results.csv, or omitted when the study says so.
- The methods paragraph always says whether p-values were adjusted and how many tests
  each table holds; adjustment can cover Tables 1–3 and shows the adjusted p in a column
  of its own beside the raw one.
- p-values are written in a journal's style and never rounded across 0.05.
"""

from __future__ import annotations

import polars as pl
import pytest

from painresponse import analyze
from painresponse.render.csv import results_frame, table_to_frame
from painresponse.render.format import format_pvalue
from painresponse.render.markdown import table_to_markdown
from painresponse.result import StudyResult
from painresponse.stats.multiplicity import adjust_pvalues
from painresponse.study import Study, load_study
from painresponse.synth import default_cohort_path

STUDY = load_study()


def _with(section: str, **changes: object) -> Study:
    part = getattr(STUDY, section).model_copy(update=changes)
    return STUDY.model_copy(update={section: part})


@pytest.fixture(scope="module")
def results(paper_result: StudyResult) -> pl.DataFrame:
    return results_frame(paper_result.tables)


def test_defines_groups_exactly_the_circular_tests(results: pl.DataFrame) -> None:
    flagged = results.filter(pl.col("defines_groups")).select("table", "variable", "level")
    assert sorted(flagged.unique().iter_rows()) == [
        ("table3", "Pain (NRS)", "T1"),
        ("table4", "Pain (NRS)", "T1 vs. T0"),
        ("table5", "Pain (NRS)", "T1–T0"),
    ]
    assert flagged.height == 4  # Table 4 has one test per group
    baseline = results.filter((pl.col("variable") == "Pain (NRS)") & (pl.col("level") == "T0"))
    assert not baseline["defines_groups"].any()  # the baseline alone is not circular


def test_circular_tests_marked_and_explained(paper_result: StudyResult) -> None:
    result = paper_result
    text = table_to_markdown(result.tables["table5"])
    assert "<sup>a,†</sup>" in text
    assert "<sup>†</sup> The groups are defined by Pain (NRS) from T0 to T1" in text
    assert any("are marked † and are descriptive" in s for s in result.methods)


def test_circular_omit() -> None:
    result = analyze(default_cohort_path(), _with("tests", circular="omit"))
    frame = results_frame(result.tables).filter(pl.col("defines_groups"))
    assert frame.height == 4 and frame["p_value"].is_nan().all()
    assert any("they were not computed" in s for s in result.methods)


def test_multiplicity_always_stated(paper_result: StudyResult) -> None:
    result = paper_result
    (sentence,) = [s for s in result.methods if "multiple comparisons" in s]
    assert sentence.startswith("P-values are not adjusted for multiple comparisons and are")
    assert "(50 tests: Table 1, 7; Table 2, 4; Table 3, 12; Table 4, 18; Table 5, 9)" in sentence


def test_adjustment_of_tables_1_to_3_in_its_own_column() -> None:
    study = _with("analysis", adjust="holm", adjust_tables=[1, 2, 3])
    result = analyze(default_cohort_path(), study)
    table = result.tables["table1"]
    assert [c.label for c in table.columns][-2:] == ["P-value", "Holm P"]
    frame = table_to_frame(table)
    raw = frame["p_value"].drop_nulls().to_numpy()
    assert frame["p_adjusted"].drop_nulls().to_numpy() == pytest.approx(
        adjust_pvalues(raw, method="holm"), abs=1e-15
    )
    assert "p_adjusted" not in table_to_frame(result.tables["table4"]).columns
    (sentence,) = [s for s in result.methods if "multiple comparisons" in s]
    assert "within each table in Tables 1, 2 and 3 with the Holm method" in sentence
    assert "those of Tables 4 and 5 are unadjusted and exploratory" in sentence


def test_adjusted_column_per_group_in_table4() -> None:
    result = analyze(default_cohort_path(), _with("analysis", adjust="bh"))
    columns = table_to_frame(result.tables["table4"]).columns
    assert "p_adjusted (Responder)" in columns and "p_adjusted (Non-responder)" in columns
    assert "Benjamini–Hochberg P, P-values adjusted" in table_to_markdown(result.tables["table4"])


@pytest.mark.parametrize(
    ("p", "style", "text"),
    [
        (0.0496, "default", "0.0496"),
        (0.04951, "default", "0.0495"),
        (0.0504, "default", "0.050"),
        (0.00049, "default", "< 0.001"),
        (0.0312, "nejm", "0.03"),
        (0.0042, "nejm", "0.004"),
        (0.0496, "nejm", "0.0496"),
        (0.0312, "jama", ".03"),
        (0.0004, "jama", "<.001"),
        (0.995, "jama", ">.99"),
        (0.0312, "apa", ".031"),
        (0.0004, "apa", "<.001"),
        (0.0312, "lancet", "0·031"),
        (0.25, "lancet", "0·25"),
        (0.00004, "lancet", "<0·0001"),
    ],
)
def test_p_styles(p: float, style: str, text: str) -> None:
    assert format_pvalue(p, style=style) == text


def test_p_style_reaches_the_tables() -> None:
    result = analyze(default_cohort_path(), _with("tests", p_style="jama"), tables=[1])
    assert "| .23<sup>a</sup> |" in table_to_markdown(result.tables["table1"])


# R 4.2.2 on the analysed patients of the bundled cohort (d <- read.csv("analysed.csv");
# R, N = the two groups): wilcox.test(R$pain_t0, N$pain_t0)$p.value and likewise; the block
# distance 0/1/>=2 by group: chisq.test(table(bd, group))$p.value; within responders
# wilcox.test(R$pain_t1, R$pain_t0, paired = TRUE)$p.value. Printed with %.15g.
R_PRESET = [
    ("table3", "Pain (NRS)", "T0", "", 0.769292906861849),
    ("table3", "Pain (NRS)", "T1", "", 1.04855194639091e-11),
    ("table3", "Pain (NRS)", "T4", "", 5.01564719397514e-05),
    ("table3", "Block level distance from surgery", "", "", 0.469697467550785),
    ("table4", "Pain (NRS)", "T1 vs. T0", "Responder", 1.6592150361654e-08),
]


def test_r_preset_reproduces_r_defaults() -> None:
    result = analyze(default_cohort_path(), _with("tests", preset="r"))
    frame = results_frame(result.tables)
    for table, variable, level, group, expected in R_PRESET:
        row = frame.filter(
            (pl.col("table") == table)
            & (pl.col("variable") == variable)
            & (pl.col("level") == level)
            & (pl.col("group") == group)
        )
        assert row["p_value"].item() == pytest.approx(expected, rel=1e-9), (variable, level)
    assert any("Tests follow R's defaults" in s for s in result.methods)


def test_sas_preset_names_each_variant() -> None:
    result = analyze(default_cohort_path(), _with("tests", preset="sas"))
    methods = set(results_frame(result.tables)["method"])
    assert "Wilcoxon rank-sum test, normal approximation with continuity correction " \
        "(SAS NPAR1WAY default)" in methods  # fmt: skip
    assert any("SAS UNIVARIATE" in m for m in methods)
    assert any("Tests follow SAS 9.4's defaults" in s for s in result.methods)


def test_ordinal_trend_test_matches_coin() -> None:
    """R 4.2.2, coin 1.4-2, on the analysed patients (g = group, Responder first):
    ``pvalue(lbl_test(factor(lesion_severity, ordered = TRUE) ~ g, distribution = "exact"))``
    = 0.462739515306569 (Z 0.752600023031376); block level 0.293667417468877; pain
    duration 1."""
    result = analyze(default_cohort_path(), _with("tests", ordinal_test="trend"))
    frame = results_frame(result.tables).filter(pl.col("test") == "trend")
    p = dict(zip(frame["variable"], frame["p_value"], strict=True))
    assert p["Lesion severity"] == pytest.approx(0.462739515306569, rel=1e-9)
    assert p["Block level"] == pytest.approx(0.293667417468877, rel=1e-9)
    assert p["Duration of pain (y)"] == pytest.approx(1.0, rel=1e-9)
    assert len(p) == 5  # every ordinal variable, and no nominal one


def test_exact_intervals_agree_with_their_p_values() -> None:
    """Tables 4–5: a two-sided exact P below 0.05 ⇔ the 95% interval excludes 0 (an open
    end excludes its own value)."""
    from painresponse.tables.model import EstimateCI

    result = analyze(default_cohort_path(), extended=True)
    checked = 0
    for key in ("table4", "table5"):
        for row in result.tables[key].rows:
            for column, cell in row.cells.items():
                if not isinstance(cell, EstimateCI) or "exact" not in cell.what:
                    continue
                p_key = "p" if column == "effect" else f"p:{column.split(':', 1)[1]}"
                p = row.cells[p_key].result.pvalue  # type: ignore[union-attr]
                low_ok = cell.ci_low < 0 or (cell.ci_low == 0 and not cell.low_open)
                high_ok = cell.ci_high > 0 or (cell.ci_high == 0 and not cell.high_open)
                assert (p < 0.05) == (not (low_ok and high_ok)), (key, row.level, column)
                checked += 1
    assert checked == 27  # 9 rows in Table 5, 9 × 2 groups in Table 4
