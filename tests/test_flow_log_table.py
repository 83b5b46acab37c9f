"""The Glue table over the archive and the Athena workgroup: columns from the record, Hive partitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import resources_of
from tools.project import synthesize

BUCKET = {"Ref": "FlowLogArchiveBucketEDB91C57"}
#: The default record's columns and Athena types, in record order (Amazon VPC User Guide, "Flow log
#: records": Parquet types INT_32 -> int, INT_64 -> bigint, STRING -> string).
DEFAULT_COLUMNS = [
    ("version", "int"), ("account_id", "string"), ("interface_id", "string"), ("srcaddr", "string"),
    ("dstaddr", "string"), ("srcport", "int"), ("dstport", "int"), ("protocol", "int"), ("packets", "bigint"),
    ("bytes", "bigint"), ("start", "bigint"), ("end", "bigint"), ("action", "string"), ("log_status", "string"),
    ("vpc_id", "string"), ("subnet_id", "string"), ("instance_id", "string"), ("tcp_flags", "int"),
    ("type", "string"), ("pkt_srcaddr", "string"), ("pkt_dstaddr", "string"), ("region", "string"),
    ("az_id", "string"), ("pkt_src_aws_service", "string"), ("pkt_dst_aws_service", "string"),
    ("flow_direction", "string"), ("traffic_path", "int"),
]  # fmt: skip
LOCATION = ["s3://", BUCKET, "/AWSLogs/"]


def table_of(template: Mapping[str, Any]) -> dict[str, Any]:
    (table,) = resources_of(template, "AWS::Glue::Table").values()
    return dict(table["Properties"])


def columns_of(template: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in table_of(template)["TableInput"]["StorageDescriptor"]["Columns"]]


def test_columns_are_the_record_format_in_order_with_athena_types(template_json: Mapping[str, Any]) -> None:
    assert columns_of(template_json) == DEFAULT_COLUMNS


def test_adding_a_field_to_the_record_adds_its_column_in_the_same_synth() -> None:
    record = "${version} ${srcaddr} ${dstaddr} ${action} ${ecs-cluster-name} ${sublocation-type}"
    template = synthesize(TapVpcConfig(environment_suffix="pr-11", flow_log_format=record)).to_json()
    assert columns_of(template) == [
        ("version", "int"),
        ("srcaddr", "string"),
        ("dstaddr", "string"),
        ("action", "string"),
        ("ecs_cluster_name", "string"),
        ("sublocation_type", "string"),
    ]
    (flow_log,) = (
        f for f in resources_of(template, "AWS::EC2::FlowLog").values() if "DestinationOptions" in f["Properties"]
    )
    assert flow_log["Properties"]["LogFormat"] == record


def test_a_null_format_gives_the_columns_of_the_aws_default_record() -> None:
    template = synthesize(TapVpcConfig(environment_suffix="pr-12", flow_log_format=None)).to_json()
    assert columns_of(template) == DEFAULT_COLUMNS[:14]


def test_partition_keys_are_the_hive_layout_flow_logs_write(template_json: Mapping[str, Any]) -> None:
    keys = [(k["Name"], k["Type"]) for k in table_of(template_json)["TableInput"]["PartitionKeys"]]
    assert keys == [
        ("aws-account-id", "string"),
        ("aws-service", "string"),
        ("aws-region", "string"),
        ("year", "string"),
        ("month", "string"),
        ("day", "string"),
        ("hour", "string"),
    ]


def test_projection_covers_the_layout_without_a_crawler(template_json: Mapping[str, Any]) -> None:
    parameters = table_of(template_json)["TableInput"]["Parameters"]
    assert parameters == {
        "EXTERNAL": "TRUE",
        "classification": "parquet",
        "projection.enabled": "true",
        "projection.aws-account-id.type": "enum",
        "projection.aws-account-id.values": {"Ref": "AWS::AccountId"},
        "projection.aws-service.type": "enum",
        "projection.aws-service.values": "vpcflowlogs",
        "projection.aws-region.type": "enum",
        "projection.aws-region.values": {"Ref": "AWS::Region"},
        "projection.year.type": "integer",
        "projection.year.range": "2026,2050",
        "projection.month.type": "integer",
        "projection.month.range": "1,12",
        "projection.month.digits": "2",
        "projection.day.type": "integer",
        "projection.day.range": "1,31",
        "projection.day.digits": "2",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
        "storage.location.template": {
            "Fn::Join": [
                "",
                [
                    "s3://",
                    BUCKET,
                    "/AWSLogs/aws-account-id=${aws-account-id}/aws-service=${aws-service}/aws-region=${aws-region}/"
                    "year=${year}/month=${month}/day=${day}/hour=${hour}/",
                ],
            ]
        },
    }


def test_table_reads_parquet_at_the_archive_location(template_json: Mapping[str, Any]) -> None:
    properties = table_of(template_json)
    assert properties["DatabaseName"] == {"Ref": "FlowLogTableDatabaseC68E683C"}
    table = properties["TableInput"]
    assert (table["Name"], table["TableType"]) == ("vpc_flow_logs", "EXTERNAL_TABLE")
    storage = table["StorageDescriptor"]
    assert storage["Location"] == {"Fn::Join": ["", LOCATION]}
    assert storage["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert storage["OutputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    assert storage["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    (database,) = resources_of(template_json, "AWS::Glue::Database").values()
    assert database["Properties"]["DatabaseInput"]["Name"] == "tap_vpc_dev"


def test_an_ephemeral_suffix_becomes_an_athena_safe_database_name() -> None:
    template = synthesize(TapVpcConfig(environment_suffix="sandbox-ana", flow_log_archive=True)).to_json()
    (database,) = resources_of(template, "AWS::Glue::Database").values()
    assert database["Properties"]["DatabaseInput"]["Name"] == "tap_vpc_sandbox_ana"


def test_workgroup_enforces_kms_encrypted_expiring_results(template_json: Mapping[str, Any]) -> None:
    (workgroup,) = resources_of(template_json, "AWS::Athena::WorkGroup").values()
    properties = workgroup["Properties"]
    assert properties["Name"] == "tap-vpc-dev"
    assert properties["RecursiveDeleteOption"] is False  # retained data: saved queries are not swept away
    assert properties["WorkGroupConfiguration"] == {
        "EnforceWorkGroupConfiguration": True,
        "PublishCloudWatchMetricsEnabled": True,
        "BytesScannedCutoffPerQuery": 107374182400,
        "ResultConfiguration": {
            "OutputLocation": {
                "Fn::Join": ["", ["s3://", {"Ref": "FlowLogArchiveQueryResultsBucket079692E6"}, "/results/"]]
            },
            "EncryptionConfiguration": {
                "EncryptionOption": "SSE_KMS",
                "KmsKey": {"Fn::GetAtt": ["FlowLogArchiveKey56C6EA68", "Arn"]},
            },
        },
    }
    assert workgroup["DeletionPolicy"] == "Retain"


def test_each_investigation_is_a_named_query_in_the_workgroup(template_json: Mapping[str, Any]) -> None:
    queries = {
        q["Properties"]["Name"]: q["Properties"]
        for q in resources_of(template_json, "AWS::Athena::NamedQuery").values()
    }
    assert sorted(queries) == ["address_in_window", "private_egress_to_internet", "rejected_by_source", "top_talkers"]
    (workgroup_id,) = resources_of(template_json, "AWS::Athena::WorkGroup")
    for query in queries.values():
        assert query["Database"] == "tap_vpc_dev"
        assert query["WorkGroup"] == {"Ref": workgroup_id}
        assert "FROM vpc_flow_logs" in query["QueryString"]
    assert queries["top_talkers"]["Description"].startswith("Top talkers")
