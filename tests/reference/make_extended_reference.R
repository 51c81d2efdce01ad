# Reference values for painresponse.extended, computed with R on the bundled synthetic cohort.
#
# Regenerate from the repository root with
#     Rscript tests/reference/make_extended_reference.R
# (R >= 4.2 with lme4, pROC, jsonlite). No random numbers are drawn.
#
# R builds its own analysis inputs from the CSV (it does not read anything Python wrote):
#   * completeness: pain recorded at T0, T1 and T4;
#   * responder: pain_t1 <= 0.5 * pain_t0 (pain_t0 > 0), i.e. >= 50% reduction T0 -> T1;
#   * EQ-5D level sum = sum of the five dimension levels (5-25) at each time point.
# Output: tests/reference/extended_<family>.json, compared by tests/extended/test_against_r.py.

suppressPackageStartupMessages({
  library(lme4)
  library(pROC)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script_path <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(script_path) == 1L) dirname(normalizePath(script_path)) else "tests/reference"
CSV <- file.path(OUT_DIR, "..", "..", "src", "painresponse", "data", "lsgb_fbss_cohort.csv")

HEADER <- list(
  generated_by = "tests/reference/make_extended_reference.R",
  R_version = R.version.string,
  packages = list(
    lme4 = as.character(packageVersion("lme4")),
    pROC = as.character(packageVersion("pROC")),
    jsonlite = as.character(packageVersion("jsonlite"))
  ),
  data = "src/painresponse/data/lsgb_fbss_cohort.csv"
)

write_family <- function(name, payload) {
  out <- c(list(header = HEADER, family = name), payload)
  writeLines(
    toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
    file.path(OUT_DIR, paste0("extended_", name, ".json"))
  )
}

raw <- read.csv(CSV, stringsAsFactors = FALSE, check.names = FALSE,
                colClasses = c(patient_id = "character"))
complete <- !is.na(raw$pain_t0) & !is.na(raw$pain_t1) & !is.na(raw$pain_t4)
d <- raw[complete & raw$pain_t0 > 0, ]
d$responder <- as.integer(d$pain_t1 <= 0.5 * d$pain_t0 + 1e-9)
d$group <- factor(ifelse(d$responder == 1, "Responder", "Non-responder"),
                  levels = c("Non-responder", "Responder"))
dims <- c("mo", "sc", "ua", "pd", "ad")
for (t in c("t0", "t1", "t4")) {
  d[[paste0("eq5d_", t)]] <- rowSums(d[, paste0("eq5d_", dims, "_", t)])
}
times <- c("t0", "t1", "t4")
outcomes <- c("pain", "eq5d", "coldness")

# ---------------------------------------------------------------- mixed models (lme4)
mixed <- list()
for (o in outcomes) {
  long <- do.call(rbind, lapply(times, function(t) data.frame(
    id = d$patient_id, group = d$group, time = factor(t, levels = times),
    value = d[[paste0(o, "_", t)]]
  )))
  long <- long[!is.na(long$value), ]
  long$time <- factor(long$time, levels = times)
  fits <- list()
  for (reml in c(TRUE, FALSE)) {
    fit <- lmer(value ~ time * group + (1 | id), data = long, REML = reml)
    V <- as.matrix(vcov(fit))
    b <- fixef(fit)
    # change from baseline per group: Non-responder = time coef; Responder = time + interaction
    change <- list()
    for (t in c("t1", "t4")) {
      for (g in c("Non-responder", "Responder")) {
        L <- setNames(rep(0, length(b)), names(b))
        L[paste0("time", t)] <- 1
        if (g == "Responder") L[paste0("time", t, ":groupResponder")] <- 1
        change[[length(change) + 1]] <- list(
          time = t, group = g, estimate = sum(L * b), se = sqrt(drop(t(L) %*% V %*% L))
        )
      }
    }
    vc <- as.data.frame(VarCorr(fit))
    fits[[if (reml) "REML" else "ML"]] <- list(
      terms = names(b), estimate = unname(b), se = unname(sqrt(diag(V))),
      logLik = as.numeric(logLik(fit)), sd_patient = vc$sdcor[vc$grp == "id"],
      sd_residual = vc$sdcor[vc$grp == "Residual"], change = change
    )
  }
  full <- lmer(value ~ time * group + (1 | id), data = long, REML = FALSE)
  reduced <- lmer(value ~ time + group + (1 | id), data = long, REML = FALSE)
  lrt <- anova(reduced, full)
  mixed[[o]] <- c(fits, list(
    n_obs = nrow(long), n_patients = length(unique(long$id)),
    lrt = list(chisq = lrt$Chisq[2], df = lrt$Df[2], pvalue = lrt$`Pr(>Chisq)`[2])
  ))
}
write_family("mixed", list(
  r_call = paste(
    "lmer(value ~ time * group + (1 | id), REML = TRUE/FALSE); time levels t0,t1,t4;",
    "group levels Non-responder, Responder; LRT = anova(ML reduced (time + group), ML full)"
  ),
  tolerance = list(estimate_abs = 1e-4, se_rel = 1e-3, lrt_rel = 1e-3),
  outcomes = mixed
))

# ---------------------------------------------------------------- logistic regression (glm)
to_factor <- function(x, levels, collapse = list()) {
  x <- as.character(x)
  for (lab in names(collapse)) x[x %in% collapse[[lab]]] <- lab
  droplevels(factor(x, levels = c(setdiff(levels, unlist(collapse)), names(collapse))))
}
d$sex_f <- to_factor(d$sex, c("Male", "Female"))
d$diagnosis_f <- to_factor(d$diagnosis, c("Spinal stenosis", "HNP"))
d$lesion_severity_f <- to_factor(d$lesion_severity, c("Mild", "Moderate", "Severe"))
d$surgery_type_f <- to_factor(d$surgery_type, c("PLIF", "Laminectomy", "Discectomy"))
d$block_side_f <- to_factor(d$block_side, c("Left", "Right", "Both"))
d$block_levels_f <- to_factor(d$block_levels, c("1", "2", "3"))
models <- list(
  list(key = "age", formula = responder ~ age),
  list(key = "bmi", formula = responder ~ bmi),
  list(key = "n_surgeries", formula = responder ~ n_surgeries),
  list(key = "sex", formula = responder ~ sex_f),
  list(key = "diagnosis", formula = responder ~ diagnosis_f),
  list(key = "lesion_severity", formula = responder ~ lesion_severity_f),
  list(key = "surgery_type", formula = responder ~ surgery_type_f),
  list(key = "block_side", formula = responder ~ block_side_f),
  list(key = "block_levels", formula = responder ~ block_levels_f),
  list(key = "pain:t0", formula = responder ~ pain_t0),
  list(key = "multivariable", formula = responder ~ age + sex_f + bmi + diagnosis_f)
)
glms <- lapply(models, function(m) {
  fit <- glm(m$formula, family = binomial, data = d)
  s <- summary(fit)$coefficients
  ci <- confint.default(fit)
  list(key = m$key, terms = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]),
       ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]), converged = fit$converged,
       n = nobs(fit))
})
write_family("logistic", list(
  r_call = "glm(responder ~ x, family = binomial); summary()$coefficients; confint.default()",
  tolerance = list(estimate_rel = 1e-6, se_rel = 1e-5),
  models = glms
))

# ---------------------------------------------------------------- ROC (pROC)
pain_reduction <- d$pain_t0 - d$pain_t1
eq5d_improved <- as.integer(d$eq5d_t1 - d$eq5d_t0 <= -1)
r <- roc(eq5d_improved, pain_reduction, levels = c(0, 1), direction = "<", quiet = TRUE)
ci <- ci.auc(r, method = "delong", conf.level = 0.95)
best <- coords(r, "best", best.method = "youden",
               ret = c("threshold", "specificity", "sensitivity"), transpose = FALSE)
write_family("roc", list(
  r_call = paste(
    "roc(eq5d_improved, pain_t0 - pain_t1, levels = c(0, 1), direction = '<');",
    "ci.auc(method = 'delong'); coords('best', best.method = 'youden')"
  ),
  tolerance = list(abs = 1e-9),
  anchor = "EQ-5D level sum change T1 - T0 <= -1",
  n_cases = sum(eq5d_improved), n_controls = sum(1 - eq5d_improved),
  auc = as.numeric(auc(r)), ci_low = ci[1], ci_high = ci[3],
  youden = list(threshold = best$threshold, specificity = best$specificity,
                sensitivity = best$sensitivity)
))

# ---------------------------------------------------------------- Hodges-Lehmann (wilcox.test)
hl <- list()
resp <- d$responder == 1
pairs <- list(c("t1", "t0"), c("t4", "t1"), c("t4", "t0"))
for (o in outcomes) {
  for (t in times) {
    x <- d[[paste0(o, "_", t)]]
    w <- wilcox.test(x[resp], x[!resp], conf.int = TRUE)
    hl[[length(hl) + 1]] <- list(kind = "between", outcome = o, time = t,
      estimate = unname(w$estimate), ci_low = w$conf.int[1], ci_high = w$conf.int[2])
  }
  for (p in pairs) {
    chg <- d[[paste0(o, "_", p[1])]] - d[[paste0(o, "_", p[2])]]
    w <- wilcox.test(chg[resp], chg[!resp], conf.int = TRUE)
    hl[[length(hl) + 1]] <- list(kind = "between_change", outcome = o,
      time = paste(p, collapse = "-"),
      estimate = unname(w$estimate), ci_low = w$conf.int[1], ci_high = w$conf.int[2])
    for (g in c("Responder", "Non-responder")) {
      sel <- if (g == "Responder") resp else !resp
      later <- d[[paste0(o, "_", p[1])]][sel]
      earlier <- d[[paste0(o, "_", p[2])]][sel]
      w <- suppressWarnings(wilcox.test(later, earlier, paired = TRUE, conf.int = TRUE))
      hl[[length(hl) + 1]] <- list(kind = "paired", outcome = o, group = g,
        time = paste(p, collapse = "-"), estimate = unname(w$estimate),
        ci_low = w$conf.int[1], ci_high = w$conf.int[2])
    }
  }
}
write_family("hodges_lehmann", list(
  r_call = "wilcox.test(x, y, conf.int = TRUE) (paired = TRUE within groups); default exact/correct",
  tolerance = list(abs = 1e-6),
  cases = hl
))

# ---------------------------------------------------------------- Friedman + Holm
fr <- list()
for (o in outcomes) {
  for (g in c("Responder", "Non-responder")) {
    sel <- if (g == "Responder") resp else !resp
    m <- as.matrix(d[sel, paste0(o, "_", times)])
    m <- m[stats::complete.cases(m), , drop = FALSE]
    f <- friedman.test(m)
    p_raw <- sapply(pairs, function(p) suppressWarnings(wilcox.test(
      m[, paste0(o, "_", p[1])], m[, paste0(o, "_", p[2])], paired = TRUE,
      exact = FALSE, correct = TRUE)$p.value))
    fr[[length(fr) + 1]] <- list(outcome = o, group = g, statistic = unname(f$statistic),
      pvalue = f$p.value, pairwise_p = p_raw, pairwise_holm = p.adjust(p_raw, "holm"))
  }
}
write_family("friedman", list(
  r_call = paste("friedman.test(matrix); wilcox.test(paired = TRUE, exact = FALSE,",
                 "correct = TRUE); p.adjust(method = 'holm')"),
  tolerance = list(rel = 1e-9),
  cases = fr
))

# ---------------------------------------------------------------- Wilson (prop.test)
wil <- list()
for (t in c("t1", "t4")) {
  pct <- (d$pain_t0 - d[[paste0("pain_", t)]]) / d$pain_t0 * 100
  ab <- d$pain_t0 - d[[paste0("pain_", t)]]
  for (rule in list(list("percent", 30), list("percent", 50), list("absolute", 2))) {
    hit <- if (rule[[1]] == "percent") pct >= rule[[2]] - 1e-9 else ab >= rule[[2]] - 1e-9
    pt <- prop.test(sum(hit), length(hit), correct = FALSE)
    wil[[length(wil) + 1]] <- list(time = t, rule = rule[[1]], threshold = rule[[2]],
      count = sum(hit), n = length(hit), ci_low = pt$conf.int[1], ci_high = pt$conf.int[2])
  }
}
write_family("wilson", list(
  r_call = "prop.test(x, n, correct = FALSE)$conf.int",
  tolerance = list(abs = 1e-12),
  cases = wil
))
