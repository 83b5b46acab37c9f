"""TapVpcCloudFormationExecution: what CloudFormation may do in an account, and what it may not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tap_vpc.compliance import acknowledgements
from tap_vpc.entrypoint import VALIDATION_FAILED
from tests.ci_roles.roles_templates import execution_policy, listed, permits
from tests.ci_roles.synth import RolesTemplate, synth_ci_roles


def statements_by_sid(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in execution_policy(template)}


def allows(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [statement for statement in execution_policy(template) if statement["Effect"] == "Allow"]


def test_the_execution_policy_allows_no_wildcard_action(direct_template: dict[str, Any]) -> None:
    # Every allowed action is one a handler lists, spelled out: no ec2:Create*, no iam:*.
    assert [
        action for statement in allows(direct_template) for action in listed(statement["Action"]) if "*" in action
    ] == []


def test_the_execution_policy_covers_the_archive_and_no_object_deletion(direct_template: dict[str, Any]) -> None:
    statements = statements_by_sid(direct_template)
    # An S3 flow log needs logs:CreateLogDelivery of whoever creates it (CloudFormation, here).
    assert {"logs:CreateLogDelivery", "logs:DeleteLogDelivery"} <= set(statements["TakesNoResource"]["Action"])
    buckets = statements["TapVpcBuckets"]["Action"]
    assert {"s3:CreateBucket", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration"} <= set(buckets)
    # CloudFormation never empties a locked archive.
    assert not permits(
        execution_policy(direct_template), "s3:DeleteObject", "arn:aws:s3:::tapvpcstack-prod-flowlogarchivebucket-1/x"
    )


def test_the_execution_policy_covers_the_segmentation(direct_template: dict[str, Any]) -> None:
    statements = statements_by_sid(direct_template)
    assert {"ec2:ReplaceNetworkAclAssociation", "ec2:ReplaceNetworkAclEntry"} <= set(statements["Network"]["Action"])
    assert statements["InterfaceEndpointPrivateDns"]["Action"] == "route53:AssociateVPCWithHostedZone"


#: Resources of the prod account that are not TAP VPC's, or TAP VPC's outside the account's regions.
FOREIGN = [
    ("logs:DeleteLogGroup", "arn:aws:logs:us-east-1:222222222222:log-group:/aws/lambda/payments-authorizer"),
    ("logs:CreateLogGroup", "arn:aws:logs:eu-west-1:222222222222:log-group:/tap-vpc/prod/vpc-flow-logs"),
    ("iam:UpdateAssumeRolePolicy", "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"),
    ("iam:AttachRolePolicy", "arn:aws:iam::222222222222:role/PaymentsAuthorizer"),
    ("iam:PassRole", "arn:aws:iam::111111111111:role/TapVpcFlowLogs-dev-us-east-1"),
    ("iam:CreatePolicyVersion", "arn:aws:iam::222222222222:policy/PaymentsAdmin"),
    ("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:222222222222:function:payments-authorizer"),
    ("s3:PutBucketPolicy", "arn:aws:s3:::payments-ledger"),
    ("s3:DeleteObject", "arn:aws:s3:::tapvpcstack-prod-flowlogarchivebucket-1a2b3c4d5e6f7/AWSLogs/x"),
    ("glue:DeleteDatabase", "arn:aws:glue:us-east-1:222222222222:database/payments"),
    ("athena:DeleteWorkGroup", "arn:aws:athena:us-east-1:222222222222:workgroup/primary"),
    ("ssm:GetParameters", "arn:aws:ssm:us-east-1:222222222222:parameter/payments/db-password"),
]


@pytest.mark.parametrize(("action", "arn"), FOREIGN)
def test_the_execution_policy_grants_nothing_outside_tap_vpc(
    roles_template: RolesTemplate, action: str, arn: str
) -> None:
    assert not permits(execution_policy(roles_template("prod")), action, arn)


def test_the_wildcard_acknowledgements_are_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acknowledgements, "acknowledge_ci_policy_wildcards", lambda policy, statements: None)
    with pytest.raises(RuntimeError, match=VALIDATION_FAILED):
        synth_ci_roles(tmp_path)
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {v["ruleName"] for plugin in report["pluginReports"] for v in plugin["violations"]}
    assert rules
    # cdk-nag's, once per wildcard resource; the derived policy names every action, so the PCI DSS
    # v4.0.1 pack's wildcard-action rule has nothing to find.
    assert {rule.split("[")[0] for rule in rules} == {"AwsSolutions-IAM5"}
    assert "AwsSolutions-IAM5[Resource::*]" in rules
