"""Print, per family and quantity, the worst relative difference between Python and R.

Run from the repository root::

    .venv/bin/python tests/reference/compare.py

It uses the same comparison code as ``tests/stats/test_against_r.py``; families whose module
does not exist yet are reported as missing. Exit code 1 when any case fails its tolerance.
"""

from __future__ import annotations

import importlib
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.stats.test_against_r import (
    FAMILIES,
    FAMILY_MODULE,
    Check,
    compare_case,
    load_family,
)


def main() -> int:
    """Compare every case and print a summary table."""
    any_failed = False
    print(f"{'family':24} {'quantity':40} {'cases':>5} {'fail':>4}  worst rel diff  (case)")
    for family in FAMILIES:
        try:
            importlib.import_module(FAMILY_MODULE[family])
        except ImportError:
            print(f"{family:24} module {FAMILY_MODULE[family]} missing")
            continue
        data = load_family(family)
        worst: dict[str, tuple[float, str]] = {}
        counts: dict[str, int] = defaultdict(int)
        fails: dict[str, int] = defaultdict(int)
        errors: list[str] = []
        for case in data["cases"]:
            try:
                checks: list[Check] = compare_case(family, data["tolerance"], case)
            except Exception as exc:  # report, do not stop: every case is counted
                errors.append(f"{case['id']}: {type(exc).__name__}: {exc}")
                continue
            for check in checks:
                quantity = "p[i]" if check.quantity.startswith("p[") else check.quantity
                counts[quantity] += 1
                if not check.ok:
                    fails[quantity] += 1
                if check.rel_diff >= worst.get(quantity, (-1.0, ""))[0]:
                    worst[quantity] = (check.rel_diff, case["id"])
        for quantity, (diff, case_id) in worst.items():
            print(
                f"{family:24} {quantity:40} {counts[quantity]:5d} {fails[quantity]:4d}  "
                f"{diff:14.3g}  ({case_id})"
            )
        for error in errors:
            print(f"{family:24} ERROR {error}")
        any_failed = any_failed or bool(errors) or any(fails.values())
    return 1 if any_failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
