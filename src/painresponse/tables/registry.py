"""Every table painresponse makes: its key, printed number and title, in display order.

One registry, so that file names (``table1.csv``, ``tableS1_mixed_model.csv``), the
``--tables 1,S3`` option and the printed numbers never disagree. A new table gets its line
here and its builder beside the others (``tables/`` for the paper's five,
``tables/supplementary/`` for the rest).

Examples
--------
>>> table_spec("S1").key, table_spec("tableS1_mixed_model").number
('tableS1_mixed_model', 'S1')
>>> [t.number for t in TABLES if t.paper]
['1', '2', '3', '4', '5']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

__all__ = ["TABLES", "TableSpec", "in_display_order", "table_spec"]

T = TypeVar("T")


@dataclass(frozen=True)
class TableSpec:
    """One table: ``key`` (file names, ``StudyResult.tables``), ``number`` (printed), title.

    ``paper`` marks the published study's Tables 1–5; the others are supplementary (S…).
    A study file may override the title (``[table_titles]``, by key).
    """

    key: str
    number: str
    title: str
    paper: bool = False


TABLES: tuple[TableSpec, ...] = (
    TableSpec("table1", "1", "Demographic and clinical characteristics of the patients.", True),
    TableSpec("table2", "2", "Surgical characteristics of the patients.", True),
    TableSpec("table3", "3", "Procedure data and clinical outcomes over time.", True),
    TableSpec("table4", "4", "Clinical outcomes over time within each group.", True),
    TableSpec("table5", "5", "Clinical outcomes over time between the groups.", True),
    TableSpec("tableS1_mixed_model", "S1", "Linear mixed model: change from baseline by group."),
    TableSpec(
        "tableS2_responder_rates",
        "S2",
        "Responder rates under several definitions, and agreement of response over time.",
    ),
    TableSpec("tableS3_predictors", "S3", "Predictors of response: logistic regression."),
    TableSpec(
        "tableS4_friedman",
        "S4",
        "Change over time within each group: Friedman test and pairwise comparisons.",
    ),
    TableSpec("tableS5_eq5d_index", "S5", "EQ-5D-5L index values by value set."),
    TableSpec(
        "tableS6_roc",
        "S6",
        "Pain reduction as a marker of improved quality of life (ROC analysis).",
    ),
    TableSpec(
        "tableS7_between_group_effects",
        "S7",
        "Between-group effect estimates with confidence intervals.",
    ),
    TableSpec("tableS8_missing_data", "S8", "Missing data by variable and group."),
    TableSpec(
        "tableS9_dropout_sensitivity",
        "S9",
        "Responders under each rule for patients without follow-up.",
    ),
    TableSpec("tableS10_cpra", "S10", "Cumulative proportion of responders."),
    TableSpec("tableS11_anchor_thresholds", "S11", "Anchor-based clinically important change."),
)

_BY_NAME = MappingProxyType({**{t.key: t for t in TABLES}, **{t.number: t for t in TABLES}})


def table_spec(name: str) -> TableSpec:
    """The table with key or printed number ``name`` (``"table4"``, ``"4"``, ``"S1"``).

    Raises
    ------
    KeyError
        When no table has that key or number.
    """
    return _BY_NAME[name]


def in_display_order(tables: Mapping[str, T]) -> dict[str, T]:
    """``tables`` (key → anything) ordered as :data:`TABLES`; unknown keys last, as given."""
    order = {t.key: i for i, t in enumerate(TABLES)}
    return {k: tables[k] for k in sorted(tables, key=lambda k: order.get(k, len(order)))}
