"""Who may assume the CI roles, and what each may do: the OIDC provider, the trust of each role, their policies."""

from __future__ import annotations

from typing import Any

import pytest

from ci_roles.trust import github_environment_for
from tests.ci_roles.roles_templates import listed, of_type, policy_of, role
from tests.ci_roles.synth import ACCOUNT, DR_REGION, REGION, REPO


def test_the_github_oidc_provider_is_native_and_audience_sts(direct_template: dict[str, Any]) -> None:
    [provider] = of_type(direct_template, "AWS::IAM::OIDCProvider")
    assert provider["Url"] == "https://token.actions.githubusercontent.com"
    assert provider["ClientIdList"] == ["sts.amazonaws.com"]
    assert [r for r in direct_template["Resources"].values() if r["Type"].startswith("Custom::")] == []


@pytest.mark.parametrize(
    ("name", "subjects"),
    [
        ("TapVpcReadOnly", [f"repo:{REPO}:pull_request", f"repo:{REPO}:ref:refs/heads/main"]),
        ("TapVpcDeploy", [f"repo:{REPO}:environment:production"]),
    ],
)
def test_each_role_trusts_only_its_repository_subjects(
    direct_template: dict[str, Any], name: str, subjects: list[str]
) -> None:
    [statement] = role(direct_template, name)["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": subjects,
        }
    }
    assert role(direct_template, name)["MaxSessionDuration"] == 3600


def test_the_deploy_role_may_only_assume_the_bootstrap_roles_and_read_stacks(direct_template: dict[str, Any]) -> None:
    statements = policy_of(direct_template, "DeployPolicy")
    assume = next(s for s in statements if s["Sid"] == "AssumeBootstrapRoles")
    assert assume["Action"] == "sts:AssumeRole"
    # One account, two regions (prod and prod-dr): the CDK bootstrap roles of both, and nothing else.
    assert assume["Resource"] == [
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-deploy-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-deploy-role-{ACCOUNT}-{DR_REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-file-publishing-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-file-publishing-role-{ACCOUNT}-{DR_REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{DR_REGION}",
    ]
    assert {s["Sid"] for s in statements} == {"ReadTapVpcStacks", "AssumeBootstrapRoles"}


def test_the_read_only_role_can_change_nothing(direct_template: dict[str, Any]) -> None:
    statements = policy_of(direct_template, "ReadOnlyPolicy")
    assert sorted(action for s in statements for action in listed(s["Action"])) == [
        "cloudformation:DescribeStackDriftDetectionStatus",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStackResourceDrifts",
        "cloudformation:DescribeStackResources",
        "cloudformation:DescribeStacks",
        "cloudformation:DetectStackDrift",
        "cloudformation:DetectStackResourceDrift",
        "cloudformation:GetTemplate",
        "sts:AssumeRole",
    ]
    lookup = next(s for s in statements if s["Action"] == "sts:AssumeRole")
    assert lookup["Resource"] == [
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{DR_REGION}",
    ]


@pytest.mark.parametrize(
    ("wave", "github_environment"),
    [("dev", "development"), ("staging", "staging"), ("prod", "production"), ("prod-dr", "production")],
)
def test_each_wave_deploys_from_its_github_environment(wave: str, github_environment: str) -> None:
    assert github_environment_for(wave) == github_environment
