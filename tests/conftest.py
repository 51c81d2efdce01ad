"""Shared fixtures: a small, hand-made canonical data set."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

CANONICAL_ROW = {
    "patient_id": "P01",
    "age": "65",
    "sex": "Male",
    "bmi": "24.5",
    "diagnosis": "HNP",
    "pain_duration": ">2",
    "lesion_level": "L4-5",
    "lesion_severity": "Moderate",
    "surgery_type": "PLIF",
    "time_since_surgery": ">2",
    "n_surgeries": "1",
    "surgery_range": "1",
    "block_levels": "1",
    "block_side": "Left",
    "block_distance": "0",
    "pain_t0": "8",
    "pain_t1": "4",
    "pain_t4": "5",
    **{f"eq5d_{d}_t{t}": "3" for t in (0, 1, 4) for d in ("mo", "sc", "ua", "pd", "ad")},
    "coldness_t0": "5",
    "coldness_t1": "4",
    "coldness_t4": "4",
    "adverse_event": "",
}


def make_rows(n: int = 12) -> list[dict[str, str]]:
    """``n`` valid patients, half responders (T1 = T0/2) and half not (T1 = T0 − 1)."""
    rows = []
    for i in range(n):
        row = dict(CANONICAL_ROW)
        row["patient_id"] = f"P{i + 1:02d}"
        row["sex"] = "Male" if i % 3 else "Female"
        row["age"] = str(50 + i)
        t0 = 6 + i % 4
        row["pain_t0"] = str(t0)
        row["pain_t1"] = str(t0 // 2 if i % 2 == 0 else t0 - 1)
        row["pain_t4"] = str(t0 - i % 3)
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, str]], path: Path, encoding: str = "utf-8") -> Path:
    frame = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    path.write_bytes(frame.write_csv().encode(encoding))
    return path


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return write_csv(make_rows(), tmp_path / "small.csv")


@pytest.fixture(scope="session")
def demo_result():  # type: ignore[no-untyped-def]
    """The demo analysis (bundled cohort, published study, supplementary tables), run once.

    Results are frozen, so every test module can share this one; a test that needs another
    study or data set runs its own ``analyze``.
    """
    from painresponse.pipeline import analyze
    from painresponse.synth import default_cohort_path

    return analyze(default_cohort_path(), extended=True)


@pytest.fixture(scope="session")
def paper_result():  # type: ignore[no-untyped-def]
    """The bundled cohort under the published study, Tables 1–5 only, run once."""
    from painresponse.pipeline import analyze
    from painresponse.synth import default_cohort_path

    return analyze(default_cohort_path())
