"""ROC analysis of the paper's open question: which pain change goes with better quality of life?

The predictor is the pain reduction from baseline to a follow-up (``baseline − follow-up``,
higher = more relief); the reference is an improvement in EQ-5D between the same times
(level sum decrease ≥ ``roc_level_sum_mid``, default one level, or index increase ≥
``roc_index_mid``). AUC with DeLong's interval (R ``pROC::ci.auc(method = "delong")``) and
the Youden-optimal cut-off (``pROC::coords(best.method = "youden")``).
"""

from __future__ import annotations

import numpy as np

from painresponse._words import counted
from painresponse.stats.diagnostic import RocResult, roc_curve
from painresponse.tables.model import Column, EstimateCI, Footnote, Number, Row, Table, Text
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed, is_eq5d
from painresponse.tables.supplementary._rows import make_row, note_cell
from painresponse.tables.supplementary.anchor import eq5d_improvement

__all__ = ["roc_table"]

SPEC = table_spec("S6")
KEY = SPEC.key


def roc_table(data: Analysed) -> tuple[Table, RocResult | None, list[str]]:
    """ROC of pain reduction for EQ-5D improvement: AUC (DeLong CI) and Youden cut-off.

    Returns
    -------
    table : Table
        Key ``"tableS6_roc"``: rows for the anchor, the numbers of patients, the AUC and
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
        return (
            Table(KEY, SPEC.number, "ROC analysis.", (Column("value", "Value"),), (row,)),
            None,
            [msg],
        )

    if eq5d is None:
        return fail(
            "No EQ-5D-5L outcome in the study: no quality-of-life anchor for the ROC analysis."
        )
    if time not in pain.time_keys() or time not in eq5d.time_keys():
        return fail(f"ROC time point {time!r} is not recorded for both outcomes.")
    predictor = data.values(pain, base) - data.values(pain, time)
    definition = eq5d_improvement(data, base, time)
    if isinstance(definition, str):
        return fail(f"ROC: {definition}")
    messages += definition.messages
    anchor, ref_label = definition.improved, definition.criterion
    improved = anchor == 1.0
    ok = ~(np.isnan(predictor) | np.isnan(anchor))
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
        SPEC.number,
        SPEC.title,
        (Column("value", "Value"),),
        tuple(rows),
        notes,
    )
    return table, res, messages
