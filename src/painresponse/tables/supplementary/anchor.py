"""Anchor-based clinically important change in pain: Table S11.

The paper ends asking for "the proper cut-off value for pain change"; an *anchor* answers
it: a judgement of improvement that does not come from the pain score itself.

* ``anchor = "<variable>"``: a categorical variable of the study, typically a patient
  global impression of change (PGIC) recorded at the follow-up;
  ``anchor_improved_levels`` names the levels that count as improved (e.g. "Much
  improved", "Very much improved"); every other recorded level is "not improved".
* ``anchor = "eq5d"``: an improvement in EQ-5D from baseline to the same follow-up, of the
  size Table S6 (:mod:`~painresponse.tables.supplementary.roc`) uses (``roc_anchor``,
  ``roc_level_sum_mid``, ``roc_index_mid``), so the two tables agree: at the rule's
  follow-up and in all patients, this table's Youden cut-off of the reduction in points
  is one of Table S6's (S6 lists every tied one) and the AUC is the same. This table
  adds what S6 lacks: bootstrap intervals, the mean-change method, the percent reduction
  and the baseline strata.

For the reduction in points (baseline − follow-up) and in percent of baseline, in all
patients and in each baseline-pain stratum (``baseline_strata``, default NRS 4–6 and
7–10), :func:`painresponse.stats.thresholds.anchor_thresholds` gives the Youden-optimal
ROC cut-off (pROC's thresholds, via :func:`painresponse.stats.diagnostic.roc_curve`), the
mean change of the improved patients and the mean difference improved − not improved,
each with a stratified percentile bootstrap interval (seeded), and the AUC with DeLong's
interval. The responder groups play no part, so nothing here is circular.

Bad input (an anchor with one level, no improved or no unimproved patient, an unknown
variable or level, a stratum too small) gives a message in the table and in
``messages``; never an exception.

Examples
--------
>>> from painresponse.study import ExtendedOptions
>>> from painresponse.tables.supplementary._data import Analysed
>>> from painresponse.tables.supplementary._demo import demo_frame
>>> frame, study = demo_frame()
>>> opts = ExtendedOptions(anchor="eq5d", anchor_bootstrap=0)
>>> table, result, messages = anchor_table(Analysed(frame, study, opts))
>>> table.key, result.analyses[0].result.youden.estimate
('tableS11_anchor_thresholds', 1.0)
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
from painresponse.stats.thresholds import AnchorThresholds, ImportantChange, anchor_thresholds
from painresponse.study import Variable
from painresponse.tables.model import Cell, Column, EstimateCI, Footnote, Number, Row, Table
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed, is_eq5d
from painresponse.tables.supplementary._rows import make_row, note_cell

__all__ = [
    "AnchorAnalysis",
    "AnchorDefinition",
    "AnchorResult",
    "anchor_table",
    "eq5d_improvement",
]

SPEC = table_spec("S11")
KEY = SPEC.key
ALL = "All patients"
ALL_COLUMN = "all"


@dataclass(frozen=True)
class AnchorDefinition:
    """Who the anchor calls improved.

    Attributes
    ----------
    improved : numpy.ndarray
        1.0 improved, 0.0 not improved, NaN not known, per analysed patient.
    label : str
        The anchor in words (``"EQ-5D level sum decrease ≥ 1 point, T0→T1"``).
    messages : tuple of str
        What the reader must know (patients without the anchor, a fallback).
    criterion : str
        The label without its time points (``"EQ-5D level sum decrease ≥ 1 point"``).
    """

    improved: NDArray[np.float64]
    label: str
    messages: tuple[str, ...] = ()
    criterion: str = ""


@dataclass(frozen=True)
class AnchorAnalysis:
    """One analysis: a change scale in one stratum.

    Attributes
    ----------
    stratum : str
        ``"All patients"`` or the baseline stratum's label (``"4–6"``).
    kind : {"absolute", "percent"}
        Reduction in points or in percent of baseline.
    result : AnchorThresholds or None
        The estimates (None when they cannot be computed; ``note`` says why).
    note : str
        Why there is no result.
    """

    stratum: str
    kind: Literal["absolute", "percent"]
    result: AnchorThresholds | None
    note: str = ""


@dataclass(frozen=True)
class AnchorResult:
    """Everything Table S11 shows, as raw results (for the report and checks against R).

    Attributes
    ----------
    anchor_label : str
        The anchor in words.
    time, time_label : str
        The follow-up time of the pain change.
    strata : tuple of (str, int)
        Each column's label and its number of patients.
    analyses : tuple of AnchorAnalysis
        One per stratum and change scale.
    """

    anchor_label: str
    time: str
    time_label: str
    strata: tuple[tuple[str, int], ...]
    analyses: tuple[AnchorAnalysis, ...]


def eq5d_improvement(data: Analysed, baseline: str, time: str) -> AnchorDefinition | str:
    """EQ-5D improvement from ``baseline`` to ``time``: Table S6's reference, S11's anchor.

    A level-sum decrease of at least ``roc_level_sum_mid`` points, or (``roc_anchor =
    "index"`` with ``roc_index_mid`` set) an index increase of at least ``roc_index_mid``.

    Returns
    -------
    AnchorDefinition or str
        The anchor, or why there is none, in words.
    """
    opts = data.options
    eq5d = next((o for o in data.study.outcomes if is_eq5d(o)), None)
    if eq5d is None:
        return "No EQ-5D-5L outcome in the study: no quality-of-life anchor."
    if baseline not in eq5d.time_keys() or time not in eq5d.time_keys():
        return f"EQ-5D is not recorded at both {baseline!r} and {time!r}."
    messages: list[str] = []
    anchor = opts.roc_anchor
    if anchor == "index" and opts.roc_index_mid is None:
        messages.append(
            "roc_anchor = 'index' needs roc_index_mid (no Korean EQ-5D-5L MID is bundled); "
            "the level-sum anchor is used instead."
        )
        anchor = "level_sum"
    if anchor == "index" and opts.roc_index_mid is not None:
        vs = opts.eq5d_value_set
        change = data.values(eq5d, time, f"index:{vs}") - data.values(eq5d, baseline, f"index:{vs}")
        improved = change >= opts.roc_index_mid - 1e-12
        what = f"EQ-5D index ({vs}) increase ≥ {opts.roc_index_mid:g}"
    else:
        change = data.values(eq5d, time, "level_sum") - data.values(eq5d, baseline, "level_sum")
        improved = change <= -opts.roc_level_sum_mid + 1e-12
        points = "point" if opts.roc_level_sum_mid == 1 else "points"
        what = f"EQ-5D level sum decrease ≥ {opts.roc_level_sum_mid:g} {points}"
    label = f"{what}, {data.time_label(baseline)}→{data.time_label(time)}"
    values = np.where(np.isnan(change), np.nan, improved.astype(float))
    return AnchorDefinition(values, label, tuple(messages), what)


def _variable_anchor(data: Analysed, variable: Variable) -> AnchorDefinition | str:
    """The improved levels of a categorical anchor variable (a PGIC column)."""
    opts = data.options
    if not variable.is_categorical:
        return (
            f"The anchor {variable.key!r} is {variable.kind}, not categorical: name a "
            "categorical variable (e.g. a patient global impression of change)."
        )
    if not opts.anchor_improved_levels:
        return (
            f"The anchor {variable.key!r} needs anchor_improved_levels: the levels of "
            f"{variable.label} that count as improved."
        )
    by_label = {label: raw for label, raw in variable.display_levels()}
    allowed = variable.allowed_values()
    improved_raw: set[str] = set()
    unknown = []
    for level in opts.anchor_improved_levels:
        if level in by_label:
            improved_raw.update(by_label[level])
        elif level in allowed:
            improved_raw.add(level)
        else:
            unknown.append(level)
    if unknown:
        listed = ", ".join(repr(v) for v in allowed)
        return (
            f"anchor_improved_levels names {', '.join(repr(u) for u in unknown)}, not a level "
            f"of {variable.label} ({listed})."
        )
    raw = data.frame[variable.column].cast(pl.Utf8)
    recorded = raw.drop_nulls().unique().sort().to_list()
    if len(recorded) < 2:
        seen = f" ({recorded[0]!r})" if recorded else ""
        return (
            f"The anchor {variable.label} has {counted(len(recorded), 'level')} among the "
            f"analysed patients{seen}: improved and not improved patients are needed to "
            "estimate a clinically important change."
        )
    missing = np.asarray(raw.is_null().to_numpy(), dtype=bool)
    hit = np.asarray(raw.is_in(sorted(improved_raw)).fill_null(False).to_numpy(), dtype=bool)
    values = np.where(missing, np.nan, hit.astype(float))
    shown = " or ".join(opts.anchor_improved_levels)
    return AnchorDefinition(values, f"{variable.label}: {shown}")


def _strata(data: Analysed, baseline: NDArray[np.float64]) -> list[tuple[str, NDArray[np.bool_]]]:
    """Baseline-pain strata: ``[4, 7]`` → 4 to below 7 and 7 or more (NRS 4–6, 7–10)."""
    outcome = data.study.outcome(data.study.responder.outcome)
    bounds = data.options.baseline_strata
    top = outcome.value_range()[1]
    whole = outcome.integer and all(float(b).is_integer() for b in bounds)
    out = []
    for i, low in enumerate(bounds):
        high = bounds[i + 1] if i + 1 < len(bounds) else math.inf
        mask = (baseline >= low) & (baseline < high)
        if whole:
            last = top if math.isinf(high) else high - 1
            label = f"{low:g}" if last == low else f"{low:g}–{last:g}"
        else:
            label = f"≥ {low:g}" if math.isinf(high) else f"{low:g} to < {high:g}"
        out.append((label, np.asarray(mask, dtype=bool)))
    return out


def _fail(message: str, messages: list[str]) -> tuple[Table, None, list[str]]:
    row = make_row("anchor", "Anchor-based change", None, "single", {"note": note_cell(message)})
    table = Table(KEY, SPEC.number, SPEC.title, (Column("note", "Note"),), (row,))
    return table, None, [*messages, message]


def _estimate(value: ImportantChange, digits: int, what: str) -> EstimateCI:
    method = (
        f"stratified percentile bootstrap ({value.n_boot_used:,} of {value.n_boot:,} "
        f"resamples, seed {value.seed})"
        if value.n_boot
        else "no interval (no bootstrap)"
    )
    return EstimateCI(
        value.estimate,
        value.ci_low,
        value.ci_high,
        digits,
        value.conf_level,
        what,
        method,
        value.n_improved + value.n_not_improved,
    )


def _block(
    kind: Literal["absolute", "percent"],
    label: str,
    analyses: list[AnchorAnalysis],
    columns: list[str],
    level: float,
) -> list[Row]:
    """Rows of one change scale: Youden cut-off, its sensitivity/specificity, AUC, means."""
    # Cut-offs are midpoints between observed reductions: one decimal shows them exactly
    # on an integer scale; means get one more in points.
    digits = 1 if kind == "percent" else 2
    unit = "%" if kind == "percent" else " points"
    per = {a.stratum: a for a in analyses if a.kind == kind}
    lines: list[tuple[str, dict[str, Cell]]] = [
        (f"ROC: Youden-optimal cut-off ({level:.0%} CI)", {}),
        ("Sensitivity at the cut-off", {}),
        ("Specificity at the cut-off", {}),
        (f"AUC ({level:.0%} CI)", {}),
        (f"Mean change of the improved ({level:.0%} CI)", {}),
        (f"Mean change, improved − not improved ({level:.0%} CI)", {}),
    ]
    header: dict[str, Cell] = {}
    for column in columns:
        analysis = per[column]
        res = analysis.result
        if res is None:
            header[column] = note_cell(analysis.note)
            continue
        y = res.youden
        lines[0][1][column] = _estimate(y, 1, f"Youden-optimal cut-off (reduction{unit})")
        lines[1][1][column] = Number(float(y.details["sensitivity"]), 3)
        lines[2][1][column] = Number(float(y.details["specificity"]), 3)
        lines[3][1][column] = EstimateCI(
            res.roc.auc,
            res.roc.ci[0],
            res.roc.ci[1],
            3,
            level,
            "area under the ROC curve",
            "DeLong interval",
            res.roc.n_cases + res.roc.n_controls,
        )
        lines[4][1][column] = _estimate(res.mean_change, digits, "mean change of the improved")
        lines[5][1][column] = _estimate(
            res.mean_difference, digits, "mean change, improved minus not improved"
        )
    rows = [make_row(f"anchor_{kind}", label, None, "header", header)]
    rows += [make_row(f"anchor_{kind}", label, name, "level", cells) for name, cells in lines]
    return rows


def anchor_table(data: Analysed) -> tuple[Table | None, AnchorResult | None, list[str]]:
    """Anchor-based clinically important change in pain (Table S11), overall and by stratum.

    Parameters
    ----------
    data : Analysed
        The analysed patients, the study and the extended options (``anchor``,
        ``anchor_improved_levels``, ``anchor_time``, ``anchor_bootstrap``,
        ``bootstrap_seed``, ``baseline_strata``, ``conf_level``; for ``anchor = "eq5d"``
        also ``roc_anchor``, ``roc_level_sum_mid``, ``roc_index_mid``).

    Returns
    -------
    table : Table or None
        Key ``"tableS11_anchor_thresholds"``; None when the study names no anchor. Columns
        ``"all"`` and ``"stratum:<label>"``; rows: a header naming the anchor, patients
        improved and not improved, then per change scale (points, percent) a header row
        and the Youden cut-off (bootstrap CI), its sensitivity and specificity, the AUC
        (DeLong CI), the mean change of the improved and the mean difference (bootstrap
        CIs). A column that
        cannot be estimated holds a note on its header rows; an anchor that cannot be
        used gives a one-cell table saying why.
    result : AnchorResult or None
        The raw results (None when there is no table or no usable anchor).
    messages : list of str
        What the reader must know, in words.
    """
    opts, study = data.options, data.study
    if opts.anchor is None:
        return None, None, []
    rule = study.responder
    messages: list[str] = []
    if rule.rule == "relief_column":
        return _fail("An anchor-based change needs a pain score at each time point.", messages)
    pain = study.outcome(rule.outcome)
    time = opts.anchor_time or rule.follow_up
    if time not in pain.time_keys() or time == rule.baseline:
        return _fail(f"anchor_time {time!r} is not a follow-up time of {pain.label}.", messages)
    if opts.anchor == "eq5d":
        anchor = eq5d_improvement(data, rule.baseline, time)
    else:
        variable = next((v for v in study.variables if v.key == opts.anchor), None)
        if variable is None:
            return _fail(
                f"The anchor {opts.anchor!r} is neither 'eq5d' nor a variable of the study.",
                messages,
            )
        anchor = _variable_anchor(data, variable)
    if isinstance(anchor, str):
        return _fail(anchor, messages)
    messages += anchor.messages
    base = data.values(pain, rule.baseline)
    absolute = base - data.values(pain, time)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(base > 0, absolute / base * 100.0, np.nan)
    known = ~np.isnan(anchor.improved)
    if (~known).any():
        messages.append(
            f"Anchor: {counted(int((~known).sum()), 'patient')} without the anchor recorded "
            "left out."
        )
    strata = [(ALL, np.ones(base.size, dtype=bool)), *_strata(data, base)]
    analyses: list[AnchorAnalysis] = []
    improved = anchor.improved == 1.0
    for kind, change in (("absolute", absolute), ("percent", percent)):
        for name, mask in strata:
            use = mask & known & ~np.isnan(change)
            try:
                res = anchor_thresholds(
                    change[use],
                    improved[use],
                    opts.conf_level,
                    opts.anchor_bootstrap,
                    opts.bootstrap_seed + len(analyses),
                )
                analyses.append(AnchorAnalysis(name, kind, res))  # type: ignore[arg-type]
            except StatisticsError as exc:
                analyses.append(AnchorAnalysis(name, kind, None, str(exc)))  # type: ignore[arg-type]
                messages.append(f"Anchor, {name}, reduction in {kind} terms: {exc}")
    if all(a.result is None for a in analyses):
        # Every analysis failed the same way (e.g. nobody improved): one message says it.
        return _fail(analyses[0].note, [m for m in messages if not m.startswith("Anchor, ")])
    below = int((base < opts.baseline_strata[0]).sum()) if opts.baseline_strata else 0
    if below:
        messages.append(
            f"Anchor: {counted(below, 'patient')} with baseline {pain.label} below "
            f"{opts.baseline_strata[0]:g} in no baseline stratum (all-patients column only)."
        )
    return _assemble(data, anchor, time, strata, known, analyses, messages)


def _assemble(
    data: Analysed,
    anchor: AnchorDefinition,
    time: str,
    strata: list[tuple[str, NDArray[np.bool_]]],
    known: NDArray[np.bool_],
    analyses: list[AnchorAnalysis],
    messages: list[str],
) -> tuple[Table, AnchorResult, list[str]]:
    opts, study = data.options, data.study
    rule = study.responder
    pain = study.outcome(rule.outcome)
    level = opts.conf_level
    base_l, time_l = data.time_label(rule.baseline), data.time_label(time)
    keys = [ALL_COLUMN if name == ALL else f"stratum:{name}" for name, _ in strata]
    renamed = [
        dataclasses.replace(a, stratum=ALL_COLUMN if a.stratum == ALL else f"stratum:{a.stratum}")
        for a in analyses
    ]
    improved_row: dict[str, Cell] = {}
    other_row: dict[str, Cell] = {}
    for key, (_, mask) in zip(keys, strata, strict=True):
        use = mask & known
        improved_row[key] = Number(float((anchor.improved[use] == 1.0).sum()), 0)
        other_row[key] = Number(float((anchor.improved[use] == 0.0).sum()), 0)
    what = f"Patients by the anchor ({anchor.label})"
    rows = [
        make_row("anchor", what, None, "header", {}),
        make_row("anchor", what, "Improved", "level", improved_row),
        make_row("anchor", what, "Not improved", "level", other_row),
    ]
    rows += _block(
        "absolute", f"{pain.label}: reduction in points, {base_l}→{time_l}", renamed, keys, level
    )
    rows += _block(
        "percent", f"{pain.label}: reduction in percent, {base_l}→{time_l}", renamed, keys, level
    )
    columns = tuple(
        Column(
            key,
            ALL if name == ALL else f"Baseline {name}",
            int(mask.sum()),
        )
        for key, (name, mask) in zip(keys, strata, strict=True)
    )
    notes = _footnotes(data, anchor)
    table = Table(KEY, SPEC.number, SPEC.title, columns, tuple(rows), notes)
    result = AnchorResult(
        anchor.label,
        time,
        time_l,
        tuple((name, int(mask.sum())) for name, mask in strata),
        tuple(analyses),
    )
    return table, result, messages


def _footnotes(data: Analysed, anchor: AnchorDefinition) -> tuple[Footnote, ...]:
    opts, study = data.options, data.study
    pain = study.outcome(study.responder.outcome)
    level = f"{opts.conf_level:.0%}"
    boot = (
        f"{level} percentile bootstrap intervals from {opts.anchor_bootstrap:,} resamples drawn "
        f"within the improved and the not improved (numpy seed {opts.bootstrap_seed} plus the "
        "analysis' number)"
        if opts.anchor_bootstrap
        else "no bootstrap intervals (anchor_bootstrap = 0)"
    )
    legend = (
        f"Anchor: {anchor.label} (improved) against every other recorded value. Clinically "
        f"important change in {pain.label}: the Youden-optimal ROC cut-off (sensitivity + "
        "specificity − 1 largest; improved when the reduction exceeds it; a midpoint between "
        "observed reductions, so 1.5 points means 2 points or more on an integer scale; of "
        "tied cut-offs the one closest to the top-left corner of the ROC plot, then the "
        "lowest), the mean change of the improved patients and the "
        "difference of mean change, improved minus not improved; "
        f"{boot}. AUC with DeLong's {level} interval."
    )
    if opts.baseline_strata:
        legend += (
            f" Baseline strata by {pain.label} at "
            f"{data.time_label(study.responder.baseline)} (baseline_strata)."
        )
    why = (
        "The responder groups play no part: the anchor is judged apart from the pain score, "
        "so nothing here compares groups on the values that define them."
    )
    return (Footnote("", legend), Footnote("", why))
