"""The published figures of the LSGB–FBSS study, read from ``tools/data/lsgb_fbss_published.toml``.

Every number printed in Tables 1–5 (counts, percentages, means, SDs, medians and
interquartile ranges; p-values excluded) becomes one :class:`Figure`, in the order the
paper prints them. The calibration of the default synthetic cohort aims at these figures,
and ``docs/calibration.md`` compares each of them with the cohort.

Groups are ``"all"`` (the paper's "Patients" column, n = 84), ``"responder"`` (n = 41)
and ``"non_responder"`` (n = 43).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "DATA_FILE",
    "GROUPS",
    "TIMES",
    "CategoryRow",
    "Figure",
    "PublishedTables",
    "published_tables",
]

#: The paper's figures as data: the one place they are typed in.
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "lsgb_fbss_published.toml"
GROUPS = ("all", "responder", "non_responder")
TIMES = ("t0", "t1", "t4")
_QUARTILES = ("median", "q1", "q3")


@dataclass(frozen=True)
class Figure:
    """One number printed in the paper.

    Attributes
    ----------
    table : int
        Table number (1–5).
    row : str
        The row as printed, e.g. ``"Sex: Male"`` or ``"Pain (NRS) T1–T0"``.
    group : str
        ``"all"``, ``"responder"`` or ``"non_responder"``.
    statistic : str
        ``count``, ``percent``, ``mean``, ``sd``, ``median``, ``q1`` or ``q3``.
    published : float
        The printed value.
    decimals : int
        Decimals printed.
    variable : str
        Canonical column (categorical and baseline variables) or outcome stem.
    level : str or None
        Category label (categorical figures); for ``block_distance`` one of ``"0"``,
        ``"1"``, ``">=2"``.
    times : tuple of str
        ``("t1",)`` for a level at T1; ``("t4", "t0")`` for the change T4 − T0.
    note : str
        Why the printed value is a misprint, when it is one (empty otherwise).
    """

    table: int
    row: str
    group: str
    statistic: str
    published: float
    decimals: int
    variable: str
    level: str | None = None
    times: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class CategoryRow:
    """One category of a categorical characteristic: its published count in each group.

    Attributes
    ----------
    label : str
        The label as the study file writes it.
    printed : str
        The label as the paper prints it.
    all, responder, non_responder : int
        Published count of the category in each group.
    """

    label: str
    printed: str
    all: int
    responder: int
    non_responder: int


@dataclass(frozen=True)
class PublishedTables:
    """The published study: its patient flow, the characteristics and every figure.

    Attributes
    ----------
    n_assessed : int
        Patients assessed (87).
    n_without_follow_up : int
        Patients without T1/T4 scores (3).
    age_range : tuple of int
        Youngest and oldest age, stated in the text (32, 86).
    group_n : dict
        Patients per group: ``all`` (84 analysed), ``responder``, ``non_responder``.
    categorical : dict
        Column → its categories (:class:`CategoryRow`), in the paper's order.
    mean_sd : dict
        Column of a continuous characteristic → group → (mean, SD).
    figures : tuple of Figure
        Every published figure of Tables 1–5, in the paper's order.
    """

    n_assessed: int
    n_without_follow_up: int
    age_range: tuple[int, int]
    group_n: dict[str, int]
    categorical: dict[str, tuple[CategoryRow, ...]]
    mean_sd: dict[str, dict[str, tuple[float, float]]]
    figures: tuple[Figure, ...]

    @property
    def n_analysed(self) -> int:
        """Patients analysed (with T1 and T4 scores)."""
        return self.group_n["all"]

    def target(
        self, variable: str, group: str, statistic: str, times: tuple[str, ...]
    ) -> float | None:
        """The value to aim at: the first printing of a figure that is not a misprint.

        Parameters
        ----------
        variable : str
            Outcome stem (``"pain"``, ``"eq5d"``, ``"coldness"``).
        group : str
            ``"all"``, ``"responder"`` or ``"non_responder"``.
        statistic : str
            ``mean``, ``sd``, ``median``, ``q1`` or ``q3``.
        times : tuple of str
            ``("t1",)`` for a level, ``("t4", "t0")`` for a change.

        Returns
        -------
        float or None
            None when the paper prints no such figure (or only misprints).

        Examples
        --------
        >>> paper = published_tables()
        >>> paper.target("pain", "responder", "q3", ("t4",))  # printed 7.0 once, 6.0 once
        6.0
        >>> paper.target("pain", "all", "median", ("t4",)) is None  # Table 4 has no pooled column
        True
        """
        wanted = (variable, group, statistic, times)
        for f in self.figures:
            if (f.variable, f.group, f.statistic, f.times) == wanted and not f.note:
                return f.published
        return None


def _categorical(entry: dict[str, Any], name: str, figures: list[Figure]) -> list[CategoryRow]:
    rows = []
    for level in entry["levels"]:
        rows.append(
            CategoryRow(
                level["label"],
                level["printed"],
                *(int(level[group][0]) for group in ("all", "responder", "non_responder")),
            )
        )
        for group in GROUPS:
            count, *percent = level[group]
            common = (entry["table"], f"{name}: {level['printed']}", group)
            figures.append(Figure(*common, "count", count, 0, entry["column"], level["label"]))
            for value in percent:
                figures.append(
                    Figure(*common, "percent", value, 1, entry["column"], level["label"])
                )
    return rows


def _comparison(name: str, outcome: str, group: str, comparison: dict[str, Any]) -> list[Figure]:
    """The quartiles of both times of one Table 4 row ("T1 vs. T0")."""
    first, second = comparison["times"]
    row = f"{name} {first.upper()} vs. {second.upper()}"
    return [
        Figure(4, f"{row}: {time.upper()}", group, stat, value, 1, outcome, times=(time,))
        for time, quartiles in zip(comparison["times"], comparison["quartiles"], strict=True)
        # a quartile the paper leaves out is missing from the end of the list
        for stat, value in zip(_QUARTILES, quartiles, strict=False)
    ]


def _read(data: dict[str, Any]) -> PublishedTables:
    figures: list[Figure] = []
    categorical: dict[str, tuple[CategoryRow, ...]] = {}
    mean_sd: dict[str, dict[str, tuple[float, float]]] = {}
    # Tables 1–3: characteristics
    for entry in data["characteristic"]:
        column, table, name = entry["column"], entry["table"], entry["name"]
        if "levels" in entry:
            categorical[column] = tuple(_categorical(entry, name, figures))
            continue
        mean_sd[column] = {g: (float(m), float(s)) for g, (m, s) in entry["mean_sd"].items()}
        for group in GROUPS:
            mean, sd = mean_sd[column][group]
            figures.append(Figure(table, name, group, "mean", mean, 1, column))
            figures.append(Figure(table, name, group, "sd", sd, 1, column))
    outcomes: dict[str, str] = data["outcomes"]
    # Table 3: outcome means and SDs
    for outcome, by_time in data["table3"].items():
        for time, by_group in by_time.items():
            row = f"{outcomes[outcome]} {time.upper()}"
            for group in GROUPS:
                mean, sd = by_group[group]
                figures.append(Figure(3, row, group, "mean", mean, 1, outcome, times=(time,)))
                figures.append(Figure(3, row, group, "sd", sd, 1, outcome, times=(time,)))
    # Table 4: two times compared within a group, the quartiles of each
    for outcome, by_group in data["table4"].items():
        for group, comparisons in by_group.items():
            for comparison in comparisons:
                figures += _comparison(outcomes[outcome], outcome, group, comparison)
    # Table 5: quartiles of the changes later − earlier
    for outcome, by_pair in data["table5"].items():
        for pair, by_group in by_pair.items():
            later, earlier = pair.split("-")
            row = f"{outcomes[outcome]} {later.upper()}–{earlier.upper()}"
            for group in GROUPS:
                for stat, value in zip(_QUARTILES, by_group[group], strict=True):
                    figures.append(
                        Figure(5, row, group, stat, value, 1, outcome, times=(later, earlier))
                    )
    return PublishedTables(
        n_assessed=data["flow"]["assessed"],
        n_without_follow_up=data["flow"]["without_follow_up"],
        age_range=(data["flow"]["age_range"][0], data["flow"]["age_range"][1]),
        group_n=dict(data["groups"]),
        categorical=categorical,
        mean_sd=mean_sd,
        figures=tuple(_with_notes(figures, data["misprint"])),
    )


def _with_notes(figures: list[Figure], misprints: list[dict[str, Any]]) -> list[Figure]:
    """Attach each misprint's note to the one figure it names (an error if none or several)."""
    notes = {(m["table"], m["row"], m["group"], m["statistic"]): m["note"] for m in misprints}
    named = Counter(
        key for f in figures if (key := (f.table, f.row, f.group, f.statistic)) in notes
    )
    if wrong := sorted(key for key in notes if named[key] != 1):
        raise ValueError(f"misprints that do not name exactly one published figure: {wrong}")
    return [replace(f, note=notes.get((f.table, f.row, f.group, f.statistic), "")) for f in figures]


@lru_cache(maxsize=1)
def published_tables(path: Path = DATA_FILE) -> PublishedTables:
    """Read the published figures of Tables 1–5.

    Parameters
    ----------
    path : Path, default DATA_FILE
        The TOML file of the published figures.

    Returns
    -------
    PublishedTables
        The flow, the characteristics and every figure (p-values excluded), in the order
        the paper prints them.

    Examples
    --------
    >>> paper = published_tables()
    >>> paper.n_assessed, paper.group_n["responder"], len(paper.figures)
    (87, 41, 443)
    >>> sorted({f.table for f in paper.figures})
    [1, 2, 3, 4, 5]
    >>> [f.published for f in paper.figures if f.variable == "age"]
    [67.2, 10.2, 65.8, 11.3, 68.5, 9.0]
    """
    with path.open("rb") as handle:
        return _read(tomllib.load(handle))
