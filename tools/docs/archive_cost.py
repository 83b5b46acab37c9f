"""Twelve months of flow logs: CloudWatch Logs alone, and CloudWatch Logs plus the S3 archive.

The archive adds to the bill; this table says by how much. Both columns assume the same volume of
records every day, stored at the size delivered (an upper bound: CloudWatch Logs bills compressed
bytes, and Parquet is smaller than the records it holds). Storage is counted day by day: after
``transition_days`` an archived object moves from S3 Standard to Glacier Instant Retrieval. Athena
queries, S3 requests and the keys' rotation are priced by use and left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tools.docs.cost import CENT, PriceTable

DAYS = 365
#: A month is a twelfth of the year, as S3 and CloudWatch Logs bill GB-months.
DAYS_PER_MONTH = Decimal(DAYS) / 12
#: The volumes docs/cost.md prices, in GB of records per day.
VOLUMES_GB_PER_DAY: tuple[int, ...] = (1, 10, 100)


@dataclass(frozen=True)
class YearOfLogs:
    """The first year's cost of ``gb_per_day`` of flow-log records, by line, in dollars (Decimal)."""

    gb_per_day: int
    cloudwatch_ingestion: Decimal
    cloudwatch_storage: Decimal
    s3_delivery: Decimal
    parquet_conversion: Decimal
    s3_standard: Decimal
    glacier_instant_retrieval: Decimal
    archive_key: Decimal

    @property
    def cloudwatch_only(self) -> Decimal:
        """CloudWatch Logs ingestion and storage."""
        return self.cloudwatch_ingestion + self.cloudwatch_storage

    @property
    def archive(self) -> Decimal:
        """What the archive adds: delivery, conversion, storage in both classes, and its KMS key."""
        return (
            self.s3_delivery
            + self.parquet_conversion
            + self.s3_standard
            + self.glacier_instant_retrieval
            + self.archive_key
        )


def gb_days(gb_per_day: int, *, up_to: int) -> int:
    """GB-days stored over the year by data younger than ``up_to`` days (on day d, min(d, up_to) days' worth)."""
    return sum(gb_per_day * min(day, up_to) for day in range(1, DAYS + 1))


def year_of_logs(gb_per_day: int, table: PriceTable, *, transition_days: int = 90) -> YearOfLogs:
    """The first 365 days of ``gb_per_day``, every line rounded to the cent."""

    def price(name: str) -> Decimal:
        return table.prices[name].usd

    def cents(amount: Decimal) -> Decimal:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)

    delivered = Decimal(gb_per_day * DAYS)
    all_days = Decimal(gb_days(gb_per_day, up_to=DAYS))
    standard_days = Decimal(gb_days(gb_per_day, up_to=transition_days))
    return YearOfLogs(
        gb_per_day=gb_per_day,
        cloudwatch_ingestion=cents(delivered * price("flow_log_ingestion_gb")),
        cloudwatch_storage=cents(all_days / DAYS_PER_MONTH * price("log_storage_gb_month")),
        s3_delivery=cents(delivered * price("vended_logs_s3_gb")),
        parquet_conversion=cents(delivered * price("parquet_conversion_gb")),
        s3_standard=cents(standard_days / DAYS_PER_MONTH * price("s3_standard_gb_month")),
        glacier_instant_retrieval=cents((all_days - standard_days) / DAYS_PER_MONTH * price("s3_glacier_ir_gb_month")),
        archive_key=cents(12 * price("kms_key_month")),
    )


def archive_cost_markdown(table: PriceTable, volumes: Sequence[int] = VOLUMES_GB_PER_DAY) -> str:
    """docs/cost.md's twelve-month table: one row per daily volume."""
    years = [year_of_logs(volume, table) for volume in volumes]
    rows = [
        "| Records per day | CloudWatch Logs only | S3 archive adds | CloudWatch Logs + archive | Archive share |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for year in years:
        both = year.cloudwatch_only + year.archive
        share = (year.archive / both * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        rows.append(f"| {year.gb_per_day} GB | ${year.cloudwatch_only:,} | ${year.archive:,} | ${both:,} | {share}% |")
    return "\n".join(rows) + "\n"
