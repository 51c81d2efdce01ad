"""The study file checked for meaning: each mistake named with its line and variable.

Each case edits the bundled study file as a user might and checks that loading it
fails with one clear :class:`StudyDefinitionError` (never an internal error) that
names the line of the offending key and the variable's key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from painresponse.errors import StudyDefinitionError
from painresponse.study import default_study_path, load_study

BUNDLED = default_study_path().read_text(encoding="utf-8")


def _line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first ``needle`` at or after the first line holding ``after``."""
    lines = text.splitlines()
    start = next(i for i, t in enumerate(lines) if after in t) if after else 0
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def _load(tmp_path: Path, text: str, name: str = "study.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StudyDefinitionError) as info:
        load_study(path)
    return str(info.value)


SEX_LEVELS = 'levels = ["Male", "Female"]'


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (SEX_LEVELS, 'levels = ["Male", "Female", "Male"]', "levels = [",
         "variable 'sex', levels: 'Male' is listed twice"),
        (SEX_LEVELS, SEX_LEVELS + '\ntest = "magic"', 'test = "magic"',
         "variable 'sex', test: unknown test 'magic'"),
        (SEX_LEVELS, SEX_LEVELS + "\ndigits = -1", "digits = -1",
         "variable 'sex', digits: digits = -1: choose from 0 to 6"),
        (SEX_LEVELS, SEX_LEVELS + "\nmin = 1", "min = 1",
         "variable 'sex', min: 'min' applies to numbers, not to a categorical variable"),
        (SEX_LEVELS, SEX_LEVELS + '\nrecode = { "1" = "Man" }', "recode =",
         "variable 'sex', recode: recode '1' = 'Man': 'Man' is not a level"),
        ("threshold = 50", "threshold = 150", "threshold = 150",
         "responder.threshold: threshold = 150: a percentage above 0 and at most 100"),
        ("threshold = 50", "threshold = -5", "threshold = -5", "responder.threshold"),
        ("threshold = 50", "threshold = nan", "threshold = nan",
         "responder.threshold: nan is not a finite number"),
        ("threshold = 50", "threshold = inf", "threshold = inf",
         "responder.threshold: inf is not a finite number"),
        ('follow_up = "t1"', 'follow_up = "t0"', 'follow_up = "t0"',
         "responder.follow_up: follow_up is the baseline ('t0')"),
    ],
)  # fmt: skip
def test_meaning_problems_name_line_and_variable(
    tmp_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    assert old in BUNDLED
    text = BUNDLED.replace(old, new, 1)
    message = _load(tmp_path, text)
    assert f"line {_line_of(text, needle, after=new.splitlines()[0])}, {expected}" in message
    assert "internal error" not in message


def test_table_that_does_not_exist(tmp_path: Path) -> None:
    text = BUNDLED.replace("table = 1", "table = 99", 1)
    message = _load(tmp_path, text)
    assert f"line {_line_of(text, 'table = 99')}, variable 'age', table: table = 99" in message


def test_min_above_max(tmp_path: Path) -> None:
    text = BUNDLED.replace("min = 18\nmax = 100", "min = 90\nmax = 18", 1)
    message = _load(tmp_path, text)
    assert "variable 'age', min: min = 90 is above max = 18" in message


def test_same_label_for_both_groups(tmp_path: Path) -> None:
    text = BUNDLED.replace(
        'non_responder_label = "Non-responder"', 'non_responder_label = "Responder"'
    )
    assert "both groups are labelled 'Responder'" in _load(tmp_path, text)


def test_rename_collisions(tmp_path: Path) -> None:
    text = BUNDLED + '\n[rename]\n"Age (y)" = "age"\n"나이" = "age"\n'
    assert "'Age (y)', '나이' are all renamed to 'age'" in _load(tmp_path, text)


def test_eligibility_min_on_a_categorical_column(tmp_path: Path) -> None:
    text = BUNDLED + '\n[[eligibility]]\ncolumn = "sex"\nreason = "x"\nmin = 1\n'
    message = _load(tmp_path, text)
    assert "eligibility 'sex'" in message
    assert "'sex' is categorical: use 'allowed', not min/max" in message


def test_cut_needs_one_label_more_than_cut_points(tmp_path: Path) -> None:
    old = 'levels = ["<=2", ">2"]'
    assert old in BUNDLED
    text = BUNDLED.replace(old, 'cut = [2, 5]\nlabels = ["<=2", ">2"]', 1)
    message = _load(tmp_path, text)
    assert "2 cut point(s) make 3 bins, but 2 labels are given" in message


def test_every_problem_listed_at_once(tmp_path: Path) -> None:
    text = BUNDLED.replace("threshold = 50", "threshold = 150", 1).replace(
        SEX_LEVELS, 'levels = ["Male", "Male"]', 1
    )
    message = _load(tmp_path, text)
    assert "listed twice" in message
    assert "threshold = 150" in message


def test_misspelt_key_gets_a_suggestion(tmp_path: Path) -> None:
    text = BUNDLED.replace("level_labels", "level_label", 1)
    assert "level_label: unknown key; did you mean 'level_labels'?" in _load(tmp_path, text)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BUNDLED.encode("utf-8"))
    assert load_study(path).title == load_study().title


def test_not_utf8_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "cp949.toml"
    path.write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(StudyDefinitionError, match="not UTF-8 text"):
        load_study(path)


def test_cut_and_recode_accepted(tmp_path: Path) -> None:
    old = 'levels = ["<=2", ">2"]'
    text = BUNDLED.replace(old, 'cut = [2]\nlabels = ["<=2", ">2"]', 1).replace(
        SEX_LEVELS, SEX_LEVELS + '\nrecode = { "1" = "Male", "2" = "Female" }', 1
    )
    path = tmp_path / "ok.toml"
    path.write_text(text, encoding="utf-8")
    study = load_study(path)
    binned = next(v for v in study.variables if v.cut)
    assert binned.cut == [2.0]
    assert [label for label, _ in binned.display_levels()] == ["≤2 year", ">2 year"]
