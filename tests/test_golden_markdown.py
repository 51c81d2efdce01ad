"""Golden Markdown of Tables 1–5 on the bundled cohort.

A change in any figure, label or footnote shows up as a diff against ``tests/golden``.
Review the diff; to accept a deliberate change, run
``PAINRESPONSE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_markdown.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from painresponse import StudyResult
from painresponse.render.markdown import table_to_markdown

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def result(paper_result: StudyResult) -> StudyResult:
    return paper_result


@pytest.mark.parametrize("key", ["table1", "table2", "table3", "table4", "table5"])
def test_markdown_matches_golden(result: StudyResult, key: str) -> None:
    text = table_to_markdown(result.tables[key])
    path = GOLDEN / f"{key}.md"
    if os.environ.get("PAINRESPONSE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
