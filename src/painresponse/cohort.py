"""Eligibility, follow-up completeness and the flow of patients.

Every input row ends in exactly one place: excluded at eligibility, excluded at the
completeness check, not classified (the responder rule cannot be applied), or in a group.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from painresponse.flow import Exclusion, Flow
from painresponse.io.validate import ROW
from painresponse.responders import BASELINE_ZERO_REASON, classify
from painresponse.study import Study

__all__ = ["Cohort", "GROUP", "build_cohort", "eligibility_failures"]

GROUP = "_group"


@dataclass(frozen=True)
class Cohort:
    """The analysed patients with their group, and the flow that led to them."""

    analysed: pl.DataFrame
    flow: Flow


def eligibility_failures(study: Study) -> list[tuple[str, pl.Expr]]:
    """One (reason, failing-row expression) per eligibility rule."""
    out = []
    for rule in study.eligibility:
        col = pl.col(rule.column)
        fails = pl.lit(False)
        if rule.not_empty:
            fails = fails | col.is_null()
        if rule.min is not None:
            fails = fails | (col.is_not_null() & (col < rule.min))
        if rule.max is not None:
            fails = fails | (col.is_not_null() & (col > rule.max))
        if rule.allowed:
            fails = fails | (col.is_not_null() & ~col.cast(pl.String).is_in(rule.allowed))
        out.append((rule.reason, fails))
    return out


def _missing_reason(study: Study) -> list[tuple[str, pl.Expr]]:
    out = []
    comp = study.completeness
    for key in comp.outcomes:
        outcome = study.outcome(key)
        for t in comp.time_points:
            cols = outcome.raw_columns(t)
            missing = pl.any_horizontal([pl.col(c).is_null() for c in cols])
            label = study.time(t).label
            out.append((f"{comp.reason}: {outcome.label} at {label} not recorded", missing))
    return out


def build_cohort(frame: pl.DataFrame, study: Study) -> Cohort:
    """Apply eligibility, completeness and the responder rule; account for every row.

    Parameters
    ----------
    frame : polars.DataFrame
        Validated, typed data with the ``_row`` column.
    study : Study
        The study definition.

    Returns
    -------
    Cohort
        ``analysed`` has a ``_group`` column; ``flow`` counts every exclusion by reason
        (a patient is counted once, under the first reason that applies).
    """
    exclusions: list[Exclusion] = []
    remaining = frame
    stages: list[tuple[str, list[tuple[str, pl.Expr]]]] = [
        ("eligibility", eligibility_failures(study)),
        ("completeness", _missing_reason(study)),
    ]
    for stage, rules in stages:
        for reason, fails in rules:
            hit = remaining.filter(fails)
            if hit.height:
                rows = tuple(int(r) for r in hit[ROW].to_list())
                exclusions.append(Exclusion(stage, reason, hit.height, rows))  # type: ignore[arg-type]
                remaining = remaining.filter(~fails)
    groups = classify(remaining, study)
    remaining = remaining.with_columns(groups.alias(GROUP))
    unclassified = remaining.filter(pl.col(GROUP).is_null())
    if unclassified.height:
        rule = study.responder
        outcome = study.outcome(rule.outcome)
        base = outcome.raw_columns(rule.baseline)[0]
        zero = unclassified.filter(pl.col(base) == 0)
        other = unclassified.filter(pl.col(base) != 0)
        if zero.height:
            rows = tuple(int(r) for r in zero[ROW].to_list())
            exclusions.append(Exclusion("classification", BASELINE_ZERO_REASON, zero.height, rows))
        if other.height:
            rows = tuple(int(r) for r in other[ROW].to_list())
            reason = "responder rule cannot be applied: score not recorded"
            exclusions.append(Exclusion("classification", reason, other.height, rows))
        remaining = remaining.filter(pl.col(GROUP).is_not_null())
    counts = []
    for label in study.group_labels():
        counts.append((label, int((remaining[GROUP] == label).sum())))
    flow = Flow(assessed=frame.height, exclusions=tuple(exclusions), groups=tuple(counts))
    assert flow.excluded + flow.analysed == flow.assessed
    return Cohort(analysed=remaining, flow=flow)
