"""Exact, tie-aware tests that agree with R and SAS; each returns a frozen TestResult.

One module per test family: :mod:`~painresponse.stats.contingency` (chi-square,
Fisher–Freeman–Halton), :mod:`~painresponse.stats.means` (t-tests),
:mod:`~painresponse.stats.ranks` (rank-sum, signed-rank),
:mod:`~painresponse.stats.k_sample` (Kruskal–Wallis, Friedman),
:mod:`~painresponse.stats.trend` (linear-by-linear association, ordinal trend),
:mod:`~painresponse.stats.location_shift`, :mod:`~painresponse.stats.effects`,
:mod:`~painresponse.stats.multiplicity`, and the default-choice rule and registry in
:mod:`~painresponse.stats.choice`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "REGISTRY": "painresponse.stats.choice",
    "TestChoice": "painresponse.stats.choice",
    "TestResult": "painresponse.stats._result",
    "adjust_pvalues": "painresponse.stats.multiplicity",
    "chi2_test": "painresponse.stats.contingency",
    "choose_test": "painresponse.stats.choice",
    "fisher_exact": "painresponse.stats.contingency",
    "friedman": "painresponse.stats.k_sample",
    "hodges_lehmann": "painresponse.stats.location_shift",
    "kruskal": "painresponse.stats.k_sample",
    "mean_difference": "painresponse.stats.effects",
    "odds_ratio": "painresponse.stats.effects",
    "probability_of_superiority": "painresponse.stats.effects",
    "rank_biserial": "painresponse.stats.effects",
    "rank_sum": "painresponse.stats.ranks",
    "rank_sum_from_counts": "painresponse.stats.ranks",
    "risk_difference": "painresponse.stats.effects",
    "run_test": "painresponse.stats.choice",
    "signed_rank": "painresponse.stats.ranks",
    "signed_rank_from_counts": "painresponse.stats.ranks",
    "standardized_mean_difference": "painresponse.stats.effects",
    "trend_test": "painresponse.stats.trend",
    "ttest_ind": "painresponse.stats.means",
    "ttest_ind_from_stats": "painresponse.stats.means",
    "ttest_rel": "painresponse.stats.means",
}

if TYPE_CHECKING:
    from painresponse.stats._result import TestResult
    from painresponse.stats.choice import REGISTRY, TestChoice, choose_test, run_test
    from painresponse.stats.contingency import chi2_test, fisher_exact
    from painresponse.stats.effects import (
        mean_difference,
        odds_ratio,
        probability_of_superiority,
        rank_biserial,
        risk_difference,
        standardized_mean_difference,
    )
    from painresponse.stats.k_sample import friedman, kruskal
    from painresponse.stats.location_shift import hodges_lehmann
    from painresponse.stats.means import ttest_ind, ttest_ind_from_stats, ttest_rel
    from painresponse.stats.multiplicity import adjust_pvalues
    from painresponse.stats.ranks import (
        rank_sum,
        rank_sum_from_counts,
        signed_rank,
        signed_rank_from_counts,
    )
    from painresponse.stats.trend import trend_test


__all__ = [
    "REGISTRY",
    "TestChoice",
    "TestResult",
    "adjust_pvalues",
    "chi2_test",
    "choose_test",
    "fisher_exact",
    "friedman",
    "hodges_lehmann",
    "kruskal",
    "mean_difference",
    "odds_ratio",
    "probability_of_superiority",
    "rank_biserial",
    "rank_sum",
    "rank_sum_from_counts",
    "risk_difference",
    "run_test",
    "signed_rank",
    "signed_rank_from_counts",
    "standardized_mean_difference",
    "trend_test",
    "ttest_ind",
    "ttest_ind_from_stats",
    "ttest_rel",
]


def __getattr__(name: str) -> Any:
    # Imported on first use: scipy.stats (0.4 s) loads only when a test needs it.
    if name not in _WHERE:
        raise AttributeError(f"module 'painresponse.stats' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
