"""Extended analyses against R on the bundled cohort (tests/reference/make_extended_reference.R).

R builds its own inputs from the CSV (completeness: pain at T0, T1, T4; responder:
pain_t1 <= 0.5 pain_t0). Tolerances are stated per family in the JSON files and below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painresponse.stats.diagnostic import roc_curve
from painresponse.stats.k_sample import friedman
from painresponse.stats.location_shift import hodges_lehmann
from painresponse.stats.models import fit_logistic
from painresponse.stats.proportions import wilson_interval
from painresponse.stats.ranks import signed_rank
from painresponse.study import ExtendedOptions
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary._demo import demo_frame
from painresponse.tables.supplementary.mixed_model import fit_mixed
from painresponse.tables.supplementary.predictors import _predictor

REF = Path(__file__).resolve().parents[2] / "reference"


def _load(name: str) -> dict[str, Any]:
    return json.loads((REF / f"extended_{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> Analysed:
    frame, study = demo_frame()
    return Analysed(frame, study, ExtendedOptions())


def test_same_cohort_as_r(data: Analysed) -> None:
    ref = _load("roc")
    assert data.frame.height == ref["n_cases"] + ref["n_controls"] == 84
    assert int(data.responder.sum()) == 41


@pytest.mark.parametrize("outcome", ["pain", "eq5d", "coldness"])
def test_mixed_model_matches_lme4(data: Analysed, outcome: str) -> None:
    """lmer(value ~ time * group + (1 | id)); REML fixed effects / SEs, ML likelihood-ratio test.

    Tolerance: estimates 1e-6 absolute, SEs 1e-4 relative (variance components are found by
    different optimisers), LRT statistic 1e-6 relative.
    """
    ref = _load("mixed")["outcomes"][outcome]
    fit = fit_mixed(data, data.study.outcome(outcome))
    assert list(fit.terms) == ref["REML"]["terms"]
    np.testing.assert_allclose(fit.estimate, ref["REML"]["estimate"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(fit.se, ref["REML"]["se"], rtol=1e-4)
    assert fit.n_obs == ref["n_obs"] and fit.n_patients == ref["n_patients"]
    assert fit.interaction is not None
    assert fit.interaction.statistic == pytest.approx(ref["lrt"]["chisq"], rel=1e-6)
    assert fit.interaction.pvalue == pytest.approx(ref["lrt"]["pvalue"], rel=1e-5)
    assert fit.sd_residual == pytest.approx(ref["REML"]["sd_residual"], rel=1e-4)
    for change in ref["REML"]["change"]:
        est, se = fit.changes[(change["time"], change["group"])]
        assert est == pytest.approx(change["estimate"], abs=1e-6)
        assert se == pytest.approx(change["se"], rel=1e-4)


def _columns(data: Analysed, key: str) -> dict[str, np.ndarray]:
    if key == "multivariable":
        out: dict[str, np.ndarray] = {}
        for k in ("age", "sex", "bmi", "diagnosis"):
            pred = _predictor(data, k)
            assert pred is not None
            out.update({f"{k}={t}": v for t, v in pred.columns.items()})
        return out
    pred = _predictor(data, key)
    assert pred is not None
    return pred.columns


@pytest.mark.parametrize("case", _load("logistic")["models"], ids=lambda c: c["key"])
def test_logistic_matches_glm(data: Analysed, case: dict[str, Any]) -> None:
    """glm(family = binomial): coefficients (1e-6 rel), SEs and confint.default (1e-4 rel).

    R's glm computes SEs from the IRLS weights of its last-but-one iterate (it stops when the
    deviance changes by < 1e-8), statsmodels at the final estimate: SEs differ by ~2e-5.
    """
    fit = fit_logistic(data.responder, _columns(data, case["key"]))
    assert fit.message is None and fit.n == case["n"]
    np.testing.assert_allclose(fit.estimate, case["estimate"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fit.se, case["se"], rtol=1e-4)
    z = 1.959963984540054
    np.testing.assert_allclose(fit.estimate - z * fit.se, case["ci_low"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fit.estimate + z * fit.se, case["ci_high"], rtol=1e-4, atol=1e-6)


def test_roc_matches_proc(data: Analysed) -> None:
    """pROC::roc(direction = '<'), ci.auc(method = 'delong'), coords(best.method = 'youden')."""
    ref = _load("roc")
    pain, eq5d = data.study.outcome("pain"), data.study.outcome("eq5d")
    predictor = data.values(pain, "t0") - data.values(pain, "t1")
    improved = data.values(eq5d, "t1", "level_sum") - data.values(eq5d, "t0", "level_sum") <= -1
    res = roc_curve(predictor, improved)
    assert (res.n_cases, res.n_controls) == (ref["n_cases"], ref["n_controls"])
    assert res.auc == pytest.approx(ref["auc"], abs=1e-12)
    assert res.ci[0] == pytest.approx(ref["ci_low"], abs=1e-9)
    assert res.ci[1] == pytest.approx(ref["ci_high"], abs=1e-9)
    assert len(res.best) == 1
    i = res.best[0]
    assert res.thresholds[i] == pytest.approx(ref["youden"]["threshold"])
    assert res.sensitivity[i] == pytest.approx(ref["youden"]["sensitivity"], abs=1e-12)
    assert res.specificity[i] == pytest.approx(ref["youden"]["specificity"], abs=1e-12)


@pytest.mark.parametrize(
    "case",
    _load("hodges_lehmann")["cases"],
    ids=lambda c: f"{c['kind']}-{c['outcome']}-{c['time']}-{c.get('group', '')}",
)
def test_hodges_lehmann_matches_wilcox_test(data: Analysed, case: dict[str, Any]) -> None:
    """wilcox.test(conf.int = TRUE): estimate and interval, 1e-6 absolute."""
    outcome = data.study.outcome(case["outcome"])
    resp = data.group_mask(data.labels[0])
    if case["kind"] == "between":
        x = data.values(outcome, case["time"])
        res = hodges_lehmann(x[resp], x[~resp])
    else:
        later, earlier = case["time"].split("-")
        if case["kind"] == "between_change":
            x = data.values(outcome, later) - data.values(outcome, earlier)
            res = hodges_lehmann(x[resp], x[~resp])
        else:
            mask = data.group_mask(case["group"])
            res = hodges_lehmann(
                data.values(outcome, later)[mask], data.values(outcome, earlier)[mask], paired=True
            )
    for field in ("estimate", "ci_low", "ci_high"):
        assert getattr(res, field) == pytest.approx(case[field], abs=1e-6)


@pytest.mark.parametrize(
    "case", _load("friedman")["cases"], ids=lambda c: f"{c['outcome']}-{c['group']}"
)
def test_friedman_and_holm_match_r(data: Analysed, case: dict[str, Any]) -> None:
    """friedman.test; wilcox.test(paired, exact = FALSE, correct = TRUE); p.adjust('holm')."""
    outcome = data.study.outcome(case["outcome"])
    mask = data.group_mask(case["group"])
    series = {t: data.values(outcome, t)[mask] for t in ("t0", "t1", "t4")}
    res = friedman(series["t0"], series["t1"], series["t4"])
    assert res.statistic == pytest.approx(case["statistic"], rel=1e-9)
    assert res.pvalue == pytest.approx(case["pvalue"], rel=1e-9)
    raw = [
        signed_rank(series[a], series[b], zero_method="wilcox", method="asymptotic").pvalue
        for a, b in (("t1", "t0"), ("t4", "t1"), ("t4", "t0"))
    ]
    np.testing.assert_allclose(raw, case["pairwise_p"], rtol=1e-9)
    from painresponse.stats.multiplicity import adjust_pvalues

    np.testing.assert_allclose(
        adjust_pvalues(np.array(raw), method="holm"), case["pairwise_holm"], rtol=1e-9
    )


@pytest.mark.parametrize(
    "case", _load("wilson")["cases"], ids=lambda c: f"{c['time']}-{c['rule']}{c['threshold']}"
)
def test_wilson_matches_prop_test(data: Analysed, case: dict[str, Any]) -> None:
    """prop.test(x, n, correct = FALSE)$conf.int, 1e-12 absolute; counts exact."""
    pain = data.study.outcome("pain")
    base, follow = data.values(pain, "t0"), data.values(pain, case["time"])
    x = (base - follow) / base * 100 if case["rule"] == "percent" else base - follow
    count = int((x >= case["threshold"] - 1e-9).sum())
    assert (count, x.size) == (case["count"], case["n"])
    low, high = wilson_interval(count, x.size)
    assert low == pytest.approx(case["ci_low"], abs=1e-12)
    assert high == pytest.approx(case["ci_high"], abs=1e-12)
