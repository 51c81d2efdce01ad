"""Tests of painresponse.stats.trend (linear-by-linear association test) against R and brute force.

Reference values: ``tests/reference/trend.json``, written by
``tests/reference/make_trend_reference.R`` with R 4.2.2 and coin 1.4.2::

    coin::lbl_test(as.table(table), scores = list(Var2 = scores, Var1 = row_scores),
                   distribution = method, alternative = a)
    pvalue(); statistic(); statistic(type = "linear"); expectation(); variance()

(r x 2 exact cases: the same on ``t(table)``, since coin runs the exact test on 2 x c tables
only). Tolerance, as in ``tests/reference/README.md``: ``|python - R| <= 1e-9 |R| + floor``
with floor 1e-15 for p-values and 1e-12 for Z, the linear statistic, its expectation and
variance. One pytest case per R case (ids ``trend-001`` ...).
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painresponse.errors import StatisticsError
from painresponse.stats import _exact_ranks
from painresponse.stats.choice import REGISTRY, choose_test, run_test
from painresponse.stats.trend import (
    METHOD_ASYMPTOTIC,
    METHOD_EXACT,
    _integer_lattice,
    _real_distribution,
    trend_test,
)

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "trend.json").read_text("utf-8")
)
TOLERANCE = REFERENCE["tolerance"]
QUANTITIES = {
    "pvalue": lambda r: r.pvalue,
    "statistic": lambda r: r.statistic,
    "linear": lambda r: r.details["linear_statistic"],
    "expectation": lambda r: r.details["expectation"],
    "variance": lambda r: r.details["variance"],
}


# ----------------------------------------------------------------------------- against R


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=[c["id"] for c in REFERENCE["cases"]])
def test_against_coin(case: dict[str, Any]) -> None:
    result = trend_test(
        case["table"],
        scores=case["scores"],
        row_scores=case["row_scores"],
        method=case["method"],
        alternative=case["alternative"],
    )
    assert result.method == (METHOD_EXACT if case["method"] == "exact" else METHOD_ASYMPTOTIC)
    for quantity, get in QUANTITIES.items():
        expected = float(case[quantity])
        floor = TOLERANCE["abs_floor_pvalue" if quantity == "pvalue" else "abs_floor_other"]
        allowed = TOLERANCE["rel"] * abs(expected) + floor
        assert abs(get(result) - expected) <= allowed, (quantity, get(result), expected)


def test_reference_file_covers_the_brief() -> None:
    cases = REFERENCE["cases"]
    assert len(cases) >= 150
    assert {c["alternative"] for c in cases} == {"two-sided", "less", "greater"}
    exact_2xc = [c for c in cases if c["method"] == "exact" and len(c["table"]) == 2]
    assert {len(c["table"][0]) for c in exact_2xc} == {3, 4, 5, 6}
    assert any(c["scores"] is not None for c in exact_2xc)
    assert any(0 in row for c in exact_2xc for row in c["table"])
    assert any(len(c["table"]) >= 3 and len(c["table"][0]) >= 3 for c in cases)


# ------------------------------------------------------------------------- brute force


def _brute_force(
    first_row: list[int], totals: list[int], scores: list[float]
) -> tuple[dict[str, float], dict[float, float]]:
    """Exact p-values by listing every 2 x c table with the margins (hypergeometric weights)."""
    m, n_total = sum(first_row), sum(totals)
    whole = math.comb(n_total, m)
    observed = float(np.dot(first_row, scores))
    mean = m * float(np.dot(totals, scores)) / n_total
    distribution: dict[float, float] = {}
    for counts in itertools.product(*(range(t + 1) for t in totals)):
        if sum(counts) != m:
            continue
        weight = math.prod(math.comb(t, a) for t, a in zip(totals, counts, strict=True)) / whole
        value = round(float(np.dot(counts, scores)), 9)
        distribution[value] = distribution.get(value, 0.0) + weight
    tol = 1e-9
    values = np.array(list(distribution))
    probs = np.array(list(distribution.values()))
    pvalues = {
        "greater": float(probs[values >= observed - tol].sum()),
        "less": float(probs[values <= observed + tol].sum()),
        "two-sided": float(probs[np.abs(values - mean) >= abs(observed - mean) - tol].sum()),
    }
    return pvalues, distribution


TINY = [
    ([[3, 1, 0, 4], [1, 5, 9, 2]], None),
    ([[2, 2, 1], [0, 3, 4]], [0, 1, 3]),
    ([[1, 0, 2, 2, 1], [2, 3, 0, 1, 1]], [0, 1, 3, 7, 12]),
    ([[4, 1, 0], [0, 2, 5]], [0.25, 1.5, 1.75]),
    ([[3, 1, 0, 4], [1, 5, 9, 2]], [0, 1 / 3, 1, math.sqrt(2)]),
    ([[2, 0, 3, 1], [1, 4, 1, 2]], [math.log(k + 1.5) for k in range(4)]),
    ([[1, 2, 3], [3, 2, 1]], [3, 1, 2]),
    ([[5, 0, 0, 1], [0, 0, 3, 2]], [1, 1, 2, 2]),
]


@pytest.mark.parametrize(("table", "scores"), TINY)
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_exact_matches_enumeration(
    table: list[list[int]], scores: list[float] | None, alternative: str
) -> None:
    column_scores = list(range(1, len(table[0]) + 1)) if scores is None else scores
    totals = [a + b for a, b in zip(*table, strict=True)]
    expected, _ = _brute_force(table[0], totals, column_scores)
    result = trend_test(table, scores=scores, method="exact", alternative=alternative)
    assert result.pvalue == pytest.approx(expected[alternative], rel=1e-12, abs=1e-15)


def test_known_values() -> None:
    # coin 1.4.2: lbl_test(as.table(rbind(c(3,4,5,2), c(1,1,9,6))), distribution = "exact")
    table = [[3, 4, 5, 2], [1, 1, 9, 6]]
    exact = trend_test(table, method="exact")
    assert exact.statistic == pytest.approx(-2.137649191229817, rel=1e-12)
    assert exact.pvalue == pytest.approx(0.03866606217736257, rel=1e-12)
    assert trend_test(table, method="exact", alternative="less").pvalue == pytest.approx(
        0.02474073, rel=1e-6
    )
    assert exact.details["linear_statistic"] == 34.0
    assert exact.details["expectation"] == pytest.approx(39.74194, rel=1e-6)
    assert exact.details["variance"] == pytest.approx(7.215123, rel=1e-6)


# ------------------------------------------------------------------- result and options


def test_result_fields() -> None:
    res = trend_test([[3, 4, 5, 2], [1, 1, 9, 6]])
    assert res.test == "trend"
    assert res.method == METHOD_EXACT
    assert res.statistic_name == "Z"
    assert res.n == (31,) and res.n_missing == (0,)
    assert res.df is None and res.note is None
    assert res.details["groups"] == "rows"
    assert res.details["scores"] == [1.0, 2.0, 3.0, 4.0]
    assert res.details["row_scores"] == [1.0, 0.0]
    assert res.details["chi_squared"] == pytest.approx(res.statistic**2)
    assert res.details["correlation"] == pytest.approx(res.statistic / math.sqrt(30))
    assert res.details["algorithm"] == "dynamic programme"
    assert res.to_dict()["details"]["method_requested"] == "auto"
    asym = trend_test([[3, 4, 5, 2], [1, 1, 9, 6]], method="asymptotic")
    assert asym.method == METHOD_ASYMPTOTIC
    assert asym.pvalue == pytest.approx(2 * 0.016272613053310805)


def test_rxc_is_asymptotic() -> None:
    table = [[3, 1, 2, 3], [1, 5, 6, 5], [4, 9, 5, 8]]
    res = trend_test(table)
    assert res.method == METHOD_ASYMPTOTIC
    assert res.details["groups"] is None
    assert res.details["linear_statistic"] == 328.0
    with pytest.raises(StatisticsError, match="two \\(non-empty\\) rows or two columns"):
        trend_test(table, method="exact")


def test_row_scores_flip_sign_and_two_levels_are_indicators() -> None:
    table = [[1, 0, 0, 1, 0, 3], [5, 0, 0, 0, 0, 1]]
    scores = [0, 1, 4, 7, 11, 12]
    default = trend_test(table, scores=scores, method="exact")
    flipped = trend_test(table, scores=scores, row_scores=[1, 2], method="exact")
    assert flipped.statistic == pytest.approx(-default.statistic)
    assert flipped.pvalue == pytest.approx(default.pvalue)
    # coin scores a two-level factor as the indicator of its higher-scored level
    assert flipped.details["row_scores"] == [0.0, 1.0]
    assert flipped.details["linear_statistic"] == 12.0
    less = trend_test(table, scores=scores, method="exact", alternative="less").pvalue
    assert trend_test(
        table, scores=scores, row_scores=[5, 7], method="exact", alternative="greater"
    ).pvalue == pytest.approx(less)


def test_two_columns_is_the_transposed_two_rows() -> None:
    table = np.array([[3, 4, 5, 2, 6], [1, 1, 9, 6, 2]])
    for alternative in ("two-sided", "less", "greater"):
        rows = trend_test(table, method="exact", alternative=alternative)
        cols = trend_test(table.T, method="exact", alternative=alternative)
        assert cols.details["groups"] == "columns"
        assert cols.statistic == pytest.approx(rows.statistic, rel=1e-12)
        assert cols.pvalue == pytest.approx(rows.pvalue, rel=1e-12)


def test_empty_columns_keep_their_positions() -> None:
    # coin: the empty second column keeps score 2, so the others score 1, 3, 4
    with_empty = trend_test([[3, 0, 5, 2], [1, 0, 9, 6]], method="exact")
    without = trend_test([[3, 5, 2], [1, 9, 6]], scores=[1, 3, 4], method="exact")
    assert with_empty.pvalue == pytest.approx(without.pvalue, rel=1e-14)
    assert with_empty.pvalue == pytest.approx(0.1549328044414866, rel=1e-12)
    assert with_empty.note == "Dropped 1 column(s) with a total of zero."
    assert with_empty.details["dropped_columns"] == 1


def test_empty_row_of_three_leaves_an_exact_two_sample_problem() -> None:
    res = trend_test([[3, 4, 5, 2], [0, 0, 0, 0], [1, 1, 9, 6]], method="exact")
    assert res.method == METHOD_EXACT
    # row scores 1 and 3: the first row scores lower, so Z has the opposite sign
    assert res.statistic == pytest.approx(2.137649191229817, rel=1e-12)
    assert res.pvalue == pytest.approx(0.03866606217736257, rel=1e-12)


@pytest.mark.parametrize(
    ("table", "scores"),
    [
        ([[3, 4, 5], [0, 0, 0]], None),  # one non-empty row
        ([[3, 0, 0], [1, 0, 0]], None),  # one non-empty column
        ([[3, 0, 4], [1, 0, 2]], [2, 1, 2]),  # the non-empty columns share one score
    ],
)
def test_no_variation_gives_nan_with_note(table: list[list[int]], scores: Any) -> None:
    res = trend_test(table, scores=scores)
    assert math.isnan(res.pvalue) and math.isnan(res.statistic)
    assert res.note is not None and "No variation to test" in res.note


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"table": [[1, 2, 3]]}, "at least two rows and two columns; the table is 1 x 3"),
        ({"table": [[1], [2], [3]]}, "the table is 3 x 1"),
        ({"table": [[0, 0, 0], [0, 0, 0]]}, "all counts are zero"),
        ({"table": [[1, -2, 3], [1, 2, 3]]}, "negative counts"),
        ({"table": [[1, 2.5, 3], [1, 2, 3]]}, "non-integer counts"),
        ({"table": [[1, math.nan, 3], [1, 2, 3]]}, "missing or infinite"),
        ({"table": [1, 2, 3]}, "two-dimensional"),
        (
            {"table": [[1, 2, 3], [1, 2, 3]], "scores": [1, 2]},
            "one score per column of the table .3., got 2",
        ),
        ({"table": [[1, 2, 3], [1, 2, 3]], "scores": [1, math.inf, 3]}, "must be finite"),
        ({"table": [[1, 2, 3], [1, 2, 3]], "scores": [1, math.nan, 3]}, "must be finite"),
        ({"table": [[1, 2, 3], [1, 2, 3]], "scores": [2, 2, 2]}, "must not all be equal"),
        ({"table": [[1, 2, 3], [1, 2, 3]], "scores": [[1, 2, 3]]}, "one-dimensional"),
        ({"table": [[1, 2, 3], [1, 2, 3]], "scores": ["a", "b", "c"]}, "must be numbers"),
        (
            {"table": [[1, 2, 3], [1, 2, 3]], "row_scores": [1, 2, 3]},
            "one score per row of the table .2.",
        ),
        ({"table": [[1, 2, 3], [1, 2, 3]], "method": "fast"}, "method must be one of"),
        ({"table": [[1, 2, 3], [1, 2, 3]], "alternative": "up"}, "alternative must be one of"),
    ],
)
def test_bad_input_raises(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(StatisticsError, match=message):
        trend_test(**kwargs)


def test_registry_and_override() -> None:
    assert "trend" in REGISTRY
    choice = choose_test("ordinal", table=[[3, 4, 5, 2], [1, 1, 9, 6]], override="trend")
    res = run_test(choice, [[3, 4, 5, 2], [1, 1, 9, 6]], method="exact")
    assert res.test == "trend"
    assert res.pvalue == pytest.approx(0.03866606217736257, rel=1e-12)


# ---------------------------------------------------------------- algorithms and fallbacks


def test_integer_lattice() -> None:
    assert _integer_lattice(np.array([1.0, 2.0, 3.0, 5.0])) == [0, 1, 2, 4]
    assert _integer_lattice(np.array([0.1, 0.5, 2.0])) == [0, 4, 19]
    assert _integer_lattice(np.array([0.0, 1 / 3, 1.0])) == [0, 1, 3]
    assert _integer_lattice(np.array([10.0, 20.0, 50.0])) == [0, 1, 4]
    assert _integer_lattice(np.log(np.array([1.5, 2.5, 3.5]))) is None


def test_affine_maps_of_the_scores_change_nothing() -> None:
    table = [[3, 4, 5, 2, 6], [1, 1, 9, 6, 2]]
    base = trend_test(table, method="exact")
    for scores in ([0.1, 0.2, 0.3, 0.4, 0.5], [-7, -4, -1, 2, 5], [1 / 3, 2 / 3, 1, 4 / 3, 5 / 3]):
        res = trend_test(table, scores=scores, method="exact")
        assert res.details["algorithm"] == "dynamic programme"
        assert res.statistic == pytest.approx(base.statistic, rel=1e-12)
        assert res.pvalue == pytest.approx(base.pvalue, rel=1e-12)


def test_real_scores_use_the_value_programme() -> None:
    table = [[3, 1, 0, 4], [1, 5, 9, 2]]
    scores = [0, 1 / 3, 1, math.sqrt(2)]
    res = trend_test(table, scores=scores, method="exact")
    assert res.details["algorithm"] == "dynamic programme (real scores)"
    # coin 1.4.2 (van de Wiel split-up algorithm): 0.86857499479925115
    assert res.pvalue == pytest.approx(0.86857499479925115, rel=1e-12)


@pytest.mark.slow
def test_wide_lattice_falls_back_to_the_value_programme() -> None:
    table = [[3, 4, 5, 1], [1, 1, 9, 6]]
    scores = [0, 1 / 997, 1, 2.0001]  # lattice 0, 10000, 9970000, 19940997: far too wide
    expected, _ = _brute_force(table[0], [4, 5, 14, 7], scores)
    for alternative in ("two-sided", "less", "greater"):
        res = trend_test(table, scores=scores, method="exact", alternative=alternative)
        assert res.details["algorithm"] == "dynamic programme (real scores)"
        assert res.pvalue == pytest.approx(expected[alternative], rel=1e-12)


def test_large_table_uses_fourier_and_agrees_with_the_programme() -> None:
    rng = np.random.default_rng(5)
    first = rng.multinomial(600, [0.1, 0.2, 0.3, 0.25, 0.15])
    second = rng.multinomial(700, [0.15, 0.25, 0.3, 0.2, 0.1])
    table = np.vstack([first, second])
    scores = [0, 7, 19, 40, 71]
    res = trend_test(table, scores=scores, method="exact")
    assert res.details["algorithm"] == "fourier"
    assert res.details["error_bound"] <= 1e-12
    totals = (first + second).tolist()
    m = int(first.sum())  # the smaller group (the programme expects m <= N / 2)
    support, probs = _exact_ranks.rank_sum_distribution(scores, totals, m)
    n_total = sum(totals)
    centre = m * int(np.dot(scores, totals))
    observed = int(np.dot(first, scores))
    extreme = np.abs(n_total * support - centre) >= abs(n_total * observed - centre)
    assert res.pvalue == pytest.approx(float(probs[extreme].sum()), rel=1e-10)


def test_auto_falls_back_to_asymptotic_with_a_note() -> None:
    rng = np.random.default_rng(3)
    table = np.vstack(
        [rng.multinomial(15000, [0.2] * 5), rng.multinomial(15000, [0.25, 0.2, 0.2, 0.2, 0.15])]
    )
    scores = [0, 13, 29, 71, 97]  # n = 30 000: beyond the Fourier method, too wide a programme
    res = trend_test(table, scores=scores)
    assert res.method == METHOD_ASYMPTOTIC
    assert res.note is not None and res.note.startswith("Asymptotic p-value: ")
    assert "not tried for n = 30000" in res.note
    with pytest.raises(StatisticsError, match="No exact algorithm applies"):
        trend_test(table, scores=scores, method="exact")
    # at n = 4000 "auto" is exact by Fourier inversion
    smaller = trend_test(table // 8, scores=scores)
    assert smaller.method == METHOD_EXACT and smaller.details["algorithm"] == "fourier"


def test_exact_beyond_every_budget_raises() -> None:
    rng = np.random.default_rng(4)
    table = np.vstack([rng.multinomial(400, [0.25] * 4), rng.multinomial(400, [0.25] * 4)])
    scores = np.log([1.5, 2.5, 3.5, 4.5])  # off any lattice: the value programme explodes
    res = trend_test(table, scores=scores)
    assert res.method == METHOD_ASYMPTOTIC and "real scores" in (res.note or "")
    with pytest.raises(StatisticsError, match="No exact algorithm applies"):
        trend_test(table, scores=scores, method="exact")


# ------------------------------------------------------------------------------ properties


@st.composite
def two_row_tables(draw: st.DrawFn, max_total: int = 24) -> list[list[int]]:
    columns = draw(st.integers(2, 5))
    cell = st.integers(0, max(1, max_total // (2 * columns)))
    table = [draw(st.lists(cell, min_size=columns, max_size=columns)) for _ in range(2)]
    if sum(map(sum, table)) == 0:
        table[0][0] = 1
    return table


SCORES = st.one_of(
    st.none(),
    st.lists(st.integers(-5, 20), min_size=5, max_size=5, unique=True),
    st.lists(st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 2)), min_size=5, max_size=5),
)


def _column_scores(scores: list[float] | None, columns: int) -> list[float] | None:
    if scores is None:
        return None
    kept = scores[:columns]
    return kept if len(set(kept)) > 1 else None


@settings(max_examples=80, deadline=None)
@given(two_row_tables(), SCORES, st.sampled_from(["exact", "asymptotic"]))
def test_pvalues_lie_in_unit_interval(table: list[list[int]], scores: Any, method: str) -> None:
    column_scores = _column_scores(scores, len(table[0]))
    for alternative in ("two-sided", "less", "greater"):
        p = trend_test(table, scores=column_scores, method=method, alternative=alternative).pvalue
        assert math.isnan(p) or 0.0 <= p <= 1.0


@settings(max_examples=80, deadline=None)
@given(two_row_tables(), SCORES)
def test_reversing_columns_with_reversed_scores_changes_nothing(
    table: list[list[int]], scores: Any
) -> None:
    columns = len(table[0])
    column_scores = _column_scores(scores, columns) or list(range(1, columns + 1))
    reversed_table = [row[::-1] for row in table]
    for alternative in ("two-sided", "less", "greater"):
        res = trend_test(table, scores=column_scores, method="exact", alternative=alternative)
        rev = trend_test(
            reversed_table, scores=column_scores[::-1], method="exact", alternative=alternative
        )
        assert rev.pvalue == pytest.approx(res.pvalue, rel=1e-12, nan_ok=True)


@settings(max_examples=80, deadline=None)
@given(two_row_tables())
def test_reversing_columns_keeps_the_two_sided_pvalue(table: list[list[int]]) -> None:
    # default scores 1..c on the reversed table are the mirrored scores: Z changes sign
    reversed_table = [row[::-1] for row in table]
    res = trend_test(table, method="exact")
    rev = trend_test(reversed_table, method="exact")
    assert rev.pvalue == pytest.approx(res.pvalue, rel=1e-12, nan_ok=True)
    assert rev.statistic == pytest.approx(-res.statistic, rel=1e-12, abs=1e-12, nan_ok=True)
    less = trend_test(table, method="exact", alternative="less").pvalue
    greater = trend_test(reversed_table, method="exact", alternative="greater").pvalue
    assert greater == pytest.approx(less, rel=1e-12, nan_ok=True)
    # swapping the rows mirrors Z as well
    swapped = trend_test(table[::-1], method="exact")
    assert swapped.pvalue == pytest.approx(res.pvalue, rel=1e-12, nan_ok=True)


@settings(max_examples=60, deadline=None)
@given(two_row_tables(max_total=20), SCORES)
def test_exact_null_is_the_enumerated_hypergeometric(table: list[list[int]], scores: Any) -> None:
    columns = len(table[0])
    column_scores = _column_scores(scores, columns) or list(range(1, columns + 1))
    totals = [a + b for a, b in zip(*table, strict=True)]
    keep = [t > 0 for t in totals]
    if sum(keep) < 2 or 0 in (sum(table[0]), sum(table[1])):
        return
    expected, distribution = _brute_force(table[0], totals, column_scores)
    assert sum(distribution.values()) == pytest.approx(1.0, rel=1e-12)  # the null sums to 1
    res = trend_test(table, scores=column_scores, method="exact")
    if math.isnan(res.pvalue):
        assert len({round(s, 9) for s, k in zip(column_scores, keep, strict=True) if k}) == 1
        return
    for alternative in ("two-sided", "less", "greater"):
        p = trend_test(table, scores=column_scores, method="exact", alternative=alternative)
        assert p.pvalue == pytest.approx(expected[alternative], rel=1e-10, abs=1e-15)
    # the real-score programme gives the whole distribution, summing to 1 before normalising
    values = np.array([s for s, k in zip(column_scores, keep, strict=True) if k], dtype=float)
    live = np.array([t for t in totals if t > 0], dtype=np.int64)
    order = np.argsort(values, kind="stable")
    support, probs = _real_distribution(values[order], live[order], sum(table[0]), 10**6)
    assert probs.sum() == pytest.approx(1.0, rel=1e-12)
    for value, p in distribution.items():
        near = float(probs[np.abs(support - value) <= 1e-7].sum())
        assert near == pytest.approx(p, rel=1e-9, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 5).flatmap(
        lambda r: st.lists(
            st.lists(st.integers(0, 6), min_size=4, max_size=4), min_size=r, max_size=r
        )
    )
)
def test_rxc_transpose_and_pvalue_range(table: list[list[int]]) -> None:
    if sum(map(sum, table)) == 0:
        return
    res = trend_test(table)
    transposed = trend_test(np.array(table).T.tolist())
    assert transposed.statistic == pytest.approx(res.statistic, rel=1e-12, abs=1e-12, nan_ok=True)
    assert math.isnan(res.pvalue) or 0.0 <= res.pvalue <= 1.0
