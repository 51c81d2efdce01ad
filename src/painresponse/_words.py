"""English for messages and notes: counted nouns without "(s)".

Examples
--------
>>> counted(1, "patient"), counted(3, "patient"), counted(2, "level", "levels")
('1 patient', '3 patients', '2 levels')
>>> counted(1, "predictor predicts", "predictors predict")
'1 predictor predicts'
"""

from __future__ import annotations

__all__ = ["counted"]


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` with the singular or plural form (``plural`` defaults to singular + "s")."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"
