"""``TapVpcCiRolesStack``: the account set-up CI needs, as code (deploy it once per account of the fleet).

- the GitHub OIDC provider (native ``AWS::IAM::OIDCProvider``, no custom resource);
- ``TapVpcReadOnly``: assumed by pull requests and by main (diff, drift); reads CloudFormation
  and may assume only the CDK bootstrap *lookup* role;
- ``TapVpcDeploy``: assumed only by jobs in the GitHub environment(s) of this account's waves
  (``development``, ``staging`` or ``production``, on main); may assume only the CDK bootstrap roles;
- ``TapVpcCloudFormationExecution``: the managed policy to bootstrap with (``execution_policy``);
- ``TapVpcPermissionsBoundary``: the boundary every TAP VPC role must carry (``permissions_boundary``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from ci_roles.bootstrap import PARTITION, bootstrap_role_arns
from ci_roles.ci_names import DEPLOY_ROLE, EXECUTION_POLICY, READ_ONLY_ROLE
from ci_roles.execution_policy import execution_policy_statements
from ci_roles.permissions_boundary import boundary_statements
from ci_roles.policy_size import split_statements
from ci_roles.product_names import ProductNames
from ci_roles.trust import GITHUB_AUDIENCE, GITHUB_OIDC_URL, github_principal
from tap_vpc.compliance import acknowledgements
from tap_vpc.compliance.permissions_boundary import PERMISSIONS_BOUNDARY_POLICY_NAME


class TapVpcCiRolesStack(Stack):
    """OIDC provider, read-only and deploy roles, and the bootstrap execution policy for one account.

    IAM names are global to an account, so an account gets one such stack, covering every region it
    deploys to. ``repository`` is ``owner/name`` on GitHub. ``github_environments`` are the
    protected GitHub environments whose jobs may deploy here (``production`` for prod and prod-dr).
    ``regions`` (default: the stack's own) are where the account's TapVpcStacks live. ``names``
    (default: ``ProductNames.of()``, the product's names) limits what the roles and policy touch.
    Attributes: ``read_only_role``, ``deploy_role``, ``execution_policies`` (IAM caps a managed policy at
    6,144 characters; ``execution_policy`` is the first), ``permissions_boundary``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        repository: str,
        github_environments: Sequence[str],
        regions: Sequence[str] | None = None,
        names: ProductNames | None = None,
        **kwargs: Any,
    ) -> None:
        environments = ", ".join(github_environments)
        super().__init__(scope, id_, description=f"TAP VPC CI roles ({repository}, {environments})", **kwargs)
        regions = list(regions or [self.region])
        names = names or ProductNames.of()
        provider = iam.OidcProviderNative(self, "GitHubOidc", url=GITHUB_OIDC_URL, client_ids=[GITHUB_AUDIENCE])

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
            # A stack's ARN ends in its random stack ID.
            resources=[
                f"arn:{PARTITION}:cloudformation:{region}:{self.account}:stack/{names.stacks}/*" for region in regions
            ],
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
                    resources=bootstrap_role_arns(self.account, regions, "lookup"),
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
                        role
                        for kind in ("deploy", "file-publishing", "lookup")
                        for role in bootstrap_role_arns(self.account, regions, kind)
                    ],
                ),
            ],
        )
        execution_statements = execution_policy_statements(self, names, regions)
        # Bootstrap with every one of them: cdk bootstrap --cloudformation-execution-policies takes a list.
        self.execution_policies = [
            self._execution_policy(index, statements)
            for index, statements in enumerate(split_statements(execution_statements), start=1)
        ]
        self.execution_policy = self.execution_policies[0]
        boundary = boundary_statements(names, self.account, regions)
        self.permissions_boundary = iam.ManagedPolicy(
            self,
            "PermissionsBoundary",
            managed_policy_name=PERMISSIONS_BOUNDARY_POLICY_NAME,
            description="The most a TAP VPC stack's roles may do (the execution policy requires it on every role)",
            statements=boundary,
        )
        acknowledgements.acknowledge_ci_policy_wildcards(self.permissions_boundary, boundary)

    def _execution_policy(self, index: int, statements: list[iam.PolicyStatement]) -> iam.ManagedPolicy:
        """Part ``index`` of the execution policy: ``TapVpcCloudFormationExecution``, then ``...2``, ``...3``."""
        policy = iam.ManagedPolicy(
            self,
            "CloudFormationExecutionPolicy" if index == 1 else f"CloudFormationExecutionPolicy{index}",
            managed_policy_name=EXECUTION_POLICY if index == 1 else f"{EXECUTION_POLICY}{index}",
            description=f"CloudFormation execution policy for TAP VPC stacks, part {index} "
            "(cdk bootstrap --cloudformation-execution-policies)",
            statements=statements,
        )
        acknowledgements.acknowledge_ci_policy_wildcards(policy, statements)
        if index == 1:
            # Linted as one document with its other parts: an escalation may span parts.
            acknowledgements.acknowledge_execution_policy_lint(policy)
        return policy

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
        acknowledgements.acknowledge_github_federation(role)
        policy = iam.ManagedPolicy(self, f"{prefix}Policy", roles=[role], statements=statements)
        acknowledgements.acknowledge_ci_policy_wildcards(policy, statements)
        return role
