"""Outcome summaries and their published targets, for the calibration of the default cohort.

An outcome block is an integer table of the 84 analysed patients (responders first, then
non-responders) × (T0, T1, T4). Its summary vector holds, for responders, non-responders
and all patients in turn: the mean and SD at each time (Table 3), the quartiles at each
time (Table 4) and the quartiles of the changes T1−T0, T4−T1, T4−T0 (Table 5).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tools.synth_calibration.anneal import Objective, sas_quartile_index
from tools.synth_calibration.published import TIMES, published_tables

__all__ = ["PAIRS", "BlockSummary", "block_objective", "pd_level"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

PAIRS = (("t1", "t0"), ("t4", "t1"), ("t4", "t0"))
_LATER = np.array([1, 2, 2])
_EARLIER = np.array([0, 1, 0])
_GROUP_ORDER = ("responder", "non_responder", "all")
#: Weight of figures the responder rule puts out of reach (see calibration report).
RULE_LIMITED_WEIGHT = 0.001

#: EQ-5D-5L pain/discomfort level for each pain NRS 0–10: the dimension moves with pain.
_PD_BY_PAIN = np.array([1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5], dtype=np.int64)


def pd_level(pain: IntArray) -> IntArray:
    """EQ-5D-5L pain/discomfort level (1–5) that goes with a pain NRS (0–10).

    Parameters
    ----------
    pain : ndarray of int
        Pain NRS values 0–10.

    Returns
    -------
    ndarray of int
        0 → 1 (none), 1–3 → 2 (slight), 4–6 → 3 (moderate), 7–8 → 4 (severe),
        9–10 → 5 (extreme).

    Examples
    --------
    >>> pd_level(np.array([0, 3, 5, 7, 10])).tolist()
    [1, 2, 3, 4, 5]
    """
    return _PD_BY_PAIN[pain]


class BlockSummary:
    """Summary vector of an outcome block (84 × 3) with fixed group sizes.

    Parameters
    ----------
    n_responder, n_non_responder : int
        Group sizes; responders are the first rows.
    """

    def __init__(self, n_responder: int, n_non_responder: int) -> None:
        n = n_responder + n_non_responder
        self.slices = (slice(0, n_responder), slice(n_responder, n), slice(0, n))
        self.index = [sas_quartile_index(s.stop - s.start) for s in self.slices]

    def __call__(self, X: IntArray) -> FloatArray:
        """Means, SDs, quartiles and change quartiles of each group, concatenated."""
        W = np.concatenate([X, X[:, _LATER] - X[:, _EARLIER]], axis=1).astype(np.float64)
        parts = []
        for part, (lo, hi) in zip(self.slices, self.index, strict=True):
            V = W[part]
            n = V.shape[0]
            S = np.sort(V, axis=0)
            Q = (S[lo] + S[hi]) * 0.5
            total = V[:, :3].sum(axis=0)
            square = np.einsum("ij,ij->j", V[:, :3], V[:, :3])
            var = (square - total * total / n) / (n - 1)
            parts += [total / n, np.sqrt(np.maximum(var, 0.0)), Q[:, :3].ravel(), Q[:, 3:].ravel()]
        return np.concatenate(parts)


def _layout() -> list[tuple[str, str, str, str]]:
    """(group, kind, statistic, time-or-pair) of each position in the summary vector."""
    keys = []
    for group in _GROUP_ORDER:
        keys += [(group, "level", "mean", t) for t in TIMES]
        keys += [(group, "level", "sd", t) for t in TIMES]
        keys += [(group, "level", q, t) for q in ("q1", "median", "q3") for t in TIMES]
        keys += [(group, "change", q, f"{a}-{b}") for q in ("q1", "median", "q3") for a, b in PAIRS]
    return keys


LAYOUT = _layout()


def rule_limited(outcome: str, group: str, kind: str, when: str) -> bool:
    """True for pain figures that involve the responders' T1 (capped at ⌊T0/2⌋ by the rule)."""
    return outcome == "pain" and group in ("responder", "all") and "t1" in when


def block_objective(outcome: str) -> Objective:
    """Published targets of one outcome block, in the layout of :class:`BlockSummary`.

    Parameters
    ----------
    outcome : str
        ``"pain"``, ``"eq5d"`` or ``"coldness"``.

    Returns
    -------
    Objective
        Targets, weights, tolerances and scales of the summary vector.

    Notes
    -----
    Means and SDs come from Table 3, the quartiles of each time from Table 4 (which has
    no pooled column, so the pooled quartiles of each time are not targets), the quartiles
    of the changes from Table 5. Table 4 prints each time more than once; the first
    printing that is not a misprint is the target (responder pain T4 is printed with Q3
    7.0 and 6.0: 6.0 is used).

    Examples
    --------
    >>> objective = block_objective("pain")
    >>> objective.target[:3].tolist()
    [7.2, 4.9, 5.4]
    """
    paper = published_tables()
    target, weight, tolerance, scale = [], [], [], []
    for group, kind, stat, when in LAYOUT:
        times = (when,) if kind == "level" else tuple(when.split("-"))
        value = paper.target(outcome, group, stat, times)
        is_moment = stat in ("mean", "sd")
        target.append(np.nan if value is None else value)
        w = 0.0 if value is None else 1.0
        if rule_limited(outcome, group, kind, when):
            # pooled change quartiles stay reachable in part: keep them above the rest
            w *= 0.3 if (group == "all" and kind == "change") else RULE_LIMITED_WEIGHT
        weight.append(w)
        tolerance.append(0.0449 if is_moment else 0.0)
        scale.append(0.05 if is_moment else 0.5)
    return Objective(np.array(target), np.array(weight), np.array(tolerance), np.array(scale))
