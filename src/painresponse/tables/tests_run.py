"""Run the test a table row needs, through the default-choice rule, and keep provenance.

Tests run on frequency tables (``Distribution``): rank tests and t-tests from counts,
so their cost does not grow with the number of patients beyond the aggregation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.study import Study
from painresponse.tables.frequencies import Distribution
from painresponse.tables.model import PValue

__all__ = ["between_groups_categorical", "between_groups_numeric", "failed", "within_group_paired"]


def failed(test: str, reason: str, n: tuple[int, ...]) -> PValue:
    """A p-value cell that could not be computed, with the reason kept."""
    result = TestResult(
        test=test,
        method="not computed",
        statistic=float("nan"),
        pvalue=float("nan"),
        n=n,
        note=reason,
    )
    return PValue(result=result, reason=reason)


def between_groups_categorical(
    table: np.ndarray, kind: str, study: Study, override: str | None
) -> PValue:
    """Chi-square or Fisher (by Cochran's rule, or the override) on a levels × groups table.

    An ordinal variable gets the linear-by-linear trend test when the study asks for it
    (``test = "trend"``, or ``[tests] ordinal_test = "trend"``): levels scored 1, 2, … in
    their declared order, empty levels keeping their place, as R coin's ``lbl_test``.
    """
    from painresponse.stats.choice import TestChoice, choose_test, run_test

    ordered = np.asarray(table)
    trend = override == "trend" or (
        override is None and kind == "ordinal" and study.tests.ordinal_test == "trend"
    )
    if trend:
        reason = "set in the study file" if override else "ordinal variable: trend test (study)"
        try:
            return PValue(result=run_test(TestChoice("trend", {}, reason), ordered), reason=reason)
        except StatisticsError as exc:
            return failed("trend", str(exc), tuple(int(v) for v in ordered.sum(axis=0)))
    table = ordered[ordered.sum(axis=1) > 0][:, ordered.sum(axis=0) > 0]
    n = tuple(int(v) for v in table.sum(axis=0))
    if table.shape[0] < 2 or table.shape[1] < 2:
        return failed("chi2", "fewer than two observed levels or groups: no test", n)
    try:
        choice = _preset_choice(table, study) if override is None else None
        choice = choice or choose_test(kind, table=table, override=override)
        return PValue(result=run_test(choice, table), reason=choice.reason)
    except StatisticsError as exc:
        return failed(override or "chi2", str(exc), n)


def _preset_choice(table: np.ndarray, study: Study) -> Any:
    """The categorical test of the SAS or R preset, or None for the default rule.

    SAS 9.4 PROC FREQ prints Pearson's chi-square without correction, and Fisher's exact
    test for 2×2 tables; R's ``chisq.test`` applies Yates's correction to 2×2 tables.
    """
    from painresponse.stats.choice import TestChoice

    preset = study.tests.preset
    two_by_two = table.shape == (2, 2)
    if preset == "sas":
        if two_by_two:
            return TestChoice("fisher_exact", {}, "SAS preset: PROC FREQ's Fisher test (2×2)")
        return TestChoice("chi2", {"correction": False}, "SAS preset: PROC FREQ's chi-square")
    if preset == "r":
        if two_by_two:
            return TestChoice("chi2_yates", {}, "R preset: chisq.test default (Yates, 2×2)")
        return TestChoice("chi2", {"correction": False}, "R preset: chisq.test default")
    return None


def _rank_method(study: Study) -> str:
    """The rank tests' ``method``: the preset's (``sas``, ``r``) or the study's ``exact``."""
    return study.tests.preset if study.tests.preset in ("sas", "r") else study.analysis.exact


def _merged_support(
    dx: Distribution, dy: Distribution
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values = np.union1d(dx.values, dy.values)
    cx = np.zeros(values.size, dtype=np.int64)
    cy = np.zeros(values.size, dtype=np.int64)
    cx[np.searchsorted(values, dx.values)] = dx.counts
    cy[np.searchsorted(values, dy.values)] = dy.counts
    return values, cx, cy


def _with_missing(result: TestResult, n_missing: tuple[int, ...]) -> TestResult:
    import dataclasses

    return dataclasses.replace(result, n_missing=n_missing)


def between_groups_numeric(
    dx: Distribution, dy: Distribution, kind: str, study: Study, override: str | None
) -> PValue:
    """t-test or rank-sum test (by the variable's kind, or the override) between two groups."""
    from painresponse.stats.choice import choose_test, run_test

    n = (dx.n, dy.n)
    missing = (dx.n_missing, dy.n_missing)
    try:
        choice = choose_test(kind, override=override, equal_var=study.analysis.equal_var)
        if choice.test == "rank_sum":
            from painresponse.stats.ranks import rank_sum_from_counts

            values, cx, cy = _merged_support(dx, dy)
            opts: dict[str, Any] = {"method": _rank_method(study), **dict(choice.options)}
            result = rank_sum_from_counts(values, cx, cy, **opts)
        elif choice.test == "ttest_ind" and dx.n >= 2 and dy.n >= 2:
            from painresponse.stats.means import ttest_ind_from_stats

            equal_var = bool(choice.options.get("equal_var", study.analysis.equal_var))
            result = ttest_ind_from_stats(
                dx.mean(), dx.sd(), dx.n, dy.mean(), dy.sd(), dy.n, equal_var=equal_var
            )
        else:
            result = run_test(choice, dx.expand(), dy.expand())
        return PValue(result=_with_missing(result, missing), reason=choice.reason)
    except StatisticsError as exc:
        return failed(override or kind, str(exc), n)


def within_group_paired(differences: Distribution, study: Study) -> PValue:
    """Signed-rank test (the study's zero method) on the later − earlier differences."""
    from painresponse.stats.choice import choose_test, run_test

    n = (differences.n,)
    override = None if study.analysis.paired_test == "signed_rank" else study.analysis.paired_test
    try:
        choice = choose_test("continuous_nonnormal", paired=True, override=override)
        if choice.test == "signed_rank":
            from painresponse.stats.ranks import signed_rank_from_counts

            opts: dict[str, Any] = {**dict(choice.options)}
            opts["zero_method"] = study.analysis.zero_method
            opts["method"] = _rank_method(study)
            result = signed_rank_from_counts(differences.values, differences.counts, **opts)
        else:
            d = differences.expand()
            result = run_test(choice, d, np.zeros_like(d))
        # patients of the group lacking either time point are the paired test's missing
        return PValue(result=_with_missing(result, (differences.n_missing,)), reason=choice.reason)
    except StatisticsError as exc:
        return failed("signed_rank", str(exc), n)
