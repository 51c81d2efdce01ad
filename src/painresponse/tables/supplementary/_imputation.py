"""Multiple imputation in Table S9: the imputation model and the pooled rows.

Chained equations and Rubin's rules are pure array functions
(:mod:`painresponse.stats.imputation`); this module decides what is imputed from (the
study's characteristics of Tables 1–3 and every outcome's score at every time point, for
the patients the dropout rules concern), classifies each completed data set by the study's
responder rule, and pools each Table 3/5 row's difference.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.imputation import (
    ImputationRun,
    chained_imputations,
    chi_square_from_pvalue,
    normal_quantile,
    pool_chi_square,
    rubin_pool,
)
from painresponse.study import Study
from painresponse.tables.circularity import guard
from painresponse.tables.effects import shift_from_counts
from painresponse.tables.frequencies import Distribution
from painresponse.tables.model import Cell, EstimateCI, PValue, Row, Text
from painresponse.tables.supplementary._dropout_rules import (
    Patients,
    RuleData,
    Series,
    classify,
    distributions,
    grouped,
)
from painresponse.tables.tests_run import between_groups_numeric

__all__ = ["CYCLES", "DONORS", "ImputationModel", "Pooled", "imputation_model", "impute",
           "multiple_imputation"]  # fmt: skip

#: Chained-equation cycles per chain (statsmodels' default burn-in; R mice's maxit is 5).
CYCLES = 10
#: Donors of predictive mean matching (R mice's default).
DONORS = 5

Scores = dict[tuple[str, str], NDArray[np.float64]]


@dataclass(frozen=True)
class ImputationModel:
    """The numeric matrix imputed, and what each column is.

    Attributes
    ----------
    matrix : numpy.ndarray
        (patients, columns); NaN = not recorded.
    names : tuple of str
        Each column in words (``"age"``, ``"sex = Female"``, ``"pain T1"``).
    targets : dict
        (outcome key, time key) -> column of that score.
    relief : int or None
        Column of the responder rule's relief column, if the rule uses one.
    left_out : tuple of str
        Columns left out, with the reason (no value recorded, one value only).
    characteristics : bool
        Whether the characteristics are in the model (False: outcomes only, when there are
        too few patients for the full model).
    """

    matrix: NDArray[np.float64]
    names: tuple[str, ...]
    targets: dict[tuple[str, str], int]
    relief: int | None
    left_out: tuple[str, ...]
    characteristics: bool


def _characteristic_columns(
    frame: pl.DataFrame, study: Study
) -> tuple[list[str], list[NDArray[np.float64]], list[str]]:
    """Numbers for each characteristic: numeric as is, ordinal as its rank, categorical as
    indicators of every observed level but the first (the reference)."""
    names: list[str] = []
    columns: list[NDArray[np.float64]] = []
    left_out: list[str] = []
    for variable in study.variables:
        if variable.column not in frame.columns:
            continue
        series = frame[variable.column]
        if series.dtype.is_numeric():
            values = series.cast(pl.Float64).fill_null(np.nan).to_numpy().astype(float)
            names.append(variable.key)
            columns.append(values)
            continue
        text = [None if v is None else str(v) for v in series.to_list()]
        levels = variable.allowed_values() or sorted({v for v in text if v is not None})
        if variable.kind == "ordinal":
            rank = {level: float(i) for i, level in enumerate(levels)}
            names.append(variable.key)
            columns.append(np.array([rank.get(v, np.nan) if v else np.nan for v in text]))
            continue
        seen = [level for level in levels if level in set(text)]
        if len(seen) < 2:
            left_out.append(f"{variable.key} (one level recorded)")
            continue
        for level in seen[1:]:
            names.append(f"{variable.key} = {level}")
            columns.append(np.array([np.nan if v is None else float(v == level) for v in text]))
    return names, columns, left_out


def imputation_model(
    frame: pl.DataFrame,
    study: Study,
    scores: Scores,
    relief: NDArray[np.float64] | None,
    characteristics: bool = True,
) -> ImputationModel:
    """The matrix to impute: characteristics, then each outcome's score at each time.

    Parameters
    ----------
    frame : polars.DataFrame
        The patients the dropout rules concern (their characteristics' columns).
    study : Study
        The study definition (characteristics, outcomes).
    scores : dict
        (outcome key, time key) -> the score of every patient (NaN = not recorded).
    relief : numpy.ndarray or None
        The relief column of a ``relief_column`` responder rule.
    characteristics : bool
        Include the characteristics (False: outcomes only).

    Returns
    -------
    ImputationModel
        Columns with no recorded value, or a characteristic with one value only, are left
        out and named in ``left_out``.
    """
    names: list[str] = []
    columns: list[NDArray[np.float64]] = []
    left_out: list[str] = []
    if characteristics:
        names, columns, left_out = _characteristic_columns(frame, study)
        keep = [i for i, c in enumerate(columns) if np.unique(c[~np.isnan(c)]).size > 1]
        left_out += [f"{names[i]} (one value recorded)" for i in range(len(names)) if i not in keep]
        names = [names[i] for i in keep]
        columns = [columns[i] for i in keep]
    targets: dict[tuple[str, str], int] = {}
    for (outcome, time), values in scores.items():
        label = f"{study.outcome(outcome).label} {study.time(time).label}"
        if np.isnan(values).all():
            left_out.append(f"{label} (not recorded)")
            continue
        targets[(outcome, time)] = len(columns)
        names.append(label)
        columns.append(np.asarray(values, dtype=float))
    relief_at = None
    if relief is not None and not np.isnan(relief).all():
        relief_at = len(columns)
        names.append("relief")
        columns.append(np.asarray(relief, dtype=float))
    matrix = np.column_stack(columns) if columns else np.empty((frame.height, 0))
    return ImputationModel(
        matrix, tuple(names), targets, relief_at, tuple(left_out), characteristics
    )


def impute(
    frame: pl.DataFrame,
    study: Study,
    scores: Scores,
    relief: NDArray[np.float64] | None,
    m: int,
    seed: int,
) -> tuple[ImputationRun, ImputationModel, list[str]]:
    """Impute ``m`` times; with too few patients for the full model, from the outcomes only.

    Returns
    -------
    run : ImputationRun
        The completed matrices, or the reason there are none.
    model : ImputationModel
        The model that was used.
    notes : list of str
        What a reader must know (columns left out, the smaller model), in words.
    """
    model = imputation_model(frame, study, scores, relief)
    run = chained_imputations(model.matrix, m, seed, cycles=CYCLES, donors=DONORS)
    notes: list[str] = []
    if run.message and run.message.startswith("too few patients"):
        notes.append(f"{run.message}: imputed from the outcomes only")
        model = imputation_model(frame, study, scores, relief, characteristics=False)
        run = chained_imputations(model.matrix, m, seed, cycles=CYCLES, donors=DONORS)
    if model.left_out:
        notes.append("left out of the imputation model: " + ", ".join(model.left_out))
    notes += list(run.notes)
    return run, model, notes


# ---- the completed data sets and their pooled rows -------------------------------------------


def _completed(patients: Patients, run: ImputationRun, model: ImputationModel) -> list[RuleData]:
    """One RuleData per completed data set: the dropouts' missing scores imputed, their
    response given by the study's rule on the completed scores."""
    study = patients.study
    rule = study.responder
    outcome = study.outcome(rule.outcome)
    included = patients.analysed | patients.dropout
    relief = None
    if rule.relief_column is not None:
        relief = patients.frame[rule.relief_column].cast(pl.Float64).fill_null(np.nan).to_numpy()
    out = []
    for completed in run.completed:
        scores = {}
        for key, values in patients.scores.items():
            filled = values.copy()
            if key in model.targets:
                fill = patients.dropout & np.isnan(values)
                filled[fill] = completed[fill, model.targets[key]]
            scores[key] = filled
        columns = {
            outcome.raw_columns(t)[0]: scores[(outcome.key, t)]
            for t in (rule.baseline, rule.follow_up)
        }
        if rule.relief_column is not None and relief is not None:
            filled_relief = relief.astype(float).copy()
            if model.relief is not None:
                fill = patients.dropout & np.isnan(filled_relief)
                filled_relief[fill] = completed[fill, model.relief]
            columns[rule.relief_column] = filled_relief
        frame = pl.DataFrame([pl.Series(c, v).fill_nan(None) for c, v in columns.items()])
        labels = np.where(patients.dropout, classify(frame, study), patients.observed)
        out.append(RuleData("mi", included, grouped(patients, included, labels), scores))
    return out


def estimate_and_variance(
    first: Distribution, second: Distribution, display: str, study: Study
) -> tuple[float, float]:
    """A row's difference and its squared standard error in one completed data set.

    Rows shown as mean ± SD: the difference in means and its t-test standard error
    (Student's or Welch's as the study says). Otherwise the Hodges–Lehmann shift and the
    standard error implied by its large-sample interval (half-width / z).
    """
    if display == "mean_sd":
        from painresponse.stats.means import ttest_ind_from_stats

        res = ttest_ind_from_stats(
            first.mean(), first.sd(), first.n, second.mean(), second.sd(), second.n,
            equal_var=study.analysis.equal_var,
        )  # fmt: skip
        if res.estimate is None:
            raise StatisticsError("no difference in means")
        return float(res.estimate), float(res.details["se"]) ** 2
    res = shift_from_counts(first, second, method="asymptotic")
    if res.estimate is None or res.ci_low is None or res.ci_high is None:
        raise StatisticsError("no Hodges–Lehmann interval")
    half = (res.ci_high - res.ci_low) / 2.0
    return float(res.estimate), (half / normal_quantile(res.conf_level or 0.95)) ** 2


def _asymptotic(study: Study) -> Study:
    """The study with large-sample rank tests (the statistic D2 pools is a chi-square)."""
    analysis = study.analysis.model_copy(update={"exact": "asymptotic"})
    tests = study.tests.model_copy(update={"preset": "exact"})
    return study.model_copy(update={"analysis": analysis, "tests": tests})


@dataclass(frozen=True)
class Pooled:
    """Multiple imputation's part of Table S9.

    Attributes
    ----------
    rate : TestResult or None
        The pooled responder proportion (None when the imputation failed).
    rows : list of Row
        One per Table 3/5 row: the pooled difference and the D2 p-value.
    note : str
        The rule line's note (imputations, seed; or why there is no result).
    messages : list of str
        What a reader must know, in words.
    datasets : list of RuleData
        Each completed data set.
    run : ImputationRun or None
        The imputation itself.
    model : ImputationModel or None
        What was imputed from.
    """

    rate: TestResult | None
    rows: list[Row]
    note: str
    messages: list[str]
    datasets: list[RuleData]
    run: ImputationRun | None
    model: ImputationModel | None = None


def _pooled_row(
    s: Series, datasets: list[RuleData], patients: Patients, level: float, name: str
) -> Row:
    study = patients.study
    pairs = [distributions(s, d, patients.labels) for d in datasets]
    n_row = pairs[0][0].n + pairs[0][1].n
    try:
        q, u = zip(*(estimate_and_variance(a, b, s.display, study) for a, b in pairs), strict=True)
        pooled = rubin_pool(q, u, max(n_row - 2, 1), level, "pooled difference")
    except StatisticsError as exc:
        return Row("mi", name, s.level, "level", {"effect": Text(f"not estimable: {exc}")})
    large_sample = _asymptotic(study)
    tests = [between_groups_numeric(a, b, s.outcome.kind, large_sample, None) for a, b in pairs]
    cells: dict[str, Cell] = {}
    what = "difference in means" if s.display == "mean_sd" else "Hodges–Lehmann shift"
    cells["effect"] = EstimateCI(
        float(pooled.estimate or math.nan), float(pooled.ci_low or math.nan),
        float(pooled.ci_high or math.nan), digits=s.outcome.digits, conf_level=level,
        what=f"{what}, pooled over {len(datasets)} imputations", method=pooled.method, n=n_row,
    )  # fmt: skip
    try:
        d2 = pool_chi_square([chi_square_from_pvalue(t.result.pvalue) for t in tests])
        method = f"{tests[0].result.method}, pooled over the imputations by the D2 rule"
        d2 = dataclasses.replace(d2, method=method, n=(n_row,))
        reason = "the row's test in each completed data set, pooled by the D2 rule"
        cells["p"] = guard(PValue(d2, reason), study, s.outcome.key, s.times)
    except StatisticsError as exc:
        cells["p"] = Text(f"not computed: {exc}")
    return Row("mi", name, s.level, "level", cells, {"effect": n_row})


def multiple_imputation(
    patients: Patients, series: list[Series], level: float, name: str
) -> Pooled:
    """Impute the patients without follow-up ``options.imputations`` times and pool.

    Parameters
    ----------
    patients : Patients
        The patients the dropout rules concern.
    series : list of Series
        The Table 3/5 rows to pool.
    level : float
        Confidence level.
    name : str
        The rule's name (row label).

    Returns
    -------
    Pooled
        The pooled responder proportion, one row per series, and the note; never an
        exception: a model that cannot be fitted gives a note and a message instead.
    """
    study, options = patients.study, patients.options
    if study.outcome(study.responder.outcome).summary != "value":
        msg = "not available: the responder outcome is not a single score"
        return Pooled(None, [], msg, [f"Table S9, multiple imputation: {msg}."], [], None)
    relief = None
    if study.responder.relief_column is not None:
        column = patients.frame[study.responder.relief_column]
        relief = column.cast(pl.Float64).fill_null(np.nan).to_numpy()
    run, model, notes = impute(
        patients.frame, study, patients.scores, relief, options.imputations,
        options.imputation_seed,
    )  # fmt: skip
    stated = f"m = {run.m} imputations, seed {run.seed}"
    messages = [f"Table S9, multiple imputation: {n}." for n in notes]
    if not run.ok:
        msg = f"not estimable: {run.message}"
        messages.append(f"Table S9, multiple imputation {msg}.")
        return Pooled(None, [], f"{msg} ({stated})", messages, [], run, model)
    datasets = _completed(patients, run, model)
    total = int(datasets[0].included.sum())
    shares = np.array([d.count(patients.labels[0]) / total for d in datasets])
    rate = rubin_pool(shares, shares * (1 - shares) / total, total - 1, level,
                      "responder proportion")  # fmt: skip
    rows = []
    for s in series:
        missing = [
            t for t in s.times
            if (s.outcome.key, t) not in model.targets
            and np.isnan(patients.scores[(s.outcome.key, t)][patients.dropout]).any()
        ]  # fmt: skip
        if missing:
            rows.append(Row("mi", name, s.level, "level", {"effect": Text("not imputed")}))
            continue
        rows.append(_pooled_row(s, datasets, patients, level, name))
    note = (
        f"pooled responder percentage (Rubin's rules); {stated}; {CYCLES} cycles per chain, "
        f"predictive mean matching with {DONORS} donors"
    )
    return Pooled(rate, rows, note, messages, datasets, run, model)
