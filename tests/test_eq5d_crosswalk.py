"""The EQ-5D-5L → 3L crosswalk table against published and independent values.

Sources of the expected values (none of them is the shipped table itself):

* ``EQ5D_PACKAGE`` — the R package eq5d's own crosswalk tests (fragla/eq5d,
  ``tests/testthat/test-eq5dcw.R``), e.g. ``eq5dcw(c(MO=3,SC=2,UA=1,PD=2,AD=3), "Denmark")``
  is 0.663; values printed to 3 decimals, tolerance 5e-4.
* ``EQ5DSUITE_3L`` — EuroQol's eq5dsuite 3L full-state tables
  (MathsinHealth/eq5dsuite-value-sets, ``EQ-5D-3L/<code>.csv``), rounded to 3 decimals.
  A 5L state made of levels 1, 3 and 5 only is valued exactly as the 3L state with
  levels 1, 2 and 3 (the crosswalk maps those levels one to one), so these are checks of
  the table's anchor states; tolerance 5e-4.
* ``PUBLISHED_3L`` — 3L example values as printed in the valuation studies (collected in
  eq5d's ``tests/testthat/test-eq5d3l.R``, with that file's tolerances) and, for Russia,
  the worst state's value in the abstract of Omelyanovskiy et al. (2021).
* Three full-table checks: the whole UK column from Dolan's (1997) 3L model and the whole
  US column from Shaw et al.'s (2005) D1 model, each with crosswalk probabilities
  estimated from the *other* country's column, to 1e-3; Russia from its additive 3L
  coefficients (eq5d ``data-raw/TTO.csv``), to 2.5e-3 (that column was computed from
  per-dimension decrements rounded to 3 decimals, see docs/eq5d.md).
"""

from __future__ import annotations

import contextlib
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from painresponse.eq5d_crosswalk import (
    CROSSWALK_DOI,
    CROSSWALKS,
    CrosswalkInfo,
    available_crosswalks,
    eq5d_crosswalk_index,
)
from painresponse.errors import PainresponseError, StudyDefinitionError, ValidationError

ALL_STATES = ["".join(s) for s in product("12345", repeat=5)]
STATES_3L = np.array(list(product((1, 2, 3), repeat=5)))
CODES = ("BM", "DE", "DK", "ES", "FR", "JP", "NL", "RU", "TH", "UK", "US", "ZW")

#: eq5d tests/testthat/test-eq5dcw.R: 5L state -> crosswalk value.
EQ5D_PACKAGE: dict[str, dict[str, float]] = {
    "DK": {"11111": 1.0, "32123": 0.663, "12112": 0.784, "13131": 0.761, "32424": 0.437,
           "55555": -0.624},
    "FR": {"11111": 1.0, "11233": 0.673, "33444": 0.009, "34455": -0.205, "55555": -0.53},
    "DE": {"11111": 1.0, "12211": 0.927, "44313": 0.679, "44444": 0.274, "55555": -0.205},
    "JP": {"11111": 1.0, "21331": 0.662, "33333": 0.532, "41433": 0.532, "55555": -0.111},
    "NL": {"11111": 1.0, "21213": 0.750, "33433": 0.484, "45454": -0.094, "55555": -0.329},
    "ES": {"11111": 1.0, "11122": 0.857, "33553": -0.073, "43555": -0.178, "55555": -0.654},
    "TH": {"11111": 1.0, "11115": 0.549, "34243": 0.245, "55255": -0.381, "55555": -0.452},
    "UK": {"11111": 1.0, "11221": 0.795, "44441": 0.226, "44525": 0.004, "55555": -0.594},
    "US": {"11111": 1.0, "12221": 0.778, "52342": 0.216, "55513": 0.162, "55555": -0.109},
    "ZW": {"11111": 0.9, "22222": 0.653, "23334": 0.544, "45454": 0.119, "55555": -0.145},
}  # fmt: skip

#: eq5dsuite EQ-5D-3L tables: value of each 3L state in ANCHOR_3L, per country.
ANCHOR_3L = ("21111", "31111", "12111", "13111", "11211", "11311",
             "11121", "11131", "11112", "11113", "22222", "33333")  # fmt: skip
EQ5DSUITE_3L: dict[str, tuple[float, ...]] = {
    "BM": (0.939, 0.573, 0.903, 0.775, 0.935, 0.814, 0.874, 0.579, 0.89, 0.712, 0.541, -0.547),
    "DE": (0.9, 0.349, 0.912, 0.502, 0.999, 0.676, 0.887, 0.361, 0.999, 0.611, 0.701, -0.205),
    "DK": (0.833, 0.475, 0.823, 0.694, 0.838, 0.742, 0.824, 0.49, 0.818, 0.519, 0.592, -0.624),
    "ES": (0.87, 0.255, 0.842, 0.376, 0.905, 0.49, 0.887, 0.424, 0.914, 0.541, 0.514, -0.654),
    "FR": (0.845, 0.454, 0.788, 0.5, 0.844, 0.637, 0.888, 0.561, 0.91, 0.622, 0.275, -0.53),
    "JP": (0.773, 0.43, 0.794, 0.746, 0.804, 0.715, 0.768, 0.654, 0.785, 0.736, 0.532, -0.111),
    "NL": (0.893, 0.534, 0.847, 0.543, 0.897, 0.638, 0.843, 0.366, 0.805, 0.37, 0.569, -0.329),
    "TH": (0.677, 0.227, 0.677, 0.417, 0.739, 0.541, 0.726, 0.45, 0.766, 0.549, 0.393, -0.452),
    "UK": (0.85, 0.336, 0.815, 0.436, 0.883, 0.556, 0.796, 0.264, 0.848, 0.414, 0.516, -0.594),
    "ZW": (0.844, 0.696, 0.808, 0.669, 0.857, 0.765, 0.833, 0.598, 0.854, 0.727, 0.596, -0.145),
}

#: Published 3L values: code -> 3L state -> (value, tolerance).
PUBLISHED_3L: dict[str, dict[str, tuple[float, float]]] = {
    "DK": {"12111": (0.823, 5e-4), "12121": (0.761, 5e-4), "32123": (-0.018, 1.1e-3),
           "32323": (-0.161, 5e-4), "33333": (-0.624, 5e-4)},
    "FR": {"11233": (0.201, 5e-4), "21212": (0.600, 1.1e-3), "32133": (-0.228, 1.1e-3),
           "33333": (-0.529, 1.1e-3)},
    # eq5d's German 3L values sit 0.002 below EuroQol's table, which the crosswalk follows
    "DE": {"12211": (0.912, 5e-4), "12213": (0.524, 5e-4), "32323": (0.083, 2.1e-3),
           "33333": (-0.207, 2.1e-3)},
    "JP": {"21111": (0.773, 5e-4), "31113": (0.318, 5e-4), "31223": (0.194, 5e-4),
           "33333": (-0.111, 5e-4)},
    "NL": {"21211": (0.861, 5e-4), "21231": (0.298, 5e-4), "21333": (-0.052, 5e-4),
           "33333": (-0.329, 5e-4)},
    "ES": {"11122": (0.825, 5e-4), "23133": (-0.135, 5e-4), "33133": (-0.459, 5e-4),
           "33333": (-0.654, 5e-4)},
    "TH": {"11112": (0.766, 5e-4), "21212": (0.586, 5e-4), "23232": (-0.005, 1.1e-3),
           "33333": (-0.454, 2.1e-3)},
    "UK": {"11221": (0.760, 5e-4), "33221": (-0.037, 5e-4), "12321": (0.329, 5e-4),
           "33333": (-0.594, 5e-4)},
    "US": {"11121": (0.827, 5e-4), "22112": (0.759, 5e-4), "33113": (0.102, 5e-4),
           "33333": (-0.109, 5e-4)},
    "ZW": {"11211": (0.857, 5e-4), "23211": (0.570, 5e-4), "31131": (0.394, 5e-4),
           "33333": (-0.145, 5e-4)},
    "RU": {"33333": (-0.503, 1.1e-3)},
}  # fmt: skip

TO_5L = {"1": "1", "2": "3", "3": "5"}


def _to_5l(state_3l: str) -> str:
    return "".join(TO_5L[ch] for ch in state_3l)


def _column(code: str) -> NDArray[np.float64]:
    return eq5d_crosswalk_index(ALL_STATES, code)


# --- the table ------------------------------------------------------------------------


def test_every_crosswalk_has_all_3125_states() -> None:
    assert tuple(CROSSWALKS) == CODES
    for code in CODES:
        values = _column(code)
        assert values.shape == (3125,)
        assert np.isfinite(values).all()
        assert values.min() == values[-1]  # 55555 is the worst state
        assert values.max() == values[0]  # 11111 the best
        assert -1 <= values.min() < values.max() <= 1


@pytest.mark.parametrize("code", CODES)
def test_one_level_worse_never_raises_the_value(code: str) -> None:
    table = _column(code).reshape((5,) * 5)
    for dimension in range(5):
        assert (np.diff(table, axis=dimension) <= 0).all()


@pytest.mark.parametrize("code", CODES)
def test_levels_2_and_4_are_one_mixture_per_dimension(code: str) -> None:
    """Internal consistency, not a reference check: the crosswalk's probabilities are
    per dimension, so in every context a level-2 (level-4) value lies at the same point
    between the level-1 and level-3 (level-3 and level-5) values. A corrupted cell breaks
    that; rounding to 3 decimals allows about 1e-3."""
    table = _column(code).reshape((5,) * 5)
    for dimension in range(5):
        by_level = np.moveaxis(table, dimension, 0)
        for middle, low, high in ((1, 0, 2), (3, 2, 4)):
            spread = (by_level[low] - by_level[high]).ravel()
            gap = (by_level[middle] - by_level[high]).ravel()
            if not spread.any():
                continue
            share = spread @ gap / (spread @ spread)
            assert np.abs(gap - share * spread).max() <= 2e-3


# --- reference values -----------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EQ5D_PACKAGE))
def test_eq5d_package_examples(code: str) -> None:
    states = EQ5D_PACKAGE[code]
    got = eq5d_crosswalk_index(list(states), code)
    np.testing.assert_allclose(got, list(states.values()), rtol=0, atol=5e-4 + 1e-9)


@pytest.mark.parametrize("code", sorted(EQ5DSUITE_3L))
def test_anchor_states_equal_the_eq5dsuite_3l_table(code: str) -> None:
    got = eq5d_crosswalk_index([_to_5l(s) for s in ANCHOR_3L], code)
    np.testing.assert_allclose(got, EQ5DSUITE_3L[code], rtol=0, atol=5e-4 + 1e-9)


@pytest.mark.parametrize("code", sorted(PUBLISHED_3L))
def test_anchor_states_equal_published_3l_values(code: str) -> None:
    cases = PUBLISHED_3L[code]
    got = eq5d_crosswalk_index([_to_5l(s) for s in cases], code)
    expected = np.array([value for value, _ in cases.values()])
    tolerance = np.array([tol for _, tol in cases.values()])
    assert (np.abs(got - expected) <= tolerance + 1e-9).all(), (got, expected)


def test_full_health_is_one_except_zimbabwe() -> None:
    full = {code: float(eq5d_crosswalk_index("11111", code)[0]) for code in CODES}
    assert full == {code: (0.9 if code == "ZW" else 1.0) for code in CODES}


# --- whole columns from the 3L models -------------------------------------------------


def _probabilities(column: NDArray[np.float64]) -> NDArray[np.float64]:
    """P[d, 5L level, 3L level] from one country's column (least squares per dimension)."""
    table = column.reshape((5,) * 5)
    probabilities = np.zeros((5, 5, 3))
    for dimension in range(5):
        by_level = np.moveaxis(table, dimension, 0)
        probabilities[dimension, 0, 0] = probabilities[dimension, 2, 1] = 1.0
        probabilities[dimension, 4, 2] = 1.0
        for middle, low, high, k_low, k_high in ((1, 0, 2, 0, 1), (3, 2, 4, 1, 2)):
            spread = (by_level[low] - by_level[high]).ravel()
            gap = (by_level[middle] - by_level[high]).ravel()
            share = spread @ gap / (spread @ spread)
            probabilities[dimension, middle, k_low] = share
            probabilities[dimension, middle, k_high] = 1 - share
    return probabilities


def _crosswalk(probabilities: NDArray[np.float64], values_3l: NDArray[np.float64]) -> np.ndarray:
    levels_5l = np.array(list(product(range(5), repeat=5)))
    weights = np.ones((3125, 243))
    for d in range(5):
        weights *= probabilities[d, levels_5l[:, d]][:, STATES_3L[:, d] - 1]
    return weights @ values_3l


def _dolan_1997(state: np.ndarray) -> float:
    decrements = ((0.069, 0.314), (0.104, 0.214), (0.036, 0.094), (0.123, 0.386), (0.071, 0.236))
    value = 1.0 - sum(decrements[d][state[d] - 2] for d in range(5) if state[d] > 1)
    value -= 0.081 if (state > 1).any() else 0.0
    value -= 0.269 if (state == 3).any() else 0.0
    return value


def _shaw_2005_d1(state: np.ndarray) -> float:
    decrements = ((0.146016, 0.557685), (0.1753425, 0.4711896), (0.1397295, 0.3742594),
                  (0.1728907, 0.5371011), (0.156223, 0.4501876))  # fmt: skip
    n2, n3 = int((state == 2).sum()), int((state == 3).sum())
    d1, i2, i3 = max(0, n2 + n3 - 1), max(0, n2 - 1), max(0, n3 - 1)
    value = 1.0 - sum(decrements[d][state[d] - 2] for d in range(5) if state[d] > 1)
    return value + 0.1395949 * d1 - 0.0106868 * i2**2 + 0.1215579 * i3 + 0.0147963 * i3**2


def _russia_2021(state: np.ndarray) -> float:
    decrements = ((0.041, 0.458), (0.075, 0.246), (0.073, 0.242), (0.066, 0.377), (0.041, 0.179))
    return 1.0 - sum(decrements[d][state[d] - 2] for d in range(5) if state[d] > 1)


def test_the_3l_formulas_reproduce_their_published_values() -> None:
    for formula, code in ((_dolan_1997, "UK"), (_shaw_2005_d1, "US")):
        for state, (value, _) in PUBLISHED_3L[code].items():
            assert round(formula(np.array([int(c) for c in state])), 3) == value


@pytest.mark.parametrize(
    ("code", "formula", "probabilities_from", "tolerance"),
    [
        ("UK", _dolan_1997, "US", 1e-3),
        ("US", _shaw_2005_d1, "UK", 1e-3),
        ("RU", _russia_2021, "UK", 2.5e-3),
    ],
)
def test_whole_column_from_the_3l_model(
    code: str, formula: object, probabilities_from: str, tolerance: float
) -> None:
    assert callable(formula)
    values_3l = np.array([formula(state) for state in STATES_3L])
    expected = _crosswalk(_probabilities(_column(probabilities_from)), values_3l)
    assert np.abs(_column(code) - expected).max() <= tolerance


# --- the API --------------------------------------------------------------------------


def test_available_crosswalks_carry_references() -> None:
    crosswalks = available_crosswalks()
    assert crosswalks is CROSSWALKS
    assert len(crosswalks) == 12 and "JO" not in crosswalks
    for code, info in crosswalks.items():
        assert isinstance(info, CrosswalkInfo) and info.code == code
        assert info.doi == CROSSWALK_DOI and "van Hout" in info.reference
        assert info.value_set_3l and info.value_set_3l_doi.startswith("10.")
        assert set(info.to_dict()) == {
            "code", "country", "reference", "doi", "value_set_3l", "value_set_3l_doi"
        }  # fmt: skip
    assert crosswalks["UK"].value_set_3l.startswith("Dolan P.")
    assert "CROSSWALKS(BM, DE" in repr(crosswalks)


def test_every_crosswalk_is_documented_with_its_check() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "eq5d.md").read_text("utf-8")
    section = docs[docs.index("## EQ-5D-5L → 3L crosswalk") : docs.index("## Not shipped")]
    for code, info in available_crosswalks().items():
        assert f"| `{code}` | {info.country} |" in section and info.value_set_3l_doi in section


def test_input_forms_agree() -> None:
    as_strings = eq5d_crosswalk_index(["12345", "55555"], "ES")
    as_numbers = eq5d_crosswalk_index([12345, 55555], "ES")
    as_levels = eq5d_crosswalk_index([[1, 2, 3, 4, 5], [5, 5, 5, 5, 5]], "ES")
    one_state = eq5d_crosswalk_index([1, 2, 3, 4, 5], "ES")
    np.testing.assert_array_equal(as_strings, as_numbers)
    np.testing.assert_array_equal(as_strings, as_levels)
    assert one_state.tolist() == [as_strings[0]] == [0.201]


def test_missing_dimension_gives_nan() -> None:
    levels = np.array([[1, 1, 1, 1, 1], [2, np.nan, 1, 1, 1], [1, 1, 1, 1, None]], dtype=object)
    got = eq5d_crosswalk_index(levels, "US")
    assert got[0] == 1.0 and np.isnan(got[1:]).all()


def test_unknown_country_lists_the_codes() -> None:
    with pytest.raises(StudyDefinitionError) as error:
        eq5d_crosswalk_index("11111", "Jordan")
    message = str(error.value)
    assert "'Jordan'" in message and "available: BM, DE, DK" in message
    with pytest.raises(StudyDefinitionError, match="did you mean UK"):
        eq5d_crosswalk_index("11111", "uk")
    with pytest.raises(StudyDefinitionError, match="did you mean DK"):
        eq5d_crosswalk_index("11111", "Denmark")


@pytest.mark.parametrize(
    "levels",
    [
        [[1, 2, 3, 4, 6]],
        [[0, 1, 1, 1, 1]],
        ["12346"],
        ["1234"],
        [[1, 2, 3, 4]],
        [[1.5, 1, 1, 1, 1]],
    ],
)
def test_levels_outside_1_to_5_are_validation_errors(levels: object) -> None:
    with pytest.raises(ValidationError):
        eq5d_crosswalk_index(levels, "UK")  # type: ignore[arg-type]


@given(st.lists(st.lists(st.integers(1, 5), min_size=5, max_size=5), min_size=1, max_size=20))
def test_lookup_matches_the_state_code(states: list[list[int]]) -> None:
    got = eq5d_crosswalk_index(states, "NL")
    codes = ["".join(map(str, s)) for s in states]
    np.testing.assert_array_equal(got, eq5d_crosswalk_index(codes, "NL"))
    np.testing.assert_array_equal(got, _column("NL")[[ALL_STATES.index(c) for c in codes]])


@given(st.lists(st.one_of(st.integers(-3, 9), st.none(), st.text(max_size=3)), min_size=5,
                max_size=5))  # fmt: skip
def test_only_our_errors_escape(row: list[object]) -> None:
    with contextlib.suppress(PainresponseError):
        eq5d_crosswalk_index(np.array([row], dtype=object), "TH")
