"""painresponse: responder analyses of interventional pain procedures.

The public API, imported lazily so that ``painresponse --help`` starts instantly:

- :func:`analyze` — data file or DataFrame → :class:`StudyResult` (flow, Tables 1–5);
- :func:`load_study` — read a TOML study file;
- :func:`draft_study` — draft a study file from a clinic's own export (``painresponse init``);
- :func:`write_outputs` — CSV, Markdown, Word, Excel, LaTeX, HTML and figures;
- :func:`audit` — check a published table against its own numbers;
- :mod:`painresponse.stats` — the exact, tie-aware tests;
- :mod:`painresponse.synth` — the synthetic cohort;
- the errors, all subclasses of :class:`PainresponseError`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from painresponse._version import __version__

_EXPORTS = {
    "Flow": "painresponse.flow",
    "InputError": "painresponse.errors",
    "OutputError": "painresponse.errors",
    "PainresponseError": "painresponse.errors",
    "Problem": "painresponse.errors",
    "StatisticsError": "painresponse.errors",
    "Study": "painresponse.study",
    "StudyDefinitionError": "painresponse.errors",
    "StudyDraft": "painresponse.draft",
    "StudyResult": "painresponse.result",
    "Table": "painresponse.tables.model",
    "TestResult": "painresponse.stats._result",
    "ValidationError": "painresponse.errors",
    "analyze": "painresponse.pipeline",
    "audit": "painresponse.audit",
    "draft_study": "painresponse.draft",
    "load_study": "painresponse.study",
    "write_outputs": "painresponse.render.outputs",
}

__all__ = [
    "Flow",
    "InputError",
    "OutputError",
    "PainresponseError",
    "Problem",
    "StatisticsError",
    "Study",
    "StudyDefinitionError",
    "StudyDraft",
    "StudyResult",
    "Table",
    "TestResult",
    "ValidationError",
    "__version__",
    "analyze",
    "audit",
    "draft_study",
    "load_study",
    "write_outputs",
]

if TYPE_CHECKING:
    from painresponse.audit import audit
    from painresponse.draft import StudyDraft, draft_study
    from painresponse.errors import (
        InputError,
        OutputError,
        PainresponseError,
        Problem,
        StatisticsError,
        StudyDefinitionError,
        ValidationError,
    )
    from painresponse.flow import Flow
    from painresponse.pipeline import analyze
    from painresponse.render.outputs import write_outputs
    from painresponse.result import StudyResult
    from painresponse.stats._result import TestResult
    from painresponse.study import Study, load_study
    from painresponse.tables.model import Table


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'painresponse' has no attribute {name!r}")
    imported = import_module(module)
    # ``audit`` is a callable subpackage: export the package itself, so that calling it,
    # its attributes and ``import painresponse.audit`` all keep working.
    value = imported if module == f"{__name__}.{name}" else getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
