"""The package's shape: imports run one way, no cycles, no private name crosses a module.

Run as a script (``python tests/test_structure.py``) to print the import graph.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "newsdesk"
MAX_MODULE_LINES = 500

# Layers, bottom first: a module may import from its own layer or below, never above.
LAYERS = [
    ("newsdesk.paths", "newsdesk.text", "newsdesk.parallel", "newsdesk.findings"),
    ("newsdesk.corpus",),
    ("newsdesk.speakers",),
    ("newsdesk.terms", "newsdesk.stance", "newsdesk.overlap"),
    ("newsdesk.pipeline", "newsdesk.scaling", "newsdesk.cluster"),
    ("newsdesk.plots", "newsdesk.synthetic"),
    ("newsdesk.report", "newsdesk.report_pages", "newsdesk.report_findings",
     "newsdesk.report_display", "newsdesk.report_links", "newsdesk.report_index",
     "newsdesk.report_data", "newsdesk.report_source"),
]


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name, ``__init__`` files included."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def package_imports(path: Path) -> list[tuple[str, str]]:
    """``(module, name)`` for every ``from newsdesk... import name`` anywhere in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.module, alias.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsdesk")
            for alias in node.names]


def import_graph() -> dict[str, list[str]]:
    """Module → the package modules it imports from, both sorted."""
    return {name: sorted({module for module, _ in package_imports(path)})
            for name, path in module_files().items()}


def find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """One import cycle as a list of modules (first == last), or ``[]``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def layer_of(module: str) -> int:
    for level, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return level
    raise AssertionError(f"{module} is in no layer of LAYERS")


def test_find_cycle_finds_one():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": []}) == []


def test_no_import_cycle():
    assert find_cycle(import_graph()) == []


def test_imports_run_one_way():
    upward = [(m, d) for m, deps in import_graph().items() if m != "newsdesk"
              for d in deps if layer_of(d) > layer_of(m)]
    assert upward == []


def test_no_private_name_crosses_modules():
    crossing = [(name, module, imported) for name, path in module_files().items()
                for module, imported in package_imports(path) if imported.startswith("_")]
    assert crossing == []


def test_modules_are_small_and_declare_all():
    for name, path in module_files().items():
        assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES, name
        if not path.name == "__init__.py":
            assert isinstance(importlib.import_module(name).__all__, list), name


def test_facade_reexports_exactly_the_public_api():
    import helpers

    exported: list[str] = []
    for name in module_files():
        exported += getattr(importlib.import_module(name), "__all__", [])
    assert len(exported) == len(set(exported)), "two modules export the same name"
    assert sorted(helpers.__all__) == sorted(exported)
    assert all(not name.startswith("_") for name in exported)


if __name__ == "__main__":
    graph = import_graph()
    for module, deps in graph.items():
        print(f"{module}: {', '.join(deps) or '-'}")
    cycle = find_cycle(graph)
    print("cycle:", " -> ".join(cycle) if cycle else "none")
    sys.exit(1 if cycle else 0)


def test_test_files_have_unique_names():
    # pytest imports test files by basename (no packages under tests/), so two files of one
    # name stop the whole run at collection.
    names = sorted(path.name for path in (ROOT / "tests").rglob("test_*.py"))
    assert sorted(set(names)) == names
