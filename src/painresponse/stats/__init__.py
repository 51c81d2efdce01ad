"""Exact, tie-aware tests that agree with R and SAS; each returns a frozen TestResult.

One module per test family: :mod:`~painresponse.stats.contingency` (chi-square,
Fisher–Freeman–Halton), :mod:`~painresponse.stats.means` (t-tests),
:mod:`~painresponse.stats.ranks` (rank-sum, signed-rank, Kruskal–Wallis, Friedman),
:mod:`~painresponse.stats.hodges_lehmann`, :mod:`~painresponse.stats.effects`,
:mod:`~painresponse.stats.multiplicity`, and the default-choice rule and registry in
:mod:`~painresponse.stats.choice`.
"""

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
from painresponse.stats.hodges_lehmann import hodges_lehmann
from painresponse.stats.means import ttest_ind, ttest_ind_from_stats, ttest_rel
from painresponse.stats.multiplicity import adjust_pvalues
from painresponse.stats.ranks import (
    friedman,
    kruskal,
    rank_sum,
    rank_sum_from_counts,
    signed_rank,
    signed_rank_from_counts,
)

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
    "ttest_ind",
    "ttest_ind_from_stats",
    "ttest_rel",
]
