"""EQ-5D-5L index values against published example states.

Sources of the expected values (see ``painresponse.eq5d.VALUE_SETS[...].verified_against``):
Devlin et al. 2018 abstract (England: 55555 → −0.285, best non-full state 0.950); the R
package eq5d's tests (fragla/eq5d, tests/testthat/test-eq5d5l.R) and the EuroQol eq5dsuite
value-set tables (MathsinHealth/eq5dsuite-value-sets, EQ-5D-5L/KR.csv and US.csv), which
were built independently from the publications. Tolerance 5e-4 (published values have 3 decimals).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from painresponse.eq5d import (
    VALUE_SETS,
    available_value_sets,
    eq5d_index,
    incomplete_states,
    level_sum,
    value_set_coefficients,
)
from painresponse.errors import StudyDefinitionError, ValidationError

PUBLISHED = {
    "KR": {
        "11111": 1.0,
        "11211": 0.883,
        "12345": 0.440,
        "55555": -0.066,
        "11112": 0.871,
        "15555": 0.185,
        "25555": 0.139,
        "14555": 0.229,
    },
    "US": {
        "11111": 1.0,
        "21111": 0.904,
        "12111": 0.911,
        "11211": 0.932,
        "11121": 0.940,
        "11112": 0.943,
        "21354": 0.090,
        "55555": -0.573,
        "12345": 0.171,
        "15555": -0.251,
        "25555": -0.347,
        "24455": -0.306,
    },
    "ENG": {
        "11111": 1.0,
        "23245": 0.247,
        "11112": 0.922,
        "11121": 0.937,
        "11211": 0.950,
        "12111": 0.950,
        "21111": 0.942,
        "55555": -0.285,
    },
}


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_published_example_states(code: str) -> None:
    states = list(PUBLISHED[code])
    expected = np.array([PUBLISHED[code][s] for s in states])
    np.testing.assert_allclose(eq5d_index(states, code), expected, atol=5e-4)


def test_every_bundled_set_is_documented_and_verified() -> None:
    assert set(available_value_sets()) == set(VALUE_SETS)
    assert all(info.verified and info.reference and info.doi for info in VALUE_SETS.values())


def test_england_range_matches_abstract() -> None:
    states = [
        f"{a}{b}{c}{d}{e}"
        for a in "12345"
        for b in "12345"
        for c in "12345"
        for d in "12345"
        for e in "12345"
    ]
    values = eq5d_index(states, "ENG")
    assert round(values.min(), 3) == -0.285
    assert round(np.sort(values)[-2], 3) == 0.950


def test_unknown_value_set_lists_available() -> None:
    with pytest.raises(StudyDefinitionError, match="available: KR"):
        eq5d_index([1, 1, 1, 1, 1], "XX")


def test_missing_dimension_gives_nan_and_is_counted() -> None:
    levels = [[1, 2, 3, 4, 5], [1, None, 1, 1, 1], [np.nan, 1, 1, 1, 1]]
    index = eq5d_index(levels, "KR")
    assert index[0] == pytest.approx(0.44) and np.isnan(index[1:]).all()
    assert incomplete_states(levels).sum() == 2
    assert np.isnan(level_sum(levels)[1:]).all()


@pytest.mark.parametrize(
    "bad", [[[0, 1, 1, 1, 1]], [[1, 1, 1, 1, 6]], [[1.5, 1, 1, 1, 1]], ["1234"], [[1, 1, 1]]]
)
def test_bad_levels_raise_validation_error(bad: object) -> None:
    with pytest.raises(ValidationError):
        eq5d_index(bad, "KR")


def test_coefficients_table() -> None:
    kr = value_set_coefficients("KR")
    assert kr["constant"] == 0.096 and kr["N4"] == 0.078 and kr["MO5"] == 0.251


@given(st.lists(st.integers(1, 5), min_size=5, max_size=5))
def test_index_bounds_and_monotone(levels: list[int]) -> None:
    for code in available_value_sets():
        value = eq5d_index(levels, code)[0]
        worst = eq5d_index("55555", code)[0]
        assert worst - 1e-12 <= value <= 1.0
        assert level_sum([levels])[0] == sum(levels)
        # one level worse in any dimension never raises the index
        for d in range(5):
            if levels[d] < 5:
                worse = list(levels)
                worse[d] += 1
                assert eq5d_index(worse, code)[0] <= value + 1e-12
