"""Read the Excel workbook back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from painresponse.render._layout import header_text
from painresponse.render.format import TYPESET, column_header, format_cell
from painresponse.render.xlsx import RESULT_COLUMNS, write_xlsx
from painresponse.result import StudyResult
from painresponse.tables.model import PValue


@pytest.fixture(scope="module")
def workbook_path(result: StudyResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(result, tmp_path_factory.mktemp("xlsx") / "tables.xlsx")


def test_sheets(workbook_path: Path) -> None:
    workbook = openpyxl.load_workbook(workbook_path)
    assert workbook.sheetnames == [
        "Table 1", "Table 2", "Table 3", "Table 4", "Table 5",
        "Flow", "Results", "Figure data", "Methods",
    ]  # fmt: skip


def test_table_sheet_is_as_displayed(result: StudyResult, workbook_path: Path) -> None:
    sheet = openpyxl.load_workbook(workbook_path)["Table 1"]
    table = result.tables["table1"]
    header = [c.value for c in sheet[3]][1:]
    # as in Word: no-break spaces keep "(n = 84)" on one line when the header wraps
    assert header == [header_text(c) for c in table.columns]
    assert [h.replace("\u00a0", " ") for h in header] == [column_header(c) for c in table.columns]
    assert sheet.cell(3, 2).font.bold
    for r, row in enumerate(table.rows, start=4):
        for c, column in enumerate(table.columns, start=2):
            value = row.cell(column.key)
            expected = format_cell(value, TYPESET)
            if isinstance(value, PValue) and value.marker:
                expected += value.marker
            assert (sheet.cell(r, c).value or "") == expected
    last = 3 + len(table.rows)
    assert sheet.cell(last, 2).border.bottom.style == "medium"
    assert sheet.cell(last + 1, 1).value.startswith("Values are")


def test_superscript_marker_in_rich_text(workbook_path: Path) -> None:
    sheet = openpyxl.load_workbook(workbook_path, rich_text=True)["Table 1"]
    blocks = list(sheet.cell(4, 5).value)
    assert blocks[0] == "0.296"
    assert blocks[1].text == "a" and blocks[1].font.vertAlign == "superscript"


def test_results_sheet_holds_unrounded_numbers(result: StudyResult, workbook_path: Path) -> None:
    sheet = openpyxl.load_workbook(workbook_path)["Results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == RESULT_COLUMNS
    records = [dict(zip(RESULT_COLUMNS, r, strict=True)) for r in rows[1:]]
    n_cells = sum(len(t.pvalue_cells()) for t in result.tables.values())
    assert len(records) == n_cells
    age = records[0]
    assert age["p_value"] == 0.2961 and isinstance(age["p_value"], float)
    assert age["statistic"] == 1.2345678 and age["df"] == 80.2
    assert any(r["p_value"] is None for r in records)  # NaN p-value -> empty cell


def test_flow_and_figure_data(result: StudyResult, workbook_path: Path) -> None:
    workbook = openpyxl.load_workbook(workbook_path)
    flow = list(workbook["Flow"].iter_rows(values_only=True))
    assert flow[1] == ("assessed", None, 87)
    data = list(workbook["Figure data"].iter_rows(values_only=True))
    assert len(data) == 1 + len(result.figures.summaries)
    assert data[1][6] == result.figures.summaries[0].mean


def test_one_results_schema_in_csv_json_and_excel(result: StudyResult, tmp_path: Path) -> None:
    """results.csv, results.json and the Excel Results sheet share names, order and values."""
    import json

    from painresponse.render._tabular import write_csv_outputs
    from painresponse.render.results import RESULT_FIELDS

    write_csv_outputs(result, tmp_path)
    write_xlsx(result, tmp_path / "tables.xlsx")
    csv_header = (tmp_path / "results.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert tuple(csv_header.split(",")) == RESULT_FIELDS
    records = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    assert all(tuple(r)[: len(RESULT_FIELDS)] == RESULT_FIELDS for r in records)
    sheet = openpyxl.load_workbook(tmp_path / "tables.xlsx")["Results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == RESULT_FIELDS
    for excel, js in zip(rows[1:], records, strict=True):
        excel_record = dict(zip(RESULT_FIELDS, excel, strict=True))
        assert excel_record["variable"] == js["variable"]
        assert excel_record["variable_key"] == js["variable_key"]
        assert excel_record["n"] == ";".join(str(n) for n in js["n"])
        assert excel_record["p_value"] == js["p_value"]
