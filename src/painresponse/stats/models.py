"""Regression models: logistic regression and the random-intercept linear mixed model.

Pure functions on arrays (statsmodels does the fitting); they return frozen results with
raw numbers and say in words what went wrong (separation, non-convergence) instead of
raising. The supplementary tables S1 (mixed model) and S3 (predictors of response) call
them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from painresponse.stats._result import TestResult

__all__ = ["LogisticFit", "RandomInterceptFit", "fit_logistic", "fit_random_intercept"]


@dataclass(frozen=True)
class LogisticFit:
    """A logistic regression: coefficients, SEs, problems in words."""

    terms: tuple[str, ...]
    estimate: NDArray[np.float64]
    se: NDArray[np.float64]
    n: int
    events: int
    converged: bool
    separated: tuple[str, ...]
    message: str | None


def fit_logistic(y: NDArray[np.float64], columns: dict[str, NDArray[np.float64]]) -> LogisticFit:
    """Maximum-likelihood logistic regression with separation and convergence checks.

    Parameters
    ----------
    y : numpy.ndarray
        1 = responder, 0 = not.
    columns : dict
        Term name -> values (NaN = missing; such patients are left out).

    Returns
    -------
    LogisticFit
        ``separated`` names the terms that separate the outcome (an indicator whose
        patients are all responders or all non-responders, or fitted probabilities of
        0 or 1); ``message`` says what went wrong in words, or None.

    Examples
    --------
    >>> y = np.array([1.0, 1, 0, 0, 1, 0, 1, 0])
    >>> fit = fit_logistic(y, {"x": np.array([1.0, 1, 1, 0, 0, 0, 0, 0])})
    >>> [round(float(v), 4) for v in fit.estimate]
    [-0.4055, 1.0986]
    >>> fit_logistic(y, {"x": y.copy()}).message.startswith("separation")
    True
    """
    # the two classes, not statsmodels.api (which imports every model: ~0.2 s more)
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM

    names = list(columns)
    x = (
        np.column_stack([np.ones(y.size), *[columns[k] for k in names]])
        if names
        else np.ones((y.size, 1))
    )
    ok = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
    x, yy = x[ok], y[ok]
    n, events = int(yy.size), int(yy.sum())
    terms = ("(Intercept)", *names)
    nan = np.full(len(terms), np.nan)

    def not_fitted(why: str, separated: Sequence[str] = ()) -> LogisticFit:
        return LogisticFit(terms, nan, nan, n, events, False, tuple(separated), why)

    if events == 0 or events == n:
        return not_fitted("every patient is in one group")
    separated = []
    for j, name in enumerate(names, start=1):
        col = x[:, j]
        if set(np.unique(col)) <= {0.0, 1.0}:
            on = col == 1
            if on.sum() == 0 or yy[on].min() == yy[on].max() or yy[~on].min() == yy[~on].max():
                separated.append(name)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return not_fitted(
            "the characteristics are collinear (a level is empty or duplicated)", separated
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = GLM(yy, x, family=Binomial()).fit(maxiter=100)
        except Exception as exc:  # statsmodels raises several error types on separation
            return not_fitted(f"the model could not be fitted ({type(exc).__name__})", separated)
    converged = bool(result.converged)
    fitted = np.asarray(result.fittedvalues)
    extreme = bool(((fitted < 1e-8) | (fitted > 1 - 1e-8)).any())
    warned = any("separation" in str(w.message).lower() for w in caught)
    if (warned or extreme) and not separated:
        separated = ["(complete separation)"]
    message = None
    if separated:
        levels = [s for s in separated if not s.startswith("(")]
        if levels:
            which = ", ".join(repr(s) for s in levels)
            verb = "predicts" if len(levels) == 1 else "predict"
            noun = "level" if len(levels) == 1 else "levels"
            message = (
                f"separation: {noun} {which} {verb} response perfectly; odds ratio not estimable"
            )
        else:
            message = (
                "separation (complete): the model predicts response perfectly; "
                "odds ratio not estimable"
            )
    elif not converged:
        message = "the model did not converge"
    return LogisticFit(
        terms,
        np.asarray(result.params, dtype=float),
        np.asarray(result.bse, dtype=float),
        n,
        events,
        converged,
        tuple(separated),
        message,
    )


@dataclass(frozen=True)
class RandomInterceptFit:
    """A linear mixed model with a random intercept per group, raw numbers only.

    Attributes
    ----------
    estimate, se : numpy.ndarray
        REML fixed effects and their standard errors.
    covariance : numpy.ndarray
        REML covariance of the fixed effects.
    interaction : TestResult
        Test of the columns after ``n_main`` (likelihood ratio between ML fits, or Wald).
    n_obs, n_groups : int
        Observations and groups (patients) used.
    sd_group, sd_residual : float
        REML standard deviations of the random intercept and the residual.
    converged : bool
        Whether every fit converged.
    messages : tuple of str
        Warnings of the optimiser, first line each.
    """

    estimate: NDArray[np.float64]
    se: NDArray[np.float64]
    covariance: NDArray[np.float64]
    interaction: TestResult
    n_obs: int
    n_groups: int
    sd_group: float
    sd_residual: float
    converged: bool
    messages: tuple[str, ...] = field(default_factory=tuple)


def _fit_mixed_lm(
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


def fit_random_intercept(
    y: NDArray[np.float64],
    x: NDArray[np.float64],
    ids: NDArray[np.int64],
    n_main: int,
    test: Literal["lrt", "wald"] = "lrt",
) -> RandomInterceptFit:
    """Fit ``y = x b + u[id] + e`` (REML) and test the columns of ``x`` after ``n_main``.

    Parameters
    ----------
    y : numpy.ndarray
        Response, one value per observation.
    x : numpy.ndarray
        Fixed-effects design (first column the intercept); the columns from ``n_main`` on are
        the tested terms (e.g. group × time interactions).
    ids : numpy.ndarray
        The group (patient) of each observation.
    n_main : int
        Columns of the reduced model.
    test : {"lrt", "wald"}
        Likelihood-ratio test between ML fits, or Wald test on the REML fit.

    Returns
    -------
    RandomInterceptFit
        Estimates, covariance, the test, variance components and convergence.

    Notes
    -----
    LRT: :math:`2(\\ell_{full} - \\ell_{reduced})` on the number of tested columns, ML fits.
    Wald: :math:`\\hat\\beta_I^\\top V_I^{-1}\\hat\\beta_I` with ``V`` the REML covariance.
    BFGS first (statsmodels' default), Powell and Nelder–Mead when it fails.
    """
    from scipy.stats import chi2

    messages: list[str] = []
    reml, caught = _fit_mixed_lm(y, x, ids, reml=True)
    messages += caught
    beta = np.asarray(reml.fe_params, dtype=np.float64)  # type: ignore[attr-defined]
    cov = np.asarray(reml.cov_params(), dtype=np.float64)[: beta.size, : beta.size]  # type: ignore[attr-defined]
    converged = bool(getattr(reml, "converged", True))
    tested = list(range(n_main, x.shape[1]))
    df = len(tested)
    if test == "lrt":
        full, c1 = _fit_mixed_lm(y, x, ids, reml=False)
        reduced, c2 = _fit_mixed_lm(y, x[:, :n_main], ids, reml=False)
        messages += c1 + c2
        converged = (
            converged
            and bool(getattr(full, "converged", True))
            and bool(getattr(reduced, "converged", True))
        )
        stat = max(2.0 * (float(full.llf) - float(reduced.llf)), 0.0)  # type: ignore[attr-defined]
        interaction = TestResult(
            test="mixed_lrt",
            method="Likelihood-ratio test of group × time in a linear mixed model (ML fits)",
            statistic=stat,
            pvalue=float(chi2.sf(stat, df)),
            n=(int(y.size),),
            statistic_name="Chi-squared",
            df=float(df),
        )
    else:
        b = beta[tested]
        v = cov[np.ix_(tested, tested)]
        stat = float(b @ np.linalg.solve(v, b))
        interaction = TestResult(
            test="mixed_wald",
            method="Wald test of group × time in a linear mixed model (REML fit)",
            statistic=stat,
            pvalue=float(chi2.sf(stat, df)),
            n=(int(y.size),),
            statistic_name="Chi-squared",
            df=float(df),
        )
    return RandomInterceptFit(
        estimate=beta,
        se=np.sqrt(np.diag(cov)),
        covariance=cov,
        interaction=interaction,
        n_obs=int(y.size),
        n_groups=int(np.unique(ids).size),
        sd_group=float(math.sqrt(max(float(np.asarray(reml.cov_re)[0, 0]), 0.0))),  # type: ignore[attr-defined]
        sd_residual=float(math.sqrt(float(reml.scale))),  # type: ignore[attr-defined]
        converged=converged,
        messages=tuple(dict.fromkeys(messages)),
    )
