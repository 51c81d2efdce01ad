"""Synthetic cohorts of any size, generated in blocks of rows with vectorised numpy.

Each patient is first put in a group: no follow-up with probability 3/87; otherwise a
responder with probability 41/84. Within a group:

* categorical variables follow the published counts of Tables 1–3 as probabilities
  (patients without follow-up use the pooled counts);
* age and BMI are normal with the group's published mean and SD (age rounded and kept
  within the study's 32–86 years, BMI to one decimal); the number of surgeries follows
  the calibrated default cohort's distribution in that group;
* the outcome profile (pain, EQ-5D-5L, coldness at T0, T1, T4) is a whole row drawn with
  replacement from the same group of the bundled calibrated cohort, so every patient
  obeys the responder rule and the group distributions of Tables 3–5 carry over.

Rows are made in blocks of :data:`BLOCK_ROWS`; block ``b`` draws from
``numpy.random.default_rng([seed, b])``, so a block never depends on the blocks before
it and a cohort can be written in bounded memory, block by block.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl

from painresponse.synth._schema import COLUMNS, FOLLOW_UP_COLUMNS, SCHEMA
from painresponse.synth.targets import CATEGORICAL, CONTINUOUS, GROUP_N, N_ASSESSED, N_EXCLUDED

__all__ = ["BLOCK_ROWS", "cohort_blocks", "id_width"]

#: Rows per block of random draws (and per Parquet row group).
BLOCK_ROWS = 1_000_000
P_NO_FOLLOW_UP = N_EXCLUDED / N_ASSESSED
P_RESPONDER = GROUP_N["responder"] / GROUP_N["all"]
_GROUPS = ("responder", "non_responder", "excluded")
_OUTCOME_COLUMNS = tuple(
    c for c in COLUMNS if c.startswith(("pain_t", "eq5d_", "coldness_")) and c[-3:-1] == "_t"
)
_DISTANCE_GE2 = np.array([2, 2, 2, 2, 3, 3, 4])


def id_width(n: int) -> int:
    """Digits of the patient number: at least 4 (``LSGB-0001``), more for large cohorts.

    Examples
    --------
    >>> id_width(87), id_width(123_456)
    (4, 6)
    """
    return max(4, len(str(n)))


@lru_cache(maxsize=1)
def _template() -> dict[str, dict[str, npt.NDArray[np.int64]]]:
    """Outcome profiles and surgery counts of each group of the bundled default cohort."""
    from painresponse.synth import load_default_cohort

    cohort = load_default_cohort()
    followed = pl.col("pain_t1").is_not_null()
    responder = followed & (2 * pl.col("pain_t1") <= pl.col("pain_t0"))
    parts = {
        "responder": cohort.filter(responder),
        "non_responder": cohort.filter(followed & ~responder),
        "excluded": cohort.filter(~followed),
    }
    out: dict[str, dict[str, npt.NDArray[np.int64]]] = {}
    for group, frame in parts.items():
        out[group] = {
            "outcomes": frame.select(_OUTCOME_COLUMNS).fill_null(-1).to_numpy().astype(np.int64),
            "n_surgeries": frame["n_surgeries"].to_numpy().astype(np.int64),
        }
    out["excluded"]["outcomes"] = np.concatenate(
        [out["responder"]["outcomes"], out["non_responder"]["outcomes"]]
    )
    out["excluded"]["n_surgeries"] = np.concatenate(
        [out["responder"]["n_surgeries"], out["non_responder"]["n_surgeries"]]
    )
    return out


def _probabilities(column: str, group: str) -> npt.NDArray[np.float64]:
    _, _, rows = CATEGORICAL[column]
    if group == "excluded":
        counts = np.array([r.responder[0] + r.non_responder[0] for r in rows], dtype=float)
    else:
        counts = np.array([getattr(r, group)[0] for r in rows], dtype=float)
    return counts / counts.sum()


def _draw_codes(
    rng: np.random.Generator, column: str, group_code: npt.NDArray[np.int8]
) -> npt.NDArray[np.int64]:
    """Category codes of one column, each patient drawing from their group's distribution."""
    u = rng.random(len(group_code))
    codes = np.empty(len(group_code), dtype=np.int64)
    for code, group in enumerate(_GROUPS):
        cumulative = np.cumsum(_probabilities(column, group))
        cumulative[-1] = 1.0
        rows = group_code == code
        codes[rows] = np.searchsorted(cumulative, u[rows], side="left")
    return codes


def _block(start: int, size: int, seed: int, index: int, width: int) -> pl.DataFrame:
    """Rows ``start`` … ``start + size − 1`` of the cohort (block ``index``)."""
    rng = np.random.default_rng([seed, index])
    template = _template()
    missing = rng.random(size) < P_NO_FOLLOW_UP
    responder = rng.random(size) < P_RESPONDER
    group_code = np.where(missing, 2, np.where(responder, 0, 1)).astype(np.int8)

    columns: dict[str, pl.Series | npt.NDArray[np.generic]] = {}
    labelled: dict[str, pl.Series] = {}
    for column, (_, _, rows) in CATEGORICAL.items():
        codes = _draw_codes(rng, column, group_code)
        labels = pl.Series([r.label for r in rows], dtype=pl.String)
        labelled[column] = labels.gather(codes)
    columns.update(labelled)
    for column in ("surgery_range", "block_levels"):
        columns[column] = labelled[column].cast(pl.Int64)
    distance = labelled["block_distance"]
    ge2 = _DISTANCE_GE2[rng.integers(0, len(_DISTANCE_GE2), size)]
    columns["block_distance"] = np.where(
        (distance == ">=2").to_numpy(), ge2, (distance == "1").to_numpy().astype(np.int64)
    )

    _, _, age = CONTINUOUS["age"]
    _, _, bmi = CONTINUOUS["bmi"]
    means = np.array([age[g][0] for g in ("responder", "non_responder", "all")])
    sds = np.array([age[g][1] for g in ("responder", "non_responder", "all")])
    columns["age"] = np.clip(
        np.rint(rng.normal(means[group_code], sds[group_code])), 32, 86
    ).astype(np.int64)
    means = np.array([bmi[g][0] for g in ("responder", "non_responder", "all")])
    sds = np.array([bmi[g][1] for g in ("responder", "non_responder", "all")])
    columns["bmi"] = (
        np.clip(np.rint(10 * rng.normal(means[group_code], sds[group_code])), 165, 380) / 10
    )

    surgeries = np.empty(size, dtype=np.int64)
    outcomes = np.empty((size, len(_OUTCOME_COLUMNS)), dtype=np.int64, order="F")
    for code, group in enumerate(_GROUPS):
        rows_in = np.flatnonzero(group_code == code)
        pool = template[group]
        surgeries[rows_in] = pool["n_surgeries"][
            rng.integers(0, len(pool["n_surgeries"]), len(rows_in))
        ]
        outcomes[rows_in] = pool["outcomes"][rng.integers(0, len(pool["outcomes"]), len(rows_in))]
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
