# Reference values for the method="r" and method="sas" presets of painresponse.stats.ranks
# (rank_sum, rank_sum_from_counts, signed_rank, signed_rank_from_counts).
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_presets_reference.R
# (Debian/Ubuntu packages: r-base-core r-cran-jsonlite). Seeded: the same R version gives a
# byte-identical tests/reference/presets.json. tests/stats/test_presets.py compares every case.
#
# The file has three parts, and they are NOT of the same kind:
#
#   r_cases            R's own wilcox.test() with its default arguments (exact = NULL,
#                      correct = TRUE), two-sample and paired: the program method="r" claims
#                      to reproduce, run as is.
#   sas_formula_cases  NOT SAS OUTPUT. SAS is not available here: these values come from an
#                      INDEPENDENT IMPLEMENTATION IN R (this script, functions sas_npar1way()
#                      and sas_univariate()) of the formulas in the SAS 9.4 documentation
#                      (PROC NPAR1WAY "Simple Linear Rank Tests for Two-Sample Data",
#                      PROC UNIVARIATE "Tests for Location"). It shares no code with the
#                      Python package.
#   sas_printed        Values printed by SAS itself, as published (source given per example),
#                      with the decimals SAS printed. The script stops unless its independent
#                      implementation reproduces every printed digit, so the formula cases
#                      above rest on SAS output where SAS output is available.
#
# Inputs round-trip exactly through JSON: integers, or continuous data on a grid k / 100.

suppressPackageStartupMessages({
  library(stats)
  library(jsonlite)
})

options(warn = 1)
SEED <- 20250307L
set.seed(SEED, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"

vec <- function(x) I(as.vector(x))

# ---------------------------------------------------------------------------------------
# Data generators (as in make_reference.R, plus zeros on demand)
# ---------------------------------------------------------------------------------------
TIED_KINDS <- c("nrs", "eq5d", "heavy_ties", "many_zeros", "binary")

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

# Two groups without any tie (continuous on the k / 100 grid).
gen_two_untied <- function(n1, n2) {
  shift <- sample(c(0L, 0L, 30000L, -30000L), 1)
  repeat {
    x <- sample(1:200000, n1) / 100
    y <- (sample(1:200000, n2) + shift) / 100
    if (!anyDuplicated(c(x, y))) return(list(x = x, y = y))
  }
}

gen_two_tied <- function(kind, n1, n2) {
  list(x = gen_one(kind, n1), y = gen_one(kind, n2, sample(c(0L, 0L, 1L, 2L), 1)))
}

# Paired data without ties in |d|; n_zero differences exactly zero.
gen_paired_untied <- function(n, n_zero = 0L) {
  x <- sample(1:200000, n) / 100
  shift <- sample(c(0, 0, 100, -100), 1)
  repeat {
    d <- sample(c(-1, 1), n, TRUE) * sample(1:50000, n) / 100 + shift
    d[seq_len(n_zero)] <- 0
    y <- x - d
    dd <- x - y # the differences R and Python will see (floating point)
    nz <- dd[dd != 0]
    if (sum(dd == 0) == n_zero && !anyDuplicated(abs(nz))) return(list(x = x, y = y))
  }
}

gen_paired_tied <- function(kind, n) {
  x <- gen_one(kind, n)
  same <- runif(n) < switch(kind, many_zeros = 0.5, heavy_ties = 0.3, 0.15)
  y <- ifelse(same, x, gen_one(kind, n, shift = sample(-2:1, 1)))
  list(x = x, y = as.integer(y))
}

pick_alternative <- function() sample(c("two.sided", "two.sided", "two.sided", "less", "greater"), 1)

# ---------------------------------------------------------------------------------------
# 1. R: wilcox.test() with default arguments
# ---------------------------------------------------------------------------------------
r_case <- function(design, kind, d, alternative) {
  wt <- suppressWarnings(if (design == "paired") {
    wilcox.test(d$x, d$y, paired = TRUE, alternative = alternative)
  } else {
    wilcox.test(d$x, d$y, alternative = alternative)
  })
  dd <- if (design == "paired") d$x - d$y else NULL
  list(
    design = design, kind = kind, x = vec(d$x), y = vec(d$y), alternative = alternative,
    n_nonzero = if (design == "paired") sum(dd != 0) else NULL,
    n_zero = if (design == "paired") sum(dd == 0) else NULL,
    statistic = unname(wt$statistic), pvalue = wt$p.value,
    exact = grepl("exact", wt$method, fixed = TRUE), r_method = wt$method
  )
}

r_cases <- list()
add_r <- function(case) {
  if (!is.finite(case$pvalue)) return(invisible(FALSE))
  r_cases[[length(r_cases) + 1L]] <<- case
  invisible(TRUE)
}
# Two-sample: no ties, both groups < 50 (exact), boundaries 49 / 50 included.
for (sizes in list(c(49, 49), c(49, 3), c(1, 7), c(2, 2))) {
  add_r(r_case("two_sample", "continuous", gen_two_untied(sizes[1], sizes[2]), "two.sided"))
}
for (i in 1:28) {
  add_r(r_case("two_sample", "continuous",
    gen_two_untied(sample(3:49, 1), sample(3:49, 1)), pick_alternative()))
}
# Two-sample: no ties, a group of 50 or more (normal approximation).
for (sizes in list(c(50, 10), c(10, 50), c(50, 50))) {
  add_r(r_case("two_sample", "continuous", gen_two_untied(sizes[1], sizes[2]), "two.sided"))
}
for (i in 1:12) {
  add_r(r_case("two_sample", "continuous",
    gen_two_untied(sample(50:90, 1), sample(5:90, 1)), pick_alternative()))
}
# Two-sample with ties, small and large.
while (sum(vapply(r_cases, function(c) c$design == "two_sample", TRUE)) < 110) {
  kind <- sample(TIED_KINDS, 1)
  large <- runif(1) < 0.35
  n1 <- if (large) sample(50:120, 1) else sample(2:49, 1)
  n2 <- if (large) sample(20:120, 1) else sample(2:49, 1)
  d <- gen_two_tied(kind, n1, n2)
  if (length(unique(c(d$x, d$y))) < 2 || !anyDuplicated(c(d$x, d$y))) next
  add_r(r_case("two_sample", kind, d, pick_alternative()))
}
# Paired: no ties and no zeros, n < 50 (exact), boundary 49.
add_r(r_case("paired", "continuous", gen_paired_untied(49), "two.sided"))
add_r(r_case("paired", "continuous", gen_paired_untied(1), "two.sided"))
for (i in 1:28) {
  add_r(r_case("paired", "continuous", gen_paired_untied(sample(2:49, 1)), pick_alternative()))
}
# Paired: no ties, 50 or more non-zero differences (normal approximation).
add_r(r_case("paired", "continuous", gen_paired_untied(50), "two.sided"))
for (i in 1:12) {
  add_r(r_case("paired", "continuous", gen_paired_untied(sample(50:100, 1)), pick_alternative()))
}
# Paired: no ties among |d| but zero differences (normal approximation although n < 50),
# including 50 pairs of which 2 are zero (48 non-zero).
add_r(r_case("paired", "continuous_zeros", gen_paired_untied(50, 2L), "two.sided"))
for (i in 1:14) {
  n <- sample(5:45, 1)
  add_r(r_case("paired", "continuous_zeros", gen_paired_untied(n, sample(1:3, 1)),
    pick_alternative()))
}
# Paired with ties (and usually zeros), small and large.
while (length(r_cases) < 220) {
  kind <- sample(TIED_KINDS, 1)
  n <- if (runif(1) < 0.35) sample(50:120, 1) else sample(3:49, 1)
  d <- gen_paired_tied(kind, n)
  dd <- d$x - d$y
  if (all(dd == 0)) next
  add_r(r_case("paired", kind, d, pick_alternative()))
}
for (i in seq_along(r_cases)) r_cases[[i]]$id <- sprintf("r-%03d", i)

# ---------------------------------------------------------------------------------------
# 2. SAS formulas, implemented independently in R
# ---------------------------------------------------------------------------------------

# PROC NPAR1WAY WILCOXON, two samples (class levels in the order x, y).
# S = sum of the Wilcoxon (mid-rank) scores of the smaller sample, the first if equal;
# E0(S) = (n_S / N) sum(a_j); Var0(S) = n1 n2 / (N (N - 1)) sum((a_j - mean(a))^2);
# Z = (S - E0(S) -/+ 0.5) / sqrt(Var0(S)) with the correction towards E0(S) (CORRECT=YES);
# one-sided: Pr > Z if Z > 0, else Pr < Z; two-sided Pr > |Z|; t approximation: same Z as
# Student's t on N - 1 df.
sas_npar1way <- function(x, y, correct = TRUE) {
  a <- rank(c(x, y))
  n1 <- length(x)
  n2 <- length(y)
  N <- n1 + n2
  first <- n1 <= n2
  in_s <- if (first) seq_len(n1) else n1 + seq_len(n2)
  n_s <- length(in_s)
  S <- sum(a[in_s])
  E <- n_s / N * sum(a)
  V <- n1 * n2 / (N * (N - 1)) * sum((a - mean(a))^2)
  dev <- S - E
  cc <- if (correct && dev != 0) 0.5 * sign(dev) else 0
  Z <- (dev - cc) / sqrt(V)
  right <- Z > 0
  p1 <- if (right) pnorm(Z, lower.tail = FALSE) else pnorm(Z)
  p1_t <- if (right) pt(Z, N - 1, lower.tail = FALSE) else pt(Z, N - 1)
  # Direction of SAS's one-sided p-value in terms of x: S above E0 means S's group is larger.
  x_larger <- if (first) right else !right
  list(
    S = S, S_group = if (first) "x" else "y", E = E, Var = V, Z = Z,
    p_two_sided = 2 * pnorm(-abs(Z)), p_one_sided = p1,
    one_sided_alternative = if (x_larger) "greater" else "less",
    p_t_two_sided = 2 * pt(-abs(Z), N - 1), p_t_one_sided = p1_t
  )
}

# Exact distribution of the signed-rank S as a convolution of scaled binomials, one per tie
# group of |d| (SAS: "the distribution is a convolution of scaled binomial distributions").
# Works on doubled ranks (integers). Returns support of 2 * sum(positive ranks) and masses.
signed_rank_convolution <- function(r) {
  r2 <- as.integer(round(2 * r))
  groups <- table(r2)
  support <- 0L
  mass <- 1
  for (g in names(groups)) {
    step <- as.integer(g)
    t <- as.integer(groups[[g]])
    k <- 0:t
    add_support <- step * k
    add_mass <- dbinom(k, t, 0.5)
    new_support <- as.vector(outer(support, add_support, `+`))
    new_mass <- as.vector(outer(mass, add_mass, `*`))
    agg <- tapply(new_mass, new_support, sum)
    support <- as.integer(names(agg))
    mass <- as.vector(agg)
  }
  list(support = support, mass = mass)
}

# PROC UNIVARIATE signed-rank test (MU0 = 0): zeros dropped; S = sum(r+) - n(n+1)/4;
# exact for n <= 20, else t = S sqrt((n - 1) / (n V - S^2)) on n - 1 df with
# V = n(n+1)(2n+1)/24 - sum(t_i (t_i + 1) (t_i - 1)) / 48. Pr >= |S| (two-sided).
sas_univariate <- function(d) {
  d <- d[d != 0]
  n <- length(d)
  r <- rank(abs(d))
  S <- sum(r[d > 0]) - n * (n + 1) / 4
  if (n <= 20) {
    dist <- signed_rank_convolution(r)
    s2_obs <- as.integer(round(2 * sum(r[d > 0]))) * 2L - as.integer(n * (n + 1))
    s2 <- dist$support * 2L - as.integer(n * (n + 1)) # 4 * S, integers
    p <- min(1, sum(dist$mass[abs(s2) >= abs(s2_obs)]))
    return(list(S = S, n = n, branch = "exact", t = NA, df = NA, p_two_sided = p))
  }
  ties <- table(abs(d))
  V <- n * (n + 1) * (2 * n + 1) / 24 - sum(ties * (ties + 1) * (ties - 1)) / 48
  t <- S * sqrt((n - 1) / (n * V - S^2))
  list(S = S, n = n, branch = "t", t = t, df = n - 1, p_two_sided = 2 * pt(-abs(t), n - 1))
}

# Brute-force check of the convolution (all 2^n sign patterns), stop on disagreement.
validate_convolution <- function() {
  examples <- list(
    c(-2, 1, 1, 3, 3, 3, -4, 5),
    c(1.5, -2.5, 2.5, -2.5, 3, 4, 0.5),
    c(-1, 1, -1, 1, 2, 2, -2, 3, 3, 3, -3, 4),
    c(10, -1, 8, -2, 4, -1, 5, 3, 7, -3, 4, 8, 9)
  )
  for (d in examples) {
    r <- rank(abs(d))
    n <- length(d)
    signs <- as.matrix(expand.grid(rep(list(c(0, 1)), n)))
    S_all <- as.vector(signs %*% r) - n * (n + 1) / 4
    S_obs <- sum(r[d > 0]) - n * (n + 1) / 4
    brute <- mean(abs(S_all) >= abs(S_obs) - 1e-9)
    conv <- sas_univariate(d)$p_two_sided
    if (abs(brute - conv) > 1e-12) stop("convolution disagrees with enumeration: ", conv, " vs ", brute)
  }
  cat("signed-rank convolution agrees with enumeration on", length(examples), "data sets\n")
}
validate_convolution()

# ---------------------------------------------------------------------------------------
# 3. SAS-printed examples: the R implementation must reproduce every printed digit
# ---------------------------------------------------------------------------------------
printed_equal <- function(value, printed, decimals) {
  isTRUE(abs(round(value, decimals) - printed) < 10^(-decimals) / 2)
}
check_printed <- function(label, value, printed, decimals) {
  if (!printed_equal(value, printed, decimals)) {
    stop(sprintf("%s: independent implementation gives %.10g, SAS printed %s", label, value,
      format(printed, nsmall = decimals)))
  }
}

birth_ns <- c(3.99, 3.89, 3.6, 3.73, 3.31, 3.7, 4.08, 3.61, 3.83, 3.41, 4.13, 3.36, 3.54, 3.51, 2.71)
birth_s <- c(3.18, 2.74, 2.9, 3.27, 3.65, 3.42, 3.23, 2.86, 3.6, 3.65, 3.69, 3.53, 2.38, 2.34)
react_1 <- c(1.94, 1.94, 2.92, 2.92, 2.92, 2.92, 3.27, 3.27, 3.27, 3.27, 3.70, 3.70, 3.74)
react_2 <- c(3.27, 3.27, 3.27, 3.70, 3.70, 3.74)
# DescrTab2's SAS output prints only sizes (Trt 10, Ctrl 5) and the Ctrl rank sum 30 of
# untied data; any untied data with that rank configuration give the same output.
descr_trt <- c(4, 5, 6, 7, 8, 10, 11, 12, 13, 14)
descr_ctrl <- c(1, 2, 3, 9, 15)
score_pre <- c(94, 51, 95, 63, 80, 92, 75, 89, 79, 71, 75, 87)
score_post <- c(91, 65, 97, 75, 75, 55, 78, 82, 76, 77, 70, 73)
ratings_best <- c(4, 3, 5, 2, 3, 5, 1, 4, 3, 4)
ratings_poor <- c(2, 1, 3, 2, 1, 1, 1, 3, 4, 2)
zinc_before <- c(18, 9, 5, 19, 13, 6, 10, 5, 22, 8, 16, 10, 9, 14, 17)
zinc_after <- c(8, 10, 5, 11, 15, 2, 11, 5, 17, 5, 9, 13, 5, 6, 8)

sas_printed <- list(
  list(
    id = "npar1way-birthweight",
    source = paste(
      "SAS 9.4 (9.04.01M7) PROC NPAR1WAY WILCOXON output quoted in the CAMIS project",
      "(PSIAIMS/CAMIS, SAS/ranksum.qmd and Comp/r-sas-wilcoxon-ranksum_hl.qmd); data:",
      "Kirkwood & Sterne, Essentials of Medical Statistics, 2nd ed., Table 30.4"
    ),
    design = "two_sample", x = vec(birth_ns), y = vec(birth_s), correct = TRUE,
    printed = list(S = 150.5, Z = -2.5756, p_one_sided = 0.0050, p_two_sided = 0.0100,
      p_t_one_sided = 0.0078, p_t_two_sided = 0.0156),
    decimals = list(S = 1, Z = 4, p_one_sided = 4, p_two_sided = 4, p_t_one_sided = 4,
      p_t_two_sided = 4)
  ),
  list(
    id = "npar1way-birthweight-correct-no",
    source = "as npar1way-birthweight, with CORRECT=NO (CAMIS comparison table)",
    design = "two_sample", x = vec(birth_ns), y = vec(birth_s), correct = FALSE,
    printed = list(p_two_sided = 0.0094), decimals = list(p_two_sided = 4)
  ),
  list(
    id = "npar1way-react-correct-no",
    source = paste(
      "SAS/STAT User's Guide, PROC NPAR1WAY Example 'Exact Wilcoxon Two-Sample Test'",
      "(data set React, CORRECT=NO): Wilcoxon statistic 79.50, normal approximation",
      "one-sided p-value 0.0382 (right-sided)"
    ),
    design = "two_sample", x = vec(react_1), y = vec(react_2), correct = FALSE,
    printed = list(S = 79.5, p_one_sided = 0.0382), decimals = list(S = 1, p_one_sided = 4)
  ),
  list(
    id = "npar1way-descrtab2",
    source = paste(
      "SAS output in the DescrTab2 package's SAS comparison (CRAN archive DescrTab2_2.1.9):",
      "Trt 10, Ctrl 5, Ctrl sum of scores 30.0, expected 40.0, SD 8.164966; only the rank",
      "configuration matters for untied data"
    ),
    design = "two_sample", x = vec(descr_trt), y = vec(descr_ctrl), correct = TRUE,
    printed = list(S = 30, Z = -1.1635, p_one_sided = 0.1223, p_two_sided = 0.2446,
      p_t_one_sided = 0.1320, p_t_two_sided = 0.2641),
    decimals = list(S = 1, Z = 4, p_one_sided = 4, p_two_sided = 4, p_t_one_sided = 4,
      p_t_two_sided = 4)
  ),
  list(
    id = "univariate-score-change",
    source = paste(
      "Base SAS Procedures Guide, PROC UNIVARIATE Example 'Performing a Sign Test Using",
      "Paired Data' (data set Score, ScoreChange = PostTest - PreTest): Signed Rank S -8.5",
      "(its p-value was not legible in the copy available here; not checked)"
    ),
    design = "paired", x = vec(score_post), y = vec(score_pre),
    printed = list(S = -8.5), decimals = list(S = 1)
  ),
  list(
    id = "univariate-ratings",
    source = paste(
      "PROC UNIVARIATE output reproduced in a statistics textbook for education and",
      "psychology researchers (Figure 7.6, 'Difference between best and poor relationships'):",
      "Sgn Rank 16.5, Pr>=|S| 0.0234 (10 pairs, 2 zero differences, ties)"
    ),
    design = "paired", x = vec(ratings_best), y = vec(ratings_poor),
    printed = list(S = 16.5, p_two_sided = 0.0234), decimals = list(S = 1, p_two_sided = 4)
  ),
  list(
    id = "univariate-zinc",
    source = paste(
      "PROC UNIVARIATE output kept in a public SAS teaching program (cell anomalies in 15",
      "pigs before/after a zinc diet, dif = antes - despues): Pr >= |S| 0.0110"
    ),
    design = "paired", x = vec(zinc_before), y = vec(zinc_after),
    printed = list(p_two_sided = 0.0110), decimals = list(p_two_sided = 4)
  )
)

for (ex in sas_printed) {
  out <- if (ex$design == "two_sample") {
    sas_npar1way(as.numeric(ex$x), as.numeric(ex$y), ex$correct)
  } else {
    sas_univariate(as.numeric(ex$x) - as.numeric(ex$y))
  }
  for (q in names(ex$printed)) {
    check_printed(paste(ex$id, q), out[[q]], ex$printed[[q]], ex$decimals[[q]])
  }
}
cat("independent SAS implementation reproduces", length(sas_printed), "SAS-printed examples\n")

# ---------------------------------------------------------------------------------------
# 4. SAS formula cases (independent implementation)
# ---------------------------------------------------------------------------------------
sas_cases <- list()
add_sas_two <- function(kind, d, correct = TRUE) {
  if (length(unique(c(d$x, d$y))) < 2) return(invisible(FALSE))
  out <- sas_npar1way(d$x, d$y, correct)
  sas_cases[[length(sas_cases) + 1L]] <<- c(
    list(design = "two_sample", kind = kind, x = vec(d$x), y = vec(d$y), correct = correct),
    out
  )
  invisible(TRUE)
}
add_sas_paired <- function(kind, d) {
  dd <- d$x - d$y
  if (all(dd == 0)) return(invisible(FALSE))
  out <- sas_univariate(dd)
  sas_cases[[length(sas_cases) + 1L]] <<- c(
    list(design = "paired", kind = kind, x = vec(d$x), y = vec(d$y), n_zero = sum(dd == 0)),
    out
  )
  invisible(TRUE)
}

# NPAR1WAY: equal sizes (S = first group), x smaller, y smaller; untied and tied; some
# CORRECT=NO.
for (i in 1:8) {
  n <- sample(3:40, 1)
  add_sas_two("continuous", gen_two_untied(n, n))
}
for (i in 1:8) {
  n <- sample(3:60, 1)
  kind <- sample(TIED_KINDS, 1)
  add_sas_two(kind, gen_two_tied(kind, n, n))
}
while (sum(vapply(sas_cases, function(c) c$design == "two_sample", TRUE)) < 70) {
  kind <- sample(c("continuous", TIED_KINDS), 1)
  n1 <- sample(c(2:40, 41:150), 1)
  n2 <- sample(c(2:40, 41:150), 1)
  if (n1 == n2) next
  d <- if (kind == "continuous") gen_two_untied(n1, n2) else gen_two_tied(kind, n1, n2)
  add_sas_two(kind, d, correct = runif(1) > 0.2)
}
# UNIVARIATE: n <= 20 non-zero (exact), boundaries 20 / 21 non-zero, n > 20 (t).
add_sas_paired("continuous", gen_paired_untied(20))
add_sas_paired("continuous", gen_paired_untied(21))
add_sas_paired("continuous_zeros", gen_paired_untied(22, 2L)) # 20 non-zero: exact
add_sas_paired("continuous_zeros", gen_paired_untied(24, 3L)) # 21 non-zero: t
for (i in 1:10) add_sas_paired("continuous", gen_paired_untied(sample(1:20, 1)))
for (i in 1:10) add_sas_paired("continuous", gen_paired_untied(sample(21:150, 1)))
while (sum(vapply(sas_cases, function(c) c$design == "paired", TRUE)) < 70) {
  kind <- sample(TIED_KINDS, 1)
  n <- if (runif(1) < 0.5) sample(3:24, 1) else sample(25:150, 1)
  add_sas_paired(kind, gen_paired_tied(kind, n))
}
for (i in seq_along(sas_cases)) sas_cases[[i]]$id <- sprintf("sas-%03d", i)

n_exact <- sum(vapply(sas_cases, function(c) identical(c$branch, "exact"), TRUE))
n_t <- sum(vapply(sas_cases, function(c) identical(c$branch, "t"), TRUE))

# ---------------------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------------------
obj <- list(
  header = list(
    generated_by = "tests/reference/make_presets_reference.R",
    R_version = R.version.string,
    packages = list(
      stats = as.character(packageVersion("stats")),
      jsonlite = as.character(packageVersion("jsonlite"))
    ),
    seed = SEED,
    RNGkind = RNGkind(),
    parts = list(
      r_cases = paste(
        "R's own wilcox.test() with default arguments (exact = NULL, correct = TRUE);",
        "two-sample wilcox.test(x, y, alternative = a), paired",
        "wilcox.test(x, y, paired = TRUE, alternative = a)"
      ),
      sas_formula_cases = paste(
        "NOT SAS OUTPUT: an independent implementation in R (this script) of the SAS 9.4",
        "documented formulas (PROC NPAR1WAY two-sample Wilcoxon with CORRECT=YES/NO;",
        "PROC UNIVARIATE signed-rank test, exact for n <= 20, t approximation above),",
        "checked against the sas_printed examples before writing"
      ),
      sas_printed = paste(
        "values printed by SAS itself (source per example) with the decimals printed;",
        "the R implementation reproduces every one"
      )
    )
  ),
  tolerance = list(
    rel = 1e-9, abs_floor_pvalue = 1e-15, abs_floor_other = 1e-12,
    note = "|python - reference| <= rel * |reference| + floor"
  ),
  python_calls = list(
    r_two_sample = "r = rank_sum(x, y, method='r', alternative=a); r.pvalue, r.details['U'] (R's W)",
    r_paired = "r = signed_rank(x, y, method='r', alternative=a); r.pvalue, r.statistic (R's V)",
    sas_two_sample = paste(
      "rank_sum(x, y, method='sas', correction=correct): .statistic (S), .details['z'],",
      ".pvalue (two-sided), alternative=one_sided_alternative for p_one_sided,",
      ".details['pvalue_t_approximation']"
    ),
    sas_paired = "signed_rank(x, y, method='sas'): .statistic (S), .pvalue, .details['t'], .df"
  ),
  counts = list(
    r_cases = length(r_cases),
    r_exact = sum(vapply(r_cases, function(c) c$exact, TRUE)),
    sas_formula_cases = length(sas_cases),
    sas_two_sample = sum(vapply(sas_cases, function(c) c$design == "two_sample", TRUE)),
    sas_paired_exact = n_exact,
    sas_paired_t = n_t,
    sas_printed = length(sas_printed)
  ),
  r_cases = r_cases,
  sas_formula_cases = sas_cases,
  sas_printed = sas_printed
)
path <- file.path(OUT_DIR, "presets.json")
writeLines(toJSON(obj, auto_unbox = TRUE, digits = NA, na = "null", null = "null"), path)
cat(sprintf("presets.json: %d R cases (%d exact), %d SAS formula cases, %d SAS-printed, %d bytes\n",
  length(r_cases), obj$counts$r_exact, length(sas_cases), length(sas_printed), file.size(path)))
