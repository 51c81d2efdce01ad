"""A clinic's own export of the bundled cohort, as it really arrives: written into a folder.

The bundled cohort (``src/painresponse/data/lsgb_fbss_cohort.csv``, canonical columns) is
rewritten the way a hospital system exports it: natural English and Korean headers, sex
coded 1/2, block side in Korean words, the number of years since surgery instead of the
"<=2"/">2" labels, "NA" and "-" in score cells that were empty, hospital chart numbers as
patient IDs, two title rows and a blank row above the header, a footer below the last
patient, a "Notes" sheet before the data sheet (Excel) or CP949 encoding (CSV).

Nothing binary is committed: the tests call :func:`write_messy_xlsx` and
:func:`write_messy_csv` with a temporary folder.
"""

from __future__ import annotations

import csv
from pathlib import Path

from painresponse.synth import default_cohort_path

__all__ = [
    "EXPECTED_MATCHES",
    "FOOTER",
    "HEADERS",
    "TITLES",
    "chart_numbers",
    "cohort_rows",
    "messy_table",
    "write_messy_csv",
    "write_messy_xlsx",
    "years_since_surgery",
]

#: Canonical column -> the export's header (in the export's column order).
HEADERS: dict[str, str] = {
    "patient_id": "환자번호",
    "age": "Age (years)",
    "sex": "성별",
    "bmi": "BMI",
    "diagnosis": "진단명",
    "pain_duration": "Duration of pain (yr)",
    "lesion_level": "Lesion level",
    "lesion_severity": "중증도",
    "surgery_type": "Type of surgery",
    "time_since_surgery": "Years since surgery",
    "n_surgeries": "No. of spinal surgeries",
    "surgery_range": "수술 범위",
    "block_levels": "Block level",
    "block_side": "시술 방향",
    "block_distance": "Distance from surgical level",
    "pain_t0": "Pain NRS baseline",
    "pain_t1": "NRS 1wk",
    "pain_t4": "Pain NRS 4wk",
    "eq5d_mo_t0": "EQ-5D MO (pre)",
    "eq5d_sc_t0": "EQ-5D SC (pre)",
    "eq5d_ua_t0": "EQ-5D UA (pre)",
    "eq5d_pd_t0": "EQ-5D PD (pre)",
    "eq5d_ad_t0": "EQ-5D AD (pre)",
    "eq5d_mo_t1": "EQ-5D mobility 1wk",
    "eq5d_sc_t1": "EQ-5D self-care 1wk",
    "eq5d_ua_t1": "EQ-5D usual activities 1wk",
    "eq5d_pd_t1": "EQ-5D pain/discomfort 1wk",
    "eq5d_ad_t1": "EQ-5D anxiety/depression 1wk",
    "eq5d_mo_t4": "운동능력 4주",
    "eq5d_sc_t4": "자기관리 4주",
    "eq5d_ua_t4": "일상활동 4주",
    "eq5d_pd_t4": "통증/불편감 4주",
    "eq5d_ad_t4": "불안/우울 4주",
    "coldness_t0": "시술전 냉감",
    "coldness_t1": "냉감 1주",
    "coldness_t4": "냉감 4주",
    "adverse_event": "부작용",
}

#: Columns of the export that the study does not read.
EXTRA_HEADERS = ("Ward", "Notes")

#: How each header is expected to be matched (header -> (canonical column, method)).
EXPECTED_MATCHES: dict[str, tuple[str, str]] = {
    **{header: (column, "synonym") for column, header in HEADERS.items()},
    "BMI": ("bmi", "exact"),
    "Lesion level": ("lesion_level", "exact"),
    "Duration of pain (yr)": ("pain_duration", "fuzzy"),
    "No. of spinal surgeries": ("n_surgeries", "fuzzy"),
}

TITLES = ("요통클리닉 LSGB 등록 자료 (Pain clinic LSGB registry)", "Department of Anesthesiology")
FOOTER = "Exported 2026-11-30 by EMR"

_SEX = {"Male": 1, "Female": 2}
_SIDE = {"Left": "좌", "Right": "우", "Both": "양측"}
_RECENT = (0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 0.3, 1.8)
_LONG_AGO = (2.5, 3.0, 4.0, 5.5, 7.0, 10.0, 15.0, 2.1, 8.5)
_INTEGER_COLUMNS = frozenset(
    ["age", "n_surgeries", "surgery_range", "block_levels", "block_distance"]
    + [c for c in HEADERS if c.startswith(("pain_t", "eq5d_", "coldness_t"))]
)


def cohort_rows() -> list[dict[str, str]]:
    """The bundled cohort as text, one dict per patient (empty string = not recorded)."""
    with default_cohort_path().open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def chart_numbers(n: int) -> list[str]:
    """Hospital chart numbers used as patient IDs (8 digits, all different)."""
    return [f"{20_230_000 + 37 * i + 11}" for i in range(n)]


def years_since_surgery(label: str, i: int) -> float:
    """A plausible number of years for the cohort's label ("<=2" or ">2") of patient ``i``."""
    if label == "<=2":
        return _RECENT[i % len(_RECENT)]
    if label == ">2":
        return _LONG_AGO[i % len(_LONG_AGO)]
    raise ValueError(f"unexpected time_since_surgery label {label!r}")


def _missing_code(column: str, i: int) -> str:
    """How the export writes a score that was not recorded: "NA", "-" or an empty cell."""
    if column.startswith("pain_"):
        return "NA"
    if column.startswith("eq5d_") and column.endswith("_t4"):
        return "-"
    return "NA" if column.startswith("coldness") and i % 2 else ""


def _cell(column: str, value: str, i: int) -> str | int | float | None:
    """One cell of the export, typed as a spreadsheet holds it."""
    if column == "sex":
        return _SEX[value]
    if column == "block_side":
        return _SIDE[value]
    if column == "time_since_surgery":
        return years_since_surgery(value, i)
    if value == "":
        code = _missing_code(column, i)
        return code or None
    if column in _INTEGER_COLUMNS:
        return int(value)
    if column == "bmi":
        return float(value)
    return value


def messy_table() -> tuple[list[str], list[list[str | int | float | None]]]:
    """The export's header and patient rows (cells typed as in a spreadsheet)."""
    rows = cohort_rows()
    ids = chart_numbers(len(rows))
    header = list(HEADERS.values()) + list(EXTRA_HEADERS)
    table: list[list[str | int | float | None]] = []
    for i, row in enumerate(rows):
        cells = [_cell(column, row[column], i) for column in HEADERS]
        cells[0] = ids[i]
        ward = ("3A", "5B", "7W")[i % 3]
        note = "phone follow-up" if i % 11 == 0 else None
        table.append([*cells, ward, note])
    return header, table


def write_messy_xlsx(folder: Path, name: str = "clinic_export.xlsx") -> Path:
    """Write the export as an Excel workbook: a "Notes" sheet first, then the data sheet.

    The data sheet has two title rows and a blank row above the header (row 4), the
    patients from row 5, a blank row and the footer line below them.
    """
    from openpyxl import Workbook

    header, table = messy_table()
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Export notes"])
    notes.append(["성별: 1 = 남, 2 = 여"])
    notes.append(["NA = not measured"])
    data = book.create_sheet("Data")
    for title in TITLES:
        data.append([title])
    data.append([])
    data.append(header)
    for cells in table:
        data.append(cells)
    data.append([])
    data.append([FOOTER])
    path = folder / name
    book.save(path)
    return path


def _as_text(value: str | int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_messy_csv(folder: Path, name: str = "clinic_export.csv") -> Path:
    """Write the export as a CP949 (Korean Excel) CSV file with the same titles and footer."""
    header, table = messy_table()
    lines = [[title] for title in TITLES] + [[], header]
    lines += [[_as_text(v) for v in cells] for cells in table]
    lines += [[], [FOOTER]]
    path = folder / name
    with path.open("w", encoding="cp949", newline="") as handle:
        csv.writer(handle).writerows(lines)
    return path
