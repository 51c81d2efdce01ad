"""A hand-built :class:`StudyResult` shaped like the published study (Tables 1–5).

The numbers are the paper's where it prints them; p-values come from made-up
:class:`TestResult` objects. Nothing here runs a statistical test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from painresponse.flow import Exclusion, Flow
from painresponse.result import FigureData, OutcomeSummary, StudyResult, Trajectories, Waterfall
from painresponse.stats._result import TestResult
from painresponse.tables.model import (
    Column,
    Comparison,
    CountPercent,
    Footnote,
    MeanSD,
    MedianIQR,
    PValue,
    Row,
    Table,
    Text,
)

#: A patient identifier that must never appear in any output.
SECRET_ID = "PT-SECRET-4711"

GROUPS = ("Responder", "Non-responder")
N = {"overall": 84, "Responder": 41, "Non-responder": 43}
TIMES = ("T0", "T1", "T4")


def _test(key: str, method: str, p: float, stat: float = 1.2345678, **kw: Any) -> TestResult:
    return TestResult(
        test=key,
        method=method,
        statistic=stat,
        pvalue=p,
        n=kw.pop("n", (41, 43)),
        n_missing=kw.pop("n_missing", (0, 0)),
        statistic_name=kw.pop("statistic_name", "W"),
        **kw,
    )


def _p(key: str, method: str, p: float, marker: str, **kw: Any) -> PValue:
    return PValue(_test(key, method, p, **kw), reason="default rule", marker=marker)


T_TEST = "Two-sample t-test (Welch)"
CHI2 = "Pearson's chi-square test"
FISHER = "Fisher's exact test"
RANK = "Wilcoxon rank-sum test"
SIGNED = "Wilcoxon signed-rank test"

STANDARD_COLUMNS = (
    Column("overall", "Patients", N["overall"]),
    Column("group:Responder", "Responder", N["Responder"]),
    Column("group:Non-responder", "Non-responder", N["Non-responder"]),
    Column("p", "P-value", None, "pvalue"),
)


def _levels(variable: str, label: str, levels: list[tuple[str, int, int]]) -> list[Row]:
    rows = []
    for name, responder, non_responder in levels:
        total = responder + non_responder
        rows.append(
            Row(
                variable,
                label,
                name,
                "level",
                {
                    "overall": CountPercent(total, 84, 100 * total / 84),
                    "group:Responder": CountPercent(responder, 41, 100 * responder / 41),
                    "group:Non-responder": CountPercent(
                        non_responder, 43, 100 * non_responder / 43
                    ),
                },
            )
        )
    return rows


def _mean_row(variable: str, label: str, values: list[tuple[float, float]], p: PValue) -> Row:
    keys = ("overall", "group:Responder", "group:Non-responder")
    ns = (84, 41, 43)
    cells: dict[str, Any] = {
        k: MeanSD(m, s, n) for k, (m, s), n in zip(keys, values, ns, strict=True)
    }
    cells["p"] = p
    return Row(variable, label, None, "single", cells)


def make_table1() -> Table:
    rows = [
        _mean_row(
            "age",
            "Age (years)",
            [(67.2, 10.2), (65.8, 11.34), (68.5, 9.0)],
            _p("t_test", T_TEST, 0.2961, "a", statistic_name="t", df=80.2),
        ),
        Row("sex", "Sex", None, "header", {"p": _p("chi_square", CHI2, 0.801, "b")}),
        *_levels("sex", "Sex", [("Male", 17, 19), ("Female", 24, 24)]),
        _mean_row(
            "bmi",
            "Body mass index (kg/m²)",
            [(24.3, 2.7), (24.5, 2.6), (24.2, 2.9)],
            _p("t_test", T_TEST, 0.729, "a", statistic_name="t"),
        ),
        Row("diagnosis", "Diagnosis", None, "header", {"p": _p("chi_square", CHI2, 0.886, "b")}),
        *_levels("diagnosis", "Diagnosis", [("Spinal stenosis", 32, 33), ("HNP", 9, 10)]),
        Row(
            "duration",
            "Duration of pain (y)",
            None,
            "header",
            {"p": _p("fisher_exact", FISHER, 0.99995, "c")},
        ),
        *_levels("duration", "Duration of pain (y)", [("<1", 1, 1), ("1–2", 3, 4), (">2", 37, 38)]),
        Row(
            "level",
            "Lumbar lesion level",
            None,
            "header",
            {"p": _p("chi_square", CHI2, 0.131, "b")},
        ),
        *_levels(
            "level",
            "Lumbar lesion level",
            [("L2-3", 5, 6), ("L3-4", 13, 13), ("L4-5", 19, 12), ("L5-S1", 4, 12)],
        ),
        Row(
            "severity", "Lesion severity", None, "header", {"p": _p("chi_square", CHI2, 0.751, "b")}
        ),
        *_levels(
            "severity",
            "Lesion severity",
            [("Mild", 9, 12), ("Moderate", 19, 20), ("Severe", 13, 11)],
        ),
    ]
    return Table(
        "table1",
        1,
        "Demographic and clinical characteristics of the patients.",
        STANDARD_COLUMNS,
        tuple(rows),
        (
            Footnote(
                "",
                "Values are mean ± SD or numbers (percentages). HNP, herniated nucleus pulposus.",
            ),
            Footnote("a", "Two-sample t-test (Welch)."),
            Footnote("b", "Pearson's chi-square test."),
            Footnote("c", "Fisher's exact test."),
        ),
    )


def make_table2() -> Table:
    rows = [
        Row("surgery", "Surgery type", None, "header", {"p": _p("chi_square", CHI2, 0.979, "a")}),
        *_levels(
            "surgery",
            "Surgery type",
            [("PLIF", 21, 23), ("Laminectomy", 16, 16), ("Discectomy", 4, 4)],
        ),
        _mean_row(
            "n_surgeries",
            "Number of spinal surgeries",
            [(1.5, 0.7), (1.4, 0.7), (1.5, 0.7)],
            _p("rank_sum", RANK, 0.302, "b"),
        ),
        Row(
            "range",
            "Surgery range (level)",
            None,
            "header",
            {"p": _p("fisher_exact", FISHER, 0.063, "c")},
        ),
        *_levels(
            "range",
            "Surgery range (level)",
            [("1", 26, 27), ("2", 8, 15), ("3", 4, 0), ("4", 3, 1)],
        ),
    ]
    return Table(
        "table2",
        2,
        "Surgical characteristics of patients.",
        STANDARD_COLUMNS,
        tuple(rows),
        (
            Footnote("", "Values are mean ± SD or numbers (percentages)."),
            Footnote("a", "Pearson's chi-square test."),
            Footnote("b", "Wilcoxon rank-sum test."),
            Footnote("c", "Fisher's exact test."),
        ),
    )


def make_table3() -> Table:
    rows: list[Row] = [
        Row(
            "side",
            "Block side",
            "Left/Right/Both",
            "single",
            {
                "overall": Text("21/20/43"),
                "group:Responder": Text("12/13/16"),
                "group:Non-responder": Text("9/7/27"),
                "p": _p("chi_square", CHI2, 0.082, "b"),
            },
        ),
    ]
    outcome_values = {
        "pain": (
            "Pain (NRS)",
            [(7.0, 2.0, 7.2, 1.7, 6.7, 2.2, 0.281), (6.1, 2.3, 4.9, 2.0, 7.3, 2.1, 0.00001)],
        ),
        "eq5d": (
            "EQ-5D",
            [(14.6, 4.0, 14.4, 4.2, 14.7, 3.9, 0.728), (14.3, 3.4, 13.1, 2.9, 15.4, 3.6, 0.002)],
        ),
    }
    for variable, (label, values) in outcome_values.items():
        rows.append(Row(variable, label, None, "header"))
        for time, (m0, s0, m1, s1, m2, s2, p) in zip(TIMES, values, strict=False):
            rows.append(
                Row(
                    variable,
                    label,
                    time,
                    "level",
                    {
                        "overall": MeanSD(m0, s0, 84),
                        "group:Responder": MeanSD(m1, s1, 41),
                        "group:Non-responder": MeanSD(m2, s2, 43),
                        "p": _p("rank_sum", RANK, p, "a"),
                    },
                )
            )
    return Table(
        "table3",
        3,
        "Fluoroscopic data of lumbar sympathetic ganglion block and clinical outcomes over time.",
        STANDARD_COLUMNS,
        tuple(rows),
        (
            Footnote("", "Values are mean ± SD. NRS, numerical rating scale."),
            Footnote("a", "Wilcoxon rank-sum test."),
            Footnote("b", "Pearson's chi-square test."),
        ),
    )


def make_table4() -> Table:
    columns = (
        Column("group:Responder", "Responder", 41),
        Column("p:Responder", "P-value", None, "pvalue"),
        Column("group:Non-responder", "Non-responder", 43),
        Column("p:Non-responder", "P-value", None, "pvalue"),
    )
    rows: list[Row] = [Row("pain", "Pain (NRS)", None, "header")]
    for level, p1, p2 in (("T1 vs. T0", 0.0001, 0.0002), ("T4 vs. T1", 0.267, 1.0)):
        rows.append(
            Row(
                "pain",
                "Pain (NRS)",
                level,
                "level",
                {
                    "group:Responder": Comparison(
                        MedianIQR(5.0, 4.0, 6.0, 41), MedianIQR(7.0, 6.0, 7.0, 41)
                    ),
                    "p:Responder": _p("signed_rank", SIGNED, p1, "a", n=(41,)),
                    "group:Non-responder": Comparison(
                        MedianIQR(8.0, 7.0, 9.0, 43), MedianIQR(7.0, 5.0, 8.0, 43)
                    ),
                    "p:Non-responder": _p("signed_rank", SIGNED, p2, "a", n=(43,)),
                },
            )
        )
    return Table(
        "table4",
        4,
        "Clinical outcomes over time within each groups.",
        columns,
        tuple(rows),
        (
            Footnote("", "Values are median (IQR). IQR, interquartile range."),
            Footnote("a", "Wilcoxon signed-rank test."),
        ),
    )


def make_table5() -> Table:
    rows: list[Row] = [Row("pain", "Pain (NRS)", None, "header")]
    for level, p in (("T1–T0", 0.00001), ("T4–T1", 0.431), ("T4–T0", float("nan"))):
        rows.append(
            Row(
                "pain",
                "Pain (NRS)",
                level,
                "level",
                {
                    "overall": MedianIQR(0.0, -2.0, 0.0, 84, style="to"),
                    "group:Responder": MedianIQR(-2.0, -3.0, -1.0, 41, style="to"),
                    "group:Non-responder": MedianIQR(0.0, 0.0, 1.0, 43, style="to"),
                    "p": _p("rank_sum", RANK, p, "a"),
                },
            )
        )
    return Table(
        "table5",
        5,
        "Clinical outcomes over time between two groups.",
        STANDARD_COLUMNS,
        tuple(rows),
        (
            Footnote("", "Values are median (IQR). T0, before block; T1, 1 week after block."),
            Footnote("a", "Wilcoxon rank-sum test & <exact> {p}."),
        ),
    )


def make_figures(n_per_group: int = 42) -> FigureData:
    rng = np.random.default_rng(20240501)
    summaries = []
    trajectories = []
    outcomes = (("pain", "Pain (NRS)"), ("eq5d", "EQ-5D sum"), ("coldness", "Leg coldness (NRS)"))
    for outcome, label in outcomes:
        for g, group in enumerate(GROUPS):
            base = 7.0 if outcome == "pain" else 14.0 if outcome == "eq5d" else 4.5
            values = np.column_stack(
                [
                    base + rng.normal(0, 1.5, n_per_group),
                    base - (2.0 if g == 0 else -0.3) + rng.normal(0, 1.5, n_per_group),
                    base - (1.8 if g == 0 else -0.2) + rng.normal(0, 1.5, n_per_group),
                ]
            ).round()
            values[0, 2] = np.nan
            trajectories.append(Trajectories(outcome, label, group, TIMES, TIMES, values))
            for t, time in enumerate(TIMES):
                column = values[:, t][~np.isnan(values[:, t])]
                mean = float(column.mean())
                half = 1.96 * float(column.std(ddof=1)) / np.sqrt(column.size)
                q1, med, q3 = np.percentile(column, [25, 50, 75])
                summaries.append(
                    OutcomeSummary(
                        outcome,
                        label,
                        group,
                        time,
                        time,
                        int(column.size),
                        mean,
                        mean - half,
                        mean + half,
                        float(med),
                        float(q1),
                        float(q3),
                    )
                )
    change = np.sort(rng.normal(-30, 40, 2 * n_per_group))
    change[-1] = 250.0  # beyond the +100% cap
    groups = tuple("Responder" if c <= -50 else "Non-responder" for c in change)
    waterfall = Waterfall("Pain (NRS)", "T1", change, groups, -50.0, "≥ 50% improvement at T1")
    return FigureData(GROUPS, tuple(summaries), tuple(trajectories), waterfall)


def make_result(figures: FigureData | None = None) -> StudyResult:
    flow = Flow(
        assessed=87,
        exclusions=(
            Exclusion("completeness", "insufficient follow-up data: pain at T1 not recorded", 3),
        ),
        groups=(("Responder", 41), ("Non-responder", 43)),
    )
    tables = {
        t.key: t
        for t in (make_table1(), make_table2(), make_table3(), make_table4(), make_table5())
    }

    class _Study:
        title = "Lumbar sympathetic ganglion block in failed back surgery syndrome"

    analysed = pl.DataFrame({"patient_id": [SECRET_ID, "PT-SECRET-0002"], "pain_t0": [7, 8]})
    study: Any = _Study()
    return StudyResult(
        study=study,
        source="clinic.xlsx",
        flow=flow,
        tables=tables,
        figures=figures if figures is not None else make_figures(),
        methods=(
            "Data are expressed as mean ± SD, median (IQR) or number (%).",
            "Groups were compared with the Wilcoxon rank-sum test"
            " & Fisher's exact test <as chosen>.",
        ),
        software={"painresponse": "0.1.0", "numpy": np.__version__},
        analysed=analysed,
    )


@pytest.fixture(scope="session")
def result() -> StudyResult:
    """The fake 84-patient study result."""
    return make_result()


@pytest.fixture(scope="session")
def rendered(result: StudyResult) -> list[Any]:
    """The fake result's figures, drawn once for the whole test session."""
    from painresponse.render.figure_set import render_figures

    return render_figures(result)
