"""Distribution functions from :mod:`scipy.special` (the same routines scipy.stats calls).

``scipy.stats`` takes about 0.4 s to import; the tail functions the tests need are the
special functions underneath it, which load in a fraction of that. Keeping start-up short
matters for the command line and for registry-scale runs measured as whole processes.

Examples
--------
>>> round(norm_sf(1.959963984540054), 6), round(chi2_sf(3.841458820694124, 1), 6)
(0.025, 0.05)
"""

from __future__ import annotations

from scipy import special

__all__ = ["chi2_sf", "norm_cdf", "norm_isf", "norm_ppf", "norm_sf", "t_cdf", "t_ppf", "t_sf"]


def norm_cdf(z: float) -> float:
    """Standard normal distribution function."""
    return float(special.ndtr(z))


def norm_sf(z: float) -> float:
    """Standard normal upper tail, accurate far into the tail."""
    return float(special.ndtr(-z))


def norm_ppf(p: float) -> float:
    """Standard normal quantile."""
    return float(special.ndtri(p))


def norm_isf(p: float) -> float:
    """Standard normal upper-tail quantile."""
    return float(-special.ndtri(p))


def chi2_sf(x: float, df: float) -> float:
    """Chi-square upper tail."""
    return float(special.chdtrc(df, x))


def t_cdf(t: float, df: float) -> float:
    """Student t distribution function."""
    return float(special.stdtr(df, t))


def t_sf(t: float, df: float) -> float:
    """Student t upper tail."""
    return float(special.stdtr(df, -t))


def t_ppf(p: float, df: float) -> float:
    """Student t quantile."""
    return float(special.stdtrit(df, p))
