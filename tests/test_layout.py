"""The package layout: subpackages by concern, each saying what it owns, and a one-way import graph."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from tools.project import ROOT

PACKAGE = ROOT / "tap_vpc"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports() -> dict[str, set[str]]:
    """Module -> the tap_vpc modules it imports at run time (``from a import b`` counts ``a.b`` if a module).

    Imports under ``if TYPE_CHECKING:`` are left out: they never run, and a type may name the
    composing stack (``exports.outputs`` reads values off ``TapVpcStack``) without an import cycle.
    """
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        tree = ast.parse(path.read_text())
        type_only = {
            id(child)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
            for child in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tap_vpc"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("tap_vpc"))
        graph[name] = {module for module in found if module in modules and module != name}
    return graph


def test_the_import_graph_has_no_cycle() -> None:
    graphlib.TopologicalSorter(_imports()).prepare()  # raises CycleError naming the cycle


def test_the_package_is_split_by_concern_and_each_part_says_what_it_owns() -> None:
    subpackages = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))
    assert subpackages == [
        "compliance",
        "egress",
        "exports",
        "fleet",
        "flow_logs",
        "network",
        "segmentation",
        "settings",
    ]
    for name in subpackages:
        docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert docstring, f"tap_vpc/{name}/__init__.py needs a docstring saying what it owns"
    flat = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "entrypoint.py", "errors.py", "tap_vpc_stack.py", "vocabulary.py"]


def test_the_bottom_modules_import_nothing_of_the_product_above_them() -> None:
    graph = _imports()
    assert graph["tap_vpc.errors"] == set()
    assert graph["tap_vpc.vocabulary"] == set()
    assert graph["tap_vpc.settings.parsing"] == set()
    assert graph["tap_vpc.settings.declaration"] == set()
