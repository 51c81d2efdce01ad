"""The ``method="r"`` and ``method="sas"`` presets of the Wilcoxon tests.

Where the expected numbers come from:

* ``tests/reference/presets.json``, written by ``tests/reference/make_presets_reference.R``
  (R 4.2.2, seeded; regenerate with ``Rscript tests/reference/make_presets_reference.R``):

  - ``r_cases``: R's own ``wilcox.test()`` with its default arguments, two-sample
    ``wilcox.test(x, y, alternative = a)`` and paired
    ``wilcox.test(x, y, paired = TRUE, alternative = a)``: p-value, W (compared with
    ``details["U"]``) or V, and whether R chose the exact distribution.
  - ``sas_formula_cases``: **not SAS output**. SAS is not available here; these come from an
    independent implementation in R (``sas_npar1way()``, ``sas_univariate()`` in the script)
    of the formulas in the SAS 9.4 documentation, which the script first checks against the
    SAS-printed examples below.

* SAS-printed examples: the literal numbers in the ``test_sas_printed_*`` tests, each
  docstring naming its source; they are compared to the decimals SAS printed.

Tolerance for the JSON cases: ``|python - reference| <= 1e-9 * |reference| + floor`` with
``floor = 1e-15`` for p-values and ``1e-12`` for statistics (stored in the JSON file).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painresponse.errors import StatisticsError
from painresponse.stats.ranks import (
    rank_sum,
    rank_sum_from_counts,
    signed_rank,
    signed_rank_from_counts,
)

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "presets.json").read_text("utf-8")
)
TOL = REFERENCE["tolerance"]
R_CASES = REFERENCE["r_cases"]
SAS_CASES = REFERENCE["sas_formula_cases"]


def _alt(r_alternative: str) -> str:
    return "two-sided" if r_alternative == "two.sided" else r_alternative


def _close_p(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= TOL["rel"] * abs(expected) + TOL["abs_floor_pvalue"]


def _close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= TOL["rel"] * abs(expected) + TOL["abs_floor_other"]


def _printed(value: float, printed: float, decimals: int) -> bool:
    """Whether ``value`` shows as ``printed`` with ``decimals`` decimals (SAS's rounding)."""
    return abs(value - printed) <= 0.5 * 10.0**-decimals + 1e-12


# ------------------------------------------------------------------ R wilcox.test


def test_reference_file_has_the_promised_coverage() -> None:
    counts = REFERENCE["counts"]
    assert counts["r_cases"] >= 150 and counts["sas_formula_cases"] >= 100
    designs = {(c["design"], c["exact"]) for c in R_CASES}
    assert designs == {(d, e) for d in ("two_sample", "paired") for e in (True, False)}
    assert any(c["design"] == "paired" and c["n_zero"] > 0 and c["n_nonzero"] < 50 for c in R_CASES)
    assert any(c["design"] == "paired" and c["n_nonzero"] >= 50 for c in R_CASES)
    assert "NOT SAS OUTPUT" in REFERENCE["header"]["parts"]["sas_formula_cases"]


@pytest.mark.parametrize("case", R_CASES, ids=[c["id"] for c in R_CASES])
def test_r_preset_matches_wilcox_test(case: dict[str, Any]) -> None:
    """R: ``wilcox.test(x, y)`` / ``wilcox.test(x, y, paired = TRUE)``, default arguments."""
    x, y = np.array(case["x"], dtype=float), np.array(case["y"], dtype=float)
    alternative = _alt(case["alternative"])
    if case["design"] == "two_sample":
        res = rank_sum(x, y, method="r", alternative=alternative)
        statistic = res.details["U"]  # R's W
    else:
        res = signed_rank(x, y, method="r", alternative=alternative)
        statistic = res.statistic  # R's V
        assert res.details["n_zero"] == case["n_zero"]
        assert res.details["n_nonzero"] == case["n_nonzero"]
    assert _close_p(res.pvalue, case["pvalue"]), (res.pvalue, case["pvalue"])
    assert _close(statistic, case["statistic"]), (statistic, case["statistic"])
    assert ("exact distribution" in res.method) == case["exact"], (res.method, case["r_method"])
    assert "R wilcox.test" in res.method and res.details["method_requested"] == "r"


@pytest.mark.parametrize(
    "case", [c for c in R_CASES if c["design"] == "paired"][::5], ids=lambda c: c["id"]
)
def test_r_preset_from_counts_equals_rows(case: dict[str, Any]) -> None:
    d = np.array(case["x"], dtype=float) - np.array(case["y"], dtype=float)
    values, counts = np.unique(d, return_counts=True)
    alternative = _alt(case["alternative"])
    from_counts = signed_rank_from_counts(values, counts, method="r", alternative=alternative)
    assert from_counts.pvalue == signed_rank(d, method="r", alternative=alternative).pvalue


# --------------------------------------------------- SAS formulas (independent R code)


@pytest.mark.parametrize("case", SAS_CASES, ids=[c["id"] for c in SAS_CASES])
def test_sas_preset_matches_independent_implementation(case: dict[str, Any]) -> None:
    """Reference: ``sas_npar1way()`` / ``sas_univariate()`` in make_presets_reference.R, an
    independent R implementation of the SAS 9.4 formulas (not SAS output)."""
    x, y = np.array(case["x"], dtype=float), np.array(case["y"], dtype=float)
    if case["design"] == "two_sample":
        res = rank_sum(x, y, method="sas", correction=case["correct"])
        assert res.details["S_group"] == case["S_group"]
        assert _close(res.statistic, case["S"]) and _close(res.details["z"], case["Z"])
        assert _close(res.details["expectation"], case["E"])
        assert _close(res.details["variance"], case["Var"])
        assert _close_p(res.pvalue, case["p_two_sided"])
        assert _close_p(res.details["pvalue_t_approximation"], case["p_t_two_sided"])
        # SAS's one-sided p-value is in the observed direction, stated for x here.
        one = rank_sum(
            x,
            y,
            method="sas",
            correction=case["correct"],
            alternative=case["one_sided_alternative"],
        )
        assert _close_p(one.pvalue, case["p_one_sided"])
        assert _close_p(one.details["pvalue_t_approximation"], case["p_t_one_sided"])
    else:
        res = signed_rank(x, y, method="sas")
        assert res.details["n_nonzero"] == case["n"]
        assert _close(res.statistic, case["S"])
        assert _close_p(res.pvalue, case["p_two_sided"]), (res.pvalue, case["p_two_sided"])
        if case["branch"] == "t":
            assert (
                res.method == "Wilcoxon signed-rank test, t approximation (SAS UNIVARIATE, n > 20)"
            )
            assert _close(res.details["t"], case["t"]) and res.df == case["df"]
        else:
            assert res.method == (
                "Wilcoxon signed-rank test, exact distribution (SAS UNIVARIATE, n <= 20)"
            )
            assert res.df is None


# ---------------------------------------------------------------- SAS-printed examples

BIRTH_NON_SMOKERS = [3.99, 3.89, 3.6, 3.73, 3.31, 3.7, 4.08, 3.61, 3.83, 3.41, 4.13, 3.36, 3.54]
BIRTH_NON_SMOKERS += [3.51, 2.71]
BIRTH_SMOKERS = [3.18, 2.74, 2.9, 3.27, 3.65, 3.42, 3.23, 2.86, 3.6, 3.65, 3.69, 3.53, 2.38, 2.34]


def test_sas_printed_npar1way_birth_weight() -> None:
    """SAS 9.4 (9.04.01M7) ``PROC NPAR1WAY WILCOXON`` output quoted by the CAMIS project
    (PSIAIMS/CAMIS, ``SAS/ranksum.qmd``, ``Comp/r-sas-wilcoxon-ranksum_hl.qmd``); data
    Kirkwood & Sterne, *Essentials of Medical Statistics*, 2nd ed., Table 30.4 (non-smokers
    first in the data step, 15 vs 14 smokers; ties at 3.6 and 3.65):

    Statistic 150.5000, Z -2.5756, Pr < Z 0.0050, Pr > |Z| 0.0100,
    t Approximation Pr < Z 0.0078, Pr > |Z| 0.0156; with CORRECT=NO Pr > |Z| 0.0094.
    """
    res = rank_sum(BIRTH_NON_SMOKERS, BIRTH_SMOKERS, method="sas")
    assert res.statistic == 150.5 and res.details["S_group"] == "y"
    assert _printed(res.details["z"], -2.5756, 4)
    assert _printed(res.pvalue, 0.0100, 4)
    assert _printed(res.details["pvalue_t_approximation"], 0.0156, 4)
    # Pr < Z: the smokers (S, the second group here) are lighter, i.e. x is "greater".
    one = rank_sum(BIRTH_NON_SMOKERS, BIRTH_SMOKERS, method="sas", alternative="greater")
    assert _printed(one.pvalue, 0.0050, 4)
    assert _printed(one.details["pvalue_t_approximation"], 0.0078, 4)
    no_correction = rank_sum(BIRTH_NON_SMOKERS, BIRTH_SMOKERS, method="sas", correction=False)
    assert _printed(no_correction.pvalue, 0.0094, 4)
    assert no_correction.method == (
        "Wilcoxon rank-sum test, normal approximation without continuity correction "
        "(SAS NPAR1WAY CORRECT=NO)"
    )
    # The smaller group is S whichever order the groups come in.
    swapped = rank_sum(BIRTH_SMOKERS, BIRTH_NON_SMOKERS, method="sas")
    assert swapped.statistic == 150.5 and swapped.details["S_group"] == "x"
    assert swapped.pvalue == res.pvalue


def test_sas_printed_npar1way_react_example() -> None:
    """SAS/STAT User's Guide, PROC NPAR1WAY example "Exact Wilcoxon Two-Sample Test" (data
    set React: 13 reaction times under stimulant 1, 6 under stimulant 2), run with
    ``CORRECT=NO``: "The Wilcoxon statistic equals 79.50 ... The normal approximation for
    the Wilcoxon two-sample test yields a one-sided p-value of 0.0382" (right-sided: the
    stimulant-2 times, S, are longer).
    """
    stimulant_1 = [1.94, 1.94, 2.92, 2.92, 2.92, 2.92, 3.27, 3.27, 3.27, 3.27, 3.70, 3.70, 3.74]
    stimulant_2 = [3.27, 3.27, 3.27, 3.70, 3.70, 3.74]
    res = rank_sum(stimulant_1, stimulant_2, method="sas", correction=False, alternative="less")
    assert res.statistic == 79.5 and res.details["S_group"] == "y"
    assert res.details["z"] > 0
    assert _printed(res.pvalue, 0.0382, 4)


def test_sas_printed_npar1way_descrtab2() -> None:
    """SAS output printed in the DescrTab2 package's SAS comparison (CRAN archive
    DescrTab2_2.1.9): groups Trt (10) and Ctrl (5), Ctrl sum of scores 30.0 (expected 40.0,
    SD 8.164966, so no ties); Statistic (S) 30.0000, Z -1.1635, Pr < Z 0.1223,
    Pr > |Z| 0.2446, t Approximation 0.1320 / 0.2641. Only sizes and the rank sum are printed;
    for untied data they determine the output, so the data here are ranks with that sum.
    """
    trt = [4, 5, 6, 7, 8, 10, 11, 12, 13, 14]
    ctrl = [1, 2, 3, 9, 15]
    res = rank_sum(trt, ctrl, method="sas")
    assert res.statistic == 30.0 and res.details["expectation"] == 40.0
    assert _printed(math.sqrt(res.details["variance"]), 8.164966, 6)
    assert _printed(res.details["z"], -1.1635, 4)
    assert _printed(res.pvalue, 0.2446, 4)
    assert _printed(res.details["pvalue_t_approximation"], 0.2641, 4)
    one = rank_sum(trt, ctrl, method="sas", alternative="greater")  # Ctrl (S) lower
    assert _printed(one.pvalue, 0.1223, 4)
    assert _printed(one.details["pvalue_t_approximation"], 0.1320, 4)


def test_sas_printed_univariate_ratings() -> None:
    """``PROC UNIVARIATE`` output reproduced in a statistics textbook for education and
    psychology researchers (Figure 7.6, "Difference between best and poor relationships",
    ``diff = best - poor``, 10 pairs, 2 zero differences, ties): ``Sgn Rank 16.5
    Pr>=|S| 0.0234``.
    """
    best = [4, 3, 5, 2, 3, 5, 1, 4, 3, 4]
    poor = [2, 1, 3, 2, 1, 1, 1, 3, 4, 2]
    res = signed_rank(best, poor, method="sas")
    assert res.statistic == 16.5 and res.details["V"] == 34.5
    assert res.details["n_zero"] == 2 and res.details["n_nonzero"] == 8
    assert _printed(res.pvalue, 0.0234, 4)


def test_sas_printed_univariate_zinc() -> None:
    """``PROC UNIVARIATE`` output kept as a comment in a public SAS teaching program (cell
    anomalies in 15 pigs before and after a zinc diet, ``dif = antes - despues``; 2 zero
    differences, 13 non-zero, ties): ``Pr >= |S| 0.0110``.
    """
    before = [18, 9, 5, 19, 13, 6, 10, 5, 22, 8, 16, 10, 9, 14, 17]
    after = [8, 10, 5, 11, 15, 2, 11, 5, 17, 5, 9, 13, 5, 6, 8]
    res = signed_rank(before, after, method="sas")
    assert res.details["n_nonzero"] == 13
    assert _printed(res.pvalue, 0.0110, 4)


def test_sas_printed_univariate_score_change_statistic() -> None:
    """Base SAS Procedures Guide, PROC UNIVARIATE example "Performing a Sign Test Using
    Paired Data" (data set Score from the example "Creating a Frequency Table",
    ``ScoreChange = PostTest - PreTest``): ``Signed Rank S -8.5``. The p-value printed
    next to it was not legible in the copy available here, so only S is checked.
    """
    pre = [94, 51, 95, 63, 80, 92, 75, 89, 79, 71, 75, 87]
    post = [91, 65, 97, 75, 75, 55, 78, 82, 76, 77, 70, 73]
    res = signed_rank(post, pre, method="sas")
    assert res.statistic == -8.5


# ------------------------------------------------------------------- variant choice


def test_r_rank_sum_boundaries_and_texts() -> None:
    rng = np.random.default_rng(11)
    pooled = rng.permutation(200).astype(float)  # no ties at all
    x, y = pooled[:100], pooled[100:]
    exact = rank_sum(x[:49], y[:49], method="r")
    assert exact.method == (
        "Wilcoxon rank-sum test, exact distribution (R wilcox.test default: no ties, both "
        "groups < 50)"
    )
    assert exact.details["method_rule"].startswith("R wilcox.test() defaults")
    big = rank_sum(x[:50], y[:10], method="r")
    assert big.method == (
        "Wilcoxon rank-sum test, normal approximation with continuity correction "
        "(R wilcox.test default: a group of 50 or more)"
    )
    assert big.pvalue == rank_sum(x[:50], y[:10], method="asymptotic").pvalue
    tied = rank_sum([1, 2, 2, 3], [2, 4, 5], method="r", correction=False)
    assert tied.method == (
        "Wilcoxon rank-sum test, normal approximation without continuity correction "
        "(R wilcox.test, correct = FALSE: ties)"
    )


def test_r_signed_rank_boundaries_and_texts() -> None:
    rng = np.random.default_rng(12)
    d = rng.permutation(np.arange(1, 81)) * rng.choice([-1.0, 1.0], 80)
    assert signed_rank(d[:49], method="r").method == (
        "Wilcoxon signed-rank test, exact distribution (R wilcox.test default: no ties or "
        "zeros, n < 50)"
    )
    assert signed_rank(d[:50], method="r").method.endswith(
        "(R wilcox.test default: 50 or more non-zero differences)"
    )
    with_zero = signed_rank(np.append(d[:10], 0.0), method="r")
    assert with_zero.method.endswith("(R wilcox.test default: zero differences)")
    assert with_zero.details["n_zero"] == 1 and with_zero.details["n_nonzero"] == 10
    tied = signed_rank([1, 1, 2, -3, 4], method="r")
    assert tied.method == (
        "Wilcoxon signed-rank test, normal approximation with continuity correction "
        "(R wilcox.test default: ties)"
    )


def test_sas_signed_rank_switches_to_t_above_20_non_zero_differences() -> None:
    rng = np.random.default_rng(13)
    d = rng.permutation(np.arange(1, 40)) * rng.choice([-1.0, 1.0], 39)
    assert "exact distribution" in signed_rank(d[:20], method="sas").method
    above = signed_rank(d[:21], method="sas")
    assert "t approximation (SAS UNIVARIATE, n > 20)" in above.method and above.df == 20.0
    # Zero differences are dropped before counting: 22 pairs, 2 zeros -> exact.
    with_zeros = signed_rank(np.concatenate((d[:20], [0.0, 0.0])), method="sas")
    assert "exact distribution" in with_zeros.method and with_zeros.details["n_zero"] == 2
    assert with_zeros.statistic == signed_rank(d[:20], method="sas").statistic
    assert with_zeros.details["method_rule"].startswith("SAS 9.4 PROC UNIVARIATE")


def test_sas_t_approximation_all_differences_tied_and_positive() -> None:
    """n V = S^2 makes SAS's t infinite: every one of 25 differences equal and positive."""
    res = signed_rank([2.0] * 25, method="sas")
    assert res.details["t"] == math.inf and res.pvalue == 0.0
    assert res.statistic == 25 * 26 / 4


def test_sas_rank_sum_equal_sizes_uses_first_group() -> None:
    x, y = [1.0, 5.0, 6.0], [2.0, 3.0, 4.0]
    res = rank_sum(x, y, method="sas")
    assert res.statistic == 12.0 and res.details["S_group"] == "x"
    flipped = rank_sum(y, x, method="sas")
    assert flipped.statistic == 9.0 and flipped.details["S_group"] == "x"
    assert flipped.pvalue == pytest.approx(res.pvalue, rel=1e-15)
    assert res.statistic_name == "S (SAS: rank sum of the smaller group, the first if equal)"


def test_presets_refuse_pratt_and_unknown_methods() -> None:
    for method in ("r", "sas"):
        with pytest.raises(StatisticsError, match="zero_method='pratt'"):
            signed_rank([1, 0, -2, 3], zero_method="pratt", method=method)
    with pytest.raises(StatisticsError, match="method must be one of"):
        rank_sum([1, 2], [3, 4], method="spss")


def test_default_zero_method_drops_zeros() -> None:
    d = [0, 0, 0, 1, 2, 2, -1, 3, 4, -2, 5]
    default = signed_rank(d, method="exact")
    assert default.details["zero_method"] == "wilcox"
    assert default.pvalue == signed_rank(d, zero_method="wilcox", method="exact").pvalue
    assert default.pvalue != signed_rank(d, zero_method="pratt", method="exact").pvalue
    values, counts = np.unique(d, return_counts=True)
    assert signed_rank_from_counts(values, counts).details["zero_method"] == "wilcox"


def test_presets_on_degenerate_data() -> None:
    tied = rank_sum([3, 3], [3, 3, 3], method="sas")
    assert math.isnan(tied.pvalue) and tied.note is not None
    assert math.isnan(rank_sum([3, 3], [3, 3, 3], method="r").pvalue)
    for method in ("r", "sas"):
        zeros = signed_rank([4, 5, 6], [4, 5, 6], method=method)
        assert math.isnan(zeros.pvalue) and zeros.note is not None


def test_preset_results_serialise() -> None:
    d = rank_sum(BIRTH_NON_SMOKERS, BIRTH_SMOKERS, method="sas").to_dict()
    assert d["details"]["S_group"] == "y" and d["details"]["method_requested"] == "sas"
    t = signed_rank(np.arange(1, 31) * (-1.0) ** np.arange(30), method="sas").to_dict()
    assert t["df"] == 29.0 and "t" in t["details"]


# ---------------------------------------------------------------------- properties

_scores = st.lists(st.integers(0, 6), min_size=1, max_size=30)


@settings(max_examples=80, deadline=None)
@given(_scores, _scores, st.sampled_from(["r", "sas"]), st.booleans())
def test_rank_sum_preset_properties(x: list[int], y: list[int], method: str, fix: bool) -> None:
    res = rank_sum(x, y, method=method, correction=fix)
    swapped = rank_sum(y, x, method=method, correction=fix)
    if math.isnan(res.pvalue):
        assert math.isnan(swapped.pvalue)
        return
    assert 0.0 <= res.pvalue <= 1.0
    assert res.pvalue == pytest.approx(swapped.pvalue, rel=1e-12, abs=1e-15)
    cx, cy = np.bincount(x, minlength=7), np.bincount(y, minlength=7)
    counts = rank_sum_from_counts(np.arange(7), cx, cy, method=method, correction=fix)
    assert counts.pvalue == res.pvalue and counts.statistic == res.statistic
    if method == "sas":
        less = rank_sum(x, y, method="sas", correction=fix, alternative="less").pvalue
        greater = rank_sum(x, y, method="sas", correction=fix, alternative="greater").pvalue
        assert less + greater == pytest.approx(1.0, abs=1e-12)  # one Z, both tails
        assert min(less, greater) == pytest.approx(res.pvalue / 2, rel=1e-12)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=40), st.sampled_from(["r", "sas"]))
def test_signed_rank_preset_properties(d: list[int], method: str) -> None:
    res = signed_rank(d, method=method)
    if all(v == 0 for v in d):
        assert math.isnan(res.pvalue)
        return
    assert 0.0 <= res.pvalue <= 1.0
    flipped = signed_rank([-v for v in d], method=method)
    assert res.pvalue == pytest.approx(flipped.pvalue, rel=1e-12)
    if method == "sas":
        assert flipped.statistic == -res.statistic
    values, counts = np.unique(d, return_counts=True)
    assert signed_rank_from_counts(values, counts, method=method).pvalue == res.pvalue
