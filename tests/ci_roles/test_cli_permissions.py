"""What `cdk diff`, `cdk deploy` and `cdk drift` call, and that the CI roles and the bootstrap roles allow it.

The CLI (aws-cdk 2.1148.1) calls CloudFormation through the CDK bootstrap roles: the deploy role
for a deploy and, when the deploy role cannot be assumed (a pull request), the lookup role for a
diff; a drift check runs with the caller's own credentials. The CI roles may only assume those
bootstrap roles and read TAP VPC stacks. The deploy role's own policy is read from the bootstrap
template the pinned CLI ships (node_modules/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from cfnlint.decode import decode  # type: ignore[import-untyped]

from tests.ci_roles.roles_templates import listed, permits, policy_of
from tests.ci_roles.synth import RolesTemplate
from tools.project import ROOT

ACCOUNT, REGION = "222222222222", "us-east-1"
STACK = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/TapVpcStack-prod/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
CHANGE_SET = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:changeSet/cdk-deploy-change-set/0a1b2c3d"


def bootstrap_role(kind: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-{kind}-role-{ACCOUNT}-{REGION}"


#: command -> (who calls: "role" for the CI role itself, or a bootstrap role kind), action, resource.
CLI_CALLS: dict[str, list[tuple[str, str, str]]] = {
    "cdk deploy": [
        ("role", "sts:AssumeRole", bootstrap_role("deploy")),
        ("role", "sts:AssumeRole", bootstrap_role("file-publishing")),
        ("role", "cloudformation:DescribeStacks", STACK),
        ("role", "cloudformation:DescribeStackEvents", STACK),
        ("deploy", "cloudformation:CreateChangeSet", STACK),
        ("deploy", "cloudformation:ExecuteChangeSet", STACK),
        ("deploy", "cloudformation:DeleteChangeSet", STACK),
        ("deploy", "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-{REGION}"),
        ("deploy", "ssm:GetParameters", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/cdk-bootstrap/hnb659fds/version"),
    ],
    "cdk diff": [
        ("role", "sts:AssumeRole", bootstrap_role("lookup")),
        ("role", "cloudformation:DescribeStacks", STACK),
        ("role", "cloudformation:GetTemplate", STACK),
    ],
    "cdk drift": [
        ("role", "cloudformation:DetectStackDrift", STACK),
        ("role", "cloudformation:DetectStackResourceDrift", STACK),
        ("role", "cloudformation:DescribeStackDriftDetectionStatus", "*"),
        ("role", "cloudformation:DescribeStackResourceDrifts", STACK),
    ],
}
#: Which CI role runs which commands (pull requests and main diff, drift.yml drifts; deploys diff first).
RUNS = {"TapVpcReadOnly": ("cdk diff", "cdk drift"), "TapVpcDeploy": ("cdk deploy", "cdk diff")}


def substituted(value: Any) -> Any:
    """The bootstrap template's values with its parameters and pseudo-parameters filled in (default qualifier)."""
    names = {
        "Qualifier": "hnb659fds",
        "AWS::AccountId": ACCOUNT,
        "AWS::Region": REGION,
        "AWS::Partition": "aws",
        # The template's own resources, as their Ref and Arn resolve.
        "CloudFormationExecutionRole.Arn": f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-{REGION}",
        "CdkBootstrapVersion": "/cdk-bootstrap/hnb659fds/version",
    }
    if isinstance(value, list):
        return [substituted(item) for item in value]
    if isinstance(value, dict) and "Fn::Sub" in value:
        return re.sub(r"\$\{([^}]+)\}", lambda m: names.get(m.group(1), f"<{m.group(1)}>"), value["Fn::Sub"])
    if isinstance(value, dict) and "Ref" in value:
        return names.get(value["Ref"], f"<{value['Ref']}>")
    if isinstance(value, dict):
        return {key: substituted(item) for key, item in value.items()}
    return value


def bootstrap_deploy_role_statements() -> list[dict[str, Any]]:
    template, errors = decode(str(ROOT / "node_modules/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml"))
    assert not errors
    assert template is not None
    policies = template["Resources"]["DeploymentActionRole"]["Properties"]["Policies"]
    return [statement for policy in policies for statement in substituted(policy["PolicyDocument"]["Statement"])]


def ci_role_statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return policy_of(template, "ReadOnlyPolicy" if role == "TapVpcReadOnly" else "DeployPolicy")


@pytest.mark.parametrize(
    ("role", "command"), [(role, command) for role, commands in RUNS.items() for command in commands]
)
def test_each_ci_role_may_make_the_calls_of_its_commands(
    roles_template: RolesTemplate, role: str, command: str
) -> None:
    statements = ci_role_statements(roles_template("prod"), role)
    # A pull request's diff cannot assume the deploy role; the CLI then reads through the lookup role.
    calls = [call for call in CLI_CALLS[command] if call[0] == "role"]
    denied = [f"{action} on {arn}" for _, action, arn in calls if not permits(statements, action, arn)]
    assert denied == [], f"{role} cannot run `{command}`: " + ", ".join(denied)


def test_the_bootstrap_deploy_role_allows_what_cdk_deploy_calls_through_it() -> None:
    statements = bootstrap_deploy_role_statements()
    calls = [(action, arn) for who, action, arn in CLI_CALLS["cdk deploy"] if who == "deploy"]
    assert [f"{action} on {arn}" for action, arn in calls if not permits(statements, action, arn)] == []


def test_the_read_only_role_can_assume_neither_the_deploy_nor_the_publishing_role(
    roles_template: RolesTemplate,
) -> None:
    statements = ci_role_statements(roles_template("prod"), "TapVpcReadOnly")
    for kind in ("deploy", "file-publishing", "image-publishing"):
        assert not permits(statements, "sts:AssumeRole", bootstrap_role(kind))
    assert not any(action.startswith("cloudformation:Create") for s in statements for action in listed(s["Action"]))
