"""The study definition: variables, time points, outcomes and rules, read from TOML.

A study file says what the columns of the data mean and how the study is analysed, so
that another procedure (say an epidural injection with 3-month follow-up) needs a new
study file, not new code. The bundled default reproduces the published LSGB study on the
canonical columns (``docs/data-dictionary.md``).

Examples
--------
>>> study = load_study()
>>> study.responder.threshold, [t.label for t in study.time_points]
(50.0, ['T0', 'T1', 'T4'])
"""

from __future__ import annotations

import tomllib
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from painresponse.errors import StudyDefinitionError
from painresponse.study_checks import TomlLines, non_finite, where

__all__ = [
    "DEFAULT_MULTIVARIABLE",
    "AnalysisOptions",
    "Completeness",
    "EligibilityRule",
    "ExtendedOptions",
    "InferenceOptions",
    "InputOptions",
    "Outcome",
    "ResponderRule",
    "Study",
    "TimePoint",
    "Variable",
    "default_study_path",
    "load_study",
]

VariableKind = Literal[
    "continuous_normal", "continuous_nonnormal", "count", "categorical", "ordinal"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimePoint(_Model):
    """A time point: ``key`` used in the study file, ``label`` shown (T1), ``description``."""

    key: str
    label: str
    description: str = ""


class Variable(_Model):
    """A characteristic compared between groups (Tables 1–3).

    ``levels`` lists the allowed raw values of a categorical variable in display order;
    ``level_labels`` maps a raw value to its display label; ``collapse`` maps a display
    level to the raw values it gathers (e.g. ``"≥2 level" = ["2", "3", "4", "5", "6"]``).
    ``test`` overrides the default-choice rule with a registry key.
    """

    key: str
    column: str
    label: str
    kind: VariableKind
    table: int
    section: str | None = None
    levels: list[str] = Field(default_factory=list)
    level_labels: dict[str, str] = Field(default_factory=dict)
    collapse: dict[str, list[str]] = Field(default_factory=dict)
    show_empty_levels: bool = False
    integer: bool = False
    min: float | None = None
    max: float | None = None
    display: Literal["mean_sd", "median_iqr", "n_pct"] | None = None
    digits: int = 1
    test: str | None = None
    required: bool = False
    cut: list[float] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    closed: Literal["right", "left"] = "right"
    recode: dict[str, str] = Field(default_factory=dict)
    na_values: list[str] = Field(default_factory=list)

    def cut_labels(self) -> list[str]:
        """Labels of the bins of a ``cut`` variable, lowest first."""
        return list(self.labels or self.levels)

    @property
    def is_categorical(self) -> bool:
        """True for categorical and ordinal variables."""
        return self.kind in ("categorical", "ordinal")

    @property
    def display_kind(self) -> str:
        """How the variable is summarised: n (%), mean ± SD or median (IQR)."""
        if self.display is not None:
            return self.display
        if self.is_categorical:
            return "n_pct"
        return "mean_sd" if self.kind in ("continuous_normal", "count") else "median_iqr"

    def allowed_values(self) -> list[str]:
        """Values a categorical variable may take (after ``recode`` and ``cut``)."""
        values = list(self.levels or self.labels)
        for raw in self.collapse.values():
            values += [v for v in raw if v not in values]
        return values

    def display_levels(self) -> list[tuple[str, list[str]]]:
        """Display label and the raw values it gathers, in display order."""
        shown: list[tuple[str, list[str]]] = []
        collapsed = {v for raw in self.collapse.values() for v in raw}
        for level in self.levels or self.labels:
            if level in collapsed:
                continue
            shown.append((self.level_labels.get(level, level), [level]))
        for label, raw in self.collapse.items():
            shown.append((label, list(raw)))
        return shown


class Outcome(_Model):
    """A patient-reported outcome measured at every time point (Tables 3–5).

    Either one column per time point (``columns``), or several dimension columns per time
    point (``dimension_columns``) summarised as ``summary = "level_sum"`` (their sum: the
    EQ-5D-5L level sum score, 5–25, the paper's choice) or ``summary = "index"`` (the
    EQ-5D-5L index value from the published value set ``value_set``, e.g. ``"KR"``; the five
    columns in the order MO, SC, UA, PD, AD).
    """

    key: str
    label: str
    min: float
    max: float
    integer: bool = True
    columns: dict[str, str] = Field(default_factory=dict)
    dimension_columns: dict[str, list[str]] = Field(default_factory=dict)
    dimension_labels: list[str] = Field(default_factory=list)
    summary: Literal["value", "level_sum", "index"] = "value"
    value_set: str = "KR"
    kind: VariableKind = "continuous_nonnormal"
    digits: int = 1
    na_values: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _columns_match_summary(self) -> Outcome:
        if self.summary == "value" and not self.columns:
            raise ValueError(f"outcome {self.key!r}: 'columns' maps each time point to a column")
        if self.summary in ("level_sum", "index") and not self.dimension_columns:
            raise ValueError(
                f"outcome {self.key!r}: a {self.summary} outcome needs 'dimension_columns' "
                "(a list of columns per time point)"
            )
        if self.summary == "index":
            from painresponse.eq5d import available_value_sets

            if any(len(cols) != 5 for cols in self.dimension_columns.values()):
                raise ValueError(
                    f"outcome {self.key!r}: an EQ-5D-5L index needs the five dimension "
                    "columns (MO, SC, UA, PD, AD, in that order) at every time point"
                )
            if self.value_set not in available_value_sets():
                raise ValueError(
                    f"outcome {self.key!r}: unknown EQ-5D-5L value set {self.value_set!r}; "
                    f"available: {', '.join(available_value_sets())}"
                )
        return self

    def time_keys(self) -> list[str]:
        """Time points at which the outcome is recorded."""
        return list(self.columns or self.dimension_columns)

    def raw_columns(self, time: str) -> list[str]:
        """The data columns holding the outcome at ``time``."""
        if self.summary == "value":
            return [self.columns[time]]
        return list(self.dimension_columns[time])

    def value_range(self) -> tuple[float, float]:
        """Range of the outcome's summary score (the sum's range for level sums)."""
        if self.summary == "value":
            return self.min, self.max
        k = len(next(iter(self.dimension_columns.values())))
        return self.min * k, self.max * k


class ResponderRule(_Model):
    """Who is a responder.

    ``percent_reduction``: (baseline − follow-up) / baseline × 100 ≥ threshold;
    ``absolute_reduction``: baseline − follow-up ≥ threshold;
    ``relief_column``: a patient-reported percent-relief column ≥ threshold.
    A baseline of 0 leaves the percent change undefined: ``baseline_zero`` says whether
    such patients are excluded from classification (counted, with that reason) or
    classed as non-responders.
    """

    outcome: str
    baseline: str
    follow_up: str
    rule: Literal["percent_reduction", "absolute_reduction", "relief_column"] = "percent_reduction"
    threshold: float = 50.0
    relief_column: str | None = None
    responder_label: str = "Responder"
    non_responder_label: str = "Non-responder"
    baseline_zero: Literal["exclude", "non_responder"] = "exclude"

    def describe(self, outcome_label: str, baseline_label: str, follow_up_label: str) -> str:
        """The rule in words."""
        if self.rule == "percent_reduction":
            what = f"a reduction of at least {self.threshold:g}% in {outcome_label}"
        elif self.rule == "absolute_reduction":
            what = f"a reduction of at least {self.threshold:g} points in {outcome_label}"
        else:
            what = f"patient-reported relief of at least {self.threshold:g}%"
        return f"{what} from {baseline_label} to {follow_up_label}"


class EligibilityRule(_Model):
    """One eligibility criterion on one column; failing patients are excluded with ``reason``."""

    column: str
    reason: str
    min: float | None = None
    max: float | None = None
    allowed: list[str] = Field(default_factory=list)
    not_empty: bool = False


class Completeness(_Model):
    """Follow-up completeness: ``outcomes`` must be recorded at ``time_points``."""

    outcomes: list[str] = Field(default_factory=list)
    time_points: list[str] = Field(default_factory=list)
    reason: str = "insufficient follow-up data"


class AnalysisOptions(_Model):
    """Choices that apply to the whole analysis.

    ``missing`` says when tables show how many patients are behind a summary (as
    gtsummary's argument of that name): ``"ifany"`` adds a "Missing" line to a variable
    with values not recorded and an ``n = …`` to an outcome summary on fewer patients than
    its column; ``"always"`` does so for every variable and summary; ``"no"`` never (the
    CSV files' ``n (…)`` columns always hold the numbers).
    """

    paired_test: str = "signed_rank"
    zero_method: Literal["wilcox", "pratt"] = "wilcox"
    exact: Literal["auto", "exact", "asymptotic"] = "auto"
    adjust: Literal["none", "holm", "bonferroni", "bh"] = "none"
    adjust_tables: list[int] = Field(default_factory=lambda: [4, 5])
    comparisons: list[tuple[str, str]] = Field(default_factory=list)
    outcome_display_between: Literal["mean_sd", "median_iqr"] = "mean_sd"
    equal_var: bool = True
    missing: Literal["ifany", "always", "no"] = "ifany"


class InputOptions(_Model):
    """How the data file is read (the command line's flags override these).

    ``na_values`` lists cell texts that mean "not recorded" in every column (e.g.
    ``["NA", "-", "."]``); never on by default, and reported in the methods when used.
    """

    sheet: str | None = None
    header_row: int | None = Field(default=None, ge=1)
    encoding: str | None = None
    delimiter: str | None = None
    decimal: Literal[".", ","] | None = None
    na_values: list[str] = Field(default_factory=list)


class InferenceOptions(_Model):
    """How p-values are computed and written (``[tests]``).

    ``preset``: ``"exact"`` (exact conditional rank tests, the default), ``"sas"`` (SAS 9.4
    defaults) or ``"r"`` (R's defaults); ``ordinal_test``: ``"default"`` (chi-square or
    Fisher by Cochran's rule, as the paper) or ``"trend"`` (the linear-by-linear association
    test for every ordinal variable); ``circular``: ``"flag"`` or ``"omit"`` the tests that
    compare groups on the values that define them; ``p_style``: ``"default"`` (3 decimals,
    never rounded across 0.05), ``"nejm"``, ``"jama"``, ``"apa"`` or ``"lancet"``.
    """

    preset: Literal["exact", "sas", "r"] = "exact"
    ordinal_test: Literal["default", "trend"] = "default"
    circular: Literal["flag", "omit"] = "flag"
    p_style: Literal["default", "nejm", "jama", "apa", "lancet"] = "default"


#: Default multivariable set: four characteristics (about 10 events per variable at n = 84).
DEFAULT_MULTIVARIABLE = ("age", "sex", "bmi", "diagnosis")


class ExtendedOptions(BaseModel):
    """Choices for the analyses beyond the paper.

    Attributes
    ----------
    enabled : bool
        Run the extended analyses at all.
    eq5d_summary : str
        ``"level_sum"`` (the paper's 5–25 sum; default) or ``"index:<code>"`` (an index value
        set, e.g. ``"index:KR"``) for the EQ-5D outcome of the mixed model, effects tables
        and Friedman tests.
    eq5d_value_set : str
        Value set of the EQ-5D index table (table10) and of an index ROC anchor.
    conf_level : float
        Confidence level of every interval.
    mixed_test : {"lrt", "wald"}
        Group × time interaction test: likelihood-ratio (ML fits) or Wald (REML fit).
    pairwise_adjust : {"holm", "bonferroni", "bh", "none"}
        Adjustment of the pairwise signed-rank tests after each Friedman test.
    responder_percent : list of float
        Percent-reduction cut-offs for the responder-rate table (IMMPACT 30% and 50%).
    responder_absolute : list of float
        Absolute-reduction cut-offs (points) for the responder-rate table.
    roc_time : str or None
        Follow-up time point of the ROC analysis (default: the responder rule's).
    roc_anchor : {"level_sum", "index"}
        What counts as EQ-5D improvement: a level-sum decrease of at least
        ``roc_level_sum_mid`` points, or an index increase of at least ``roc_index_mid``.
    roc_level_sum_mid : float
        Level-sum decrease that counts as improvement (1 = one level in one dimension).
    roc_index_mid : float or None
        Minimal important difference of the index; required for ``roc_anchor = "index"``
        (no Korean EQ-5D-5L MID is bundled: choose one from the literature and cite it).
    multivariable : list of str
        Variable keys (or ``"<outcome>:<time>"`` baseline scores) of the multivariable
        logistic model; empty means :data:`DEFAULT_MULTIVARIABLE`.
    predictors : list of str
        Candidates of the univariable models; empty means every Table 1–3 variable plus
        the baseline score of each outcome.
    dropout_rule : {"completers", "nri", "bocf", "locf", "mbocf", "mi"}
        The primary rule for eligible patients without follow-up (Table S9 and the methods):
        ``"completers"`` (leave them out, as the published study did), non-responder
        imputation, baseline or last observation carried forward, modified BOCF, or
        multiple imputation. Table S9 shows every rule side by side.
    imputations : int
        Number of multiply imputed data sets (2–1000).
    imputation_seed : int
        Seed of the multiple imputation (stated in the table and the methods).
    dropout_reason_column : str or None
        Data column with the reason a patient left the study; needed by modified BOCF.
    dropout_bocf_reasons : list of str
        Values of ``dropout_reason_column`` (case and spaces ignored) meaning the patient
        left for a treatment-related reason (default: adverse event, lack of efficacy):
        modified BOCF carries the baseline forward for them and the last observation for
        the others (Liu-Seifert et al. 2010; ``["adverse event"]`` alone gives their aeBOCF).
    dropout_reference_rate : float or None
        A responder rate (0–1) the study's conclusion is judged against (e.g. a performance
        goal); the tipping point then says how many patients without follow-up would have
        to respond for the 95% CI to change side. Without it the tipping point is judged
        against the completers' 95% CI.
    cpra_group : str or None
        Grouping of the cumulative responder table and figure (tableS10): a categorical
        variable key (a characteristic not defined by the pain change, e.g. ``"sex"``),
        ``"responder"`` for the study's own groups (their comparison at the responder
        rule's follow-up is circular and marked †), or None (default): all patients, with
        the follow-up times compared on the same patients.
    cpra_thresholds : list of float
        Percent reductions of the CPRA table (IMMPACT: 10, 20, 30, 50, 70).
    cpra_bootstrap : int
        Bootstrap resamples of the pointwise bands of the responder curves (0: none).
    bootstrap_seed : int
        Seed of the numpy random generator of every bootstrap (CPRA bands, anchor CIs).
    anchor : str or None
        Anchor of the clinically important change (tableS11): a categorical variable key
        (e.g. a patient global impression of change column) or ``"eq5d"`` (an EQ-5D
        improvement as defined by ``roc_anchor``, ``roc_level_sum_mid``, ``roc_index_mid``,
        as Table S6); None (default): no anchor table.
    anchor_improved_levels : list of str
        Levels of the anchor variable that count as improved (raw values or labels).
    anchor_time : str or None
        Follow-up time of the pain change judged by the anchor (default: the responder
        rule's follow-up).
    anchor_bootstrap : int
        Stratified bootstrap resamples of the anchor-based estimates (0: no intervals).
    baseline_strata : list of float
        Lower bounds of the baseline-pain strata of the anchor table: ``[4, 7]`` gives
        4 to below 7 (NRS 4–6) and 7 or more (7–10); patients below the first bound are in
        no stratum. Empty: no strata.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    eq5d_summary: str = "level_sum"
    eq5d_value_set: str = "KR"
    conf_level: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.95
    mixed_test: Literal["lrt", "wald"] = "lrt"
    pairwise_adjust: Literal["holm", "bonferroni", "bh", "none"] = "holm"
    responder_percent: list[float] = Field(default_factory=lambda: [30.0, 50.0])
    responder_absolute: list[float] = Field(default_factory=lambda: [2.0])
    roc_time: str | None = None
    roc_anchor: Literal["level_sum", "index"] = "level_sum"
    roc_level_sum_mid: Annotated[float, Field(gt=0)] = 1.0
    roc_index_mid: Annotated[float | None, Field(gt=0)] = None
    multivariable: list[str] = Field(default_factory=list)
    predictors: list[str] = Field(default_factory=list)
    dropout_rule: Literal["completers", "nri", "bocf", "locf", "mbocf", "mi"] = "completers"
    imputations: Annotated[int, Field(ge=2, le=1000)] = 20
    imputation_seed: int = 20240615
    dropout_reason_column: str | None = None
    dropout_bocf_reasons: list[str] = Field(
        default_factory=lambda: ["adverse event", "lack of efficacy"]
    )
    dropout_reference_rate: Annotated[float | None, Field(gt=0, lt=1)] = None
    cpra_group: str | None = None
    cpra_thresholds: list[float] = Field(default_factory=lambda: [10.0, 20.0, 30.0, 50.0, 70.0])
    cpra_bootstrap: Annotated[int, Field(ge=0)] = 2000
    bootstrap_seed: int = 20250115
    anchor: str | None = None
    anchor_improved_levels: list[str] = Field(default_factory=list)
    anchor_time: str | None = None
    anchor_bootstrap: Annotated[int, Field(ge=0)] = 2000
    baseline_strata: list[float] = Field(default_factory=lambda: [4.0, 7.0])

    @field_validator("eq5d_summary")
    @classmethod
    def _summary_form(cls, value: str) -> str:
        if value != "level_sum" and not value.startswith("index:"):
            raise ValueError("eq5d_summary is 'level_sum' or 'index:<value set>' (e.g. 'index:KR')")
        return value

    @field_validator("cpra_thresholds", "baseline_strata")
    @classmethod
    def _increasing(cls, value: list[float]) -> list[float]:
        if any(b <= a for a, b in pairwise(value)):
            raise ValueError("list the values in increasing order, each once")
        return value

    @field_validator("cpra_thresholds")
    @classmethod
    def _percent_reductions(cls, value: list[float]) -> list[float]:
        if any(not 0 < v <= 100 for v in value):
            raise ValueError("percent reductions lie above 0 and at most 100")
        return value

    @property
    def summary_value_set(self) -> str | None:
        """The value set code of ``eq5d_summary = "index:<code>"``, else None."""
        return self.eq5d_summary.split(":", 1)[1] if self.eq5d_summary != "level_sum" else None


class Study(_Model):
    """A whole study definition (see ``docs/study-file.md``)."""

    title: str
    id_column: str
    group_column_name: str = "group"
    time_points: list[TimePoint]
    variables: list[Variable] = Field(default_factory=list)
    outcomes: list[Outcome]
    responder: ResponderRule
    eligibility: list[EligibilityRule] = Field(default_factory=list)
    completeness: Completeness = Completeness()
    analysis: AnalysisOptions = AnalysisOptions()
    extended: ExtendedOptions = ExtendedOptions()
    table_titles: dict[str, str] = Field(default_factory=dict)
    table_notes: dict[str, str] = Field(default_factory=dict)
    rename: dict[str, str] = Field(default_factory=dict)
    input: InputOptions = InputOptions()
    tests: InferenceOptions = InferenceOptions()

    @model_validator(mode="after")
    def _makes_sense(self) -> Study:
        from painresponse.study_checks import StudyProblems, study_problems

        problems = study_problems(self)
        if problems:
            raise StudyProblems(problems)
        return self

    def restricted_to(self, tables: set[int]) -> Study:
        """The same study reading only what ``tables`` need (plus the cohort's rules).

        Variables of other tables are dropped; outcomes too when none of Tables 3–5 is
        asked for, except those the responder and completeness rules use. Used for
        ``--tables`` so that a registry-scale Table 1 reads and checks only its columns.
        """
        variables = [v for v in self.variables if v.table in tables]
        if tables & {3, 4, 5}:
            outcomes = list(self.outcomes)
        else:
            keep = {self.responder.outcome, *self.completeness.outcomes}
            outcomes = [o for o in self.outcomes if o.key in keep]
        return self.model_copy(update={"variables": variables, "outcomes": outcomes})

    def time(self, key: str) -> TimePoint:
        """The time point with ``key``."""
        return next(t for t in self.time_points if t.key == key)

    def outcome(self, key: str) -> Outcome:
        """The outcome with ``key``."""
        return next(o for o in self.outcomes if o.key == key)

    def comparisons(self) -> list[tuple[str, str]]:
        """(later, earlier) time pairs for Tables 4–5; default: every later vs. earlier."""
        if self.analysis.comparisons:
            return [tuple(c) for c in self.analysis.comparisons]  # type: ignore[misc]
        keys = [t.key for t in self.time_points]
        pairs = [(keys[i + 1], keys[i]) for i in range(len(keys) - 1)]
        pairs += [(keys[j], keys[0]) for j in range(2, len(keys))]
        return pairs

    def group_labels(self) -> tuple[str, str]:
        """(responder label, non-responder label)."""
        return self.responder.responder_label, self.responder.non_responder_label

    def required_columns(self) -> list[str]:
        """Every data column the study reads, in a stable order."""
        cols = [self.id_column]
        cols += [v.column for v in self.variables]
        for o in self.outcomes:
            for t in o.time_keys():
                cols += o.raw_columns(t)
        if self.responder.relief_column:
            cols.append(self.responder.relief_column)
        cols += [e.column for e in self.eligibility]
        seen: dict[str, None] = {}
        for c in cols:
            seen.setdefault(c, None)
        return list(seen)


def default_study_path() -> Path:
    """Path of the bundled study file reproducing the published LSGB study."""
    return Path(str(resources.files("painresponse") / "studies" / "lsgb_fbss.toml"))


def _did_you_mean(key: str) -> str:
    """`` (did you mean 'level_labels'?)`` from the keys of every section, or a pointer."""
    import difflib

    models = (Study, Variable, Outcome, TimePoint, ResponderRule, EligibilityRule, Completeness,
              AnalysisOptions, InputOptions, InferenceOptions, ExtendedOptions)  # fmt: skip
    known = sorted({name for model in models for name in model.model_fields})
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    if close:
        return f"; did you mean {close[0]!r}?"
    return " (docs/study-file.md lists the keys of each section)"


def _format_pydantic(error: ValidationError, lines: TomlLines, raw: dict[str, Any]) -> str:
    """Each schema or meaning problem on its own line, with the study file's line number."""
    from painresponse.study_checks import StudyProblems

    out = []
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, StudyProblems):
            out += [f"  {where(path, lines, raw)}: {msg}" for path, msg in cause.problems]
            continue
        msg = item["msg"].removeprefix("Value error, ")
        given = item.get("input")
        if isinstance(given, str | int | float) and item["type"] != "value_error":
            msg = f"{str(given)[:80]!r}: {msg}"
        if item["type"] == "extra_forbidden":
            msg = "unknown key" + _did_you_mean(str(item["loc"][-1]))
        out.append(f"  {where(tuple(item['loc']), lines, raw)}: {msg}")
    return "\n".join(out)


def load_study(path: str | Path | None = None) -> Study:
    """Read and validate a study file (the bundled default when ``path`` is None).

    Parameters
    ----------
    path : str or Path, optional
        A TOML study file (UTF-8, with or without a byte-order mark).

    Returns
    -------
    Study
        The validated, frozen study definition.

    Raises
    ------
    StudyDefinitionError
        When the file is missing, is not TOML, breaks the schema or makes no sense
        (levels listed twice, a threshold of 150 %, an unknown test, ...); the message
        lists every problem with its line and the variable's name.
    """
    source = Path(path) if path is not None else default_study_path()
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise StudyDefinitionError(f"{source}: study file not found") from None
    except IsADirectoryError:
        raise StudyDefinitionError(f"{source}: is a folder, not a study file") from None
    except OSError as exc:
        raise StudyDefinitionError(
            f"{source}: cannot read the study file ({exc.strerror})"
        ) from None
    except UnicodeDecodeError as exc:
        raise StudyDefinitionError(
            f"{source}: not UTF-8 text (byte {exc.start}); save the study file as UTF-8"
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StudyDefinitionError(f"{source}: not valid TOML ({exc})") from None
    lines = TomlLines(text)
    infinite = non_finite(raw)
    if infinite:
        listed = "\n".join(f"  {where(p, lines, raw)}: {m}" for p, m in infinite)
        raise StudyDefinitionError(f"{source}: the study definition has problems:\n{listed}")
    try:
        return Study.model_validate(raw)
    except ValidationError as exc:
        raise StudyDefinitionError(
            f"{source}: the study definition has problems:\n{_format_pydantic(exc, lines, raw)}"
        ) from None
