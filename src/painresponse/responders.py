"""Responder rules: who responded to the procedure.

Examples
--------
>>> import polars as pl
>>> from painresponse.study import load_study
>>> study = load_study()
>>> frame = pl.DataFrame({"pain_t0": [8.0, 8.0, 0.0], "pain_t1": [4.0, 5.0, 0.0]})
>>> classify(frame, study).to_list()
['Responder', 'Non-responder', None]
"""

from __future__ import annotations

import polars as pl

from painresponse.study import Study

__all__ = [
    "BASELINE_ZERO_REASON",
    "classify",
    "classify_expr",
    "percent_reduction",
    "responder_change_expr",
]

BASELINE_ZERO_REASON = "baseline score of 0: percent change undefined"


def responder_change_expr(study: Study) -> pl.Expr:
    """The quantity the rule thresholds: percent reduction, absolute reduction or relief.

    Notes
    -----
    percent reduction = (baseline − follow-up) / baseline × 100 (null when baseline is 0);
    absolute reduction = baseline − follow-up.
    """
    rule = study.responder
    outcome = study.outcome(rule.outcome)
    base = pl.col(outcome.raw_columns(rule.baseline)[0])
    follow = pl.col(outcome.raw_columns(rule.follow_up)[0])
    if rule.rule == "percent_reduction":
        return percent_reduction(base, follow)
    if rule.rule == "absolute_reduction":
        return base - follow
    assert rule.relief_column is not None
    return pl.col(rule.relief_column)


def percent_reduction(base: pl.Expr, follow: pl.Expr) -> pl.Expr:
    """(baseline − follow-up) / baseline × 100, null when the baseline is 0 (or missing).

    The one definition of percent change used by the responder rule, the waterfall plot
    (which shows its negative, the percent change) and the responder curves.

    Examples
    --------
    >>> frame = pl.DataFrame({"t0": [8.0, 0.0, 5.0], "t1": [2.0, 1.0, None]})
    >>> frame.select(percent_reduction(pl.col("t0"), pl.col("t1"))).to_series().to_list()
    [75.0, None, None]
    """
    return pl.when(base > 0).then((base - follow) / base * 100.0).otherwise(None)


def classify(frame: pl.DataFrame, study: Study) -> pl.Series:
    """Label each patient (see :func:`classify_expr`), as a Series."""
    return frame.select(classify_expr(study).alias("group")).to_series()


def classify_expr(study: Study) -> pl.Expr:
    """The responder or non-responder label of each patient (null if undefined).

    Parameters
    ----------
    study : Study
        Supplies the rule, threshold and labels.

    Returns
    -------
    polars.Expr
        String labels; null where the rule cannot be applied (missing scores, or a
        baseline of 0 under a percent rule with ``baseline_zero = "exclude"``).

    Notes
    -----
    A patient is a responder when the change reaches the threshold (≥, so exactly 50%
    counts). Comparisons use a 1e-9 tolerance so 4 of 8 is exactly 50%.
    """
    rule = study.responder
    change = responder_change_expr(study)
    yes, no = study.group_labels()
    label = (
        pl.when(change.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(change >= rule.threshold - 1e-9)
        .then(pl.lit(yes))
        .otherwise(pl.lit(no))
    )
    if rule.rule == "percent_reduction" and rule.baseline_zero == "non_responder":
        outcome = study.outcome(rule.outcome)
        base = pl.col(outcome.raw_columns(rule.baseline)[0])
        follow = pl.col(outcome.raw_columns(rule.follow_up)[0])
        label = pl.when((base == 0) & follow.is_not_null()).then(pl.lit(no)).otherwise(label)
    return label
