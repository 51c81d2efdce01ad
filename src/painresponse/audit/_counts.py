"""Checks on what a table prints about itself: readable cells, percents and totals.

- ``parse``: a cell, p-value or test name that cannot be read, or a value that cannot be
  (a negative SD, a median outside its quartiles, a row mixing counts and means).
- ``percent``: a printed percent that is not n/N rounded at its printed decimals (any
  rounding of ties); a percent explained only by rounding twice (78.05 → 78.1 for
  32/41 = 78.049%) is a warning, anything else an error, a percent above 100 an error.
- ``total``: level counts that do not add up to the group's n, an overall column that is not
  the sum of the groups (swapped rows are named), an overall mean ± SD that the groups'
  means and SDs cannot pool to.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

from painresponse.audit._cells import (
    BadCell,
    CountCell,
    CountsCell,
    EmptyCell,
    MeanSDCell,
    MedianCell,
    Printed,
)
from painresponse.audit._model import Check
from painresponse.audit._table import (
    CountComparison,
    Group,
    PublishedTable,
    Row,
    SummaryComparison,
)

__all__ = [
    "exact_decimals",
    "parse_checks",
    "percent_checks",
    "pooled_ranges",
    "round_half_up",
    "total_checks",
]


def round_half_up(value: Fraction, decimals: int) -> Fraction:
    """Round exactly, ties away from zero, to ``decimals`` places.

    >>> round_half_up(Fraction(7805, 100), 1)
    Fraction(781, 10)
    """
    scale = 10**decimals
    sign = -1 if value < 0 else 1
    return sign * Fraction(math.floor(abs(value) * scale + Fraction(1, 2)), scale)


def exact_decimals(value: Fraction, decimals: int) -> str:
    """``value`` written with ``decimals`` places (rounded half up).

    >>> exact_decimals(Fraction(600, 41), 2)
    '14.63'
    """
    rounded = round_half_up(value, decimals)
    text = f"{abs(rounded.numerator) * 10**decimals // rounded.denominator}"
    if decimals:
        text = text.rjust(decimals + 1, "0")
        text = f"{text[:-decimals]}.{text[-decimals:]}"
    return f"-{text}" if rounded < 0 else text


def _check(table: PublishedTable, row: Row, check: str, severity: str, detail: str) -> Check:
    return Check(table.name, row.variable, row.level, check, severity, detail, row.line)


# --------------------------------------------------------------------------------------
# parse
# --------------------------------------------------------------------------------------


def parse_checks(table: PublishedTable) -> Iterator[Check]:
    """Cells, p-values and test names that cannot be read, and rows that mix kinds."""
    for row in table.rows:
        if not row.variable:
            yield _check(table, row, "parse", "error", f"line {row.line} has no variable name")
        for group in table.columns:
            cell = row.cells[group.name]
            if isinstance(cell, BadCell):
                yield _check(table, row, "parse", "error", f"{group.name}: {cell.reason}")
        if isinstance(row.p, BadCell):
            yield _check(table, row, "parse", "error", f"p_value: {row.p.reason}")
        kinds = row.kinds(table.columns) - {BadCell}
        if len(kinds) > 1 and kinds != {CountCell, CountsCell}:
            names = sorted(_KIND_NAMES[k] for k in kinds)
            yield _check(
                table,
                row,
                "parse",
                "error",
                f"the row mixes {' and '.join(names)} across its columns; each row prints "
                "one kind of summary",
            )
        for name in row.unknown_tests:
            yield _check(
                table,
                row,
                "parse",
                "info",
                f"test {name!r} is not one the audit knows (chi-square, Yates, Fisher, "
                "likelihood ratio, t-test, Student, Welch, Wilcoxon/Mann-Whitney); ignored",
            )
        if row.integer is None and row.integer_text:
            yield _check(
                table,
                row,
                "parse",
                "info",
                f"integer = {row.integer_text!r} is neither yes nor no; GRIM/GRIMMER not applied",
            )
        if row.extra_cells:
            yield _check(
                table,
                row,
                "parse",
                "error",
                f"the row has {row.extra_cells} more cell(s) than the header has columns",
            )


_KIND_NAMES = {
    CountCell: "counts",
    CountsCell: "counts",
    MeanSDCell: "means ± SD",
    MedianCell: "medians (IQR)",
    EmptyCell: "empty cells",
    BadCell: "unreadable cells",
}


# --------------------------------------------------------------------------------------
# percent
# --------------------------------------------------------------------------------------


def _denominators(comparison: CountComparison | None, group: Group) -> list[int]:
    """The group's n, and the sum of the variable's shown levels when that differs."""
    found = [group.n]
    if comparison is not None and not comparison.complement:
        shown = sum(comparison.counts.get(group.name, ()))
        if 0 < shown != group.n:
            found.append(shown)
    return found


def _percent_verdict(count: int, percent: Printed, denominators: list[int]) -> str | None:
    """None when the percent is count/N rounded for some N, else a severity."""
    for n in denominators:
        exact = Fraction(100 * count, n)
        if percent.low <= exact <= percent.high:
            return None
    n = denominators[0]
    twice = round_half_up(
        round_half_up(Fraction(100 * count, n), percent.decimals + 1), percent.decimals
    )
    return "warning" if twice == percent.value else "error"


def percent_checks(table: PublishedTable) -> Iterator[Check]:
    """Every printed percent against count/n; one pass per variable when all agree."""
    by_variable = {c.variable: c for c in table.count_comparisons()}
    for variable in table.variables:
        comparison = by_variable.get(variable.name)
        agree = 0
        example = ""
        for row in variable.rows:
            for group in table.columns:
                cell = row.cells[group.name]
                if not isinstance(cell, CountCell) or cell.percent is None:
                    continue
                finding = _percent_finding(table, row, group, cell, comparison)
                if finding is not None:
                    yield finding
                    continue
                agree += 1
                if not example:
                    exact = Fraction(100 * cell.count, group.n)
                    example = (
                        f"{cell.count}/{group.n} = {exact_decimals(exact, 2)}% → {cell.percent}%"
                    )
        if agree:
            yield Check(
                table.name,
                variable.name,
                "",
                "percent",
                "ok",
                f"{agree} printed percent(s) are count/n at their decimals (e.g. {example})",
                variable.rows[0].line,
            )


def _percent_finding(
    table: PublishedTable,
    row: Row,
    group: Group,
    cell: CountCell,
    comparison: CountComparison | None,
) -> Check | None:
    percent = cell.percent
    assert percent is not None
    if percent.value > 100:
        return _check(
            table,
            row,
            "percent",
            "error",
            f"{group.name}: printed {percent}% is above 100%",
        )
    denominators = _denominators(comparison, group)
    severity = _percent_verdict(cell.count, percent, denominators)
    if severity is None:
        return None
    n = denominators[0]
    exact = Fraction(100 * cell.count, n)
    shown = exact_decimals(exact, percent.decimals)
    detail = (
        f"{group.name}: printed {percent}% for {cell.count} of {n}, but "
        f"{cell.count}/{n} = {exact_decimals(exact, percent.decimals + 2)}%, "
        f"{shown}% at {percent.decimals} decimal{'' if percent.decimals == 1 else 's'}"
    )
    if severity == "warning":
        twice = exact_decimals(exact, percent.decimals + 1)
        detail += f" under any rounding; {percent} comes from rounding twice ({twice} → {percent})"
    if len(denominators) > 1:
        detail += f" (nor {cell.count}/{denominators[1]}, of the levels shown)"
    return _check(table, row, "percent", severity, detail)


# --------------------------------------------------------------------------------------
# total
# --------------------------------------------------------------------------------------


def total_checks(table: PublishedTable) -> Iterator[Check]:
    """Level counts against each group's n, the overall column against the groups."""
    for comparison in table.count_comparisons():
        yield from _group_totals(table, comparison)
        if table.overall is not None and table.overall.name in comparison.counts:
            yield from _overall_counts(table, comparison, table.overall)
    if table.overall is not None:
        for summary in table.summary_comparisons():
            yield from _overall_summary(table, summary, table.overall)


def _group_totals(table: PublishedTable, comparison: CountComparison) -> Iterator[Check]:
    parts = []

    def make(severity: str, detail: str) -> Check:
        return Check(
            table.name, comparison.variable, "", "total", severity, detail, comparison.line
        )

    bad = False
    for group in table.columns:
        counts = comparison.counts.get(group.name)
        if counts is None:
            continue
        total = sum(counts)
        if total > group.n:
            bad = True
            what = "the count" if comparison.complement else "the levels add up to"
            yield make("error", f"{group.name}: {what} {total}, more than n = {group.n}")
        elif total < group.n and not comparison.complement:
            bad = True
            yield make(
                "warning",
                f"{group.name}: the levels add up to {total} of n = {group.n}; "
                f"{group.n - total} patient(s) are not accounted for (missing values not shown?)",
            )
        else:
            parts.append(f"{group.name} {total}/{group.n}")
    if not bad and not comparison.complement:
        yield make("ok", "levels add up to each column's n: " + ", ".join(parts))


def _overall_counts(
    table: PublishedTable, comparison: CountComparison, overall: Group
) -> Iterator[Check]:
    printed = comparison.counts[overall.name]
    sums = [
        sum(comparison.counts[g.name][i] for g in table.groups)
        for i in range(len(comparison.levels))
    ]
    wrong = [i for i, (p, s) in enumerate(zip(printed, sums, strict=True)) if p != s]
    if not wrong:
        yield Check(
            table.name,
            comparison.variable,
            "",
            "total",
            "ok",
            f"the {overall.name} column is the sum of the groups on every level",
            comparison.line,
        )
        return
    groups = " + ".join(g.name for g in table.groups)
    for i in wrong:
        level = comparison.levels[i]
        row = next((r for r in comparison.rows if r.level == level), comparison.rows[0])
        parts = " + ".join(str(comparison.counts[g.name][i]) for g in table.groups)
        detail = f"{overall.name}: printed {printed[i]}, but {groups} = {parts} = {sums[i]}"
        twins = [j for j in wrong if j != i and printed[i] == sums[j]]
        if twins:
            j = twins[0]
            if printed[j] == sums[i]:
                detail += (
                    f"; the {overall.name} values of {level!r} and {comparison.levels[j]!r} "
                    f"are swapped ({printed[i]} and {printed[j]} printed, {sums[i]} and "
                    f"{sums[j]} from the groups)"
                )
            else:
                detail += f"; {printed[i]} is the groups' sum for {comparison.levels[j]!r}"
        yield Check(table.name, comparison.variable, level, "total", "error", detail, row.line)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def pooled_ranges(
    summaries: list[tuple[int, Printed, Printed]],
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The range of the pooled mean and SD of groups given as printed mean ± SD and n.

    Parameters
    ----------
    summaries : list of (n, mean, sd)
        Each group's size and printed mean and SD.

    Returns
    -------
    ((float, float), (float, float))
        Lowest and highest pooled mean, lowest and highest pooled SD (n − 1), over every
        true mean and SD that round to the printed ones.

    Notes
    -----
    With :math:`N = \\sum n_i` and pooled mean :math:`M = \\sum n_i m_i / N`, the pooled sum
    of squares is :math:`\\sum (n_i - 1) s_i^2 + \\sum n_i (m_i - M)^2`. The first term is
    monotone in each :math:`s_i`. The second is convex in the means, so its maximum over the
    box of printed intervals is at a corner and its minimum is
    :math:`\\min_c \\sum n_i\\, d(c, [m_i^-, m_i^+])^2`, found by ternary search on ``c``.

    Examples
    --------
    >>> from painresponse.audit._cells import read_cell
    >>> a, b = read_cell("65.8 ± 11.3"), read_cell("68.5 ± 9.0")
    >>> (m_lo, m_hi), (s_lo, s_hi) = pooled_ranges([(41, a.mean, a.sd), (43, b.mean, b.sd)])
    >>> round(m_lo, 2), round(m_hi, 2), round(s_lo, 2), round(s_hi, 2)
    (67.13, 67.23, 10.16, 10.27)
    """
    total = sum(n for n, _, _ in summaries)
    lows = [float(m.low) for _, m, _ in summaries]
    highs = [float(m.high) for _, m, _ in summaries]
    sizes = [n for n, _, _ in summaries]
    mean_low = sum(n * lo for n, lo in zip(sizes, lows, strict=True)) / total
    mean_high = sum(n * hi for n, hi in zip(sizes, highs, strict=True)) / total
    within_low = sum((n - 1) * max(float(s.low), 0.0) ** 2 for n, _, s in summaries)
    within_high = sum((n - 1) * float(s.high) ** 2 for n, _, s in summaries)

    def between(means: list[float]) -> float:
        pooled = sum(n * m for n, m in zip(sizes, means, strict=True)) / total
        return sum(n * (m - pooled) ** 2 for n, m in zip(sizes, means, strict=True))

    corners = range(2 ** len(summaries))
    between_high = max(
        between([highs[i] if corner >> i & 1 else lows[i] for i in range(len(sizes))])
        for corner in corners
    )

    def distance(c: float) -> float:
        return sum(
            n * (_clamp(c, lo, hi) - c) ** 2 for n, lo, hi in zip(sizes, lows, highs, strict=True)
        )

    left, right = min(lows), max(highs)
    for _ in range(200):
        a, b = left + (right - left) / 3, right - (right - left) / 3
        if distance(a) <= distance(b):
            right = b
        else:
            left = a
    between_low = distance((left + right) / 2)
    sd_low = math.sqrt((within_low + between_low) / (total - 1)) if total > 1 else 0.0
    sd_high = math.sqrt((within_high + between_high) / (total - 1)) if total > 1 else 0.0
    return (mean_low, mean_high), (sd_low, sd_high)


def _overall_summary(
    table: PublishedTable, summary: SummaryComparison, overall: Group
) -> Iterator[Check]:
    row = summary.row
    printed = row.cells[overall.name]
    cells = [c for g in table.groups if isinstance(c := row.cells[g.name], MeanSDCell)]
    if not isinstance(printed, MeanSDCell) or len(cells) != len(table.groups):
        return
    groups = [(g.n, c.mean, c.sd) for g, c in zip(table.groups, cells, strict=True)]
    (m_lo, m_hi), (s_lo, s_hi) = pooled_ranges(groups)
    slack = 1e-9
    mean_ok = m_lo - slack <= float(printed.mean.high) and float(printed.mean.low) <= m_hi + slack
    sd_ok = s_lo - slack <= float(printed.sd.high) and float(printed.sd.low) <= s_hi + slack
    decimals = max(printed.mean.decimals, printed.sd.decimals) + 2
    pooled = (
        f"mean {m_lo:.{decimals}f}–{m_hi:.{decimals}f}, SD {s_lo:.{decimals}f}–{s_hi:.{decimals}f}"
    )
    if mean_ok and sd_ok:
        yield _check(
            table,
            row,
            "total",
            "ok",
            f"{overall.name} {printed.text} agrees with the groups pooled ({pooled})",
        )
        return
    what = " and ".join(w for w, ok in (("mean", mean_ok), ("SD", sd_ok)) if not ok)
    parts = ", ".join(f"{c.text} (n = {g.n})" for g, c in zip(table.groups, cells, strict=True))
    yield _check(
        table,
        row,
        "total",
        "error",
        f"{overall.name}: printed {printed.text}, but the groups {parts} pool to {pooled}; "
        f"the printed {what} cannot be",
    )
