"""``painresponse audit`` as a user runs it, and the files it writes."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from typer.testing import CliRunner

import painresponse
from painresponse.audit import AuditResult, audit, example_tables
from painresponse.audit._report import audit_html, audit_markdown
from painresponse.cli import app
from tests.audit.conftest import write_table

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden" / "seed-audit.md"


def test_example_exits_1_and_writes_three_files(tmp_path: Path) -> None:
    out = tmp_path / "audit"
    result = runner.invoke(app, ["audit", "--example", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "7 errors, 5 warnings, 2 info" in result.output
    assert "Time after spinal surgery" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["audit.csv", "audit.html", "audit.md"]
    raw = (out / "audit.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == ["variable", "level", "check", "severity", "detail"]
    assert len(rows) == 14
    assert {r["severity"] for r in rows} == {"error", "warning", "info"}
    again = runner.invoke(app, ["audit", "--example", "--out", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert (
        runner.invoke(app, ["audit", "--example", "--out", str(out), "--overwrite"]).exit_code == 1
    )


def test_clean_table_exits_0(tmp_path: Path) -> None:
    path = write_table(
        tmp_path / "sex.csv",
        "Sex,,,,,0.801,chi-square,",
        "Sex,Male,36 (42.9%),17 (41.5%),19 (44.2%),,,",
        "Sex,Female,48 (57.1%),24 (58.5%),24 (55.8%),,,",
    )
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings, 0 info: no errors or warnings (exit code 0)" in result.output


def test_unreadable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    no_n = write_table(
        tmp_path / "no-n.csv", "Sex,,,0.8", header="variable,level,Responder,p_value"
    )
    for args in (
        [str(empty)],
        [str(no_n)],
        [str(tmp_path / "missing.csv")],
        [],
        ["--example", str(no_n)],
        ["--example", "--rule", "Responder: Pain T9 <= 0.5 * T0"],
        ["--example", "--rule", "nonsense"],
    ):
        result = runner.invoke(app, ["audit", *args])
        assert result.exit_code == 2, (args, result.output)
        assert result.output.strip().startswith("error:"), result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) <= 2, result.output  # one sentence, wrapped


def test_python_api_is_callable_however_imported() -> None:
    import painresponse.audit as package

    assert callable(painresponse.audit)
    assert isinstance(painresponse.audit(example_tables()[0]), AuditResult)
    assert isinstance(package(example_tables()[0]), AuditResult)
    assert package.audit is audit
    frame = package(example_tables()[0]).findings_frame()
    assert frame.columns == ["variable", "level", "check", "severity", "detail"]


def test_markdown_report_matches_golden(seed_audit: AuditResult) -> None:
    """Review a diff of this file before accepting it; never regenerate blindly."""
    assert audit_markdown(seed_audit) == GOLDEN.read_text(encoding="utf-8")


def test_html_report_is_self_contained_and_escaped(seed_audit: AuditResult) -> None:
    page = audit_html(seed_audit)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script|<link|src=|https?://", page)
    assert page.count('<td class="sev error">error</td>') == 7
    assert "Block level distance from surgery" in page
    assert "≥2 level" in page and "&lt;0.001" in page  # escaped text


def test_report_lists_every_row_with_what_was_recomputed(seed_audit: AuditResult) -> None:
    text = audit_markdown(seed_audit)
    for table in seed_audit.tables:
        for variable in table.variables:
            assert f"**{variable.name}" in text, variable.name


def test_write_refuses_a_file_as_folder(tmp_path: Path, seed_audit: AuditResult) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = runner.invoke(app, ["audit", *map(str, example_tables()), "--out", str(target)])
    assert result.exit_code == 2 and "not a folder" in result.output
