"""A second core for one rank-sum network tail, when one is free.

Within a category the bands of the programme's diagonal coordinate are independent
(:mod:`._exact_bands`), so :func:`rank_sum_tail_shared` runs each category's bands on two
threads whenever it can borrow a core from :class:`SpareCores`: the same cell updates in
the same order per cell as :func:`._exact_kernels.rank_sum_tail`, so the same numbers bit
for bit, in about two thirds of the time when the other core is idle (a one-sided test, a
symmetric two-sided one, or the rest of a two-sided test once its other tail has ended:
a Fourier tail often ends first, and the programme then takes the freed core at its next
category; 10-15% faster on those tests, 3% slower when both tails are programmes of
equal length, whose steps gain nothing from the driver). The helper thread lives
for one call (no pool survives it, so a forked process never inherits one) and the
compiled steps release the GIL. :func:`map_chunks` shares fixed chunks of any work the
same way (the Fourier nodes of a tail).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from painresponse.stats import _rank_tails

__all__ = [
    "SHARED_MIN_CELLS",
    "SpareCores",
    "available_cores",
    "map_chunks",
    "rank_sum_tail_shared",
    "run_programme",
]

_T = TypeVar("_T")

#: Below this many cell updates (about 5 ms) a tail runs on one thread: handing each
#: category to a second thread costs tens of microseconds.
SHARED_MIN_CELLS = 2.0e7


def available_cores() -> int:
    """Threads for the compiled kernels: the CPUs this process may use, at most 2."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(2, cpus))


class SpareCores:
    """Cores that computations running at the same time may borrow, under a lock."""

    def __init__(self, spare: int) -> None:
        self._spare = spare
        self._lock = threading.Lock()

    def spare(self) -> bool:
        """Whether a core is free now."""
        with self._lock:
            return self._spare > 0

    def borrow(self) -> bool:
        """Take a spare core if there is one."""
        with self._lock:
            if self._spare <= 0:
                return False
            self._spare -= 1
            return True

    def give_back(self) -> None:
        """Return a core (borrowed, or held by a computation that has finished)."""
        with self._lock:
            self._spare += 1

    def take_back(self) -> None:
        """Reclaim a core given back for a while (if a borrower still holds it, the count
        stays below zero, so nobody borrows, until that borrower gives it back)."""
        with self._lock:
            self._spare -= 1


class _Helper:
    """One thread applying the bands it is sent, until stopped."""

    def __init__(self) -> None:
        self._tasks: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._results: queue.Queue[float | BaseException] = queue.Queue()
        self._thread: threading.Thread | None = None

    def submit(self, args: tuple[Any, ...]) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="painresponse-bands", daemon=True
            )
            self._thread.start()
        self._tasks.put(args)

    def result(self) -> float:
        outcome = self._results.get()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def stop(self) -> None:
        if self._thread is not None:
            self._tasks.put(None)
            self._thread.join()

    def _run(self) -> None:
        bands = _rank_tails.kernels().category_bands
        while (args := self._tasks.get()) is not None:
            try:
                self._results.put(float(bands(*args)))
            except BaseException as exc:  # handed to the caller's thread
                self._results.put(exc)


def rank_sum_tail_shared(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    u: int,
    max_cells: float,
    cores: SpareCores,
    upper: int | None = None,
) -> tuple[float, float]:
    """:func:`._exact_kernels.rank_sum_tail`, each category's bands shared with a second
    thread while a core can be borrowed from ``cores`` (checked category by category).
    The same ``(tail, cells)``, bit for bit, whatever the cores. With ``upper``, the
    middle ``P(u <= D <= upper)`` of :func:`._exact_middle.rank_sum_middle` instead."""
    kernels = _rank_tails.kernels()
    top = m - 1
    if upper is None:
        setup = kernels._tail_setup(values, totals, m, u, max_cells)
    else:
        from painresponse.stats import _exact_middle  # compiled with the kernels

        setup = _exact_middle.middle_setup(values, totals, m, u, upper, max_cells)
        top = m
    run, tail, cells, mass, weights, rows, requests, starts, prefix = setup
    if not run:
        return float(tail), float(cells)
    sums = np.zeros(2)
    moves = [np.empty((3, m + 1), np.int64) for _ in range(2)]
    picks = [np.empty(m + 1) for _ in range(2)]
    helper = _Helper()
    try:
        for j in range(values.size):
            reach = kernels._category_head(
                j, values, totals, m, starts, mass, weights, rows, requests, sums, top
            )
            step = (int(values[j]), int(totals[j]), m, mass, weights, rows, reach)
            if cores.borrow():
                try:
                    helper.submit((*step, 1, 2, moves[1], picks[1]))
                    cells += kernels.category_bands(*step, 0, 2, moves[0], picks[0])
                    cells += helper.result()
                finally:
                    cores.give_back()
            else:
                cells += kernels.category_bands(*step, 0, 1, moves[0], picks[0])
            kernels._category_close(j, m, u, starts, prefix, rows, reach)
    finally:
        helper.stop()
    if upper is not None:
        return float(_exact_middle.middle_total(mass, rows, m)), float(cells)
    return min(1.0, float(sums[0])), float(cells)


def run_programme(
    values: NDArray[np.int64],
    totals: NDArray[np.int64],
    m: int,
    u: int,
    max_cells: float,
    cells: float,
    cores: SpareCores | None,
    upper: int | None = None,
) -> tuple[float, float]:
    """A rank-sum tail (or with ``upper`` the middle) by :func:`rank_sum_tail_shared`,
    category by category borrowing the second core whenever it is free, when its counted
    ``cells`` are at least :data:`SHARED_MIN_CELLS` and there is a second core; else by
    the compiled one-thread kernel (the same numbers, bit for bit)."""
    if cores is not None and cells >= SHARED_MIN_CELLS and available_cores() > 1:
        return rank_sum_tail_shared(values, totals, m, u, max_cells, cores, upper)
    if upper is None:
        value, work = _rank_tails.kernels().rank_sum_tail(values, totals, m, u, max_cells)
    else:
        from painresponse.stats import _exact_middle  # compiled with the kernels

        value, work = _exact_middle.rank_sum_middle(values, totals, m, u, upper, max_cells)
    return float(value), float(work)


def map_chunks(func: Callable[[int], _T], n_chunks: int, cores: SpareCores | None) -> list[_T]:
    """``[func(0), ..., func(n_chunks - 1)]``, the chunks taken in turn by this thread and,
    from the moment a core can be borrowed from ``cores`` (checked before each chunk), by
    one helper thread too; the list is in chunk order whoever computed each one."""
    results: list[Any] = [None] * n_chunks
    failures: list[BaseException] = []
    lock = threading.Lock()
    taken = [0]

    def take() -> int:
        with lock:
            index = taken[0]
            taken[0] += 1
            return index

    def compute(index: int) -> None:
        try:
            results[index] = func(index)
        except BaseException as exc:  # handed to the caller's thread below
            failures.append(exc)

    def helper() -> None:
        try:
            while not failures and (index := take()) < n_chunks:
                compute(index)
        finally:
            assert cores is not None
            cores.give_back()

    thread: threading.Thread | None = None
    try:
        while not failures and taken[0] < n_chunks:
            if thread is None and cores is not None and taken[0] < n_chunks - 1 and cores.borrow():
                thread = threading.Thread(target=helper, name="painresponse-chunks", daemon=True)
                thread.start()
            if (index := take()) < n_chunks:
                compute(index)
    finally:
        if thread is not None:
            thread.join()
    if failures:
        raise failures[0]
    return results
