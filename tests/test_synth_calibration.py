"""The bundled default cohort against the published study, and its regeneration.

Reference values are the published figures of Tables 1–5 of the LSGB–FBSS study, typed in
as printed in ``tools/data/lsgb_fbss_published.toml`` and read by the maintenance tool
``tools/synth_calibration`` (importable here because ``tests`` is a package: pytest puts
the repository root on ``sys.path``). The counts are compared with the bundled cohort
exactly, independently of the tool's own report.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import polars as pl
import pytest

from painresponse.synth import default_cohort_path, load_default_cohort
from painresponse.synth._write import write_csv_text
from painresponse.synth.scaled import _template
from tools.synth_calibration import (
    calibrated_cohort,
    calibration_report,
    check_figures,
    published_tables,
)
from tools.synth_calibration.published import _read

ROOT = Path(__file__).resolve().parent.parent
TOOL_MODULES = ("published", "anneal", "outcomes", "cohort", "report")


@pytest.fixture(scope="module")
def bundled() -> pl.DataFrame:
    return load_default_cohort()


def groups(cohort: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Analysed patients (complete T1 and T4 pain) of each group; responder ⇔ T1 ≤ T0/2."""
    analysed = cohort.filter(pl.col("pain_t1").is_not_null() & pl.col("pain_t4").is_not_null())
    is_responder = pl.col("pain_t1") <= 0.5 * pl.col("pain_t0")
    return {
        "all": analysed,
        "responder": analysed.filter(is_responder),
        "non_responder": analysed.filter(~is_responder),
    }


def test_flow_is_the_published_one(bundled: pl.DataFrame) -> None:
    paper = published_tables()
    assert bundled.height == paper.n_assessed
    assert {g: frame.height for g, frame in groups(bundled).items()} == paper.group_n
    assert paper.n_assessed - paper.n_analysed == paper.n_without_follow_up


def test_published_category_counts_per_group(bundled: pl.DataFrame) -> None:
    by_group = groups(bundled)
    for column, rows in published_tables().categorical.items():
        for group in ("responder", "non_responder"):
            values = by_group[group][column].cast(pl.String)
            if column == "block_distance":
                values = by_group[group][column].clip(upper_bound=2).cast(pl.String)
                values = values.replace("2", ">=2")
            for row in rows:
                expected = getattr(row, group)
                assert int((values == row.label).sum()) == expected, (column, group, row.label)


def test_every_published_figure_is_matched_or_explained(bundled: pl.DataFrame) -> None:
    checks = check_figures(bundled)
    assert len(checks) == 443
    assert all(c.category != "not matched" for c in checks)
    assert all(c.reason for c in checks if c.category != "exact")
    # the only rule-limited figures are pain figures involving T1
    for c in checks:
        if c.category == "limited by the rule":
            assert c.figure.variable == "pain" and "t1" in c.figure.times


def test_generator_parameters_are_the_published_ones() -> None:
    """The generator takes its proportions and moments from the bundled cohort; they must
    equal the paper's (patients without follow-up draw from the two groups pooled)."""
    paper = published_tables()
    template = _template()
    assert template.p_no_follow_up == paper.n_without_follow_up / paper.n_assessed
    assert template.p_responder == paper.group_n["responder"] / paper.n_analysed
    assert template.age_range == paper.age_range
    pools = dict(zip(("responder", "non_responder", "all"), template.pools, strict=True))
    for group, pool in pools.items():
        for column, rows in paper.categorical.items():
            counts = [
                row.responder + row.non_responder if group == "all" else getattr(row, group)
                for row in rows
            ]
            assert pool.classes[column].tolist() == [c / sum(counts) for c in counts], column
        assert pool.age == paper.mean_sd["age"][group]
        assert pool.bmi == paper.mean_sd["bmi"][group]


def test_misprints_must_name_one_figure() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "tools" / "data" / "lsgb_fbss_published.toml").read_text())
    data["misprint"].append(
        {"table": 1, "row": "Sex: Other", "group": "all", "statistic": "count", "note": "x"}
    )
    with pytest.raises(ValueError, match="Sex: Other"):
        _read(data)


def test_docs_calibration_is_the_report_of_the_bundled_cohort(bundled: pl.DataFrame) -> None:
    committed = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert calibration_report(bundled) == committed


@pytest.mark.parametrize("name", TOOL_MODULES)
def test_tool_doctests(name: str) -> None:
    module = importlib.import_module(f"tools.synth_calibration.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.slow
def test_bundled_file_equals_fresh_regeneration(bundled: pl.DataFrame) -> None:
    """The seeded annealing reproduces the bundled CSV byte for byte."""
    fresh = calibrated_cohort()
    assert write_csv_text(fresh).encode("utf-8") == default_cohort_path().read_bytes()
    assert fresh.equals(bundled)
