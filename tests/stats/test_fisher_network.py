"""The compiled Fisher–Freeman–Halton network (issue #14) against R and against enumeration.

R reference: ``tests/reference/fisher_network.json``, written by
``tests/reference/make_fisher_network_reference.R`` (R 4.2 ``fisher.test(m, workspace = 2e8)``,
80 seeded 4 x 4, 4 x 5 and 5 x 6 tables with n = 80-150 and p from 1e-7 to 1, plus a few
small or sparse tables of other shapes). Tolerance: relative 1e-7, R's own tolerance for
"as extreme" (``|python - R| <= 1e-7 |R| + 1e-15``). R fails on two of the 80 tables
(FEXACT error 7 even with workspace = 2e8); those are checked for consistency instead.

Independent check: every table with the observed margins enumerated directly (small tables),
classified with R's rule, summed in exact rational arithmetic.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painresponse.errors import StatisticsError
from painresponse.stats.contingency import fisher_exact

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "fisher_network.json"
REL, FLOOR = 1e-7, 1e-15


@cache
def _reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text())
    return data


def _cases(quick: bool) -> list[Any]:
    data = _reference()
    cases = [c for c in data["cases"] + data["extra"] if "pvalue" in c]
    # R's time is a proxy for the size of the enumeration: the quick set runs in seconds
    chosen = [c for c in cases if (c["r_seconds"] < 2.0) == quick]
    return [pytest.param(c, id=c["id"]) for c in chosen]


def _check_against_r(case: dict[str, Any]) -> None:
    ours = fisher_exact(case["table"]).pvalue
    assert abs(ours - case["pvalue"]) <= REL * case["pvalue"] + FLOOR, (ours, case["pvalue"])


@pytest.mark.parametrize("case", _cases(quick=True))
def test_agrees_with_r(case: dict[str, Any]) -> None:
    _check_against_r(case)


@pytest.mark.slow
@pytest.mark.parametrize("case", _cases(quick=False))
def test_agrees_with_r_large(case: dict[str, Any]) -> None:
    _check_against_r(case)


def test_reference_set_is_the_documented_one() -> None:
    data = _reference()
    shapes = [tuple(c["shape"]) for c in data["cases"]]
    assert len(shapes) == 80
    assert shapes.count((4, 4)) == 28 and shapes.count((4, 5)) == 40 and shapes.count((5, 6)) == 12
    assert all(80 <= c["n"] <= 150 for c in data["cases"])
    pvalues = [c["pvalue"] for c in data["cases"] if "pvalue" in c]
    assert min(pvalues) < 1e-6 and max(pvalues) > 0.5
    assert all(c["r_seconds"] >= 0 for c in data["cases"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "case_id", [c["id"] for c in _reference()["cases"] if "r_error" in c] or ["none"]
)
def test_tables_r_cannot_do_are_consistent(case_id: str) -> None:
    """R's FEXACT fails on these (workspace 2e8): the transpose and a one-thread run must
    give the same value, and a Monte Carlo estimate must agree within 5 standard errors."""
    from painresponse.stats._fisher_network import exact_pvalue

    case = next(c for c in _reference()["cases"] if c["id"] == case_id)
    table = np.asarray(case["table"], dtype=np.int64)
    p = fisher_exact(table).pvalue
    assert exact_pvalue(table, 10**12, workers=1) == pytest.approx(p, rel=1e-12)
    assert fisher_exact(table.T).pvalue == pytest.approx(p, rel=1e-12)
    mc = fisher_exact(table, method="monte-carlo", n_simulations=200_000, seed=5)
    assert abs(mc.pvalue - p) < 5 * mc.details["standard_error"] + 1e-5


# --------------------------------------------------------------------------------------
# against direct enumeration (an independent implementation)
# --------------------------------------------------------------------------------------


def _tables(rows: tuple[int, ...], cols: tuple[int, ...]) -> list[list[list[int]]]:
    """Every table with these margins (row by row, each row every split of its total)."""
    if len(rows) == 1:
        return [[list(cols)]]
    out: list[list[list[int]]] = []

    def split(total: int, caps: tuple[int, ...]) -> list[list[int]]:
        if len(caps) == 1:
            return [[total]] if total <= caps[0] else []
        return [
            [x, *rest]
            for x in range(min(total, caps[0]) + 1)
            for rest in split(total - x, caps[1:])
        ]

    for first in split(rows[0], cols):
        left = tuple(c - x for c, x in zip(cols, first, strict=True))
        out += [[first, *tail] for tail in _tables(rows[1:], left)]
    return out


def _enumerated_pvalue(table: list[list[int]]) -> float:
    """R's rule: tables with P <= P_obs (1 + 1e-7), summed exactly."""
    rows = tuple(sum(r) for r in table)
    cols = tuple(sum(c) for c in zip(*table, strict=True))
    n = sum(rows)
    const = Fraction(math.prod(math.factorial(k) for k in rows + cols), math.factorial(n))

    def prob(t: list[list[int]]) -> Fraction:
        return const / math.prod(math.factorial(x) for row in t for x in row)

    observed = prob(table) * (1 + Fraction(1, 10**7))
    return float(sum(p for t in _tables(rows, cols) if (p := prob(t)) <= observed))


def _small_tables() -> list[list[list[int]]]:
    rng = np.random.default_rng(20260314)
    out: list[list[list[int]]] = []
    while len(out) < 40:
        r, c = (int(k) for k in rng.integers(2, 5, size=2))
        n = int(rng.integers(r * c // 2 + 2, 13 if r * c > 9 else 17))
        shares = rng.dirichlet(np.full(r * c, 1.5))
        table = rng.multinomial(n, shares).reshape(r, c)
        if (table.sum(axis=0) > 0).all() and (table.sum(axis=1) > 0).all():
            out.append(table.tolist())
    out += [[[3, 0, 0], [0, 3, 0], [0, 0, 3]], [[2, 2, 2], [2, 2, 2]], [[1, 1], [1, 1]]]
    return out


@pytest.mark.parametrize("table", _small_tables())
def test_agrees_with_direct_enumeration(table: list[list[int]]) -> None:
    assert fisher_exact(table).pvalue == pytest.approx(_enumerated_pvalue(table), rel=1e-9)


# --------------------------------------------------------------------------------------
# the kernel's pieces
# --------------------------------------------------------------------------------------


def test_fixed_point_logs_are_exactly_additive() -> None:
    from painresponse.stats._fisher_network import fixed_point_log_factorials

    scale = 2.0**50
    lf = fixed_point_log_factorials(40, scale)
    # 3! 5! = 6!, 6! 7! = 10!, 2!^2 3! = 4!... products equal as numbers: equal exactly
    assert lf[3] + lf[5] == lf[6]
    assert lf[6] + lf[7] == lf[10]
    assert lf[0] == lf[1] == 0
    assert abs(lf[40] / scale - math.lgamma(41)) < 1e-11


def test_allocations_match_brute_force() -> None:
    from itertools import product

    from painresponse.stats import _fisher_kernel as kernel

    lf = np.zeros(40, np.int64)
    small_fact = np.array([float(math.factorial(i)) for i in range(8)])
    for caps, total in [((2, 2, 3), 4), ((1, 3, 3, 3), 5), ((4, 4), 4), ((0, 2, 2, 5), 6)]:
        caps_arr = np.array(caps, dtype=np.int64)
        out, mult, _, k = kernel.allocations(
            caps_arr, total, lf, False, small_fact, np.empty((1, len(caps)), np.int64),
            np.empty(1), np.empty(1, np.int64),
        )  # fmt: skip
        brute = [x for x in product(*(range(c + 1) for c in caps)) if sum(x) == total]
        assert mult[:k].sum() == len(brute)  # every labelled allocation counted once
        assert {tuple(row) for row in out[:k]} <= set(brute)


def test_tail_bounds_are_exact() -> None:
    from itertools import product

    from painresponse.stats import _fisher_bounds as bounds
    from painresponse.stats._fisher_network import fixed_point_log_factorials

    lf = fixed_point_log_factorials(40, 2.0**40)
    log_int = np.diff(lf, prepend=0)
    for m, col in [((2, 3, 5, 9), 7), ((1, 1, 6), 4), ((0, 4, 4, 4, 8), 9)]:
        values = [
            -sum(int(lf[y]) + int(lf[mi - y]) for y, mi in zip(ys, m, strict=True))
            for ys in product(*(range(mi + 1) for mi in m))
            if sum(ys) == col
        ]
        lower, upper = bounds._tail_bounds(np.array(m, dtype=np.int64), col, lf, log_int)
        assert (lower, upper) == (min(values), max(values))


def test_completion_index_ranks_every_query_exactly() -> None:
    """The tail matches a past against the completions by their rank: the bucket look-up
    of the kernel (a fixed count of comparisons from the bucket's first value) must give
    the number of distinct completion values <= q for every q, ties and all."""
    from painresponse.stats import _fisher_tail as tail_kernel

    rng = np.random.default_rng(7)
    for k, lower, upper in [(50, -1000, 0), (400, -(2**45), 2**40), (3, 5, 9), (1, 0, 0)]:
        value = rng.integers(lower, upper + 1, size=k).astype(np.int64)
        value[: k // 3] = value[k // 3 : 2 * (k // 3)]  # ties
        value[0], value[-1] = lower, upper
        mult = rng.integers(1, 5, size=k).astype(float)
        fv, fu, cum = np.empty(2 * k + 2, np.int64), np.empty(k + 1), np.empty(k + 1)
        starts, fill = np.empty(16 * k + 3, np.int64), np.empty(k + 3, np.int64)
        n, shift, widest = tail_kernel._completion_index(
            value, mult, k, lower, upper, 1e-3, fv, fu, cum, starts, fill, k > 100
        )
        distinct = np.unique(value)
        assert n == distinct.size and (fv[:n] == distinct).all()
        weights = mult * np.exp((value - upper) * 1e-3)
        below = [weights[value < v].sum() for v in distinct] + [weights.sum()]
        assert np.allclose(cum[: n + 1], below, rtol=1e-12, atol=0)
        for q in [*rng.integers(lower, upper + 1, size=300), *distinct[distinct < upper]]:
            at = int(starts[(int(q) - lower) >> shift])
            rank = at + int((fv[at : at + widest] <= q).sum())
            assert rank == int((distinct <= q).sum())


def test_searches_in_step_find_where_each_span_passes_its_cut() -> None:
    """A node's parents are searched SEARCH_LANES at a time (:func:`_ends_in_step`): each
    span's answer must be numpy's ``searchsorted(..., side="right")``, whatever the spans'
    lengths (0, 1, odd, a lane group left part-full) and cuts (below, inside, above)."""
    from painresponse.stats import _fisher_kernel as kernel

    rng = np.random.default_rng(11)
    val = np.sort(rng.integers(-500, 500, size=4_000)).astype(np.int64)
    for n in (1, 7, 8, 9, 37):
        spans = np.sort(rng.integers(0, val.size + 1, size=(n, 2)), axis=1)
        spans[0] = (5, 5)  # an empty span: no search due
        runs = np.zeros((n, 4), np.int64)
        runs[:, :2] = spans
        cuts = rng.integers(-600, 600, size=n).astype(np.int64)
        starts = np.empty(n, np.int64)
        kernel._ends_in_step(val, runs, cuts, starts, n)
        for (lo, hi), cut, start in zip(spans, cuts, starts, strict=True):
            assert start == lo + np.searchsorted(val[lo:hi], cut, side="right")


def test_binned_tail_matches_a_direct_sum() -> None:
    """The binned tail (:func:`_tail_runs`) against a direct sum over (past, completion)
    pairs, for parents whose pasts spread a little (exponentials stored with the pasts)
    and very far (exponentials computed per past)."""
    from painresponse.stats import _fisher_tail as tail_kernel

    rng = np.random.default_rng(11)
    inv_scale = 1.0 / 1024
    lower, upper, threshold = -40_000, 0, 5_000
    k = 300
    value = rng.integers(lower, upper + 1, size=k).astype(np.int64)
    value[0], value[-1] = lower, upper
    mult = rng.integers(1, 4, size=k).astype(float)
    fv, fu, cum = np.empty(2 * k + 2, np.int64), np.empty(k + 1), np.empty(k + 1)
    starts, fill = np.empty(16 * k + 3, np.int64), np.empty(k + 3, np.int64)
    n, shift, widest = tail_kernel._completion_index(
        value, mult, k, lower, upper, inv_scale, fv, fu, cum, starts, fill, True
    )
    # two parents: pasts spread over 30 log units, and a cluster 1500 below the largest
    near = np.sort(rng.integers(-30_000, 1, 200))
    far = np.sort(np.append(rng.integers(-1_530_000, -1_500_000, 199), 0))
    val = np.concatenate([near, far]).astype(np.int64)
    w = rng.integers(1, 6, size=val.size).astype(float)
    ew = np.concatenate([w[:200] * np.exp((near - near[-1]) * inv_scale), w[200:] * 0.0])
    runs, factors, expected = [], [], 0.0
    for i, (p, middle) in enumerate([(near, -15_000), (far, -1_515_000)]):
        top = int(p[-1])
        for e in (threshold - middle + 15_000, threshold - middle + 25_000):
            q_all = threshold - e - val[i * 200 : (i + 1) * 200]
            band = np.flatnonzero((q_all >= lower) & (q_all < upper)) + i * 200
            first, stop = int(band[0]), int(band[-1]) + 1
            factor = float(rng.integers(1, 5))
            runs.append([first, stop, e, top])
            factors.append(factor)
            for j in range(first, stop):
                q = threshold - e - int(val[j])
                counted = mult[value <= q] * np.exp((value[value <= q] - q) * inv_scale)
                expected += factor * w[j] * counted.sum()
    got = tail_kernel._tail_runs(
        np.array(runs, np.int64), np.array(factors), len(runs), val, w, ew, lower, upper,
        threshold, inv_scale, n, shift, widest, fv, cum, starts, np.empty(k + 1),
    )  # fmt: skip
    assert got == pytest.approx(expected, rel=1e-12)


def test_threads_do_not_change_the_result() -> None:
    from painresponse.stats._fisher_network import exact_pvalue

    table = np.array([[6, 8, 6, 3, 4], [7, 0, 7, 7, 4], [4, 4, 4, 5, 5], [5, 11, 5, 2, 3]])
    assert exact_pvalue(table, 10**12, workers=1) == exact_pvalue(table, 10**12, workers=2)


# near-uniform margins with strong association, the hardest family found (5 x 6 table #7
# of ``benchmarks/fisher_exact.py --stress``); R 4.2 ``fisher.test(m, workspace = 2e8)``
# gives 1.76774043632235e-08 (55 s). Most of its tail nodes bin their pasts by rank.
HARD_5X6 = [
    [1, 1, 0, 2, 0, 4],
    [18, 1, 2, 4, 3, 1],
    [2, 3, 0, 1, 0, 23],
    [4, 5, 0, 2, 0, 12],
    [1, 1, 1, 2, 1, 5],
]


@pytest.mark.slow
def test_hard_family_agrees_with_r_whatever_the_threads() -> None:
    from painresponse.stats._fisher_network import exact_pvalue

    table = np.asarray(HARD_5X6, dtype=np.int64)
    one = exact_pvalue(table, 10**12, workers=1)
    assert one is not None
    assert one == exact_pvalue(table, 10**12, workers=2)
    assert abs(one - 1.76774043632235e-08) <= REL * 1.76774043632235e-08
    assert fisher_exact(table.T).pvalue == pytest.approx(one, rel=1e-12)


def test_beyond_the_range_says_so_in_one_sentence() -> None:
    table = [[10, 12, 9, 11, 8], [12, 9, 11, 10, 9], [9, 11, 10, 12, 10]]
    with pytest.raises(StatisticsError) as info:
        fisher_exact(table, max_work=1000)
    message = str(info.value)
    assert "beyond the range of the exact test" in message
    assert "method='monte-carlo'" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert fisher_exact(table, method="monte-carlo", n_simulations=500, seed=1).pvalue > 0


@pytest.mark.parametrize(
    "table",
    [[[0, 0], [0, 0]], [[0, 3, 0], [0, 4, 0]], [[1, 2, 3, 4]]],
)
def test_tables_without_association_give_nan_and_a_reason(table: list[list[int]]) -> None:
    res = fisher_exact(table)
    assert math.isnan(res.pvalue) and res.note


@pytest.mark.parametrize(
    "table", [[[1, -2], [3, 4]], [[1.5, 2], [3, 4]], [[1, 2], [3, float("inf")]], [1, 2, 3]]
)
def test_bad_counts_raise(table: Any) -> None:
    with pytest.raises(StatisticsError):
        fisher_exact(table)


def test_empty_rows_and_columns_are_dropped_before_the_kernel() -> None:
    job = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]
    padded = np.zeros((5, 6), dtype=int)
    padded[:4, 1:5] = job
    res = fisher_exact(padded)
    assert res.pvalue == pytest.approx(0.782684938967, rel=1e-9)
    assert res.details["dropped_rows"] == 1 and res.details["dropped_columns"] == 2


def test_importing_the_package_does_not_import_numba() -> None:
    script = (
        "import sys\nimport painresponse, painresponse.stats.contingency\n"
        "from painresponse.stats import fisher_exact\n"
        "fisher_exact([[3, 1], [1, 3]], method='monte-carlo', n_simulations=10, seed=1)\n"
        "print('numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cache_falls_back_to_a_private_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """numba refuses cache=True without a writable cache directory (RuntimeError): the
    decorator then caches under a private temporary directory, and compiles in memory
    when even that fails; numba's global setting is restored either way."""
    from painresponse.stats import _jit

    config: Any = _jit.config

    calls: list[tuple[bool, str | None]] = []

    def fake_njit(cache: bool = False, nogil: bool = False) -> Any:
        calls.append((cache, config.CACHE_DIR))
        if cache and not config.CACHE_DIR:
            raise RuntimeError("cannot cache function: no locator available")
        return lambda func: func

    before = config.CACHE_DIR
    monkeypatch.setattr(config, "CACHE_DIR", "")
    monkeypatch.setattr(_jit, "njit", fake_njit)
    assert _jit.jit(len) is len
    assert calls[0] == (True, "")
    assert calls[1][0] and calls[1][1] and "painresponse-numba" in calls[1][1]
    assert config.CACHE_DIR == ""
    monkeypatch.setattr(_jit, "_private_cache_dir", lambda: None)
    calls.clear()
    assert _jit.jit(len) is len
    assert calls[-1] == (False, "")
    monkeypatch.setattr(config, "CACHE_DIR", before)


def test_every_compiled_kernel_goes_through_the_shared_decorator() -> None:
    """A bare ``numba.njit(cache=True)`` fails on a read-only install with no writable
    home; every kernel module therefore compiles through :func:`stats._jit.jit`."""
    import painresponse

    root = Path(painresponse.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "_jit.py" and re.search(r"@njit|njit\(|from numba import", path.read_text())
    ]
    assert offenders == []


def test_a_kernel_cache_is_keyed_to_its_whole_family(tmp_path: Path) -> None:
    """A kernel inlines the kernels it calls from sibling modules, so its cache must go
    stale when any of them changes, not only its own file (numba's own key)."""
    from painresponse.stats import _exact_kernels, _fisher_tail, _jit

    stamp = _fisher_tail.pull_chunk._cache._cache_file._source_stamp
    names = [name for name, _, _ in stamp]
    assert {"_fisher_kernel.py", "_fisher_tail.py", "_fisher_network.py"} <= set(names)
    assert all(name.startswith("_fisher_") for name in names)
    exact = [name for name, _, _ in _exact_kernels.rank_sum_tail._cache._cache_file._source_stamp]
    assert {"_exact_kernels.py", "_exact_sums.py"} <= set(exact)
    for name in ("_fisher_a.py", "_fisher_b.py", "_other.py"):
        (tmp_path / name).write_text("x = 1\n")
    before = _jit.family_stamp(str(tmp_path / "_fisher_a.py"))
    assert [name for name, _, _ in before] == ["_fisher_a.py", "_fisher_b.py"]
    (tmp_path / "_fisher_b.py").write_text("x = 22\n")  # a sibling changes: a new key
    assert _jit.family_stamp(str(tmp_path / "_fisher_a.py")) != before
