#!/usr/bin/env python3
"""Regenerate the bundled default cohort and its calibration report.

Usage::

    python scripts/make_default_cohort.py          # write both files
    python scripts/make_default_cohort.py --check  # exit 1 if the committed files differ

Writes ``src/painresponse/data/lsgb_fbss_cohort.csv`` (``calibrated_cohort()``, UTF-8)
and ``docs/calibration.md`` (every published figure of Tables 1–5 against the cohort).
The calibration lives in ``tools/synth_calibration/``; the paper's figures it aims at in
``tools/data/lsgb_fbss_published.toml``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# tools/ is not installed with the package: import it from this checkout, wherever we run
sys.path.insert(0, str(ROOT))

from painresponse.synth import default_cohort_path  # noqa: E402
from painresponse.synth._write import write_csv_text  # noqa: E402
from tools.synth_calibration import calibrated_cohort, calibration_report  # noqa: E402

REPORT = ROOT / "docs" / "calibration.md"


def expected_files() -> dict[Path, str]:
    """The files as a fresh regeneration writes them."""
    cohort = calibrated_cohort()
    return {default_cohort_path(): write_csv_text(cohort), REPORT: calibration_report(cohort)}


def main(argv: list[str] | None = None) -> int:
    """Write the files, or with ``--check`` compare them; return the exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected_files().items():
        data = text.encode("utf-8")
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"{path.relative_to(ROOT)} differs from a fresh regeneration", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
