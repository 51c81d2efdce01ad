"""The canonical columns of a study file, in order, with their polars types."""

from __future__ import annotations

import polars as pl

__all__ = [
    "CATEGORY_LABELS",
    "COLUMNS",
    "EQ5D_DIMENSIONS",
    "FOLLOW_UP_COLUMNS",
    "INTEGER_COLUMNS",
    "SCHEMA",
    "STRING_COLUMNS",
    "TIMES",
]

TIMES = ("t0", "t1", "t4")
EQ5D_DIMENSIONS = ("mo", "sc", "ua", "pd", "ad")

COLUMNS: tuple[str, ...] = (
    "patient_id",
    "age",
    "sex",
    "bmi",
    "diagnosis",
    "pain_duration",
    "lesion_level",
    "lesion_severity",
    "surgery_type",
    "time_since_surgery",
    "n_surgeries",
    "surgery_range",
    "block_levels",
    "block_side",
    "block_distance",
    *(f"pain_{t}" for t in TIMES),
    *(f"eq5d_{d}_{t}" for t in TIMES for d in EQ5D_DIMENSIONS),
    *(f"coldness_{t}" for t in TIMES),
    "adverse_event",
)

STRING_COLUMNS = (
    "patient_id",
    "sex",
    "diagnosis",
    "pain_duration",
    "lesion_level",
    "lesion_severity",
    "surgery_type",
    "time_since_surgery",
    "block_side",
    "adverse_event",
)
INTEGER_COLUMNS = tuple(c for c in COLUMNS if c not in STRING_COLUMNS and c != "bmi")
#: Columns left empty for a patient without follow-up (T1 and T4 scores).
FOLLOW_UP_COLUMNS = tuple(
    c
    for c in COLUMNS
    if c.endswith(("_t1", "_t4")) and c.split("_")[0] in {"pain", "eq5d", "coldness"}
)

SCHEMA: dict[str, type[pl.DataType]] = {
    c: (pl.String if c in STRING_COLUMNS else pl.Float64 if c == "bmi" else pl.Int64)
    for c in COLUMNS
}

#: Classes of each categorical characteristic, in the order of COLUMNS and, within a column,
#: the paper's: labels of the text columns exactly as the study file expects them, and the
#: classes the paper prints for three integer columns (block distance pools 2 and more).
CATEGORY_LABELS: dict[str, tuple[str, ...]] = {
    "sex": ("Male", "Female"),
    "diagnosis": ("Spinal stenosis", "HNP"),
    "pain_duration": ("<1", "1-2", ">2"),
    "lesion_level": ("L2-3", "L3-4", "L4-5", "L5-S1"),
    "lesion_severity": ("Mild", "Moderate", "Severe"),
    "surgery_type": ("PLIF", "Laminectomy", "Discectomy"),
    "time_since_surgery": ("<=2", ">2"),
    "surgery_range": ("1", "2", "3", "4"),
    "block_levels": ("1", "2", "3"),
    "block_side": ("Left", "Right", "Both"),
    "block_distance": ("0", "1", ">=2"),
}
