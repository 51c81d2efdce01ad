"""The names a clinic's export gives the study's columns, in English and Korean.

Used by :mod:`painresponse.draft` to match an export's headers to a study's columns.
Every column of a study gets a set of *names* (compared after :func:`normalise`: case,
spaces and punctuation removed):

- characteristics: the hand-written synonyms of the canonical columns
  (``docs/data-dictionary.md``), plus the variable's key, column and label;
- outcomes: every outcome name joined to every time-point name, either way round
  ("Pain NRS 4wk", "4주 NRS", "시술전 냉감"); EQ-5D dimensions: dimension names with or
  without an "EQ-5D" prefix, joined to the time-point names ("EQ-5D MO pre", "운동능력 4주");
- time points: their key, label and description, words for "before" for the baseline, and
  the number and unit of a description ("1 week after block" gives "1wk", "1주", "week 1" …).

A name claimed by two columns is dropped from both unless only one claims it from the
hand-written tables, so that "NRS 1wk" means the pain score, never the coldness score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from painresponse.io._layout import normalise
from painresponse.study import Outcome, Study, TimePoint, Variable

__all__ = ["LEVEL_WORDS", "NA_TEXTS", "Target", "level_word", "targets"]

#: Texts that exports write for "not recorded" (compared as written, after trimming).
NA_TEXTS = frozenset(
    ["NA", "N/A", "n/a", "na", "N.A.", "NaN", "nan", "NULL", "null", "None", "none", "-", "--",
     "---", ".", "?", "missing", "Missing", "미측정", "미상", "결측", "모름", "무응답"]
)  # fmt: skip

#: Canonical column -> what exports call it (English and Korean).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "patient_id": ("ID", "Patient ID", "Patient No", "Patient number", "Subject ID", "Study ID",
                   "Case No", "MRN", "Chart No", "Chart number", "Hospital number",
                   "Registration number", "Reg No", "환자번호", "등록번호", "연구번호", "환자 ID",
                   "차트번호", "병록번호", "환자등록번호", "일련번호"),
    "age": ("Age", "Age (years)", "Age (yr)", "Age (y)", "Age, years", "나이", "연령", "나이(세)",
            "연령(세)", "만나이", "만 나이"),
    "sex": ("Sex", "Gender", "Sex (M/F)", "성별", "남녀", "성별(남/여)"),
    "bmi": ("BMI", "Body mass index", "BMI (kg/m2)", "BMI (kg/m²)", "체질량지수", "비만도"),
    "diagnosis": ("Diagnosis", "Dx", "Primary diagnosis", "진단", "진단명", "주진단"),
    "pain_duration": ("Duration of pain", "Pain duration", "Duration of pain (years)",
                      "Pain duration (years)", "Duration of symptoms", "Symptom duration",
                      "통증기간", "통증 기간", "통증 지속기간", "유병기간", "이환기간"),
    "lesion_level": ("Lesion level", "Lumbar lesion level", "Level of lesion", "Lesion",
                     "병변 레벨", "병변부위", "병변 부위", "병변 위치", "병변 수준"),
    "lesion_severity": ("Lesion severity", "Severity", "Severity of lesion", "중증도",
                        "병변 중증도", "심한 정도"),
    "surgery_type": ("Surgery type", "Type of surgery", "Operation", "Operation type",
                     "Type of operation", "Op type", "Op name", "Surgery", "수술 종류",
                     "수술종류", "수술명", "수술방법", "수술 방법"),
    "time_since_surgery": ("Time since surgery", "Time after surgery",
                           "Time after spinal surgery", "Years since surgery",
                           "Years after surgery", "Time from surgery", "Postoperative period",
                           "Postoperative years", "수술 후 기간", "수술후 기간",
                           "수술 후 경과기간", "수술후 경과기간", "수술 후 경과 연수",
                           "수술 후 년수", "수술 후 경과 년수", "수술 후 경과"),
    "n_surgeries": ("Number of surgeries", "No. of surgeries", "Number of spinal surgeries",
                    "Surgeries", "Previous surgeries", "Number of operations",
                    "수술 횟수", "수술횟수", "척추수술 횟수", "척추 수술 횟수"),
    "surgery_range": ("Surgery range", "Surgery range (level)", "Surgical range",
                      "Operated levels", "Levels operated", "Number of levels operated",
                      "수술 범위", "수술범위", "수술 분절 수", "수술 레벨 수"),
    "block_levels": ("Block level", "Block levels", "Levels blocked", "Number of levels blocked",
                     "차단 레벨", "차단 분절 수", "블록 레벨", "시술 레벨 수", "시술 레벨"),
    "block_side": ("Block side", "Side", "Side of block", "Laterality", "차단 부위",
                   "시술 방향", "시술방향", "방향", "좌우", "시술 측", "시술측"),
    "block_distance": ("Block distance", "Block level distance from surgery",
                       "Distance from surgery", "Distance from surgical level",
                       "Distance from operated level", "수술 부위와의 거리",
                       "수술 레벨과의 거리", "수술부위 거리"),
    "adverse_event": ("Adverse event", "Adverse events", "Complication", "Complications", "AE",
                      "부작용", "합병증", "이상반응"),
}  # fmt: skip

#: Columns of the data dictionary that no study reads but that are mapped when present.
EXTRA_COLUMNS = ("adverse_event",)

#: Outcome key -> what exports call the outcome.
OUTCOME_NAMES: dict[str, tuple[str, ...]] = {
    "pain": ("Pain", "Pain NRS", "NRS", "NRS pain", "Pain score", "VAS", "Pain VAS",
             "Pain (NRS)", "통증", "통증 NRS", "통증점수", "통증 점수", "NRS 통증"),
    "coldness": ("Coldness", "Coldness of legs", "Coldness NRS", "Cold sensation",
                 "Leg coldness", "Cold", "냉감", "다리 냉감", "하지 냉감", "냉감 NRS", "시린감"),
    "eq5d": ("EQ-5D", "EQ5D", "EQ-5D-5L", "EQ", "EuroQol"),
}  # fmt: skip

#: EQ-5D dimensions in the order MO, SC, UA, PD, AD.
EQ5D_DIMENSIONS: tuple[tuple[str, ...], ...] = (
    ("MO", "Mobility", "이동성", "운동능력", "거동"),
    ("SC", "Self-care", "Self care", "자기관리", "자기 관리"),
    ("UA", "Usual activities", "Usual activity", "일상활동", "일상 활동"),
    ("PD", "Pain/discomfort", "Pain discomfort", "통증/불편감", "통증 불편감", "통증/불편"),
    ("AD", "Anxiety/depression", "Anxiety depression", "불안/우울", "불안 우울"),
)

_BASELINE_WORDS = ("baseline", "pre", "before", "pre-block", "before block", "pre-procedure",
                   "pre-op", "initial", "base", "시술전", "시술 전", "치료전", "치료 전", "기저",
                   "초기", "0wk", "week 0", "0주")  # fmt: skip
_UNITS = {
    "week": ("week", "weeks", "wk", "wks", "w", "주"),
    "month": ("month", "months", "mo", "mos", "m", "개월", "달"),
    "day": ("day", "days", "d", "일"),
    "year": ("year", "years", "yr", "yrs", "y", "년"),
}
_UNIT_FORMS = {
    "week": ("{n}wk", "{n}wks", "{n}w", "{n} week", "{n} weeks", "week {n}", "wk{n}", "w{n}",
             "{n}주", "{n}주후", "{n}주 후", "{n}주차", "post {n}wk"),
    "month": ("{n}mo", "{n}m", "{n} month", "{n} months", "month {n}", "m{n}", "{n}개월",
              "{n}개월 후", "{n}개월후", "{n}달"),
    "day": ("{n}d", "{n} day", "{n} days", "day {n}", "d{n}", "{n}일", "{n}일 후"),
    "year": ("{n}y", "{n}yr", "{n} year", "{n} years", "{n}년", "{n}년 후"),
}  # fmt: skip
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+|[가-힣]+)", re.IGNORECASE)

#: Normalised level -> words exports use for it (English abbreviations and Korean).
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "male": ("m", "man", "men", "남", "남자", "남성"),
    "female": ("f", "woman", "women", "여", "여자", "여성"),
    "left": ("l", "lt", "left side", "좌", "좌측", "왼쪽"),
    "right": ("r", "rt", "right side", "우", "우측", "오른쪽"),
    "both": ("b", "bilateral", "bil", "bilat", "both sides", "양측", "양쪽"),
    "mild": ("경도", "경증", "경미"),
    "moderate": ("mod", "중등도", "중간"),
    "severe": ("sev", "고도", "중증"),
    "spinalstenosis": ("stenosis", "lss", "lumbar spinal stenosis", "척추관협착증", "척추관 협착증",
                       "협착증", "협착"),
    "hnp": ("herniated nucleus pulposus", "disc herniation", "herniated disc", "hivd",
            "추간판탈출증", "추간판 탈출증", "디스크", "허리디스크"),
    "plif": ("posterior lumbar interbody fusion", "fusion", "척추유합술", "유합술"),
    "laminectomy": ("후궁절제술", "추궁절제술"),
    "discectomy": ("diskectomy", "추간판절제술", "디스크절제술"),
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """A column the study reads (or a data-dictionary column) with the names it may have.

    Attributes
    ----------
    column : str
        The column's name in the study file.
    label : str
        What it is, in words (for messages).
    role : str
        ``"id"``, ``"variable"``, ``"outcome"``, ``"relief"``, ``"eligibility"`` or ``"extra"``.
    names : frozenset of str
        Normalised names an export may give it.
    variable : Variable or None
        The characteristic read from it.
    outcome : Outcome or None
        The outcome read from it.
    required : bool
        False for data-dictionary columns that the study does not read.
    """

    column: str
    label: str
    role: str
    names: frozenset[str]
    variable: Variable | None = None
    outcome: Outcome | None = None
    required: bool = True


def level_word(value: str, level: str) -> bool:
    """True when ``value`` is a common word or abbreviation for ``level``."""
    words = LEVEL_WORDS.get(normalise(level), ())
    return normalise(value) in {normalise(w) for w in words}


def _plain(label: str) -> list[str]:
    """A label, the label without its parenthesis, and what the parenthesis holds."""
    found = [label]
    inner = re.findall(r"\(([^)]*)\)", label)
    bare = re.sub(r"\([^)]*\)", "", label).strip()
    if bare and bare != label:
        found.append(bare)
    return found + [i for i in inner if i.strip()]


def time_names(point: TimePoint, first: bool) -> set[str]:
    """Names a header may use for ``point`` (normalised)."""
    names = {point.key, point.label, point.description}
    words = f"{point.label} {point.description}".casefold()
    if first or any(w in words for w in ("before", "baseline", "pre", "전")):
        names.update(_BASELINE_WORDS)
    for number, unit in _AMOUNT.findall(f"{point.description} {point.label}"):
        kind = next((k for k, units in _UNITS.items() if unit.casefold() in units), None)
        if kind is not None:
            n = number.removesuffix(".0")
            names.update(form.format(n=n) for form in _UNIT_FORMS[kind])
    return {normalise(n) for n in names if n and normalise(n)}


def _outcome_names(outcome: Outcome) -> tuple[set[str], set[str]]:
    """(hand-written names, names derived from the study file) of an outcome."""
    known = set(OUTCOME_NAMES.get(outcome.key, ()))
    derived = {outcome.key, *_plain(outcome.label)}
    for t in outcome.time_keys():
        for column in outcome.raw_columns(t):
            stem = column.removesuffix(f"_{t}")
            known.update(OUTCOME_NAMES.get(stem, ()))
    return {normalise(n) for n in known}, {normalise(n) for n in derived}


def _is_eq5d(outcome: Outcome) -> bool:
    text = normalise(f"{outcome.key} {outcome.label}")
    return "eq5d" in text and all(len(c) == 5 for c in outcome.dimension_columns.values())


def _dimension_names(outcome: Outcome, index: int, column: str, time: str) -> set[str]:
    names: set[str] = set()
    if _is_eq5d(outcome):
        names.update(EQ5D_DIMENSIONS[index])
    if index < len(outcome.dimension_labels):
        names.add(outcome.dimension_labels[index])
    parts = [p for p in column.split("_") if p not in (time, outcome.key) and normalise(p)]
    parts = [p for p in parts if normalise(p) not in ("eq5d", normalise(outcome.key))]
    if len(parts) == 1:
        names.add(parts[0])
    return {normalise(n) for n in names if normalise(n)}


def _joined(firsts: Iterable[str], seconds: Iterable[str]) -> set[str]:
    seconds = list(seconds)
    return {a + b for a in firsts for b in seconds} | {b + a for a in firsts for b in seconds}


def _outcome_targets(study: Study) -> list[tuple[Target, set[str], set[str]]]:
    times = {p.key: time_names(p, i == 0) for i, p in enumerate(study.time_points)}
    found: list[tuple[Target, set[str], set[str]]] = []
    for outcome in study.outcomes:
        known, derived = _outcome_names(outcome)
        for t in outcome.time_keys():
            label = f"{outcome.label} at {study.time(t).label}"
            if outcome.summary == "value":
                column = outcome.columns[t]
                k, d = _joined(known, times[t]), _joined(derived, times[t])
                k.add(normalise(column))
                found.append((Target(column, label, "outcome", frozenset(), None, outcome), k, d))
                continue
            prefixes = known | derived | {""}
            for i, column in enumerate(outcome.dimension_columns[t]):
                dims = _dimension_names(outcome, i, column, t)
                k = {p + d + s for p in prefixes for d in dims for s in times[t]}
                k |= {p + s + d for p in prefixes for d in dims for s in times[t]}
                k |= {s + p + d for p in prefixes for d in dims for s in times[t]}
                k.add(normalise(column))
                what = f"{label}, dimension {i + 1}"
                found.append(
                    (Target(column, what, "outcome", frozenset(), None, outcome), k, set())
                )
    return found


def targets(study: Study) -> list[Target]:
    """Every column ``study`` reads, plus the data dictionary's extra columns, with names.

    The study's own ``[rename]`` sources count as hand-written names of their targets.
    """
    entries: list[tuple[Target, set[str], set[str]]] = []
    seen: set[str] = set()

    def add(target: Target, known: Iterable[str], derived: Iterable[str]) -> None:
        if target.column in seen:
            return
        seen.add(target.column)
        k = {normalise(n) for n in known if normalise(n)}
        d = {normalise(n) for n in derived if normalise(n)}
        entries.append((target, k | {normalise(target.column)}, d))

    add(Target(study.id_column, "patient ID", "id", frozenset()),
        COLUMN_NAMES["patient_id"], [])  # fmt: skip
    for v in study.variables:
        synonyms = COLUMN_NAMES.get(v.column, ()) + COLUMN_NAMES.get(v.key, ())
        add(Target(v.column, v.label, "variable", frozenset(), v), synonyms,
            [v.key, *_plain(v.label)])  # fmt: skip
    for target, hand_written, derived in _outcome_targets(study):
        add(target, hand_written, derived)
    relief = study.responder.relief_column
    if relief:
        add(Target(relief, "percent relief", "relief", frozenset()),
            ["relief", "percent relief", "% relief", "pain relief", "통증 감소율"], [])  # fmt: skip
    for rule in study.eligibility:
        add(Target(rule.column, rule.reason, "eligibility", frozenset()), [], [])
    for column in EXTRA_COLUMNS:
        add(Target(column, column.replace("_", " "), "extra", frozenset(), required=False),
            COLUMN_NAMES.get(column, ()), [])  # fmt: skip
    for source, column in study.rename.items():
        for target, names, _ in entries:
            if target.column == column:
                names.add(normalise(source))
    return _unambiguous(entries)


def _unambiguous(entries: list[tuple[Target, set[str], set[str]]]) -> list[Target]:
    """Targets with the names no other target claims (hand-written names win)."""
    claims: dict[str, list[int]] = {}
    known_claims: dict[str, list[int]] = {}
    for i, (_, known, derived) in enumerate(entries):
        for name in known | derived:
            claims.setdefault(name, []).append(i)
        for name in known:
            known_claims.setdefault(name, []).append(i)
    result = []
    for i, (target, known, derived) in enumerate(entries):
        names = set()
        for name in known | derived:
            owners = claims[name]
            if owners == [i] or known_claims.get(name) == [i]:
                names.add(name)
        result.append(
            Target(target.column, target.label, target.role, frozenset(names), target.variable,
                   target.outcome, target.required)
        )  # fmt: skip
    return result
