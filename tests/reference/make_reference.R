# Reference values for painresponse.stats, computed with R (an independent implementation).
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_reference.R
# (Debian/Ubuntu packages: r-base-core r-cran-coin r-cran-exactranktests r-cran-jsonlite).
# The script is seeded: the same R and package versions give byte-identical JSON files.
# One JSON file per test family is written next to this script; tests/stats/test_against_r.py
# compares every case. See tests/reference/README.md for the tolerance and the R calls.
#
# Inputs are stored so that they round-trip exactly: counts and scores are integers, and
# continuous data lie on a grid k / 100 (a correctly rounded double in R and in Python alike).

suppressPackageStartupMessages({
  library(stats)
  library(coin)
  library(exactRankTests)
  library(jsonlite)
})

SEED <- 20241129L
set.seed(SEED, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"

HEADER <- list(
  generated_by = "tests/reference/make_reference.R",
  R_version = R.version.string,
  packages = list(
    stats = as.character(packageVersion("stats")),
    coin = as.character(packageVersion("coin")),
    exactRankTests = as.character(packageVersion("exactRankTests")),
    jsonlite = as.character(packageVersion("jsonlite"))
  ),
  seed = SEED,
  RNGkind = RNGkind()
)

TOL_DEFAULT <- list(
  rel = 1e-9,
  abs_floor_pvalue = 1e-15,
  abs_floor_other = 1e-12,
  note = paste(
    "|python - R| <= rel * |R| + floor; floor = 1e-15 for p-values (tiny p-values),",
    "1e-12 for statistics/estimates (values that are zero up to cancellation)"
  )
)

# Vectors are wrapped in I() so that length-1 vectors stay JSON arrays.
vec <- function(x) I(as.vector(x))
tab_rows <- function(tab) I(lapply(seq_len(nrow(tab)), function(i) as.integer(tab[i, ])))
num <- function(x) {
  x <- as.numeric(x)
  if (is.na(x)) return(NA)
  if (is.infinite(x)) return(if (x > 0) "Inf" else "-Inf")
  x
}

check_roundtrip <- function(x) {
  # Inputs must survive JSON exactly, otherwise R and Python would test different data.
  back <- fromJSON(toJSON(as.vector(x), digits = NA, na = "null"))
  if (!isTRUE(all.equal(as.numeric(back), as.numeric(x), tolerance = 0))) {
    stop("input does not round-trip through JSON: ", paste(x, collapse = ", "))
  }
  invisible(x)
}

write_family <- function(name, python_call, r_call, cases, tolerance = TOL_DEFAULT, notes = NULL) {
  for (i in seq_along(cases)) cases[[i]]$id <- sprintf("%s-%03d", name, i)
  obj <- list(
    header = HEADER,
    family = name,
    r_call = r_call,
    python_call = python_call,
    tolerance = tolerance,
    notes = notes,
    n_cases = length(cases),
    cases = cases
  )
  path <- file.path(OUT_DIR, paste0(name, ".json"))
  writeLines(toJSON(obj, auto_unbox = TRUE, digits = NA, na = "null", null = "null"), path)
  cat(sprintf("%-24s %4d cases  %8d bytes\n", name, length(cases), file.size(path)))
}

# ---------------------------------------------------------------------------------------
# Data generators
# ---------------------------------------------------------------------------------------
KINDS <- c("nrs", "eq5d", "heavy_ties", "many_zeros", "binary", "continuous")

gen_one <- function(kind, n, shift = 0L) {
  switch(kind,
    nrs = {
      prob <- rgamma(11, shape = 1)
      pmin(10L, pmax(0L, sample(0:10, n, TRUE, prob = prob) + shift))
    },
    eq5d = {
      prob <- c(0.4, 0.3, 0.15, 0.1, 0.05)[sample(5)]
      items <- matrix(sample(0:4, 5L * n, TRUE, prob = prob), nrow = n)
      as.integer(5L + pmin(20L, pmax(0L, rowSums(items) + shift)))
    },
    heavy_ties = sample(0:2, n, TRUE) + shift,
    many_zeros = ifelse(runif(n) < 0.7, 0L, sample(1:10, n, TRUE)) + shift,
    binary = sample(0:1, n, TRUE)
  )
}

# Two independent groups of sizes n1, n2 of the given kind (continuous: no ties at all).
gen_two <- function(kind, n1, n2) {
  if (kind == "continuous") {
    shift <- sample(c(0L, 0L, 30000L, -30000L), 1)
    repeat {
      x <- sample(1:200000, n1) / 100
      y <- (sample(1:200000, n2) + shift) / 100
      if (!anyDuplicated(c(x, y))) break
    }
    return(list(x = x, y = y))
  }
  shift <- sample(c(0L, 0L, 1L, 2L), 1)
  list(x = gen_one(kind, n1), y = gen_one(kind, n2, shift))
}

# Paired data (baseline x, follow-up y) of n patients.
gen_paired <- function(kind, n) {
  if (kind == "continuous") {
    # distinct |differences| and no zero differences
    x <- sample(1:200000, n) / 100
    d <- sample(c(-1, 1), n, TRUE) * sample(1:50000, n) / 100
    d <- d + sample(c(0, 0, 100, -100), 1)
    while (anyDuplicated(abs(d)) || any(d == 0)) {
      d <- sample(c(-1, 1), n, TRUE) * sample(1:50000, n) / 100
    }
    return(list(x = x, y = x - d))
  }
  x <- gen_one(kind, n)
  same <- runif(n) < switch(kind, many_zeros = 0.5, heavy_ties = 0.3, 0.15)
  y <- ifelse(same, x, gen_one(kind, n, shift = sample(-2:1, 1)))
  list(x = x, y = as.integer(y))
}

draw_size <- function() {
  switch(sample(c("tiny", "small", "medium", "large"), 1, prob = c(0.3, 0.35, 0.25, 0.1)),
    tiny = sample(1:5, 1),
    small = sample(6:15, 1),
    medium = sample(16:40, 1),
    large = sample(41:60, 1)
  )
}

pick_kind <- function() sample(KINDS, 1, prob = c(0.3, 0.15, 0.15, 0.15, 0.1, 0.15))

# ---------------------------------------------------------------------------------------
# Brute-force validation of coin's exact tied p-values (stop on disagreement)
# ---------------------------------------------------------------------------------------
brute_rank_sum <- function(x, y) {
  r <- rank(c(x, y))
  n1 <- length(x)
  N <- length(r)
  idx <- combn(N, n1)
  W <- colSums(matrix(r[idx], nrow = n1))
  w <- sum(r[seq_len(n1)])
  E <- n1 * (N + 1) / 2
  eps <- 1e-9
  c(
    two.sided = mean(abs(W - E) >= abs(w - E) - eps),
    less = mean(W <= w + eps),
    greater = mean(W >= w - eps)
  )
}

brute_signed_rank <- function(d, zero_method) {
  if (zero_method == "Wilcoxon") d <- d[d != 0]
  r <- rank(abs(d))
  keep <- d != 0 # Pratt: zeros are ranked, then carry no sign
  r <- r[keep]
  m <- length(r)
  signs <- as.matrix(expand.grid(rep(list(c(0, 1)), m)))
  T <- as.vector(signs %*% r)
  t_obs <- sum(r[d[keep] > 0])
  E <- sum(r) / 2
  eps <- 1e-9
  c(
    two.sided = mean(abs(T - E) >= abs(t_obs - E) - eps),
    less = mean(T <= t_obs + eps),
    greater = mean(T >= t_obs - eps)
  )
}

coin_rank_sum_p <- function(x, y, alternative) {
  dat <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(length(x), length(y))),
    levels = c("x", "y")
  ))
  as.numeric(pvalue(wilcox_test(v ~ g, data = dat, distribution = "exact",
    alternative = alternative)))
}

coin_signed_rank_p <- function(x, y, zero_method, alternative) {
  as.numeric(pvalue(wilcoxsign_test(x ~ y, distribution = "exact", zero.method = zero_method,
    alternative = alternative)))
}

validate_coin <- function() {
  tiny_two <- list(
    list(x = c(1, 1, 2), y = c(1, 2, 2, 3)),
    list(x = c(0, 0, 0, 1), y = c(0, 1, 1, 2, 2)),
    list(x = c(5, 5), y = c(5, 6, 7, 7, 7)),
    list(x = c(3, 1, 4, 1, 5), y = c(9, 2, 6, 5, 3, 5)),
    list(x = c(0, 0, 1), y = c(0, 0, 0, 0, 0, 2))
  )
  for (case in tiny_two) {
    bf <- brute_rank_sum(case$x, case$y)
    for (alt in names(bf)) {
      p <- coin_rank_sum_p(case$x, case$y, alt)
      if (abs(p - bf[[alt]]) > 1e-12) {
        stop(sprintf("coin wilcox_test exact (%s) disagrees with enumeration: %g vs %g", alt,
          p, bf[[alt]]))
      }
    }
  }
  tiny_paired <- list(
    list(x = c(3, 5, 5, 2, 7, 4), y = c(1, 5, 3, 4, 4, 4)),
    list(x = c(0, 0, 1, 2, 2, 3, 0), y = c(0, 1, 0, 0, 4, 1, 0)),
    list(x = c(6, 6, 6, 6, 6), y = c(5, 7, 4, 6, 5)),
    list(x = c(10, 8, 7, 9, 3, 2, 8, 8), y = c(6, 8, 7, 5, 3, 5, 4, 6))
  )
  for (case in tiny_paired) {
    for (zm in c("Pratt", "Wilcoxon")) {
      bf <- brute_signed_rank(case$x - case$y, zm)
      for (alt in names(bf)) {
        p <- coin_signed_rank_p(case$x, case$y, zm, alt)
        if (abs(p - bf[[alt]]) > 1e-12) {
          stop(sprintf("coin wilcoxsign_test exact (%s, %s) disagrees with enumeration: %g vs %g",
            zm, alt, p, bf[[alt]]))
        }
      }
    }
  }
  # coin's direction convention: alternative = "less" means the first factor level (x)
  # is located below the second (y), as in wilcox.test(x, y, alternative = "less").
  if (!(coin_rank_sum_p(c(1, 2, 3), c(10, 11, 12, 13), "less") < 0.05)) {
    stop("unexpected coin direction convention (rank sum)")
  }
  if (!(coin_signed_rank_p(c(5, 6, 7, 8, 9), c(1, 2, 3, 4, 4.5), "Pratt", "greater") < 0.05)) {
    stop("unexpected coin direction convention (signed rank)")
  }
  cat("coin exact p-values agree with brute-force enumeration on",
    length(tiny_two), "two-sample and", length(tiny_paired), "paired tiny cases\n")
}
validate_coin()

# ---------------------------------------------------------------------------------------
# 1. rank_sum exact (coin)
# ---------------------------------------------------------------------------------------
cross_check <- list()
cases <- list()
n_disagree_ert <- 0L
max_diff_ert <- 0
while (length(cases) < 180) {
  kind <- pick_kind()
  n1 <- draw_size()
  n2 <- if (runif(1) < 0.3) draw_size() else max(1L, n1 + sample(-3:3, 1))
  if (n1 + n2 < 3) next
  d <- gen_two(kind, n1, n2)
  if (length(unique(c(d$x, d$y))) < 2) next
  alternative <- sample(c("two.sided", "two.sided", "less", "greater"), 1)
  p <- coin_rank_sum_p(d$x, d$y, alternative)
  ert <- suppressWarnings(exactRankTests::wilcox.exact(d$x, d$y, alternative = alternative,
    exact = TRUE))$p.value
  diff <- abs(ert - p) / max(p, 1e-300)
  max_diff_ert <- max(max_diff_ert, diff)
  if (diff > 1e-9) n_disagree_ert <- n_disagree_ert + 1L
  check_roundtrip(d$x)
  check_roundtrip(d$y)
  cases[[length(cases) + 1]] <- list(
    kind = kind, x = vec(d$x), y = vec(d$y),
    alternative = sub("two.sided", "two-sided", alternative),
    pvalue = p, exactRankTests_pvalue = ert
  )
}
cross_check$rank_sum_exact <- list(
  compared = "exactRankTests::wilcox.exact(x, y, exact = TRUE, alternative = a)$p.value",
  n_disagree_rel_1e_9 = n_disagree_ert, max_rel_diff = max_diff_ert
)
write_family("rank_sum_exact",
  python_call = "rank_sum(x, y, method='exact', alternative=alternative).pvalue",
  r_call = paste(
    "coin::wilcox_test(v ~ g, data = data.frame(v = c(x, y),",
    "g = factor(rep(c('x', 'y'), c(length(x), length(y))), levels = c('x', 'y'))),",
    "distribution = 'exact', alternative = a); pvalue()"
  ),
  cases = cases,
  notes = list(
    direction = paste(
      "coin's alternative refers to the first factor level (x) versus the second (y):",
      "'less' = x located below y, same as wilcox.test(x, y, alternative = 'less').",
      "Verified in the script on x = 1:3, y = 10:13 (less: p = 0.0286, greater: p = 1)."
    ),
    two_sided = "P(|W - E| >= |w - E|) under the exact conditional (tied mid-rank) distribution",
    exactRankTests = cross_check$rank_sum_exact
  )
)

# ---------------------------------------------------------------------------------------
# 2. rank_sum asymptotic (wilcox.test)
# ---------------------------------------------------------------------------------------
cases <- list()
while (length(cases) < 320) {
  kind <- pick_kind()
  n1 <- draw_size()
  n2 <- if (runif(1) < 0.3) draw_size() else max(1L, n1 + sample(-3:3, 1))
  d <- gen_two(kind, n1, n2)
  if (length(unique(c(d$x, d$y))) < 2) next
  alternative <- sample(c("two.sided", "two.sided", "two.sided", "less", "greater"), 1)
  for (correct in c(TRUE, FALSE)) {
    wt <- wilcox.test(d$x, d$y, exact = FALSE, correct = correct, alternative = alternative)
    cases[[length(cases) + 1]] <- list(
      kind = kind, x = vec(d$x), y = vec(d$y),
      alternative = sub("two.sided", "two-sided", alternative), correction = correct,
      pvalue = wt$p.value, U = unname(wt$statistic)
    )
  }
}
write_family("rank_sum_asymptotic",
  python_call = paste(
    "r = rank_sum(x, y, method='asymptotic', correction=correction, alternative=alternative);",
    "r.pvalue, r.details['U']"
  ),
  r_call = "wilcox.test(x, y, exact = FALSE, correct = correction, alternative = a); $p.value, $statistic (W = U of x)",
  cases = cases
)

# ---------------------------------------------------------------------------------------
# 3. signed_rank exact (coin)
# ---------------------------------------------------------------------------------------
cases <- list()
n_disagree_ert <- 0L
max_diff_ert <- 0
while (length(cases) < 320) {
  kind <- pick_kind()
  n <- draw_size()
  d <- gen_paired(kind, n)
  diffs <- d$x - d$y
  if (all(diffs == 0)) next
  alternative <- sample(c("two.sided", "two.sided", "less", "greater"), 1)
  for (zm in c("Pratt", "Wilcoxon")) {
    p <- coin_signed_rank_p(d$x, d$y, zm, alternative)
    entry <- list(
      kind = kind, x = vec(d$x), y = vec(d$y),
      alternative = sub("two.sided", "two-sided", alternative),
      zero_method = if (zm == "Pratt") "pratt" else "wilcox", pvalue = p
    )
    if (zm == "Wilcoxon") {
      # exactRankTests drops zero differences (Wilcoxon's method)
      ert <- suppressWarnings(exactRankTests::wilcox.exact(d$x, d$y, paired = TRUE,
        alternative = alternative, exact = TRUE))$p.value
      diff <- abs(ert - p) / max(p, 1e-300)
      max_diff_ert <- max(max_diff_ert, diff)
      if (diff > 1e-9) n_disagree_ert <- n_disagree_ert + 1L
      entry$exactRankTests_pvalue <- ert
    }
    cases[[length(cases) + 1]] <- entry
  }
}
cross_check$signed_rank_exact <- list(
  compared = "exactRankTests::wilcox.exact(x, y, paired = TRUE, exact = TRUE) vs coin zero.method = 'Wilcoxon'",
  n_disagree_rel_1e_9 = n_disagree_ert, max_rel_diff = max_diff_ert
)
write_family("signed_rank_exact",
  python_call = "signed_rank(x, y, zero_method=zero_method, method='exact', alternative=alternative).pvalue",
  r_call = "coin::wilcoxsign_test(x ~ y, distribution = 'exact', zero.method = 'Pratt' | 'Wilcoxon', alternative = a); pvalue()",
  cases = cases,
  notes = list(
    direction = "d = x - y; 'greater' = differences located above zero (verified in the script)",
    two_sided = "P(|T - E| >= |t - E|), T = sum of (mid-)ranks of |d| with d > 0",
    exactRankTests = cross_check$signed_rank_exact
  )
)

# ---------------------------------------------------------------------------------------
# 4. signed_rank asymptotic (wilcox.test paired)
# ---------------------------------------------------------------------------------------
cases <- list()
while (length(cases) < 320) {
  kind <- pick_kind()
  n <- draw_size()
  d <- gen_paired(kind, n)
  if (all(d$x == d$y)) next
  alternative <- sample(c("two.sided", "two.sided", "two.sided", "less", "greater"), 1)
  for (correct in c(TRUE, FALSE)) {
    wt <- wilcox.test(d$x, d$y, paired = TRUE, exact = FALSE, correct = correct,
      alternative = alternative)
    cases[[length(cases) + 1]] <- list(
      kind = kind, x = vec(d$x), y = vec(d$y),
      alternative = sub("two.sided", "two-sided", alternative), correction = correct,
      pvalue = wt$p.value, V = unname(wt$statistic)
    )
  }
}
write_family("signed_rank_asymptotic",
  python_call = paste(
    "r = signed_rank(x, y, zero_method='wilcox', method='asymptotic', correction=correction,",
    "alternative=alternative); r.pvalue, r.statistic"
  ),
  r_call = "wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = correction, alternative = a); $p.value, $statistic (V)",
  cases = cases,
  notes = list(skipped = "data sets whose differences are all zero")
)

# ---------------------------------------------------------------------------------------
# 5. Kruskal-Wallis
# ---------------------------------------------------------------------------------------
cases <- list()
while (length(cases) < 180) {
  kind <- pick_kind()
  k <- sample(2:5, 1, prob = c(0.2, 0.4, 0.2, 0.2))
  groups <- lapply(seq_len(k), function(i) {
    n <- draw_size()
    if (kind == "continuous") sample(1:200000, n) / 100 else gen_one(kind, n, sample(0:1, 1))
  })
  if (kind == "continuous" && anyDuplicated(unlist(groups))) next
  if (length(unique(unlist(groups))) < 2) next
  kt <- kruskal.test(groups)
  cases[[length(cases) + 1]] <- list(
    kind = kind, groups = I(lapply(groups, vec)),
    pvalue = kt$p.value, statistic = unname(kt$statistic), df = unname(kt$parameter)
  )
}
write_family("kruskal",
  python_call = "kruskal(*groups): .pvalue, .statistic, .df",
  r_call = "kruskal.test(list(g1, g2, ...)); $p.value, $statistic, $parameter",
  cases = cases,
  notes = list(skipped = "data sets where every value is identical (statistic NaN)")
)

# ---------------------------------------------------------------------------------------
# 6. Friedman (rows = patients, columns = t0, t1, t4)
# ---------------------------------------------------------------------------------------
cases <- list()
while (length(cases) < 180) {
  kind <- pick_kind()
  n <- max(2L, draw_size())
  if (kind == "continuous") {
    m <- matrix(sample(1:200000, 3L * n) / 100, ncol = 3)
    m[, 2] <- m[, 2] - sample(c(0, 300), 1)
  } else {
    t0 <- gen_one(kind, n)
    m <- cbind(t0, pmax(0L, t0 - sample(0:3, n, TRUE)), pmax(0L, t0 - sample(-1:4, n, TRUE)))
    if (kind == "binary") m <- cbind(t0, gen_one(kind, n), gen_one(kind, n))
    if (kind == "heavy_ties" || kind == "many_zeros") {
      m[, 2:3] <- ifelse(runif(2 * n) < 0.5, m[, 1], m[, 2:3])
    }
  }
  storage.mode(m) <- if (kind == "continuous") "double" else "integer"
  ft <- friedman.test(m)
  if (!is.finite(ft$statistic)) next
  cases[[length(cases) + 1]] <- list(
    kind = kind, t0 = vec(m[, 1]), t1 = vec(m[, 2]), t4 = vec(m[, 3]),
    pvalue = ft$p.value, statistic = unname(ft$statistic), df = unname(ft$parameter)
  )
}
write_family("friedman",
  python_call = "friedman(t0, t1, t4): .pvalue, .statistic, .df",
  r_call = "friedman.test(cbind(t0, t1, t4)); $p.value, $statistic, $parameter",
  cases = cases,
  notes = list(skipped = "data sets where every row is fully tied (statistic NaN)")
)

# ---------------------------------------------------------------------------------------
# 7. chi-square
# ---------------------------------------------------------------------------------------
random_table <- function(nr, nc, total) {
  probs <- rgamma(nr * nc, shape = sample(c(0.3, 1, 5), 1))
  probs <- probs / sum(probs)
  matrix(as.vector(rmultinom(1, total, probs)), nr, nc)
}

cases <- list()
while (length(cases) < 240) {
  nr <- sample(2:4, 1, prob = c(0.6, 0.2, 0.2))
  nc <- sample(2:5, 1, prob = c(0.5, 0.2, 0.15, 0.15))
  total <- sample(c(sample(2:20, 1), sample(21:100, 1), sample(101:1000, 1)), 1)
  tab <- random_table(nr, nc, total)
  if (any(rowSums(tab) == 0) || any(colSums(tab) == 0)) next
  corrections <- if (nr == 2 && nc == 2) c(FALSE, TRUE) else FALSE
  for (correct in corrections) {
    ct <- suppressWarnings(chisq.test(tab, correct = correct))
    cases[[length(cases) + 1]] <- list(
      table = tab_rows(tab), correction = correct,
      pvalue = ct$p.value, statistic = unname(ct$statistic), df = unname(ct$parameter)
    )
  }
}
write_family("chi2",
  python_call = "chi2_test(table, correction=correction): .pvalue, .statistic, .df",
  r_call = "suppressWarnings(chisq.test(tab, correct = correction)); Yates only on 2 x 2",
  cases = cases,
  notes = list(
    skipped = "tables with an empty row or column (R returns NaN)",
    yates = "R uses |O - E| - min(0.5, |O - E|) per cell"
  )
)

# ---------------------------------------------------------------------------------------
# 8. Fisher 2 x 2: p, conditional MLE odds ratio, confidence interval
# ---------------------------------------------------------------------------------------
# R's fisher.test finds the conditional MLE and the CI limits with uniroot() at its default
# tolerance (.Machine$double.eps^0.25, about 1e-4). The reference uses R's own fisher.test
# with every uniroot() call given tol = .Machine$double.eps; both versions are stored.
fisher_tight <- local({
  src <- deparse(stats::fisher.test)
  src <- gsub("uniroot(", "uniroot(tol = .Machine$double.eps, ", src, fixed = TRUE)
  f <- eval(parse(text = src))
  environment(f) <- asNamespace("stats")
  f
})

cases <- list()
while (length(cases) < 200) {
  total <- sample(c(sample(1:15, 1), sample(16:60, 1), sample(61:400, 1)), 1,
    prob = c(0.4, 0.4, 0.2))
  tab <- random_table(2, 2, total)
  if (any(rowSums(tab) == 0) || any(colSums(tab) == 0)) next
  ft <- fisher.test(tab)
  ftt <- fisher_tight(tab)
  if (ft$p.value != ftt$p.value) stop("tight fisher.test changed the p-value")
  zero_cell <- any(tab == 0)
  # R solves for t in (0, 1] or for 1/t: the default tolerance (~1e-4) applies on that scale
  on_root_scale <- function(v) if (v > 1) 1 / v else v
  if (!zero_cell && abs(on_root_scale(ft$estimate) - on_root_scale(ftt$estimate)) > 2e-4) {
    stop("tight fisher.test estimate too far from R's default")
  }
  cases[[length(cases) + 1]] <- list(
    table = tab_rows(tab), zero_cell = zero_cell,
    pvalue = ft$p.value,
    estimate = num(ftt$estimate), ci_low = num(ftt$conf.int[1]), ci_high = num(ftt$conf.int[2]),
    estimate_r_default = num(ft$estimate), ci_low_r_default = num(ft$conf.int[1]),
    ci_high_r_default = num(ft$conf.int[2])
  )
}
write_family("fisher_2x2",
  python_call = "fisher_exact(table): .pvalue, .estimate, .ci_low, .ci_high",
  r_call = paste(
    "fisher.test(tab); p from R as is; estimate/conf.int from R's own fisher.test with every",
    "uniroot() given tol = .Machine$double.eps (R's default tol is ~1e-4; stored as *_r_default)"
  ),
  cases = cases,
  notes = list(
    zero_cells = "estimate and CI are compared only when no cell is zero (zero_cell = false); p always",
    tight_uniroot = "src <- deparse(fisher.test); gsub('uniroot(', 'uniroot(tol = .Machine$double.eps, ')"
  )
)

# ---------------------------------------------------------------------------------------
# 9. Fisher r x c
# ---------------------------------------------------------------------------------------
cases <- list()
dims <- list(c(2, 3), c(2, 4), c(2, 5), c(3, 3), c(3, 4), c(3, 5), c(4, 4), c(4, 5))
while (length(cases) < 160) {
  dm <- dims[[sample(length(dims), 1)]]
  cap <- c(60, 50, 45, 40, 32, 28, 26, 22)[match(prod(dm), c(6, 8, 10, 9, 12, 15, 16, 20))]
  total <- sample(max(4, prod(dm) %/% 2):cap, 1)
  tab <- random_table(dm[1], dm[2], total)
  if (sum(rowSums(tab) > 0) < 2 || sum(colSums(tab) > 0) < 2) next
  ft <- fisher.test(tab, workspace = 2e7)
  cases[[length(cases) + 1]] <- list(table = tab_rows(tab), pvalue = ft$p.value)
}
tol_rxc <- TOL_DEFAULT
tol_rxc$rel <- 1e-7
write_family("fisher_rxc",
  python_call = "fisher_exact(table).pvalue",
  r_call = "fisher.test(tab, workspace = 2e7)$p.value",
  cases = cases, tolerance = tol_rxc,
  notes = list(
    tolerance = "relative 1e-7: R's network algorithm counts tables with p <= p_obs * (1 + 1e-7)",
    empty_margins = "some tables have an empty row or column; fisher.test drops them"
  )
)

# ---------------------------------------------------------------------------------------
# 10. t-tests
# ---------------------------------------------------------------------------------------
cases <- list()
while (length(cases) < 330) {
  kind <- sample(c("nrs", "eq5d", "heavy_ties", "many_zeros", "continuous"), 1)
  variant <- sample(c("student", "welch", "paired"), 1)
  n1 <- max(2L, draw_size())
  if (variant == "paired") {
    d <- gen_paired(kind, n1)
    diffs <- d$x - d$y
    if (length(unique(diffs)) < 2) next
    tt <- t.test(d$x, d$y, paired = TRUE)
    est <- unname(tt$estimate)
  } else {
    n2 <- if (runif(1) < 0.4) draw_size() else max(1L, n1 + sample(-3:3, 1))
    if (variant == "welch") n2 <- max(2L, n2)
    if (variant == "student" && runif(1) < 0.1) n1 <- 1L
    d <- gen_two(kind, n1, n2)
    if (variant == "welch" && (var(d$x) == 0 && var(d$y) == 0)) next
    if (variant == "student" && length(unique(c(d$x, d$y))) < 2) next
    ok <- tryCatch({
      tt <- t.test(d$x, d$y, var.equal = (variant == "student"))
      TRUE
    }, error = function(e) FALSE)
    if (!ok || !is.finite(tt$statistic)) next
    est <- unname(tt$estimate[1] - tt$estimate[2])
  }
  cases[[length(cases) + 1]] <- list(
    kind = kind, variant = variant, x = vec(d$x), y = vec(d$y),
    pvalue = tt$p.value, statistic = unname(tt$statistic), df = unname(tt$parameter),
    estimate = est, ci_low = tt$conf.int[1], ci_high = tt$conf.int[2]
  )
}
write_family("ttest",
  python_call = paste(
    "student: ttest_ind(x, y, equal_var=True); welch: ttest_ind(x, y, equal_var=False);",
    "paired: ttest_rel(x, y); .pvalue, .statistic, .df, .estimate, .ci_low, .ci_high"
  ),
  r_call = paste(
    "t.test(x, y, var.equal = TRUE) | t.test(x, y, var.equal = FALSE) | t.test(x, y, paired = TRUE);",
    "estimate = mean(x) - mean(y) (R's two means subtracted) or the mean difference; 95% conf.int"
  ),
  cases = cases
)

# ---------------------------------------------------------------------------------------
# 11. p.adjust
# ---------------------------------------------------------------------------------------
cases <- list()
while (length(cases) < 240) {
  m <- sample(c(1:5, 6:30), 1)
  p <- switch(sample(c("uniform", "small", "ties", "mixed"), 1),
    uniform = sample(0:1000000, m, TRUE) / 1e6,
    small = sample(1:100000, m, TRUE) / 1e12,
    ties = sample(c(1, 5, 10, 50, 100, 500), m, TRUE) / 1000,
    mixed = c(sample(0:1000000, m, TRUE) / 1e6, 0, 1)[sample(m + 2, m)]
  )
  if (runif(1) < 0.35) p[sample(m, sample(1:max(1, m %/% 3), 1))] <- NA
  check_roundtrip(p)
  for (method in c("holm", "bonferroni", "BH")) {
    cases[[length(cases) + 1]] <- list(
      p = vec(p), method = tolower(method), adjusted = vec(p.adjust(p, method = method))
    )
  }
}
write_family("p_adjust",
  python_call = "adjust_pvalues(p, method=method)  (NA passed as NaN; NaN expected back in place)",
  r_call = "p.adjust(p, method = 'holm' | 'bonferroni' | 'BH')  (n = number of non-NA p)",
  cases = cases
)

# ---------------------------------------------------------------------------------------
# 12. Hodges-Lehmann estimate and confidence interval
# ---------------------------------------------------------------------------------------
# R finds the asymptotic estimate and CI limits with uniroot() on a step function of the
# shift; every root lies at a jump, i.e. at a pairwise difference x_i - y_j (two-sample) or a
# Walsh average (d_i + d_j) / 2 (paired). The reference runs wilcox.test with
# tol.root = 1e-12 and snaps each CI limit to the nearest jump (it must lie within 1e-7).
# The estimate is the median of the pairwise differences / Walsh averages; the script checks
# it is a root of R's own estimating function (W changes sign there or is zero around it).
# Paired: wilcox.test removes zero differences before the estimate and the CI (x <- x[x != 0]),
# so the reference Walsh averages are those of the non-zero differences.
jumps_of <- function(x, y) {
  if (is.null(y)) {
    w <- outer(x, x, "+") / 2
    w[upper.tri(w, diag = TRUE)]
  } else {
    as.vector(outer(x, y, "-"))
  }
}

snap <- function(value, jumps) {
  if (!is.finite(value)) return(value)
  j <- jumps[which.min(abs(jumps - value))]
  if (abs(j - value) > 1e-7) stop("CI limit is not at a jump: ", value, " vs ", j)
  j
}

# R's estimating function of the estimate (no continuity correction), re-implemented to
# check that the textbook HL estimate is a root of it.
r_w_fun <- function(x, y) {
  if (is.null(y)) {
    function(d) {
      xd <- x - d
      xd <- xd[xd != 0]
      nx <- length(xd)
      dr <- rank(abs(xd))
      sum(dr[xd > 0]) - nx * (nx + 1) / 4
    }
  } else {
    function(d) {
      dr <- rank(c(x - d, y))
      sum(dr[seq_along(x)]) - length(x) * (length(x) + 1) / 2 - length(x) * length(y) / 2
    }
  }
}

# The set where R's estimating function W is zero or changes sign, around R's estimate:
# [j, j] at a sign change at jump j, or [j_k, j_m] when W is zero between those jumps.
root_interval <- function(W, jumps, r_est) {
  J <- sort(unique(jumps))
  if (length(J) < 2) return(rep(J, 2))
  mids <- (J[-1] + J[-length(J)]) / 2
  flat <- vapply(mids, W, 0) == 0
  for (k in which(flat)) {
    lo <- k
    hi <- k
    while (lo > 1 && flat[lo - 1]) lo <- lo - 1
    while (hi < length(mids) && flat[hi + 1]) hi <- hi + 1
    if (r_est >= J[lo] - 1e-7 && r_est <= J[hi + 1] + 1e-7) return(c(J[lo], J[hi + 1]))
  }
  j <- J[which.min(abs(J - r_est))]
  if (abs(j - r_est) > 2e-4 * max(1, abs(j))) stop("R's estimate is neither flat nor at a jump")
  c(j, j)
}

cases <- list()
n_estimate_r_root <- 0L
while (length(cases) < 300) {
  design <- sample(c("two-sample", "paired"), 1)
  exact <- length(cases) >= 200
  kind <- if (exact) "continuous" else pick_kind()
  if (kind == "binary") next
  n1 <- if (exact) sample(2:25, 1) else max(2L, draw_size())
  if (design == "paired") {
    d <- gen_paired(kind, n1)
    # wilcox.test drops zero differences before it computes the estimate and the CI
    x <- d$x - d$y
    n_zero <- sum(x == 0)
    x <- x[x != 0]
    y <- NULL
    if (length(unique(x)) < 2) next
  } else {
    n2 <- if (exact) sample(2:25, 1) else max(2L, draw_size())
    d <- gen_two(kind, n1, n2)
    x <- d$x
    y <- d$y
    n_zero <- 0L
    if (length(unique(c(x, y))) < 3) next
  }
  res <- tryCatch(
    withCallingHandlers(
      {
        wt_default <- wilcox.test(x, y, conf.int = TRUE, exact = exact, correct = TRUE)
        wt <- wilcox.test(x, y, conf.int = TRUE, exact = exact, correct = TRUE,
          tol.root = 1e-12)
        TRUE
      },
      warning = function(w) {
        if (grepl("conf.level not achievable", conditionMessage(w))) invokeRestart("muffleWarning")
        if (grepl("cannot compute exact", conditionMessage(w))) invokeRestart("muffleWarning")
      }
    ),
    error = function(e) FALSE, warning = function(w) FALSE
  )
  if (!isTRUE(res) || !all(is.finite(wt$conf.int)) || !is.finite(wt$estimate)) next
  # conf.level 0: R gives up on the interval and returns rep(median(x), 2); not a CI to test
  if (attr(wt$conf.int, "conf.level") <= 0) next
  jumps <- jumps_of(x, y)
  hl <- median(jumps)
  if (exact) {
    if (abs(unname(wt$estimate) - hl) > 1e-12 * max(1, abs(hl))) stop("exact HL estimate != median")
    ci <- wt$conf.int[1:2]
    interval <- rep(hl, 2)
  } else {
    ci <- c(snap(wt$conf.int[1], jumps), snap(wt$conf.int[2], jumps))
    W <- r_w_fun(x, y)
    spacing <- min(diff(sort(unique(c(jumps, hl)))))
    delta <- spacing / 4
    at <- W(hl)
    if (!(at == 0 || (W(hl - delta) >= 0 && W(hl + delta) <= 0))) {
      stop("median of Walsh averages / differences is not a root of R's estimating function")
    }
    # in addition R's own root (tol.root = 1e-12) must bracket the same zero set
    r_est <- unname(wt$estimate)
    if (abs(W(r_est)) > 0 && abs(r_est - hl) > 1e-7) {
      lo <- min(r_est, hl)
      hi <- max(r_est, hl)
      inside <- jumps[jumps > lo + 1e-9 & jumps < hi - 1e-9]
      if (length(inside) > 0 && any(vapply(inside, W, 0) != 0)) {
        stop("R's asymptotic estimate and the HL median lie in different root sets")
      }
    }
    n_estimate_r_root <- n_estimate_r_root + 1L
    interval <- root_interval(W, jumps, unname(wt_default$estimate))
  }
  cases[[length(cases) + 1]] <- list(
    kind = kind, design = design, method = if (exact) "exact" else "asymptotic",
    x = vec(if (design == "paired") d$x else x), y = vec(if (design == "paired") d$y else y),
    n_zero_differences = n_zero,
    estimate = unname(wt_default$estimate),
    estimate_root_interval = vec(interval),
    ci_low = wt_default$conf.int[1], ci_high = wt_default$conf.int[2],
    conf_level = attr(wt_default$conf.int, "conf.level"),
    conf_level_lowered = attr(wt_default$conf.int, "conf.level") < 0.95 - 1e-12,
    estimate_hl_median = hl, ci_low_jump = ci[1], ci_high_jump = ci[2],
    estimate_r_tight = unname(wt$estimate)
  )
}
write_family("hodges_lehmann",
  python_call = paste(
    "two-sample: hodges_lehmann(x, y, method=method); paired: hodges_lehmann(x - y, method=method);",
    ".estimate, .ci_low, .ci_high (and .conf_level where R lowered it)"
  ),
  r_call = paste(
    "wilcox.test(x, y, conf.int = TRUE, exact = FALSE|TRUE, correct = TRUE)",
    "(paired: wilcox.test(x - y, ...)); $estimate, $conf.int, attr(conf.int, 'conf.level')"
  ),
  cases = cases,
  notes = list(
    uniroot = paste(
      "R's asymptotic estimate and CI limits come from uniroot(tol.root = 1e-4) on a step",
      "function of the shift. ci_low/ci_high are R's output as is; ci_low_jump/ci_high_jump are",
      "the exact jumps they approximate (wilcox.test(..., tol.root = 1e-12) snapped to the",
      "nearest pairwise difference / Walsh average), stored for information."
    ),
    estimate = paste(
      "R's asymptotic estimate solves W(mu) = 0 (no continuity correction). When W is zero on an",
      "interval (e.g. an even number of Walsh averages / differences) R returns an arbitrary",
      "point of it; estimate_root_interval = [lo, hi] is that interval (lo == hi when the root",
      "is a single jump). The test compares the estimate with R's when lo == hi, and otherwise",
      "requires lo <= estimate <= hi. estimate_hl_median (the textbook HL median) lies in it."
    ),
    paired_zeros = paste(
      "paired: R drops zero differences before computing the estimate and the CI, so the",
      "reference is the HL of the non-zero differences (n_zero_differences says how many were",
      "dropped); Python is called with all differences x - y"
    ),
    exact = "exact cases: continuous data without ties (or zero differences), n <= 25",
    conf_level = paste(
      "achieved conf.level; R lowers it (with a warning) when 95% is not achievable.",
      "Exact branch: R reports 1 - signif(achieved alpha, 2); the test rounds Python's alike"
    )
  )
)
cat("done\n")
