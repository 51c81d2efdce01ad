"""Check every cell against the study file and type the columns; report all problems at once.

Rules, each reported with row, column, value and the rule in words:

- every column the study reads is present (after the study file's ``rename``);
- patient IDs are non-empty and unique (duplicates name the rows, never the ID);
- numeric columns hold numbers, integers where the study says so, within range;
- categorical columns hold one of the listed labels (the message lists them).

Empty cells are "not recorded" and stay missing (in typed numeric input, null and NaN
are missing); nothing is coerced or dropped. The checks are lazy polars expressions:
one aggregation counts every rule's failures, and only failing rules are fetched row by
row, so a registry file streams through the same code as a clinic's spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from painresponse._engine import engine
from painresponse.errors import InputError, Problem, ValidationError
from painresponse.io._layout import normalise
from painresponse.io.readers import ROW, RawTable, ReadOptions
from painresponse.study import Study, Variable

__all__ = ["MAX_ROWS_PER_RULE", "ROW", "match_columns", "read_options", "validate"]

MAX_ROWS_PER_RULE = 200
PARTITION_ROWS = 20_000_000
"""Duplicate-ID search: patients per hash partition (bounds the hash table's memory)."""


@dataclass(frozen=True)
class _Rule:
    """A rule: rows where ``broken`` holds break it.

    ``quick`` is a cheaper test that holds on every broken row (and maybe a few more, such
    as values with stray spaces); when it holds on no row, the rule holds everywhere and
    ``fast_typed`` (which skips trimming) can stand for the column's typed expression.
    """

    column: str
    rule: str
    broken: pl.Expr
    quick: pl.Expr | None = None
    fast_typed: pl.Expr | None = None


def _as_text(column: str, dtype: pl.DataType) -> pl.Expr:
    """A column as trimmed text; integral floats written without '.0'."""
    col = pl.col(column)
    if dtype == pl.String:
        return col.str.strip_chars()
    if dtype.is_float():
        integral = col.is_finite() & (col == col.round(0)) & (col.abs() < 2**53)
        return (
            pl.when(col.is_nan())
            .then(None)
            .when(integral)
            .then(col.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    return col.cast(pl.String)


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f" from {lo:g} to {hi:g}"
    if lo is not None:
        return f" of at least {lo:g}"
    if hi is not None:
        return f" of at most {hi:g}"
    return ""


def _without_na(text: pl.Expr, na: Sequence[str]) -> pl.Expr:
    """Text with the study's "not recorded" codes (``na_values``) turned into nulls."""
    return pl.when(text.is_in(list(na))).then(None).otherwise(text) if na else text


def _numeric(
    column: str, dtype: pl.DataType, label: str, lo: float | None, hi: float | None,
    integer: bool, na: Sequence[str] = (), decimal: str = ".", percent: bool = False,
) -> tuple[pl.Expr, list[_Rule]]:  # fmt: skip
    rule = f"{label} must be {'an integer' if integer else 'a number'}{_range_text(lo, hi)}"
    if decimal == ",":
        rule += " (decimal comma)"
    col = pl.col(column)
    rules: list[_Rule] = []
    if dtype.is_numeric():
        number = col.cast(pl.Float64)
        present = number.is_not_null() & ~number.is_nan()
    else:
        text = _without_na(_as_text(column, dtype), list(na))
        written = text.str.replace(",", ".", literal=True) if decimal == "," else text
        if percent:  # a percent-formatted Excel cell reads as shown: "45%"
            written = written.str.strip_suffix("%").str.strip_chars()
        number = written.cast(pl.Float64, strict=False)
        present = text.is_not_null() & (text != "")
        not_number = present & (number.is_null() | number.is_nan() | number.is_infinite())
        if decimal == ".":  # "24,5" in a file read with decimal points: say so
            comma = not_number & text.str.contains(r"^[-+]?\d+,\d+$")
            hint = f"{rule}, written with a decimal point (this one has a decimal comma)"
            rules.append(_Rule(column, hint, comma))
            not_number = not_number & ~comma
        rules.append(_Rule(column, rule, not_number))
        present = present & ~not_number
    broken = pl.lit(False)
    if dtype.is_numeric():
        broken = broken | number.is_infinite()
    if integer:
        broken = broken | (number != number.round(0))
    if lo is not None:
        broken = broken | (number < lo)
    if hi is not None:
        broken = broken | (number > hi)
    rules.append(_Rule(column, rule, present & broken))
    typed = pl.when(present).then(number).otherwise(None).alias(column)
    return typed, rules


def _binned(number: pl.Expr, var: Variable) -> pl.Expr:
    """A number put into the variable's declared bins (``cut``), as the bin's label."""
    labels = var.cut_labels()
    binned: pl.Expr = pl.lit(labels[-1])
    for edge, label in reversed(list(zip(var.cut, labels, strict=False))):
        inside = number <= edge if var.closed == "right" else number < edge
        binned = pl.when(inside).then(pl.lit(label)).otherwise(binned)
    return pl.when(number.is_null()).then(None).otherwise(binned).alias(var.column)


def _categorical(
    column: str, dtype: pl.DataType, label: str, allowed: list[str],
    na: Sequence[str] = (), recode: dict[str, str] | None = None,
) -> tuple[pl.Expr, list[_Rule]]:  # fmt: skip
    text = _without_na(_as_text(column, dtype), list(na))
    present = text.is_not_null() & (text != "")
    if recode:
        codes = ", ".join(f"{k} = {v}" for k, v in recode.items())
        rule = f"{label} must be one of the codes {codes} (or {', '.join(map(repr, allowed))})"
        value = text.replace(recode)
        typed = pl.when(present).then(value).otherwise(None).alias(column)
        return typed, [_Rule(column, rule, present & ~value.is_in(allowed))]
    rule = f"{label} must be one of {', '.join(repr(a) for a in allowed)}"
    typed = pl.when(present).then(text).otherwise(None).alias(column)
    quick = fast = None
    if dtype == pl.String and not na:
        quick = pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed)
        fast = pl.col(column)
    elif dtype.is_integer() and not na and all(_integer_text(a) for a in allowed):
        # levels written as whole numbers, stored as integers (Parquet, Excel): compared as
        # numbers, exactly the text comparison, without making a string per patient
        quick = pl.col(column).is_not_null() & ~pl.col(column).is_in([int(a) for a in allowed])
        fast = pl.col(column).cast(pl.String)
    return typed, [_Rule(column, rule, present & ~text.is_in(allowed), quick, fast)]


def _integer_text(level: str) -> bool:
    """Whether ``level`` is how an integer column's value reads as text ("3", "-1")."""
    try:
        return str(int(level)) == level
    except ValueError:
        return False


def _column_checks(
    schema: dict[str, pl.DataType], study: Study, decimal: str = "."
) -> tuple[list[pl.Expr], list[_Rule]]:
    typed: list[pl.Expr] = []
    rules: list[_Rule] = []
    done = {study.id_column}
    file_na = list(study.input.na_values)

    def add(expr: pl.Expr, found: list[_Rule]) -> None:
        typed.append(expr)
        rules.extend(found)

    for var in study.variables:
        if var.column in done:
            continue
        done.add(var.column)
        dtype = schema[var.column]
        na = file_na + list(var.na_values)
        if var.cut:
            number, found = _numeric(
                var.column, dtype, var.label, var.min, var.max, var.integer, na, decimal
            )
            add(_binned(number, var), found)
        elif var.is_categorical:
            add(*_categorical(var.column, dtype, var.label, var.allowed_values(), na, var.recode))
        else:
            add(*_numeric(var.column, dtype, var.label, var.min, var.max, var.integer, na, decimal))
    for outcome in study.outcomes:
        what = outcome.label if outcome.summary == "value" else f"{outcome.label} level"
        na = file_na + list(outcome.na_values)
        for t in outcome.time_keys():
            label = f"{what} at {study.time(t).label}"
            for column in outcome.raw_columns(t):
                if column not in done:
                    done.add(column)
                    add(
                        *_numeric(
                            column, schema[column], label, outcome.min, outcome.max,
                            outcome.integer, na, decimal,
                        )
                    )  # fmt: skip
    relief = study.responder.relief_column
    if relief and relief not in done:
        done.add(relief)
        add(*_numeric(relief, schema[relief], "percent relief", 0, 100, False, file_na, decimal,
                      percent=True))  # fmt: skip
    for rule in study.eligibility:
        if rule.column not in done and (rule.min is not None or rule.max is not None):
            done.add(rule.column)
            add(*_numeric(rule.column, schema[rule.column], rule.column, None, None, False,
                          file_na, decimal))  # fmt: skip
    return typed, rules


def read_options(
    study: Study,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> ReadOptions:
    """How to read a file for ``study``: the command line's flags, else its ``[input]``.

    The options also carry the names each needed column may have (its own and its
    ``[rename]`` source), which find the header below title rows and the sheet that holds
    the data.
    """
    given = study.input
    sources: dict[str, list[str]] = {}
    for source, target in study.rename.items():
        sources.setdefault(target, []).append(source)
    columns = [(column, *sources.get(column, [])) for column in study.required_columns()]
    id_names = [study.id_column, *sources.get(study.id_column, [])]
    return ReadOptions(
        encoding=encoding or given.encoding,
        delimiter=delimiter or given.delimiter,
        decimal=decimal or given.decimal,
        sheet=sheet or given.sheet,
        header_row=header_row or given.header_row,
        columns=columns,
        id_column=id_names[-1],
    )


def match_columns(headers: list[str], study: Study) -> tuple[dict[str, str], list[Problem]]:
    """Map the file's headers to the columns the study reads.

    A header is taken when it is the study's name, a ``[rename]`` source, or either of
    those written with other case, spacing or punctuation ("Age ", "B.M.I." for "bmi")
    and no other header claims the same name. Returns ``{header: column}`` for the
    headers to rename and a problem for each column still missing, with "did you mean"
    suggestions drawn from the headers present.
    """
    import difflib

    needed = study.required_columns()
    present = set(headers)
    renames: dict[str, str] = {}
    problems: list[Problem] = []
    for source, target in study.rename.items():
        if source in present and target in present and source != target:
            problems.append(Problem(None, source, None,
                f"[rename] maps {source!r} to {target!r}, but the file also has a column "
                f"{target!r}: remove one of them or rename to another name"))  # fmt: skip
        elif source in present:
            renames[source] = target
    have = (present - set(renames)) | set(renames.values())
    by_form: dict[str, list[str]] = {}
    for h in headers:
        if h not in renames and h not in needed:
            by_form.setdefault(normalise(h), []).append(h)
    sources = {t: s for s, t in study.rename.items()}
    for column in needed:
        if column in have:
            continue
        forms = {normalise(column)} | ({normalise(sources[column])} if column in sources else set())
        found = [h for form in forms for h in by_form.get(form, [])]
        if len(found) == 1:
            renames[found[0]] = column
            have.add(column)
            continue
        shown = f"{sources[column]} [renamed to {column}]" if column in sources else column
        unused = [h for h in headers if h not in renames and h not in needed]
        close = difflib.get_close_matches(
            normalise(sources.get(column, column)), [normalise(h) for h in unused], n=3, cutoff=0.6
        )
        hints = [h for h in unused if normalise(h) in close]
        rule = "required column is missing"
        if len(found) > 1:
            rule += f"; {', '.join(map(repr, found))} all match it: keep one"
        elif hints:
            rule += f"; did you mean {' or '.join(repr(h) for h in hints[:3])}?"
        problems.append(Problem(None, shown, None, rule))
    return renames, problems


def _cut(value: str | None) -> str | None:
    """A value as shown in a message: at most 80 characters."""
    if value is None or len(value) <= 80:
        return value
    return value[:79] + "…"


def _id_problems(
    frame: pl.LazyFrame,
    id_col: str,
    empty_id: pl.Expr,
    streaming: bool,
    rows: int | None = None,
    empty_ids: int | None = None,
) -> list[Problem]:
    """Empty and duplicate patient IDs (``empty_ids``: how many are empty, when counted)."""
    run_on = engine(streaming)
    ident = pl.col(id_col).cast(pl.String).str.strip_chars()
    problems = []
    if empty_ids is None or empty_ids > 0:
        empty = frame.filter(empty_id).select(ROW).head(MAX_ROWS_PER_RULE).collect(engine=run_on)
        problems += [
            Problem(int(r), id_col, None, "patient ID must not be empty")
            for (r,) in empty.iter_rows()
        ]
    # Duplicates are found on 64-bit hashes, then confirmed on the IDs themselves. Large
    # inputs are split into hash partitions so that each pass holds a bounded hash table.
    hashed = frame.filter(~empty_id).select(ident.hash(seed=7).alias("_h"))
    parts = max(1, -(-(rows or 0) // PARTITION_ROWS))
    found: list[pl.Series] = []
    for part in range(parts):
        subset = hashed if parts == 1 else hashed.filter(pl.col("_h") % parts == part)
        repeated = subset.group_by("_h").agg(pl.len().alias("_k")).filter(pl.col("_k") > 1)
        found.append(repeated.select("_h").collect(engine=run_on)["_h"])
    suspects = pl.concat(found)
    if suspects.len() == 0:
        return problems
    matches = (
        frame.filter(~empty_id & ident.hash(seed=7).is_in(suspects.implode()))
        .select(ROW, ident.alias("_id"))
        .collect(engine=run_on)
    )
    groups = (
        matches.group_by("_id", maintain_order=True)
        .agg(pl.col(ROW))
        .filter(pl.col(ROW).list.len() > 1)
    )
    for _, dup_rows in groups.iter_rows():
        listed = ", ".join(str(r) for r in dup_rows[:20]) + (" …" if len(dup_rows) > 20 else "")
        for r in dup_rows[:MAX_ROWS_PER_RULE]:
            problems.append(Problem(int(r), id_col, None, f"duplicate patient ID (rows {listed})"))
    return problems


def validate(raw: RawTable, study: Study) -> pl.LazyFrame:
    """Validate the input against the study and return its typed columns (lazily).

    Parameters
    ----------
    raw : RawTable
        The input as opened by :func:`painresponse.io.read_table`.
    study : Study
        The study definition.

    Returns
    -------
    polars.LazyFrame
        Column ``_row`` (the user's row number), the ID as text, categorical columns as
        text, numeric columns as Float64 (null = not recorded), and every other input
        column carried along untouched.

    Raises
    ------
    ValidationError
        Listing every problem found (at most 200 rows per rule are listed by row, with the
        number of further rows that break it).
    """
    frame = raw.frame
    headers = [c for c in frame.collect_schema().names() if c != ROW]
    renames, missing = match_columns(headers, study)
    display = {target: f"{source} [{target}]" for source, target in renames.items()}
    if missing:
        raise ValidationError(raw.source, missing + list(raw.problems))
    frame = frame.rename(renames) if renames else frame
    schema = dict(frame.collect_schema())
    if ROW in schema:
        frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
    else:
        frame = frame.with_row_index(ROW, offset=raw.first_row).with_columns(
            pl.col(ROW).cast(pl.Int64)
        )
    run_on = engine(raw.streaming)
    typed, rules = _column_checks(schema, study, raw.decimal)
    id_col = study.id_column
    ident = _as_text(id_col, schema[id_col])
    empty_id = ident.is_null() | (ident == "")

    def screen(rule: _Rule) -> pl.Expr:
        return rule.quick if rule.quick is not None else rule.broken

    counts = frame.select(
        pl.len().alias("_rows"),
        empty_id.sum().alias("_empty_ids"),
        *[screen(r).sum().alias(f"_r{i}") for i, r in enumerate(rules)],
    ).collect(engine=run_on)
    if counts["_rows"].item() == 0:
        raise InputError(f"{raw.source}: the table has no patient rows")
    # Rules whose quick screen flagged rows are counted again precisely.
    flagged = [i for i, r in enumerate(rules) if r.quick is not None and counts[f"_r{i}"].item()]
    if flagged:
        exact = frame.select([rules[i].broken.sum().alias(f"_r{i}") for i in flagged])
        counts = counts.with_columns(exact.collect(engine=run_on))
    clean_columns = {
        r.column: r.fast_typed
        for i, r in enumerate(rules)
        if r.fast_typed is not None and i not in flagged
    }
    typed = [
        clean_columns[name] if (name := e.meta.output_name()) in clean_columns else e for e in typed
    ]
    failing = [i for i, r in enumerate(rules) if counts[f"_r{i}"].item() > 0]
    queries = [
        frame.filter(rules[i].broken)
        .select(
            ROW, _as_text(rules[i].column, schema[rules[i].column]).str.slice(0, 81).alias("_value")
        )
        .head(MAX_ROWS_PER_RULE)
        for i in failing
    ]
    problems: list[Problem] = []
    for i, rows in zip(failing, pl.collect_all(queries, engine=run_on), strict=True):
        rule = rules[i]
        name = display.get(rule.column, rule.column)
        problems += [Problem(int(r), name, _cut(v), rule.rule) for r, v in rows.iter_rows()]
        total = int(counts[f"_r{i}"].item())
        if total > MAX_ROWS_PER_RULE:
            more = f"{total - MAX_ROWS_PER_RULE} more rows break the rule: {rule.rule}"
            problems.append(Problem(None, name, None, more))
    id_problems = _id_problems(
        frame, id_col, empty_id, raw.streaming, int(counts["_rows"].item()),
        int(counts["_empty_ids"].item()),
    )  # fmt: skip
    problems += [Problem(p.row, display.get(id_col, id_col), p.value, p.rule) for p in id_problems]
    problems += list(raw.problems)
    needed = set(study.required_columns())
    for cell in raw.error_cells:
        canonical = renames.get(cell.column or "", cell.column or "")
        if canonical in needed:  # error values in columns the study ignores do no harm
            problems.append(Problem(cell.row, display.get(canonical, canonical), cell.value,
                                    cell.rule))  # fmt: skip
    if problems:
        problems.sort(key=lambda p: (p.row is None, p.row or 0, p.column or ""))
        raise ValidationError(raw.source, problems)
    return frame.with_columns(ident.alias(id_col), *typed)
