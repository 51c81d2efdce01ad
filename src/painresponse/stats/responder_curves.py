"""Cumulative proportion of responders (CPRA) with pointwise bootstrap bands.

A cumulative responder curve gives, for every threshold ``c``, the share of patients
whose reduction is at least ``c``: one minus the empirical distribution function of the
reduction, read from the left. Every responder definition of one outcome (≥ 30 %, ≥ 50 %,
≥ 2 points, ...) is a point of it, so the curve shows them all at once (Farrar et al.
2006). Pure functions on arrays returning frozen results with raw floats.

Examples
--------
>>> import numpy as np
>>> curve = cumulative_responders(np.array([0.0, 25, 50, 50, 100]), np.array([0.0, 50, 100]),
...                               n_boot=200, seed=1)
>>> curve.proportion.tolist()
[1.0, 0.6, 0.2]
>>> curve.n, curve.n_boot
(5, 200)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import StatisticsError

__all__ = [
    "TOLERANCE",
    "CumulativeResponders",
    "bootstrap_counts",
    "cumulative_proportions",
    "cumulative_responders",
]

#: A reduction counts as reaching a threshold when it is at least ``threshold - TOLERANCE``
#: (a percent reduction of 3/6 × 100 may be 49.99999999999999 in floating point).
TOLERANCE = 1e-9
#: Bootstrap replicates drawn at once are capped so that their counts stay below this
#: many numbers (memory stays bounded however many distinct reductions there are).
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class CumulativeResponders:
    """A cumulative responder curve of one sample with its pointwise bootstrap band.

    Attributes
    ----------
    thresholds : numpy.ndarray
        The reductions ``c`` at which the curve is read, increasing.
    proportion : numpy.ndarray
        Share (0–1) of patients with a reduction of at least each threshold.
    ci_low, ci_high : numpy.ndarray
        Pointwise percentile bootstrap interval of each share (NaN without a bootstrap).
    n : int
        Patients with a reduction (non-missing values).
    n_missing : int
        Missing values dropped.
    conf_level : float
        Level of each pointwise interval.
    n_boot : int
        Bootstrap resamples of the patients (0: no band).
    seed : int or None
        Seed of the numpy random generator that drew them.
    method : str
        How the band was computed, in words.
    """

    thresholds: NDArray[np.float64]
    proportion: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    n: int
    n_missing: int
    conf_level: float
    n_boot: int
    seed: int | None
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON-friendly values (NaN becomes None)."""

        def plain(values: NDArray[np.float64]) -> list[float | None]:
            return [None if math.isnan(v) else float(v) for v in values]

        return {
            "thresholds": plain(self.thresholds),
            "proportion": plain(self.proportion),
            "ci_low": plain(self.ci_low),
            "ci_high": plain(self.ci_high),
            "n": self.n,
            "n_missing": self.n_missing,
            "conf_level": self.conf_level,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "method": self.method,
        }


def _clean(values: ArrayLike) -> tuple[NDArray[np.float64], int]:
    array = np.asarray(values, dtype=float).ravel()
    keep = ~np.isnan(array)
    return array[keep], int((~keep).sum())


def _positions(distinct: NDArray[np.float64], thresholds: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index of the first distinct value that reaches each threshold (``len`` if none)."""
    return np.searchsorted(distinct, thresholds - TOLERANCE, side="left")


def _at_least(counts: NDArray[np.int64], positions: NDArray[np.intp]) -> NDArray[np.int64]:
    """Patients reaching each threshold, from counts per distinct value (last axis)."""
    from_top = np.cumsum(counts[..., ::-1], axis=-1)[..., ::-1]
    padded = np.concatenate((from_top, np.zeros((*counts.shape[:-1], 1), np.int64)), axis=-1)
    return np.asarray(padded[..., positions], dtype=np.int64)


def cumulative_proportions(values: ArrayLike, thresholds: ArrayLike) -> NDArray[np.float64]:
    """Share of ``values`` at least each threshold (NaN values dropped; NaN if none left).

    Parameters
    ----------
    values : array_like
        Reductions (percent or points), one per patient.
    thresholds : array_like
        Thresholds ``c``.

    Returns
    -------
    numpy.ndarray
        :math:`\\hat S(c) = \\#\\{i : x_i \\ge c\\} / n` per threshold.

    Examples
    --------
    >>> cumulative_proportions([10.0, 30, 30, 60], [0, 30, 50, 70]).tolist()
    [1.0, 0.75, 0.25, 0.0]
    """
    x, _ = _clean(values)
    cuts = np.asarray(thresholds, dtype=float).ravel()
    if x.size == 0:
        return np.full(cuts.size, np.nan)
    distinct, counts = np.unique(x, return_counts=True)
    return _at_least(counts.astype(np.int64), _positions(distinct, cuts)) / x.size


def bootstrap_counts(
    counts: NDArray[np.int64], n_boot: int, rng: np.random.Generator
) -> Iterator[NDArray[np.int64]]:
    """Resamples of the patients as counts per distinct value, in chunks of replicates.

    Drawing ``n`` patients with replacement puts a multinomial(``n``, ``counts / n``)
    number of them on each distinct value, so the counts are drawn directly: memory
    grows with the number of distinct values, not of patients.

    Parameters
    ----------
    counts : numpy.ndarray of int
        Patients per distinct value.
    n_boot : int
        Resamples in all.
    rng : numpy.random.Generator
        The seeded generator.

    Yields
    ------
    numpy.ndarray of int, shape (chunk, len(counts))
        Counts per distinct value of each resample of the chunk.
    """
    n = int(counts.sum())
    share = counts / n
    chunk = max(1, min(n_boot, _CHUNK_CELLS // max(1, counts.size)))
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        yield np.asarray(rng.multinomial(n, share, size=size), dtype=np.int64)
        done += size


def _percentile_band(
    replicates: NDArray[np.float64], conf_level: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    alpha = 1.0 - conf_level
    # numpy's default "linear" quantile is R's type 7 (quantile()'s default).
    low, high = np.quantile(replicates, [alpha / 2, 1 - alpha / 2], axis=0)
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def _replicate_proportions(
    counts_per_resample: NDArray[np.int64], positions: NDArray[np.intp], n: int
) -> NDArray[np.float64]:
    """Curve of each resample (rows) at the thresholds, from its counts per distinct value."""
    return _at_least(counts_per_resample, positions) / n


def cumulative_responders(
    values: ArrayLike,
    thresholds: ArrayLike,
    conf_level: float = 0.95,
    n_boot: int = 2000,
    seed: int | None = 0,
) -> CumulativeResponders:
    """Cumulative responder curve with a pointwise percentile bootstrap band.

    Parameters
    ----------
    values : array_like
        Reduction per patient (baseline − follow-up, or its percent of baseline); NaN
        values are dropped and counted.
    thresholds : array_like
        Reductions at which to read the curve (e.g. 0, 1, ..., 100 %), increasing.
    conf_level : float, default 0.95
        Level of each pointwise interval.
    n_boot : int, default 2000
        Bootstrap resamples of the patients; 0 skips the band (NaN limits).
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng` (None: not reproducible).

    Returns
    -------
    CumulativeResponders
        The curve, its band and how it was computed.

    Raises
    ------
    StatisticsError
        When no value is left, or the thresholds do not increase.

    Notes
    -----
    :math:`\\hat S(c) = n^{-1} \\sum_i [x_i \\ge c]`. The band resamples patients with
    replacement ``n_boot`` times and takes, at each threshold separately, the
    :math:`\\alpha/2` and :math:`1-\\alpha/2` quantiles (linear interpolation, R's
    ``quantile(type = 7)``) of the resampled shares: a pointwise, not a simultaneous,
    band. Where every patient (or none) reaches a threshold every resample agrees and
    the band has no width; a Wilson interval of the same share does (see the IMMPACT
    table).

    References
    ----------
    Farrar JT, Dworkin RH, Max MB. Use of the cumulative proportion of responders
    analysis graph to present pain data over a range of cut-off points: making clinical
    trial data more understandable. *J Pain Symptom Manage* 2006;31:369-377.
    Efron B, Tibshirani RJ. *An Introduction to the Bootstrap*. Chapman & Hall, 1993,
    ch. 13.

    Examples
    --------
    >>> curve = cumulative_responders([0.0, 20, 40, 60, 80, 100], [0, 50, 100], seed=7)
    >>> curve.proportion.round(3).tolist()
    [1.0, 0.5, 0.167]
    >>> bool((curve.ci_low <= curve.proportion).all() and (curve.proportion <= curve.ci_high).all())
    True
    """
    if not 0.5 < conf_level < 1.0:
        raise StatisticsError(f"conf_level must lie between 0.5 and 1, not {conf_level}.")
    if n_boot < 0:
        raise StatisticsError(f"n_boot must be at least 0, not {n_boot}.")
    x, missing = _clean(values)
    cuts = np.asarray(thresholds, dtype=float).ravel()
    if x.size == 0:
        raise StatisticsError("No patient has a reduction recorded.")
    if cuts.size == 0 or np.any(np.diff(cuts) <= 0):
        raise StatisticsError("The thresholds must be increasing.")
    distinct, counts64 = np.unique(x, return_counts=True)
    counts = counts64.astype(np.int64)
    positions = _positions(distinct, cuts)
    proportion = _at_least(counts, positions) / x.size
    low = high = np.full(cuts.size, np.nan)
    method = "no bootstrap band"
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        replicates = np.concatenate(
            [
                _replicate_proportions(chunk, positions, x.size)
                for chunk in bootstrap_counts(counts, n_boot, rng)
            ]
        )
        low, high = _percentile_band(replicates, conf_level)
        method = (
            f"pointwise percentile bootstrap interval ({n_boot:,} resamples of the patients, "
            f"numpy default_rng seed {seed})"
        )
    return CumulativeResponders(
        thresholds=cuts,
        proportion=np.asarray(proportion, dtype=float),
        ci_low=low,
        ci_high=high,
        n=int(x.size),
        n_missing=missing,
        conf_level=conf_level,
        n_boot=n_boot,
        seed=seed,
        method=method,
    )
