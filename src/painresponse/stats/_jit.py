"""numba's ``njit`` with an on-disk cache that also works on a read-only install.

Shared by every compiled kernel (the exact rank tails, the Fourier nodes, the
Fisher–Freeman–Halton network).

numba keys a kernel's cached machine code to its own source file, but a kernel carries
compiled copies of the kernels it calls in other files: after an edit there, the cache
would keep the old copy. So a kernel's cache here is keyed to its whole *family*, the
modules of this folder sharing its name's first word (``_fisher_*.py``, ``_exact_*.py``):
an edit to any of them recompiles the family (a development matter; an installed copy is
never edited)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar, cast

from numba import config, njit

__all__ = ["family_stamp", "jit"]

F = TypeVar("F", bound=Callable[..., Any])


def _private_cache_dir() -> str | None:
    """A cache directory of this user's own under the temporary directory, or None."""
    path = os.path.join(tempfile.gettempdir(), f"painresponse-numba-{os.getuid()}")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        if os.stat(path).st_uid != os.getuid():  # someone else's: never load code from it
            return None
    except (OSError, AttributeError):
        return None
    return path


def family_stamp(source: str) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every module of ``source``'s family.

    The family of ``.../stats/_fisher_kernel.py`` is every ``_fisher_*.py`` beside it.
    """
    folder, name = os.path.split(source)
    prefix = "_" + name.lstrip("_").split("_")[0].removesuffix(".py") + "_"
    stamp = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(prefix) and entry.name.endswith(".py"):
            info = entry.stat()
            stamp.append((entry.name, info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def _keyed_to_family(dispatcher: Any, func: Callable[..., Any]) -> Any:
    """Key ``dispatcher``'s cache to the family of ``func``'s module (numba's own key is
    the module alone). Left as numba made it if its cache is not where numba 0.6x keeps it."""
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    source = getattr(getattr(func, "__code__", None), "co_filename", None)
    if cache_file is not None and source and hasattr(cache_file, "_source_stamp"):
        with suppress(OSError):
            cache_file._source_stamp = family_stamp(source)
    return dispatcher


def jit(func: F) -> F:
    """``njit(cache=True, nogil=True)``, its cache keyed to the module's family (above).

    numba refuses ``cache=True`` when neither the package's ``__pycache__`` nor the user
    cache directory is writable (a read-only install and home): the cache then goes to a
    private temporary directory, and when even that fails the kernels are compiled on
    their first call in each process."""
    try:
        return cast(F, _keyed_to_family(njit(cache=True, nogil=True)(func), func))
    except RuntimeError:  # pragma: no cover - depends on the file system
        pass
    saved = config.CACHE_DIR  # type: ignore[attr-defined]  # pragma: no cover
    try:  # pragma: no cover
        path = _private_cache_dir()
        if path is not None:
            config.CACHE_DIR = path  # type: ignore[attr-defined]  # read when set up
            return cast(F, _keyed_to_family(njit(cache=True, nogil=True)(func), func))
    except RuntimeError:  # pragma: no cover
        pass
    finally:  # pragma: no cover
        config.CACHE_DIR = saved  # type: ignore[attr-defined]
    return cast(F, njit(nogil=True)(func))  # pragma: no cover
