"""EQ-5D-5L states valued on a country's EQ-5D-3L value set: the EuroQol crosswalk.

Sites whose HTA body still asks for EQ-5D-3L values can score EQ-5D-5L answers with the
crosswalk of van Hout et al. (2012): each 5L state is valued as the expected 3L value of
the 3L states a respondent in that 5L state would report, weighted by response
probabilities estimated once for all countries, so a country's crosswalk inherits its 3L
value set (11111 is 1, or 0.9 for Zimbabwe; 55555 is the 3L value of 33333).

The crosswalk is published as a table, shipped here as data:
``painresponse/data/eq5d_crosswalk.csv`` has one row per 5L state (all 3125, in
``11111`` … ``55555`` order) and one column per country code. The values are the
published ones (3 decimals); ``docs/eq5d.md`` (*EQ-5D-5L → 3L crosswalk*) records where
the table comes from and how every column was checked.

Examples
--------
>>> [round(float(v), 3) for v in eq5d_crosswalk_index(["11111", "12345", "55555"], "UK")]
[1.0, 0.063, -0.594]
>>> sorted(available_crosswalks())[:4]
['BM', 'DE', 'DK', 'ES']
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from itertools import product
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.eq5d import DIMENSIONS, _as_levels
from painresponse.errors import StudyDefinitionError

__all__ = [
    "CROSSWALKS",
    "CROSSWALK_DOI",
    "CROSSWALK_REFERENCE",
    "CrosswalkInfo",
    "available_crosswalks",
    "eq5d_crosswalk_index",
]

#: The crosswalk study (the response-probability model shared by every country).
CROSSWALK_REFERENCE = (
    "van Hout B, Janssen MF, Feng YS, Kohlmann T, Busschbach J, Golicki D, Lloyd A, "
    "Scalone L, Kind P, Pickard AS. Interim scoring for the EQ-5D-5L: mapping the "
    "EQ-5D-5L to EQ-5D-3L value sets. Value Health 2012;15(5):708-715."
)
#: DOI of :data:`CROSSWALK_REFERENCE`.
CROSSWALK_DOI = "10.1016/j.jval.2012.02.008"

_TABLE_SOURCE = "table: R package eq5d (fragla/eq5d), data-raw/CW.csv"


@dataclass(frozen=True)
class CrosswalkInfo:
    """One bundled crosswalk: the country, its EQ-5D-3L value set and the references.

    Attributes
    ----------
    code : str
        The code used in :func:`eq5d_crosswalk_index` (``"UK"``, ``"US"``, ``"DK"``, ...).
        These are crosswalk codes: ``"UK"`` here is the 3L set of Dolan (1997), not the
        EQ-5D-5L value set ``"UK"`` of :func:`painresponse.eq5d.eq5d_index`.
    country : str
        Country whose EQ-5D-3L value set the 5L states are valued on.
    reference : str
        The crosswalk: van Hout et al. (2012) and, for the sets added later, where the
        published table comes from.
    doi : str
        DOI of the crosswalk study.
    value_set_3l : str
        The EQ-5D-3L valuation study behind the country's column.
    value_set_3l_doi : str
        DOI of that valuation study.
    """

    code: str
    country: str
    reference: str
    doi: str
    value_set_3l: str
    value_set_3l_doi: str

    def to_dict(self) -> dict[str, object]:
        """The fields as a plain dictionary."""
        return asdict(self)


def _van_hout(code: str, country: str, value_set: str, doi: str) -> CrosswalkInfo:
    return CrosswalkInfo(
        code, country, f"{CROSSWALK_REFERENCE} ({_TABLE_SOURCE})", CROSSWALK_DOI, value_set, doi
    )


def _later(code: str, country: str, value_set: str, doi: str) -> CrosswalkInfo:
    # not in van Hout's paper: its mapping applied to a later 3L value set
    reference = (
        f"Mapping of {CROSSWALK_REFERENCE} applied to the {country} EQ-5D-3L value set "
        f"(doi:{doi}); {_TABLE_SOURCE}"
    )
    return CrosswalkInfo(code, country, reference, CROSSWALK_DOI, value_set, doi)


_INFO: Mapping[str, CrosswalkInfo] = MappingProxyType(
    {
        info.code: info
        for info in (
            _later(
                "BM",
                "Bermuda",
                "EQ-5D-3L value set for Bermuda. Eur J Health Econ 2024.",
                "10.1007/s10198-024-01701-2",
            ),
            _van_hout(
                "DE",
                "Germany",
                "Greiner W, Claes C, Busschbach JJV, von der Schulenburg JMG. Validating the "
                "EQ-5D with time trade off for the German population. Eur J Health Econ "
                "2005;6(2):124-130.",
                "10.1007/s10198-004-0264-z",
            ),
            _van_hout(
                "DK",
                "Denmark",
                "Wittrup-Jensen KU, Lauridsen J, Gudex C, Pedersen KM. Generation of a Danish "
                "TTO value set for EQ-5D health states. Scand J Public Health "
                "2009;37(5):459-466.",
                "10.1177/1403494809105287",
            ),
            _van_hout(
                "ES",
                "Spain",
                "Badia X, Roset M, Herdman M, Kind P. A comparison of United Kingdom and "
                "Spanish general population time trade-off values for EQ-5D health states. "
                "Med Decis Making 2001;21(1):7-16.",
                "10.1177/0272989X0102100102",
            ),
            _van_hout(
                "FR",
                "France",
                "Chevalier J, de Pouvourville G. Valuing EQ-5D using time trade-off in "
                "France. Eur J Health Econ 2013;14(1):57-66.",
                "10.1007/s10198-011-0351-x",
            ),
            _van_hout(
                "JP",
                "Japan",
                "Tsuchiya A, Ikeda S, Ikegami N, et al. Estimating an EQ-5D population value "
                "set: the case of Japan. Health Econ 2002;11(4):341-353.",
                "10.1002/hec.673",
            ),
            _van_hout(
                "NL",
                "Netherlands",
                "Lamers LM, McDonnell J, Stalmeier PFM, Krabbe PFM, Busschbach JJV. The Dutch "
                "tariff: results and arguments for an effective design for national EQ-5D "
                "valuation studies. Health Econ 2006;15(10):1121-1132.",
                "10.1002/hec.1124",
            ),
            _later(
                "RU",
                "Russia",
                "Omelyanovskiy V, Musina N, Ratushnyak S, et al. Valuation of the EQ-5D-3L in "
                "Russia. Qual Life Res 2021;30(7):1997-2007.",
                "10.1007/s11136-021-02804-6",
            ),
            _van_hout(
                "TH",
                "Thailand",
                "Tongsiri S, Cairns J. Estimating population-based values for EQ-5D health "
                "states in Thailand. Value Health 2011;14(8):1142-1145.",
                "10.1016/j.jval.2011.06.005",
            ),
            _van_hout(
                "UK",
                "United Kingdom",
                "Dolan P. Modeling valuations for EuroQol health states. Med Care "
                "1997;35(11):1095-1108.",
                "10.1097/00005650-199711000-00002",
            ),
            _van_hout(
                "US",
                "United States",
                "Shaw JW, Johnson JA, Coons SJ. US valuation of the EQ-5D health states: "
                "development and testing of the D1 valuation model. Med Care "
                "2005;43(3):203-220.",
                "10.1097/00005650-200503000-00003",
            ),
            _van_hout(
                "ZW",
                "Zimbabwe",
                "Jelsma J, Hansen K, De Weerdt W, De Cock P, Kind P. How do Zimbabweans value "
                "health states? Popul Health Metr 2003;1:11.",
                "10.1186/1478-7954-1-11",
            ),
        )
    }
)

_STATES = tuple("".join(s) for s in product("12345", repeat=len(DIMENSIONS)))
#: Row of state (L_1 … L_5) in the table: sum of (L_d - 1) * 5^(4 - d).
_PLACE = 5 ** np.arange(len(DIMENSIONS) - 1, -1, -1)


@cache
def _table() -> Mapping[str, NDArray[np.float64]]:
    """Column per code, 3125 values in state order; a broken data file is reported."""
    path = resources.files("painresponse") / "data" / "eq5d_crosswalk.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    codes = header[1:]
    problems = []
    if header[0] != "state" or sorted(codes) != sorted(_INFO):
        problems.append(f"columns {header} do not match the crosswalk codes {sorted(_INFO)}")
    if [row[0] for row in body] != list(_STATES):
        problems.append(f"{len(body)} rows, not the 3125 states 11111 … 55555 in order")
    if problems:
        raise StudyDefinitionError("eq5d_crosswalk.csv: " + "; ".join(problems))
    values = np.array([[float(v) for v in row[1:]] for row in body])
    return MappingProxyType({code: values[:, j].copy() for j, code in enumerate(codes)})


class _Crosswalks(Mapping[str, CrosswalkInfo]):
    """Read-only mapping code → :class:`CrosswalkInfo`, in code order."""

    def __getitem__(self, code: str) -> CrosswalkInfo:
        return _INFO[code]

    def __iter__(self) -> Iterator[str]:
        return iter(_INFO)

    def __len__(self) -> int:
        return len(_INFO)

    def __repr__(self) -> str:
        return f"CROSSWALKS({', '.join(self)})"


#: Every bundled crosswalk, code → :class:`CrosswalkInfo`.
CROSSWALKS: Mapping[str, CrosswalkInfo] = _Crosswalks()


def available_crosswalks() -> Mapping[str, CrosswalkInfo]:
    """The bundled EQ-5D-5L → 3L crosswalks: a read-only mapping code → :class:`CrosswalkInfo`.

    Iterating gives the codes; each entry has ``code``, ``country``, ``reference``,
    ``doi``, ``value_set_3l`` and ``value_set_3l_doi``.

    Examples
    --------
    >>> crosswalks = available_crosswalks()
    >>> len(crosswalks), "US" in crosswalks, "XX" in crosswalks
    (12, True, False)
    >>> crosswalks["DK"].country, crosswalks["DK"].doi
    ('Denmark', '10.1016/j.jval.2012.02.008')
    """
    return CROSSWALKS


def _check_code(country: object) -> str:
    if isinstance(country, str) and country in _INFO:
        return country
    text = str(country)
    codes = list(_INFO)
    by_country = [c for c, i in _INFO.items() if i.country.lower() == text.lower()]
    hint = difflib.get_close_matches(text.upper(), codes, n=3, cutoff=0.5) + by_country
    did_you_mean = f" (did you mean {', '.join(dict.fromkeys(hint))}?)" if hint else ""
    raise StudyDefinitionError(
        f"no EQ-5D-5L to 3L crosswalk for {country!r}{did_you_mean}; available: {', '.join(codes)}"
    )


def eq5d_crosswalk_index(levels: ArrayLike, country: str) -> NDArray[np.float64]:
    """EQ-5D-3L index values of EQ-5D-5L states by the van Hout (2012) crosswalk.

    Parameters
    ----------
    levels : array_like
        EQ-5D-5L answers, as for :func:`painresponse.eq5d.eq5d_index`: an (n, 5) array of
        levels 1–5 in the order MO, SC, UA, PD, AD (NaN or None where a dimension is not
        recorded); one state of 5 levels; five-digit states as strings (``"12345"``) or
        whole numbers (``12345``), one or many.
    country : str
        Code of a bundled crosswalk (:func:`available_crosswalks`), e.g. ``"UK"`` (the 3L
        set of Dolan 1997), ``"US"``, ``"DK"``.

    Returns
    -------
    numpy.ndarray
        One value per state, from the published table (3 decimals); NaN where any
        dimension is missing.

    Raises
    ------
    StudyDefinitionError
        No crosswalk for ``country``; the message suggests close codes and lists all.
    ValidationError
        A level outside 1–5, a state that is not five digits 1–5, or not five dimensions.

    Notes
    -----
    With :math:`P_d(k \\mid l)` the probability of answering level :math:`k` of the 3L
    dimension :math:`d` when at level :math:`l` of the 5L one, and :math:`V_c` country
    :math:`c`'s EQ-5D-3L value set,

    .. math:: \\text{index}_c(l_1, \\dots, l_5) = \\sum_{k \\in \\{1,2,3\\}^5}
              V_c(k) \\prod_{d=1}^{5} P_d(k_d \\mid l_d)

    5L levels 1 and 5 map to 3L levels 1 and 3, level 3 to level 2, and levels 2 and 4
    are mixtures; the values are looked up in the published table, not recomputed.

    References
    ----------
    van Hout B, Janssen MF, Feng YS, et al. Interim scoring for the EQ-5D-5L: mapping the
    EQ-5D-5L to EQ-5D-3L value sets. Value Health 2012;15(5):708-715.
    doi:10.1016/j.jval.2012.02.008. Each country's 3L value set:
    ``available_crosswalks()[code].value_set_3l``.

    Examples
    --------
    >>> [round(float(v), 3) for v in eq5d_crosswalk_index([11111, 32123, 55555], "DK")]
    [1.0, 0.663, -0.624]
    >>> eq5d_crosswalk_index([[1, 1, 1, 1, 1], [1, None, 1, 1, 1]], "ZW").tolist()
    [0.9, nan]
    """
    code = _check_code(country)
    values = _as_levels(levels)
    missing = np.isnan(values).any(axis=1)
    filled = np.where(np.isnan(values), 1.0, values).astype(int)
    rows = ((filled - 1) * _PLACE).sum(axis=1)
    result: NDArray[np.float64] = np.where(missing, np.nan, _table()[code][rows]).astype(float)
    return result
