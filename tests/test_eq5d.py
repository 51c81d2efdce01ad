"""EQ-5D-5L index values against published example states of every bundled value set.

Expected values: ``tests/reference/eq5d_example_states.json`` — the R package eq5d's own
tests (fragla/eq5d, tests/testthat/test-eq5d5l.R, values taken from the publications) and
the EuroQol eq5dsuite full-state tables (MathsinHealth/eq5dsuite-value-sets), two
implementations independent of this one. Tolerance 5e-4 (published values have 3 decimals)
unless the JSON says otherwise; the coefficients come from the publications as transcribed
in eq5d's ``data-raw/VT.csv`` (UK 2026: derived from the eq5dsuite table, see docs/eq5d.md).
"""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from painresponse.eq5d import (
    TERMS,
    VALUE_SETS,
    available_value_sets,
    eq5d_index,
    incomplete_states,
    level_sum,
    value_set_coefficients,
)
from painresponse.errors import PainresponseError, StudyDefinitionError, ValidationError

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "eq5d_example_states.json").read_text("utf-8")
)
CASES = REFERENCE["cases"]
ALL_STATES = ["".join(s) for s in product("12345", repeat=5)]
#: States whose eq5dsuite value differs from the publication's coefficients (see the JSON).
KNOWN_DIFFERENCE = {"BE": 2e-3, "ES": 2e-3, "IR": 2.5e-3, "NL": 1e-3, "MY": 1.5e-3}


def _tolerances(case: dict) -> np.ndarray:
    return np.array(
        [
            case["loose_tolerance"] if s in case["loose_states"] else case["tolerance"]
            for s in case["states"]
        ]
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['code']}:{c['source'][:12]}")
def test_published_example_states(case: dict) -> None:
    code, states = case["code"], case["states"]
    expected = np.array(list(states.values()))
    got = eq5d_index(list(states), code)
    tolerance = _tolerances(case) + 1e-9
    if code in KNOWN_DIFFERENCE and "eq5dsuite" in case["source"]:
        tolerance = np.full_like(tolerance, KNOWN_DIFFERENCE[code])
    if code == "DE" and "eq5dsuite" in case["source"]:
        # eq5dsuite's AD4 is 0.020 higher than eq5d's (docs/eq5d.md): check the rest only
        keep = np.array([s[4] != "4" for s in states])
        got, expected, tolerance = got[keep], expected[keep], tolerance[keep]
    assert np.all(np.abs(got - expected) <= tolerance), list(zip(got, expected, strict=True))


def test_german_ad4_difference_is_the_documented_one() -> None:
    assert value_set_coefficients("DE")["AD4"] == pytest.approx(-0.244)
    # eq5dsuite DE.csv: 55414 → 0.163, 55454 → −0.449 (ours 0.020 lower)
    np.testing.assert_allclose(eq5d_index(["55414", "55454"], "DE"), [0.143, -0.469], atol=5e-4)


def test_every_set_is_checked_and_documented() -> None:
    checked = {c["code"] for c in CASES}
    assert checked == set(available_value_sets())
    docs = (Path(__file__).parents[1] / "docs" / "eq5d.md").read_text("utf-8")
    for code, info in available_value_sets().items():
        assert info.code == code and info.country and info.reference and info.doi
        assert f"| `{code}` |" in docs and info.doi in docs


def test_at_least_forty_sets_and_england_and_uk_are_separate() -> None:
    sets = available_value_sets()
    assert len(sets) >= 40
    assert sets["ENG"].doi == "10.1002/hec.3564"
    assert sets["UK"].doi == "10.1016/j.jval.2026.03.008"
    assert eq5d_index("55555", "ENG")[0] != eq5d_index("55555", "UK")[0]


def test_paper_headline_values() -> None:
    # Devlin 2018 abstract: England ranges from −0.285 (55555) to 0.950 (best non-full state)
    values = eq5d_index(ALL_STATES, "ENG")
    assert round(values.min(), 3) == -0.285 and round(np.sort(values)[-2], 3) == 0.950
    # Ludwig 2018 abstract: German values range from −0.661 to 1
    assert round(eq5d_index(ALL_STATES, "DE").min(), 3) == -0.661


def test_model_terms() -> None:
    # Canada (Xie 2016): full health is 1.1351 minus the level-1 terms = 0.949
    assert eq5d_index("11111", "CA")[0] == pytest.approx(0.9489)
    # Australia (Norman 2023): the level-5 penalty applies once, whatever the count
    au = eq5d_index(["15111", "15511", "55555"], "AU")
    assert au[0] - au[1] == pytest.approx(0.162)  # only UA5 added, N5 not again
    # Korea: constant for any problem and N4
    assert eq5d_index("11112", "KR")[0] == pytest.approx(1 - 0.096 - 0.033)
    assert set(value_set_coefficients("CA")) <= set(TERMS)


@pytest.mark.parametrize("code", sorted(VALUE_SETS))
def test_all_3125_states_are_finite_and_logically_ordered(code: str) -> None:
    values = eq5d_index(ALL_STATES, code).reshape((5,) * 5)
    assert np.isfinite(values).all()
    assert values.max() == values[0, 0, 0, 0, 0] and values.min() == values[4, 4, 4, 4, 4]
    for axis in range(5):  # one level worse in any dimension never raises the index
        assert (np.diff(values, axis=axis) <= 1e-12).all()


def test_input_forms_agree() -> None:
    expected = eq5d_index([[1, 2, 3, 4, 5], [5, 5, 5, 5, 5]], "UK")
    np.testing.assert_array_equal(eq5d_index(["12345", "55555"], "UK"), expected)
    np.testing.assert_array_equal(eq5d_index([12345, 55555], "UK"), expected)
    np.testing.assert_array_equal(eq5d_index(np.array([12345, 55555]), "UK"), expected)
    assert eq5d_index([1, 2, 3, 4, 5], "UK")[0] == expected[0]


def test_unknown_value_set_lists_available_and_suggests() -> None:
    with pytest.raises(StudyDefinitionError, match="available: AU, BE") as info:
        eq5d_index([1, 1, 1, 1, 1], "XX")
    assert "KR" in str(info.value)
    with pytest.raises(StudyDefinitionError, match="did you mean UK"):
        eq5d_index([1, 1, 1, 1, 1], "uk2026")
    with pytest.raises(StudyDefinitionError):
        value_set_coefficients("England")


def test_missing_dimension_gives_nan_and_is_counted() -> None:
    levels: list[Any] = [[1, 2, 3, 4, 5], [1, None, 1, 1, 1], [np.nan, 1, 1, 1, 1]]
    index = eq5d_index(levels, "KR")
    assert index[0] == pytest.approx(0.44) and np.isnan(index[1:]).all()
    assert incomplete_states(levels).sum() == 2
    assert np.isnan(level_sum(levels)[1:]).all()


@pytest.mark.parametrize(
    "bad",
    [
        [[0, 1, 1, 1, 1]],
        [[1, 1, 1, 1, 6]],
        [[1.5, 1, 1, 1, 1]],
        ["1234"],
        ["12a45"],
        [12346],
        [[1, 1, 1]],
        [["x", 1, 1, 1, 1]],
        [[1, 2], [1, 2, 3]],
    ],
)
def test_bad_levels_raise_validation_error(bad: Any) -> None:
    with pytest.raises(ValidationError):
        eq5d_index(bad, "KR")


def test_coefficients_table() -> None:
    kr = value_set_coefficients("KR")
    assert kr["any_above_1"] == -0.096 and kr["any_4_or_5"] == -0.078 and kr["MO5"] == -0.251


@given(st.lists(st.integers(-3, 9), min_size=5, max_size=5), st.sampled_from(sorted(VALUE_SETS)))
def test_any_levels_give_a_value_or_our_error(levels: list[int], code: str) -> None:
    try:
        value = eq5d_index(levels, code)[0]
    except PainresponseError:
        assert any(not 1 <= v <= 5 for v in levels)
    else:
        assert eq5d_index("55555", code)[0] - 1e-12 <= value <= eq5d_index("11111", code)[0]
        assert level_sum([levels])[0] == sum(levels)


_ANY_VALUE = st.one_of(
    st.none(),
    st.integers(-10, 60000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
)


@given(st.one_of(_ANY_VALUE, st.lists(_ANY_VALUE, max_size=6), st.lists(st.lists(_ANY_VALUE))))
def test_any_input_gives_values_or_our_error(levels: Any) -> None:
    try:
        values = eq5d_index(levels, "CA")
    except PainresponseError:
        return
    assert values.ndim == 1 and np.all(np.isnan(values) | (values <= 1.1351))
