"""Eligibility, completeness, responder classification: every row accounted for."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from painresponse.cohort import GROUP, build_cohort
from painresponse.io import read_table, validate
from painresponse.responders import BASELINE_ZERO_REASON, classify
from painresponse.study import load_study
from tests.conftest import make_rows, write_csv

STUDY = load_study()
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "epidural-3-month.toml"


def typed(rows: list[dict[str, str]], tmp_path: Path) -> pl.LazyFrame:
    return validate(read_table(write_csv(rows, tmp_path / "c.csv")), STUDY)


def test_exactly_half_is_a_responder() -> None:
    frame = pl.DataFrame({"pain_t0": [8.0, 7.0, 7.0, 3.0], "pain_t1": [4.0, 3.0, 4.0, 2.0]})
    assert classify(frame, STUDY).to_list() == [
        "Responder", "Responder", "Non-responder", "Non-responder",
    ]  # fmt: skip


def test_completeness_and_baseline_zero(tmp_path: Path) -> None:
    rows = make_rows(10)
    rows[0]["pain_t1"] = ""
    rows[1]["pain_t4"] = ""
    rows[2]["pain_t0"] = "0"
    rows[2]["pain_t1"] = "0"
    cohort = build_cohort(typed(rows, tmp_path), STUDY)
    flow = cohort.flow
    assert flow.assessed == 10
    reasons = {e.reason: (e.count, e.rows) for e in flow.exclusions}
    assert reasons["insufficient follow-up data: Pain (NRS) at T1 not recorded"] == (1, (2,))
    assert reasons["insufficient follow-up data: Pain (NRS) at T4 not recorded"] == (1, (3,))
    assert reasons[BASELINE_ZERO_REASON] == (1, (4,))
    assert flow.analysed == 7
    assert flow.excluded + flow.analysed == flow.assessed
    assert cohort.collect()[GROUP].null_count() == 0


def test_baseline_zero_as_non_responder(tmp_path: Path) -> None:
    rows = make_rows(4)
    rows[0]["pain_t0"] = "0"
    rows[0]["pain_t1"] = "0"
    study = STUDY.model_copy(
        update={"responder": STUDY.responder.model_copy(update={"baseline_zero": "non_responder"})}
    )
    cohort = build_cohort(typed(rows, tmp_path), study)
    assert cohort.flow.analysed == 4
    assert cohort.collect().filter(pl.col("_row") == 2)[GROUP].item() == "Non-responder"


def test_flow_rows() -> None:
    from painresponse.flow import Exclusion, Flow

    flow = Flow(87, (Exclusion("completeness", "insufficient follow-up data", 3),),
                (("Responder", 41), ("Non-responder", 43)))  # fmt: skip
    assert flow.to_rows() == [
        {"stage": "assessed", "reason": "", "n": 87},
        {"stage": "excluded (completeness)", "reason": "insufficient follow-up data", "n": 3},
        {"stage": "analysed", "reason": "", "n": 84},
        {"stage": "group", "reason": "Responder", "n": 41},
        {"stage": "group", "reason": "Non-responder", "n": 43},
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 10)),
            st.one_of(st.none(), st.integers(0, 10)),
            st.one_of(st.none(), st.integers(0, 10)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_every_row_is_accounted_for(scores: list[tuple[int | None, ...]]) -> None:
    rows = make_rows(len(scores))
    for row, (t0, t1, t4) in zip(rows, scores, strict=True):
        row["pain_t0"] = "" if t0 is None else str(t0)
        row["pain_t1"] = "" if t1 is None else str(t1)
        row["pain_t4"] = "" if t4 is None else str(t4)
    frame = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    from painresponse.io.readers import RawTable

    cohort = build_cohort(validate(RawTable(frame.lazy(), "t", 2), STUDY), STUDY)
    flow = cohort.flow
    assert flow.excluded + flow.analysed == flow.assessed == len(scores)
    placed = [r for e in flow.exclusions for r in e.rows] + cohort.collect()["_row"].to_list()
    assert sorted(placed) == list(range(2, 2 + len(scores)))


def test_eligibility_rule_and_rename(tmp_path: Path) -> None:
    study = load_study(EXAMPLE)
    frame = pl.DataFrame(
        {
            "연구번호": ["A", "B", "C", "D"],
            "나이": ["19", "45", "60", "70"],
            "성별": ["M", "F", "F", "M"],
            "통증_시술전": ["8", "8", "6", "7"],
            "통증_1개월": ["5", "7", "", "2"],
            "통증_3개월": ["5", "7", "6", ""],
        }
    )
    from painresponse.io.readers import RawTable

    cohort = build_cohort(validate(RawTable(frame.lazy(), "export.csv", 2), study), study)
    reasons = [(e.stage, e.reason, e.rows) for e in cohort.flow.exclusions]
    assert reasons == [
        ("eligibility", "younger than 20 years", (2,)),
        ("completeness", "no 1-month follow-up: Pain (NRS) at 1 month not recorded", (4,)),
    ]
    assert dict(cohort.flow.groups) == {"Improved": 1, "Not improved": 1}
