"""The permissions boundary on every IAM role TapVpcStack creates.

The boundary is the managed policy ``TapVpcPermissionsBoundary`` that the CI roles stack
(``ci_roles``) owns in each account of the fleet. The CloudFormation execution policy lets a
deploy create or change a role only when the role carries this boundary, so no template
deployed through the pipeline can make a role more powerful than the boundary allows.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

#: The boundary's name (one per account; ci_roles creates it, and its execution policy demands it).
PERMISSIONS_BOUNDARY_POLICY_NAME = "TapVpcPermissionsBoundary"


def apply_permissions_boundary(scope: Construct) -> None:
    """Put ``TapVpcPermissionsBoundary`` (of ``scope``'s account) on every role and user under ``scope``.

    ``iam.PermissionsBoundary`` is an Aspect over every ``AWS::IAM::Role`` and ``AWS::IAM::User``,
    L1 ones included, so it also reaches the roles of CDK's own custom-resource providers (the
    default-SG lock-down handler's) that no L2 construct exposes.
    """
    boundary = iam.ManagedPolicy.from_managed_policy_name(
        scope, "PermissionsBoundary", PERMISSIONS_BOUNDARY_POLICY_NAME
    )
    iam.PermissionsBoundary.of(scope).apply(boundary)
