"""Figures drawn in two processes are the figures drawn in one, and none is ever lost."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import Any

import pytest
from matplotlib.figure import Figure

from painresponse.render import _figure_pool
from painresponse.render._figure_pool import PROCESSES_VARIABLE, draw_figures, processes_for
from painresponse.render._figure_style import Kind, house_style, new_figure

BOTH: frozenset[Kind] = frozenset(("svg", "png"))
can_fork = sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) >= 2
two_processes = pytest.mark.skipif(not can_fork, reason="two processes need Linux and 2 CPUs")


@pytest.fixture(autouse=True)
def _forced_to_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes whatever the machine's load (the load rule is tested apart)."""
    monkeypatch.setenv(PROCESSES_VARIABLE, "2")


def _line(slope: float) -> Figure:
    with house_style():
        figure = new_figure(6.0, 4.0)
        ax = figure.subplots()
        ax.plot([0, 1, 2], [0, slope, 2 * slope], label=f"slope {slope}")
        ax.legend()
    return figure


def _jobs(count: int = 4) -> list[tuple[str, object]]:
    return [(f"painresponse-test{i}", lambda i=i: _line(i + 0.5)) for i in range(count)]


def test_one_process_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    assert processes_for(7) == 1
    monkeypatch.setenv(PROCESSES_VARIABLE, "2")
    assert processes_for(1) == 1  # one figure: nothing to share


@two_processes
def test_a_second_process_only_when_a_core_is_free(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROCESSES_VARIABLE)
    cpus = len(os.sched_getaffinity(0))
    monkeypatch.setattr(_figure_pool, "other_demand", lambda: cpus - 1.0)
    assert processes_for(7) == 1  # another program keeps a core busy
    monkeypatch.setattr(_figure_pool, "other_demand", lambda: max(cpus - 2.0, 0.0))
    assert processes_for(7) == 2
    monkeypatch.setenv(PROCESSES_VARIABLE, "2")
    monkeypatch.setattr(_figure_pool, "other_demand", lambda: cpus + 5.0)
    assert processes_for(7) == 2  # told to


def _loadavg_file(runnable: list[int]) -> Callable[..., io.StringIO]:
    readings = iter(runnable)
    real_open = open

    def fake_open(path: object, *args: object, **kwargs: object) -> Any:
        if path == "/proc/loadavg":
            return io.StringIO(f"3.10 2.50 1.00 {next(readings)}/240 9999\n")
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    return fake_open


def test_the_demand_now_is_the_median_runnable_count_less_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the 1-minute average (3.1 here) is not the rule: it holds this program's own past runs
    monkeypatch.setattr("builtins.open", _loadavg_file([1, 1, 5, 1, 2]))
    assert _figure_pool.other_demand() == 0
    monkeypatch.setattr("builtins.open", _loadavg_file([2, 3, 2, 2, 9]))
    assert _figure_pool.other_demand() == 1  # another program keeps a core busy


def test_the_load_average_where_the_kernel_count_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_open = open

    def no_proc(path: object, *args: object, **kwargs: object) -> Any:
        if path == "/proc/loadavg":
            raise FileNotFoundError(path)
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", no_proc)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.75, 0.0, 0.0))
    assert _figure_pool.other_demand() == 0.75


@two_processes
def test_two_processes_draw_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = _jobs()
    both = draw_figures(jobs, BOTH)  # type: ignore[arg-type]
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    assert processes_for(len(jobs)) == 1
    alone = draw_figures(jobs, BOTH)  # type: ignore[arg-type]
    assert both == alone
    assert all(svg and png and width == pytest.approx(6.0) for svg, png, width in both)


@two_processes
def test_what_the_child_cannot_draw_the_parent_draws() -> None:
    parent = os.getpid()

    def only_in_the_parent() -> Figure:
        if os.getpid() != parent:
            raise RuntimeError("the child fails on this figure")
        return _line(3.0)

    jobs = [("painresponse-a", lambda: _line(1.0)), ("painresponse-b", only_in_the_parent)]
    jobs += [("painresponse-c", lambda: _line(2.0)), ("painresponse-d", only_in_the_parent)]
    drawn = draw_figures(jobs, frozenset(("png",)))  # type: ignore[arg-type]
    assert [svg for svg, _, _ in drawn] == [None] * 4
    assert all(png and png.startswith(b"\x89PNG") for _, png, _ in drawn)


@two_processes
def test_a_child_that_dies_costs_time_not_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def die_in_the_child() -> Figure:
        if os.getpid() != parent:
            os._exit(3)
        return _line(1.0)

    jobs = [(f"painresponse-{i}", die_in_the_child) for i in range(4)]
    drawn = draw_figures(jobs, frozenset(("svg",)))  # type: ignore[arg-type]
    assert all(svg and svg.startswith("<?xml") for svg, _, _ in drawn)


def test_errors_of_the_parent_reach_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Figure:
        raise ValueError("no data")

    monkeypatch.setattr(_figure_pool, "processes_for", lambda count: 1)
    with pytest.raises(ValueError, match="no data"):
        draw_figures([("painresponse-x", broken)], BOTH)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_a_daemon_draws_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing.current_process(), "_config", {"daemon": True})
    assert processes_for(7) == 1
