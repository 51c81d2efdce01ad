"""Diagnostic accuracy and agreement: ROC curves with DeLong's AUC interval, Cohen's kappa.

Pure functions on arrays returning raw numbers; the ROC table of the supplementary analyses
(:mod:`painresponse.tables.supplementary.roc`) and the agreement block of the responder-rate
table use them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

__all__ = ["RocResult", "cohen_kappa", "delong_auc", "roc_curve"]


@dataclass(frozen=True)
class RocResult:
    """An empirical ROC curve with its AUC, DeLong interval and Youden point(s).

    Attributes
    ----------
    thresholds, sensitivity, specificity : numpy.ndarray
        pROC's thresholds (−inf, midpoints between distinct predictor values, +inf) and
        the sensitivity / specificity of "case when predictor > threshold".
    auc, auc_se : float
        Area under the curve and DeLong's standard error.
    ci : tuple of float
        DeLong interval, clipped to [0, 1].
    best : tuple of int
        Indices of the Youden-optimal thresholds (all ties).
    n_cases, n_controls : int
        Patients with and without the reference improvement.
    predictor_label, reference_label : str
        What was predicted from what, in words.
    """

    thresholds: NDArray[np.float64]
    sensitivity: NDArray[np.float64]
    specificity: NDArray[np.float64]
    auc: float
    auc_se: float
    ci: tuple[float, float]
    best: tuple[int, ...]
    n_cases: int
    n_controls: int
    predictor_label: str = ""
    reference_label: str = ""


def delong_auc(cases: NDArray[np.float64], controls: NDArray[np.float64]) -> tuple[float, float]:
    """AUC (Mann–Whitney) and DeLong's standard error.

    Notes
    -----
    With :math:`\\psi(x, y) = [x > y] + [x = y]/2`, :math:`V_{10}(x_i) = \\bar\\psi(x_i, \\cdot)`,
    :math:`V_{01}(y_j) = \\bar\\psi(\\cdot, y_j)`:
    :math:`\\mathrm{Var} = s^2(V_{10})/m + s^2(V_{01})/n`.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing the areas under two or more
    correlated receiver operating characteristic curves. *Biometrics* 1988;44:837-845.

    Examples
    --------
    >>> auc, se = delong_auc(np.array([2.0, 3, 4]), np.array([0.0, 1, 3]))
    >>> round(auc, 4)
    0.8333
    """
    psi = (cases[:, None] > controls[None, :]) + 0.5 * (cases[:, None] == controls[None, :])
    auc = float(psi.mean())
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    var = 0.0
    if cases.size > 1:
        var += float(v10.var(ddof=1)) / cases.size
    if controls.size > 1:
        var += float(v01.var(ddof=1)) / controls.size
    return auc, math.sqrt(var)


def roc_curve(
    predictor: NDArray[np.float64], reference: NDArray[np.bool_], conf_level: float = 0.95
) -> RocResult:
    """Empirical ROC of ``predictor`` for ``reference`` (True = case), pROC direction ``"<"``.

    Examples
    --------
    >>> res = roc_curve(np.array([0.0, 1, 1, 2, 3, 3, 4]),
    ...                 np.array([False, False, True, False, True, True, True]))
    >>> float(res.thresholds[res.best[0]]), round(res.auc, 4)
    (2.5, 0.875)
    """
    cases, controls = predictor[reference], predictor[~reference]
    distinct = np.unique(predictor)
    thresholds = np.concatenate(([-np.inf], (distinct[:-1] + distinct[1:]) / 2, [np.inf]))
    sens = np.array([(cases > t).mean() for t in thresholds])
    spec = np.array([(controls < t).mean() for t in thresholds])
    auc, se = delong_auc(cases, controls)
    z = float(ndtri(0.5 + conf_level / 2))
    youden = sens + spec
    best = tuple(
        int(i) for i in np.flatnonzero(np.isclose(youden, youden.max(), rtol=0, atol=1e-12))
    )
    ci = (max(0.0, auc - z * se), min(1.0, auc + z * se))
    return RocResult(thresholds, sens, spec, auc, se, ci, best, int(cases.size), int(controls.size))


def cohen_kappa(
    table: NDArray[np.float64], conf_level: float = 0.95
) -> tuple[float, float, tuple[float, float]]:
    """Cohen's kappa of a square agreement table, its large-sample SE and Wald interval.

    Notes
    -----
    SE from Fleiss, Cohen & Everitt (1969), not assuming kappa = 0:
    :math:`\\mathrm{Var} = [\\sum_i p_{ii}(1 - (p_{i\\cdot} + p_{\\cdot i})(1-\\kappa))^2
    + (1-\\kappa)^2 \\sum_{i \\ne j} p_{ij}(p_{\\cdot i} + p_{j\\cdot})^2
    - (\\kappa - p_e(1-\\kappa))^2] / (n (1 - p_e)^2)`.

    References
    ----------
    Fleiss JL, Cohen J, Everitt BS. Large sample standard errors of kappa and weighted
    kappa. *Psychol Bull* 1969;72:323-327.

    Examples
    --------
    >>> k, se, ci = cohen_kappa(np.array([[20.0, 5.0], [10.0, 15.0]]))
    >>> round(k, 4), round(se, 4)
    (0.4, 0.127)
    """
    n = float(table.sum())
    if n == 0:
        return math.nan, math.nan, (math.nan, math.nan)
    p = table / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pe = float(np.trace(p)), float(rows @ cols)
    if pe >= 1.0:
        return math.nan, math.nan, (math.nan, math.nan)
    kappa = (po - pe) / (1 - pe)
    k = table.shape[0]
    term1 = sum(p[i, i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(k))
    term2 = (1 - kappa) ** 2 * sum(
        p[i, j] * (cols[i] + rows[j]) ** 2 for i in range(k) for j in range(k) if i != j
    )
    var = (term1 + term2 - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(var, 0.0))
    z = float(ndtri(0.5 + conf_level / 2))
    return kappa, se, (kappa - z * se, kappa + z * se)
