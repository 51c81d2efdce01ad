"""Linear mixed model per outcome: time (categorical) × group, random intercept per patient.

Every recorded observation is used (a patient missing one time point still contributes the
others). Fixed effects are estimated by REML (as lme4's default); the group × time
interaction is tested by a likelihood-ratio test between ML fits (or a Wald test on the
REML fit, ``[extended] mixed_test = "wald"``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

from painresponse.stats._result import TestResult
from painresponse.study import Outcome
from painresponse.tables.model import Column, EstimateCI, Footnote, PValue, Row, Table
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import make_row, note_cell

__all__ = ["ASSUMPTIONS", "MixedFit", "fit_mixed", "mixed_model_table"]

KEY = "table6_mixed_model"

ASSUMPTIONS = (
    "Linear mixed model per outcome: score = time (categorical) × group + a random intercept "
    "per patient + error. It assumes normally distributed random intercepts and errors with "
    "constant variance, the same correlation between any two time points of a patient "
    "(compound symmetry), and missing observations missing at random given the observed "
    "ones; it treats the score as an interval-scale number."
)


@dataclass(frozen=True)
class MixedFit:
    """One outcome's mixed model, raw numbers only.

    Attributes
    ----------
    outcome : str
        Outcome key.
    terms : tuple of str
        Fixed-effect names, as R's ``lmer(value ~ time * group)`` names them.
    estimate, se : numpy.ndarray
        REML fixed effects and their standard errors.
    changes : dict
        ``(time, group) -> (estimate, se)`` change from baseline.
    interaction : TestResult or None
        The group × time test.
    n_obs, n_patients : int
        Observations and patients used.
    sd_patient, sd_residual : float
        REML standard deviations of the random intercept and the residual.
    converged : bool
        Whether every fit converged.
    messages : tuple of str
        Warnings in words.
    """

    outcome: str
    terms: tuple[str, ...]
    estimate: NDArray[np.float64]
    se: NDArray[np.float64]
    changes: dict[tuple[str, str], tuple[float, float]]
    interaction: TestResult | None
    n_obs: int
    n_patients: int
    sd_patient: float
    sd_residual: float
    converged: bool
    messages: tuple[str, ...] = field(default_factory=tuple)


def _long(
    data: Analysed, outcome: Outcome
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64], list[str]]:
    """Response, design matrix, patient index and term names of the long data."""
    times = outcome.time_keys()
    responder = data.responder
    ys, rows, ids = [], [], []
    for j, t in enumerate(times):
        values = data.values(outcome, t)
        for i, v in enumerate(values):
            if math.isnan(v):
                continue
            time_dummies = [1.0 if j == k else 0.0 for k in range(1, len(times))]
            g = responder[i]
            rows.append([1.0, *time_dummies, g, *[d * g for d in time_dummies]])
            ys.append(v)
            ids.append(i)
    yes = data.labels[0]
    terms = ["(Intercept)", *[f"time{t}" for t in times[1:]], f"group{yes}"]
    terms += [f"time{t}:group{yes}" for t in times[1:]]
    return np.array(ys), np.array(rows), np.array(ids), terms


def _fit(
    y: NDArray[np.float64], x: NDArray[np.float64], ids: NDArray[np.int64], reml: bool
) -> tuple[object, list[str]]:
    from statsmodels.regression.mixed_linear_model import MixedLM

    caught: list[str] = []
    model = MixedLM(y, x, groups=ids, exog_re=np.ones((y.size, 1)))
    result: object = None
    error: Exception | None = None
    # BFGS first (statsmodels' default); derivative-free fall-backs when it fails.
    for method in ("bfgs", "powell", "nm"):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            try:
                result = model.fit(reml=reml, method=method)
            except (np.linalg.LinAlgError, ValueError) as exc:
                error = exc
                continue
        caught = [str(w.message).splitlines()[0] for w in record]
        if bool(getattr(result, "converged", False)):
            return result, caught
    if result is None:
        raise np.linalg.LinAlgError(str(error))
    return result, caught


def fit_mixed(data: Analysed, outcome: Outcome) -> MixedFit:
    """Fit the outcome's mixed model (REML for estimates; ML for the likelihood-ratio test).

    Parameters
    ----------
    data : Analysed
        The analysed patients, the study and the extended options.
    outcome : Outcome
        The outcome.

    Returns
    -------
    MixedFit
        Fixed effects, change from baseline per group and the interaction test.

    Notes
    -----
    Design: treatment contrasts with the first time point and the non-responder group as
    reference, so ``time<t>`` is the non-responders' change from baseline and
    ``time<t> + time<t>:group<responder>`` the responders'; its SE is
    :math:`\\sqrt{L^\\top V L}` from the REML covariance ``V`` of the fixed effects.
    LRT: :math:`2(\\ell_{full} - \\ell_{reduced})` on (time points − 1) df, ML fits,
    reduced model ``time + group``. Wald: :math:`\\hat\\beta_I^\\top V_I^{-1}\\hat\\beta_I`.
    """
    y, x, ids, terms = _long(data, outcome)
    times = outcome.time_keys()
    k = len(times) - 1
    yes, no = data.labels
    messages: list[str] = []
    reml, caught = _fit(y, x, ids, reml=True)
    messages += caught
    beta = np.asarray(reml.fe_params, dtype=np.float64)  # type: ignore[attr-defined]
    cov = np.asarray(reml.cov_params(), dtype=np.float64)[: beta.size, : beta.size]  # type: ignore[attr-defined]
    se = np.sqrt(np.diag(cov))
    converged = bool(getattr(reml, "converged", True))
    changes: dict[tuple[str, str], tuple[float, float]] = {}
    for j, t in enumerate(times[1:], start=1):
        for group in (no, yes):
            contrast = np.zeros(beta.size)
            contrast[j] = 1.0
            if group == yes:
                contrast[1 + k + j] = 1.0
            changes[(t, group)] = (
                float(contrast @ beta),
                float(math.sqrt(contrast @ cov @ contrast)),
            )
    interaction_idx = list(range(2 + k, 2 + 2 * k))
    if data.options.mixed_test == "lrt":
        full, c1 = _fit(y, x, ids, reml=False)
        reduced, c2 = _fit(y, x[:, : 2 + k], ids, reml=False)
        messages += c1 + c2
        converged = (
            converged
            and bool(getattr(full, "converged", True))
            and bool(getattr(reduced, "converged", True))
        )
        stat = 2.0 * (float(full.llf) - float(reduced.llf))  # type: ignore[attr-defined]
        stat = max(stat, 0.0)
        interaction = TestResult(
            test="mixed_lrt",
            method="Likelihood-ratio test of group × time in a linear mixed model (ML fits)",
            statistic=stat,
            pvalue=float(sps.chi2.sf(stat, k)),
            n=(int(y.size),),
            statistic_name="Chi-squared",
            df=float(k),
        )
    else:
        b = beta[interaction_idx]
        v = cov[np.ix_(interaction_idx, interaction_idx)]
        stat = float(b @ np.linalg.solve(v, b))
        interaction = TestResult(
            test="mixed_wald",
            method="Wald test of group × time in a linear mixed model (REML fit)",
            statistic=stat,
            pvalue=float(sps.chi2.sf(stat, k)),
            n=(int(y.size),),
            statistic_name="Chi-squared",
            df=float(k),
        )
    if not converged:
        messages.append(f"{outcome.label}: the mixed model did not converge; estimates withheld.")
    return MixedFit(
        outcome=outcome.key,
        terms=tuple(terms),
        estimate=beta,
        se=se,
        changes=changes,
        interaction=interaction,
        n_obs=int(y.size),
        n_patients=int(np.unique(ids).size),
        sd_patient=float(math.sqrt(max(float(np.asarray(reml.cov_re)[0, 0]), 0.0))),  # type: ignore[attr-defined]
        sd_residual=float(math.sqrt(float(reml.scale))),  # type: ignore[attr-defined]
        converged=converged,
        messages=tuple(dict.fromkeys(messages)),
    )


def mixed_model_table(data: Analysed) -> tuple[Table, list[MixedFit], list[str]]:
    """Table of estimated change from baseline per group and the interaction test.

    Returns
    -------
    table : Table
        Key ``"table6_mixed_model"``. Per outcome a header row holding the interaction test
        (``"p"``), then one row per follow-up time with each group's change from baseline
        (``"change:<group>"``) and the difference in change (``"difference"``), all
        :class:`EstimateCI` with Wald (normal) intervals.
    fits : list of MixedFit
        The raw fits.
    messages : list of str
        Convergence problems, in words (the rows say so too).
    """
    yes, no = data.labels
    z = float(sps.norm.ppf(0.5 + data.options.conf_level / 2))
    rows: list[Row] = []
    fits: list[MixedFit] = []
    messages: list[str] = []
    for outcome in data.study.outcomes:
        label = data.outcome_label(outcome)
        digits = (
            3
            if data.options.eq5d_summary.startswith("index:") and outcome.summary != "value"
            else 2
        )
        try:
            fit = fit_mixed(data, outcome)
        except (np.linalg.LinAlgError, ValueError) as exc:
            msg = f"{outcome.label}: the mixed model could not be fitted ({exc})."
            messages.append(msg)
            rows.append(make_row(outcome.key, label, None, "header", {"p": note_cell(msg)}))
            continue
        fits.append(fit)
        messages += [m for m in fit.messages if "converge" in m.lower()]
        if not fit.converged:
            rows.append(
                make_row(
                    outcome.key, label, None, "header", {"p": note_cell("model did not converge")}
                )
            )
            continue
        header = (
            {"p": PValue(fit.interaction, "group × time interaction")} if fit.interaction else {}
        )
        rows.append(make_row(outcome.key, label, None, "header", header))
        times = outcome.time_keys()
        k = len(times) - 1
        for j, t in enumerate(times[1:], start=1):
            cells: dict[str, object] = {}
            for group in (yes, no):
                est, se = fit.changes[(t, group)]
                cells[f"change:{group}"] = EstimateCI(
                    est,
                    est - z * se,
                    est + z * se,
                    digits,
                    data.options.conf_level,
                    "change from baseline (mixed model)",
                    "Wald interval, REML fit",
                    fit.n_patients,
                )
            b, s = float(fit.estimate[1 + k + j]), float(fit.se[1 + k + j])
            cells["difference"] = EstimateCI(
                b,
                b - z * s,
                b + z * s,
                digits,
                data.options.conf_level,
                f"difference in change, {yes} − {no}",
                "Wald interval, REML fit",
                fit.n_patients,
            )
            name = f"{data.time_label(t)}–{data.time_label(times[0])}"
            rows.append(make_row(outcome.key, label, name, "level", cells))
    level = data.options.conf_level
    columns = (
        Column(f"change:{yes}", f"{yes}: change ({level:.0%} CI)", int(data.group_mask(yes).sum())),
        Column(f"change:{no}", f"{no}: change ({level:.0%} CI)", int(data.group_mask(no).sum())),
        Column("difference", f"Difference ({level:.0%} CI)"),
        Column("p", "Group × time P-value", kind="pvalue"),
    )
    test = (
        "likelihood-ratio test between maximum-likelihood fits with and without the interaction"
        if data.options.mixed_test == "lrt"
        else "Wald test on the REML fit"
    )
    notes = (
        Footnote("", ASSUMPTIONS),
        Footnote(
            "",
            "Changes from baseline are REML estimates with Wald 95% intervals; the group × "
            f"time P-value is a {test}. Every recorded observation is used.",
        ),
    )
    table = Table(
        KEY, "S1", "Linear mixed model: change from baseline by group.", columns, tuple(rows), notes
    )
    return table, fits, messages
