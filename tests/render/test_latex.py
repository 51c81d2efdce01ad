"""LaTeX tables: booktabs rules, escaping, superscript markers."""

from __future__ import annotations

from pathlib import Path

from painresponse.render.latex import latex_escape, table_to_latex, write_latex
from painresponse.result import StudyResult


def test_booktabs_rules_and_markers(result: StudyResult) -> None:
    tex = table_to_latex(result.tables["table1"])
    assert tex.count(r"\toprule") == tex.count(r"\midrule") == tex.count(r"\bottomrule") == 1
    assert r"0.296\textsuperscript{a}" in tex
    assert r"\textsuperscript{c}Fisher's exact test.\par" in tex
    assert r"\textgreater{} 0.999\textsuperscript{c}" in tex
    assert "|" not in tex.split(r"\begin{tabular}")[1].split("\n")[0]  # no vertical rules


def test_unicode_and_specials_escaped(result: StudyResult) -> None:
    tex = table_to_latex(result.tables["table5"])
    assert "−" not in tex and "–" not in tex and "±" not in tex
    assert r"\ensuremath{-}2.0 (\ensuremath{-}3.0 to \ensuremath{-}1.0)" in tex
    assert r"rank-sum test \& \textless{}exact\textgreater{} \{p\}" in tex
    assert latex_escape("50% of #1_a") == r"50\% of \#1\_a"


def test_every_row_has_all_columns(result: StudyResult) -> None:
    for table in result.tables.values():
        tex = table_to_latex(table)
        body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
        assert len(body) == len(table.rows)
        assert all(line.count(" & ") == len(table.columns) for line in body)


def test_write_latex(result: StudyResult, tmp_path: Path) -> None:
    paths = write_latex(result, tmp_path)
    assert [p.name for p in paths] == [f"{k}.tex" for k in result.tables] + ["tables.tex"]
    driver = paths[-1].read_text()
    assert r"\usepackage{booktabs}" in driver and r"\input{table1}" in driver
    assert r"\begin{landscape}\input{table4}\end{landscape}" in driver
