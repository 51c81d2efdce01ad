"""Synthetic cohorts of any size, generated in blocks of rows with vectorised numpy.

Every parameter comes from the bundled default cohort, which carries the published
study's structure (``docs/calibration.md``). Each patient is first put in a group: no
follow-up with the bundled share 3/87; otherwise a responder with the bundled share 41/84.
Within a group:

* categorical variables follow the group's counts as probabilities; these equal the
  published counts of Tables 1–3 (patients without follow-up use the two groups pooled);
* age and BMI are normal with the group's mean and SD to one decimal, as Table 1 prints
  them (they equal the published ones); age is rounded and kept within the bundled range
  (the study's 32–86 years), BMI to one decimal within 16.5–38.0; the number of surgeries
  is drawn from the group's values;
* the outcome profile (pain, EQ-5D-5L, coldness at T0, T1, T4) is a whole row drawn with
  replacement from the same group, so every patient obeys the responder rule and the
  group distributions of Tables 3–5 carry over.

Rows are made in blocks of :data:`BLOCK_ROWS`; block ``b`` draws from
``numpy.random.default_rng([seed, b])``, so a block never depends on the blocks before
it and a cohort can be written in bounded memory, block by block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl

from painresponse.synth._bundled import load_default_cohort
from painresponse.synth._schema import CATEGORY_LABELS, COLUMNS, FOLLOW_UP_COLUMNS, SCHEMA

__all__ = ["BLOCK_ROWS", "cohort_blocks", "id_width"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Rows per block of random draws (and per Parquet row group).
BLOCK_ROWS = 1_000_000
_OUTCOME_COLUMNS = tuple(
    c for c in COLUMNS if c.startswith(("pain_t", "eq5d_", "coldness_")) and c[-3:-1] == "_t"
)
#: A block distance of "2 levels or more" is 2, 3 or 4 levels.
_DISTANCE_GE2 = np.array([2, 2, 2, 2, 3, 3, 4])
_BMI_TENTHS = (165, 380)  # a plausible clinical range, in tenths of kg/m²


@dataclass(frozen=True)
class _Pool:
    """What a patient of one group is drawn from."""

    #: column -> probability of each class of CATEGORY_LABELS[column]
    classes: dict[str, FloatArray]
    age: tuple[float, float]
    bmi: tuple[float, float]
    n_surgeries: IntArray
    outcomes: IntArray


@dataclass(frozen=True)
class _Template:
    """The bundled cohort's shares and the pools of its three groups."""

    p_no_follow_up: float
    p_responder: float
    age_range: tuple[int, int]
    #: responders, non-responders, patients without follow-up (drawn from both groups)
    pools: tuple[_Pool, _Pool, _Pool]


def id_width(n: int) -> int:
    """Digits of the patient number: at least 4 (``LSGB-0001``), more for large cohorts.

    Examples
    --------
    >>> id_width(87), id_width(123_456)
    (4, 6)
    """
    return max(4, len(str(n)))


def _classes(frame: pl.DataFrame, column: str) -> pl.Series:
    """The column's values as the classes of CATEGORY_LABELS (block distance ≥ 2 pooled)."""
    if column == "block_distance":
        return frame.select(
            pl.when(pl.col(column) >= 2)
            .then(pl.lit(">=2"))
            .otherwise(pl.col(column).cast(pl.String))
        ).to_series()
    return frame[column].cast(pl.String)


def _moments(values: pl.Series) -> tuple[float, float]:
    """Mean and SD (n − 1) to one decimal, as Table 1 prints them."""
    mean, sd = values.mean(), values.std()
    assert isinstance(mean, float) and isinstance(sd, float)
    return round(mean, 1), round(sd, 1)


def _pool(frame: pl.DataFrame) -> _Pool:
    classes = {}
    for column, labels in CATEGORY_LABELS.items():
        values = _classes(frame, column)
        counts = np.array([int((values == label).sum()) for label in labels], dtype=float)
        classes[column] = counts / counts.sum()
    return _Pool(
        classes=classes,
        age=_moments(frame["age"]),
        bmi=_moments(frame["bmi"]),
        n_surgeries=frame["n_surgeries"].to_numpy().astype(np.int64),
        outcomes=frame.select(_OUTCOME_COLUMNS).to_numpy().astype(np.int64),
    )


@lru_cache(maxsize=1)
def _template() -> _Template:
    """Shares and group pools of the bundled default cohort."""
    cohort = load_default_cohort()
    followed = pl.col("pain_t1").is_not_null()
    responder = followed & (2 * pl.col("pain_t1") <= pl.col("pain_t0"))
    responders = cohort.filter(responder)
    non_responders = cohort.filter(followed & ~responder)
    analysed = pl.concat([responders, non_responders])
    youngest, oldest = cohort["age"].min(), cohort["age"].max()
    assert isinstance(youngest, int) and isinstance(oldest, int)
    return _Template(
        p_no_follow_up=(cohort.height - analysed.height) / cohort.height,
        p_responder=responders.height / analysed.height,
        age_range=(youngest, oldest),
        pools=(_pool(responders), _pool(non_responders), _pool(analysed)),
    )


def _draw_codes(
    rng: np.random.Generator,
    column: str,
    group_code: npt.NDArray[np.int8],
    pools: tuple[_Pool, ...],
) -> IntArray:
    """Class codes of one column, each patient drawing from their group's distribution."""
    u = rng.random(len(group_code))
    codes = np.empty(len(group_code), dtype=np.int64)
    for code, pool in enumerate(pools):
        cumulative = np.cumsum(pool.classes[column])
        cumulative[-1] = 1.0
        rows = group_code == code
        codes[rows] = np.searchsorted(cumulative, u[rows], side="left")
    return codes


def _normal(
    rng: np.random.Generator, moments: list[tuple[float, float]], group_code: npt.NDArray[np.int8]
) -> FloatArray:
    """One normal draw per patient with their group's mean and SD."""
    means, sds = (np.array(m) for m in zip(*moments, strict=True))
    return rng.normal(means[group_code], sds[group_code])


def _block(start: int, size: int, seed: int, index: int, width: int) -> pl.DataFrame:
    """Rows ``start`` … ``start + size − 1`` of the cohort (block ``index``)."""
    rng = np.random.default_rng([seed, index])
    template = _template()
    pools = template.pools
    missing = rng.random(size) < template.p_no_follow_up
    responder = rng.random(size) < template.p_responder
    group_code = np.where(missing, 2, np.where(responder, 0, 1)).astype(np.int8)

    columns: dict[str, pl.Series | npt.NDArray[np.generic]] = {}
    labelled: dict[str, pl.Series] = {}
    for column, labels in CATEGORY_LABELS.items():
        codes = _draw_codes(rng, column, group_code, pools)
        labelled[column] = pl.Series(labels, dtype=pl.String).gather(codes)
    columns.update(labelled)
    for column in ("surgery_range", "block_levels"):
        columns[column] = labelled[column].cast(pl.Int64)
    distance = labelled["block_distance"]
    ge2 = _DISTANCE_GE2[rng.integers(0, len(_DISTANCE_GE2), size)]
    columns["block_distance"] = np.where(
        (distance == ">=2").to_numpy(), ge2, (distance == "1").to_numpy().astype(np.int64)
    )

    age = _normal(rng, [pool.age for pool in pools], group_code)
    columns["age"] = np.clip(np.rint(age), *template.age_range).astype(np.int64)
    bmi = _normal(rng, [pool.bmi for pool in pools], group_code)
    columns["bmi"] = np.clip(np.rint(10 * bmi), *_BMI_TENTHS) / 10

    surgeries = np.empty(size, dtype=np.int64)
    outcomes = np.empty((size, len(_OUTCOME_COLUMNS)), dtype=np.int64, order="F")
    for code, pool in enumerate(pools):
        rows_in = np.flatnonzero(group_code == code)
        surgeries[rows_in] = pool.n_surgeries[rng.integers(0, len(pool.n_surgeries), len(rows_in))]
        outcomes[rows_in] = pool.outcomes[rng.integers(0, len(pool.outcomes), len(rows_in))]
    columns["n_surgeries"] = surgeries
    for k, column in enumerate(_OUTCOME_COLUMNS):
        columns[column] = outcomes[:, k]

    frame = pl.DataFrame(columns).with_columns(
        pl.concat_str(
            pl.lit("LSGB-"),
            pl.int_range(start + 1, start + size + 1, dtype=pl.Int64)
            .cast(pl.String)
            .str.zfill(width),
        ).alias("patient_id"),
        pl.lit(None, dtype=pl.String).alias("adverse_event"),
        pl.Series("_missing", missing),
    )
    frame = frame.with_columns(
        pl.when(pl.col("_missing")).then(None).otherwise(pl.col(c)).alias(c)
        for c in FOLLOW_UP_COLUMNS
    )
    return frame.select(pl.col(c).cast(SCHEMA[c]) for c in COLUMNS)


def cohort_blocks(n: int, seed: int, block_rows: int = BLOCK_ROWS) -> Iterator[pl.DataFrame]:
    """Yield the cohort of ``n`` patients block by block (``block_rows`` rows each).

    ``block_rows`` must be a multiple of :data:`BLOCK_ROWS` or at least ``n``, so that
    the rows do not depend on how the cohort is cut.
    """
    width = id_width(n)
    step = BLOCK_ROWS
    group: list[pl.DataFrame] = []
    in_group = 0
    for index, start in enumerate(range(0, n, step)):
        size = min(step, n - start)
        group.append(_block(start, size, seed, index, width))
        in_group += size
        if in_group >= block_rows or start + size >= n:
            yield group[0] if len(group) == 1 else pl.concat(group)
            group, in_group = [], 0
