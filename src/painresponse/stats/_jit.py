"""numba's ``njit`` with an on-disk cache that also works on a read-only install.

Shared by every compiled kernel (the exact rank tails, the Fourier nodes, the
Fisher–Freeman–Halton network)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any, TypeVar, cast

from numba import config, njit

__all__ = ["jit"]

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


def jit(func: F) -> F:
    """``njit(cache=True, nogil=True)``. numba refuses ``cache=True`` when neither the
    package's ``__pycache__`` nor the user cache directory is writable (a read-only
    install and home): the cache then goes to a private temporary directory, and when
    even that fails the kernels are compiled on their first call in each process."""
    try:
        return cast(F, njit(cache=True, nogil=True)(func))
    except RuntimeError:  # pragma: no cover - depends on the file system
        pass
    saved = config.CACHE_DIR  # type: ignore[attr-defined]  # pragma: no cover
    try:  # pragma: no cover
        path = _private_cache_dir()
        if path is not None:
            config.CACHE_DIR = path  # type: ignore[attr-defined]  # read when set up
            return cast(F, njit(cache=True, nogil=True)(func))
    except RuntimeError:  # pragma: no cover
        pass
    finally:  # pragma: no cover
        config.CACHE_DIR = saved  # type: ignore[attr-defined]
    return cast(F, njit(nogil=True)(func))  # pragma: no cover
