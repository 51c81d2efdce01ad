"""Tests of the synthetic cohorts users get: the bundled default and the generator.

The cohort flow and responder rule are applied here independently with polars. The
bundled cohort against the paper's published figures, and its regeneration, are tested in
``tests/test_synth_calibration.py`` (the maintenance tool ``tools/synth_calibration``).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import polars as pl
import pytest

from painresponse.errors import InputError, OutputError
from painresponse.synth import (
    COLUMNS,
    default_cohort_path,
    generate_cohort,
    load_default_cohort,
    write_cohort,
)
from painresponse.synth._write import write_csv_text

CANONICAL_COLUMNS = [
    "patient_id",
    "age",
    "sex",
    "bmi",
    "diagnosis",
    "pain_duration",
    "lesion_level",
    "lesion_severity",
    "surgery_type",
    "time_since_surgery",
    "n_surgeries",
    "surgery_range",
    "block_levels",
    "block_side",
    "block_distance",
    "pain_t0",
    "pain_t1",
    "pain_t4",
    *[f"eq5d_{d}_{t}" for t in ("t0", "t1", "t4") for d in ("mo", "sc", "ua", "pd", "ad")],
    "coldness_t0",
    "coldness_t1",
    "coldness_t4",
    "adverse_event",
]
SCORES = [c for c in CANONICAL_COLUMNS if c.startswith(("pain_t", "eq5d_", "coldness_t"))]
FOLLOW_UP = [c for c in SCORES if c.endswith(("_t1", "_t4"))]


@pytest.fixture(scope="module")
def bundled() -> pl.DataFrame:
    return load_default_cohort()


def split(cohort: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Analysed (complete T1 and T4), responders (T1 ≤ T0/2) and non-responders."""
    analysed = cohort.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in FOLLOW_UP))
    is_responder = pl.col("pain_t1") <= 0.5 * pl.col("pain_t0")
    return analysed, analysed.filter(is_responder), analysed.filter(~is_responder)


def test_columns_are_the_contract(bundled: pl.DataFrame) -> None:
    assert bundled.columns == CANONICAL_COLUMNS
    assert list(COLUMNS) == CANONICAL_COLUMNS


def test_patient_flow_87_84_41_43(bundled: pl.DataFrame) -> None:
    analysed, responders, non_responders = split(bundled)
    assert (bundled.height, analysed.height) == (87, 84)
    assert (responders.height, non_responders.height) == (41, 43)
    excluded = bundled.join(analysed, on="patient_id", how="anti")
    # the 3 excluded patients have no T1/T4 score at all, but a baseline
    assert excluded.select(FOLLOW_UP).null_count().row(0) == (3,) * len(FOLLOW_UP)
    assert excluded["pain_t0"].null_count() == 0


def test_values_in_range(bundled: pl.DataFrame) -> None:
    assert bundled["patient_id"].str.contains(r"^LSGB-\d{4}$").all()
    assert bundled["patient_id"].n_unique() == 87
    assert bundled["age"].min() == 32 and bundled["age"].max() == 86
    assert bundled["bmi"].is_between(12, 60).all()
    assert (
        (bundled["bmi"] * 10)
        .round(6)
        .cast(pl.Int64)
        .cast(pl.Float64)
        .equals((bundled["bmi"] * 10).round(6))
    )
    assert (bundled["n_surgeries"] >= 1).all()
    assert bundled["surgery_range"].is_between(1, 6).all()
    assert bundled["block_levels"].is_between(1, 3).all()
    assert bundled["block_distance"].is_between(0, 6).all()
    for column in SCORES:
        low, high = (1, 5) if column.startswith("eq5d_") else (0, 10)
        assert bundled[column].drop_nulls().is_between(low, high).all(), column
    assert (bundled["pain_t0"] >= 1).all()
    assert bundled["adverse_event"].null_count() == 87
    for column, labels in {
        "sex": {"Male", "Female"},
        "diagnosis": {"Spinal stenosis", "HNP"},
        "pain_duration": {"<1", "1-2", ">2"},
        "lesion_level": {"L2-3", "L3-4", "L4-5", "L5-S1"},
        "lesion_severity": {"Mild", "Moderate", "Severe"},
        "surgery_type": {"PLIF", "Laminectomy", "Discectomy"},
        "time_since_surgery": {"<=2", ">2"},
        "block_side": {"Left", "Right", "Both"},
    }.items():
        assert set(bundled[column].unique()) <= labels, column


def test_bundled_file_is_in_the_cohort_csv_format(bundled: pl.DataFrame) -> None:
    assert write_csv_text(bundled).encode("utf-8") == default_cohort_path().read_bytes()


def test_generate_cohort_is_deterministic_and_shaped() -> None:
    first = generate_cohort(3000, seed=11)
    assert first.columns == CANONICAL_COLUMNS
    assert first.equals(generate_cohort(3000, seed=11))
    assert not first.equals(generate_cohort(3000, seed=12))
    analysed, responders, _ = split(first)
    assert 0.93 < analysed.height / 3000 < 1.0
    assert 0.42 < responders.height / analysed.height < 0.56
    assert first["patient_id"][0] == "LSGB-0001" and first["patient_id"][-1] == "LSGB-3000"
    single = generate_cohort(1, seed=0)
    assert single.height == 1


def test_generator_draws_from_the_bundled_groups(bundled: pl.DataFrame) -> None:
    """Group shares and categories within 4 standard errors of the bundled cohort's; every
    outcome profile is a whole row of the same bundled group."""
    large = generate_cohort(100_000, seed=5)
    analysed, responders, non_responders = split(large)
    _, *bundled_groups = split(bundled)

    def close(share: float, p: float, n: int) -> bool:
        return abs(share - p) <= 4 * (p * (1 - p) / n) ** 0.5

    assert close(analysed.height / large.height, 84 / 87, large.height)
    assert close(responders.height / analysed.height, 41 / 84, analysed.height)
    for mine, theirs in zip((responders, non_responders), bundled_groups, strict=True):
        for column in ("sex", "lesion_level", "block_side"):
            for label in theirs[column].unique():
                p = float((theirs[column] == label).mean())
                assert close(float((mine[column] == label).mean()), p, mine.height), column
        profiles = set(theirs.select(SCORES).iter_rows())
        assert set(mine.select(SCORES).iter_rows()) <= profiles


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_write_cohort_byte_identical(tmp_path: Path, suffix: str) -> None:
    seen: list[tuple[int, int]] = []
    first = write_cohort(200, 3, tmp_path / f"a{suffix}", progress=lambda d, t: seen.append((d, t)))
    second = write_cohort(200, 3, tmp_path / f"b{suffix}")
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )
    assert seen == [(200, 200)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a{suffix}", f"b{suffix}"]
    if suffix == ".parquet":
        assert pl.read_parquet(first).equals(generate_cohort(200, 3))
    if suffix == ".csv":
        assert pl.read_csv(first, schema=dict(generate_cohort(1, 0).schema)).equals(
            generate_cohort(200, 3)
        )


@pytest.mark.parametrize("n", [0, -5, 2.5, True, "10"])
def test_bad_n_raises_input_error(n: object, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        generate_cohort(n, seed=1)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        write_cohort(n, 1, tmp_path / "x.csv")  # type: ignore[arg-type]


def test_bad_destination_raises_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="must end in"):
        write_cohort(10, 1, tmp_path / "cohort.json")
    with pytest.raises(OutputError, match="does not exist"):
        write_cohort(10, 1, tmp_path / "missing" / "cohort.csv")
    with pytest.raises(OutputError, match="at most"):
        write_cohort(2_000_000, 1, tmp_path / "cohort.xlsx")
    with pytest.raises(InputError):
        generate_cohort(10, seed=-1)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder_raises_output_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(OutputError):
            write_cohort(10, 1, locked / "cohort.csv")
    finally:
        locked.chmod(stat.S_IRWXU)


def test_failed_write_leaves_no_temp_file(tmp_path: Path) -> None:
    def fail(done: int, total: int) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_cohort(50, 1, tmp_path / "cohort.parquet", progress=fail)
    assert list(tmp_path.iterdir()) == []
