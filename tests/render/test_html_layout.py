"""The HTML report's layout: contents, ids, phone and print styles, one figure scale."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from painresponse.render.figure_set import RenderedFigure
from painresponse.render.html import write_html
from painresponse.result import StudyResult


class _Anchors(HTMLParser):
    """Every id, every in-page link, and the links inside ``<nav>``."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self.tables: list[str | None] = []
        self.figures: list[str | None] = []
        self.meta: list[dict[str, str | None]] = []
        self._in_nav = 0
        self._in_svg = 0  # matplotlib's own ids (clip paths) are not anchors

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "id" in found and found["id"] is not None and tag != "svg" and self._in_svg == 0:
            self.ids.append(found["id"])
        if tag == "svg":
            self._in_svg += 1
        if tag == "nav":
            self._in_nav += 1
        if tag == "a" and (found.get("href") or "").startswith("#"):
            self.links.append(str(found["href"])[1:])
            if self._in_nav:
                self.nav_links.append(str(found["href"])[1:])
        if tag == "table":
            self.tables.append(found.get("id"))
        if tag == "figure":
            self.figures.append(found.get("id"))
        if tag == "meta":
            self.meta.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav -= 1
        if tag == "svg":
            self._in_svg -= 1


@pytest.fixture(scope="module")
def html(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path_factory: pytest.TempPathFactory
) -> str:
    path = write_html(result, tmp_path_factory.mktemp("layout") / "report.html", rendered=rendered)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def anchors(html: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(html)
    return parser


def _css(html: str) -> str:
    match = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    assert match is not None
    return match.group(1)


def _print_block(css: str) -> str:
    start = css.index("@media print")
    depth, i = 0, css.index("{", start)
    for j in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[j], 0)
        if depth == 0:
            return css[i : j + 1]
    raise AssertionError("unbalanced @media print block")


def test_every_table_and_figure_has_a_unique_id(
    anchors: _Anchors, result: StudyResult, rendered: list[RenderedFigure]
) -> None:
    assert anchors.tables == [t.key for t in result.tables.values()]
    assert anchors.figures == [f.stem for f in rendered]
    assert len(anchors.ids) == len(set(anchors.ids))


def test_navigation_links_every_table_and_figure(
    anchors: _Anchors, result: StudyResult, rendered: list[RenderedFigure]
) -> None:
    assert anchors.nav_links == [t.key for t in result.tables.values()] + [f.stem for f in rendered]
    for link in anchors.links:
        assert link in anchors.ids, link


def test_navigation_names_tables_like_their_captions(html: str, result: StudyResult) -> None:
    nav = html[html.index("<nav") : html.index("</nav>")]
    for table in result.tables.values():
        assert f'<a href="#{table.key}">Table {table.number}</a>' in nav
    assert "Figure 1</a>" in nav


def test_viewport_meta_for_phones(anchors: _Anchors) -> None:
    viewport = [m for m in anchors.meta if m.get("name") == "viewport"]
    assert viewport and "width=device-width" in str(viewport[0].get("content"))


def test_print_stylesheet(html: str) -> None:
    block = _print_block(_css(html))
    assert re.search(r"nav\s*\{\s*display:\s*none", block)
    assert "break-inside: avoid" in block
    assert "table-header-group" in block  # a table that must split repeats its header
    assert "@page" in _css(html)


def test_tables_scroll_in_their_own_box_with_a_sticky_first_column(html: str) -> None:
    css = _css(html)
    assert re.search(r"\.table-wrap\s*\{[^}]*overflow-x:\s*auto", css)
    sticky = re.search(r"([^{}]*)\{[^}]*position:\s*sticky;\s*left:\s*0", css)
    assert sticky is not None and "th[scope=row]" in css
    assert html.count('<div class="table-wrap">') == html.count("<table")


def test_figures_keep_one_scale(html: str, rendered: list[RenderedFigure]) -> None:
    css = _css(html)
    assert not re.search(r"figure svg\s*\{[^}]*width:\s*100%", css)
    assert re.search(r"\.art\s*\{[^}]*max-width:\s*100%", css)
    widths = re.findall(r'<div class="art" style="--w: ([\d.]+)cm">', html)
    assert [float(w) for w in widths] == [round(f.width_cm, 2) for f in rendered]


def test_no_external_references(html: str) -> None:
    lowered = html.lower()
    assert "http://" not in lowered and "https://" not in lowered
    assert not re.search(r"""(src|href)\s*=\s*["']?(//|[a-z]+:)""", lowered)
    assert "<script" not in lowered and "<link" not in lowered and "@import" not in lowered
    assert "url(" not in _css(html)


def test_before_after_pairs_wrap_only_at_vs() -> None:
    from painresponse.render.html import _cell

    cell = _cell("3.0 (3.0–3.0) vs. 7.0 (6.0–7.0)", "<sup>a</sup>")
    assert cell == (
        '<td class="pair"><span>3.0 (3.0–3.0)</span> vs. '
        "<span>7.0 (6.0–7.0)<sup>a</sup></span></td>"
    )
    assert _cell("0.5 (−1.0 to 2.0)", "") == "<td>0.5 (−1.0 to 2.0)</td>"
