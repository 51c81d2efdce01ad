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
* **Modified BOCF** (Liu-Seifert et al. 2010): BOCF for patients who left for a
  treatment-related reason (an adverse event or lack of efficacy), LOCF for the others; it
  needs the reason, so it is shown only when the study file names a dropout-reason column
  (``extended.dropout_reason_column``; the values counted as treatment-related in
  ``extended.dropout_bocf_reasons``). A reason not recorded is treated as
  treatment-related (BOCF, the conservative choice).
* **Multiple imputation**: chained equations (statsmodels ``MICEData``: a linear model per
  variable on every other variable, parameters drawn from their posterior, predictive mean
  matching with 5 donors, 10 cycles per chain, one seeded chain per imputation) on the
  study's characteristics and every outcome's score at every time; each completed data set
  is classified by the study's rule and analysed like the others; estimates are pooled by
  Rubin's rules (Barnard–Rubin degrees of freedom). The responder rate's within-imputation
  variance is p(1 − p)/N and its interval the pooled t interval (clipped to 0–100 %); a
  difference in means uses its t-test standard error, a Hodges–Lehmann shift the standard
  error implied by its large-sample interval (half-width / 1.96). P-values under MI come
  from the same test as the other lines, in its large-sample form in each completed data
  set, the chi-square statistics pooled by the D2 rule (Li, Meng, Raghunathan & Rubin 1991,
  as R mitml): a pooled Wald test of the difference in means would test another
  hypothesis than the rank-sum p-values beside it (on the demo's baseline pain, 0.26
  against 0.77–0.89).

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

import dataclasses
import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.imputation import TippingPoint, responder_tipping_point
from painresponse.stats.proportions import wilson_interval
from painresponse.study import ExtendedOptions, Study
from painresponse.tables.circularity import CIRCULAR_MARK, circular_footnote, guard
from painresponse.tables.effects import between_effect
from painresponse.tables.frequencies import Distribution
from painresponse.tables.model import (
    Cell,
    Column,
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
from painresponse.tables.supplementary._dropout_rules import (
    Patients,
    RuleData,
    Series,
    completers,
    distributions,
    modified_bocf,
    patients_of,
    rule_data,
    same_distribution,
    series_of,
)
from painresponse.tables.supplementary._imputation import CYCLES, DONORS, multiple_imputation
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

RULES = ("completers", "nri", "bocf", "locf", "mbocf", "mi")
"""The rules, in the table's order."""
_NAMES = {
    "completers": "Completers (published analysis)",
    "nri": "Non-responder imputation (NRI)",
    "bocf": "Baseline observation carried forward (BOCF)",
    "locf": "Last observation carried forward (LOCF)",
    "mbocf": "Modified BOCF (mBOCF)",
    "mi": "Multiple imputation (MICE)",
}


def rule_name(rule: str) -> str:
    """The rule's name in words (``"nri"`` → ``"Non-responder imputation (NRI)"``)."""
    return _NAMES[rule]


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


# ---- cells and rows -------------------------------------------------------------------------


def _group_key(label: str) -> str:
    return f"group:{label}"


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


def _rate(data: RuleData, labels: tuple[str, str], level: float) -> Proportion:
    """Responders/N with the Wilson interval."""
    total = int(data.included.sum())
    count = data.count(labels[0])
    low, high = wilson_interval(count, total, level)
    return Proportion(count, total, count / total if total else math.nan, low, high)


def _pooled_rate(rate: TestResult, total: int, level: float) -> EstimateCI:
    """The pooled responder percentage with its interval (clipped to 0–100 %)."""
    estimate = 100.0 * float(rate.estimate if rate.estimate is not None else math.nan)
    low = 100.0 * max(0.0, float(rate.ci_low if rate.ci_low is not None else math.nan))
    high = 100.0 * min(1.0, float(rate.ci_high if rate.ci_high is not None else math.nan))
    return EstimateCI(
        estimate, low, high, digits=1, conf_level=level, what="pooled responder percentage",
        method=rate.method, n=total,
    )  # fmt: skip


def _header(
    rule: str,
    primary: bool,
    note: str,
    cells: dict[str, Cell] | None = None,
) -> Row:
    """A rule's line: its responder rate, the size of each group it makes, a note."""
    out: dict[str, Cell] = dict(cells or {})
    if note:
        out["note"] = Text(note)
    name = rule_name(rule) + (" — primary rule" if primary else "")
    return Row(rule, name, None, "header", out)


def _rule_cells(data: RuleData, labels: tuple[str, str], level: float) -> dict[str, Cell]:
    cells: dict[str, Cell] = {"responders": _rate(data, labels, level)}
    for label in labels:
        cells[_group_key(label)] = Number(data.count(label), 0)
    return cells


def _comparison_row(
    rule: str, s: Series, study: Study, first: Distribution, second: Distribution
) -> Row:
    """A Table 3/5 row under one rule: summaries by group, difference, P-value."""
    yes, no = study.group_labels()
    digits = s.outcome.digits
    test = between_groups_numeric(first, second, s.outcome.kind, study, None)
    cells: dict[str, Cell] = {
        _group_key(yes): summarise(first, s.display, digits, s.iqr_style),
        _group_key(no): summarise(second, s.display, digits, s.iqr_style),
        "effect": between_effect(first, second, s.display, study, None, digits),
        "p": guard(test, study, s.outcome.key, s.times),
    }
    n = {_group_key(yes): first.n, _group_key(no): second.n}
    return Row(rule, rule_name(rule), s.level, "level", cells, n)


def _paper_row(paper: Mapping[str, Table], s: Series, study: Study) -> Row | None:
    """The completers' row as Table 3 or 5 already computed it (None: not there, or the
    table was built without its difference column)."""
    table = paper.get("table3" if len(s.times) == 1 else "table5")
    if table is None:
        return None
    level = "–".join(study.time(t).label for t in s.times)
    found = next(
        (r for r in table.rows
         if r.variable == s.outcome.key and r.level == level and r.kind == "level"),
        None,
    )  # fmt: skip
    yes, no = study.group_labels()
    keys = (_group_key(yes), _group_key(no), "effect", "p")
    if found is None or not all(k in found.cells for k in keys):
        return None
    cells = {k: found.cells[k] for k in keys}
    test = cells["p"]
    if isinstance(test, PValue):  # S9's P-values are unadjusted, as its other lines
        cells["p"] = dataclasses.replace(test, adjusted=None, adjustment=None, adjusted_apart=False)
    n = {k: v for k, v in found.n.items() if k in keys}
    return Row("completers", rule_name("completers"), s.level, "level", cells, n)


def _marked(rows: list[Row], style: str) -> tuple[list[Row], list[Footnote]]:
    """A footnote letter per test method (and † on the circular comparisons)."""
    letters: dict[str, str] = {}
    out = []
    for row in rows:
        cells = dict(row.cells)
        for key, cell in cells.items():
            if isinstance(cell, PValue):
                method = cell.result.method
                if method not in letters:
                    letters[method] = string.ascii_lowercase[len(letters) % 26]
                marker = letters[method] + (f",{CIRCULAR_MARK}" if cell.defines_groups else "")
                cells[key] = dataclasses.replace(cell, marker=marker, style=style)
        out.append(dataclasses.replace(row, cells=cells))
    return out, [Footnote(letter, method) for method, letter in letters.items()]


# ---- tipping point --------------------------------------------------------------------------


def _tipping(
    patients: Patients, completers_rate: Proportion, level: float
) -> tuple[Row, TippingPoint | None]:
    yes = patients.labels[0]
    unknown = patients.unknown
    known = (patients.analysed | patients.dropout) & ~unknown
    responders = int(np.sum(known & (patients.observed == yes)))
    try:
        tp = responder_tipping_point(
            responders, int(known.sum()), int(unknown.sum()),
            (completers_rate.count, completers_rate.total),
            patients.options.dropout_reference_rate, level,
        )  # fmt: skip
    except StatisticsError as exc:
        cells: dict[str, Cell] = {"note": Text(f"not computed: {exc}")}
        return Row("tipping_point", "Tipping point", None, "single", cells), None
    cells = {"note": Text(_tipping_words(tp, level))}
    k = tp.changes_at_most if tp.changes_at_most is not None else tp.changes_at_least
    if k is not None:
        low, high = tp.intervals[k]
        cells["responders"] = Proportion(tp.responders + k, tp.total, tp.rates[k], low, high)
    return Row("tipping_point", "Tipping point", None, "single", cells), tp


def _tipping_words(tp: TippingPoint, level: float) -> str:
    """The tipping-point line in words (counts only; the rates are in the cells)."""
    m, r, n = tp.missing, tp.responders, tp.total
    r_c, n_c = tp.completers
    if m == 0:
        return "Every included patient's response is recorded: nothing to tip."
    who = f"of the {m} patient{'s' if m != 1 else ''} whose response is not recorded"
    if tp.reaches_completers is not None:
        reach = (
            f"{tp.reaches_completers} {who} would have to respond for the rate to reach "
            f"the completers' {r_c}/{n_c}"
        )
    else:
        reach = (
            f"Even if all {m} {who[7:]} responded, the rate would stay below the "
            f"completers' {r_c}/{n_c}"
        )
    span = f"the rate ranges from {r}/{n} (none respond) to {r + m}/{n} (all respond)"
    if tp.reference is None:
        what = f"the completers' {level:.0%} CI"
        words = {"below": "below the completers' CI", "above": "above the completers' CI",
                 "inside": "inside the completers' CI"}  # fmt: skip
    else:
        ref = f"{100 * tp.reference:g}%"
        own = {"below": "lies below", "above": "lies above", "inside": "contains"}[
            tp.completers_side
        ]
        what = (
            f"the conclusion against the reference rate {ref} "
            f"(the completers' {level:.0%} CI {own} it)"
        )
        words = {"below": f"the CI below {ref}", "above": f"the CI above {ref}",
                 "inside": f"the CI containing {ref}"}  # fmt: skip
    changes = []
    if tp.changes_at_most is not None:
        changes.append(
            f"if at most {tp.changes_at_most} respond ({words[tp.sides[tp.changes_at_most]]})"
        )
    if tp.changes_at_least is not None:
        changes.append(
            f"if at least {tp.changes_at_least} respond ({words[tp.sides[tp.changes_at_least]]})"
        )
    if tp.reference is None:
        verdict = (
            "the rate leaves " + what + " " + " or ".join(changes)
            if changes
            else f"whatever number respond, the rate stays inside {what}"
        )
    else:
        verdict = (
            what + " changes " + " or ".join(changes)
            if changes
            else f"whatever number respond, {what} does not change"
        )
    return f"{reach}; {span}; {verdict}."


def _footnotes(
    study: Study, options: ExtendedOptions, level: float, circular: bool
) -> tuple[Footnote, ...]:
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
            f"BOCF: BOCF after a treatment-related reason for leaving (adverse event, lack of "
            f"efficacy; or a reason not recorded), LOCF otherwise. "
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
            f"(standard error from the large-sample interval). P-values: the row's test (its "
            f"large-sample form) in each completed data set, its statistics pooled by the D2 "
            f"rule (Li et al. 1991). Group summaries vary between imputations and are not "
            f"shown.",
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
    eligible: pl.DataFrame,
    study: Study,
    options: ExtendedOptions | None = None,
    paper: Mapping[str, Table] | None = None,
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
    paper : mapping of str to Table, optional
        The paper's tables already built; the completers' rows are then Table 3's and
        Table 5's own cells (with their difference column) instead of being recomputed.

    Returns
    -------
    DropoutResult
        The table (one block per rule: its responder rate and group sizes, then the
        Table 3/5 rows it changes; a tipping-point line), the messages, and the data
        behind it. Without patients lacking follow-up, one line says the rules coincide.

    Examples
    --------
    >>> from painresponse.cohort import eligible_patients
    >>> from painresponse.io.readers import read_table
    >>> from painresponse.io.validation import validate
    >>> from painresponse.study import load_study
    >>> from painresponse.synth import default_cohort_path
    >>> study = load_study()
    >>> eligible = eligible_patients(validate(read_table(default_cohort_path()), study), study)
    >>> res = dropout_analysis(eligible, study)
    >>> [(r.variable, r.cell("responders").count, r.cell("responders").total)
    ...  for r in res.table.rows if r.kind == "header" and r.variable in ("completers", "nri")]
    [('completers', 41, 84), ('nri', 41, 87)]
    """
    opts = options or study.extended
    level = opts.conf_level
    patients = patients_of(eligible, study, opts)
    labels = patients.labels
    columns = _columns(labels, level)
    published = completers(patients)
    published_rate = _rate(published, labels, level)
    if not patients.dropout.any():
        text = (
            "No eligible patient lacks follow-up: completers, NRI, BOCF, LOCF, modified BOCF "
            "and multiple imputation coincide."
        )
        cells: dict[str, Cell] = {"responders": published_rate, "note": Text(text)}
        row = Row("all_rules", "All rules", None, "single", cells)
        notes = _footnotes(study, opts, level, False)[:1]
        table = Table(KEY, SPEC.number, SPEC.title, columns, (row,), notes)
        return DropoutResult(table, (), {"completers": published})
    series = series_of(study)
    reference = {s.level: distributions(s, published, labels) for s in series}
    dropouts = int(patients.dropout.sum())
    how_mbocf, mbocf_note = modified_bocf(patients)
    messages: list[str] = []
    rows: list[Row] = []
    shown: dict[str, RuleData] = {}
    for rule in RULES[:-1]:
        primary = rule == opts.dropout_rule
        if rule == "mbocf" and how_mbocf is None:
            rows.append(_header(rule, primary, mbocf_note))
            messages.append(f"Table S9, modified BOCF {mbocf_note}.")
            continue
        data = rule_data(rule, patients, how_mbocf)
        twin = next((k for k, d in shown.items() if k != "completers" and data.same_as(d)), None)
        note = _rule_note(rule, patients, dropouts, mbocf_note)
        if twin is not None:
            note += f"; the same groups and values as {rule_name(twin)} (rows not repeated)"
        rows.append(_header(rule, primary, note, _rule_cells(data, labels, level)))
        shown[rule] = data
        if twin is not None:
            continue
        for s in series:
            first, second = distributions(s, data, labels)
            ref_first, ref_second = reference[s.level]
            unchanged = same_distribution(first, ref_first) and same_distribution(
                second, ref_second
            )
            if rule == "completers":
                reused = _paper_row(paper or {}, s, study)
                rows.append(reused or _comparison_row(rule, s, study, first, second))
            elif not unchanged:
                rows.append(_comparison_row(rule, s, study, first, second))
    pooled = multiple_imputation(patients, series, level, rule_name("mi"))
    messages += pooled.messages
    mi_cells: dict[str, Cell] = {}
    if pooled.rate is not None:
        total = int(pooled.datasets[0].included.sum())
        mi_cells["responders"] = _pooled_rate(pooled.rate, total, level)
    rows += [_header("mi", opts.dropout_rule == "mi", pooled.note, mi_cells), *pooled.rows]
    tip_row, tipping = _tipping(patients, published_rate, level)
    rows.append(tip_row)
    rows, test_notes = _marked(rows, study.tests.p_style)
    circular = any(
        isinstance(c, PValue) and c.defines_groups for r in rows for c in r.cells.values()
    )
    notes = (*_footnotes(study, opts, level, circular), *test_notes)
    return DropoutResult(
        table=Table(KEY, SPEC.number, SPEC.title, columns, tuple(rows), notes),
        messages=tuple(dict.fromkeys(messages)),
        rules=shown,
        imputations=tuple(pooled.datasets),
        pooled_rate=pooled.rate,
        tipping=tipping,
        dropouts=dropouts,
    )


def _rule_note(rule: str, patients: Patients, dropouts: int, mbocf_note: str) -> str:
    unknown = int(patients.unknown.sum())
    them = f"{dropouts} patient{'s' if dropouts != 1 else ''} without follow-up"
    if rule == "completers":
        zero = patients.baseline_zero
        if zero:
            return f"{them} left out; {zero} with a baseline of 0 left out of every rule"
        return f"{them} left out"
    if rule == "nri":
        return f"{them}: {unknown} with the response not recorded counted as non-responders"
    if rule == "bocf":
        return f"{them}: baseline scores carried forward"
    if rule == "locf":
        return f"{them}: last recorded scores carried forward"
    return f"{them}: {mbocf_note}"


_PHRASES = {
    "nri": "non-responder imputation (NRI)",
    "bocf": "baseline observation carried forward (BOCF)",
    "locf": "last observation carried forward (LOCF)",
    "mbocf": "modified BOCF",
    "mi": "multiple imputation",
}


def dropout_methods_sentence(options: ExtendedOptions, table: str = "S9") -> str:
    """The methods paragraph's sentences on patients without follow-up.

    Parameters
    ----------
    options : ExtendedOptions
        The primary rule, imputations, seed and reason column.
    table : str
        The printed number of the dropout table.

    Returns
    -------
    str
        Two sentences: the primary rule, then the sensitivity analysis.

    Examples
    --------
    >>> dropout_methods_sentence(ExtendedOptions()).split(". ")[0][:60]
    'Patients without follow-up were left out of the analysis (co'
    """
    primary = options.dropout_rule
    if primary == "completers":
        first = (
            "Patients without follow-up were left out of the analysis (completers), as in the "
            "published study."
        )
    else:
        first = (
            f"The study's primary rule for patients without follow-up is {_PHRASES[primary]} "
            f"(Table {table}); Tables 1–5 analyse completers, as the published study did."
        )
    mbocf = (
        "modified BOCF (baseline carried forward after a treatment-related reason for "
        "leaving, last observation otherwise), "
        if options.dropout_reason_column
        else ""
    )
    second = (
        f"As a sensitivity analysis (Table {table}), the responder rate and the between-group "
        f"differences of Tables 3 and 5 were recomputed with non-responder imputation, "
        f"baseline and last observation carried forward, {mbocf}and multiple imputation by "
        f"chained equations (predictive mean matching on the patients' characteristics and "
        f"every outcome at every time point; {options.imputations} imputations, seed "
        f"{options.imputation_seed}; statsmodels), pooled by Rubin's rules, with a "
        f"tipping-point analysis of the responder rate."
    )
    return f"{first} {second}"
