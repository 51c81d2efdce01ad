"""Exact conditional Hodges-Lehmann intervals (``hodges_lehmann(..., method="exact")``).

References
----------
* Untied data: R 4.2.2 ``wilcox.test(x, y, conf.int = TRUE, exact = TRUE, correct = FALSE)``
  (two samples and paired), the 130 cases of ``tests/reference/hl_exact.json`` written by
  ``tests/reference/make_hl_exact_reference.R``; tolerance relative 1e-12 (the file keeps 15
  significant digits). Both R's order-statistic path and the inversion itself are compared.
* Tied data: no independent implementation exists (R coin and exactRankTests invert the null
  distribution of the *unshifted* data), so the reference is brute force: ``p(Δ)`` by
  enumerating every split of the pooled sample (every sign vector of the differences), with
  mid-ranks from ``scipy.stats.rankdata``, on every open gap between candidates and at every
  candidate; the expected interval follows the boundary rule of ``hodges_lehmann``'s Notes.
  Integer data keep every shifted value exact in floating point.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.stats import rankdata

from painresponse.errors import StatisticsError
from painresponse.stats import _shift_inversion
from painresponse.stats._result import TestResult
from painresponse.stats.location_shift import hodges_lehmann, hodges_lehmann_from_counts
from painresponse.stats.location_shift_counts import pseudo_median_from_counts, shift_from_counts
from painresponse.stats.ranks import rank_sum, signed_rank
from painresponse.tables.frequencies import Distribution

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "hl_exact.json"
TOL = 1e-10  # the module's relative tolerance for p = alpha

# --------------------------------------------------------------------------- brute force


@functools.cache
def _splits(n_total: int, m: int) -> NDArray[np.float64]:
    """Every choice of m of n_total positions, as 0/1 rows."""
    rows = np.zeros((math.comb(n_total, m), n_total))
    for i, chosen in enumerate(itertools.combinations(range(n_total), m)):
        rows[i, list(chosen)] = 1.0
    return rows


@functools.cache
def _sign_vectors(n: int) -> NDArray[np.float64]:
    return np.array(list(itertools.product((0.0, 1.0), repeat=n))).reshape(-1, n)


def _enumerated_rank_sum_p(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Exact conditional two-sided p of the rank-sum test, by enumeration of all splits."""
    ranks = rankdata(np.concatenate((x, y)))
    m, n_total = x.size, x.size + y.size
    sums = _splits(n_total, m) @ ranks
    centre = m * (n_total + 1) / 2.0
    observed = abs(ranks[:m].sum() - centre)
    return float(np.mean(np.abs(sums - centre) >= observed - 1e-9))


def _enumerated_signed_rank_p(d: NDArray[np.float64]) -> float:
    """Exact two-sided p of the signed-rank test (zeros dropped), by all sign vectors."""
    d = d[d != 0]
    if d.size == 0:
        return 1.0  # nothing to test: the module's convention (the shift is not rejected)
    ranks = rankdata(np.abs(d))
    sums = _sign_vectors(d.size) @ ranks
    centre = ranks.sum() / 2.0
    observed = abs(ranks[d > 0].sum() - centre)
    return float(np.mean(np.abs(sums - centre) >= observed - 1e-9))


def _expected(
    candidates: NDArray[np.float64], pvalue_at: Callable[[float], float], alpha: float
) -> dict[str, Any]:
    """The interval of the boundary rule, from p at every position (gaps and candidates)."""
    c, last = candidates, 2 * candidates.size

    def shift(i: int) -> float:  # a shift inside position i
        if i % 2:
            return float(c[i // 2])
        if i == 0:
            return float(c[0] - 1)
        if i == last:
            return float(c[-1] + 1)
        return float((c[i // 2 - 1] + c[i // 2]) / 2)

    def span(i: int) -> tuple[float, float]:
        if i % 2:
            return float(c[i // 2]), float(c[i // 2])
        return float(c[i // 2 - 1]), float(c[i // 2])

    pvalues = [pvalue_at(shift(i)) for i in range(last + 1)]
    accepted = [i for i, p in enumerate(pvalues) if p >= alpha * (1 - TOL)]
    if not accepted:
        return {"empty": True}
    low, high = accepted[0], accepted[-1]
    if low == 0:
        ci_low, low_included = -math.inf, None
    elif low % 2:
        ci_low, low_included = float(c[low // 2]), True
    else:
        ci_low, low_included = float(c[low // 2 - 1]), False
    if high == last:
        ci_high, high_included = math.inf, None
    elif high % 2:
        ci_high, high_included = float(c[high // 2]), True
    else:
        ci_high, high_included = float(c[high // 2]), False
    return {
        "empty": False,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "ci_low_included": low_included,
        "ci_high_included": high_included,
        "excluded_inside": [span(i) for i in range(low + 1, high) if i not in accepted],
    }


def _brute_two_sample(
    x: NDArray[np.float64], y: NDArray[np.float64], alpha: float
) -> dict[str, Any]:
    candidates = np.unique(np.subtract.outer(x, y))
    return _expected(candidates, lambda t: _enumerated_rank_sum_p(x - t, y), alpha)


def _brute_paired(d: NDArray[np.float64], alpha: float) -> dict[str, Any]:
    candidates = np.unique(np.add.outer(d, d)[np.triu_indices(d.size)] / 2.0)
    return _expected(candidates, lambda t: _enumerated_signed_rank_p(d - t), alpha)


def _summary(res: TestResult) -> dict[str, Any]:
    return {
        "empty": False,
        "ci_low": res.ci_low,
        "ci_high": res.ci_high,
        "ci_low_included": res.details["ci_low_included"],
        "ci_high_included": res.details["ci_high_included"],
        "excluded_inside": [tuple(span) for span in res.details["excluded_inside"]],
    }


def _excludes(res: TestResult, shift: float) -> bool:
    """Whether the reported confidence set leaves out ``shift`` (the boundary rule)."""
    assert res.ci_low is not None and res.ci_high is not None
    if shift < res.ci_low or shift > res.ci_high:
        return True
    if shift == res.ci_low and res.details["ci_low_included"] is False:
        return True
    if shift == res.ci_high and res.details["ci_high_included"] is False:
        return True
    return any(
        (low == high == shift) or (low < shift < high)
        for low, high in res.details["excluded_inside"]
    )


def _two_sample_case(seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(1, 7, 2))
    x = rng.integers(0, 5, m).astype(float)
    y = (rng.integers(0, 5, n) + rng.integers(0, 3)).astype(float)
    conf_level = float(rng.choice([0.5, 0.8, 0.9, 0.95]))
    return x, y, conf_level


def _paired_case(seed: int) -> tuple[NDArray[np.float64], float]:
    rng = np.random.default_rng(seed)
    d = rng.integers(-3, 5, int(rng.integers(1, 11))).astype(float)
    conf_level = float(rng.choice([0.5, 0.8, 0.9, 0.95]))
    return d, conf_level


# ------------------------------------------------------------------- ties: brute force


@pytest.mark.parametrize("seed", range(120))
def test_two_sample_interval_is_the_brute_force_acceptance_set(seed: int) -> None:
    x, y, conf_level = _two_sample_case(seed)
    expected = _brute_two_sample(x, y, 1 - conf_level)
    if np.unique(np.concatenate((x, y))).size == x.size + y.size:  # untied: R's path
        res = hodges_lehmann(x, y, method="exact", conf_level=conf_level)
        assert "R wilcox.test exact" in res.method
        return
    res = hodges_lehmann(x, y, method="exact", conf_level=conf_level)
    assert res.details["search"] == "scan"
    assert _summary(res) == expected
    # p at the ends is the test at that shift, which the flag reports.
    for end, flag, p_end in (
        (res.ci_low, "ci_low_included", "pvalue_at_ci_low"),
        (res.ci_high, "ci_high_included", "pvalue_at_ci_high"),
    ):
        assert end is not None
        if math.isfinite(end):
            p = _enumerated_rank_sum_p(x - end, y)
            assert res.details[p_end] == pytest.approx(p, abs=1e-12)
            assert res.details[flag] == (p >= (1 - conf_level) * (1 - TOL))


@pytest.mark.parametrize("seed", range(120))
def test_paired_interval_is_the_brute_force_acceptance_set(seed: int) -> None:
    d, conf_level = _paired_case(seed)
    expected = _brute_paired(d, 1 - conf_level)
    nonzero = d[d != 0]
    untied = np.unique(np.abs(nonzero)).size == d.size
    res = hodges_lehmann(d, method="exact", conf_level=conf_level)
    if untied:
        assert "R wilcox.test exact" in res.method
        return
    assert _summary(res) == expected


def test_brute_force_cases_cover_every_kind_of_end() -> None:
    """The seeded cases above include open, closed and infinite ends (holes: see below)."""
    kinds: set[str] = set()
    for seed in range(120):
        x, y, conf_level = _two_sample_case(seed)
        d, paired_level = _paired_case(seed)
        for expected in (
            _brute_two_sample(x, y, 1 - conf_level),
            _brute_paired(d, 1 - paired_level),
        ):
            if not expected["empty"]:
                kinds.add(f"low {expected['ci_low_included']}")
                kinds.add(f"high {expected['ci_high_included']}")
    assert kinds >= {"low True", "low False", "low None", "high True", "high False"}


def test_non_convex_acceptance_set_is_reported_as_its_hull() -> None:
    """Found by search: at 80% the exact test rejects a candidate inside the interval."""
    d = None
    for seed in range(2000):
        rng = np.random.default_rng(seed)
        trial = rng.integers(-3, 5, int(rng.integers(4, 11))).astype(float)
        if np.unique(np.abs(trial[trial != 0])).size == trial.size:
            continue
        res = hodges_lehmann(trial, method="exact", conf_level=0.8)
        if res.details["non_convex"]:
            d = trial
            break
    assert d is not None, "no non-convex example among 2000 seeded samples"
    assert _summary(res) == _brute_paired(d, 0.2)
    assert res.note is not None and "Non-convex acceptance set" in res.note
    for low, high in res.details["excluded_inside"]:
        shift = low if low == high else (low + high) / 2
        assert _enumerated_signed_rank_p(d - shift) < 0.2


def test_whole_line_when_no_shift_can_be_rejected() -> None:
    """2 + 2 observations: the smallest attainable exact p is 1/3 > 0.05."""
    res = hodges_lehmann([1, 1], [2, 3], method="exact")
    assert (res.ci_low, res.ci_high) == (-math.inf, math.inf)
    assert res.details["ci_low_included"] is None and res.conf_level == 0.95
    assert res.note is not None and "No shift is rejected" in res.note


def test_empty_confidence_set_raises() -> None:
    """Here no shift has p above 0.643 (brute force), so a 30% set is empty."""
    x, y = np.array([1.0, 2, 1, 3, 1]), np.array([3.0, 3, 3, 3])
    assert _brute_two_sample(x, y, 0.7) == {"empty": True}
    assert not _brute_two_sample(x, y, 0.6)["empty"]
    with pytest.raises(StatisticsError, match="confidence set is empty"):
        hodges_lehmann(x, y, method="exact", conf_level=0.3)


# ------------------------------------------------------------- untied: R wilcox.test

R_CASES = json.loads(REFERENCE.read_text())["cases"]
R_TOL = json.loads(REFERENCE.read_text())["tolerance"]["rel"]


def _approx(value: float) -> Any:
    return pytest.approx(value, rel=R_TOL, abs=1e-13)


@pytest.mark.parametrize("case", R_CASES, ids=lambda c: c["id"])
def test_untied_exact_interval_matches_r(case: dict[str, Any]) -> None:
    """R: wilcox.test(x, y, paired, conf.int = TRUE, exact = TRUE, correct = FALSE)."""
    x, y = np.array(case["x"], dtype=float), np.array(case["y"], dtype=float)
    paired = case["design"] == "paired"
    res = hodges_lehmann(
        x, y, paired=paired, method="exact", conf_level=case["conf_level_requested"]
    )
    assert res.statistic == _approx(case["statistic"])
    assert res.pvalue == _approx(case["pvalue"])
    assert res.estimate == _approx(case["estimate"])
    assert (res.ci_low, res.ci_high) == (_approx(case["ci_low"]), _approx(case["ci_high"]))
    assert res.conf_level is not None
    level = res.conf_level
    if case["conf_level_lowered"] and paired:  # R: 1 - signif(achieved alpha, 2)
        level = 1.0 - float(f"{1.0 - level:.2g}")
    assert level == _approx(case["conf_level"])


@pytest.mark.parametrize("case", R_CASES, ids=lambda c: c["id"])
def test_inversion_on_untied_data_equals_r(case: dict[str, Any]) -> None:
    """The exact conditional inversion itself (not R's order statistics) gives R's interval.

    Except where no shift can be rejected at the requested level: the inversion then
    returns the whole line, R the range of the differences (with a lowered or, when the
    achieved level is within 1.5 alpha of it, an unchanged level label).
    """
    x, y = np.array(case["x"], dtype=float), np.array(case["y"], dtype=float)
    level = case["conf_level_requested"]
    if case["design"] == "paired":
        d = x - y
        res = _shift_inversion.pseudo_median_interval(
            np.sort(d), np.ones(d.size, np.int64), 0, level
        )
        candidates = np.add.outer(d, d)[np.triu_indices(d.size)] / 2.0
    else:
        ones = (np.ones(x.size, np.int64), np.ones(y.size, np.int64))
        res = _shift_inversion.shift_interval(
            np.sort(x), ones[0], np.sort(y), ones[1], (0, 0), level
        )
        candidates = np.subtract.outer(x, y).ravel()
    if math.isinf(res.ci_low or 0.0):
        assert math.isinf(res.ci_high or 0.0)
        assert (case["ci_low"], case["ci_high"]) == (
            _approx(candidates.min()),
            _approx(candidates.max()),
        )
        return
    assert not case["conf_level_lowered"]
    assert (res.ci_low, res.ci_high) == (_approx(case["ci_low"]), _approx(case["ci_high"]))
    assert res.estimate == _approx(case["estimate"])
    assert res.pvalue == _approx(case["pvalue"])


def test_r_reference_has_enough_cases() -> None:
    designs = [c["design"] for c in R_CASES]
    assert len(R_CASES) >= 100 and designs.count("paired") >= 50
    assert any(c["conf_level_lowered"] for c in R_CASES)


# ---------------------------------------------------------------- the interval's test


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=8),
    st.lists(st.integers(0, 5), min_size=1, max_size=8),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    st.integers(-12, 12),
)
def test_two_sample_interval_agrees_with_its_test(
    x: list[int], y: list[int], conf_level: float, doubled_shift: int
) -> None:
    """p < alpha  <=>  the interval excludes the shift (0, and any other shift)."""
    alpha = 1 - conf_level
    try:
        res = hodges_lehmann(x, y, method="exact", conf_level=conf_level)
    except StatisticsError:  # pragma: no cover - an empty set needs conf_level near 0
        pytest.fail("empty confidence set at a usual conf_level")
    if "R wilcox.test exact" in res.method:  # untied data: R's closed interval
        return
    p0 = rank_sum(x, y, method="exact").pvalue
    assert res.pvalue == p0
    assert (p0 < alpha * (1 - TOL)) == _excludes(res, 0.0)
    shift = doubled_shift / 2
    p = rank_sum(np.array(x) - shift, y, method="exact").pvalue
    assert (p < alpha * (1 - TOL)) == _excludes(res, shift)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(-4, 5), min_size=1, max_size=12),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    st.integers(-10, 10),
)
def test_paired_interval_agrees_with_its_test(
    d: list[int], conf_level: float, doubled_shift: int
) -> None:
    alpha = 1 - conf_level
    res = hodges_lehmann(d, method="exact", conf_level=conf_level)
    if "R wilcox.test exact" in res.method:
        return
    for shift in (0.0, doubled_shift / 2):
        test = signed_rank(np.array(d) - shift, zero_method="wilcox", method="exact")
        p = 1.0 if math.isnan(test.pvalue) else test.pvalue
        if shift == 0.0 and not math.isnan(test.pvalue):
            assert res.pvalue == test.pvalue
        assert (p < alpha * (1 - TOL)) == _excludes(res, shift)


# ------------------------------------------------------------------- the local search


def _both_searches(seed: int) -> tuple[TestResult, TestResult] | None:
    """Scan and local search on one seeded sample: NRS-like, few-valued (large n) or paired."""
    rng = np.random.default_rng(1000 + seed)
    level = float(rng.choice([0.8, 0.9, 0.95, 0.99]))
    kind = seed % 3
    if kind == 0:
        d = (rng.integers(-4, 7, int(rng.integers(5, 60)))).astype(float)
        values, counts = np.unique(d, return_counts=True)
        make: Callable[[str], TestResult] = functools.partial(
            _shift_inversion.pseudo_median_interval, values, counts, 0, level
        )
    else:
        scale = 11 if kind == 1 else int(rng.integers(2, 6))
        size = (3, 30) if kind == 1 else (40, 200)
        x = rng.integers(0, scale, int(rng.integers(*size))).astype(float)
        y = np.minimum(rng.integers(0, scale, int(rng.integers(*size))) + rng.integers(0, 3), 10)
        xv, cx = np.unique(x, return_counts=True)
        yv, cy = np.unique(y.astype(float), return_counts=True)
        make = functools.partial(_shift_inversion.shift_interval, xv, cx, yv, cy, (0, 0), level)
    try:
        return make("scan"), make("local")
    except StatisticsError:  # an empty set: both searches must say so
        with pytest.raises(StatisticsError, match="empty"):
            make("local")
        return None


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(60))
def test_local_search_finds_the_scanned_interval(seed: int) -> None:
    """The local search assumes the accepted gaps form one run, and the accepted
    candidates another; checked against the full scan, holes included, on NRS-like
    samples, paired differences and few-valued large samples (where the set is often a
    single candidate: every gap rejected)."""
    runs = _both_searches(seed)
    if runs is None:
        return
    scan, local = runs
    assert local.details["search"] == "local"
    assert (local.ci_low, local.ci_high) == (scan.ci_low, scan.ci_high)
    for key in (
        "ci_low_included",
        "ci_high_included",
        "pvalue_at_ci_low",
        "pvalue_at_ci_high",
        "excluded_inside",
    ):
        assert local.details[key] == scan.details[key]
    assert local.details["evaluations"] < scan.details["evaluations"]


@pytest.mark.slow
def test_local_search_cases_include_single_candidate_sets() -> None:
    kinds = set()
    for seed in range(60):
        runs = _both_searches(seed)
        if runs is None:
            kinds.add("empty")
        elif runs[0].ci_low == runs[0].ci_high:
            kinds.add("single candidate")
    assert kinds == {"empty", "single candidate"}


@pytest.mark.parametrize("seed", range(12))
def test_normal_filter_never_hides_an_accepted_candidate(seed: int) -> None:
    """The local search skips the exact test of a candidate outside the run of gaps when
    the continuity- and tie-corrected normal p is below alpha / 4: wherever that normal p
    is below 0.05, the exact p is below 4 times it (in fact below it)."""
    rng = np.random.default_rng(500 + seed)
    scale = int(rng.choice([3, 5, 11, 21]))
    if seed % 2:
        d = (rng.integers(-scale, scale + 1, int(rng.integers(10, 150))) + 1).astype(float)
        values, counts = np.unique(d, return_counts=True)
        walsh = np.add.outer(values, values) / 2.0
        test_at, normal_at = _shift_inversion._signed_rank_at(values, counts, walsh)
        candidates = np.unique(walsh)
    else:
        x = rng.integers(0, scale, int(rng.integers(10, 80))).astype(float)
        y = rng.integers(0, scale, int(rng.integers(10, 80))).astype(float) + 1
        xv, cx = np.unique(x, return_counts=True)
        yv, cy = np.unique(y, return_counts=True)
        differences = np.subtract.outer(xv, yv)
        test_at, normal_at = _shift_inversion._rank_sum_at(cx, cy, differences, 0.05)
        candidates = np.unique(differences)
    for t in candidates.tolist():
        normal = normal_at(t, True)
        if normal < 0.05:
            exact = test_at(t, True)
            assert exact is not None and exact.pvalue <= 4 * normal


@pytest.mark.parametrize("seed", range(6))
def test_pruned_programme_is_within_its_bound(seed: int) -> None:
    """The pruned programme (large tables) against the full one, at p near usual alphas."""
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(60, 120, 2))
    x, y = rng.integers(0, 11, m), np.minimum(rng.integers(0, 11, n) + rng.integers(0, 3), 10)
    for shift in (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0):
        _, inverse = np.unique(np.concatenate((x - shift, y)), return_inverse=True)
        from_x = np.bincount(inverse[:m]).astype(np.int64)
        from_y = np.bincount(inverse[m:], minlength=from_x.size).astype(np.int64)
        from_x = np.pad(from_x, (0, from_y.size - from_x.size))
        keep = from_x + from_y > 0
        from_x, from_y = from_x[keep], from_y[keep]
        totals = from_x + from_y
        scores2 = _shift_inversion._doubled_midranks(totals)
        w2 = int((from_x * scores2).sum())
        pvalue, bound = _shift_inversion._rank_sum_pruned(scores2, totals, m, w2)
        exact = rank_sum(x - shift, y, method="exact").pvalue
        assert bound < 1e-13
        assert abs(pvalue - exact) <= bound + 1e-13 * exact


def test_large_tables_use_the_local_search() -> None:
    rng = np.random.default_rng(2024)
    x, y = rng.integers(0, 11, 41), np.minimum(rng.integers(0, 11, 43) + 1, 10)
    res = hodges_lehmann(x, y, method="exact")
    assert res.details["search"] == "local" and res.details["evaluations"] <= 10
    assert res.pvalue == rank_sum(x, y, method="exact").pvalue


# ---------------------------------------------------------------- counts and tables


def test_from_counts_equals_expanded_samples() -> None:
    x = [3, 4, 4, 5, 6, 6, 7, 2, 3]
    y = [1, 2, 2, 3, 4, 5, 7, 1]
    xv, cx = np.unique(x, return_counts=True)
    yv, cy = np.unique(y, return_counts=True)
    assert hodges_lehmann_from_counts(xv, cx, yv, cy) == hodges_lehmann(x, y, method="exact")
    d = [1, 2, 0, 0, 3, 3, -1, 2, 4, 1]
    dv, dc = np.unique(d, return_counts=True)
    assert hodges_lehmann_from_counts(dv[::-1], dc[::-1]) == hodges_lehmann(d, method="exact")
    untied = ([0.3, 1.7, 2.2], [0.1, 0.9])
    assert hodges_lehmann_from_counts(untied[0], [1, 1, 1], untied[1], [1, 1]) == (
        hodges_lehmann(*untied, method="exact")
    )


def test_from_counts_rejects_bad_tables() -> None:
    with pytest.raises(StatisticsError, match="whole numbers"):
        hodges_lehmann_from_counts([1, 2], [1, 0.5])
    with pytest.raises(StatisticsError, match="both"):
        hodges_lehmann_from_counts([1, 2], [1, 1], [1, 2])
    with pytest.raises(StatisticsError, match="at least one"):
        hodges_lehmann_from_counts([1, 2], [0, 0], [1], [3])


def test_table_functions_give_the_exact_interval_on_request() -> None:
    x = Distribution.from_values(np.array([3, 4, 4, 5, 6, 6, 7], dtype=float))
    y = Distribution.from_values(np.array([1, 2, 2, 3, 4, 5], dtype=float))
    exact = shift_from_counts(x, y, method="exact")
    assert exact == hodges_lehmann(x.expand(), y.expand(), method="exact")
    assert (exact.ci_low, exact.ci_high, exact.details["ci_low_included"]) == (0.0, 4.0, False)
    assert shift_from_counts(x, y) == shift_from_counts(x, y, method="auto")
    assert "asymptotic" in shift_from_counts(x, y).method
    d = Distribution.from_values(np.array([1, 2, 0, 0, 3, 3, -1, 2, 4, 1], dtype=float))
    assert pseudo_median_from_counts(d, method="exact") == hodges_lehmann(
        d.expand(), method="exact"
    )
    untied = Distribution.from_values(np.array([0.5, 1.5, 2.25, -0.75, 3.0]))
    forced = pseudo_median_from_counts(untied, method="asymptotic")
    assert forced.ci_low == hodges_lehmann(untied.expand(), method="asymptotic").ci_low
    with pytest.raises(StatisticsError, match="method"):
        shift_from_counts(x, y, method="bogus")


# ----------------------------------------------------------------------- details


def test_binary_grid_data_behave_like_integers() -> None:
    """Quarters are exact doubles: the same intervals as the integer data, scaled."""
    rng = np.random.default_rng(7)
    for _ in range(30):
        xi, yi = rng.integers(0, 8, 9), rng.integers(0, 8, 7)
        ref = hodges_lehmann(xi, yi, method="exact")
        res = hodges_lehmann(xi * 0.25 + 3, yi * 0.25 + 3, method="exact")
        assert (res.ci_low, res.ci_high) == (ref.ci_low / 4, ref.ci_high / 4)
        assert res.details["ci_low_included"] == ref.details["ci_low_included"]
        assert res.details["ci_high_included"] == ref.details["ci_high_included"]
        assert res.pvalue == ref.pvalue


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=2, max_size=9),
    st.lists(st.integers(0, 40), min_size=2, max_size=9),
)
def test_decimal_data_keep_the_tests_ties_at_zero(x: list[int], y: list[int]) -> None:
    """Ties are equalities of the doubles given, so p(0) is the library's test of the data.

    ``0.725 - 0.516`` and ``0.812 - 0.603`` are different doubles and so different shifts,
    as for R and rank_sum; at 0 the ties are exactly those of the data.
    """
    xd, yd = np.array(x) / 100 + 0.3, np.array(y) / 100 + 0.1
    res = hodges_lehmann(xd, yd, method="exact")
    assert res.pvalue == rank_sum(xd, yd, method="exact").pvalue
    n = min(xd.size, yd.size)
    paired = hodges_lehmann(xd[:n], yd[:n], paired=True, method="exact")
    test = signed_rank(xd[:n], yd[:n], zero_method="wilcox", method="exact")
    assert paired.pvalue == test.pvalue or math.isnan(test.pvalue)


def test_zero_differences_are_data_away_from_zero() -> None:
    """The estimate is the median of all Walsh averages, zero differences included."""
    d = [0, 0, 0, 1, 2, 2, 3]
    res = hodges_lehmann(d, method="exact")
    walsh = np.add.outer(d, d)[np.triu_indices(len(d))] / 2
    assert res.estimate == float(np.median(walsh))
    assert res.details["n_zero"] == 3 and res.n == (7,)
    assert res.pvalue == signed_rank(d, zero_method="wilcox", method="exact").pvalue


def test_all_differences_zero() -> None:
    res = hodges_lehmann([0] * 8, method="exact")
    assert (res.estimate, res.ci_low, res.ci_high) == (0.0, 0.0, 0.0)
    assert res.details["ci_low_included"] is True
    assert math.isnan(res.pvalue) and res.note is not None


def test_asymptotic_and_auto_are_unchanged_by_ties() -> None:
    x, y = [3, 4, 4, 5, 6, 6, 7], [1, 2, 2, 3, 4, 5]
    assert "asymptotic" in hodges_lehmann(x, y).method
    assert "asymptotic" in hodges_lehmann(x, y, method="asymptotic").method
