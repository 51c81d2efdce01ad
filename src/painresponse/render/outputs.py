"""Write every output format into a folder, atomically.

Files are written into a temporary folder beside the destination and moved into place
only when all succeeded, so a failure never leaves a half-written report.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from painresponse.errors import OutputError
from painresponse.render.csv import results_frame, write_flow_csv, write_table_csv
from painresponse.render.markdown import table_to_markdown
from painresponse.result import StudyResult

__all__ = ["check_out_dir", "write_outputs"]

Writer = Callable[[StudyResult, Path], list[Path]]


def check_out_dir(out: Path, overwrite: bool) -> None:
    """Refuse an output folder that exists and is not empty, unless ``overwrite``."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OutputError(f"{out}: the folder is not empty; use --overwrite to replace its files")


def _csv(result: StudyResult, folder: Path) -> list[Path]:
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


def _markdown(result: StudyResult, folder: Path) -> list[Path]:
    paths = []
    for key, table in result.tables.items():
        path = folder / f"{key}.md"
        path.write_text(table_to_markdown(table), encoding="utf-8")
        paths.append(path)
    return paths


def _docx(result: StudyResult, folder: Path) -> list[Path]:
    from painresponse.render.docx import write_docx

    return [write_docx(result, folder / "report.docx")]


def _xlsx(result: StudyResult, folder: Path) -> list[Path]:
    from painresponse.render.xlsx import write_xlsx

    return [write_xlsx(result, folder / "report.xlsx")]


def _latex(result: StudyResult, folder: Path) -> list[Path]:
    from painresponse.render.latex import write_latex

    return list(write_latex(result, folder))


def _html(result: StudyResult, folder: Path) -> list[Path]:
    from painresponse.render.html import write_html

    return [write_html(result, folder / "report.html")]


def _figures(result: StudyResult, folder: Path) -> list[Path]:
    from painresponse.render.figures import write_figures

    target = folder / "figures"
    target.mkdir(exist_ok=True)
    return list(write_figures(result, target))


WRITERS: dict[str, Writer] = {
    "csv": _csv,
    "markdown": _markdown,
    "figures": _figures,
    "xlsx": _xlsx,
    "latex": _latex,
    "html": _html,
    "docx": _docx,
}


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
    out = Path(out)
    check_out_dir(out, overwrite)
    chosen = [f for f in WRITERS if formats is None or f in formats]
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=parent))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write here ({exc.strerror})") from None
    try:
        written: list[Path] = []
        for name in chosen:
            if progress is not None:
                progress(name)
            written += WRITERS[name](result, staging)
        if out.exists():
            for name in [p.relative_to(staging) for p in written]:
                target = out / name
                if target.is_file():
                    target.unlink()
            shutil.rmtree(out / "figures", ignore_errors=True)
        else:
            out.mkdir(parents=True)
        for item in staging.iterdir():
            shutil.move(str(item), str(out / item.name))
        return [out / p.relative_to(staging) for p in written]
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the outputs ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
