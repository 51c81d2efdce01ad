"""Missing outcomes: multiple imputation by chained equations, Rubin's rules, tipping points.

Pure functions on arrays and counts (the study-specific choices, which columns and which
patients, live in :mod:`painresponse.tables.supplementary.dropout`):

* :func:`chained_imputations` — ``m`` completed copies of a numeric matrix, by statsmodels'
  chained equations (:class:`statsmodels.imputation.mice.MICEData`: a linear model per
  variable on every other variable, parameters drawn from their approximate posterior,
  predictive mean matching), one independent seeded chain per imputation;
* :func:`rubin_pool` — Rubin's rules with the Barnard–Rubin degrees of freedom, as R
  ``mice::pool.scalar``;
* :func:`pool_chi_square` — the D2 rule for test statistics (a rank-sum test in each
  completed data set), as R ``mitml``'s D2;
* :func:`responder_tipping_point` — how many patients with a missing response would have
  to respond for a responder rate's conclusion to change.

Examples
--------
R ``mice::pool.scalar(c(.47, .49, .48), rep(.0029, 3), n = 87, k = 1)``: qbar 0.48,
b 1e-04, df 74.6.

>>> res = rubin_pool([0.47, 0.49, 0.48], [0.0029, 0.0029, 0.0029], df_complete=86)
>>> round(res.estimate, 4), round(res.details["between"], 6), round(res.df, 1)
(0.48, 0.0001, 74.6)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri, stdtr, stdtrit

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.proportions import wilson_interval

__all__ = [
    "ImputationRun",
    "TippingPoint",
    "barnard_rubin_df",
    "chained_imputations",
    "chi_square_from_pvalue",
    "normal_quantile",
    "pool_chi_square",
    "responder_tipping_point",
    "rubin_pool",
]

#: R mice's floor of the fraction of information lost to missingness in the df formula.
_LAMBDA_FLOOR = 1e-4


def barnard_rubin_df(m: int, between: float, total: float, df_complete: float) -> float:
    """Degrees of freedom of a pooled estimate (Barnard & Rubin 1999), as R mice.

    Parameters
    ----------
    m : int
        Number of imputations.
    between, total : float
        Between-imputation variance ``B`` and total variance ``T``.
    df_complete : float
        Degrees of freedom had no value been missing (``n − k``; ``inf`` for the large-sample
        df of Rubin 1987).

    Returns
    -------
    float
        The adjusted degrees of freedom.

    Notes
    -----
    .. math:: \\lambda = (1 + 1/m) B / T \\ (\\ge 10^{-4}),\\quad
              \\nu_{old} = (m - 1)/\\lambda^2,\\quad
              \\nu_{obs} = \\frac{\\nu_{com} + 1}{\\nu_{com} + 3}\\,\\nu_{com}(1 - \\lambda),\\quad
              \\nu = \\frac{\\nu_{old}\\,\\nu_{obs}}{\\nu_{old} + \\nu_{obs}}

    (``mice:::barnard.rubin``; ``ν = ν_old`` when ``ν_com`` is infinite.)

    References
    ----------
    Barnard J, Rubin DB. Small-sample degrees of freedom with multiple imputation.
    *Biometrika* 1999;86:948–955.
    """
    lam = (1.0 + 1.0 / m) * between / total if total > 0 else 0.0
    lam = max(lam, _LAMBDA_FLOOR)
    df_old = (m - 1) / lam**2
    if math.isinf(df_complete):
        return df_old
    df_obs = (df_complete + 1.0) / (df_complete + 3.0) * df_complete * (1.0 - lam)
    return df_old * df_obs / (df_old + df_obs)


def rubin_pool(
    estimates: ArrayLike,
    variances: ArrayLike,
    df_complete: float = math.inf,
    conf_level: float = 0.95,
    estimate_name: str = "pooled estimate",
) -> TestResult:
    """Pool one estimate over ``m`` imputed data sets by Rubin's rules.

    Parameters
    ----------
    estimates : array_like
        The estimate ``Q_j`` from each completed data set.
    variances : array_like
        Its squared standard error ``U_j`` in each.
    df_complete : float
        Complete-data degrees of freedom (``n − k``), for the Barnard–Rubin df.
    conf_level : float
        Two-sided confidence level of the interval.
    estimate_name : str
        What the estimate is, in words.

    Returns
    -------
    TestResult
        ``estimate`` = Q̄, ``ci_low``/``ci_high`` = Q̄ ∓ t·√T, ``statistic`` = Q̄/√T (Wald
        t against 0) with ``df`` and its two-sided ``pvalue``; ``details``: ``m``,
        ``within`` (Ū), ``between`` (B), ``total`` (T), ``riv`` (r, the relative increase
        in variance), ``lambda`` and ``fmi`` (fraction of missing information).

    Raises
    ------
    StatisticsError
        Fewer than two imputations, unequal lengths, non-finite or negative values.

    Notes
    -----
    .. math:: \\bar Q = \\frac1m\\sum Q_j,\\ \\bar U = \\frac1m\\sum U_j,\\
              B = \\frac{1}{m-1}\\sum (Q_j - \\bar Q)^2,\\ T = \\bar U + (1 + 1/m) B

    :math:`r = (1 + 1/m)B/\\bar U`, :math:`\\mathrm{fmi} = (r + 2/(\\nu + 3))/(r + 1)`, the
    quantities of R ``mice::pool.scalar(Q, U, n, k)`` with ``df_complete = n − k``.

    References
    ----------
    Rubin DB. *Multiple Imputation for Nonresponse in Surveys*. Wiley; 1987.
    van Buuren S. *Flexible Imputation of Missing Data*, 2nd ed. CRC; 2018, section 2.3.

    Examples
    --------
    R ``mice::pool.scalar(c(1, 2, 3), c(.5, .5, .5))``: qbar 2, t 1.83, df 3.78, fmi 0.808.

    >>> res = rubin_pool([1.0, 2.0, 3.0], [0.5, 0.5, 0.5])
    >>> res.estimate, round(res.details["total"], 4), round(res.df, 2), round(res.details["fmi"], 3)
    (2.0, 1.8333, 3.78, 0.808)
    """
    q = np.asarray(estimates, dtype=float).ravel()
    u = np.asarray(variances, dtype=float).ravel()
    if q.size != u.size:
        raise StatisticsError("Give one variance per estimate.")
    if q.size < 2:
        raise StatisticsError("Rubin's rules need at least two imputed data sets.")
    if not (np.isfinite(q).all() and np.isfinite(u).all()) or (u < 0).any():
        raise StatisticsError("Estimates and variances must be finite (variances ≥ 0).")
    if not 0.0 < conf_level < 1.0:
        raise StatisticsError(f"conf_level must lie between 0 and 1, got {conf_level!r}.")
    m = int(q.size)
    qbar = float(q.mean())
    ubar = float(u.mean())
    b = float(q.var(ddof=1))
    t = ubar + (1.0 + 1.0 / m) * b
    df = barnard_rubin_df(m, b, t, df_complete)
    riv = (1.0 + 1.0 / m) * b / ubar if ubar > 0 else math.inf
    fmi = (riv + 2.0 / (df + 3.0)) / (riv + 1.0) if math.isfinite(riv) else 1.0
    lam = (1.0 + 1.0 / m) * b / t if t > 0 else 0.0
    details: dict[str, Any] = {
        "m": m,
        "within": ubar,
        "between": b,
        "total": t,
        "riv": riv,
        "lambda": lam,
        "fmi": fmi,
        "estimates": q.tolist(),
        "variances": u.tolist(),
    }
    if t <= 0:
        return TestResult(
            test="rubin", method=_RUBIN, statistic=math.nan, pvalue=math.nan,
            statistic_name="t", df=df, estimate=qbar, ci_low=qbar, ci_high=qbar,
            conf_level=conf_level, estimate_name=estimate_name,
            note="no variance within or between imputations: no test", details=details,
        )  # fmt: skip
    se = math.sqrt(t)
    quantile = float(stdtrit(df, 0.5 + conf_level / 2.0))
    statistic = qbar / se
    pvalue = float(min(1.0, 2.0 * stdtr(df, -abs(statistic))))
    return TestResult(
        test="rubin",
        method=_RUBIN,
        statistic=statistic,
        pvalue=pvalue,
        statistic_name="t",
        df=df,
        estimate=qbar,
        ci_low=qbar - quantile * se,
        ci_high=qbar + quantile * se,
        conf_level=conf_level,
        estimate_name=estimate_name,
        details=details,
    )


_RUBIN = "Rubin's rules (1987) with the Barnard–Rubin (1999) degrees of freedom"


def pool_chi_square(statistics: ArrayLike, df: int = 1) -> TestResult:
    r"""Pool a chi-square test statistic over ``m`` imputed data sets (the D2 rule).

    Parameters
    ----------
    statistics : array_like
        The statistic ``d_j`` (chi-square with ``df`` degrees of freedom under the null)
        from each completed data set; for a two-sided test with p-value ``p_j``,
        ``d_j = Φ⁻¹(p_j / 2)²``.
    df : int
        Degrees of freedom ``k`` of each statistic.

    Returns
    -------
    TestResult
        ``statistic`` = D2 (an F statistic), ``df`` = its denominator degrees of freedom
        ν (numerator ``k`` in ``details["df1"]``), ``pvalue`` = P(F(k, ν) > D2);
        ``details``: ``m``, ``riv`` (r), ``mean_statistic`` (d̄).

    Raises
    ------
    StatisticsError
        Fewer than two statistics, or statistics that are negative or not finite.

    Notes
    -----
    .. math:: r = (1 + 1/m)\,\mathrm{var}(\sqrt{d_j}),\quad
              D_2 = \frac{\bar d/k - \frac{m+1}{m-1} r}{1 + r},\quad
              \nu = k^{-3/m}(m - 1)(1 + 1/r)^2

    (R ``mitml:::.D2(d, k)``; with ``r = 0`` the reference is χ²_k / k.)

    References
    ----------
    Li KH, Meng XL, Raghunathan TE, Rubin DB. Significance levels from repeated p-values
    with multiply-imputed data. *Statistica Sinica* 1991;1:65–92.

    Examples
    --------
    R ``mitml:::.D2(c(4, 6, 5), 1)``: F 4.557967, v 501.5525, r 0.067404;
    ``pf(F, 1, v, lower.tail = FALSE)`` 0.03324995.

    >>> res = pool_chi_square([4.0, 6.0, 5.0])
    >>> round(res.statistic, 6), round(res.df, 4), round(res.pvalue, 8)
    (4.557967, 501.5525, 0.03324995)
    """
    from scipy.special import chdtrc, fdtrc

    d = np.asarray(statistics, dtype=float).ravel()
    if d.size < 2:
        raise StatisticsError("The D2 rule needs at least two imputed data sets.")
    if not np.isfinite(d).all() or (d < 0).any():
        raise StatisticsError("Chi-square statistics must be finite and non-negative.")
    m, k = int(d.size), int(df)
    dbar = float(d.mean())
    r = (1.0 + 1.0 / m) * float(np.sqrt(d).var(ddof=1))
    value = (dbar / k - (m + 1.0) / (m - 1.0) * r) / (1.0 + r)
    nu = k ** (-3.0 / m) * (m - 1.0) * (1.0 + 1.0 / r) ** 2 if r > 0 else math.inf
    if value <= 0:
        pvalue = 1.0
    elif math.isinf(nu):
        pvalue = float(chdtrc(k, k * value))
    else:
        pvalue = float(fdtrc(k, nu, value))
    return TestResult(
        test="d2",
        method="test statistics pooled over the imputations by the D2 rule (Li et al. 1991)",
        statistic=value,
        pvalue=pvalue,
        statistic_name="F",
        df=nu,
        details={"m": m, "df1": k, "riv": r, "mean_statistic": dbar},
    )


def chi_square_from_pvalue(pvalue: float) -> float:
    """The 1-df chi-square statistic of a two-sided normal-theory p-value: Φ⁻¹(p/2)².

    Examples
    --------
    >>> round(chi_square_from_pvalue(0.05), 4)
    3.8415
    """
    p = min(max(float(pvalue), 1e-300), 1.0)
    return float(ndtri(p / 2.0)) ** 2


# ---- chained equations ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImputationRun:
    """Completed copies of a matrix, or why there are none.

    Attributes
    ----------
    completed : tuple of numpy.ndarray
        ``m`` arrays of the input's shape: observed values unchanged, missing ones imputed
        (empty when the imputation failed).
    m, cycles, donors, seed : int
        Imputations, chained-equation cycles per chain, donors of predictive mean matching,
        and the seed.
    message : str or None
        Why there is no imputation, in words (a model that could not be fitted, values that
        are not finite), or None.
    notes : tuple of str
        What a reader should know about imputations that were made (a rank-deficient
        model), in words.
    """

    completed: tuple[NDArray[np.float64], ...]
    m: int
    cycles: int
    donors: int
    seed: int
    message: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every imputed data set was made."""
        return self.message is None and len(self.completed) == self.m


def _mice_data_class() -> Any:
    """statsmodels' MICEData with its design matrices built from arrays.

    statsmodels re-parses the conditional formula (``y ~ every other column``) with patsy
    at every step, which is 97% of its run time; this subclass builds the same matrices
    (an intercept and every other column, in column order) directly. It also keeps the
    data being imputed as a numpy array (pandas' cell assignment and conversion were most
    of what was left) and makes the initial imputation once per class, not once per
    chain (it depends on the data only), and draws the perturbed parameters from the
    least-squares fit computed as statsmodels' ``OLS.fit`` computes it (the same
    pseudo-inverse, rank, scale and covariance, then the same ``multivariate_normal``
    draw) without building a model and results object at each of the 1,200 steps of the
    demo (0.5 of 0.7 s). Everything else — cycle order, predictive mean matching, the
    random generator — is statsmodels' own; a test checks the imputations equal those of
    the stock class.

    Each call returns a new class: the initial imputation it keeps belongs to one matrix.
    """
    from statsmodels.imputation.mice import MICEData

    class ArrayMICEData(MICEData):  # type: ignore[misc]
        _first: NDArray[np.float64] | None = None

        def _initial_imputation(self) -> None:
            kind = type(self)
            if kind._first is None:
                super()._initial_imputation()
                kind._first = self.data.to_numpy(dtype=float)
            self._values = kind._first.copy()
            self._column = {name: j for j, name in enumerate(self.data.columns)}

        def _store_changes(self, col: str, vals: NDArray[np.float64]) -> None:
            ix = self.ix_miss[col]
            if len(ix) > 0:
                self._values[ix, self._column[col]] = np.atleast_1d(vals)

        def completed(self) -> NDArray[np.float64]:
            """The data set as imputed so far."""
            return self._values.copy()

        def _design(self, vname: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            values = self._values
            j = self._column[vname]
            others = np.delete(values, j, axis=1)
            exog = np.column_stack([np.ones(values.shape[0]), others])
            return values[:, j], exog

        def get_split_data(self, vname: str) -> tuple[Any, ...]:
            endog, exog = self._design(vname)
            ixo, ixm = self.ix_obs[vname], self.ix_miss[vname]
            return endog[ixo], exog[ixo], exog[ixm], {}, {}

        def get_fitting_data(self, vname: str) -> tuple[Any, ...]:
            endog, exog = self._design(vname)
            ixo = self.ix_obs[vname]
            return endog[ixo], exog[ixo], {}, {}

        def _perturb_gaussian(self, vname: str) -> None:
            endog, exog, _, _ = self.get_fitting_data(vname)
            mean, cov = _least_squares(endog, exog)
            self.models[vname] = _LINEAR_PREDICTOR
            self.params[vname] = self.rng.multivariate_normal(mean=mean, cov=cov)

    return ArrayMICEData


class _LinearPredictor:
    """What predictive mean matching asks of a fitted model: ``exog @ params``."""

    @staticmethod
    def predict(params: NDArray[np.float64], exog: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.dot(exog, params)


_LINEAR_PREDICTOR = _LinearPredictor()


def _least_squares(
    endog: NDArray[np.float64], exog: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Estimates and covariance of ordinary least squares, step for step as statsmodels.

    ``OLS(endog, exog).fit()`` (method ``"pinv"``) then ``cov_params()``: the
    pseudo-inverse of ``statsmodels.tools.tools.pinv_extended``, the rank of
    ``matrix_rank(diag(singular values))`` with statsmodels' ``SingularMatrixWarning``
    when it is short, the scale ``ssr / (n - rank)``.
    """
    from statsmodels.tools.sm_exceptions import SingularMatrixWarning
    from statsmodels.tools.tools import pinv_extended

    pinv, singular_values = pinv_extended(exog)
    normalized_cov = np.dot(pinv, np.transpose(pinv))
    rank = np.linalg.matrix_rank(np.diag(singular_values))
    if rank < exog.shape[1]:
        warnings.warn(
            "The design matrix is rank-deficient. "
            "The model parameters are not uniquely determined.",
            SingularMatrixWarning,
            stacklevel=2,
        )
    params = np.dot(pinv, endog)
    residuals = endog - np.dot(exog, params)
    scale = np.dot(residuals, residuals) / float(exog.shape[0] - rank)
    return params, normalized_cov * scale


def chained_imputations(
    matrix: ArrayLike,
    m: int,
    seed: int,
    cycles: int = 10,
    donors: int = 5,
) -> ImputationRun:
    """Multiple imputation by chained equations with predictive mean matching.

    Parameters
    ----------
    matrix : array_like
        (patients, variables) numbers, NaN = missing. Every column needs an observed
        value and every patient one observed value.
    m : int
        Number of imputed data sets (one independent chain each).
    seed : int
        Seed; chain ``j`` uses ``numpy.random.SeedSequence(seed).spawn(m)[j]``, so the
        first imputations do not depend on ``m``.
    cycles : int
        Chained-equation cycles per chain before its data set is kept (statsmodels'
        default burn-in is 10; R mice's ``maxit`` is 5).
    donors : int
        Candidate donors of predictive mean matching (R mice's default 5).

    Returns
    -------
    ImputationRun
        The completed data sets, or a message (never an exception) when a model cannot be
        fitted, numerical linear algebra fails or an imputed value is not finite. A
        variable with a single recorded value is imputed as that value and left out of the
        models (it would duplicate the intercept).

    Notes
    -----
    Each variable with missing values is imputed in turn (fewest missing first) from a
    linear model on every other variable with an intercept: the coefficients are drawn
    from the normal approximation to their posterior, and each missing value takes the
    observed value of one of the ``donors`` patients whose predictions are closest
    (predictive mean matching, so imputed scores are values seen in the data).

    References
    ----------
    van Buuren S, Groothuis-Oudshoorn K. mice: multivariate imputation by chained
    equations in R. *J Stat Softw* 2011;45(3). Little RJA. Missing-data adjustments in
    large surveys. *J Bus Econ Stat* 1988;6:287–296 (predictive mean matching).

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 6.0], [4.0, 8.0], [5.0, 10.0]])
    >>> run = chained_imputations(x, m=3, seed=1)
    >>> run.ok, [float(c[1, 1]) for c in run.completed]  # a donor's value (observed: 2, 6, 8, 10)
    (True, [2.0, 2.0, 2.0])
    """
    values = np.array(matrix, dtype=float)
    empty: tuple[NDArray[np.float64], ...] = ()

    def failed(message: str) -> ImputationRun:
        return ImputationRun(empty, m, cycles, donors, seed, message)

    if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] == 0:
        return failed("nothing to impute from")
    missing = np.isnan(values)
    if missing.all(axis=0).any():
        return failed("a variable has no recorded value")
    if missing.all(axis=1).any():
        return failed("a patient has no recorded value")
    # A variable with one recorded value throughout is imputed as that value; as a
    # predictor it would only duplicate the intercept.
    constant = np.array([np.unique(c[~np.isnan(c)]).size == 1 for c in values.T])
    filled = values.copy()
    filled[:, constant] = np.nanmax(np.where(missing, -np.inf, values), axis=0)[constant]
    model = values[:, ~constant]
    gaps = np.isnan(model)
    if not gaps.any():
        return ImputationRun(tuple(filled.copy() for _ in range(m)), m, cycles, donors, seed)
    coefficients = model.shape[1]  # an intercept and every other variable
    observed = int((~gaps).sum(axis=0)[gaps.any(axis=0)].min())
    if observed <= coefficients:
        return failed(
            f"too few patients for the imputation model ({observed} with the value recorded "
            f"for {coefficients} coefficients)"
        )
    try:
        completed, notes = _run_chains(model, m, seed, cycles, donors)
    # The imputation machinery (statsmodels, numpy.linalg) can fail in several ways; the
    # table reports any of them in words instead of stopping the whole report.
    except (ArithmeticError, ValueError, np.linalg.LinAlgError, RuntimeWarning) as exc:
        return failed(f"the imputation model failed ({exc})")
    out = []
    for done in completed:
        if done.shape != model.shape or not np.isfinite(done).all():
            return failed("imputed values are not finite")
        full = filled.copy()
        full[:, ~constant] = done
        out.append(full)
    return ImputationRun(tuple(out), m, cycles, donors, seed, notes=notes)


def _run_chains(
    model: NDArray[np.float64], m: int, seed: int, cycles: int, donors: int
) -> tuple[list[NDArray[np.float64]], tuple[str, ...]]:
    """One seeded chain of statsmodels' chained equations per imputation."""
    import pandas as pd
    from statsmodels.tools.sm_exceptions import ModelWarning

    frame = pd.DataFrame(model, columns=[f"v{j}" for j in range(model.shape[1])])
    klass = _mice_data_class()
    completed = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("always", ModelWarning)
        for stream in np.random.SeedSequence(seed).spawn(m):
            data = klass(frame, k_pmm=donors, rng=np.random.default_rng(stream))
            data.update_all(cycles)
            completed.append(data.completed())
    notes = []
    if any(issubclass(w.category, ModelWarning) for w in caught):
        notes.append(
            "collinear variables in the imputation model: statsmodels fitted its linear "
            "models by the minimum-norm least-squares solution"
        )
    return completed, tuple(notes)


# ---- tipping point --------------------------------------------------------------------------

Side = Literal["below", "inside", "above"]


@dataclass(frozen=True)
class TippingPoint:
    """A responder rate for every number of responders among the patients without a result.

    Attributes
    ----------
    responders : int
        Responders among the patients whose response is known.
    total : int
        Patients in the denominator: known response plus ``missing``.
    missing : int
        Patients whose response is not known.
    completers : tuple of int
        (responders, patients) of the completers' analysis.
    reference : float or None
        The rate the conclusion is judged against; None: the completers' interval.
    conf_level : float
        Level of the Wilson intervals.
    rates : tuple of float
        ``(responders + k) / total`` for ``k = 0 … missing``.
    intervals : tuple of (float, float)
        Wilson interval of each rate.
    sides : tuple of str
        Per ``k``: where the rate stands — with a reference, its interval ``"below"``,
        ``"inside"`` (containing) or ``"above"`` the reference; without, the rate below,
        inside or above the completers' interval.
    completers_side : str
        The completers' own side (``"inside"`` without a reference).
    reaches_completers : int or None
        Fewest responders among the missing for the rate to reach the completers' rate
        (None: not even if all respond).
    changes_at_most : int or None
        The conclusion changes if at most this many of the missing respond (None: never).
    changes_at_least : int or None
        The conclusion changes if at least this many respond (None: never).
    """

    responders: int
    total: int
    missing: int
    completers: tuple[int, int]
    reference: float | None
    conf_level: float
    rates: tuple[float, ...]
    intervals: tuple[tuple[float, float], ...]
    sides: tuple[Side, ...]
    completers_side: Side
    reaches_completers: int | None
    changes_at_most: int | None
    changes_at_least: int | None


def _side(low: float, high: float, value: float) -> Side:
    """Where an interval lies with respect to ``value``."""
    return "below" if high < value else "above" if low > value else "inside"


def _position(value: float, low: float, high: float) -> Side:
    """Where ``value`` lies with respect to an interval."""
    return "below" if value < low else "above" if value > high else "inside"


def responder_tipping_point(
    responders: int,
    known: int,
    missing: int,
    completers: tuple[int, int],
    reference: float | None = None,
    conf_level: float = 0.95,
) -> TippingPoint:
    """How many patients without a result would have to respond to change the conclusion.

    Parameters
    ----------
    responders, known : int
        Responders among the ``known`` patients whose response is recorded.
    missing : int
        Patients whose response is not recorded.
    completers : tuple of int
        (responders, patients) of the completers' analysis (the published one).
    reference : float, optional
        A responder rate to judge against (a performance goal). The conclusion is the side
        of it on which the rate's Wilson interval lies (below, containing, above). Without
        it, the conclusion is the completers' rate and interval: it changes when the rate
        leaves the completers' interval.
    conf_level : float
        Level of the Wilson intervals.

    Returns
    -------
    TippingPoint
        Every scenario ``k = 0 … missing`` and where the conclusion changes.

    Raises
    ------
    StatisticsError
        On negative counts or more responders than patients.

    Notes
    -----
    The rate if ``k`` of the ``missing`` respond is :math:`(r + k)/(n + m)`; ``k = 0`` is
    non-responder imputation, ``k = m`` the best case. Both sides move monotonically with
    ``k``, so the scenarios that change the conclusion are ``k ≤ changes_at_most`` and
    ``k ≥ changes_at_least``.

    References
    ----------
    Yan X, Lee S, Li N. Missing data handling methods in medical device clinical trials.
    *J Biopharm Stat* 2009;19:1085–1098 (tipping-point analysis).

    Examples
    --------
    >>> tp = responder_tipping_point(41, 84, 3, (41, 84))
    >>> tp.reaches_completers, tp.changes_at_most, tp.changes_at_least
    (2, None, None)
    """
    r_c, n_c = completers
    if min(responders, known, missing, r_c, n_c) < 0 or responders > known or r_c > n_c:
        raise StatisticsError("Counts must be non-negative, responders at most the patients.")
    total = known + missing
    if total == 0 or n_c == 0:
        raise StatisticsError("There is no patient to compute a responder rate on.")
    rate_c = r_c / n_c
    low_c, high_c = wilson_interval(r_c, n_c, conf_level)
    rates = tuple((responders + k) / total for k in range(missing + 1))
    intervals = tuple(
        wilson_interval(responders + k, total, conf_level) for k in range(missing + 1)
    )
    if reference is None:
        sides = tuple(_position(rate, low_c, high_c) for rate in rates)
        own: Side = "inside"
    else:
        sides = tuple(_side(low, high, reference) for low, high in intervals)
        own = _side(low_c, high_c, reference)
    # r + k ≥ rate_c · total, in whole patients (1e-9: a rate equal up to rounding counts)
    needed = max(0, math.ceil(rate_c * total - responders - 1e-9))
    changed = [k for k, side in enumerate(sides) if side != own]
    at_most = [k for k in changed if all(sides[j] != own for j in range(k + 1))]
    at_least = [k for k in changed if all(sides[j] != own for j in range(k, missing + 1))]
    return TippingPoint(
        responders=responders,
        total=total,
        missing=missing,
        completers=(r_c, n_c),
        reference=reference,
        conf_level=conf_level,
        rates=rates,
        intervals=intervals,
        sides=sides,
        completers_side=own,
        reaches_completers=needed if needed <= missing else None,
        changes_at_most=max(at_most) if at_most else None,
        changes_at_least=min(at_least) if at_least else None,
    )


def normal_quantile(conf_level: float) -> float:
    """The two-sided normal quantile of ``conf_level`` (1.959964 for 0.95)."""
    return float(ndtri(0.5 + conf_level / 2.0))
