"""Proportions: the Wilson score interval (one home for every responder rate's interval).

Examples
--------
>>> [round(v, 4) for v in wilson_interval(41, 84)]
[0.3841, 0.5931]
"""

from __future__ import annotations

import math

from scipy.special import ndtri

__all__ = ["wilson_interval"]


def wilson_interval(count: int, total: int, conf_level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (R ``prop.test(x, n, correct = FALSE)``).

    Notes
    -----
    .. math:: \\frac{x + z^2/2}{n + z^2} \\pm \\frac{z}{n + z^2}\\sqrt{\\frac{x(n-x)}{n}
              + \\frac{z^2}{4}}

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference.
    *J Am Stat Assoc* 1927;22:209-212.

    Examples
    --------
    >>> [round(v, 6) for v in wilson_interval(41, 84)]
    [0.384084, 0.593148]
    """
    if total <= 0:
        return math.nan, math.nan
    z = float(ndtri(0.5 + conf_level / 2))
    centre = (count + z * z / 2) / (total + z * z)
    half = z / (total + z * z) * math.sqrt(count * (total - count) / total + z * z / 4)
    return max(0.0, centre - half), min(1.0, centre + half)
