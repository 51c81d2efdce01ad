"""What an export's columns hold, and how a categorical variable can read them.

For :mod:`painresponse.draft`: :func:`profiles` counts each column's cells, numbers
and distinct values in one pass; :func:`code_levels` works out how a categorical variable
reads a column whose values are not its levels: a ``recode`` (same names written
otherwise, common words such as 남/여 or 좌/우, similar spellings, or codes 1, 2, …
guessed from the order of the levels) or, for numbers where the levels are ranges
("<=2", ">2"), ``cut``/``labels``/``closed``. Every guess comes with a comment saying so.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from dataclasses import dataclass, field

import polars as pl
import polars.selectors as cs

from painresponse._engine import engine
from painresponse.draft._names import NA_TEXTS, level_word
from painresponse.draft._toml import toml_value
from painresponse.io._layout import normalise
from painresponse.io.readers import RawTable
from painresponse.study import Variable

__all__ = [
    "MAX_LEVELS",
    "Coding",
    "Profile",
    "code_levels",
    "describe_numbers",
    "profiles",
    "scale_name",
]

MAX_LEVELS = 20
"""A column with more distinct values than this is never listed as levels."""
_MAX_TEXTS = 50
_NUMBER = r"([+-]?\d+(?:[.,]\d+)?)"
_UNIT = r"\s*(?:[^\d<>=≤≥]*)$"
_BOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + _UNIT, re.IGNORECASE), shape)
    for pattern, shape in (
        (rf"^\s*(?:<=|≤|=<)\s*{_NUMBER}", "at_most"),
        (rf"^\s*<\s*{_NUMBER}", "below"),
        (rf"^\s*(?:>=|≥|=>)\s*{_NUMBER}", "at_least"),
        (rf"^\s*>\s*{_NUMBER}", "above"),
        (rf"^\s*{_NUMBER}\s*(?:-|–|~|to)\s*{_NUMBER}", "between"),
        (rf"^\s*{_NUMBER}\s*(?:\+|or more|이상)", "at_least"),
        (rf"^\s*{_NUMBER}\s*(?:or less|이하)", "at_most"),
        (rf"^\s*{_NUMBER}\s*미만", "below"),
        (rf"^\s*{_NUMBER}\s*초과", "above"),
    )
)


@dataclass(frozen=True)
class Profile:
    """What a column holds, in counts (values kept only for matching and levels).

    ``texts`` are the distinct cells that are not numbers (at most 50), ``values`` the
    distinct cells (at most :data:`MAX_LEVELS` + 1), both in order of first appearance.
    """

    header: str
    filled: int
    distinct: int
    numbers: int
    integers: bool
    low: float | None
    high: float | None
    texts: tuple[str, ...]
    values: tuple[str, ...]

    @property
    def na_texts(self) -> tuple[str, ...]:
        """Texts of the column that usually stand for "not recorded"."""
        return tuple(t for t in self.texts if t in NA_TEXTS)

    @property
    def numeric(self) -> bool:
        """True when every filled cell is a number or a "not recorded" text."""
        return self.numbers > 0 and len(self.na_texts) == len(self.texts)

    @property
    def few_values(self) -> bool:
        """True when the distinct values are few enough to be listed as levels."""
        return self.distinct <= MAX_LEVELS


@dataclass(frozen=True)
class Coding:
    """How a categorical variable reads a column: nothing, a recode, or bins.

    ``fits`` is False when some values would still not be levels; ``comments`` say what
    was guessed (TO CHECK) or is left to do (TODO).
    """

    recode: dict[str, str] = field(default_factory=dict)
    cut: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    closed: str = "right"
    comments: tuple[str, ...] = ()
    fits: bool = True


def _text_of(name: str, dtype: pl.DataType) -> pl.Expr:
    # by the exact header: pl.col("*") would be every column, pl.col("^a$") a pattern
    col = cs.by_name(name).as_expr()
    if dtype == pl.String:
        text = col.str.strip_chars()
    elif dtype.is_float():
        integral = col.is_finite() & (col == col.round(0)) & (col.abs() < 2**53)
        text = (
            pl.when(integral)
            .then(col.cast(pl.Int64, strict=False).cast(pl.String))
            .when(col.is_finite())
            .then(col.cast(pl.String))
        )
    else:
        text = col.cast(pl.String)
    return pl.when(text == "").then(None).otherwise(text)


def profiles(raw: RawTable) -> dict[str, Profile]:
    """Profile every column of ``raw`` in one pass (counts, number range, a few values)."""
    schema = raw.frame.collect_schema()
    exprs: list[pl.Expr] = []
    for i, name in enumerate(raw.columns):
        text = _text_of(name, schema[name])
        written = text.str.replace(",", ".", literal=True) if raw.decimal == "," else text
        parsed = written.cast(pl.Float64, strict=False)
        number = pl.when(parsed.is_finite()).then(parsed)
        exprs += [
            text.count().alias(f"filled{i}"),
            text.drop_nulls().n_unique().alias(f"distinct{i}"),
            number.count().alias(f"numbers{i}"),
            (number == number.round(0)).all().alias(f"integers{i}"),
            number.min().alias(f"low{i}"),
            number.max().alias(f"high{i}"),
            text.filter(text.is_not_null() & number.is_null())
            .unique(maintain_order=True)
            .head(_MAX_TEXTS)
            .implode()
            .alias(f"texts{i}"),
            text.drop_nulls()
            .unique(maintain_order=True)
            .head(MAX_LEVELS + 1)
            .implode()
            .alias(f"values{i}"),
        ]
    row = raw.frame.select(exprs).collect(engine=engine(raw.streaming)).row(0, named=True)
    found = {}
    for i, name in enumerate(raw.columns):
        found[name] = Profile(
            name, int(row[f"filled{i}"]), int(row[f"distinct{i}"]), int(row[f"numbers{i}"]),
            bool(row[f"integers{i}"]), row[f"low{i}"], row[f"high{i}"],
            tuple(row[f"texts{i}"] or ()), tuple(row[f"values{i}"] or ()),
        )  # fmt: skip
    return found


def scale_name(lo: float, hi: float) -> str:
    """What a score range is usually called: ``an NRS score`` (0–10), ``EQ-5D levels`` (1–5)."""
    if (lo, hi) == (0, 10):
        return "an NRS score"
    if (lo, hi) == (1, 5):
        return "EQ-5D levels"
    return f"a score {lo:g}–{hi:g}"


def describe_numbers(profile: Profile, scale: tuple[float, float] | None = None) -> str:
    """``integers 1–10, an NRS score`` for a score-like column, else ``""``.

    With ``scale`` (the outcome's range) the column is described when its integers lie
    within it; without, when they lie within 1–5 (EQ-5D levels) or 0–10 (an NRS score).
    Nothing else is described: the range of another column (a chart number, a date) could
    identify a patient.
    """
    if not profile.numeric or not profile.integers or profile.low is None:
        return ""
    lo, hi = profile.low, profile.high if profile.high is not None else profile.low
    found = f"integers {lo:g}–{hi:g}"
    if scale is not None:
        inside = scale[0] <= lo and hi <= scale[1]
        return f"{found}, {scale_name(*scale)}" if inside else ""
    for candidate in ((1.0, 5.0), (0.0, 10.0)):
        if candidate[0] <= lo and hi <= candidate[1]:
            return f"{found}, like {scale_name(*candidate)}"
    return ""


def _float(text: str) -> float:
    return float(text.replace(",", "."))


def _interval(text: str) -> tuple[float, bool, float, bool] | None:
    """(low, low included, high, high included) of a level such as "<=2" or "1-2"."""
    for pattern, shape in _BOUNDS:
        found = pattern.match(text)
        if not found:
            continue
        a = _float(found.group(1))
        if shape == "at_most":
            return -math.inf, False, a, True
        if shape == "below":
            return -math.inf, False, a, False
        if shape == "at_least":
            return a, True, math.inf, False
        if shape == "above":
            return a, False, math.inf, False
        b = _float(found.group(2))
        return (a, True, b, True) if a < b else None
    return None


def bins(var: Variable) -> tuple[list[float], list[str], str, list[str]] | None:
    """Cut points, labels (lowest first), side and warnings when the levels are ranges."""
    levels = var.levels or var.labels
    if len(levels) < 2 or var.collapse:
        return None
    parsed = []
    for level in levels:
        interval = _interval(level) or _interval(var.level_labels.get(level, ""))
        if interval is None:
            return None
        parsed.append((interval, level))
    parsed.sort(key=lambda p: (p[0][0], p[0][2]))
    if parsed[0][0][0] != -math.inf or parsed[-1][0][2] != math.inf:
        return None
    cut: list[float] = []
    sides: list[str | None] = []
    for (left, _), (right, _) in itertools.pairwise(parsed):
        if left[2] != right[0]:
            return None
        cut.append(left[2])
        sides.append(
            "right" if left[3] and not right[1] else "left" if right[1] and not left[3] else None
        )
    labels = [level for _, level in parsed]
    said = {s for s in sides if s is not None}
    closed = said.pop() if len(said) == 1 else "right"
    warnings = []
    for i, (edge, side) in enumerate(zip(cut, sides, strict=True)):
        if side != closed:
            goes = labels[i] if closed == "right" else labels[i + 1]
            warnings.append(f"the levels do not say where a value of exactly {edge:g} belongs; "
                            f"closed = {toml_value(closed)} puts it in {goes!r}")  # fmt: skip
    return cut, labels, closed, warnings


def _level_for(value: str, var: Variable) -> tuple[str, str] | None:
    """(level, why) when ``value`` is a level written otherwise, a common word or a typo."""
    allowed = var.allowed_values()
    form = normalise(value)
    for level in allowed:
        shown = var.level_labels.get(level, "")
        if form and form in (normalise(level), normalise(shown)):
            return level, "the same name written otherwise"
    try:
        number = float(value)
        if number.is_integer() and str(int(number)) in allowed:
            return str(int(number)), "the same number"
    except ValueError:
        pass
    for level in allowed:
        if level_word(value, level) or level_word(value, var.level_labels.get(level, "")):
            return level, "a common word for it"
    forms = {normalise(level): level for level in allowed}
    close = difflib.get_close_matches(form, list(forms), n=1, cutoff=0.85)
    if close and not re.fullmatch(r"\d+", form):
        return forms[close[0]], "a similar name"
    return None


def _integer_code(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _by_order(codes: list[str], var: Variable) -> dict[str, str] | None:
    """Codes 1, 2, … (or 0, 1, …) read as the levels in their order."""
    numbers = {code: _integer_code(code) for code in codes}
    if not codes or any(n is None for n in numbers.values()):
        return None
    levels = var.levels or var.labels
    start = 0 if min(n for n in numbers.values() if n is not None) == 0 else 1
    guess = {}
    for code, n in sorted(numbers.items(), key=lambda item: item[1] or 0):
        index = (n or 0) - start
        if not 0 <= index < len(levels):
            return None
        guess[code] = levels[index]
    return guess


def _listed(values: list[str]) -> str:
    return ", ".join(repr(v) for v in values)


def code_levels(
    var: Variable, profile: Profile, header: str, na: set[str] | frozenset[str] = frozenset()
) -> Coding:
    """How ``var`` can read the column ``header`` (see the module's description).

    Values are written in comments only for categorical variables with at most
    :data:`MAX_LEVELS` distinct values.
    """
    if not var.is_categorical or profile.filled == 0:
        return Coding()
    if var.cut:
        return Coding(fits=profile.numeric)
    accepted = set(var.allowed_values()) | set(var.recode)
    shown = _listed(var.levels or var.labels)
    ranges = bins(var) if profile.numeric else None
    values = [v for v in profile.values if v in accepted or (v not in na and v not in NA_TEXTS)]
    if profile.few_values and all(v in accepted for v in values):
        return Coding()
    if ranges is not None:
        cut, labels, closed, warnings = ranges
        seen = ""
        if profile.distinct < profile.filled and profile.low is not None:
            seen = f" ({profile.low:g} to {profile.high:g})"
        text = (f"TO CHECK: {header!r} holds numbers{seen} where {var.label} has the ranges "
                f"{shown}; they are binned with cut = {toml_value(cut)}, "
                f"closed = {toml_value(closed)} (a value equal to a cut point falls in the "
                f"{'lower' if closed == 'right' else 'upper'} bin): check that the numbers are "
                "in the unit of the levels")  # fmt: skip
        return Coding(cut=cut, labels=labels, closed=closed,
                      comments=(text, *(f"TO CHECK: {w}" for w in warnings)))  # fmt: skip
    # All-different values may be identifiers: never written, whatever the header says.
    listable = profile.few_values and (
        profile.distinct < profile.filled or profile.distinct <= len(var.levels or var.labels)
    )
    if not listable:
        return Coding(fits=False, comments=(
            f"TODO: {header!r} holds {profile.distinct} different values, too many for the "
            f"levels of {var.label} ({shown}): check that it is the right column",))  # fmt: skip
    recode: dict[str, str] = {}
    why: dict[str, str] = {}
    unknown = []
    for value in values:
        if value in accepted:
            continue
        found = _level_for(value, var)
        if found is None:
            unknown.append(value)
            continue
        recode[value], why[value] = found
    ordered = _by_order(unknown, var) if unknown else None
    if ordered:
        recode.update(ordered)
        why.update(dict.fromkeys(ordered, "by the order of the levels"))
        unknown = []
    order = {level: i for i, level in enumerate(var.allowed_values())}
    codes = sorted(recode, key=lambda c: (_integer_code(c) is None, _integer_code(c) or 0,
                                          order.get(recode[c], 0), c))  # fmt: skip
    reasons: dict[str, list[str]] = {}
    for code in codes:
        reasons.setdefault(why[code], []).append(f"{code} = {recode[code]}")
    comments = []
    if recode:
        guessed = "; ".join(f"{', '.join(pairs)} ({reason})" for reason, pairs in reasons.items())
        comments.append(f"TO CHECK: {header!r} does not write {var.label} as {shown}; the "
                        f"recode below is a guess: {guessed}. Confirm it against the export's "
                        "codebook")  # fmt: skip
    if unknown:
        comments.append(f"TODO: {header!r} also holds {_listed(unknown)}, which are not levels of "
                        f"{var.label} ({shown}): add them to recode (or to na_values when they "
                        "mean not recorded)")  # fmt: skip
    return Coding(recode={c: recode[c] for c in codes}, comments=tuple(comments),
                  fits=not unknown)  # fmt: skip
