"""Analyses beyond the published paper (issue #7), as extra tables and figure data.

* EQ-5D-5L index values from published value sets (:mod:`painresponse.eq5d`);
* effect estimates with confidence intervals (Hodges–Lehmann) and Friedman tests with
  adjusted pairwise comparisons;
* a linear mixed model per outcome (time × group, random intercept per patient);
* responder rates under several definitions, cumulative responder curves, agreement;
* ROC of pain reduction against EQ-5D improvement (the paper's open cut-off question);
* predictors of response (logistic regression).

The names below are imported lazily (the study file imports the options without loading
statsmodels); the work is in :mod:`painresponse.extended.build`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["ExtendedFigureData", "ExtendedOptions", "ExtendedResult", "build_extended"]

_WHERE = {
    "ExtendedFigureData": "painresponse.extended.build",
    "ExtendedResult": "painresponse.extended.build",
    "build_extended": "painresponse.extended.build",
    "ExtendedOptions": "painresponse.extended.options",
}

if TYPE_CHECKING:
    from painresponse.extended.build import ExtendedFigureData, ExtendedResult, build_extended
    from painresponse.extended.options import ExtendedOptions


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'painresponse.extended' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
