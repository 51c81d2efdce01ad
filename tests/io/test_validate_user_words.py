"""Messages in the user's words, and the study file's derived variables.

Every problem names the user's own header (with the study's column in brackets when
the two differ), the row as the spreadsheet counts it, the value (cut to 80
characters) and the rule; a missing column gets "did you mean". ``recode``, ``cut``
and ``na_values`` turn what a clinic records into the study's levels, never silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from painresponse.errors import ValidationError
from painresponse.io import read_table, validate
from painresponse.io.validation import read_options
from painresponse.study import Study, load_study
from tests.conftest import make_rows, write_csv

STUDY = load_study()


def _study(**changes: object) -> Study:
    return STUDY.model_copy(update=changes)


def _variable(study: Study, key: str, **changes: object) -> Study:
    variables = [v.model_copy(update=changes) if v.key == key else v for v in study.variables]
    return study.model_copy(update={"variables": variables})


def _problems(path: Path, study: Study = STUDY) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate(read_table(path, options=read_options(study)), study)
    return [str(p) for p in info.value.problems]


def test_header_with_other_case_and_spaces_is_matched(tmp_path: Path) -> None:
    rows = [{("Age " if k == "age" else "PAIN_T0" if k == "pain_t0" else k): v
             for k, v in r.items()} for r in make_rows()]  # fmt: skip
    rows[3]["Age "] = "150"
    assert _problems(write_csv(rows, tmp_path / "x.csv")) == [
        "row 5, Age [age] = '150': Age (years) must be an integer from 18 to 100"
    ]


def test_misspelt_header_gets_did_you_mean(tmp_path: Path) -> None:
    rows = [{("bmii" if k == "bmi" else k): v for k, v in r.items()} for r in make_rows()]
    assert _problems(write_csv(rows, tmp_path / "x.csv")) == [
        "bmi: required column is missing; did you mean 'bmii'?"
    ]


def test_renamed_header_is_named_in_messages(tmp_path: Path) -> None:
    rows = [{("Pain NRS 1wk" if k == "pain_t1" else k): v for k, v in r.items()}
            for r in make_rows()]  # fmt: skip
    rows[0]["Pain NRS 1wk"] = "12"
    study = _study(rename={"Pain NRS 1wk": "pain_t1"})
    assert _problems(write_csv(rows, tmp_path / "x.csv"), study) == [
        "row 2, Pain NRS 1wk [pain_t1] = '12': Pain (NRS) at T1 must be an integer from 0 to 10"
    ]


def test_rename_onto_an_existing_column_is_an_error(tmp_path: Path) -> None:
    rows = [{**r, "Age (y)": r["age"]} for r in make_rows()]
    found = _problems(write_csv(rows, tmp_path / "x.csv"), _study(rename={"Age (y)": "age"}))
    assert any("the file also has a column 'age'" in f for f in found)


def test_long_values_are_cut_to_80_characters(tmp_path: Path) -> None:
    rows = make_rows()
    rows[2]["sex"] = "x" * 10_000
    (found,) = _problems(write_csv(rows, tmp_path / "x.csv"))
    value = found.split("'")[1]
    assert len(value) == 80 and value.endswith("…")


def test_recode_turns_codes_into_levels(tmp_path: Path) -> None:
    rows = make_rows()
    for r in rows:
        r["sex"] = {"Male": "1", "Female": "2"}[r["sex"]]
    study = _variable(STUDY, "sex", recode={"1": "Male", "2": "Female"})
    path = write_csv(rows, tmp_path / "x.csv")
    typed = validate(read_table(path), study).collect()
    assert typed["sex"].to_list()[:3] == ["Female", "Male", "Male"]
    rows[4]["sex"] = "3"
    (found,) = _problems(write_csv(rows, tmp_path / "y.csv"), study)
    assert found.startswith("row 6, sex = '3': Sex must be one of the codes 1 = Male, 2 = Female")


def test_cut_bins_a_number_with_the_closed_side_stated(tmp_path: Path) -> None:
    rows = make_rows()
    years = ["0.5", "2", "2.0", "2.01", "14", ""]
    for r, y in zip(rows, years * 2, strict=False):
        r["time_since_surgery"] = y
    study = _variable(STUDY, "time_since_surgery", levels=[], cut=[2.0],
                      labels=["<=2", ">2"])  # fmt: skip
    typed = validate(read_table(write_csv(rows, tmp_path / "x.csv")), study).collect()
    assert typed["time_since_surgery"].to_list()[:6] == ["<=2", "<=2", "<=2", ">2", ">2", None]
    left = _variable(STUDY, "time_since_surgery", levels=[], cut=[2.0], labels=["<2", ">=2"],
                     closed="left")  # fmt: skip
    typed = validate(read_table(write_csv(rows, tmp_path / "y.csv")), left).collect()
    assert typed["time_since_surgery"].to_list()[:4] == ["<2", ">=2", ">=2", ">=2"]
    rows[1]["time_since_surgery"] = "two"
    (found,) = _problems(write_csv(rows, tmp_path / "z.csv"), study)
    assert found.startswith("row 3, time_since_surgery = 'two': Time after spinal surgery")


def test_na_values_are_explicit(tmp_path: Path) -> None:
    rows = make_rows()
    rows[1]["pain_t4"] = "NA"
    rows[2]["bmi"] = "-"
    path = write_csv(rows, tmp_path / "x.csv")
    found = _problems(path)
    assert [f.split(":")[0] for f in found] == ["row 3, pain_t4 = 'NA'", "row 4, bmi = '-'"]
    with_na = _study(input=STUDY.input.model_copy(update={"na_values": ["NA", "-"]}))
    typed = validate(read_table(path), with_na).collect()
    assert typed["pain_t4"][1] is None and typed["bmi"][2] is None


def test_decimal_comma_file(tmp_path: Path) -> None:
    rows = make_rows()
    rows[0]["bmi"] = "23.5"
    lines = [";".join(rows[0])] + [";".join(v.replace(".", ",") for v in r.values()) for r in rows]
    path = tmp_path / "eu.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_table(path)
    assert raw.decimal == ","
    typed = validate(raw, STUDY).collect()
    assert typed["bmi"][0] == pytest.approx(23.5)


def test_excel_error_cells_are_problems(tmp_path: Path) -> None:
    rows = make_rows()
    rows[3]["bmi"] = "#N/A"
    rows[5]["adverse_event"] = "#DIV/0!"
    found = _problems(write_csv(rows, tmp_path / "x.csv"))
    assert found == [
        "row 5, bmi = '#N/A': an Excel error value (a formula that failed): correct the formula "
        "or clear the cell"
    ]  # adverse_event is not read by the study: its error value does no harm


def test_no_patient_id_in_any_message(tmp_path: Path) -> None:
    rows = make_rows()
    rows[4]["patient_id"] = rows[1]["patient_id"]
    rows[6]["patient_id"] = "x" * 300
    rows[6]["age"] = "old"
    found = _problems(write_csv(rows, tmp_path / "x.csv"))
    assert found and not any(rows[1]["patient_id"] in f or "xxxx" in f for f in found)
