"""Analyses beyond the published paper (issue #7), as extra tables and figure data.

* EQ-5D-5L index values from published value sets (:mod:`painresponse.eq5d`);
* effect estimates with confidence intervals (Hodges–Lehmann) and Friedman tests with
  adjusted pairwise comparisons;
* a linear mixed model per outcome (time × group, random intercept per patient);
* responder rates under several definitions, cumulative responder curves, agreement;
* ROC of pain reduction against EQ-5D improvement (the paper's open cut-off question);
* predictors of response (logistic regression).

Everything is computed once into frozen objects holding raw numbers; rendering lives in
:mod:`painresponse.render.format` and :mod:`painresponse.render.extended_figures`.

Examples
--------
>>> from painresponse.tables.supplementary._demo import demo_frame
>>> frame, study = demo_frame()
>>> ext = build_extended(frame, study)
>>> [table.number for table in ext.tables.values()]
['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S10']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from painresponse.study import ExtendedOptions, Study
from painresponse.tables.model import Table
from painresponse.tables.supplementary._data import Analysed
from painresponse.tables.supplementary.anchor import AnchorResult, anchor_table
from painresponse.tables.supplementary.between_group_effects import between_group_effects
from painresponse.tables.supplementary.cpra import CpraFigureData, cpra_table
from painresponse.tables.supplementary.eq5d_index import eq5d_index_table
from painresponse.tables.supplementary.friedman import within_group_table
from painresponse.tables.supplementary.mixed_model import MixedFit, mixed_model_table
from painresponse.tables.supplementary.predictors import ForestRow, predictors_table
from painresponse.tables.supplementary.responder_rates import (
    Agreement,
    ResponderCurve,
    responder_rates_table,
)
from painresponse.tables.supplementary.roc import RocResult, roc_table

__all__ = [
    "ExtendedFigureData",
    "ExtendedResult",
    "build_extended",
]


@dataclass(frozen=True)
class ExtendedFigureData:
    """What the extended figures draw.

    Attributes
    ----------
    responder_curves : tuple of ResponderCurve
        One cumulative responder curve per follow-up time.
    roc : RocResult or None
        The ROC curve with its Youden point(s).
    forest : tuple of ForestRow
        Odds ratios (univariable and multivariable) for the forest plot.
    cpra : CpraFigureData or None
        Cumulative proportions of responders with bootstrap bands (Table S10's figure).
    """

    responder_curves: tuple[ResponderCurve, ...]
    roc: RocResult | None
    forest: tuple[ForestRow, ...]
    cpra: CpraFigureData | None = None


@dataclass(frozen=True)
class ExtendedResult:
    """The extended analyses of one study.

    Attributes
    ----------
    tables : dict of str to Table
        ``"tableS1_mixed_model"`` … ``"tableS7_between_group_effects"`` in display order
        (numbers ``"S1"`` … ``"S7"``).
    figures : ExtendedFigureData
        Data of the extended figures.
    messages : tuple of str
        Everything a reader must be warned about (non-convergence, separation, events per
        variable, incomplete EQ-5D states, options that fell back), in words.
    mixed_fits : tuple of MixedFit
        The raw mixed-model fits (for checks against R).
    agreement : Agreement or None
        Agreement of response between two follow-up times.
    options : ExtendedOptions
        The options used.
    anchor : AnchorResult or None
        The anchor-based thresholds (Table S11), when the study names an anchor.
    """

    tables: dict[str, Table]
    figures: ExtendedFigureData
    messages: tuple[str, ...]
    mixed_fits: tuple[MixedFit, ...] = ()
    agreement: Agreement | None = None
    options: ExtendedOptions = field(default_factory=ExtendedOptions)
    anchor: AnchorResult | None = None


def build_extended(
    analysed: pl.DataFrame,
    study: Study,
    options: ExtendedOptions | None = None,
    paper: Mapping[str, Table] | None = None,
) -> ExtendedResult:
    """Run every extended analysis on the analysed patients.

    Parameters
    ----------
    analysed : polars.DataFrame
        ``StudyResult.analysed``: the analysed patients with the ``_group`` column.
    study : Study
        The study definition.
    options : ExtendedOptions, optional
        Defaults to the study file's ``[extended]`` options.
    paper : mapping of str to Table, optional
        The paper's tables already built; S4 and S7 reuse their tests and estimates.

    Returns
    -------
    ExtendedResult
        Tables, figure data and messages.

    Raises
    ------
    StudyDefinitionError
        When the options name an EQ-5D value set that does not exist.
    """
    from painresponse.eq5d import value_set_coefficients

    opts = options or getattr(study, "extended", None) or ExtendedOptions()
    for code in filter(None, (opts.summary_value_set, opts.eq5d_value_set)):
        value_set_coefficients(code)  # raises StudyDefinitionError listing the available sets
    data = Analysed(analysed, study, opts, dict(paper or {}))
    messages: list[str] = []
    tables: dict[str, Table] = {}
    mixed, fits, msgs = mixed_model_table(data)
    tables[mixed.key] = mixed
    messages += msgs
    rates, curves, agreement, msgs = responder_rates_table(data)
    tables[rates.key] = rates
    messages += msgs
    predictors, forest, msgs = predictors_table(data)
    tables[predictors.key] = predictors
    messages += msgs
    friedman_table, msgs = within_group_table(data)
    tables[friedman_table.key] = friedman_table
    messages += msgs
    index_table, msgs = eq5d_index_table(data)
    if index_table is not None:
        tables[index_table.key] = index_table
    messages += msgs
    roc, roc_result, msgs = roc_table(data)
    tables[roc.key] = roc
    messages += msgs
    effects = between_group_effects(data)
    tables[effects.key] = effects
    cpra, cpra_figure, msgs = cpra_table(data)
    tables[cpra.key] = cpra
    messages += msgs
    anchor, anchor_result, msgs = anchor_table(data)
    if anchor is not None:
        tables[anchor.key] = anchor
    messages += msgs
    return ExtendedResult(
        tables=tables,
        figures=ExtendedFigureData(tuple(curves), roc_result, tuple(forest), cpra_figure),
        messages=tuple(dict.fromkeys(messages)),
        mixed_fits=tuple(fits),
        agreement=agreement,
        options=opts,
        anchor=anchor_result,
    )
