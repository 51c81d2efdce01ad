"""Synthetic cohorts with the structure of the published LSGB–FBSS study.

The bundled default (``data/lsgb_fbss_cohort.csv``, :func:`load_default_cohort`) has 87
patients assessed, 3 without follow-up, 84 analysed, 41 responders (pain at 1 week at most
half of baseline) and 43 non-responders, with the published counts of every categorical
variable in each group and the published means, SDs, medians and IQRs matched as closely
as the responder rule allows (``docs/calibration.md``). It is made by a maintenance tool,
``scripts/make_default_cohort.py`` (``tools/synth_calibration/``), not by the package.
:func:`generate_cohort` and :func:`write_cohort` make cohorts of any size with the same
columns and proportions (``painresponse synth``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from pathlib import Path

import polars as pl

from painresponse.errors import InputError
from painresponse.synth._bundled import default_cohort_path, load_default_cohort
from painresponse.synth._schema import COLUMNS
from painresponse.synth._write import check_destination, write_blocks
from painresponse.synth.scaled import cohort_blocks

__all__ = [
    "COLUMNS",
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
        the others about 41/84 are responders, as in the bundled cohort. Patient ids are
        ``LSGB-0001`` … (more digits when ``n`` ≥ 10,000).

    Raises
    ------
    painresponse.errors.InputError
        When ``n`` or ``seed`` is not a whole number in range.

    Notes
    -----
    Vectorised numpy in blocks of one million rows; block ``b`` uses
    ``numpy.random.default_rng([seed, b])``. Every proportion, mean and SD comes from the
    same group of the bundled cohort (they equal the published ones), and outcome profiles
    are drawn whole from it, so the responder rule holds row by row.

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
