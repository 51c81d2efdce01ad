"""Export Table S9's multiple imputation of the bundled cohort for the R reference.

Run from the repository root, before ``Rscript tests/reference/make_dropout_reference.R``::

    .venv/bin/python tests/reference/export_dropout_imputations.py

Writes ``tests/reference/dropout_mi_input.json``: the patients the dropout rules concern
(IDs, analysed or not), the imputation matrix Python's chained equations start from, and
the scores of the patients without follow-up in every completed data set (only they are
imputed; the analysed patients keep their recorded scores).
R reads it to (1) pool the same completed data sets by its own code (``mice::pool.scalar``,
``mitml``'s D2) and (2) run ``mice`` itself on the same matrix. Group labels are not
exported: R classifies each completed data set itself from the pain scores.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from painresponse.cohort import eligible_patients
from painresponse.io.readers import read_table
from painresponse.io.validation import validate
from painresponse.study import load_study
from painresponse.synth import default_cohort_path
from painresponse.tables.supplementary._dropout_rules import patients_of
from painresponse.tables.supplementary._imputation import CYCLES, DONORS, imputation_model
from painresponse.tables.supplementary.dropout import dropout_analysis

OUT = Path(__file__).resolve().parent / "dropout_mi_input.json"


def _plain(values: Any) -> list[float | None]:
    return [None if math.isnan(float(v)) else float(v) for v in values]


def main() -> None:
    study = load_study()
    eligible = eligible_patients(validate(read_table(default_cohort_path()), study), study)
    options = study.extended
    patients = patients_of(eligible, study, options)
    result = dropout_analysis(eligible, study)
    model = imputation_model(patients.frame, study, patients.scores, None)
    keys = [f"{outcome}_{time}" for outcome, time in patients.scores]
    dropout = patients.dropout.nonzero()[0]
    payload = {
        "generated_by": "tests/reference/export_dropout_imputations.py",
        "m": options.imputations,
        "seed": options.imputation_seed,
        "cycles": CYCLES,
        "donors": DONORS,
        "patient_id": patients.frame[study.id_column].to_list(),
        "analysed": [bool(v) for v in patients.analysed],
        "scores": {k: _plain(v) for k, v in zip(keys, patients.scores.values(), strict=True)},
        "imputation_matrix": {
            "names": list(model.names),
            "targets": {
                f"{o}_{t}": int(j) + 1 for (o, t), j in model.targets.items()
            },  # 1-based for R
            "values": [_plain(row) for row in model.matrix],
        },
        # each completed data set: the scores of the patients without follow-up (the
        # analysed patients keep ``scores``)
        "dropout_index": [int(i) + 1 for i in dropout],  # 1-based for R
        "completed": [
            {k: _plain(v[dropout]) for k, v in zip(keys, d.scores.values(), strict=True)}
            for d in result.imputations
        ],
    }
    OUT.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(result.imputations)} completed data sets)")


if __name__ == "__main__":
    main()
