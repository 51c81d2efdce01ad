"""The report folder: written all or nothing, replaced as a whole, the same bytes every time.

Most tests use the hand-built result of ``conftest.py`` and the quick formats; the
byte-identity test runs the real analysis of the bundled cohort (``slow``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import painresponse
from painresponse.errors import OutputError
from painresponse.render import docx as docx_module
from painresponse.render import report
from painresponse.render import xlsx as xlsx_module
from painresponse.render._reproducible import FIXED_DATE_TIME, FIXED_TIMESTAMP
from painresponse.render.docx import write_docx
from painresponse.render.figure_set import RenderedFigure
from painresponse.render.outputs import check_out_dir, write_outputs, write_report_folder
from painresponse.render.report import MANIFEST_NAME, read_manifest
from painresponse.render.xlsx import write_xlsx
from painresponse.result import StudyResult

from .conftest import SECRET_ID

QUICK = {"csv", "markdown", "latex"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (relative path → bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _hidden(folder: Path) -> list[str]:
    """Staging folders (or anything hidden) left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _only_tables_1_2(result: StudyResult) -> StudyResult:
    return replace(result, tables={k: t for k, t in result.tables.items() if k < "table3"})


# ---------------------------------------------------------------------- the manifest


def test_manifest_lists_the_files_written_and_nothing_else(
    result: StudyResult, tmp_path: Path
) -> None:
    """Relative, sorted paths and the version; no data, no absolute path, no date."""
    written = write_report_folder(result, tmp_path / "out", formats=QUICK)
    assert written.manifest == tmp_path / "out" / MANIFEST_NAME
    text = written.manifest.read_text(encoding="utf-8")
    manifest = json.loads(text)
    relative = [p.relative_to(tmp_path / "out").as_posix() for p in written.written]
    assert manifest["files"] == sorted(relative)
    assert "latex/table1.tex" in manifest["files"] and MANIFEST_NAME not in manifest["files"]
    assert manifest["written_by"] == "painresponse"
    assert manifest["version"] == painresponse.__version__
    assert str(tmp_path) not in text and "clinic.xlsx" not in text
    assert SECRET_ID not in text and "PT-SECRET" not in text
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d", text)
    assert set(_snapshot(tmp_path / "out")) == {*relative, MANIFEST_NAME}
    assert written.removed == () and written.kept == ()
    assert read_manifest(tmp_path / "out") == sorted(relative)


def test_non_empty_folder_refused_without_overwrite(result: StudyResult, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty; use --overwrite"):
        write_outputs(result, mine, formats={"csv"})
    assert _snapshot(mine) == {"notes.txt": b"mine"}
    earlier = tmp_path / "earlier"
    write_outputs(result, earlier, formats={"csv"})
    with pytest.raises(OutputError, match=r"not empty \(it holds an earlier painresponse report"):
        check_out_dir(earlier, overwrite=False)
    check_out_dir(earlier, overwrite=True)
    check_out_dir(tmp_path / "absent", overwrite=False)


# ---------------------------------------------------------------------- --overwrite


def test_overwrite_replaces_the_previous_report_and_keeps_the_users_files(
    result: StudyResult, tmp_path: Path
) -> None:
    """A csv-only run of Tables 1–2 after a full run leaves only its files (+ the user's)."""
    out = tmp_path / "out"
    full = write_outputs(result, out, formats=QUICK | {"figures", "html"})
    (out / "notes.txt").write_text("my notes")
    (out / "figures" / "my_sketch.png").write_bytes(b"sketch")
    before = _snapshot(out)

    again = write_report_folder(_only_tables_1_2(result), out, formats={"csv"}, overwrite=True)

    names = {p.relative_to(out).as_posix() for p in again.written}
    assert names == {"table1.csv", "table2.csv", "flow.csv", "results.csv", "results.json"}
    after = _snapshot(out)
    assert set(after) == names | {MANIFEST_NAME, "notes.txt", "figures/my_sketch.png"}
    assert after["notes.txt"] == before["notes.txt"]
    assert after["figures/my_sketch.png"] == b"sketch"
    assert not (out / "latex").exists(), "a folder left empty by the old report is removed"
    assert set(again.removed) == {p for p in full if p.relative_to(out).as_posix() not in names}
    assert [p.relative_to(out).as_posix() for p in again.kept] == [
        "figures/my_sketch.png",
        "notes.txt",
    ]
    assert json.loads((out / MANIFEST_NAME).read_text())["files"] == sorted(names)
    assert _hidden(tmp_path) == [] and _hidden(out) == []


def test_overwrite_without_manifest_replaces_only_what_it_writes(
    result: StudyResult, tmp_path: Path
) -> None:
    """No manifest: nothing is known to be painresponse's, so nothing is removed."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "table1.csv").write_text("an old table 1")
    (out / "table3.csv").write_text("an old table 3, maybe the user's")
    written = write_report_folder(_only_tables_1_2(result), out, {"csv"}, overwrite=True)
    assert (out / "table1.csv").read_text(encoding="utf-8-sig").startswith("variable,")
    assert (out / "table3.csv").read_text() == "an old table 3, maybe the user's"
    assert written.removed == ()
    assert written.kept == (out / "table3.csv",)


def test_manifest_entries_outside_the_folder_are_never_removed(
    result: StudyResult, tmp_path: Path
) -> None:
    """A tampered manifest cannot make --overwrite delete anything outside the folder."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "victim.txt"
    victim.write_text("precious")
    out.mkdir()
    (out / "linked").symlink_to(elsewhere, target_is_directory=True)
    (out / "old.csv").write_text("old")
    entries = [
        "../elsewhere/victim.txt",
        str(victim),
        "linked/victim.txt",
        "./old.csv",
        "old.csv",
        MANIFEST_NAME,
        42,
    ]
    (out / MANIFEST_NAME).write_text(json.dumps({"files": entries}))
    assert read_manifest(out) == ["old.csv"]
    written = write_report_folder(result, out, {"csv"}, overwrite=True)
    assert victim.read_text() == "precious"
    assert written.removed == (out / "old.csv",)
    assert not (out / "old.csv").exists()
    assert (out / "linked").is_symlink()


def test_unreadable_manifest_counts_as_none(result: StudyResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_text("{not json")
    (out / "old.csv").write_text("old")
    assert read_manifest(out) is None
    written = write_report_folder(result, out, {"csv"}, overwrite=True)
    assert (out / "old.csv").exists() and written.kept == (out / "old.csv",)
    assert json.loads((out / MANIFEST_NAME).read_text())["written_by"] == "painresponse"


# ---------------------------------------------------------------------- all or nothing


def _half_docx(*args: object, **kwargs: object) -> Path:
    """A Word writer interrupted by Ctrl-C halfway through its file."""
    path = Path(str(args[1]))
    path.write_bytes(b"PK\x03\x04 half a zip")
    raise KeyboardInterrupt


def _broken_xlsx(*args: object, **kwargs: object) -> Path:
    Path(str(args[1])).write_bytes(b"PK\x03\x04 half a zip")
    raise ValueError("openpyxl gave up")


FAILURES = [
    pytest.param(docx_module, "write_docx", _half_docx, KeyboardInterrupt, id="ctrl-c-in-docx"),
    pytest.param(xlsx_module, "write_xlsx", _broken_xlsx, ValueError, id="error-in-xlsx"),
]
FORMATS = {"csv", "markdown", "docx", "xlsx", "latex"}


@pytest.mark.parametrize(("module", "name", "writer", "raised"), FAILURES)
def test_failure_in_a_new_folder_leaves_nothing(
    result: StudyResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
    writer: object,
    raised: type[BaseException],
) -> None:
    monkeypatch.setattr(module, name, writer)
    with pytest.raises(raised):
        write_outputs(result, tmp_path / "new" / "out", formats=FORMATS)
    assert list(tmp_path.iterdir()) == [], "no report folder, no parent made, no staging"


@pytest.mark.parametrize(("module", "name", "writer", "raised"), FAILURES)
def test_failure_over_a_previous_report_keeps_it(
    result: StudyResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
    writer: object,
    raised: type[BaseException],
) -> None:
    out = tmp_path / "out"
    write_outputs(_only_tables_1_2(result), out, formats=QUICK)
    (out / "notes.txt").write_text("mine")
    before = _snapshot(out)
    monkeypatch.setattr(module, name, writer)
    with pytest.raises(raised):
        write_outputs(result, out, formats=FORMATS, overwrite=True)
    assert _snapshot(out) == before
    assert _hidden(tmp_path) == [] and _hidden(out) == []


@pytest.mark.parametrize("fail_at", [1, 4, 12, 25, 31])
def test_failure_while_moving_into_place_is_undone(
    result: StudyResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    """A move that fails undoes every move before it.

    The old report's 9 files are set aside first (moves 1-9), then the 22 new files are
    moved in (10-31): the figures from move 23 on (into a new folder), the manifest last.
    """
    out = tmp_path / "out"
    write_outputs(_only_tables_1_2(result), out, formats={"csv", "latex"})
    (out / "notes.txt").write_text("mine")
    before = _snapshot(out)
    moves: list[Path] = []
    real_move = report._move

    def failing_move(source: Path, destination: Path) -> None:
        moves.append(destination)
        if len(moves) == fail_at:
            raise OSError(28, "No space left on device")
        real_move(source, destination)

    monkeypatch.setattr(report, "_move", failing_move)
    with pytest.raises(OutputError, match="no space left on device"):
        write_outputs(result, out, formats={"csv", "markdown", "figures"}, overwrite=True)
    assert len(moves) == fail_at
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(
        {Path(name).parts[0] for name in before}
    ), "no folder made by the failed run is left"
    assert _hidden(tmp_path) == [] and _hidden(out) == []


def test_ctrl_c_while_moving_into_place_waits_for_the_whole_report(
    result: StudyResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the moves is raised after them: the folder holds the whole new report."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by someone else in this session")
    expected = _snapshot(write_report_folder(result, tmp_path / "ref", QUICK).folder)
    out = tmp_path / "out"
    write_outputs(_only_tables_1_2(result), out, formats={"csv", "latex"})
    real_move = report._move

    def interrupted_move(source: Path, destination: Path) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real_move(source, destination)

    monkeypatch.setattr(report, "_move", interrupted_move)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(result, out, formats=QUICK, overwrite=True)
    assert _snapshot(out) == expected
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert _hidden(tmp_path) == []


# ---------------------------------------------------------------------- the same bytes


def _zip_dates(path: Path) -> tuple[set[tuple[int, int, int, int, int, int]], str]:
    with zipfile.ZipFile(path) as archive:
        dates = {entry.date_time for entry in archive.infolist()}
        core = archive.read("docProps/core.xml").decode("utf-8")
    return dates, core


def test_docx_and_xlsx_have_fixed_dates(
    result: StudyResult,
    rendered: list[RenderedFigure],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Written at different times (zip dates come from time.time()), the same bytes."""
    import time

    first = [
        write_docx(result, tmp_path / "1.docx", rendered=rendered),
        write_xlsx(result, tmp_path / "1.xlsx"),
    ]
    later = time.time() + 3 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    second = [
        write_docx(result, tmp_path / "2.docx", rendered=rendered),
        write_xlsx(result, tmp_path / "2.xlsx"),
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        dates, core = _zip_dates(a)
        assert dates == {FIXED_DATE_TIME}
        stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
        assert sorted(stamps) == [("created", FIXED_TIMESTAMP), ("modified", FIXED_TIMESTAMP)]


@pytest.mark.slow
def test_same_analysis_gives_byte_identical_report_folders(tmp_path: Path) -> None:
    """The bundled cohort analysed twice, written three times: every file the same."""
    from painresponse.synth import default_cohort_path

    first = painresponse.analyze(default_cohort_path(), extended=True)
    second = painresponse.analyze(default_cohort_path(), extended=True)
    folders = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    for result, folder in zip((first, first, second), folders, strict=True):
        write_outputs(result, folder)
    reference = _snapshot(folders[0])
    suffixes = {Path(name).suffix for name in reference}
    assert {".docx", ".xlsx", ".html", ".svg", ".png", ".tex", ".csv", ".md"} <= suffixes
    for folder in folders[1:]:
        snapshot = _snapshot(folder)
        assert sorted(snapshot) == sorted(reference)
        different = [name for name in reference if snapshot[name] != reference[name]]
        assert different == [], f"{folder.name}: {different}"


# ---------------------------------------------------------------------- the command line


@pytest.mark.slow
def test_cli_rerun_with_fewer_outputs_leaves_only_its_files(tmp_path: Path) -> None:
    """``report DATA`` then ``report DATA --format csv --tables 1 --overwrite``."""
    from painresponse.cli import app
    from painresponse.synth import default_cohort_path

    runner = CliRunner()
    out = tmp_path / "out"
    data = str(default_cohort_path())
    full = runner.invoke(app, ["report", data, "--out", str(out)])
    assert full.exit_code == 0, full.output
    assert (out / "report.docx").exists() and (out / "figures").is_dir()
    (out / "my analysis.R").write_text("# mine")
    refused = runner.invoke(app, ["report", data, "--out", str(out), "--format", "csv"])
    assert refused.exit_code == 2 and "not empty" in refused.output
    again = runner.invoke(
        app,
        ["report", data, "--out", str(out), "--format", "csv", "--tables", "1", "--overwrite"],
    )
    assert again.exit_code == 0, again.output
    assert set(_snapshot(out)) == {
        "table1.csv",
        "flow.csv",
        "results.csv",
        "results.json",
        MANIFEST_NAME,
        "my analysis.R",
    }
