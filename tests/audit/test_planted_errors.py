"""Tables made from random data: clean ones are quiet, every planted error is found.

Each table is built from random patients (two groups, an overall column, categorical
variables and integer scores), printed as a journal would (percents and means rounded half
up, p from the conventional test: chi-square when Cochran's rule holds, else Fisher; Student's
t for scores). The test then plants errors of every kind, each in its own variable, and checks
that each is found where it was planted and that no other variable gets a finding.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painresponse.audit import audit
from painresponse.audit._cells import MeanSDCell, read_cell
from painresponse.audit._granularity import grim, grimmer
from painresponse.audit._pvalues import count_variants
from painresponse.stats import chi2_test, choose_test, fisher_exact, ttest_ind


def half_up(value: float, decimals: int) -> str:
    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def print_p(p: float) -> str:
    if p < 0.001:
        return "<0.001"
    if p > 0.999:
        return ">0.999"
    return half_up(p, 3)


@dataclass
class Table:
    """A printed table: rows of text, with where each variable is."""

    groups: tuple[int, int]
    rows: list[list[str]] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    scores: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        n1, n2 = self.groups
        return [
            "variable",
            "level",
            f"All (n = {n1 + n2})",
            f"A (n = {n1})",
            f"B (n = {n2})",
            "p_value",
            "test",
            "integer",
        ]

    def lines(self, variable: str) -> list[list[str]]:
        return [r for r in self.rows if r[0] == variable]

    def write(self, path: Path) -> Path:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.header)
            writer.writerows(self.rows)
        return path


def make_table(rng: np.random.Generator, sparse: bool = False) -> Table:
    n1, n2 = (int(x) for x in rng.integers(25, 90, size=2))
    table = Table((n1, n2))
    for v in range(5):
        name = f"Category {v}"
        levels = int(rng.integers(2, 5))
        weights = rng.dirichlet(np.ones(levels) * 3)
        counts = np.array([rng.multinomial(n, weights) for n in (n1, n2)]).T  # levels x groups
        while (counts.sum(axis=1) == 0).any():
            counts = np.array([rng.multinomial(n, weights) for n in (n1, n2)]).T
        choice = choose_test("categorical", table=counts)
        test = chi2_test(counts) if choice.test == "chi2" else fisher_exact(counts)
        table.rows.append([name, "", "", "", "", print_p(test.pvalue), "chi-square or fisher", ""])
        for level, (a, b) in enumerate(counts):
            cells = [
                f"{c} ({half_up(100 * c / n, 1)}%)" for c, n in ((a + b, n1 + n2), (a, n1), (b, n2))
            ]
            table.rows.append([name, f"level {level}", *cells, "", "", ""])
        table.categorical.append(name)
    for v in range(3):
        name = f"Score {v}"
        top = 3 if v == 1 else int(rng.integers(4, 12))  # a narrow score: GRIMMER can bite
        shift = int(rng.integers(0, 3))
        a = rng.integers(0, top, size=n1)
        b = np.clip(rng.integers(0, top, size=n2) + shift, 0, None)
        both = np.concatenate([a, b])
        digits = 2
        cells = [
            f"{half_up(float(x.mean()), digits)} ± {half_up(float(x.std(ddof=1)), digits)}"
            for x in (both, a, b)
        ]
        p = ttest_ind(a, b).pvalue
        table.rows.append([name, "", *cells, print_p(p), "t-test", "yes"])
        table.scores.append(name)
    if sparse:
        table.rows += sparse_variable(rng, n1, n2)
    return table


def sparse_variable(rng: np.random.Generator, n1: int, n2: int) -> list[list[str]]:
    """A variable whose expected counts fail Cochran's rule, printed with chi-square's p."""
    while True:
        rare = rng.integers(0, 4, size=2)
        counts = np.array([[n1 - rare[0], n2 - rare[1]], list(rare)])
        if counts[1].sum() == 0:
            continue
        chi2, exact = chi2_test(counts).pvalue, fisher_exact(counts).pvalue
        if choose_test("categorical", table=counts).test == "fisher_exact" and (
            print_p(chi2) != print_p(exact)
            and abs(chi2 - exact) > 0.01
            and abs(chi2_test(counts, correction=True).pvalue - chi2) > 0.01
        ):
            break
    rows = [["Sparse", "", "", "", "", print_p(chi2), "", ""]]
    for level, (a, b) in enumerate(counts):
        cells = [
            f"{c} ({half_up(100 * c / n, 1)}%)" for c, n in ((a + b, n1 + n2), (a, n1), (b, n2))
        ]
        rows.append(["Sparse", f"level {level}", *cells, "", "", ""])
    return rows


def findings_by_variable(path: Path) -> dict[str, set[tuple[str, str, str]]]:
    result = audit(path)
    found: dict[str, set[tuple[str, str, str]]] = {}
    for c in result.findings:
        found.setdefault(c.variable, set()).add((c.level, c.check, c.severity))
    return found


SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_clean_random_tables_are_quiet(tmp_path: Path, seed: int) -> None:
    table = make_table(np.random.default_rng(seed))
    result = audit(table.write(tmp_path / "clean.csv"))
    assert result.findings == (), [c.detail for c in result.findings]
    assert result.exit_code == 0
    assert {c.check for c in result.checks} >= {"percent", "total", "pvalue", "grim", "grimmer"}


def plant_percent(table: Table, rng: np.random.Generator) -> tuple[str, str]:
    row = table.lines(table.categorical[0])[1]
    count, percent = row[3].split(" (")
    value = float(percent.rstrip("%)"))
    wrong = value + 2.5 if value < 90 else value - 2.5
    row[3] = f"{count} ({wrong:.1f}%)"
    return row[0], row[1]


def plant_overall_count(table: Table, rng: np.random.Generator) -> tuple[str, str]:
    row = table.lines(table.categorical[1])[1]
    count, rest = row[2].split(" (")
    row[2] = f"{int(count) + 3} ({rest}"
    return row[0], row[1]


def plant_pvalue(table: Table, rng: np.random.Generator) -> str:
    name = table.categorical[2]
    lines = table.lines(name)
    grid = [[int(r[3].split(" ")[0]), int(r[4].split(" ")[0])] for r in lines[1:]]
    variants = [v.value for v in count_variants(grid)]
    for candidate in np.linspace(0.02, 0.98, 49):
        if all(abs(candidate - v) > 0.01 for v in variants):
            lines[0][5] = f"{candidate:.3f}"
            return name
    raise AssertionError("no far p-value")  # pragma: no cover


def plant_duplicate(table: Table, rng: np.random.Generator) -> str | None:
    """Copy Category 3's p onto Category 4 when Category 4's data give another value."""
    source, target = table.lines(table.categorical[3])[0], table.lines(table.categorical[4])
    if source[5].startswith(("<", ">")):
        return None
    grid = [[int(r[3].split(" ")[0]), int(r[4].split(" ")[0])] for r in target[1:]]
    printed = float(source[5])
    if any(abs(v.value - printed) < 0.002 for v in count_variants(grid)):
        return None
    target[0][5] = source[5]
    return target[0][0]


def plant_grim(table: Table, rng: np.random.Generator) -> str | None:
    row = table.lines(table.scores[0])[0]
    n = table.groups[0]
    mean, sd = row[3].split(" ± ")
    for step in (1, -1, 2, -2, 3, -3, 4, -4):
        candidate = f"{float(mean) + step / 100:.2f}"
        cell = read_cell(f"{candidate} ± {sd}")
        assert isinstance(cell, MeanSDCell)
        if not grim(cell.mean, n).consistent:
            row[3] = f"{candidate} ± {sd}"
            return row[0]
    return None


def plant_grimmer(table: Table, rng: np.random.Generator) -> str | None:
    row = table.lines(table.scores[1])[0]
    n = table.groups[1]
    mean, sd = row[4].split(" ± ")
    for step in (1, -1, 2, -2, 3, -3, 4, -4, 5, -5):
        candidate = f"{float(sd) + step / 100:.2f}"
        cell = read_cell(f"{mean} ± {candidate}")
        assert isinstance(cell, MeanSDCell)
        if not grimmer(cell.mean, cell.sd, n).consistent:
            row[4] = f"{mean} ± {candidate}"
            return row[0]
    return None


def plant_swap(table: Table) -> tuple[str, str, str]:
    """Swap the overall cells of the two first levels of Score-free Category 1's twin."""
    lines = table.lines(table.categorical[1])
    first, second = lines[1], lines[2]
    if first[2].split(" ")[0] == second[2].split(" ")[0]:
        return "", "", ""
    first[2], second[2] = second[2], first[2]
    return first[0], first[1], second[1]


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_planted_errors_are_found_and_nothing_else(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = make_table(rng, sparse=True)
    expected: dict[str, set[tuple[str, str, str]]] = {}

    variable, level = plant_percent(table, rng)
    expected[variable] = {(level, "percent", "error")}
    variable = plant_pvalue(table, rng)
    expected[variable] = {("", "pvalue", "error")}
    expected["Sparse"] = {("", "test-choice", "warning")}
    duplicate = plant_duplicate(table, rng)
    if duplicate:
        expected[duplicate] = {("", "pvalue", "error"), ("", "duplicate-p", "warning")}
    grim_variable = plant_grim(table, rng)
    if grim_variable:
        expected[grim_variable] = {("", "grim", "error")}
    grimmer_variable = plant_grimmer(table, rng)
    if grimmer_variable:
        expected[grimmer_variable] = {("", "grimmer", "error")}

    found = findings_by_variable(table.write(tmp_path / "planted.csv"))
    for variable, wanted in expected.items():
        assert wanted <= found.get(variable, set()), (variable, wanted, found.get(variable))
    assert set(found) <= set(expected), {v: f for v, f in found.items() if v not in expected}


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_overall_column_errors(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    swapped = make_table(rng)
    variable, first, second = plant_swap(swapped)
    if variable:
        result = audit(swapped.write(tmp_path / "swapped.csv"))
        totals = {(c.variable, c.level) for c in result.findings if c.check == "total"}
        assert totals == {(variable, first), (variable, second)}
        assert all("swapped" in c.detail for c in result.findings if c.check == "total")
        assert {c.variable for c in result.findings} == {variable}
    shifted = make_table(np.random.default_rng(seed))
    variable, level = plant_overall_count(shifted, rng)
    result = audit(shifted.write(tmp_path / "shifted.csv"))
    assert (variable, level, "total", "error") in {
        (c.variable, c.level, c.check, c.severity) for c in result.findings
    }
    assert {c.variable for c in result.findings} == {variable}


def test_the_planting_is_not_vacuous() -> None:
    """Planting can fail (a p-value that cannot be copied, a mean with no impossible
    neighbour); it must succeed for most tables, or the tests above would prove little."""
    planted = {"duplicate-p": 0, "grim": 0, "grimmer": 0, "swap": 0}
    for seed in range(20):
        rng = np.random.default_rng(seed)
        table = make_table(rng, sparse=True)
        planted["duplicate-p"] += plant_duplicate(table, rng) is not None
        planted["grim"] += plant_grim(table, rng) is not None
        planted["grimmer"] += plant_grimmer(table, rng) is not None
        planted["swap"] += bool(plant_swap(make_table(np.random.default_rng(seed)))[0])
    assert min(planted.values()) >= 15, planted
