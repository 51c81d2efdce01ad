# Reference values for Table S9 (responders under each rule for patients without follow-up),
# computed with R on the bundled synthetic cohort.
#
# Regenerate from the repository root with
#     .venv/bin/python tests/reference/export_dropout_imputations.py   # Python's imputations
#     Rscript tests/reference/make_dropout_reference.R
# (R >= 4.2 with jsonlite, coin, mice, mitml). Output: tests/reference/dropout.json, compared
# by tests/tables/supplementary/test_dropout.py. Seeded; the same R and package versions give
# a byte-identical file.
#
# Three parts:
#   1. deterministic rules (completers, NRI, BOCF, LOCF) built by R from the CSV alone:
#      responders/N with prop.test's Wilson interval; for every Table 3 row (each outcome at
#      each time) the difference in means with t.test(var.equal = TRUE); for every Table 5 row
#      (change scores) the Hodges-Lehmann shift with coin's exact interval; exact conditional
#      rank-sum p-values from coin::wilcox_test(distribution = "exact") for both.
#   2. Rubin's rules and D2 on Python's own completed data sets (dropout_mi_input.json holds
#      the imputed scores of the patients without follow-up): R classifies each completed data
#      set itself (pain_t1 <= 0.5 pain_t0), computes every estimate with t.test / wilcox.test
#      and pools with mice::pool.scalar and mitml's D2.
#   3. R mice itself (pmm, 5 donors, maxit 10, m = 20, fixed seed) for the pooled responder
#      rate, (a) on the matrix Python imputes from and (b) on a stress cohort in which every
#      fourth patient (patient number divisible by 4) loses all follow-up, imputed from R's own
#      data frame (factors for the categorical characteristics). Implementations of MI differ,
#      so Python is compared with these within Monte Carlo error, not digit for digit.

suppressPackageStartupMessages({
  library(jsonlite)
  library(coin)
  library(mice)
  library(mitml)
})

SEED <- 20240615L
set.seed(SEED, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"
CSV <- file.path(OUT_DIR, "..", "..", "src", "painresponse", "data", "lsgb_fbss_cohort.csv")

HEADER <- list(
  generated_by = "tests/reference/make_dropout_reference.R",
  R_version = R.version.string,
  packages = list(
    jsonlite = as.character(packageVersion("jsonlite")),
    coin = as.character(packageVersion("coin")),
    mice = as.character(packageVersion("mice")),
    mitml = as.character(packageVersion("mitml"))
  ),
  seed = SEED,
  data = "src/painresponse/data/lsgb_fbss_cohort.csv"
)

YES <- "Responder"
NO <- "Non-responder"
TIMES <- c("t0", "t1", "t4")
OUTCOMES <- c("pain", "eq5d", "coldness")
CHANGES <- list(c("t1", "t0"), c("t4", "t1"), c("t4", "t0"))
DIMS <- c("mo", "sc", "ua", "pd", "ad")

raw <- read.csv(CSV, stringsAsFactors = FALSE, check.names = FALSE,
                colClasses = c(patient_id = "character"))
for (t in TIMES) {
  raw[[paste0("eq5d_", t)]] <- rowSums(raw[, paste0("eq5d_", DIMS, "_", t)])  # NA if any NA
}

responder_of <- function(pain0, pain1) {
  ifelse(is.na(pain0) | is.na(pain1) | pain0 <= 0, NA,
         ifelse(pain1 <= 0.5 * pain0 + 1e-9, YES, NO))
}

score_frame <- function(d) {
  out <- list()
  for (o in OUTCOMES) for (t in TIMES) out[[paste0(o, "_", t)]] <- d[[paste0(o, "_", t)]]
  as.data.frame(out)
}

# ---------------------------------------------------------------- 1. deterministic rules
analysed <- !is.na(raw$pain_t0) & !is.na(raw$pain_t1) & !is.na(raw$pain_t4) & raw$pain_t0 > 0
observed <- responder_of(raw$pain_t0, raw$pain_t1)
dropout <- !analysed

carry <- function(scores, how) {
  for (o in OUTCOMES) {
    v0 <- scores[[paste0(o, "_t0")]]
    v1 <- scores[[paste0(o, "_t1")]]
    v4 <- scores[[paste0(o, "_t4")]]
    fill1 <- dropout & is.na(v1)
    fill4 <- dropout & is.na(v4)
    src4 <- if (how == "bocf") v0 else ifelse(is.na(v1), v0, v1)  # last recorded earlier
    v1[fill1] <- v0[fill1]
    v4[fill4] <- src4[fill4]
    scores[[paste0(o, "_t1")]] <- v1
    scores[[paste0(o, "_t4")]] <- v4
  }
  scores
}

rule_data <- function(rule) {
  scores <- score_frame(raw)
  if (rule == "completers") {
    return(list(included = analysed, group = ifelse(analysed, observed, NA), scores = scores))
  }
  included <- analysed | dropout
  if (rule == "nri") {
    group <- ifelse(is.na(observed), NO, observed)
  } else {
    scores <- carry(scores, rule)
    group <- ifelse(dropout, responder_of(scores$pain_t0, scores$pain_t1), observed)
    group <- ifelse(is.na(group), NO, group)
  }
  list(included = included, group = group, scores = scores)
}

row_values <- function(scores, outcome, times) {
  if (length(times) == 1) return(scores[[paste0(outcome, "_", times)]])
  scores[[paste0(outcome, "_", times[1])]] - scores[[paste0(outcome, "_", times[2])]]
}

exact_rank_sum <- function(x, y, conf_int) {
  d <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(length(x), length(y))),
                                          levels = c("x", "y")))
  wilcox_test(v ~ g, data = d, distribution = "exact", conf.int = conf_int)
}

rows_of <- function(data) {
  out <- list()
  for (o in OUTCOMES) {
    series <- c(lapply(TIMES, function(t) t), CHANGES)
    for (times in series) {
      v <- row_values(data$scores, o, times)
      x <- v[data$included & data$group == YES & !is.na(v)]
      y <- v[data$included & data$group == NO & !is.na(v)]
      row <- list(outcome = o, times = I(times), n = I(c(length(x), length(y))))
      if (length(times) == 1) {
        tt <- t.test(x, y, var.equal = TRUE)
        row$estimate <- unname(tt$estimate[1] - tt$estimate[2])
        row$ci <- I(as.numeric(tt$conf.int))
        row$p_exact <- pvalue(exact_rank_sum(x, y, FALSE))
      } else {
        w <- exact_rank_sum(x, y, TRUE)
        row$estimate <- median(outer(x, y, "-"))
        row$ci <- I(as.numeric(confint(w)$conf.int))
        row$p_exact <- pvalue(w)
      }
      out[[length(out) + 1]] <- row
    }
  }
  out
}

rules <- list()
for (rule in c("completers", "nri", "bocf", "locf")) {
  data <- rule_data(rule)
  count <- sum(data$included & data$group == YES, na.rm = TRUE)
  total <- sum(data$included)
  wilson <- prop.test(count, total, correct = FALSE)$conf.int
  rules[[rule]] <- list(
    responders = count, total = total, wilson = I(as.numeric(wilson)),
    groups = I(c(count, sum(data$included & data$group == NO, na.rm = TRUE))),
    rows = rows_of(data)
  )
}

# ---------------------------------------------------------------- 2. pooling Python's imputations
mi <- fromJSON(file.path(OUT_DIR, "dropout_mi_input.json"), simplifyVector = FALSE)
num <- function(v) as.numeric(vapply(v, function(z) if (is.null(z)) NA_real_ else z, numeric(1)))
scores0 <- as.data.frame(lapply(mi$scores, num))
drop_at <- unlist(mi$dropout_index)
completed <- lapply(mi$completed, function(imp) {
  s <- scores0
  for (k in names(imp)) s[[k]][drop_at] <- num(imp[[k]])
  s
})
m <- length(completed)
N <- nrow(scores0)

pool_ci <- function(p) {
  half <- qt(0.975, p$df) * sqrt(p$t)
  c(p$qbar - half, p$qbar + half)
}

shares <- vapply(completed, function(s) mean(responder_of(s$pain_t0, s$pain_t1) == YES), 0)
rate <- pool.scalar(shares, shares * (1 - shares) / N, n = N, k = 1)
pooled_rows <- list()
for (o in OUTCOMES) {
  for (times in c(lapply(TIMES, function(t) t), CHANGES)) {
    q <- u <- d <- numeric(m)
    n_row <- NA
    for (j in seq_len(m)) {
      s <- completed[[j]]
      group <- responder_of(s$pain_t0, s$pain_t1)
      v <- row_values(s, o, times)
      x <- v[group == YES & !is.na(v)]
      y <- v[group == NO & !is.na(v)]
      n_row <- length(x) + length(y)
      if (length(times) == 1) {
        tt <- t.test(x, y, var.equal = TRUE)
        q[j] <- unname(tt$estimate[1] - tt$estimate[2])
        u[j] <- tt$stderr^2
      } else {
        w <- suppressWarnings(wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE))
        q[j] <- unname(w$estimate)
        u[j] <- (diff(as.numeric(w$conf.int)) / 2 / qnorm(0.975))^2
      }
      p <- suppressWarnings(wilcox.test(x, y, exact = FALSE, correct = TRUE))$p.value
      d[j] <- qnorm(p / 2)^2
    }
    pooled <- pool.scalar(q, u, n = n_row, k = 2)
    d2 <- mitml:::.D2(d, 1)
    pooled_rows[[length(pooled_rows) + 1]] <- list(
      outcome = o, times = I(times), n = n_row,
      qbar = pooled$qbar, ubar = pooled$ubar, b = pooled$b, t = pooled$t, df = pooled$df,
      ci = I(pool_ci(pooled)),
      d2 = d2$F, d2_df = d2$v, d2_p = pf(d2$F, 1, d2$v, lower.tail = FALSE)
    )
  }
}

# ---------------------------------------------------------------- 3. R mice itself
mice_rate <- function(data, pain0, pain1, seed) {
  imp <- mice(data, m = 20, maxit = 10, method = "pmm", donors = 5L, seed = seed,
              printFlag = FALSE)
  q <- vapply(seq_len(20), function(j) {
    s <- complete(imp, j)
    mean(responder_of(s[[pain0]], s[[pain1]]) == YES)
  }, 0)
  p <- pool.scalar(q, q * (1 - q) / nrow(data), n = nrow(data), k = 1)
  list(qbar = p$qbar, b = p$b, t = p$t, df = p$df, shares = I(q))
}

# (a) the matrix Python imputes from
mat <- do.call(rbind, lapply(mi$imputation_matrix$values, num))
colnames(mat) <- paste0("v", seq_len(ncol(mat)))
targets <- mi$imputation_matrix$targets
same_matrix <- mice_rate(as.data.frame(mat), paste0("v", targets$pain_t0),
                         paste0("v", targets$pain_t1), SEED)

# (b) a stress cohort: every fourth patient loses all follow-up; R's own imputation frame
stress <- raw
number <- as.integer(sub("^LSGB-0*", "", stress$patient_id))
lost <- number %% 4 == 0
follow <- c(unlist(lapply(c("pain", "coldness", "eq5d"), function(o) paste0(o, c("_t1", "_t4")))),
            paste0("eq5d_", DIMS, "_t1"), paste0("eq5d_", DIMS, "_t4"))
stress[lost, follow] <- NA
ordinal <- list(pain_duration = c("<1", "1-2", ">2"), lesion_severity = c("Mild", "Moderate", "Severe"),
                surgery_range = as.character(1:6), block_levels = as.character(1:3))
frame <- data.frame(age = stress$age, bmi = stress$bmi, n_surgeries = stress$n_surgeries)
for (v in c("sex", "diagnosis", "lesion_level", "surgery_type", "time_since_surgery", "block_side")) {
  frame[[v]] <- factor(stress[[v]])
}
for (v in names(ordinal)) frame[[v]] <- match(as.character(stress[[v]]), ordinal[[v]]) - 1
frame$block_distance <- pmin(as.integer(stress$block_distance), 2L)  # 0, 1, >=2 as in Table 3
for (o in OUTCOMES) for (t in TIMES) frame[[paste0(o, "_", t)]] <- stress[[paste0(o, "_", t)]]
stress_rate <- mice_rate(frame, "pain_t0", "pain_t1", SEED)
stress_group <- responder_of(stress$pain_t0, stress$pain_t1)
stress_analysed <- !is.na(stress$pain_t4) & !is.na(stress_group)
stress_completers <- c(sum(stress_analysed & stress_group == YES), sum(stress_analysed))

out <- list(
  header = HEADER,
  rules = rules,
  pooled = list(m = m, N = N, rate = list(qbar = rate$qbar, ubar = rate$ubar, b = rate$b,
                                             t = rate$t, df = rate$df, ci = I(pool_ci(rate)),
                                             shares = I(shares)),
                rows = pooled_rows),
  mice = list(same_matrix = same_matrix,
              stress = c(stress_rate, list(lost = sum(lost), missing = sum(!stress_analysed),
                                           completers = I(stress_completers))))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
           file.path(OUT_DIR, "dropout.json"))
cat("wrote", file.path(OUT_DIR, "dropout.json"), "\n")
