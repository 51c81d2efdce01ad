"""Figures read as a journal reviewer reads them: ticks, legends, labels, panel letters, words.

Most checks run on the real analysis of the bundled synthetic cohort (with the extended
analyses: responder curves, ROC, forest plot), drawn once for the module.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from painresponse.render._figure_style import house_style
from painresponse.render.extended_figures import forest_figure, roc_figure
from painresponse.render.figures import (
    PANEL_LETTERS,
    OutcomeScale,
    figure_captions,
    outcome_figure,
    outcome_scales,
    trajectory_figure,
    waterfall_figure,
)
from painresponse.result import StudyResult

_COUNTED = re.compile(r"\w\(s\)")


@pytest.fixture(scope="module")
def analysed() -> StudyResult:
    """The bundled cohort analysed with the extended analyses."""
    try:
        from painresponse.pipeline import analyze
        from painresponse.synth import default_cohort_path
    except ImportError as missing:  # pragma: no cover - the pipeline is part of the package
        pytest.skip(f"analyze() is not available: {missing}")
    return analyze(default_cohort_path(), extended=True)


def _ticks(ax: Axes) -> list[float]:
    low, high = ax.get_ylim()
    return [t for t in ax.get_yticks() if min(low, high) <= t <= max(low, high)]


def _legend_texts(figure: Figure) -> list[str]:
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes)]
    return [t.get_text() for legend in legends if legend is not None for t in legend.get_texts()]


def _texts(figure: Figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if isinstance(t, Text) and t.get_text()]


def _all_text(figure: Figure) -> str:
    return "\n".join(t.get_text() for t in _texts(figure))


def test_eq5d_ticks_are_integers(analysed: StudyResult) -> None:
    scales = outcome_scales(analysed)
    eq5d = next(k for k, s in scales.items() if s.higher_is_worse)
    for figure in (
        trajectory_figure(analysed.figures, scales=scales),
        outcome_figure(analysed.figures, scales=scales),
    ):
        for ax in figure.axes:
            ticks = _ticks(ax)
            assert ticks and all(float(t).is_integer() for t in ticks), ax.get_ylabel()
    trajectories = trajectory_figure(analysed.figures, scales=scales)
    labels = [ax.get_ylabel() for ax in trajectories.axes]
    assert any(label.startswith("EQ-5D level sum") for label in labels)
    assert eq5d in {t.outcome for t in analysed.figures.trajectories}


def test_integer_ticks_without_a_study(result: StudyResult) -> None:
    scales = {s.outcome: OutcomeScale(0, 25) for s in result.figures.summaries}
    for ax in trajectory_figure(result.figures, scales=scales).axes:
        assert all(float(t).is_integer() for t in _ticks(ax))


def test_higher_eq5d_level_sum_is_said_to_be_worse(analysed: StudyResult) -> None:
    captions = figure_captions(analysed)
    assert "A higher EQ-5D level sum (5–25) is worse." in captions["outcomes"]
    assert "A higher EQ-5D level sum (5–25) is worse." in captions["trajectories"]
    figure = outcome_figure(analysed.figures, scales=outcome_scales(analysed))
    assert any("higher = worse" in ax.get_ylabel() for ax in figure.axes)


def test_panel_letters_on_multi_panel_figures(analysed: StudyResult) -> None:
    scales = outcome_scales(analysed)
    for figure in (
        outcome_figure(analysed.figures, scales=scales),
        trajectory_figure(analysed.figures, scales=scales),
    ):
        letters = [ax.get_title(loc="left") for ax in figure.axes if ax.get_visible()]
        assert letters == list(PANEL_LETTERS[: len(letters)]) and len(letters) > 1


def test_every_mark_has_a_legend_entry(analysed: StudyResult) -> None:
    scales = outcome_scales(analysed)
    assert {"Individual patients", "Group median"} <= set(
        _legend_texts(trajectory_figure(analysed.figures, scales=scales))
    )
    assert "No change (0%)" in _legend_texts(waterfall_figure(analysed.figures))
    ext = analysed.extended
    assert ext is not None and ext.figures.roc is not None
    roc = _legend_texts(roc_figure(ext.figures.roc))
    assert any(t.startswith("ROC curve, AUC") for t in roc)
    assert "Chance (AUC 0.5)" in roc
    assert any(t.startswith("Youden-optimal cut-off") for t in roc)
    forest = _legend_texts(forest_figure(ext.figures.forest))
    assert "OR = 1 (no association)" in forest
    assert "Univariable OR (95% CI)" in forest


def test_waterfall_label_on_one_line_and_zero_bars_explained(analysed: StudyResult) -> None:
    ax = waterfall_figure(analysed.figures).axes[0]
    assert "\n" not in ax.get_ylabel()
    assert ax.get_ylabel() == "Change in Pain (NRS) at T1 (%)"
    caption = figure_captions(analysed)["waterfall"]
    assert "with no change (bars of height 0)" in caption


def test_responder_curve_reference_lines_labelled(analysed: StudyResult) -> None:
    from painresponse.render.extended_figures import responder_curve_figure

    ext = analysed.extended
    assert ext is not None
    texts = [
        t.get_text() for t in responder_curve_figure(ext.figures.responder_curves).axes[0].texts
    ]
    assert "30% (moderate)" in texts and "50% (substantial)" in texts


def test_roc_title_in_plain_english(analysed: StudyResult) -> None:
    ext = analysed.extended
    assert ext is not None and ext.figures.roc is not None
    title = roc_figure(ext.figures.roc).axes[0].get_title().replace("\n", " ")
    assert "(s)" not in title
    assert "≥ 1 point," in title


def test_forest_plot_numbers_and_references(analysed: StudyResult) -> None:
    from painresponse.render.extended_figures import forest_references

    ext = analysed.extended
    assert ext is not None
    references = forest_references(ext.tables)
    assert references.get("Sex") == "Male"
    figure = forest_figure(ext.figures.forest, references)
    plot = figure.axes[0]
    ticks = [t.get_text() for t in plot.get_xticklabels()]
    assert "1" in ticks and all(re.fullmatch(r"\d+(\.\d+)?", t) for t in ticks), ticks
    assert not any("10^" in t or "$" in t for t in ticks)
    text = _all_text(figure)
    assert "Univariable\nOR (95% CI)" in text
    first = next(r for r in ext.figures.forest if r.model == "univariable")
    assert re.search(rf"{first.odds_ratio:.2f} \(\d+\.\d\d to \d+\.\d\d\)", text)
    assert any(t.get_text() == "Sex: Female vs. Male" for t in plot.get_yticklabels())


def test_one_house_style(analysed: StudyResult) -> None:
    """Every text of every figure is 7–9 pt, in the house font."""
    from painresponse.render.figure_set import render_figures

    allowed = {7.5, 8.0, 9.0}
    for rendered in render_figures(analysed):
        assert "<text" not in rendered.svg  # svg.fonttype = path: same glyphs everywhere
    scales = outcome_scales(analysed)
    ext: Any = analysed.extended
    with house_style():
        figures = [
            outcome_figure(analysed.figures, scales=scales),
            trajectory_figure(analysed.figures, scales=scales),
            waterfall_figure(analysed.figures),
            roc_figure(ext.figures.roc),
            forest_figure(ext.figures.forest),
        ]
        for figure in figures:
            figure.canvas.draw()
            sizes = {float(t.get_fontsize()) for t in _texts(figure)}
            assert sizes <= allowed, sizes


def test_no_counted_nouns_with_s_in_parentheses(analysed: StudyResult) -> None:
    for name, caption in figure_captions(analysed).items():
        assert not _COUNTED.search(caption), name
    ext = analysed.extended
    assert ext is not None and ext.figures.roc is not None
    assert not _COUNTED.search(_all_text(roc_figure(ext.figures.roc)))
    assert np.isfinite(ext.figures.roc.auc)
