"""EQ-5D-5L summaries: index values from published value sets, and the level sum score.

EuroQol asks that the five EQ-5D digits not be added; a health state's *index value* comes
from a country's value set. The published LSGB study summed the levels (5–25); that sum is
kept here under its own name, :func:`level_sum`, so it is never mistaken for an index.

The value sets live in ``painresponse/data/eq5d_value_sets.csv``: one row per term
(``constant``, ``N4``, then each dimension's levels 2–5), one column per value set, every
number a *decrement* from full health. Adding a country is adding a column there and one
:class:`ValueSetInfo` entry in :data:`VALUE_SETS`.

Examples
--------
>>> float(eq5d_index([1, 2, 3, 4, 5], "KR")[0])
0.44
>>> [round(float(v), 3) for v in eq5d_index(["11111", "55555"], "US")]
[1.0, -0.573]
>>> level_sum([[1, 2, 3, 4, 5]]).tolist()
[15.0]
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import Problem, StudyDefinitionError, ValidationError

__all__ = [
    "DIMENSIONS",
    "VALUE_SETS",
    "ValueSetInfo",
    "available_value_sets",
    "eq5d_index",
    "incomplete_states",
    "level_sum",
    "value_set_coefficients",
]

#: The five EQ-5D dimensions in questionnaire order.
DIMENSIONS = ("MO", "SC", "UA", "PD", "AD")


@dataclass(frozen=True)
class ValueSetInfo:
    """Where a value set comes from and how it was checked.

    Attributes
    ----------
    code : str
        Column name in the CSV and the code used in study files (``"KR"``).
    name : str
        Country and instrument, in words.
    reference : str
        The valuation study.
    doi : str
        Its DOI.
    model : str
        The model's form, in words.
    verified : bool
        True when the coefficients reproduce published example states (``verified_against``).
    verified_against : str
        Which example states, from where.
    """

    code: str
    name: str
    reference: str
    doi: str
    model: str
    verified: bool
    verified_against: str


#: Every bundled value set; the CSV must have one column per entry.
VALUE_SETS: dict[str, ValueSetInfo] = {
    "KR": ValueSetInfo(
        code="KR",
        name="South Korea, EQ-5D-5L (Kim et al. 2016)",
        reference=(
            "Kim SH, Ahn J, Ock M, et al. The EQ-5D-5L valuation study in Korea. "
            "Qual Life Res 2016;25(7):1845-52."
        ),
        doi="10.1007/s11136-015-1205-2",
        model=(
            "1 − 0.096 (any dimension above level 1) − level decrements − 0.078 "
            "(any dimension at level 4 or 5, N4)"
        ),
        verified=True,
        verified_against=(
            "11111 → 1, 11211 → 0.883, 12345 → 0.440, 55555 → −0.066 (example states of "
            "the R package eq5d tests); coefficients identical to eq5d's value-set table; "
            "12345 → 0.44, 15555 → 0.185, 25555 → 0.139 in the EuroQol eq5dsuite "
            "value-set table. The paper's full text was not available to check directly."
        ),
    ),
    "US": ValueSetInfo(
        code="US",
        name="United States, EQ-5D-5L (Pickard et al. 2019)",
        reference=(
            "Pickard AS, Law EH, Jiang R, et al. United States valuation of EQ-5D-5L health "
            "states using an international protocol. Value Health 2019;22(8):931-41."
        ),
        doi="10.1016/j.jval.2019.02.009",
        model="1 − level decrements (main effects, no constant)",
        verified=True,
        verified_against=(
            "11111 → 1, 21111 → 0.904, 11112 → 0.943, 21354 → 0.090, 55555 → −0.573 "
            "(R package eq5d tests); coefficients identical to eq5d's value-set table; "
            "12345 → 0.171, 15555 → −0.251, 25555 → −0.347 in the EuroQol eq5dsuite table. "
            "The paper's full text was not available to check directly."
        ),
    ),
    "ENG": ValueSetInfo(
        code="ENG",
        name="England, EQ-5D-5L (Devlin et al. 2018)",
        reference=(
            "Devlin NJ, Shah KK, Feng Y, Mulhern B, van Hout B. Valuing health-related "
            "quality of life: an EQ-5D-5L value set for England. Health Econ 2018;27(1):7-22."
        ),
        doi="10.1002/hec.3564",
        model="1 − level decrements (main effects, no constant)",
        verified=True,
        verified_against=(
            "Published abstract: values range from −0.285 (55555) to 0.950 (11211); "
            "23245 → 0.247, 11112 → 0.922, 21111 → 0.942 (R package eq5d tests); "
            "coefficients identical to eq5d's value-set table. (The abstract also names "
            "21111 as 0.950; the coefficients give 0.942 for 21111 and 0.950 for 11211 "
            "and 12111.)"
        ),
    ),
}


def available_value_sets() -> tuple[str, ...]:
    """Codes of the bundled value sets, in table order.

    Examples
    --------
    >>> available_value_sets()
    ('KR', 'US', 'ENG')
    """
    return tuple(_table()["codes"])


@cache
def _table() -> dict[str, Any]:
    path = resources.files("painresponse") / "data" / "eq5d_value_sets.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = [c for c in rows[0] if c not in ("dimension", "level")]
    sets: dict[str, dict[str, Any]] = {}
    for code in codes:
        decrements = np.zeros((len(DIMENSIONS), 6))  # [dimension, level]; levels 0-1 unused
        constant = n4 = 0.0
        for row in rows:
            value = float(row[code])
            if row["dimension"] == "constant":
                constant = value
            elif row["dimension"] == "N4":
                n4 = value
            else:
                decrements[DIMENSIONS.index(row["dimension"]), int(row["level"])] = value
        sets[code] = {"constant": constant, "n4": n4, "decrements": decrements}
    return {"codes": codes, "sets": sets}


def value_set_coefficients(value_set: str) -> dict[str, float]:
    """The decrements of one value set by term (``"constant"``, ``"N4"``, ``"MO2"``, ...).

    Raises
    ------
    StudyDefinitionError
        When ``value_set`` is not bundled; the message lists the available ones.

    Examples
    --------
    >>> value_set_coefficients("KR")["PD4"]
    0.166
    """
    entry = _lookup(value_set)
    out = {"constant": entry["constant"], "N4": entry["n4"]}
    for d, dim in enumerate(DIMENSIONS):
        for level in range(2, 6):
            out[f"{dim}{level}"] = float(entry["decrements"][d, level])
    return out


def _lookup(value_set: str) -> dict[str, Any]:
    table = _table()
    if value_set not in table["sets"]:
        available = ", ".join(
            f"{c} ({VALUE_SETS[c].name})" if c in VALUE_SETS else c for c in table["codes"]
        )
        raise StudyDefinitionError(
            f"unknown EQ-5D-5L value set {value_set!r}; available: {available}"
        )
    entry: dict[str, Any] = table["sets"][value_set]
    return entry


def _as_levels(levels: ArrayLike) -> NDArray[np.float64]:
    """Levels as an (n, 5) float array (NaN = not recorded); accepts 5-digit states."""
    raw = np.asarray(levels, dtype=object)
    if raw.ndim == 0 or (raw.ndim == 1 and raw.size and isinstance(raw[0], str | np.str_)):
        states = [str(s) for s in np.atleast_1d(raw)]
        problems = [
            Problem(i + 1, "EQ-5D state", s, "a state is five digits, each 1 to 5")
            for i, s in enumerate(states)
            if len(s) != 5 or any(ch not in "12345" for ch in s)
        ]
        if problems:
            raise ValidationError("EQ-5D-5L states", problems)
        return np.array([[float(ch) for ch in s] for s in states])
    if raw.ndim == 1:
        raw = raw.reshape(1, -1)
    if raw.ndim != 2 or raw.shape[1] != len(DIMENSIONS):
        raise ValidationError(
            "EQ-5D-5L levels",
            [Problem(None, None, None, f"levels need 5 columns {DIMENSIONS}, got {raw.shape}")],
        )
    values = np.array(
        [[math.nan if v is None else float(v) for v in row] for row in raw], dtype=float
    )
    present = ~np.isnan(values)
    bad = present & ~np.isin(values, (1.0, 2.0, 3.0, 4.0, 5.0))
    if bad.any():
        problems = [
            Problem(int(i) + 1, DIMENSIONS[int(j)], f"{values[i, j]:g}", "a level is 1 to 5")
            for i, j in zip(*np.nonzero(bad), strict=True)
        ]
        raise ValidationError("EQ-5D-5L levels", problems)
    return values


def incomplete_states(levels: ArrayLike) -> NDArray[np.bool_]:
    """True for each patient with at least one dimension not recorded.

    Examples
    --------
    >>> incomplete_states([[1, 1, 1, 1, 1], [1, None, 1, 1, 1]]).tolist()
    [False, True]
    """
    return np.asarray(np.isnan(_as_levels(levels)).any(axis=1))


def eq5d_index(levels: ArrayLike, value_set: str = "KR") -> NDArray[np.float64]:
    """EQ-5D-5L index values of health states under a published value set.

    Parameters
    ----------
    levels : array_like
        Either an (n, 5) array of levels 1–5 in the order MO, SC, UA, PD, AD (NaN or None
        where a dimension is not recorded), one state of 5 levels, or 5-digit state
        strings such as ``"12345"``.
    value_set : str
        Code of a bundled value set (:func:`available_value_sets`): ``"KR"`` (default),
        ``"US"``, ``"ENG"``.

    Returns
    -------
    numpy.ndarray
        One index value per state; NaN where any dimension is missing (count them with
        :func:`incomplete_states`).

    Raises
    ------
    StudyDefinitionError
        Unknown value set (the message lists the available ones).
    ValidationError
        A level outside 1–5, or the wrong number of dimensions.

    Notes
    -----
    .. math:: \\text{index} = 1 - c\\,[\\max_d L_d > 1] - \\sum_d \\delta_{d, L_d}
              - \\nu\\,[\\max_d L_d \\ge 4]

    with ``c`` the ``constant`` row, ``ν`` the ``N4`` row and ``δ`` the level decrements of
    ``eq5d_value_sets.csv`` (``c = ν = 0`` for main-effects sets such as US and England).
    Values are not rounded (the published tables round to 3 decimals).

    References
    ----------
    Kim SH et al. Qual Life Res 2016;25:1845-52. Pickard AS et al. Value Health
    2019;22:931-41. Devlin NJ et al. Health Econ 2018;27:7-22.

    Examples
    --------
    >>> [round(float(v), 3) for v in eq5d_index(["11111", "12345", "55555"], "KR")]
    [1.0, 0.44, -0.066]
    >>> round(float(eq5d_index("55555", "ENG")[0]), 3)
    -0.285
    """
    entry = _lookup(value_set)
    values = _as_levels(levels)
    missing = np.isnan(values).any(axis=1)
    filled = np.where(np.isnan(values), 1.0, values).astype(int)
    decrements = entry["decrements"]
    total = sum(decrements[d, filled[:, d]] for d in range(len(DIMENSIONS)))
    worst = filled.max(axis=1)
    index = 1.0 - entry["constant"] * (worst > 1) - total - entry["n4"] * (worst >= 4)
    result: NDArray[np.float64] = np.where(missing, np.nan, index).astype(float)
    return result


def level_sum(levels: ArrayLike) -> NDArray[np.float64]:
    """The EQ-5D-5L *level sum score* (5–25) the published study reported as "EQ-5D".

    Higher is worse. It is not an index value: EuroQol advises against adding the digits;
    it is kept to reproduce the paper. NaN where any dimension is missing.

    Examples
    --------
    >>> level_sum([[1, 1, 1, 1, 1], [5, 5, 5, 5, 5], [1, None, 1, 1, 1]]).tolist()
    [5.0, 25.0, nan]
    """
    values = _as_levels(levels)
    out: NDArray[np.float64] = values.sum(axis=1)
    return out
