"""Study-file options of the extended analyses (``[extended]`` in the study TOML).

Examples
--------
>>> opts = ExtendedOptions()
>>> opts.eq5d_summary, opts.eq5d_value_set, opts.roc_anchor
('level_sum', 'KR', 'level_sum')
>>> ExtendedOptions(eq5d_summary="index:US").summary_value_set
'US'
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DEFAULT_MULTIVARIABLE", "ExtendedOptions"]

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

    @field_validator("eq5d_summary")
    @classmethod
    def _summary_form(cls, value: str) -> str:
        if value != "level_sum" and not value.startswith("index:"):
            raise ValueError("eq5d_summary is 'level_sum' or 'index:<value set>' (e.g. 'index:KR')")
        return value

    @property
    def summary_value_set(self) -> str | None:
        """The value set code of ``eq5d_summary = "index:<code>"``, else None."""
        return self.eq5d_summary.split(":", 1)[1] if self.eq5d_summary != "level_sum" else None
