"""The layout tells the architecture: data flows down, nothing below imports upward.

Reads the import graph of `linter/` (and the rule files, installed as `linter.rules`) from the
source, imports inside functions included (a lazy import upward is still upward) and those under
`if TYPE_CHECKING:` left out (they never run), and fails on any cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_files() -> dict[str, Path]:
    files = {}
    for path in sorted((ROOT / "linter").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        files[".".join(p for p in parts if p != "__init__")] = path
    for path in sorted((ROOT / "rules").glob("*.py")):
        name = "linter.rules" if path.stem == "__init__" else f"linter.rules.{path.stem}"
        files[name] = path
    return files


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            # `from linter.reporters import text` imports the module linter.reporters.text
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name.startswith("linter"):
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    files = module_files()
    known = set(files)
    edges = {name: imports_of(path, known) - {name} for name, path in files.items()}
    # a package's __init__ runs before any of its modules: `linter` itself is not an edge
    return {name: {t for t in targets if t != "linter"} for name, targets in edges.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def test_the_graph_is_read() -> None:
    edges = graph()
    assert "linter.runner" in edges["linter.engine"]
    assert "linter.facts" in edges["linter.rules.put001_critical_field_omittable"]


def test_no_import_cycle_in_linter() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_result_model_is_a_leaf() -> None:
    edges = graph()
    assert edges["linter.findings"] <= {"linter.errors", "linter.vocab"}
    assert edges["linter.vocab"] == set()


def test_facts_and_rules_sit_below_the_runner() -> None:
    edges = graph()
    below = {"linter.facts", "linter.rule", "linter.analysis", "linter.load"}
    for name in below:
        assert "linter.runner" not in edges[name], name
        assert "linter.engine" not in edges[name], name
    for name, targets in edges.items():
        if name.startswith("linter.rules."):
            assert not targets & {"linter.runner", "linter.engine", "linter.probe",
                                  "linter.diff", "linter.cli"}, name
