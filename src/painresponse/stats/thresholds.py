"""Anchor-based clinically important change: the ROC (Youden) and mean-change methods.

An *anchor* says which patients improved in a way that matters to them (a patient global
impression of change, an EQ-5D improvement of a stated size). The change in pain that
goes with that improvement is estimated two ways:

* **ROC (Youden)**: the cut-off of the pain change that best separates improved from
  not improved patients, maximising sensitivity + specificity − 1 over the empirical ROC
  curve (:func:`painresponse.stats.diagnostic.roc_curve`, R pROC's thresholds);
* **mean change**: the mean pain change of the improved patients (Jaeschke et al. 1989),
  and the difference of mean change between improved and not improved patients.

Each comes with a percentile bootstrap interval that resamples patients within the
improved and the not improved (stratified, as pROC's ``ci.coords`` by default).
Pure functions on arrays; frozen results with raw floats.

Examples
--------
>>> import numpy as np
>>> change = np.array([0.0, 1, 1, 2, 3, 3, 4, 5, 2, 0])
>>> improved = np.array([False, False, True, False, True, True, True, True, False, False])
>>> res = anchor_thresholds(change, improved, n_boot=200, seed=3)
>>> res.youden.estimate, res.mean_change.estimate
(2.5, 3.2)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import StatisticsError
from painresponse.stats.diagnostic import RocResult, roc_curve

__all__ = [
    "AnchorThresholds",
    "ImportantChange",
    "anchor_thresholds",
    "stratified_resamples",
    "youden_cutoff",
]

#: Youden indices this close to the maximum are ties (as :func:`roc_curve`).
_TIE = 1e-12
#: Resample indices drawn at once are capped at this many numbers.
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class ImportantChange:
    """One estimate of the clinically important change with its bootstrap interval.

    Attributes
    ----------
    method : str
        ``"roc_youden"``, ``"mean_change"`` or ``"mean_difference"``.
    description : str
        What the estimate is, in words.
    estimate, ci_low, ci_high : float
        The estimate (NaN when not estimable) and its percentile bootstrap interval.
    conf_level : float
        Level of the interval.
    n_improved, n_not_improved : int
        Patients in each anchor class.
    n_boot : int
        Bootstrap resamples drawn.
    n_boot_used : int
        Resamples in which the statistic was defined (a Youden cut-off needs a resample
        that separates the classes better than chance).
    seed : int or None
        Seed of the numpy random generator.
    details : Mapping
        Method-specific extras (sensitivity, specificity, tied cut-offs, ...).
    """

    method: str
    description: str
    estimate: float
    ci_low: float
    ci_high: float
    conf_level: float
    n_improved: int
    n_not_improved: int
    n_boot: int
    n_boot_used: int
    seed: int | None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON-friendly values (NaN becomes None)."""

        def plain(v: Any) -> Any:
            if isinstance(v, float) and math.isnan(v):
                return None
            if isinstance(v, tuple | list):
                return [plain(x) for x in v]
            return v

        return {
            "method": self.method,
            "description": self.description,
            "estimate": plain(self.estimate),
            "ci_low": plain(self.ci_low),
            "ci_high": plain(self.ci_high),
            "conf_level": self.conf_level,
            "n_improved": self.n_improved,
            "n_not_improved": self.n_not_improved,
            "n_boot": self.n_boot,
            "n_boot_used": self.n_boot_used,
            "seed": self.seed,
            "details": {k: plain(v) for k, v in self.details.items()},
        }


@dataclass(frozen=True)
class AnchorThresholds:
    """The three estimates of one anchor analysis and the ROC curve behind the first.

    Attributes
    ----------
    youden : ImportantChange
        The Youden-optimal cut-off of the change (``details``: sensitivity, specificity,
        every tied cut-off, the tie rule).
    mean_change : ImportantChange
        Mean change of the improved patients.
    mean_difference : ImportantChange
        Mean change of the improved minus that of the not improved.
    roc : RocResult
        The empirical ROC curve with the AUC and DeLong's interval.
    """

    youden: ImportantChange
    mean_change: ImportantChange
    mean_difference: ImportantChange
    roc: RocResult

    def to_dict(self) -> dict[str, Any]:
        """The estimates and the AUC as plain JSON-friendly values."""
        return {
            "youden": self.youden.to_dict(),
            "mean_change": self.mean_change.to_dict(),
            "mean_difference": self.mean_difference.to_dict(),
            "auc": self.roc.auc,
            "auc_ci": list(self.roc.ci),
        }


def _youden_sorted(cases: NDArray[np.float64], controls: NDArray[np.float64]) -> float:
    """Youden-optimal finite threshold of sorted cases/controls (NaN if none beats chance):
    pROC's thresholds, midpoints between adjacent distinct values; ties by
    :func:`_break_tie`."""
    values = np.unique(np.concatenate((cases, controls)))
    if values.size < 2 or cases.size == 0 or controls.size == 0:
        return math.nan
    cuts = (values[:-1] + values[1:]) / 2
    sensitivity = 1.0 - np.searchsorted(cases, cuts, side="right") / cases.size
    specificity = np.searchsorted(controls, cuts, side="left") / controls.size
    youden = sensitivity + specificity
    best = float(youden.max())
    # The infinite thresholds reach sensitivity + specificity = 1: no better than chance.
    if best <= 1.0 + _TIE:
        return math.nan
    tied = np.flatnonzero(youden >= best - _TIE)
    return float(cuts[_break_tie(sensitivity, specificity, tied)])


def _break_tie(
    sensitivity: NDArray[np.float64], specificity: NDArray[np.float64], tied: NDArray[np.intp]
) -> int:
    """Of Youden-tied thresholds (increasing), the one closest to the top-left corner
    (pROC's ``closest.topleft``), then the lowest."""
    distance = (1.0 - sensitivity[tied]) ** 2 + (1.0 - specificity[tied]) ** 2
    return int(tied[np.flatnonzero(distance <= distance.min() + _TIE)[0]])


def youden_cutoff(change: ArrayLike, improved: ArrayLike) -> float:
    """The Youden-optimal cut-off of ``change`` for ``improved`` (pROC direction ``<``).

    Parameters
    ----------
    change : array_like
        Improvement in the measure per patient (higher = more improvement).
    improved : array_like of bool
        The anchor: True for improved patients.

    Returns
    -------
    float
        The threshold (a midpoint between adjacent distinct changes) that maximises
        sensitivity + specificity − 1 for "improved when change > threshold" (ties: the
        closest to the top-left corner, then the lowest); NaN when no finite threshold
        does better than chance.

    Examples
    --------
    >>> youden_cutoff([0.0, 1, 1, 2, 3, 3, 4], [False, False, True, False, True, True, True])
    2.5
    """
    x = np.asarray(change, dtype=float)
    g = np.asarray(improved, dtype=bool)
    return _youden_sorted(np.sort(x[g]), np.sort(x[~g]))


def stratified_resamples(
    improved: NDArray[np.bool_], n_boot: int, rng: np.random.Generator
) -> Iterator[NDArray[np.intp]]:
    """Patient indices of bootstrap resamples drawn within each anchor class, in chunks.

    Parameters
    ----------
    improved : numpy.ndarray of bool
        The anchor classes.
    n_boot : int
        Resamples in all.
    rng : numpy.random.Generator
        The seeded generator.

    Yields
    ------
    numpy.ndarray of int, shape (chunk, n)
        Each row a resample: as many improved and not improved patients as observed,
        each class drawn with replacement from itself.
    """
    cases = np.flatnonzero(improved)
    controls = np.flatnonzero(~improved)
    n = improved.size
    chunk = max(1, min(n_boot, _CHUNK_CELLS // max(1, n)))
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        yield np.concatenate(
            (
                cases[rng.integers(0, cases.size, size=(size, cases.size))],
                controls[rng.integers(0, controls.size, size=(size, controls.size))],
            ),
            axis=1,
        )
        done += size


def _replicates(
    change: NDArray[np.float64], improved: NDArray[np.bool_], indices: NDArray[np.intp]
) -> NDArray[np.float64]:
    """(Youden cut-off, mean change of improved, mean difference) of each resample (row)."""
    out = np.empty((indices.shape[0], 3))
    x, g = change[indices], improved[indices]
    with np.errstate(invalid="ignore", divide="ignore"):
        improved_mean = np.where(g, x, 0.0).sum(axis=1) / g.sum(axis=1)
        other_mean = np.where(~g, x, 0.0).sum(axis=1) / (~g).sum(axis=1)
    out[:, 1] = improved_mean
    out[:, 2] = improved_mean - other_mean
    for r in range(indices.shape[0]):
        out[r, 0] = _youden_sorted(np.sort(x[r][g[r]]), np.sort(x[r][~g[r]]))
    return out


def _interval(values: NDArray[np.float64], conf_level: float) -> tuple[float, float, int]:
    used = values[~np.isnan(values)]
    if used.size == 0:
        return math.nan, math.nan, 0
    alpha = 1.0 - conf_level
    # numpy's default "linear" quantile is R's quantile(type = 7).
    low, high = np.quantile(used, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high), int(used.size)


def anchor_thresholds(
    change: ArrayLike,
    improved: ArrayLike,
    conf_level: float = 0.95,
    n_boot: int = 2000,
    seed: int | None = 0,
) -> AnchorThresholds:
    """Clinically important change by the ROC (Youden) and mean-change methods.

    Parameters
    ----------
    change : array_like
        Improvement per patient (e.g. baseline − follow-up pain, or its percent of
        baseline; higher = more improvement). Patients with NaN are dropped.
    improved : array_like of bool
        The anchor: True for the patients it calls improved.
    conf_level : float, default 0.95
        Level of the bootstrap intervals (and of DeLong's AUC interval).
    n_boot : int, default 2000
        Stratified bootstrap resamples; 0 skips the intervals (NaN).
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    AnchorThresholds
        Youden cut-off, mean change of the improved, mean difference, and the ROC curve.

    Raises
    ------
    StatisticsError
        When the anchor leaves a class empty (every patient improved, or none).

    Notes
    -----
    Youden: :math:`J(t) = \\mathrm{Se}(t) + \\mathrm{Sp}(t) - 1` with
    :math:`\\mathrm{Se}(t) = P(X > t \\mid \\text{improved})` and
    :math:`\\mathrm{Sp}(t) = P(X < t \\mid \\text{not improved})` over pROC's thresholds
    (midpoints between adjacent distinct values); ties are broken by the distance
    :math:`(1-\\mathrm{Se})^2 + (1-\\mathrm{Sp})^2` to the top-left corner (pROC's
    ``closest.topleft``), then by the lowest threshold (every tied one is in
    ``details["tied_cutoffs"]``), in the point estimate and in each resample alike.
    On an integer scale a cut-off of 1.5 means "an improvement of 2 points or more".
    Mean change: :math:`\\bar X_{\\text{improved}}`; mean difference:
    :math:`\\bar X_{\\text{improved}} - \\bar X_{\\text{not improved}}`.
    Intervals: the :math:`\\alpha/2` and :math:`1-\\alpha/2` quantiles (R's type 7) of the
    statistic over resamples drawn with replacement within each anchor class; resamples
    in which no finite threshold beats chance give no Youden cut-off and are left out
    (``n_boot_used``).

    References
    ----------
    Youden WJ. Index for rating diagnostic tests. *Cancer* 1950;3:32-35.
    Jaeschke R, Singer J, Guyatt GH. Measurement of health status: ascertaining the
    minimal clinically important difference. *Control Clin Trials* 1989;10:407-415.
    Farrar JT, Young JP, LaMoreaux L, Werth JL, Poole RM. Clinical importance of changes
    in chronic pain intensity measured on an 11-point numerical pain rating scale.
    *Pain* 2001;94:149-158.
    Robin X, et al. pROC: an open-source package for R and S+ to analyze and compare ROC
    curves. *BMC Bioinformatics* 2011;12:77.

    Examples
    --------
    >>> res = anchor_thresholds([0.0, 1, 1, 2, 3, 3, 4], [0, 0, 1, 0, 1, 1, 1], n_boot=0)
    >>> res.youden.estimate, round(res.roc.auc, 4), res.mean_difference.estimate
    (2.5, 0.875, 1.75)
    """
    x_all = np.asarray(change, dtype=float).ravel()
    g_all = np.asarray(improved, dtype=bool).ravel()
    if x_all.shape != g_all.shape:
        raise StatisticsError("change and improved must have the same length.")
    keep = ~np.isnan(x_all)
    x, g = x_all[keep], g_all[keep]
    m, k = int(g.sum()), int((~g).sum())
    if m == 0 or k == 0:
        raise StatisticsError(
            f"The anchor puts every patient in one class ({m} improved, {k} not improved): "
            "no threshold separates them."
        )
    roc = roc_curve(x, g, conf_level)
    # Beating chance keeps the infinite thresholds (sensitivity + specificity = 1) out.
    beats_chance = float((roc.sensitivity + roc.specificity).max()) > 1.0 + _TIE
    optimal = np.array(
        [i for i in roc.best if math.isfinite(float(roc.thresholds[i]))], dtype=np.intp
    )
    best = (
        _break_tie(roc.sensitivity, roc.specificity, optimal)
        if optimal.size and beats_chance
        else None
    )
    tied = tuple(float(roc.thresholds[i]) for i in optimal) if best is not None else ()
    cut = math.nan if best is None else float(roc.thresholds[best])
    mean_improved = float(x[g].mean())
    mean_other = float(x[~g].mean())
    boot = np.full((0, 3), np.nan)
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        boot = np.concatenate(
            [_replicates(x, g, idx) for idx in stratified_resamples(g, n_boot, rng)]
        )

    def estimate(
        column: int, method: str, description: str, value: float, details: dict[str, Any]
    ) -> ImportantChange:
        low, high, used = (
            _interval(boot[:, column], conf_level) if n_boot > 0 else (math.nan, math.nan, 0)
        )
        return ImportantChange(
            method, description, value, low, high, conf_level, m, k, n_boot, used, seed, details
        )

    youden_details: dict[str, Any] = {
        "sensitivity": math.nan if best is None else float(roc.sensitivity[best]),
        "specificity": math.nan if best is None else float(roc.specificity[best]),
        "youden_index": math.nan
        if best is None
        else float(roc.sensitivity[best] + roc.specificity[best] - 1.0),
        "tied_cutoffs": tied,
        "rule": (
            "improved when change > cut-off; of tied Youden-optimal cut-offs the closest to "
            "the top-left corner, then the lowest"
        ),
    }
    return AnchorThresholds(
        youden=estimate(
            0, "roc_youden", "Youden-optimal cut-off of the ROC curve", cut, youden_details
        ),
        mean_change=estimate(
            1,
            "mean_change",
            "mean change of the improved patients",
            mean_improved,
            {"sd": float(x[g].std(ddof=1)) if m > 1 else math.nan},
        ),
        mean_difference=estimate(
            2,
            "mean_difference",
            "mean change of the improved minus the not improved",
            mean_improved - mean_other,
            {"mean_not_improved": mean_other},
        ),
        roc=roc,
    )
