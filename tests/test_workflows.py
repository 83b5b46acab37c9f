"""The GitHub Actions workflows: pinned actions, OIDC only, and a clean zizmor audit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.project import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("zizmor")), "--offline", "--format", "plain", str(ROOT / ".github")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit(workflow: Path) -> None:
    uses = re.findall(r"uses:\s*(\S+)", workflow.read_text())
    assert uses
    assert [ref for ref in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref)] == []


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_aws_access_is_oidc_only(workflow: Path) -> None:
    text = workflow.read_text()
    assert "id-token: write" in text
    assert "aws-access-key-id" not in text
    assert "secrets.AWS" not in text


def test_pull_requests_test_synth_and_diff() -> None:
    text = (ROOT / ".github/workflows/pull-request.yml").read_text()
    for step in ("make test", "make synth", "cdk diff", "createComment"):
        assert step in text


def test_deploy_runs_behind_a_protected_environment() -> None:
    text = (ROOT / ".github/workflows/deploy.yml").read_text()
    assert "environment: production" in text
    assert "branches: [main]" in text
