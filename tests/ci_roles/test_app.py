"""`python -m ci_roles`: one roles stack per account, named after its first environment; bad input is one block."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

from ci_roles.app import build
from tap_vpc.entrypoint import synth_app
from tests.ci_roles.roles_templates import role
from tests.ci_roles.synth import RolesTemplate, ci_roles_app_with
from tests.commands import run
from tools.project import cdk_json_context


def deploy_subjects(template: dict[str, Any]) -> list[str]:
    trust = role(template, "TapVpcDeploy")["AssumeRolePolicyDocument"]["Statement"][0]
    subjects: list[str] = trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
    return subjects


def test_an_account_with_two_regions_gets_one_roles_stack_deployed_from_production(
    roles_template: RolesTemplate,
) -> None:
    # That it covers both regions, test_product_names proves with prod-dr's names.
    assert deploy_subjects(roles_template("prod")) == ["repo:example-org/tap-vpc:environment:production"]


def test_staging_and_uat_share_the_staging_roles(roles_template: RolesTemplate) -> None:
    assert deploy_subjects(roles_template("staging")) == ["repo:example-org/tap-vpc:environment:staging"]


def test_dev_deploys_from_development(roles_template: RolesTemplate) -> None:
    assert deploy_subjects(roles_template("dev")) == ["repo:example-org/tap-vpc:environment:development"]


def test_a_second_environment_of_one_account_is_refused_naming_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # IAM role names are global to an account: a second TapVpcCiRoles stack there fails at deploy.
    assert synth_app(build, ci_roles_app_with(tmp_path, "prod-dr")) == 1
    error = capsys.readouterr().err
    assert "environmentSuffix = 'prod-dr': shares account 222222222222 with prod" in error
    assert "deploy TapVpcCiRoles-prod, which covers us-east-1, us-west-2" in error
    assert not list(tmp_path.glob("*.template.json"))


def test_an_ephemeral_environment_is_refused_naming_the_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert synth_app(build, ci_roles_app_with(tmp_path, "pr-12")) == 1
    assert capsys.readouterr().err == (
        "TAP VPC configuration error: 1 invalid setting; nothing was synthesized.\n"
        "  - environmentSuffix = 'pr-12': is not declared in cdk.json tapVpcEnvironments, and the CI roles belong "
        "to an account of the fleet: name the first declared environment of an account (dev, staging, prod).\n"
    )
    assert not list(tmp_path.glob("*.template.json"))


@pytest.mark.parametrize("repository", [None, "tap-vpc", "example-org/tap vpc", 42])
def test_a_repository_that_is_not_owner_slash_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], repository: object
) -> None:
    context = {**cdk_json_context(), "environmentSuffix": "dev", "tapVpcGitHubRepository": repository}
    if repository is None:
        del context["tapVpcGitHubRepository"]
    assert synth_app(build, App(outdir=str(tmp_path), context=context)) == 1
    assert f"  - tapVpcGitHubRepository = {repository!r}: must be the GitHub repository" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.template.json"))


def test_python_m_ci_roles_runs_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process, so the App comes from here: jsii's runtime no longer reads this process's environment.
    monkeypatch.setattr("tap_vpc.entrypoint.App", lambda: ci_roles_app_with(tmp_path, "prod-dr"))
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("ci_roles", run_name="__main__")
    assert exit_.value.code == 1
    assert "environmentSuffix = 'prod-dr': shares account 222222222222 with prod" in capsys.readouterr().err


def test_python_m_ci_roles_ends_bad_input_with_one_block_and_exit_1(tmp_path: Path) -> None:
    # As the CDK CLI runs the app: context and output directory in the environment.
    context = json.dumps({**cdk_json_context(), "environmentSuffix": "prdo"})
    result = run([sys.executable, "-m", "ci_roles"], env={"CDK_CONTEXT_JSON": context, "CDK_OUTDIR": str(tmp_path)})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        "TAP VPC configuration error: 1 invalid setting; nothing was synthesized.",
        "  - environmentSuffix = 'prdo': is neither a declared environment (dev, prod, prod-dr, staging, uat, in "
        "cdk.json tapVpcEnvironments) nor an ephemeral name (pr-<number>, sandbox-<name>); did you mean 'prod'?",
    ]
    assert not list(tmp_path.glob("*.template.json"))
