"""Figures: drawn from the figure data, written as SVG and PNG, deterministic."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from painresponse.flow import Exclusion, Flow
from painresponse.render.figure_set import RenderedFigure, render_figures, write_figures
from painresponse.render.figures import (
    MAX_TRAJECTORIES,
    OKABE_ITO,
    figure_captions,
    outcome_figure,
    trajectory_figure,
    waterfall_figure,
)
from painresponse.render.flow_diagram import flow_figure
from painresponse.result import StudyResult, Trajectories


def test_write_figures_svg_and_png(
    result: StudyResult, rendered: list[RenderedFigure], tmp_path: Path
) -> None:
    paths = write_figures(result, tmp_path, rendered=rendered)
    names = [p.name for p in paths]
    assert names[:2] == ["figure1_flow.svg", "figure1_flow.png"]
    assert {p.suffix for p in paths} == {".svg", ".png"} and len(paths) == 8
    for path in paths:
        assert path.stat().st_size > 1000
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_svg_is_deterministic(result: StudyResult, rendered: list[RenderedFigure]) -> None:
    again = render_figures(result)
    for first, second in zip(rendered, again, strict=True):
        assert first.svg == second.svg
        assert "<dc:date>" not in first.svg


def test_outcome_figure_panels_and_statistics(result: StudyResult) -> None:
    figure = outcome_figure(result.figures)
    assert len(figure.axes) == 3
    assert [ax.get_title() for ax in figure.axes] == [
        "Pain (NRS)",
        "EQ-5D sum",
        "Leg coldness (NRS)",
    ]
    assert figure.axes[0].get_ylabel() == "Mean (95% CI)"
    colours = {line.get_color() for line in figure.axes[0].get_lines()}
    assert OKABE_ITO[0] in colours and OKABE_ITO[1] in colours
    median = outcome_figure(result.figures, statistic="median_iqr")
    assert median.axes[0].get_ylabel() == "Median (IQR)"
    with pytest.raises(ValueError):
        outcome_figure(result.figures, statistic="mode")  # type: ignore[arg-type]


def test_trajectories_are_thinned_above_the_limit(result: StudyResult) -> None:
    big = np.tile(np.arange(3, dtype=float), (MAX_TRAJECTORIES + 500, 1))
    trajectories = (
        Trajectories("pain", "Pain (NRS)", "Responder", ("T0", "T1"), ("T0", "T1"), big[:, :2]),
    )
    figures = replace(result.figures, trajectories=trajectories)
    figure = trajectory_figure(figures)
    drawn = figure.axes[0].collections[0].get_segments()
    assert len(drawn) == MAX_TRAJECTORIES
    thinned = replace(result, figures=figures)
    assert "2,000 of 2,500 patients" in figure_captions(thinned)["trajectories"]
    assert "evenly spaced" not in figure_captions(result)["trajectories"]


def test_waterfall_threshold_and_cap(result: StudyResult) -> None:
    figure = waterfall_figure(result.figures)
    ax = figure.axes[0]
    assert any(np.allclose(line.get_ydata(), -50.0) for line in ax.get_lines())
    assert any("responder threshold" in t.get_text() for t in ax.texts)
    assert ax.get_ylim()[1] <= 110
    assert "1 bar above +100% is truncated" in figure_captions(result)["waterfall"]
    assert "(s)" not in figure_captions(result)["waterfall"]
    with pytest.raises(ValueError):
        waterfall_figure(replace(result.figures, waterfall=None))


def test_flow_figure_boxes(result: StudyResult) -> None:
    flow = Flow(
        100,
        (
            Exclusion("eligibility", "age under 18", 4),
            Exclusion("completeness", "pain at T1 not recorded", 3),
            Exclusion("classification", "pain at T0 was 0", 2),
        ),
        (("A", 30), ("B", 31), ("C", 30)),
    )
    texts = [t.get_text() for t in flow_figure(flow).axes[0].texts]
    joined = "\n".join(texts)
    for expected in (
        "(n = 100)",
        "Excluded (n = 7)",
        "Analysed (n = 91)",  # the groups: the unclassified leave before it
        "Not classified (n = 2)",
        "A (n = 30)",
        "C (n = 30)",
        "age under 18 (n = 4)",
    ):
        assert expected in joined
    assert len(flow_figure(result.flow).axes[0].patches) == 5


def test_only_the_forms_asked_for(result: StudyResult, rendered: list[RenderedFigure]) -> None:
    svg_only = render_figures(result, ("svg",))
    assert [f.svg for f in svg_only] == [f.svg for f in rendered]
    with pytest.raises(ValueError, match="without its PNG"):
        svg_only[0].png  # noqa: B018
    png_only = render_figures(result, ("png",))
    # the same PNG as beside the SVG: constrained layout settles over drawings
    assert [f.png for f in png_only] == [f.png for f in rendered]
    with pytest.raises(ValueError, match="without its SVG"):
        png_only[0].svg  # noqa: B018
    with pytest.raises(ValueError, match="kinds"):
        render_figures(result, ("pdf",))  # type: ignore[arg-type]
