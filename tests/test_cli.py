"""The command line, in-process: what a user types and what they see."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from painresponse.cli import app
from tests.conftest import make_rows, write_csv

runner = CliRunner()


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "report", "validate", "synth"):
        assert command in result.output


def test_demo_writes_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["demo", "--out", str(out), "--format", "csv,markdown"])
    assert result.exit_code == 0, result.output
    assert "87 patients assessed" in result.output
    assert "Responder: 41, Non-responder: 43" in result.output
    for n in range(1, 6):
        assert (out / f"table{n}.csv").exists()
        assert (out / f"table{n}.md").exists()
    assert (out / "flow.csv").exists()


def test_refuses_non_empty_out_dir(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["demo", "--out", str(out), "--format", "csv"])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert (out / "keep.txt").read_text() == "mine"
    again = runner.invoke(app, ["demo", "--out", str(out), "--format", "csv", "--overwrite"])
    assert again.exit_code == 0, again.output


def test_validate_clean_and_bad(tmp_path: Path) -> None:
    clean = write_csv(make_rows(), tmp_path / "clean.csv")
    result = runner.invoke(app, ["validate", str(clean)])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output
    rows = make_rows()
    rows[3]["pain_t1"] = "12"
    bad = write_csv(rows, tmp_path / "bad.csv")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert (
        "row 5, pain_t1 = '12': Pain (NRS) at T1 must be an integer from 0 to 10" in result.output
    )


def test_report_on_bad_file_is_one_message(tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(binary), "--out", str(out)])
    assert result.exit_code == 2
    assert "binary file" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_report_with_broken_study_file(tmp_path: Path) -> None:
    study = tmp_path / "s.toml"
    study.write_text("title = [", encoding="utf-8")
    data = write_csv(make_rows(), tmp_path / "d.csv")
    result = runner.invoke(
        app, ["report", str(data), "--study", str(study), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "not valid TOML" in result.output


def test_report_tables_option(tmp_path: Path) -> None:
    data = write_csv(make_rows(), tmp_path / "d.csv")
    out = tmp_path / "o"
    result = runner.invoke(
        app, ["report", str(data), "--tables", "1,4", "--out", str(out), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("table*.csv")) == ["table1.csv", "table4.csv"]
    bad = runner.invoke(app, ["report", str(data), "--tables", "9", "--out", str(out)])
    assert bad.exit_code == 2 and "there is no table 9" in bad.output


def test_synth_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--n", "0", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--n must be at least 1" in result.output
    result = runner.invoke(app, ["synth", "--n", "5", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    ("argv", "status"),
    [(["--help"], 0), (["report", "no-such-file.csv", "--out", "out"], 2), (["nope"], 2)],
)
def test_the_command_ends_with_its_status_after_the_exit_handlers(
    tmp_path: Path, argv: list[str], status: int
) -> None:
    """``main`` leaves without tearing Python down (os._exit), but only after every exit
    handler has run (temporary folders, child processes) and the output is flushed."""
    import subprocess
    import sys

    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handlers ran', flush=True))\n"
        "from painresponse.cli import main\n"
        f"sys.argv = ['painresponse', *{argv!r}]\n"
        "main()\n"
        "print('never here')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == status
    assert done.stdout.rstrip().endswith("handlers ran")
    assert "never here" not in done.stdout
    assert "Traceback" not in done.stderr
