"""`make empty-archive SUFFIX=pr-42`: empty a non-retained environment's archive buckets before `cdk destroy`.

CloudFormation deletes a bucket only when it is empty, and no Lambda empties these (Object Lock
would refuse most of it anyway). This deletes every object version and delete marker of the
stack's three archive buckets, bypassing governance-mode retention (the caller needs
``s3:BypassGovernanceRetention``). It refuses:

- an environment that retains its data (``retainData``: prod), whose archive must outlive the stack;
- versions locked in COMPLIANCE mode, which no one can delete before their retain-until date: it
  names how many and until when, and the buckets then stay until that date.

    python -m tools.empty_archive --environment pr-42 [--emulator-port PORT]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from tap_vpc.settings.config import TapVpcConfig
from tools.credentials import caller_account
from tools.deploy import EMULATOR_DEFAULT_ACCOUNT, resolve_target
from tools.project import ToolError, config_for, run_cli
from tools.stack_resources import physical_ids

#: DeleteObjects takes at most 1,000 keys per request (Amazon S3 API Reference, DeleteObjects).
DELETE_BATCH = 1000


def archive_buckets(cloudformation: Any, stack_name: str) -> list[str]:
    """The physical names of the stack's S3 buckets (the archive, query results and access logs)."""
    return sorted(physical_ids(cloudformation, stack_name, "AWS::S3::Bucket").values())


def versions_of(s3: Any, bucket: str) -> Iterator[dict[str, str]]:
    """Every object version and delete marker of ``bucket`` as ``{Key, VersionId}``."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            yield {"Key": entry["Key"], "VersionId": entry["VersionId"]}


def compliance_locked(s3: Any, bucket: str, versions: list[dict[str, str]]) -> list[datetime]:
    """Retain-until dates of the versions locked in COMPLIANCE mode and still in their retention."""
    now = datetime.now().astimezone()
    until = []
    for version in versions:
        try:
            head = s3.head_object(Bucket=bucket, **version)
        except ClientError:
            continue  # a delete marker has no object to head
        date = head.get("ObjectLockRetainUntilDate")
        if head.get("ObjectLockMode") == "COMPLIANCE" and date is not None and date > now:
            until.append(date)
    return until


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every version of ``bucket``, bypassing governance retention; return how many went."""
    versions = list(versions_of(s3, bucket))
    locked = compliance_locked(s3, bucket, versions)
    if locked:
        raise ToolError(
            f"{bucket}: {len(locked)} object version(s) are locked in COMPLIANCE mode until "
            f"{max(locked):%Y-%m-%d}; no one can delete them before then, so the bucket stays until that date"
        )
    for start in range(0, len(versions), DELETE_BATCH):
        batch = versions[start : start + DELETE_BATCH]
        result = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": batch, "Quiet": True}, BypassGovernanceRetention=True
        )
        errors = result.get("Errors", [])
        if errors:
            first = errors[0]
            raise ToolError(
                f"{bucket}: {len(errors)} version(s) were not deleted, first {first['Key']} ({first['Code']}: "
                f"{first.get('Message', '')}); deleting past governance retention needs s3:BypassGovernanceRetention"
            )
    return len(versions)


def empty_archive(config: TapVpcConfig, client: Callable[[str], Any]) -> dict[str, int]:
    """Empty every bucket of ``config``'s stack (``client(service)`` makes its SDK clients).

    Returns the versions deleted per bucket.
    """
    if config.retain_data:
        raise ToolError(
            f"{config.stack_name} retains its data (retainData): its archive is kept when the stack goes, "
            "and this tool empties only environments that do not"
        )
    buckets = archive_buckets(client("cloudformation"), config.stack_name)
    s3 = client("s3")
    return {bucket: empty_bucket(s3, bucket) for bucket in buckets}


def main(argv: list[str] | None = None) -> None:
    """Command-line entry; see the module docstring."""
    parser = argparse.ArgumentParser(description="Empty a non-retained environment's archive buckets.")
    parser.add_argument("--environment", required=True)
    parser.add_argument("--emulator-port", type=int)
    args = parser.parse_args(argv)
    target = resolve_target(args.emulator_port)
    config = config_for(environmentSuffix=args.environment.strip())
    server = target.emulator
    if server is None:
        caller_account(config.region)  # no credentials, or refused ones: one line, before anything else

    def client(service: str) -> Any:
        if server is None:
            return boto3.client(service, region_name=config.region)  # type: ignore[call-overload]
        return server.client(service, account=config.account or EMULATOR_DEFAULT_ACCOUNT, region=config.region)

    deleted = empty_archive(config, client)
    for bucket, count in deleted.items():
        print(f"empty-archive: {bucket}: deleted {count} object version(s)")
    print(f"empty-archive: {config.stack_name}'s buckets are empty; now `cdk destroy {config.stack_name}`")


if __name__ == "__main__":
    run_cli(main, "empty-archive")
