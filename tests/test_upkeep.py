"""Dependency upkeep: Dependabot moves every kind of pin in groups; pre-commit runs the project's own checks."""

from __future__ import annotations

from typing import Any

import yaml

from tools.project import ROOT


def load(path: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / path).read_text())
    return document


def test_dependabot_updates_python_npm_and_actions_in_groups() -> None:
    updates = load(".github/dependabot.yml")["updates"]
    assert sorted(update["package-ecosystem"] for update in updates) == ["github-actions", "npm", "pip"]
    for update in updates:
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] == "weekly"
        assert update["groups"], update["package-ecosystem"]
    pip = next(update for update in updates if update["package-ecosystem"] == "pip")
    assert pip["groups"]["aws-cdk"]["patterns"] == ["aws-cdk-lib", "constructs", "cdk-nag", "jsii"]


def test_pre_commit_runs_ruff_mypy_and_zizmor_from_the_pinned_venv() -> None:
    hooks = {hook["id"]: hook for repo in load(".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]}
    assert sorted(hooks) == ["mypy", "ruff", "ruff-format", "zizmor"]
    for hook in hooks.values():
        assert hook["language"] == "system"
        assert hook["entry"].startswith(".venv/bin/")
    assert hooks["zizmor"]["files"] == "^\\.github/"
