"""The flow-log archive: a second flow log to S3, and buckets that keep it locked, tiered and private."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from tap_vpc.flow_logs.flow_log import VpcFlowLog
from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import (
    att_at,
    cdk_path,
    logical_id_at,
    ref_at,
    resource_at,
    resources_of,
    synthesized_with_paths,
    with_paths,
)
from tools.project import synthesize

ACCOUNT = {"Ref": "AWS::AccountId"}
LOGS_SOURCE_ARN = {
    "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"}, ":", ACCOUNT, ":*"]]
}
DELIVERY_CONDITIONS = {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": LOGS_SOURCE_ARN}}


#: The archive's three buckets, by construct path under the FlowLogArchive construct.
BUCKETS = ("Bucket", "QueryResultsBucket", "AccessLogBucket")


def bucket_path(name: str) -> str:
    return f"FlowLogArchive/{name}/Resource"


def bucket(template: Mapping[str, Any], name: str) -> dict[str, Any]:
    return resource_at(template, bucket_path(name))


def statements(template: Mapping[str, Any], bucket_name: str) -> dict[str, dict[str, Any]]:
    policy = resource_at(template, f"FlowLogArchive/{bucket_name}/Policy/Resource")
    assert policy["Properties"]["Bucket"] == ref_at(template, bucket_path(bucket_name))
    document = policy["Properties"]["PolicyDocument"]["Statement"]
    return {s.get("Sid", f"{s['Effect']}{s['Action']}"): s for s in document}


def test_the_archive_flow_log_writes_hourly_hive_parquet_to_the_bucket(template_with_paths: Mapping[str, Any]) -> None:
    flow_log = resource_at(template_with_paths, "FlowLog/ArchiveFlowLog/FlowLog")
    properties = flow_log["Properties"]
    # PascalCase, as AWS::EC2::FlowLog's schema spells them (aws-cdk-lib writes camelCase: aws/aws-cdk#25432).
    assert properties["DestinationOptions"] == {
        "FileFormat": "parquet",
        "HiveCompatiblePartitions": True,
        "PerHourPartition": True,
    }
    assert properties["LogDestinationType"] == "s3"
    assert properties["LogDestination"] == att_at(template_with_paths, bucket_path("Bucket"), "Arn")
    assert "DeliverLogsPermissionArn" not in properties  # S3 delivery uses the bucket policy, not a role
    assert flow_log["DependsOn"] == [logical_id_at(template_with_paths, "FlowLogArchive/Bucket/Policy/Resource")]


def test_both_flow_logs_record_the_same_traffic_in_the_same_format(template_with_paths: Mapping[str, Any]) -> None:
    flow_logs = list(resources_of(template_with_paths, "AWS::EC2::FlowLog").values())
    assert len(flow_logs) == 2
    for key in ("LogFormat", "TrafficType", "MaxAggregationInterval", "ResourceId"):
        assert flow_logs[0]["Properties"][key] == flow_logs[1]["Properties"][key], key


def test_archive_bucket_is_kms_encrypted_with_the_bucket_key(template_with_paths: Mapping[str, Any]) -> None:
    encryption = bucket(template_with_paths, "Bucket")["Properties"]["BucketEncryption"]
    assert encryption == {
        "ServerSideEncryptionConfiguration": [
            {
                "BucketKeyEnabled": True,
                "ServerSideEncryptionByDefault": {
                    "KMSMasterKeyID": att_at(template_with_paths, "FlowLogArchive/Key/Resource", "Arn"),
                    "SSEAlgorithm": "aws:kms",
                },
            }
        ]
    }


@pytest.mark.parametrize("name", BUCKETS)
def test_every_archive_bucket_is_versioned_private_and_owner_enforced(
    template_with_paths: Mapping[str, Any], name: str
) -> None:
    properties = bucket(template_with_paths, name)["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert properties["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    tls = statements(template_with_paths, name)["Denys3:*"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert tls["Principal"] == {"AWS": "*"}


def test_default_archive_is_locked_in_compliance_mode_for_a_year(template_with_paths: Mapping[str, Any]) -> None:
    properties = bucket(template_with_paths, "Bucket")["Properties"]
    assert properties["ObjectLockEnabled"] is True
    assert properties["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
    }


def test_lifecycle_moves_to_glacier_instant_retrieval_then_expires(template_with_paths: Mapping[str, Any]) -> None:
    (rule,) = bucket(template_with_paths, "Bucket")["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule == {
        "Id": "GlacierInstantRetrievalThenExpire",
        "Status": "Enabled",
        "Transitions": [{"StorageClass": "GLACIER_IR", "TransitionInDays": 90}],
        "ExpirationInDays": 365,
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }


def test_retention_transition_and_mode_are_settings() -> None:
    config = TapVpcConfig(
        environment_suffix="pr-9",
        archive_retention_days=2557,
        archive_transition_days=30,
        archive_object_lock_mode="GOVERNANCE",
    )
    template = synthesized_with_paths(config)
    properties = bucket(template, "Bucket")["Properties"]
    assert properties["ObjectLockConfiguration"]["Rule"] == {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2557}}
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert (rule["Transitions"][0]["TransitionInDays"], rule["ExpirationInDays"]) == (30, 2557)


def test_server_access_logs_go_to_a_separate_sse_s3_bucket(template_with_paths: Mapping[str, Any]) -> None:
    access_log_bucket = ref_at(template_with_paths, bucket_path("AccessLogBucket"))
    for name, prefix in (("Bucket", "archive/"), ("QueryResultsBucket", "query-results/")):
        logging = bucket(template_with_paths, name)["Properties"]["LoggingConfiguration"]
        assert logging == {"DestinationBucketName": access_log_bucket, "LogFilePrefix": prefix}
    properties = bucket(template_with_paths, "AccessLogBucket")["Properties"]
    # S3 delivers server access logs only to SSE-S3 buckets without an Object Lock default retention.
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert "ObjectLockConfiguration" not in properties
    assert "LoggingConfiguration" not in properties
    write = next(s for s in statements(template_with_paths, "AccessLogBucket").values() if s["Effect"] == "Allow")
    assert write["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert write["Action"] == "s3:PutObject"


def test_delivery_policy_admits_only_this_accounts_log_deliveries(template_with_paths: Mapping[str, Any]) -> None:
    policy = statements(template_with_paths, "Bucket")
    write = policy["AWSLogDeliveryWrite"]
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Action"] == "s3:PutObject"
    assert write["Resource"] == {
        "Fn::Join": ["", [att_at(template_with_paths, bucket_path("Bucket"), "Arn"), "/AWSLogs/*"]]
    }
    assert write["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control"},
        "ArnLike": {"aws:SourceArn": LOGS_SOURCE_ARN},
    }
    acl_check = policy["AWSLogDeliveryAclCheck"]
    assert acl_check["Action"] == ["s3:GetBucketAcl", "s3:ListBucket"]
    assert acl_check["Resource"] == att_at(template_with_paths, bucket_path("Bucket"), "Arn")
    assert acl_check["Condition"] == DELIVERY_CONDITIONS


def test_archive_key_rotates_and_lets_log_delivery_encrypt_for_this_account(
    template_with_paths: Mapping[str, Any],
) -> None:
    key = resource_at(template_with_paths, "FlowLogArchive/Key/Resource")
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    by_sid = {s["Sid"]: s for s in key["Properties"]["KeyPolicy"]["Statement"] if "Sid" in s}
    delivery = by_sid["AllowVpcFlowLogsDelivery"]
    assert delivery["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert delivery["Action"] == [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
    ]
    assert delivery["Condition"] == DELIVERY_CONDITIONS
    assert by_sid["DenyGrantsExceptForAwsServices"]["Effect"] == "Deny"  # CT.KMS.PR.3
    aliases = [a["Properties"]["AliasName"] for a in resources_of(template_with_paths, "AWS::KMS::Alias").values()]
    assert "alias/tap-vpc/dev/flow-log-archive" in aliases


def test_query_results_expire_after_30_days(template_with_paths: Mapping[str, Any]) -> None:
    properties = bucket(template_with_paths, "QueryResultsBucket")["Properties"]
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert (rule["ExpirationInDays"], rule["NoncurrentVersionExpiration"]) == (30, {"NoncurrentDays": 1})
    assert properties["ObjectLockConfiguration"]["Rule"] == {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}


def test_prod_keeps_the_buckets_when_the_stack_goes(template_with_paths: Mapping[str, Any]) -> None:
    for name in BUCKETS:
        resource = bucket(template_with_paths, name)
        assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain"), name


def test_non_retained_environments_delete_the_buckets_without_a_lambda() -> None:
    resources = synthesized_with_paths(
        TapVpcConfig(environment_suffix="pr-8", retain_data=False, archive_retention_days=7)
    )
    for name in BUCKETS:
        assert bucket(resources, name)["DeletionPolicy"] == "Delete", name
    # No auto-delete custom resource: Object Lock would refuse it, and it would be a Lambda to govern.
    assert resources_of(resources, "Custom::S3AutoDeleteObjects") == {}
    # The default security group's and the default network ACL's lock-downs, nothing for the buckets.
    assert [cdk_path(r) for r in resources_of(resources, "AWS::Lambda::Function").values()] == [
        "Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler",
        "Custom::VpcRestrictDefaultNetworkAclCustomResourceProvider/Handler",
    ]


def test_archive_off_builds_one_flow_log_and_no_bucket() -> None:
    resources = synthesize(TapVpcConfig(environment_suffix="pr-6", flow_log_archive=False)).to_json()
    assert len(resources_of(resources, "AWS::EC2::FlowLog")) == 1
    for resource_type in ("AWS::S3::Bucket", "AWS::Glue::Table", "AWS::Athena::WorkGroup"):
        assert resources_of(resources, resource_type) == {}, resource_type


def test_an_imported_bucket_gets_the_archive_flow_log_without_a_policy_to_wait_for() -> None:
    stack = Stack(App(), "Imported")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, subnet_configuration=[])
    bucket = s3.Bucket.from_bucket_name(stack, "Archive", "central-flow-log-archive")
    VpcFlowLog(stack, "FlowLog", vpc=vpc, log_group_name="/probe", archive_bucket=bucket)
    archive = resource_at(with_paths(stack, Template.from_stack(stack).to_json()), "FlowLog/ArchiveFlowLog/FlowLog")
    assert archive["Properties"]["LogDestinationType"] == "s3"
    assert archive["Properties"]["LogDestination"] == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::central-flow-log-archive"]]
    }
    assert "DependsOn" not in archive  # the central bucket's policy is its owner's to write
