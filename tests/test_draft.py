"""Drafting a study file from a clinic's own export (``painresponse init``'s engine).

The messy export (``tests/messy_export.py``) is the bundled cohort as a hospital system
writes it: a "Notes" sheet first, title rows, English and Korean headers, sex coded 1/2,
block side in Korean, years since surgery as a number, "NA"/"-" in empty score cells, a
footer. The end-to-end test analyses it with the draft, as is, and expects the published
study's flow and every p-value of Tables 1–5 unchanged.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from painresponse import analyze, load_study
from painresponse.draft import StudyDraft, bundled_study_text, draft_study
from painresponse.draft._coding import bins
from painresponse.study import Study, Variable, default_study_path
from painresponse.study_checks import study_problems
from painresponse.synth import default_cohort_path
from tests.messy_export import (
    EXPECTED_MATCHES,
    FOOTER,
    HEADERS,
    chart_numbers,
    cohort_rows,
    write_messy_csv,
    write_messy_xlsx,
)

#: What a user has to change in the draft of the messy export before analysing it:
#: (text to replace, replacement). The drafting aims at none.
USER_EDITS: list[tuple[str, str]] = []


@pytest.fixture(scope="module")
def export_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("messy_export")


@pytest.fixture(scope="module")
def xlsx_path(export_folder: Path) -> Path:
    return write_messy_xlsx(export_folder)


@pytest.fixture(scope="module")
def csv_path(export_folder: Path) -> Path:
    return write_messy_csv(export_folder)


@pytest.fixture(scope="module")
def xlsx_draft(xlsx_path: Path) -> StudyDraft:
    return draft_study(xlsx_path)


def _saved(draft: StudyDraft, folder: Path, name: str = "study.toml") -> Path:
    path = folder / name
    path.write_text(draft.text, encoding="utf-8")
    return path


def _variable(study: Study, key: str) -> Variable:
    return next(v for v in study.variables if v.key == key)


def _comment_above(text: str, key_line: str) -> str:
    """The comment block right above the line starting with ``key_line``."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(key_line))
    block: list[str] = []
    for line in reversed(lines[:index]):
        if not line.startswith("#"):
            break
        block.insert(0, line)
    return "\n".join(block)


# ---------------------------------------------------------------- the bundled study file


def test_bundled_study_text_is_the_bundled_file() -> None:
    text = bundled_study_text()
    assert text == default_study_path().read_text(encoding="utf-8")
    assert Study.model_validate(tomllib.loads(text)) == load_study()


def test_draft_of_the_canonical_cohort_is_the_bundled_study(tmp_path: Path) -> None:
    draft = draft_study(default_cohort_path())
    assert draft.missing_columns == ()
    assert draft.unmatched_headers == ()
    assert draft.rename == {}
    assert {m.method for m in draft.matches.values()} == {"exact"}
    assert draft.to_check == ()
    drafted = load_study(_saved(draft, tmp_path))
    assert drafted.model_copy(update={"input": load_study().input}) == load_study()


# ---------------------------------------------------------------- the messy export


def test_fixture_is_the_cohort_written_otherwise(xlsx_path: Path) -> None:
    """The export's own checks: sheets, titles, footer, codes only where the cohort allows."""
    from openpyxl import load_workbook

    book = load_workbook(xlsx_path, read_only=True)
    assert book.sheetnames == ["Notes", "Data"]
    rows = list(book["Data"].iter_rows(values_only=True))
    assert rows[3][: len(HEADERS)] == tuple(HEADERS.values())
    assert rows[-1][0] == FOOTER
    cohort = cohort_rows()
    header = list(rows[3])
    for patient, cells in zip(cohort, rows[4 : 4 + len(cohort)], strict=True):
        for column, name in HEADERS.items():
            value = cells[header.index(name)]
            if value in ("NA", "-"):
                assert patient[column] == "", (column, value)
        years = cells[header.index(HEADERS["time_since_surgery"])]
        assert isinstance(years, int | float)
        assert (years <= 2) == (patient["time_since_surgery"] == "<=2")


def test_draft_is_a_valid_study_file(xlsx_draft: StudyDraft, tmp_path: Path) -> None:
    study = load_study(_saved(xlsx_draft, tmp_path))
    assert study_problems(study) == []
    raw = tomllib.loads(xlsx_draft.text)
    assert raw["rename"] == xlsx_draft.rename
    assert len(raw["rename"]) == len(HEADERS)
    # the template's analysis is kept
    bundled = load_study()
    assert study.time_points == bundled.time_points
    assert study.outcomes == bundled.outcomes
    assert study.responder == bundled.responder
    assert study.analysis == bundled.analysis


def test_each_header_maps_as_expected(xlsx_draft: StudyDraft) -> None:
    found = {h: (m.column, m.method) for h, m in xlsx_draft.matches.items()}
    assert found == EXPECTED_MATCHES
    assert xlsx_draft.unmatched_headers == ("Ward", "Notes")
    assert xlsx_draft.missing_columns == ()
    for match in xlsx_draft.matches.values():
        assert (match.score == 1.0) == (match.method != "fuzzy")
        assert 0.8 <= match.score <= 1.0


def test_fuzzy_matches_are_marked_to_check(xlsx_draft: StudyDraft) -> None:
    for header, match in xlsx_draft.matches.items():
        line = next(x for x in xlsx_draft.text.splitlines() if x.startswith(f'"{header}" ='))
        assert ("TO CHECK" in line) == (match.method == "fuzzy"), line


def test_sex_codes_get_a_recode_marked_as_a_guess(xlsx_draft: StudyDraft, tmp_path: Path) -> None:
    study = load_study(_saved(xlsx_draft, tmp_path))
    sex = _variable(study, "sex")
    assert sex.recode == {"1": "Male", "2": "Female"}
    assert sex.levels == ["Male", "Female"]
    assert 'recode = { "1" = "Male", "2" = "Female" }' in xlsx_draft.text
    above = _comment_above(xlsx_draft.text, 'recode = { "1"')
    assert above.startswith("# TO CHECK: '성별'")
    assert "guess" in above
    assert "1 = Male, 2 = Female (by the order of the levels)" in " ".join(
        line.removeprefix("#").strip() for line in above.splitlines()
    )


def test_korean_words_get_a_recode(xlsx_draft: StudyDraft, tmp_path: Path) -> None:
    side = _variable(load_study(_saved(xlsx_draft, tmp_path)), "block_side")
    assert side.recode == {"좌": "Left", "우": "Right", "양측": "Both"}
    assert _comment_above(xlsx_draft.text, 'recode = { "좌"').startswith("# TO CHECK")


def test_years_since_surgery_are_binned(xlsx_draft: StudyDraft, tmp_path: Path) -> None:
    time = _variable(load_study(_saved(xlsx_draft, tmp_path)), "time_since_surgery")
    assert time.cut == [2.0]
    assert time.labels == ["<=2", ">2"]
    assert time.closed == "right"
    assert time.levels == []
    assert time.level_labels == {"<=2": "≤2 year", ">2": ">2 year"}
    assert _comment_above(xlsx_draft.text, "cut = [2]").startswith("# TO CHECK")


def test_levels_equal_to_the_study_get_no_recode(xlsx_draft: StudyDraft, tmp_path: Path) -> None:
    study = load_study(_saved(xlsx_draft, tmp_path))
    for key in ("diagnosis", "pain_duration", "lesion_level", "lesion_severity", "surgery_type",
                "surgery_range", "block_levels", "block_distance"):  # fmt: skip
        variable = _variable(study, key)
        assert variable.recode == {} and variable.cut == [], key


def test_not_recorded_texts_go_to_input(xlsx_draft: StudyDraft, tmp_path: Path) -> None:
    study = load_study(_saved(xlsx_draft, tmp_path))
    assert sorted(study.input.na_values) == ["-", "NA"]
    assert study.input.sheet == "Data"
    above = _comment_above(xlsx_draft.text, "na_values =")
    assert above.startswith('# TO CHECK: these texts stand for "not recorded"')
    assert '"NA" in "NRS 1wk"' in above


def test_unused_headers_are_listed(xlsx_draft: StudyDraft) -> None:
    assert '# not used: "Ward", "Notes"' in xlsx_draft.text.splitlines()


def test_score_columns_are_recognised(xlsx_draft: StudyDraft) -> None:
    lines = xlsx_draft.text.splitlines()
    pain = next(x for x in lines if x.startswith('"Pain NRS 4wk" ='))
    assert pain.endswith("an NRS score")
    mobility = next(x for x in lines if x.startswith('"운동능력 4주" ='))
    assert mobility.endswith("integers 1–5, EQ-5D levels")


def test_csv_variant_gives_the_same_draft_but_its_reading(csv_path: Path, tmp_path: Path) -> None:
    draft = draft_study(csv_path)
    study = load_study(_saved(draft, tmp_path))
    assert study.input.encoding == "cp949"
    assert study.input.sheet is None
    assert {h: m.column for h, m in draft.matches.items()} == {
        h: column for h, (column, _) in EXPECTED_MATCHES.items()
    }


def test_sheet_and_header_row_are_written_when_given(xlsx_path: Path, tmp_path: Path) -> None:
    draft = draft_study(xlsx_path, sheet="Data", header_row=4)
    study = load_study(_saved(draft, tmp_path))
    assert (study.input.sheet, study.input.header_row) == ("Data", 4)
    assert len(draft.matches) == len(HEADERS)


def test_to_dict_is_json(xlsx_draft: StudyDraft) -> None:
    data = json.loads(json.dumps(xlsx_draft.to_dict(), ensure_ascii=False))
    assert data["matches"]["성별"] == {"column": "sex", "method": "synonym", "score": 1.0}
    assert data["unmatched_headers"] == ["Ward", "Notes"]
    assert data["text"] == xlsx_draft.text
    assert set(data["to_check"]) <= set(data["notes"])
    assert len(data["to_check"]) == 6  # NA texts, 2 similar names, 2 recodes, 1 cut


# ---------------------------------------------------------------- identifiers


def test_no_patient_identifier_in_the_draft(xlsx_draft: StudyDraft, csv_path: Path) -> None:
    ids = chart_numbers(len(cohort_rows()))
    for draft in (xlsx_draft, draft_study(csv_path)):
        written = json.dumps(draft.to_dict(), ensure_ascii=False)
        assert not [i for i in ids if i in written]


def test_all_different_values_are_never_listed() -> None:
    """A column of identifiers under a categorical variable's name: its values stay unwritten."""
    ids = [f"K{7000 + 13 * i}" for i in range(12)]
    export = pl.DataFrame({"ID": [f"P{i}" for i in range(12)], "Diagnosis": ids})
    draft = draft_study(export)
    assert draft.matches["Diagnosis"].column == "diagnosis"
    assert not [i for i in ids if i in draft.text or any(i in n for n in draft.notes)]
    assert any(n.startswith("TODO: 'Diagnosis' holds 12 different values") for n in draft.notes)


def test_identifier_values_are_never_described() -> None:
    """A numeric column not used: no range (a chart number's) in the comments."""
    export = pl.DataFrame({"Reference": [str(20_230_011 + 37 * i) for i in range(8)]})
    draft = draft_study(export)
    assert "20230011" not in draft.text
    assert '# not used: "Reference"' in draft.text.splitlines()


# ---------------------------------------------------------------- missing and other templates


def test_missing_columns_are_todo(tmp_path: Path) -> None:
    rows = cohort_rows()
    export = pl.DataFrame(rows).drop("bmi", "coldness_t4").rename({"age": "Age (years)"})
    draft = draft_study(export)
    assert draft.missing_columns == ("bmi", "coldness_t4")
    lines = draft.text.splitlines()
    assert any(x.startswith("# TODO: no column found for 'bmi' (Body mass index") for x in lines)
    assert any(x.startswith("# TODO: no column found for 'coldness_t4'") for x in lines)
    load_study(_saved(draft, tmp_path))


def test_time_points_are_never_confused() -> None:
    export = pl.DataFrame(
        {
            "ID": ["a", "b"],
            "NRS 1wk": ["3", "4"],
            "Pain NRS 2wk": ["3", "8"],
            "냉감 1주": ["1", "2"],
        }
    )
    draft = draft_study(export)
    assert draft.matches["NRS 1wk"].column == "pain_t1"
    assert draft.matches["냉감 1주"].column == "coldness_t1"
    assert "Pain NRS 2wk" in draft.unmatched_headers
    assert '"Pain NRS 2wk" (integers 3–8, like an NRS score)' in draft.text


def test_another_template(tmp_path: Path) -> None:
    export = pl.DataFrame({
        "연구번호": ["a", "b", "c"], "나이": ["50", "60", "70"], "Gender": ["남", "여", "남"],
        "Pain pre": ["5", "6", "7"], "Pain 1 month": ["3", "4", "NA"],
        "통증 3개월": ["2", ".", "1"],
    })  # fmt: skip
    template = Path(__file__).parents[1] / "examples" / "epidural-3-month.toml"
    draft = draft_study(export, study=template)
    assert {h: m.column for h, m in draft.matches.items()} == {
        "연구번호": "연구번호", "나이": "age", "Gender": "sex", "Pain pre": "pain_pre",
        "Pain 1 month": "pain_1m", "통증 3개월": "pain_3m",
    }  # fmt: skip
    study = load_study(_saved(draft, tmp_path))
    assert _variable(study, "sex").recode == {"남": "M", "여": "F"}
    assert study.input.na_values == ["NA", "."]
    assert study.responder.rule == "absolute_reduction"


def test_levels_given_as_ranges_become_cut_points() -> None:
    study = load_study()
    duration = _variable(study, "pain_duration")
    cut, labels, closed, warnings = bins(duration) or ([], [], "", [])
    assert (cut, labels, closed) == ([1.0, 2.0], ["<1", "1-2", ">2"], "right")
    assert warnings == [
        'the levels do not say where a value of exactly 1 belongs; closed = "right" puts it '
        "in '<1'"
    ]
    assert bins(_variable(study, "surgery_range")) is None


# ---------------------------------------------------------------- quoting


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(headers=["*"])  # pl.col("*") is every column: found by this test
@example(headers=["^a$", "a"])  # pl.col("^a$") is a pattern
@given(
    st.lists(
        st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and s.strip()),
        min_size=1, max_size=5, unique=True,
    ),
)  # fmt: skip
def test_any_headers_give_a_valid_draft(headers: list[str]) -> None:
    columns = {"Patient ID": ["a", "b"], "성별": ["1", "2"]}
    columns.update({h: ["x", "y"] for h in headers if h not in columns})
    draft = draft_study(pl.DataFrame(columns))
    raw = tomllib.loads(draft.text)
    Study.model_validate(raw)
    assert set(raw["rename"]) <= set(columns)
    for header, column in raw["rename"].items():
        assert draft.matches[header].column == column


def test_awkward_headers_are_quoted(tmp_path: Path) -> None:
    awkward = {
        'Age "years"': "age",
        "BMI (kg/m²)": "bmi",
        "C:\\sex": None,
        "Block\tside": None,
        "나이 (세)": None,
        "성별 ": None,
    }
    export = pl.DataFrame({h: ["1", "2"] for h in awkward} | {"환자번호": ["a", "b"]})
    draft = draft_study(export)
    raw = tomllib.loads(draft.text)
    assert raw["rename"]['Age "years"'] == "age"
    assert raw["rename"]["BMI (kg/m²)"] == "bmi"
    load_study(_saved(draft, tmp_path))


# ---------------------------------------------------------------- end to end


def _p_values(result: object) -> dict[str, list[float]]:
    tables = result.tables  # type: ignore[attr-defined]
    return {
        key: [cell.value for _, _, cell in tables[key].pvalue_cells()]
        for key in ("table1", "table2", "table3", "table4", "table5")
    }


@pytest.mark.parametrize("writer", [write_messy_xlsx, write_messy_csv], ids=["xlsx", "csv"])
def test_messy_export_analysed_with_its_draft_reproduces_the_study(
    writer: object, tmp_path: Path
) -> None:
    """The export with its draft, as drafted, gives the published flow and every p-value."""
    export = writer(tmp_path)  # type: ignore[operator]
    text = draft_study(export).text
    for old, new in USER_EDITS:
        assert old in text
        text = text.replace(old, new)
    assert len(USER_EDITS) == 0
    study_path = tmp_path / "study.toml"
    study_path.write_text(text, encoding="utf-8")

    result = analyze(export, study=study_path)
    reference = analyze(default_cohort_path())
    assert result.flow.assessed == 87
    assert result.flow.analysed == 84
    assert dict(result.flow.groups) == {"Responder": 41, "Non-responder": 43}
    excluded = [
        (e.stage, e.reason, e.count, [r - 3 for r in e.rows]) for e in result.flow.exclusions
    ]
    assert excluded == [
        (e.stage, e.reason, e.count, list(e.rows)) for e in reference.flow.exclusions
    ]
    assert _p_values(result) == _p_values(reference)
    for key in ("table1", "table2", "table3", "table4", "table5"):
        assert result.table_frame(key).equals(reference.table_frame(key)), key
