"""Reading a transcribed table: the cells a journal prints, and bad input without tracebacks."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painresponse.audit import audit
from painresponse.audit._cells import (
    BadCell,
    CountCell,
    CountsCell,
    EmptyCell,
    MeanSDCell,
    MedianCell,
    read_cell,
    read_pvalue,
    read_tests,
)
from painresponse.audit._table import read_published_table
from painresponse.errors import InputError
from tests.audit.conftest import HEADER, write_table


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("17 (41.5%)", CountCell),
        ("17 (41.5 %)", CountCell),
        ("1,234 (12.0%)", CountCell),
        ("0 (0.0%)", CountCell),
        ("17", CountCell),
        ("21/20/43", CountsCell),
        ("65.8 ± 11.3", MeanSDCell),
        ("65.8 +/- 11.3", MeanSDCell),
        ("-1.5 ± 0.4", MeanSDCell),
        ("5.0 (4.0–6.0)", MedianCell),
        ("5.0 (4.0-6.0)", MedianCell),
        ("0.0 (–2.0 to 0.0)", MedianCell),
        ("–2.0 (–3.0 to –1.0)", MedianCell),
        ("", EmptyCell),
        ("—", EmptyCell),
        ("seventeen (41.5%)", BadCell),
        ("17a", BadCell),
        ("65.8 ± -2.0", BadCell),
        ("5.0 (6.0–7.0)", BadCell),
    ],
)
def test_printed_cells(text: str, kind: type) -> None:
    assert isinstance(read_cell(text), kind)


def test_printed_numbers_keep_their_decimals() -> None:
    cell = read_cell("7.0 ± 2.05")
    assert isinstance(cell, MeanSDCell)
    assert (cell.mean.decimals, cell.sd.decimals) == (1, 2)
    assert (cell.mean.low, cell.mean.high) == (Fraction(695, 100), Fraction(705, 100))
    negative = read_cell("–2.0 (–3.0 to –1.0)")
    assert isinstance(negative, MedianCell)
    assert negative.q1.value == -3


@pytest.mark.parametrize(
    ("text", "low", "high", "bound"),
    [
        ("0.801", 0.8005, 0.8015, False),
        (".801", 0.8005, 0.8015, False),
        ("P = 0.03", 0.025, 0.035, False),
        ("<0.001", 0.0, 0.001, True),
        ("< .001", 0.0, 0.001, True),
        (">0.999", 0.999, 1.0, True),
        ("0.000", 0.0, 0.0005, False),
        ("0.021*", 0.0205, 0.0215, False),
    ],
)
def test_printed_pvalues(text: str, low: float, high: float, bound: bool) -> None:
    p = read_pvalue(text)
    assert p is not None and not isinstance(p, BadCell)
    assert (float(p.low), float(p.high), p.bound) == (low, high, bound)


@pytest.mark.parametrize("text", ["NS", "0016", "1.2", "p<"])
def test_bad_pvalues_are_reasons(text: str) -> None:
    assert isinstance(read_pvalue(text), BadCell)


def test_test_names() -> None:
    assert read_tests("chi-square or Fisher's exact test")[0] == {"chi2", "yates", "fisher"}
    assert read_tests("Wilcoxon rank sum test")[0] == {"rank"}
    assert read_tests("Welch")[0] == {"welch"}
    assert read_tests("")[0] == frozenset()


def test_bom_and_overall_column(tmp_path: Path) -> None:
    lines = (
        "Sex,Male,36 (42.9%),17 (41.5%),19 (44.2%),0.801,,",
        "Sex,Female,48 (57.1%),24 (58.5%),24 (55.8%),,,",
    )
    with_bom = read_published_table(write_table(tmp_path / "bom.csv", *lines, bom=True))
    without = read_published_table(write_table(tmp_path / "plain.csv", *lines))
    for table in (with_bom, without):
        assert [g.name for g in table.groups] == ["Responder", "Non-responder"]
        assert table.overall is not None and table.overall.n == 84
    assert audit(tmp_path / "bom.csv").exit_code == 0


def test_level_rows_may_leave_the_variable_empty(tmp_path: Path) -> None:
    path = write_table(
        tmp_path / "t.csv",
        "Sex,,,,,0.801,,",
        ",Male,36 (42.9%),17 (41.5%),19 (44.2%),,,",
        ",Female,48 (57.1%),24 (58.5%),24 (55.8%),,,",
    )
    table = read_published_table(path)
    assert [v.name for v in table.variables] == ["Sex"]
    assert audit(path).exit_code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        ("variable,level,p_value\nSex,Male,0.8\n", "no group columns"),
        ("level,Responder (n = 41)\nMale,17\n", "no 'variable' column"),
        (
            "variable,level,Responder,Non-responder (n = 43),p_value\nSex,,,,0.8\n",
            "'Responder' has no group size",
        ),
        ("Sex,Male,17 (41.5%),19 (44.2%),0.801\n", "the first line must be the header"),
        ("variable,level,Responder (n = 41)\n", "no rows"),
    ],
)
def test_unreadable_tables_raise_one_sentence(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        audit(path)
    assert "\n" not in str(caught.value)


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\nSéx,,,,,0.8,,\n").encode("cp1252"))
    with pytest.raises(InputError, match="not UTF-8"):
        audit(path)
    with pytest.raises(InputError, match="no such file"):
        audit(tmp_path / "missing.csv")


def test_bad_cells_are_findings(tmp_path: Path) -> None:
    path = write_table(
        tmp_path / "cells.csv",
        "Sex,,,,,0.801,,",
        "Sex,Male,36 (42.9%),seventeen (41.5%),19 (44.2%),,,",
        "Sex,Female,48 (57.1%),24 (158.5%),24 (55.8%),,,",
        "Age,,67.2 ± 10.2,65.8 ± -11.3,68.5 ± 9.0,0.296,,",
        "BMI,,24.3 ± 2.7,24.5 ± 2.6,24.2 ± 2.9,NS,,",
        "Pain,,7.0 ± 2.0,17 (41.5%),6.7 ± 2.2,0.2,,",
    )
    result = audit(path)
    found = {(c.variable, c.check, c.severity) for c in result.findings}
    assert ("Sex", "parse", "error") in found  # text in a count cell
    assert ("Sex", "percent", "error") in found  # a percent above 100
    assert ("Age", "parse", "error") in found  # a negative SD
    assert ("BMI", "parse", "error") in found  # not a p-value
    assert ("Pain", "parse", "error") in found  # a row mixing counts and means
    details = " ".join(c.detail for c in result.findings)
    assert "'seventeen (41.5%)' is not a count (percent)" in details
    assert "printed 158.5% is above 100%" in details
    assert "the SD -11.3 is negative" in details
    assert result.exit_code == 1


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.lists(
        st.lists(
            st.sampled_from(
                [
                    "",
                    "Sex",
                    "Male",
                    "17 (41.5%)",
                    "21/20/43",
                    "65.8 ± 11.3",
                    "5.0 (4.0–6.0)",
                    "0.801",
                    "<0.001",
                    "abc",
                    "-",
                    "yes",
                    "1",
                    "chi-square",
                    "0 (0.0%)",
                    "3 (300%)",
                    '"',
                    "1/2",
                ]
            ),
            min_size=0,
            max_size=9,
        ),
        max_size=8,
    ),
    header=st.sampled_from(
        [
            HEADER,
            "variable,level,A (n = 3),B (n = 1),p_value",
            "variable,A (n = 0)",
            "x,y",
            "variable,level,A (n = 2),p_value,test",
        ]
    ),
)
def test_any_text_gives_a_result_or_an_input_error(
    tmp_path: Path, body: list[list[str]], header: str
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text("\n".join([header, *(",".join(r) for r in body)]), encoding="utf-8")
    try:
        result = audit(path)
    except InputError:
        return
    assert result.exit_code in (0, 1)
