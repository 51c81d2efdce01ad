"""The command line on files as hospitals export them: what a clinic's team types and sees."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from painresponse.cli import app
from painresponse.study import default_study_path
from tests.conftest import make_rows

runner = CliRunner()


def _workbook(path: Path, notes_sheet: bool = True, error_at: int | None = None) -> Path:
    """A workbook as an EMR exports it: a notes sheet, a title, a blank row, a footer.

    Sheet rows: 1 title, 2 blank, 3 header, 4–9 patients, 10 blank, 11–16 patients,
    17 blank, 18 footer.
    """
    rows = make_rows()
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    if notes_sheet:
        first.title = "Notes"
        first["A1"] = "Export notes: see the data sheet"
        sheet = book.create_sheet("Data")
    else:
        sheet = first
    sheet.append(["Pain clinic registry, LSGB, exported 2026-11-30"])
    sheet.append([])
    sheet.append(list(rows[0]))
    for i, row in enumerate(rows):
        if i == 6:
            sheet.append([])
        sheet.append([float(v) if v.replace(".", "", 1).isdigit() else v or None
                      for v in row.values()])  # fmt: skip
    if error_at is not None:
        column = list(rows[0]).index("bmi") + 1
        sheet.cell(row=error_at, column=column).value = "#N/A"
    sheet.append([])
    sheet.append(["Exported 2026-11-30 by EMR"])
    book.save(path)
    return path


def test_validate_reads_the_sheet_and_lists_every_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(_workbook(tmp_path / "export.xlsx"))])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "read sheet 'Data', the only one with the study's columns" in out
    assert "the header is on row 3" in out
    assert "12 patient rows, no problems found" in out
    assert "rows 2, 10, 17" in out  # blank rows, by sheet row number
    assert "row 18" in out  # the footer
    assert "12 would be analysed" in out


def test_error_cell_is_named_by_sheet_row(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "export.xlsx", error_at=12)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "row 12, bmi = '#N/A': an Excel error value" in result.output


def test_sheet_flag_by_name_and_number(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "export.xlsx")
    for choice in ("Data", "2"):
        result = runner.invoke(app, ["validate", str(path), "--sheet", choice])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["validate", str(path), "--sheet", "Patients"])
    assert result.exit_code == 2
    assert "there is no sheet 'Patients'; the sheets are 1 'Notes', 2 'Data'" in result.output


def test_header_row_flag(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "export.xlsx", notes_sheet=False)
    result = runner.invoke(app, ["validate", str(path), "--header-row", "3"])
    assert result.exit_code == 0, result.output
    assert "12 patient rows" in result.output


def test_validate_lists_excluded_rows_never_ids(tmp_path: Path) -> None:
    rows = make_rows()
    for i in (2, 5):
        rows[i]["pain_t1"] = ""
    path = tmp_path / "x.csv"
    path.write_text(
        "\n".join([",".join(rows[0]), *(",".join(r.values()) for r in rows)]) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "would exclude 2 (completeness)" in result.output
    assert "rows 4, 7" in result.output
    assert not any(r["patient_id"] in result.output for r in rows)


def test_report_flow_counts_the_lines_set_aside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = _workbook(tmp_path / "export.xlsx")
    result = runner.invoke(
        app, ["report", str(path), "--out", str(out), "--format", "csv", "--tables", "1",
              "--no-extended"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    flow = (out / "flow.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "not a patient row,blank row,3" in flow
    assert any(line.startswith("assessed,") and line.endswith(",12") for line in flow)


def test_broken_study_file_names_the_line(tmp_path: Path) -> None:
    text = default_study_path().read_text(encoding="utf-8")
    study = tmp_path / "study.toml"
    study.write_text(text.replace("threshold = 50", "threshold = 150"), encoding="utf-8")
    data = _workbook(tmp_path / "export.xlsx")
    result = runner.invoke(app, ["validate", str(data), "--study", str(study)])
    assert result.exit_code == 2
    assert "responder.threshold: threshold = 150" in result.output
    assert "line " in result.output
    assert "internal error" not in result.output


def test_short_help_flag() -> None:
    result = runner.invoke(app, ["report", "-h"])
    assert result.exit_code == 0
    assert "--header-row" in result.output and "--sheet" in result.output


def test_declared_level_nobody_has_is_a_warning(tmp_path: Path) -> None:
    rows = make_rows()
    path = tmp_path / "x.csv"
    path.write_text(
        "\n".join([",".join(rows[0]), *(",".join(r.values()) for r in rows)]) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(path), "--out", str(out), "--format", "csv",
                                 "--no-extended"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: Sex (sex): no analysed patient has" not in result.output
    assert "warning: Block side (block_side): no analysed patient has" in result.output


def test_summary_is_short_and_ends_with_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["demo", "--out", str(out), "--format", "csv,html"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) <= 40
    assert lines[-1].endswith(f"open {out / 'report.html'}")
    assert "Table 3 (12 tests): smallest P < 0.001, Pain (NRS), T4" in result.output


def test_quiet_and_verbose(tmp_path: Path) -> None:
    quiet = runner.invoke(app, ["demo", "--out", str(tmp_path / "q"), "--format", "csv", "-q"])
    assert quiet.exit_code == 0 and quiet.output.strip() == ""
    verbose = runner.invoke(
        app, ["demo", "--out", str(tmp_path / "v"), "--format", "csv", "--verbose"]
    )
    assert verbose.exit_code == 0 and "table1.csv" in verbose.output
    assert "Male" in verbose.output  # the tables themselves


def test_version_and_supplementary_tables(tmp_path: Path) -> None:
    from painresponse import __version__

    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"painresponse {__version__}"
    out = tmp_path / "s"
    data = tmp_path / "d.csv"
    rows = make_rows(30)
    data.write_text(
        "\n".join([",".join(rows[0]), *(",".join(r.values()) for r in rows)]) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["report", str(data), "--tables", "1,S8", "--out", str(out), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("table*.csv")) == [
        "table1.csv",
        "tableS8_missing_data.csv",
    ]
    bad = runner.invoke(app, ["report", str(data), "--tables", "S99", "--out", str(out / "x")])
    assert bad.exit_code == 2 and "there is no table S99" in bad.output
