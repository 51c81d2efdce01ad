"""No import circles anywhere in the package, imports inside functions included.

import-linter (``.importlinter``) checks that stages import only the stages below them; this
checks that no two modules import each other, directly or round a longer circle, at any
level. Imports under ``if TYPE_CHECKING:`` are for annotations only and are not counted; the
notebook displays of ``Table`` and ``StudyResult`` (late imports of ``render``, the one
sanctioned upward call, see docs/decisions.md) are not counted either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import painresponse

PACKAGE = Path(painresponse.__file__).parent
SANCTIONED = {
    ("painresponse.tables.model", "painresponse.render.notebook"),
    ("painresponse.tables.model", "painresponse.render.markdown"),
    ("painresponse.tables.model", "painresponse.render.csv"),
    ("painresponse.result", "painresponse.render.notebook"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def _targets(node: ast.AST) -> set[str]:
    names: list[str] = []
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    elif isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    return {n for n in names if n in MODULES}


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports (outside ``TYPE_CHECKING`` blocks)."""
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) not in skipped:
                found |= _targets(node)
        graph[name] = {t for t in found - {name} if (name, t) not in SANCTIONED}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            # a package's __init__ is imported with any of its modules: not a circle
            if v.startswith(w + "."):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles() -> None:
    assert _circles(import_graph()) == []


def test_the_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    assert "painresponse.tables.supplementary" in graph["painresponse.pipeline"]
