"""The tabular outputs (CSV, Markdown) and the entry point that writes every format.

:func:`write_outputs` checks the destination, then hands over to
:func:`painresponse.render.report.write_report`, which writes atomically.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from painresponse.errors import OutputError
from painresponse.render.csv import results_frame, write_flow_csv, write_table_csv
from painresponse.render.markdown import table_to_markdown
from painresponse.result import StudyResult

__all__ = ["check_out_dir", "write_csv_outputs", "write_markdown_outputs", "write_outputs"]


def check_out_dir(out: Path, overwrite: bool) -> None:
    """Refuse an output folder that exists and is not empty, unless ``overwrite``."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OutputError(f"{out}: the folder is not empty; use --overwrite to replace its files")


def write_csv_outputs(result: StudyResult, folder: Path) -> list[Path]:
    paths = [write_table_csv(t, folder / f"{k}.csv") for k, t in result.tables.items()]
    paths.append(write_flow_csv(result.flow, folder / "flow.csv"))
    results = results_frame(result.tables)
    results_path = folder / "results.csv"
    results_path.write_bytes(b"\xef\xbb\xbf" + results.write_csv().encode("utf-8"))
    paths.append(results_path)
    json_path = folder / "results.json"
    payload = {
        "study": result.study.title,
        "source": result.source,
        "flow": result.flow.to_rows(),
        "software": result.software,
        "methods": list(result.methods),
        "results": [
            {
                "table": key,
                "variable": row.label,
                "level": row.level,
                "column": col.key,
                "reason": cell.reason,
                "p_adjusted": cell.adjusted,
                **cell.result.to_dict(),
            }
            for key, table in result.tables.items()
            for row, col, cell in table.pvalue_cells()
        ],
    }
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    paths.append(json_path)
    return paths


def write_markdown_outputs(result: StudyResult, folder: Path) -> list[Path]:
    paths = []
    for key, table in result.tables.items():
        path = folder / f"{key}.md"
        path.write_text(table_to_markdown(table), encoding="utf-8")
        paths.append(path)
    return paths


def write_outputs(
    result: StudyResult,
    out: Path,
    formats: set[str] | None = None,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the chosen formats (all by default) into ``out``; return the paths written.

    Raises
    ------
    OutputError
        When ``out`` is not empty (without ``overwrite``) or cannot be written.
    """
    from painresponse.render.report import write_report

    out = Path(out)
    check_out_dir(out, overwrite)
    return write_report(result, out, formats, progress)
