"""The machine a benchmark runs on, printed in its header: timings of different machines
(even of one kind: this project's machines have been Zen 1 and Zen 5 EPYCs, 2-3x apart)
are compared as ratios of runs on one machine, never as times."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo``; ``platform.processor()`` elsewhere)."""
    info = Path("/proc/cpuinfo")
    if info.exists():
        fields: dict[str, str] = {}
        for line in info.read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
            if not line.strip():
                break
        name = fields.get("model name", "")
        family, model = fields.get("cpu family"), fields.get("model")
        if family and model:
            return f"{name} (family {family}, model {model})"
        return name or platform.processor()
    return platform.processor() or platform.machine()


def describe() -> str:
    """One line: the processor, the cores this process may use, Python's version."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return f"machine: {cpu_model()}, {cores} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    print(describe())
