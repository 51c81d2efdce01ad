# R reference for the Fisher–Freeman–Halton network kernel (issue #14): p-values AND R's
# running times on a seeded set of 80 r x c tables at the sizes the kernel is built for.
#
# Regenerate from the repository root (takes tens of minutes: R's FEXACT is the slow part):
#     Rscript tests/reference/make_fisher_network_reference.R
# Writes tests/reference/fisher_network.json next to this script. The tables and p-values
# are deterministic (seeded); the timings are not (they depend on the machine and its load:
# the header records where they were measured). tests/stats/test_fisher_network.py compares
# the p-values; benchmarks/fisher_exact.py reads the set and R's times.
#
# The set (80 tables, "cases"): 28 4 x 4 and 40 4 x 5 tables with n = 80..150, 12 5 x 6
# tables with n = 80..100. Row and column shares are Dirichlet with a random concentration,
# cell probabilities their product times exp(lambda * z) (z standard normal, lambda random):
# for each table a target log10 p is drawn uniformly on [-6, 0] and, of 40 candidates, the
# one whose chi-square p-value is nearest to it is kept, so the exact p-values spread from
# about 1e-7 to 1. Tables with an empty row or column are redrawn.
# "extra": a few small or sparse tables of other shapes (zero cells, 2 x 7, 6 x 6, 3 x 8).
#
# R call: fisher.test(m, workspace = 2e8) (R's default workspace, 2e5, fails on most of
# these tables); the time is the elapsed time of that call alone (system.time), R start-up
# excluded. A table R cannot do records its error message and the time until the error.

suppressPackageStartupMessages(library(jsonlite))

SEED <- 20260314L
set.seed(SEED, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
WORKSPACE <- 2e8

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"

tab_rows <- function(tab) I(lapply(seq_len(nrow(tab)), function(i) as.integer(tab[i, ])))

rdirichlet <- function(k, alpha) {
  g <- rgamma(k, shape = alpha)
  g / sum(g)
}

candidate <- function(r, c, n) {
  repeat {
    alpha <- runif(1, 2, 20)
    lambda <- runif(1, 0, 1.2)
    probs <- outer(rdirichlet(r, alpha), rdirichlet(c, alpha)) *
      exp(lambda * matrix(rnorm(r * c), r, c))
    tab <- matrix(rmultinom(1, n, as.vector(probs)), r, c)
    if (all(rowSums(tab) > 0) && all(colSums(tab) > 0)) return(tab)
  }
}

draw_table <- function(r, c, n_range) {
  n <- sample(n_range, 1)
  target <- runif(1, -6, 0)
  best <- NULL
  best_gap <- Inf
  for (k in 1:40) {
    tab <- candidate(r, c, n)
    p <- suppressWarnings(chisq.test(tab)$p.value)
    gap <- abs(log10(max(p, 1e-300)) - target)
    if (gap < best_gap) {
      best <- tab
      best_gap <- gap
    }
  }
  best
}

run_fisher <- function(tab) {
  result <- NULL
  seconds <- system.time(
    result <- tryCatch(
      list(pvalue = fisher.test(tab, workspace = WORKSPACE)$p.value, error = NULL),
      error = function(e) list(pvalue = NULL, error = gsub("\\s+", " ", conditionMessage(e)))
    )
  )[["elapsed"]]
  case <- list(table = tab_rows(tab), n = sum(tab), shape = I(dim(tab)), r_seconds = seconds)
  if (is.null(result$error)) {
    case$pvalue <- result$pvalue
  } else {
    case$r_error <- result$error
  }
  case
}

shapes <- c(rep(list(c(4, 4)), 28), rep(list(c(4, 5)), 40), rep(list(c(5, 6)), 12))
tables <- lapply(shapes, function(s) {
  draw_table(s[1], s[2], if (s[1] == 5) 80:100 else 80:150)
})

extra_tables <- list(
  matrix(c(0, 3, 0, 5, 1, 0, 2, 0, 4, 0, 1, 2, 0, 3, 0, 0, 2, 1, 0, 4,
           1, 0, 0, 2, 3, 0, 2, 0, 1, 0), 5, 6, byrow = TRUE),
  matrix(c(12, 3, 7, 9, 1, 14, 5, 4, 10, 8, 2, 6, 11, 9), 2, 7, byrow = TRUE),
  matrix(c(2, 0, 1, 3, 0, 1, 0, 2, 1, 0, 3, 1, 1, 1, 0, 2, 2, 0,
           0, 3, 1, 0, 1, 2, 2, 0, 0, 1, 3, 1, 1, 2, 2, 0, 0, 1), 6, 6, byrow = TRUE),
  matrix(c(5, 2, 8, 1, 4, 6, 3, 7, 2, 9, 4, 3, 6, 1, 5, 8, 7, 1, 5, 4, 2, 3, 6, 9), 3, 8,
         byrow = TRUE),
  matrix(c(20, 0, 0, 0, 18, 0, 0, 0, 22, 1, 0, 0, 0, 1, 0, 0, 0, 19), 6, 3, byrow = TRUE),
  matrix(c(9, 8, 10, 7, 9, 8, 10, 9, 7, 8, 9, 10, 8, 9, 10, 7, 8, 9, 9, 10), 4, 5, byrow = TRUE)
)

cases <- lapply(seq_along(tables), function(i) {
  case <- run_fisher(tables[[i]])
  case$id <- sprintf("fisher_network-%03d", i)
  message(sprintf("%s %dx%d n=%d: %s (%.2f s)", case$id, nrow(tables[[i]]), ncol(tables[[i]]),
                  case$n, if (is.null(case$pvalue)) case$r_error else format(case$pvalue),
                  case$r_seconds))
  case
})
extra <- lapply(seq_along(extra_tables), function(i) {
  case <- run_fisher(extra_tables[[i]])
  case$id <- sprintf("fisher_network-extra-%02d", i)
  case
})

info <- Sys.info()
cpu <- tryCatch({
  lines <- readLines("/proc/cpuinfo", warn = FALSE)
  sub(".*: ", "", lines[grep("^model name", lines)][1])
}, error = function(e) "unknown")
obj <- list(
  header = list(
    generated_by = "tests/reference/make_fisher_network_reference.R",
    R_version = R.version.string,
    packages = list(stats = as.character(packageVersion("stats")),
                    jsonlite = as.character(packageVersion("jsonlite"))),
    seed = SEED,
    RNGkind = RNGkind(),
    machine = list(sysname = info[["sysname"]], release = info[["release"]], cpu = cpu,
                   cores = parallel::detectCores()),
    timing_note = paste(
      "r_seconds: elapsed time of fisher.test(m, workspace = 2e8) alone, one run, on the",
      "machine above (shared, so times are noisy); not deterministic, unlike the p-values"
    )
  ),
  family = "fisher_network",
  r_call = "fisher.test(m, workspace = 2e8)$p.value",
  python_call = "fisher_exact(table).pvalue",
  tolerance = list(rel = 1e-7, abs_floor_pvalue = 1e-15,
                   note = "R's network algorithm counts tables with p <= p_obs * (1 + 1e-7)"),
  n_cases = length(cases),
  cases = cases,
  extra = extra
)
path <- file.path(OUT_DIR, "fisher_network.json")
writeLines(toJSON(obj, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), path)
message("wrote ", path)
