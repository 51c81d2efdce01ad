# Exact Wilcoxon rank-sum p-values at the slow corners of issue #14, computed with R coin.
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_rank_corners_reference.R
# (packages: coin, jsonlite; several minutes). Seeded. The corners: a small group against a
# large one on 7-100 values (the network programme, or a Fourier grid with many rows), and
# skewed scales with a strong shift (p-values from 1e-10 to below 1e-60; one tail far
# smaller than the other). Sizes are kept where coin's exact algorithm finishes in about a
# minute (it cannot reach 5,000 patients). Scores are the integers 0..K-1 and the counts per
# value of each group are stored, so inputs round-trip exactly; each case records coin's
# elapsed seconds. tests/stats/test_exact_rank_corners.py compares every case at relative
# 1e-10 (floor 1e-300).

OUT_DIR <- local({
  args <- commandArgs(trailingOnly = FALSE)
  script_path <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"
})
source(file.path(OUT_DIR, "coin_rank_cases.R"))
add_case <- coin_rank_cases(
  20261207L, file.path(OUT_DIR, "rank_corners.json"),
  generated_by = "tests/reference/make_rank_corners_reference.R", label_width = 44L
)

# a small group against a large one, many values: the network programme
add_case("20+4000 on 100 values", 100L, 20L, 4000L, FALSE, 0L, "two.sided")
add_case("30+3000 on 60 values, skewed", 60L, 30L, 3000L, TRUE, 0L, "two.sided")
add_case("50+2000 on 30 values", 30L, 50L, 2000L, FALSE, 0L, "two.sided")
add_case("40+2500 on 30 values, shift", 30L, 40L, 2500L, FALSE, 4L, "greater")
# few values (0-6, 0-10): the network programme or a Fourier grid with many rows
add_case("100+1500 on 7 values", 7L, 100L, 1500L, FALSE, 0L, "two.sided")
add_case("80+2000 on 11 values, skewed", 11L, 80L, 2000L, TRUE, 0L, "two.sided")
add_case("60+2000 on 7 values, skewed, shift", 7L, 60L, 2000L, TRUE, 1L, "less")
# strong shifts on skewed scales: tiny p-values, one tail far smaller than the other
add_case("150+1200 on 11 values, skewed, shift", 11L, 150L, 1200L, TRUE, 2L, "two.sided")
add_case("120+1500 on 5 values, skewed, shift", 5L, 120L, 1500L, TRUE, 2L, "two.sided")
add_case("150+1000 on 5 values, shift", 5L, 150L, 1000L, FALSE, 1L, "two.sided")
