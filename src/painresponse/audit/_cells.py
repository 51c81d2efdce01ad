"""Printed cells of a published table, read as text with the precision they were printed at.

A published table is text: ``17 (41.5%)``, ``65.8 ± 11.3``, ``5.0 (4.0–6.0)``, ``21/20/43``,
``<0.001``. Every number keeps its printed decimals, because every check asks "which true
values round to what is printed?": a number printed with *d* decimals stands for the closed
interval ``value ± 0.5·10⁻ᵈ`` (round half up, half even and half down all land in it).
Arithmetic on these intervals is exact (:class:`fractions.Fraction`), so a check never
fails or passes on a floating-point artefact.

Text that is none of these is a :class:`BadCell` carrying the reason in words; reading a
cell never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "BadCell",
    "Cell",
    "CountCell",
    "CountsCell",
    "EmptyCell",
    "MeanSDCell",
    "MedianCell",
    "Printed",
    "PrintedP",
    "read_cell",
    "read_pvalue",
    "read_tests",
]

_MINUS = "-−–"  # hyphen-minus, minus sign, en dash: all printed as minus in tables
_NUM = rf"[{_MINUS}]?\d+(?:\.\d+)?"
_COUNT = r"\d{1,3}(?:,\d{3})+|\d+"
_EMPTY = {"", "-", "—", "–", "na", "n/a", "nr", "."}
_COUNT_PERCENT = re.compile(rf"^({_COUNT})\s*\(\s*({_NUM})\s*%?\s*\)$")
_COUNTS = re.compile(rf"^(?:{_COUNT})(?:\s*/\s*(?:{_COUNT}))+$")
_MEAN_SD = re.compile(rf"^({_NUM})\s*(?:±|\+/-|\+-|\+/−)\s*({_NUM})$")
_MEDIAN = re.compile(rf"^({_NUM})\s*\(\s*({_NUM})\s*(?:to|[,;–—]|-)\s*({_NUM})\s*\)$")
_P_PREFIX = re.compile(r"^p\s*(?:-?\s*value)?\s*[=:]?\s*", re.IGNORECASE)
_P_MARKERS = re.compile(r"[\s*†‡§¶#]+$|(?<=\d)[a-e]$")


@dataclass(frozen=True)
class Printed:
    """A number as printed: its exact value, its decimals and the text it came from.

    Attributes
    ----------
    value : Fraction
        The printed value, exactly.
    decimals : int
        Digits after the decimal point as printed (``"7.0"`` has 1, ``"7"`` has 0).
    text : str
        The printed text, as found.
    """

    value: Fraction
    decimals: int
    text: str

    @property
    def half_unit(self) -> Fraction:
        """Half a unit of the last printed digit: how far the true value can lie."""
        return Fraction(1, 2 * 10**self.decimals)

    @property
    def low(self) -> Fraction:
        """The smallest true value that rounds to the printed one."""
        return self.value - self.half_unit

    @property
    def high(self) -> Fraction:
        """The largest true value that rounds to the printed one."""
        return self.value + self.half_unit

    def __str__(self) -> str:
        return self.text


def _printed(text: str) -> Printed:
    clean = text.strip()
    sign = -1 if clean[:1] in _MINUS else 1
    digits = clean[1:] if clean[:1] in _MINUS else clean
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = sign * Fraction(Decimal(digits.replace(",", "")))
    shown = ("-" if sign < 0 else "") + digits
    return Printed(value, decimals, shown)


@dataclass(frozen=True)
class CountCell:
    """``17 (41.5%)`` or a bare count ``17``."""

    count: int
    percent: Printed | None
    text: str


@dataclass(frozen=True)
class CountsCell:
    """Several counts in one cell, one per level: ``21/20/43``."""

    counts: tuple[int, ...]
    text: str


@dataclass(frozen=True)
class MeanSDCell:
    """``65.8 ± 11.3`` (or ``+/-``)."""

    mean: Printed
    sd: Printed
    text: str


@dataclass(frozen=True)
class MedianCell:
    """``5.0 (4.0–6.0)`` or ``0.0 (–2.0 to 0.0)``: median and quartiles."""

    median: Printed
    q1: Printed
    q3: Printed
    text: str


@dataclass(frozen=True)
class EmptyCell:
    """Nothing printed (or a dash)."""

    text: str = ""


@dataclass(frozen=True)
class BadCell:
    """Text that cannot be what a table cell claims to be, with the reason in words."""

    text: str
    reason: str


Cell = CountCell | CountsCell | MeanSDCell | MedianCell | EmptyCell | BadCell


def read_cell(text: str) -> Cell:
    """Read one printed cell of a group column.

    Parameters
    ----------
    text : str
        The cell as printed.

    Returns
    -------
    Cell
        :class:`CountCell`, :class:`CountsCell`, :class:`MeanSDCell`, :class:`MedianCell`,
        :class:`EmptyCell`, or :class:`BadCell` with the reason (never raises).

    Examples
    --------
    >>> read_cell("6 (16.6%)").percent.text
    '16.6'
    >>> read_cell("65.8 ± 11.3").sd.decimals
    1
    >>> read_cell("0.0 (–2.0 to 0.0)").q1.text
    '-2.0'
    >>> read_cell("seventeen").reason
    "'seventeen' is not a count (percent), mean ± SD, median (IQR) or counts a/b/c"
    """
    raw = " ".join(text.split())
    if raw.lower() in _EMPTY:
        return EmptyCell(raw)
    if match := _COUNT_PERCENT.match(raw):
        percent = _printed(match.group(2))
        return CountCell(int(match.group(1).replace(",", "")), percent, raw)
    if re.fullmatch(_COUNT, raw):
        return CountCell(int(raw.replace(",", "")), None, raw)
    if _COUNTS.match(raw):
        return CountsCell(tuple(int(c.replace(",", "")) for c in raw.split("/")), raw)
    if match := _MEAN_SD.match(raw):
        mean, sd = _printed(match.group(1)), _printed(match.group(2))
        if sd.value < 0:
            return BadCell(raw, f"the SD {sd} is negative; a standard deviation cannot be")
        return MeanSDCell(mean, sd, raw)
    if match := _MEDIAN.match(raw):
        median, q1, q3 = (_printed(match.group(i)) for i in (1, 2, 3))
        if not q1.value <= median.value <= q3.value:
            return BadCell(raw, f"the median {median} is not between its quartiles {q1} and {q3}")
        return MedianCell(median, q1, q3, raw)
    return BadCell(
        raw, f"{raw!r} is not a count (percent), mean ± SD, median (IQR) or counts a/b/c"
    )


@dataclass(frozen=True)
class PrintedP:
    """A printed p-value and the interval of true p-values it stands for.

    Attributes
    ----------
    text : str
        As printed (``"0.801"``, ``"<0.001"``, ``">0.999"``).
    low, high : Fraction
        Every p in ``[low, high]`` is printed this way (bounds included, so any rounding of
        ties is accepted; ``<0.001`` is ``[0, 0.001]``).
    bound : bool
        True for ``<x`` and ``>x``: a bound, not a value (two different p-values printed
        ``<0.001`` are not a duplicate).
    zero : bool
        Printed as ``0.000``: a p-value is never 0.
    """

    text: str
    low: Fraction
    high: Fraction
    bound: bool = False
    zero: bool = False

    def covers(self, low: float, high: float | None = None) -> bool:
        """Whether a computed p (or a range ``[low, high]`` of them) meets this interval."""
        top = low if high is None else high
        slack = 1e-12  # floating-point noise only; the interval itself is exact
        return float(self.low) - slack <= top and low <= float(self.high) + slack

    def __str__(self) -> str:
        return self.text


def read_pvalue(text: str) -> PrintedP | BadCell | None:
    """Read a printed p-value: ``0.801``, ``.801``, ``<0.001``, ``> 0.999``, ``P = 0.03``.

    Returns
    -------
    PrintedP, BadCell or None
        None when nothing is printed; :class:`BadCell` when the text is not a p-value.

    Examples
    --------
    >>> p = read_pvalue("0.229")
    >>> float(p.low), float(p.high)
    (0.2285, 0.2295)
    >>> read_pvalue("< 0.001").bound
    True
    >>> read_pvalue("NS").reason
    "'NS' is not a p-value; transcribe the printed number, e.g. 0.12 or <0.001"
    """
    raw = " ".join(text.split())
    if raw.lower() in _EMPTY:
        return None
    core = _P_MARKERS.sub("", _P_PREFIX.sub("", raw)).replace(" ", "")
    relation = core[:1] if core[:1] in "<>≤≥" else ""
    number = core[len(relation) :].lstrip("=")
    if number.startswith("."):
        number = "0" + number
    try:
        value = Fraction(Decimal(number))
    except (InvalidOperation, ValueError):
        return BadCell(
            raw, f"{raw!r} is not a p-value; transcribe the printed number, e.g. 0.12 or <0.001"
        )
    if not 0 <= value <= 1:
        return BadCell(raw, f"the p-value {raw} is not between 0 and 1")
    if relation in ("<", "≤"):
        return PrintedP(f"<{number}", Fraction(0), value, bound=True)
    if relation in (">", "≥"):
        return PrintedP(f">{number}", value, Fraction(1), bound=True)
    printed = _printed(number)
    low, high = max(printed.low, Fraction(0)), min(printed.high, Fraction(1))
    return PrintedP(number, low, high, zero=value == 0)


# What a paper may name for a row, mapped to the variants the audit recomputes.
_TEST_NAMES: tuple[tuple[str, frozenset[str]], ...] = (
    (r"yates|continuity", frozenset({"yates"})),
    (r"likelihood|g-?test|^lr$", frozenset({"lr"})),
    (r"fisher|freeman|halton", frozenset({"fisher"})),
    (r"chi|χ|^x2$|pearson", frozenset({"chi2", "yates"})),
    (r"welch", frozenset({"welch"})),
    (r"student|pooled", frozenset({"student"})),
    (r"^t$|t-?test|^t test", frozenset({"student", "welch"})),
    (r"wilcoxon|mann|whitney|u-?test|rank|kruskal|median test", frozenset({"rank"})),
    (r"anova|analysis of variance|^f-?test", frozenset({"anova"})),
)
_TEST_SPLIT = re.compile(r"\s+or\s+|\s+and\s+|[/,;&|+]")


def read_tests(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Read the ``test`` column: what the paper names for a row, e.g. ``chi-square or fisher``.

    Returns
    -------
    (frozenset of str, tuple of str)
        The variants the names allow (``chi2``, ``yates``, ``fisher``, ``lr``, ``student``,
        ``welch``, ``rank``, ``anova``) and the names that were not understood.

    Examples
    --------
    >>> sorted(read_tests("Mann-Whitney or t-test")[0])
    ['rank', 'student', 'welch']
    >>> read_tests("magic")[1]
    ('magic',)
    """
    allowed: set[str] = set()
    unknown: list[str] = []
    for part in _TEST_SPLIT.split(text.strip().lower()):
        name = part.strip().replace("’", "'").removesuffix("'s").strip(" .")
        if not name:
            continue
        for pattern, variants in _TEST_NAMES:
            if re.search(pattern, name):
                allowed |= variants
                break
        else:
            unknown.append(part.strip())
    return frozenset(allowed), tuple(unknown)
