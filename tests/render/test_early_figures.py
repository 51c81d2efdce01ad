"""The paper's figures, started while the supplementary analyses run, are the same figures.

``painresponse report`` and ``demo`` hand :func:`analyze` an ``on_paper`` callback that
starts drawing the flow, outcome, trajectory and waterfall figures (in a second process
where one pays) before the supplementary analyses; the report then draws only the
supplementary figures. The bytes must not depend on when or where a figure was drawn.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from painresponse.pipeline import analyze
from painresponse.render._figure_pool import PROCESSES_VARIABLE
from painresponse.render.figure_set import PendingFigures, render_figures, start_paper_figures
from painresponse.render.report import ReportJob, figure_kinds
from painresponse.result import StudyResult
from painresponse.synth import default_cohort_path

PAPER_FIGURES = ["flow", "outcomes", "trajectories", "waterfall"]
can_fork = sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) >= 2


@pytest.fixture(scope="module")
def with_paper() -> tuple[StudyResult, list[StudyResult]]:
    """The demo analysis and what its ``on_paper`` callback was given."""
    seen: list[StudyResult] = []
    return analyze(default_cohort_path(), extended=True, on_paper=seen.append), seen


def test_the_callback_gets_the_paper_part_once(
    with_paper: tuple[StudyResult, list[StudyResult]], demo_result: Any
) -> None:
    result, seen = with_paper
    assert len(seen) == 1
    paper = seen[0]
    assert paper.extended is None and paper.methods == ()
    assert paper.tables == {}  # called before the tables: the figures do not need them
    assert paper.flow == result.flow == demo_result.flow
    assert paper.figures == result.figures
    assert result.extended is not None  # and the callback changed nothing downstream
    assert list(result.tables) == list(demo_result.tables)


def test_no_callback_without_supplementary_analyses() -> None:
    seen: list[StudyResult] = []
    analyze(default_cohort_path(), extended=False, on_paper=seen.append)
    assert seen == []


@pytest.mark.parametrize("processes", ["1", "2"] if can_fork else ["1"])
def test_figures_started_early_are_the_same_bytes(
    with_paper: tuple[StudyResult, list[StudyResult]],
    monkeypatch: pytest.MonkeyPatch,
    processes: str,
) -> None:
    result, (paper,) = with_paper
    monkeypatch.setenv(PROCESSES_VARIABLE, processes)
    kinds = figure_kinds(None)
    early = start_paper_figures(paper, kinds)
    assert set(early._order) == set(PAPER_FIGURES)
    pending = PendingFigures(result, kinds, early=early)
    assert set(pending._order) == {"cpra", "roc", "forest"}  # only these drawn at the end
    try:
        combined = pending.figures()
    finally:
        pending.close()
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    assert combined == render_figures(result, kinds)


def test_early_figures_in_other_forms_are_dropped(
    with_paper: tuple[StudyResult, list[StudyResult]], monkeypatch: pytest.MonkeyPatch
) -> None:
    result, (paper,) = with_paper
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    early = start_paper_figures(paper, figure_kinds(["docx"]))  # PNG only
    job = ReportJob(result, ["html"], early=early)  # the report shows SVG
    figures = job.figures
    assert [f.name for f in figures][:4] == PAPER_FIGURES
    assert all(f.svg_document and f.png_image is None for f in figures)


def test_a_report_that_fails_stops_the_early_drawing(
    with_paper: tuple[StudyResult, list[StudyResult]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from painresponse.errors import OutputError
    from painresponse.render.outputs import write_report_folder

    result, (paper,) = with_paper
    monkeypatch.setenv(PROCESSES_VARIABLE, "2")
    early = start_paper_figures(paper, figure_kinds(None))
    closed: list[bool] = []
    monkeypatch.setattr(early, "close", lambda: closed.append(True))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("x")
    with pytest.raises(OutputError):
        write_report_folder(result, tmp_path / "out", {"csv"}, overwrite=False, early=early)
    assert closed
    early._drawing.close()


def _all_figures(
    result: StudyResult, early: PendingFigures, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], list[Any]]:
    """The report's figures with ``early``, and the same drawn afresh in one process."""
    kinds = figure_kinds(None)
    pending = PendingFigures(result, kinds, early=early)
    try:
        combined = pending.figures()
    finally:
        pending.close()
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    return combined, render_figures(result, kinds)


@pytest.fixture(scope="module")
def with_both() -> tuple[StudyResult, list[StudyResult], list[StudyResult]]:
    """The demo analysis, its ``on_paper`` result and its ``on_supplementary`` result."""
    paper: list[StudyResult] = []
    supplementary: list[StudyResult] = []
    result = analyze(
        default_cohort_path(),
        extended=True,
        on_paper=paper.append,
        on_supplementary=supplementary.append,
    )
    return result, paper, supplementary


def test_the_supplementary_callback_gets_the_supplementary_analyses_once(
    with_both: tuple[StudyResult, list[StudyResult], list[StudyResult]],
) -> None:
    result, _, supplementary = with_both
    assert len(supplementary) == 1
    ext = supplementary[0].extended
    assert ext is not None and result.extended is not None
    assert ext.figures == result.extended.figures
    assert set(ext.tables) <= set(result.tables)


@pytest.mark.parametrize("processes", ["1", "2"] if can_fork else ["1"])
def test_supplementary_figures_handed_to_the_early_child_are_the_same_bytes(
    with_both: tuple[StudyResult, list[StudyResult], list[StudyResult]],
    monkeypatch: pytest.MonkeyPatch,
    processes: str,
) -> None:
    result, (paper,), (supplementary,) = with_both
    monkeypatch.setenv(PROCESSES_VARIABLE, processes)
    early = start_paper_figures(paper, figure_kinds(None))
    early.add_supplementary(supplementary)
    assert PendingFigures(result, early.kinds, early=early)._order == []  # nothing left
    combined, fresh = _all_figures(result, early, monkeypatch)
    assert combined == fresh


@pytest.mark.skipif(not can_fork, reason="a second process needs Linux and 2 CPUs")
def test_a_child_that_dies_on_the_second_batch_costs_time_not_figures(
    with_both: tuple[StudyResult, list[StudyResult], list[StudyResult]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from painresponse.render import figure_set

    result, (paper,), (supplementary,) = with_both
    monkeypatch.setenv(PROCESSES_VARIABLE, "2")
    parent = os.getpid()

    def dies_in_the_child(order: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        raise AssertionError("made in the child only")

    monkeypatch.setattr(figure_set, "_later", dies_in_the_child)
    early = start_paper_figures(paper, figure_kinds(None))
    early.add_supplementary(supplementary)
    combined, fresh = _all_figures(result, early, monkeypatch)
    assert combined == fresh


@pytest.mark.skipif(not can_fork, reason="a second process needs Linux and 2 CPUs")
def test_without_a_second_batch_the_child_sends_the_first_and_leaves(
    with_paper: tuple[StudyResult, list[StudyResult]], monkeypatch: pytest.MonkeyPatch
) -> None:
    result, (paper,) = with_paper
    monkeypatch.setenv(PROCESSES_VARIABLE, "2")
    early = start_paper_figures(paper, figure_kinds(None))
    assert early._drawing._child is not None  # forked, waiting for a second batch
    combined, fresh = _all_figures(result, early, monkeypatch)
    assert early._drawing._child is None  # collected and closed
    assert combined == fresh
