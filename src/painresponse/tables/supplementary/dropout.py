"""Table S9: the responder rate and the group comparisons under each rule for dropouts.

The published study left out its eligible patients without follow-up (87 assessed, 3
without pain recorded at T1, 84 analysed: 41/84 responders). IMMPACT and regulators'
analgesic-trial practice count such patients as non-responders or carry their baseline
forward, and conclusions can change between rules (Liu-Seifert et al. 2010). This table
shows the result under each rule side by side, with a tipping point.

How the rules meet this study's design
--------------------------------------
The study's two groups *are* the response: responders and non-responders by ≥ 50 % pain
reduction T0 → T1. So "responders per group" collapses: the responder rate is one rate,
over all patients (there is no treatment arm to split it by), and each rule's line gives
it with its Wilson interval and the size of the two groups it makes. The groups still
matter for the rest of the table: Tables 3–5 compare responders with non-responders on
every outcome, and a rule that classifies the patients without follow-up moves them into a
group, with whatever outcome values the rule gives them. So under each rule the table
repeats the between-group difference (responder − non-responder) of each Table 3 row
(each outcome at each time) and each Table 5 row (each change score) that the rule
changes. Table 4 compares time points within each group; its between-group counterpart is
Table 5, so it is not repeated.

Who is concerned. Every patient who passed eligibility
(:func:`painresponse.cohort.eligible_patients`) except those the responder rule cannot
apply to whatever their follow-up (a baseline of 0 under a percent rule with
``baseline_zero = "exclude"``: no rule makes their percent change defined). Among them,
the *patients without follow-up* are those not analysed in the published analysis (the
completeness check, or a score the rule needs not recorded). Only their values are ever
imputed: the analysed patients keep exactly the values of Tables 3–5 (a value they lack
stays missing, as in those tables), so every difference between two lines of this table
is due to the patients without follow-up alone, and when there are none the rules
coincide (the table says so in one line).

What each rule does (responder status; outcome values):

* **Completers** (the published analysis): patients without follow-up are left out.
* **NRI**: a patient whose response is not recorded is a non-responder (one whose
  response is recorded, e.g. T1 present and T4 missing, keeps it). NRI defines response
  only, so their outcome values stay as recorded: their baseline values join the
  non-responder group (the T0 rows change); missing values stay missing.
* **BOCF**: each outcome's missing score after baseline becomes the patient's baseline
  score of the same outcome (a missing baseline stays missing); response is then
  recomputed by the study's rule (no change: a non-responder) and change scores are 0.
* **LOCF**: each missing score becomes the patient's last recorded earlier score of the
  same outcome. For patients seen only at baseline (all three in the demo) this is BOCF.
* **Modified BOCF** (Liu-Seifert 2010): BOCF for patients who left because of an adverse
  event, LOCF for the others; it needs the reason, so it is shown only when the study file
  names a dropout-reason column (``extended.dropout_reason_column``; the values meaning
  "adverse event" in ``extended.dropout_adverse_reasons``). A reason not recorded is
  treated as an adverse event (BOCF, the conservative choice).
* **Multiple imputation**: chained equations (statsmodels ``MICEData``: a linear model per
  variable on every other variable, parameters drawn from their posterior, predictive mean
  matching with 5 donors, 10 cycles per chain, one seeded chain per imputation) on the
  study's characteristics and every outcome's score at every time; each completed data set
  is classified by the study's rule and analysed like the others; estimates are pooled by
  Rubin's rules (Barnard–Rubin degrees of freedom). The responder rate's within-imputation
  variance is p(1 − p)/N and its interval the pooled t interval (clipped to 0–100 %); a
  difference in means uses its t-test standard error, a Hodges–Lehmann shift the standard
  error implied by its large-sample interval (half-width / 1.96). P-values under MI are the
  pooled Wald t tests.

Under a carried-forward rule a patient whose response still cannot be determined (no
baseline to carry, a relief-column rule) is a non-responder, as under NRI.

Differences and p-values are those of Tables 3 and 5 (the difference in means with its t
interval where Table 3 shows mean ± SD, otherwise the Hodges–Lehmann shift; the rank-sum
or t-test p-value), computed by the same functions
(:func:`painresponse.tables.effects.between_effect`,
:func:`painresponse.tables.tests_run.between_groups_numeric`). Comparisons on the values
that define the groups keep Tables 3–5's mark (†).

Tipping point. With r responders among the patients whose response is known and m
without a result, the rate if k of the m respond is (r + k)/N for k = 0 … m (k = 0 is NRI).
The line says how many would have to respond to reach the completers' rate and whether any
k changes the conclusion: the completers' rate and 95 % CI, or, when the study names a
reference rate (``extended.dropout_reference_rate``, e.g. a performance goal), the side of
it on which the rate's 95 % CI lies (:func:`painresponse.stats.imputation.
responder_tipping_point`). It concerns the responder rate; the between-group comparisons'
sensitivity is what the BOCF, LOCF and MI lines show (a patient imputed as a responder has
no outcome values to compare).

References
----------
Dworkin RH, et al. Interpreting the clinical importance of treatment outcomes in chronic
pain clinical trials: IMMPACT recommendations. *J Pain* 2008;9:105–121.
Liu-Seifert H, Zhang S, D'Souza D, Skljarevski V. A closer look at the baseline-observation-
carried-forward (BOCF). *Patient Prefer Adherence* 2010;4:11–16.
Rubin DB. *Multiple Imputation for Nonresponse in Surveys*. Wiley; 1987.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from painresponse.cohort import GROUP, NOT_ANALYSED
from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.imputation import (
    ImputationRun,
    TippingPoint,
    normal_quantile,
    responder_tipping_point,
    rubin_pool,
)
from painresponse.stats.proportions import wilson_interval
from painresponse.study import ExtendedOptions, Outcome, Study
from painresponse.tables.circularity import circular_footnote, guard
from painresponse.tables.effects import between_effect, shift_from_counts
from painresponse.tables.frequencies import Distribution
from painresponse.tables.model import (
    Cell,
    Column,
    Empty,
    EstimateCI,
    Footnote,
    Number,
    Proportion,
    PValue,
    Row,
    Table,
    Text,
)
from painresponse.tables.registry import table_spec
from painresponse.tables.summaries import summarise
from painresponse.tables.supplementary._data import Analysed, is_eq5d
from painresponse.tables.supplementary._imputation import CYCLES, DONORS, impute
from painresponse.tables.tests_run import between_groups_numeric

__all__ = [
    "RULES",
    "DropoutResult",
    "RuleData",
    "dropout_analysis",
    "dropout_methods_sentence",
    "rule_name",
]

SPEC = table_spec("S9")
KEY = SPEC.key

Rule = Literal["completers", "nri", "bocf", "locf", "mbocf", "mi"]
RULES: tuple[Rule, ...] = ("completers", "nri", "bocf", "locf", "mbocf", "mi")
_NAMES: dict[str, str] = {
    "completers": "Completers (published analysis)",
    "nri": "Non-responder imputation (NRI)",
    "bocf": "Baseline observation carried forward (BOCF)",
    "locf": "Last observation carried forward (LOCF)",
    "mbocf": "Modified BOCF (mBOCF)",
    "mi": "Multiple imputation (MICE)",
}
Scores = dict[tuple[str, str], NDArray[np.float64]]


def rule_name(rule: str) -> str:
    """The rule's name in words (``"nri"`` → ``"Non-responder imputation (NRI)"``)."""
    return _NAMES[rule]


# ---- the patients ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Patients:
    """The patients the rules concern, with what was recorded."""

    frame: pl.DataFrame
    study: Study
    options: ExtendedOptions
    analysed: NDArray[np.bool_]
    dropout: NDArray[np.bool_]
    observed: NDArray[np.object_]
    scores: Scores

    @property
    def labels(self) -> tuple[str, str]:
        return self.study.group_labels()


def _own_summary(outcome: Outcome) -> str | None:
    """The summary Tables 3–5 use for ``outcome`` (not the extended options' choice)."""
    if not is_eq5d(outcome):
        return None
    return f"index:{outcome.value_set}" if outcome.summary == "index" else "level_sum"


def _times(study: Study, outcome: Outcome) -> list[str]:
    """The outcome's time points in the study's order."""
    have = set(outcome.time_keys())
    return [t.key for t in study.time_points if t.key in have]


def _scores(frame: pl.DataFrame, study: Study, options: ExtendedOptions) -> Scores:
    data = Analysed(frame, study, options)
    return {
        (o.key, t): data.values(o, t, _own_summary(o)) for o in study.outcomes for t in _times(study, o)
    }


def _classify(frame: pl.DataFrame, study: Study) -> NDArray[np.object_]:
    """The responder rule applied to ``frame``'s (possibly filled) columns."""
    from painresponse.responders import classify

    return np.asarray(classify(frame, study).to_list(), dtype=object)


def _undefined_baseline(frame: pl.DataFrame, study: Study) -> NDArray[np.bool_]:
    """Patients no rule can classify: a baseline of 0 under a percent rule that excludes it."""
    rule = study.responder
    if rule.rule != "percent_reduction" or rule.baseline_zero != "exclude":
        return np.zeros(frame.height, dtype=bool)
    column = study.outcome(rule.outcome).raw_columns(rule.baseline)[0]
    base = frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
    return np.asarray(base == 0, dtype=bool)


def _patients(eligible: pl.DataFrame, study: Study, options: ExtendedOptions) -> _Patients:
    frame = eligible.filter(pl.Series(~_undefined_baseline(eligible, study)))
    analysed = frame[NOT_ANALYSED].is_null().to_numpy()
    return _Patients(
        frame=frame,
        study=study,
        options=options,
        analysed=np.asarray(analysed, dtype=bool),
        dropout=np.asarray(~analysed, dtype=bool),
        observed=np.asarray(frame[GROUP].to_list(), dtype=object),
        scores=_scores(frame, study, options),
    )


# ---- each rule's data -----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleData:
    """One rule's (or one imputation's) analysis data.

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


def _grouped(patients: _Patients, included: NDArray[np.bool_], labels: NDArray[np.object_]) -> NDArray[np.object_]:
    """Labels of the included patients; an included patient without one is a non-responder."""
    no = patients.labels[1]
    return np.array(
        [(lab if lab is not None else no) if inc else None for lab, inc in zip(labels, included, strict=True)],
        dtype=object,
    )


def _completers(patients: _Patients) -> RuleData:
    group = np.where(patients.analysed, patients.observed, None)
    return RuleData("completers", patients.analysed.copy(), group, patients.scores)


def _nri(patients: _Patients) -> RuleData:
    included = patients.analysed | patients.dropout
    return RuleData("nri", included, _grouped(patients, included, patients.observed), patients.scores)


def _carried(patients: _Patients, how: NDArray[np.object_], rule: str) -> RuleData:
    """Fill each patient's missing scores by ``how`` (``"bocf"``, ``"locf"`` or None).

    An outcome's score at a time is carried as a whole (all its columns), from the
    baseline (BOCF) or from the last earlier time with the score recorded (LOCF).
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
        times = _times(study, outcome)
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
    labels = np.where(patients.dropout, _classify(frame, study), patients.observed)
    scores = _scores(frame, study, patients.options)
    return RuleData(rule, included, _grouped(patients, included, labels), scores)


def _reasons(patients: _Patients) -> tuple[NDArray[np.object_] | None, str]:
    """Per patient ``"bocf"``/``"locf"`` of modified BOCF, or None and why not."""
    column = patients.options.dropout_reason_column
    if column is None:
        return None, (
            "not shown: the study file names no dropout-reason column "
            "(extended.dropout_reason_column), which modified BOCF needs"
        )
    if column not in patients.frame.columns:
        return None, f"not shown: the dropout-reason column {column!r} is not in the data"
    adverse = {v.strip().casefold() for v in patients.options.dropout_adverse_reasons}
    reasons = [None if v is None else str(v).strip().casefold() for v in patients.frame[column].to_list()]
    how = np.array(
        [
            ("bocf" if r is None or r in adverse else "locf") if d else None
            for r, d in zip(reasons, patients.dropout, strict=True)
        ],
        dtype=object,
    )
    ae = sum(1 for r, d in zip(reasons, patients.dropout, strict=True) if d and r in adverse)
    unknown = sum(1 for r, d in zip(reasons, patients.dropout, strict=True) if d and r is None)
    other = int(patients.dropout.sum()) - ae - unknown
    note = f"adverse event: {ae} (BOCF); other reason: {other} (LOCF)"
    if unknown:
        note += f"; reason not recorded: {unknown} (BOCF)"
    return how, note


# ---- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """A Table 3 row (an outcome at a time) or a Table 5 row (a change score)."""

    outcome: Outcome
    times: tuple[str, ...]
    level: str
    display: str
    iqr_style: Literal["dash", "to"]

    def values(self, scores: Scores) -> NDArray[np.float64]:
        key = self.outcome.key
        if len(self.times) == 1:
            return scores[(key, self.times[0])]
        later, earlier = self.times
        return scores[(key, later)] - scores[(key, earlier)]


def _series(study: Study) -> list[_Series]:
    out: list[_Series] = []
    display = study.analysis.outcome_display_between
    for outcome in study.outcomes:
        times = _times(study, outcome)
        for t in times:
            out.append(_Series(outcome, (t,), f"{outcome.label}, {study.time(t).label}", display, "dash"))
        for later, earlier in study.comparisons():
            if later in times and earlier in times:
                level = f"{outcome.label}, {study.time(later).label}–{study.time(earlier).label} change"
                out.append(_Series(outcome, (later, earlier), level, "median_iqr", "to"))
    return out


def _distributions(s: _Series, data: RuleData, labels: tuple[str, str]) -> tuple[Distribution, Distribution]:
    values = s.values(data.scores)
    yes, no = labels
    return (
        Distribution.from_values(values[data.group == yes]),
        Distribution.from_values(values[data.group == no]),
    )


def _same(a: Distribution, b: Distribution) -> bool:
    return np.array_equal(a.values, b.values) and np.array_equal(a.counts, b.counts)


def _group_key(label: str) -> str:
    return f"group:{label}"


def _rate(data: RuleData, labels: tuple[str, str], level: float) -> Proportion:
    total = int(data.included.sum())
    count = int(np.sum(data.group == labels[0]))
    low, high = wilson_interval(count, total, level)
    return Proportion(count, total, count / total if total else math.nan, low, high)


def _header(
    rule: str, primary: bool, note: str, data: RuleData | None = None,
    labels: tuple[str, str] = ("", ""), level: float = 0.95,
    rate: Proportion | EstimateCI | None = None,
) -> Row:  # fmt: skip
    """A rule's line: its responder rate, the size of each group it makes, a note."""
    cells: dict[str, Cell] = {}
    if data is not None:
        cells["responders"] = _rate(data, labels, level)
        for lab in labels:
            cells[_group_key(lab)] = Number(int(np.sum(data.group == lab)), 0)
    if rate is not None:
        cells["responders"] = rate
    if note:
        cells["note"] = Text(note)
    name = rule_name(rule) + (" — primary rule" if primary else "")
    return Row(rule, name, None, "header", cells)


def _comparison_row(rule: str, name: str, s: _Series, study: Study, first: Distribution, second: Distribution) -> Row:
    yes, no = study.group_labels()
    digits = s.outcome.digits
    cells: dict[str, Cell] = {
        _group_key(yes): summarise(first, s.display, digits, s.iqr_style),
        _group_key(no): summarise(second, s.display, digits, s.iqr_style),
        "effect": between_effect(first, second, s.display, study, None, digits),
        "p": guard(between_groups_numeric(first, second, s.outcome.kind, study, None), study, s.outcome.key, s.times),
    }
    n = {_group_key(yes): first.n, _group_key(no): second.n}
    return Row(rule, name, s.level, "level", cells, n)


# ---- multiple imputation --------------------------------------------------------------------


def _estimate_and_variance(
    first: Distribution, second: Distribution, s: _Series, study: Study
) -> tuple[float, float]:
    """The row's estimate and its squared standard error in one completed data set."""
    if s.display == "mean_sd":
        from painresponse.stats.means import ttest_ind_from_stats

        res = ttest_ind_from_stats(
            first.mean(), first.sd(), first.n, second.mean(), second.sd(), second.n,
            equal_var=study.analysis.equal_var,
        )  # fmt: skip
        return float(res.estimate or math.nan), float(res.details["se"]) ** 2
    res = shift_from_counts(first, second, method="asymptotic")
    if res.estimate is None or res.ci_low is None or res.ci_high is None:
        raise StatisticsError("no Hodges–Lehmann interval")
    half = (res.ci_high - res.ci_low) / 2.0
    return float(res.estimate), (half / normal_quantile(res.conf_level or 0.95)) ** 2


def _imputed(patients: _Patients, run: ImputationRun, targets: dict[tuple[str, str], int], relief_at: int | None) -> list[RuleData]:
    """One RuleData per completed data set: the dropouts' missing scores imputed."""
    study = patients.study
    rule = study.responder
    outcome = study.outcome(rule.outcome)
    included = patients.analysed | patients.dropout
    out = []
    for completed in run.completed:
        scores = {}
        for key, values in patients.scores.items():
            filled = values.copy()
            if key in targets:
                fill = patients.dropout & np.isnan(values)
                filled[fill] = completed[fill, targets[key]]
            scores[key] = filled
        columns = {
            outcome.raw_columns(t)[0]: scores[(outcome.key, t)] for t in (rule.baseline, rule.follow_up)
        }
        if rule.relief_column is not None:
            relief = patients.frame[rule.relief_column].cast(pl.Float64).fill_null(np.nan).to_numpy().copy()
            if relief_at is not None:
                fill = patients.dropout & np.isnan(relief)
                relief[fill] = completed[fill, relief_at]
            columns[rule.relief_column] = relief
        frame = pl.DataFrame({c: pl.Series(c, v).fill_nan(None) for c, v in columns.items()})
        labels = np.where(patients.dropout, _classify(frame, study), patients.observed)
        out.append(RuleData("mi", included, _grouped(patients, included, labels), scores))
    return out


@dataclass(frozen=True)
class _Pooled:
    rate: TestResult | None
    rows: list[Row]
    note: str
    messages: list[str]
    datasets: list[RuleData]
    run: ImputationRun | None


def _multiple_imputation(patients: _Patients, series: list[_Series], level: float) -> _Pooled:
    study, options = patients.study, patients.options
    labels = patients.labels
    name = rule_name("mi")
    if study.outcome(study.responder.outcome).summary != "value":
        msg = "not available: the responder outcome is not a single score"
        return _Pooled(None, [], msg, [f"Table S9, multiple imputation: {msg}."], [], None)
    relief = None
    if study.responder.relief_column is not None:
        relief = patients.frame[study.responder.relief_column].cast(pl.Float64).fill_null(np.nan).to_numpy()
    run, model, notes = impute(patients.frame, study, patients.scores, relief, options.imputations, options.imputation_seed)
    stated = f"m = {run.m} imputations, seed {run.seed}"
    if not run.ok:
        msg = f"not estimable: {run.message}"
        return _Pooled(None, [], f"{msg} ({stated})", [f"Table S9, multiple imputation: {msg}."], [], run)
    datasets = _imputed(patients, run, model.targets, model.relief)
    total = int(datasets[0].included.sum())
    shares = np.array([np.mean(d.group[d.included] == labels[0]) for d in datasets])
    rate = rubin_pool(shares, shares * (1 - shares) / total, total - 1, level, "responder proportion")
    rows: list[Row] = []
    messages = [f"Table S9, multiple imputation: {n}." for n in notes]
    for s in series:
        if any(
            (s.outcome.key, t) not in model.targets and np.isnan(patients.scores[(s.outcome.key, t)][patients.dropout]).any()
            for t in s.times
        ):
            rows.append(Row("mi", name, s.level, "level", {"effect": Text("not estimable: not imputed")}))
            continue
        pairs = [_distributions(s, d, labels) for d in datasets]
        try:
            q, u = zip(*(_estimate_and_variance(a, b, s, study) for a, b in pairs), strict=True)
            n_row = pairs[0][0].n + pairs[0][1].n
            pooled = rubin_pool(q, u, max(n_row - 2, 1), level, "pooled difference")
        except StatisticsError as exc:
            rows.append(Row("mi", name, s.level, "level", {"effect": Text(f"not estimable: {exc}")}))
            continue
        what = "difference in means" if s.display == "mean_sd" else "Hodges–Lehmann shift"
        effect = EstimateCI(
            float(pooled.estimate or math.nan), float(pooled.ci_low or math.nan), float(pooled.ci_high or math.nan),
            digits=s.outcome.digits, conf_level=level, what=f"{what}, pooled over {run.m} imputations",
            method=pooled.method, n=n_row,
        )  # fmt: skip
        p = guard(PValue(pooled, "Rubin's rules: Wald t test of the pooled estimate"), study, s.outcome.key, s.times)
        rows.append(Row("mi", name, s.level, "level", {"effect": effect, "p": p}))
    note = f"{stated}; {CYCLES} cycles per chain, predictive mean matching with {DONORS} donors"
    return _Pooled(rate, rows, note, messages, datasets, run)


def _pooled_rate_cell(rate: TestResult, total: int, level: float) -> EstimateCI:
    """The pooled responder percentage with its interval (clipped to 0–100 %)."""
    estimate = 100.0 * float(rate.estimate or math.nan)
    low = 100.0 * max(0.0, float(rate.ci_low or math.nan))
    high = 100.0 * min(1.0, float(rate.ci_high or math.nan))
    return EstimateCI(
        estimate, low, high, digits=1, conf_level=level, what="pooled responder percentage",
        method=rate.method, n=total,
    )  # fmt: skip


# ---- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DropoutResult:
    """Table S9 and what it was computed from.

    Attributes
    ----------
    table : Table
        Key ``"tableS9_dropout_sensitivity"``.
    messages : tuple of str
        What a reader must be warned about, in words.
    rules : dict of str to RuleData
        The data of each deterministic rule shown (completers, NRI, BOCF, LOCF, mBOCF).
    imputations : tuple of RuleData
        Each completed data set of the multiple imputation (empty when it failed).
    pooled_rate : TestResult or None
        The pooled responder proportion (Rubin's rules).
    tipping : TippingPoint or None
        The tipping-point analysis of the responder rate.
    dropouts : int
        Eligible patients without follow-up.
    """

    table: Table
    messages: tuple[str, ...]
    rules: dict[str, RuleData] = field(default_factory=dict)
    imputations: tuple[RuleData, ...] = ()
    pooled_rate: TestResult | None = None
    tipping: TippingPoint | None = None
    dropouts: int = 0


def _columns(labels: tuple[str, str], level: float) -> tuple[Column, ...]:
    yes, no = labels
    return (
        Column("responders", f"Responders/N (%; {level:.0%} CI)"),
        Column(_group_key(yes), yes),
        Column(_group_key(no), no),
        Column("effect", f"{yes} − {no} ({level:.0%} CI)"),
        Column("p", "P-value", kind="pvalue"),
        Column("note", "Note"),
    )


def _tipping(patients: _Patients, completers: Proportion, level: float) -> tuple[Row, TippingPoint | None]:
    yes = patients.labels[0]
    known = patients.analysed | (patients.dropout & (patients.observed != None))  # noqa: E711
    missing = int((patients.dropout & (patients.observed == None)).sum())  # noqa: E711
    responders = int(np.sum(known & (patients.observed == yes)))
    try:
        tp = responder_tipping_point(
            responders, int(known.sum()), missing, (completers.count, completers.total),
            patients.options.dropout_reference_rate, level,
        )  # fmt: skip
    except StatisticsError as exc:
        return Row("tipping_point", "Tipping point", None, "single", {"note": Text(f"not computed: {exc}")}), None
    text = _tipping_words(tp, level)
    k = tp.changes_at_most if tp.changes_at_most is not None else tp.changes_at_least
    cells: dict[str, Cell] = {"note": Text(text)}
    if k is not None:
        low, high = tp.intervals[k]
        cells["responders"] = Proportion(tp.responders + k, tp.total, tp.rates[k], low, high)
    return Row("tipping_point", "Tipping point", None, "single", cells), tp


def _tipping_words(tp: TippingPoint, level: float) -> str:
    m, r, n = tp.missing, tp.responders, tp.total
    r_c, n_c = tp.completers
    them = "them" if m != 1 else "this patient"
    if m == 0:
        return "Every patient's response is recorded: nothing to tip."
    reach = (
        f"{tp.reaches_completers} of the {m} patients whose response is not recorded would have "
        f"to respond for the rate to reach the completers' {r_c}/{n_c}"
        if tp.reaches_completers is not None
        else f"not even all {m} patients whose response is not recorded responding would "
        f"bring the rate to the completers' {r_c}/{n_c}"
    )
    span = f"the rate ranges from {r}/{n} (none respond) to {r + m}/{n} (all respond)"
    if tp.reference is None:
        what = f"the completers' rate and {level:.0%} CI"
        side_words = {"below": "below the completers' CI", "above": "above the completers' CI"}
    else:
        ref = f"{100 * tp.reference:g}%"
        own = {"below": "lies below", "above": "lies above", "inside": "contains"}[tp.completers_side]
        what = f"the conclusion against the reference rate of {ref} (the completers' {level:.0%} CI {own} it)"
        side_words = {
            "below": f"CI below {ref}", "above": f"CI above {ref}", "inside": f"CI containing {ref}"
        }  # fmt: skip
    changes = []
    if tp.changes_at_most is not None:
        side = tp.sides[tp.changes_at_most]
        changes.append(f"if at most {tp.changes_at_most} of {them} respond ({side_words[side]})")
    if tp.changes_at_least is not None:
        side = tp.sides[tp.changes_at_least]
        changes.append(f"if at least {tp.changes_at_least} respond ({side_words[side]})")
    verdict = (
        f"{what} change " + " and ".join(changes)
        if changes
        else f"no number of responders among {them} changes {what}"
    )
    return f"{reach.capitalize() if reach[0].isdigit() else reach[0].upper() + reach[1:]}; {span}; {verdict}."


def _footnotes(study: Study, options: ExtendedOptions, level: float, circular: bool) -> tuple[Footnote, ...]:
    yes, no = study.group_labels()
    base = study.time(study.responder.baseline).label
    primary = rule_name(options.dropout_rule)
    notes = [
        Footnote(
            "",
            f"Patients without follow-up: eligible patients not analysed in the published "
            f"analysis because a score was not recorded. On each rule's line: responders/N "
            f"(percent; {level:.0%} Wilson score interval) and the number of patients in each "
            f"group. Below it, the rows of Tables 3 (each outcome at each time) and 5 (change "
            f"scores) that the rule changes, by group (mean ± SD or median (IQR) as in those "
            f"tables), with the difference {yes} − {no} (difference in means with the t "
            f"interval where Table 3 shows mean ± SD, otherwise the Hodges–Lehmann shift) and "
            f"the P-value of the same test; rows not listed under a rule are as under "
            f"completers. Only the patients without follow-up are imputed: the analysed "
            f"patients keep their recorded values. Table 4 (within groups) is not repeated: "
            f"its between-group counterpart is Table 5. Primary rule (study file): {primary}.",
        ),
        Footnote(
            "",
            f"NRI: a patient whose response is not recorded is a {no.lower()}; NRI defines "
            f"response only, so recorded values (e.g. at {base}) join the {no.lower()} group "
            f"and missing values stay missing. BOCF: every missing score after {base} becomes "
            f"the patient's {base} score of the same outcome (no change: a {no.lower()}; change "
            f"scores 0). LOCF: every missing score becomes the patient's last recorded earlier "
            f"score of the same outcome (BOCF for a patient seen at {base} only). Modified "
            f"BOCF: BOCF after an adverse event (or an unrecorded reason), LOCF otherwise. "
            f"Under a carried-forward rule a patient whose response still cannot be "
            f"determined is a {no.lower()}.",
        ),
        Footnote(
            "",
            f"Multiple imputation: chained equations (statsmodels MICEData; a linear model of "
            f"each variable on all others, parameters drawn from their posterior, predictive "
            f"mean matching with {DONORS} donors, {CYCLES} cycles per chain, one chain per "
            f"imputation) on the patients' characteristics and every outcome at every time "
            f"point; {options.imputations} imputations, seed {options.imputation_seed}. Each "
            f"completed data set is classified by the responder rule; estimates are pooled by "
            f"Rubin's rules with the Barnard–Rubin degrees of freedom: the responder "
            f"percentage (within-imputation variance p(1 − p)/N; t interval, clipped to "
            f"0–100%), differences in means (t-test standard errors) and Hodges–Lehmann shifts "
            f"(standard error from the large-sample interval); P-values are pooled Wald t "
            f"tests. Group summaries vary between imputations and are not shown.",
        ),
        Footnote(
            "",
            "Tipping point: the responder rate if k of the patients whose response is not "
            "recorded respond, for every k (k = 0 is NRI); the conclusion is the completers' "
            f"rate and {level:.0%} CI, or the side of the study's reference rate on which "
            "the CI lies; the responder cell shows the first rate that changes it.",
        ),
    ]
    if circular:
        notes.append(circular_footnote(study))
    return tuple(notes)


def dropout_analysis(
    eligible: pl.DataFrame, study: Study, options: ExtendedOptions | None = None
) -> DropoutResult:
    """Table S9: responders and Table 3/5 differences under every dropout rule.

    Parameters
    ----------
    eligible : polars.DataFrame
        :func:`painresponse.cohort.eligible_patients` of the study's data: every patient
        past eligibility, with ``_group`` and ``_not_analysed``.
    study : Study
        The study definition.
    options : ExtendedOptions, optional
        Defaults to ``study.extended`` (the rule, imputations, seed, reason column).

    Returns
    -------
    DropoutResult
        The table (one block per rule: its responder rate and group sizes, then the
        Table 3/5 rows it changes; a tipping-point line), the messages, and the data
        behind it. Without patients lacking follow-up, one line says the rules coincide.

    Examples
    --------
    >>> from painresponse.tables.supplementary._demo import demo_eligible
    >>> eligible, study = demo_eligible()
    >>> res = dropout_analysis(eligible, study)
    >>> [(r.variable, r.cell("responders").count, r.cell("responders").total)
    ...  for r in res.table.rows if r.variable in ("completers", "nri", "bocf")
    ...  and r.kind == "header"]
    [('completers', 41, 84), ('nri', 41, 87), ('bocf', 41, 87)]
    """
    opts = options or study.extended
    level = opts.conf_level
    patients = _patients(eligible, study, opts)
    labels = patients.labels
    columns = _columns(labels, level)
    completers = _completers(patients)
    messages: list[str] = []
    if not patients.dropout.any():
        rate = _rate(completers, labels, level)
        text = (
            "No eligible patient lacks follow-up: completers, NRI, BOCF, LOCF, modified BOCF "
            "and multiple imputation coincide."
        )
        row = Row("all_rules", "All rules", None, "single", {"responders": rate, "note": Text(text)})
        table = Table(KEY, SPEC.number, SPEC.title, columns, (row,), _footnotes(study, opts, level, False)[:1])
        return DropoutResult(table, (), {"completers": completers})
    series = _series(study)
    reference = {s.level: _distributions(s, completers, labels) for s in series}
    rows: list[Row] = []
    shown: dict[str, RuleData] = {}
    dropouts = int(patients.dropout.sum())
    how_mbocf, mbocf_note = _reasons(patients)
    for rule in RULES:
        primary = rule == opts.dropout_rule
        if rule == "mi":
            pooled = _multiple_imputation(patients, series, level)
            messages += pooled.messages
            header = _header(rule, None, labels, level, primary, pooled.note)
            if pooled.rate is not None:
                total = int(pooled.datasets[0].included.sum())
                header.cells["responders"] = _pooled_rate_cell(pooled.rate, total, level)
            rows += [header, *pooled.rows]
            continue
        if rule == "mbocf" and how_mbocf is None:
            rows.append(_header(rule, None, labels, level, primary, mbocf_note))
            messages.append(f"Table S9, modified BOCF {mbocf_note}.")
            continue
        data = {
            "completers": lambda: completers,
            "nri": lambda: _nri(patients),
            "bocf": lambda: _carried(patients, np.where(patients.dropout, "bocf", None), "bocf"),
            "locf": lambda: _carried(patients, np.where(patients.dropout, "locf", None), "locf"),
            "mbocf": lambda: _carried(patients, how_mbocf, "mbocf"),  # type: ignore[arg-type]
        }[rule]()
        twin = next((k for k, d in shown.items() if k != "completers" and data.same_as(d)), None)
        note = _rule_note(rule, patients, dropouts, mbocf_note)
        if twin is not None:
            note += f"; the same groups and values as {rule_name(twin)} (rows not repeated)"
        rows.append(_header(rule, data, labels, level, primary, note))
        shown[rule] = data
        if twin is not None:
            continue
        name = rule_name(rule)
        for s in series:
            first, second = _distributions(s, data, labels)
            ref_first, ref_second = reference[s.level]
            if rule != "completers" and _same(first, ref_first) and _same(second, ref_second):
                continue
            rows.append(_comparison_row(rule, name, s, study, first, second))
    tip_row, tipping = _tipping(patients, _rate(completers, labels, level), level)
    rows.append(tip_row)
    circular = any(isinstance(r.cells.get("p"), PValue) and r.cells["p"].defines_groups for r in rows)  # type: ignore[union-attr]
    table = Table(KEY, SPEC.number, SPEC.title, columns, tuple(rows), _footnotes(study, opts, level, circular))
    return DropoutResult(
        table=table,
        messages=tuple(dict.fromkeys(messages)),
        rules=shown,
        imputations=tuple(pooled.datasets),
        pooled_rate=pooled.rate,
        tipping=tipping,
        dropouts=dropouts,
    )


def _rule_note(rule: str, patients: _Patients, dropouts: int, mbocf_note: str) -> str:
    unknown = int((patients.dropout & (patients.observed == None)).sum())  # noqa: E711
    them = f"{dropouts} patient{'s' if dropouts != 1 else ''} without follow-up"
    if rule == "completers":
        return f"{them} left out"
    if rule == "nri":
        return f"{them}: {unknown} with the response not recorded counted as non-responders"
    if rule == "bocf":
        return f"{them}: baseline scores carried forward"
    if rule == "locf":
        return f"{them}: last recorded scores carried forward"
    return f"{them}: {mbocf_note}"


def dropout_methods_sentence(options: ExtendedOptions, table: str = "S9") -> str:
    """The methods paragraph's sentence on patients without follow-up.

    Parameters
    ----------
    options : ExtendedOptions
        The primary rule, imputations, seed and reason column.
    table : str
        The printed number of the dropout table.

    Returns
    -------
    str
        One or two sentences, in words.

    Examples
    --------
    >>> print(dropout_methods_sentence(ExtendedOptions()))  # doctest: +ELLIPSIS
    Patients without follow-up were left out of the analysis (completers), as in the published study...
    """
    primary = options.dropout_rule
    if primary == "completers":
        first = (
            "Patients without follow-up were left out of the analysis (completers), as in the "
            "published study."
        )
    else:
        first = (
            f"The study's primary rule for patients without follow-up is "
            f"{rule_name(primary).lower().replace('nri', 'NRI').replace('bocf', 'BOCF').replace('locf', 'LOCF').replace('mice', 'MICE')} "
            f"(Table {table}); Tables 1–5 analyse completers, as the published study did."
        )
    mbocf = (
        "modified BOCF (baseline carried forward after an adverse event, last observation "
        "otherwise), "
        if options.dropout_reason_column
        else ""
    )
    second = (
        f"As a sensitivity analysis (Table {table}), the responder rate and the between-group "
        f"differences of Tables 3 and 5 were recomputed with non-responder imputation, "
        f"baseline and last observation carried forward, {mbocf}and multiple imputation by "
        f"chained equations (predictive mean matching on the patients' characteristics and "
        f"every outcome at every time point; {options.imputations} imputations, seed "
        f"{options.imputation_seed}; statsmodels) pooled by Rubin's rules, with a tipping-point "
        f"analysis of the responder rate."
    )
    return f"{first} {second}"
