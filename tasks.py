#!/usr/bin/env python3
"""Set up the project and run it, with nothing but Python >= 3.11 and git.

Usage::

    python3 tasks.py demo    # create .venv, install, run the demo analysis
    python3 tasks.py test    # create .venv, install, run every test (slow ones too)
    python3 tasks.py lint    # ruff check, ruff format --check, mypy, import contracts

The virtual environment is (re)installed when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-hash"


def _hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def setup() -> None:
    """Create the virtual environment and install the project with its dev extras."""
    if sys.version_info < (3, 11):  # noqa: UP036 - the message is for users of older Pythons
        sys.exit("painresponse needs Python 3.11 or newer")
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != _hash():
        print("Installing painresponse and its dependencies ...", flush=True)
        run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        run([str(PY), "-m", "pip", "install", "-q", "-e", ".[dev]"])
        STAMP.write_text(_hash())
    # An editable install leaves the package's bytecode to the first run, which cannot
    # write it where PYTHONDONTWRITEBYTECODE is set (0.3-0.5 s on every demo); a wheel
    # install compiles it, so does this (up-to-date files are skipped).
    run([str(PY), "-m", "compileall", "-q", "-j", "0", "src"])


def run(cmd: list[str]) -> None:
    """Run a command in the project root; stop with its exit code when it fails."""
    code = subprocess.call(cmd, cwd=ROOT)
    if code != 0:
        sys.exit(code)


def main(argv: list[str]) -> None:
    """Dispatch ``demo``, ``test`` or ``lint``."""
    task = argv[0] if argv else "test"
    setup()
    if task == "demo":
        run([str(BIN / "painresponse"), "demo", "--out", "painresponse-output", "--overwrite"])
    elif task == "test":
        # every test, the slow ones included (a bare `pytest` skips those marked slow)
        run([str(PY), "-m", "pytest", "-m", "", *argv[1:]])
    elif task == "lint":
        code = ["src", "tests", "benchmarks", "scripts", "tools"]
        run([str(PY), "-m", "ruff", "check", *code, "tasks.py"])
        run([str(PY), "-m", "ruff", "format", "--check", *code])
        run([str(PY), "-m", "mypy"])
        run([str(BIN / "lint-imports")])  # the stages' import contracts (.importlinter)
    else:
        sys.exit(f"unknown task {task!r}: use demo, test or lint")


if __name__ == "__main__":
    main(sys.argv[1:])
