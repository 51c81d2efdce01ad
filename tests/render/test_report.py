"""write_report: all formats, atomic, never a patient identifier."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from painresponse.errors import OutputError
from painresponse.render import report
from painresponse.render.report import WRITERS, write_report
from painresponse.result import StudyResult

from .conftest import SECRET_ID


@pytest.fixture(scope="module")
def written(result: StudyResult, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("report") / "out"
    messages: list[str] = []
    paths = write_report(result, out, progress=messages.append)
    assert messages == [f"writing {name}" for name in WRITERS]
    return paths


def test_all_formats_written(written: list[Path]) -> None:
    names = {p.name for p in written}
    assert {"report.docx", "tables.xlsx", "report.html", "table1.tex", "figure1_flow.svg"} <= names
    assert all(p.exists() for p in written)
    leftovers = [p for p in written[0].parent.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def _texts(path: Path) -> list[str]:
    if path.suffix in {".docx", ".xlsx"}:
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return [path.read_bytes().decode("utf-8", "replace")]


def test_no_patient_identifier_in_any_output(result: StudyResult, written: list[Path]) -> None:
    assert result.analysed is not None and SECRET_ID in result.analysed["patient_id"].to_list()
    for path in written:
        for text in _texts(path):
            assert SECRET_ID not in text, path.name
            assert "PT-SECRET" not in text, path.name


def test_subset_of_formats(result: StudyResult, tmp_path: Path) -> None:
    paths = write_report(result, tmp_path / "only", formats={"latex"})
    assert {p.suffix for p in paths} == {".tex"}


def test_unknown_format(result: StudyResult, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="Unknown output format"):
        write_report(result, tmp_path, formats={"pdf"})


def test_unwritable_location(result: StudyResult, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OutputError, match="Cannot write the report"):
        write_report(result, blocker / "out", formats={"latex"})


def test_failure_leaves_nothing_behind(
    result: StudyResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(result: StudyResult, out_dir: Path, job: report.ReportJob) -> list[Path]:
        (out_dir / "half.txt").write_text("half")
        raise PermissionError(13, "Permission denied")

    monkeypatch.setitem(WRITERS, "broken", broken)
    with pytest.raises(OutputError, match="permission denied"):
        write_report(result, tmp_path / "out", formats={"latex", "broken"})
    assert list(tmp_path.iterdir()) == []


def test_figures_are_drawn_in_the_forms_the_formats_show(result: StudyResult) -> None:
    assert report.ReportJob(result).kinds == {"svg", "png"}
    assert report.ReportJob(result, ["csv", "xlsx"]).kinds == set()
    assert report.ReportJob(result, ["html"]).kinds == {"svg"}
    assert report.ReportJob(result, ["docx"]).kinds == {"png"}
    assert report.ReportJob(result, ["docx", "html"]).kinds == {"svg", "png"}
    html_only = report.ReportJob(result, ["html"]).figures
    assert all(f.svg_document and f.png_image is None for f in html_only)
