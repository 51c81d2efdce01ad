"""The calibration of the bundled default cohort to the published LSGB–FBSS study.

A maintenance tool, not part of the installed package: it regenerates
``src/painresponse/data/lsgb_fbss_cohort.csv`` and ``docs/calibration.md`` (run
``python scripts/make_default_cohort.py``). Users read the result with
:func:`painresponse.synth.load_default_cohort`; ``painresponse synth`` makes cohorts of
any size from it.

- :mod:`~tools.synth_calibration.published` reads the paper's figures from
  ``tools/data/lsgb_fbss_published.toml``;
- :mod:`~tools.synth_calibration.anneal` is a seeded simulated annealer on small integer
  tables, and :mod:`~tools.synth_calibration.outcomes` the outcome summaries it aims at;
- :mod:`~tools.synth_calibration.cohort` builds the 87-patient cohort
  (:func:`calibrated_cohort`);
- :mod:`~tools.synth_calibration.report` compares a cohort with every published figure
  (:func:`check_figures`, :func:`calibration_report`).
"""

from __future__ import annotations

from tools.synth_calibration.cohort import DEFAULT_SEED, calibrated_cohort
from tools.synth_calibration.published import Figure, PublishedTables, published_tables
from tools.synth_calibration.report import FigureCheck, calibration_report, check_figures

__all__ = [
    "DEFAULT_SEED",
    "Figure",
    "FigureCheck",
    "PublishedTables",
    "calibrated_cohort",
    "calibration_report",
    "check_figures",
    "published_tables",
]
