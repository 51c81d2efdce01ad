"""Figures of the extended analyses: responder curves, ROC curve, forest plot of odds ratios.

They draw from :class:`~painresponse.extended.ExtendedFigureData` and never compute a
statistic. matplotlib (Agg canvas, no pyplot) is imported lazily through
:mod:`painresponse.render.figures`, whose style, sizes and Okabe–Ito palette they share.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from painresponse.render.figures import OKABE_ITO, _new_figure, _serialise, _style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from painresponse.extended import ExtendedResult
    from painresponse.extended.predictors import ForestRow
    from painresponse.extended.responder_curves import ResponderCurve
    from painresponse.extended.roc import RocResult

__all__ = [
    "forest_figure",
    "responder_curve_figure",
    "roc_figure",
    "write_extended_figures",
]


def responder_curve_figure(curves: tuple[ResponderCurve, ...] | list[ResponderCurve]) -> Figure:
    """Cumulative responder curves: share of patients reaching each percent reduction."""
    figure = _new_figure(8.5, 7.0)
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
    for cut in (30, 50):
        ax.axvline(cut, color="#999999", linewidth=0.5, linestyle=":")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("Pain reduction from baseline of at least (%)")
    ax.set_ylabel("Patients (%)")
    ax.legend(frameon=False)
    return figure


def roc_figure(roc: RocResult) -> Figure:
    """ROC curve with the chance line and the Youden-optimal point(s)."""
    figure = _new_figure(8.5, 8.5)
    ax = figure.add_subplot()
    fpr = 1 - roc.specificity
    order = np.lexsort((roc.sensitivity, fpr))
    ax.plot(
        fpr[order],
        roc.sensitivity[order],
        color=OKABE_ITO[0],
        linewidth=1.2,
        drawstyle="default",
        label=f"AUC {roc.auc:.3f} ({roc.ci[0]:.3f}–{roc.ci[1]:.3f})",
    )
    ax.plot([0, 1], [0, 1], color="#999999", linewidth=0.6, linestyle="--")
    for i in roc.best:
        ax.plot(fpr[i], roc.sensitivity[i], marker="o", color=OKABE_ITO[1], linestyle="none")
        ax.annotate(
            f"cut-off {roc.thresholds[i]:g}",
            (fpr[i], roc.sensitivity[i]),
            textcoords="offset points",
            xytext=(6, -10),
            fontsize=7,
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("1 − specificity")
    ax.set_ylabel("Sensitivity")
    ax.set_title(f"{roc.predictor_label}\nfor {roc.reference_label}", fontsize=7)
    ax.legend(frameon=False, loc="lower right")
    return figure


def forest_figure(rows: tuple[ForestRow, ...] | list[ForestRow]) -> Figure:
    """Forest plot of odds ratios (log scale), univariable and multivariable."""
    labels = list(dict.fromkeys((r.label, r.level) for r in rows))
    height = max(6.0, 0.45 * len(labels) + 2.0)
    figure = _new_figure(17.5, height)
    ax = figure.add_subplot()
    for m, (model, offset) in enumerate((("univariable", -0.15), ("multivariable", 0.15))):
        chosen = [r for r in rows if r.model == model]
        ys = [labels.index((r.label, r.level)) + offset for r in chosen]
        ors = [r.odds_ratio for r in chosen]
        lo = [r.odds_ratio - r.ci_low for r in chosen]
        hi = [r.ci_high - r.odds_ratio for r in chosen]
        if chosen:
            ax.errorbar(
                ors,
                ys,
                xerr=[lo, hi],
                fmt=("o", "s")[m],
                color=OKABE_ITO[m],
                markersize=3.5,
                linewidth=0.9,
                capsize=0,
                label=model,
            )
    ax.axvline(1.0, color="#999999", linewidth=0.6)
    ax.set_xscale("log")
    finite = [v for r in rows for v in (r.ci_low, r.ci_high) if math.isfinite(v) and v > 0]
    if finite:
        ax.set_xlim(max(min(finite) / 1.3, 1e-3), min(max(finite) * 1.3, 1e3))
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([f"{lab}: {lvl}" if lvl else lab for lab, lvl in labels])
    ax.invert_yaxis()
    ax.set_xlabel("Odds ratio of response (95% CI, log scale)")
    ax.legend(frameon=False, loc="upper right")
    return figure


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
        draw.append(("S3_forest", lambda: forest_figure(ext.figures.forest)))
    paths: list[Path] = []
    with _style():
        for stem, make in draw:
            figure = make()
            svg, png = _serialise(figure, f"painresponse-{stem}")
            svg_path, png_path = out / f"figure{stem}.svg", out / f"figure{stem}.png"
            svg_path.write_text(svg, encoding="utf-8")
            png_path.write_bytes(png)
            paths += [svg_path, png_path]
    return paths
