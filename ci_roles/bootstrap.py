"""The CDK bootstrap resources of an account (``cdk bootstrap``'s default qualifier), as ARNs.

TAP VPC supports the aws partition only (the settings rules refuse the others), so ARNs name it literally.
"""

from __future__ import annotations

from collections.abc import Sequence

PARTITION = "aws"
#: The CDK bootstrap qualifier this project uses (the CLI's default).
BOOTSTRAP_QUALIFIER = "hnb659fds"


def bootstrap_role_arns(account: str, regions: Sequence[str], kind: str) -> list[str]:
    """The bootstrap role of ``kind`` (``deploy``, ``file-publishing``, ``lookup``) in each of ``regions``."""
    return [
        f"arn:{PARTITION}:iam::{account}:role/cdk-{BOOTSTRAP_QUALIFIER}-{kind}-role-{account}-{region}"
        for region in regions
    ]


def bootstrap_version_parameter_arn(region: str, account: str) -> str:
    """The SSM parameter holding the bootstrap stack's version, which every CDK deploy reads."""
    return f"arn:{PARTITION}:ssm:{region}:{account}:parameter/cdk-bootstrap/{BOOTSTRAP_QUALIFIER}/version"


def bootstrap_assets_arn(region: str, account: str) -> str:
    """Every object of the bootstrap assets bucket in ``region`` (the Lambda code of the stack)."""
    return f"arn:{PARTITION}:s3:::cdk-{BOOTSTRAP_QUALIFIER}-assets-{account}-{region}/*"
