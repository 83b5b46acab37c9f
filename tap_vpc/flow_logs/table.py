"""``FlowLogTable``: the Glue database and table over the flow-log archive, by partition projection.

The columns come from the record format (``flow_log_fields.table_columns``), in record order, so
adding a field to ``flowLogFormat`` changes the table in the same synth. The partition keys are the
Hive layout that flow logs write with ``HiveCompatiblePartitions`` and ``PerHourPartition``:

    AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=YYYY/month=MM/day=DD/hour=HH/

Partition projection computes the partitions from the table's parameters, so no crawler runs and no
``MSCK REPAIR TABLE`` is needed (Amazon Athena User Guide, "Use partition projection with Amazon
Athena"; "Create tables for flow logs in Apache Parquet format").
"""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_glue as glue
from constructs import Construct

from tap_vpc.flow_logs.fields import table_columns
from tap_vpc.flow_logs.named_queries import TABLE
from tap_vpc.settings import limits

#: The Hive partition keys in path order, named as flow logs name them (hyphens and all).
PARTITION_KEYS: tuple[str, ...] = ("aws-account-id", "aws-service", "aws-region", "year", "month", "day", "hour")
FLOW_LOGS_SERVICE_PARTITION = "vpcflowlogs"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


def archive_location(bucket_name: str) -> str:
    """Where the flow logs write in ``bucket_name``: the table's location."""
    return f"s3://{bucket_name}/AWSLogs/"


def location_template(bucket_name: str) -> str:
    """``storage.location.template``: each partition key as ``key=${key}``, in the layout's order."""
    return archive_location(bucket_name) + "/".join(f"{key}=${{{key}}}" for key in PARTITION_KEYS) + "/"


def projection_parameters(bucket_name: str, account: str, region: str) -> dict[str, str]:
    """The table parameters that project every partition the archive can hold.

    Account, service and region are one-value enums (a table per environment). Month, day and hour
    are zero-padded to two digits as flow logs write them (``month=01``); years run from
    ``limits.ARCHIVE_FIRST_YEAR`` to ``limits.ARCHIVE_LAST_YEAR``.
    """
    return {
        "EXTERNAL": "TRUE",
        "classification": "parquet",
        "projection.enabled": "true",
        "projection.aws-account-id.type": "enum",
        "projection.aws-account-id.values": account,
        "projection.aws-service.type": "enum",
        "projection.aws-service.values": FLOW_LOGS_SERVICE_PARTITION,
        "projection.aws-region.type": "enum",
        "projection.aws-region.values": region,
        "projection.year.type": "integer",
        "projection.year.range": f"{limits.ARCHIVE_FIRST_YEAR},{limits.ARCHIVE_LAST_YEAR}",
        "projection.month.type": "integer",
        "projection.month.range": "1,12",
        "projection.month.digits": "2",
        "projection.day.type": "integer",
        "projection.day.range": "1,31",
        "projection.day.digits": "2",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
        "storage.location.template": location_template(bucket_name),
    }


class FlowLogTable(Construct):
    """A Glue database ``database_name`` and its table ``vpc_flow_logs`` over ``bucket_name``.

    ``record_format`` is the flow log's record format (``flow_log_fields.record_format``); it must be
    valid. The table lives in this stack's account and region. Attributes: ``database``, ``table``,
    ``database_name`` and ``table_name``.
    """

    def __init__(self, scope: Construct, id_: str, *, database_name: str, bucket_name: str, record_format: str) -> None:
        super().__init__(scope, id_)
        self.database_name = database_name
        self.table_name = TABLE
        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=Aws.ACCOUNT_ID,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=database_name, description="TAP VPC flow-log archive (Athena)"
            ),
        )
        self.table = glue.CfnTable(
            self,
            "Table",
            catalog_id=Aws.ACCOUNT_ID,
            database_name=self.database.ref,  # the Ref is the name, and orders the two
            table_input=glue.CfnTable.TableInputProperty(
                name=TABLE,
                description="VPC flow-log records, hourly Hive-partitioned Parquet, by partition projection",
                table_type="EXTERNAL_TABLE",
                parameters=projection_parameters(bucket_name, Aws.ACCOUNT_ID, Aws.REGION),
                partition_keys=[glue.CfnTable.ColumnProperty(name=key, type="string") for key in PARTITION_KEYS],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    columns=[
                        glue.CfnTable.ColumnProperty(name=column, type=athena_type)
                        for column, athena_type in table_columns(record_format)
                    ],
                    location=archive_location(bucket_name),
                    input_format=PARQUET_INPUT_FORMAT,
                    output_format=PARQUET_OUTPUT_FORMAT,
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library=PARQUET_SERDE, parameters={"serialization.format": "1"}
                    ),
                ),
            ),
        )
