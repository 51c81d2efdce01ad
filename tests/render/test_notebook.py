"""Results and tables in notebooks: rich HTML/Markdown display, polars/pandas, great-tables."""

from __future__ import annotations

import re

import pytest

from painresponse import StudyResult
from painresponse.render.markdown import table_to_markdown


@pytest.fixture(scope="module")
def result(paper_result: StudyResult) -> StudyResult:
    return paper_result


def test_table_html_is_self_contained(result: StudyResult) -> None:
    html = result.tables["table1"]._repr_html_()
    assert html.startswith('<div class="painresponse"><style>')
    assert '<table id="table1"' in html and "<sup>a</sup>" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


def test_table_markdown_is_the_reports(result: StudyResult) -> None:
    table = result.tables["table3"]
    assert table._repr_markdown_() == table_to_markdown(table)


def test_result_display(result: StudyResult) -> None:
    html = result._repr_html_()
    assert "87 patients assessed" in html and html.count("<table") == len(result.tables)
    assert result._repr_markdown_().startswith(f"### {result.study.title}")


def test_to_polars_and_pandas(result: StudyResult) -> None:
    frame = result.tables["table1"].to_polars()
    assert "n (Responder)" in frame.columns and frame["p_value"].dtype.is_float()
    import pandas

    assert isinstance(result.tables["table1"].to_pandas(), pandas.DataFrame)


def test_to_great_tables(result: StudyResult) -> None:
    table = result.tables["table4"]
    gt = table.to_great_tables()
    html = gt.as_raw_html()
    assert "TABLE 4 Clinical outcomes over time within each group." in html
    assert "Wilcoxon signed-rank test" in html  # footnotes as source notes
    assert "Responder (n\u00a0=\u00a041)" in html  # the header as the report writes it
    assert "3.0 (3.0–3.0) vs. 7.0 (6.0–7.0)" in html


@pytest.mark.slow
def test_example_notebook_executes() -> None:
    """examples/notebook.ipynb runs top to bottom and shows the tables as HTML."""
    from pathlib import Path

    import ipykernel  # noqa: F401  (the kernel the notebook runs on)
    import nbclient
    import nbformat

    path = Path(__file__).resolve().parents[2] / "examples" / "notebook.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    html = [
        output["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    assert len(html) == 4
    assert "87 patients assessed" in html[0] and '<table id="table3"' in html[1]
    assert "TABLE 4 Clinical outcomes" in html[3]
