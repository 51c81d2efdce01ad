"""Printed p-values against every plausible test of the printed numbers.

- ``pvalue``: from the printed counts, Pearson's chi-square with and without Yates'
  correction (2 × 2), Fisher's exact test (Fisher–Freeman–Halton beyond 2 × 2) and the
  likelihood-ratio chi-square; from mean ± SD and n, Student's and Welch's t-tests, each as
  the range of p over every true mean and SD that round to the printed ones. The variants
  that reproduce the printed p are listed. A p from a rank test (or from medians) cannot be
  recomputed from summaries: that is said (info), not flagged.
- ``test-choice``: the reproducing test contradicts the test the paper names, or the
  conventional rule (chi-square where Cochran's conditions fail, Fisher's exact test then).
- ``duplicate-p``: the same printed p on different variables whose data give different values.

Every statistic comes from :mod:`painresponse.stats`; the likelihood-ratio chi-square, which
it does not have, from :func:`scipy.stats.chi2_contingency`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from painresponse.audit._cells import MeanSDCell, MedianCell, PrintedP
from painresponse.audit._model import Check
from painresponse.audit._table import CountComparison, PublishedTable, SummaryComparison
from painresponse.errors import StatisticsError
from painresponse.stats import chi2_test, choose_test, fisher_exact, ttest_ind_from_stats

__all__ = [
    "Recomputed",
    "Variant",
    "count_variants",
    "duplicate_checks",
    "format_p",
    "pvalue_checks",
    "summary_variants",
]

_CHI_SQUARE_FAMILY = frozenset({"chi2", "yates", "lr"})
_RANK_TESTS = frozenset({"rank"})


@dataclass(frozen=True)
class Variant:
    """One test recomputed from the printed numbers.

    ``low`` and ``high`` bound its p-value: equal for counts (exact), a range for summaries
    (every mean and SD that round to the printed ones). ``value`` is p at the printed values.
    """

    key: str
    label: str
    value: float
    low: float
    high: float

    def text(self) -> str:
        if self.low == self.high:
            return f"{self.label} {format_p(self.value)}"
        return f"{self.label} {format_p(self.value)} ({format_p(self.low)}–{format_p(self.high)})"


@dataclass(frozen=True)
class Recomputed:
    """A printed p-value and what the printed numbers give (for ``duplicate-p``)."""

    table: str
    variable: str
    level: str
    line: int
    printed: PrintedP
    variants: tuple[Variant, ...]
    reproduced: tuple[str, ...]
    severity: str
    what: str


def format_p(p: float) -> str:
    """A computed p-value with enough digits to compare with a printed one.

    >>> format_p(0.39078), format_p(0.00042), format_p(3.1e-07)
    ('0.391', '0.0004', '3.1e-07')
    """
    if p != p:  # NaN
        return "—"
    if p < 0.0001:
        return f"{p:.1e}"
    if p < 0.001:
        return f"{p:.4f}"
    return f"{p:.3f}"


def count_variants(table: Sequence[Sequence[int]]) -> list[Variant]:
    """Every plausible test of a table of counts (levels by groups).

    Rows and columns with a total of zero are dropped first, as :mod:`painresponse.stats`
    does; a table left smaller than 2 × 2 has no test.

    Examples
    --------
    >>> [(v.key, format_p(v.value)) for v in count_variants([[14, 11], [27, 32]])]
    [('chi2', '0.391'), ('yates', '0.536'), ('fisher', '0.476'), ('lr', '0.390')]
    """
    counts = np.asarray(table, dtype=np.int64)
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if counts.ndim != 2 or counts.shape[0] < 2 or counts.shape[1] < 2:
        return []
    found = []
    pearson = chi2_test(counts).pvalue
    found.append(Variant("chi2", "Pearson's chi-square", pearson, pearson, pearson))
    if counts.shape == (2, 2):
        yates = chi2_test(counts, correction=True).pvalue
        found.append(Variant("yates", "Yates-corrected chi-square", yates, yates, yates))
    try:
        exact = fisher_exact(counts)
        label = "Fisher's exact" if counts.shape == (2, 2) else "Fisher–Freeman–Halton"
        found.append(Variant("fisher", label, exact.pvalue, exact.pvalue, exact.pvalue))
    except StatisticsError:
        pass  # beyond the exact enumeration's budget: the other variants still stand
    from scipy.stats import chi2_contingency

    lr = float(chi2_contingency(counts, correction=False, lambda_="log-likelihood")[1])
    found.append(Variant("lr", "likelihood-ratio chi-square", lr, lr, lr))
    return found


def summary_variants(summaries: Sequence[tuple[int, MeanSDCell]]) -> list[Variant]:
    """Student's and Welch's t-tests from two printed means ± SDs and sizes.

    Each p is given at the printed values and as its range over the 16 corners of the
    rounding box (the largest |difference| with the smallest SDs gives the smallest p, and
    the reverse the largest; the corners cover Welch's degrees of freedom too).

    Examples
    --------
    >>> from painresponse.audit._cells import read_cell
    >>> age = [(41, read_cell("65.8 ± 11.3")), (43, read_cell("68.5 ± 9.0"))]
    >>> [(v.key, format_p(v.value)) for v in summary_variants(age)]
    [('student', '0.228'), ('welch', '0.231')]
    """
    if len(summaries) != 2:
        return []
    (n1, a), (n2, b) = summaries
    found = []
    for key, label, equal_var in (
        ("student", "Student's t", True),
        ("welch", "Welch's t", False),
    ):

        def p(m1: float, s1: float, m2: float, s2: float, equal: bool = equal_var) -> float:
            return ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=equal).pvalue

        value = p(float(a.mean.value), float(a.sd.value), float(b.mean.value), float(b.sd.value))
        corners = [
            p(float(m1), max(float(s1), 0.0), float(m2), max(float(s2), 0.0))
            for m1, s1, m2, s2 in itertools.product(
                (a.mean.low, a.mean.high),
                (a.sd.low, a.sd.high),
                (b.mean.low, b.mean.high),
                (b.sd.low, b.sd.high),
            )
        ]
        overlap = a.mean.low <= b.mean.high and b.mean.low <= a.mean.high
        values = [c for c in [*corners, value] if c == c]
        if not values:
            continue
        high = 1.0 if overlap else max(values)
        found.append(Variant(key, label, value, min(values), high))
    return found


def _counts_text(comparison: CountComparison, table: PublishedTable) -> str:
    levels = list(comparison.levels)
    if comparison.complement:
        levels.append("rest")
    grid = comparison.table(table.groups)
    groups = ", ".join(
        f"{g.name} {'/'.join(str(row[j]) for row in grid)}" for j, g in enumerate(table.groups)
    )
    return f"counts ({', '.join(levels)}): {groups}"


def _variants_text(variants: Sequence[Variant], reproduced: Sequence[str]) -> str:
    return ", ".join(v.text() + (" ✓" if v.key in reproduced else "") for v in variants)


def pvalue_checks(table: PublishedTable) -> tuple[list[Check], list[Recomputed]]:
    """``pvalue`` and ``test-choice`` for every printed p-value of one table."""
    checks: list[Check] = []
    recomputed: list[Recomputed] = []
    handled: set[int] = set()
    for comparison in table.count_comparisons():
        if comparison.p is not None:
            _count_pvalue(table, comparison, checks, recomputed)
            handled |= _lines_of(table, comparison.variable)
    for summary in table.summary_comparisons():
        if summary.p is not None:
            _summary_pvalue(table, summary, checks, recomputed)
            handled |= {summary.row.line} if summary.row.p else _lines_of(table, summary.variable)
    for row in table.rows:
        if not isinstance(row.p, PrintedP):
            continue
        notes = []
        if row.line not in handled:
            notes.append(
                f"printed {row.p}, but the variable does not print a complete table of counts "
                "or a summary in every group; not recomputed"
            )
        if row.p.zero:
            notes.append(f"printed {row.p}: a p-value is never 0; print it as <0.001")
        checks += [
            Check(table.name, row.variable, row.level, "pvalue", "info", note, row.line)
            for note in notes
        ]
    return checks, recomputed


def _lines_of(table: PublishedTable, variable: str) -> set[int]:
    return {r.line for v in table.variables if v.name == variable for r in v.rows}


def _count_pvalue(
    table: PublishedTable,
    comparison: CountComparison,
    checks: list[Check],
    recomputed: list[Recomputed],
) -> None:
    printed = comparison.p
    assert printed is not None
    line = comparison.line
    grid = comparison.table(table.groups)
    variants = count_variants(grid)

    def add(check: str, severity: str, detail: str) -> None:
        checks.append(Check(table.name, comparison.variable, "", check, severity, detail, line))

    if not variants:
        add(
            "pvalue",
            "info",
            f"printed {printed}, but the table has no test: {_counts_text(comparison, table)}",
        )
        return
    reproduced = tuple(v.key for v in variants if printed.covers(v.low, v.high))
    data = _counts_text(comparison, table)
    found = _variants_text(variants, reproduced)
    if reproduced:
        severity = "ok"
        add("pvalue", "ok", f"printed {printed}; {data} give {found}")
    else:
        severity = "error"
        add("pvalue", "error", f"printed {printed}, but {data} give {found}: none gives {printed}")
    recomputed.append(
        Recomputed(
            table.name,
            comparison.variable,
            "",
            line,
            printed,
            tuple(variants),
            reproduced,
            severity,
            "counts",
        )
    )
    if reproduced:
        add(*_count_test_choice(grid, variants, reproduced, comparison.tests, printed))


def _count_test_choice(
    grid: list[list[int]],
    variants: Sequence[Variant],
    reproduced: Sequence[str],
    named: frozenset[str],
    printed: PrintedP,
) -> tuple[str, str, str]:
    labels = {v.key: v.label for v in variants}
    used = " and ".join(labels[k] for k in reproduced)
    if named and not named & set(reproduced):
        others = ", ".join(v.text() for v in variants if v.key in named)
        return (
            "test-choice",
            "warning",
            f"the paper names {_named_text(named)}, but {printed} is {used}"
            + (f"; {others}" if others else ""),
        )
    choice = choose_test("categorical", table=grid)
    rule = choice.reason.split(": ", 1)[-1]
    if choice.test == "fisher_exact" and set(reproduced) <= _CHI_SQUARE_FAMILY:
        fisher = next((v for v in variants if v.key == "fisher"), None)
        instead = f"; Fisher's exact test gives {format_p(fisher.value)}" if fisher else ""
        return (
            "test-choice",
            "warning",
            f"{printed} is {used}, but {rule}, so chi-square is not valid{instead}",
        )
    verb = "reproduce" if len(reproduced) > 1 else "reproduces"
    return "test-choice", "ok", f"{used} {verb} it; {rule}"


def _named_text(named: frozenset[str]) -> str:
    names = {
        "chi2": "chi-square",
        "yates": "Yates' chi-square",
        "fisher": "Fisher's exact test",
        "lr": "the likelihood-ratio test",
        "student": "Student's t",
        "welch": "Welch's t",
        "rank": "a rank test",
        "anova": "ANOVA",
    }
    if {"chi2", "yates"} <= named:
        named = named - {"yates"}
    if {"student", "welch"} <= named:
        return " or ".join(["a t-test", *sorted(names[k] for k in named - {"student", "welch"})])
    return " or ".join(sorted(names[k] for k in named))


def _summary_pvalue(
    table: PublishedTable,
    summary: SummaryComparison,
    checks: list[Check],
    recomputed: list[Recomputed],
) -> None:
    printed = summary.p
    assert printed is not None
    row = summary.row

    def add(check: str, severity: str, detail: str) -> None:
        checks.append(
            Check(table.name, summary.variable, summary.level, check, severity, detail, row.line)
        )

    cells = [row.cells[g.name] for g in table.groups]
    named = summary.tests
    if all(isinstance(c, MedianCell) for c in cells):
        add(
            "pvalue",
            "info",
            f"printed {printed} compares medians (IQR); a rank test's p needs the data and is "
            "not reproducible from summaries",
        )
        return
    if not all(isinstance(c, MeanSDCell) for c in cells):
        return
    means = [
        (g.n, c) for g, c in zip(table.groups, cells, strict=True) if isinstance(c, MeanSDCell)
    ]
    variants = summary_variants(means)
    if not variants:
        add(
            "pvalue",
            "info",
            f"printed {printed} compares {len(means)} means; comparisons of more than two "
            "groups are not recomputed from summaries",
        )
        return
    reproduced = tuple(v.key for v in variants if printed.covers(v.low, v.high))
    found = _variants_text(variants, reproduced)
    data = "the printed means ± SDs give " + found
    rank_named = bool(named & _RANK_TESTS)
    t_named = bool(named & {"student", "welch"})
    if reproduced:
        severity = "ok"
        add(
            "pvalue",
            "ok",
            f"printed {printed}; {data} (ranges: every mean and SD that round to the printed ones)",
        )
        if rank_named and not t_named:
            add(
                "test-choice",
                "info",
                f"the paper names {_named_text(named)}, but {printed} is what a t-test of the "
                "summaries gives",
            )
    elif rank_named:
        severity = "info"
        add(
            "pvalue",
            "info",
            f"printed {printed}; {data}, not {printed}; the paper names {_named_text(named)}, "
            "whose p needs the data: not reproducible from summaries",
        )
    elif t_named:
        severity = "error"
        add("pvalue", "error", f"printed {printed}, but {data}: no t-test gives {printed}")
    else:
        severity = "warning"
        add(
            "pvalue",
            "warning",
            f"printed {printed}, but {data}: no t-test gives {printed}; mean ± SD implies a "
            "t-test, and the table names no other test (a rank test's p cannot be recomputed "
            "from summaries)",
        )
    recomputed.append(
        Recomputed(
            table.name,
            summary.variable,
            summary.level,
            row.line,
            printed,
            tuple(variants),
            reproduced,
            severity,
            "means ± SDs",
        )
    )


def _range_text(entry: Recomputed) -> str:
    low = min(v.low for v in entry.variants)
    high = max(v.high for v in entry.variants)
    if low == high:
        return format_p(low)
    return f"{format_p(low)}–{format_p(high)}"


def _where(entry: Recomputed) -> str:
    name = entry.variable + (f" {entry.level}" if entry.level else "")
    return f"{name} ({entry.table})"


def duplicate_checks(entries: Sequence[Recomputed]) -> Iterator[Check]:
    """The same printed p on different variables whose printed data give different values.

    A row is flagged when its own data do not give its printed p and another row prints the
    same p: a warning when that other row's data give it (the value looks copied) or do not
    either, an info when the other row cannot be recomputed. Bounds (``<0.001``, ``>0.999``)
    and ``0.000`` are never duplicates.
    """
    by_text: dict[str, list[Recomputed]] = {}
    for entry in entries:
        if not entry.printed.bound and not entry.printed.zero:
            by_text.setdefault(entry.printed.text, []).append(entry)
    for same in by_text.values():
        if len(same) < 2:
            continue
        for entry in same:
            if entry.reproduced or not entry.variants:
                continue
            others = [o for o in same if o is not entry and o.variable != entry.variable]
            if not others:
                continue
            other = next((o for o in others if o.reproduced), others[0])
            if other.reproduced:
                labels = ", ".join(v.text() for v in other.variants if v.key in other.reproduced)
                tail = f"whose {other.what} give it ({labels}); the p-value looks copied from there"
                severity = "warning"
            elif other.severity in ("error", "warning"):
                tail = f"whose {other.what} do not give it either"
                severity = "warning"
            else:
                tail = f"which cannot be recomputed from its {other.what}"
                severity = "info"
            if entry.severity not in ("error", "warning"):
                severity = "info"
            yield Check(
                entry.table,
                entry.variable,
                entry.level,
                "duplicate-p",
                severity,
                f"{entry.printed} is also the printed p of {_where(other)}, {tail}; this row's "
                f"{entry.what} give {_range_text(entry)}",
                entry.line,
            )
