"""The study file: the bundled default, a second study, and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from painresponse.errors import StudyDefinitionError
from painresponse.study import load_study

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "epidural-3-month.toml"


def test_default_study_reproduces_the_paper() -> None:
    study = load_study()
    assert [t.label for t in study.time_points] == ["T0", "T1", "T4"]
    assert study.responder.rule == "percent_reduction"
    assert study.responder.threshold == 50
    assert [v.key for v in study.variables if v.table == 1] == [
        "age", "sex", "bmi", "diagnosis", "pain_duration", "lesion_level", "lesion_severity",
    ]  # fmt: skip
    eq5d = study.outcome("eq5d")
    assert eq5d.summary == "level_sum" and eq5d.value_range() == (5, 25)
    distance = next(v for v in study.variables if v.key == "block_distance")
    assert distance.display_levels()[-1] == ("≥2 level", ["2", "3", "4", "5", "6"])


def test_second_study_file() -> None:
    study = load_study(EXAMPLE)
    assert study.rename["나이"] == "age"
    assert study.comparisons() == [("m1", "pre"), ("m3", "m1"), ("m3", "pre")]
    assert study.group_labels() == ("Improved", "Not improved")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StudyDefinitionError, match="study file not found"):
        load_study(tmp_path / "none.toml")


def test_broken_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("title = \n", encoding="utf-8")
    with pytest.raises(StudyDefinitionError, match="not valid TOML"):
        load_study(path)


def test_schema_problems_are_listed(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('baseline = "pre"', 'baseline = "week0"')
    text = text.replace('kind = "categorical"', 'kind = "nominalish"')
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StudyDefinitionError) as info:
        load_study(path)
    message = str(info.value)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "nominalish" in t)
    assert f"line {line}, variable 'sex', kind: 'nominalish'" in message


def test_unknown_time_point_reference(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('follow_up = "m1"', 'follow_up = "m6"')
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        StudyDefinitionError, match=r"line \d+, responder.follow_up: 'm6' is not a time point"
    ):
        load_study(path)


def test_unknown_key_rejected(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("[responder]", "[responder]\nthreshhold = 3")
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        StudyDefinitionError, match="threshhold: unknown key; did you mean 'threshold'"
    ):
        load_study(path)
