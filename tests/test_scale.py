"""The streaming (registry) path gives the same tables as the in-memory path; bad sets of
files are named clearly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from painresponse import analyze
from painresponse.cohort import build_cohort
from painresponse.errors import InputError
from painresponse.io import read_table, validate
from painresponse.render.csv import table_to_frame
from painresponse.study import load_study
from painresponse.synth import default_cohort_path, load_default_cohort
from painresponse.tables.aggregate import aggregate
from painresponse.tables.build import build_tables

STUDY = load_study()


def frames(result_tables: dict) -> dict[str, pl.DataFrame]:  # type: ignore[type-arg]
    return {k: table_to_frame(t) for k, t in result_tables.items()}


def test_streaming_engine_equals_in_memory() -> None:
    raw = read_table(default_cohort_path())
    typed = validate(raw, STUDY)
    results = []
    for streaming in (False, True):
        cohort = build_cohort(typed, STUDY, streaming=streaming)
        results.append(
            (cohort.flow, frames(build_tables(aggregate(cohort.analysed, STUDY, streaming), STUDY)))
        )
    (flow_mem, tables_mem), (flow_stream, tables_stream) = results
    assert flow_mem == flow_stream
    for key in tables_mem:
        assert tables_mem[key].equals(tables_stream[key]), key


def test_parquet_folder_and_glob_equal_csv(tmp_path: Path) -> None:
    cohort = load_default_cohort()
    folder = tmp_path / "registry"
    folder.mkdir()
    for i, part in enumerate(cohort.iter_slices(30)):
        part.write_parquet(folder / f"part-{i}.parquet")
    expected = frames(analyze(default_cohort_path()).tables)
    for source in (folder, str(folder / "*.parquet")):
        got = analyze(source)
        assert got.flow.assessed == 87
        for key, frame in frames(got.tables).items():
            assert frame.equals(expected[key]), (source, key)


def test_pandas_and_pyarrow_inputs() -> None:
    cohort = load_default_cohort()
    expected = frames(analyze(cohort).tables)
    for data in (cohort.to_pandas(), cohort.to_arrow()):
        assert frames(analyze(data).tables)["table1"].equals(expected["table1"])


def test_glob_matching_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no file matches"):
        read_table(str(tmp_path / "*.parquet"))


def test_mixed_schemas_name_the_files(tmp_path: Path) -> None:
    cohort = load_default_cohort()
    cohort.head(40).write_parquet(tmp_path / "a.parquet")
    cohort.tail(47).drop("bmi").write_parquet(tmp_path / "b.parquet")
    with pytest.raises(InputError, match=r"b\.parquet.*a\.parquet.*missing from b\.parquet: bmi"):
        read_table(tmp_path)


def test_type_clash_names_the_files(tmp_path: Path) -> None:
    cohort = load_default_cohort()
    cohort.head(40).write_parquet(tmp_path / "a.parquet")
    cohort.tail(47).with_columns(pl.col("age").cast(pl.String)).write_parquet(
        tmp_path / "b.parquet"
    )
    with pytest.raises(
        InputError, match=r"column .age. is .* in .*a\.parquet but String in .*b\.parquet"
    ):
        read_table(tmp_path)


def test_typed_parquet_is_validated(tmp_path: Path) -> None:
    from painresponse.errors import ValidationError

    cohort = load_default_cohort().with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(11).otherwise(pl.col("pain_t0")).alias("pain_t0")
    )
    cohort.write_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ValidationError) as info:
        analyze(tmp_path / "bad.parquet")
    assert [str(p) for p in info.value.problems] == [
        "row 6, pain_t0 = '11': Pain (NRS) at T0 must be an integer from 0 to 10"
    ]
