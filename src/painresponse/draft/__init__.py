"""Draft a study file from a clinic's own export (the engine of ``painresponse init``).

Getting a clinic's export in is the real cost of a new study: its headers are the
clinic's ("Age (years)", "나이", "Pain NRS 4wk"), sex is coded 1/2, the years since surgery
are a number where the study has "≤2 year"/">2 year", and "NA" or "-" stand for a score
not recorded. :func:`draft_study` reads the export's headers and values and writes a
starter study file on a template (the bundled LSGB study by default) that says all this
in the study file's own terms:

- ``[rename]`` maps each header to the template's column, found by name (``exact``), by the
  English and Korean synonyms of :mod:`painresponse.draft._names` (``synonym``) or by
  string similarity (``fuzzy``, always marked TO CHECK);
- a categorical column holding codes gets a ``recode`` draft, a number where the study
  has ranges gets ``cut``/``labels``/``closed``, texts standing for "not recorded" in
  number columns go to ``[input] na_values``: each a guess, marked TO CHECK;
- headers the study does not read and study columns not found are listed as comments.

Nothing is guessed silently, and no patient identifier is ever written: values are listed
only from the columns of categorical variables, and only when there are at most
:data:`MAX_LEVELS` of them. The draft is checked to load as a study file before it is
returned.

Examples
--------
>>> from painresponse.synth import default_cohort_path
>>> draft = draft_study(default_cohort_path())
>>> draft.missing_columns, draft.matches["pain_t1"].method
((), 'exact')
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from painresponse.draft._coding import (
    MAX_LEVELS,
    Coding,
    Profile,
    code_levels,
    describe_numbers,
    profiles,
)
from painresponse.draft._names import Target, targets
from painresponse.draft._toml import TomlWriter, toml_value
from painresponse.errors import StudyDefinitionError
from painresponse.io._layout import normalise
from painresponse.io.readers import RawTable, ReadOptions, read_table
from painresponse.study import Study, load_study

__all__ = ["MAX_LEVELS", "ColumnMatch", "StudyDraft", "bundled_study_text", "draft_study"]

FUZZY_CUTOFF = 0.8
"""Least similarity (difflib ratio of the normalised names) for a fuzzy match."""

MatchMethod = Literal["exact", "synonym", "fuzzy"]
_RANK = {"exact": 0, "synonym": 1, "fuzzy": 2}


@dataclass(frozen=True)
class ColumnMatch:
    """One header of the export matched to a column of the study.

    Attributes
    ----------
    header : str
        The header as written in the export.
    column : str
        The study's column it was mapped to.
    method : {"exact", "synonym", "fuzzy"}
        ``exact``: the same name up to case, spaces and punctuation; ``synonym``: a known
        English or Korean name of the column; ``fuzzy``: a similar name (to check).
    score : float
        1.0 for exact and synonym matches; the similarity (0–1) for fuzzy ones.
    """

    header: str
    column: str
    method: MatchMethod
    score: float

    def to_dict(self) -> dict[str, Any]:
        """The match as plain data."""
        return {"column": self.column, "method": self.method, "score": self.score}


@dataclass(frozen=True)
class StudyDraft:
    """A drafted study file and what was found on the way.

    Attributes
    ----------
    text : str
        The study file (TOML); :func:`painresponse.load_study` accepts it.
    matches : dict of str to ColumnMatch
        Header → its match, in the export's column order.
    unmatched_headers : tuple of str
        Headers the study does not read (listed as ``# not used`` in the draft).
    missing_columns : tuple of str
        Study columns no header was found for (``# TODO`` in the draft).
    notes : tuple of str
        What was read and decided, in words (never a cell of an identifier column).
    to_check : tuple of str
        The notes that ask the user to confirm a guess (TO CHECK) or act (TODO).
    source : str
        The export's name (with the sheet for workbooks).
    """

    text: str
    matches: dict[str, ColumnMatch] = field(hash=False)
    unmatched_headers: tuple[str, ...]
    missing_columns: tuple[str, ...]
    notes: tuple[str, ...]
    to_check: tuple[str, ...] = ()
    source: str = ""

    @property
    def rename(self) -> dict[str, str]:
        """Header → study column, for the headers whose name differs."""
        return {h: m.column for h, m in self.matches.items() if h != m.column}

    def to_dict(self) -> dict[str, Any]:
        """The draft as plain data (JSON-ready)."""
        return {
            "source": self.source,
            "text": self.text,
            "matches": {h: m.to_dict() for h, m in self.matches.items()},
            "unmatched_headers": list(self.unmatched_headers),
            "missing_columns": list(self.missing_columns),
            "notes": list(self.notes),
            "to_check": list(self.to_check),
        }


def bundled_study_text() -> str:
    """The text of the bundled study file (the published LSGB study), to start from.

    Returns
    -------
    str
        The TOML text of ``studies/lsgb_fbss.toml``, comments included.

    Examples
    --------
    >>> bundled_study_text().splitlines()[0].startswith("# The published study")
    True
    """
    return (resources.files("painresponse") / "studies" / "lsgb_fbss.toml").read_text("utf-8")


def _template(study: Study | str | Path | None) -> tuple[Study, dict[str, Any], str]:
    """The template as a model, as the mapping to write back, and its name in words."""
    if isinstance(study, Study):
        raw = study.model_dump(mode="json", exclude_defaults=True)
        return study, raw, f"the study {study.title!r}"
    model = load_study(study)
    text = bundled_study_text() if study is None else Path(study).read_text(encoding="utf-8")
    name = "the bundled LSGB study (lsgb_fbss.toml)" if study is None else Path(study).name
    return model, tomllib.loads(text), name


@functools.lru_cache(maxsize=1 << 16)
def _digits(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+", text))


def _similarity(header: str, names: frozenset[str], floor: float) -> float:
    """Best similarity of ``header`` to ``names`` with the same numbers (1wk never 4wk)."""
    digits = _digits(header)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(header)
    best = 0.0
    for name in names:
        if _digits(name) != digits:
            continue
        matcher.set_seq1(name)
        bar = max(best, floor)
        if matcher.real_quick_ratio() < bar or matcher.quick_ratio() < bar:
            continue
        best = max(best, matcher.ratio())
    return best


def _fit_problem(profile: Profile, target: Target) -> str | None:
    """Why the column's values do not suit ``target`` (None when they do)."""
    if profile.filled == 0:
        return None
    if target.role == "id":
        return None if profile.distinct == profile.filled else "its values repeat"
    outcome, variable = target.outcome, target.variable
    lo: float | None
    hi: float | None
    if outcome is not None:
        lo, hi, integer = outcome.min, outcome.max, outcome.integer
    elif variable is not None and not variable.is_categorical:
        lo, hi, integer = variable.min, variable.max, variable.integer
    elif variable is not None:
        coding = code_levels(variable, profile, profile.header)
        return None if coding.fits else "its values are not the variable's levels"
    else:
        return None
    if not profile.numeric:
        return "it holds text that is not a number"
    if integer and not profile.integers:
        return "it holds numbers that are not integers"
    if (lo is not None and (profile.low or 0) < lo) or (
        hi is not None and (profile.high or 0) > hi
    ):
        return f"it holds numbers outside {_describe_range(lo, hi)}"
    return None


def _describe_range(lo: float | None, hi: float | None) -> str:
    """``0–10``, ``at least 1`` or ``at most 5``."""
    if lo is not None and hi is not None:
        return f"{lo:g}–{hi:g}"
    return f"at least {lo:g}" if lo is not None else f"at most {hi:g}"


def match_headers(
    headers: list[str], found: dict[str, Profile], study_targets: list[Target]
) -> tuple[dict[str, ColumnMatch], list[str]]:
    """Map headers to targets: exact, then synonym, then fuzzy; one header per column.

    Returns the matches (in header order) and notes on headers that also fitted a column
    taken by another header.
    """
    forms = {h: normalise(h) for h in headers}
    candidates: list[tuple[int, float, int, int, MatchMethod]] = []
    for hi, header in enumerate(headers):
        form = forms[header]
        if not form:
            continue
        named = False
        for ti, target in enumerate(study_targets):
            if form == normalise(target.column):
                candidates.append((0, -1.0, hi, ti, "exact"))
                named = True
            elif form in target.names:
                candidates.append((1, -1.0, hi, ti, "synonym"))
                named = True
        if named:
            continue
        for ti, target in enumerate(study_targets):
            score = _similarity(form, target.names, FUZZY_CUTOFF)
            if score >= FUZZY_CUTOFF and _fit_problem(found[header], target) is None:
                candidates.append((2, -score, hi, ti, "fuzzy"))
    candidates.sort()
    taken_headers: dict[int, ColumnMatch] = {}
    taken_targets: dict[int, str] = {}
    notes: list[str] = []
    for _, negative, hi, ti, method in candidates:
        header, column = headers[hi], study_targets[ti].column
        if hi in taken_headers:
            continue
        if ti in taken_targets:
            if method != "fuzzy":
                notes.append(f"TO CHECK: {header!r} also names {column!r}, which was matched to "
                             f"{taken_targets[ti]!r}; swap them in [rename] if needed")  # fmt: skip
            continue
        score = 1.0 if method != "fuzzy" else round(-negative, 3)
        taken_headers[hi] = ColumnMatch(header, column, method, score)
        taken_targets[ti] = header
    return {headers[hi]: taken_headers[hi] for hi in sorted(taken_headers)}, notes


def _closest(column: Target, unmatched: list[str]) -> str | None:
    """The unmatched header most like ``column`` (similarity at least 0.5), if any."""
    best, score = None, 0.5
    for header in unmatched:
        s = _similarity(normalise(header), column.names, score)
        if s > score:
            best, score = header, s
    return best


def _na_texts(
    matches: dict[str, ColumnMatch], found: dict[str, Profile], by_column: dict[str, Target]
) -> tuple[list[str], dict[str, list[str]]]:
    """The "not recorded" texts to declare, and the headers each was found in."""
    where: dict[str, list[str]] = {}
    levels = {
        level
        for t in by_column.values()
        if t.variable is not None and t.variable.is_categorical
        for level in t.variable.allowed_values()
    }
    for header, match in matches.items():
        target = by_column[match.column]
        if target.role == "id":
            continue
        for text in found[header].na_texts:
            if text not in levels:
                where.setdefault(text, []).append(header)
    return sorted(where, key=lambda t: -len(where[t])), where


def _quoted(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(toml_value(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _read(data: Any, sheet: str | None, header_row: int | None, encoding: str | None) -> RawTable:
    options = ReadOptions(encoding=encoding, sheet=sheet, header_row=header_row)
    return read_table(data, options=options)


def _input_section(
    raw: RawTable, sheet: str | None, header_row: int | None, encoding: str | None,
    na: list[str], na_where: dict[str, list[str]],
) -> tuple[dict[str, Any], dict[tuple[str | int, ...], list[str]], list[str]]:  # fmt: skip
    section: dict[str, Any] = {}
    comments: dict[tuple[str | int, ...], list[str]] = {}
    notes: list[str] = []
    read = [f"Read from {raw.source}: " + "; ".join(raw.notes) + "."] if raw.notes else []
    comments[("input",)] = [
        "How the export is read (the command line's flags override these).",
        *read,
    ]
    chosen = sheet or raw.sheet
    if chosen:
        section["sheet"] = chosen
    if header_row is not None:
        section["header_row"] = header_row
    if encoding is not None or (raw.encoding and not raw.encoding.startswith("utf-8")):
        section["encoding"] = encoding or raw.encoding
    if raw.decimal == ",":
        section["decimal"] = ","
    if na:
        found = "; ".join(f"{toml_value(t)} in {_quoted(na_where[t], 4)}" for t in na)
        text = (f'TO CHECK: these texts stand for "not recorded", and are read '
                f"as empty cells: {found}.")  # fmt: skip
        comments[("input", "na_values")] = [text]
        notes.append(text)
        section["na_values"] = na
    return section, comments, notes


def _rename_lines(
    writer: TomlWriter, matches: dict[str, ColumnMatch], found: dict[str, Profile],
    by_column: dict[str, Target], unmatched: list[str], missing: list[Target],
) -> list[str]:  # fmt: skip
    """Write ``[rename]`` (with its comments); return the notes to check."""
    notes: list[str] = []
    writer.blank()
    writer.comment("Your column names (left) -> the names this study file uses (right).")
    writer.lines.append("[rename]")
    if all(h == m.column for h, m in matches.items()):
        writer.comment("(none needed: every column found already has the study's name)")
    for header, match in matches.items():
        target = by_column[match.column]
        problem = _fit_problem(found[header], target)
        remark = (
            match.method
            if match.method != "fuzzy"
            else f"TO CHECK: similar name ({match.score:.2f})"
        )
        outcome = target.outcome
        scale = (outcome.min, outcome.max) if outcome is not None else None
        described = describe_numbers(found[header], scale) if scale else ""
        if described:
            remark += f"; {described}"
        if problem:
            remark += f"; TO CHECK: {problem}"
            notes.append(f"TO CHECK: {header!r} -> {match.column!r}: {problem}")
        if match.method == "fuzzy":
            notes.append(f"TO CHECK: {header!r} -> {match.column!r} by a similar name "
                         f"(similarity {match.score:.2f})")  # fmt: skip
        if header != match.column:
            writer.pair(("rename", header), match.column, remark, quoted=True)
    if unmatched:
        hints = []
        for header in unmatched:
            profile = found[header]
            kind = describe_numbers(profile)
            hints.append(f"{toml_value(header)}" + (f" ({kind})" if kind else ""))
        writer.comment("not used: " + ", ".join(hints))
    for target in missing:
        text = f"TODO: no column found for {target.column!r} ({target.label})"
        close = _closest(target, unmatched)
        if close:
            text += f"; perhaps {close!r}"
        text += (f': add "<your header>" = {toml_value(target.column)} here, or remove what '
                 "reads it from this file")  # fmt: skip
        writer.comment(text)
        notes.append(text)
    return notes


def draft_study(
    data: Any,
    *,
    study: Study | str | Path | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
) -> StudyDraft:
    """Draft a study file that reads a clinic's export with a template's analysis.

    Parameters
    ----------
    data : str, Path or DataFrame
        The export: CSV (UTF-8 or CP949, titles above the header and a footer allowed),
        Excel workbook, Parquet file, or an in-memory table.
    study : Study, str or Path, optional
        The template whose time points, outcomes, variables and responder rule the draft
        keeps (the bundled LSGB study by default).
    sheet : str, optional
        The workbook's sheet (name or number from 1); the largest table by default.
    header_row : int, optional
        The header's row number (found below title rows by default).
    encoding : str, optional
        The text encoding of a CSV file (detected by default).

    Returns
    -------
    StudyDraft
        ``text`` (the TOML study file), ``matches`` (header → column, with the method and
        score), ``unmatched_headers``, ``missing_columns``, ``notes``, ``to_check`` and
        ``source``.

    Raises
    ------
    InputError
        When the export cannot be read as a table.
    StudyDefinitionError
        When the template cannot be read.

    Notes
    -----
    Headers are compared after removing case, spaces and punctuation. A header equal to a
    column's name is an ``exact`` match; one among the column's English and Korean names
    (outcome and time-point names joined either way round, e.g. "Pain NRS 4wk", "4주 NRS")
    a ``synonym``; otherwise the most similar name with the same numbers, when the
    difflib ratio is at least :data:`FUZZY_CUTOFF` and the values suit the column, a
    ``fuzzy`` match. Each column takes one header, exact before synonym before fuzzy.

    Examples
    --------
    >>> import polars as pl
    >>> export = pl.DataFrame({"환자번호": ["a1", "a2"], "성별": ["1", "2"], "Ward": ["3", "5"]})
    >>> draft = draft_study(export)
    >>> {h: m.column for h, m in draft.matches.items()}
    {'환자번호': 'patient_id', '성별': 'sex'}
    >>> 'recode = { "1" = "Male", "2" = "Female" }' in draft.text
    True
    """
    template, raw_doc, template_name = _template(study)
    raw = _read(data, sheet, header_row, encoding)
    found = profiles(raw)
    study_targets = targets(template)
    by_column = {t.column: t for t in study_targets}
    matches, match_notes = match_headers(raw.columns, found, study_targets)
    matched_columns = {m.column for m in matches.values()}
    unmatched = [h for h in raw.columns if h not in matches]
    missing = [t for t in study_targets if t.required and t.column not in matched_columns]

    na, na_where = _na_texts(matches, found, by_column)
    input_section, comments, input_notes = _input_section(
        raw, sheet, header_row, encoding, na, na_where
    )
    doc = {k: v for k, v in raw_doc.items() if k not in ("rename", "input")}
    coding_notes = _apply_codings(doc, matches, found, by_column, na, comments)
    _section_comments(doc, comments)

    writer = TomlWriter(comments)
    for line in _summary(raw.source, template_name, matches, by_column, study_targets, unmatched):
        writer.comment(line)
    writer.blank()
    scalars = {k: v for k, v in doc.items() if not isinstance(v, dict | list) or _is_list(v)}
    writer.body((), scalars)
    writer.table(("input",), input_section)
    rename_notes = _rename_lines(
        writer, matches, found, by_column, unmatched, [by_column[t.column] for t in missing]
    )
    writer.body((), {k: v for k, v in doc.items() if k not in scalars}, top=True)
    text = writer.text()
    _check(text)

    notes = [*raw.notes, *input_notes, *match_notes, *rename_notes, *coding_notes]
    return StudyDraft(
        text=text,
        matches=matches,
        unmatched_headers=tuple(unmatched),
        missing_columns=tuple(t.column for t in missing),
        notes=tuple(notes),
        to_check=tuple(n for n in notes if n.startswith(("TO CHECK", "TODO"))),
        source=raw.source,
    )


def _summary(
    source: str, template_name: str, matches: dict[str, ColumnMatch],
    by_column: dict[str, Target], study_targets: list[Target], unmatched: list[str],
) -> list[str]:  # fmt: skip
    """The draft's opening comment."""
    needed = [m for m in matches.values() if by_column[m.column].required]
    counts = {k: sum(1 for m in needed if m.method == k) for k in _RANK}
    total = len(matches) + len(unmatched)
    return [
        f"Study file drafted by `painresponse init` from {source}, on {template_name}: its "
        "time points, outcomes, variables and responder rule are kept, and your column names "
        "are mapped to its columns in [rename].",
        'Before analysing, read every line marked "TO CHECK" (a guess to confirm) and "TODO" '
        "(something left to do). The draft holds no patient identifier.",
        f"{len(needed)} of the {sum(1 for t in study_targets if t.required)} columns the "
        f"study reads were found ({counts['exact']} by name, {counts['synonym']} by synonym, "
        f"{counts['fuzzy']} by a similar name); {len(unmatched)} of your {total} columns "
        f"{'is' if len(unmatched) == 1 else 'are'} not used.",
    ]


def _is_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(v, dict) for v in value)


def _apply_codings(
    doc: dict[str, Any], matches: dict[str, ColumnMatch], found: dict[str, Profile],
    by_column: dict[str, Target], na: list[str], comments: dict[tuple[str | int, ...], list[str]],
) -> list[str]:  # fmt: skip
    """Add recode / cut drafts to the variables of ``doc``; return the notes to check."""
    header_of = {m.column: h for h, m in matches.items()}
    notes: list[str] = []
    for i, entry in enumerate(doc.get("variables", [])):
        column = entry.get("column")
        target = by_column.get(column) if isinstance(column, str) else None
        if target is None or target.variable is None or column not in header_of:
            continue
        header = header_of[column]
        coding: Coding = code_levels(target.variable, found[header], header, set(na))
        if coding.recode:
            entry["recode"] = coding.recode
            comments[("variables", i, "recode")] = list(coding.comments)
        elif coding.cut:
            entry.pop("levels", None)
            entry["cut"] = coding.cut
            entry["labels"] = coding.labels
            entry["closed"] = coding.closed
            comments[("variables", i, "cut")] = list(coding.comments)
        elif coding.comments:
            comments[("variables", i, "levels")] = list(coding.comments)
        notes += [c for c in coding.comments if c.startswith(("TO CHECK", "TODO"))]
    return notes


def _section_comments(
    doc: dict[str, Any], comments: dict[tuple[str | int, ...], list[str]]
) -> None:
    """Headings above the first variable of each table and above the outcomes."""
    titles = doc.get("table_titles", {})
    seen: set[Any] = set()
    for i, entry in enumerate(doc.get("variables", [])):
        table = entry.get("table")
        if table not in seen:
            seen.add(table)
            title = titles.get(f"table{table}", "")
            comments.setdefault(("variables", i), []).append(
                f"---- Table {table}{': ' + title if title else ''} ----"
            )
    if doc.get("outcomes"):
        comments.setdefault(("outcomes", 0), []).append("---- Outcomes (Tables 3–5) ----")


def _check(text: str) -> None:
    """Raise when the draft is not a valid study file (a bug in the drafting)."""
    try:
        Study.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise StudyDefinitionError(
            f"the drafted study file is not valid ({exc}); this is a bug in painresponse init"
        ) from None
