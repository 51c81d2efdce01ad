"""Reading exports as the file is: row numbers, error cells, malformed lines, encodings, sheets.

Every fixture is built in ``tmp_path`` from the bundled cohort (87 patients): no binary
fixture is committed. A value the validator rejects (``pain_t1 = 12``) is planted where
a test needs a problem whose row number it can check against the line it was written on.
The streaming path (files above ``LARGE_CSV_BYTES``) is tested by lowering that limit.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import painresponse.io.readers as readers
from painresponse.errors import InputError, ValidationError
from painresponse.io import read_table, validate
from painresponse.io._layout import EXCEL_ERRORS
from painresponse.io.readers import RawTable, ReadOptions
from painresponse.io.validation import read_options
from painresponse.study import load_study
from painresponse.synth import default_cohort_path

STUDY = load_study()
OPTIONS = read_options(STUDY)
COHORT = default_cohort_path().read_text(encoding="utf-8").splitlines()
HEADER = COHORT[0].split(",")
PATIENTS = [line.split(",") for line in COHORT[1:]]
PAIN_T1 = HEADER.index("pain_t1")
RULE_T1 = "Pain (NRS) at T1 must be an integer from 0 to 10"
FOOTER = "footer or total below the last patient"


@pytest.fixture(params=[False, True], ids=["in-memory", "streaming"])
def streaming(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run a test on both paths: in memory, and the normalised copy scanned lazily."""
    if request.param:
        monkeypatch.setattr(readers, "LARGE_CSV_BYTES", 10)
    return bool(request.param)


def _patients() -> list[list[str]]:
    return [list(p) for p in PATIENTS]


def _csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def _problems(table: RawTable) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate(table, STUDY).collect()
    return [str(p) for p in info.value.problems]


def _rows(table: RawTable) -> list[int]:
    return table.frame.collect()["_row"].to_list()


def _cell(value: str) -> Any:
    """A cell as a clinic's sheet holds it: numbers as numbers, empty as nothing."""
    if not value:
        return None
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _sheet_rows(patients: list[list[str]]) -> list[list[Any]]:
    return [HEADER, *([_cell(v) for v in p] for p in patients)]


def _rewrite_sheet(path: Path, change: Callable[[str], str]) -> None:
    """Edit the first sheet's XML inside an .xlsx (what openpyxl cannot write)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)


# --- 1. Row numbers are the file's own ------------------------------------------------


def test_csv_rows_are_physical_lines_with_titles_blanks_and_quoted_line_breaks(
    tmp_path: Path, streaming: bool
) -> None:
    patients = _patients()
    patients[2][-1] = "itching\nthen a rash\non the back"  # lines 6-8
    patients[4][PAIN_T1] = "12"
    text = "LSGB registry export\n\n" + _csv_text([HEADER, *patients[:5]])
    text += "\n" + _csv_text(patients[5:])
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    table = read_table(path, options=OPTIONS)
    # title 1, blank 2, header 3, patients 4, 5, 6-8, 9, 10, blank 11, then 12, 13 ...
    assert _rows(table)[:7] == [4, 5, 6, 9, 10, 12, 13]
    assert _rows(table)[-1] == 12 + 87 - 6
    assert table.header_row == 3
    assert [(s.row, s.reason) for s in table.skipped] == [
        (1, "title or note above the header"),
        (2, "blank row"),
        (11, "blank row"),
    ]
    assert _problems(table) == [f"row 10, pain_t1 = '12': {RULE_T1}"]
    assert table.frame.collect()["adverse_event"][2] == "itching\nthen a rash\non the back"


def test_crlf_line_ends_count_as_one_line(tmp_path: Path) -> None:
    patients = _patients()
    patients[1][-1] = "nausea\r\nthen vomiting"
    patients[3][PAIN_T1] = "12"
    path = tmp_path / "windows.csv"
    path.write_bytes(_csv_text([HEADER, *patients], newline="\r\n").encode("utf-8"))
    assert _problems(read_table(path, options=OPTIONS)) == [f"row 6, pain_t1 = '12': {RULE_T1}"]


def test_xlsx_rows_are_sheet_rows_with_titles_and_blank_rows(tmp_path: Path) -> None:
    patients = _patients()
    patients[3][PAIN_T1] = "12"
    rows = _sheet_rows(patients)
    sheet = [["Pain clinic registry"], [], [], rows[0], *rows[1:4], [], *rows[4:]]
    table = read_table(_workbook(tmp_path / "x.xlsx", {"Data": sheet}), options=OPTIONS)
    # title 1, blanks 2-3, header 4, patients 5-7, blank 8, patients 9 ...
    assert table.header_row == 4
    assert _rows(table)[:5] == [5, 6, 7, 9, 10]
    assert [s.row for s in table.skipped] == [1, 2, 3, 8]
    assert _problems(table) == [f"row 9, pain_t1 = '12': {RULE_T1}"]


def test_xlsx_with_a_wrong_declared_range_is_read_to_the_end(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", {"Data": _sheet_rows(_patients())})
    _rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:C3"/>',
                                            xml))  # fmt: skip
    table = read_table(path, options=OPTIONS)
    assert table.rows == 87
    assert table.frame.collect().width == len(HEADER) + 1


# --- 2. Excel error values ------------------------------------------------------------


def test_xlsx_error_cells_are_named_by_row_header_value_and_rule(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", {"Data": _sheet_rows(_patients())})
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    sheet["D5"] = "#N/A"  # bmi of the patient on sheet row 5
    sheet["Q9"] = "#DIV/0!"  # pain_t1
    assert sheet["D5"].data_type == "e"
    book.save(path)
    table = read_table(path, options=OPTIONS)
    assert [(c.row, c.column, c.value) for c in table.error_cells] == [
        (5, "bmi", "#N/A"),
        (9, "pain_t1", "#DIV/0!"),
    ]
    assert all("Excel error value" in c.rule for c in table.error_cells)
    frame = table.frame.collect()
    assert frame["bmi"][3] is None  # never the text "#N/A" read as a value
    found = _problems(table)
    assert found[0].startswith("row 5, bmi = '#N/A': an Excel error value")
    assert found[1].startswith("row 9, pain_t1 = '#DIV/0!': an Excel error value")


def test_xlsx_formula_that_failed_is_an_error_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", {"Data": _sheet_rows(_patients())})
    book = openpyxl.load_workbook(path)
    book["Data"]["D7"] = "#DIV/0!"
    book.save(path)
    # As Excel saves it: the formula with its cached (failed) result.
    _rewrite_sheet(path, lambda xml: re.sub(
        r'(<c r="D7"[^>]*t="e"[^>]*>)(<v>)', r"\1<f>C7/0</f>\2", xml))  # fmt: skip
    with zipfile.ZipFile(path) as z:
        assert "<f>C7/0</f>" in z.read("xl/worksheets/sheet1.xml").decode()
    table = read_table(path, options=OPTIONS)
    assert [(c.row, c.column, c.value) for c in table.error_cells] == [(7, "bmi", "#DIV/0!")]


def test_csv_error_texts_are_error_cells(tmp_path: Path, streaming: bool) -> None:
    patients = _patients()
    patients[2][HEADER.index("bmi")] = "#N/A"
    patients[5][PAIN_T1] = " #DIV/0! "
    patients[6][HEADER.index("adverse_event")] = "#VALUE!"
    path = tmp_path / "x.csv"
    path.write_text(_csv_text([HEADER, *patients]), encoding="utf-8")
    table = read_table(path, options=OPTIONS)
    assert table.streaming == streaming
    assert [(c.row, c.column, c.value) for c in table.error_cells] == [
        (4, "bmi", "#N/A"),
        (7, "pain_t1", "#DIV/0!"),
        (8, "adverse_event", "#VALUE!"),
    ]
    frame = table.frame.collect()
    assert frame["bmi"][2] is None and frame["adverse_event"][6] is None
    found = _problems(table)
    assert [f.split(":")[0] for f in found] == ["row 4, bmi = '#N/A'", "row 7, pain_t1 = '#DIV/0!'"]


def test_error_cells_are_listed_200_per_column_then_counted(tmp_path: Path) -> None:
    patients = [list(p) for _ in range(4) for p in PATIENTS]  # 348 rows
    for i, p in enumerate(patients):
        p[0] = f"P{i:04d}"
        p[HEADER.index("bmi")] = "#N/A"
    path = tmp_path / "x.csv"
    path.write_text(_csv_text([HEADER, *patients]), encoding="utf-8")
    cells = read_table(path).error_cells
    assert len(cells) == 201
    assert cells[-1].row is None and cells[-1].rule.startswith("148 more cells")


# --- 3. Short and long lines ----------------------------------------------------------


def test_short_and_long_lines_are_problems(tmp_path: Path, streaming: bool) -> None:
    lines = list(COHORT)
    lines[3] = ",".join(PATIENTS[2][:10])  # cut short
    lines[5] = lines[5] + ",a note"  # a value with no column
    bmi = PATIENTS[7][HEADER.index("bmi")]
    lines[8] = lines[8].replace(f",{bmi},", f",{bmi.replace('.', ',')},", 1)  # decimal comma
    path = tmp_path / "x.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path, options=OPTIONS)
    assert table.streaming == streaming
    assert [(p.row, p.rule.split(":")[0]) for p in table.problems] == [
        (4, "the line has 10 fields where the header (line 1) has 37"),
        (6, "the line has 38 fields where the header (line 1) has 37"),
        (9, "the line has 38 fields where the header (line 1) has 37, unlike the other lines"),
    ]
    assert table.rows == 87  # counted, and the problems stop the analysis
    assert any(f.startswith("row 4: the line has 10 fields") for f in _problems(table))


def test_a_separator_ending_every_line_is_not_a_problem(tmp_path: Path, streaming: bool) -> None:
    path = tmp_path / "x.csv"
    path.write_text("\n".join([COHORT[0], *(f"{line}," for line in COHORT[1:])]) + "\n",
                    encoding="utf-8")  # fmt: skip
    table = read_table(path, options=OPTIONS)
    assert table.problems == ()
    assert any("every line ends with a field separator" in n for n in table.notes)
    validate(table, STUDY).collect()


def test_a_header_ending_with_a_separator_is_not_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("\n".join([COHORT[0] + ",", *COHORT[1:]]) + "\n", encoding="utf-8")
    table = read_table(path, options=OPTIONS)
    assert table.problems == ()
    assert table.columns == HEADER


def test_a_value_under_an_empty_header_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    rows = _sheet_rows(_patients())
    rows[0] = [*HEADER, None, "notes"]
    rows[4] = [*rows[4], "stray"]
    _workbook(path, {"Data": rows})
    table = read_table(path, options=OPTIONS)
    assert [str(p) for p in table.problems] == [
        "row 5: cell AL5 holds a value but its column has no header (row 1)"
    ]


# --- 4. Duplicate headers, footers, titles --------------------------------------------


def test_duplicate_headers_name_both_columns(tmp_path: Path) -> None:
    header = list(HEADER)
    header[4] = "age"
    path = tmp_path / "x.csv"
    path.write_text("\n".join([",".join(header), *COHORT[1:]]), encoding="utf-8")
    with pytest.raises(InputError, match=r"columns field 2 and field 5 \(row 1\) are both headed"):
        read_table(path)
    book = _workbook(tmp_path / "x.xlsx", {"Data": [["Title"], header, *_sheet_rows(PATIENTS)[1:]]})
    with pytest.raises(InputError, match=r"columns B and E \(row 2\) are both headed 'age'"):
        read_table(book)


FOOTERS = {
    "export line": [["Exported 2024-03-02 by EMR"]],
    "total": [["Total", "87"]],
    "total and mean": [["Total", "87"], ["Mean", "", "", "24.1"]],
    "count after a blank": [[], ["n = 87 patients"]],
}


@pytest.mark.parametrize("footer", FOOTERS.values(), ids=FOOTERS.keys())
@pytest.mark.parametrize("patients", [87, 12])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_footers_are_set_aside_by_row_never_counted(
    tmp_path: Path, footer: list[list[str]], patients: int, kind: str
) -> None:
    rows = [HEADER, *PATIENTS[:patients], *footer]
    if kind == "csv":
        path = tmp_path / "x.csv"
        path.write_text(_csv_text(rows), encoding="utf-8")
    else:
        path = _workbook(tmp_path / "x.xlsx", {"Data": [[_cell(v) for v in r] for r in rows]})
    table = read_table(path, options=OPTIONS)
    assert table.rows == patients
    footer_rows = [patients + 2 + i for i, line in enumerate(footer) if line]
    assert [s.row for s in table.skipped if s.reason == FOOTER] == footer_rows
    assert table.problems == ()
    assert any("below the last patient" in n for n in table.notes)
    validate(table, STUDY).collect()


@pytest.mark.parametrize("patients", [87, 2])
def test_a_last_patient_with_empty_cells_is_still_a_patient(tmp_path: Path, patients: int) -> None:
    rows = _sheet_rows(_patients()[:patients])
    rows[-1] = [rows[-1][0], rows[-1][1]]  # only ID and age recorded
    rows += [["Total", patients], ["Mean", None, None, 24.1]]
    table = read_table(_workbook(tmp_path / "x.xlsx", {"Data": rows}), options=OPTIONS)
    assert table.rows == patients
    assert [s.row for s in table.skipped] == [patients + 2, patients + 3]


def test_title_rows_are_found_and_said(tmp_path: Path) -> None:
    text = "Pain clinic, LSGB cohort\nExported 2024-03-02\n\n" + "\n".join(COHORT) + "\n"
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    for options in (OPTIONS, ReadOptions()):
        table = read_table(path, options=options)
        assert table.header_row == 4
        assert "the header is on row 4; rows 1, 2 above it are titles or notes, not data" in (
            table.notes
        )
        assert _rows(table)[0] == 5


def test_header_row_option(tmp_path: Path) -> None:
    text = "\n".join(["Registry", "patient count,87", *COHORT]) + "\n"
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    table = read_table(path, options=ReadOptions(header_row=3))
    assert table.header_row == 3 and table.columns == HEADER and table.rows == 87
    with pytest.raises(InputError, match=r"header row 95 .* is blank or beyond the table"):
        read_table(path, options=ReadOptions(header_row=95))


# --- 5. Encodings, delimiters, decimal marks -----------------------------------------


def _korean() -> list[list[str]]:
    header = ["환자번호", "나이", *HEADER[2:]]
    patients = _patients()
    patients[0][-1] = "두통"
    return [header, *patients]


ENCODINGS = {
    "utf-8": ("utf-8", None, ","),
    "utf-8 with BOM": ("utf-8-sig", None, ","),
    "cp949": ("cp949", None, ","),
    "euc-kr": ("euc-kr", None, ","),
    "utf-16 (Excel Unicode Text)": ("utf-16", None, "\t"),
    "cp1252 given": ("cp1252", "cp1252", ","),
    "latin-1 given": ("latin-1", "latin-1", ";"),
}


@pytest.mark.parametrize(("codec", "given", "delimiter"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_encodings(
    tmp_path: Path, streaming: bool, codec: str, given: str | None, delimiter: str
) -> None:
    rows = _korean() if codec in ("cp949", "euc-kr", "utf-8", "utf-8-sig", "utf-16") else [
        HEADER, *_patients()]  # fmt: skip
    if codec in ("cp1252", "latin-1"):
        rows[1][-1] = "Ménière, façade"
    rows[5][PAIN_T1] = "12"
    path = tmp_path / "x.csv"
    path.write_bytes(_csv_text(rows, delimiter=delimiter, newline="\r\n").encode(codec))
    table = read_table(path, encoding=given)
    assert table.streaming == streaming
    assert table.columns[:2] == rows[0][:2]
    assert table.frame.collect()["adverse_event"][0] == rows[1][-1]
    assert _rows(table)[:3] == [2, 3, 4]
    study = STUDY.model_copy(update={"rename": {"환자번호": "patient_id", "나이": "age"}})
    with pytest.raises(ValidationError) as info:
        validate(table, study).collect()
    assert [str(p).split(":")[0] for p in info.value.problems] == ["row 6, pain_t1 = '12'"]


def test_an_undecodable_file_says_how_to_give_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(("\n".join(COHORT[:3]) + "Ménière\n").encode("cp1252"))
    with pytest.raises(InputError, match="--encoding"):
        read_table(path)


@pytest.mark.parametrize(
    "options",
    [ReadOptions(), ReadOptions(delimiter=";", decimal=",")],
    ids=["detected", "given"],
)
def test_semicolons_and_decimal_commas(
    tmp_path: Path, streaming: bool, options: ReadOptions
) -> None:
    rows = [HEADER, *([v.replace(".", ",") for v in p] for p in PATIENTS)]
    rows[3][HEADER.index("adverse_event")] = "1.5"  # one decimal point does not outvote 87 commas
    path = tmp_path / "eu.csv"
    path.write_text(_csv_text(rows, delimiter=";"), encoding="utf-8")
    table = read_table(path, options=options)
    assert table.decimal == ","
    assert table.problems == ()
    typed = validate(table, STUDY).collect()
    expected = [float(p[HEADER.index("bmi")]) for p in PATIENTS]
    assert typed["bmi"].to_list() == pytest.approx(expected)


# --- 6. Disguised files, huge cells, DataFrames ---------------------------------------


def test_html_saved_as_xls_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>patient_id</td></tr></table></body></html>")
    with pytest.raises(InputError, match=r"this is a web page \(HTML\) saved with an Excel") as e:
        read_table(path)
    assert "\n" not in str(e.value)


def test_xml_spreadsheet_saved_as_xls_is_named(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
                    'spreadsheet"></Workbook>')  # fmt: skip
    with pytest.raises(InputError, match="Excel 2003 XML spreadsheet"):
        read_table(path)


@pytest.mark.parametrize(("codec", "delimiter"), [("utf-8", "\t"), ("utf-16", "\t"),
                                                  ("cp949", ",")])  # fmt: skip
def test_text_saved_as_xls_is_read_as_text_with_a_note(
    tmp_path: Path, codec: str, delimiter: str
) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(_csv_text(_korean(), delimiter=delimiter).encode(codec))
    table = read_table(path)
    assert (
        table.notes[0] == "export.xls is a text table saved with an Excel extension; read as text"
    )
    assert table.rows == 87 and table.columns[0] == "환자번호"


@pytest.mark.parametrize(
    "content",
    [b"not a zip", b"\x00\x01\x02\x03" * 50, b"PK\x03\x04 broken zip", b"{}", b"hello\nworld\n"],
)
@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".xlsm"])
def test_other_files_with_an_excel_extension_are_not_workbooks(
    tmp_path: Path, content: bytes, suffix: str
) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(content)
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        read_table(path)


def test_xlsx_saved_as_xls_is_read_by_its_content(tmp_path: Path) -> None:
    xlsx = _workbook(tmp_path / "x.xlsx", {"Data": _sheet_rows(_patients())})
    path = tmp_path / "export.xls"
    path.write_bytes(xlsx.read_bytes())
    assert read_table(path, options=OPTIONS).rows == 87


def test_xlsx_saved_as_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    xlsx = _workbook(tmp_path / "x.xlsx", {"Data": _sheet_rows(_patients())})
    path = tmp_path / "export.csv"
    path.write_bytes(xlsx.read_bytes())
    table = read_table(path, options=OPTIONS)
    assert table.rows == 87
    assert table.notes[0].startswith("export.csv is an Excel workbook saved with a text extension")


def test_password_protected_workbook_is_named(tmp_path: Path) -> None:
    # An encrypted workbook is an OLE file holding an "EncryptedPackage" stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path = tmp_path / "export.xlsx"
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + bytes(1024))
    with pytest.raises(InputError, match="protected with a password"):
        read_table(path)


def test_a_ten_megabyte_cell_is_cut_in_messages(tmp_path: Path) -> None:
    patients = _patients()
    patients[2][HEADER.index("sex")] = "x" * 10_000_000
    patients[4][HEADER.index("bmi")] = "#N/A" + " " * 5_000_000
    path = tmp_path / "x.csv"
    path.write_text(_csv_text([HEADER, *patients]), encoding="utf-8")
    table = read_table(path, options=OPTIONS)
    found = _problems(table)
    assert len(found) == 2
    assert all(len(f) < 300 for f in found)
    assert found[0].startswith("row 4, sex = '" + "x" * 79 + "…'")


def test_a_huge_header_is_cut_in_the_duplicate_message(tmp_path: Path) -> None:
    name = "n" * 100_000
    path = tmp_path / "x.csv"
    path.write_text(f"{name},age,{name}\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(path)
    assert len(str(info.value)) < 300


def test_dataframe_with_mixed_ids_never_shows_an_id() -> None:
    frame = pd.read_csv(default_cohort_path())
    frame["patient_id"] = frame["patient_id"].astype(object)
    frame.loc[3, "patient_id"] = 40417
    frame.loc[4, "patient_id"] = pd.NA
    frame.loc[6, "patient_id"] = frame.loc[5, "patient_id"]
    frame.loc[7, "pain_t1"] = 12
    table = read_table(frame)
    found = _problems(table)
    assert found == [
        "row 5, patient_id: patient ID must not be empty",
        "row 6, patient_id: duplicate patient ID (rows 6, 7)",
        "row 7, patient_id: duplicate patient ID (rows 6, 7)",
        f"row 8, pain_t1 = '12': {RULE_T1}",
    ]
    ids = [str(v) for v in frame["patient_id"].dropna()]
    assert not any(i in f for f in found for i in ids)
    assert table.frame.collect()["patient_id"][3] == "40417"


def test_dataframe_with_duplicate_column_names_names_both() -> None:
    frame = pd.DataFrame([[1, 2, 3]], columns=["patient_id", "age", "age"])
    with pytest.raises(InputError, match="columns 2 and 3 are both named 'age'"):
        read_table(frame)


# --- 7. Sheets ------------------------------------------------------------------------


def _three_sheets(path: Path, data_sheets: int = 1) -> Path:
    sheets: dict[str, list[list[Any]]] = {"Notes": [["Exported by EMR"], ["see sheet Data"]]}
    for i in range(data_sheets):
        sheets["Data" if i == 0 else f"Data {i + 1}"] = _sheet_rows(_patients())
    sheets["Lookup"] = [["code", "label"], ["1", "Male"], ["2", "Female"]]
    return _workbook(path, sheets)


def test_sheet_by_name_or_number(tmp_path: Path) -> None:
    path = _three_sheets(tmp_path / "x.xlsx")
    for sheet in ("Data", "data", "2"):
        table = read_table(path, options=ReadOptions(sheet=sheet))
        assert table.rows == 87 and table.source == "x.xlsx [sheet 'Data']"
    with pytest.raises(InputError, match="there is no sheet 'Patients'; the sheets are 1 'Notes'"):
        read_table(path, options=ReadOptions(sheet="Patients"))


def test_the_sheet_with_the_study_columns_is_chosen_and_said(tmp_path: Path) -> None:
    table = read_table(_three_sheets(tmp_path / "x.xlsx"), options=OPTIONS)
    assert table.rows == 87
    assert table.notes[0].startswith("read sheet 'Data', the only one with the study's columns")


def test_several_sheets_with_the_columns_list_the_sheets(tmp_path: Path) -> None:
    path = _three_sheets(tmp_path / "x.xlsx", data_sheets=2)
    with pytest.raises(InputError) as info:
        read_table(path, options=OPTIONS)
    message = str(info.value)
    assert "4 sheets and several sheets hold every column the study reads" in message
    assert "--sheet NAME" in message
    assert "sheet 2 'Data': 88 filled rows; columns 'patient_id', 'age'" in message
    needed = len(OPTIONS.columns)
    assert f"({needed} of the {needed} columns the study reads)" in message
    assert f"sheet 4 'Lookup': 3 filled rows; columns 'code', 'label' (0 of the {needed}" in message
    assert PATIENTS[0][0] not in message


def test_no_sheet_with_the_columns_lists_what_each_holds(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", {"A": [["x", "y"], [1, 2]], "B": [], "C": [["z"]]})
    with pytest.raises(InputError, match="no sheet holds every column") as info:
        read_table(path, options=OPTIONS)
    assert "sheet 2 'B': empty" in str(info.value)


# --- 9. Properties --------------------------------------------------------------------

TITLES = ["LSGB registry export", "Department of Anesthesiology, Pain Clinic", "Printed by: EMR"]
BLANKS = ["", ",,,,", "   "]
FOOTER_LINES = ["Exported 2024-03-02 by EMR", "Total,87", "n = 87", "End of report"]


@st.composite
def _messy_export(draw: st.DrawFn) -> list[list[str]]:
    """A cohort with titles, blank lines and footers drawn at random, and one bad value.

    Returns the lines, each a list of fields: the header, the patients (one holding
    ``pain_t1 = 12``, some with a line break inside a quoted field), and titles, blank
    lines and footers (one or two fields) wherever they were drawn.
    """
    titles = draw(st.lists(st.sampled_from(TITLES), max_size=3))
    blank_after = draw(st.sets(st.integers(0, 86), max_size=6))
    footers = draw(st.lists(st.sampled_from(FOOTER_LINES), max_size=2, unique=True))
    broken_lines = draw(st.sets(st.integers(0, 86), max_size=3))
    planted = draw(st.integers(0, 86))
    patients = _patients()
    patients[planted][PAIN_T1] = "12"
    for i in broken_lines:
        patients[i][-1] = "first line\nsecond line"
    lines: list[list[str]] = [[t] for t in titles]
    if titles and draw(st.booleans()):
        lines.append([""])
    lines.append(HEADER)
    for i, patient in enumerate(patients):
        lines.append(patient)
        if i in blank_after:
            lines.append([draw(st.sampled_from(BLANKS))])
    if footers and draw(st.booleans()):
        lines.append([""])
    lines += [f.split(",") for f in footers]
    return lines


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(lines=_messy_export(), newline=st.sampled_from(["\n", "\r\n"]))
def test_csv_problem_rows_are_the_physical_lines(
    tmp_path: Path, lines: list[list[str]], newline: str
) -> None:
    physical: list[int] = []  # the line each written line starts on
    text, line = "", 1
    for fields in lines:
        chunk = _csv_text([fields], newline=newline) if len(fields) > 1 else fields[0] + newline
        physical.append(line)
        line += chunk.count("\n")
        text += chunk
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode("utf-8"))
    table = read_table(path, options=OPTIONS)
    where = {id(fields): physical[i] for i, fields in enumerate(lines)}
    patient_lines = [where[id(f)] for f in lines if len(f) == len(HEADER) and f is not HEADER]
    assert _rows(table) == patient_lines
    target = [f for f in lines if len(f) == len(HEADER) and f[PAIN_T1] == "12"]
    assert _problems(table) == [f"row {where[id(target[0])]}, pain_t1 = '12': {RULE_T1}"]
    others = sorted(set(physical) - set(patient_lines) - {where[id(HEADER)]})
    assert sorted(s.row for s in table.skipped) == others


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(lines=_messy_export())
def test_xlsx_problem_rows_are_the_sheet_rows(tmp_path: Path, lines: list[list[str]]) -> None:
    sheet = [[_cell(v.strip()) for v in fields] if any(v.strip(" ,") for v in fields) else []
             for fields in lines]  # fmt: skip
    table = read_table(_workbook(tmp_path / "x.xlsx", {"Data": sheet}), options=OPTIONS)
    numbers = {id(f): i + 1 for i, f in enumerate(lines)}
    patient_rows = [numbers[id(f)] for f in lines if len(f) == len(HEADER) and f is not HEADER]
    assert _rows(table) == patient_rows
    target = next(f for f in lines if len(f) == len(HEADER) and f[PAIN_T1] == "12")
    assert _problems(table) == [f"row {numbers[id(target)]}, pain_t1 = '12': {RULE_T1}"]
    # Blank rows after the last filled one are not in the file at all.
    last = max(i + 1 for i, row in enumerate(sheet) if row)
    others = set(range(1, last + 1)) - set(patient_rows) - {numbers[id(HEADER)]}
    assert sorted(s.row for s in table.skipped) == sorted(others)


_CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], whitelist_characters="\t\r\n"),
    max_size=12,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(cells=st.lists(st.lists(_CELL_TEXT, min_size=2, max_size=2), min_size=1, max_size=8))
def test_any_cell_text_is_read_back_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: list[list[str]]
) -> None:
    # Three columns: too few for a sparse last line to be taken for a footer.
    rows = [[f"P{i}", *r] for i, r in enumerate(cells)]
    path = tmp_path / "x.csv"
    path.write_text(_csv_text([["id", "a", "b"], *rows], newline="\r\n"), encoding="utf-8")
    expected = [
        [None if not v.strip() or v.strip() in EXCEL_ERRORS else v for v in r] for r in rows
    ]
    options = ReadOptions(delimiter=",", header_row=1)
    tables = [read_table(path, options=options)]
    monkeypatch.setattr(readers, "LARGE_CSV_BYTES", 10)
    tables.append(read_table(path, options=options))
    for table in tables:
        frame = table.frame.collect()
        assert [list(r) for r in frame.drop("_row").rows()] == expected
        assert table.problems == () and table.skipped == ()


# --- Numbers as the sheet shows them ---------------------------------------------------


def test_sheet_numbers_read_as_shown(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", {"Data": _sheet_rows(_patients())})
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    sheet["D2"] = 0.1 + 0.2 + 24  # a formula's float noise
    sheet["P2"] = 7.000000000000001
    sheet["AK2"] = 0.45
    sheet["AK2"].number_format = "0%"
    book.save(path)
    frame = read_table(path).frame.collect()
    assert frame.row(0, named=True)["bmi"] == "24.3"
    assert frame.row(0, named=True)["pain_t0"] == "7"
    assert frame.row(0, named=True)["adverse_event"] == "45%"


def test_streaming_and_in_memory_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patients = _patients()
    patients[3][HEADER.index("bmi")] = "#N/A"
    patients[9] = patients[9][:5]
    patients[20][-1] = "two\nlines"
    text = "Title\n\n" + _csv_text([HEADER, *patients[:30]]) + "\n" + _csv_text(patients[30:])
    path = tmp_path / "x.csv"
    path.write_text(text + "Exported by EMR\n", encoding="cp949")
    eager = read_table(path, options=OPTIONS)
    monkeypatch.setattr(readers, "LARGE_CSV_BYTES", 10)
    lazy = read_table(path, options=OPTIONS)
    assert lazy.streaming and not eager.streaming
    for name in ("rows", "header_row", "skipped", "problems", "error_cells", "notes", "decimal",
                 "encoding"):  # fmt: skip
        assert getattr(lazy, name) == getattr(eager, name), name
    assert lazy.frame.collect().equals(eager.frame.collect())


def test_parquet_and_polars_tables_are_read_as_they_are(tmp_path: Path) -> None:
    frame = pl.read_csv(default_cohort_path(), infer_schema=False)
    frame.write_parquet(tmp_path / "x.parquet")
    assert read_table(tmp_path / "x.parquet").rows == 87
    assert read_table(frame).rows == 87
