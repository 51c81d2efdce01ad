"""``rule``: a group defined by a per-patient rule cannot print summaries the rule forbids.

A responder group defined by ≥ 50% pain reduction from T0 to T1 has, for every patient,
``T1 <= 0.5 * T0``. Pointwise inequalities carry over to the means (the mean of T1 is at most
half the mean of T0) and to every quantile (order statistics keep the order), so a printed
T1 mean, median or quartile above half the printed T0 one is impossible, whatever the
rounding. With integer scores the bound on the mean tightens: the T1 sum is at most
⌊0.5 × the largest T0 sum that rounds to the printed mean⌋.

Rules are written ``GROUP: VARIABLE LEVEL OP [FACTOR *] LEVEL``, e.g.
``Responder: Pain (NRS) T1 <= 0.5 * T0`` (OP is ``<=``, ``<``, ``>=`` or ``>``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from painresponse.audit._cells import MeanSDCell, MedianCell, Printed
from painresponse.audit._model import Check
from painresponse.audit._table import PublishedTable, Row
from painresponse.errors import InputError

__all__ = ["GroupRule", "parse_rule", "rule_checks"]

_RULE = re.compile(
    r"^(?P<group>[^:]+):\s*(?P<variable>.+?)\s+(?P<level>[^\s<>=≤≥]+)\s*"
    r"(?P<op><=|>=|≤|≥|<|>)\s*(?:(?P<factor>\d+(?:\.\d+)?)\s*\*\s*)?(?P<reference>\S+)\s*$"
)
_OPS = {"≤": "<=", "≥": ">="}


@dataclass(frozen=True)
class GroupRule:
    """``group: variable level op factor * reference`` (every patient of the group obeys it)."""

    text: str
    group: str
    variable: str
    level: str
    op: str
    factor: Fraction
    reference: str


def parse_rule(text: str) -> GroupRule:
    """Read a rule such as ``Responder: Pain (NRS) T1 <= 0.5 * T0``.

    Raises
    ------
    InputError
        If the text is not of that form.

    Examples
    --------
    >>> rule = parse_rule("Responder: Pain (NRS) T1 <= 0.5 * T0")
    >>> rule.variable, rule.level, rule.op, float(rule.factor), rule.reference
    ('Pain (NRS)', 'T1', '<=', 0.5, 'T0')
    """
    match = _RULE.match(" ".join(text.split()))
    if match is None:
        raise InputError(
            f"--rule {text!r}: write it as 'GROUP: VARIABLE LEVEL <= FACTOR * LEVEL', "
            "e.g. 'Responder: Pain (NRS) T1 <= 0.5 * T0'"
        )
    try:
        factor = Fraction(Decimal(match.group("factor") or "1"))
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        raise InputError(f"--rule {text!r}: the factor is not a number") from None
    op = match.group("op")
    return GroupRule(
        text=" ".join(text.split()),
        group=match.group("group").strip(),
        variable=match.group("variable").strip(),
        level=match.group("level"),
        op=_OPS.get(op, op),
        factor=factor,
        reference=match.group("reference"),
    )


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("–", "-").replace("−", "-").split())


def _find(tables: Sequence[PublishedTable], rule: GroupRule) -> tuple[PublishedTable, Row, Row]:
    for table in tables:
        for variable in table.variables:
            if _key(variable.name) != _key(rule.variable):
                continue
            rows = {_key(r.level): r for r in variable.rows}
            later, earlier = rows.get(_key(rule.level)), rows.get(_key(rule.reference))
            if later is None or earlier is None:
                continue
            if not any(_key(g.name) == _key(rule.group) for g in table.columns):
                names = ", ".join(g.name for g in table.columns)
                raise InputError(
                    f"--rule {rule.text!r}: no group {rule.group!r} (the groups: {names})"
                )
            return table, later, earlier
    raise InputError(
        f"--rule {rule.text!r}: no variable {rule.variable!r} with levels {rule.level!r} "
        f"and {rule.reference!r} in the tables audited"
    )


def _violated(op: str, later: Printed, bound_low: Fraction, bound_high: Fraction) -> bool:
    """Whether ``later op bound`` fails for every value that rounds to the printed ones."""
    if op == "<=":
        return later.low > bound_high
    if op == "<":
        return later.low >= bound_high
    if op == ">=":
        return later.high < bound_low
    return later.high <= bound_low


def _number(value: Fraction) -> str:
    return f"{float(value):.3f}".rstrip("0").rstrip(".")


def rule_checks(tables: Sequence[PublishedTable], rules: Sequence[GroupRule]) -> Iterator[Check]:
    """Each rule against the group's printed summaries of the two levels."""
    for rule in rules:
        table, later_row, earlier_row = _find(tables, rule)
        group = next(g for g in table.columns if _key(g.name) == _key(rule.group))
        later, earlier = later_row.cells[group.name], earlier_row.cells[group.name]
        variable = next(v for v in table.variables if later_row in v.rows)
        integer = variable.is_integer(later_row) and variable.is_integer(earlier_row)
        yield from _compare(table, rule, group.name, group.n, later_row, later, earlier, integer)


def _compare(
    table: PublishedTable,
    rule: GroupRule,
    group: str,
    n: int,
    row: Row,
    later: object,
    earlier: object,
    integer: bool,
) -> Iterator[Check]:
    def make(severity: str, detail: str) -> Check:
        return Check(table.name, row.variable, row.level, "rule", severity, detail, row.line)

    pairs: list[tuple[str, Printed, Printed]] = []
    if isinstance(later, MeanSDCell) and isinstance(earlier, MeanSDCell):
        pairs.append(("mean", later.mean, earlier.mean))
    elif isinstance(later, MedianCell) and isinstance(earlier, MedianCell):
        pairs += [
            ("median", later.median, earlier.median),
            ("lower quartile", later.q1, earlier.q1),
            ("upper quartile", later.q3, earlier.q3),
        ]
    else:
        yield make("info", f"{group}: the rule {rule.text!r} needs means or medians at both levels")
        return
    factor = _number(rule.factor)
    found = False
    for what, value, reference in pairs:
        low, high = rule.factor * reference.low, rule.factor * reference.high
        if not _violated(rule.op, value, low, high):
            continue
        found = True
        bound = high if rule.op.startswith("<") else low
        upper = rule.op.startswith("<")
        side, limit, sign = ("most", "least", "≤") if upper else ("least", "most", "≥")
        printed_edge = value.low if upper else value.high
        reference_edge = reference.high if upper else reference.low
        detail = (
            f"{group}: {rule.level} {what} {value} (at {limit} {_number(printed_edge)}) "
            f"is impossible if every patient has {rule.level} {rule.op} {factor} × "
            f"{rule.reference}: the {rule.level} {what} is then at {side} {factor} × the "
            f"{rule.reference} {what} {reference} ({sign} {_number(reference_edge)}) = "
            f"{_number(bound)}"
        )
        if integer and what == "mean" and rule.op == "<=":
            top_sum = math.floor(n * reference.high)
            cap = math.floor(rule.factor * top_sum)
            need = math.ceil(n * value.low)
            detail += (
                f"; with integer scores the {rule.level} sum (at least {need}) could be at most "
                f"⌊{factor} × {top_sum}⌋ = {cap}, a mean of {_number(Fraction(cap, n))}"
            )
        yield make("error", detail)
    if not found:
        shown = ", ".join(f"{what} {v} vs {r}" for what, v, r in pairs)
        rule_text = f"{rule.level} {rule.op} {factor} × {rule.reference}"
        yield make("ok", f"{group}: {shown} are possible under {rule_text}")
