"""The study file checked for meaning, each problem with its line and the variable's name.

The schema (pydantic) says whether a value has the right type; these checks say whether
the study makes sense: levels listed twice, a threshold of 150 %, a test that does not
exist, a baseline equal to its follow-up, two groups with one label, renames that collide,
rules that do not fit the variable's kind. :func:`study_problems` returns every problem
with the path of the key it concerns; :class:`TomlLines` turns that path into the line of
the study file, so a message reads ``line 57, variable 'sex': 'Male' is listed twice``.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from painresponse.study import Study, Variable

__all__ = ["StudyProblems", "TomlLines", "non_finite", "study_problems", "where"]

Path = tuple[str | int, ...]

_TABLES = range(1, 4)
"""Characteristics (variables) belong to Tables 1–3; Tables 4–5 are the outcomes'."""


class StudyProblems(ValueError):
    """Problems of meaning found in a study, each with the path of its key."""

    def __init__(self, problems: list[tuple[Path, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in problems))


def non_finite(raw: Any, path: Path = ()) -> list[tuple[Path, str]]:
    """Every NaN or infinite number in the parsed TOML (``nan`` and ``inf`` are valid TOML)."""
    found: list[tuple[Path, str]] = []
    if isinstance(raw, float) and not math.isfinite(raw):
        found.append((path, f"{raw!r} is not a finite number"))
    elif isinstance(raw, dict):
        for key, value in raw.items():
            found += non_finite(value, (*path, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            found += non_finite(value, (*path, i))
    return found


def _variable_problems(i: int, v: Variable, tests: set[str]) -> list[tuple[Path, str]]:
    at: Path = ("variables", i)
    out: list[tuple[Path, str]] = []
    for name in ("levels", "labels"):
        values = getattr(v, name)
        twice = sorted({x for x in values if values.count(x) > 1})
        if twice:
            listed = ", ".join(repr(x) for x in twice)
            out.append(((*at, name), f"{listed} {'is' if len(twice) == 1 else 'are'} listed twice"))
    if v.table not in _TABLES:
        out.append(((*at, "table"), f"table = {v.table}: characteristics go in Table 1, 2 or 3"))
    if not 0 <= v.digits <= 6:
        out.append(((*at, "digits"), f"digits = {v.digits}: choose from 0 to 6"))
    if v.min is not None and v.max is not None and v.min > v.max:
        out.append(((*at, "min"), f"min = {v.min:g} is above max = {v.max:g}"))
    if v.test is not None and v.test not in tests:
        listed = ", ".join(sorted(tests))
        out.append(((*at, "test"), f"unknown test {v.test!r}; choose from {listed}"))
    if v.test == "trend" and not v.is_categorical:
        out.append(((*at, "test"), "the trend test is for ordered categories (kind = 'ordinal')"))
    if v.cut:
        if not v.is_categorical:
            out.append(((*at, "kind"), "a variable binned with 'cut' is categorical or ordinal"))
        if any(b <= a for a, b in zip(v.cut, v.cut[1:], strict=False)):
            out.append(((*at, "cut"), "cut points must increase"))
        if len(v.cut_labels()) != len(v.cut) + 1:
            out.append(((*at, "labels"), f"{len(v.cut)} cut point(s) make {len(v.cut) + 1} "
                        f"bins, but {len(v.cut_labels())} labels are given"))  # fmt: skip
        if v.levels and v.labels and v.levels != v.labels:
            out.append(((*at, "levels"), "give the bins' names once, in 'labels'"))
    elif v.is_categorical:
        if not v.levels and not v.collapse:
            out.append(((*at, "levels"), f"a {v.kind} variable lists its levels"))
        for name in ("integer", "min", "max"):
            if getattr(v, name) not in (None, False):
                out.append(((*at, name), f"'{name}' applies to numbers, not to a {v.kind} "
                            "variable (bin a number with 'cut')"))  # fmt: skip
        if v.display in ("mean_sd", "median_iqr"):
            out.append(((*at, "display"), f"a {v.kind} variable is shown as n (%)"))
    else:
        for name in ("levels", "level_labels", "collapse", "recode", "labels"):
            if getattr(v, name):
                out.append(((*at, name), f"'{name}' applies to categorical variables, not to "
                            f"a {v.kind} one"))  # fmt: skip
        if v.display == "n_pct":
            out.append(((*at, "display"), f"a {v.kind} variable is shown as mean ± SD or median"))
    allowed = set(v.levels or v.labels)
    for label in v.level_labels:
        if label not in allowed:
            out.append(((*at, "level_labels"), f"level_labels names {label!r}, not a level"))
    for code, level in v.recode.items():
        if level not in allowed and level not in v.collapse:
            out.append(((*at, "recode"), f"recode {code!r} = {level!r}: {level!r} is not a level"))
    return out


def study_problems(study: Study) -> list[tuple[Path, str]]:
    """Every problem of meaning in ``study``, with the path of the key it concerns."""
    from painresponse.stats.choice import REGISTRY

    tests = set(REGISTRY)
    out: list[tuple[Path, str]] = []
    times = [t.key for t in study.time_points]
    outcomes = [o.key for o in study.outcomes]
    for name, values in (("time_points", times), ("outcomes", outcomes)):
        twice = sorted({x for x in values if values.count(x) > 1})
        if twice:
            out.append(((name,), f"keys used twice: {', '.join(twice)}"))
    for i, o in enumerate(study.outcomes):
        for t in o.time_keys():
            if t not in times:
                out.append((("outcomes", i), f"outcome {o.key!r} names unknown time point {t!r}"))
        if o.min > o.max:
            out.append((("outcomes", i, "min"), f"min = {o.min:g} is above max = {o.max:g}"))
        if not 0 <= o.digits <= 6:
            out.append((("outcomes", i, "digits"), f"digits = {o.digits}: choose from 0 to 6"))
    r = study.responder
    at: Path = ("responder",)
    if r.outcome not in outcomes:
        out.append(((*at, "outcome"), f"{r.outcome!r} is not an outcome"))
    for name in ("baseline", "follow_up"):
        if getattr(r, name) not in times:
            out.append(((*at, name), f"{getattr(r, name)!r} is not a time point"))
    if r.baseline == r.follow_up:
        out.append(((*at, "follow_up"), f"follow_up is the baseline ({r.baseline!r})"))
    if r.rule in ("percent_reduction", "relief_column") and not 0 < r.threshold <= 100:
        out.append(((*at, "threshold"), f"threshold = {r.threshold:g}: a percentage above 0 "
                    "and at most 100"))  # fmt: skip
    if r.rule == "absolute_reduction" and not r.threshold > 0:
        out.append(((*at, "threshold"), f"threshold = {r.threshold:g}: a reduction above 0"))
    if r.rule == "relief_column" and not r.relief_column:
        out.append(((*at, "relief_column"), "rule 'relief_column' needs relief_column"))
    if r.responder_label.strip().casefold() == r.non_responder_label.strip().casefold():
        out.append(((*at, "non_responder_label"),
                    f"both groups are labelled {r.responder_label!r}"))  # fmt: skip
    for key in study.completeness.outcomes:
        if key not in outcomes:
            out.append((("completeness", "outcomes"), f"unknown outcome {key!r}"))
    for t in study.completeness.time_points:
        if t not in times:
            out.append((("completeness", "time_points"), f"unknown time point {t!r}"))
    for later, earlier in study.analysis.comparisons:
        if later not in times or earlier not in times:
            out.append((("analysis", "comparisons"),
                        f"({later!r}, {earlier!r}) names an unknown time point"))  # fmt: skip
        elif later == earlier:
            out.append((("analysis", "comparisons"), f"({later!r}, {earlier!r}) compares a "
                        "time point with itself"))  # fmt: skip
    bad = sorted({t for t in study.analysis.adjust_tables if t not in range(1, 6)})
    if bad:
        out.append((("analysis", "adjust_tables"),
                    f"there is no table {bad[0]}: adjust_tables lists tables 1 to 5"))  # fmt: skip
    if study.tests.preset != "exact" and study.analysis.zero_method == "pratt":
        why = f"the {study.tests.preset!r} preset drops zero differences (as SAS and R do)"
        out.append((("analysis", "zero_method"), f"{why}; Pratt's method needs preset = 'exact'"))
    if study.analysis.paired_test not in tests:
        out.append((("analysis", "paired_test"), f"unknown test {study.analysis.paired_test!r}"))
    keys = [v.key for v in study.variables]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        out.append((("variables", keys.index(key), "key"), f"variable key {key!r} used twice"))
    for i, v in enumerate(study.variables):
        out += _variable_problems(i, v, tests)
    kinds = {v.column: v.is_categorical and not v.cut for v in study.variables}
    for i, e in enumerate(study.eligibility):
        if (e.min is not None or e.max is not None) and kinds.get(e.column):
            out.append((("eligibility", i, "min" if e.min is not None else "max"),
                        f"{e.column!r} is categorical: use 'allowed', not min/max"))  # fmt: skip
        if e.allowed and kinds.get(e.column) is False:
            out.append((("eligibility", i, "allowed"),
                        f"{e.column!r} is a number: use min/max, not 'allowed'"))  # fmt: skip
        if e.min is not None and e.max is not None and e.min > e.max:
            out.append((("eligibility", i, "min"), f"min = {e.min:g} is above max = {e.max:g}"))
    targets = list(study.rename.values())
    for source, target in study.rename.items():
        if targets.count(target) > 1:
            others = [s for s, t in study.rename.items() if t == target]
            out.append((("rename", source), f"{', '.join(map(repr, others))} are all renamed to "
                        f"{target!r}"))  # fmt: skip
        elif source in targets and source != target:
            out.append((("rename", source), f"{source!r} is both renamed and a rename's target"))
    return out


class TomlLines:
    """Line numbers of the keys and tables of a TOML text, by path.

    Handles what study files use: ``[table]``, ``[[array of tables]]``, dotted
    sub-tables (``[outcomes.dimension_columns]``) and ``key = value`` lines; a path
    without a line of its own falls back to its nearest parent that has one.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r'^\s*("[^"]*"|\'[^\']*\'|[A-Za-z0-9_\-]+)\s*=')

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        counts: dict[tuple[str, ...], int] = {}
        current: Path = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                names = tuple(p.strip().strip('"') for p in header.group(2).split("."))
                if header.group(1) == "[[":
                    counts[names] = counts.get(names, -1) + 1
                    current = (*self._resolve(names[:-1], counts), names[-1], counts[names])
                else:
                    current = (*self._resolve(names[:-1], counts), names[-1])
                self.lines.setdefault(current, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault((*current, key.group(1).strip("\"'")), number)

    @staticmethod
    def _resolve(names: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> Path:
        path: list[str | int] = []
        for k in range(len(names)):
            path.append(names[k])
            index = counts.get(names[: k + 1])
            if index is not None:
                path.append(index)
        return tuple(path)

    def line(self, path: Path) -> int | None:
        """The line of ``path`` or of its nearest parent; None when nothing matches."""
        for k in range(len(path), 0, -1):
            found = self.lines.get(path[:k])
            if found is not None:
                return found
        return None


def where(path: Path, lines: TomlLines | None, raw: dict[str, Any]) -> str:
    """``line 57, variable 'sex'`` for a path (the variable named by its key)."""
    parts = []
    number = lines.line(path) if lines is not None else None
    if number is not None:
        parts.append(f"line {number}")
    if len(path) >= 2 and path[0] in ("variables", "outcomes", "eligibility"):
        items = raw.get(str(path[0]), [])
        index = path[1]
        if isinstance(index, int) and index < len(items) and isinstance(items[index], dict):
            name = items[index].get("key") or items[index].get("column")
            kind = {"variables": "variable", "outcomes": "outcome", "eligibility": "eligibility"}
            parts.append(f"{kind[str(path[0])]} {name!r}" if name else f"{path[0]}[{index}]")
        if len(path) >= 3:
            parts.append(".".join(str(p) for p in path[2:]))
    elif path:
        parts.append(".".join(str(p) for p in path))
    return ", ".join(parts) or "(top level)"
