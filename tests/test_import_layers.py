"""The layers read one way: no module of the bot imports, even late inside a function, a module that
imports it back, and the records store does not load the engine."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "bot"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(tree: ast.AST) -> set[str]:
    """Every module named by an import that can run: top-level or inside a function, but not under
    `if TYPE_CHECKING:` (type checkers only)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                names.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                names.add(child.module)
                names.update(f"{child.module}.{alias.name}" for alias in child.names)
            visit(child)

    visit(tree)
    return names


def packages_of(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts))]


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {n for n in imported_names(ast.parse(path.read_text(encoding="utf-8"))) if n in modules}
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first...
        targets |= {".".join(t.split(".")[:k]) for t in targets for k in range(1, t.count(".") + 1)}
        # ...except a module's own packages, which are always being imported already when it runs (a
        # package's __init__ importing its modules, which import each other by full name, is no cycle).
        graph[name] = targets - {name} - set(packages_of(name))
    return graph


def test_no_module_of_the_bot_takes_part_in_an_import_cycle() -> None:
    graph = import_graph()
    assert "bot.knowledge" in graph["bot.matching"]  # the graph sees imports (else no cycle could show)
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None



def test_the_records_store_loads_neither_the_engine_nor_its_model_libraries() -> None:
    probe = ("import sys, bot.records; "
             "print(' '.join(sorted(m for m in ('bot.matching', 'bot.render', 'bot.semantics', 'numpy', 'tokenizers') "
             "if m in sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == []
