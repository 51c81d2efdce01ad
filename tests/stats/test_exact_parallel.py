"""A rank-sum network tail on two threads (:mod:`painresponse.stats._exact_parallel`).

The bands of a category are independent, so two threads sharing them must give the same
``(tail, cells)`` as the one-thread programme bit for bit, whether or not a core can be
borrowed; a failure in the helper thread reaches the caller; the route choice lends the
second core to a lone network tail and to the second tail once the first has ended; two
tails share the programme's memory limit, the second waiting for the first's table.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from painresponse.stats import _exact_choice, _exact_parallel, _rank_tails
from tests.stats._rank_cases import lattice, unbalanced_table


def _problem(levels: int, small: int, large: int, seed: int, skew: bool) -> tuple:  # type: ignore[type-arg]
    x, y = unbalanced_table(levels, small, large, seed, 0, skew)
    d, counts, m, hi, _ = lattice(x, y, "greater")
    assert hi is not None
    return (
        np.asarray(d[::-1], dtype=np.int64),
        np.asarray(counts[::-1], dtype=np.int64),
        m,
        hi,
    )


@pytest.mark.parametrize("seed", range(3))
def test_shared_bands_are_bit_identical(seed: int) -> None:
    """40 seeded tables per seed, thresholds across the support: two threads, one thread
    through the same steps, and the compiled one-thread programme agree exactly."""
    rng = np.random.default_rng(4200 + seed)
    kernels = _rank_tails.kernels()
    checked = 0
    for _ in range(40):
        levels = int(rng.integers(3, 40))
        small = int(rng.integers(5, 80))
        values, totals, m, hi = _problem(
            levels,
            small,
            int(rng.integers(200, 1500)),
            int(rng.integers(1 << 30)),
            bool(rng.random() < 0.5),
        )
        top = int(values[: values.size].repeat(np.minimum(totals, m))[:m].sum())
        for u in (hi, (hi + top) // 2, hi - (top - hi) // 3):
            alone = kernels.rank_sum_tail(values, totals, m, u, 1e9)
            shared = _exact_parallel.rank_sum_tail_shared(
                values, totals, m, u, 1e9, _exact_parallel.SpareCores(1)
            )
            serial = _exact_parallel.rank_sum_tail_shared(
                values, totals, m, u, 1e9, _exact_parallel.SpareCores(0)
            )
            assert shared == alone == serial
            checked += 1
    assert checked == 120


def test_too_large_and_certain_tails_return_early() -> None:
    values, totals, m, hi = _problem(7, 60, 2000, 5, False)
    cores = _exact_parallel.SpareCores(1)
    nan, cells = _exact_parallel.rank_sum_tail_shared(values, totals, m, hi, 10.0, cores)
    assert np.isnan(nan) and cells > 10.0
    assert _exact_parallel.rank_sum_tail_shared(values, totals, m, 0, 1e9, cores) == (1.0, 0.0)
    assert cores.borrow() and not cores.borrow()  # every core given back


def test_a_failing_helper_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    values, totals, m, hi = _problem(11, 60, 3000, 7, True)
    kernels = _rank_tails.kernels()
    real = kernels.category_bands

    def bands(*args):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "painresponse-bands":
            raise MemoryError("helper")
        return real(*args)

    monkeypatch.setattr(kernels, "category_bands", bands)
    cores = _exact_parallel.SpareCores(1)
    with pytest.raises(MemoryError, match="helper"):
        _exact_parallel.rank_sum_tail_shared(values, totals, m, hi, 1e9, cores)
    assert cores.borrow() and not cores.borrow()
    assert not any(t.name == "painresponse-bands" for t in threading.enumerate())


def test_the_route_lends_the_second_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lone heavy network tail shares its bands with the free core; two heavy tails on
    two threads each start with no core to spare and take the one freed when the other
    ends (at their next category), the same numbers bit for bit."""
    seen: list[int] = []
    real = _exact_parallel.rank_sum_tail_shared

    def spy(values, totals, m, u, max_cells, cores, upper=None):  # type: ignore[no-untyped-def]
        seen.append(cores._spare)
        return real(values, totals, m, u, max_cells, cores, upper)

    # the tails' core counts (_exact_choice) and the programme's dispatch (_exact_parallel)
    monkeypatch.setattr(_exact_parallel, "rank_sum_tail_shared", spy)
    monkeypatch.setattr(_exact_choice, "available_cores", lambda: 2)
    monkeypatch.setattr(_exact_parallel, "available_cores", lambda: 2)
    monkeypatch.setattr(_exact_parallel, "SHARED_MIN_CELLS", 0.0)
    values, totals, m, hi = _problem(9, 40, 1500, 11, False)
    d, counts = values[::-1].tolist(), totals[::-1].tolist()
    (one,) = _exact_choice._tails([(d, counts, m, hi)], fourier_ok=False)
    assert seen == [1]
    expected = _rank_tails.kernels().rank_sum_tail(values, totals, m, hi, 1e9)[0]
    assert one.value == expected and one.algorithm == "network"
    seen.clear()
    monkeypatch.setattr(_exact_choice, "_PARALLEL_MIN_CELLS", 0.0)
    pair = _exact_choice._tails([(d, counts, m, hi), (d, counts, m, hi + 1)], fourier_ok=False)
    assert seen == [0, 0] and pair[0].value == one.value
    second = _rank_tails.kernels().rank_sum_tail(values, totals, m, hi + 1, 1e9)[0]
    assert pair[1].value == second


def test_table_lease_waits_and_lends_the_core() -> None:
    """A tail whose table does not fit beside the other's waits for it, lending its core
    meanwhile, and takes the core back once the memory is free."""
    lease = _exact_choice._TableLease(100.0)
    cores = _exact_parallel.SpareCores(0)
    lease.take(70.0, None)
    taken = threading.Event()

    def second() -> None:
        lease.take(50.0, cores)
        taken.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not taken.wait(0.2)
    assert cores.spare()  # lent while waiting
    lease.give(70.0)
    thread.join(5.0)
    assert taken.is_set() and not cores.spare()
    lease.take(50.0, None)  # 50 + 50: fits at once
    lease.give(50.0)
    lease.give(50.0)


def test_two_tails_over_the_memory_limit_still_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two heavy network tails whose tables exceed the limit together run on two threads,
    the second waiting for the first's memory: the same numbers as one at a time."""
    monkeypatch.setattr(_exact_choice, "available_cores", lambda: 2)
    monkeypatch.setattr(_exact_parallel, "available_cores", lambda: 2)
    monkeypatch.setattr(_exact_choice, "_PARALLEL_MIN_CELLS", 0.0)
    values, totals, m, hi = _problem(9, 40, 1500, 11, False)
    d, counts = values[::-1].tolist(), totals[::-1].tolist()
    specs = [(d, counts, m, hi), (d, counts, m, hi + 1)]
    table = _exact_choice._problem(*specs[0]).table
    monkeypatch.setattr(_exact_choice, "NETWORK_MAX_CELLS", 1.5 * table)
    pair = _exact_choice._tails(specs, fourier_ok=False)
    kernels = _rank_tails.kernels()
    assert pair[0].value == kernels.rank_sum_tail(values, totals, m, hi, 1e9)[0]
    assert pair[1].value == kernels.rank_sum_tail(values, totals, m, hi + 1, 1e9)[0]


def test_map_chunks_keeps_order_and_reports_failures() -> None:
    cores = _exact_parallel.SpareCores(1)
    assert _exact_parallel.map_chunks(lambda i: i * i, 9, cores) == [i * i for i in range(9)]
    assert cores.spare() and cores.borrow() and not cores.spare()
    cores.give_back()

    def fails(i: int) -> int:
        if i == 5:
            raise ZeroDivisionError("chunk 5")
        return i

    with pytest.raises(ZeroDivisionError, match="chunk 5"):
        _exact_parallel.map_chunks(fails, 9, cores)
    assert cores.spare()


def test_fourier_chunks_give_the_same_tail_on_any_cores() -> None:
    """150 + 5,000 on 7 values: hundreds of thousands of Fourier nodes in 8 chunks; one
    thread or two, the same tail and bound bit for bit."""
    from painresponse.stats import _exact_fourier

    x, y = unbalanced_table(7, 150, 5000, 7150, 0, False)
    d, counts, m, hi, _ = lattice(x, y, "greater")
    assert hi is not None
    plan = _exact_fourier.plan_upper_tail(d, counts, m, hi)
    assert not isinstance(plan, float) and plan.nodes >= 8 * 8_192
    alone = _exact_fourier.evaluate_tail(plan, cores=None)
    shared = _exact_fourier.evaluate_tail(plan, cores=_exact_parallel.SpareCores(1))
    assert alone[:2] == shared[:2]
    reference = _rank_tails.kernels().rank_sum_tail(
        np.asarray(d[::-1], dtype=np.int64), np.asarray(counts[::-1], dtype=np.int64), m, hi, 1e9
    )[0]
    assert abs(alone[0] - reference) <= 1e-11 * reference
