"""The HTML report is self-contained: no request leaves the file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from painresponse.render.figure_set import RenderedFigure
from painresponse.render.format import TYPESET, format_cell
from painresponse.render.html import inline_svg, write_html
from painresponse.result import StudyResult


@pytest.fixture(scope="module")
def html(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path_factory: pytest.TempPathFactory
) -> str:
    path = write_html(result, tmp_path_factory.mktemp("html") / "report.html", rendered=rendered)
    return path.read_text(encoding="utf-8")


def test_no_external_references(html: str) -> None:
    lowered = html.lower()
    assert "http://" not in lowered and "https://" not in lowered
    assert not re.search(r"""(src|href)\s*=\s*["']?//""", lowered)
    assert "@import" not in lowered and "url(http" not in lowered
    assert "<script" not in lowered and "<link" not in lowered


def test_tables_present_and_well_formed(result: StudyResult, html: str) -> None:
    assert html.count("<table") == len(result.tables)
    assert html.count("<thead>") == len(result.tables)
    assert "<caption><b>TABLE 1</b>Demographic" in html
    assert "0.296<sup>a</sup>" in html
    assert "<sup>a</sup> Two-sample t-test (Welch)." in html
    cell = result.tables["table5"].rows[1].cell("group:Responder")
    assert f"<td>{format_cell(cell, TYPESET)}</td>" in html

    class Balance(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = {"table": 0, "svg": 0, "figure": 0}

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag in self.depth:
                self.depth[tag] += 1

        def handle_endtag(self, tag: str) -> None:
            if tag in self.depth:
                self.depth[tag] -= 1

    parser = Balance()
    parser.feed(html)
    assert all(v == 0 for v in parser.depth.values())


def test_text_is_escaped(html: str) -> None:
    assert "&lt;as chosen&gt;" in html and "<as chosen>" not in html
    assert "&amp; &lt;exact&gt; {p}" in html


def test_figures_inline_with_unique_ids(html: str, rendered: list[RenderedFigure]) -> None:
    assert html.count("<svg") == len(rendered)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_inline_svg_strips_prologue() -> None:
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x" "http://www.w3.org/x.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<metadata><rdf:RDF xmlns:cc="http://creativecommons.org/ns#"/></metadata>'
        '<clipPath id="p1"/><use xlink:href="#g1"/><g clip-path="url(#p1)"/></svg>'
    )
    out = inline_svg(svg, "f")
    assert out.startswith("<svg>") and "http" not in out
    assert 'id="f-p1"' in out and 'href="#f-g1"' in out and "url(#f-p1)" in out


def test_write_html_path(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path: Path
) -> None:
    assert write_html(result, tmp_path / "r.html", rendered=rendered).exists()
