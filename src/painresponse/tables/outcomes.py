"""Outcome rows from the joint frequency table of each outcome's time points.

- Table 3: each time point, by group, compared between groups;
- Table 4: within each group, later vs. earlier (patients with both recorded), signed-rank;
- Table 5: change scores (later − earlier), by group, compared with the rank-sum test.
"""

from __future__ import annotations

import polars as pl

from painresponse.cohort import GROUP
from painresponse.study import Outcome, Study
from painresponse.tables.aggregate import COUNT, Aggregates
from painresponse.tables.circularity import guard
from painresponse.tables.effects import EFFECT, between_effect, paired_effect
from painresponse.tables.frequencies import Distribution, distributions_by_group
from painresponse.tables.missingness import with_n_shown
from painresponse.tables.model import Cell, Comparison, Row
from painresponse.tables.summaries import summarise
from painresponse.tables.tests_run import between_groups_numeric, within_group_paired

__all__ = ["at_time", "between_time_rows", "change_rows", "paired", "within_group_rows"]


def at_time(joint: pl.DataFrame, time: str, groups: tuple[str, ...]) -> dict[str, Distribution]:
    """Per group, the distribution of the outcome at ``time`` (from its joint counts)."""
    counts = joint.group_by(GROUP, time).agg(pl.col(COUNT).sum())
    return distributions_by_group(counts, time, GROUP, COUNT, groups)


def paired(
    joint: pl.DataFrame, later: str, earlier: str, groups: tuple[str, ...]
) -> dict[str, tuple[Distribution, Distribution, Distribution]]:
    """Per group: (later, earlier, later − earlier) among patients with both recorded.

    The difference's ``n_missing`` counts the patients lacking either score.
    """
    both = pl.col(later).is_not_null() & pl.col(earlier).is_not_null()
    out = {}
    for g in groups:
        sub = joint.filter(pl.col(GROUP) == g)
        complete = sub.filter(both)
        lacking = int(sub.filter(~both)[COUNT].sum())
        w = complete[COUNT].to_numpy()
        a = complete[later].to_numpy()
        b = complete[earlier].to_numpy()
        out[g] = (
            Distribution.from_counts(a, w),
            Distribution.from_counts(b, w),
            Distribution.from_counts(a - b, w, lacking),
        )
    return out


def between_time_rows(aggregates: Aggregates, study: Study, effects: bool = False) -> list[Row]:
    """Table 3: each outcome at each time point, summarised by group, compared between them.

    ``effects`` adds the between-group difference with its 95% CI: the Hodges–Lehmann
    shift (the difference in means for an outcome declared normal).
    """
    rows: list[Row] = []
    groups = study.group_labels()
    style = study.analysis.outcome_display_between
    for outcome in study.outcomes:
        joint = aggregates.outcomes[outcome.key]
        rows.append(Row(outcome.key, outcome.label, None, "header", {}))
        for t in outcome.time_keys():
            dists = at_time(joint, t, groups)
            first, second = (dists[g] for g in groups)
            recorded = {"overall": first.n + second.n} | {f"group:{g}": dists[g].n for g in groups}
            cells: dict[str, Cell] = {
                "overall": summarise(first.merged(second), style, outcome.digits)
            }
            for g in groups:
                cells[f"group:{g}"] = summarise(dists[g], style, outcome.digits)
            cells = _n_shown(cells, aggregates, study)
            if effects:
                cells[EFFECT] = between_effect(first, second, style, study, None, outcome.digits)
            test = between_groups_numeric(first, second, outcome.kind, study, None)
            cells["p"] = guard(test, study, outcome.key, (t,))
            rows.append(
                Row(outcome.key, outcome.label, study.time(t).label, "level", cells, recorded)
            )
    return rows


def _n_shown(cells: dict[str, Cell], aggregates: Aggregates, study: Study) -> dict[str, Cell]:
    """Summaries marked to show their n where the study's ``missing`` policy asks."""
    sizes = {"overall": aggregates.total}
    sizes |= {f"group:{g}": n for g, n in aggregates.group_sizes.items()}
    policy = study.analysis.missing
    return {k: with_n_shown(c, sizes.get(k), policy) if k in sizes else c for k, c in cells.items()}


def _label(study: Study, later: str, earlier: str, sep: str) -> str:
    return f"{study.time(later).label}{sep}{study.time(earlier).label}"


def _outcome_pairs(outcome: Outcome, study: Study) -> list[tuple[str, str]]:
    have = set(outcome.time_keys())
    return [(a, b) for a, b in study.comparisons() if a in have and b in have]


def within_group_rows(aggregates: Aggregates, study: Study, effects: bool = False) -> list[Row]:
    """Table 4: within each group, later vs. earlier, median (IQR), signed-rank p.

    ``effects`` adds, per group, the Hodges–Lehmann pseudo-median of later − earlier.
    """
    rows: list[Row] = []
    groups = study.group_labels()
    for outcome in study.outcomes:
        joint = aggregates.outcomes[outcome.key]
        rows.append(Row(outcome.key, outcome.label, None, "header", {}))
        for later, earlier in _outcome_pairs(outcome, study):
            cells: dict[str, Cell] = {}
            pairs: dict[str, int] = {}
            for g, (a, b, d) in paired(joint, later, earlier, groups).items():
                pairs[f"group:{g}"] = d.n
                cells[f"group:{g}"] = Comparison(
                    summarise(a, "median_iqr", outcome.digits),
                    summarise(b, "median_iqr", outcome.digits),
                )
                test = within_group_paired(d, study)
                cells[f"p:{g}"] = guard(test, study, outcome.key, (later, earlier))
                if effects:
                    cells[f"{EFFECT}:{g}"] = paired_effect(d, outcome.digits, study)
            cells = _n_shown(cells, aggregates, study)
            label = _label(study, later, earlier, " vs. ")
            rows.append(Row(outcome.key, outcome.label, label, "level", cells, pairs))
    return rows


def change_rows(aggregates: Aggregates, study: Study, effects: bool = False) -> list[Row]:
    """Table 5: change scores (later − earlier), median (IQR) overall and by group, rank-sum p.

    ``effects`` adds the between-group difference of the change scores (Hodges–Lehmann
    shift, or difference in means for an outcome declared normal).
    """
    rows: list[Row] = []
    groups = study.group_labels()
    for outcome in study.outcomes:
        joint = aggregates.outcomes[outcome.key]
        rows.append(Row(outcome.key, outcome.label, None, "header", {}))
        for later, earlier in _outcome_pairs(outcome, study):
            changes = {g: d for g, (_, _, d) in paired(joint, later, earlier, groups).items()}
            first, second = (changes[g] for g in groups)
            cells: dict[str, Cell] = {
                "overall": summarise(first.merged(second), "median_iqr", outcome.digits, "to")
            }
            for g in groups:
                cells[f"group:{g}"] = summarise(changes[g], "median_iqr", outcome.digits, "to")
            cells = _n_shown(cells, aggregates, study)
            recorded = {"overall": first.n + second.n}
            recorded |= {f"group:{g}": changes[g].n for g in groups}
            if effects:
                cells[EFFECT] = between_effect(
                    first, second, "median_iqr", study, None, outcome.digits
                )
            test = between_groups_numeric(first, second, outcome.kind, study, None)
            cells["p"] = guard(test, study, outcome.key, (later, earlier))
            label = _label(study, later, earlier, "–")
            rows.append(Row(outcome.key, outcome.label, label, "level", cells, recorded))
    return rows
