"""Route choice of the exact Wilcoxon tails (:mod:`._exact_ranks`): which exact algorithm
computes each tail, and the two tails of a two-sided p-value at once.

Each tail ``P(D >= u)`` goes to the cheaper of the network programme
(:func:`._exact_kernels.rank_sum_tail`, :func:`._exact_kernels.signed_rank_tail`) and
certified Fourier inversion (:mod:`._exact_fourier`). The programme's cell updates are
counted beforehand by following its loops without arithmetic
(:func:`._exact_kernels.rank_sum_tail_work`, exact to a fraction of a percent, a
fraction of a millisecond) and compared with the Fourier nodes the screening keeps, both
in measured time per unit. The two tails of a two-sided p-value whose null distribution
is not symmetric are independent computations: when both are heavy they run at the same
time on two threads (the compiled kernels release the GIL), as long as their tables fit
in one programme's memory limit together; near the centre one programme over the states
between them replaces both (:func:`two_sided_middle`). Five or six categories take nested
hypergeometric sums (:func:`_five_categories`).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from painresponse.stats import _exact_fourier, _rank_tails
from painresponse.stats._exact_fourier import FOURIER_MAX_NODES, FourierNotCertified
from painresponse.stats._exact_parallel import (
    SpareCores,
    available_cores,
    map_chunks,
    run_programme,
)

__all__ = [
    "FEW_CATEGORIES",
    "FIVE_MAX_M",
    "FOURIER_LARGE_NODES",
    "FOURIER_MIDDLE_MIN_CELLS",
    "FOURIER_MIDDLE_TRY_PVALUE",
    "MIDDLE_TRY_PVALUE",
    "NETWORK_DIRECT_CELLS",
    "NETWORK_MAX_CELLS",
    "NETWORK_MAX_WORK",
    "SIX_MAX_M",
    "SUMS_TRY_EFFORT",
    "SUMS_TRY_TRIPLES",
    "ExactNotComputable",
    "ExactPvalue",
    "sums_effort",
    "sums_triples",
    "two_sided_middle",
]

#: The network programme is used without screening a Fourier grid up to this many cell
#: updates (counted beforehand, :func:`._exact_kernels.rank_sum_tail_work`; about 0.15-0.7
#: ns each, so 15-70 ms): a plan costs 10-60 ms before it can tell that it loses (5e7
#: until #14's eleventh round; 1e8 took 20 + 5,000 on 60 values from 113 to 29 ms).
NETWORK_DIRECT_CELLS = 1.0e8
#: Node budget of the Fourier method when no programme fits (a smaller group of at most
#: about 100 among thousands, on few values: seconds).
FOURIER_LARGE_NODES = 40_000_000
#: Largest table (memory) of the network programme, in cells of 8 bytes.
NETWORK_MAX_CELLS = 6.0e7
#: Longest run of the network programme, in cell updates, when Fourier inversion fails.
NETWORK_MAX_WORK = 2.0e10
#: A two-sided p-value near the centre: ``1 - P(lo < D < hi)`` by one programme over the
#: states both tails visit (:mod:`._exact_middle`, on both cores) when its cell updates
#: are at most this many times the larger tail's (measured 1.0-1.45) ...
MIDDLE_MAX_RATIO = 1.6
#: ... and the p-value is at least this: ``1 - middle`` loses ``eps middle / p`` of its
#: relative precision (under 1e-14 here); the normal approximation decides whether to
#: try (:data:`MIDDLE_TRY_PVALUE`), the exact value whether to keep the result.
MIDDLE_MIN_PVALUE = 0.01
MIDDLE_TRY_PVALUE = 0.02
#: The middle by one untilted Fourier grid (:mod:`._exact_window`) is tried from this
#: normal-approximation p-value: its bound, about 2e-14 of the middle, is ``2e-14 (1 - p)
#: / p`` of the p-value, within :data:`._exact_fourier.FOURIER_MAX_REL_ERROR` from p
#: about 0.02 (the tails answer when it is not).
FOURIER_MIDDLE_TRY_PVALUE = 0.04
#: ... and when the larger tail's programme needs at least this many cell updates (about
#: 40-80 ms): its plan costs 15-30 ms, and below this the programmes won (`--corners`:
#: 50 + 5,000 on 11 values, 1.2e8 a tail; 20 + 5,000 on 60 values, 5.9e7), above it the
#: window (4e8 and more: 50 + 5,000 on 30 values, 260 -> 110 ms).
FOURIER_MIDDLE_MIN_CELLS = 2.0e8
#: The middle's programme on two cores against one (measured 1.7-1.9).
MIDDLE_CORES_GAIN = 1.8
#: Up to this many cell updates (about 40 ms on two cores) the middle is taken without
#: planning the tails' Fourier grids (3-40 ms of screening) to see whether they would be
#: cheaper; a wrong choice costs at most about 25 ms here ...
MIDDLE_PLAN_CELLS = 3.5e8
#: ... and beyond this many it is not tried (1.9-2.4e9: the planned grids won, and the
#: plans and the middle's count had cost 10-30 ms more than the tails alone).
MIDDLE_MAX_CELLS = 1.6e9
#: The rank-sum programme's updates are counted beforehand when ``categories x m`` is at
#: most this (the count costs that many steps) ...
_NETWORK_COUNT_MAX = 5.0e7
#: ... and follow its loops (:func:`._exact_kernels.rank_sum_tail_work`) when ``categories
#: x m x min(m, largest category)`` is at most this; beyond, the count is an upper bound
#: (:func:`._exact_kernels.rank_sum_tail_cells`, 4-50 times the work).
_NETWORK_WORK_COUNT_MAX = 3.0e7
#: Tables with at most this many categories: sums of hypergeometric terms, O(m^2)
#: (:func:`._exact_sums.rank_sum_tail_few`); the Fourier grid of such lattices is large.
FEW_CATEGORIES = 4
#: Five categories: nested hypergeometric sums (:func:`._exact_kernels.rank_sum_tail_five`)
#: when the smaller group has at most this many patients (a cache of ``m^2`` cumulative
#: sums, 8 MB here); beyond, they are tried as six categories are (below): on a flat
#: 0-4 scale 2,000 + 5,000 took 75-120 ms in the sums against 27-41 ms on the Fourier
#: grid, on skewed ones 1-55 ms.
FIVE_MAX_M = 1_000
#: Six categories (a 0-5 scale): one more nested level, when the smaller group has at most
#: this many patients.
SIX_MAX_M = 200
#: Beyond those sizes the sums are still taken when :func:`sums_triples` expects at most
#: this many triples (about 30 ns each, so about 20 ms): they are fast when the
#: hypergeometric laws are narrow (a skewed scale: 300 + 5,000 on six values in about 11
#: ms against about 100 ms for the others) and slow when wide ...
SUMS_TRY_TRIPLES = 6.0e5
#: ... and given up, for the Fourier method or the programme, once their effort passes
#: this (about 15-30 ms), should the estimate be far too low.
SUMS_TRY_EFFORT = 1.0e7
#: Width of a hypergeometric law's window in :func:`sums_triples`, in standard
#: deviations each side (the sums leave out terms below 1e-19 of the p-value).
_SUMS_WINDOW_SD = 9.5
#: Measured time of one Fourier node-category evaluation, and of one screened one, in
#: units of the programme's cell updates (about 0.15-0.25 ns each; an evaluation is 25-40
#: ns, a screened one 3-5 ns).
_FOURIER_ELEMENT_CELLS = 160.0
#: Share of that time saved where the centres' series replace sin, cos, log1p and atan2
#: (:mod:`._exact_series`; measured 1.75-2.2x per evaluation on tails of small groups).
_CENTRE_SAVING = 0.5
_SCREEN_ELEMENT_CELLS = 20.0
#: The screening may use a quarter of the programme's time (:data:`_SCREEN_BUDGET`), and
#: at least this many node-category evaluations (a few milliseconds).
_SCREEN_BUDGET = 0.25
_SCREEN_MIN_ELEMENTS = 5.0e6
#: A signed-rank cell (ring buffer, one sign at a time) in rank-sum cell updates.
_SIGNED_RANK_CELL = 3.5
#: The two tails of a two-sided p-value run on two threads when each needs at least this
#: many cell updates (or the Fourier method): below, a thread costs more than it saves.
_PARALLEL_MIN_CELLS = 2.0e6


class ExactNotComputable(ArithmeticError):
    """No exact algorithm fits its limits for this table (far beyond the documented rule)."""


@dataclass
class ExactPvalue:
    """An exact conditional p-value and how it was computed.

    ``algorithm``: ``"dynamic programme"`` (whole distribution), ``"hypergeometric sums"``
    (at most 4 values), ``"network"`` (tail programme) or ``"fourier"`` (certified Fourier
    inversion; with two tails computed differently, ``"fourier + network"``),
    ``"network (middle)"`` (a two-sided p-value of at least :data:`MIDDLE_MIN_PVALUE` as
    one minus the probability between the tails, :func:`two_sided_middle`), ``"fourier
    (middle)"`` (the same by one untilted Fourier grid, :mod:`._exact_window`), or
    ``"chernoff bound"`` (every tail below the float range: exactly 0 in float64). ``cost``:
    cell updates of the programmes plus node-category evaluations of the Fourier method.
    ``error_bound``: certified relative error of the Fourier tails (0 for the programmes,
    whose only error is float64 rounding of non-negative sums). ``fourier``: grid
    diagnostics of the larger Fourier tail. ``support_size``: points of the whole
    distribution (dynamic programme only).
    """

    pvalue: float
    algorithm: str
    cost: float
    error_bound: float = 0.0
    fourier: dict[str, float] = field(default_factory=dict)
    support_size: int | None = None

    def details(self) -> dict[str, Any]:
        """The fields a test result reports in its ``details``."""
        out: dict[str, Any] = {"algorithm": self.algorithm, "cost": self.cost}
        if self.support_size is not None:
            out["support_size"] = self.support_size
        if "fourier" in self.algorithm:
            out["error_bound"] = self.error_bound
            out["fourier"] = dict(self.fourier)
        return out


@dataclass
class _Tail:
    value: float
    algorithm: str
    cost: float
    error_bound: float = 0.0
    info: dict[str, float] = field(default_factory=dict)


@dataclass
class _Problem:
    """One tail ``P(D >= u)`` in the programmes' form, with the programme's counted work."""

    d: list[int]
    totals: list[int]
    m: int | None
    u: int
    values: NDArray[np.int64]
    counts: NDArray[np.int64]
    cells: float
    table: float
    plan: Any = None  # a Fourier plan made already (:func:`two_sided_middle`)

    @property
    def network_ok(self) -> bool:
        """Whether the programme's work and its table (memory) are within limits."""
        return self.cells <= NETWORK_MAX_WORK and self.table <= NETWORK_MAX_CELLS


def _problem(d: list[int], totals: list[int], m: int | None, u: int) -> _Problem:
    """Count the programme's cell updates and table (memory) for one tail."""
    kernels = _rank_tails.kernels()
    values = np.asarray(d[::-1], dtype=np.int64)  # decreasing, as the programmes take them
    counts = np.asarray(totals[::-1], dtype=np.int64)
    if m is None:
        values = np.repeat(values, counts)  # signed ranks: one sign at a time
        cells = _SIGNED_RANK_CELL * float(kernels.signed_rank_tail_cells(values, u))
        table = float(min(u, int(values.sum()) - u + 1) + int(values[0]) + 1)
        return _Problem(d, totals, m, u, values, counts, cells, table)
    if values.size * m * min(m, int(counts.max())) <= _NETWORK_WORK_COUNT_MAX:
        cells, table = kernels.rank_sum_tail_work(values, counts, m, u)
        return _Problem(d, totals, m, u, values, counts, float(cells), float(table))
    if values.size * m <= _NETWORK_COUNT_MAX:
        cells = float(kernels.rank_sum_tail_cells(values, counts, m, u))
    else:
        cells = math.inf
    table = float(kernels.rank_sum_tail_table(values, counts, m, u))
    return _Problem(d, totals, m, u, values, counts, cells, table)


class _TableLease:
    """Programme table memory shared by two tails running at the same time: a tail about
    to run the programme takes its table's cells, and waits while the other holds too
    many, lending its core to the other meanwhile (a Fourier tail takes none)."""

    def __init__(self, cells: float) -> None:
        self._free = cells
        self._changed = threading.Condition()

    def take(self, cells: float, cores: SpareCores | None) -> None:
        """Take ``cells`` (at most the whole), waiting until they are free."""
        with self._changed:
            if self._free >= cells:
                self._free -= cells
                return
        if cores is not None:
            cores.give_back()  # the other tail's programme may use this core meanwhile
        with self._changed:
            while self._free < cells:
                self._changed.wait()
            self._free -= cells
        if cores is not None:
            cores.take_back()

    def give(self, cells: float) -> None:
        """Return ``cells`` taken by :meth:`take`."""
        with self._changed:
            self._free += cells
            self._changed.notify_all()


def _tails(
    specs: list[tuple[list[int], list[int], int | None, int]],
    fourier_ok: bool,
    problems: list[_Problem] | None = None,
) -> list[_Tail]:
    """Each ``(d, totals, m, u)`` tail by :func:`_tail`; two heavy ones on two threads.

    The second tail runs on a thread of its own, started for this call (a fraction of a
    millisecond; no pool survives the call, so a forked process never inherits one).
    Together the two may hold at most :data:`NETWORK_MAX_CELLS` of programme tables
    (:class:`_TableLease`): a tail that runs the programme takes its table's share, and
    waits if the other tail's programme holds too much; a Fourier tail holds only its
    grid's nodes, so it always runs alongside, and a tail whose table is over the limit
    never allocates one (the programme refuses it before allocating).
    """
    if problems is None:
        problems = [_problem(*spec) for spec in specs]
    heavy = all(p.cells >= _PARALLEL_MIN_CELLS for p in problems)
    if len(problems) != 2 or not heavy:
        cores = SpareCores(available_cores() - 1)  # one tail at a time
        return [_tail(p, fourier_ok, cores) for p in problems]
    cores = SpareCores(available_cores() - 2)  # each tail holds a core until it ends
    lease = _TableLease(NETWORK_MAX_CELLS)
    outcome: list[_Tail | BaseException] = []

    def second() -> None:
        try:
            outcome.append(_tail(problems[1], fourier_ok, cores, lease))
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)
        finally:
            cores.give_back()

    thread = threading.Thread(target=second, name="painresponse-tail", daemon=True)
    thread.start()
    try:
        first = _tail(problems[0], fourier_ok, cores, lease)
    finally:
        cores.give_back()
        thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return [first, outcome[0]]


def _tail(
    problem: _Problem,
    fourier_ok: bool,
    cores: SpareCores | None = None,
    lease: _TableLease | None = None,
) -> _Tail:
    """``P(D >= u)`` (``d`` increasing from 0) by the cheaper exact algorithm; a rank-sum
    network programme borrows a second core from ``cores`` while one is free, and takes
    its table's memory from ``lease`` when another tail runs at the same time."""
    cells = problem.cells
    network = partial(_leased_network, problem, lease)
    if cells <= NETWORK_DIRECT_CELLS or not fourier_ok:
        return network(cores=cores)
    network_ok = problem.network_ok
    try:
        plan = problem.plan if problem.plan is not None else _fourier_plan(problem, network_ok)
        if isinstance(plan, FourierNotCertified):  # planned already, and failed
            raise plan
        if isinstance(plan, float):
            return _Tail(plan, "fourier", 0.0)
        work = plan.work
        if _fourier_cells(plan) > cells and network_ok:
            return network(cores=cores)
        # Extended precision (NumPy) is slow: the programme first, when it is feasible;
        # when it is not, the grid may be as large as it takes (seconds, still exact).
        budget = FOURIER_MAX_NODES if network_ok else FOURIER_LARGE_NODES
        value, bound, info = _exact_fourier.evaluate_tail(
            plan, budget, extended=not network_ok, cores=cores
        )
        return _Tail(value, "fourier", work, bound, info)
    except FourierNotCertified as exc:
        return network(str(exc), cores)


def _fourier_plan(problem: _Problem, network_ok: bool, worth: float = math.inf) -> Any:
    """The Fourier plan of ``problem``'s tail. When the programme is feasible, screening
    may take a quarter of the programme's time, and stops once the grid is seen to keep
    more nodes than the programme's cells (or ``worth`` cells, if fewer) are worth: a grid
    the caller would not evaluate."""
    max_screen = max_nodes = math.inf
    if network_ok:
        max_screen = max(
            _SCREEN_BUDGET * problem.cells / _SCREEN_ELEMENT_CELLS, _SCREEN_MIN_ELEMENTS
        )
        max_nodes = min(problem.cells, worth) / (_FOURIER_ELEMENT_CELLS * len(problem.d))
    return _exact_fourier.plan_upper_tail(
        problem.d, problem.totals, problem.m, problem.u, max_screen, max_nodes
    )


def _element_cells(p: NDArray[np.float64], nodes: int) -> float:
    """One node-category evaluation of a grid with tilts ``p`` and ``nodes`` nodes, in
    programme cells: cheaper by :data:`_CENTRE_SAVING` on the categories the centres'
    series serve (:func:`._exact_fourier.centre_share`)."""
    share = _exact_fourier.centre_share(p, nodes)
    return _FOURIER_ELEMENT_CELLS * (1.0 - _CENTRE_SAVING * share)


def _fourier_cells(plan: Any) -> float:
    """A Fourier plan's evaluation in programme cells (:func:`_element_cells`)."""
    return float(plan.work) * _element_cells(plan.p, plan.nodes)


def _leased_network(
    problem: _Problem,
    lease: _TableLease | None,
    why: str = "",
    cores: SpareCores | None = None,
) -> _Tail:
    """:func:`_network` for ``problem``, holding its table's memory from ``lease``."""
    args = (problem.values, problem.counts, problem.m, problem.u, problem.cells, why, cores)
    if lease is None:
        return _network(*args)
    cells = min(problem.table, NETWORK_MAX_CELLS)  # a larger table is refused unallocated
    lease.take(cells, cores)
    try:
        return _network(*args)
    finally:
        lease.give(cells)


def _network(
    values: NDArray[np.int64],
    counts: NDArray[np.int64],
    m: int | None,
    u: int,
    cells: float,
    why: str = "",
    cores: SpareCores | None = None,
) -> _Tail:
    """The programme's tail; beyond its work limit only when Fourier inversion failed."""
    value, work = math.nan, cells
    if cells <= NETWORK_MAX_WORK or math.isinf(cells) or why:
        if m is None:
            value, work = _rank_tails.kernels().signed_rank_tail(values, u, NETWORK_MAX_CELLS)
        else:  # the second core borrowed at once for a lone tail, or when the other ends
            value, work = run_programme(values, counts, m, u, NETWORK_MAX_CELLS, cells, cores)
    if math.isnan(value):
        reason = f"; Fourier inversion: {why}" if why else ""
        raise ExactNotComputable(
            f"the exact tail needs a network programme beyond its limits ({work:.2g} cells{reason})"
        )
    return _Tail(float(value), "network", float(work))


def two_sided_middle(
    specs: list[tuple[list[int], list[int], int | None, int]],
    fourier_ok: bool,
    lower: int,
    upper: int,
    estimate: float = 1.0,
) -> ExactPvalue:
    """The two tails ``specs`` of a two-sided rank-sum p-value (the upper tail first), as
    ``1 - P(lower <= D <= upper)`` by one programme (:mod:`._exact_middle`) when that
    costs less than the larger tail (:data:`MIDDLE_MAX_RATIO`) and the p-value is not
    small (:data:`MIDDLE_MIN_PVALUE`), or by one Fourier grid (:mod:`._exact_window`)
    when the p-value's normal ``estimate`` is at least
    :data:`FOURIER_MIDDLE_TRY_PVALUE` and the grid costs less; otherwise by
    :func:`_tails`."""
    if lower > upper:  # the two tails meet: every table is as extreme
        return ExactPvalue(1.0, "network", 0.0)
    problems = [_problem(*spec) for spec in specs]
    first = problems[0]
    middle = _middle_cells(problems, lower, upper)
    window: Any = None
    tried = (
        fourier_ok
        and first.m is not None
        and estimate >= FOURIER_MIDDLE_TRY_PVALUE
        and max(p.cells for p in problems) >= FOURIER_MIDDLE_MIN_CELLS
        and (middle is None or middle > MIDDLE_PLAN_CELLS)
    )
    if tried:  # a grid dearer than the middle's programme is given up while screened
        window = _window_plan(problems, lower, upper, math.inf if middle is None else middle)
    if (
        middle is not None
        and first.m is not None
        and (window is None if tried else _middle_beats_fourier(problems, middle, fourier_ok))
    ):
        value, work = run_programme(
            first.values,
            first.counts,
            first.m,
            lower,
            NETWORK_MAX_CELLS,
            middle,
            SpareCores(available_cores() - 1),
            upper,
        )
        if 1.0 - value >= MIDDLE_MIN_PVALUE:
            return ExactPvalue(1.0 - value, "network (middle)", float(work))
    if window is not None:
        network_ok = all(p.network_ok for p in problems)
        try:
            value, bound, info = _exact_fourier.evaluate_tail(
                window,
                FOURIER_MAX_NODES if network_ok else FOURIER_LARGE_NODES,
                extended=not network_ok,
                cores=SpareCores(available_cores() - 1),
            )
        except FourierNotCertified:  # the tails answer
            pass
        else:
            return ExactPvalue(value, "fourier (middle)", window.work, bound, info)
    return _combine(_tails(specs, fourier_ok, problems))


def _middle_cells(problems: list[_Problem], lower: int, upper: int) -> float | None:
    """The middle programme's cell updates when it may replace the two tails: both are
    heavy, and it costs at most :data:`MIDDLE_MAX_RATIO` times the larger (None if not)."""
    first = problems[0]
    larger = max(p.cells for p in problems)
    if (
        first.m is None
        or min(p.cells for p in problems) < _PARALLEL_MIN_CELLS
        or larger > NETWORK_MAX_WORK
    ):
        return None
    from painresponse.stats import _exact_middle  # loads with the kernels

    cells, table = _exact_middle.rank_sum_middle_work(
        first.values, first.counts, first.m, lower, upper
    )
    if (
        cells <= MIDDLE_MAX_RATIO * larger
        and cells <= MIDDLE_MAX_CELLS
        and table <= NETWORK_MAX_CELLS
    ):
        return float(cells)
    return None


def _window_plan(problems: list[_Problem], lower: int, upper: int, worth: float) -> Any:
    """The Fourier grid of ``1 - P(lower <= D <= upper)`` (:func:`._exact_window.plan_middle`),
    or None when it fails or would cost more than ``worth`` cells or, when they are
    feasible, the two tails' programmes (whose quarter its screening may take, as
    :func:`_fourier_plan`'s). The grid and the programmes alike run on both cores."""
    from painresponse.stats import _exact_window

    first = problems[0]
    # the window is untilted, p = m / N in every category: its element cost is known now
    # (at the centres' node count, which a grid this worth planning reaches)
    share_p = np.full(len(first.d), int(first.m or 0) / max(1, sum(first.totals)))
    element = _element_cells(share_p, _exact_fourier.CENTRE_MIN_NODES) * len(first.d)
    max_screen, max_nodes = math.inf, worth / element
    if all(p.network_ok for p in problems):
        cells = min(sum(p.cells for p in problems), worth)
        max_screen = max(_SCREEN_BUDGET * cells / _SCREEN_ELEMENT_CELLS, _SCREEN_MIN_ELEMENTS)
        max_nodes = cells / element
    try:
        plan = _exact_window.plan_middle(
            first.d, first.totals, int(first.m or 0), lower, upper, max_screen, max_nodes
        )
    except FourierNotCertified:
        return None
    if isinstance(plan, float) or plan.nodes > max_nodes:
        return None
    return plan


def _middle_beats_fourier(problems: list[_Problem], cells: float, fourier_ok: bool) -> bool:
    """Whether the middle's ``cells`` on two cores cost less than the two tails, each by
    its cheaper route (:func:`_tail`): the programme, or the Fourier grid, whose plans are
    made here on two threads when a tail is not small, and kept for :func:`_tail` should
    the tails be taken."""
    if cells <= MIDDLE_PLAN_CELLS or not fourier_ok:
        return True
    planned = [p for p in problems if p.cells > NETWORK_DIRECT_CELLS]  # as _tail plans
    if not planned:
        return True
    # a grid dearer than the middle on two cores cannot tip the choice: its screening
    # stops early (and should the tails be taken all the same, the programme is cheaper)
    worth = cells / MIDDLE_CORES_GAIN
    map_chunks(
        lambda i: _keep_plan(planned[i], worth), len(planned), SpareCores(available_cores() - 1)
    )
    costs = []
    for p in problems:
        if isinstance(p.plan, float):  # the tail is known already: take the tails
            return False
        fourier = (
            math.inf
            if p.plan is None or isinstance(p.plan, FourierNotCertified)
            else _fourier_cells(p.plan)
        )
        costs.append(min(p.cells, fourier))
    return cells / MIDDLE_CORES_GAIN <= max(costs)


def _keep_plan(problem: _Problem, worth: float = math.inf) -> None:
    """Plan ``problem``'s Fourier grid as :func:`_tail` would (a grid dearer than ``worth``
    cells given up), keeping the plan (or the reason it failed) on the problem."""
    try:
        problem.plan = _fourier_plan(problem, problem.network_ok, worth)
    except FourierNotCertified as exc:
        problem.plan = exc
    except Exception:  # left unplanned: _tail plans again and reports it
        problem.plan = None


def _combine(tails: list[_Tail], factor: float = 1.0) -> ExactPvalue:
    pvalue = factor * sum(t.value for t in tails)
    names = sorted({t.algorithm for t in tails}, key=lambda name: name != "fourier")
    fourier = [t for t in tails if t.algorithm == "fourier"]
    bound = sum(t.error_bound * t.value for t in fourier) * factor / pvalue if pvalue > 0 else 0.0
    info = max(fourier, key=lambda t: t.value).info if fourier else {}
    return ExactPvalue(
        pvalue=min(1.0, pvalue),
        algorithm=" + ".join(names),
        cost=sum(t.cost for t in tails),
        error_bound=bound,
        fourier=info,
    )


def _window(draws: float, successes: int, population: int) -> float:
    """Values a hypergeometric law (``draws`` of ``population``) keeps in the sums."""
    n = round(draws)
    if n <= 0 or successes <= 0 or successes >= population:
        return 1.0
    p = successes / population
    sd = math.sqrt(n * p * (1.0 - p) * (population - n) / max(population - 1, 1))
    support = min(n, successes) - max(0, n - (population - successes)) + 1
    return min(float(support), 2.0 * _SUMS_WINDOW_SD * sd + 1.0)


def sums_triples(counts: list[int], m: int) -> float:
    """The triples ``(k, a_2, a_3)`` the six-category sums (:mod:`._exact_sums`) visit,
    roughly: the product of the three laws' windows at their means (five categories are
    six with an empty fourth). Measured 10-75 ns of time per triple so estimated, mostly
    20-40."""
    t = list(counts) if len(counts) == 6 else [*counts[:3], 0, *counts[3:]]
    n = sum(t)
    first = t[0] + t[1]
    rest = n - first
    k = m * first / n
    r = m - k
    r_after = r - (r * t[2] / rest if rest > 0 else 0.0)
    return _window(m, first, n) * _window(r, t[2], rest) * _window(r_after, t[3], rest - t[2])


def sums_effort(counts: list[int], m: int) -> float:
    """The effort the nested sums of five or six categories (:func:`_five_categories`) may
    spend: unlimited up to :data:`FIVE_MAX_M` (:data:`SIX_MAX_M`) patients; beyond,
    :data:`SUMS_TRY_EFFORT` when :func:`sums_triples` expects them cheap, else 0 (not
    tried)."""
    if m <= (FIVE_MAX_M if len(counts) == 5 else SIX_MAX_M):
        return math.inf
    return SUMS_TRY_EFFORT if sums_triples(counts, m) <= SUMS_TRY_TRIPLES else 0.0


def _five_categories(
    d: list[int],
    counts: list[int],
    m: int,
    hi: int | None,
    lo: int | None,
    max_effort: float = math.inf,
) -> ExactPvalue:
    """Both tails of five or six categories by nested hypergeometric sums (:mod:`._exact_sums`).

    Terms whose weight is below ``1e-19`` of the p-value found so far (the sum of the
    tails asked for) are left out; their total weight is returned by the kernel, and when
    it exceeds ``1e-15`` of the p-value the sums are run again with the p-value's ``1e-19 /
    (m + 1)^(c - 3)`` as the (absolute) cut (at most ``(m + 1)^(c - 3)`` terms are left
    out), so the left-out weight is at most ``1e-19`` of the p-value. A tail far smaller
    than the other (two-sided, skewed) is thus summed only as far as the p-value needs.
    A NaN p-value when the sums' effort exceeds ``max_effort`` (about 1.5-3 ns a unit,
    :data:`._exact_sums.TRIPLE_EFFORT`): the caller then takes another algorithm.
    """
    low, high = _exact_fourier._extreme_sums(d, counts, m)
    value = 0.0
    need_upper = need_lower = False
    if hi is not None:
        if hi <= low:
            value += 1.0
        elif hi <= high:
            need_upper = True
    if lo is not None:
        if lo >= high:
            value += 1.0
        elif lo >= low:
            need_lower = True
    if not (need_upper or need_lower) or value >= 1.0:
        return ExactPvalue(min(1.0, value), "hypergeometric sums", 0.0)
    args = (
        np.asarray(d, dtype=np.int64),
        np.asarray(counts, dtype=np.int64),
        m,
        hi if hi is not None else 0,
        lo if lo is not None else 0,
        need_upper,
        need_lower,
    )
    sums = _rank_tails.sums_kernels()
    kernel = sums.rank_sum_tail_five if len(d) == 5 else sums.rank_sum_tail_six
    up, down, work, skipped = kernel(*args, -1e-19, max_effort)
    if math.isnan(up):
        return ExactPvalue(math.nan, "hypergeometric sums", work)
    total = (up if need_upper else 0.0) + (down if need_lower else 0.0)
    if skipped > 1e-15 * total:
        cut = 1e-19 * total / float(m + 1) ** (len(d) - 3)
        up, down, more, skipped = kernel(*args, cut, max_effort)
        work += more
        if math.isnan(up):
            return ExactPvalue(math.nan, "hypergeometric sums", work)
    value += (up if need_upper else 0.0) + (down if need_lower else 0.0)
    return ExactPvalue(min(1.0, value), "hypergeometric sums", work)
