"""The Word report and the Excel workbook are ready for a journal as they open.

Structure only (read back with python-docx and openpyxl): page numbers in every section's
footer, figures apart from the Methods, table headers that keep their words whole, and
Excel sheets that print one table to a page with their notes, numbers kept as numbers.
How the pages finally look is checked by eye (LibreOffice to PDF), not here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl.utils import get_column_letter

from painresponse.render.docx import CELL_PAD_CM, _longest_word, plan_table, write_docx
from painresponse.render.figure_set import RenderedFigure
from painresponse.render.xlsx import RESULT_COLUMNS, write_xlsx
from painresponse.result import StudyResult
from painresponse.tables.model import Cell, Column, CountPercent, EstimateCI, Footnote, Row, Table

_NUMERIC_RESULTS = ("statistic", "df", "p_value", "estimate", "ci_low", "ci_high", "conf_level")
_NUMERIC_FIGURE_DATA = ("n", "mean", "ci_low", "ci_high", "median", "q1", "q3")


def _tall_table() -> Table:
    """120 rows: more than a printed page holds at a readable size."""
    rows: list[Row] = []
    for v in range(30):
        rows.append(Row(f"v{v}", f"Characteristic {v}", None, "header"))
        for level in ("Low", "Middle", "High"):
            cells: dict[str, Cell] = {"overall": CountPercent(10, 84, 100 * 10 / 84)}
            rows.append(Row(f"v{v}", f"Characteristic {v}", level, "level", cells))
    note = Footnote("", "Values are number (percentage).")
    return Table(
        "tall", "S9", "A tall table.", (Column("overall", "Patients", 84),), tuple(rows), (note,)
    )


def _mixed_model_table() -> Table:
    """Like Table S1: long interval cells squeeze a ``Group × time P-value`` header."""
    interval = EstimateCI(-3.83, -4.43, -3.23, 2, 0.95, "mean change")
    columns = (
        Column("responder", "Responder: change (95% CI)", 41),
        Column("non", "Non-responder: change (95% CI)", 43),
        Column("difference", "Difference (95% CI)"),
        Column("p", "Group × time P-value", kind="pvalue"),
    )
    row = Row("pain", "Pain (NRS)", "T1–T0", "level", {k: interval for k in ("responder", "non")})
    return Table("mixed", "S1", "Linear mixed model.", columns, (row,))


def _wide_table() -> Table:
    """Six interval columns: wider than a portrait page at a readable size."""
    interval = EstimateCI(0.97, 0.93, 1.02, 2, 0.95, "odds ratio")
    columns = tuple(Column(f"m{i}", f"Model {i} OR (95% CI)") for i in range(6))
    row = Row("age", "Age (years)", None, "single", {c.key: interval for c in columns})
    return Table("wide", "S10", "Odds ratios of six models.", columns, (row,))


@pytest.fixture(scope="module")
def docx_path(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    tables = {**result.tables, "mixed": _mixed_model_table()}
    path = tmp_path_factory.mktemp("journal") / "report.docx"
    return write_docx(replace(result, tables=tables), path, rendered=rendered)


@pytest.fixture(scope="module")
def workbook_path(result: StudyResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = {**result.tables, "tall": _tall_table(), "wide": _wide_table()}
    path = tmp_path_factory.mktemp("journal") / "tables.xlsx"
    return write_xlsx(replace(result, tables=tables), path)


# --- Word ---------------------------------------------------------------------------


def test_every_section_footer_has_a_page_field(docx_path: Path) -> None:
    document = Document(str(docx_path))
    sections = list(document.sections)
    assert len(sections) >= 3  # portrait, landscape for the wide table, portrait again
    for section in sections:
        # a footer of its own, not one inherited from the section before
        assert section._sectPr.find(qn("w:footerReference")) is not None
        assert not section.footer.is_linked_to_previous
        footer = section.footer._element
        instructions = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
        assert "PAGE" in instructions and "NUMPAGES" in instructions
        assert footer.find(f".//{qn('w:fldChar')}") is not None
        assert "Page" in "".join(p.text for p in section.footer.paragraphs)


def _body(document: object) -> list[object]:
    return list(document.element.body.iterchildren())  # type: ignore[attr-defined]


def _has_picture(element: object) -> bool:
    return bool(element.findall(f".//{qn('w:drawing')}"))  # type: ignore[attr-defined]


def test_no_figure_inside_the_methods(docx_path: Path) -> None:
    document = Document(str(docx_path))
    body = _body(document)
    texts = ["".join(t.text or "" for t in e.iter(qn("w:t"))) for e in body]  # type: ignore[attr-defined]
    methods = texts.index("Statistical methods")
    first_table = next(i for i, e in enumerate(body) if e.tag == qn("w:tbl"))  # type: ignore[attr-defined]
    assert methods < first_table
    assert not any(_has_picture(e) for e in body[methods:first_table])


def test_figures_follow_the_tables_under_a_heading(
    docx_path: Path, rendered: list[RenderedFigure]
) -> None:
    document = Document(str(docx_path))
    body = _body(document)
    last_table = max(i for i, e in enumerate(body) if e.tag == qn("w:tbl"))  # type: ignore[attr-defined]
    pictures = [i for i, e in enumerate(body) if _has_picture(e)]
    assert len(pictures) == len(rendered)
    assert min(pictures) > last_table
    headings = [p for p in document.paragraphs if getattr(p.style, "name", "") == "Heading 1"]
    assert [h.text for h in headings] == ["Statistical methods", "Figures"]
    captions = [p.text for p in document.paragraphs if getattr(p.style, "name", "") == "Caption"]
    assert captions[0].startswith("Figure 1.")  # the flow of patients leads


def test_table_hyphens_do_not_break(docx_path: Path) -> None:
    document = Document(str(docx_path))
    grid = document.tables[-1]  # the mixed-model table
    header = grid.rows[0].cells[-1]
    assert header.text == "Group × time P-value"
    runs = header.paragraphs[0].runs
    # the hyphen is a no-break hyphen: Word and LibreOffice never wrap "P-" / "value"
    assert all("-" not in t.text for r in runs for t in r._r.iter(qn("w:t")))
    assert any(r._r.find(qn("w:noBreakHyphen")) is not None for r in runs)


def test_header_columns_hold_their_longest_word(result: StudyResult) -> None:
    for table in [*result.tables.values(), _mixed_model_table()]:
        plan = plan_table(table)
        for column, width in zip(table.columns, plan.widths[1:], strict=True):
            word = _longest_word(column.label, bold=True)
            assert width - CELL_PAD_CM >= word - 1e-9, column.label


# --- Excel --------------------------------------------------------------------------


def _table_sheets(workbook: openpyxl.Workbook) -> list[object]:
    return [workbook[name] for name in workbook.sheetnames if name.startswith("Table ")]


def test_table_sheets_print_one_page_wide_with_header_titles(
    result: StudyResult, workbook_path: Path
) -> None:
    workbook = openpyxl.load_workbook(workbook_path)
    tables = {**result.tables, "tall": _tall_table(), "wide": _wide_table()}
    sheets = _table_sheets(workbook)
    assert len(sheets) == len(tables)
    for sheet, table in zip(sheets, tables.values(), strict=True):
        setup = sheet.page_setup  # type: ignore[attr-defined]
        assert sheet.sheet_properties.pageSetUpPr.fitToPage  # type: ignore[attr-defined]
        assert setup.fitToWidth == 1
        assert setup.orientation in ("portrait", "landscape")
        assert setup.paperSize == 9  # A4
        assert sheet.print_title_rows == "$3:$3"  # type: ignore[attr-defined]
        # the print area: caption, header, rows and every footnote
        last_row = 3 + len(table.rows) + len(table.footnotes)
        last_column = get_column_letter(1 + len(table.columns))
        area = f"'{sheet.title}'!$A$1:${last_column}${last_row}"  # type: ignore[attr-defined]
        assert sheet.print_area == area  # type: ignore[attr-defined]
        # a table that fits one page prints on one: it never breaks from its notes
        assert setup.fitToHeight == (0 if table.key == "tall" else 1)


def test_wide_table_prints_landscape(workbook_path: Path) -> None:
    workbook = openpyxl.load_workbook(workbook_path)
    sheets = {s.title: s for s in _table_sheets(workbook)}  # type: ignore[attr-defined]
    assert sheets["Table 1"].page_setup.orientation == "portrait"  # type: ignore[attr-defined]
    assert sheets["Table S10"].page_setup.orientation == "landscape"  # type: ignore[attr-defined]


def test_fonts_and_column_widths(result: StudyResult, workbook_path: Path) -> None:
    workbook = openpyxl.load_workbook(workbook_path)
    for sheet, table in zip(_table_sheets(workbook), result.tables.values(), strict=False):
        title = sheet.cell(1, 1)  # type: ignore[attr-defined]
        assert title.font.bold and title.font.name == "Arial"
        for c in range(1, len(table.columns) + 2):
            assert sheet.cell(3, c).font.bold  # type: ignore[attr-defined]
            assert sheet.cell(4, c).font.name == "Arial"  # type: ignore[attr-defined]
            assert sheet.cell(4, c).font.size >= 10  # type: ignore[attr-defined]
            width = sheet.column_dimensions[get_column_letter(c)].width  # type: ignore[attr-defined]
            assert width >= 8
        # numbers never wrap: every value column is wider than its longest cell
        for row in sheet.iter_rows(min_row=4, max_row=3 + len(table.rows)):  # type: ignore[attr-defined]
            for cell in row[1:]:
                width = sheet.column_dimensions[cell.column_letter].width  # type: ignore[attr-defined]
                assert len(str(cell.value or "")) <= width
        # footnotes span the table's width and wrap there
        first_note = 4 + len(table.rows)
        merged = [str(r) for r in sheet.merged_cells.ranges]  # type: ignore[attr-defined]
        last_column = get_column_letter(1 + len(table.columns))
        assert f"A{first_note}:{last_column}{first_note}" in merged
        assert sheet.cell(first_note, 1).alignment.wrap_text  # type: ignore[attr-defined]


def test_footnote_markers_are_superscript(workbook_path: Path) -> None:
    sheet = openpyxl.load_workbook(workbook_path, rich_text=True)["Table 1"]
    notes = [
        sheet.cell(r, 1).value
        for r in range(4, sheet.max_row + 1)
        if not isinstance(sheet.cell(r, 1).value, str) and sheet.cell(r, 1).value is not None
    ]
    assert notes
    for note in notes:
        marker = next(iter(note))
        assert marker.font.vertAlign == "superscript"


def test_record_sheets_print_with_their_header(workbook_path: Path) -> None:
    workbook = openpyxl.load_workbook(workbook_path)
    for name in ("Flow", "Results", "Figure data", "Methods"):
        sheet = workbook[name]
        assert sheet.page_setup.fitToWidth >= 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.cell(1, 1).font.bold


def test_results_and_figure_data_hold_numbers(workbook_path: Path) -> None:
    workbook = openpyxl.load_workbook(workbook_path)
    for name, columns in (("Results", _NUMERIC_RESULTS), ("Figure data", _NUMERIC_FIGURE_DATA)):
        sheet = workbook[name]
        header = [c.value for c in sheet[1]]
        if name == "Results":
            assert tuple(header) == RESULT_COLUMNS
        numbers = 0
        for key in columns:
            index = header.index(key)
            for row in sheet.iter_rows(min_row=2):
                cell = row[index]
                if cell.value is None:
                    continue
                assert cell.data_type == "n", (name, key, cell.value)
                assert isinstance(cell.value, int | float)
                numbers += 1
        assert numbers > 0
