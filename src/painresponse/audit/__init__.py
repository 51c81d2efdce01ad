"""Audit a published table against its own numbers.

:func:`audit` reads one or more published tables transcribed as CSV (``docs/audit.md``) and
recomputes what the printed numbers allow: percents from counts, totals, GRIM and GRIMMER
for integer data, every plausible test behind each printed p-value, the test-choice rule,
duplicated p-values and group-defining rules. It returns an :class:`AuditResult` whose
findings have a check name, a severity (error, warning, info) and the arithmetic in a
sentence.

The package is callable, so ``painresponse.audit(...)`` works however it was imported.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from painresponse.audit._api import EXAMPLE_RULES, EXAMPLE_TABLES, audit, example_tables
from painresponse.audit._model import CHECKS, COLUMNS, SEVERITIES, AuditResult, Check

__all__ = [
    "CHECKS",
    "COLUMNS",
    "EXAMPLE_RULES",
    "EXAMPLE_TABLES",
    "SEVERITIES",
    "AuditResult",
    "Check",
    "audit",
    "example_tables",
]


class _CallableModule(ModuleType):
    """``painresponse.audit`` is both this package and the function: importing the package
    (``from painresponse.audit import ...``) rebinds the name on ``painresponse`` to the
    module, so the module itself forwards calls to :func:`audit`."""

    def __call__(self, *args: Any, **kwargs: Any) -> AuditResult:
        return audit(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
