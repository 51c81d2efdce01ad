"""The tabular files of a report: a CSV and a Markdown file per table, the flow, the results.

Written by the ``csv`` and ``markdown`` writers of :data:`painresponse.render.report.WRITERS`
(and re-exported by :mod:`painresponse.render.outputs`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.render.csv import results_frame, write_flow_csv, write_table_csv
from painresponse.render.markdown import table_to_markdown
from painresponse.render.results import json_record, result_records

if TYPE_CHECKING:
    from painresponse.result import StudyResult

__all__ = ["write_csv_outputs", "write_markdown_outputs"]


def write_csv_outputs(result: StudyResult, folder: Path) -> list[Path]:
    """Write ``table*.csv``, ``flow.csv``, ``results.csv`` and ``results.json``; the paths.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    folder : Path
        The folder to write into (it exists).

    Returns
    -------
    list of Path
        The tables' CSV files in table order, then ``flow.csv``, ``results.csv`` (UTF-8
        with a byte-order mark, for Excel) and ``results.json``.
    """
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
        "results": [json_record(r) for r in result_records(result.tables)],
    }
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    paths.append(json_path)
    return paths


def write_markdown_outputs(result: StudyResult, folder: Path) -> list[Path]:
    """Write one Markdown file per table (``table1.md``, ...) into ``folder``; the paths."""
    paths = []
    for key, table in result.tables.items():
        path = folder / f"{key}.md"
        path.write_text(table_to_markdown(table), encoding="utf-8")
        paths.append(path)
    return paths
