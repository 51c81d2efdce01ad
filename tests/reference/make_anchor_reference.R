# Reference values for the cumulative responder table (tableS10_cpra) and the anchor-based
# clinically important change (tableS11_anchor_thresholds), computed with R on the bundled
# synthetic cohort.
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_anchor_reference.R
# (R >= 4.2 with pROC, coin, jsonlite; ~1 min). Seeded: set.seed(20250115) and following,
# Mersenne-Twister / Inversion / Rejection; the same R and package versions give the same file.
#
# R builds its own inputs from the CSV (it reads nothing Python wrote):
#   * completeness: pain recorded at T0, T1 and T4, pain_t0 > 0 (the 84 analysed patients);
#   * percent reduction = (pain_t0 - pain_t) / pain_t0 * 100, absolute = pain_t0 - pain_t;
#   * EQ-5D level sum = sum of the five dimension levels; improved = level sum T1 - T0 <= -1;
#   * a synthetic PGIC (7 levels) drawn here from the pain change plus noise; improved =
#     "Much improved" or "Very much improved". Python's tests attach it by patient_id.
# The bootstrap resamples are drawn here and stored (as 1-based indices into the stored
# patient order), so Python's bootstrap machinery is checked on R's resamples exactly; the
# random streams of R and numpy differ, so only those resamples can be compared.
# Output: tests/reference/anchor_cpra.json, read by tests/tables/supplementary/test_cpra.py
# and test_anchor.py.

suppressPackageStartupMessages({
  library(pROC)
  library(coin)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"
CSV <- file.path(OUT_DIR, "..", "..", "src", "painresponse", "data", "lsgb_fbss_cohort.csv")
B <- 200L

raw <- read.csv(CSV, stringsAsFactors = FALSE, check.names = FALSE,
                colClasses = c(patient_id = "character"))
complete <- !is.na(raw$pain_t0) & !is.na(raw$pain_t1) & !is.na(raw$pain_t4)
d <- raw[complete & raw$pain_t0 > 0, ]
stopifnot(nrow(d) == 84L)
dims <- c("mo", "sc", "ua", "pd", "ad")
for (t in c("t0", "t1", "t4")) {
  d[[paste0("eq5d_", t)]] <- rowSums(d[, paste0("eq5d_", dims, "_", t)])
}
pct <- function(t) (d$pain_t0 - d[[paste0("pain_", t)]]) / d$pain_t0 * 100
ab <- function(t) d$pain_t0 - d[[paste0("pain_", t)]]
reach <- function(x, cut) sum(x >= cut - 1e-9)

# ------------------------------------------------------------------------------ CPRA
wilson <- function(k, n) {
  ci <- prop.test(k, n, correct = FALSE)$conf.int
  c(max(0, ci[1]), min(1, ci[2]))
}
newcombe <- function(k1, n1, k2, n2) {
  # Newcombe (1998) method 10: hybrid score interval from the two Wilson intervals.
  p1 <- k1 / n1; p2 <- k2 / n2
  w1 <- wilson(k1, n1); w2 <- wilson(k2, n2)
  delta <- p1 - p2
  c(delta,
    delta - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
    delta + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
immpact <- c(10, 20, 30, 50, 70)
sex <- factor(d$sex, levels = c("Male", "Female"))
cpra_rows <- list()
tests <- list()
for (t in c("t1", "t4")) {
  x <- pct(t)
  for (cut in immpact) {
    row <- list(time = t, threshold = cut)
    for (g in c("all", "Male", "Female")) {
      sel <- if (g == "all") rep(TRUE, nrow(d)) else sex == g
      k <- reach(x[sel], cut); n <- sum(sel)
      ci <- wilson(k, n)
      row[[g]] <- list(count = k, n = n, ci_low = ci[1], ci_high = ci[2])
    }
    rd <- newcombe(row$Male$count, row$Male$n, row$Female$count, row$Female$n)
    row$rd <- list(estimate = rd[1], ci_low = rd[2], ci_high = rd[3])
    cpra_rows[[length(cpra_rows) + 1]] <- row
  }
  wt <- wilcox_test(x ~ sex, distribution = "exact")
  wa <- suppressWarnings(wilcox.test(x[sex == "Male"], x[sex == "Female"], exact = FALSE,
                                     correct = TRUE))
  tests[[length(tests) + 1]] <- list(kind = "groups", time = t, groups = "Male vs Female",
    exact_pvalue = pvalue(wt), asymptotic_pvalue = wa$p.value,
    r_call = paste("coin::wilcox_test(pct ~ sex, distribution = 'exact');",
                   "wilcox.test(exact = FALSE, correct = TRUE)"))
}
p1 <- pct("t1"); p4 <- pct("t4")
ws <- wilcoxsign_test(p4 ~ p1, distribution = "exact", zero.method = "Wilcoxon")
wa <- suppressWarnings(wilcox.test(p4, p1, paired = TRUE, exact = FALSE, correct = TRUE))
tests[[length(tests) + 1]] <- list(kind = "times", time = "t4 vs t1",
  exact_pvalue = pvalue(ws), asymptotic_pvalue = wa$p.value, n_nonzero = sum(p4 != p1),
  r_call = paste("coin::wilcoxsign_test(pct_t4 ~ pct_t1, distribution = 'exact',",
                 "zero.method = 'Wilcoxon'); wilcox.test(paired = TRUE, exact = FALSE)"))

grid <- 0:100
curve_t1 <- sapply(grid, function(cut) mean(p1 >= cut - 1e-9))
curve_abs_t4 <- sapply(0:10, function(cut) mean(ab("t4") >= cut - 1e-9))
set.seed(20250115)
idx <- t(replicate(B, sample.int(nrow(d), nrow(d), replace = TRUE)))
shares <- t(apply(idx, 1, function(i) sapply(grid, function(cut) mean(p1[i] >= cut - 1e-9))))
band <- apply(shares, 2, quantile, probs = c(0.025, 0.975), type = 7, names = FALSE)

cpra <- list(
  r_call = "prop.test(k, n, correct = FALSE)$conf.int; Newcombe method 10 by formula",
  tolerance = list(abs = 1e-12, pvalue_rel = 1e-9),
  thresholds = immpact,
  rows = cpra_rows,
  tests = tests,
  curve_t1_percent = list(thresholds = grid, proportion = curve_t1),
  curve_t4_absolute = list(thresholds = 0:10, proportion = curve_abs_t4),
  bootstrap = list(
    r_call = paste("set.seed(20250115); sample.int(n, n, replace = TRUE) per resample;",
                   "quantile(share, c(0.025, 0.975), type = 7) per threshold"),
    patient_id = d$patient_id, indices = idx, ci_low = band[1, ], ci_high = band[2, ]
  )
)

# ---------------------------------------------------------------------------- anchor
set.seed(20250116)
latent <- (d$pain_t0 - d$pain_t1) + rnorm(nrow(d), 0, 2.5)
pgic_levels <- c("Very much worse", "Much worse", "Minimally worse", "No change",
                 "Minimally improved", "Much improved", "Very much improved")
pgic <- as.character(cut(latent, c(-Inf, -3, -1.5, -0.5, 0.5, 1.5, 3, Inf),
                         labels = pgic_levels))
anchors <- list(
  pgic = as.integer(pgic %in% c("Much improved", "Very much improved")),
  eq5d = as.integer(d$eq5d_t1 - d$eq5d_t0 <= -1)
)
strata <- list(all = rep(TRUE, nrow(d)),
               `4–6` = d$pain_t0 >= 4 & d$pain_t0 < 7,
               `7–10` = d$pain_t0 >= 7)
changes <- list(absolute = ab("t1"), percent = pct("t1"))

# The Youden-optimal threshold; ties broken by the distance to the top-left corner
# (pROC's closest.topleft criterion), then by the lowest threshold.
youden_pick <- function(b) {
  b <- b[is.finite(b$threshold), , drop = FALSE]
  if (nrow(b) == 0 || max(b$sensitivity + b$specificity) <= 1 + 1e-12) return(NULL)
  b <- b[order(b$threshold), , drop = FALSE]
  dist <- (1 - b$sensitivity)^2 + (1 - b$specificity)^2
  b[which(dist <= min(dist) + 1e-12)[1], , drop = FALSE]
}
youden_chosen <- function(y, x) {
  r <- roc(y, x, levels = c(0, 1), direction = "<", quiet = TRUE)
  b <- youden_pick(coords(r, "best", best.method = "youden",
                          ret = c("threshold", "sensitivity", "specificity"),
                          transpose = FALSE))
  if (is.null(b)) NA_real_ else b$threshold
}
keep_indices <- list(c("pgic", "absolute", "all"), c("eq5d", "percent", "7–10"))
set.seed(20250117)
analyses <- list()
for (a in names(anchors)) for (k in names(changes)) for (s in names(strata)) {
  y <- anchors[[a]][strata[[s]]]
  x <- changes[[k]][strata[[s]]]
  ids <- d$patient_id[strata[[s]]]
  r <- roc(y, x, levels = c(0, 1), direction = "<", quiet = TRUE)
  ci <- ci.auc(r, method = "delong", conf.level = 0.95)
  best <- coords(r, "best", best.method = "youden",
                 ret = c("threshold", "sensitivity", "specificity"), transpose = FALSE)
  best <- best[order(best$threshold), ]
  chosen <- youden_pick(best)
  cases <- which(y == 1); controls <- which(y == 0)
  boot_idx <- t(replicate(B, c(cases[sample.int(length(cases), replace = TRUE)],
                               controls[sample.int(length(controls), replace = TRUE)])))
  stats <- t(apply(boot_idx, 1, function(i) {
    yy <- y[i]; xx <- x[i]
    m1 <- mean(xx[yy == 1]); m0 <- mean(xx[yy == 0])
    c(youden_chosen(yy, xx), m1, m1 - m0)
  }))
  q <- function(v) quantile(v[!is.na(v)], c(0.025, 0.975), type = 7, names = FALSE)
  entry <- list(
    anchor = a, kind = k, stratum = s, n = length(y),
    n_improved = sum(y), n_not_improved = sum(1 - y),
    auc = as.numeric(auc(r)), auc_ci_low = ci[1], auc_ci_high = ci[3],
    youden_thresholds = best$threshold, youden_sensitivity = best$sensitivity,
    youden_specificity = best$specificity,
    youden_chosen = chosen$threshold, youden_chosen_sensitivity = chosen$sensitivity,
    youden_chosen_specificity = chosen$specificity,
    mean_change = mean(x[y == 1]), mean_difference = mean(x[y == 1]) - mean(x[y == 0]),
    boot_youden_ci = q(stats[, 1]), boot_youden_used = sum(!is.na(stats[, 1])),
    boot_mean_change_ci = q(stats[, 2]), boot_mean_difference_ci = q(stats[, 3])
  )
  if (any(sapply(keep_indices, function(v) all(v == c(a, k, s))))) {
    entry$patient_id <- ids
    entry$indices <- boot_idx
  }
  analyses[[length(analyses) + 1]] <- entry
}

anchor <- list(
  r_call = paste(
    "roc(improved, change, levels = c(0, 1), direction = '<'); ci.auc(method = 'delong');",
    "coords('best', best.method = 'youden') (all ties; chosen: closest to the top-left",
    "corner, then lowest); stratified bootstrap: cases and controls resampled within",
    "themselves, the chosen Youden-optimal threshold per resample, quantile(type = 7)"
  ),
  tolerance = list(abs = 1e-9),
  pgic = list(patient_id = d$patient_id, level = pgic, levels = pgic_levels,
              improved_levels = c("Much improved", "Very much improved"),
              r_call = "set.seed(20250116); cut(pain_t0 - pain_t1 + rnorm(n, 0, 2.5), ...)"),
  strata = "all; 4 <= pain_t0 < 7 ('4–6'); pain_t0 >= 7 ('7–10')",
  time = "t1",
  bootstrap_replicates = B,
  analyses = analyses
)

out <- list(
  header = list(
    generated_by = "tests/reference/make_anchor_reference.R",
    R_version = R.version.string,
    packages = list(pROC = as.character(packageVersion("pROC")),
                    coin = as.character(packageVersion("coin")),
                    jsonlite = as.character(packageVersion("jsonlite"))),
    data = "src/painresponse/data/lsgb_fbss_cohort.csv"
  ),
  cpra = cpra,
  anchor = anchor
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null"),
           file.path(OUT_DIR, "anchor_cpra.json"))
