"""Within-group change over time: Friedman test, adjusted pairwise signed-rank tests and
paired Hodges–Lehmann estimates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from painresponse.errors import StatisticsError
from painresponse.stats.k_sample import friedman
from painresponse.stats.location_shift import hodges_lehmann
from painresponse.stats.multiplicity import ADJUSTMENT_NAMES
from painresponse.stats.ranks import signed_rank
from painresponse.tables.model import Column, Footnote, PValue, Row, Table
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import estimate_cell, make_row, note_cell

__all__ = ["within_group_table"]

SPEC = table_spec("S4")
KEY = SPEC.key


def _adjuster() -> Callable[..., NDArray[np.float64]] | None:
    """``painresponse.stats.multiplicity.adjust_pvalues``, or None while it is not installed."""
    try:
        from painresponse.stats.multiplicity import adjust_pvalues
    except ImportError:
        return None
    return adjust_pvalues  # type: ignore[no-any-return]


def within_group_table(data: Analysed) -> tuple[Table, list[str]]:
    """Friedman test across the time points within each group, then pairwise tests.

    Parameters
    ----------
    data : Analysed
        The analysed patients, the study and the extended options.

    Returns
    -------
    table : Table
        Key ``"tableS4_friedman"``. Per outcome a header row with each group's Friedman
        p-value (``"p:<group>"``), then one row per comparison (later vs. earlier) with the
        paired Hodges–Lehmann pseudo-median of the change (``"hl:<group>"``) and the
        signed-rank p-value adjusted within the outcome and group (``"p:<group>"``,
        ``PValue.adjusted``; the raw p stays in ``PValue.result``).
    messages : list of str
        Problems in words (e.g. the adjustment was not available).

    Notes
    -----
    Friedman's chi-square uses patients with all time points recorded (complete cases);
    pairwise Wilcoxon signed-rank tests use the study's zero handling and exactness
    (``[analysis]``); the adjustment (Holm by default) is over the comparisons of one
    outcome in one group.
    """
    analysis = data.study.analysis
    method = data.options.pairwise_adjust
    adjust_pvalues = _adjuster() if method != "none" else None
    messages: list[str] = []
    if adjust_pvalues is None and method != "none":
        messages.append(
            "Pairwise signed-rank p-values are unadjusted: the multiplicity module "
            "(painresponse.stats.multiplicity) is not available."
        )
        method = "none"
    level = data.options.conf_level
    rows: list[Row] = []
    for outcome in data.study.outcomes:
        label = data.outcome_label(outcome)
        times = outcome.time_keys()
        digits = (
            3
            if data.options.eq5d_summary.startswith("index:") and outcome.summary != "value"
            else 1
        )
        header: dict[str, object] = {}
        pair_cells: dict[tuple[str, str], dict[str, object]] = {}
        pairs = [(a, b) for a, b in data.study.comparisons() if a in times and b in times]
        for group in data.labels:
            mask = data.group_mask(group)
            series = [data.values(outcome, t)[mask] for t in times]
            try:
                header[f"p:{group}"] = PValue(friedman(*series), "Friedman test across time points")
            except StatisticsError as exc:
                header[f"p:{group}"] = note_cell(str(exc))
            tests: list[PValue | None] = []
            for later, earlier in pairs:
                cells = pair_cells.setdefault((later, earlier), {})
                x = data.values(outcome, later)[mask]
                y = data.values(outcome, earlier)[mask]
                try:
                    hl = hodges_lehmann(x, y, conf_level=level, paired=True)
                    cells[f"hl:{group}"] = estimate_cell(hl, digits, "paired Hodges–Lehmann")
                except StatisticsError as exc:
                    cells[f"hl:{group}"] = note_cell(str(exc))
                try:
                    test = signed_rank(
                        x, y, zero_method=analysis.zero_method, method=analysis.exact
                    )
                    tests.append(PValue(test, "pairwise Wilcoxon signed-rank test"))
                except StatisticsError as exc:
                    cells[f"p:{group}"] = note_cell(str(exc))
                    tests.append(None)
            raw = np.array([t.result.pvalue if t else np.nan for t in tests], dtype=float)
            adjusted = adjust_pvalues(raw, method=method) if adjust_pvalues is not None else raw
            for (later, earlier), pvalue, adj in zip(pairs, tests, adjusted, strict=True):
                if pvalue is not None:
                    pair_cells[(later, earlier)][f"p:{group}"] = (
                        dataclasses.replace(
                            pvalue, adjusted=float(adj), adjustment=ADJUSTMENT_NAMES[method]
                        )
                        if method != "none"
                        else pvalue
                    )
        rows.append(make_row(outcome.key, label, "Friedman test", "header", header))
        for later, earlier in pairs:
            name = f"{data.time_label(later)} vs. {data.time_label(earlier)}"
            rows.append(make_row(outcome.key, label, name, "level", pair_cells[(later, earlier)]))
    columns: list[Column] = []
    for group in data.labels:
        n = int(data.group_mask(group).sum())
        columns.append(Column(f"hl:{group}", f"{group}: change, paired HL ({level:.0%} CI)", n))
        columns.append(Column(f"p:{group}", f"{group}: P-value", kind="pvalue"))
    adjust = ADJUSTMENT_NAMES.get(method, "no")
    notes = (
        Footnote(
            "",
            "Friedman rank test across all time points within each group (complete cases); "
            f"pairwise Wilcoxon signed-rank tests with {adjust} adjustment over the "
            "comparisons of one outcome in one group; change as the paired Hodges–Lehmann "
            "pseudo-median (later minus earlier) with the interval of R "
            "wilcox.test(paired = TRUE, conf.int = TRUE).",
        ),
    )
    table = Table(
        KEY,
        SPEC.number,
        SPEC.title,
        tuple(columns),
        tuple(rows),
        notes,
    )
    return table, messages
