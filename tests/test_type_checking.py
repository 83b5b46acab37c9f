"""mypy reads the aws-cdk-lib modules TAP VPC uses and skips the other 350 (pyproject.toml's overrides).

A module that is skipped is typed ``Any``, so a module the code starts to use without adding it to
the checked list would go unchecked: these tests find every aws_cdk import and require it there.
"""

from __future__ import annotations

import ast
import tomllib
from typing import Any

from tools.project import ROOT

#: What mypy checks (pyproject.toml's ``files``).
CHECKED = ("app.py", "ci_roles", "examples", "tap_vpc", "tools", "tests")


def overrides() -> list[dict[str, Any]]:
    return list(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"])


def followed() -> set[str]:
    return {module for entry in overrides() if entry.get("follow_imports") == "normal" for module in entry["module"]}


def imported_aws_cdk_modules() -> set[str]:
    """Every ``aws_cdk`` module the checked code imports (``from aws_cdk import aws_ec2`` counts as aws_cdk.aws_ec2)."""
    found: set[str] = set()
    files = [ROOT / "app.py", *(path for folder in CHECKED[1:] for path in (ROOT / folder).rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "aws_cdk":
                found.add(node.module)
                if node.module == "aws_cdk":
                    found.update(f"aws_cdk.{alias.name}" for alias in node.names if alias.name.islower())
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "aws_cdk")
    return found


def test_every_other_aws_cdk_module_is_skipped() -> None:
    skipped = [entry["module"] for entry in overrides() if entry.get("follow_imports") == "skip"]
    assert skipped == [["aws_cdk.*"]]


def test_every_aws_cdk_module_the_code_imports_is_checked_with_its_interfaces() -> None:
    imported = imported_aws_cdk_modules()
    assert {"aws_cdk", "aws_cdk.aws_ec2", "aws_cdk.assertions", "aws_cdk.cx_api"} <= imported
    services = {module.split(".")[1] for module in imported if module.startswith("aws_cdk.aws_")}
    needed = imported | {f"aws_cdk.interfaces.{service}" for service in services}
    assert sorted(needed - followed()) == []
