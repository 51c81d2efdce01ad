"""Hodges–Lehmann estimates and intervals from value counts (the registry-scale path).

The same estimators as :mod:`painresponse.stats.location_shift`, computed from a
:class:`~painresponse.stats.distribution.Distribution` per group (or of the paired
differences) instead of the observations: R's ``wilcox.test(conf.int = TRUE)`` numbers bit
for bit at a cost that depends on the number of distinct values, not patients. Only R's
exact case (no ties, fewer than 50 per group) expands the observations, and those samples
are small by definition; the exact conditional intervals invert the exact tests
(:func:`painresponse.stats.location_shift.hodges_lehmann_from_counts`).

Examples
--------
>>> x = Distribution.from_values(np.array([3, 4, 4, 5, 6, 6, 7], dtype=float))
>>> y = Distribution.from_values(np.array([1, 2, 2, 3, 4, 5], dtype=float))
>>> res = shift_from_counts(x, y)  # R wilcox.test(x, y, conf.int = TRUE): 2, 4.1e-05, 4.000044
>>> round(res.estimate, 2), round(res.ci_low, 2), round(res.ci_high, 2)
(2.0, 0.0, 4.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats._result import TestResult
from painresponse.stats.distribution import Distribution
from painresponse.stats.location_shift import _asymptotic_interval, hodges_lehmann

__all__ = ["CONF_LEVEL", "pseudo_median_from_counts", "shift_from_counts"]

CONF_LEVEL = 0.95


def _midranks(counts: np.ndarray) -> np.ndarray:
    """Average rank of each tie group, groups in ascending order."""
    before = np.cumsum(counts) - counts
    return before + (counts + 1) / 2.0


def _two_sample_z(x: Distribution, y: Distribution) -> Callable[[float, bool], float]:
    """R's standardised rank-sum statistic of ``(x − d, y)``, from counts.

    Same quantities as :func:`painresponse.stats.location_shift._two_sample_z` on the
    expanded samples: midranks of the tie groups, the tie-corrected variance.
    """
    m, n = x.n, y.n

    def z(d: float, correct: bool) -> float:
        pooled = np.concatenate((x.values - d, y.values))
        weights_x = np.concatenate((x.counts, np.zeros(y.values.size, dtype=np.int64)))
        weights = np.concatenate((x.counts, y.counts))
        groups, inverse = np.unique(pooled, return_inverse=True)
        ties = np.bincount(inverse, weights=weights, minlength=groups.size)
        from_x = np.bincount(inverse, weights=weights_x, minlength=groups.size)
        deviation = float(np.dot(from_x, _midranks(ties))) - m * (m + 1) / 2.0 - m * n / 2.0
        tie_term = float((ties**3 - ties).sum())
        variance = (m * n / 12.0) * ((m + n + 1) - tie_term / ((m + n) * (m + n - 1)))
        if variance <= 0.0:
            return math.nan
        shift = 0.5 * float(np.sign(deviation)) if correct else 0.0
        return (deviation - shift) / math.sqrt(variance)

    return z


def _one_sample_z(d: Distribution) -> Callable[[float, bool], float]:
    """R's standardised signed-rank statistic of ``d − θ`` (zeros dropped), from counts.

    R drops the zero differences once, before the interval is sought, and then again the
    zeros of ``d − θ`` at each θ; both are done here.
    """
    nonzero = d.values != 0
    values, weights = d.values[nonzero], d.counts[nonzero]

    def z(theta: float, correct: bool) -> float:
        shifted = values - theta
        keep = shifted != 0
        shifted, counts = shifted[keep], weights[keep]
        n = int(counts.sum())
        groups, inverse = np.unique(np.abs(shifted), return_inverse=True)
        ties = np.bincount(inverse, weights=counts, minlength=groups.size)
        positive = np.bincount(inverse, weights=counts * (shifted > 0), minlength=groups.size)
        deviation = float(np.dot(positive, _midranks(ties))) - n * (n + 1) / 4.0
        variance = n * (n + 1) * (2 * n + 1) / 24.0 - float((ties**3 - ties).sum()) / 48.0
        if variance <= 0.0:
            return math.nan
        shift = 0.5 * float(np.sign(deviation)) if correct else 0.0
        return (deviation - shift) / math.sqrt(variance)

    return z


def _asymptotic_result(
    estimate_name: str,
    method: str,
    n: tuple[int, ...],
    interval: tuple[float, float, float, float, str | None],
) -> TestResult:
    ci_low, ci_high, estimate, level, note = interval
    return TestResult(
        test="hodges_lehmann",
        method=method,
        statistic=math.nan,
        pvalue=math.nan,
        n=n,
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        conf_level=level,
        estimate_name=estimate_name,
        note=note,
    )


def _check_method(method: str) -> None:
    if method not in ("auto", "asymptotic", "exact"):
        raise StatisticsError(f"method must be 'auto', 'asymptotic' or 'exact', got {method!r}.")


def shift_from_counts(
    x: Distribution, y: Distribution, conf_level: float = CONF_LEVEL, method: str = "auto"
) -> TestResult:
    """Hodges–Lehmann shift ``x − y`` with R's interval, from frequency tables.

    Parameters
    ----------
    x, y : Distribution
        The two samples.
    conf_level : float
        Two-sided confidence level.
    method : {"auto", "asymptotic", "exact"}
        ``"auto"`` (as before): R's default interval (exact without ties and with fewer
        than 50 values per sample, otherwise asymptotic). ``"asymptotic"``: always R's
        ``exact = FALSE`` interval. ``"exact"``: the exact conditional interval of
        :func:`~painresponse.stats.location_shift.hodges_lehmann_from_counts` (R's exact
        interval when there are no ties), which agrees with the exact rank-sum test.

    Returns
    -------
    TestResult
        ``estimate``, ``ci_low``, ``ci_high``, ``conf_level`` and ``method`` as
        :func:`~painresponse.stats.location_shift.hodges_lehmann` gives them on the
        expanded samples. With ``"auto"``/``"asymptotic"`` ``statistic`` and ``pvalue``
        are left NaN (the row's own test gives the p-value); with ``"exact"`` they are the
        exact conditional rank-sum test at 0, and ``details`` says whether each end
        belongs to the interval (``ci_low_included``/``ci_high_included``).

    Raises
    ------
    StatisticsError
        When a sample is empty or ``method`` is unknown.

    Notes
    -----
    Without ties and with fewer than 50 values per sample R uses the exact interval; the
    samples are then expanded and passed to ``hodges_lehmann``. Otherwise the
    continuity-corrected normal-approximation statistic is inverted, with midranks and the
    tie correction taken from the counts. ``"exact"`` works on the counts as well: each
    exact test runs on the table of distinct values.

    References
    ----------
    Hodges JL, Lehmann EL. *Ann Math Stat* 1963;34:598–611. Bauer DF. *J Am Stat Assoc*
    1972;67:687–690.
    """
    _check_method(method)
    if x.n == 0 or y.n == 0:
        raise StatisticsError("Each group needs at least one non-missing value.")
    if method == "exact":
        from painresponse.stats.location_shift import hodges_lehmann_from_counts

        return hodges_lehmann_from_counts(x.values, x.counts, y.values, y.counts, conf_level)
    common = np.intersect1d(x.values, y.values).size > 0
    ties = common or bool((x.counts > 1).any() or (y.counts > 1).any())
    if method == "auto" and not ties and x.n < 50 and y.n < 50:
        return hodges_lehmann(x.expand(), y.expand(), conf_level=conf_level)
    interval = _asymptotic_interval(
        _two_sample_z(x, y),
        float(x.values[0] - y.values[-1]),
        float(x.values[-1] - y.values[0]),
        conf_level,
        one_sample=False,
    )
    return _asymptotic_result(
        "Hodges–Lehmann shift (x − y)",
        "Hodges-Lehmann shift, asymptotic interval with continuity correction "
        "(as R reports by default)",
        (x.n, y.n),
        interval,
    )


def pseudo_median_from_counts(
    differences: Distribution, conf_level: float = CONF_LEVEL, method: str = "auto"
) -> TestResult:
    """Hodges–Lehmann pseudo-median of paired differences with R's interval, from counts.

    Parameters
    ----------
    differences : Distribution
        The paired differences (later − earlier).
    conf_level : float
        Two-sided confidence level.
    method : {"auto", "asymptotic", "exact"}
        As in :func:`shift_from_counts`; ``"exact"`` inverts the exact signed-rank test
        with the zeros of ``d − θ`` dropped at each θ (zero differences count as data
        elsewhere, unlike R's asymptotic interval, which drops them once).

    Returns
    -------
    TestResult
        As :func:`~painresponse.stats.location_shift.hodges_lehmann` on the expanded
        differences (``"auto"``/``"asymptotic"``: zeros dropped, as R does;
        ``statistic``/``pvalue`` NaN). ``"exact"``: as
        :func:`~painresponse.stats.location_shift.hodges_lehmann_from_counts`.

    Raises
    ------
    StatisticsError
        When there is no difference or ``method`` is unknown.
    """
    _check_method(method)
    if differences.n == 0:
        raise StatisticsError("There is no complete pair to estimate from.")
    if method == "exact":
        from painresponse.stats.location_shift import hodges_lehmann_from_counts

        return hodges_lehmann_from_counts(
            differences.values, differences.counts, conf_level=conf_level
        )
    nonzero = differences.values != 0
    zeros = not bool(nonzero.all())
    magnitudes = np.abs(differences.values[nonzero])
    ties = np.unique(magnitudes).size != magnitudes.size or bool(
        (differences.counts[nonzero] > 1).any()
    )
    if not nonzero.any():
        return hodges_lehmann(differences.expand(), conf_level=conf_level)
    if method == "auto" and not ties and not zeros and differences.n < 50:
        return hodges_lehmann(differences.expand(), conf_level=conf_level)
    kept = differences.values[nonzero]
    interval = _asymptotic_interval(
        _one_sample_z(differences),
        float(kept.min()),
        float(kept.max()),
        conf_level,
        one_sample=True,
    )
    return _asymptotic_result(
        "Hodges–Lehmann pseudo-median",
        "Hodges-Lehmann pseudo-median, asymptotic interval "
        "with continuity correction (as R reports by default)",
        (differences.n,),
        interval,
    )


# ---- cells ----------------------------------------------------------------------------------
