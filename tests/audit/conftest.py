"""Shared helpers: the seed study's example tables and small tables written on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

from painresponse.audit import EXAMPLE_RULES, AuditResult, audit, example_tables

HEADER = (
    "variable,level,Patients (n = 84),Responder (n = 41),Non-responder (n = 43),"
    "p_value,test,integer"
)


@pytest.fixture(scope="session")
def seed_audit() -> AuditResult:
    """The seed study's Tables 1–3 audited with its responder rule."""
    return audit(example_tables(), rules=EXAMPLE_RULES)


def write_table(path: Path, *lines: str, header: str = HEADER, bom: bool = False) -> Path:
    """Write a transcribed table (header plus lines) as UTF-8 CSV."""
    text = "\n".join([header, *lines]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path
