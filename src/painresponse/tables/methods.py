"""The statistical-methods paragraph, written from what was actually run."""

from __future__ import annotations

import platform

from painresponse.study import Study
from painresponse.tables.model import PValue, Table

__all__ = ["methods_sentences", "software_versions"]


def software_versions() -> dict[str, str]:
    """Versions of painresponse and the libraries that computed the results."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"Python": platform.python_version()}
    for name in ("painresponse", "numpy", "scipy", "polars"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "unknown"
    return out


def _methods_used(tables: dict[str, Table]) -> list[str]:
    seen: list[str] = []
    for table in tables.values():
        for _, _, cell in table.pvalue_cells():
            method = cell.result.method
            if isinstance(cell, PValue) and method not in seen and method != "not computed":
                seen.append(method)
    return seen


def _tests_per_table(tables: dict[str, Table]) -> dict[str, int]:
    """Computed p-values per table, by the table's printed number."""
    counts = {}
    for table in tables.values():
        n = sum(1 for _, _, c in table.pvalue_cells() if not c.is_missing)
        if n:
            counts[str(table.number)] = n
    return counts


def _multiplicity(study: Study, tables: dict[str, Table]) -> str:
    """Whether and how p-values were adjusted, and how many tests each table holds."""
    counts = _tests_per_table(tables)
    total = sum(counts.values())
    listed = "; ".join(f"Table {k}, {n}" for k, n in counts.items())
    methods: dict[str, list[str]] = {}
    for table in tables.values():
        names = {c.adjustment for _, _, c in table.pvalue_cells() if c.adjustment}
        for name in sorted(names):
            methods.setdefault(name, []).append(str(table.number))
    if not methods:
        return (
            f"P-values are not adjusted for multiple comparisons and are exploratory "
            f"({total} tests: {listed})."
        )
    parts = [
        f"{_tables_named(numbers)} with the {name} method" for name, numbers in methods.items()
    ]
    done = {k for numbers in methods.values() for k in numbers}
    rest = [k for k in counts if k not in done]
    text = f"P-values are adjusted for multiple comparisons within each table in {'; '.join(parts)}"
    if rest:
        text += f"; those of {_tables_named(rest)} are unadjusted and exploratory"
    return f"{text} ({total} tests: {listed})."


def _tables_named(numbers: list[str]) -> str:
    """``Table 4``, ``Tables 4 and 5``, ``Tables 1, 2 and S3``."""
    if len(numbers) == 1:
        return f"Table {numbers[0]}"
    return f"Tables {', '.join(numbers[:-1])} and {numbers[-1]}"


def _circularity(study: Study, tables: dict[str, Table]) -> list[str]:
    """The sentence on tests that compare groups on the values that define them."""
    flagged = [c for t in tables.values() for _, _, c in t.pvalue_cells() if c.defines_groups]
    if not flagged:
        return []
    rule = study.responder
    outcome = study.outcome(rule.outcome).label
    follow_up, baseline = study.time(rule.follow_up).label, study.time(rule.baseline).label
    what = (
        f"Tests of {outcome} at {follow_up}, and of its change from {baseline}, compare the "
        "groups on the values that define them"
    )
    if study.tests.circular == "omit":
        return [f"{what}; they were not computed."]
    return [f"{what}; their P-values hold by construction, are marked † and are descriptive."]


def _data_preparation(study: Study) -> list[str]:
    """Sentences for what the study file derived from the recorded values."""
    out = []
    for v in study.variables:
        if v.cut:
            side = "upper" if v.closed == "right" else "lower"
            edges = ", ".join(f"{c:g}" for c in v.cut)
            out.append(
                f"{v.label} was grouped as {', '.join(v.cut_labels())} at {edges} (each "
                f"cut point belongs to the {'lower' if side == 'upper' else 'upper'} group)."
            )
        if v.recode:
            codes = ", ".join(f"{k} = {x}" for k, x in v.recode.items())
            out.append(f"{v.label} was recorded as codes ({codes}).")
    na = {
        text: None
        for text in [
            *study.input.na_values,
            *(x for v in study.variables for x in v.na_values),
            *(x for o in study.outcomes for x in o.na_values),
        ]
    }
    if na:
        listed = ", ".join(f"“{x}”" for x in na)
        out.append(f"Cells recorded as {listed} were treated as not recorded.")
    return out


def _supplementary(study: Study, tables: dict[str, Table]) -> list[str]:
    """One sentence per supplementary analysis that was run (keys of the table registry)."""
    opts = study.extended
    level = f"{opts.conf_level:.0%}"
    said = {
        "tableS1_mixed_model": (
            "Change over time was also modelled per outcome with a linear mixed model (time × "
            "group, random intercept per patient; REML estimates, group × time tested by a "
            + (
                "likelihood-ratio test between ML fits)."
                if opts.mixed_test == "lrt"
                else "Wald test)."
            )
        ),
        "tableS2_responder_rates": (
            f"Responder rates under other definitions are given with Wilson {level} confidence "
            "intervals, and the agreement of response between follow-ups with Cohen's kappa."
        ),
        "tableS3_predictors": (
            "Predictors of response were examined by univariable and multivariable logistic "
            "regression (odds ratios with Wald intervals)."
        ),
        "tableS4_friedman": (
            "Change across all time points within each group was tested with the Friedman test."
        ),
        "tableS5_eq5d_index": (
            "EQ-5D-5L index values were computed from published value sets (docs/eq5d.md)."
        ),
        "tableS6_roc": (
            "Pain reduction as a marker of improved quality of life was assessed by ROC "
            f"analysis (AUC with DeLong's {level} interval, Youden-optimal cut-off)."
        ),
        "tableS10_cpra": (
            "Cumulative proportions of responders were computed over every percent reduction, "
            f"with pointwise {level} percentile bootstrap bands ({opts.cpra_bootstrap:,} "
            f"resamples, seed {opts.bootstrap_seed}), and compared with rank tests of the "
            "percent reduction."
        ),
        "tableS11_anchor_thresholds": (
            "The clinically important change in pain was estimated against the anchor by the "
            "ROC (Youden) and mean-change methods, overall and by baseline-pain stratum, with "
            f"stratified bootstrap {level} intervals ({opts.anchor_bootstrap:,} resamples, seed "
            f"{opts.bootstrap_seed})."
        ),
    }
    sentences = [text for key, text in said.items() if key in tables]
    if "tableS9_dropout_sensitivity" in tables:
        from painresponse.tables.supplementary.dropout import dropout_methods_sentence

        sentences.append(dropout_methods_sentence(opts, table="S9"))
    return sentences


def methods_sentences(
    study: Study, tables: dict[str, Table], software: dict[str, str]
) -> tuple[str, ...]:
    """Sentences of the methods paragraph.

    Parameters
    ----------
    study : Study
        Supplies the responder rule, time points and analysis options.
    tables : dict of str to Table
        The tables as built: the tests named are those that produced their p-values.
    software : dict
        Name → version, from :func:`software_versions`.
    """
    rule = study.responder
    outcome = study.outcome(rule.outcome)
    yes, no = study.group_labels()
    rule_text = rule.describe(
        outcome.label, study.time(rule.baseline).label, study.time(rule.follow_up).label
    )
    times = ", ".join(
        f"{t.label} ({t.description})" if t.description else t.label for t in study.time_points
    )
    sentences = [
        f"Outcomes were recorded at {times}.",
        f"Patients with {rule_text} "
        f"formed the {yes.lower()} group; the others formed the {no.lower()} group.",
        "Data are expressed as mean ± standard deviation, median (interquartile range; quartiles "
        "by SAS's default definition), or number (percentage), as appropriate.",
        "Categorical variables were compared between groups with Pearson's chi-square test "
        "without continuity correction when no expected count was below 1 and at most 20% of "
        "expected counts were below 5 (Cochran's rule), and otherwise with the "
        "Fisher–Freeman–Halton exact test; continuous variables declared normally distributed "
        "were compared with Student's t-test, and other continuous variables and scores with "
        "the Wilcoxon rank-sum test.",
        "Changes within each group were compared with the Wilcoxon signed-rank test"
        + (
            " (zero differences dropped before ranking)."
            if study.analysis.zero_method == "wilcox"
            else " (zero differences ranked, then dropped: Pratt's method)."
        ),
    ]
    sentences += _data_preparation(study)
    preset = {
        "sas": (
            "Tests follow SAS 9.4's defaults: PROC FREQ's Pearson chi-square (Fisher's exact "
            "test for 2×2 tables), PROC NPAR1WAY's Wilcoxon rank-sum test with the normal "
            "approximation and continuity correction, and PROC UNIVARIATE's signed-rank test "
            "(exact up to 20 non-zero differences, then its t approximation)."
        ),
        "r": (
            "Tests follow R's defaults: chisq.test (Yates's correction for 2×2 tables) and "
            "wilcox.test (exact without ties below 50 observations, otherwise the normal "
            "approximation with continuity correction)."
        ),
    }.get(study.tests.preset)
    if preset:
        sentences.append(preset)
    used = _methods_used(tables)  # each table's footnotes name its tests; no list here
    if any("exact" in m.lower() and "rank" in m.lower() for m in used):
        sentences.append(
            "Exact rank-test p-values come from the exact permutation distribution conditional on "
            "the observed ties (as SAS PROC NPAR1WAY EXACT and R coin report)."
        )
    sentences += _supplementary(study, tables)
    sentences += _circularity(study, tables)
    sentences.append(_multiplicity(study, tables))
    sentences.append("All tests were two-sided; P < 0.05 was considered statistically significant.")
    libs = ", ".join(f"{k} {v}" for k, v in software.items() if k != "painresponse")
    sentences.append(
        f"Analyses were performed with painresponse {software.get('painresponse', '')} ({libs})."
    )
    return tuple(sentences)
