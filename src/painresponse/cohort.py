"""Eligibility, follow-up completeness and the flow of patients.

Every input row ends in exactly one place: excluded at eligibility, excluded at the
completeness check, not classified (the responder rule cannot be applied), or in a group.
Each row's place is one lazy expression, counted in one pass, so the flow of a registry
streams like the flow of a clinic's spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from painresponse._engine import engine
from painresponse.flow import Exclusion, Flow
from painresponse.io.validation import ROW
from painresponse.responders import BASELINE_ZERO_REASON, classify_expr
from painresponse.study import Study

__all__ = [
    "GROUP",
    "MAX_LISTED_ROWS",
    "NOT_ANALYSED",
    "Cohort",
    "build_cohort",
    "eligibility_failures",
    "eligible_patients",
]

GROUP = "_group"
NOT_ANALYSED = "_not_analysed"
"""Column of :func:`eligible_patients`: why an eligible patient was not analysed (or null)."""
_STATUS = "_status"
MAX_LISTED_ROWS = 1000
"""Row numbers kept per exclusion reason (the count is always complete)."""


@dataclass(frozen=True)
class Cohort:
    """The analysed patients with their group (lazily), and the flow that led to them."""

    analysed: pl.LazyFrame
    flow: Flow
    streaming: bool = False

    def collect(self) -> pl.DataFrame:
        """The analysed patients in memory."""
        return self.analysed.collect(engine=engine(self.streaming))


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


def _completeness_failures(study: Study) -> list[tuple[str, pl.Expr]]:
    out = []
    comp = study.completeness
    for key in comp.outcomes:
        outcome = study.outcome(key)
        for t in comp.time_points:
            missing = pl.any_horizontal([pl.col(c).is_null() for c in outcome.raw_columns(t)])
            reason = f"{comp.reason}: {outcome.label} at {study.time(t).label} not recorded"
            out.append((reason, missing))
    return out


def _status_expr(study: Study) -> tuple[pl.Expr, dict[str, str]]:
    """Each row's place: an exclusion reason or a group label; and reason -> stage."""
    stages: dict[str, str] = {}
    chain: list[tuple[pl.Expr, str]] = []
    for stage, rules in (
        ("eligibility", eligibility_failures(study)),
        ("completeness", _completeness_failures(study)),
    ):
        for reason, fails in rules:
            stages.setdefault(reason, stage)
            chain.append((fails, reason))
    rule = study.responder
    base = pl.col(study.outcome(rule.outcome).raw_columns(rule.baseline)[0])
    group = classify_expr(study)
    unclassified = "responder rule cannot be applied: score not recorded"
    stages[BASELINE_ZERO_REASON] = "classification"
    stages[unclassified] = "classification"
    expr: pl.Expr = (
        pl.when(group.is_not_null())
        .then(group)
        .when(base == 0)
        .then(pl.lit(BASELINE_ZERO_REASON))
        .otherwise(pl.lit(unclassified))
    )
    for fails, reason in reversed(chain):
        expr = pl.when(fails).then(pl.lit(reason)).otherwise(expr)
    return expr, stages


def build_cohort(
    frame: pl.LazyFrame | pl.DataFrame, study: Study, streaming: bool = False
) -> Cohort:
    """Apply eligibility, completeness and the responder rule; account for every row.

    Parameters
    ----------
    frame : polars.LazyFrame or DataFrame
        Validated, typed data with the ``_row`` column.
    study : Study
        The study definition.
    streaming : bool
        Use polars' streaming engine (large inputs).

    Returns
    -------
    Cohort
        ``analysed`` has a ``_group`` column; ``flow`` counts every exclusion by reason
        (a patient is counted once, under the first reason that applies, in the order
        eligibility rules, then completeness, then classification).
    """
    status, stages = _status_expr(study)
    lazy = frame.lazy().with_columns(status.alias(_STATUS))
    run_on = engine(streaming)
    labels = list(study.group_labels())
    # One pass: each status's count and, for exclusions only, its first MAX_LISTED_ROWS
    # row numbers (a group's list is empty: its rows are all kept or none).
    excluded = ~pl.col(_STATUS).is_in(labels)
    counts = (
        lazy.group_by(_STATUS)
        .agg(
            pl.len().alias("n"),
            pl.col(ROW).filter(excluded).bottom_k(MAX_LISTED_ROWS).sort().alias("rows"),
        )
        .collect(engine=run_on)
    )
    found = {s: (int(n), tuple(int(r) for r in rows)) for s, n, rows in counts.iter_rows()}
    exclusions = [
        Exclusion(stages[reason], reason, *found[reason])  # type: ignore[arg-type]
        for reason in stages
        if reason in found
    ]
    groups = tuple((g, found.get(g, (0, ()))[0]) for g in study.group_labels())
    assessed = sum(n for n, _ in found.values())
    flow = Flow(assessed=assessed, exclusions=tuple(exclusions), groups=groups)
    if flow.excluded + flow.analysed != flow.assessed:
        unknown = sorted(set(found) - set(stages) - set(study.group_labels()))
        raise AssertionError(f"rows unaccounted for in the flow: {unknown}")
    analysed = lazy.filter(pl.col(_STATUS).is_in(list(study.group_labels()))).rename(
        {_STATUS: GROUP}
    )
    return Cohort(analysed=analysed, flow=flow, streaming=streaming)


def eligible_patients(
    frame: pl.LazyFrame | pl.DataFrame, study: Study, streaming: bool = False
) -> pl.DataFrame:
    """Every patient who passed eligibility, analysed or not, with the reason if not.

    The analysed patients of :func:`build_cohort` plus those excluded after eligibility
    (follow-up not recorded, a baseline of 0, a score the responder rule needs not
    recorded): the population of the dropout sensitivity analysis (Table S9).

    Parameters
    ----------
    frame : polars.LazyFrame or DataFrame
        Validated, typed data with the ``_row`` column (as given to :func:`build_cohort`).
    study : Study
        The study definition.
    streaming : bool
        Use polars' streaming engine (large inputs).

    Returns
    -------
    polars.DataFrame
        The input columns of the eligible patients (input order) and two more:
        ``_group`` (:data:`GROUP`), the label the responder rule gives where it can be
        applied (also for a patient excluded at the completeness check whose rule's
        scores are recorded), null where it cannot; and ``_not_analysed``
        (:data:`NOT_ANALYSED`), null for an analysed patient, else the flow's exclusion
        reason (the first that applies, as in :func:`build_cohort`).

    Examples
    --------
    >>> from painresponse.io.readers import read_table
    >>> from painresponse.io.validation import validate
    >>> from painresponse.study import load_study
    >>> from painresponse.synth import default_cohort_path
    >>> study = load_study()
    >>> eligible = eligible_patients(validate(read_table(default_cohort_path()), study), study)
    >>> eligible.height, eligible[NOT_ANALYSED].null_count()
    (87, 84)
    """
    status, stages = _status_expr(study)
    failed_eligibility = [r for r, stage in stages.items() if stage == "eligibility"]
    labels = list(study.group_labels())
    return (
        frame.lazy()
        .with_columns(status.alias(_STATUS))
        .filter(~pl.col(_STATUS).is_in(failed_eligibility))
        .with_columns(
            classify_expr(study).alias(GROUP),
            pl.when(pl.col(_STATUS).is_in(labels))
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(pl.col(_STATUS))
            .alias(NOT_ANALYSED),
        )
        .drop(_STATUS)
        .collect(engine=engine(streaming))
    )
