"""The whole analysis in one call: load → validate → cohort → responders → tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from painresponse.cohort import build_cohort
from painresponse.flow import set_aside_lines
from painresponse.io.readers import read_table
from painresponse.io.validation import read_options, validate
from painresponse.result import StudyResult
from painresponse.study import Study, load_study
from painresponse.tables.aggregate import aggregate, unobserved_levels
from painresponse.tables.build import build_tables
from painresponse.tables.figure_data import figure_data
from painresponse.tables.methods import methods_sentences, software_versions
from painresponse.tables.missing_data import MISSING_DATA_KEY, missing_data_table
from painresponse.tables.registry import in_display_order

__all__ = ["Progress", "analyze"]

Progress = Callable[[str, int, int], None]


def _silent(stage: str, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


def analyze(
    data: Any,
    study: Study | str | Path | None = None,
    encoding: str | None = None,
    extended: bool | None = None,
    tables: Iterable[int] | None = None,
    progress: Progress | None = None,
    *,
    on_paper: Callable[[StudyResult], None] | None = None,
    on_supplementary: Callable[[StudyResult], None] | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> StudyResult:
    """Run the study's analysis on a data file or DataFrame.

    Parameters
    ----------
    data : str, Path or DataFrame
        CSV (UTF-8 or CP949), Excel ``.xlsx`` or Parquet file, or a pandas / polars /
        pyarrow table, one row per patient.
    study : Study, str or Path, optional
        A study definition or the path of a study file; the bundled LSGB study by default.
    encoding : str, optional
        Force the text encoding of a CSV file.
    extended : bool, optional
        Add the analyses beyond the paper (EQ-5D index, effect sizes, mixed models,
        responder curves, ROC, predictors) as supplementary tables; default: the study
        file's ``extended.enabled``.
    tables : iterable of int, optional
        Only these of Tables 1–5 (default: all). Only the columns they need are read and
        checked, which matters for registry-scale files.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` as the work advances (the command line
        draws it as a progress bar).
    on_paper : callable, optional
        With the supplementary analyses, called once with a preliminary result as soon as
        what the paper's figures show is ready (flow and figure data; no tables yet, no
        methods text), before Tables 1–5 and the supplementary analyses run: the command
        line starts drawing the paper's figures there, beside them.
    on_supplementary : callable, optional
        Called once with a preliminary result holding the supplementary analyses
        (``extended``) as soon as they are done, before the analysis of missing data
        (Table S9) runs: the command line hands the supplementary figures to the process
        drawing the paper's figures there.
    sheet, header_row, delimiter, decimal : optional
        How to read the file when detection needs help: the Excel sheet (name or number
        from 1), the header's row number, a CSV file's separator and decimal mark. Each
        defaults to the study file's ``[input]`` section, then to detection.

    Returns
    -------
    StudyResult
        The flow, Tables 1–5 with provenance, the figure data and the methods paragraph.

    Raises
    ------
    InputError, ValidationError, StudyDefinitionError
        With every problem named (file, row, column, value, rule).

    Examples
    --------
    >>> from painresponse.synth import default_cohort_path
    >>> result = analyze(default_cohort_path())
    >>> result.flow.assessed, result.flow.analysed, dict(result.flow.groups)
    (87, 84, {'Responder': 41, 'Non-responder': 43})
    """
    if not isinstance(study, Study):
        study = load_study(study)
    if tables is not None:
        wanted = set(tables)
        study = study.restricted_to(wanted)
    report = progress or _silent
    report("Reading", 0, 5)
    options = read_options(
        study, encoding=encoding, sheet=sheet, header_row=header_row, delimiter=delimiter,
        decimal=decimal,
    )  # fmt: skip
    raw = read_table(data, options=options)
    report("Checking every value", 1, 5)
    typed = validate(raw, study)
    report("Applying eligibility and the responder rule", 2, 5)
    cohort = build_cohort(typed, study, streaming=raw.streaming)
    flow = replace(cohort.flow, set_aside=set_aside_lines(raw.skipped))
    report("Counting", 3, 5)
    aggregates = aggregate(
        cohort.analysed,
        study,
        streaming=raw.streaming,
        rows=cohort.flow.analysed,
        progress=lambda done, total: report(f"Counting ({done}/{total})", 3, 5),
    )
    report("Testing", 4, 5)
    run_extended = extended if extended is not None else study.extended.enabled
    software = software_versions()
    analysed = None if raw.streaming else cohort.collect()
    figures = figure_data(aggregates, study)
    reading = raw.notes + unobserved_levels(aggregates, study)
    if run_extended and on_paper is not None:
        on_paper(
            StudyResult(
                study=study, source=raw.source, flow=flow, reading=reading, tables={},
                figures=figures, methods=(), software=software, analysed=analysed,
            )
        )  # fmt: skip
    built = build_tables(
        aggregates, study, None if tables is None else wanted, effects=bool(run_extended)
    )
    ext = None
    if run_extended:
        from painresponse.cohort import eligible_patients
        from painresponse.tables.supplementary import build_extended
        from painresponse.tables.supplementary.dropout import dropout_analysis

        ext = build_extended(cohort.collect() if analysed is None else analysed, study, paper=built)
        if on_supplementary is not None:
            on_supplementary(
                StudyResult(
                    study=study, source=raw.source, flow=flow, reading=reading,
                    tables={**built, **ext.tables}, figures=figures, methods=(),
                    software=software, analysed=analysed, extended=ext,
                )
            )  # fmt: skip
        eligible = eligible_patients(typed, study, streaming=raw.streaming)
        dropout = dropout_analysis(eligible, study, study.extended, paper=built)
        ext = replace(ext, messages=tuple(dict.fromkeys(ext.messages + dropout.messages)))
        built = {**built, **ext.tables, dropout.table.key: dropout.table}
        built[MISSING_DATA_KEY] = missing_data_table(aggregates, study)
        built = in_display_order(built)
    report("Done", 5, 5)
    return StudyResult(
        study=study,
        source=raw.source,
        flow=flow,
        reading=reading,
        tables=built,
        figures=figures,
        methods=methods_sentences(study, built, software),
        software=software,
        analysed=analysed,
        extended=ext,
    )
