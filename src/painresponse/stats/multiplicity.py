"""Adjustment of p-values for multiple comparisons, as R's ``p.adjust``."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from painresponse.errors import StatisticsError

__all__ = ["ADJUSTMENT_NAMES", "adjust_pvalues"]

#: Each adjustment's name in words (tables, footnotes and the methods paragraph).
ADJUSTMENT_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "bh": "Benjamini–Hochberg"}

_METHODS = {"holm": "holm", "bonferroni": "bonferroni", "bh": "bh", "fdr_bh": "bh"}


def adjust_pvalues(pvalues: ArrayLike, method: str = "holm") -> NDArray[np.float64]:
    """Adjust p-values for multiple comparisons.

    Parameters
    ----------
    pvalues : array_like of float
        Unadjusted p-values in [0, 1]. NaN entries pass through untouched and are not
        counted among the m tests.
    method : {"holm", "bonferroni", "bh", "fdr_bh"}, default "holm"
        Holm's step-down, Bonferroni, or Benjamini-Hochberg false discovery rate
        (``"fdr_bh"`` is an alias of ``"bh"``).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same shape as the input, capped at 1.

    Raises
    ------
    StatisticsError
        If a p-value lies outside [0, 1] or the method is unknown.

    Notes
    -----
    With the m non-missing p-values sorted, :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:

    - Bonferroni: :math:`\\min(1, m p_i)`.
    - Holm: :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`.
    - Benjamini-Hochberg: :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m p_{(j)} / j)`.

    These are the formulas of R's ``p.adjust`` (``n = length(p)`` after dropping NA).

    References
    ----------
    .. [1] Holm S. A simple sequentially rejective multiple test procedure.
       Scand J Stat. 1979;6:65-70.
    .. [2] Benjamini Y, Hochberg Y. Controlling the false discovery rate. J R Stat Soc B.
       1995;57:289-300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")], method="holm").round(4).tolist()
    [0.03, 0.06, 0.06, nan]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="bh").round(4).tolist()
    [0.03, 0.04, 0.04]
    """
    key = _METHODS.get(method)
    if key is None:
        raise StatisticsError(
            f"Unknown adjustment method {method!r}; use holm, bonferroni, bh or fdr_bh."
        )
    try:
        p = np.array(pvalues, dtype=float)
    except (TypeError, ValueError) as exc:
        raise StatisticsError("p-values must be numbers.") from exc
    out = p.copy()
    flat = p.ravel()
    present = ~np.isnan(flat)
    values = flat[present]
    if np.any((values < 0) | (values > 1)):
        raise StatisticsError("p-values must lie between 0 and 1.")
    m = len(values)
    if m == 0:
        return out
    if key == "bonferroni":
        adjusted = np.minimum(1.0, m * values)
    elif key == "holm":
        order = np.argsort(values, kind="stable")
        steps = np.minimum(1.0, (m - np.arange(m)) * values[order])
        adjusted = np.empty(m)
        adjusted[order] = np.maximum.accumulate(steps)
    else:
        order = np.argsort(values, kind="stable")[::-1]  # largest first
        ranks = np.arange(m, 0, -1)
        steps = np.minimum(1.0, m * values[order] / ranks)
        adjusted = np.empty(m)
        adjusted[order] = np.minimum.accumulate(steps)
    out_flat = out.ravel()
    out_flat[present] = adjusted
    return out_flat.reshape(p.shape)
