"""Which polars engine runs a query: in memory, or streaming for large inputs."""

from __future__ import annotations

from typing import Literal

__all__ = ["EngineName", "engine"]

EngineName = Literal["auto", "streaming"]


def engine(streaming: bool) -> EngineName:
    """``"streaming"`` (bounded memory, for registry-scale inputs) or ``"auto"``."""
    return "streaming" if streaming else "auto"
