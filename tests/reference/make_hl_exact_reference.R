# Reference values for the exact Hodges-Lehmann intervals without ties, computed with R.
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_hl_exact_reference.R
# (Debian/Ubuntu packages: r-base-core r-cran-jsonlite). The script is seeded: the same R and
# package versions give a byte-identical tests/reference/hl_exact.json, which
# tests/stats/test_exact_intervals.py compares with
#   hodges_lehmann(x, y, method = "exact")                (two samples)
#   hodges_lehmann(x, y, paired = TRUE, method = "exact") (paired)
# and with the exact conditional inversion itself, which must give R's interval on untied data.
#
# Inputs lie on the grid k / 100 (a correctly rounded double in R and in Python alike) and
# are drawn without ties: no value shared within or between the samples; paired: no zero
# difference and no tie among |x - y| (checked on the doubles R and Python both compute).

suppressPackageStartupMessages({
  library(stats)
  library(jsonlite)
})

SEED <- 20250214L
set.seed(SEED, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"

HEADER <- list(
  generated_by = "tests/reference/make_hl_exact_reference.R",
  R_version = R.version.string,
  packages = list(
    stats = as.character(packageVersion("stats")),
    jsonlite = as.character(packageVersion("jsonlite"))
  ),
  seed = SEED,
  RNGkind = RNGkind()
)

vec <- function(x) I(as.vector(x))

check_roundtrip <- function(x) {
  back <- fromJSON(toJSON(as.vector(x), digits = NA))
  if (!isTRUE(all.equal(as.numeric(back), as.numeric(x), tolerance = 0))) {
    stop("input does not round-trip through JSON: ", paste(x, collapse = ", "))
  }
  invisible(x)
}

run_case <- function(design, x, y, conf_level) {
  check_roundtrip(x)
  check_roundtrip(y)
  w <- withCallingHandlers(
    wilcox.test(x, y, paired = design == "paired", conf.int = TRUE, exact = TRUE,
                correct = FALSE, conf.level = conf_level),
    warning = function(wrn) invokeRestart("muffleWarning")
  )
  level <- attr(w$conf.int, "conf.level")
  list(
    design = design,
    x = vec(x),
    y = vec(y),
    conf_level_requested = conf_level,
    statistic = unname(w$statistic),
    pvalue = w$p.value,
    estimate = unname(w$estimate),
    ci_low = w$conf.int[1],
    ci_high = w$conf.int[2],
    conf_level = level,
    conf_level_lowered = !isTRUE(all.equal(level, conf_level, tolerance = 0))
  )
}

draw_two <- function(m, n) {
  shift <- sample(c(0L, 0L, 50L, -50L, 300L), 1)
  repeat {
    pool <- sample(1:2000, m + n)
    x <- pool[seq_len(m)] / 100
    y <- (pool[m + seq_len(n)] + shift) / 100
    if (!anyDuplicated(c(x, y))) return(list(x = x, y = y))
  }
}

draw_paired <- function(n) {
  shift <- sample(c(0L, 0L, 40L, -40L, 150L), 1)
  repeat {
    x <- sample(100:900, n, replace = TRUE) / 100
    y <- (sample(100:900, n, replace = TRUE) + shift) / 100
    d <- x - y
    if (all(d != 0) && !anyDuplicated(abs(d))) return(list(x = x, y = y))
  }
}

LEVELS <- c(0.8, 0.9, 0.95, 0.99)
cases <- list()
# Two samples: tiny (R lowers the level) to 30 per group.
for (i in 1:70) {
  m <- if (i <= 10) sample(1:4, 1) else sample(2:30, 1)
  n <- if (i <= 10) sample(1:4, 1) else sample(2:30, 1)
  d <- draw_two(m, n)
  cases[[length(cases) + 1]] <- run_case("two-sample", d$x, d$y, LEVELS[(i %% 4) + 1])
}
# Paired: 1 to 40 pairs.
for (i in 1:60) {
  n <- if (i <= 10) sample(1:6, 1) else sample(5:40, 1)
  d <- draw_paired(n)
  cases[[length(cases) + 1]] <- run_case("paired", d$x, d$y, LEVELS[(i %% 4) + 1])
}
for (i in seq_along(cases)) cases[[i]]$id <- sprintf("hl_exact-%03d", i)

obj <- list(
  header = HEADER,
  family = "hl_exact",
  r_call = paste(
    "wilcox.test(x, y, paired = FALSE|TRUE, conf.int = TRUE, exact = TRUE, correct = FALSE,",
    "conf.level = conf_level_requested); $statistic, $p.value, $estimate, $conf.int,",
    "attr(conf.int, 'conf.level')"
  ),
  python_call = paste(
    "hodges_lehmann(x, y, paired=design == 'paired', method='exact', conf_level=...);",
    ".statistic, .pvalue, .estimate, .ci_low, .ci_high, .conf_level"
  ),
  tolerance = list(
    rel = 1e-12,
    note = paste(
      "|python - R| <= rel * |R| for statistic, p-value, estimate and interval ends",
      "(jsonlite digits = NA writes 15 significant digits); R reports a lowered level as",
      "1 - signif(achieved alpha, 2), compared after rounding Python's alike"
    )
  ),
  n_cases = length(cases),
  cases = cases
)
path <- file.path(OUT_DIR, "hl_exact.json")
writeLines(toJSON(obj, auto_unbox = TRUE, digits = NA, na = "null", null = "null"), path)
cat(sprintf("%-24s %4d cases  %8d bytes\n", "hl_exact", length(cases), file.size(path)))
