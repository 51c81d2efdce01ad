"""Write every requested output format at once, all or nothing.

Formats are looked up by name in :data:`WRITERS`, a plain dict of name → writer, so a new
format is one entry.

A report folder is replaced as a whole (:func:`replace_report`):

- Everything is written into a staging folder, a hidden sibling of the output folder
  (``.DIR.painresponse-staging-XXXX``, on the same file system), and moved into place only
  when every writer has succeeded. A failure or Ctrl-C while writing leaves the output
  folder as it was and removes the staging folder; the moves themselves are undone if one
  of them fails, and Ctrl-C waits until they are done.
- Every report folder holds a manifest, :data:`MANIFEST_NAME`: the files painresponse
  wrote there (relative paths, sorted) and its version; no dates, no paths outside the
  folder, no data. A new report removes the files of the previous one that it does not
  write itself, and only those: a file the user put into the folder is kept.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from painresponse.errors import OutputError

if TYPE_CHECKING:
    from painresponse.render._figure_style import Kind
    from painresponse.render.figure_set import PendingFigures, RenderedFigure
    from painresponse.result import StudyResult

__all__ = [
    "FIGURE_KINDS",
    "MANIFEST_NAME",
    "WRITERS",
    "ReportFolder",
    "ReportJob",
    "Writer",
    "figure_kinds",
    "read_manifest",
    "replace_report",
    "write_report",
]

#: The manifest written into every report folder: what painresponse wrote there.
MANIFEST_NAME = "painresponse-manifest.json"
_STAGING = "painresponse-staging-"


class ReportJob:
    """What the writers of one report share: the figures, drawn once for all formats.

    Parameters
    ----------
    result : StudyResult
        The analysis being written.
    formats : iterable of str, optional
        The formats being written (names of :data:`WRITERS`): the figures are drawn only
        in the forms they show (:data:`FIGURE_KINDS`). All formats when None.
    early : PendingFigures, optional
        The paper's figures, started during the analysis
        (:func:`~painresponse.render.figure_set.start_paper_figures`) in the forms
        :func:`figure_kinds` gives for ``formats``; the job draws only the others.

    Notes
    -----
    :meth:`start` begins drawing the figures where a second process can (see
    :class:`~painresponse.render.figure_set.PendingFigures`), while the formats without
    figures are written; :attr:`figures` waits for them (or draws them, on first use).
    :meth:`close` stops drawing that is no longer wanted.
    """

    def __init__(
        self,
        result: StudyResult,
        formats: Iterable[str] | None = None,
        early: PendingFigures | None = None,
    ) -> None:
        self.result = result
        self.kinds: frozenset[Kind] = figure_kinds(formats)
        self._early = early if early is not None and early.kinds == self.kinds else None
        if early is not None and self._early is None:  # drawn in forms no format shows
            early.close()
        self._pending: PendingFigures | None = None
        self._figures: list[RenderedFigure] | None = None

    def start(self) -> None:
        """Start drawing the figures, if any format shows them."""
        if self.kinds and self._pending is None and self._figures is None:
            from painresponse.render.figure_set import PendingFigures

            self._pending = PendingFigures(self.result, self.kinds, early=self._early)
            self._early = None

    @property
    def figures(self) -> list[RenderedFigure]:
        """The rendered figures (drawn on first access, then reused by every format)."""
        if self._figures is None:
            self.start()
            if self._pending is None:  # no format asked for figures: draw both forms
                from painresponse.render.figure_set import PendingFigures

                self._pending = PendingFigures(self.result)
            try:
                self._figures = self._pending.figures()
            finally:
                self.close()
        return self._figures

    def close(self) -> None:
        """Stop drawing figures (after a failed writer); the figures drawn are kept."""
        if self._pending is not None:
            self._pending.close()
            self._pending = None
        if self._early is not None:
            self._early.close()
            self._early = None


def figure_kinds(formats: Iterable[str] | None = None) -> frozenset[Kind]:
    """The forms of the figures that ``formats`` show (all formats when None).

    Examples
    --------
    >>> sorted(figure_kinds(["csv", "docx"]))
    ['png']
    """
    chosen = list(FIGURE_KINDS) if formats is None else list(formats)
    return frozenset(kind for name in chosen for kind in FIGURE_KINDS.get(name, ()))


#: The forms of the figures each format shows: Word embeds the PNG, the HTML report
#: inlines the SVG, the figure files are both.
FIGURE_KINDS: dict[str, tuple[Kind, ...]] = {
    "docx": ("png",),
    "html": ("svg",),
    "figures": ("svg", "png"),
}


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
    from painresponse.render.figure_set import write_figures

    return write_figures(result, out_dir / "figures", rendered=job.figures)


def _csv(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render._tabular import write_csv_outputs

    return write_csv_outputs(result, out_dir)


def _markdown(result: StudyResult, out_dir: Path, job: ReportJob) -> list[Path]:
    from painresponse.render._tabular import write_markdown_outputs

    return write_markdown_outputs(result, out_dir)


#: Output format name → writer, in the order they are written: those showing figures
#: last, so that the figures are drawn (in a second process) while the others are written.
WRITERS: dict[str, Writer] = {
    "csv": _csv,
    "markdown": _markdown,
    "xlsx": _xlsx,
    "latex": _latex,
    "docx": _docx,
    "html": _html,
    "figures": _figures,
}


@dataclass(frozen=True)
class ReportFolder:
    """A report written into its folder, and what happened to the files already there.

    Attributes
    ----------
    folder : Path
        The output folder, as given.
    written : tuple of Path
        The report's files, inside ``folder``, in format order (the manifest, which is
        written too, is :attr:`manifest`).
    removed : tuple of Path
        Files of the folder's previous painresponse report (listed in its manifest) that
        this report does not write: they were deleted.
    kept : tuple of Path
        Files in the folder that painresponse did not write (not in the previous manifest
        and not written now), left untouched.
    """

    folder: Path
    written: tuple[Path, ...]
    removed: tuple[Path, ...]
    kept: tuple[Path, ...]

    @property
    def manifest(self) -> Path:
        """The manifest file, :data:`MANIFEST_NAME` inside ``folder``."""
        return self.folder / MANIFEST_NAME


def write_report(
    result: StudyResult,
    out_dir: str | Path,
    formats: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the report in the requested formats into ``out_dir``; return the files written.

    The same as :func:`replace_report`, returning only
    :attr:`ReportFolder.written <painresponse.render.report.ReportFolder.written>`.
    """
    return list(replace_report(result, out_dir, formats, progress).written)


def replace_report(
    result: StudyResult,
    out_dir: str | Path,
    formats: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
    early: PendingFigures | None = None,
) -> ReportFolder:
    """Write the report in the requested formats into ``out_dir``, replacing the previous one.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    out_dir : str or Path
        The output directory (created if absent). Files of the previous painresponse
        report there are replaced or removed; other files are kept.
    formats : set of str, optional
        Names from :data:`WRITERS`; all of them when None.
    progress : callable, optional
        Called with a short message before each format is written.
    early : PendingFigures, optional
        The paper's figures started during the analysis (see :class:`ReportJob`); closed
        here in any case.

    Returns
    -------
    ReportFolder
        The files written (``folder``, ``written``), the previous report's files no longer
        written (``removed``) and the files not written by painresponse (``kept``).

    Raises
    ------
    OutputError
        When a format name is unknown or ``out_dir`` cannot be written; ``out_dir`` is then
        as it was before (absent if it was) and no staging folder is left behind.

    Notes
    -----
    Old files are those listed in ``out_dir``'s manifest (:data:`MANIFEST_NAME`); a folder
    without one has no old files, so only files of the same name as a new one are replaced.
    A folder that is a mount point is staged inside itself (``.painresponse-staging-XXXX``)
    so that files are moved, never copied, across file systems.
    """
    try:
        return _replace_report(result, out_dir, formats, progress, early)
    finally:
        if early is not None:  # closing twice is harmless; a failure before the job needs it
            early.close()


def _replace_report(
    result: StudyResult,
    out_dir: str | Path,
    formats: set[str] | None,
    progress: Callable[[str], None] | None,
    early: PendingFigures | None,
) -> ReportFolder:
    """:func:`replace_report` without closing ``early``."""
    chosen = list(WRITERS) if formats is None else [name for name in WRITERS if name in formats]
    unknown = sorted(set(formats or ()) - set(WRITERS))
    if unknown:
        raise OutputError(
            f"Unknown output format(s) {', '.join(unknown)}; choose from {', '.join(WRITERS)}."
        )
    target = Path(out_dir)
    # Work on the real folder, so that the staging folder sits on its file system.
    real = Path(os.path.realpath(target))
    if real.exists() and not real.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")
    new_parents = _missing_folders(real.parent)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        staging = _make_staging(real)
    except OSError as error:
        _remove_empty_folders(reversed(new_parents))
        raise _unwritable(target, error) from error
    committed, restored = False, True
    try:
        report = staging / "report"
        report.mkdir()
        written = _write_formats(result, report, chosen, progress, early)
        _write_manifest(report, written)
        with _interrupts_deferred():
            removed, kept = _commit(report, staging, real, [*written, MANIFEST_NAME])
            committed = True
    except _RestoreError:
        restored = False
        raise
    except OSError as error:
        raise _unwritable(target, error) from error
    finally:
        if restored:
            shutil.rmtree(staging, ignore_errors=True)
        if not committed:
            _remove_empty_folders(reversed(new_parents))
    return ReportFolder(
        target,
        tuple(target / name for name in written),
        tuple(target / name for name in removed),
        tuple(target / name for name in kept),
    )


def read_manifest(folder: str | Path) -> list[str] | None:
    """The files a previous painresponse report wrote into ``folder``, from its manifest.

    Parameters
    ----------
    folder : str or Path
        A report folder.

    Returns
    -------
    list of str or None
        The relative paths (``/``-separated) listed in the manifest that are still files
        inside ``folder``, sorted; None when there is no readable manifest. Paths that are
        absolute, contain ``..`` or lead out of the folder through a link are never listed.
    """
    real = Path(os.path.realpath(folder))
    try:
        manifest = json.loads((real / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        return None
    return sorted({name for name in files if isinstance(name, str) and _own_file(real, name)})


def _write_formats(
    result: StudyResult,
    report: Path,
    chosen: list[str],
    progress: Callable[[str], None] | None,
    early: PendingFigures | None = None,
) -> list[str]:
    """Run the writers into ``report``; the files written, relative and ``/``-separated."""
    job = ReportJob(result, chosen, early)
    job.start()  # the figures are drawn beside the writers that need none
    written: list[str] = []
    try:
        for name in chosen:
            if progress is not None:
                progress(f"writing {name}")
            for path in WRITERS[name](result, report, job):
                relative = path.relative_to(report).as_posix()
                if relative not in written:
                    written.append(relative)
    finally:
        job.close()
    return written


def _write_manifest(report: Path, written: list[str]) -> None:
    from painresponse._version import __version__

    manifest = {
        "written_by": "painresponse",
        "version": __version__,
        "about": "The files painresponse wrote into this folder. A new report written "
        "here with --overwrite removes those of them it does not write again; other files "
        "are kept.",
        "files": sorted(written),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (report / MANIFEST_NAME).write_bytes(text.encode("utf-8"))


def _commit(
    report: Path, staging: Path, real: Path, written: list[str]
) -> tuple[list[str], list[str]]:
    """Move the staged report into ``real``; the old files removed and the files kept."""
    if not real.exists():
        os.rename(report, real)
        return [], []
    previous = set(read_manifest(real) or ())
    present = _files_in(real, skip=staging)
    new = set(written)
    removed = sorted(previous - new)
    kept = sorted(present - new - previous)
    _Swap(report, staging / "previous", real).run(written, sorted((present & new) | previous))
    _remove_empty_folders(_parents(real, removed))
    return removed, kept


class _Swap:
    """Moves files into a folder and, when a move fails, back out: all of them or none.

    Files in the way (to be replaced or removed) are first moved aside into ``aside``,
    then the new files are moved in; :meth:`undo` reverses both.
    """

    def __init__(self, source: Path, aside: Path, folder: Path) -> None:
        self.source, self.aside, self.folder = source, aside, folder
        self.moved_aside: list[str] = []
        self.moved_in: list[str] = []
        self.made: list[Path] = []

    def run(self, new: list[str], old: list[str]) -> None:
        try:
            for name in old:
                (self.aside / name).parent.mkdir(parents=True, exist_ok=True)
                _move(self.folder / name, self.aside / name)
                self.moved_aside.append(name)
            for name in new:
                missing = _missing_folders((self.folder / name).parent)
                (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
                self.made += missing
                _move(self.source / name, self.folder / name)
                self.moved_in.append(name)
        except BaseException:
            self.undo()
            raise

    def undo(self) -> None:
        failed = []
        for name in reversed(self.moved_in):
            try:
                os.unlink(self.folder / name)
            except OSError:
                failed.append(name)
        _remove_empty_folders(reversed(self.made))
        for name in reversed(self.moved_aside):
            try:
                os.replace(self.aside / name, self.folder / name)
            except OSError:
                failed.append(name)
        if failed:
            raise _RestoreError(
                f"Cannot write the report to {self.folder}, nor put back all the files it "
                f"held before ({', '.join(failed)}); they are in {self.aside}."
            )


class _RestoreError(OutputError):
    """A failed report whose folder could not be restored: its staging folder is kept."""


def _move(source: Path, destination: Path) -> None:
    """One atomic move within a file system."""
    os.replace(source, destination)


def _own_file(real: Path, name: str) -> bool:
    """Whether the manifest entry ``name`` is a file inside the folder ``real``."""
    parts = PurePosixPath(name).parts
    if (
        not parts
        or PurePosixPath(name).as_posix() != name
        or PurePosixPath(name).is_absolute()
        or "\\" in name
        or ".." in parts
        or name == MANIFEST_NAME
    ):
        return False
    candidate = real.joinpath(*parts)
    # A linked folder on the way could lead out of the report folder.
    if Path(os.path.realpath(candidate.parent)) != real.joinpath(*parts[:-1]):
        return False
    return candidate.is_symlink() or candidate.is_file()


def _files_in(folder: Path, skip: Path) -> set[str]:
    """Every file (and link) inside ``folder``, relative and ``/``-separated."""
    found = set()
    for root, folders, files in os.walk(folder):
        here = Path(root)
        folders[:] = [f for f in folders if here / f != skip]
        links = [f for f in folders if (here / f).is_symlink()]
        for name in [*files, *links]:
            found.add((here / name).relative_to(folder).as_posix())
    return found


def _parents(real: Path, names: list[str]) -> list[Path]:
    """The folders holding ``names`` below ``real``, deepest first."""
    folders = {
        real.joinpath(*PurePosixPath(name).parts[:depth])
        for name in names
        for depth in range(1, len(PurePosixPath(name).parts))
    }
    return sorted(folders, key=lambda p: len(p.parts), reverse=True)


def _missing_folders(folder: Path) -> list[Path]:
    """The folders ``folder.mkdir(parents=True)`` would create, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


def _remove_empty_folders(folders: Iterable[Path]) -> None:
    """Remove each of ``folders`` (innermost first) that is empty."""
    for folder in folders:
        with suppress(OSError):
            folder.rmdir()


def _make_staging(real: Path) -> Path:
    """A new hidden staging folder beside ``real``, or inside it when that cannot be."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{real.name}.{_STAGING}", dir=real.parent))
    except OSError:
        if not real.is_dir():
            raise
        return Path(tempfile.mkdtemp(prefix=f".{_STAGING}", dir=real))
    if real.is_dir() and staging.stat().st_dev != real.stat().st_dev:
        # The folder is a mount point: files cannot be moved into it from beside it.
        staging.rmdir()
        return Path(tempfile.mkdtemp(prefix=f".{_STAGING}", dir=real))
    return staging


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the block is done, then raise it: the block runs whole or not."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _unwritable(target: Path, error: OSError) -> OutputError:
    reason = error.strerror or type(error).__name__
    return OutputError(f"Cannot write the report to {target}: {reason.lower()}.")
