"""The investigation queries over the flow-log archive, kept as ``.sql`` files in ``tap_vpc/queries``.

Each file is one Athena (Trino) query over the table ``vpc_flow_logs``; its first comment line says
what it answers. Parameters are ``?`` placeholders, bound in order (Athena's execution parameters).
The test suite runs every query with DuckDB on Parquet written in the flow logs' own schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

QUERIES_DIR = Path(__file__).parent / "queries"
TABLE = "vpc_flow_logs"


@dataclass(frozen=True)
class NamedQuery:
    """One investigation query: ``name`` (the file's stem), its one-line ``description`` and its ``sql``."""

    name: str
    description: str
    sql: str


def named_queries() -> list[NamedQuery]:
    """Every query in ``tap_vpc/queries``, by name."""
    queries = []
    for path in sorted(QUERIES_DIR.glob("*.sql")):
        text = path.read_text()
        first = text.splitlines()[0]
        if not first.startswith("-- "):
            raise ValueError(f"{path.name} must start with a '-- ' line that says what it answers")
        queries.append(NamedQuery(path.stem, first[3:].strip(), text))
    return queries
