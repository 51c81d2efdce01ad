"""The results schema: one record per p-value cell, shared by every machine-readable output.

``results.csv``, ``results.json`` and the Excel ``Results`` sheet write the same fields
under the same names, in the order of :data:`RESULT_FIELDS` (documented field by field in
``docs/data-dictionary.md``). Numbers are never rounded. The per-group counts ``n`` and
``n_missing`` are joined with ``;`` in CSV and Excel (``"41;43"``) and stay lists in JSON;
JSON adds the test's ``details``.

Examples
--------
>>> RESULT_FIELDS[:4]
('table', 'variable', 'level', 'group')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from painresponse.stats._result import _plain  # NaN → None, numpy → Python, as TestResult.to_dict
from painresponse.tables.model import Table

__all__ = ["RESULT_FIELDS", "join_counts", "result_records"]

#: Every field of a result record, in output order. The first twenty are results.csv's
#: historical columns; the rest were added later, at the end, so no reader breaks.
RESULT_FIELDS = (
    "table",  # the table's key (file name): table4, tableS4_friedman
    "variable",  # the row's label as printed: "Pain (NRS)"
    "level",  # the row's level: "T1 vs. T0", "Male", "" for a variable's own row
    "group",  # the group of a per-group p-value column (Table 4, S4), else ""
    "test",  # the test's registry name: rank_sum, signed_rank, chi2, fisher, ttest_ind, ...
    "method",  # the test in words, with its variant (exact, asymptotic, corrections)
    "reason",  # why this test was chosen for this row
    "statistic_name",
    "statistic",
    "df",
    "p_value",  # unadjusted
    "p_adjusted",  # adjusted (when the table's p-values are adjusted), else empty
    "adjustment",  # the adjustment's name: Holm, Bonferroni, Benjamini–Hochberg
    "defines_groups",  # true for a circular test (groups defined by these values)
    "n",  # patients (or pairs) per group, ";"-joined
    "n_missing",  # per group, ";"-joined
    "estimate",
    "ci_low",
    "ci_high",
    "note",
    "number",  # the table's printed number: 4, S4
    "variable_key",  # the study file's variable or outcome key: pain
    "column",  # the table column's key: p, p:Responder
    "alternative",
    "estimate_name",
    "conf_level",
)


def join_counts(counts: Any) -> str:
    """``(41, 43)`` → ``"41;43"``: the one separator of per-group counts in CSV and Excel."""
    return ";".join(str(n) for n in counts)


def result_records(tables: Mapping[str, Table]) -> list[dict[str, Any]]:
    """One record per p-value cell with the fields of :data:`RESULT_FIELDS`.

    ``n`` and ``n_missing`` are tuples here (each writer joins or lists them); ``details``
    (the test's own extra numbers) rides along for JSON.
    """
    records = []
    for key, table in tables.items():
        for row, column, cell in table.pvalue_cells():
            test = cell.result
            records.append(
                {
                    "table": key,
                    "variable": row.label,
                    "level": row.level or "",
                    "group": column.key.split(":", 1)[1] if ":" in column.key else "",
                    "test": test.test,
                    "method": test.method,
                    "reason": cell.reason,
                    "statistic_name": test.statistic_name,
                    "statistic": test.statistic,
                    "df": test.df,
                    "p_value": test.pvalue,
                    "p_adjusted": cell.adjusted,
                    "adjustment": cell.adjustment or "",
                    "defines_groups": cell.defines_groups,
                    "n": tuple(test.n),
                    "n_missing": tuple(test.n_missing),
                    "estimate": test.estimate,
                    "ci_low": test.ci_low,
                    "ci_high": test.ci_high,
                    "note": test.note or "",
                    "number": str(table.number),
                    "variable_key": row.variable,
                    "column": column.key,
                    "alternative": test.alternative,
                    "estimate_name": test.estimate_name or "",
                    "conf_level": test.conf_level,
                    "details": test.to_dict()["details"],
                }
            )
    return records


def json_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record for ``results.json``: counts as lists, NaN as null, ``details`` kept."""
    out = {name: _plain(record[name]) for name in RESULT_FIELDS}
    out["n"], out["n_missing"] = list(record["n"]), list(record["n_missing"])
    out["details"] = record["details"]
    return out


def flat_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record for CSV and Excel: counts joined with ``;``, no ``details``."""
    out = {name: record[name] for name in RESULT_FIELDS}
    out["n"], out["n_missing"] = join_counts(record["n"]), join_counts(record["n_missing"])
    return out
