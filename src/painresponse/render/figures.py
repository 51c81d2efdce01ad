"""The study's figures drawn with matplotlib (Agg canvas, no pyplot, no global state).

Every function draws from :class:`~painresponse.result.FigureData` or
:class:`~painresponse.flow.Flow` and never computes a statistic: means, confidence
intervals, medians and quartiles come from :class:`~painresponse.result.OutcomeSummary`.
matplotlib is imported inside the functions so that importing this module (and running
``painresponse --help``) stays instant.

The house style (journal column widths, 7–8 pt fonts, the Okabe–Ito palette, which stays
distinguishable with the common colour-vision deficiencies) is
:mod:`painresponse.render._figure_style`, shared with the flow diagram
(:mod:`~painresponse.render.flow_diagram`) and the supplementary figures
(:mod:`~painresponse.render.extended_figures`); :mod:`~painresponse.render.figure_set`
draws them all once for a report.
Groups also differ by marker shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from painresponse._words import counted
from painresponse.render._figure_style import (
    DOUBLE_COLUMN_CM,
    GREY,
    LETTER_SIZE,
    OKABE_ITO,
    PANEL_LETTERS,
    SINGLE_COLUMN_CM,
    house_style,
    new_figure,
)
from painresponse.render.format import TYPESET, format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from painresponse.result import FigureData, OutcomeSummary, StudyResult, Waterfall

__all__ = [
    "DOUBLE_COLUMN_CM",
    "MAX_TRAJECTORIES",
    "OKABE_ITO",
    "PANEL_LETTERS",
    "SINGLE_COLUMN_CM",
    "OutcomeScale",
    "figure_captions",
    "outcome_figure",
    "outcome_scales",
    "trajectory_figure",
    "waterfall_figure",
]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_OTHER = "#999999"  # groups outside ``group_order``
#: At most this many patients per group are drawn as individual lines.
MAX_TRAJECTORIES = 2000
#: Waterfall bars above this percent change are truncated (the caption says how many).
WATERFALL_CAP = 100.0


@dataclass(frozen=True)
class OutcomeScale:
    """How an outcome's axis is drawn: its range, integer ticks, and which way is worse.

    Attributes
    ----------
    low, high : float
        The ends of the scale (0 and 10 for an NRS, 5 and 25 for the EQ-5D level sum).
    integer : bool
        Whether the scores are whole numbers (ticks are then whole numbers too).
    label : str or None
        The axis label when it differs from the outcome's label (``"EQ-5D level sum"``).
    higher_is_worse : bool
        Says so on the axis (true of the EQ-5D level sum: 5 is no problems, 25 extreme).
    """

    low: float
    high: float
    integer: bool = True
    label: str | None = None
    higher_is_worse: bool = False


def outcome_scales(result: StudyResult) -> dict[str, OutcomeScale]:
    """The axis scale of each outcome of ``result``'s study, by outcome key.

    Parameters
    ----------
    result : StudyResult
        The analysis; its study definition gives each outcome's range and type.

    Returns
    -------
    dict of str to OutcomeScale
        Empty when the result carries no study definition.
    """
    study = getattr(result, "study", None)
    scales: dict[str, OutcomeScale] = {}
    for outcome in getattr(study, "outcomes", None) or ():
        summary = getattr(outcome, "summary", "value")
        if summary == "level_sum":
            # The level sum adds five 1-5 levels: 5 is no problems, 25 extreme problems.
            low, high = 5.0, 25.0
            name = outcome.label
            if "level sum" not in name.lower():
                name += " level sum"
            if "5–25" not in name:
                name += " (5–25)"
            scales[outcome.key] = OutcomeScale(low, high, True, name, higher_is_worse=True)
        elif summary == "value":
            scales[outcome.key] = OutcomeScale(
                float(outcome.min), float(outcome.max), bool(outcome.integer)
            )
    return scales


def _integer_ticks(ax: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True, min_n_ticks=3))


def _letter_panels(axes: Sequence[Axes]) -> None:
    """Bold panel letters A, B, ... at the top left (a left title: the layout makes room)."""
    for letter, ax in zip(PANEL_LETTERS, axes, strict=False):
        ax.set_title(letter, loc="left", fontweight="bold", fontsize=LETTER_SIZE)


def _group_styles(group_order: Sequence[str]) -> dict[str, tuple[str, str]]:
    return {
        group: (OKABE_ITO[i % len(OKABE_ITO)], _MARKERS[i % len(_MARKERS)])
        for i, group in enumerate(group_order)
    }


def _unique(values: Iterator[str] | Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


# --------------------------------------------------------------------------- outcomes


def outcome_figure(
    figures: FigureData,
    statistic: Literal["mean_ci", "median_iqr"] = "mean_ci",
    scales: Mapping[str, OutcomeScale] | None = None,
) -> Figure:
    """Outcomes over time by group: one panel per outcome, groups dodged, with error bars.

    Parameters
    ----------
    figures : FigureData
        The figure data of a :class:`~painresponse.result.StudyResult`.
    statistic : {"mean_ci", "median_iqr"}
        ``"mean_ci"`` draws mean with its 95% confidence interval; ``"median_iqr"`` draws
        the median with the interquartile range (Q1 to Q3).
    scales : mapping of str to OutcomeScale, optional
        Per outcome key: integer ticks for integer scores, the axis label, and whether a
        higher score is worse (see :func:`outcome_scales`).

    Returns
    -------
    matplotlib.figure.Figure
        A double-column figure (17.5 cm wide), panels lettered A, B, ... when there are
        several.
    """
    if statistic not in ("mean_ci", "median_iqr"):
        raise ValueError(f"statistic must be 'mean_ci' or 'median_iqr', not {statistic!r}")
    outcomes = _unique(s.outcome for s in figures.summaries)
    styles = _group_styles(figures.group_order)
    with house_style():
        figure = new_figure(DOUBLE_COLUMN_CM, 6.5)
        axes = figure.subplots(1, max(len(outcomes), 1), squeeze=False)[0]
        for ax, outcome in zip(axes, outcomes, strict=False):
            rows = [s for s in figures.summaries if s.outcome == outcome]
            _draw_outcome_panel(ax, rows, figures.group_order, styles, statistic)
            _apply_scale(ax, (scales or {}).get(outcome), statistic)
        if len(outcomes) > 1:
            _letter_panels(list(axes))
        if not outcomes:
            axes[0].set_axis_off()
            axes[0].text(0.5, 0.5, "No outcome data", ha="center", va="center")
        handles, labels = axes[0].get_legend_handles_labels()
        if handles:
            figure.legend(
                handles, labels, loc="outside upper center", ncols=len(handles), frameon=False
            )
    return figure


def _draw_outcome_panel(
    ax: Axes,
    rows: list[OutcomeSummary],
    group_order: Sequence[str],
    styles: dict[str, tuple[str, str]],
    statistic: str,
) -> None:
    times = _unique(r.time for r in rows)
    time_labels = {r.time: r.time_label for r in rows}
    groups = [g for g in group_order if any(r.group == g for r in rows)]
    groups += [g for g in _unique(r.group for r in rows) if g not in groups]
    width = 0.5 / max(len(groups), 1)
    for g, group in enumerate(groups):
        by_time = {r.time: r for r in rows if r.group == group}
        x = np.arange(len(times)) + (g - (len(groups) - 1) / 2) * width
        centre, low, high = [], [], []
        for time in times:
            r = by_time.get(time)
            if r is None:
                centre.append(np.nan)
                low.append(np.nan)
                high.append(np.nan)
            elif statistic == "mean_ci":
                centre.append(r.mean)
                low.append(r.ci_low)
                high.append(r.ci_high)
            else:
                centre.append(r.median)
                low.append(r.q1)
                high.append(r.q3)
        y = np.asarray(centre, dtype=float)
        yerr = np.vstack([y - np.asarray(low, float), np.asarray(high, float) - y])
        yerr = np.where(np.isnan(yerr), np.nan, np.maximum(yerr, 0.0))
        colour, marker = styles.get(group, (_OTHER, "o"))
        ax.errorbar(
            x,
            y,
            yerr=yerr,
            color=colour,
            marker=marker,
            markersize=4,
            linewidth=1.0,
            elinewidth=0.8,
            capsize=2,
            label=group,
        )
    ax.set_xticks(np.arange(len(times)), [time_labels[t] for t in times])
    ax.set_xlim(-0.5, len(times) - 0.5)
    ax.set_title(rows[0].outcome_label if rows else "")
    ax.set_ylabel("Mean (95% CI)" if statistic == "mean_ci" else "Median (IQR)")


def _apply_scale(ax: Axes, scale: OutcomeScale | None, statistic: str) -> None:
    if scale is None:
        return
    if scale.label:
        ax.set_title(scale.label)
    if scale.integer:
        low, high = ax.get_ylim()
        if high - low < 3:  # at least three whole-number ticks
            middle = (low + high) / 2
            ax.set_ylim(middle - 1.6, middle + 1.6)
        _integer_ticks(ax)
    if scale.higher_is_worse:
        what = "Mean (95% CI)" if statistic == "mean_ci" else "Median (IQR)"
        ax.set_ylabel(f"{what}, higher = worse")


# --------------------------------------------------------------------- trajectories


def _thin(values: np.ndarray, limit: int = MAX_TRAJECTORIES) -> np.ndarray:
    """At most ``limit`` rows, evenly spaced in lexicographic order of the values."""
    if values.shape[0] <= limit:
        return values
    keys = np.where(np.isnan(values), np.inf, values)
    order = np.lexsort(keys.T[::-1])
    picks = np.unique(np.linspace(0, values.shape[0] - 1, limit).round().astype(int))
    return values[order[picks]]


def trajectory_figure(
    figures: FigureData, scales: Mapping[str, OutcomeScale] | None = None
) -> Figure:
    """Individual trajectories per group (thin, translucent) with the group median in bold.

    Parameters
    ----------
    figures : FigureData
        The figure data; the bold median line comes from its summaries.
    scales : mapping of str to OutcomeScale, optional
        Per outcome key: the whole scale as the y range, integer ticks, the axis label.

    Returns
    -------
    matplotlib.figure.Figure
        One row per outcome, one column per group, panels lettered A, B, ... row by row,
        and a legend for the two kinds of line; at most :data:`MAX_TRAJECTORIES` patients
        per panel are drawn, evenly spaced in sorted order (:func:`figure_captions` says
        when a panel was thinned).
    """
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    outcomes = _unique(t.outcome for t in figures.trajectories)
    groups = [g for g in figures.group_order if any(t.group == g for t in figures.trajectories)]
    groups += [g for g in _unique(t.group for t in figures.trajectories) if g not in groups]
    styles = _group_styles(figures.group_order)
    medians = {(s.outcome, s.group, s.time): s.median for s in figures.summaries}
    with house_style():
        figure = new_figure(DOUBLE_COLUMN_CM, 1.0 + 4.8 * max(len(outcomes), 1))
        grid = figure.subplots(
            max(len(outcomes), 1), max(len(groups), 1), squeeze=False, sharey="row"
        )
        drawn: list[Axes] = []
        for i, outcome in enumerate(outcomes):
            scale = (scales or {}).get(outcome)
            for j, group in enumerate(groups):
                ax = grid[i][j]
                found = [
                    t for t in figures.trajectories if t.outcome == outcome and t.group == group
                ]
                if not found:
                    ax.set_axis_off()
                    continue
                data = found[0]
                colour = styles.get(group, (_OTHER, "o"))[0]
                shown = _thin(np.asarray(data.values, dtype=float))
                x = np.arange(len(data.times), dtype=float)
                segments = [np.column_stack([x, row]) for row in shown]
                alpha = 0.25 if shown.shape[0] <= 200 else 0.08
                ax.add_collection(
                    LineCollection(segments, colors=colour, linewidths=0.5, alpha=alpha)
                )
                median = [medians.get((outcome, group, t), np.nan) for t in data.times]
                ax.plot(x, median, color="black", linewidth=2.0, marker="o", markersize=3)
                ax.set_xticks(x, list(data.time_labels))
                ax.set_xlim(-0.15, len(x) - 0.85)
                ax.autoscale(axis="y")
                if scale is not None:
                    margin = 0.04 * (scale.high - scale.low)
                    ax.set_ylim(scale.low - margin, scale.high + margin)
                    if scale.integer:
                        _integer_ticks(ax)
                n = data.values.shape[0]
                ax.set_title(f"{group} (n = {n})" if i == 0 else "")
                if j == 0:
                    label = scale.label if scale is not None and scale.label else None
                    ax.set_ylabel(label or data.outcome_label)
                drawn.append(ax)
        if len(drawn) > 1:
            _letter_panels(drawn)
        if drawn:
            handles = [
                Line2D([], [], color=GREY, linewidth=0.8, label="Individual patients"),
                Line2D([], [], color="black", linewidth=2.0, marker="o", markersize=3,
                       label="Group median"),
            ]  # fmt: skip
            figure.legend(handles=handles, loc="outside upper center", ncols=2, frameon=False)
    return figure


# ----------------------------------------------------------------------- waterfall


def waterfall_figure(figures: FigureData) -> Figure:
    """Per-patient percent change of the responder outcome, sorted, coloured by group.

    Parameters
    ----------
    figures : FigureData
        The figure data; ``figures.waterfall`` must not be None.

    Returns
    -------
    matplotlib.figure.Figure
        Bars sorted by change, the responder threshold drawn as a labelled dashed line;
        bars above +100% are truncated there; patients with no change are ticks on the
        zero line, with their own legend entry.
    """
    from matplotlib.lines import Line2D

    waterfall = figures.waterfall
    if waterfall is None:
        raise ValueError("this result has no waterfall data (no responder rule on a change)")
    change = np.asarray(waterfall.percent_change, dtype=float)
    groups = np.asarray(waterfall.group, dtype=object)
    keep = ~np.isnan(change)
    change, groups = change[keep], groups[keep]
    styles = _group_styles(figures.group_order)
    shown = np.minimum(change, WATERFALL_CAP)
    x = np.arange(change.size)
    with house_style():
        figure = new_figure(DOUBLE_COLUMN_CM, 7.0)
        ax = figure.subplots()
        present = [g for g in figures.group_order if np.any(groups == g)]
        present += [g for g in _unique([str(g) for g in groups]) if g not in present]
        for group in present:
            mask = groups == group
            colour = styles.get(group, (_OTHER, "o"))[0]
            if change.size <= 3000:
                ax.bar(x[mask], shown[mask], width=0.9, color=colour, linewidth=0, label=group)
            else:  # one line per patient is lighter than 10^5 rectangles
                ax.vlines(x[mask], 0, shown[mask], colors=colour, linewidth=0.3, label=group)
            # A patient with no change has a zero-height bar: mark it so it is not lost.
            zero = mask & (shown == 0)
            if zero.any() and change.size <= 3000:
                ax.plot(x[zero], np.zeros(int(zero.sum())), linestyle="none", marker="|",
                        markersize=5, color=colour)  # fmt: skip
        threshold = waterfall.threshold
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axhline(threshold, color="black", linewidth=0.8, linestyle="--")
        # Label the threshold at the left, where the bars of patients who got worse are
        # above zero and leave the space under the line free.
        ax.annotate(
            f"{format_number(threshold, 0, TYPESET)}% (responder threshold)",
            xy=(0.0, threshold),
            xycoords=("axes fraction", "data"),
            xytext=(4, -3),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=7.5,
        )
        top = max(float(shown.max()) if shown.size else 0.0, 0.0)
        ax.set_ylim(-105, max(top, 10.0) + 5)
        ax.set_xlim(-1, max(change.size, 1))
        ax.set_xticks([])
        ax.set_xlabel(f"Patients, sorted by change (n = {change.size})")
        ax.set_ylabel(f"Change in {waterfall.outcome_label} at {waterfall.time_label} (%)")
        handles, labels = ax.get_legend_handles_labels()
        if change.size <= 3000 and np.any(shown == 0):
            handles.append(Line2D([], [], color="#333333", linestyle="none", marker="|",
                                  markersize=5))  # fmt: skip
            labels.append("No change (0%)")
        ax.legend(handles, labels, loc="upper right", frameon=False)
    return figure


# ------------------------------------------------------------------ captions, files


def _thinned_note(figures: FigureData) -> str:
    notes = [
        f"{MAX_TRAJECTORIES:,} of {t.values.shape[0]:,} patients are drawn for "
        f"{t.group} ({t.outcome_label})"
        for t in figures.trajectories
        if t.values.shape[0] > MAX_TRAJECTORIES
    ]
    if not notes:
        return ""
    return (
        " For legibility, " + "; ".join(notes) + ", evenly spaced in sorted order; the medians"
        " use all patients."
    )


def _waterfall_caption(waterfall: Waterfall) -> str:
    change = np.asarray(waterfall.percent_change, dtype=float)
    capped = int(np.sum(change[~np.isnan(change)] > WATERFALL_CAP))
    threshold = format_number(waterfall.threshold, 0, TYPESET)
    text = (
        f"Percent change in {waterfall.outcome_label} at {waterfall.time_label} for each patient,"
        f" sorted, coloured by group. The dashed line at {threshold}% marks the responder"
        f" threshold ({waterfall.rule})."
    )
    if capped:
        cap = format_number(WATERFALL_CAP, 0, TYPESET)
        verb = "is" if capped == 1 else "are"
        text += f" {counted(capped, 'bar')} above +{cap}% {verb} truncated at +{cap}%."
    unchanged = int(np.sum(change == 0))
    if unchanged == 1:
        text += " A tick on the zero line marks the 1 patient with no change (a bar of height 0)."
    elif unchanged:
        text += (
            f" Ticks on the zero line mark the {unchanged:,} patients with no change"
            " (bars of height 0)."
        )
    return text


def _axis_name(key: str, label: str, scales: Mapping[str, OutcomeScale]) -> str:
    scale = scales.get(key)
    return scale.label if scale is not None and scale.label else label


def _direction_note(
    keys: Sequence[str], names: Mapping[str, str], scales: Mapping[str, OutcomeScale]
) -> str:
    notes = []
    for key in keys:
        scale = scales.get(key)
        if scale is not None and scale.higher_is_worse:
            notes.append(f" A higher {names[key]} is worse.")
    return "".join(notes)


def figure_captions(result: StudyResult) -> dict[str, str]:
    """Caption (without the "Figure n." lead) of each figure drawn for ``result``, in order."""
    figures = result.figures
    captions = {
        "flow": "Flow of patients: assessed for eligibility, excluded with reasons, analysed,"
        " and the groups compared.",
    }
    scales = outcome_scales(result)
    if figures.summaries:
        keys = _unique(s.outcome for s in figures.summaries)
        names = {
            s.outcome: _axis_name(s.outcome, s.outcome_label, scales) for s in figures.summaries
        }
        times = ", ".join(_unique(s.time_label for s in figures.summaries))
        if len(keys) > 1:
            labels = "; ".join(
                f"({k}) {names[o]}" for k, o in zip(PANEL_LETTERS, keys, strict=False)
            )
        else:
            labels = names[keys[0]]
        captions["outcomes"] = (
            f"{labels} at {times} by group: mean with 95% confidence interval."
            + _direction_note(keys, names, scales)
        )
    if figures.trajectories:
        keys = _unique(t.outcome for t in figures.trajectories)
        names = {
            t.outcome: _axis_name(t.outcome, t.outcome_label, scales) for t in figures.trajectories
        }
        rows = "; ".join(names[k] for k in keys)
        captions["trajectories"] = (
            "Individual patients' values over time (thin lines, one per patient, coloured by"
            " group) with the group median (bold black line); one row per outcome"
            f" ({rows}), one column per group, panels lettered row by row."
            + _direction_note(keys, names, scales)
            + _thinned_note(figures)
        )
    if figures.waterfall is not None:
        captions["waterfall"] = _waterfall_caption(figures.waterfall)
    ext = result.extended
    if ext is not None and ext.figures.cpra is not None:
        from painresponse.render.cpra_figures import cpra_caption

        captions["cpra"] = cpra_caption(ext.figures.cpra)
    if ext is not None:
        if ext.figures.responder_curves and ext.figures.cpra is None:
            captions["responder_curves"] = (
                "Cumulative responder curves: share of patients reaching each percent reduction "
                "in pain from baseline, per follow-up time point. Dotted lines mark the 30% and "
                "50% reductions, IMMPACT's moderate and substantial benchmarks."
            )
        if ext.figures.roc is not None:
            captions["roc"] = (
                "ROC curve of the pain change against EQ-5D improvement, with the chance line "
                "(dashed) and the Youden-optimal cut-off marked."
            )
        if ext.figures.forest:
            captions["forest"] = (
                "Odds ratios of response (95% CI) from univariable and multivariable "
                "logistic regression, on a log scale; an odds ratio above 1 means higher odds "
                "of response. Each level of a categorical characteristic is compared with its "
                "reference category, named after “vs.”; – not in the multivariable model."
            )
    return captions
