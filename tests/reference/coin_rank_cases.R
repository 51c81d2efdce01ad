# Shared by make_unbalanced_exact_reference.R and make_rank_corners_reference.R: seeded
# cases of coin's exact Wilcoxon rank-sum test on the integer scores 0..K-1, written to a
# JSON file after every case (the counts per value of each group, so inputs round-trip
# exactly, and coin's elapsed seconds). Not run on its own: each script sources it with its
# seed and output file, then calls add_case().

suppressPackageStartupMessages({
  library(coin)
  library(jsonlite)
})

# Set the seed and the output; returns add_case(label, K, m, n, skew, shift, alternative):
# K values, m + n patients; skewed: geometric-like frequencies; shift: added to x (capped).
coin_rank_cases <- function(seed, out_file, generated_by, label_width = 40L) {
  set.seed(seed, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
  header <- list(
    generated_by = generated_by,
    R_version = R.version.string,
    packages = list(
      coin = as.character(packageVersion("coin")),
      jsonlite = as.character(packageVersion("jsonlite"))
    ),
    seed = seed,
    r_call = paste(
      "pvalue(coin::wilcox_test(v ~ g, data = data.frame(v = c(x, y), g = factor(rep(c('x', 'y'),",
      "c(length(x), length(y))), levels = c('x', 'y'))), distribution = 'exact', alternative = a))"
    ),
    python_call = "rank_sum_from_counts(0..K-1, counts_x, counts_y, method='exact', alternative=a)",
    tolerance = list(rel = 1e-10, abs_floor_pvalue = 1e-300)
  )
  cases <- list()
  save_all <- function() {
    out <- c(header, list(n_cases = length(cases), cases = cases))
    writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE), out_file)
  }
  line <- paste0("%-", label_width, "s %-10s p = %.6g (%.1f s)\n")
  function(label, K, m, n, skew, shift, alternative) {
    prob <- if (skew) exp(-(0:(K - 1)) / (K / 4)) else rep(1, K)
    x <- pmin(sample(0:(K - 1), m, TRUE, prob) + shift, K - 1L)
    y <- sample(0:(K - 1), n, TRUE, prob)
    d <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(m, n)), levels = c("x", "y")))
    t0 <- proc.time()[["elapsed"]]
    p <- pvalue(wilcox_test(v ~ g, data = d, distribution = "exact", alternative = alternative))
    elapsed <- proc.time()[["elapsed"]] - t0
    cases[[length(cases) + 1L]] <<- list(
      label = label, K = K, counts_x = tabulate(x + 1L, K), counts_y = tabulate(y + 1L, K),
      alternative = alternative, pvalue = as.numeric(p), coin_seconds = elapsed
    )
    cat(sprintf(line, label, alternative, p, elapsed))
    save_all()
  }
}

