"""The LaTeX tables compile with pdflatex and no table is wider than the page.

Skipped where TeX is not installed (Debian: texlive-latex-recommended, texlive-latex-extra).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from painresponse.render.latex import write_latex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_tables_compile_without_overfull_boxes(demo_result: object, tmp_path: Path) -> None:
    write_latex(demo_result, tmp_path)  # type: ignore[arg-type]
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "tables.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "tables.pdf").exists()
    assert "Overfull \\hbox" not in run.stdout
