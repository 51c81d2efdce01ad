"""Responder analysis beyond one cut-off: cumulative responder curves, responder rates with
Wilson intervals, and agreement between response at two follow-up times."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from painresponse.stats.diagnostic import cohen_kappa
from painresponse.stats.proportions import wilson_interval
from painresponse.tables.model import (
    Column,
    CountPercent,
    EstimateCI,
    Footnote,
    Number,
    Proportion,
    Row,
    Table,
)
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import make_row, note_cell

__all__ = [
    "Agreement",
    "ResponderCurve",
    "responder_curves",
    "responder_rates_table",
]

SPEC = table_spec("S2")
KEY = SPEC.key
#: Key of the column that holds the agreement block (the two times together).
AGREEMENT_COLUMN = "agreement"


@dataclass(frozen=True)
class ResponderCurve:
    """Share of patients reaching each percent reduction at one follow-up time.

    Attributes
    ----------
    time, time_label : str
        The follow-up time point.
    thresholds : numpy.ndarray
        Percent reductions 0, 1, ..., 100.
    share : numpy.ndarray
        Proportion (0–1) of patients whose reduction is at least each threshold.
    n : int
        Patients with a baseline above 0 and the follow-up recorded.
    """

    time: str
    time_label: str
    thresholds: NDArray[np.float64]
    share: NDArray[np.float64]
    n: int


@dataclass(frozen=True)
class Agreement:
    """Agreement between response at two times: 2×2 counts, % agreement, Cohen's kappa.

    ``table[i][j]``: i = response at the first time (1 = yes), j = at the second.
    """

    first: str
    second: str
    table: tuple[tuple[int, int], tuple[int, int]]
    n: int
    percent_agreement: float
    kappa: float
    kappa_se: float
    kappa_ci: tuple[float, float]


def _reductions(data: Analysed, time: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Percent and absolute reduction of the responder outcome from baseline to ``time``."""
    rule = data.study.responder
    outcome = data.study.outcome(rule.outcome)
    base = data.values(outcome, rule.baseline)
    follow = data.values(outcome, time)
    absolute = base - follow
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(base > 0, absolute / base * 100.0, np.nan)
    return percent, absolute


def _follow_ups(data: Analysed) -> list[str]:
    rule = data.study.responder
    outcome = data.study.outcome(rule.outcome)
    return [t for t in outcome.time_keys() if t != rule.baseline]


def responder_curves(data: Analysed) -> list[ResponderCurve]:
    """Cumulative responder curve per follow-up time (0–100% reduction in 1% steps)."""
    curves = []
    thresholds = np.arange(0.0, 101.0)
    for t in _follow_ups(data):
        percent, _ = _reductions(data, t)
        values = percent[~np.isnan(percent)]
        share = np.array(
            [(values >= c - 1e-9).mean() if values.size else np.nan for c in thresholds]
        )
        curves.append(ResponderCurve(t, data.time_label(t), thresholds, share, int(values.size)))
    return curves


def _agreement(data: Analysed, first: str, second: str) -> Agreement | None:
    rule = data.study.responder
    p1, a1 = _reductions(data, first)
    p2, a2 = _reductions(data, second)
    x1, x2 = (p1, p2) if rule.rule == "percent_reduction" else (a1, a2)
    ok = ~(np.isnan(x1) | np.isnan(x2))
    if not ok.any():
        return None
    r1 = x1[ok] >= rule.threshold - 1e-9
    r2 = x2[ok] >= rule.threshold - 1e-9
    table = np.array(
        [[np.sum(~r1 & ~r2), np.sum(~r1 & r2)], [np.sum(r1 & ~r2), np.sum(r1 & r2)]], dtype=float
    )
    kappa, se, ci = cohen_kappa(table, data.options.conf_level)
    counts = ((int(table[1, 1]), int(table[1, 0])), (int(table[0, 1]), int(table[0, 0])))
    return Agreement(
        first,
        second,
        counts,
        int(ok.sum()),
        100.0 * float(np.trace(table)) / float(table.sum()),
        kappa,
        se,
        ci,
    )


def _agreement_rows(data: Analysed, agreement: Agreement) -> list[Row]:
    """The agreement block: one row per cell of the 2×2 table, % agreement, kappa."""
    f, s = data.time_label(agreement.first), data.time_label(agreement.second)
    block = f"Agreement of response at {f} and {s}"
    (both, first_only), (second_only, neither) = agreement.table
    n = agreement.n
    counts = (
        ("Responder at both", both),
        (f"Responder at {f} only", first_only),
        (f"Responder at {s} only", second_only),
        ("Responder at neither", neither),
    )
    lo, hi = agreement.kappa_ci
    level = data.options.conf_level
    kappa = EstimateCI(
        agreement.kappa,
        lo,
        hi,
        2,
        level,
        "Cohen's kappa",
        "Wald interval, SE of Fleiss, Cohen & Everitt (1969)",
        n,
    )
    return [
        make_row("agreement", block, None, "header", {}),
        *(
            make_row(
                "agreement",
                block,
                label,
                "level",
                {AGREEMENT_COLUMN: CountPercent(count, n, 100.0 * count / n if n else math.nan)},
            )
            for label, count in counts
        ),
        make_row(
            "agreement",
            block,
            "Agreement (%)",
            "level",
            {AGREEMENT_COLUMN: Number(agreement.percent_agreement, 1)},
        ),
        make_row(
            "agreement",
            block,
            f"Cohen's kappa ({level:.0%} CI)",
            "level",
            {AGREEMENT_COLUMN: kappa},
        ),
    ]


def responder_rates_table(
    data: Analysed,
) -> tuple[Table, list[ResponderCurve], Agreement | None, list[str]]:
    """Responder rates under several definitions with Wilson CIs, and T1/T4 agreement.

    Returns
    -------
    table : Table
        Key ``"tableS2_responder_rates"``: under a header row, one row per definition
        (≥ 30%, ≥ 50%, ≥ 2 points by default), one :class:`Proportion` column per
        follow-up time; then the agreement block between the responder rule's follow-up
        and the last time point, in a column of its own (``"agreement"``, both times
        together): one row per cell of the 2×2 table (patients and percent), % agreement,
        and Cohen's kappa with its CI.
    curves : list of ResponderCurve
        For the figure.
    agreement : Agreement or None
        The agreement between response at the two times.
    messages : list of str
        Problems in words.
    """
    rule = data.study.responder
    messages: list[str] = []
    if rule.rule == "relief_column":
        msg = (
            "Responder curves need a score at each time point; "
            "the study's rule uses a relief column."
        )
        table = Table(
            KEY,
            SPEC.number,
            "Responder rates.",
            (Column("note", "Note"),),
            (make_row("responder", "Responder rates", None, "single", {"note": note_cell(msg)}),),
        )
        return table, [], None, [msg]
    outcome = data.study.outcome(rule.outcome)
    follow_ups = _follow_ups(data)
    level = data.options.conf_level
    rows: list[Row] = []
    definitions = [("percent", c) for c in data.options.responder_percent]
    definitions += [("absolute", c) for c in data.options.responder_absolute]
    base = data.time_label(rule.baseline)
    rows.append(
        make_row(
            "responder_rate",
            f"Reduction in {outcome.label} from {base}",
            None,
            "header",
            {},
        )
    )
    for kind, cut in definitions:
        label = f"≥ {cut:g}% reduction" if kind == "percent" else f"≥ {cut:g}-point reduction"
        cells: dict[str, object] = {}
        for t in follow_ups:
            percent, absolute = _reductions(data, t)
            x = percent if kind == "percent" else absolute
            ok = ~np.isnan(x)
            count, total = int((x[ok] >= cut - 1e-9).sum()), int(ok.sum())
            lo, hi = wilson_interval(count, total, level)
            cells[t] = Proportion(count, total, count / total if total else math.nan, lo, hi)
        rows.append(make_row("responder_rate", rows[0].label, label, "level", cells))
    agreement = None
    if len(follow_ups) >= 2:
        first, second = rule.follow_up, follow_ups[-1]
        if first == second:
            first = follow_ups[0]
        agreement = _agreement(data, first, second)
    columns = tuple(Column(t, data.time_label(t)) for t in follow_ups)
    agreement_note = ""
    if agreement is not None:
        rows += _agreement_rows(data, agreement)
        f, s = data.time_label(agreement.first), data.time_label(agreement.second)
        columns += (Column(AGREEMENT_COLUMN, f"{f} and {s}", agreement.n),)
        what = rule.describe(outcome.label, "", "").split(" from")[0]
        agreement_note = (
            f" Agreement: patients (percentage of the {agreement.n} assessed at both times) by "
            f"response ({what} from {base}) at {f} and at {s}; Cohen's kappa with a "
            "large-sample Wald interval."
        )
    notes = (
        Footnote(
            "",
            f"Responders / patients assessed (percent; {level:.0%} Wilson score interval). "
            "30% and 50% are the IMMPACT 'moderately important' and 'substantial' "
            f"thresholds.{agreement_note}",
        ),
    )
    table = Table(
        KEY,
        SPEC.number,
        SPEC.title,
        columns,
        tuple(rows),
        notes,
    )
    return table, responder_curves(data), agreement, messages
