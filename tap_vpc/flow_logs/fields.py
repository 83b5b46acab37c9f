"""The flow-log record fields: one list drives the record format, the table columns and their types.

Each field has the type AWS documents for it (Amazon VPC User Guide, "Flow log records",
"Available fields": the Parquet data type of each field) and the column name that flow logs write
to Parquet, which is the field name with ``-`` replaced by ``_`` (``account-id`` -> ``account_id``).
The Athena type follows from the Parquet type: INT_32 is ``int``, INT_64 is ``bigint``, STRING is
``string``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

INT_32 = "int"
INT_64 = "bigint"
STRING = "string"


@dataclass(frozen=True)
class FlowLogField:
    """One record field: its ``name`` in a log format (``${name}``), its Athena type and record version."""

    name: str
    athena_type: str
    version: int

    @property
    def column(self) -> str:
        """The Parquet and Athena column name: ``-`` becomes ``_``."""
        return self.name.replace("-", "_")


def _fields(version: int, *pairs: tuple[str, str]) -> list[FlowLogField]:
    return [FlowLogField(name, athena_type, version) for name, athena_type in pairs]


#: Every field AWS documents, in the documented order, with its Parquet type as an Athena type.
FIELDS: tuple[FlowLogField, ...] = (
    *_fields(
        2,
        ("version", INT_32), ("account-id", STRING), ("interface-id", STRING), ("srcaddr", STRING),
        ("dstaddr", STRING), ("srcport", INT_32), ("dstport", INT_32), ("protocol", INT_32), ("packets", INT_64),
        ("bytes", INT_64), ("start", INT_64), ("end", INT_64), ("action", STRING), ("log-status", STRING),
    ),
    *_fields(
        3,
        ("vpc-id", STRING), ("subnet-id", STRING), ("instance-id", STRING), ("tcp-flags", INT_32),
        ("type", STRING), ("pkt-srcaddr", STRING), ("pkt-dstaddr", STRING),
    ),
    *_fields(4, ("region", STRING), ("az-id", STRING), ("sublocation-type", STRING), ("sublocation-id", STRING)),
    *_fields(
        5,
        ("pkt-src-aws-service", STRING), ("pkt-dst-aws-service", STRING), ("flow-direction", STRING),
        ("traffic-path", INT_32),
    ),
    *_fields(
        7,
        ("ecs-cluster-arn", STRING), ("ecs-cluster-name", STRING), ("ecs-container-instance-arn", STRING),
        ("ecs-container-instance-id", STRING), ("ecs-container-id", STRING), ("ecs-second-container-id", STRING),
        ("ecs-service-name", STRING), ("ecs-task-definition-arn", STRING), ("ecs-task-arn", STRING),
        ("ecs-task-id", STRING),
    ),
)  # fmt: skip

FIELDS_BY_NAME: dict[str, FlowLogField] = {field.name: field for field in FIELDS}

#: The default record: what an investigation needs. The v2 fields; where a packet really came from
#: and went to (pkt-*, behind a NAT gateway); which subnet, AZ and instance; TCP flags; the AWS
#: service at either end; and the direction and path of the flow.
INVESTIGATION_FIELDS: tuple[str, ...] = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
    "packets", "bytes", "start", "end", "action", "log-status",
    "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
    "region", "az-id",
    "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
)  # fmt: skip


def log_format(field_names: Sequence[str]) -> str:
    """The ``LogFormat`` of ``field_names``: ``${field}`` tokens joined by single spaces."""
    return " ".join(f"${{{name}}}" for name in field_names)


def fields_of(log_format_string: str) -> list[FlowLogField]:
    """The fields of a valid ``LogFormat``, in order (validate it first: unknown names raise KeyError)."""
    return [FIELDS_BY_NAME[token[2:-1]] for token in log_format_string.split(" ")]


def table_columns(log_format_string: str) -> list[tuple[str, str]]:
    """``(column, Athena type)`` for each field of ``log_format_string``, in record order."""
    return [(field.column, field.athena_type) for field in fields_of(log_format_string)]


#: The default ``flowLogFormat``.
DEFAULT_LOG_FORMAT = log_format(INVESTIGATION_FIELDS)
#: The record AWS writes when a flow log names no format: the 14 version-2 fields, in order.
AWS_DEFAULT_LOG_FORMAT = log_format([field.name for field in FIELDS if field.version == 2])


def record_format(flow_log_format: str | None) -> str:
    """The record format a flow log with ``flowLogFormat`` writes: itself, or AWS's default when null."""
    return flow_log_format if flow_log_format is not None else AWS_DEFAULT_LOG_FORMAT
