"""GRIM and GRIMMER: means and SDs that integer data of size n cannot have.

Applied to rows whose ``integer`` column says ``yes`` (scores, counts, ages in whole years),
in every column with a mean ± SD. Both tests are exact (:class:`~fractions.Fraction`
arithmetic) and accept any rounding of ties, so they only ever flag what no rounding rule can
produce.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from painresponse.audit._cells import MeanSDCell, Printed
from painresponse.audit._model import Check
from painresponse.audit._table import PublishedTable

__all__ = ["GrimResult", "GrimmerResult", "grim", "grim_checks", "grimmer"]


@dataclass(frozen=True)
class GrimResult:
    """GRIM of one mean.

    Attributes
    ----------
    consistent : bool
        Some integer sum S gives S / n that rounds to the printed mean.
    informative : bool
        False when n ≥ 10^decimals: every mean is then possible and GRIM cannot fail.
    sums : tuple of int
        The integer sums S consistent with the mean (empty when inconsistent).
    nearest : tuple of int
        The integer sums just below and above mean × n (for the explanation).
    """

    consistent: bool
    informative: bool
    sums: tuple[int, ...]
    nearest: tuple[int, ...]


def grim(mean: Printed, n: int) -> GrimResult:
    """The GRIM test of Brown and Heathers: can n integers have this printed mean?

    Parameters
    ----------
    mean : Printed
        The mean as printed (its decimals matter: ``"5.20"`` is not ``"5.2"``).
    n : int
        The number of values.

    Returns
    -------
    GrimResult

    Notes
    -----
    The mean of n integers is S / n for an integer sum S. A mean printed as m with d decimals
    stands for the interval :math:`[m - h, m + h]`, :math:`h = 0.5 \\cdot 10^{-d}`; it is
    consistent when some integer S lies in :math:`[n(m - h), n(m + h)]`. When
    :math:`n \\ge 10^d` that interval is at least 1 wide and GRIM cannot fail.

    References
    ----------
    .. [1] Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous
       anomalies in the reporting of results in psychology. Soc Psychol Personal Sci.
       2017;8:363-369. doi:10.1177/1948550616673876

    Examples
    --------
    Brown and Heathers' example, M = 5.19 with N = 28:

    >>> from painresponse.audit._cells import read_cell
    >>> result = grim(read_cell("5.19 ± 1.34").mean, 28)
    >>> result.consistent, result.nearest
    (False, (145, 146))
    """
    low, high = mean.low * n, mean.high * n
    sums = tuple(range(math.ceil(low), math.floor(high) + 1))
    centre = mean.value * n
    nearest = (math.floor(centre), math.ceil(centre)) if centre.denominator != 1 else (int(centre),)
    return GrimResult(bool(sums), n < 10**mean.decimals, sums, nearest)


@dataclass(frozen=True)
class GrimmerResult:
    """GRIMMER of one mean and SD.

    Attributes
    ----------
    consistent : bool
        Some integer sum S (GRIM) and integer sum of squares Q of the same parity as S give
        an SD that rounds to the printed one.
    informative : bool
        False when every S has two or more consecutive integers Q in range (the test cannot
        fail).
    ranges : tuple of (int, Fraction, Fraction)
        For each consistent sum S, the interval of Σx² the printed SD allows.
    """

    consistent: bool
    informative: bool
    ranges: tuple[tuple[int, Fraction, Fraction], ...]


def grimmer(mean: Printed, sd: Printed, n: int) -> GrimmerResult:
    """The GRIMMER test of Anaya: can n integers have this printed mean and SD (n − 1)?

    Parameters
    ----------
    mean, sd : Printed
        As printed.
    n : int
        The number of values (at least 2).

    Returns
    -------
    GrimmerResult

    Notes
    -----
    For integers :math:`x_i` with sum S and sum of squares Q (both integers),
    :math:`SD^2 = (Q - S^2/n)/(n - 1)`, so a printed SD in :math:`[s^-, s^+]` needs an integer
    Q in :math:`[(n-1)(s^-)^2 + S^2/n,\\ (n-1)(s^+)^2 + S^2/n]`. Because
    :math:`x^2 \\equiv x \\pmod 2`, Q must also have the parity of S. This is the analytic form
    of GRIMMER (Allard 2018), which agrees with Anaya's enumeration.

    References
    ----------
    .. [1] Anaya J. The GRIMMER test: a method for testing the validity of reported measures
       of variability. PeerJ Preprints. 2016;4:e2400v1. doi:10.7287/peerj.preprints.2400v1
    .. [2] Allard A. Analytic-GRIMMER: a new way of testing the possibility of standard
       deviations. 2018. https://aurelienallard.netlify.app/post/anaytic-grimmer-possibility-standard-deviations/

    Examples
    --------
    >>> from painresponse.audit._cells import read_cell
    >>> cell = read_cell("3.44 ± 2.47")
    >>> grimmer(cell.mean, cell.sd, 18).consistent
    False
    """
    sums = grim(mean, n).sums
    ranges = []
    consistent = False
    informative = False
    low_sd = max(sd.low, Fraction(0))
    for total in sums:
        base = Fraction(total * total, n)
        q_low = (n - 1) * low_sd * low_sd + base
        q_high = (n - 1) * sd.high * sd.high + base
        ranges.append((total, q_low, q_high))
        first = math.ceil(q_low)
        if first % 2 != total % 2:
            first += 1
        if first <= q_high:
            consistent = True
        if math.floor(q_high) - math.ceil(q_low) < 1:
            informative = True
    return GrimmerResult(consistent, informative, tuple(ranges))


def _columns(count: int) -> str:
    return f"{count} column{'' if count == 1 else 's'}"


def _fraction(value: Fraction, decimals: int = 2) -> str:
    return f"{float(value):.{decimals}f}"


def grim_checks(table: PublishedTable) -> Iterator[Check]:
    """GRIM and GRIMMER on every mean ± SD of a row marked ``integer = yes``."""
    for summary in table.summary_comparisons():
        if not summary.integer:
            continue
        row = summary.row
        results = []
        for group in table.columns:
            cell = row.cells[group.name]
            if isinstance(cell, MeanSDCell):
                results.append((group.name, group.n, cell))
        if not results:
            continue
        yield from _grim_row(table, summary.variable, summary.level, row.line, results)


def _grim_row(
    table: PublishedTable,
    variable: str,
    level: str,
    line: int,
    cells: list[tuple[str, int, MeanSDCell]],
) -> Iterator[Check]:
    def make(check: str, severity: str, detail: str) -> Check:
        return Check(table.name, variable, level, check, severity, detail, line)

    grim_ok, grimmer_ok = [], []
    for name, n, cell in cells:
        result = grim(cell.mean, n)
        if not result.consistent:
            near = ", ".join(
                f"{s}/{n} = {_fraction(Fraction(s, n), cell.mean.decimals + 1)}"
                for s in result.nearest
            )
            yield make(
                "grim",
                "error",
                f"{name}: a mean of {cell.mean} is impossible for {n} integers: "
                f"{cell.mean} × {n} = {_fraction(cell.mean.value * n)} is no whole sum, and "
                f"the nearest sums give {near}",
            )
            continue
        grim_ok.append((name, n, result.informative))
        if n < 2:
            continue
        check = grimmer(cell.mean, cell.sd, n)
        if check.consistent:
            grimmer_ok.append((name, check.informative))
            continue
        parts = []
        for total, q_low, q_high in check.ranges:
            integers = list(range(math.ceil(q_low), math.floor(q_high) + 1))
            parity = "even" if total % 2 == 0 else "odd"
            if integers:
                shown = ", ".join(map(str, integers[:4]))
                reason = f"only {shown} ({'odd' if parity == 'even' else 'even'}) fit"
            else:
                reason = "no integer fits"
            parts.append(
                f"with sum {total}, Σx² must be {parity} and between "
                f"{_fraction(q_low)} and {_fraction(q_high)}: {reason}"
            )
        yield make(
            "grimmer",
            "error",
            f"{name}: an SD of {cell.sd} with mean {cell.mean} is impossible for {n} "
            f"integers; " + "; ".join(parts),
        )
    if grim_ok:
        blind = [f"{name} (n = {n})" for name, n, informative in grim_ok if not informative]
        if len(blind) == len(grim_ok):
            decimals = cells[0][2].mean.decimals
            detail = (
                f"cannot fail here: with n ≥ {10**decimals}, every mean at {decimals} "
                f"decimal{'' if decimals == 1 else 's'} is possible for integer data "
                f"({_columns(len(blind))})"
            )
        else:
            note = f" (cannot fail for {', '.join(blind)})" if blind else ""
            detail = f"mean possible for integer data in {_columns(len(grim_ok))}{note}"
        yield make("grim", "ok", detail)
    if grimmer_ok:
        blind_sd = [name for name, informative in grimmer_ok if not informative]
        if len(blind_sd) == len(grimmer_ok):
            detail = (
                "cannot fail here: too many sums of squares fit this n and precision "
                f"({_columns(len(blind_sd))})"
            )
        else:
            note = f" (cannot fail for {', '.join(blind_sd)})" if blind_sd else ""
            detail = (
                f"SD possible for integer data with that mean in {_columns(len(grimmer_ok))}{note}"
            )
        yield make("grimmer", "ok", detail)
