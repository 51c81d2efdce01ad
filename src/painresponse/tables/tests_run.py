"""Run the test a table row needs, through the default-choice rule, and keep provenance."""

from __future__ import annotations

from typing import Any

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.study import Study
from painresponse.tables.model import PValue

__all__ = ["between_groups_categorical", "between_groups_numeric", "failed", "within_group_paired"]

_RANK_TESTS = {"rank_sum", "rank_sum_exact", "rank_sum_asymptotic", "signed_rank"}


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


def _rank_options(choice_test: str, study: Study) -> dict[str, Any]:
    if choice_test in ("rank_sum", "signed_rank"):
        return {"method": study.analysis.exact}
    return {}


def between_groups_categorical(
    table: np.ndarray, kind: str, study: Study, override: str | None
) -> PValue:
    """Chi-square or Fisher (by Cochran's rule, or the override) on a levels × groups table."""
    from painresponse.stats.choice import choose_test, run_test

    table = np.asarray(table)
    keep_rows = table.sum(axis=1) > 0
    keep_cols = table.sum(axis=0) > 0
    table = table[keep_rows][:, keep_cols]
    n = tuple(int(v) for v in table.sum(axis=0))
    if table.shape[0] < 2 or table.shape[1] < 2:
        return failed("chi2", "fewer than two observed levels or groups: no test", n)
    try:
        choice = choose_test(kind, table=table, override=override)
        return PValue(result=run_test(choice, table), reason=choice.reason)
    except StatisticsError as exc:
        return failed(override or "chi2", str(exc), n)


def between_groups_numeric(
    x: np.ndarray, y: np.ndarray, kind: str, study: Study, override: str | None
) -> PValue:
    """t-test or rank-sum test (by the variable's kind, or the override) between two groups."""
    from painresponse.stats.choice import choose_test, run_test

    n = (int(np.sum(~np.isnan(x))), int(np.sum(~np.isnan(y))))
    try:
        choice = choose_test(kind, override=override, equal_var=study.analysis.equal_var)
        kwargs = _rank_options(choice.test, study)
        return PValue(result=run_test(choice, x, y, **kwargs), reason=choice.reason)
    except StatisticsError as exc:
        return failed(override or kind, str(exc), n)


def within_group_paired(later: np.ndarray, earlier: np.ndarray, study: Study) -> PValue:
    """Signed-rank test (the study's paired test and zero method) of later vs. earlier."""
    from painresponse.stats.choice import choose_test, run_test

    n = (int(np.sum(~(np.isnan(later) | np.isnan(earlier)))),)
    override = None if study.analysis.paired_test == "signed_rank" else study.analysis.paired_test
    try:
        choice = choose_test("continuous_nonnormal", paired=True, override=override)
        kwargs: dict[str, Any] = _rank_options(choice.test, study)
        if choice.test == "signed_rank":
            kwargs["zero_method"] = study.analysis.zero_method
        return PValue(result=run_test(choice, later, earlier, **kwargs), reason=choice.reason)
    except StatisticsError as exc:
        return failed("signed_rank", str(exc), n)
