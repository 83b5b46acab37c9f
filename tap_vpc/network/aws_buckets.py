"""AWS-owned S3 buckets that workloads in the VPC read through the S3 gateway endpoint.

The gateway endpoint's policy admits this account's buckets (``aws:ResourceAccount``) and these,
read-only (``s3:GetObject``). ``{region}`` stands for the stack's region. Each entry's source:
- ECR image layers: Amazon ECR User Guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)",
  "Create the Amazon S3 gateway endpoint": ``arn:aws:s3:::prod-region-starport-layer-bucket/*``.
- Amazon Linux 2023 and Amazon Linux 2 package repositories: Amazon Linux 2023 User Guide,
  "Package repository" (``al2023-repos-{region}-de612dc2``) and the Amazon Linux 2 FAQ / AWS re:Post
  "update an Amazon Linux 2 instance without internet access" (``amazonlinux-2-repos-{region}``).
- SSM Agent: AWS Systems Manager User Guide, "SSM Agent communications with AWS managed S3 buckets":
  ``aws-ssm-{region}``, ``aws-windows-downloads-{region}``, ``amazon-ssm-{region}``,
  ``amazon-ssm-packages-{region}``, ``{region}-birdwatcher-prod``, ``aws-ssm-distributor-file-{region}``,
  ``aws-ssm-document-attachments-{region}``, ``patch-baseline-snapshot-{region}``.
"""

from __future__ import annotations

REGION_PLACEHOLDER = "{region}"

AWS_OWNED_BUCKETS: tuple[str, ...] = (
    "prod-{region}-starport-layer-bucket",
    "al2023-repos-{region}-de612dc2",
    "amazonlinux-2-repos-{region}",
    "aws-ssm-{region}",
    "aws-windows-downloads-{region}",
    "amazon-ssm-{region}",
    "amazon-ssm-packages-{region}",
    "{region}-birdwatcher-prod",
    "aws-ssm-distributor-file-{region}",
    "aws-ssm-document-attachments-{region}",
    "patch-baseline-snapshot-{region}",
)


def bucket_names(patterns: tuple[str, ...], region: str) -> list[str]:
    """``patterns`` with ``{region}`` replaced by ``region``, in order."""
    return [pattern.replace(REGION_PLACEHOLDER, region) for pattern in patterns]
