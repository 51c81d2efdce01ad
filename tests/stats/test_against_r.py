"""painresponse.stats against reference values computed with R.

The reference values live in ``tests/reference/*.json``, one file per test family, written by
``tests/reference/make_reference.R`` (R 4.2 ``stats``, ``coin``, ``exactRankTests``; the R call
of each family is stored in the file's ``r_call`` and listed in ``tests/reference/README.md``).

Tolerance (also stored in each JSON file): ``|python - R| <= rel * |R| + floor`` with
``rel = 1e-9`` (``1e-7`` for r x c Fisher p-values, R's own relative tolerance there),
``floor = 1e-15`` for p-values and ``floor = 1e-12`` for statistics, degrees of freedom,
estimates and confidence limits (values that are zero up to floating-point cancellation).

Every R case is one pytest case, e.g. ``rank_sum_exact-017``. A family whose module is missing
fails (a renamed module must not silently skip its cases).
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

R_TOL_ROOT = 1e-4  # wilcox.test's default tol.root: R's asymptotic HL estimate is that precise

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"

FAMILIES: tuple[str, ...] = (
    "rank_sum_exact",
    "rank_sum_asymptotic",
    "signed_rank_exact",
    "signed_rank_asymptotic",
    "kruskal",
    "friedman",
    "chi2",
    "fisher_2x2",
    "fisher_rxc",
    "ttest",
    "p_adjust",
    "hodges_lehmann",
)

FAMILY_MODULE: dict[str, str] = {
    "rank_sum_exact": "painresponse.stats.ranks",
    "rank_sum_asymptotic": "painresponse.stats.ranks",
    "signed_rank_exact": "painresponse.stats.ranks",
    "signed_rank_asymptotic": "painresponse.stats.ranks",
    "kruskal": "painresponse.stats.ranks",
    "friedman": "painresponse.stats.ranks",
    "chi2": "painresponse.stats.contingency",
    "fisher_2x2": "painresponse.stats.contingency",
    "fisher_rxc": "painresponse.stats.contingency",
    "ttest": "painresponse.stats.means",
    "p_adjust": "painresponse.stats.multiplicity",
    "hodges_lehmann": "painresponse.stats.location_shift",
}


@dataclass(frozen=True)
class Check:
    """One quantity compared with R: Python's value, R's value and the allowed difference."""

    quantity: str
    actual: float
    expected: float
    rel: float
    floor: float

    @property
    def rel_diff(self) -> float:
        """Relative difference |actual - expected| / |expected| (absolute when expected is 0)."""
        if self.actual == self.expected or (math.isnan(self.actual) and math.isnan(self.expected)):
            return 0.0
        if math.isnan(self.actual) or math.isnan(self.expected):
            return math.inf
        diff = abs(self.actual - self.expected)
        return diff / abs(self.expected) if self.expected != 0 else diff

    @property
    def ok(self) -> bool:
        """Whether the difference is within ``rel * |expected| + floor``."""
        if math.isinf(self.expected) or math.isinf(self.actual):
            return self.actual == self.expected
        if math.isnan(self.expected) or math.isnan(self.actual):
            return math.isnan(self.expected) and math.isnan(self.actual)
        return abs(self.actual - self.expected) <= self.rel * abs(self.expected) + self.floor


def load_family(family: str) -> dict[str, Any]:
    """Read one reference file."""
    with (REFERENCE_DIR / f"{family}.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def iter_cases() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Yield (family, tolerance, case) for every reference case of every family."""
    for family in FAMILIES:
        data = load_family(family)
        for case in data["cases"]:
            yield family, data["tolerance"], case


def _float(value: Any) -> float:
    """A JSON number, ``null`` (NA) or ``"Inf"``/``"-Inf"`` as a Python float."""
    if value is None:
        return math.nan
    if isinstance(value, str):
        return {"Inf": math.inf, "-Inf": -math.inf}[value]
    return float(value)


def _arr(values: list[Any]) -> np.ndarray:
    return np.array([_float(v) for v in values], dtype=float)


def _get(result: Any, name: str) -> float:
    value = getattr(result, name)
    return math.nan if value is None else float(value)


def _alternative(case: dict[str, Any]) -> str:
    return str(case.get("alternative", "two-sided"))


def _run_rank_sum_exact(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.ranks import rank_sum

    r = rank_sum(_arr(case["x"]), _arr(case["y"]), method="exact", alternative=_alternative(case))
    return {"pvalue": (_get(r, "pvalue"), case["pvalue"])}


def _run_rank_sum_asymptotic(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.ranks import rank_sum

    r = rank_sum(
        _arr(case["x"]),
        _arr(case["y"]),
        method="asymptotic",
        correction=case["correction"],
        alternative=_alternative(case),
    )
    return {
        "pvalue": (_get(r, "pvalue"), case["pvalue"]),
        "U": (float(r.details["U"]), case["U"]),
    }


def _run_signed_rank_exact(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.ranks import signed_rank

    r = signed_rank(
        _arr(case["x"]),
        _arr(case["y"]),
        zero_method=case["zero_method"],
        method="exact",
        alternative=_alternative(case),
    )
    return {"pvalue": (_get(r, "pvalue"), case["pvalue"])}


def _run_signed_rank_asymptotic(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.ranks import signed_rank

    r = signed_rank(
        _arr(case["x"]),
        _arr(case["y"]),
        zero_method="wilcox",
        method="asymptotic",
        correction=case["correction"],
        alternative=_alternative(case),
    )
    return {
        "pvalue": (_get(r, "pvalue"), case["pvalue"]),
        "V": (_get(r, "statistic"), case["V"]),
    }


def _stat_p_df(r: Any, case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    return {
        "pvalue": (_get(r, "pvalue"), case["pvalue"]),
        "statistic": (_get(r, "statistic"), case["statistic"]),
        "df": (_get(r, "df"), case["df"]),
    }


def _run_kruskal(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.k_sample import kruskal

    return _stat_p_df(kruskal(*[_arr(g) for g in case["groups"]]), case)


def _run_friedman(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.k_sample import friedman

    r = friedman(_arr(case["t0"]), _arr(case["t1"]), _arr(case["t4"]))
    return _stat_p_df(r, case)


def _run_chi2(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.contingency import chi2_test

    r = chi2_test(np.array(case["table"], dtype=np.int64), correction=case["correction"])
    return _stat_p_df(r, case)


def _run_fisher_2x2(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.contingency import fisher_exact

    r = fisher_exact(np.array(case["table"], dtype=np.int64))
    out = {"pvalue": (_get(r, "pvalue"), case["pvalue"])}
    if not case["zero_cell"]:  # estimate and CI are 0 or Inf with a zero cell: p only
        for name in ("estimate", "ci_low", "ci_high"):
            out[name] = (_get(r, name), _float(case[name]))
    return out


def _run_fisher_rxc(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.contingency import fisher_exact

    r = fisher_exact(np.array(case["table"], dtype=np.int64))
    return {"pvalue": (_get(r, "pvalue"), case["pvalue"])}


def _run_ttest(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.means import ttest_ind, ttest_rel

    x, y = _arr(case["x"]), _arr(case["y"])
    if case["variant"] == "paired":
        r = ttest_rel(x, y)
    else:
        r = ttest_ind(x, y, equal_var=case["variant"] == "student")
    out = _stat_p_df(r, case)
    for name in ("estimate", "ci_low", "ci_high"):
        out[name] = (_get(r, name), case[name])
    return out


def _run_p_adjust(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.multiplicity import adjust_pvalues

    adjusted = np.asarray(adjust_pvalues(_arr(case["p"]), method=case["method"]), dtype=float)
    expected = _arr(case["adjusted"])
    if adjusted.shape != expected.shape:
        raise AssertionError(f"shape {adjusted.shape} != R's {expected.shape}")
    return {
        f"p[{i}]": (float(a), float(e))
        for i, (a, e) in enumerate(zip(adjusted, expected, strict=True))
    }


def _run_hodges_lehmann(case: dict[str, Any]) -> dict[str, tuple[float, float]]:
    from painresponse.stats.location_shift import hodges_lehmann

    x, y = _arr(case["x"]), _arr(case["y"])
    if case["design"] == "paired":
        r = hodges_lehmann(x - y, method=case["method"])
    else:
        r = hodges_lehmann(x, y, method=case["method"])
    out = {name: (_get(r, name), case[name]) for name in ("ci_low", "ci_high")}
    estimate = _get(r, "estimate")
    low, high = case["estimate_root_interval"]
    if case["method"] == "exact":
        out["estimate"] = (estimate, case["estimate"])
    else:
        # R's estimate is uniroot(tol.root = 1e-4) on a step function whose root set is the
        # jump or interval [low, high]; any estimate there (+- 1e-4) is R's answer.
        outside = max(low - R_TOL_ROOT - estimate, estimate - high - R_TOL_ROOT, 0.0)
        out["estimate outside R's root interval by"] = (outside, 0.0)
    if case["conf_level_lowered"]:  # R lowered the level: Python must say so
        level = _get(r, "conf_level")
        if case["method"] == "exact":  # R reports 1 - signif(achieved alpha, 2)
            level = 1.0 - float(f"{1.0 - level:.2g}")
        out["conf_level"] = (level, case["conf_level"])
    return out


RUNNERS: dict[str, Callable[[dict[str, Any]], dict[str, tuple[float, float]]]] = {
    "rank_sum_exact": _run_rank_sum_exact,
    "rank_sum_asymptotic": _run_rank_sum_asymptotic,
    "signed_rank_exact": _run_signed_rank_exact,
    "signed_rank_asymptotic": _run_signed_rank_asymptotic,
    "kruskal": _run_kruskal,
    "friedman": _run_friedman,
    "chi2": _run_chi2,
    "fisher_2x2": _run_fisher_2x2,
    "fisher_rxc": _run_fisher_rxc,
    "ttest": _run_ttest,
    "p_adjust": _run_p_adjust,
    "hodges_lehmann": _run_hodges_lehmann,
}


def compare_case(family: str, tolerance: dict[str, Any], case: dict[str, Any]) -> list[Check]:
    """Run the Python function on one R case and return one Check per compared quantity."""
    checks = []
    for quantity, (actual, expected) in RUNNERS[family](case).items():
        is_p = quantity.startswith("p")  # pvalue and p.adjust's p[i]
        floor = tolerance["abs_floor_pvalue"] if is_p else tolerance["abs_floor_other"]
        checks.append(Check(quantity, actual, _float(expected), float(tolerance["rel"]), floor))
    return checks


def describe_case(case: dict[str, Any]) -> str:
    """The case's inputs, compactly, for failure messages."""
    inputs = {
        k: v
        for k, v in case.items()
        if k in {"x", "y", "groups", "t0", "t1", "t4", "table", "p"}
        or k in {"alternative", "correction", "zero_method", "variant", "method", "design"}
    }
    return json.dumps(inputs, separators=(",", ":"))


_PARAMS = [
    pytest.param(family, tolerance, case, id=case["id"]) for family, tolerance, case in iter_cases()
]


@pytest.mark.parametrize(("family", "tolerance", "case"), _PARAMS)
def test_against_r(family: str, tolerance: dict[str, Any], case: dict[str, Any]) -> None:
    importlib.import_module(FAMILY_MODULE[family])  # a missing module fails, never skips
    checks = compare_case(family, tolerance, case)
    failed = [c for c in checks if not c.ok]
    if failed:
        lines = [
            f"{c.quantity}: python={c.actual!r} R={c.expected!r} rel_diff={c.rel_diff:.3g} "
            f"(allowed rel {c.rel:g} + {c.floor:g})"
            for c in failed
        ]
        pytest.fail(f"{case['id']} inputs {describe_case(case)}\n" + "\n".join(lines))


def test_every_family_has_enough_cases() -> None:
    for family in FAMILIES:
        data = load_family(family)
        assert data["n_cases"] == len(data["cases"]) >= 150, family
        assert data["header"]["R_version"].startswith("R version"), family
