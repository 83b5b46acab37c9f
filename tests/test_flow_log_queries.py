"""The flow-log record, the table and the investigation queries agree: tested with DuckDB on real Parquet.

The Parquet files are written with exactly the schema the default record format produces (the
columns and types of tap_vpc/flow_logs/fields.py), under the Hive layout that flow logs write to S3.
Every named query runs on them and must return the answer worked out by hand below.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tap_vpc.flow_logs.fields import DEFAULT_LOG_FORMAT, log_format, table_columns
from tap_vpc.flow_logs.named_queries import named_queries
from tools.golden import load_contract

ARROW_TYPES = {"int": pa.int32(), "bigint": pa.int64(), "string": pa.string()}
PRIVATE_SUBNETS = "subnet-0aaa1111,subnet-0bbb2222"
#: Each query's parameters, as an investigator would bind them.
PARAMETERS: dict[str, list[object]] = {
    "top_talkers": [],
    "rejected_by_source": [],
    "private_egress_to_internet": [PRIVATE_SUBNETS],
    "address_in_window": ["10.0.11.57", "10.0.11.57", 1764000000, 1764000400],
}
#: What each investigation answers, as its description must say it.
ANSWERS = {
    "address_in_window": "Everything to or from one address in a time window",
    "private_egress_to_internet": "Traffic from the private subnets to the internet",
    "rejected_by_source": "Rejected flows by source address",
    "top_talkers": "the source and destination pairs that moved the most bytes",
}
PARTITION = "AWSLogs/aws-account-id=111111111111/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=24"


def flow(
    src: str, dst: str, dport: int, action: str, bytes_: int, packets: int, start: int, **extra: Any
) -> dict[str, Any]:
    record = {
        "version": 5, "account_id": "111111111111", "interface_id": "eni-0123", "srcaddr": src, "dstaddr": dst,
        "srcport": 40000, "dstport": dport, "protocol": 6, "packets": packets, "bytes": bytes_, "start": start,
        "end": start + 60, "action": action, "log_status": "OK", "vpc_id": "vpc-0abc", "subnet_id": "subnet-0ccc3333",
        "instance_id": "i-0abc", "tcp_flags": 2, "type": "IPv4", "pkt_srcaddr": src, "pkt_dstaddr": dst,
        "region": "us-east-1", "az_id": "use1-az1", "pkt_src_aws_service": None, "pkt_dst_aws_service": None,
        "flow_direction": "egress", "traffic_path": 1,
    }  # fmt: skip
    record.update(extra)
    return record


HOUR_13 = [
    flow("10.0.11.57", "93.184.216.34", 443, "ACCEPT", 5000, 10, 1764000000, subnet_id="subnet-0aaa1111"),
    flow("10.0.11.57", "93.184.216.34", 443, "ACCEPT", 3000, 6, 1764000100, subnet_id="subnet-0aaa1111"),
    flow("10.0.12.8", "52.95.110.1", 443, "ACCEPT", 7000, 12, 1764000200, subnet_id="subnet-0bbb2222"),
    flow("10.0.12.8", "10.0.11.57", 5432, "ACCEPT", 9000, 20, 1764000300, subnet_id="subnet-0bbb2222"),
    flow("198.51.100.7", "10.0.1.20", 22, "REJECT", 60, 1, 1764000400, flow_direction="ingress"),
    flow("198.51.100.7", "10.0.1.20", 3389, "REJECT", 60, 1, 1764000500, flow_direction="ingress"),
    flow("203.0.113.9", "10.0.1.20", 22, "REJECT", 40, 1, 1764000600, flow_direction="ingress"),
    flow("10.0.11.57", "169.254.169.254", 80, "ACCEPT", 300, 2, 1764000700, subnet_id="subnet-0aaa1111"),
]
HOUR_14 = [flow("10.0.1.20", "198.51.100.7", 443, "ACCEPT", 1200, 4, 1764003700)]


def schema(record_format: str) -> pa.Schema:
    return pa.schema([(column, ARROW_TYPES[athena_type]) for column, athena_type in table_columns(record_format)])


def write_archive(root: Path, record_format: str) -> str:
    """Write both hours as flow logs would, and return the glob DuckDB reads."""
    columns = schema(record_format)
    for hour, rows in (("13", HOUR_13), ("14", HOUR_14)):
        folder = root / PARTITION / f"hour={hour}"
        folder.mkdir(parents=True)
        table = pa.Table.from_pylist([{name: row[name] for name in columns.names} for row in rows], schema=columns)
        pq.write_table(
            table, folder / f"111111111111_vpcflowlogs_us-east-1_fl-0abc_20261124T{hour}00Z_1a2b3c4d.log.parquet"
        )
    return str(root / "AWSLogs" / "**" / "*.parquet")


def for_duckdb(sql: str) -> str:
    """Athena (Trino) to DuckDB, for the two functions whose names differ; nothing else changes."""
    return re.sub(r"\bregexp_like\(", "regexp_matches(", re.sub(r"\bfrom_unixtime\(", "to_timestamp(", sql))


def connect(files: str) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(f"CREATE VIEW vpc_flow_logs AS SELECT * FROM read_parquet('{files}', hive_partitioning = true)")
    return connection


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return connect(write_archive(tmp_path_factory.mktemp("archive"), DEFAULT_LOG_FORMAT))


def run(connection: duckdb.DuckDBPyConnection, name: str) -> list[tuple[Any, ...]]:
    [query] = [query for query in named_queries() if query.name == name]
    return connection.execute(for_duckdb(query.sql), PARAMETERS[name]).fetchall()


def test_the_queries_are_the_four_investigations_each_saying_what_it_answers() -> None:
    queries = {query.name: query for query in named_queries()}
    assert sorted(queries) == sorted(ANSWERS) == sorted(PARAMETERS)
    for name, query in queries.items():
        assert ANSWERS[name] in query.description, name
        # Athena binds execution parameters to the ? placeholders in order: one per value an investigator gives.
        assert query.sql.count("?") == len(PARAMETERS[name]), name
        description = query.description
        assert description.endswith("."), f"{name}: the description is prose an investigator reads"
        assert not re.search(r"\bSELECT\b|--|\n", description), f"{name}: the description holds only the comment"
        assert ("parameter" in description.lower()) == bool(PARAMETERS[name]), f"{name}: say what to bind, or nothing"
    # What to bind, in the order bound (PARAMETERS): the address twice, then the window in Unix seconds...
    assert (
        "the address twice, then the window's start and end in Unix seconds" in queries["address_in_window"].description
    )
    # ...and the private subnets as one comma-joined value, which the stack exports.
    assert "comma-joined (the PrivateSubnetIds export)" in queries["private_egress_to_internet"].description
    assert "TapVpcStack-{environmentSuffix}-PrivateSubnetIds" in load_contract()  # the export it names exists


def test_the_parquet_schema_is_the_record_format(archive: duckdb.DuckDBPyConnection) -> None:
    described = archive.execute("DESCRIBE vpc_flow_logs").fetchall()
    columns = [(name, kind) for name, kind, *_ in described]
    assert columns[:5] == [("version", "INTEGER"), ("account_id", "VARCHAR"), ("interface_id", "VARCHAR"),
                           ("srcaddr", "VARCHAR"), ("dstaddr", "VARCHAR")]  # fmt: skip
    assert ("bytes", "BIGINT") in columns
    assert ("traffic_path", "INTEGER") in columns
    # The Hive partition keys of the S3 layout come along as columns.
    assert sorted(name for name, _ in columns[-7:]) == [
        "aws-account-id", "aws-region", "aws-service", "day", "hour", "month", "year",
    ]  # fmt: skip


def test_top_talkers(archive: duckdb.DuckDBPyConnection) -> None:
    assert run(archive, "top_talkers") == [
        ("10.0.12.8", "10.0.11.57", 9000, 20),
        ("10.0.11.57", "93.184.216.34", 8000, 16),
        ("10.0.12.8", "52.95.110.1", 7000, 12),
        ("10.0.1.20", "198.51.100.7", 1200, 4),
        ("10.0.11.57", "169.254.169.254", 300, 2),
        ("198.51.100.7", "10.0.1.20", 120, 2),
        ("203.0.113.9", "10.0.1.20", 40, 1),
    ]


def test_rejected_flows_by_source(archive: duckdb.DuckDBPyConnection) -> None:
    assert run(archive, "rejected_by_source") == [("198.51.100.7", 2, 2), ("203.0.113.9", 1, 1)]


def test_private_subnet_traffic_to_the_internet(archive: duckdb.DuckDBPyConnection) -> None:
    # Not 10.0.11.57 (inside the VPC), not 169.254.169.254 (link-local), not 10.0.1.20's flow (public subnet).
    assert run(archive, "private_egress_to_internet") == [
        ("93.184.216.34", 8000, 2),
        ("52.95.110.1", 7000, 1),
    ]


def test_everything_to_or_from_one_address_in_a_window(archive: duckdb.DuckDBPyConnection) -> None:
    rows = run(archive, "address_in_window")
    assert [(src, dst, dport, action, size) for _, src, _, dst, dport, _, action, size, _ in rows] == [
        ("10.0.11.57", "93.184.216.34", 443, "ACCEPT", 5000),
        ("10.0.11.57", "93.184.216.34", 443, "ACCEPT", 3000),
        ("10.0.12.8", "10.0.11.57", 5432, "ACCEPT", 9000),
    ]


@pytest.mark.parametrize(
    ("missing", "broken"),
    [
        ("pkt-dstaddr", ["private_egress_to_internet"]),
        ("flow-direction", ["address_in_window", "private_egress_to_internet"]),
        ("subnet-id", ["private_egress_to_internet"]),
        ("bytes", ["address_in_window", "private_egress_to_internet", "top_talkers"]),
        ("action", ["address_in_window", "private_egress_to_internet", "rejected_by_source"]),
    ],
)
def test_a_record_format_without_a_field_the_queries_use_fails(tmp_path: Path, missing: str, broken: list[str]) -> None:
    fields = [token[2:-1] for token in DEFAULT_LOG_FORMAT.split(" ") if token != f"${{{missing}}}"]
    connection = connect(write_archive(tmp_path, log_format(fields)))
    failures = []
    for query in named_queries():
        try:
            connection.execute(for_duckdb(query.sql), PARAMETERS[query.name]).fetchall()
        except duckdb.BinderException:
            failures.append(query.name)
    assert failures == broken


def test_adding_a_field_adds_its_typed_column_in_order() -> None:
    extended = f"{DEFAULT_LOG_FORMAT} ${{ecs-task-id}}"
    assert table_columns(extended)[-1] == ("ecs_task_id", "string")
    assert table_columns(extended)[:-1] == table_columns(DEFAULT_LOG_FORMAT)


def test_a_description_longer_than_athena_takes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # AWS::Athena::NamedQuery Description: at most 1,024 characters.
    (tmp_path / "fits.sql").write_text("-- " + "x" * 1024 + "\nSELECT 1\n")
    monkeypatch.setattr("tap_vpc.flow_logs.named_queries.QUERIES_DIR", tmp_path)
    assert [len(query.description) for query in named_queries()] == [1024]
    (tmp_path / "wordy.sql").write_text("-- " + "x" * 1000 + "\n-- " + "y" * 24 + "\nSELECT 1\n")
    with pytest.raises(ValueError, match=r"wordy\.sql: its leading comment, a description, exceeds 1024"):
        named_queries()


def test_a_query_must_say_what_it_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mystery.sql").write_text("SELECT 1\n")
    monkeypatch.setattr("tap_vpc.flow_logs.named_queries.QUERIES_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"mystery\.sql must start with a '-- ' line"):
        named_queries()
