"""The investigation queries over the flow-log archive, kept as ``.sql`` files in ``tap_vpc/flow_logs/queries``.

Each file is one Athena (Trino) query over the table ``vpc_flow_logs``; its leading comment lines say
what it answers. Parameters are ``?`` placeholders, bound in order (Athena's execution parameters).
The test suite runs every query with DuckDB on Parquet written in the flow logs' own schema.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

QUERIES_DIR = Path(__file__).parent / "queries"
TABLE = "vpc_flow_logs"
#: AWS::Athena::NamedQuery ``Description``: at most 1,024 characters (CloudFormation resource schema).
NAMED_QUERY_DESCRIPTION_MAX = 1024


@dataclass(frozen=True)
class NamedQuery:
    """One investigation query: ``name`` (the file's stem), ``description`` and ``sql``.

    The description is the file's leading ``-- `` lines, joined by spaces.
    """

    name: str
    description: str
    sql: str


def named_queries() -> list[NamedQuery]:
    """Every query in ``tap_vpc/flow_logs/queries``, by name."""
    queries = []
    for path in sorted(QUERIES_DIR.glob("*.sql")):
        text = path.read_text()
        header = list(itertools.takewhile(lambda line: line.startswith("-- "), text.splitlines()))
        if not header:
            raise ValueError(f"{path.name} must start with a '-- ' line that says what it answers")
        description = " ".join(line[3:].strip() for line in header)
        if len(description) > NAMED_QUERY_DESCRIPTION_MAX:
            raise ValueError(f"{path.name}: its leading comment, a description, exceeds {NAMED_QUERY_DESCRIPTION_MAX}")
        queries.append(NamedQuery(path.stem, description, text))
    return queries
