"""Linear mixed model per outcome: time (categorical) × group, random intercept per patient.

Every recorded observation is used (a patient missing one time point still contributes the
others). Fixed effects are estimated by REML (as lme4's default); the group × time
interaction is tested by a likelihood-ratio test between ML fits (or a Wald test on the
REML fit, ``[extended] mixed_test = "wald"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

from painresponse.stats._result import TestResult
from painresponse.stats.models import fit_random_intercept
from painresponse.study import Outcome
from painresponse.tables.model import Column, EstimateCI, Footnote, PValue, Row, Table
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import make_row, note_cell

__all__ = ["ASSUMPTIONS", "MixedFit", "fit_mixed", "mixed_model_table"]

SPEC = table_spec("S1")
KEY = SPEC.key

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
    raw = fit_random_intercept(y, x, ids, n_main=2 + k, test=data.options.mixed_test)
    beta, cov = raw.estimate, raw.covariance
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
    converged = raw.converged
    messages = list(raw.messages)
    if not converged:
        messages.append(f"{outcome.label}: the mixed model did not converge; estimates withheld.")
    return MixedFit(
        outcome=outcome.key,
        terms=tuple(terms),
        estimate=beta,
        se=raw.se,
        changes=changes,
        interaction=raw.interaction,
        n_obs=raw.n_obs,
        n_patients=raw.n_groups,
        sd_patient=raw.sd_group,
        sd_residual=raw.sd_residual,
        converged=converged,
        messages=tuple(dict.fromkeys(messages)),
    )


def mixed_model_table(data: Analysed) -> tuple[Table, list[MixedFit], list[str]]:
    """Table of estimated change from baseline per group and the interaction test.

    Returns
    -------
    table : Table
        Key ``"tableS1_mixed_model"``. Per outcome a header row holding the interaction test
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
    table = Table(KEY, SPEC.number, SPEC.title, columns, tuple(rows), notes)
    return table, fits, messages
