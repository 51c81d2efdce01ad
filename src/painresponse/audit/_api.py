"""``painresponse.audit``: read published tables, run every check, return the findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from painresponse.audit._counts import parse_checks, percent_checks, total_checks
from painresponse.audit._granularity import grim_checks
from painresponse.audit._model import AuditResult, Check
from painresponse.audit._pvalues import duplicate_checks, pvalue_checks
from painresponse.audit._rule import parse_rule, rule_checks
from painresponse.audit._table import PublishedTable, read_published_table
from painresponse.errors import InputError

__all__ = ["EXAMPLE_RULES", "EXAMPLE_TABLES", "audit", "example_tables"]

#: The seed study's Tables 1–3 as transcribed in ``examples/``.
EXAMPLE_TABLES = ("lsgb-fbss-table1.csv", "lsgb-fbss-table2.csv", "lsgb-fbss-table3.csv")
#: The seed study's responder rule: ≥ 50% pain reduction from T0 to T1.
EXAMPLE_RULES = ("Responder: Pain (NRS) T1 <= 0.5 * T0",)


def example_tables() -> list[Path]:
    """The seed study's Tables 1–3 in the ``examples/`` folder of the source tree.

    Raises
    ------
    InputError
        When painresponse runs from an installed copy without the source tree.
    """
    folder = Path(__file__).resolve().parents[3] / "examples"
    paths = [folder / name for name in EXAMPLE_TABLES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise InputError(
            f"the example tables ({', '.join(missing)}) are not in {folder}; they ship with "
            "the source repository's examples/ folder"
        )
    return paths


def _names(tables: list[PublishedTable]) -> list[PublishedTable]:
    """Make table names unique (two files called table1.csv in different folders)."""
    seen: dict[str, int] = {}
    named = []
    for table in tables:
        count = seen.get(table.name, 0) + 1
        seen[table.name] = count
        if count > 1:
            table = replace(table, name=f"{table.name}-{count}")
        named.append(table)
    return named


def audit(
    tables: str | Path | Sequence[str | Path],
    *,
    rules: Sequence[str] = (),
    out: str | Path | None = None,
    overwrite: bool = False,
) -> AuditResult:
    """Check published tables against their own numbers.

    Parameters
    ----------
    tables : path or sequence of paths
        CSV transcriptions of published tables (``docs/audit.md`` gives the format). Tables
        audited together are also checked against each other (``duplicate-p``).
    rules : sequence of str, optional
        Per-patient rules that define a group, e.g. ``"Responder: Pain (NRS) T1 <= 0.5 * T0"``;
        each is checked against that group's printed summaries (``rule``).
    out : path, optional
        A folder to write ``audit.csv``, ``audit.md`` and ``audit.html`` to.
    overwrite : bool, default False
        Replace those files if they exist.

    Returns
    -------
    AuditResult
        ``checks`` (every recomputation, passes included), ``findings`` (severity error,
        warning or info) and ``exit_code`` (0 without errors or warnings, else 1).

    Raises
    ------
    InputError
        If a file is not a readable table (empty, not UTF-8, no ``variable`` or group column,
        a group header without ``(n = …)``) or a rule does not fit the tables.
    OutputError
        If ``out`` cannot be written or holds audit files and ``overwrite`` is False.

    Notes
    -----
    The checks, each a :class:`Check` with a one-sentence detail: ``parse`` (unreadable or
    impossible cells), ``total``, ``percent``, ``grim``, ``grimmer`` (rows marked
    ``integer = yes``), ``rule``, ``pvalue``, ``test-choice`` and ``duplicate-p``.

    Examples
    --------
    >>> import painresponse
    >>> result = painresponse.audit(example_tables(), rules=EXAMPLE_RULES)
    >>> result.exit_code
    1
    >>> [c.detail for c in result.findings if c.variable == "Time after spinal surgery"][0][:61]
    'printed 0.229, but counts (≤2 year, >2 year): Responder 14/27'
    """
    paths = [tables] if isinstance(tables, str | Path) else list(tables)
    if not paths:
        raise InputError("no table to audit: give one or more CSV files")
    published = _names([read_published_table(p) for p in paths])
    parsed_rules = [parse_rule(r) for r in rules]
    checks: list[Check] = []
    recomputed = []
    for table in published:
        found: list[Check] = []
        for family in (parse_checks, total_checks, percent_checks, grim_checks):
            found += family(table)
        pvalues, entries = pvalue_checks(table)
        found += pvalues
        recomputed += entries
        checks += found
    checks += rule_checks(published, parsed_rules)
    checks += duplicate_checks(recomputed)
    order = {t.name: i for i, t in enumerate(published)}
    checks.sort(key=lambda c: (order[c.table], *c.sort_key()))
    result = AuditResult(tuple(published), tuple(r.text for r in parsed_rules), tuple(checks))
    if out is not None:
        result.write(out, overwrite=overwrite)
    return result
