"""No deploy through the pipeline can make itself administrator: each escalation path, decided by an IAM evaluator."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ci_roles.roles_templates import execution_policy, named_policy, permits
from tests.ci_roles.synth import RolesTemplate

ACCOUNT = "222222222222"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/TapVpcPermissionsBoundary"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
PRODUCT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/TapVpcStack-prod-CustomVpcRestrictDefaultSGCustomR-1A2B3C4D5E6F7"
FLOW_LOG_ROLE = f"arn:aws:iam::{ACCOUNT}:role/TapVpcFlowLogs-prod-us-east-1"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def policy(roles_template: RolesTemplate) -> list[dict[str, Any]]:
    return execution_policy(roles_template("prod"))


@pytest.mark.parametrize(
    ("action", "arn", "context"),
    [
        ("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/TapVpcDeploy", {"iam:PolicyARN": ADMIN}),
        # Even with the boundary named, as if the CI role carried it.
        (
            "iam:AttachRolePolicy",
            f"arn:aws:iam::{ACCOUNT}:role/TapVpcDeploy",
            {"iam:PolicyARN": f"arn:aws:iam::{ACCOUNT}:policy/TapVpcStack-prod-x", "iam:PermissionsBoundary": BOUNDARY},
        ),
        ("iam:PutRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/TapVpcReadOnly", {"iam:PermissionsBoundary": BOUNDARY}),
        ("iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/TapVpcDeploy", {}),
        ("iam:CreatePolicyVersion", BOUNDARY, {}),
        ("iam:DeletePolicy", BOUNDARY, {}),
        ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/TapVpcCloudFormationExecution", {}),
        ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/TapVpcCloudFormationExecution2", {}),
        ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/TapVpcCiRoles-prod-DeployPolicy-1A2B3C", {}),
        (
            "iam:UpdateOpenIDConnectProviderThumbprint",
            f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
            {},
        ),
    ],
)
def test_no_deploy_can_change_the_ci_roles_or_the_boundary(
    policy: list[dict[str, Any]], action: str, arn: str, context: dict[str, str]
) -> None:
    assert not permits(policy, action, arn, context)


def test_a_role_without_the_boundary_cannot_be_created(policy: list[dict[str, Any]]) -> None:
    assert not permits(policy, "iam:CreateRole", PRODUCT_ROLE)
    assert not permits(
        policy, "iam:CreateRole", PRODUCT_ROLE, {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/Other"}
    )
    # The same role with the boundary is what CloudFormation creates.
    assert permits(policy, "iam:CreateRole", PRODUCT_ROLE, {"iam:PermissionsBoundary": BOUNDARY})


def test_a_role_keeps_its_boundary(policy: list[dict[str, Any]]) -> None:
    assert not permits(
        policy, "iam:DeleteRolePermissionsBoundary", FLOW_LOG_ROLE, {"iam:PermissionsBoundary": BOUNDARY}
    )
    assert not permits(policy, "iam:PutRolePermissionsBoundary", FLOW_LOG_ROLE, {"iam:PermissionsBoundary": ADMIN})
    # An inline policy goes only on a role that carries the boundary.
    assert not permits(policy, "iam:PutRolePolicy", FLOW_LOG_ROLE)
    assert permits(policy, "iam:PutRolePolicy", FLOW_LOG_ROLE, {"iam:PermissionsBoundary": BOUNDARY})


def test_only_tap_vpc_policies_attach_to_tap_vpc_roles(policy: list[dict[str, Any]]) -> None:
    bounded = {"iam:PermissionsBoundary": BOUNDARY}
    assert not permits(policy, "iam:AttachRolePolicy", PRODUCT_ROLE, {**bounded, "iam:PolicyARN": ADMIN})
    lambda_basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert permits(policy, "iam:AttachRolePolicy", PRODUCT_ROLE, {**bounded, "iam:PolicyARN": lambda_basic})


def test_roles_are_passed_only_to_vpc_flow_logs_and_lambda(policy: list[dict[str, Any]]) -> None:
    assert permits(policy, "iam:PassRole", FLOW_LOG_ROLE, {"iam:PassedToService": "vpc-flow-logs.amazonaws.com"})
    assert permits(policy, "iam:PassRole", PRODUCT_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"})
    assert not permits(policy, "iam:PassRole", PRODUCT_ROLE, {"iam:PassedToService": "ec2.amazonaws.com"})
    assert not permits(
        policy,
        "iam:PassRole",
        f"arn:aws:iam::{ACCOUNT}:role/TapVpcDeploy",
        {"iam:PassedToService": "lambda.amazonaws.com"},
    )


@pytest.mark.parametrize(
    "action", ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey", "kms:UntagResource", "kms:TagResource"]
)
def test_another_teams_key_is_out_of_reach(policy: list[dict[str, Any]], action: str) -> None:
    assert not permits(policy, action, KEY)
    assert not permits(policy, action, KEY, {"aws:ResourceTag/Team": "payments"})
    assert not permits(policy, action, KEY, {"aws:ResourceTag/TapVpcStack": "PaymentsLedger"})
    # A key a TapVpcStack created (and tagged) is the stack's to administer.
    assert permits(policy, action, KEY, {"aws:ResourceTag/TapVpcStack": "TapVpcStack-prod"})


def test_a_key_is_created_only_with_the_owner_tag(policy: list[dict[str, Any]]) -> None:
    assert not permits(policy, "kms:CreateKey", "*")
    assert not permits(policy, "kms:CreateKey", "*", {"aws:RequestTag/Team": "payments"})
    assert permits(policy, "kms:CreateKey", "*", {"aws:RequestTag/TapVpcStack": "TapVpcStack-pr-12"})


def test_the_boundary_allows_no_iam_and_no_function_creation(roles_template: RolesTemplate) -> None:
    boundary = named_policy(roles_template("prod"), "TapVpcPermissionsBoundary")
    for action, arn in [
        ("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/TapVpcDeploy"),
        ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/Anything"),
        ("lambda:CreateFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:TapVpcStack-prod-x"),
        ("kms:ScheduleKeyDeletion", KEY),
        ("s3:GetObject", "arn:aws:s3:::payments-ledger/x"),
        ("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/payments/audit:log-stream:x"),
    ]:
        assert not permits(boundary, action, arn), f"the boundary allows {action} on {arn}"
