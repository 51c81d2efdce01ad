"""TOML text for drafted study files: values quoted correctly, comments where they help.

Only what study files hold: strings (Korean, spaces, parentheses and quotes included),
integers, floats, booleans, lists, inline tables, tables and arrays of tables. Comments are
attached to a key path (``("variables", 1, "recode")``) and written on the lines above it.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Comments", "TomlWriter", "toml_key", "toml_value"]

Path = tuple[str | int, ...]
Comments = Mapping[Path, Sequence[str]]

_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_INLINE_WIDTH = 90
_KEYED_BY_VALUES = frozenset(["recode", "level_labels", "collapse"])
"""Tables whose keys are cell values or labels: their keys are always quoted."""
_WIDTH = 98


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(name: str, *, quoted: bool = False) -> str:
    """A key: bare when it is a plain name (``min``, ``t0``), else (or when ``quoted``) quoted."""
    return name if _BARE_KEY.fullmatch(name) and not quoted else _string(name)


def toml_value(value: Any, *, quoted_keys: bool = False) -> str:
    """A value written inline (integral floats as integers, for readability).

    ``quoted_keys`` quotes every key of an inline table (for tables keyed by data values,
    such as ``recode = { "1" = "Male" }``).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(
            f"{toml_key(str(k), quoted=quoted_keys)} = {toml_value(v)}" for k, v in value.items()
        )
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} in a study file")


def _table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _inline(value: Any) -> bool:
    """True for a table short and flat enough to be written on one line."""
    if not isinstance(value, Mapping):
        return False
    flat = all(not isinstance(v, Mapping) and not _table_list(v) for v in value.values())
    return flat and len(toml_value(value)) <= _INLINE_WIDTH


class TomlWriter:
    """Builds a TOML text line by line.

    Parameters
    ----------
    comments : mapping of path to lines
        Comment text (unwrapped sentences) written above the key or table at each path.
    """

    def __init__(self, comments: Comments | None = None) -> None:
        self.lines: list[str] = []
        self.comments = comments or {}

    def comment(self, text: str, indent: str = "") -> None:
        """Write ``text`` as comment lines, wrapped."""
        for line in text.splitlines() or [""]:
            # TOML allows no control character but tab in a comment.
            paragraph = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)
            wrapped = textwrap.wrap(
                paragraph, _WIDTH - 2 - len(indent), break_long_words=False,
                break_on_hyphens=False, subsequent_indent="  " if paragraph else "",
            )  # fmt: skip
            self.lines += [f"{indent}# {piece}".rstrip() for piece in wrapped or [""]]

    def blank(self) -> None:
        """An empty line (never two in a row)."""
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def _comments_for(self, path: Path) -> None:
        for text in self.comments.get(path, ()):
            self.comment(text)

    def pair(self, path: Path, value: Any, trailing: str = "", *, quoted: bool = False) -> None:
        """``key = value`` for the last element of ``path``, with its comments above."""
        self._comments_for(path)
        name = str(path[-1])
        written = toml_value(value, quoted_keys=name in _KEYED_BY_VALUES)
        line = f"{toml_key(name, quoted=quoted)} = {written}"
        self.lines.append(f"{line}  # {trailing}" if trailing else line)

    def table(self, path: Path, table: Mapping[str, Any], *, top: bool = False) -> None:
        """A table (``[a.b]``) or an array of tables, with its keys then its sub-tables."""
        names = [str(p) for p in path if isinstance(p, str)]
        self.blank()
        self._comments_for(path)
        if path and isinstance(path[-1], int):
            self.lines.append(f"[[{'.'.join(toml_key(n) for n in names)}]]")
        elif path:
            self.lines.append(f"[{'.'.join(toml_key(n) for n in names)}]")
        self.body(path, table, top=top)

    def body(self, path: Path, table: Mapping[str, Any], *, top: bool = False) -> None:
        """The keys of ``table``, then its sub-tables (every table when ``top``)."""
        later: list[tuple[str, Any]] = []
        for key, value in table.items():
            if value is None:
                continue
            section = _table_list(value) or (
                isinstance(value, Mapping) and (top or not _inline(value))
            )
            if section:
                later.append((key, value))
            else:
                self.pair((*path, key), value)
        for key, value in later:
            if isinstance(value, Mapping):
                self.table((*path, key), value)
            else:
                for i, item in enumerate(value):
                    self.table((*path, key, i), item)

    def text(self) -> str:
        """The TOML text, ending with one newline."""
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines) + "\n"
