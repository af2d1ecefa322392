"""The package's layout: imports run one way (no circle), nothing below the
pipeline imports it, the CLI is the only module importing click, and every
module imports on its own in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "policetext"
MODULES = sorted(
    p.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".")
    for p in PACKAGE.rglob("*.py")
    if "data" not in p.relative_to(PACKAGE).parts
)
#: the modules that run a corpus through the pipeline: the public API and the CLI
ABOVE_THE_PIPELINE = {"policetext", "policetext.cli", "policetext.__main__"}


def _module_name(path: Path) -> str:
    name = path.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".")
    return name.removesuffix(".__init__")


def imports_of(path: Path) -> set[str]:
    """The policetext modules a file imports anywhere (inside functions too, not
    under ``if TYPE_CHECKING``, which only type checkers run)."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("policetext"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("policetext"):
                found.add(node.module)
                for alias in node.names:  # ``from policetext import cli`` names a module
                    candidate = f"{node.module}.{alias.name}"
                    if candidate in MODULES:
                        found.add(candidate)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found - {_module_name(path)}


def import_graph() -> dict[str, set[str]]:
    return {_module_name(p): imports_of(p) for p in PACKAGE.glob("*.py")} | {
        _module_name(p): imports_of(p) for p in PACKAGE.glob("*/*.py") if "data" not in p.parts
    }


def test_no_import_circle() -> None:
    graph = import_graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            circle = [*path[path.index(module) :], module]
            pytest.fail("import circle: " + " → ".join(circle))
        if module in done or module not in graph:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_nothing_below_the_pipeline_imports_it() -> None:
    importers = {m for m, targets in import_graph().items() if "policetext.pipeline" in targets}
    assert importers <= ABOVE_THE_PIPELINE


def test_only_the_cli_imports_click() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        names = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [])
        } | {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        if "click" in names:
            assert path.name == "cli.py", path


def test_every_module_imports_on_its_own() -> None:
    """Each module in a fresh interpreter, so an order that only works because
    another module was imported first shows."""
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('policetext')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {exc!r}')\n"
        "print('\\n'.join(failed))\n"
    )
    modules = [m.removesuffix(".__init__") for m in MODULES]
    proc = subprocess.run(
        [sys.executable, "-c", script, *modules], capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == ""
