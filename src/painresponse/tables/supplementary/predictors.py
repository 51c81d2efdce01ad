"""Predictors of response: univariable and multivariable logistic regression.

Responder status (1 = responder) is regressed on each Table 1–3 characteristic (and each
outcome's baseline score), then on the study file's multivariable set. Odds ratios with
Wald intervals, as R ``exp(cbind(coef(fit), confint.default(fit)))``.

Bad input never crashes and never gives a silently wrong number: a category in which all
patients are responders (or none are) makes its odds ratio infinite (quasi-complete
separation); such rows say so in words, as do models that do not converge. Fewer than 10
events per variable earns a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy import stats as sps

from painresponse.stats._result import TestResult
from painresponse.stats.models import LogisticFit, fit_logistic
from painresponse.study import DEFAULT_MULTIVARIABLE
from painresponse.tables.model import Column, EstimateCI, Footnote, Number, PValue, Row, Table, Text
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import make_row, note_cell

__all__ = ["ForestRow", "Predictor", "predictors_table"]

SPEC = table_spec("S3")
KEY = SPEC.key
EPV_MIN = 10
#: Short enough for a number column; the footnote ``SEPARATION_NOTE`` explains it.
NOT_ESTIMABLE = "not estimable (separation)"
SEPARATION_NOTE = (
    "Not estimable (separation): the patients of this category are all responders or all "
    "non-responders, so the odds ratio is infinite."
)


@dataclass(frozen=True)
class Predictor:
    """One candidate predictor turned into design columns.

    ``columns`` maps a level label (or the variable label for a number) to its values;
    ``reference`` is the reference level of a categorical variable.
    """

    key: str
    label: str
    columns: dict[str, NDArray[np.float64]]
    reference: str | None
    unit: str = ""


@dataclass(frozen=True)
class ForestRow:
    """One odds ratio for the forest plot."""

    model: str
    label: str
    level: str | None
    odds_ratio: float
    ci_low: float
    ci_high: float
    note: str | None = None


def _predictor(data: Analysed, key: str) -> Predictor | None:
    frame = data.frame
    if ":" in key:
        outcome_key, time = key.split(":", 1)
        outcome = next((o for o in data.study.outcomes if o.key == outcome_key), None)
        if outcome is None or time not in outcome.time_keys():
            return None
        label = f"{data.outcome_label(outcome)} at {data.time_label(time)}"
        return Predictor(key, label, {label: data.values(outcome, time)}, None, "per point")
    var = next((v for v in data.study.variables if v.key == key), None)
    if var is None:
        return None
    if not var.is_categorical:
        values = frame[var.column].cast(pl.Float64).fill_null(np.nan).to_numpy()
        return Predictor(
            key, var.label, {var.label: np.asarray(values, dtype=float)}, None, "per unit"
        )
    raw = frame[var.column].cast(pl.String).to_list()
    present: list[tuple[str, NDArray[np.bool_]]] = []
    for label, gathered in var.display_levels():
        hit = np.array([r in gathered for r in raw], dtype=bool)
        if hit.any():
            present.append((label, hit))
    missing = np.array([r is None for r in raw], dtype=bool)
    if len(present) < 2:
        return Predictor(key, var.label, {}, present[0][0] if present else None)
    columns = {}
    for label, hit in present[1:]:
        col = hit.astype(float)
        col[missing] = np.nan
        columns[label] = col
    return Predictor(key, var.label, columns, present[0][0])


def _wald(b: float, se: float, n: int) -> TestResult:
    z = b / se if se > 0 else math.nan
    p = float(2 * sps.norm.sf(abs(z))) if math.isfinite(z) else math.nan
    return TestResult(
        test="logistic_wald",
        method="Wald z test of a logistic regression coefficient",
        statistic=z,
        pvalue=p,
        n=(n,),
        statistic_name="z",
        estimate=b,
        estimate_name="log odds ratio",
    )


def _cells(fit: LogisticFit, term: str, z: float, level: float, prefix: str) -> dict[str, object]:
    if term in fit.separated or "(complete separation)" in fit.separated:
        return {f"or_{prefix}": note_cell(NOT_ESTIMABLE)}
    if fit.message and not fit.separated:
        return {f"or_{prefix}": note_cell(fit.message)}
    j = fit.terms.index(term)
    b, se = float(fit.estimate[j]), float(fit.se[j])
    return {
        f"or_{prefix}": EstimateCI(
            math.exp(b),
            math.exp(b - z * se),
            math.exp(b + z * se),
            2,
            level,
            "odds ratio",
            "Wald interval (R confint.default)",
            fit.n,
        ),
        f"p_{prefix}": PValue(_wald(b, se, fit.n), "Wald test in logistic regression"),
    }


def predictors_table(data: Analysed) -> tuple[Table, list[ForestRow], list[str]]:
    """Univariable and multivariable odds ratios of response.

    Returns
    -------
    table : Table
        Key ``"tableS3_predictors"``; columns ``or_uni``/``p_uni`` and ``or_multi``/``p_multi``
        (odds ratio with Wald CI, Wald p-value); a row per number-valued characteristic,
        a header row plus one row per level (the first level is the reference) for a
        categorical one. Rows that cannot be estimated say why in words.
    forest : list of ForestRow
        Odds ratios for the forest plot.
    messages : list of str
        Events-per-variable warnings, separation and convergence problems.
    """
    opts = data.options
    y = data.responder
    level = opts.conf_level
    z = float(sps.norm.ppf(0.5 + level / 2))
    keys = list(opts.predictors) or [v.key for v in data.study.variables] + [
        f"{o.key}:{data.study.responder.baseline}"
        for o in data.study.outcomes
        if data.study.responder.baseline in o.time_keys()
    ]
    multi_keys = list(opts.multivariable) or [
        k for k in DEFAULT_MULTIVARIABLE if any(v.key == k for v in data.study.variables)
    ]
    messages: list[str] = []
    predictors: dict[str, Predictor] = {}
    for key in dict.fromkeys(keys + multi_keys):
        pred = _predictor(data, key)
        if pred is None:
            messages.append(
                f"Predictor {key!r} is not a study variable or '<outcome>:<time>'; skipped."
            )
        else:
            predictors[key] = pred
    multi_columns: dict[str, NDArray[np.float64]] = {}
    for key in multi_keys:
        if key in predictors:
            multi_columns.update({f"{key}={k}": v for k, v in predictors[key].columns.items()})
    multi = fit_logistic(y, multi_columns) if multi_columns else None
    if multi is not None:
        k = len(multi_columns)
        events = min(multi.events, multi.n - multi.events)
        epv = events / k
        if epv < EPV_MIN:
            messages.append(
                f"Multivariable model: {events} events for {k} parameters ({epv:.1f} events per "
                f"variable, fewer than {EPV_MIN}); odds ratios may be biased away from 1 and "
                "intervals too narrow."
            )
        if multi.message:
            messages.append(f"Multivariable model: {multi.message}.")
    rows: list[Row] = []
    forest: list[ForestRow] = []
    for key in keys:
        pred = predictors.get(key)
        if pred is None:
            continue
        if not pred.columns:
            rows.append(
                make_row(
                    key,
                    pred.label,
                    None,
                    "single",
                    {"or_uni": note_cell("only one category observed: no odds ratio")},
                )
            )
            continue
        fit = fit_logistic(y, pred.columns)
        if fit.message:
            messages.append(f"{pred.label}: {fit.message}.")
        if pred.reference is not None:
            rows.append(make_row(key, pred.label, None, "header", {"n": Number(fit.n, 0)}))
            rows.append(
                make_row(
                    key,
                    pred.label,
                    pred.reference,
                    "level",
                    {
                        "or_uni": Text("reference"),
                        **({"or_multi": Text("reference")} if key in multi_keys and multi else {}),
                    },
                )
            )
        for term in pred.columns:
            cells: dict[str, object] = _cells(fit, term, z, level, "uni")
            if pred.reference is None:
                cells["n"] = Number(fit.n, 0)
            if multi is not None and key in multi_keys:
                cells.update(_cells(multi, f"{key}={term}", z, level, "multi"))
            lvl = term if pred.reference is not None else None
            rows.append(make_row(key, pred.label, lvl, "level" if lvl else "single", cells))
            for model in ("uni", "multi"):
                cell = cells.get(f"or_{model}")
                if isinstance(cell, EstimateCI):
                    forest.append(
                        ForestRow(
                            "univariable" if model == "uni" else "multivariable",
                            pred.label,
                            lvl,
                            cell.estimate,
                            cell.ci_low,
                            cell.ci_high,
                        )
                    )
    yes = data.labels[0]
    multi_labels = [predictors[k].label for k in multi_keys if k in predictors]
    columns = (
        Column("n", "n"),
        Column("or_uni", f"Univariable OR ({level:.0%} CI)"),
        Column("p_uni", "P-value", kind="pvalue"),
        Column("or_multi", f"Multivariable OR ({level:.0%} CI)"),
        Column("p_multi", "P-value", kind="pvalue"),
    )
    notes = [
        Footnote(
            "",
            f"Logistic regression of being a {yes.lower()}; odds ratios per unit (numbers) "
            "or against the first category, with Wald intervals (R confint.default) and Wald "
            f"p-values. Multivariable model: {', '.join(multi_labels) or 'none'}.",
        ),
    ]
    if any(cell == note_cell(NOT_ESTIMABLE) for row in rows for cell in row.cells.values()):
        notes.append(Footnote("", SEPARATION_NOTE))
    notes += [Footnote("", m) for m in messages if "events per variable" in m]
    table = Table(
        KEY,
        SPEC.number,
        SPEC.title,
        columns,
        tuple(rows),
        tuple(notes),
    )
    return table, forest, messages
