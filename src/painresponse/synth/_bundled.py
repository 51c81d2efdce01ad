"""The bundled default cohort: its path and its reader."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from painresponse.errors import InputError
from painresponse.synth._schema import SCHEMA

__all__ = ["default_cohort_path", "load_default_cohort"]


def default_cohort_path() -> Path:
    """Path of the bundled default cohort CSV.

    Returns
    -------
    Path
        ``painresponse/data/lsgb_fbss_cohort.csv`` inside the installed package.

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
        87 patients calibrated to Tables 1–5 of the published study: 3 without T1/T4
        scores; of the other 84, 41 are responders (``pain_t1 ≤ pain_t0 / 2``).

    Raises
    ------
    painresponse.errors.InputError
        When the bundled file cannot be read.

    Notes
    -----
    The file is made by the maintenance tool ``scripts/make_default_cohort.py``
    (``tools/synth_calibration/``); ``docs/calibration.md`` compares it with every
    published figure.

    Examples
    --------
    >>> cohort = load_default_cohort()
    >>> cohort.shape, cohort.columns[:3]
    ((87, 37), ['patient_id', 'age', 'sex'])
    >>> followed = cohort.filter(pl.col("pain_t1").is_not_null())
    >>> followed.height, int((2 * followed["pain_t1"] <= followed["pain_t0"]).sum())
    (84, 41)
    """
    path = default_cohort_path()
    try:
        return pl.read_csv(path, schema=SCHEMA, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"The bundled cohort {path} cannot be read: {exc}.") from exc
