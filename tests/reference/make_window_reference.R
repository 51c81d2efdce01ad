# Exact Wilcoxon rank-sum p-values near the centre, computed with R coin: the cases that
# issue #14's tenth round sends to one untilted Fourier grid over the probability between
# the two tails (painresponse.stats._exact_window, details["algorithm"] == "fourier
# (middle)").
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_window_reference.R
# (packages: coin, jsonlite; several minutes). Seeded. Two-sided tests of a small group
# against a large one on 11-100 values, flat and skewed scales, at sizes coin's exact
# algorithm finishes in about a minute. Scores are the integers 0..K-1 and the counts per
# value of each group are stored, so inputs round-trip exactly; each case records coin's
# elapsed seconds. tests/stats/test_exact_window.py compares every case at relative 1e-10
# (floor 1e-300) and checks the route.

OUT_DIR <- local({
  args <- commandArgs(trailingOnly = FALSE)
  script_path <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"
})
source(file.path(OUT_DIR, "coin_rank_cases.R"))
add_case <- coin_rank_cases(
  20261208L, file.path(OUT_DIR, "rank_window.json"),
  generated_by = "tests/reference/make_window_reference.R", label_width = 40L
)

add_case("60+3000 on 100 values", 100L, 60L, 3000L, FALSE, 0L, "two.sided")
add_case("50+3000 on 60 values", 60L, 50L, 3000L, FALSE, 0L, "two.sided")
add_case("100+2000 on 30 values", 30L, 100L, 2000L, FALSE, 0L, "two.sided")
add_case("80+2500 on 30 values, skewed", 30L, 80L, 2500L, TRUE, 0L, "two.sided")
add_case("100+2000 on 11 values", 11L, 100L, 2000L, FALSE, 0L, "two.sided")
add_case("80+2500 on 100 values, skewed", 100L, 80L, 2500L, TRUE, 0L, "two.sided")
add_case("100+2000 on 60 values, skewed", 60L, 100L, 2000L, TRUE, 0L, "two.sided")
add_case("150+1500 on 30 values", 30L, 150L, 1500L, FALSE, 0L, "two.sided")
add_case("150+1500 on 100 values", 100L, 150L, 1500L, FALSE, 0L, "two.sided")
add_case("200+1500 on 11 values, skewed", 11L, 200L, 1500L, TRUE, 0L, "two.sided")
