"""Numbers behind the figures (computed here, drawn by :mod:`painresponse.render.figures`)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy import stats as sps

from painresponse.cohort import GROUP
from painresponse.responders import responder_change_expr
from painresponse.result import FigureData, OutcomeSummary, Trajectories, Waterfall
from painresponse.study import Study
from painresponse.tables.outcomes import outcome_values
from painresponse.tables.summaries import sas_quartiles

__all__ = ["figure_data"]


def _summary(values: np.ndarray) -> tuple[int, float, float, float, float, float, float]:
    x = values[~np.isnan(values)]
    n = int(x.size)
    if n == 0:
        nan = math.nan
        return 0, nan, nan, nan, nan, nan, nan
    mean = float(x.mean())
    if n > 1:
        half = float(sps.t.ppf(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    else:
        half = math.nan
    q1, med, q3 = sas_quartiles(x)
    return n, mean, mean - half, mean + half, med, q1, q3


def figure_data(analysed: pl.DataFrame, study: Study) -> FigureData:
    """Mean with 95% CI (t) and median with IQR per outcome, group and time; trajectories;
    the waterfall of the responder outcome's percent change."""
    groups = study.group_labels()
    summaries = []
    trajectories = []
    for outcome in study.outcomes:
        times = outcome.time_keys()
        for g in groups:
            sub = analysed.filter(pl.col(GROUP) == g)
            columns = []
            for t in times:
                v = outcome_values(sub, outcome, t)
                columns.append(v)
                n, mean, lo, hi, med, q1, q3 = _summary(v)
                summaries.append(
                    OutcomeSummary(
                        outcome.key, outcome.label, g, t, study.time(t).label,
                        n, mean, lo, hi, med, q1, q3,
                    )
                )
            matrix = np.column_stack(columns) if columns else np.empty((0, 0))
            trajectories.append(
                Trajectories(
                    outcome.key, outcome.label, g, tuple(times),
                    tuple(study.time(t).label for t in times), matrix,
                )
            )
    rule = study.responder
    waterfall = None
    if rule.rule == "percent_reduction":
        change = analysed.select(
            (-responder_change_expr(study)).alias("pct"), pl.col(GROUP)
        ).drop_nulls("pct").sort("pct", descending=True)
        waterfall = Waterfall(
            outcome_label=study.outcome(rule.outcome).label,
            time_label=study.time(rule.follow_up).label,
            percent_change=change["pct"].to_numpy().astype(float),
            group=tuple(change[GROUP].to_list()),
            threshold=-rule.threshold,
            rule=rule.describe(
                study.outcome(rule.outcome).label,
                study.time(rule.baseline).label,
                study.time(rule.follow_up).label,
            ),
        )
    return FigureData(groups, tuple(summaries), tuple(trajectories), waterfall)
