"""``TapVpcCiRoles-<env>``: the account set-up CI needs, as code (deploy it once per account of the fleet).

- the GitHub OIDC provider (native ``AWS::IAM::OIDCProvider``, no custom resource);
- ``TapVpcReadOnly``: assumed by pull requests and by main (diff, drift); reads CloudFormation
  and may assume only the CDK bootstrap *lookup* role;
- ``TapVpcDeploy``: assumed only by jobs in the GitHub environment(s) of this account's waves
  (``development``, ``staging`` or ``production``, on main); may assume only the CDK bootstrap roles;
- ``TapVpcCloudFormationExecution``: the managed policy to bootstrap with
  (``cdk bootstrap --cloudformation-execution-policies``), instead of the default
  AdministratorAccess: what CloudFormation needs to create and update TapVpcStack, and no more.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from tap_vpc.compliance import acknowledgements

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"
READ_ONLY_ROLE = "TapVpcReadOnly"
DEPLOY_ROLE = "TapVpcDeploy"
EXECUTION_POLICY = "TapVpcCloudFormationExecution"
#: TAP VPC supports the aws partition only (the settings rules refuse the others), so ARNs name it literally.
PARTITION = "aws"
#: The CDK bootstrap qualifier this project uses (the CLI's default).
BOOTSTRAP_QUALIFIER = "hnb659fds"
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
#: The first letters CloudFormation keeps of the stack name in a generated bucket name.
ARCHIVE_BUCKET_PREFIX = "tapvpc"


#: The protected GitHub environment of each deploy wave (.github/workflows/deploy.yml).
GITHUB_ENVIRONMENT_OF_WAVE = {"dev": "development", "staging": "staging", "prod": "production", "prod-dr": "production"}


def github_environment_for(deploy_wave: str) -> str:
    """The GitHub environment whose jobs deploy ``deploy_wave``: development, staging, or production (prod, prod-dr)."""
    return GITHUB_ENVIRONMENT_OF_WAVE[deploy_wave]


class TapVpcCiRolesStack(Stack):
    """OIDC provider, read-only and deploy roles, and the bootstrap execution policy for one account.

    IAM names are global to an account, so an account gets one such stack, covering every region it
    deploys to. ``repository`` is ``owner/name`` on GitHub. ``github_environments`` are the
    protected GitHub environments whose jobs may deploy here (``production`` for prod and prod-dr).
    ``regions`` (default: the stack's own) are where the account's TapVpcStacks live.
    ``stack_prefix`` (default ``TapVpcStack``) limits what the roles and policy touch.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        repository: str,
        github_environments: Sequence[str],
        regions: Sequence[str] | None = None,
        stack_prefix: str = "TapVpcStack",
        **kwargs: Any,
    ) -> None:
        environments = ", ".join(github_environments)
        super().__init__(scope, id_, description=f"TAP VPC CI roles ({repository}, {environments})", **kwargs)
        regions = list(regions or [self.region])
        provider = iam.OidcProviderNative(self, "GitHubOidc", url=GITHUB_OIDC_URL, client_ids=[GITHUB_AUDIENCE])

        def bootstrap_roles(kind: str) -> list[str]:
            return [
                f"arn:{PARTITION}:iam::{self.account}:role/cdk-{BOOTSTRAP_QUALIFIER}-{kind}-role-{self.account}-{region}"
                for region in regions
            ]

        stacks = [
            f"arn:{PARTITION}:cloudformation:{region}:{self.account}:stack/{stack_prefix}-*/*" for region in regions
        ]
        read_stacks = iam.PolicyStatement(
            sid="ReadTapVpcStacks",
            actions=[
                "cloudformation:DescribeStacks",
                "cloudformation:DescribeStackEvents",
                "cloudformation:DescribeStackResources",
                "cloudformation:GetTemplate",
                "cloudformation:DetectStackDrift",
                "cloudformation:DetectStackResourceDrift",
                "cloudformation:DescribeStackResourceDrifts",
            ],
            resources=stacks,
        )

        self.read_only_role = self._role_with_policy(
            "ReadOnly",
            role_name=READ_ONLY_ROLE,
            description="TAP VPC pull-request diff and scheduled drift detection: read only",
            principal=github_principal(provider, repository, ["pull_request", "ref:refs/heads/main"]),
            statements=[
                read_stacks,
                iam.PolicyStatement(
                    sid="DriftStatus",
                    actions=["cloudformation:DescribeStackDriftDetectionStatus"],
                    resources=["*"],  # this action takes no resource (Service Authorization Reference)
                ),
                iam.PolicyStatement(
                    sid="AssumeBootstrapLookupRole",
                    actions=["sts:AssumeRole"],
                    resources=bootstrap_roles("lookup"),
                ),
            ],
        )
        self.deploy_role = self._role_with_policy(
            "Deploy",
            role_name=DEPLOY_ROLE,
            description=f"TAP VPC deploys from the protected GitHub environment(s) {environments}",
            principal=github_principal(provider, repository, [f"environment:{name}" for name in github_environments]),
            statements=[
                read_stacks,
                iam.PolicyStatement(
                    sid="AssumeBootstrapRoles",
                    actions=["sts:AssumeRole"],
                    resources=[
                        role for kind in ("deploy", "file-publishing", "lookup") for role in bootstrap_roles(kind)
                    ],
                ),
            ],
        )
        execution_statements = execution_policy_statements(self, stack_prefix, regions)
        self.execution_policy = iam.ManagedPolicy(
            self,
            "CloudFormationExecutionPolicy",
            managed_policy_name=EXECUTION_POLICY,
            description="CloudFormation execution policy for TAP VPC stacks "
            "(cdk bootstrap --cloudformation-execution-policies)",
            statements=execution_statements,
        )
        acknowledgements.acknowledge_ci_policy_wildcards(self.execution_policy, execution_statements)

    def _role_with_policy(
        self,
        prefix: str,
        *,
        role_name: str,
        description: str,
        principal: iam.IPrincipal,
        statements: list[iam.PolicyStatement],
    ) -> iam.Role:
        """A role (``<prefix>Role``) of at most an hour per session, with ``<prefix>Policy`` holding ``statements``."""
        role = iam.Role(
            self,
            f"{prefix}Role",
            role_name=role_name,
            description=description,
            assumed_by=principal,
            max_session_duration=Duration.hours(1),
        )
        policy = iam.ManagedPolicy(self, f"{prefix}Policy", roles=[role], statements=statements)
        acknowledgements.acknowledge_ci_policy_wildcards(policy, statements)
        return role


def github_principal(
    provider: iam.OidcProviderNative, repository: str, subjects: list[str]
) -> iam.WebIdentityPrincipal:
    """Trust GitHub's OIDC tokens for ``repository`` whose ``sub`` is one of ``subjects``, audience STS."""
    return iam.WebIdentityPrincipal(
        provider.oidc_provider_arn,
        conditions={
            "StringEquals": {
                "token.actions.githubusercontent.com:aud": GITHUB_AUDIENCE,
                "token.actions.githubusercontent.com:sub": [f"repo:{repository}:{subject}" for subject in subjects],
            }
        },
    )


def execution_policy_statements(
    stack: Stack, stack_prefix: str, regions: Sequence[str] | None = None
) -> list[iam.PolicyStatement]:
    """What CloudFormation needs to create, update and delete TapVpcStack in ``regions`` (default: the stack's)."""
    arn = f"arn:{PARTITION}"
    regions = list(regions or [stack.region])
    wheres = [f"{region}:{stack.account}" for region in regions]
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
                for arn_ in (f"{arn}:logs:{where}:log-group:/tap-vpc/*", f"{arn}:logs:{where}:log-group::log-stream:")
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
                f"{arn}:iam::{stack.account}:role/TapVpc*",
                f"{arn}:iam::{stack.account}:role/{stack_prefix}-*",
                f"{arn}:iam::{stack.account}:policy/{stack_prefix}-*",
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
            resources=[f"{arn}:lambda:{where}:function:{stack_prefix}-*" for where in wheres],
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
            # CloudFormation names the buckets <stack name>-<logical id>-<random>, lowercased and cut
            # to 63 characters, which can shorten "tapvpcstack-" down to its first letters.
            resources=[f"{arn}:s3:::{ARCHIVE_BUCKET_PREFIX}*"],
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
                    f"{arn}:glue:{where}:database/tap_vpc_*",
                    f"{arn}:glue:{where}:table/tap_vpc_*/*",
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
            resources=[f"{arn}:athena:{where}:workgroup/tap-vpc-*" for where in wheres],
        ),
        iam.PolicyStatement(
            sid="BootstrapVersion",
            actions=["ssm:GetParameters"],
            resources=[f"{arn}:ssm:{where}:parameter/cdk-bootstrap/{BOOTSTRAP_QUALIFIER}/version" for where in wheres],
        ),
        iam.PolicyStatement(
            sid="AssetsFromTheBootstrapBucket",
            actions=["s3:GetObject"],
            resources=[f"{arn}:s3:::cdk-{BOOTSTRAP_QUALIFIER}-assets-{stack.account}-{region}/*" for region in regions],
        ),
    ]
