"""Customer-managed KMS keys as TAP VPC makes them: rotated, grants limited to AWS services, tagged with their stack."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws, RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

#: The tag naming the stack that owns a key. The CI execution policy lets CloudFormation administer
#: (re-key, disable, delete) only keys whose tag names a TapVpcStack: keys of other teams in the
#: account carry no such tag. KMS keys get no ``aws:cloudformation:*`` tags (their registry schema
#: says ``cloudFormationSystemTags: false``), so the stack tags them itself.
KEY_OWNER_TAG = "TapVpcStack"


#: What AWS's ``kms:Encrypt*``-style statement for CloudWatch Logs expands to, spelled out.
LOGS_KEY_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:DescribeKey",
)


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


def allow_cloudwatch_logs(key: kms.Key, sid: str, log_group_names: Sequence[str]) -> None:
    """Let CloudWatch Logs use ``key`` for the named log groups only (``kms:EncryptionContext:aws:logs:arn``).

    AWS's documented statement (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using
    AWS KMS"); without it, creating an encrypted log group fails at deploy. The CDK LogGroup does not
    add it.
    """
    arns = [f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:{name}" for name in log_group_names]
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(f"logs.{Aws.REGION}.amazonaws.com")],
            actions=list(LOGS_KEY_ACTIONS),
            resources=["*"],  # in a key policy, "*" means this key
            conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arns[0] if len(arns) == 1 else arns}},
        )
    )
