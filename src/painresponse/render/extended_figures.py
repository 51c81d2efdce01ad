"""Figures of the extended analyses: responder curves, ROC curve, forest plot of odds ratios.

They draw from :class:`~painresponse.tables.supplementary.ExtendedFigureData` and never compute a
statistic. matplotlib (Agg canvas, no pyplot) is imported lazily through
:mod:`painresponse.render._figure_style`, whose style, sizes, grey reference lines and
Okabe–Ito palette they share with :mod:`painresponse.render.figures` (which draws them
with the report's other figures).
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from painresponse.render._figure_style import (
    DOUBLE_COLUMN_CM,
    GREY,
    OKABE_ITO,
    SINGLE_COLUMN_CM,
    house_style,
    new_figure,
    serialise,
)
from painresponse.render.format import TYPESET, format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from painresponse.stats.diagnostic import RocResult
    from painresponse.tables.model import Table
    from painresponse.tables.supplementary import ExtendedResult
    from painresponse.tables.supplementary.predictors import ForestRow
    from painresponse.tables.supplementary.responder_rates import ResponderCurve

__all__ = [
    "forest_figure",
    "forest_references",
    "responder_curve_figure",
    "roc_figure",
    "write_extended_figures",
]

#: The IMMPACT benchmarks of a pain reduction (Dworkin et al., J Pain 2008;9:105-21).
REFERENCE_REDUCTIONS = ((30, "moderate"), (50, "substantial"))
_TEXT_SIZE = 7.5  # the numbers beside the forest plot: the size of its tick labels
_COUNTED_UNIT = re.compile(r"\b(\d+(?:\.\d+)?) (\w+)\(s\)")
#: Plain-number ticks of an odds-ratio axis: 1-2-5 steps for a short range, fewer for a
#: long one (so that labels never collide); those inside the axis limits are shown.
_OR_TICKS_FINE = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
_OR_TICKS_WIDE = (0.001, 0.01, 0.1, 0.5, 1, 2, 10, 100, 1000)


def _english(text: str) -> str:
    """ "≥ 1 point(s)" → "≥ 1 point", "≥ 2 point(s)" → "≥ 2 points"."""

    def number(match: re.Match[str]) -> str:
        value, noun = match.group(1), match.group(2)
        return f"{value} {noun}" if float(value) == 1 else f"{value} {noun}s"

    return _COUNTED_UNIT.sub(number, text)


def responder_curve_figure(curves: tuple[ResponderCurve, ...] | list[ResponderCurve]) -> Figure:
    """Cumulative responder curves: share of patients reaching each percent reduction.

    Parameters
    ----------
    curves : sequence of ResponderCurve
        One curve per follow-up time point.

    Returns
    -------
    matplotlib.figure.Figure
        A single-column figure (8.5 cm); the 30% and 50% reductions (IMMPACT's moderate
        and substantial benchmarks) are labelled dotted lines.
    """
    figure = new_figure(SINGLE_COLUMN_CM, 7.0)
    ax = figure.add_subplot()
    for i, curve in enumerate(curves):
        ax.step(
            curve.thresholds,
            100 * curve.share,
            where="post",
            color=OKABE_ITO[i % 7],
            linestyle=("-", "--", ":", "-.")[i % 4],
            linewidth=1.2,
            label=f"{curve.time_label} (n = {curve.n})",
        )
    for cut, name in REFERENCE_REDUCTIONS:
        ax.axvline(cut, color=GREY, linewidth=0.6, linestyle=":")
        ax.annotate(
            f"{cut}% ({name})",
            xy=(cut, 100),
            xytext=(2, -2),
            textcoords="offset points",
            rotation=90,
            ha="left",
            va="top",
            color="#555555",
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("Pain reduction from baseline of at least (%)")
    ax.set_ylabel("Patients (%)")
    ax.legend(frameon=False, loc="upper right", title="Follow-up")
    return figure


def roc_figure(roc: RocResult) -> Figure:
    """ROC curve with the chance line and the Youden-optimal cut-off, each in the legend.

    Parameters
    ----------
    roc : RocResult
        The empirical ROC curve, its AUC with DeLong interval, and the Youden point(s).

    Returns
    -------
    matplotlib.figure.Figure
        A single-column figure (8.5 cm), the plot square, the legend below it.
    """
    figure = new_figure(SINGLE_COLUMN_CM, 10.5)
    ax = figure.add_subplot()
    fpr = 1 - roc.specificity
    order = np.lexsort((roc.sensitivity, fpr))
    auc = format_number(roc.auc, 3, TYPESET)
    low, high = (format_number(v, 3, TYPESET) for v in roc.ci)
    ax.plot(
        fpr[order],
        roc.sensitivity[order],
        color=OKABE_ITO[0],
        linewidth=1.2,
        label=f"ROC curve, AUC {auc} (95% CI {low} to {high})",
    )
    ax.plot([0, 1], [0, 1], color=GREY, linewidth=0.6, linestyle="--", label="Chance (AUC 0.5)")
    cuts = [format_number(float(roc.thresholds[i]), 1, TYPESET) for i in roc.best]
    if roc.best:
        best = list(roc.best)
        noun = "cut-off" if len(best) == 1 else "cut-offs"
        ax.plot(
            fpr[best],
            roc.sensitivity[best],
            marker="o",
            markersize=5,
            color=OKABE_ITO[1],
            linestyle="none",
            label=f"Youden-optimal {noun}: reduction > {', '.join(cuts)}",
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    # No set_aspect("equal"): with the constrained layout it shifts the axes under the title
    # in the SVG; the figure's height makes the plot square instead.
    ax.set_xlabel("1 − specificity")
    ax.set_ylabel("Sensitivity")
    title = f"{_english(roc.predictor_label)} predicting {_english(roc.reference_label)}"
    ax.set_title(textwrap.fill(title, 48))
    # Below the axes: inside, the legend would cover the curve wherever it runs.
    figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", frameon=False)
    return figure


def forest_references(tables: Mapping[str, Table]) -> dict[str, str]:
    """The reference category of each categorical characteristic, from the predictors table.

    Parameters
    ----------
    tables : mapping of str to Table
        The extended tables; the rows whose odds-ratio cell reads "reference" name it.

    Returns
    -------
    dict of str to str
        Characteristic label → reference level.
    """
    from painresponse.tables.model import Text

    references: dict[str, str] = {}
    for table in tables.values():
        for row in table.rows:
            cell = row.cells.get("or_uni")
            if isinstance(cell, Text) and cell.text == "reference" and row.level is not None:
                references[row.label] = row.level
    return references


def _or_text(row: ForestRow | None) -> str:
    if row is None:
        return ""
    values = (format_number(v, 2, TYPESET) for v in (row.odds_ratio, row.ci_low, row.ci_high))
    estimate, low, high = values
    return f"{estimate} ({low} to {high})"


def forest_figure(
    rows: tuple[ForestRow, ...] | list[ForestRow],
    references: Mapping[str, str] | None = None,
) -> Figure:
    """Forest plot of odds ratios (log scale) with a column of the numbers beside it.

    Parameters
    ----------
    rows : sequence of ForestRow
        Univariable and multivariable odds ratios with their confidence intervals.
    references : mapping of str to str, optional
        Reference category of each categorical characteristic (see
        :func:`forest_references`); a level row then reads "Sex: Female vs. Male".

    Returns
    -------
    matplotlib.figure.Figure
        A double-column figure (17.5 cm): the plot on plain-number ticks (0.1, 0.2, 0.5,
        1, 2, ...), then one "OR (95% CI)" text column per model.
    """
    references = references or {}
    labels = list(dict.fromkeys((r.label, r.level) for r in rows))
    models = [m for m in ("univariable", "multivariable") if any(r.model == m for r in rows)]
    height = max(6.0, 0.42 * len(labels) + 2.4)
    figure = new_figure(DOUBLE_COLUMN_CM, height)
    grid = figure.add_gridspec(1, 1 + len(models), width_ratios=[2.6] + [1.0] * len(models))
    ax = figure.add_subplot(grid[0, 0])
    offsets = {"univariable": -0.15, "multivariable": 0.15} if len(models) > 1 else {}
    for m, model in enumerate(("univariable", "multivariable")):
        chosen = [r for r in rows if r.model == model]
        if not chosen:
            continue
        ys = [labels.index((r.label, r.level)) + offsets.get(model, 0.0) for r in chosen]
        ax.errorbar(
            [r.odds_ratio for r in chosen],
            ys,
            xerr=[
                [r.odds_ratio - r.ci_low for r in chosen],
                [r.ci_high - r.odds_ratio for r in chosen],
            ],
            fmt=("o", "s")[m],
            color=OKABE_ITO[m],
            markersize=3.5,
            linewidth=0.9,
            capsize=0,
            label=f"{model.capitalize()} OR (95% CI)",
        )
    ax.axvline(1.0, color=GREY, linewidth=0.6, label="OR = 1 (no association)")
    _plain_log_axis(ax, rows)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([_row_label(lab, lvl, references) for lab, lvl in labels])
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlabel("Odds ratio of response (log scale)")
    figure.legend(
        *ax.get_legend_handles_labels(), loc="outside upper center", ncols=3, frameon=False
    )
    for k, model in enumerate(models, start=1):
        _text_column(figure.add_subplot(grid[0, k], sharey=ax), model, rows, labels)
    return figure


def _row_label(label: str, level: str | None, references: Mapping[str, str]) -> str:
    if not level:
        return label
    reference = references.get(label)
    return f"{label}: {level} vs. {reference}" if reference else f"{label}: {level}"


def _plain_log_axis(ax: Axes, rows: tuple[ForestRow, ...] | list[ForestRow]) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.set_xscale("log")
    finite = [v for r in rows for v in (r.ci_low, r.ci_high) if math.isfinite(v) and v > 0]
    if finite:
        ax.set_xlim(max(min(finite) / 1.3, 1e-3), min(max(finite) * 1.3, 1e3))
    low, high = ax.get_xlim()
    ticks = _OR_TICKS_FINE if math.log10(high / low) <= 1.6 else _OR_TICKS_WIDE
    ax.xaxis.set_major_locator(FixedLocator([t for t in ticks if low <= t <= high]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_locator(NullLocator())


def _text_column(
    ax: Axes,
    model: str,
    rows: tuple[ForestRow, ...] | list[ForestRow],
    labels: list[tuple[str, str | None]],
) -> None:
    by_label = {(r.label, r.level): r for r in rows if r.model == model}
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    for y, key in enumerate(labels):
        text = _or_text(by_label.get(key))
        ax.text(0.5, y, text or "–", ha="center", va="center", fontsize=_TEXT_SIZE)
    ax.text(
        0.5,
        -0.7,
        f"{model.capitalize()}\nOR (95% CI)",
        ha="center",
        va="bottom",
        fontsize=_TEXT_SIZE,
        fontweight="bold",
    )


def write_extended_figures(ext: ExtendedResult, out_dir: str | Path) -> list[Path]:
    """Write the extended figures as SVG and PNG (300 dpi) into ``out_dir``.

    Parameters
    ----------
    ext : ExtendedResult
        The extended analyses.
    out_dir : str or Path
        Directory to write into (created if absent).

    Returns
    -------
    list of Path
        ``figureS1_responder_curves``, ``figureS2_roc``, ``figureS3_forest`` (``.svg``
        then ``.png``), those that have data.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    draw = []
    if ext.figures.responder_curves:
        draw.append(
            ("S1_responder_curves", lambda: responder_curve_figure(ext.figures.responder_curves))
        )
    roc = ext.figures.roc
    if roc is not None:
        draw.append(("S2_roc", lambda: roc_figure(roc)))
    if ext.figures.forest:
        references = forest_references(ext.tables)
        draw.append(("S3_forest", lambda: forest_figure(ext.figures.forest, references)))
    paths: list[Path] = []
    with house_style():
        for stem, make in draw:
            figure = make()
            svg, png = serialise(figure, f"painresponse-{stem}")
            if svg is None or png is None:  # pragma: no cover - both are asked for
                raise AssertionError("serialise() returned no SVG or PNG")
            svg_path, png_path = out / f"figure{stem}.svg", out / f"figure{stem}.png"
            svg_path.write_text(svg, encoding="utf-8")
            png_path.write_bytes(png)
            paths += [svg_path, png_path]
    return paths
