"""`make empty-archive`: what the README says removes an ephemeral archive, done on the patched emulator."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.commands import one_message, run
from tools.emulator import Emulator, running

#: Ephemeral environments declare no account; the tools use moto's default one for them.
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with running(tmp_path_factory.mktemp("empty-archive") / "moto.log") as server:
        yield server


def locked_buckets(mode: str) -> dict[str, Any]:
    """Two buckets as the archive makes them: versioned, one under an Object Lock default retention."""
    return {
        "Resources": {
            "Logs": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}},
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "ObjectLockEnabled": True,
                    "ObjectLockConfiguration": {
                        "ObjectLockEnabled": "Enabled",
                        "Rule": {"DefaultRetention": {"Mode": mode, "Days": 365}},
                    },
                },
            },
        },
        "Outputs": {"Bucket": {"Value": {"Ref": "Bucket"}}, "Logs": {"Value": {"Ref": "Logs"}}},
    }


def deploy_with_records(server: Emulator, suffix: str, mode: str) -> dict[str, str]:
    cloudformation = server.client("cloudformation", account=ACCOUNT)
    cloudformation.create_stack(StackName=f"TapVpcStack-{suffix}", TemplateBody=json.dumps(locked_buckets(mode)))
    stack = cloudformation.describe_stacks(StackName=f"TapVpcStack-{suffix}")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    s3 = server.client("s3", account=ACCOUNT)
    for body in (b"hour 13", b"hour 13, again"):  # two versions of one key
        s3.put_object(Bucket=outputs["Bucket"], Key="AWSLogs/record.parquet", Body=body)
    s3.delete_object(Bucket=outputs["Bucket"], Key="AWSLogs/record.parquet")  # and a delete marker
    s3.put_object(Bucket=outputs["Logs"], Key="archive/access-log", Body=b"GET")
    return outputs


def version_count(server: Emulator, bucket: str) -> int:
    listing = server.client("s3", account=ACCOUNT).list_object_versions(Bucket=bucket)
    return len(listing.get("Versions", [])) + len(listing.get("DeleteMarkers", []))


def empty_archive(server: Emulator, suffix: str) -> Any:
    return run(
        [sys.executable, "-m", "tools.empty_archive", "--environment", suffix, "--emulator-port", str(server.port)]
    )


def test_governance_locked_versions_are_deleted_and_then_the_stack_can_go(server: Emulator) -> None:
    outputs = deploy_with_records(server, "pr-5", "GOVERNANCE")
    s3 = server.client("s3", account=ACCOUNT)
    (version,) = [v["VersionId"] for v in s3.list_object_versions(Bucket=outputs["Bucket"])["Versions"]][:1]
    with pytest.raises(ClientError, match="AccessDenied"):  # without the bypass, the lock holds
        s3.delete_object(Bucket=outputs["Bucket"], Key="AWSLogs/record.parquet", VersionId=version)
    result = empty_archive(server, "pr-5")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(
        [
            f"empty-archive: {outputs['Bucket']}: deleted 3 object version(s)",
            f"empty-archive: {outputs['Logs']}: deleted 1 object version(s)",
            "empty-archive: TapVpcStack-pr-5's buckets are empty; now `cdk destroy TapVpcStack-pr-5`",
        ]
    )
    assert (version_count(server, outputs["Bucket"]), version_count(server, outputs["Logs"])) == (0, 0)
    s3.delete_bucket(Bucket=outputs["Bucket"])  # what CloudFormation does on delete: it now succeeds


def test_compliance_locked_versions_are_named_with_their_date(server: Emulator) -> None:
    outputs = deploy_with_records(server, "pr-6", "COMPLIANCE")
    message = one_message(empty_archive(server, "pr-6"))
    assert message.startswith(f"empty-archive: {outputs['Bucket']}: 2 object version(s) are locked in COMPLIANCE mode")
    assert message.endswith("no one can delete them before then, so the bucket stays until that date")
    assert version_count(server, outputs["Bucket"]) == 3


def test_a_retained_environment_is_refused(server: Emulator) -> None:
    message = one_message(empty_archive(server, "prod"))
    assert message == (
        "empty-archive: TapVpcStack-prod retains its data (retainData): its archive is kept when the stack goes, "
        "and this tool empties only environments that do not"
    )


def test_a_stack_that_does_not_exist_is_one_message(server: Emulator) -> None:
    message = one_message(empty_archive(server, "pr-404"))
    assert message.startswith("empty-archive: TapVpcStack-pr-404: ")


def test_without_credentials_nothing_is_tried(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "-m", "tools.empty_archive", "--environment", "pr-7"],
        env={"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")},
    )
    assert one_message(result).startswith("empty-archive: no AWS credentials found")
