"""Check every cell against the study file and type the columns; report all problems at once.

Rules, each reported with row, column, value and the rule in words:

- every column the study reads is present (after the study file's ``rename``);
- patient IDs are non-empty and unique (duplicates name the rows, never the ID);
- numeric columns hold numbers, integers where the study says so, within range;
- categorical columns hold one of the listed labels (the message lists them).

Empty cells are "not recorded" and stay missing; nothing is coerced or dropped.
"""

from __future__ import annotations

import polars as pl

from painresponse.errors import Problem, ValidationError
from painresponse.io.readers import RawTable
from painresponse.study import Study

__all__ = ["ROW", "validate"]

ROW = "_row"
_MAX_PER_COLUMN = 200


def _problems_from(frame: pl.DataFrame, mask: pl.Expr, column: str, rule: str) -> list[Problem]:
    bad = frame.filter(mask).select(ROW, pl.col(column).alias("_value"))
    out = [
        Problem(row=int(r), column=column, value=v, rule=rule)
        for r, v in bad.head(_MAX_PER_COLUMN).iter_rows()
    ]
    if bad.height > _MAX_PER_COLUMN:
        out.append(
            Problem(
                row=None,
                column=column,
                value=None,
                rule=f"{bad.height - _MAX_PER_COLUMN} more values break the rule: {rule}",
            )
        )
    return out


def _numeric_checks(
    frame: pl.DataFrame,
    column: str,
    label: str,
    lo: float | None,
    hi: float | None,
    integer: bool,
) -> tuple[pl.Expr, list[Problem]]:
    text = pl.col(column).str.strip_chars()
    number = text.cast(pl.Float64, strict=False)
    present = text.is_not_null() & (text != "")
    kind = "an integer" if integer else "a number"
    span = ""
    if lo is not None and hi is not None:
        span = f" from {lo:g} to {hi:g}"
    elif lo is not None:
        span = f" of at least {lo:g}"
    elif hi is not None:
        span = f" of at most {hi:g}"
    rule = f"{label} must be {kind}{span}"
    not_number = present & (number.is_null() | number.is_nan() | number.is_infinite())
    problems = _problems_from(frame, not_number, column, rule)
    ok = present & ~not_number
    broken = pl.lit(False)
    if integer:
        broken = broken | (number != number.round(0))
    if lo is not None:
        broken = broken | (number < lo)
    if hi is not None:
        broken = broken | (number > hi)
    problems += _problems_from(frame, ok & broken, column, rule)
    typed = pl.when(present).then(number).otherwise(None).alias(column)
    return typed, problems


def _categorical_checks(
    frame: pl.DataFrame, column: str, label: str, allowed: list[str]
) -> tuple[pl.Expr, list[Problem]]:
    text = pl.col(column).str.strip_chars()
    present = text.is_not_null() & (text != "")
    listed = ", ".join(repr(a) for a in allowed)
    rule = f"{label} must be one of {listed}"
    problems = _problems_from(frame, present & ~text.is_in(allowed), column, rule)
    typed = pl.when(present).then(text).otherwise(None).alias(column)
    return typed, problems


def validate(raw: RawTable, study: Study) -> pl.DataFrame:
    """Validate the raw text table against the study and return typed columns.

    Parameters
    ----------
    raw : RawTable
        The input as read by :func:`painresponse.io.read_table`.
    study : Study
        The study definition.

    Returns
    -------
    polars.DataFrame
        Column ``_row`` (the user's row number), the ID as text, categorical columns as
        text, numeric columns as Float64 (null = not recorded), and every other input
        column carried along untouched.

    Raises
    ------
    ValidationError
        Listing every problem found.
    """
    frame = raw.frame
    if study.rename:
        present = {k: v for k, v in study.rename.items() if k in frame.columns}
        frame = frame.rename(present)
    missing = [c for c in study.required_columns() if c not in frame.columns]
    if missing:
        problems = [
            Problem(row=None, column=c, value=None, rule="required column is missing")
            for c in missing
        ]
        raise ValidationError(raw.source, problems)

    frame = frame.with_columns(
        pl.int_range(raw.first_row, raw.first_row + frame.height, dtype=pl.Int64).alias(ROW)
    )
    problems: list[Problem] = []
    typed: list[pl.Expr] = []

    id_col = study.id_column
    ident = pl.col(id_col).str.strip_chars()
    empty_id = ident.is_null() | (ident == "")
    for (r,) in frame.filter(empty_id).select(ROW).iter_rows():
        problems.append(Problem(int(r), id_col, None, "patient ID must not be empty"))
    dup = frame.filter(~empty_id & ident.is_duplicated()).select(ROW, ident.alias("_id"))
    if dup.height:
        groups = dup.group_by("_id", maintain_order=True).agg(pl.col(ROW))
        for _, rows in groups.iter_rows():
            rows_text = ", ".join(str(r) for r in rows)
            for r in rows:
                problems.append(
                    Problem(int(r), id_col, None, f"duplicate patient ID (rows {rows_text})")
                )
    typed.append(ident.alias(id_col))

    done: set[str] = {id_col}
    for var in study.variables:
        if var.column in done:
            continue
        done.add(var.column)
        if var.is_categorical:
            expr, found = _categorical_checks(frame, var.column, var.label, var.allowed_values())
        else:
            expr, found = _numeric_checks(
                frame, var.column, var.label, var.min, var.max, var.integer
            )
        typed.append(expr)
        problems += found

    for outcome in study.outcomes:
        for t in outcome.time_keys():
            tp = study.time(t).label
            for column in outcome.raw_columns(t):
                if column in done:
                    continue
                done.add(column)
                what = outcome.label if outcome.summary == "value" else f"{outcome.label} level"
                expr, found = _numeric_checks(
                    frame, column, f"{what} at {tp}", outcome.min, outcome.max, outcome.integer
                )
                typed.append(expr)
                problems += found

    relief = study.responder.relief_column
    if relief and relief not in done:
        done.add(relief)
        expr, found = _numeric_checks(frame, relief, "percent relief", 0, 100, False)
        typed.append(expr)
        problems += found

    for rule in study.eligibility:
        if rule.column in done:
            continue
        done.add(rule.column)
        if rule.min is not None or rule.max is not None:
            expr, found = _numeric_checks(frame, rule.column, rule.column, None, None, False)
            typed.append(expr)
            problems += found

    if problems:
        problems.sort(key=lambda p: (p.row is None, p.row or 0, p.column or ""))
        raise ValidationError(raw.source, problems)
    return frame.with_columns(typed)
