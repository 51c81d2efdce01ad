# Reference values for painresponse.stats.trend_test (linear-by-linear association test,
# ordinal trend), computed with R coin::lbl_test (an independent implementation).
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_trend_reference.R
# (Debian/Ubuntu packages: r-base-core r-cran-coin r-cran-jsonlite).
# The script is seeded: the same R and package versions give a byte-identical trend.json.
# tests/stats/test_trend.py compares every case; tests/reference/README.md states the
# tolerance and the R calls.
#
# Inputs round-trip exactly through JSON: counts are integers, custom scores are integers,
# decimals on a grid k / 100 or k / 4, or "real" scores rounded to 15 significant digits
# (the double nearest a 15-digit decimal prints and parses back to itself).

suppressPackageStartupMessages({
  library(stats)
  library(coin)
  library(jsonlite)
})

SEED <- 20250117L
set.seed(SEED, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"

HEADER <- list(
  generated_by = "tests/reference/make_trend_reference.R",
  R_version = R.version.string,
  packages = list(
    stats = as.character(packageVersion("stats")),
    coin = as.character(packageVersion("coin")),
    jsonlite = as.character(packageVersion("jsonlite"))
  ),
  seed = SEED,
  RNGkind = RNGkind()
)

TOL <- list(
  rel = 1e-9,
  abs_floor_pvalue = 1e-15,
  abs_floor_other = 1e-12,
  note = paste(
    "|python - R| <= rel * |R| + floor; floor = 1e-15 for p-values (tiny p-values),",
    "1e-12 for Z, the linear statistic, its expectation and variance"
  )
)

vec <- function(x) I(as.vector(x))
tab_rows <- function(tab) I(lapply(seq_len(nrow(tab)), function(i) as.integer(tab[i, ])))

check_roundtrip <- function(x) {
  if (is.null(x)) return(invisible(x))
  back <- fromJSON(toJSON(as.vector(x), digits = NA, na = "null"))
  if (!isTRUE(all.equal(as.numeric(back), as.numeric(x), tolerance = 0))) {
    stop("input does not round-trip through JSON: ", paste(x, collapse = ", "))
  }
  invisible(x)
}

# ---------------------------------------------------------------------------------------
# The R call behind every case
# ---------------------------------------------------------------------------------------
# scores: column scores (Var2), row_scores: row scores (Var1); NULL = coin's default
# (1..k for an ordered factor; a two-level factor is not ordered: first level vs second).
lbl <- function(tab, scores = NULL, row_scores = NULL, distribution = "asymptotic",
                alternative = "two.sided") {
  sc <- list()
  if (!is.null(scores)) sc$Var2 <- scores
  if (!is.null(row_scores)) sc$Var1 <- row_scores
  tab <- as.table(tab)
  if (length(sc)) {
    lbl_test(tab, scores = sc, distribution = distribution, alternative = alternative)
  } else {
    lbl_test(tab, distribution = distribution, alternative = alternative)
  }
}

summarise <- function(it) {
  list(
    # a degenerate table (no variation in the scores) has Z = NaN; those are not kept
    pvalue = tryCatch(as.numeric(pvalue(it)), error = function(e) NA_real_),
    statistic = as.numeric(statistic(it)),
    linear = as.numeric(statistic(it, type = "linear")),
    expectation = as.numeric(expectation(it)),
    variance = as.numeric(variance(it))
  )
}

# ---------------------------------------------------------------------------------------
# Validation of coin before writing anything (stop on disagreement)
# ---------------------------------------------------------------------------------------
# Every 2 x c table with the observed margins, its multivariate hypergeometric probability
# and the first row's score sum.
brute_2xc <- function(tab, sc) {
  a <- tab[1, ]
  tot <- colSums(tab)
  m <- sum(a)
  N <- sum(tot)
  grid <- as.matrix(expand.grid(lapply(tot, function(x) 0:x)))
  grid <- grid[rowSums(grid) == m, , drop = FALSE]
  prob <- apply(grid, 1, function(r) prod(choose(tot, r))) / choose(N, m)
  T <- as.vector(grid %*% sc)
  t0 <- sum(a * sc)
  E <- m * sum(tot * sc) / N
  eps <- 1e-9
  c(
    two.sided = sum(prob[abs(T - E) >= abs(t0 - E) - eps]),
    less = sum(prob[T <= t0 + eps]),
    greater = sum(prob[T >= t0 - eps]),
    total = sum(prob)
  )
}

# Z by the textbook formula: sqrt(N - 1) times the Pearson correlation of the scores.
z_formula <- function(tab, u, v) {
  N <- sum(tab)
  ri <- rowSums(tab)
  cj <- colSums(tab)
  ub <- sum(ri * u) / N
  vb <- sum(cj * v) / N
  cov <- sum(outer(u - ub, v - vb) * tab)
  cov / sqrt(sum(ri * (u - ub)^2) * sum(cj * (v - vb)^2) / (N - 1))
}

validate_coin <- function() {
  tiny <- list(
    list(tab = rbind(c(3, 1, 0, 4), c(1, 5, 9, 2)), sc = 1:4),
    list(tab = rbind(c(2, 2, 1), c(0, 3, 4)), sc = 1:3),
    list(tab = rbind(c(1, 0, 2, 2, 1), c(2, 3, 0, 1, 1)), sc = c(0, 1, 3, 7, 12)),
    list(tab = rbind(c(4, 1, 0), c(0, 2, 5)), sc = c(0.25, 1.5, 1.75)),
    list(tab = rbind(c(3, 1, 0, 4), c(1, 5, 9, 2)), sc = c(0, 1 / 3, 1, sqrt(2))),
    list(tab = rbind(c(2, 0, 3, 1), c(1, 4, 1, 2)), sc = log(1:4 + 0.5)),
    list(tab = rbind(c(2, 0, 3, 1), c(1, 0, 1, 2)), sc = 1:4), # an empty column
    list(tab = rbind(c(1, 2, 3), c(3, 2, 1)), sc = c(3, 1, 2)) # non-monotone scores
  )
  for (case in tiny) {
    bf <- brute_2xc(case$tab, case$sc)
    if (abs(bf[["total"]] - 1) > 1e-12) stop("enumeration does not sum to 1")
    for (alt in c("two.sided", "less", "greater")) {
      p <- as.numeric(pvalue(lbl(case$tab, scores = case$sc, distribution = "exact",
        alternative = alt)))
      if (abs(p - bf[[alt]]) > 1e-12) {
        stop(sprintf("coin lbl_test exact (%s) disagrees with enumeration: %.17g vs %.17g",
          alt, p, bf[[alt]]))
      }
    }
  }
  # Asymptotic Z against the textbook formula, r x c and 2 x c, default and custom scores.
  checks <- list(
    list(tab = rbind(c(3, 1, 2, 3), c(1, 5, 6, 5), c(4, 9, 5, 8)), u = NULL, v = NULL),
    list(tab = rbind(c(3, 1, 2, 3), c(1, 5, 6, 5), c(4, 9, 5, 8)), u = c(0, 1, 4),
      v = c(1, 2, 2.5, 10)),
    list(tab = rbind(c(3, 4, 5, 2), c(1, 1, 9, 6)), u = c(2, 1), v = NULL),
    list(tab = rbind(c(0, 4, 5, 2, 0), c(1, 1, 0, 6, 0), c(2, 0, 3, 3, 0)), u = NULL, v = NULL)
  )
  for (ch in checks) {
    u <- if (is.null(ch$u)) seq_len(nrow(ch$tab)) else ch$u
    v <- if (is.null(ch$v)) seq_len(ncol(ch$tab)) else ch$v
    z <- as.numeric(statistic(lbl(ch$tab, scores = ch$v, row_scores = ch$u)))
    if (abs(z - z_formula(ch$tab, u, v)) > 1e-12 * max(1, abs(z))) {
      stop("coin's Z differs from sqrt(N - 1) r")
    }
  }
  # Direction: a two-level factor counts as (first level, second level) = (1, 0): Z > 0
  # when the first row lies towards the higher column scores.
  up <- rbind(c(0, 1, 2, 8), c(8, 2, 1, 0))
  if (!(as.numeric(statistic(lbl(up))) > 0 &&
    pvalue(lbl(up, distribution = "exact", alternative = "greater")) < 0.01)) {
    stop("unexpected coin direction convention (2 x c)")
  }
  if (!(as.numeric(statistic(lbl(t(up)))) > 0)) stop("unexpected direction (r x 2)")
  # An r x 2 table is the transposed 2 x r problem: same Z, and the exact test (which coin
  # runs on the 2 x r table only) is taken from the transpose.
  tab <- rbind(c(3, 1), c(4, 1), c(5, 9), c(2, 6))
  if (abs(as.numeric(statistic(lbl(tab))) - as.numeric(statistic(lbl(t(tab))))) > 1e-12) {
    stop("r x 2 and its transpose disagree")
  }
  cat("coin lbl_test exact p-values agree with enumeration on", length(tiny),
    "tiny 2 x c tables; Z agrees with sqrt(N - 1) r on", length(checks), "tables\n")
}
validate_coin()

# ---------------------------------------------------------------------------------------
# Data generators
# ---------------------------------------------------------------------------------------
# Random r x c table of n counts: row-specific category probabilities with a random trend,
# sometimes a forced empty column, so zero cells appear at small n.
gen_table <- function(nr, nc, n, empty_column = FALSE) {
  base <- rgamma(nc, shape = 1.5)
  slope <- rnorm(1, 0, 0.6)
  rows_n <- as.vector(rmultinom(1, n, rgamma(nr, shape = 4)))
  tab <- t(sapply(seq_len(nr), function(i) {
    p <- base * exp(slope * (i - 1) * (seq_len(nc) - 1) / max(1, nc - 1))
    as.vector(rmultinom(1, rows_n[i], p))
  }))
  if (empty_column) tab[, sample(nc, 1)] <- 0L
  storage.mode(tab) <- "integer"
  tab
}

draw_n <- function() {
  switch(sample(c("small", "medium", "large"), 1, prob = c(0.35, 0.4, 0.25)),
    small = sample(10:30, 1),
    medium = sample(31:100, 1),
    large = sample(101:200, 1)
  )
}

draw_scores <- function(k, n, real_ok) {
  kind <- sample(c("default", "integer", "decimal", "unordered", "real"), 1,
    prob = c(0.45, 0.2, 0.15, 0.05, 0.15))
  if (kind == "real" && !real_ok) kind <- "integer"
  sc <- switch(kind,
    default = NULL,
    integer = sort(sample(0:12, k)),
    decimal = if (runif(1) < 0.5) sort(sample(0:40, k)) / 4 else sort(sample(0:500, k)) / 100,
    unordered = sample(0:9, k, replace = TRUE),
    real = as.numeric(sprintf("%.15g", log(seq_len(k) + runif(1, 0.1, 2))))
  )
  if (!is.null(sc) && length(unique(sc)) < 2) sc <- seq_len(k)
  check_roundtrip(sc)
  list(kind = kind, scores = sc)
}

draw_alternative <- function() sample(c("two.sided", "two.sided", "less", "greater"), 1)

usable <- function(res) is.finite(res$statistic) && is.finite(res$pvalue)

entry <- function(kind, tab, scores, row_scores, method, alternative, res, extra = list()) {
  c(list(
    kind = kind, table = tab_rows(tab),
    scores = if (is.null(scores)) NULL else vec(scores),
    row_scores = if (is.null(row_scores)) NULL else vec(row_scores),
    method = method, alternative = sub("two.sided", "two-sided", alternative)
  ), res, extra)
}

cases <- list()
add <- function(x) cases[[length(cases) + 1L]] <<- x

# ---------------------------------------------------------------------------------------
# 1. 2 x c, exact (coin's shift algorithm; split-up for real scores, n <= 30)
# ---------------------------------------------------------------------------------------
n_exact <- 0L
while (n_exact < 130L) {
  nc <- sample(3:6, 1)
  n <- draw_n()
  tab <- gen_table(2, nc, n, empty_column = runif(1) < 0.15)
  sc <- draw_scores(nc, n, real_ok = n <= 30)
  rs <- if (runif(1) < 0.08) c(1, 2) else NULL
  alt <- draw_alternative()
  it <- suppressWarnings(lbl(tab, sc$scores, rs, distribution = "exact", alternative = alt))
  res <- summarise(it)
  if (!usable(res)) next
  add(entry(paste0("2xc exact, ", sc$kind, " scores"), tab, sc$scores, rs, "exact", alt, res,
    list(coin_algorithm = it@distribution@name)))
  n_exact <- n_exact + 1L
}

# ---------------------------------------------------------------------------------------
# 2. 2 x c, exact, n = 400..1000 with scores spread over 0..100 (Python's Fourier branch;
#    coin's shift algorithm overflows a little above n = 1000)
# ---------------------------------------------------------------------------------------
n_large <- 0L
while (n_large < 12L) {
  nc <- sample(4:6, 1)
  tab <- gen_table(2, nc, sample(400:1000, 1))
  sc <- sort(sample(0:100, nc))
  alt <- draw_alternative()
  it <- suppressWarnings(lbl(tab, sc, NULL, distribution = "exact", alternative = alt))
  res <- summarise(it)
  if (!usable(res)) next
  add(entry("2xc exact large, integer scores", tab, sc, NULL, "exact", alt, res,
    list(coin_algorithm = it@distribution@name)))
  n_large <- n_large + 1L
}

# ---------------------------------------------------------------------------------------
# 3. 2 x c, asymptotic
# ---------------------------------------------------------------------------------------
n_asym <- 0L
while (n_asym < 60L) {
  nc <- sample(3:6, 1)
  tab <- gen_table(2, nc, draw_n(), empty_column = runif(1) < 0.1)
  sc <- draw_scores(nc, sum(tab), real_ok = TRUE)
  rs <- if (runif(1) < 0.1) c(1, 2) else NULL
  alt <- draw_alternative()
  res <- suppressWarnings(summarise(lbl(tab, sc$scores, rs, alternative = alt)))
  if (!usable(res)) next
  add(entry(paste0("2xc asymptotic, ", sc$kind, " scores"), tab, sc$scores, rs, "asymptotic",
    alt, res))
  n_asym <- n_asym + 1L
}

# ---------------------------------------------------------------------------------------
# 4. r x c (r, c >= 3), asymptotic
# ---------------------------------------------------------------------------------------
n_rxc <- 0L
while (n_rxc < 50L) {
  nr <- sample(3:5, 1)
  nc <- sample(3:6, 1)
  tab <- gen_table(nr, nc, sample(20:300, 1), empty_column = runif(1) < 0.1)
  sc <- draw_scores(nc, sum(tab), real_ok = TRUE)
  rs <- draw_scores(nr, sum(tab), real_ok = TRUE)
  alt <- draw_alternative()
  res <- suppressWarnings(summarise(lbl(tab, sc$scores, rs$scores, alternative = alt)))
  if (!usable(res)) next
  add(entry(paste0("rxc asymptotic, ", sc$kind, "/", rs$kind, " scores"), tab, sc$scores,
    rs$scores, "asymptotic", alt, res))
  n_rxc <- n_rxc + 1L
}

# ---------------------------------------------------------------------------------------
# 5. r x 2: asymptotic from coin directly; exact from coin on the transposed 2 x r table
# ---------------------------------------------------------------------------------------
n_rx2 <- 0L
while (n_rx2 < 20L) {
  nr <- sample(3:6, 1)
  tab <- gen_table(nr, 2, draw_n())
  rs <- draw_scores(nr, sum(tab), real_ok = FALSE)
  alt <- draw_alternative()
  if (n_rx2 %% 2L == 0L) {
    res <- suppressWarnings(summarise(lbl(tab, NULL, rs$scores, alternative = alt)))
    method <- "asymptotic"
    extra <- list()
  } else {
    it <- suppressWarnings(lbl(t(tab), rs$scores, NULL, distribution = "exact", alternative = alt))
    res <- summarise(it)
    z_direct <- suppressWarnings(as.numeric(statistic(lbl(tab, NULL, rs$scores))))
    if (is.finite(res$statistic) && abs(z_direct - res$statistic) > 1e-12 * max(1, abs(z_direct))) {
      stop("r x 2 Z differs from its transpose")
    }
    method <- "exact"
    extra <- list(coin_algorithm = it@distribution@name, r_note = "coin run on t(table)")
  }
  if (!usable(res)) next
  add(entry(paste0("rx2 ", method, ", ", rs$kind, " row scores"), tab, NULL, rs$scores, method,
    alt, res, extra))
  n_rx2 <- n_rx2 + 1L
}

for (i in seq_along(cases)) cases[[i]]$id <- sprintf("trend-%03d", i)
obj <- list(
  header = HEADER,
  family = "trend",
  r_call = paste(
    "coin::lbl_test(as.table(table), scores = list(Var2 = scores, Var1 = row_scores),",
    "distribution = method, alternative = a) (a score entry only when not null);",
    "pvalue(), statistic(), statistic(type = 'linear'), expectation(), variance().",
    "r x 2 exact cases: the same on t(table) with scores = list(Var2 = row_scores)."
  ),
  python_call = paste(
    "r = trend_test(table, scores=scores, row_scores=row_scores, method=method,",
    "alternative=alternative); r.pvalue, r.statistic, r.details['linear_statistic'],",
    "r.details['expectation'], r.details['variance']"
  ),
  tolerance = TOL,
  notes = list(
    direction = paste(
      "A two-level factor is not ordered in coin: it counts as (first level, second level) =",
      "(1, 0), so Z > 0 when the first row (column) lies towards the higher scores of the",
      "other dimension; row_scores = c(1, 2) flips the sign. Verified in the script."
    ),
    two_sided = "exact: P(|T - E| >= |t - E|) (coin: P(Z <= -|z|) + P(Z >= |z|), 1.5e-8 tolerance)",
    exact_algorithms = paste(
      "coin's shift algorithm (Streitberg-Roehmel) for scores that are integers after",
      "multiplying by 1, 2, 10, ..., 1e5; van de Wiel's split-up algorithm for real scores",
      "(kept to n <= 30: coin runs out of memory or crashes above about n = 45)"
    ),
    empty_columns = "zero-margin columns keep their default score (their position) as in coin"
  ),
  n_cases = length(cases),
  cases = cases
)
path <- file.path(OUT_DIR, "trend.json")
writeLines(toJSON(obj, auto_unbox = TRUE, digits = NA, na = "null", null = "null"), path)
cat(sprintf("%-24s %4d cases  %8d bytes\n", "trend", length(cases), file.size(path)))
