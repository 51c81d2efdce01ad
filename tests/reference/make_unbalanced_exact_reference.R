# Exact Wilcoxon rank-sum p-values of a small group against a large one, computed with R coin.
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_unbalanced_exact_reference.R
# (packages: coin, jsonlite; a few minutes). Seeded. Scores are the integers 0..K-1 and the
# counts per value of each group are stored, so inputs round-trip exactly. Each case records
# coin's elapsed seconds. tests/stats/test_exact_unbalanced.py compares every case at
# relative 1e-10 (floor 1e-300), through the automatic choice and through each exact route
# (five-category hypergeometric sums, the network programme, certified Fourier inversion
# with the Cauchy row bound).

OUT_DIR <- local({
  args <- commandArgs(trailingOnly = FALSE)
  script_path <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"
})
source(file.path(OUT_DIR, "coin_rank_cases.R"))
add_case <- coin_rank_cases(
  20261206L, file.path(OUT_DIR, "unbalanced_exact.json"),
  generated_by = "tests/reference/make_unbalanced_exact_reference.R", label_width = 40L
)

# five values (a 0-4 scale): the nested hypergeometric sums
add_case("40+1500 on 5 values", 5L, 40L, 1500L, FALSE, 0L, "two.sided")
add_case("40+1500 on 5 values, skewed, shift", 5L, 40L, 1500L, TRUE, 1L, "two.sided")
add_case("120+1500 on 5 values, skewed, shift", 5L, 120L, 1500L, TRUE, 1L, "greater")
add_case("200+1200 on 5 values, shift", 5L, 200L, 1200L, FALSE, 1L, "less")
# 0-10 scale
add_case("60+2000 on 11 values", 11L, 60L, 2000L, FALSE, 0L, "two.sided")
add_case("40+2000 on 11 values, skewed, shift", 11L, 40L, 2000L, TRUE, 2L, "two.sided")
# many values: the Cauchy row bound of the Fourier grid, or the programme
add_case("30+3000 on 100 values", 100L, 30L, 3000L, FALSE, 0L, "two.sided")
add_case("50+2500 on 100 values", 100L, 50L, 2500L, FALSE, 0L, "two.sided")
add_case("50+2500 on 100 values, shift", 100L, 50L, 2500L, FALSE, 15L, "greater")
add_case("40+2000 on 60 values, skewed", 60L, 40L, 2000L, TRUE, 0L, "two.sided")
