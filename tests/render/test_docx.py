"""Read the Word report back with python-docx."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from painresponse.render._layout import cell_parts, header_text, row_label
from painresponse.render.docx import CELL_PAD_CM, _lines, plan_table, write_docx
from painresponse.render.figure_set import RenderedFigure
from painresponse.render.format import TYPESET, column_header, format_cell
from painresponse.result import StudyResult
from painresponse.tables.model import Column, CountPercent, EstimateCI, Footnote, PValue, Row, Table


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
        assert header == [header_text(c) for c in table.columns]
        assert header == [
            column_header(c).replace("(n = ", "(n\u00a0=\u00a0") for c in table.columns
        ]
        for grid_row, row in zip(grid.rows[1:], table.rows, strict=True):
            assert grid_row.cells[0].text == row_label(row)[0]
            for cell, column in zip(grid_row.cells[1:], table.columns, strict=True):
                value = row.cell(column.key)
                expected = format_cell(value, TYPESET)
                if isinstance(value, PValue) and value.marker:
                    # the marker run follows the number; "—" keeps it too: its footnote
                    # says why the test was not computed
                    expected += value.marker
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


def _keeps(grid: object) -> list[bool]:
    """keep-with-next of each row of a Word table (all paragraphs of a row agree)."""
    flags = []
    for row in grid.rows:  # type: ignore[attr-defined]
        values = {p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs}
        assert len(values) == 1
        flags.append(bool(values.pop()))
    return flags


def test_table_that_fits_is_kept_on_one_page(result: StudyResult, document: object) -> None:
    for grid, table in zip(document.tables, result.tables.values(), strict=True):  # type: ignore[attr-defined]
        assert plan_table(table).fits_one_page
        keeps = _keeps(grid)
        # every row keeps with the next; the last row keeps with the footnotes below
        assert all(keeps[:-1]) and keeps[-1] is bool(table.footnotes)


def _long_table(n_variables: int) -> Table:
    rows: list[Row] = []
    for v in range(n_variables):
        rows.append(Row(f"v{v}", f"Characteristic {v}", None, "header"))
        for level in ("Low", "Middle", "High"):
            rows.append(
                Row(
                    f"v{v}",
                    f"Characteristic {v}",
                    level,
                    "level",
                    {"overall": CountPercent(10, 84, 100 * 10 / 84)},
                )
            )
    return Table(
        "long",
        "S9",
        "A table taller than a page.",
        (Column("overall", "Patients", 84),),
        tuple(rows),
        (Footnote("", "Values are number (percentage)."),),
    )


def test_table_taller_than_a_page_splits_between_variables(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path: Path
) -> None:
    long = _long_table(30)  # 120 rows: about 52 cm
    plan = plan_table(long)
    assert not plan.fits_one_page and plan.height_cm > plan.page_cm
    tables = {**result.tables, long.key: long}
    path = write_docx(replace(result, tables=tables), tmp_path / "long.docx", rendered=rendered)
    grid = Document(str(path)).tables[-1]
    keeps = _keeps(grid)
    assert keeps[0]  # the header row stays with the first variable
    body = keeps[1:]
    for start in range(0, len(body), 4):  # each variable: header + 3 levels kept together
        assert body[start : start + 3] == [True, True, True]
    assert body[3::4][:-1] == [False] * 29  # the table may break between variables
    assert body[-1] is True  # ... but its last row keeps with the footnote


def test_short_table_with_many_rows_is_still_kept_whole() -> None:
    # 13 variables x 4 rows = 52 rows: more than the old 32-row rule, less than a page
    plan = plan_table(_long_table(13))
    assert plan.fits_one_page and not plan.landscape


def test_numbers_and_intervals_never_wrap(result: StudyResult) -> None:
    interval = EstimateCI(1.12, 0.47, 2.65, 2, 0.95, "odds ratio")
    wide = Table(
        "ci",
        "S3",
        "Odds ratios.",
        (
            Column("n", "n"),
            Column("or_uni", "Univariable OR (95% CI)"),
            Column("p_uni", "P-value", kind="pvalue"),
            Column("or_multi", "Multivariable OR (95% CI)"),
            Column("p_multi", "P-value", kind="pvalue"),
        ),
        (
            Row(
                "x",
                "Block level distance from surgery",
                None,
                "single",
                {"or_uni": interval, "or_multi": interval},
            ),
        ),
    )
    for table in [*result.tables.values(), wide]:
        plan = plan_table(table)
        assert abs(sum(plan.widths) - (25.7 if plan.landscape else 17.0)) < 1e-6
        for row in table.rows:
            for column, width in zip(table.columns, plan.widths[1:], strict=True):
                part = cell_parts(row.cell(column.key), TYPESET)
                assert _lines(part.text + part.marker, width - CELL_PAD_CM) == 1, part.text
