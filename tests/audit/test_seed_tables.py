"""The seed study's Tables 1–3 (examples/), audited: every known problem, and nothing else.

The known problems come from reproducing the study (docs/calibration.md, docs/decisions.md,
tests/test_published_study.py): the surgery-type p (0.979) is Pearson's chi-square although
2 of 6 expected counts are below 5; time after surgery (0.229) matches no test of 14/27 vs
11/32 (chi-square 0.391, Yates 0.536, Fisher 0.476); the Patients column swaps the
block-distance rows and their p (0.063) repeats surgery range's; 6/41 is printed 16.6%;
age's p (0.296) is not the pooled t-test of its means and SDs (0.228); the responders' T1
pain mean (4.9) is impossible under the ≥ 50% rule. The audit also finds three percents the
calibration lists as misprints (75.7% for 33/43; 78.1% and 19.1%, which only rounding twice
gives).
"""

from __future__ import annotations

from painresponse.audit import AuditResult, Check

T1, T2, T3 = "lsgb-fbss-table1", "lsgb-fbss-table2", "lsgb-fbss-table3"

#: Every finding of severity error or warning, and no other (no false alarm).
EXPECTED = {
    (T1, "Age (years)", "", "pvalue", "warning"),
    (T1, "Diagnosis", "Spinal stenosis", "percent", "warning"),
    (T1, "Diagnosis", "Spinal stenosis", "percent", "error"),
    (T1, "Lumbar lesion level", "L5-S1", "percent", "warning"),
    (T2, "Surgery type", "", "test-choice", "warning"),
    (T2, "Time after spinal surgery", "", "pvalue", "error"),
    (T3, "Block level", "3 level", "percent", "error"),
    (T3, "Block level distance from surgery", "", "pvalue", "error"),
    (T3, "Block level distance from surgery", "", "duplicate-p", "warning"),
    (T3, "Block level distance from surgery", "1 level", "total", "error"),
    (T3, "Block level distance from surgery", "≥2 level", "total", "error"),
    (T3, "Pain (NRS)", "T1", "rule", "error"),
}
#: The notes: what cannot be checked from the table, or is worth knowing.
EXPECTED_INFO = {
    (T3, "Pain (NRS)", "T4", "pvalue", "info"),  # printed 0.000
    (T3, "Coldness of legs (NRS)", "T1", "pvalue", "info"),  # a rank test's p
}


def key(check: Check) -> tuple[str, str, str, str, str]:
    return check.table, check.variable, check.level, check.check, check.severity


def only(result: AuditResult, variable: str, check: str, level: str = "") -> Check:
    found = [
        c
        for c in result.findings
        if c.variable == variable and c.check == check and c.level == level
    ]
    assert len(found) == 1, found
    return found[0]


def test_exactly_the_known_findings(seed_audit: AuditResult) -> None:
    serious = {key(c) for c in seed_audit.findings if c.severity in ("error", "warning")}
    assert serious == EXPECTED
    assert {key(c) for c in seed_audit.findings if c.severity == "info"} == EXPECTED_INFO
    assert seed_audit.exit_code == 1


def test_surgery_type_is_chi_square_despite_sparse_cells(seed_audit: AuditResult) -> None:
    choice = only(seed_audit, "Surgery type", "test-choice")
    assert "0.979 is Pearson's chi-square" in choice.detail
    assert "2 of 6 cells (33%) have expected counts below 5" in choice.detail
    assert "Fisher's exact test gives 1.000" in choice.detail
    passed = [c for c in seed_audit.checks if c.variable == "Surgery type" and c.check == "pvalue"]
    assert [c.severity for c in passed] == ["ok"]  # the p itself is reproduced


def test_time_after_surgery_matches_no_test(seed_audit: AuditResult) -> None:
    detail = only(seed_audit, "Time after spinal surgery", "pvalue").detail
    assert "Responder 14/27, Non-responder 11/32" in detail
    for value in ("chi-square 0.391", "Yates-corrected chi-square 0.536", "Fisher's exact 0.476"):
        assert value in detail
    assert detail.endswith("none gives 0.229")


def test_block_distance_swap_and_copied_p(seed_audit: AuditResult) -> None:
    swap = only(seed_audit, "Block level distance from surgery", "total", "1 level").detail
    assert "printed 28, but Responder + Non-responder = 2 + 4 = 6" in swap
    assert "are swapped" in swap
    other = only(seed_audit, "Block level distance from surgery", "total", "≥2 level").detail
    assert "printed 6, but Responder + Non-responder = 16 + 12 = 28" in other
    copied = only(seed_audit, "Block level distance from surgery", "duplicate-p").detail
    assert "also the printed p of Surgery range (level) (lsgb-fbss-table2)" in copied
    assert "Fisher–Freeman–Halton 0.063" in copied
    pvalue = only(seed_audit, "Block level distance from surgery", "pvalue").detail
    assert "Fisher–Freeman–Halton 0.479" in pvalue


def test_misprinted_percents(seed_audit: AuditResult) -> None:
    block = only(seed_audit, "Block level", "percent", "3 level").detail
    assert "printed 16.6% for 6 of 41, but 6/41 = 14.634%, 14.6% at 1 decimal" in block
    spinal = [c for c in seed_audit.findings if c.level == "Spinal stenosis"]
    details = {c.severity: c.detail for c in spinal}
    assert "33/43 = 76.744%" in details["error"]
    assert "rounding twice (78.05 → 78.1)" in details["warning"]


def test_age_p_is_not_the_pooled_t_test(seed_audit: AuditResult) -> None:
    detail = only(seed_audit, "Age (years)", "pvalue").detail
    assert "Student's t 0.228" in detail
    assert "Welch's t 0.231" in detail
    assert "no t-test gives 0.296" in detail


def test_responders_t1_mean_is_impossible_under_the_rule(seed_audit: AuditResult) -> None:
    detail = only(seed_audit, "Pain (NRS)", "rule", "T1").detail
    assert detail.startswith("Responder: T1 mean 4.9")
    assert "at most 0.5 × the T0 mean 7.2 (≤ 7.25) = 3.625" in detail
    assert "⌊0.5 × 297⌋ = 148, a mean of 3.61" in detail


def test_rank_test_rows_are_not_reproducible_from_summaries(seed_audit: AuditResult) -> None:
    detail = only(seed_audit, "Coldness of legs (NRS)", "pvalue", "T1").detail
    assert "not reproducible from summaries" in detail
    # the other Table 3 rows are reproduced by a t-test of their summaries, within rounding
    table3 = [c for c in seed_audit.checks if c.table == T3 and c.check == "pvalue" and c.level]
    assert sum(c.severity == "ok" for c in table3) == 8


def test_consistent_rows_are_recomputed_and_pass(seed_audit: AuditResult) -> None:
    ok = {(c.variable, c.check) for c in seed_audit.checks if c.severity == "ok"}
    for variable in (
        "Sex",
        "Diagnosis",
        "Duration of pain (y)",
        "Lumbar lesion level",
        "Lesion severity",
        "Surgery range (level)",
        "Block level",
        "Block side",
    ):
        assert (variable, "pvalue") in ok
        assert (variable, "total") in ok
    sex = next(c for c in seed_audit.checks if c.variable == "Sex" and c.check == "pvalue").detail
    assert "Pearson's chi-square 0.801 ✓" in sex
    range_ = next(
        c
        for c in seed_audit.checks
        if c.variable == "Surgery range (level)" and c.check == "pvalue"
    ).detail
    assert "Fisher–Freeman–Halton 0.063 ✓" in range_


def test_each_table_alone_has_no_cross_table_finding() -> None:
    from painresponse.audit import audit, example_tables

    table3 = audit(example_tables()[2])
    assert not [c for c in table3.findings if c.check in ("duplicate-p", "rule")]
