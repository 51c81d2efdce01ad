"""GRIM and GRIMMER against published examples, and against brute force.

Published examples used:

- Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci 2017;8:363-369
  (doi:10.1177/1948550616673876, online 2016). Their opening example: a condition of
  N = 28 with M = 5.19 and a control of N = 27 with M = 3.86, both on a 1–7 scale. 5.19 × 28 =
  145.32, and 145/28 = 5.18, 146/28 = 5.21: no integer sum gives 5.19; 3.86 × 27 = 104.22, and
  104/27 = 3.85, 105/27 = 3.89. The sequence 5.19–5.30 for N = 28 is the one scrutiny's own
  test checks (lhdjung/scrutiny, tests/testthat/test-grim.R: F F T F F F T F F F T F).
- Anaya J. The GRIMMER test. PeerJ Preprints 2016;4:e2400v1 (doi:10.7287/peerj.preprints.2400v1),
  in the analytic form of Allard (2018). Examples from implementations of Anaya's test:
  rsprite2's GRIMMER_test documentation ("A sample of 18 integers with mean 3.44 cannot have
  an SD of 2.47"; mean 5.21, SD 1.6, n = 28 consistent, LukasWallrich/rsprite2), scrutiny's
  GRIMMER vignette (mean 7.3, SD 2.51, n = 12 inconsistent), and the INSPECT-SR guidance
  (inspect.sr, check 4.8: Apgar scores of 30 infants, means 8.96 and 9.96 GRIM-inconsistent,
  mean 9.93 with SD 0.18 GRIMMER-inconsistent).

The brute-force test enumerates every multiset of n integers and compares.
"""

from __future__ import annotations

import itertools
import statistics
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest

from painresponse.audit._cells import MeanSDCell, Printed, read_cell
from painresponse.audit._granularity import grim, grimmer


def mean_sd(mean: str, sd: str = "1.00") -> MeanSDCell:
    cell = read_cell(f"{mean} ± {sd}")
    assert isinstance(cell, MeanSDCell)
    return cell


def printed(text: str) -> Printed:
    return mean_sd(text).mean


def test_brown_heathers_opening_example() -> None:
    kool_aid = grim(printed("5.19"), 28)
    assert not kool_aid.consistent
    assert kool_aid.nearest == (145, 146)
    assert not grim(printed("3.86"), 27).consistent
    assert grim(printed("5.21"), 28).consistent  # 146/28 = 5.214


def test_scrutiny_sequence_for_n_28() -> None:
    means = [f"{5.19 + i / 100:.2f}" for i in range(12)]
    expected = [False, False, True, False, False, False, True, False, False, False, True, False]
    assert [grim(printed(m), 28).consistent for m in means] == expected


def test_grim_cannot_fail_when_n_reaches_the_precision() -> None:
    assert not grim(printed("7.2"), 41).informative  # n ≥ 10 at one decimal
    assert grim(printed("7.23"), 41).informative


@pytest.mark.parametrize(
    ("mean", "sd", "n", "consistent"),
    [
        ("3.44", "2.47", 18, False),  # rsprite2: cannot have an SD of 2.47
        ("5.21", "1.6", 28, True),  # rsprite2 test
        ("7.3", "2.51", 12, False),  # scrutiny vignette
        ("9.93", "0.18", 30, False),  # INSPECT-SR, Apgar scores
    ],
)
def test_grimmer_published_examples(mean: str, sd: str, n: int, consistent: bool) -> None:
    cell = mean_sd(mean, sd)
    assert grim(cell.mean, n).consistent  # GRIMMER is asked only of GRIM-consistent means
    assert grimmer(cell.mean, cell.sd, n).consistent is consistent


def test_inspect_sr_apgar_means() -> None:
    assert not grim(printed("8.96"), 30).consistent
    assert not grim(printed("9.96"), 30).consistent


def _rounded(value: float, decimals: int) -> set[str]:
    """Every way a value can be printed at ``decimals``: half up and half even."""
    exact = Decimal(repr(value))
    unit = Decimal(1).scaleb(-decimals)
    return {str(exact.quantize(unit, rounding=r)) for r in (ROUND_HALF_UP, ROUND_HALF_EVEN)}


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_grim_and_grimmer_agree_with_enumeration(n: int) -> None:
    """Every (mean, SD) at 2 decimals that some n integers from -4..12 produce is
    consistent, and every other one in the tested window is not (the window keeps means in
    2–6 and SDs ≤ 2, where no possible data set needs values outside -4..12)."""
    reachable: set[tuple[str, str]] = set()
    for data in itertools.combinations_with_replacement(range(-4, 13), n):
        mean, sd = statistics.fmean(data), statistics.stdev(data)
        if 2 <= mean <= 6 and sd <= 2:
            for m in _rounded(mean, 2):
                for s in _rounded(sd, 2):
                    reachable.add((m, s))
    means = [f"{2 + i / 100:.2f}" for i in range(0, 401, 7)]
    sds = [f"{i / 100:.2f}" for i in range(1, 190, 3)]
    for m in means:
        grim_ok = grim(printed(m), n).consistent
        assert grim_ok == any(pair[0] == m for pair in reachable), m
        for s in sds:
            cell = mean_sd(m, s)
            assert grimmer(cell.mean, cell.sd, n).consistent == ((m, s) in reachable), (m, s)
