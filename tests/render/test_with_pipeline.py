"""Every format from a real ``analyze()`` of the bundled cohort (skipped until it runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from painresponse.render.format import TYPESET, format_cell
from painresponse.render.report import write_report


def _analysed_cohort() -> object:
    from painresponse.errors import InputError

    try:
        from painresponse.pipeline import analyze
        from painresponse.synth import default_cohort_path  # type: ignore[attr-defined]

        return analyze(default_cohort_path())
    except (ImportError, AttributeError, InputError) as missing:  # pipeline still in progress
        pytest.skip(f"analyze() on the bundled cohort is not available yet: {missing}")


def test_all_formats_from_analyze(tmp_path: Path) -> None:
    result = _analysed_cohort()
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
