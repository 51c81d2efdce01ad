"""The frozen result object every test in :mod:`painresponse.stats` returns."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["TestResult"]


def _plain(value: Any) -> Any:
    """Turn numpy scalars, tuples and mappings into JSON-friendly Python values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True)
class TestResult:
    """The outcome of one statistical test, holding raw (unrounded) floats.

    Attributes
    ----------
    test : str
        Registry key of the test family, e.g. ``"rank_sum"``, ``"fisher_exact"``.
    method : str
        The exact variant in words, e.g.
        ``"Wilcoxon rank-sum test, exact conditional distribution (ties)"``.
    statistic : float
        The test statistic (its meaning is given by ``statistic_name``).
    pvalue : float
        The p-value, in [0, 1], or NaN when it cannot be computed (``note`` says why).
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    n : tuple of int
        Number of observations used, per group (one entry for paired/one-sample tests).
    n_missing : tuple of int
        Missing values dropped, per group.
    statistic_name : str
        Name of the statistic (``"W"``, ``"V"``, ``"X-squared"``, ``"t"``, ...).
    df : float or None
        Degrees of freedom, where defined.
    estimate : float or None
        Point estimate (e.g. difference in means, Hodges-Lehmann shift), where defined.
    ci_low, ci_high : float or None
        Confidence interval for ``estimate``.
    conf_level : float or None
        Confidence level of the interval.
    estimate_name : str or None
        What ``estimate`` is, in words.
    note : str or None
        Why the p-value is NaN, or anything else a reader must know.
    details : Mapping
        Test-specific extras (expected counts, exactness bounds, ...).
    """

    __test__ = False  # not a pytest test class

    test: str
    method: str
    statistic: float
    pvalue: float
    alternative: str = "two-sided"
    n: tuple[int, ...] = ()
    n_missing: tuple[int, ...] = ()
    statistic_name: str = ""
    df: float | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    conf_level: float | None = None
    estimate_name: str | None = None
    note: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def __getstate__(self) -> dict[str, Any]:
        """Picklable (a read-only mapping is not): ``details`` travels as a dict."""
        return {**self.__dict__, "details": dict(self.details)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, details=MappingProxyType(dict(state["details"])))

    def to_dict(self) -> dict[str, Any]:
        """Return every field as plain JSON-serialisable Python values (NaN becomes None)."""
        return {
            "test": self.test,
            "method": self.method,
            "statistic": _plain(float(self.statistic)),
            "statistic_name": self.statistic_name,
            "pvalue": _plain(float(self.pvalue)),
            "alternative": self.alternative,
            "n": list(self.n),
            "n_missing": list(self.n_missing),
            "df": _plain(self.df),
            "estimate": _plain(self.estimate),
            "ci_low": _plain(self.ci_low),
            "ci_high": _plain(self.ci_high),
            "conf_level": self.conf_level,
            "estimate_name": self.estimate_name,
            "note": self.note,
            "details": _plain(dict(self.details)),
        }
