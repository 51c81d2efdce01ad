"""Read the Word report back with python-docx."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from painresponse.render._layout import row_label
from painresponse.render.docx import write_docx
from painresponse.render.figures import RenderedFigure
from painresponse.render.format import TYPESET, column_header, format_cell
from painresponse.result import StudyResult
from painresponse.tables.model import PValue


@pytest.fixture(scope="module")
def document(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path_factory: pytest.TempPathFactory
) -> object:
    path = write_docx(result, tmp_path_factory.mktemp("docx") / "report.docx", rendered=rendered)
    return Document(str(path))


def test_cell_texts_match_format_cell(result: StudyResult, document: object) -> None:
    tables = document.tables  # type: ignore[attr-defined]
    assert len(tables) == len(result.tables)
    for grid, table in zip(tables, result.tables.values(), strict=True):
        header = [c.text for c in grid.rows[0].cells[1:]]
        assert header == [
            column_header(c).replace("(n = ", "(n\u00a0=\u00a0") for c in table.columns
        ]
        for grid_row, row in zip(grid.rows[1:], table.rows, strict=True):
            assert grid_row.cells[0].text == row_label(row)[0]
            for cell, column in zip(grid_row.cells[1:], table.columns, strict=True):
                value = row.cell(column.key)
                expected = format_cell(value, TYPESET)
                if isinstance(value, PValue) and value.marker and expected != "—":
                    expected += value.marker  # the marker run follows the number
                assert cell.text == expected


def test_header_row_repeats_and_rows_do_not_split(document: object) -> None:
    for grid in document.tables:  # type: ignore[attr-defined]
        first = grid.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")) is not None
        for row in grid.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_markers_are_real_superscript_runs(result: StudyResult, document: object) -> None:
    grid = document.tables[0]  # type: ignore[attr-defined]
    age = grid.rows[1].cells[-1].paragraphs[0].runs
    assert [r.text for r in age] == ["0.296", "a"]
    assert age[1].font.superscript is True and not age[0].font.superscript
    notes = [p for p in document.paragraphs if p.text.startswith("a ")]  # type: ignore[attr-defined]
    assert notes and notes[0].runs[0].font.superscript is True


def test_table_titles_and_methods(result: StudyResult, document: object) -> None:
    texts = [p.text for p in document.paragraphs]  # type: ignore[attr-defined]
    assert "TABLE 1 Demographic and clinical characteristics of the patients." in texts
    assert " ".join(result.methods) in texts
    assert texts[0] == result.study.title


def test_wide_table_gets_a_landscape_section(document: object) -> None:
    orientations = [s.orientation for s in document.sections]  # type: ignore[attr-defined]
    assert 1 in orientations  # WD_ORIENT.LANDSCAPE
    assert orientations[-1] == 0  # back to portrait for the figures


def test_write_docx_returns_path(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path: Path
) -> None:
    path = write_docx(result, tmp_path / "r.docx", rendered=rendered)
    assert path.exists() and path.stat().st_size > 0
