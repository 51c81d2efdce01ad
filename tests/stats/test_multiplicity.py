"""adjust_pvalues against R 4.x ``p.adjust``; tolerance relative 1e-12."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from painresponse.errors import StatisticsError
from painresponse.stats.multiplicity import adjust_pvalues

# R: p <- c(0.01, 0.02, 0.03, 0.04, 0.05, NA, 0.5, 0.001)
P = [0.01, 0.02, 0.03, 0.04, 0.05, math.nan, 0.5, 0.001]
R = {
    "holm": [0.06, 0.1, 0.12, 0.12, 0.12, math.nan, 0.5, 0.007],
    "bonferroni": [0.07, 0.14, 0.21, 0.28, 0.35, math.nan, 1, 0.007],
    "bh": [0.035, 0.0466666666667, 0.0525, 0.056, 0.0583333333333, math.nan, 0.5, 0.007],
}


@pytest.mark.parametrize("method", ["holm", "bonferroni", "bh", "fdr_bh"])
def test_against_r(method: str) -> None:
    expected = R["bh" if method == "fdr_bh" else method]
    got = adjust_pvalues(P, method=method)
    np.testing.assert_allclose(got, expected, rtol=1e-11)


def test_errors() -> None:
    with pytest.raises(StatisticsError):
        adjust_pvalues([0.1, 1.2])
    with pytest.raises(StatisticsError):
        adjust_pvalues([0.1], method="sidak")
    assert adjust_pvalues([]).size == 0


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_properties(pvalues: list[float]) -> None:
    for method in ("holm", "bonferroni", "bh"):
        adj = adjust_pvalues(pvalues, method=method)
        assert np.all((adj >= np.asarray(pvalues) - 1e-15) & (adj <= 1))
