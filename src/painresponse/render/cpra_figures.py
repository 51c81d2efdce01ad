"""The cumulative responder (CPRA) figure, its caption and its data file.

Draws :class:`~painresponse.tables.supplementary.cpra.CpraFigureData` and never computes a
statistic: one panel per follow-up time (columns) and change scale (rows: percent, then
points), each group's curve as a step line with its pointwise bootstrap band shaded, the
IMMPACT percent reductions as dotted lines. Shares the style, sizes and Okabe–Ito palette
of :mod:`painresponse.render._figure_style`; matplotlib is imported lazily (Agg canvas, no pyplot).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from painresponse.render._figure_style import (
    DOUBLE_COLUMN_CM,
    GREY,
    LETTER_SIZE,
    OKABE_ITO,
    PANEL_LETTERS,
    house_style,
    new_figure,
    serialise,
)
from painresponse.render.format import TYPESET, format_pvalue

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from painresponse.tables.supplementary.cpra import CpraComparison, CpraFigureData

__all__ = ["cpra_caption", "cpra_figure", "cpra_figure_frame", "write_cpra_figure"]

_KINDS = ("percent", "absolute")
_TESTS = {
    "rank_sum": "Wilcoxon rank-sum",
    "kruskal": "Kruskal–Wallis",
    "signed_rank": "signed-rank",
}


def _drawn_groups(data: CpraFigureData) -> tuple[str, ...]:
    """The groups when there are some (the all-patients curve is then in the data only)."""
    return data.groups[1:] if len(data.groups) > 1 else data.groups


def _p_text(comparison: CpraComparison) -> str:
    if comparison.result is None:
        return ""
    test = _TESTS.get(comparison.result.test, comparison.result.test)
    mark = " †" if comparison.circular else ""
    p = format_pvalue(comparison.result.pvalue, TYPESET)
    sign = "" if p.startswith(("<", ">")) else "= "
    return f"{test} P {sign}{p}{mark}"


def _panel(ax: Axes, data: CpraFigureData, time: str, kind: str) -> None:
    groups = _drawn_groups(data)
    for i, group in enumerate(groups):
        curve = next(
            (c.curve for c in data.curves if (c.time, c.group, c.kind) == (time, group, kind)),
            None,
        )
        if curve is None:
            continue
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        x, y = curve.thresholds, 100 * curve.proportion
        # S(c) = share reaching c is left-continuous: the value at c holds on (c - step, c].
        ax.step(x, y, where="pre", color=colour, linewidth=1.2, label=f"{group} (n = {curve.n})")
        if curve.n_boot:
            ax.fill_between(
                x,
                100 * curve.ci_low,
                100 * curve.ci_high,
                step="pre",
                color=colour,
                alpha=0.18,
                linewidth=0,
            )
    if kind == "percent":
        for cut in data.immpact:
            ax.axvline(cut, color=GREY, linewidth=0.6, linestyle=":")
        ax.set_xlim(0, 100)
        ax.set_xlabel(f"Reduction from {data.baseline_label} of at least (%)")
    else:
        top = max((c.curve.thresholds[-1] for c in data.curves if c.kind == kind), default=1.0)
        ax.set_xlim(0, float(top))
        ax.set_xlabel(f"Reduction from {data.baseline_label} of at least ({data.unit})")
    ax.set_ylim(0, 100)
    ax.set_ylabel("Patients (%)")
    label = dict(data.times)[time]
    # The whole-curve tests are of the percent reduction: named on those panels only.
    test = next((c for c in data.comparisons if c.kind == "groups" and c.time == time), None)
    extra = f"\n{_p_text(test)}" if kind == "percent" and test is not None and _p_text(test) else ""
    ax.set_title(f"{label}{extra}", loc="right")


def cpra_figure(data: CpraFigureData) -> Figure:
    """Cumulative responder curves with pointwise bootstrap bands, per time and scale.

    Parameters
    ----------
    data : CpraFigureData
        The curves, bands, groups and whole-curve tests of Table S10.

    Returns
    -------
    matplotlib.figure.Figure
        A double-column figure (17.5 cm): columns are the follow-up times, rows the percent
        and the absolute reduction; panels lettered A, B, ...; each panel's title names the
        time and the between-group whole-curve test († when circular); the legend (groups
        and n) below.
    """
    times = [t for t, _ in data.times]
    figure = new_figure(DOUBLE_COLUMN_CM, 6.5 * len(_KINDS) + 1.5)
    axes = figure.subplots(len(_KINDS), len(times), squeeze=False)
    for r, kind in enumerate(_KINDS):
        for c, time in enumerate(times):
            _panel(axes[r][c], data, time, kind)
    for letter, ax in zip(PANEL_LETTERS, [ax for row in axes for ax in row], strict=False):
        ax.set_title(letter, loc="left", fontweight="bold", fontsize=LETTER_SIZE)
    handles, labels = axes[0][0].get_legend_handles_labels()
    title = data.grouping  # None: the one curve's label says "All patients"
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(4, max(1, len(labels))),
        frameon=False,
        title=title,
    )
    return figure


def cpra_caption(data: CpraFigureData) -> str:
    """The figure's caption in words: what is drawn, the bands, and the tests."""
    level = f"{data.conf_level:.0%}"
    boot = next((c.curve for c in data.curves if c.curve.n_boot), None)
    band = (
        f" Shaded: pointwise {level} percentile bootstrap band ({boot.n_boot:,} resamples of "
        "the patients, seeded; seeds in the data file)."
        if boot is not None
        else ""
    )
    cuts = ", ".join(f"{c:g}" for c in data.immpact)
    who = f"by {data.grouping}" if data.grouping else "of all patients"
    text = (
        f"Cumulative proportion of responders {who}: the share of patients whose "
        f"{data.outcome_label} fell from {data.baseline_label} by at least each percent "
        f"(top) and each {data.unit.rstrip('s')} (bottom). Dotted lines: {cuts}% "
        f"(IMMPACT thresholds).{band}"
    )
    times = [c for c in data.comparisons if c.kind == "times" and c.result is not None]
    for c in times:
        text += f" {c.label} on the same patients: {_p_text(c)}."
    if any(c.circular for c in data.comparisons):
        text += (
            " †: the groups are defined by this change (the responder rule); the P-value holds "
            "by construction."
        )
    return text


def cpra_figure_frame(data: CpraFigureData) -> pl.DataFrame:
    """Every curve point with its band: the figure's data, one row per threshold.

    Columns: ``time``, ``time_label``, ``group``, ``kind`` (``percent``/``absolute``),
    ``threshold``, ``proportion``, ``ci_low``, ``ci_high`` (0–1, unrounded), ``n``,
    ``n_boot``, ``seed``, ``conf_level``.
    """
    frames = []
    for c in data.curves:
        size = c.curve.thresholds.size
        frames.append(
            pl.DataFrame(
                {
                    "time": [c.time] * size,
                    "time_label": [c.time_label] * size,
                    "group": [c.group] * size,
                    "kind": [c.kind] * size,
                    "threshold": c.curve.thresholds,
                    "proportion": c.curve.proportion,
                    "ci_low": c.curve.ci_low,
                    "ci_high": c.curve.ci_high,
                    "n": [c.curve.n] * size,
                    "n_boot": [c.curve.n_boot] * size,
                    "seed": [c.curve.seed] * size,
                    "conf_level": [c.curve.conf_level] * size,
                },
                schema_overrides={"seed": pl.Int64},
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame()


def write_cpra_figure(data: CpraFigureData, out_dir: str | Path, stem: str) -> list[Path]:
    """Write the CPRA figure (SVG, PNG at 300 dpi) and its data (CSV, UTF-8 with BOM).

    Parameters
    ----------
    data : CpraFigureData
        The figure data of Table S10.
    out_dir : str or Path
        Directory to write into (created if absent).
    stem : str
        File stem after ``figure`` (e.g. ``"S4_cpra"`` gives ``figureS4_cpra.svg``).

    Returns
    -------
    list of Path
        ``figure<stem>.svg``, ``figure<stem>.png``, ``figure<stem>_data.csv``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with house_style():
        svg, png = serialise(cpra_figure(data), f"painresponse-{stem}")
    assert svg is not None and png is not None
    svg_path, png_path = out / f"figure{stem}.svg", out / f"figure{stem}.png"
    csv_path = out / f"figure{stem}_data.csv"
    svg_path.write_text(svg, encoding="utf-8")
    png_path.write_bytes(png)
    text = cpra_figure_frame(data).write_csv(float_precision=None)
    csv_path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return [svg_path, png_path, csv_path]
