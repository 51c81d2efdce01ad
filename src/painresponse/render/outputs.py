"""The entry point that writes every format into a report folder.

:func:`write_report_folder` (and :func:`write_outputs`, which returns only the files
written) checks the destination, then hands over to
:func:`painresponse.render.report.replace_report`, which writes all or nothing and replaces
the folder's previous painresponse report, keeping files painresponse did not write.
The CSV and Markdown writers (:mod:`painresponse.render._tabular`) are re-exported here.

Imports go one way: this module uses :mod:`~painresponse.render.report`, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.errors import OutputError
from painresponse.render._tabular import write_csv_outputs, write_markdown_outputs
from painresponse.render.report import MANIFEST_NAME, ReportFolder, replace_report

if TYPE_CHECKING:
    from painresponse.render.figure_set import PendingFigures
    from painresponse.result import StudyResult

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
    early: PendingFigures | None = None,
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
    early : PendingFigures, optional
        The paper's figures, started while the supplementary analyses ran
        (:func:`painresponse.render.figure_set.start_paper_figures`); closed in any case.

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
    out = Path(out)
    try:
        check_out_dir(out, overwrite)
        return replace_report(result, out, formats, progress, early)
    finally:
        if early is not None:  # stopped if the report failed (closing twice is harmless)
            early.close()
