"""The Glue table over the archive and the Athena workgroup: columns from the record, Hive partitions."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

import pytest

from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import att_at, ref_at, resource_at, resources_of
from tools.project import synthesize

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
#: Where a flow log with FileFormat parquet, HiveCompatiblePartitions and PerHourPartition writes an hour's
#: files (Amazon VPC User Guide, "Flow log files"): under the bucket, key=value folders in this order,
#: month, day and hour in two digits.
HIVE_HOURLY_LAYOUT = (
    "AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/"
    "year={year:04d}/month={month:02d}/day={day:02d}/hour={hour:02d}/"
)
#: The layout's partition keys, in path order, named as flow logs name the folders.
PARTITION_KEYS = ["aws-account-id", "aws-service", "aws-region", "year", "month", "day", "hour"]
#: Stand-ins for the pseudo parameters the table's enums hold, to evaluate the projection with.
ACCOUNT, REGION = "111111111111", "us-east-1"
PSEUDO = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION}


def table_of(template: Mapping[str, Any]) -> dict[str, Any]:
    (table,) = resources_of(template, "AWS::Glue::Table").values()
    return dict(table["Properties"])


def parameters_of(template: Mapping[str, Any]) -> dict[str, Any]:
    parameters: dict[str, Any] = table_of(template)["TableInput"]["Parameters"]
    return parameters


def projected(parameters: Mapping[str, Any], key: str) -> list[str]:
    """The values Athena projects for partition ``key``, read as the Athena User Guide defines them.

    ("Supported types for partition projection"): an enum's comma-separated values; an integer's range,
    inclusive, stepped by ``interval`` and zero-padded to ``digits``.
    """
    kind = parameters[f"projection.{key}.type"]
    if kind == "enum":
        values = parameters[f"projection.{key}.values"]
        return (PSEUDO[values["Ref"]] if isinstance(values, dict) else str(values)).split(",")
    assert kind == "integer", f"{key}: projection type {kind!r}"
    low, high = (int(bound) for bound in parameters[f"projection.{key}.range"].split(","))
    digits = int(parameters.get(f"projection.{key}.digits", 1))
    interval = int(parameters.get(f"projection.{key}.interval", 1))
    return [str(value).zfill(digits) for value in range(low, high + 1, interval)]


def location_of(parameters: Mapping[str, Any], bucket_ref: Mapping[str, Any], values: Mapping[str, str]) -> str:
    """``storage.location.template`` filled in for one partition, the bucket's name as ``<bucket>``."""
    join = parameters["storage.location.template"]["Fn::Join"]
    assert join[0] == ""
    parts = ["<bucket>" if part == bucket_ref else part for part in join[1]]
    assert all(isinstance(part, str) for part in parts), join
    return re.sub(r"\$\{([^}]+)\}", lambda placeholder: values[placeholder[1]], "".join(parts))


def columns_of(template: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in table_of(template)["TableInput"]["StorageDescriptor"]["Columns"]]


def test_columns_are_the_record_format_in_order_with_athena_types(template_json: Mapping[str, Any]) -> None:
    assert columns_of(template_json) == DEFAULT_COLUMNS


def test_adding_a_field_to_the_record_adds_its_column_in_the_same_synth() -> None:
    # The fields PCI DSS 10.2.2 needs (the pack refuses a record without them), then two more.
    record = (
        "${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${end} ${action}"
        " ${ecs-cluster-name} ${sublocation-type}"
    )
    template = synthesize(TapVpcConfig(environment_suffix="pr-11", flow_log_format=record)).to_json()
    assert columns_of(template) == [
        ("version", "int"),
        ("srcaddr", "string"),
        ("dstaddr", "string"),
        ("srcport", "int"),
        ("dstport", "int"),
        ("protocol", "int"),
        ("start", "bigint"),
        ("end", "bigint"),
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
    assert keys == [(key, "string") for key in PARTITION_KEYS]  # Athena's DDL for this layout: all strings


def test_projection_is_on_for_exactly_the_partition_keys(template_json: Mapping[str, Any]) -> None:
    parameters = parameters_of(template_json)
    assert parameters["projection.enabled"] == "true"  # no crawler, no MSCK REPAIR TABLE
    projected_columns = {name.split(".")[1] for name in parameters if name.startswith("projection.")} - {"enabled"}
    assert projected_columns == set(PARTITION_KEYS)


def test_account_service_and_region_are_one_value_enums(template_json: Mapping[str, Any]) -> None:
    parameters = parameters_of(template_json)
    assert parameters["projection.aws-account-id.type"] == "enum"
    assert parameters["projection.aws-account-id.values"] == {"Ref": "AWS::AccountId"}  # this stack's account
    assert parameters["projection.aws-service.type"] == "enum"
    assert parameters["projection.aws-service.values"] == "vpcflowlogs"
    assert parameters["projection.aws-region.type"] == "enum"
    assert parameters["projection.aws-region.values"] == {"Ref": "AWS::Region"}  # this stack's region


def test_months_days_and_hours_are_projected_two_digits_wide(template_json: Mapping[str, Any]) -> None:
    parameters = parameters_of(template_json)
    for key in ("month", "day", "hour"):
        assert parameters[f"projection.{key}.type"] == "integer", key
        assert parameters[f"projection.{key}.digits"] == "2", key  # month=01, as flow logs write it
    assert projected(parameters, "month") == [f"{month:02d}" for month in range(1, 13)]
    assert projected(parameters, "day") == [f"{day:02d}" for day in range(1, 32)]
    assert projected(parameters, "hour") == [f"{hour:02d}" for hour in range(24)]


def test_the_projected_years_run_from_the_archives_first_through_this_one(template_json: Mapping[str, Any]) -> None:
    parameters = parameters_of(template_json)
    assert parameters["projection.year.type"] == "integer"
    years = projected(parameters, "year")
    assert all(re.fullmatch(r"\d{4}", year) for year in years), years  # year=2026: four digits, no padding
    assert years == [str(year) for year in range(int(years[0]), int(years[-1]) + 1)]  # no year skipped
    # Integer projection has no NOW: a year outside the range has no partitions, so its records go unseen.
    # The README promises 2026 (the archive's first records) to 2050, and says to extend it before then.
    assert (years[0], years[-1]) == ("2026", "2050")
    assert str(datetime.datetime.now(datetime.UTC).year) in years


def test_the_location_template_is_the_hive_hourly_layout_under_the_archive_bucket(
    template_with_paths: Mapping[str, Any],
) -> None:
    # One ${key} per partition key, in the layout's order; the rest is the path flow logs write.
    assert parameters_of(template_with_paths)["storage.location.template"] == {
        "Fn::Join": [
            "",
            [
                "s3://",
                ref_at(template_with_paths, "FlowLogArchive/Bucket/Resource"),
                "/AWSLogs/aws-account-id=${aws-account-id}/aws-service=${aws-service}/aws-region=${aws-region}/"
                "year=${year}/month=${month}/day=${day}/hour=${hour}/",
            ],
        ]
    }


@pytest.mark.parametrize(
    "hour",
    [
        datetime.datetime(2026, 1, 1, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 24, 13, tzinfo=datetime.UTC),
        datetime.datetime(2028, 2, 29, 23, tzinfo=datetime.UTC),
    ],
    ids=lambda hour: hour.strftime("%Y-%m-%dT%H"),
)
def test_every_hour_flow_logs_write_is_a_projected_partition(
    template_with_paths: Mapping[str, Any], hour: datetime.datetime
) -> None:
    parameters = parameters_of(template_with_paths)
    written = "s3://<bucket>/" + HIVE_HOURLY_LAYOUT.format(
        account=ACCOUNT, region=REGION, year=hour.year, month=hour.month, day=hour.day, hour=hour.hour
    )
    folders = dict(
        folder.split("=", 1) for folder in written.removeprefix("s3://<bucket>/AWSLogs/").split("/") if folder
    )
    assert list(folders) == PARTITION_KEYS
    for key, value in folders.items():
        assert value in projected(parameters, key), f"{key}={value} is not projected"
    assert location_of(parameters, ref_at(template_with_paths, "FlowLogArchive/Bucket/Resource"), folders) == written


def test_the_table_is_external_parquet_and_its_parameters_are_the_projection(template_json: Mapping[str, Any]) -> None:
    parameters = parameters_of(template_json)
    assert parameters["EXTERNAL"] == "TRUE"
    assert parameters["classification"] == "parquet"
    # Nothing else: Parquet has no header line to skip, and no crawler or partition index is involved.
    others = {name for name in parameters if not name.startswith("projection.")}
    assert others == {"EXTERNAL", "classification", "storage.location.template"}


def test_table_reads_parquet_at_the_archive_location(template_with_paths: Mapping[str, Any]) -> None:
    properties = table_of(template_with_paths)
    assert properties["DatabaseName"] == ref_at(template_with_paths, "FlowLogTable/Database")
    table = properties["TableInput"]
    assert (table["Name"], table["TableType"]) == ("vpc_flow_logs", "EXTERNAL_TABLE")
    storage = table["StorageDescriptor"]
    # The prefix every partition lies under: where the archive flow log delivers.
    assert storage["Location"] == {
        "Fn::Join": ["", ["s3://", ref_at(template_with_paths, "FlowLogArchive/Bucket/Resource"), "/AWSLogs/"]]
    }
    assert storage["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert storage["OutputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    assert storage["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    (database,) = resources_of(template_with_paths, "AWS::Glue::Database").values()
    assert database["Properties"]["DatabaseInput"]["Name"] == "tap_vpc_dev"


def test_the_table_reads_the_bucket_the_archive_flow_log_writes_in_that_layout(
    template_with_paths: Mapping[str, Any],
) -> None:
    flow_log = resource_at(template_with_paths, "FlowLog/ArchiveFlowLog/FlowLog")["Properties"]
    assert flow_log["LogDestination"] == att_at(template_with_paths, "FlowLogArchive/Bucket/Resource", "Arn")
    assert flow_log["DestinationOptions"] == {
        "FileFormat": "parquet",
        "HiveCompatiblePartitions": True,
        "PerHourPartition": True,
    }


def test_an_ephemeral_suffix_becomes_an_athena_safe_database_name() -> None:
    template = synthesize(TapVpcConfig(environment_suffix="sandbox-ana", flow_log_archive=True)).to_json()
    (database,) = resources_of(template, "AWS::Glue::Database").values()
    assert database["Properties"]["DatabaseInput"]["Name"] == "tap_vpc_sandbox_ana"


def test_workgroup_enforces_kms_encrypted_expiring_results(template_with_paths: Mapping[str, Any]) -> None:
    workgroup = resource_at(template_with_paths, "Investigations/WorkGroup")
    properties = workgroup["Properties"]
    assert properties["Name"] == "tap-vpc-dev"
    assert properties["RecursiveDeleteOption"] is False  # retained data: saved queries are not swept away
    assert properties["WorkGroupConfiguration"] == {
        "EnforceWorkGroupConfiguration": True,
        "PublishCloudWatchMetricsEnabled": True,
        "BytesScannedCutoffPerQuery": 100 * 1024**3,  # 100 GiB
        "ResultConfiguration": {
            "OutputLocation": {
                "Fn::Join": [
                    "",
                    ["s3://", ref_at(template_with_paths, "FlowLogArchive/QueryResultsBucket/Resource"), "/results/"],
                ]
            },
            "EncryptionConfiguration": {
                "EncryptionOption": "SSE_KMS",
                "KmsKey": att_at(template_with_paths, "FlowLogArchive/Key/Resource", "Arn"),
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
