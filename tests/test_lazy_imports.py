"""Start-up: heavy libraries are imported only when a table needs them (issue #14).

Run in a fresh interpreter (a subprocess), since this test session has long since imported
everything. ``scipy.stats`` alone costs about a second of start-up on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

HEAVY = ("scipy.stats", "statsmodels", "matplotlib")

# main() ends the process (after the exit handlers), so the modules are listed by one
_SCRIPT = f"""
import atexit, json, sys
from painresponse.cli import main
sys.argv = ["painresponse", "report", sys.argv[1], "--out", sys.argv[2], "--format", "csv",
            "--no-extended", "--tables", "1,2"]
atexit.register(
    lambda: print(json.dumps({{"heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
)
main()
"""


def _run(script: str, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_pipeline_is_light() -> None:
    script = (
        "import json, sys\nimport painresponse.pipeline\n"
        f"print(json.dumps({{'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))"
    )
    assert _run(script)["heavy"] == []


def test_report_tables_1_2_csv_imports_no_heavy_library(tmp_path: Path) -> None:
    cohort = resources.files("painresponse") / "data" / "lsgb_fbss_cohort.csv"
    with resources.as_file(cohort) as path:
        out = _run(_SCRIPT, str(path), str(tmp_path / "out"))
    assert out["heavy"] == []  # and the status is 0: _run checks it
    assert (tmp_path / "out" / "table1.csv").exists()
    assert (tmp_path / "out" / "table2.csv").exists()


_DEMO_SCRIPT = """
import atexit, json, sys
from painresponse.cli import main
sys.argv = ["painresponse", "demo", "--out", sys.argv[1], "-q"]
atexit.register(lambda: print(json.dumps({"matplotlib": "matplotlib.figure" in sys.modules})))
main()
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="a second process draws only on Linux with 2 CPUs",
)
def test_with_a_second_process_the_report_process_never_draws(tmp_path: Path) -> None:
    """Where a second process draws, it draws every figure of the demo (the paper's during
    the supplementary analyses, those during Table S9): this one never loads matplotlib."""
    proc = subprocess.run(
        [sys.executable, "-c", _DEMO_SCRIPT, str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PAINRESPONSE_FIGURE_PROCESSES": "2"},
    )
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"matplotlib": False}
    assert len(list((tmp_path / "out" / "figures").glob("*.png"))) == 7
