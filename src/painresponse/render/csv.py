"""CSV output: one file per table, the contract's columns, unrounded p-values.

Columns: ``variable, level, overall, <group (n = …)>…, p_value, test``; beside each
column with an n, ``n (<label>)`` holds the number of patients behind that row's summary
(numeric rows: patients with the value recorded; a categorical variable's header row:
patients with a level recorded; Table 4: pairs; Table 5: patients with both time points).
Tables whose p-values are per group (Table 4) have ``p_value (<group>)`` and
``test (<group>)`` after each group column. ``p_value`` is the unrounded float (empty
where none); summary cells are text as in the paper ("65.8 ± 11.3", "17 (41.5%)", "5.0 (4.0–6.0)").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from painresponse.flow import Flow
from painresponse.render.format import PLAIN, FormatOptions, column_header, format_cell
from painresponse.render.results import RESULT_FIELDS, flat_record, result_records
from painresponse.tables.model import AdjustedP, Column, PValue, Table

__all__ = ["flow_to_frame", "results_frame", "table_to_frame", "write_flow_csv", "write_table_csv"]


def _p_headers(table: Table, column: Column) -> tuple[str, str]:
    group_cols = [c for c in table.columns if c.kind == "pvalue"]
    if len(group_cols) == 1:
        return "p_value", "test"
    group = column.key.split(":", 1)[1] if ":" in column.key else column.key
    return f"p_value ({group})", f"test ({group})"


def _test_text(cell: PValue) -> str:
    text = cell.result.method
    if cell.adjustment:
        text += f"; {cell.adjustment}-adjusted"
    if cell.result.note and cell.result.method == "not computed":
        text = f"not computed: {cell.result.note}"
    return text


def table_to_frame(table: Table, options: FormatOptions = PLAIN) -> pl.DataFrame:
    """The table as display text, in the CSV contract's columns."""
    records: list[dict[str, Any]] = []
    counted = any(row.n for row in table.rows)  # Tables 1–5; supplementary tables have none
    for row in table.rows:
        rec: dict[str, Any] = {"variable": row.label, "level": row.level or ""}
        for col in table.columns:
            cell = row.cell(col.key)
            if col.kind == "adjusted":
                rec[_adjusted_header(table, col)] = (
                    cell.value if isinstance(cell, AdjustedP) else None
                )
            elif col.kind == "pvalue":
                p_name, t_name = _p_headers(table, col)
                if isinstance(cell, PValue):
                    rec[p_name] = None if cell.is_missing else float(cell.value)
                    rec[t_name] = _test_text(cell)
                else:
                    rec[p_name] = None
                    rec[t_name] = ""
            else:
                rec[column_header(col)] = format_cell(cell, options)
                if counted and col.n is not None:
                    rec[_n_header(col)] = row.n.get(col.key)
        records.append(rec)
    names: list[str] = ["variable", "level"]
    for col in table.columns:
        if col.kind == "adjusted":
            names.append(_adjusted_header(table, col))
        elif col.kind == "pvalue":
            names += list(_p_headers(table, col))
        else:
            names += [column_header(col)]
            names += [_n_header(col)] if counted and col.n is not None else []
    schema = {
        n: (
            pl.Float64
            if n.startswith(("p_value", "p_adjusted"))
            else pl.Int64
            if n.startswith("n (")
            else pl.String
        )
        for n in names
    }
    return pl.DataFrame(records, schema=schema)


def _adjusted_header(table: Table, column: Column) -> str:
    """``p_adjusted`` (or ``p_adjusted (<group>)`` in Table 4): the adjusted p, unrounded."""
    base = column.key.removesuffix("_adjusted")
    raw = next(c for c in table.columns if c.key == base)
    return _p_headers(table, raw)[0].replace("p_value", "p_adjusted")


def _n_header(column: Column) -> str:
    """``n (Responder)``: the patients behind each row's summary in that column."""
    return f"n ({column.label})"


def flow_to_frame(flow: Flow) -> pl.DataFrame:
    """The flow as rows ``stage, reason, n``."""
    return pl.DataFrame(
        flow.to_rows(), schema={"stage": pl.String, "reason": pl.String, "n": pl.Int64}
    )


def results_frame(tables: dict[str, Table]) -> pl.DataFrame:
    """Every test result, unrounded, with its provenance (one row per p-value cell).

    The columns are :data:`painresponse.render.results.RESULT_FIELDS`, shared with
    ``results.json`` and the Excel ``Results`` sheet.
    """
    records = [flat_record(r) for r in result_records(tables)]
    floats = {"statistic", "df", "p_value", "p_adjusted", "estimate", "ci_low", "ci_high",
              "conf_level"}  # fmt: skip
    schema = {
        name: pl.Float64 if name in floats else pl.Boolean if name == "defines_groups"
        else pl.String
        for name in RESULT_FIELDS
    }  # fmt: skip
    return pl.DataFrame(records, schema=schema)


def write_table_csv(table: Table, path: Path) -> Path:
    """Write one table as UTF-8 CSV (with BOM, so Excel shows ±, – and ≥ correctly)."""
    text = table_to_frame(table).write_csv(float_precision=None)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def write_flow_csv(flow: Flow, path: Path) -> Path:
    """Write the flow of patients as CSV."""
    path.write_bytes(b"\xef\xbb\xbf" + flow_to_frame(flow).write_csv().encode("utf-8"))
    return path
