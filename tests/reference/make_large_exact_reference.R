# Exact Wilcoxon rank-sum and signed-rank p-values at large sizes, computed with R coin.
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_large_exact_reference.R          # cases coin does in < ~2 min
#     Rscript tests/reference/make_large_exact_reference.R --large  # adds the slow ones
# (packages: coin, jsonlite). Seeded; the JSON is rewritten after every case, so an
# interrupted run keeps what coin managed. tests/stats/test_exact_large.py compares every
# case at rel 1e-10 (floor 1e-300). Cases coin cannot compute (its exact distributions
# overflow double precision beyond about 1,000 observations) are listed under "failures"
# with their data, coin's message and the seconds it took to fail.
#
# Inputs round-trip exactly: scores are integers (counts per value 0..K are stored) and
# continuous data lie on the grid k / 100. Each case records coin's elapsed seconds.

suppressPackageStartupMessages({
  library(coin)
  library(jsonlite)
})

SEED <- 20250611L
set.seed(SEED, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
LARGE <- "--large" %in% commandArgs(trailingOnly = TRUE)

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"
OUT <- file.path(OUT_DIR, "rank_exact_large.json")

HEADER <- list(
  generated_by = "tests/reference/make_large_exact_reference.R",
  R_version = R.version.string,
  packages = list(
    coin = as.character(packageVersion("coin")),
    jsonlite = as.character(packageVersion("jsonlite"))
  ),
  seed = SEED,
  RNGkind = RNGkind(),
  r_call_rank_sum = paste(
    "pvalue(coin::wilcox_test(v ~ g, data = data.frame(v = c(x, y), g = factor(rep(c('x', 'y'),",
    "c(length(x), length(y))), levels = c('x', 'y'))), distribution = 'exact', alternative = a))"
  ),
  r_call_signed_rank = paste(
    "pvalue(coin::wilcoxsign_test(before ~ after, distribution = 'exact',",
    "zero.method = 'Wilcoxon', alternative = a)); the differences before - after are stored"
  ),
  python_call = paste(
    "rank_sum_from_counts(0..K, counts_x, counts_y, method='exact') or rank_sum(x, y, ...);",
    "signed_rank_from_counts(values, counts, method='exact')"
  ),
  tolerance = list(rel = 1e-10, abs_floor_pvalue = 1e-300)
)

cases <- list()
failures <- list()
save_all <- function() {
  out <- c(HEADER, list(n_cases = length(cases), cases = cases, failures = failures))
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE), OUT)
}

# The data of the case being computed, kept so a failure can be recorded with it.
pending <- NULL

attempt <- function(label, expr) {
  t0 <- proc.time()[["elapsed"]]
  tryCatch(expr, error = function(e) {
    secs <- proc.time()[["elapsed"]] - t0
    msg <- gsub("\\s+", " ", conditionMessage(e))
    failures[[length(failures) + 1L]] <<- c(list(label = label, coin_error = msg,
                                                  coin_seconds = secs), pending)
    save_all()
    message(sprintf("coin failed on %s after %.1f s, case skipped: %s", label, secs, msg))
  })
}

rank_sum_case <- function(label, x, y, alternative, counts = NULL) {
  d <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(length(x), length(y))),
                                          levels = c("x", "y")))
  t0 <- proc.time()[["elapsed"]]
  p <- pvalue(wilcox_test(v ~ g, data = d, distribution = "exact", alternative = alternative))
  secs <- proc.time()[["elapsed"]] - t0
  case <- list(test = "rank_sum", label = label, alternative = alternative,
               m = length(x), n = length(y), pvalue = as.numeric(p), coin_seconds = secs)
  if (is.null(counts)) {
    case$x <- I(x); case$y <- I(y)
  } else {
    case$values <- I(counts$values); case$counts_x <- I(counts$cx); case$counts_y <- I(counts$cy)
  }
  cases[[length(cases) + 1L]] <<- case
  save_all()
  message(sprintf("%-40s %-9s p = %.6g  (%.1f s)", label, alternative, p, secs))
}

scale_case <- function(label, m, n, k, shift, alternative = "two.sided") {
  x <- pmin(k, pmax(0L, sample.int(k + 1L, m, replace = TRUE) - 1L))
  y <- pmin(k, pmax(0L, sample.int(k + 1L, n, replace = TRUE) - 1L +
                     rbinom(n, 1L, shift) * sample.int(max(1L, k %/% 5L), n, replace = TRUE)))
  lv <- 0:k
  counts <- list(values = lv, cx = as.integer(table(factor(x, lv))),
                 cy = as.integer(table(factor(y, lv))))
  pending <<- list(test = "rank_sum", alternative = alternative, m = m, n = n,
                   values = I(counts$values), counts_x = I(counts$cx), counts_y = I(counts$cy))
  rank_sum_case(label, x, y, alternative, counts)
}

continuous_case <- function(label, m, n, shift, alternative = "two.sided", untied = TRUE) {
  if (untied) {
    pool <- sample.int(1000000L, m + n) / 100  # distinct grid values k / 100
    z <- qnorm(rank(pool) / (m + n + 1))       # order for a normal-looking shift
    pool <- sort(pool)[rank(z + c(rep(0, m), rep(shift, n)), ties.method = "first")]
    x <- pool[seq_len(m)]; y <- pool[m + seq_len(n)]
  } else {
    x <- round(rnorm(m), 2); y <- round(rnorm(n, shift), 2)  # a few ties
  }
  rank_sum_case(label, x, y, alternative)
}

signed_case <- function(label, n, k, shift, alternative = "two.sided") {
  before <- sample.int(k + 1L, n, replace = TRUE) - 1L
  change <- sample.int(2L * (k %/% 5L) + 1L, n, replace = TRUE) - 1L - k %/% 5L
  after <- pmin(k, pmax(0L, before + change - rbinom(n, 1L, shift)))
  dd <- before - after
  tab <- table(dd)
  pending <<- list(test = "signed_rank", alternative = alternative, n = n,
                   values = I(as.integer(names(tab))), counts = I(as.integer(tab)))
  t0 <- proc.time()[["elapsed"]]
  p <- pvalue(wilcoxsign_test(before ~ after, distribution = "exact", zero.method = "Wilcoxon",
                              alternative = alternative))
  secs <- proc.time()[["elapsed"]] - t0
  cases[[length(cases) + 1L]] <<- list(
    test = "signed_rank", label = label, alternative = alternative, n = n,
    values = I(as.integer(names(tab))), counts = I(as.integer(tab)),
    pvalue = as.numeric(p), coin_seconds = secs)
  save_all()
  message(sprintf("%-40s %-9s p = %.6g  (%.1f s)", label, alternative, p, secs))
}

# coin's "less" is x below y (first factor level), as wilcox.test(x, y).
scale_case("rank_sum 150+150 scale 0-10", 150, 150, 10, 0.3)
scale_case("rank_sum 150+150 scale 0-10 one-sided", 150, 150, 10, 0.5, "less")
continuous_case("rank_sum 120+100 continuous (few ties)", 120, 100, 0.1, untied = FALSE)
continuous_case("rank_sum 50+50 untied", 50, 50, 0.4)
continuous_case("rank_sum 120+100 untied", 120, 100, 0.3)
continuous_case("rank_sum 300+300 untied", 300, 300, 0.15)
continuous_case("rank_sum 300+300 untied small p", 300, 300, 0.7, "less")
scale_case("rank_sum 200+200 scale 0-100", 200, 200, 100, 0.3)
scale_case("rank_sum 300+300 scale 0-10", 300, 300, 10, 0.6)
signed_case("signed_rank 300 pairs scale 0-10", 300, 10, 0.2)
signed_case("signed_rank 500 pairs scale 0-100", 500, 100, 0.2)
continuous_case("rank_sum 500+500 untied", 500, 500, 0.1)
if (LARGE) {  # coin overflows on 2000 pairs; each case is skipped when coin fails
  attempt("signed_rank 1000 pairs scale 0-10",
          signed_case("signed_rank 1000 pairs scale 0-10", 1000, 10, 0.1))
  attempt("rank_sum 500+500 scale 0-100",
          scale_case("rank_sum 500+500 scale 0-100", 500, 500, 100, 0.2))
  attempt("rank_sum 1000+1000 scale 0-10",
          scale_case("rank_sum 1000+1000 scale 0-10", 1000, 1000, 10, 0.1))
}

# Issue #14 (exact at every practical size): the mid sizes that were slow, small p-values,
# one-sided tests, and the new limits where coin can still compute. Own seed, so these do
# not depend on --large.
set.seed(SEED + 14L, kind = "Mersenne-Twister", normal.kind = "Inversion",
         sample.kind = "Rejection")
continuous_case("rank_sum 150+150 untied", 150, 150, 0.25)
continuous_case("rank_sum 200+180 continuous (few ties)", 200, 180, 0.2, untied = FALSE)
continuous_case("rank_sum 250+250 untied greater", 250, 250, -0.3, "greater")
continuous_case("rank_sum 300+300 continuous (few ties)", 300, 300, 0.6, untied = FALSE)
continuous_case("rank_sum 80+120 untied small p", 80, 120, 1.6, "less")
scale_case("rank_sum 100+100 scale 0-99", 100, 100, 99, 0.3)
scale_case("rank_sum 150+150 scale 0-10 small p", 150, 150, 10, 1.0)
scale_case("rank_sum 250+200 scale 0-10 less", 250, 200, 10, 0.4, "less")
scale_case("rank_sum 400+400 scale 0-4", 400, 400, 4, 0.3)
signed_case("signed_rank 500 pairs scale 0-10 greater", 500, 10, 0.0, "greater")
signed_case("signed_rank 800 pairs scale 0-30", 800, 30, 0.15)
signed_case("signed_rank 1000 pairs scale 0-10 small p", 1000, 10, 0.5)
signed_continuous_case <- function(label, n, shift, alternative = "two.sided") {
  # measurements in hundredths, as integers: differences are exact and tie exactly
  before <- round(rnorm(n, 5) * 100); after <- before - round(rnorm(n, shift) * 100)
  dd <- before - after
  t0 <- proc.time()[["elapsed"]]
  p <- pvalue(wilcoxsign_test(before ~ after, distribution = "exact", zero.method = "Wilcoxon",
                              alternative = alternative))
  secs <- proc.time()[["elapsed"]] - t0
  tab <- table(dd)
  cases[[length(cases) + 1L]] <<- list(
    test = "signed_rank", label = label, alternative = alternative, n = n,
    values = I(as.integer(names(tab))), counts = I(as.integer(tab)),
    pvalue = as.numeric(p), coin_seconds = secs)
  save_all()
  message(sprintf("%-40s %-9s p = %.6g  (%.1f s)", label, alternative, p, secs))
}
signed_continuous_case("signed_rank 400 pairs continuous", 400, 0.1)
signed_continuous_case("signed_rank 900 pairs continuous", 900, 0.05)
if (LARGE) {
  continuous_case("rank_sum 400+400 continuous (few ties)", 400, 400, 0.15, untied = FALSE)
  attempt("signed_rank 2000 pairs scale 0-10",
          signed_case("signed_rank 2000 pairs scale 0-10", 2000, 10, 0.1))
  attempt("signed_rank 5000 pairs scale 0-10",
          signed_case("signed_rank 5000 pairs scale 0-10", 5000, 10, 0.1))
  attempt("rank_sum 5000+5000 scale 0-10",
          scale_case("rank_sum 5000+5000 scale 0-10", 5000, 5000, 10, 0.05))
}
save_all()
