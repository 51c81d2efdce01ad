"""The default-choice rule (which test for which variable) and the registry of tests.

The rule lives in one function, :func:`choose_test`; tests are looked up by name in
:data:`REGISTRY` and run with :func:`run_test`, so a study file can name a test and every
table cell can record which test ran and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.contingency import _as_count_table, _drop_empty_margins, chi2_test
from painresponse.stats.contingency import fisher_exact as _fisher_exact
from painresponse.stats.means import ttest_ind, ttest_rel

__all__ = ["KINDS", "REGISTRY", "TestChoice", "choose_test", "run_test"]

#: The kinds of variable the rule knows.
KINDS = ("categorical", "ordinal", "continuous_normal", "continuous_nonnormal", "count")


@dataclass(frozen=True)
class TestChoice:
    """A test picked for one comparison, with the reason in words.

    Attributes
    ----------
    test : str
        Registry key, e.g. ``"chi2"``, ``"fisher_exact"``, ``"rank_sum"``.
    options : Mapping
        Keyword arguments passed to the registry function.
    reason : str
        Why this test was chosen, for the table footnote and provenance.
    """

    __test__ = False  # not a pytest test class

    test: str
    options: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))


# ---- registry functions: lazy imports for the rank tests (a separate module) -------------


def _rank_sum(x: ArrayLike, y: ArrayLike, **kwargs: Any) -> TestResult:
    from painresponse.stats.ranks import rank_sum

    return rank_sum(x, y, **kwargs)


def _rank_sum_exact(x: ArrayLike, y: ArrayLike, **kwargs: Any) -> TestResult:
    return _rank_sum(x, y, **{"method": "exact", **kwargs})


def _rank_sum_asymptotic(x: ArrayLike, y: ArrayLike, **kwargs: Any) -> TestResult:
    return _rank_sum(x, y, **{"method": "asymptotic", **kwargs})


def _signed_rank(x: ArrayLike, y: ArrayLike | None = None, **kwargs: Any) -> TestResult:
    from painresponse.stats.ranks import signed_rank

    return signed_rank(x, y, **kwargs)


def _kruskal(*groups: ArrayLike) -> TestResult:
    from painresponse.stats.k_sample import kruskal

    return kruskal(*groups)


def _friedman(*time_points: ArrayLike) -> TestResult:
    from painresponse.stats.k_sample import friedman

    return friedman(*time_points)


def _hodges_lehmann(x: ArrayLike, y: ArrayLike | None = None, **kwargs: Any) -> TestResult:
    from painresponse.stats.location_shift import hodges_lehmann

    return hodges_lehmann(x, y, **kwargs)


def _trend(table: ArrayLike, **kwargs: Any) -> TestResult:
    from painresponse.stats.trend import trend_test

    return trend_test(table, **kwargs)


def _chi2_yates(table: ArrayLike, **kwargs: Any) -> TestResult:
    return chi2_test(table, **{"correction": True, **kwargs})


def _ttest_welch(x: ArrayLike, y: ArrayLike, **kwargs: Any) -> TestResult:
    return ttest_ind(x, y, **{"equal_var": False, **kwargs})


def _fisher_monte_carlo(table: ArrayLike, **kwargs: Any) -> TestResult:
    return _fisher_exact(table, **{"method": "monte-carlo", **kwargs})


#: Every test by its registry key.
REGISTRY: Mapping[str, Callable[..., TestResult]] = MappingProxyType(
    {
        "chi2": chi2_test,
        "chi2_yates": _chi2_yates,
        "fisher_exact": _fisher_exact,
        "fisher_monte_carlo": _fisher_monte_carlo,
        "ttest_ind": ttest_ind,
        "ttest_welch": _ttest_welch,
        "ttest_rel": ttest_rel,
        "rank_sum": _rank_sum,
        "rank_sum_exact": _rank_sum_exact,
        "rank_sum_asymptotic": _rank_sum_asymptotic,
        "signed_rank": _signed_rank,
        "kruskal": _kruskal,
        "friedman": _friedman,
        "hodges_lehmann": _hodges_lehmann,
        "trend": _trend,
    }
)


def _cochran(table: ArrayLike) -> TestChoice:
    counts, _ = _drop_empty_margins(_as_count_table(table))
    if counts.shape[0] < 2 or counts.shape[1] < 2 or counts.sum() == 0:
        return TestChoice(
            "chi2",
            {"correction": False},
            "Pearson's chi-square test (fewer than two non-empty rows or columns; "
            "no test is possible)",
        )
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()
    cells = expected.size
    below5 = int((expected < 5).sum())
    below1 = int((expected < 1).sum())
    share = f"{below5} of {cells} cells ({100 * below5 / cells:.0f}%) have expected counts below 5"
    if below1 == 0 and below5 <= 0.2 * cells:
        return TestChoice(
            "chi2",
            {"correction": False},
            f"Pearson's chi-square test: {share}, no expected count below 1 (Cochran's rule holds)",
        )
    if below1:
        share += f" and {below1} below 1"
    return TestChoice("fisher_exact", {}, f"Fisher's exact test: {share} (Cochran's rule)")


def choose_test(
    kind: str,
    table: ArrayLike | None = None,
    paired: bool = False,
    override: str | None = None,
    equal_var: bool = True,
) -> TestChoice:
    """Pick the default test for one comparison of two groups.

    Parameters
    ----------
    kind : {"categorical", "ordinal", "continuous_normal", "continuous_nonnormal", "count"}
        The kind of variable.
    table : array_like of int, optional
        The contingency table (categorical and ordinal variables only; required for them).
    paired : bool, default False
        Paired measurements (e.g. the same patients at T0 and T1).
    override : str, optional
        A registry key set in the study file; it wins over the rule.
    equal_var : bool, default True
        For continuous_normal: Student's pooled t-test (True) or Welch's (False).

    Returns
    -------
    TestChoice
        The registry key, its options and the reason in words.

    Raises
    ------
    StatisticsError
        If ``kind`` or ``override`` is unknown, or a categorical kind comes without a table.

    Notes
    -----
    - categorical / ordinal: Pearson's chi-square without continuity correction when
      Cochran's conditions hold (no expected count below 1 and at most 20% of cells below 5,
      expected :math:`E_{ij} = R_i C_j / N`), otherwise Fisher's exact test. Ordinal
      variables are treated as categorical, as in the reference study (a trend test is
      available by override).
    - continuous_normal: Student's pooled t-test (Welch's when ``equal_var`` is False);
      paired: the paired t-test.
    - continuous_nonnormal / count: Wilcoxon rank-sum test; paired: Wilcoxon signed-rank
      test with ``zero_method="wilcox"`` (zero differences dropped), the default of R's
      ``wilcox.test`` and of SAS PROC UNIVARIATE's signed-rank statistic.

    References
    ----------
    .. [1] Cochran WG. Some methods for strengthening the common chi-square tests.
       Biometrics. 1954;10:417-451.
    .. [2] Sjoberg DD et al. Reproducible summary tables with the gtsummary package.
       R J. 2021;13:570-580 (``add_p`` default tests).

    Examples
    --------
    >>> choose_test("categorical", table=[[26, 27], [8, 15], [4, 0], [3, 1]]).test
    'fisher_exact'
    >>> sex = choose_test("categorical", table=[[17, 19], [24, 24]])
    >>> print(sex.reason)  # doctest: +NORMALIZE_WHITESPACE
    Pearson's chi-square test: 0 of 4 cells (0%) have expected counts below 5,
    no expected count below 1 (Cochran's rule holds)
    >>> choose_test("continuous_nonnormal", paired=True).options["zero_method"]
    'wilcox'
    """
    if kind not in KINDS:
        raise StatisticsError(f"Unknown variable kind {kind!r}; use one of {', '.join(KINDS)}.")
    if override is not None:
        if override not in REGISTRY:
            raise StatisticsError(
                f"Unknown test {override!r} in the study file; known tests: "
                f"{', '.join(sorted(REGISTRY))}."
            )
        return TestChoice(override, {}, "set in the study file")
    if kind in ("categorical", "ordinal"):
        if table is None:
            raise StatisticsError(
                f"A {kind} variable needs its contingency table to choose a test."
            )
        if paired:
            raise StatisticsError(
                "Paired categorical comparisons (McNemar) are not in the default rule; "
                "set a test in the study file."
            )
        return _cochran(table)
    if kind == "continuous_normal":
        if paired:
            return TestChoice("ttest_rel", {}, "Paired t-test: paired, normally distributed")
        if equal_var:
            return TestChoice(
                "ttest_ind",
                {"equal_var": True},
                "Student's t-test (pooled variance): normally distributed",
            )
        return TestChoice(
            "ttest_welch",
            {"equal_var": False},
            "Welch's t-test: normally distributed, unequal variances",
        )
    if paired:
        return TestChoice(
            "signed_rank",
            {"zero_method": "wilcox"},
            "Wilcoxon signed-rank test (zero differences dropped): paired, "
            f"{kind.replace('_', ' ')}",
        )
    return TestChoice("rank_sum", {}, f"Wilcoxon rank-sum test: {kind.replace('_', ' ')}")


def run_test(choice_or_name: TestChoice | str, *args: Any, **kwargs: Any) -> TestResult:
    """Run a test from the registry by its key or a :class:`TestChoice`.

    Parameters
    ----------
    choice_or_name : TestChoice or str
        The choice (its options are passed on) or a registry key.
    *args, **kwargs
        The data (a table, or two groups) and further options; ``kwargs`` win over the
        choice's options.

    Returns
    -------
    TestResult
        Whatever the registry function returns.

    Raises
    ------
    StatisticsError
        If the key is not in the registry.

    Examples
    --------
    >>> round(run_test("fisher_exact", [[3, 1], [1, 3]]).pvalue, 4)
    0.4857
    """
    if isinstance(choice_or_name, TestChoice):
        name, options = choice_or_name.test, {**choice_or_name.options, **kwargs}
    else:
        name, options = choice_or_name, dict(kwargs)
    func = REGISTRY.get(name)
    if func is None:
        raise StatisticsError(f"Unknown test {name!r}; known tests: {', '.join(sorted(REGISTRY))}.")
    return func(*args, **options)
