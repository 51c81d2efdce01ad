"""The dropout rules of Table S9 as data: who is in, in which group, with which scores.

Each rule gives a :class:`RuleData` (the patients it includes, their groups, every
outcome's scores); the table (:mod:`~painresponse.tables.supplementary.dropout`) turns it
into rows. The rules and why they act as they do are described there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from painresponse.cohort import GROUP, NOT_ANALYSED
from painresponse.study import ExtendedOptions, Outcome, Study
from painresponse.tables.frequencies import Distribution
from painresponse.tables.supplementary._data import Analysed, is_eq5d

__all__ = [
    "Patients",
    "RuleData",
    "Scores",
    "Series",
    "classify",
    "completers",
    "distributions",
    "grouped",
    "modified_bocf",
    "patients_of",
    "rule_data",
    "same_distribution",
    "series_of",
]

Scores = dict[tuple[str, str], NDArray[np.float64]]


@dataclass(frozen=True)
class Patients:
    """The patients the rules concern, with what was recorded.

    Attributes
    ----------
    frame : polars.DataFrame
        Their input columns (eligible patients the responder rule can apply to).
    analysed : numpy.ndarray
        In the published (completers') analysis.
    dropout : numpy.ndarray
        Not analysed there because a score was not recorded: the patients without
        follow-up.
    observed : numpy.ndarray
        The group the responder rule gives from the recorded scores (None: unknown).
    scores : dict
        (outcome key, time key) -> every patient's score as Tables 3–5 summarise it.
    baseline_zero : int
        Eligible patients left out of every rule: a baseline of 0 under a percent rule that
        excludes it.
    """

    frame: pl.DataFrame
    study: Study
    options: ExtendedOptions
    analysed: NDArray[np.bool_]
    dropout: NDArray[np.bool_]
    observed: NDArray[np.object_]
    scores: Scores
    baseline_zero: int = 0

    @property
    def labels(self) -> tuple[str, str]:
        """(responder label, non-responder label)."""
        return self.study.group_labels()

    @property
    def unknown(self) -> NDArray[np.bool_]:
        """Patients without follow-up whose response is not recorded."""
        return np.asarray(
            self.dropout & np.array([g is None for g in self.observed], dtype=bool), dtype=bool
        )


def _own_summary(outcome: Outcome) -> str | None:
    """The summary Tables 3–5 use for ``outcome`` (not the extended options' choice)."""
    if not is_eq5d(outcome):
        return None
    return f"index:{outcome.value_set}" if outcome.summary == "index" else "level_sum"


def times_of(study: Study, outcome: Outcome) -> list[str]:
    """The outcome's time points in the study's order."""
    have = set(outcome.time_keys())
    return [t.key for t in study.time_points if t.key in have]


def _scores(frame: pl.DataFrame, study: Study, options: ExtendedOptions) -> Scores:
    data = Analysed(frame, study, options)
    return {
        (o.key, t): data.values(o, t, _own_summary(o))
        for o in study.outcomes
        for t in times_of(study, o)
    }


def classify(frame: pl.DataFrame, study: Study) -> NDArray[np.object_]:
    """The study's responder rule applied to ``frame``'s (possibly filled) columns."""
    from painresponse.responders import classify as classify_frame

    return np.asarray(classify_frame(frame, study).to_list(), dtype=object)


def _undefined_baseline(frame: pl.DataFrame, study: Study) -> NDArray[np.bool_]:
    """Patients no rule can classify: a baseline of 0 under a percent rule that excludes it."""
    rule = study.responder
    if rule.rule != "percent_reduction" or rule.baseline_zero != "exclude":
        return np.zeros(frame.height, dtype=bool)
    column = study.outcome(rule.outcome).raw_columns(rule.baseline)[0]
    base = frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
    return np.asarray(base == 0, dtype=bool)


def patients_of(eligible: pl.DataFrame, study: Study, options: ExtendedOptions) -> Patients:
    """The patients the rules concern, from :func:`~painresponse.cohort.eligible_patients`."""
    undefined = _undefined_baseline(eligible, study)
    frame = eligible.filter(pl.Series(~undefined))
    analysed = np.asarray(frame[NOT_ANALYSED].is_null().to_numpy(), dtype=bool)
    return Patients(
        frame=frame,
        study=study,
        options=options,
        analysed=analysed,
        dropout=~analysed,
        observed=np.asarray(frame[GROUP].to_list(), dtype=object),
        scores=_scores(frame, study, options),
        baseline_zero=int(undefined.sum()),
    )


# ---- each rule's data -----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleData:
    """One rule's (or one completed data set's) analysis data.

    Attributes
    ----------
    rule : str
        The rule's key.
    included : numpy.ndarray
        Patients in the analysis.
    group : numpy.ndarray
        Each patient's group label (None: not included).
    scores : dict
        (outcome, time) -> scores, with the rule's values for the patients without
        follow-up.
    """

    rule: str
    included: NDArray[np.bool_]
    group: NDArray[np.object_]
    scores: Scores

    def count(self, label: str) -> int:
        """Included patients in group ``label``."""
        return int(np.sum(self.group == label))

    def same_as(self, other: RuleData) -> bool:
        """True when both give the same patients the same groups and values."""
        if not np.array_equal(self.included, other.included):
            return False
        if not all(a == b for a, b in zip(self.group, other.group, strict=True)):
            return False
        keep = self.included
        return all(
            np.array_equal(self.scores[k][keep], other.scores[k][keep], equal_nan=True)
            for k in self.scores
        )


def grouped(
    patients: Patients, included: NDArray[np.bool_], labels: NDArray[np.object_]
) -> NDArray[np.object_]:
    """Labels of the included patients; an included patient without one is a non-responder."""
    no = patients.labels[1]
    out = [
        (label if label is not None else no) if inside else None
        for label, inside in zip(labels, included, strict=True)
    ]
    return np.array(out, dtype=object)


def completers(patients: Patients) -> RuleData:
    """The published analysis: the patients without follow-up left out."""
    group = np.array(
        [
            g if inside else None
            for g, inside in zip(patients.observed, patients.analysed, strict=True)
        ],
        dtype=object,
    )
    return RuleData("completers", patients.analysed.copy(), group, patients.scores)


def _nri(patients: Patients) -> RuleData:
    included = patients.analysed | patients.dropout
    group = grouped(patients, included, patients.observed)
    return RuleData("nri", included, group, patients.scores)


def _carried(patients: Patients, how: NDArray[np.object_], rule: str) -> RuleData:
    """Fill each patient's missing scores by ``how`` (``"bocf"``, ``"locf"`` or None).

    An outcome's score at a time is carried as a whole (all its columns), from the
    baseline (BOCF) or from the last earlier time with the score recorded (LOCF); a time
    before the baseline is left alone. Response is then recomputed by the study's rule.
    """
    study, frame = patients.study, patients.frame
    carry = np.array([h is not None for h in how], dtype=bool)
    raw: dict[str, NDArray[np.float64]] = {}

    def column(name: str) -> NDArray[np.float64]:
        if name not in raw:
            raw[name] = frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy().astype(float)
        return raw[name]

    filled: dict[str, NDArray[np.float64]] = {}
    for outcome in study.outcomes:
        times = times_of(study, outcome)
        base = study.responder.baseline if study.responder.baseline in times else times[0]
        start = times.index(base)
        recorded = {t: ~np.isnan(patients.scores[(outcome.key, t)]) for t in times}
        for i, t in enumerate(times[start + 1 :], start + 1):
            for p in np.flatnonzero(carry & ~recorded[t]):
                earlier = [base] if how[p] == "bocf" else times[:i][::-1]
                source = next((e for e in earlier if recorded[e][p]), None)
                if source is None:
                    continue
                pairs = zip(outcome.raw_columns(t), outcome.raw_columns(source), strict=True)
                for target_col, source_col in pairs:
                    target = filled.setdefault(target_col, column(target_col).copy())
                    target[p] = column(source_col)[p]
    frame = frame.with_columns([pl.Series(c, v).fill_nan(None) for c, v in filled.items()])
    included = patients.analysed | patients.dropout
    labels = np.where(patients.dropout, classify(frame, study), patients.observed)
    scores = _scores(frame, study, patients.options)
    return RuleData(rule, included, grouped(patients, included, labels), scores)


def modified_bocf(patients: Patients) -> tuple[NDArray[np.object_] | None, str]:
    """Per patient ``"bocf"`` (treatment-related reason or none) or ``"locf"``; or None and
    why modified BOCF cannot be shown. The second item is the rule's note either way."""
    column = patients.options.dropout_reason_column
    if column is None:
        return None, (
            "not shown: the study file names no dropout-reason column "
            "(extended.dropout_reason_column), which modified BOCF needs"
        )
    if column not in patients.frame.columns:
        return None, f"not shown: the dropout-reason column {column!r} is not in the data"
    related = {v.strip().casefold() for v in patients.options.dropout_bocf_reasons}
    reasons = [
        None if v is None or not str(v).strip() else str(v).strip().casefold()
        for v in patients.frame[column].to_list()
    ]
    how = np.array(
        [
            ("bocf" if r is None or r in related else "locf") if d else None
            for r, d in zip(reasons, patients.dropout, strict=True)
        ],
        dtype=object,
    )
    left = [r for r, d in zip(reasons, patients.dropout, strict=True) if d]
    bocf = sum(1 for r in left if r is not None and r in related)
    unknown = sum(1 for r in left if r is None)
    other = len(left) - bocf - unknown
    note = f"treatment-related reason: {bocf} (BOCF); other reason: {other} (LOCF)"
    if unknown:
        note += f"; reason not recorded: {unknown} (BOCF)"
    return how, note


def rule_data(
    rule: str, patients: Patients, how_mbocf: NDArray[np.object_] | None = None
) -> RuleData:
    """The analysis data of a deterministic rule (``completers`` … ``mbocf``)."""
    if rule == "completers":
        return completers(patients)
    if rule == "nri":
        return _nri(patients)
    if rule == "mbocf":
        if how_mbocf is None:
            raise ValueError("modified BOCF needs each patient's reason")
        return _carried(patients, how_mbocf, "mbocf")
    how = np.array([rule if d else None for d in patients.dropout], dtype=object)
    return _carried(patients, how, rule)


# ---- the Table 3 and Table 5 rows -----------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A Table 3 row (an outcome at a time) or a Table 5 row (a change score)."""

    outcome: Outcome
    times: tuple[str, ...]
    level: str
    display: str
    iqr_style: Literal["dash", "to"]

    def values(self, scores: Scores) -> NDArray[np.float64]:
        """Every patient's value of the row (a change is later − earlier)."""
        key = self.outcome.key
        if len(self.times) == 1:
            return scores[(key, self.times[0])]
        later, earlier = self.times
        return scores[(key, later)] - scores[(key, earlier)]


def series_of(study: Study) -> list[Series]:
    """Table 3's rows (display as the study says) then Table 5's (median (IQR)), per outcome."""
    out: list[Series] = []
    display = study.analysis.outcome_display_between
    for outcome in study.outcomes:
        times = times_of(study, outcome)
        for t in times:
            level = f"{outcome.label}, {study.time(t).label}"
            out.append(Series(outcome, (t,), level, display, "dash"))
        for later, earlier in study.comparisons():
            if later in times and earlier in times:
                pair = f"{study.time(later).label}–{study.time(earlier).label}"
                out.append(
                    Series(outcome, (later, earlier), f"{outcome.label}, {pair} change",
                           "median_iqr", "to")
                )  # fmt: skip
    return out


def distributions(
    series: Series, data: RuleData, labels: tuple[str, str]
) -> tuple[Distribution, Distribution]:
    """The row's values in each group (responders first)."""
    values = series.values(data.scores)
    yes, no = labels
    return (
        Distribution.from_values(values[data.group == yes]),
        Distribution.from_values(values[data.group == no]),
    )


def same_distribution(a: Distribution, b: Distribution) -> bool:
    """True when two samples hold the same values (missing values aside)."""
    return np.array_equal(a.values, b.values) and np.array_equal(a.counts, b.counts)
