"""The tabular outputs (CSV, Markdown) and the entry point that writes every format.

:func:`write_report_folder` (and :func:`write_outputs`, which returns only the files
written) checks the destination, then hands over to
:func:`painresponse.render.report.replace_report`, which writes all or nothing and replaces
the folder's previous painresponse report, keeping files painresponse did not write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.errors import OutputError
from painresponse.render.csv import results_frame, write_flow_csv, write_table_csv
from painresponse.render.markdown import table_to_markdown
from painresponse.result import StudyResult

if TYPE_CHECKING:
    from painresponse.render.report import ReportFolder

__all__ = [
    "check_out_dir",
    "write_csv_outputs",
    "write_markdown_outputs",
    "write_outputs",
    "write_report_folder",
]


def check_out_dir(out: Path, overwrite: bool) -> None:
    """Refuse an output folder that exists and is not empty, unless ``overwrite``.

    Parameters
    ----------
    out : Path
        The output folder.
    overwrite : bool
        Whether the user allowed replacing the folder's previous report (``--overwrite``).

    Raises
    ------
    OutputError
        When ``out`` is not a folder, or is a non-empty folder and ``overwrite`` is false
        (with or without a previous painresponse report in it).
    """
    from painresponse.render.report import MANIFEST_NAME

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        if (out / MANIFEST_NAME).is_file():
            raise OutputError(
                f"{out}: the folder is not empty (it holds an earlier painresponse report); "
                "use --overwrite to replace that report"
            )
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
                "defines_groups": cell.defines_groups,
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

    The same as :func:`write_report_folder`, returning only the report's files (not the
    manifest).

    Raises
    ------
    OutputError
        When ``out`` is not empty (without ``overwrite``) or cannot be written.
    """
    return list(write_report_folder(result, out, formats, overwrite, progress).written)


def write_report_folder(
    result: StudyResult,
    out: Path,
    formats: set[str] | None = None,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ReportFolder:
    """Write the chosen formats (all by default) into the folder ``out``, all or nothing.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    out : Path
        The output folder (created if absent).
    formats : set of str, optional
        Output format names (see :data:`painresponse.render.report.WRITERS`); all when None.
    overwrite : bool
        Allow a non-empty folder. Its previous painresponse report (the files listed in its
        manifest) is replaced: files this run does not write are removed. Files
        painresponse did not write are kept.
    progress : callable, optional
        Called with a short message before each format is written.

    Returns
    -------
    ReportFolder
        ``folder``; ``written``, the report's files; ``manifest``, the manifest
        ``painresponse-manifest.json`` written beside them; ``removed``, the previous
        report's files no longer written; ``kept``, the files in the folder not written by
        painresponse.

    Raises
    ------
    OutputError
        When ``out`` is not empty (without ``overwrite``) or cannot be written. The folder
        is then as it was before, and so it is after Ctrl-C (KeyboardInterrupt).
    """
    from painresponse.render.report import replace_report

    out = Path(out)
    check_out_dir(out, overwrite)
    return replace_report(result, out, formats, progress)
