"""Cumulative proportion of responders (CPRA) with inference: Table S10 and its figure data.

For every follow-up time, the share of patients reaching each percent (0–100 %) and
absolute (0 to the scale's range) reduction of the responder outcome from baseline, with
pointwise percentile bootstrap bands (seeded); the IMMPACT thresholds (10, 20, 30, 50,
70 % by default) as a table with Wilson intervals; a whole-curve comparison.

What is compared, and why
-------------------------
The study's own groups are *defined* by the responder outcome's change: responders reach
≥ 50 % pain reduction from T0 to T1 in the seed study. Their cumulative responder curves
at T1 are therefore fixed by construction (every responder reaches 50 %, no
non-responder does), and a test between them at T1 holds by construction. So:

* **Default** (``cpra_group`` unset): the curves of *all* patients at each follow-up
  time, and the follow-up times compared on the same patients (Wilcoxon signed-rank test
  of the percent reduction at each later time against the first): does the relief last?
  Nothing here depends on the grouping, so nothing is circular.
* ``cpra_group = "<variable>"``: a characteristic measured before the procedure (sex,
  diagnosis, ...) splits the patients; curves per group at every time, the risk
  difference at each IMMPACT threshold (Newcombe) and a whole-curve test per time. Not
  circular: the groups are not defined by the curve's outcome. Two groups: Wilcoxon
  rank-sum test of the percent reduction (exact where the study's rule allows); more than
  two: Kruskal–Wallis (no risk difference).
* ``cpra_group = "responder"``: the study's groups, on request. At the responder rule's
  follow-up the between-group p-value is circular and marked † (or omitted, as the
  study's ``[tests] circular`` says; the risk differences then too), by
  :mod:`painresponse.tables.circularity`; at other times (T4) it asks whether the
  response at T1 persists and is not marked (it is still not independent of the
  grouping, which the footnote says).

The whole-curve test: a CPRA curve is one minus the distribution function of the percent
reduction, so a rank test of the percent reduction asks whether one curve tends to lie
above the other (stochastic ordering), not where they differ most. Every p-value cell
keeps its TestResult (variant, n) as provenance; every bootstrap curve its seed.

Examples
--------
>>> from painresponse.study import ExtendedOptions
>>> from painresponse.tables.supplementary._data import Analysed
>>> from painresponse.tables.supplementary._demo import demo_frame
>>> frame, study = demo_frame()
>>> table, figure, messages = cpra_table(Analysed(frame, study, ExtendedOptions(cpra_bootstrap=0)))
>>> table.key, [r.level for r in table.rows[:3]]
('tableS10_cpra', [None, '≥ 10%', '≥ 20%'])
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from painresponse._words import counted
from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.effects import risk_difference
from painresponse.stats.proportions import wilson_interval
from painresponse.stats.responder_curves import (
    TOLERANCE,
    CumulativeResponders,
    cumulative_responders,
)
from painresponse.tables.circularity import (
    CIRCULAR_MARK,
    OMITTED,
    circular_footnote,
    defines_groups,
    guard,
)
from painresponse.tables.model import (
    Cell,
    Column,
    EstimateCI,
    Footnote,
    Proportion,
    PValue,
    Row,
    Table,
)
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import make_row, note_cell
from painresponse.tables.supplementary.responder_rates import _follow_ups, _reductions
from painresponse.tables.tests_run import _rank_method, failed

__all__ = ["CpraComparison", "CpraCurve", "CpraFigureData", "cpra_table"]

SPEC = table_spec("S10")
KEY = SPEC.key
ALL = "All patients"
#: Column keys.
ALL_COLUMN, RD_COLUMN, P_COLUMN = "all", "rd", "p"


@dataclass(frozen=True)
class CpraCurve:
    """One cumulative responder curve of the figure.

    Attributes
    ----------
    time, time_label : str
        The follow-up time point.
    group : str
        ``"All patients"`` or the group's label.
    kind : {"percent", "absolute"}
        Percent reduction (0–100 %) or reduction in points.
    curve : CumulativeResponders
        Thresholds, shares, pointwise bootstrap band, n, seed.
    """

    time: str
    time_label: str
    group: str
    kind: Literal["percent", "absolute"]
    curve: CumulativeResponders


@dataclass(frozen=True)
class CpraComparison:
    """A whole-curve comparison, for the figure and the report.

    Attributes
    ----------
    kind : {"groups", "times"}
        Between groups at one time, or between two times on the same patients.
    time : str
        The time key (``"t1"``) or the pair (``"t4 vs t1"``).
    label : str
        What was compared, in words.
    result : TestResult or None
        The test (None when it could not be computed or was omitted; ``note`` says why).
    circular : bool
        True when the groups are defined by the compared values (†).
    note : str
        Why there is no result, or what the reader must know.
    """

    kind: Literal["groups", "times"]
    time: str
    label: str
    result: TestResult | None
    circular: bool = False
    note: str = ""


@dataclass(frozen=True)
class CpraFigureData:
    """What the CPRA figure draws (and its data file lists).

    Attributes
    ----------
    outcome_label, baseline_label : str
        The responder outcome (``"Pain (NRS)"``) and its baseline (``"T0"``).
    unit : str
        Unit of an absolute reduction (``"points"``).
    grouping : str or None
        Label of the grouping (``"Sex"``, the responder groups) or None (all patients).
    groups : tuple of str
        Group labels in display order (``("All patients",)`` without a grouping).
    times : tuple of (str, str)
        (key, label) of each follow-up time.
    curves : tuple of CpraCurve
        Every curve: per time, group and kind.
    comparisons : tuple of CpraComparison
        The whole-curve tests.
    immpact : tuple of float
        Percent reductions marked on the figure.
    conf_level : float
        Level of the bands.
    """

    outcome_label: str
    baseline_label: str
    unit: str
    grouping: str | None
    groups: tuple[str, ...]
    times: tuple[tuple[str, str], ...]
    curves: tuple[CpraCurve, ...]
    comparisons: tuple[CpraComparison, ...]
    immpact: tuple[float, ...]
    conf_level: float


@dataclass(frozen=True)
class _Grouping:
    label: str | None
    groups: tuple[tuple[str, NDArray[np.bool_]], ...]
    responder: bool


def _grouping(data: Analysed, messages: list[str]) -> _Grouping:
    """The groups asked for by ``cpra_group`` (none when it cannot be used; says why)."""
    key = data.options.cpra_group
    if key is None:
        return _Grouping(None, (), False)
    if key == "responder":
        groups = tuple((g, data.group_mask(g)) for g in data.labels)
        return _Grouping("the study's groups (responder rule)", groups, True)
    variable = next((v for v in data.study.variables if v.key == key), None)
    if variable is None or not variable.is_categorical:
        why = "is not a variable of the study" if variable is None else "is not categorical"
        messages.append(f"CPRA: cpra_group {key!r} {why}; the curves are shown for all patients.")
        return _Grouping(None, (), False)
    raw = data.frame[variable.column].cast(pl.Utf8)
    found: list[tuple[str, NDArray[np.bool_]]] = []
    for label, values in variable.display_levels():
        mask = np.asarray(raw.is_in(values).fill_null(False).to_numpy(), dtype=bool)
        if mask.any():
            found.append((label, mask))
    if len(found) < 2:
        messages.append(
            f"CPRA: {variable.label} has {counted(len(found), 'level')} among the analysed "
            "patients; no groups to compare, the curves are shown for all patients."
        )
        return _Grouping(None, (), False)
    unknown = int(data.frame.height - sum(int(m.sum()) for _, m in found))
    if unknown:
        messages.append(
            f"CPRA: {counted(unknown, 'patient')} without {variable.label} recorded are in "
            "the all-patients column only."
        )
    return _Grouping(variable.label, tuple(found), False)


def _grids(data: Analysed) -> dict[str, NDArray[np.float64]]:
    """Threshold grids: every percent 0–100, and every point (or 1/100 of the range)."""
    outcome = data.study.outcome(data.study.responder.outcome)
    low, high = outcome.value_range()
    span = high - low
    step = 1.0 if outcome.integer else span / 100
    return {
        "percent": np.arange(0.0, 101.0),
        "absolute": np.arange(0.0, span + step / 2, step),
    }


def _proportion(x: NDArray[np.float64], cut: float, level: float) -> Proportion:
    ok = x[~np.isnan(x)]
    count, total = int((ok >= cut - TOLERANCE).sum()), int(ok.size)
    lo, hi = wilson_interval(count, total, level)
    return Proportion(count, total, count / total if total else math.nan, lo, hi)


def _rd_cell(a: Proportion, b: Proportion, level: float, names: tuple[str, str]) -> Cell:
    if a.total == 0 or b.total == 0:
        return note_cell("no patient in a group")
    table = [[a.count, a.total - a.count], [b.count, b.total - b.count]]
    rd = risk_difference(table, level)

    def number(value: float | None) -> float:
        return math.nan if value is None else float(value)

    return EstimateCI(
        number(rd.estimate),
        number(rd.ci_low),
        number(rd.ci_high),
        3,
        level,
        f"risk difference, {names[0]} minus {names[1]}",
        "Newcombe hybrid score interval",
        a.total + b.total,
    )


def _between_groups(
    data: Analysed, time: str, samples: list[NDArray[np.float64]], grouping: _Grouping
) -> PValue:
    """Whole-curve test between the groups at one time (circularity guarded)."""
    from painresponse.stats.k_sample import kruskal
    from painresponse.stats.ranks import rank_sum

    study = data.study
    rule = study.responder
    clean = [s[~np.isnan(s)] for s in samples]
    n = tuple(int(s.size) for s in clean)
    try:
        if len(clean) == 2:
            result = rank_sum(clean[0], clean[1], method=_rank_method(study))
            why = "whole-curve comparison: Wilcoxon rank-sum test of the percent reduction"
        else:
            result = kruskal(*clean)
            why = "whole-curve comparison: Kruskal–Wallis test of the percent reduction"
        cell = PValue(result, why)
    except StatisticsError as exc:
        cell = failed("rank_sum", str(exc), n)
    if grouping.responder:
        cell = guard(cell, study, rule.outcome, (time, rule.baseline))
        if cell.defines_groups:
            cell = dataclasses.replace(cell, marker=CIRCULAR_MARK)
    return cell


def _between_times(data: Analysed, first: str, later: str) -> tuple[PValue, int, NDArray[np.bool_]]:
    """Signed-rank test of the percent reduction at ``later`` vs ``first`` (same patients)."""
    from painresponse.stats.ranks import signed_rank

    analysis = data.study.analysis
    p_first, _ = _reductions(data, first)
    p_later, _ = _reductions(data, later)
    both = ~(np.isnan(p_first) | np.isnan(p_later))
    try:
        result = signed_rank(
            p_later[both],
            p_first[both],
            zero_method=analysis.zero_method,
            method=_rank_method(data.study),
        )
        cell = PValue(
            result, "between-time comparison: Wilcoxon signed-rank test of the percent reduction"
        )
    except StatisticsError as exc:
        cell = failed("signed_rank", str(exc), (int(both.sum()),))
    return cell, int(both.sum()), both


def _fail(message: str) -> tuple[Table, None, list[str]]:
    row = make_row("cpra", "Cumulative responders", None, "single", {"note": note_cell(message)})
    table = Table(KEY, SPEC.number, SPEC.title, (Column("note", "Note"),), (row,))
    return table, None, [message]


def _comparison(kind: Literal["groups", "times"], time: str, label: str, cell: PValue
                ) -> CpraComparison:  # fmt: skip
    computed = not math.isnan(cell.result.pvalue)
    return CpraComparison(
        kind,
        time,
        label,
        cell.result if computed else None,
        cell.defines_groups,
        "" if computed else (cell.result.note or ""),
    )


def cpra_table(data: Analysed) -> tuple[Table, CpraFigureData | None, list[str]]:
    """Cumulative proportion of responders with inference (Table S10) and its figure data.

    Parameters
    ----------
    data : Analysed
        The analysed patients, the study and the extended options (``cpra_group``,
        ``cpra_thresholds``, ``cpra_bootstrap``, ``bootstrap_seed``, ``conf_level``).

    Returns
    -------
    table : Table
        Key ``"tableS10_cpra"``. Per follow-up time a header row (the whole-curve
        p-value between the groups in column ``"p"`` when there are groups) and one row per
        threshold (``"≥ 10%"``, ...) with a :class:`Proportion` (Wilson interval) for all
        patients (``"all"``) and each group (``"group:<label>"``), and with two groups the
        risk difference (``"rd"``, Newcombe). With two or more follow-up times a last
        block compares each later time with the first on the same patients (``"p"``).
    figure : CpraFigureData or None
        Every curve (percent and absolute, per time and group) with its bootstrap band,
        and the tests; None when the rule has no score to reduce.
    messages : list of str
        What the reader must know (a grouping that could not be used, ...).
    """
    opts, study = data.options, data.study
    rule = study.responder
    if rule.rule == "relief_column":
        return _fail(
            "Cumulative responder curves need a score at each time point; the study's rule "
            "uses a relief column."
        )
    outcome = study.outcome(rule.outcome)
    follow_ups = _follow_ups(data)
    if not follow_ups:
        return _fail(f"{outcome.label} has no follow-up time point.")
    messages: list[str] = []
    grouping = _grouping(data, messages)
    level = opts.conf_level
    base = data.time_label(rule.baseline)
    grids = _grids(data)
    names = tuple(g for g, _ in grouping.groups)
    masks = [m for _, m in grouping.groups]
    two = len(names) == 2
    omit = study.tests.circular == "omit"
    rows: list[Row] = []
    curves: list[CpraCurve] = []
    comparisons: list[CpraComparison] = []
    flagged = False
    seed = opts.bootstrap_seed
    for t in follow_ups:
        percent, absolute = _reductions(data, t)
        t_label = data.time_label(t)
        label = f"{outcome.label} reduction from {base} to {t_label}"
        for kind, values in (("percent", percent), ("absolute", absolute)):
            for group, mask in ((ALL, np.ones(values.size, dtype=bool)), *grouping.groups):
                try:
                    curve = cumulative_responders(
                        values[mask], grids[kind], level, opts.cpra_bootstrap, seed + len(curves)
                    )
                except StatisticsError as exc:
                    messages.append(f"CPRA, {t_label}, {group}: {exc}")
                    continue
                curves.append(CpraCurve(t, t_label, group, kind, curve))  # type: ignore[arg-type]
        header: dict[str, object] = {}
        circular = grouping.responder and defines_groups(study, rule.outcome, (t, rule.baseline))
        if names:
            cell = _between_groups(data, t, [percent[m] for m in masks], grouping)
            header[P_COLUMN] = cell
            flagged |= cell.defines_groups
            comparisons.append(
                _comparison("groups", t, f"{' vs. '.join(names)} at {t_label}", cell)
            )
        rows.append(make_row("cpra", label, None, "header", header))
        for cut in opts.cpra_thresholds:
            overall = _proportion(percent, cut, level)
            cells: dict[str, object] = {ALL_COLUMN: overall}
            n = {ALL_COLUMN: overall.total}
            shares = []
            for g, mask in grouping.groups:
                share = _proportion(percent[mask], cut, level)
                cells[f"group:{g}"] = share
                n[f"group:{g}"] = share.total
                shares.append(share)
            if two:
                cells[RD_COLUMN] = (
                    note_cell(OMITTED)
                    if circular and omit
                    else _rd_cell(shares[0], shares[1], level, (names[0], names[1]))
                )
            row = make_row("cpra", label, f"≥ {cut:g}%", "level", cells)
            rows.append(dataclasses.replace(row, n=n))
    for later in follow_ups[1:]:
        first = follow_ups[0]
        cell, pairs, _ = _between_times(data, first, later)
        what = f"{data.time_label(later)} vs. {data.time_label(first)}"
        comparisons.append(_comparison("times", f"{later} vs {first}", what, cell))
        row = make_row(
            "cpra_times",
            f"Whole curve, {what} (same patients)",
            None,
            "single",
            {P_COLUMN: cell},
        )
        rows.append(dataclasses.replace(row, n={P_COLUMN: pairs}))
    columns = [Column(ALL_COLUMN, ALL, data.frame.height)]
    columns += [Column(f"group:{g}", g, int(m.sum())) for g, m in grouping.groups]
    if two:
        columns.append(Column(RD_COLUMN, f"Difference, {names[0]} − {names[1]} ({level:.0%} CI)"))
    if names or len(follow_ups) > 1:
        columns.append(Column(P_COLUMN, "P-value (whole curve)", kind="pvalue"))
    notes = _footnotes(data, grouping, names, flagged)
    table = Table(KEY, SPEC.number, SPEC.title, tuple(columns), tuple(rows), notes)
    figure = CpraFigureData(
        outcome_label=outcome.label,
        baseline_label=base,
        unit="points",
        grouping=grouping.label,
        groups=(ALL, *names),
        times=tuple((t, data.time_label(t)) for t in follow_ups),
        curves=tuple(curves),
        comparisons=tuple(comparisons),
        immpact=tuple(opts.cpra_thresholds),
        conf_level=level,
    )
    return table, figure, messages


def _footnotes(
    data: Analysed, grouping: _Grouping, names: tuple[str, ...], flagged: bool
) -> tuple[Footnote, ...]:
    opts, study = data.options, data.study
    rule = study.responder
    outcome = study.outcome(rule.outcome).label
    base, follow = data.time_label(rule.baseline), data.time_label(rule.follow_up)
    level = f"{opts.conf_level:.0%}"
    cuts = ", ".join(f"{c:g}" for c in opts.cpra_thresholds)
    legend = (
        f"Patients reaching at least each percent reduction of {outcome} from {base} / "
        f"patients assessed (percent; {level} Wilson score interval), at {cuts}%. IMMPACT "
        "calls 10–20% minimally, ≥ 30% moderately and ≥ 50% substantially important "
        "(Dworkin et al. 2008); the curve over every reduction is the cumulative proportion "
        "of responders (Farrar et al. 2006)."
    )
    if len(names) == 2:
        legend += (
            f" Difference: risk difference, {names[0]} minus {names[1]}, with Newcombe's "
            "hybrid score interval."
        )
    tests = (
        " Whole-curve P-value: a cumulative responder curve is one minus the distribution "
        "function of the percent reduction, so a rank test of the percent reduction asks "
        "whether one curve tends to lie above the other (not where they differ most): "
    )
    parts = []
    if len(names) == 2:
        parts.append("between groups, Wilcoxon rank-sum test")
    elif names:
        parts.append("between groups, Kruskal–Wallis test")
    parts.append(
        "between times, Wilcoxon signed-rank test of the percent reductions of the same patients"
    )
    legend += tests + "; ".join(parts) + " (exact or normal approximation by the study's rule)."
    if opts.cpra_bootstrap:
        legend += (
            f" The figure draws every curve with a pointwise {level} percentile bootstrap band "
            f"({opts.cpra_bootstrap:,} resamples of the patients; numpy seed "
            f"{opts.bootstrap_seed} plus the curve's number, listed in its data file)."
        )
    why = (
        f"The study's groups are defined by {outcome} from {base} to {follow} (the responder "
        f"rule), so comparing their curves at {follow} is circular."
    )
    if grouping.responder:
        compared = (
            f"Compared: the study's groups, as asked (cpra_group = 'responder'). {why} That "
            f"comparison is marked {CIRCULAR_MARK}; at the other times it asks whether the "
            f"response at {follow} persists, which is not independent of the grouping."
        )
    elif grouping.label is not None:
        compared = (
            f"Compared: groups by {grouping.label} (cpra_group), a characteristic not defined "
            f"by the change in {outcome}. {why[:-1]}; they are not compared here."
        )
    else:
        compared = (
            "Compared: all patients at each follow-up time, and the times with each other on "
            f"the same patients (no cpra_group named). {why[:-1]}; they are not compared "
            "here (name a characteristic in cpra_group to compare groups)."
        )
    notes = [Footnote("", legend), Footnote("", compared)]
    if flagged:
        notes.append(circular_footnote(study))
    return tuple(notes)
