"""Write every requested output format at once, atomically.

Formats are looked up by name in :data:`WRITERS`, a plain dict of name → writer, so a new
format is one entry. Everything is written into a temporary directory beside the output
directory and moved into place only when every writer has succeeded: a failed run leaves
no half-written report behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.errors import OutputError, PainresponseError

if TYPE_CHECKING:
    from painresponse.render.figures import RenderedFigure
    from painresponse.result import StudyResult

__all__ = ["WRITERS", "ReportJob", "Writer", "write_report"]


class ReportJob:
    """What the writers of one report share: the figures, drawn once on first use.

    Parameters
    ----------
    result : StudyResult
        The analysis being written.
    """

    def __init__(self, result: StudyResult) -> None:
        self.result = result
        self._figures: list[RenderedFigure] | None = None

    @property
    def figures(self) -> list[RenderedFigure]:
        """The rendered figures (drawn on first access, then reused by every format)."""
        if self._figures is None:
            from painresponse.render.figures import render_figures

            self._figures = render_figures(self.result)
        return self._figures


#: A writer gets the result, the (temporary) directory to write into and the shared job;
#: it returns the paths it wrote, all inside that directory.
Writer = Callable[["StudyResult", Path, ReportJob], list[Path]]


def _docx(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render.docx import write_docx

    return [write_docx(result, out_dir / "report.docx", rendered=job.figures)]


def _xlsx(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render.xlsx import write_xlsx

    return [write_xlsx(result, out_dir / "tables.xlsx")]


def _latex(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render.latex import write_latex

    return write_latex(result, out_dir / "latex")


def _html(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render.html import write_html

    return [write_html(result, out_dir / "report.html", rendered=job.figures)]


def _figures(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render.figures import write_figures

    return write_figures(result, out_dir / "figures", rendered=job.figures)


def _csv(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render.outputs import write_csv_outputs

    return write_csv_outputs(result, out_dir)


def _markdown(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render.outputs import write_markdown_outputs

    return write_markdown_outputs(result, out_dir)


#: Output format name → writer, in the order they are written.
WRITERS: dict[str, Writer] = {
    "csv": _csv,
    "markdown": _markdown,
    "docx": _docx,
    "xlsx": _xlsx,
    "latex": _latex,
    "html": _html,
    "figures": _figures,
}


def write_report(
    result: StudyResult,
    out_dir: str | Path,
    formats: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the report in the requested formats into ``out_dir``.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    out_dir : str or Path
        The output directory (created if absent). Files of the same name are replaced.
    formats : set of str, optional
        Names from :data:`WRITERS`; all of them when None.
    progress : callable, optional
        Called with a short message before each format is written.

    Returns
    -------
    list of Path
        The files written, inside ``out_dir``, in format order.

    Raises
    ------
    OutputError
        When a format name is unknown or ``out_dir`` cannot be written; nothing is left
        behind in that case.
    """
    chosen = list(WRITERS) if formats is None else [name for name in WRITERS if name in formats]
    unknown = sorted(set(formats or ()) - set(WRITERS))
    if unknown:
        raise OutputError(
            f"Unknown output format(s) {', '.join(unknown)}; choose from {', '.join(WRITERS)}."
        )
    target = Path(out_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise _unwritable(target, error) from error
    job = ReportJob(result)
    try:
        written: list[Path] = []
        for name in chosen:
            if progress is not None:
                progress(f"writing {name}")
            written += WRITERS[name](result, staging, job)
        final = _move_into_place(staging, target, written)
    except OSError as error:
        raise _unwritable(target, error) from error
    except PainresponseError:
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def _move_into_place(staging: Path, target: Path, written: list[Path]) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    final = []
    for path in written:
        relative = path.relative_to(staging)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, destination)
        final.append(destination)
    return final


def _unwritable(target: Path, error: OSError) -> OutputError:
    reason = error.strerror or type(error).__name__
    return OutputError(f"Cannot write the report to {target}: {reason.lower()}.")
