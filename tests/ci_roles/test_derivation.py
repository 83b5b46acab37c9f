"""How the execution policy is derived: schema reads, placement of an action, and the split under IAM's size limit."""

from __future__ import annotations

import pytest
from aws_cdk import aws_iam as iam

from ci_roles.execution_policy import placement, required_permissions
from ci_roles.policy_size import split_statements
from ci_roles.product_names import ProductNames
from ci_roles.resource_schemas import handler_permissions, iam_resource_types
from ci_roles.scopes import scopes

SCOPES = scopes(ProductNames.of(), "222222222222", ["us-east-1"])


def test_a_type_without_a_registry_schema_is_named() -> None:
    with pytest.raises(
        KeyError, match="no CloudFormation registry schema for Custom::VpcRestrictDefaultSG in cfn-lint"
    ):
        handler_permissions("Custom::VpcRestrictDefaultSG")


def test_iam_resource_types_come_from_the_service_authorization_reference() -> None:
    assert iam_resource_types("kms:CreateAlias") == ("alias", "key")
    assert iam_resource_types("logs:DescribeLogGroups") == ()
    assert iam_resource_types("s3:PutObjectLockConfiguration") is None


def test_an_action_iam_does_not_define_cannot_be_placed() -> None:
    with pytest.raises(ValueError, match=r"^s3:PutObjectLockConfiguration is not an IAM action \(list it in"):
        placement("s3:PutObjectLockConfiguration", SCOPES)


def test_an_action_on_a_resource_type_without_a_scope_cannot_be_placed() -> None:
    with pytest.raises(ValueError, match=r"^sns:Publish acts on topic, none of which has a scope in ci_roles\.scopes$"):
        placement("sns:Publish", SCOPES)


def test_an_action_goes_to_each_scoped_resource_type_it_takes() -> None:
    assert [scope.sid for scope in placement("kms:CreateAlias", SCOPES)] == ["TapVpcKeyAliases", "TapVpcKeys"]
    assert [scope.sid for scope in placement("ec2:DescribeVpcs", SCOPES)] == ["Network"]
    assert [scope.sid for scope in placement("logs:DescribeLogGroups", SCOPES)] == ["TakesNoResource"]


def test_an_exclusion_drops_a_permission_for_its_type_only() -> None:
    needed = required_permissions(["AWS::S3::Bucket", "AWS::EC2::FlowLog"])
    assert "s3:PutBucketWebsite" not in needed
    # iam:PassRole is excluded for the bucket (replication) but the flow log needs it.
    assert needed["iam:PassRole"] == {"AWS::EC2::FlowLog"}
    assert "s3:PutObjectLockConfiguration" not in needed  # not an IAM action
    assert "s3:DeleteObject" not in needed  # withheld


def test_statements_are_split_to_fit_the_limit() -> None:
    statements = [iam.PolicyStatement(sid=f"S{i}", actions=["s3:GetObject"], resources=["*"]) for i in range(3)]
    assert [len(group) for group in split_statements(statements, limit=200)] == [2, 1]
    with pytest.raises(ValueError, match=r"^statement S0 alone exceeds 100 characters"):
        split_statements(statements, limit=100)
