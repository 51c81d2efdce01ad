"""Every validation rule, on hand-made bad files: all problems at once, none silent."""

from __future__ import annotations

import contextlib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painresponse.errors import InputError, ValidationError
from painresponse.io import read_table, validate
from painresponse.study import load_study
from tests.conftest import make_rows, write_csv

STUDY = load_study()


def problems(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate(read_table(path), STUDY)
    return [str(p) for p in info.value.problems]


def test_clean_file_types_columns(small_csv: Path) -> None:
    typed = validate(read_table(small_csv), STUDY).collect()
    assert typed["_row"].to_list()[:2] == [2, 3]
    assert typed["pain_t0"].dtype.is_float()
    assert typed["sex"].to_list()[:2] == ["Female", "Male"]


def test_out_of_range_names_row_column_value_rule(tmp_path: Path) -> None:
    rows = make_rows()
    rows[3]["pain_t1"] = "12"
    found = problems(write_csv(rows, tmp_path / "bad.csv"))
    assert found == ["row 5, pain_t1 = '12': Pain (NRS) at T1 must be an integer from 0 to 10"]


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    rows = make_rows()
    rows[0]["age"] = "sixty"
    rows[1]["bmi"] = "99"
    rows[2]["sex"] = "M"
    rows[3]["pain_t0"] = "7.5"
    rows[4]["eq5d_mo_t1"] = "6"
    found = problems(write_csv(rows, tmp_path / "bad.csv"))
    assert len(found) == 5
    assert "row 2, age = 'sixty': Age (years) must be an integer from 18 to 100" in found
    assert "row 3, bmi = '99'" in found[1]
    assert "row 4, sex = 'M': Sex must be one of 'Male', 'Female'" in found
    assert "row 5, pain_t0 = '7.5'" in found[3]
    assert "EQ-5D level at T1 must be an integer from 1 to 5" in found[4]


def test_duplicate_ids_name_rows_not_the_id(tmp_path: Path) -> None:
    rows = make_rows()
    rows[5]["patient_id"] = rows[2]["patient_id"]
    found = problems(write_csv(rows, tmp_path / "dup.csv"))
    assert found == [
        "row 4, patient_id: duplicate patient ID (rows 4, 7)",
        "row 7, patient_id: duplicate patient ID (rows 4, 7)",
    ]
    assert all(rows[2]["patient_id"] not in f for f in found)


def test_empty_id(tmp_path: Path) -> None:
    rows = make_rows()
    rows[0]["patient_id"] = ""
    assert problems(write_csv(rows, tmp_path / "x.csv")) == [
        "row 2, patient_id: patient ID must not be empty"
    ]


def test_missing_columns_listed(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k not in ("age", "pain_t4")} for r in make_rows()]
    found = problems(write_csv(rows, tmp_path / "x.csv"))
    assert found == ["age: required column is missing", "pain_t4: required column is missing"]


def test_empty_cells_are_missing_not_errors(tmp_path: Path) -> None:
    rows = make_rows()
    rows[0]["coldness_t4"] = ""
    typed = validate(read_table(write_csv(rows, tmp_path / "x.csv")), STUDY).collect()
    assert typed["coldness_t4"].null_count() == 1


def test_cp949_and_bom(tmp_path: Path) -> None:
    rows = make_rows()
    rows[0]["adverse_event"] = "두통"
    cp = write_csv(rows, tmp_path / "kr.csv", encoding="cp949")
    table = read_table(cp)
    assert table.encoding == "cp949"
    assert table.frame.collect()["adverse_event"][0] == "두통"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + write_csv(rows, tmp_path / "u.csv").read_bytes())
    assert read_table(bom).columns[0] == "patient_id"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("binary.csv", b"\x00\x01\x02PK\x00", "binary file"),
        ("header.csv", b"patient_id,age\n", "no patient rows"),
        ("data.json", b"{}", "unsupported file type '.json'"),
        ("broken.xlsx", b"not a zip", "not a readable Excel workbook"),
        ("broken.parquet", b"nope", "not a readable Parquet file"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nothing.csv")


def test_excel_and_parquet_read_the_same(tmp_path: Path, small_csv: Path) -> None:
    import polars as pl

    typed_csv = validate(read_table(small_csv), STUDY).collect()
    frame = pl.read_csv(small_csv)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    book.save(tmp_path / "x.xlsx")
    frame.write_parquet(tmp_path / "x.parquet")
    for path in (tmp_path / "x.xlsx", tmp_path / "x.parquet"):
        typed = validate(read_table(path), STUDY).collect()
        assert typed.select("pain_t0", "sex", "bmi").equals(
            typed_csv.select("pain_t0", "sex", "bmi")
        )


def test_stray_spaces_around_labels_are_trimmed_not_errors(tmp_path: Path) -> None:
    rows = make_rows()
    rows[0]["sex"] = " Male "
    rows[1]["sex"] = "Mail"
    found = problems(write_csv(rows, tmp_path / "x.csv"))
    assert found == ["row 3, sex = 'Mail': Sex must be one of 'Male', 'Female'"]
    rows[1]["sex"] = "Female"
    typed = validate(read_table(write_csv(rows, tmp_path / "y.csv")), STUDY).collect()
    assert typed["sex"][0] == "Male"


def test_large_csv_is_scanned_lazily_with_the_same_result(
    tmp_path: Path, small_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import painresponse.io.readers as readers

    eager = validate(read_table(small_csv), STUDY).collect()
    monkeypatch.setattr(readers, "LARGE_CSV_BYTES", 10)
    scanned = read_table(small_csv)
    assert scanned.streaming
    assert validate(scanned, STUDY).collect().equals(eager)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]))
def test_loaders_raise_only_our_errors(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    with contextlib.suppress(InputError, ValidationError):
        validate(read_table(path), STUDY)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_text_files_raise_only_our_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text("patient_id,age\n" + text, encoding="utf-8")
    with contextlib.suppress(InputError, ValidationError):
        validate(read_table(path), STUDY)


def test_headers_that_look_like_patterns_are_plain_names(tmp_path: Path) -> None:
    """A header "*" or "^a.*$" is a name, not a wildcard or regex (found by the fuzz test)."""
    path = tmp_path / "star.csv"
    path.write_text("patient_id,*,^a.*$\nP1,#N/A, \nP2,x,y\n", encoding="utf-8")
    table = read_table(path)
    frame = table.frame.collect() if isinstance(table.frame, pl.LazyFrame) else table.frame
    assert frame["*"].to_list() == [None, "x"] and frame["^a.*$"].to_list() == [None, "y"]
    assert [(p.row, p.column) for p in table.error_cells] == [(2, "*")]


def test_levels_stored_as_integers_are_checked_as_numbers(tmp_path: Path) -> None:
    """A categorical variable with whole-number levels ("1" … "6") read from an integer
    column (Parquet, Excel): valid values type to the level text, others are named."""
    frame = pl.DataFrame(make_rows()).with_columns(pl.col("surgery_range").cast(pl.Int64))
    assert frame["surgery_range"].dtype == pl.Int64
    frame.write_parquet(tmp_path / "ok.parquet")
    typed = validate(read_table(tmp_path / "ok.parquet"), STUDY).collect()
    assert typed["surgery_range"].to_list() == [str(v) for v in frame["surgery_range"]]
    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 2)
        .then(9)
        .otherwise(pl.col("surgery_range"))
        .alias("surgery_range")
    )
    bad.write_parquet(tmp_path / "bad.parquet")
    assert problems(tmp_path / "bad.parquet") == [
        "row 4, surgery_range = '9': Surgery range (level) must be one of "
        "'1', '2', '3', '4', '5', '6'"
    ]


def test_an_empty_id_is_still_found_with_the_count_in_one_pass(tmp_path: Path) -> None:
    rows = make_rows()
    rows[3]["patient_id"] = "   "
    assert problems(write_csv(rows, tmp_path / "x.csv")) == [
        "row 5, patient_id: patient ID must not be empty"
    ]


def test_a_decimal_comma_in_a_file_of_decimal_points_is_named(tmp_path: Path) -> None:
    rows = make_rows()
    rows[2]["bmi"] = "24,5"
    rows[3]["bmi"] = "heavy"
    found = problems(write_csv(rows, tmp_path / "comma.csv"))
    assert found == [
        "row 4, bmi = '24,5': Body mass index (kg/m²) must be a number from 12 to 60, "
        "written with a decimal point (this one has a decimal comma)",
        "row 5, bmi = 'heavy': Body mass index (kg/m²) must be a number from 12 to 60",
    ]
