"""The study file can put the EQ-5D-5L index (a published value set) in Tables 3–5."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from painresponse import analyze
from painresponse.eq5d import eq5d_index
from painresponse.errors import StudyDefinitionError
from painresponse.study import default_study_path, load_study
from painresponse.synth import default_cohort_path, load_default_cohort
from painresponse.tables.model import MeanSD


def index_study(tmp_path: Path, value_set: str) -> Path:
    text = default_study_path().read_text(encoding="utf-8")
    text = text.replace(
        'summary = "level_sum"',
        f'summary = "index"\nvalue_set = "{value_set}"\ndigits = 3',
    ).replace('label = "EQ-5D"', 'label = "EQ-5D index"')
    path = tmp_path / "index.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("value_set", ["KR", "US", "ENG"])
def test_index_in_table3_equals_the_value_set(tmp_path: Path, value_set: str) -> None:
    result = analyze(default_cohort_path(), index_study(tmp_path, value_set))
    cohort = load_default_cohort().filter(pl.col("pain_t1").is_not_null())
    for time in ("t0", "t1", "t4"):
        levels = cohort.select([f"eq5d_{d}_{time}" for d in ("mo", "sc", "ua", "pd", "ad")])
        expected = eq5d_index(levels.to_numpy(), value_set)
        row = next(
            r
            for r in result.tables["table3"].rows
            if r.label == "EQ-5D index" and r.level == time.upper()
        )
        cell = row.cell("overall")
        assert isinstance(cell, MeanSD)
        assert cell.mean == pytest.approx(float(np.mean(expected)), rel=1e-12)
        assert cell.sd == pytest.approx(float(np.std(expected, ddof=1)), rel=1e-12)


def test_unknown_value_set_is_a_study_error(tmp_path: Path) -> None:
    with pytest.raises(StudyDefinitionError, match="unknown EQ-5D-5L value set 'XX'"):
        load_study(index_study(tmp_path, "XX"))
