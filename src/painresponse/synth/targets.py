"""The published figures of the LSGB–FBSS study (Tables 1–5), kept as data.

Every number printed in Tables 1–5 (counts, percentages, means, SDs, medians and
interquartile ranges; p-values excluded) is one :class:`Figure`. The calibration of the
default synthetic cohort aims at these figures, and ``docs/calibration.md`` compares
each of them with the synthetic cohort.

Groups are ``"all"`` (the paper's "Patients" column, n = 84), ``"responder"``
(n = 41) and ``"non_responder"`` (n = 43).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CATEGORICAL",
    "CONTINUOUS",
    "GROUPS",
    "GROUP_N",
    "N_ANALYSED",
    "N_ASSESSED",
    "N_EXCLUDED",
    "OUTCOMES",
    "TIMES",
    "CategoryRow",
    "Figure",
    "published_figures",
]

N_ASSESSED = 87
N_EXCLUDED = 3
N_ANALYSED = 84
GROUPS = ("all", "responder", "non_responder")
GROUP_N = {"all": 84, "responder": 41, "non_responder": 43}
TIMES = ("t0", "t1", "t4")
#: Outcome stems: pain NRS, the EQ-5D-5L sum (5–25), coldness NRS.
OUTCOMES = ("pain", "eq5d", "coldness")
OUTCOME_NAMES = {"pain": "Pain (NRS)", "eq5d": "EQ-5D", "coldness": "Coldness of legs (NRS)"}


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
    """One category row: (count, percent) for all, responders and non-responders."""

    label: str
    printed: str
    all: tuple[int, float | None]
    responder: tuple[int, float | None]
    non_responder: tuple[int, float | None]


def _rows(*rows: tuple[str, str, int, float, int, float, int, float]) -> list[CategoryRow]:
    return [
        CategoryRow(lab, pr, (a, ap), (r, rp), (n, np_)) for lab, pr, a, ap, r, rp, n, np_ in rows
    ]


#: column -> (table, printed variable name, rows). Labels are the canonical labels.
CATEGORICAL: dict[str, tuple[int, str, list[CategoryRow]]] = {
    "sex": (
        1,
        "Sex",
        _rows(
            ("Male", "Male", 36, 42.9, 17, 41.5, 19, 44.2),
            ("Female", "Female", 48, 57.1, 24, 58.5, 24, 55.8),
        ),
    ),
    "diagnosis": (
        1,
        "Diagnosis",
        _rows(
            ("Spinal stenosis", "Spinal stenosis", 65, 77.4, 32, 78.1, 33, 75.7),
            ("HNP", "HNP", 19, 22.6, 9, 22.0, 10, 23.3),
        ),
    ),
    "pain_duration": (
        1,
        "Duration of pain (y)",
        _rows(
            ("<1", "<1", 2, 2.4, 1, 2.4, 1, 2.3),
            ("1-2", "1–2", 7, 8.3, 3, 7.3, 4, 9.3),
            (">2", ">2", 75, 89.3, 37, 90.2, 38, 88.4),
        ),
    ),
    "lesion_level": (
        1,
        "Lumbar lesion level",
        _rows(
            ("L2-3", "2-3", 11, 13.1, 5, 12.2, 6, 14.0),
            ("L3-4", "L3-4", 26, 31.0, 13, 31.7, 13, 30.2),
            ("L4-5", "L4-5", 31, 36.9, 19, 46.3, 12, 27.9),
            ("L5-S1", "L5-S1", 16, 19.1, 4, 9.8, 12, 27.9),
        ),
    ),
    "lesion_severity": (
        1,
        "Lesion severity",
        _rows(
            ("Mild", "Mild", 21, 25.0, 9, 22.0, 12, 27.9),
            ("Moderate", "Moderate", 39, 46.4, 19, 46.3, 20, 46.5),
            ("Severe", "Severe", 24, 28.6, 13, 31.7, 11, 25.6),
        ),
    ),
    "surgery_type": (
        2,
        "Surgery type",
        _rows(
            ("PLIF", "PLIF", 44, 52.4, 21, 51.2, 23, 53.5),
            ("Laminectomy", "Laminectomy", 32, 38.1, 16, 39.0, 16, 37.2),
            ("Discectomy", "Discectomy", 8, 9.5, 4, 9.8, 4, 9.3),
        ),
    ),
    "time_since_surgery": (
        2,
        "Time after spinal surgery",
        _rows(
            ("<=2", "≤2 year", 25, 29.8, 14, 34.1, 11, 25.6),
            (">2", ">2 year", 59, 70.2, 27, 65.9, 32, 74.4),
        ),
    ),
    "surgery_range": (
        2,
        "Surgery range (level)",
        _rows(
            ("1", "1", 53, 63.1, 26, 63.4, 27, 62.8),
            ("2", "2", 23, 27.4, 8, 19.5, 15, 34.9),
            ("3", "3", 4, 4.8, 4, 9.8, 0, 0.0),
            ("4", "4", 4, 4.8, 3, 7.3, 1, 2.3),
        ),
    ),
    "block_levels": (
        3,
        "Block level",
        _rows(
            ("1", "1 level", 51, 60.7, 22, 53.7, 29, 67.4),
            ("2", "2 level", 22, 26.2, 13, 31.7, 9, 20.9),
            ("3", "3 level", 11, 13.1, 6, 16.6, 5, 11.6),
        ),
    ),
    "block_side": (
        3,
        "Block side",
        [
            CategoryRow("Left", "Left", (21, None), (12, None), (9, None)),
            CategoryRow("Right", "Right", (20, None), (13, None), (7, None)),
            CategoryRow("Both", "Both", (43, None), (16, None), (27, None)),
        ],
    ),
    "block_distance": (
        3,
        "Block level distance from surgery",
        _rows(
            ("0", "0 level", 50, 59.5, 23, 56.1, 27, 62.8),
            ("1", "1 level", 28, 33.3, 2, 4.9, 4, 9.3),
            (">=2", "≥2 level", 6, 7.1, 16, 39.0, 12, 27.9),
        ),
    ),
}

_SWAP_NOTE = (
    "the Patients column swaps the 1-level and ≥2-level rows: the group counts give "
    "{a} + {b} = {c} ({pct}), not the printed {printed}"
)
#: Hand-checked misprints the arithmetic check of percentages cannot see.
KNOWN_MISPRINTS: dict[tuple[str, str, str, str], str] = {
    ("block_distance", "1", "all", "count"): _SWAP_NOTE.format(
        a=2, b=4, c=6, pct="7.1%", printed="28"
    ),
    ("block_distance", "1", "all", "percent"): _SWAP_NOTE.format(
        a=2, b=4, c=6, pct="7.1%", printed="33.3%"
    ),
    ("block_distance", ">=2", "all", "count"): _SWAP_NOTE.format(
        a=16, b=12, c=28, pct="33.3%", printed="6"
    ),
    ("block_distance", ">=2", "all", "percent"): _SWAP_NOTE.format(
        a=16, b=12, c=28, pct="33.3%", printed="7.1%"
    ),
}

#: variable -> ((all mean, sd), (responder mean, sd), (non-responder mean, sd)), table, label.
CONTINUOUS: dict[str, tuple[int, str, dict[str, tuple[float, float]]]] = {
    "age": (
        1,
        "Age (years)",
        {"all": (67.2, 10.2), "responder": (65.8, 11.3), "non_responder": (68.5, 9.0)},
    ),
    "bmi": (
        1,
        "Body mass index (kg/m2)",
        {"all": (24.3, 2.7), "responder": (24.5, 2.6), "non_responder": (24.2, 2.9)},
    ),
    "n_surgeries": (
        2,
        "Number of spinal surgeries",
        {"all": (1.5, 0.7), "responder": (1.4, 0.7), "non_responder": (1.5, 0.7)},
    ),
}

#: Table 3: outcome -> time -> group -> (mean, sd).
TABLE3: dict[str, dict[str, dict[str, tuple[float, float]]]] = {
    "pain": {
        "t0": {"all": (7.0, 2.0), "responder": (7.2, 1.7), "non_responder": (6.7, 2.2)},
        "t1": {"all": (6.1, 2.3), "responder": (4.9, 2.0), "non_responder": (7.3, 2.1)},
        "t4": {"all": (6.3, 2.1), "responder": (5.4, 1.8), "non_responder": (7.2, 2.1)},
    },
    "eq5d": {
        "t0": {"all": (14.6, 4.0), "responder": (14.4, 4.2), "non_responder": (14.7, 3.9)},
        "t1": {"all": (14.3, 3.4), "responder": (13.1, 2.9), "non_responder": (15.4, 3.6)},
        "t4": {"all": (14.1, 3.2), "responder": (13.1, 2.9), "non_responder": (15.1, 3.3)},
    },
    "coldness": {
        "t0": {"all": (4.5, 3.5), "responder": (4.6, 3.3), "non_responder": (4.4, 3.7)},
        "t1": {"all": (4.2, 3.1), "responder": (4.1, 2.6), "non_responder": (4.4, 3.6)},
        "t4": {"all": (4.4, 3.1), "responder": (4.5, 2.9), "non_responder": (4.4, 3.3)},
    },
}

_Q = tuple[float, float | None, float | None]
#: Table 4: outcome -> group -> rows (first time, its median (IQR), second time, its median (IQR)).
TABLE4: dict[str, dict[str, list[tuple[str, _Q, str, _Q]]]] = {
    "pain": {
        "responder": [
            ("t1", (5, 4, 6), "t0", (7, 6, 7)),
            ("t4", (5, 4, 7), "t1", (5, 4, 6)),
            ("t4", (5, 4, 6), "t0", (7, 6, 7)),
        ],
        "non_responder": [
            ("t1", (8, 7, 9), "t0", (7, 5, 8)),
            ("t4", (8, 6, 8), "t1", (8, 7, 9)),
            ("t4", (8, 6, 8), "t0", (7, 5, 8)),
        ],
    },
    "eq5d": {
        "responder": [
            ("t1", (13, 11, 14), "t0", (14, 12, 18)),
            ("t4", (13, 12, 15), "t1", (13, 11, 14)),
            ("t4", (13, 12, 15), "t0", (14, 12, 18)),
        ],
        "non_responder": [
            ("t1", (15, 13, 18), "t0", (15, 12, 18)),
            ("t4", (15, 12, 18), "t1", (15, 13, 18)),
            ("t4", (15, 12, 18), "t0", (15, 12, 18)),
        ],
    },
    "coldness": {
        "responder": [
            ("t1", (4, 2, 6), "t0", (5, 2, 7)),
            ("t4", (5, 3, 7), "t1", (4, 2, 6)),
            ("t4", (5, 3, 7), "t0", (5, 2, 7)),
        ],
        "non_responder": [
            ("t1", (5, 0, 8), "t0", (5, 0, 8)),
            ("t4", (5, 0, 7), "t1", (5, 0, 8)),
            # printed "5.0 (0.0)": the upper quartile is missing
            ("t4", (5, 0, 7), "t0", (5, 0, None)),
        ],
    },
}

#: Table 5: outcome -> (later, earlier) -> group -> median (IQR) of later − earlier.
TABLE5: dict[str, dict[tuple[str, str], dict[str, _Q]]] = {
    "pain": {
        ("t1", "t0"): {"all": (0, -2, 0), "responder": (-2, -3, -1), "non_responder": (0, 0, 1)},
        ("t4", "t1"): {"all": (0, -1, 1), "responder": (0, -1, 2), "non_responder": (0, 0, 0)},
        ("t4", "t0"): {"all": (0, -2, 1), "responder": (-2, -3, 0), "non_responder": (0, 0, 1)},
    },
    "eq5d": {
        ("t1", "t0"): {"all": (0, -3, 2), "responder": (-1, -4, 0), "non_responder": (1, -2, 3)},
        ("t4", "t1"): {"all": (0, -2, 1), "responder": (0, -2, 2), "non_responder": (0, -2, 1)},
        ("t4", "t0"): {"all": (-1, -3, 2), "responder": (-1, -4, 0), "non_responder": (1, -2, 3)},
    },
    "coldness": {
        ("t1", "t0"): {"all": (0, -1, 0), "responder": (0, -2, 0), "non_responder": (0, 0, 0)},
        ("t4", "t1"): {"all": (0, -1, 1), "responder": (0, -1, 1), "non_responder": (0, 0, 1)},
        ("t4", "t0"): {"all": (0, -2, 1), "responder": (0, -2, 2), "non_responder": (0, -1, 1)},
    },
}

_COLD_NOTE = (
    "printed as “5.0 (0.0)”: the upper quartile is missing; the same T0 figure is "
    "printed as 5.0 (0.0–8.0) in the row above"
)

_DUPLICATE_Q3 = ("pain", "responder", "t4", "t1", "q3")
_DUPLICATE_NOTE = (
    "the responder T4 IQR is printed twice and the two disagree: 4.0–7.0 here, 4.0–6.0 in "
    "the T4 vs. T0 row; the cohort follows 4.0–6.0"
)


def published_figures() -> list[Figure]:
    """Every published figure of Tables 1–5, in the order the paper prints them.

    Returns
    -------
    list of Figure
        Counts, percentages, means, SDs, medians and quartiles (p-values excluded).

    Examples
    --------
    >>> figures = published_figures()
    >>> sorted({f.table for f in figures})
    [1, 2, 3, 4, 5]
    >>> [f.published for f in figures if f.variable == "age"]
    [67.2, 10.2, 65.8, 11.3, 68.5, 9.0]
    """
    figures: list[Figure] = []

    def categorical(column: str) -> None:
        table, name, rows = CATEGORICAL[column]
        for row in rows:
            for group in GROUPS:
                count, pct = getattr(row, group)
                label = f"{name}: {row.printed}"
                key = (column, row.label, group)
                figures.append(
                    Figure(
                        table,
                        label,
                        group,
                        "count",
                        count,
                        0,
                        column,
                        row.label,
                        note=KNOWN_MISPRINTS.get((*key, "count"), ""),
                    )
                )
                if pct is not None:
                    figures.append(
                        Figure(
                            table,
                            label,
                            group,
                            "percent",
                            pct,
                            1,
                            column,
                            row.label,
                            note=KNOWN_MISPRINTS.get((*key, "percent"), ""),
                        )
                    )

    def continuous(column: str) -> None:
        table, name, values = CONTINUOUS[column]
        for group in GROUPS:
            mean, sd = values[group]
            figures.append(Figure(table, name, group, "mean", mean, 1, column))
            figures.append(Figure(table, name, group, "sd", sd, 1, column))

    # Table 1
    continuous("age")
    categorical("sex")
    continuous("bmi")
    for column in ("diagnosis", "pain_duration", "lesion_level", "lesion_severity"):
        categorical(column)
    # Table 2
    categorical("surgery_type")
    categorical("time_since_surgery")
    continuous("n_surgeries")
    categorical("surgery_range")
    # Table 3
    for column in ("block_levels", "block_side", "block_distance"):
        categorical(column)
    for outcome in OUTCOMES:
        for time in TIMES:
            for group in GROUPS:
                mean, sd = TABLE3[outcome][time][group]
                row = f"{OUTCOME_NAMES[outcome]} {time.upper()}"
                figures.append(Figure(3, row, group, "mean", mean, 1, outcome, times=(time,)))
                figures.append(Figure(3, row, group, "sd", sd, 1, outcome, times=(time,)))
    # Table 4
    for outcome in OUTCOMES:
        for group in ("responder", "non_responder"):
            for first, q_first, second, q_second in TABLE4[outcome][group]:
                row = f"{OUTCOME_NAMES[outcome]} {first.upper()} vs. {second.upper()}"
                for time, quartiles in ((first, q_first), (second, q_second)):
                    for stat, value in zip(("median", "q1", "q3"), quartiles, strict=True):
                        if value is None:
                            continue
                        note = ""
                        if (outcome, group, first, second, stat) == _DUPLICATE_Q3:
                            note = _DUPLICATE_NOTE if time == "t4" else ""
                        if outcome == "coldness" and quartiles[2] is None:
                            note = _COLD_NOTE if stat == "q1" else ""
                        figures.append(
                            Figure(
                                4,
                                f"{row}: {time.upper()}",
                                group,
                                stat,
                                float(value),
                                1,
                                outcome,
                                times=(time,),
                                note=note,
                            )
                        )
    # Table 5
    for outcome in OUTCOMES:
        for (later, earlier), by_group in TABLE5[outcome].items():
            row = f"{OUTCOME_NAMES[outcome]} {later.upper()}–{earlier.upper()}"
            for group in GROUPS:
                for stat, value in zip(("median", "q1", "q3"), by_group[group], strict=True):
                    assert value is not None
                    figures.append(
                        Figure(
                            5, row, group, stat, float(value), 1, outcome, times=(later, earlier)
                        )
                    )
    return figures
