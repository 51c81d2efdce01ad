"""Supplementary tables: the analyses beyond the published paper (Tables S1–S11).

Each module builds one table from the analysed patients, reusing what the paper's tables
already computed; the statistics themselves live in :mod:`painresponse.stats`:

* ``mixed_model`` (S1) — a linear mixed model per outcome (:mod:`painresponse.stats.models`);
* ``responder_rates`` (S2) — responder rates under several definitions, cumulative responder
  curves, agreement between follow-ups;
* ``predictors`` (S3) — predictors of response (logistic regression);
* ``friedman`` (S4) — Friedman tests with Table 4's paired tests adjusted;
* ``eq5d_index`` (S5) — EQ-5D-5L index values (:mod:`painresponse.eq5d`);
* ``roc`` (S6) — pain change against EQ-5D improvement (:mod:`painresponse.stats.diagnostic`);
* ``between_group_effects`` (S7) — effect estimates with confidence intervals;
* (S8, missing data, is :mod:`painresponse.tables.missing_data`, built from the counts);
* ``dropout`` (S9) — responders and Table 3/5 differences under each rule for patients
  without follow-up (completers, NRI, BOCF, LOCF, modified BOCF, multiple imputation);
* ``cpra`` (S10) — cumulative proportions of responders with bootstrap bands;
* ``anchor`` (S11) — anchor-based clinically important change (Youden, mean change).

The names below are imported lazily so that ``import painresponse.tables`` does not load
statsmodels; the work is in :mod:`painresponse.tables.supplementary.build`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["ExtendedFigureData", "ExtendedResult", "build_extended"]

_WHERE = {
    "ExtendedFigureData": "painresponse.tables.supplementary.build",
    "ExtendedResult": "painresponse.tables.supplementary.build",
    "build_extended": "painresponse.tables.supplementary.build",
}

if TYPE_CHECKING:
    from painresponse.tables.supplementary.build import (
        ExtendedFigureData,
        ExtendedResult,
        build_extended,
    )


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
