"""``TapVpcCloudFormationExecution``: what CloudFormation needs to create, update and delete TapVpcStack.

The account is bootstrapped with it (``cdk bootstrap --cloudformation-execution-policies``)
instead of the default AdministratorAccess. Every name it scopes comes from ``ProductNames``.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from ci_roles.bootstrap import PARTITION, bootstrap_assets_arn, bootstrap_version_parameter_arn
from ci_roles.product_names import ProductNames

#: What CloudFormation calls to create, update and delete the archive buckets (AWS::S3::Bucket and
#: AWS::S3::BucketPolicy handlers), spelled out.
ARCHIVE_BUCKET_ACTIONS = (
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:GetBucketVersioning",
    "s3:PutBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:PutEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:PutBucketObjectLockConfiguration",
    "s3:GetBucketPublicAccessBlock",
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketOwnershipControls",
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketLogging",
    "s3:PutBucketLogging",
    "s3:GetBucketNotification",
    "s3:PutBucketNotification",
    "s3:GetBucketTagging",
    "s3:PutBucketTagging",
)


def execution_policy_statements(
    stack: Stack, names: ProductNames, regions: Sequence[str] | None = None
) -> list[iam.PolicyStatement]:
    """What CloudFormation needs to deploy TapVpcStack in ``regions`` (default: ``stack``'s) of ``stack``'s account."""
    arn = f"arn:{PARTITION}"
    account = stack.account
    regions = list(regions or [stack.region])
    wheres = [f"{region}:{account}" for region in regions]
    return [
        iam.PolicyStatement(
            sid="Network",
            # EC2 creates VPC resources with IDs unknown before the deploy, so they cannot be listed.
            actions=[
                "ec2:Describe*",
                "ec2:Create*",
                "ec2:Delete*",
                "ec2:Modify*",
                "ec2:Associate*",
                "ec2:Disassociate*",
                "ec2:Attach*",
                "ec2:Detach*",
                "ec2:AllocateAddress",
                "ec2:ReleaseAddress",
                "ec2:AuthorizeSecurityGroup*",
                "ec2:RevokeSecurityGroup*",
                "ec2:UpdateSecurityGroupRuleDescriptions*",
                "ec2:ReplaceRoute",
                "ec2:ReplaceRouteTableAssociation",
                # A tier ACL takes over its subnets by replacing their association, and an entry
                # changes in place by replacement.
                "ec2:ReplaceNetworkAclAssociation",
                "ec2:ReplaceNetworkAclEntry",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="InterfaceEndpointPrivateDns",
            # An interface endpoint with private DNS associates the VPC with a hosted zone that AWS
            # owns (a dependent action of ec2:CreateVpcEndpoint), whose ARN is not known beforehand.
            actions=["route53:AssociateVPCWithHostedZone"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="FlowLogGroup",
            actions=[
                "logs:CreateLogGroup",
                "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy",
                "logs:DeleteRetentionPolicy",
                "logs:AssociateKmsKey",
                "logs:DisassociateKmsKey",
                "logs:TagResource",
                "logs:UntagResource",
                "logs:ListTagsForResource",
                "logs:DescribeLogGroups",
            ],
            resources=[
                arn_
                for where in wheres
                for arn_ in (
                    f"{arn}:logs:{where}:log-group:{names.log_groups}",
                    f"{arn}:logs:{where}:log-group::log-stream:",
                )
            ],
        ),
        iam.PolicyStatement(
            sid="FlowLogKey",
            # kms:CreateKey takes no resource; the other actions act on keys created by it.
            actions=[
                "kms:CreateKey",
                "kms:DescribeKey",
                "kms:EnableKeyRotation",
                "kms:GetKeyPolicy",
                "kms:GetKeyRotationStatus",
                "kms:PutKeyPolicy",
                "kms:ScheduleKeyDeletion",
                "kms:TagResource",
                "kms:UntagResource",
                "kms:ListResourceTags",
                "kms:CreateAlias",
                "kms:DeleteAlias",
                "kms:UpdateAlias",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="TapVpcRoles",
            actions=[
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:GetRolePolicy",
                "iam:PassRole",
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:GetPolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:ListPolicyVersions",
            ],
            resources=[
                f"{arn}:iam::{account}:role/{names.roles}",
                f"{arn}:iam::{account}:role/{names.stacks}",
                f"{arn}:iam::{account}:policy/{names.stacks}",
            ],
        ),
        iam.PolicyStatement(
            sid="DefaultSecurityGroupLockdownFunction",
            actions=[
                "lambda:CreateFunction",
                "lambda:DeleteFunction",
                "lambda:GetFunction",
                "lambda:InvokeFunction",
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
                "lambda:TagResource",
            ],
            resources=[f"{arn}:lambda:{where}:function:{names.stacks}" for where in wheres],
        ),
        iam.PolicyStatement(
            sid="FlowLogDeliveryToS3",
            # CreateFlowLogs with an S3 destination needs these of its caller (Amazon VPC User Guide,
            # "IAM permissions for publishing flow logs to Amazon S3"); they take no resource.
            actions=["logs:CreateLogDelivery", "logs:DeleteLogDelivery"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="FlowLogArchiveBuckets",
            actions=list(ARCHIVE_BUCKET_ACTIONS),
            resources=[f"{arn}:s3:::{names.buckets}"],
        ),
        iam.PolicyStatement(
            sid="FlowLogArchiveTable",
            actions=[
                "glue:CreateDatabase",
                "glue:DeleteDatabase",
                "glue:GetDatabase",
                "glue:UpdateDatabase",
                "glue:CreateTable",
                "glue:DeleteTable",
                "glue:GetTable",
                "glue:UpdateTable",
            ],
            resources=[
                arn_
                for where in wheres
                for arn_ in (
                    f"{arn}:glue:{where}:catalog",
                    f"{arn}:glue:{where}:database/{names.glue_databases}",
                    f"{arn}:glue:{where}:table/{names.glue_databases}/*",
                )
            ],
        ),
        iam.PolicyStatement(
            sid="InvestigationWorkGroup",
            actions=[
                "athena:CreateWorkGroup",
                "athena:DeleteWorkGroup",
                "athena:GetWorkGroup",
                "athena:UpdateWorkGroup",
                "athena:TagResource",
                "athena:UntagResource",
                "athena:ListTagsForResource",
                "athena:CreateNamedQuery",
                "athena:DeleteNamedQuery",
                "athena:GetNamedQuery",
            ],
            resources=[f"{arn}:athena:{where}:workgroup/{names.workgroups}" for where in wheres],
        ),
        iam.PolicyStatement(
            sid="BootstrapVersion",
            actions=["ssm:GetParameters"],
            resources=[bootstrap_version_parameter_arn(region, account) for region in regions],
        ),
        iam.PolicyStatement(
            sid="AssetsFromTheBootstrapBucket",
            actions=["s3:GetObject"],
            resources=[bootstrap_assets_arn(region, account) for region in regions],
        ),
    ]
