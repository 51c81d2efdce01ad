"""ROC analysis of the paper's open question: which pain change goes with better quality of life?

The predictor is the pain reduction from baseline to a follow-up (``baseline − follow-up``,
higher = more relief); the reference is an improvement in EQ-5D between the same times
(level sum decrease ≥ ``roc_level_sum_mid``, default one level, or index increase ≥
``roc_index_mid``). AUC with DeLong's interval (R ``pROC::ci.auc(method = "delong")``) and
the Youden-optimal cut-off (``pROC::coords(best.method = "youden")``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

from painresponse._words import counted
from painresponse.extended._data import Analysed, is_eq5d
from painresponse.extended._tables import make_row, note_cell
from painresponse.extended.cells import EstimateCI, Number
from painresponse.tables.model import Column, Footnote, Row, Table, Text

__all__ = ["RocResult", "delong_auc", "roc_curve", "roc_table"]

KEY = "table11_roc"


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
    z = float(sps.norm.ppf(0.5 + conf_level / 2))
    youden = sens + spec
    best = tuple(
        int(i) for i in np.flatnonzero(np.isclose(youden, youden.max(), rtol=0, atol=1e-12))
    )
    ci = (max(0.0, auc - z * se), min(1.0, auc + z * se))
    return RocResult(thresholds, sens, spec, auc, se, ci, best, int(cases.size), int(controls.size))


def roc_table(data: Analysed) -> tuple[Table, RocResult | None, list[str]]:
    """ROC of pain reduction for EQ-5D improvement: AUC (DeLong CI) and Youden cut-off.

    Returns
    -------
    table : Table
        Key ``"table11_roc"``: rows for the anchor, the numbers of patients, the AUC and
        each Youden-optimal cut-off with its sensitivity and specificity.
    roc : RocResult or None
        For the figure (None when it cannot be computed; ``messages`` says why).
    messages : list of str
        Why nothing was computed, or choices the reader must know.
    """
    opts = data.options
    rule = data.study.responder
    pain = data.study.outcome(rule.outcome)
    time = opts.roc_time or rule.follow_up
    base = rule.baseline
    messages: list[str] = []
    eq5d = next((o for o in data.study.outcomes if is_eq5d(o)), None)

    def fail(msg: str) -> tuple[Table, None, list[str]]:
        row = make_row("roc", "ROC analysis", None, "single", {"value": note_cell(msg)})
        return Table(KEY, "S6", "ROC analysis.", (Column("value", "Value"),), (row,)), None, [msg]

    if eq5d is None:
        return fail(
            "No EQ-5D-5L outcome in the study: no quality-of-life anchor for the ROC analysis."
        )
    if time not in pain.time_keys() or time not in eq5d.time_keys():
        return fail(f"ROC time point {time!r} is not recorded for both outcomes.")
    predictor = data.values(pain, base) - data.values(pain, time)
    anchor = opts.roc_anchor
    if anchor == "index" and opts.roc_index_mid is None:
        messages.append(
            "roc_anchor = 'index' needs roc_index_mid (no Korean EQ-5D-5L MID is bundled); "
            "the level-sum anchor is used instead."
        )
        anchor = "level_sum"
    if anchor == "index":
        vs = opts.eq5d_value_set
        assert opts.roc_index_mid is not None
        change = data.values(eq5d, time, f"index:{vs}") - data.values(eq5d, base, f"index:{vs}")
        improved = change >= opts.roc_index_mid - 1e-12
        ref_label = f"EQ-5D index ({vs}) increase ≥ {opts.roc_index_mid:g}"
    else:
        change = data.values(eq5d, time, "level_sum") - data.values(eq5d, base, "level_sum")
        improved = change <= -opts.roc_level_sum_mid + 1e-12
        points = "point" if opts.roc_level_sum_mid == 1 else "points"
        ref_label = f"EQ-5D level sum decrease ≥ {opts.roc_level_sum_mid:g} {points}"
    ok = ~(np.isnan(predictor) | np.isnan(change))
    if ok.sum() < len(predictor):
        lacking = counted(int((~ok).sum()), "patient")
        messages.append(f"ROC: {lacking} without both scores left out.")
    predictor, improved = predictor[ok], improved[ok]
    if improved.all() or not improved.any():
        return fail(f"ROC: every patient is in one class ({ref_label}); no ROC curve.")
    res = roc_curve(predictor, improved, opts.conf_level)
    t_label, b_label = data.time_label(time), data.time_label(base)
    pred_label = f"{pain.label} reduction {b_label}→{t_label}"
    res = RocResult(
        **{
            **res.__dict__,
            "predictor_label": pred_label,
            "reference_label": f"{ref_label}, {b_label}→{t_label}",
        }
    )

    def quantity(label: str, value: object) -> Row:
        # The table is about the ROC analysis as a whole, so each row names only its quantity.
        return make_row("roc", label, None, "single", {"value": value})

    rows = [
        quantity("Predictor", Text(pred_label)),
        quantity("Improvement in quality of life", Text(f"{ref_label}, {b_label}→{t_label}")),
        quantity("Patients improved", Number(res.n_cases, 0)),
        quantity("Patients not improved", Number(res.n_controls, 0)),
        quantity(
            f"AUC ({opts.conf_level:.0%} CI)",
            EstimateCI(
                res.auc,
                res.ci[0],
                res.ci[1],
                3,
                opts.conf_level,
                "area under the ROC curve",
                "DeLong interval",
                res.n_cases + res.n_controls,
            ),
        ),
    ]
    for k, i in enumerate(res.best, start=1):
        tie = f" {k} of {len(res.best)}" if len(res.best) > 1 else ""
        rows += [
            quantity(
                f"Youden-optimal cut-off{tie} (reduction above)",
                Number(float(res.thresholds[i]), 1),
            ),
            quantity(f"Sensitivity at cut-off{tie}", Number(float(res.sensitivity[i]), 3)),
            quantity(f"Specificity at cut-off{tie}", Number(float(res.specificity[i]), 3)),
        ]
    notes = (
        Footnote(
            "",
            "Empirical ROC curve; AUC, area under the curve, with DeLong's "
            f"{opts.conf_level:.0%} interval (as R pROC "
            "ci.auc(method = 'delong')); the Youden index (sensitivity + specificity − 1) "
            "picks the cut-off, a midpoint between observed pain reductions.",
        ),
    )
    table = Table(
        KEY,
        "S6",
        "Pain reduction as a marker of improved quality of life (ROC analysis).",
        (Column("value", "Value"),),
        tuple(rows),
        notes,
    )
    return table, res, messages
