"""Customer-managed KMS keys as TAP VPC makes them: rotated, grants limited to AWS services, tagged with their stack."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

#: The tag naming the stack that owns a key. The CI execution policy lets CloudFormation administer
#: (re-key, disable, delete) only keys whose tag names a TapVpcStack: keys of other teams in the
#: account carry no such tag. KMS keys get no ``aws:cloudformation:*`` tags (their registry schema
#: says ``cloudFormationSystemTags: false``), so the stack tags them itself.
KEY_OWNER_TAG = "TapVpcStack"


def rotating_key(
    scope: Construct, id_: str, *, description: str, alias: str | None, removal_policy: RemovalPolicy
) -> kms.Key:
    """A key with yearly rotation whose policy lets ``kms:CreateGrant`` through only for AWS services.

    The deny statement is AWS Control Tower's CT.KMS.PR.3: grants only for AWS services acting for
    AWS resources. The key policy still gives the account root its usual access, so IAM decides.
    The key carries ``KEY_OWNER_TAG`` = its stack's name.
    """
    key = kms.Key(
        scope, id_, description=description, enable_key_rotation=True, alias=alias, removal_policy=removal_policy
    )
    Tags.of(key).add(KEY_OWNER_TAG, Stack.of(scope).stack_name)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="DenyGrantsExceptForAwsServices",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["kms:CreateGrant"],
            resources=["*"],
            conditions={"BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}},
        )
    )
    return key
