"""The execution policy's explicit denies: no TAP VPC deploy may touch the CI roles, their policies or the boundary.

An explicit deny wins over any allow (IAM policy evaluation logic), so these hold even if a later
allow statement's pattern grew to match. The CI roles stack itself is deployed with plain
CloudFormation under an administrator's credentials, never through the execution role.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from ci_roles.bootstrap import PARTITION
from ci_roles.ci_names import CI_STACK_PREFIX, DEPLOY_ROLE, EXECUTION_POLICY, READ_ONLY_ROLE
from ci_roles.trust import GITHUB_OIDC_URL
from tap_vpc.compliance.permissions_boundary import PERMISSIONS_BOUNDARY_POLICY_NAME

#: Every IAM action that changes, passes or deletes a role, a policy or an OIDC provider (reads stay allowed).
IAM_CHANGES = (
    "iam:Add*",
    "iam:Attach*",
    "iam:Create*",
    "iam:Delete*",
    "iam:Detach*",
    "iam:PassRole",
    "iam:Put*",
    "iam:Remove*",
    "iam:SetDefaultPolicyVersion",
    "iam:Tag*",
    "iam:Untag*",
    "iam:Update*",
)


def ci_resource_arns(account: str) -> list[str]:
    """The IAM resources of the CI roles stack in ``account``: its roles, policies, boundary and OIDC provider."""
    iam_arn = f"arn:{PARTITION}:iam::{account}"
    return [
        f"{iam_arn}:role/{DEPLOY_ROLE}",
        f"{iam_arn}:role/{READ_ONLY_ROLE}",
        f"{iam_arn}:policy/{EXECUTION_POLICY}*",
        f"{iam_arn}:policy/{PERMISSIONS_BOUNDARY_POLICY_NAME}",
        f"{iam_arn}:policy/{CI_STACK_PREFIX}-*",
        f"{iam_arn}:oidc-provider/{GITHUB_OIDC_URL.removeprefix('https://')}",
    ]


def guard_statements(account: str) -> list[iam.PolicyStatement]:
    """Deny every IAM change (``IAM_CHANGES``) to the CI stack's resources in ``account``; deny removing boundaries."""
    return [
        iam.PolicyStatement(
            sid="DenyCiRolesAndBoundary",
            effect=iam.Effect.DENY,
            actions=list(IAM_CHANGES),
            resources=ci_resource_arns(account),
        ),
        iam.PolicyStatement(
            sid="DenyRemovingPermissionsBoundaries",
            effect=iam.Effect.DENY,
            actions=["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
            resources=["*"],
        ),
    ]
