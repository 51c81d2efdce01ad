"""Text of the extended analyses' cells (:mod:`painresponse.extended.cells`).

:func:`format_extended_cell` returns None for any other cell, so
:func:`painresponse.render.format.format_cell` can try it first and fall through.

Examples
--------
>>> from painresponse.extended.cells import EstimateCI, Number, Proportion
>>> format_extended_cell(EstimateCI(-2.0, -3.04, -1.5, digits=1), PLAIN)
'-2.0 (-3.0 to -1.5)'
>>> format_extended_cell(Proportion(41, 84, 41 / 84, 0.3848, 0.5937), PLAIN)
'41/84 (48.8%; 38.5–59.4%)'
>>> format_extended_cell(Number(12, 0), PLAIN), format_extended_cell("other", PLAIN) is None
('12', True)
"""

from __future__ import annotations

import math
from typing import Any

from painresponse.extended.cells import EstimateCI, Number, Proportion
from painresponse.render.format import PLAIN, FormatOptions, format_number

__all__ = ["format_extended_cell"]


def format_extended_cell(cell: Any, options: FormatOptions = PLAIN) -> str | None:
    """Format an extended cell; None when ``cell`` is not one of them.

    ``EstimateCI`` → ``estimate (low to high)`` (``to`` keeps negative bounds readable);
    ``Proportion`` → ``count/total (percent%; low–high%)``; ``Number`` → the number.
    Anything not estimable becomes an em dash.
    """
    if isinstance(cell, EstimateCI):
        if cell.is_missing:
            return "—"
        est = format_number(cell.estimate, cell.digits, options)
        if math.isnan(cell.ci_low) or math.isnan(cell.ci_high):
            return est
        low = format_number(cell.ci_low, cell.digits, options)
        high = format_number(cell.ci_high, cell.digits, options)
        low = f">{low}" if cell.low_open else low  # the end itself is not in the interval
        high = f"<{high}" if cell.high_open else high
        return f"{est} ({low} to {high})"
    if isinstance(cell, Proportion):
        if cell.total == 0:
            return "—"
        pct = format_number(cell.percent, cell.digits, options)
        low = format_number(100 * cell.ci_low, cell.digits, options)
        high = format_number(100 * cell.ci_high, cell.digits, options)
        return f"{cell.count}/{cell.total} ({pct}%; {low}{options.range_dash}{high}%)"
    if isinstance(cell, Number):
        return format_number(float(cell.value), cell.digits, options)
    return None
