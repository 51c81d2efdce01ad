"""Numbers behind the figures, from the same frequency tables as the tables.

Computed here, drawn by :mod:`painresponse.render.figures`. Patient-level figures
(trajectories, waterfall) are rebuilt from the joint counts of each outcome: patients
with identical scores are indistinguishable in such plots, and no identifier is needed.
At most ``max_patients`` per group are kept, evenly spaced in sorted order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from painresponse.cohort import GROUP
from painresponse.responders import percent_reduction
from painresponse.stats._distributions import t_ppf
from painresponse.study import Study
from painresponse.tables.aggregate import COUNT, Aggregates
from painresponse.tables.frequencies import Distribution
from painresponse.tables.outcomes import at_time

__all__ = ["FigureData", "OutcomeSummary", "Trajectories", "Waterfall", "figure_data"]


@dataclass(frozen=True)
class OutcomeSummary:
    """One outcome at one time point in one group (for the outcome-over-time figure)."""

    outcome: str
    outcome_label: str
    group: str
    time: str
    time_label: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class Trajectories:
    """Each patient's values of one outcome over the time points (rows are patients).

    No identifiers: row order is arbitrary; ``values`` has NaN where not recorded.
    """

    outcome: str
    outcome_label: str
    group: str
    times: tuple[str, ...]
    time_labels: tuple[str, ...]
    values: np.ndarray


@dataclass(frozen=True)
class Waterfall:
    """Percent change of the responder outcome per patient, sorted, with its group."""

    outcome_label: str
    time_label: str
    percent_change: np.ndarray
    group: tuple[str, ...]
    threshold: float
    rule: str


@dataclass(frozen=True)
class FigureData:
    """Everything the figures draw; computed once, rendered by :mod:`painresponse.render`."""

    group_order: tuple[str, ...]
    summaries: tuple[OutcomeSummary, ...]
    trajectories: tuple[Trajectories, ...]
    waterfall: Waterfall | None


MAX_PATIENTS = 2000


def _summary(dist: Distribution) -> tuple[float, float, float, float, float, float]:
    n = dist.n
    if n == 0:
        return (math.nan,) * 6
    mean = dist.mean()
    half = float(t_ppf(0.975, n - 1) * dist.sd() / math.sqrt(n)) if n > 1 else math.nan
    q1, med, q3 = dist.quartiles()
    return mean, mean - half, mean + half, med, q1, q3


def _thin(matrix: np.ndarray, limit: int) -> np.ndarray:
    if matrix.shape[0] <= limit:
        return matrix
    keep = np.linspace(0, matrix.shape[0] - 1, limit).round().astype(int)
    return matrix[keep]


def _expand(joint: pl.DataFrame, columns: list[str], limit: int) -> np.ndarray:
    """Rows of ``columns`` repeated by their counts, sorted; thinned to ``limit`` rows."""
    if joint.height == 0:
        return np.empty((0, len(columns)))
    ordered = joint.sort(columns, nulls_last=True)
    values = ordered.select(columns).to_numpy().astype(float)
    counts = ordered[COUNT].to_numpy()
    total = int(counts.sum())
    if total <= limit:
        return np.repeat(values, counts, axis=0)
    positions = np.linspace(0, total - 1, limit).round().astype(np.int64)
    index = np.searchsorted(np.cumsum(counts), positions, side="right")
    return values[index]


def figure_data(
    aggregates: Aggregates, study: Study, max_patients: int = MAX_PATIENTS
) -> FigureData:
    """Mean with 95% CI (t) and median with IQR per outcome, group and time; trajectories;
    the waterfall of the responder outcome's percent change."""
    groups = study.group_labels()
    summaries = []
    trajectories = []
    for outcome in study.outcomes:
        joint = aggregates.outcomes[outcome.key]
        times = outcome.time_keys()
        for t in times:
            for g, dist in at_time(joint, t, groups).items():
                mean, lo, hi, med, q1, q3 = _summary(dist)
                summaries.append(
                    OutcomeSummary(
                        outcome.key,
                        outcome.label,
                        g,
                        t,
                        study.time(t).label,
                        dist.n,
                        mean,
                        lo,
                        hi,
                        med,
                        q1,
                        q3,
                    )
                )
        for g in groups:
            matrix = _expand(joint.filter(pl.col(GROUP) == g), times, max_patients)
            trajectories.append(
                Trajectories(
                    outcome.key,
                    outcome.label,
                    g,
                    tuple(times),
                    tuple(study.time(t).label for t in times),
                    matrix,
                )
            )
    return FigureData(
        groups, tuple(summaries), tuple(trajectories), _waterfall(aggregates, study, max_patients)
    )


def _waterfall(aggregates: Aggregates, study: Study, limit: int) -> Waterfall | None:
    rule = study.responder
    if rule.rule != "percent_reduction":
        return None
    outcome = study.outcome(rule.outcome)
    joint = aggregates.outcomes[outcome.key]
    base, follow = pl.col(rule.baseline), pl.col(rule.follow_up)
    pct = joint.filter((base > 0) & follow.is_not_null()).select(
        GROUP, (-percent_reduction(base, follow)).alias("pct"), COUNT
    )
    changes, labels = [], []
    for g in study.group_labels():
        values = _expand(pct.filter(pl.col(GROUP) == g), ["pct"], limit)[:, 0]
        changes.append(values)
        labels += [g] * values.size
    all_changes = np.concatenate(changes) if changes else np.empty(0)
    order = np.argsort(-all_changes, kind="stable")
    return Waterfall(
        outcome_label=outcome.label,
        time_label=study.time(rule.follow_up).label,
        percent_change=all_changes[order],
        group=tuple(labels[i] for i in order),
        threshold=-rule.threshold,
        rule=rule.describe(
            outcome.label, study.time(rule.baseline).label, study.time(rule.follow_up).label
        ),
    )
