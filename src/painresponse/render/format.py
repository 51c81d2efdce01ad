"""Number formatting shared by every renderer: the only place numbers become text.

Examples
--------
>>> from painresponse.tables.model import CountPercent, MeanSD, MedianIQR
>>> format_cell(CountPercent(17, 41, 41.46))
'17 (41.5%)'
>>> format_cell(MeanSD(65.8, 11.34, 41))
'65.8 ± 11.3'
>>> format_cell(MedianIQR(-2.0, -3.0, -1.0, 41, style="to"))
'-2.0 (-3.0 to -1.0)'
>>> format_pvalue(0.0004), format_pvalue(0.9996), format_pvalue(0.0456)
('< 0.001', '> 0.999', '0.046')
>>> from painresponse.tables.model import EstimateCI, Number, Proportion
>>> format_cell(EstimateCI(-2.0, -3.04, -1.5, digits=1))
'-2.0 (-3.0 to -1.5)'
>>> format_cell(Proportion(41, 84, 41 / 84, 0.3848, 0.5937))
'41/84 (48.8%; 38.5–59.4%)'
>>> format_cell(Number(12, 0))
'12'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from painresponse.tables.model import (
    AdjustedP,
    Cell,
    Column,
    Comparison,
    CountPercent,
    Empty,
    EstimateCI,
    MeanSD,
    MedianIQR,
    Number,
    Proportion,
    PValue,
    Text,
)

__all__ = ["FormatOptions", "column_header", "format_cell", "format_number", "format_pvalue"]


@dataclass(frozen=True)
class FormatOptions:
    """How numbers are written.

    Attributes
    ----------
    p_digits : int
        Decimals of p-values between the bounds (journals: 3).
    p_lower : float
        Below this, write ``< p_lower`` (0.001).
    p_upper : float
        Above this, write ``> p_upper`` (0.999).
    minus : str
        The minus sign: ``"-"`` for CSV and Markdown, ``"−"`` (U+2212) for typeset output.
    range_dash : str
        Between quartiles in ``median (Q1–Q3)``.
    show_markers : bool
        Append a p-value's footnote marker (as plain text) after it.
    """

    p_digits: int = 3
    p_lower: float = 0.001
    p_upper: float = 0.999
    minus: str = "-"
    range_dash: str = "–"
    show_markers: bool = False


PLAIN = FormatOptions()
NOT_ESTIMABLE = "not estimable"
"""A summary of no patient (the table's footnote says why)."""
TYPESET = FormatOptions(minus="−")


def format_number(value: float, digits: int, options: FormatOptions = PLAIN) -> str:
    """Round half away from zero to ``digits`` decimals; NaN becomes an em dash."""
    if value is None or math.isnan(value):
        return "—"
    if math.isinf(value):
        return ("-" if value < 0 else "") + "∞"
    scaled = abs(value) * 10**digits
    rounded = math.floor(scaled + 0.5 + 1e-9) / 10**digits
    text = f"{rounded:.{digits}f}"
    if value < 0 and rounded != 0:
        text = options.minus + text
    return text


def _fixed(p: float, digits: int) -> str:
    """``p`` to ``digits`` decimals, with more where rounding would carry it across 0.05."""
    while digits < 6 and p < 0.05 <= round(p, digits):
        digits += 1  # 0.0496 must not read as 0.050
    return f"{p:.{digits}f}"


def _styled(p: float, style: str) -> str:
    """A p-value in a journal's house style (``nejm``, ``jama``, ``apa``, ``lancet``)."""
    if style == "lancet":  # two significant figures, mid-dot decimal, p<0·0001
        if p < 0.0001:
            return "<0·0001"
        if p > 0.99:
            return ">0·99"
        digits = max(2, 1 - math.floor(math.log10(p)))
        return _fixed(p, digits).replace(".", "·")
    if style == "apa":  # three decimals, no leading zero
        text = "<.001" if p < 0.001 else ">.999" if p > 0.999 else _fixed(p, 3)
        return text.replace("0.", ".", 1)
    # NEJM and JAMA: two decimals, three below 0.01, P<0.001; JAMA without the leading zero
    text = "<0.001" if p < 0.001 else ">0.99" if p > 0.99 else _fixed(p, 3 if p < 0.01 else 2)
    return text.replace("0.", ".", 1) if style == "jama" else text


def format_pvalue(p: float, options: FormatOptions = PLAIN, style: str = "default") -> str:
    """Write a p-value as journals expect: ``< 0.001``, ``> 0.999``, else 3 decimals.

    A p-value below 0.05 is never rounded up to 0.05 (0.0496 is written ``0.0496``).
    ``style`` chooses a journal's house style instead: ``nejm`` (0.03, 0.004, <0.001),
    ``jama`` (.03, .004, <.001), ``apa`` (.031, <.001) or ``lancet`` (two significant
    figures with a mid-dot decimal, p<0·0001).

    Examples
    --------
    >>> format_pvalue(0.0496), format_pvalue(0.0496, style="nejm")
    ('0.0496', '0.0496')
    >>> format_pvalue(0.0042, style="jama")
    '.004'
    >>> format_pvalue(0.0312, style="apa"), format_pvalue(0.0312, style="lancet")
    ('.031', '0·031')
    """
    if p is None or math.isnan(p):
        return "—"
    if style != "default":
        return _styled(p, style)
    if p < options.p_lower:
        return f"< {options.p_lower:g}"
    if p > options.p_upper:
        return f"> {options.p_upper:g}"
    return _fixed(p, options.p_digits)


def format_cell(cell: Cell, options: FormatOptions = PLAIN) -> str:
    """Format one table cell as text (the extended analyses' cells included)."""
    if isinstance(cell, EstimateCI):
        return _estimate_ci(cell, options)
    if isinstance(cell, Proportion):
        return _proportion(cell, options)
    if isinstance(cell, Number):
        return format_number(float(cell.value), cell.digits, options)
    if isinstance(cell, CountPercent):
        pct = format_number(cell.percent, cell.digits, options)
        return f"{cell.count} ({pct}%)"
    if isinstance(cell, MeanSD):
        if cell.n == 0:
            return NOT_ESTIMABLE
        mean = format_number(cell.mean, cell.digits, options)
        return f"{mean} ± {format_number(cell.sd, cell.digits, options)}" + _n_of(cell)
    if isinstance(cell, MedianIQR):
        if cell.n == 0:
            return NOT_ESTIMABLE
        med = format_number(cell.median, cell.digits, options)
        q1 = format_number(cell.q1, cell.digits, options)
        q3 = format_number(cell.q3, cell.digits, options)
        if cell.style == "to":
            return f"{med} ({q1} to {q3})" + _n_of(cell)
        return f"{med} ({q1}{options.range_dash}{q3})" + _n_of(cell)
    if isinstance(cell, Comparison):
        later, earlier = format_cell(cell.later, options), format_cell(cell.earlier, options)
        return f"{later} vs. {earlier}" + (f"; n = {cell.pairs:,}" if cell.show_n else "")
    if isinstance(cell, AdjustedP):
        return format_pvalue(cell.value, options, cell.style)
    if isinstance(cell, PValue):
        text = format_pvalue(cell.value, options, cell.style)
        if options.show_markers and cell.marker:
            text = f"{text} {cell.marker}"
        return text
    if isinstance(cell, Text):
        return cell.text
    if isinstance(cell, Empty):
        return ""
    raise TypeError(f"unknown cell type {type(cell).__name__}")  # pragma: no cover


def _estimate_ci(cell: EstimateCI, options: FormatOptions) -> str:
    """``estimate (low to high)``; ``to`` keeps negative bounds readable; open ends as ``<x``."""
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


def _proportion(cell: Proportion, options: FormatOptions) -> str:
    """``count/total (percent%; low–high%)``."""
    if cell.total == 0:
        return "—"
    pct = format_number(cell.percent, cell.digits, options)
    low = format_number(100 * cell.ci_low, cell.digits, options)
    high = format_number(100 * cell.ci_high, cell.digits, options)
    return f"{cell.count}/{cell.total} ({pct}%; {low}{options.range_dash}{high}%)"


def _n_of(cell: MeanSD | MedianIQR) -> str:
    """``; n = 23`` when the summary is on fewer patients than its column shows."""
    return f"; n = {cell.n:,}" if cell.show_n else ""


def column_header(column: Column) -> str:
    """``Responder (n = 41)``; p-value columns keep their label."""
    if column.n is None:
        return column.label
    count = f"{column.n:,}" if column.n >= 10_000 else str(column.n)
    return f"{column.label} (n = {count})"
