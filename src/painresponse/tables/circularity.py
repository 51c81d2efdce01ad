"""Tests that compare the groups on the values that define them (circular tests).

Responders are defined by the change of one outcome from the baseline to the follow-up
(pain from T0 to T1 in the seed study). A between-group test of that outcome at the
follow-up, of its follow-up − baseline change, or a within-group test of follow-up vs.
baseline, compares groups on the very values that made them: its p-value holds by
construction and is descriptive, not evidence. Such a test is circular here when

- its outcome is the responder rule's outcome (a percent or absolute reduction rule; a
  patient-reported relief column is not a table outcome), and
- the time points it uses are the rule's follow-up, alone or with the rule's baseline.

The baseline alone (measured before the procedure) and comparisons with other time
points are not flagged. The study's ``[tests] circular`` chooses ``"flag"`` (default:
the p-value is kept and marked, so the paper's tables stay reproducible) or ``"omit"``
(the p-value is not computed). Either way ``defines_groups`` is true on the cell and in
results.csv/json.
"""

from __future__ import annotations

import dataclasses

from painresponse.study import Study
from painresponse.tables.model import Footnote, PValue

__all__ = ["CIRCULAR_MARK", "circular_footnote", "defines_groups", "guard"]

CIRCULAR_MARK = "†"
OMITTED = "omitted: the groups are defined by this variable"


def defines_groups(study: Study, outcome: str, times: tuple[str, ...]) -> bool:
    """True when a test of ``outcome`` at ``times`` compares groups on their defining values."""
    rule = study.responder
    if rule.rule == "relief_column" or outcome != rule.outcome:
        return False
    used = set(times)
    return rule.follow_up in used and used <= {rule.follow_up, rule.baseline}


def guard(cell: PValue, study: Study, outcome: str, times: tuple[str, ...]) -> PValue:
    """``cell`` marked as circular (or omitted, as the study says) when it is."""
    if not defines_groups(study, outcome, times):
        return cell
    if study.tests.circular == "omit":
        from painresponse.tables.tests_run import failed

        cell = failed(cell.result.test, OMITTED, cell.result.n)
    return dataclasses.replace(cell, defines_groups=True)


def circular_footnote(study: Study) -> Footnote:
    """The footnote of the circular tests' mark."""
    rule = study.responder
    outcome = study.outcome(rule.outcome).label
    follow_up, baseline = study.time(rule.follow_up).label, study.time(rule.baseline).label
    return Footnote(
        CIRCULAR_MARK,
        f"The groups are defined by {outcome} from {baseline} to {follow_up} (the responder "
        "rule), so this test compares them on the values that define them: its P-value "
        "holds by construction and is descriptive.",
    )
