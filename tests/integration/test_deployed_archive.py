"""The flow-log archive as deployed: flow log, locked bucket, table, workgroup, named queries.

Expectations come from the deployed config (the same one app.py builds), so the suite also reads a
real account (TAP_VPC_INTEGRATION_TARGET=aws). Where moto 5.2.5 falls short, a strict xfail says so.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tap_vpc.flow_logs.fields import record_format, table_columns
from tap_vpc.flow_logs.named_queries import named_queries
from tests.integration.conftest import Deployment, emulator_lacks

pytestmark = pytest.mark.integration

PARTITION_KEYS = ["aws-account-id", "aws-service", "aws-region", "year", "month", "day", "hour"]


@pytest.fixture
def archive(deployment: Deployment) -> str:
    if not deployment.config.flow_log_archive:
        pytest.fail(f"{deployment.config.stack_name} has flowLogArchive off: nothing to check")
    return deployment.outputs["ArchiveBucketName"]


def test_the_archive_flow_log_delivers_to_the_bucket(deployment: Deployment, archive: str) -> None:
    (flow_log,) = deployment.client("ec2").describe_flow_logs(FlowLogIds=[deployment.outputs["ArchiveFlowLogId"]])[
        "FlowLogs"
    ]
    assert flow_log["ResourceId"] == deployment.outputs["VpcId"]
    assert flow_log["FlowLogStatus"] == "ACTIVE"
    assert flow_log["LogDestinationType"] == "s3"
    assert flow_log["LogDestination"] == f"arn:aws:s3:::{archive}"
    assert flow_log["LogFormat"] == record_format(deployment.config.flow_log_format)


@emulator_lacks("CreateFlowLogs from CloudFormation ignores DestinationOptions")
def test_the_archive_flow_log_writes_hourly_hive_parquet(deployment: Deployment) -> None:
    (flow_log,) = deployment.client("ec2").describe_flow_logs(FlowLogIds=[deployment.outputs["ArchiveFlowLogId"]])[
        "FlowLogs"
    ]
    assert flow_log["DestinationOptions"] == {
        "FileFormat": "parquet",
        "HiveCompatiblePartitions": True,
        "PerHourPartition": True,
    }


def test_the_bucket_is_versioned_locked_and_private(deployment: Deployment, archive: str) -> None:
    s3, config = deployment.client("s3"), deployment.config
    assert s3.get_bucket_versioning(Bucket=archive)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=archive)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": config.archive_object_lock_mode, "Days": config.archive_retention_days}},
    }
    assert s3.get_public_access_block(Bucket=archive)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert s3.get_bucket_ownership_controls(Bucket=archive)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]


def test_the_bucket_is_kms_encrypted_with_the_bucket_key(deployment: Deployment, archive: str) -> None:
    (rule,) = deployment.client("s3").get_bucket_encryption(Bucket=archive)["ServerSideEncryptionConfiguration"][
        "Rules"
    ]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["BucketKeyEnabled"] is True
    key = rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"]
    assert deployment.client("kms").get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True


def test_the_lifecycle_tiers_then_expires(deployment: Deployment, archive: str) -> None:
    config = deployment.config
    (rule,) = deployment.client("s3").get_bucket_lifecycle_configuration(Bucket=archive)["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["Transitions"] == [{"Days": config.archive_transition_days, "StorageClass": "GLACIER_IR"}]
    assert rule["Expiration"] == {"Days": config.archive_retention_days}
    assert "NoncurrentDays" in rule["NoncurrentVersionExpiration"]


def test_access_logs_go_to_the_separate_bucket(deployment: Deployment, archive: str) -> None:
    s3 = deployment.client("s3")
    logging = s3.get_bucket_logging(Bucket=archive)["LoggingEnabled"]
    assert logging["TargetPrefix"] == "archive/"
    assert logging["TargetBucket"] != archive
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=logging["TargetBucket"])


def test_the_policy_admits_log_delivery_and_refuses_plain_http(deployment: Deployment, archive: str) -> None:
    policy = json.loads(deployment.client("s3").get_bucket_policy(Bucket=archive)["Policy"])
    by_sid = {statement.get("Sid"): statement for statement in policy["Statement"]}
    write = by_sid["AWSLogDeliveryWrite"]
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Condition"]["StringEquals"]["aws:SourceAccount"] == deployment.config.account
    tls = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert [s["Condition"] for s in tls] == [{"Bool": {"aws:SecureTransport": "false"}}]


@emulator_lacks("GetBucketNotificationConfiguration never reports EventBridgeConfiguration")
def test_object_events_go_to_eventbridge(deployment: Deployment, archive: str) -> None:
    assert "EventBridgeConfiguration" in deployment.client("s3").get_bucket_notification_configuration(Bucket=archive)


def glue_table(deployment: Deployment) -> dict[str, Any]:
    table: dict[str, Any] = deployment.client("glue").get_table(
        DatabaseName=deployment.outputs["FlowLogDatabaseName"], Name=deployment.outputs["FlowLogTableName"]
    )["Table"]
    return table


def test_the_table_has_the_record_formats_columns_and_the_hive_partitions(deployment: Deployment) -> None:
    table = glue_table(deployment)
    columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
    assert columns == table_columns(record_format(deployment.config.flow_log_format))
    assert [key["Name"] for key in table["PartitionKeys"]] == PARTITION_KEYS


def test_the_table_projects_its_partitions_over_the_archive(deployment: Deployment, archive: str) -> None:
    parameters = glue_table(deployment)["Parameters"]
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.aws-account-id.values"] == deployment.config.account
    assert parameters["projection.aws-region.values"] == deployment.config.region
    assert parameters["storage.location.template"] == (
        f"s3://{archive}/AWSLogs/aws-account-id=${{aws-account-id}}/aws-service=${{aws-service}}/"
        "aws-region=${aws-region}/year=${year}/month=${month}/day=${day}/hour=${hour}/"
    )


def test_the_workgroup_enforces_encrypted_results(deployment: Deployment) -> None:
    workgroup = deployment.client("athena").get_work_group(WorkGroup=deployment.outputs["AthenaWorkGroupName"])
    configuration = workgroup["WorkGroup"]["Configuration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["ResultConfiguration"]["EncryptionConfiguration"]["EncryptionOption"] == "SSE_KMS"
    assert configuration["ResultConfiguration"]["OutputLocation"].startswith("s3://")


def test_each_investigation_is_saved_in_the_workgroup(deployment: Deployment) -> None:
    athena, workgroup = deployment.client("athena"), deployment.outputs["AthenaWorkGroupName"]
    ids = athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"]
    named = [athena.get_named_query(NamedQueryId=query_id)["NamedQuery"] for query_id in ids]
    saved = {query["Name"]: query for query in named}
    assert sorted(saved) == sorted(query.name for query in named_queries())
    for query in named_queries():
        assert saved[query.name]["QueryString"] == query.sql
        assert saved[query.name]["Database"] == deployment.outputs["FlowLogDatabaseName"]
