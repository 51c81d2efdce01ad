"""EQ-5D-5L index values from published value sets, and the level sum score.

EuroQol asks that the five EQ-5D digits not be added; a health state's *index value* comes
from a country's value set. The published LSGB study summed the levels (5–25); that sum is
kept here under its own name, :func:`level_sum`, so it is never mistaken for an index.

The value sets are data, not code (``painresponse/data/``):

* ``eq5d_value_sets.csv`` — one row per (``code``, ``term``, ``coefficient``); the terms are
  listed in :data:`TERMS` and the index is ``start`` plus every coefficient whose term applies
  (coefficients are signed: a decrement is negative);
* ``eq5d_value_set_info.csv`` — one row per value set: ``code``, ``country``, ``year``,
  ``doi``, ``model`` (the terms in words) and ``reference``.

Adding a country is adding its rows to both files; ``docs/eq5d.md`` lists every set with
the check it passed.

Examples
--------
>>> float(eq5d_index([1, 2, 3, 4, 5], "KR")[0])
0.44
>>> [round(float(v), 3) for v in eq5d_index(["11111", "55555"], "US")]
[1.0, -0.573]
>>> round(float(eq5d_index(55555, "CA")[0]), 3)
-0.148
>>> level_sum([[1, 2, 3, 4, 5]]).tolist()
[15.0]
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import Problem, StudyDefinitionError, ValidationError

__all__ = [
    "DIMENSIONS",
    "TERMS",
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

#: Every term a value set may use, with when it applies (``L_d`` is the level of dimension d).
TERMS: Mapping[str, str] = MappingProxyType(
    {
        "start": "always (1 for most sets; Canada 1.1351, Sweden 2020 0.9755)",
        **{f"{d}{lv}": f"{d} at level {lv}" for d in DIMENSIONS for lv in range(1, 6)},
        **{f"{d}45": f"{d} at level 4 or 5" for d in DIMENSIONS},
        "any_above_1": "any dimension above level 1 (the constant of most TTO models)",
        "n45_squared": "(number of dimensions at level 4 or 5, minus 1) squared, if any",
        "any_4_or_5": "any dimension at level 4 or 5 (N4), applied once",
        "any_5": "any dimension at level 5 (N5), applied once",
    }
)


@dataclass(frozen=True)
class ValueSetInfo:
    """One bundled EQ-5D-5L value set: where it comes from and its model.

    Attributes
    ----------
    code : str
        The code used in study files and :func:`eq5d_index` (``"KR"``, ``"ENG"``, ``"UK"``).
    country : str
        Country (and variant, e.g. ``"Japan (DCE)"``).
    year : int
        Year of publication.
    doi : str
        DOI of the valuation study.
    reference : str
        The valuation study.
    model : str
        The model's terms, in words (see :data:`TERMS`).
    """

    code: str
    country: str
    year: int
    doi: str
    reference: str
    model: str

    @property
    def name(self) -> str:
        """Country, instrument and year in words, e.g. ``"South Korea, EQ-5D-5L (2016)"``."""
        return f"{self.country}, EQ-5D-5L ({self.year})"

    def to_dict(self) -> dict[str, object]:
        """The fields as a plain dictionary."""
        return asdict(self)


@cache
def _info() -> Mapping[str, ValueSetInfo]:
    path = resources.files("painresponse") / "data" / "eq5d_value_set_info.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return MappingProxyType(
        {
            row["code"]: ValueSetInfo(
                row["code"],
                row["country"],
                int(row["year"]),
                row["doi"],
                row["reference"],
                row["model"],
            )
            for row in rows
        }
    )


@cache
def _coefficients() -> Mapping[str, Mapping[str, float]]:
    path = resources.files("painresponse") / "data" / "eq5d_value_sets.csv"
    sets: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["term"] not in TERMS:
                raise StudyDefinitionError(  # a broken data file, reported rather than ignored
                    f"eq5d_value_sets.csv: unknown term {row['term']!r} in {row['code']}"
                )
            sets.setdefault(row["code"], {})[row["term"]] = float(row["coefficient"])
    return MappingProxyType({code: MappingProxyType(terms) for code, terms in sets.items()})


class _ValueSets(Mapping[str, ValueSetInfo]):
    """Read-only mapping code → :class:`ValueSetInfo`, read from the data file on first use."""

    def __getitem__(self, code: str) -> ValueSetInfo:
        return _info()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(_info())

    def __len__(self) -> int:
        return len(_info())

    def __repr__(self) -> str:
        return f"VALUE_SETS({', '.join(self)})"


#: Every bundled value set, code → :class:`ValueSetInfo`, in code order.
VALUE_SETS: Mapping[str, ValueSetInfo] = _ValueSets()


def available_value_sets() -> Mapping[str, ValueSetInfo]:
    """The bundled EQ-5D-5L value sets: a read-only mapping code → :class:`ValueSetInfo`.

    Iterating gives the codes; ``code in available_value_sets()`` tests membership; each
    entry has ``code``, ``country``, ``year``, ``doi``, ``reference`` and ``model``.

    Examples
    --------
    >>> sets = available_value_sets()
    >>> "KR" in sets, "UK" in sets, "XX" in sets
    (True, True, False)
    >>> sets["UK"].doi
    '10.1016/j.jval.2026.03.008'
    >>> sets["ENG"].country, sets["ENG"].year
    ('England', 2018)
    """
    return VALUE_SETS


def _check_code(value_set: object) -> str:
    codes = list(_info())
    if isinstance(value_set, str) and value_set in _coefficients():
        return value_set
    text = str(value_set)
    by_country = [c for c, i in _info().items() if i.country.lower() == text.lower()]
    hint = difflib.get_close_matches(text.upper(), codes, n=3, cutoff=0.5) + by_country
    did_you_mean = f" (did you mean {', '.join(dict.fromkeys(hint))}?)" if hint else ""
    raise StudyDefinitionError(
        f"unknown EQ-5D-5L value set {value_set!r}{did_you_mean}; available: {', '.join(codes)}"
    )


def value_set_coefficients(value_set: str) -> dict[str, float]:
    """The coefficients of one value set by term (signed; see :data:`TERMS`).

    Raises
    ------
    StudyDefinitionError
        When ``value_set`` is not bundled; the message lists the available ones.

    Examples
    --------
    >>> value_set_coefficients("KR")["PD4"]
    -0.166
    >>> value_set_coefficients("CA")["n45_squared"]
    0.0085
    """
    return dict(_coefficients()[_check_code(value_set)])


@cache
def _design(value_set: str) -> tuple[NDArray[np.float64], NDArray[np.float64], dict[str, float]]:
    """Level coefficients [dimension, level 0–5], level-4/5 coefficients, and the rest."""
    terms = _coefficients()[value_set]
    by_level = np.zeros((len(DIMENSIONS), 6))
    by_45 = np.zeros(len(DIMENSIONS))
    for d, dim in enumerate(DIMENSIONS):
        for level in range(1, 6):
            by_level[d, level] = terms.get(f"{dim}{level}", 0.0)
        by_45[d] = terms.get(f"{dim}45", 0.0)
    scalars = {t: terms.get(t, 0.0) for t in ("any_above_1", "n45_squared", "any_4_or_5", "any_5")}
    scalars["start"] = terms.get("start", 1.0)
    return by_level, by_45, scalars


def _bad_state(row: int, state: str) -> Problem:
    return Problem(row, "EQ-5D state", state, "a state is five digits, each 1 to 5")


def _states_to_levels(states: list[str]) -> NDArray[np.float64]:
    problems = [
        _bad_state(i + 1, s)
        for i, s in enumerate(states)
        if len(s) != 5 or any(ch not in "12345" for ch in s)
    ]
    if problems:
        raise ValidationError("EQ-5D-5L states", problems)
    return np.array([[float(ch) for ch in s] for s in states]).reshape(-1, len(DIMENSIONS))


def _as_levels(levels: ArrayLike) -> NDArray[np.float64]:
    """Levels as an (n, 5) float array (NaN = not recorded); accepts five-digit states."""
    try:
        raw = np.asarray(levels, dtype=object)
    except ValueError as exc:  # ragged nested lists
        raise ValidationError("EQ-5D-5L levels", [Problem(None, None, None, str(exc))]) from None
    flat = raw.reshape(-1)
    if raw.ndim <= 1 and flat.size and all(isinstance(v, str | np.str_) for v in flat):
        return _states_to_levels([str(s).strip() for s in flat])
    numeric = [v for v in flat if isinstance(v, int | float | np.integer | np.floating)]
    if raw.ndim <= 1 and flat.size and len(numeric) == flat.size and min(flat) >= 11111:
        # whole numbers such as 12345: five-digit state codes
        return _states_to_levels([f"{v:g}" if float(v).is_integer() else str(v) for v in flat])
    if raw.ndim == 1:
        raw = raw.reshape(1, -1)
    if raw.ndim != 2 or raw.shape[1] != len(DIMENSIONS):
        raise ValidationError(
            "EQ-5D-5L levels",
            [Problem(None, None, None, f"levels need 5 columns {DIMENSIONS}, got {raw.shape}")],
        )
    problems: list[Problem] = []
    values = np.full(raw.shape, math.nan)
    for i, row in enumerate(raw):
        for j, v in enumerate(row):
            try:
                values[i, j] = math.nan if v is None else float(v)
            except (TypeError, ValueError):
                problems.append(Problem(i + 1, DIMENSIONS[j], str(v), "a level is 1 to 5"))
    present = ~np.isnan(values)
    bad = present & ~np.isin(values, (1.0, 2.0, 3.0, 4.0, 5.0))
    problems += [
        Problem(int(i) + 1, DIMENSIONS[int(j)], f"{values[i, j]:g}", "a level is 1 to 5")
        for i, j in zip(*np.nonzero(bad), strict=True)
    ]
    if problems:
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
        Any of: an (n, 5) array of levels 1–5 in the order MO, SC, UA, PD, AD (NaN or None
        where a dimension is not recorded); one state of 5 levels; five-digit states as
        strings (``"12345"``) or whole numbers (``12345``), one or many.
    value_set : str
        Code of a bundled value set (:func:`available_value_sets`), e.g. ``"KR"``
        (default), ``"US"``, ``"ENG"`` (England 2018), ``"UK"`` (United Kingdom 2026).

    Returns
    -------
    numpy.ndarray
        One index value per state (float, not rounded); NaN where any dimension is
        missing (count them with :func:`incomplete_states`).

    Raises
    ------
    StudyDefinitionError
        Unknown value set (the message suggests close codes and lists the available ones).
    ValidationError
        A level outside 1–5, a state that is not five digits 1–5, or not five dimensions.

    Notes
    -----
    With :math:`L_d` the level of dimension :math:`d` and :math:`n_{45}` the number of
    dimensions at level 4 or 5:

    .. math:: \\text{index} = s + \\sum_d \\beta_{d, L_d} + \\gamma\\,[\\max_d L_d > 1]
              + \\sum_d \\delta_d [L_d \\ge 4] + \\theta\\,(n_{45} - 1)^2 [n_{45} \\ge 1]
              + \\nu_4 [\\max_d L_d \\ge 4] + \\nu_5 [\\max_d L_d = 5]

    with :math:`s` the ``start`` term and every other coefficient a term of
    ``eq5d_value_sets.csv`` (absent terms are 0). Most sets are main effects only
    (US, England, UK); Korea adds :math:`\\gamma` and :math:`\\nu_4`; Canada has level-1
    terms, :math:`s = 1.1351`, :math:`\\delta_d` and :math:`\\theta`; Australia adds
    :math:`\\nu_5`. Published tables round to 3 decimals.

    References
    ----------
    Each set's valuation study: ``available_value_sets()[code].reference`` and ``.doi``;
    ``docs/eq5d.md`` lists them with the check each passed.

    Examples
    --------
    >>> [round(float(v), 3) for v in eq5d_index(["11111", "12345", "55555"], "KR")]
    [1.0, 0.44, -0.066]
    >>> round(float(eq5d_index("55555", "ENG")[0]), 3)
    -0.285
    >>> [round(float(v), 3) for v in eq5d_index([11111, 23145, 55555], "CA")]
    [0.949, 0.275, -0.148]
    """
    code = _check_code(value_set)
    values = _as_levels(levels)
    missing = np.isnan(values).any(axis=1)
    filled = np.where(np.isnan(values), 1.0, values).astype(int)
    by_level, by_45, s = _design(code)
    dims = np.arange(len(DIMENSIONS))
    main = by_level[dims, filled].sum(axis=1)
    at45 = filled >= 4
    n45 = at45.sum(axis=1)
    worst = filled.max(axis=1)
    index = (
        s["start"]
        + main
        + (at45 * by_45).sum(axis=1)
        + s["any_above_1"] * (worst > 1)
        + s["n45_squared"] * np.where(n45 >= 1, (n45 - 1) ** 2, 0)
        + s["any_4_or_5"] * (worst >= 4)
        + s["any_5"] * (worst == 5)
    )
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
