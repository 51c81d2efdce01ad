"""One pass of aggregation: every frequency table the five tables and the figures need.

For each categorical or numeric variable: counts of (group, value). For each outcome:
the joint counts of (group, score at each time point), from which Table 3 (each time),
Table 4 (complete pairs) and Table 5 (changes) all follow. The queries are lazy and run
together (``polars.collect_all``), so an in-memory study and a streamed registry file
share this code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from painresponse._engine import engine
from painresponse.cohort import GROUP
from painresponse.study import Study, Variable
from painresponse.tables.outcomes_expr import outcome_expr

__all__ = ["COUNT", "Aggregates", "aggregate", "unobserved_levels"]

COUNT = "_n"
_SEP = "\x1f"


@dataclass(frozen=True)
class Aggregates:
    """Frequency tables of the analysed patients.

    Attributes
    ----------
    variables : dict
        Variable key -> frame (``_group``, ``value``, ``_n``); categorical values as text,
        numeric values as Float64 (null = missing).
    outcomes : dict
        Outcome key -> frame (``_group``, one Float64 column per time key, ``_n``).
    group_sizes : dict
        Group label -> number of analysed patients.
    """

    variables: dict[str, pl.DataFrame]
    outcomes: dict[str, pl.DataFrame]
    group_sizes: dict[str, int]

    @property
    def total(self) -> int:
        """All analysed patients."""
        return sum(self.group_sizes.values())


MATERIALISE_ROWS = 5_000_000
"""Up to this many analysed patients, the needed columns are gathered in one streaming
pass and counted in memory; above it, each frequency table streams on its own."""


def aggregate(
    analysed: pl.DataFrame | pl.LazyFrame,
    study: Study,
    streaming: bool = False,
    rows: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Aggregates:
    """Compute every frequency table in one batch of lazy queries.

    Parameters
    ----------
    analysed : polars.DataFrame or LazyFrame
        The analysed patients with their ``_group`` column (typed, validated).
    study : Study
        Says which variables and outcomes to count.
    streaming : bool
        Run the queries on polars' streaming engine (bounded memory for large inputs).
    rows : int, optional
        Number of analysed patients, when known (chooses the streaming strategy).
    progress : callable, optional
        Called as ``progress(done, total)`` after each streamed frequency table.

    Notes
    -----
    Streaming inputs of at most ``MATERIALISE_ROWS`` patients are read once (only the
    columns the tables need) and counted in memory; larger ones run one frequency query
    at a time on the streaming engine, so memory stays bounded by one query's working set.
    """
    lazy = analysed.lazy()
    if streaming and rows is not None and rows <= MATERIALISE_ROWS:
        needed = [GROUP, *{v.column: None for v in study.variables}]
        text_columns = {v.column for v in study.variables if v.is_categorical}
        for outcome in study.outcomes:
            for t in outcome.time_keys():
                needed += [c for c in outcome.raw_columns(t) if c not in needed]
        # Text columns as categoricals: a few bytes per patient instead of the label's length.
        compact = [
            pl.col(c).cast(pl.Categorical) if c == GROUP or c in text_columns else pl.col(c)
            for c in needed
        ]
        lazy = lazy.select(compact).collect(engine="streaming").lazy()
        streaming = False
    queries: list[pl.LazyFrame] = []
    names: list[tuple[str, str]] = []
    # All categorical variables (and the group sizes) in one query: a count per level.
    categorical = [v for v in study.variables if v.is_categorical]
    sums: list[pl.Expr] = [pl.len().alias(COUNT)]
    schema = lazy.collect_schema()
    for var in categorical:
        col = pl.col(var.column)
        if not isinstance(schema.get(var.column), pl.String | pl.Categorical | pl.Enum):
            col = col.cast(pl.String)  # a categorical column compares by its codes: no cast
        for i, level in enumerate(var.allowed_values()):
            sums.append((col == level).sum().alias(f"{var.key}{_SEP}{i}"))
        sums.append(col.is_null().sum().alias(f"{var.key}{_SEP}missing"))
    queries.append(lazy.group_by(GROUP).agg(sums))
    names.append(("levels", ""))
    for var in study.variables:
        if var.is_categorical:
            continue
        value = pl.col(var.column).cast(pl.Float64)
        queries.append(lazy.group_by(GROUP, value.alias("value")).agg(pl.len().alias(COUNT)))
        names.append(("variable", var.key))
    for outcome in study.outcomes:
        cols = [outcome_expr(outcome, t).alias(t) for t in outcome.time_keys()]
        queries.append(lazy.group_by(GROUP, *cols).agg(pl.len().alias(COUNT)))
        names.append(("outcome", outcome.key))
    if streaming:
        # Each query streams on its own (scans are not shared, so no subplan is cached in
        # memory); polars runs them side by side.
        frames = pl.collect_all(
            queries,
            engine="streaming",
            optimizations=pl.QueryOptFlags(comm_subplan_elim=False),
        )
    else:
        frames = pl.collect_all(queries, engine=engine(streaming))
    if progress is not None:
        progress(len(queries), len(queries))
    variables: dict[str, pl.DataFrame] = {}
    outcomes: dict[str, pl.DataFrame] = {}
    for (kind, key), frame in zip(names, frames, strict=True):
        if kind == "levels":
            variables.update(_level_frames(frame, categorical))
            sizes = dict(frame.select(pl.col(GROUP).cast(pl.String), COUNT).iter_rows())
        else:
            (variables if kind == "variable" else outcomes)[key] = frame
    group_sizes = {g: int(sizes.get(g, 0)) for g in study.group_labels()}
    return Aggregates(variables, outcomes, group_sizes)


def _level_frames(wide: pl.DataFrame, variables: list[Variable]) -> dict[str, pl.DataFrame]:
    """Per variable, (group, value, count) rows from the one-row-per-group level counts."""
    out = {}
    for var in variables:
        records: list[tuple[str, str | None, int]] = []
        for group, *_ in wide.select(pl.col(GROUP).cast(pl.String)).iter_rows():
            row = wide.filter(pl.col(GROUP).cast(pl.String) == group)
            for i, level in enumerate(var.allowed_values()):
                records.append((group, level, int(row[f"{var.key}{_SEP}{i}"].item())))
            records.append((group, None, int(row[f"{var.key}{_SEP}missing"].item())))
        out[var.key] = pl.DataFrame(
            records, schema={GROUP: pl.String, "value": pl.String, COUNT: pl.UInt32}, orient="row"
        )
    return out


def unobserved_levels(aggregates: Aggregates, study: Study) -> tuple[str, ...]:
    """Warnings for levels the study declares that no analysed patient has.

    A declared level with no patient is left out of the tables (unless the variable sets
    ``show_empty_levels``), so a misspelt or wrongly coded level would vanish unseen; these
    lines say so in the output.
    """
    notes = []
    for var in study.variables:
        counts = aggregates.variables.get(var.key)
        if counts is None or not var.is_categorical or var.show_empty_levels:
            continue
        present = counts.filter(pl.col("value").is_not_null() & (pl.col(COUNT) > 0))
        seen = set(present["value"].cast(pl.String))
        absent = [label for label, raw in var.display_levels() if not seen & set(raw)]
        if absent:
            listed = ", ".join(repr(a) for a in absent)
            notes.append(
                f"warning: {var.label} ({var.key}): no analysed patient has {listed}; "
                f"{'it is' if len(absent) == 1 else 'they are'} left out of Table {var.table}"
            )
    return tuple(notes)
