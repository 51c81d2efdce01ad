"""Synthetic cohorts calibrated to the published LSGB–FBSS study.

The bundled default (``data/lsgb_fbss_cohort.csv``) is :func:`calibrated_cohort`: 87
patients assessed, 3 without follow-up, 84 analysed, 41 responders (pain at 1 week at most
half of baseline) and 43 non-responders, with the published counts of every categorical
variable in each group and the published means, SDs, medians and IQRs matched as closely
as the responder rule allows (``docs/calibration.md``). :func:`generate_cohort` makes
cohorts of any size with the same columns and proportions.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from pathlib import Path

import polars as pl

from painresponse.errors import InputError
from painresponse.synth._schema import COLUMNS, SCHEMA
from painresponse.synth._write import check_destination, write_blocks
from painresponse.synth.calibrated import DEFAULT_SEED, build_calibrated_cohort
from painresponse.synth.scaled import cohort_blocks

__all__ = [
    "COLUMNS",
    "DEFAULT_SEED",
    "calibrated_cohort",
    "default_cohort_path",
    "generate_cohort",
    "load_default_cohort",
    "write_cohort",
]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
        raise InputError(f"The seed must be a whole number of 0 or more, not {seed!r}.")
    return int(seed)


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < 1:
        raise InputError(f"The number of patients must be a whole number of 1 or more, not {n!r}.")
    return int(n)


def calibrated_cohort(seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """The 87-patient cohort calibrated to Tables 1–5 of the published study.

    Parameters
    ----------
    seed : int, default DEFAULT_SEED
        Seed of every random choice; the default gives the bundled cohort.

    Returns
    -------
    polars.DataFrame
        87 rows, the canonical columns in order (integers as Int64, BMI as Float64 with
        one decimal, categories and ``adverse_event`` as String). Three patients have no
        T1/T4 scores; of the other 84, 41 are responders (``pain_t1 ≤ pain_t0 / 2``).

    Notes
    -----
    Categorical counts equal the published counts per group exactly. Age, BMI and the
    number of surgeries are annealed until their group means and SDs round to the
    published ones. Outcomes are annealed against every figure of Tables 3–5 under the
    responder rule; ``docs/calibration.md`` lists each figure with the synthetic value
    and, where the rule or a misprint makes a match impossible, the reason. The result is
    cached per seed; calibration takes a few seconds.

    References
    ----------
    The LSGB–FBSS study (retrospective, 87 patients, SAS 9.4), Tables 1–5.

    Examples
    --------
    >>> cohort = calibrated_cohort()
    >>> cohort.height, cohort.columns[:3]
    (87, ['patient_id', 'age', 'sex'])
    >>> followed = cohort.filter(pl.col("pain_t1").is_not_null())
    >>> followed.height, int((2 * followed["pain_t1"] <= followed["pain_t0"]).sum())
    (84, 41)
    """
    return build_calibrated_cohort(_check_seed(seed))


def generate_cohort(n: int, seed: int) -> pl.DataFrame:
    """A synthetic cohort of ``n`` patients with the study's columns and proportions.

    Parameters
    ----------
    n : int
        Number of patients (≥ 1).
    seed : int
        Seed (≥ 0); the same ``n`` and seed give the same cohort.

    Returns
    -------
    polars.DataFrame
        ``n`` rows, the canonical columns. About 3/87 of patients have no follow-up; of
        the others about 41/84 are responders. Patient ids are ``LSGB-0001`` … (more
        digits when ``n`` ≥ 10,000).

    Raises
    ------
    painresponse.errors.InputError
        When ``n`` or ``seed`` is not a whole number in range.

    Notes
    -----
    Vectorised numpy in blocks of one million rows; block ``b`` uses
    ``numpy.random.default_rng([seed, b])``. Outcome profiles are drawn whole from the
    same group of the bundled calibrated cohort, so the responder rule holds row by row.

    Examples
    --------
    >>> cohort = generate_cohort(1000, seed=7)
    >>> cohort.shape
    (1000, 37)
    >>> cohort["patient_id"][0]
    'LSGB-0001'
    >>> cohort.equals(generate_cohort(1000, seed=7))
    True
    """
    n = _check_n(n)
    seed = _check_seed(seed)
    return pl.concat(list(cohort_blocks(n, seed, block_rows=n)))


def write_cohort(
    n: int,
    seed: int,
    path: str | Path,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write ``generate_cohort(n, seed)`` to a CSV, Parquet or Excel file, by its extension.

    Parameters
    ----------
    n : int
        Number of patients (≥ 1; at most 1,048,575 for ``.xlsx``).
    seed : int
        Seed (≥ 0).
    path : str or Path
        Destination ending in ``.csv`` (UTF-8), ``.parquet`` (zstd, one row group per
        million rows) or ``.xlsx``.
    progress : callable, optional
        Called as ``progress(done, total)`` after each block of rows.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    painresponse.errors.InputError
        When ``n`` or ``seed`` is out of range.
    painresponse.errors.OutputError
        When the extension is unknown or the file cannot be written.

    Notes
    -----
    The file is written block by block to a temporary file in the same folder and moved
    into place with ``os.replace``; on any error the temporary file is removed and an
    existing file is left as it was. Memory stays bounded by one block. The same
    arguments give byte-identical files (the xlsx zip members carry a fixed date).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> seen = []
    >>> path = write_cohort(500, 1, folder / "cohort.csv", progress=lambda d, t: seen.append(d))
    >>> pl.read_csv(path).height, seen
    (500, [500])
    """
    n = _check_n(n)
    seed = _check_seed(seed)
    target = check_destination(path, n)
    return write_blocks(cohort_blocks(n, seed), target, n, progress)


def default_cohort_path() -> Path:
    """Path of the bundled default cohort CSV.

    Examples
    --------
    >>> default_cohort_path().name
    'lsgb_fbss_cohort.csv'
    """
    return Path(__file__).resolve().parent.parent / "data" / "lsgb_fbss_cohort.csv"


def load_default_cohort() -> pl.DataFrame:
    """Read the bundled default cohort with the canonical column types.

    Returns
    -------
    polars.DataFrame
        87 rows; equal to :func:`calibrated_cohort` with the default seed.

    Examples
    --------
    >>> load_default_cohort().shape
    (87, 37)
    """
    path = default_cohort_path()
    try:
        return pl.read_csv(path, schema=SCHEMA, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"The bundled cohort {path} cannot be read: {exc}.") from exc
