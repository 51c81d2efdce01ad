"""The bundled cohort's analysed patients, without the rest of the pipeline (for doctests)."""

from __future__ import annotations

from functools import cache

import polars as pl

from painresponse.study import Study, load_study

__all__ = ["demo_frame"]


@cache
def demo_frame() -> tuple[pl.DataFrame, Study]:
    """(analysed frame with ``_group``, study) of the bundled synthetic cohort."""
    from painresponse.cohort import build_cohort
    from painresponse.io.readers import read_table
    from painresponse.io.validation import validate
    from painresponse.synth import default_cohort_path

    study = load_study()
    typed = validate(read_table(default_cohort_path()), study)
    return build_cohort(typed, study).collect(), study
