"""Value counts: the sufficient statistic from which every table cell is computed.

A :class:`Distribution` holds the distinct non-missing values of a sample with their counts;
summaries (mean, SD, the SAS quartiles) and the rank tests work on it directly, so a clinic's
84 patients and a registry's millions cost the same.

Examples
--------
>>> d = Distribution.from_values(np.array([1.0, 2.0, 2.0, 3.0, np.nan]))
>>> d.n, d.n_missing, d.mean(), d.quartiles()
(4, 1, 2.0, (1.5, 2.0, 2.5))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Distribution"]


@dataclass(frozen=True)
class Distribution:
    """Distinct non-missing values (sorted) with their counts, and how many were missing."""

    values: np.ndarray
    counts: np.ndarray
    n_missing: int = 0

    @classmethod
    def from_values(cls, values: np.ndarray) -> Distribution:
        """Count the distinct values of an array (NaN = missing)."""
        x = np.asarray(values, dtype=float)
        keep = ~np.isnan(x)
        uniq, counts = np.unique(x[keep], return_counts=True)
        return cls(uniq, counts.astype(np.int64), int((~keep).sum()))

    @classmethod
    def from_counts(
        cls, values: np.ndarray, counts: np.ndarray, n_missing: int = 0
    ) -> Distribution:
        """From (value, count) pairs in any order; zero counts dropped, equal values merged."""
        v = np.asarray(values, dtype=float)
        c = np.asarray(counts, dtype=np.int64)
        keep = (c > 0) & ~np.isnan(v)
        uniq, inverse = np.unique(v[keep], return_inverse=True)
        merged = np.bincount(inverse, weights=c[keep], minlength=uniq.size).astype(np.int64)
        return cls(uniq, merged, int(n_missing))

    @property
    def n(self) -> int:
        """Number of non-missing observations."""
        return int(self.counts.sum())

    def mean(self) -> float:
        """Arithmetic mean (NaN when empty)."""
        if self.n == 0:
            return math.nan
        return float(np.dot(self.values, self.counts) / self.n)

    def sd(self) -> float:
        """Sample standard deviation with n − 1 (NaN when n < 2)."""
        if self.n < 2:
            return math.nan
        centred = self.values - self.mean()
        return float(math.sqrt(np.dot(centred * centred, self.counts) / (self.n - 1)))

    def order_statistic(self, k: int) -> float:
        """The k-th smallest value, 1-based."""
        cum = np.cumsum(self.counts)
        return float(self.values[int(np.searchsorted(cum, k))])

    def quantile(self, p: float) -> float:
        """SAS QNTLDEF=5: x_(j) if np is not an integer (j = ⌈np⌉), else mean of x_(j), x_(j+1)."""
        n = self.n
        if n == 0:
            return math.nan
        np_ = n * p
        j = math.floor(np_ + 1e-9)
        if abs(np_ - j) < 1e-9:
            lo = self.order_statistic(max(j, 1))
            hi = self.order_statistic(min(j + 1, n))
            return (lo + hi) / 2.0
        return self.order_statistic(math.ceil(np_))

    def quartiles(self) -> tuple[float, float, float]:
        """(Q1, median, Q3) by SAS's default definition."""
        return (self.quantile(0.25), self.quantile(0.5), self.quantile(0.75))

    def merged(self, other: Distribution) -> Distribution:
        """The distribution of both samples together."""
        return Distribution.from_counts(
            np.concatenate([self.values, other.values]),
            np.concatenate([self.counts, other.counts]),
            self.n_missing + other.n_missing,
        )

    def expand(self) -> np.ndarray:
        """The observations themselves (sorted); for tests that need raw values."""
        return np.repeat(self.values, self.counts)
