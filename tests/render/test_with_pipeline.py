"""Every format from a real ``analyze()`` of the bundled cohort (the session's demo run)."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from painresponse.render.format import TYPESET, format_cell
from painresponse.render.report import write_report


def test_all_formats_from_analyze(demo_result: object, tmp_path: Path) -> None:
    result = demo_result
    paths = write_report(result, tmp_path / "out")  # type: ignore[arg-type]
    docx = next(p for p in paths if p.suffix == ".docx")
    document = Document(str(docx))
    tables = result.tables  # type: ignore[attr-defined]
    assert len(document.tables) == len(tables)
    first = next(iter(tables.values()))
    assert document.tables[0].rows[1].cells[1].text == format_cell(
        first.rows[0].cell(first.columns[0].key), TYPESET
    )
    html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
