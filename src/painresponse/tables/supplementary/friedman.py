"""Within-group change over time: Friedman test, adjusted pairwise signed-rank tests and
paired Hodges–Lehmann estimates."""

from __future__ import annotations

import dataclasses

import numpy as np

from painresponse.errors import StatisticsError
from painresponse.stats.distribution import Distribution
from painresponse.stats.k_sample import friedman
from painresponse.stats.multiplicity import ADJUSTMENT_NAMES, adjust_pvalues
from painresponse.study import Outcome
from painresponse.tables.circularity import CIRCULAR_MARK, circular_footnote, guard
from painresponse.tables.effects import paired_effect
from painresponse.tables.model import Column, Empty, EstimateCI, Footnote, PValue, Row, Table, Text
from painresponse.tables.registry import table_spec
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._rows import make_row, note_cell
from painresponse.tables.tests_run import within_group_paired

__all__ = ["within_group_table"]

SPEC = table_spec("S4")
KEY = SPEC.key


def _pairwise(
    data: Analysed, outcome: Outcome, group: str, later: str, earlier: str, digits: int
) -> tuple[PValue | Text, EstimateCI | Empty | Text]:
    """Table 4's paired test and change for one group and comparison.

    Taken from Table 4 when it was built on the same scores; otherwise computed by the same
    functions Table 4 uses (the study's paired test, zero handling, exactness, circularity
    guard and Hodges–Lehmann interval), so the two tables never disagree.
    """
    level = f"{data.time_label(later)} vs. {data.time_label(earlier)}"
    row = data.paper_row("table4", outcome, level)
    if row is not None:
        test, change = row.cells.get(f"p:{group}"), row.cells.get(f"effect:{group}")
        if isinstance(test, PValue) and isinstance(change, (EstimateCI, Empty)):
            return test, change
    mask = data.group_mask(group)
    x = data.values(outcome, later)[mask]
    y = data.values(outcome, earlier)[mask]
    differences = Distribution.from_values(x - y)
    study = data.study
    test = guard(within_group_paired(differences, study), study, outcome.key, (later, earlier))
    return test, paired_effect(differences, digits, study)


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
    the pairwise tests and changes are Table 4's (reused when Table 4 was built on the same
    scores, else computed by the same functions); the adjustment (Holm by default) is over
    the comparisons of one outcome in one group.
    """
    method = data.options.pairwise_adjust
    messages: list[str] = []
    level = data.options.conf_level
    rows: list[Row] = []
    for outcome in data.study.outcomes:
        label = data.outcome_label(outcome)
        times = outcome.time_keys()
        digits = 3 if not data.same_as_paper(outcome) else outcome.digits
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
                test, change = _pairwise(data, outcome, group, later, earlier, digits)
                cells[f"hl:{group}"] = change
                if isinstance(test, PValue):
                    tests.append(test)
                else:
                    cells[f"p:{group}"] = test
                    tests.append(None)
            raw = np.array([t.result.pvalue if t else np.nan for t in tests], dtype=float)
            adjusted = adjust_pvalues(raw, method=method) if method != "none" else raw
            for (later, earlier), pvalue, adj in zip(pairs, tests, adjusted, strict=True):
                if pvalue is None:
                    continue
                # Table 4's own marks (its legend letters) do not travel; † does
                mark = CIRCULAR_MARK if pvalue.defines_groups else ""
                pvalue = dataclasses.replace(pvalue, marker=mark, adjusted=None, adjustment=None)
                if method != "none":
                    pvalue = dataclasses.replace(
                        pvalue, adjusted=float(adj), adjustment=ADJUSTMENT_NAMES[method]
                    )
                pair_cells[(later, earlier)][f"p:{group}"] = pvalue
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
    notes = [
        Footnote(
            "",
            "Friedman rank test across all time points within each group (complete cases); "
            "the pairwise comparisons are Table 4's paired tests (the Wilcoxon signed-rank "
            f"test unless the study file chooses another), with {adjust} adjustment over the "
            "comparisons of one outcome in one group; change as Table 4's paired "
            "Hodges–Lehmann pseudo-median (later minus earlier) with its confidence interval.",
        ),
    ]
    if any(isinstance(c, PValue) and c.defines_groups for r in rows for c in r.cells.values()):
        notes.append(circular_footnote(data.study))
    table = Table(
        KEY,
        SPEC.number,
        SPEC.title,
        tuple(columns),
        tuple(rows),
        tuple(notes),
    )
    return table, messages
