"""The imputation model of Table S9: which columns enter, coded how (study → numbers).

Multiple imputation itself is a pure array function
(:func:`painresponse.stats.imputation.chained_imputations`); this module decides what it
imputes from: the study's characteristics (Tables 1–3) and every outcome's score at every
time point, for the patients the dropout rules concern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from painresponse.stats.imputation import ImputationRun, chained_imputations
from painresponse.study import Study

__all__ = ["ImputationModel", "imputation_model", "impute"]

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
    return run, model, notes
