"""Monthly cost of a TAP VPC: fixed charges counted from the synthesized template, per-GB rates.

Prices live in one file, docs/prices.json, with their source and the date they were checked.
Amounts are Decimals rounded to the cent per line, so docs/cost.md's sums add up exactly.
`make cost` prints the table for every profile.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tools.docs.documented_configs import cost_variants, profile_configs
from tools.docs.network_model import NetworkModel
from tools.project import ROOT, run_cli

PRICES_FILE = ROOT / "docs" / "prices.json"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Price:
    """One list price: ``usd`` per ``unit``, as published at ``source``."""

    usd: Decimal
    unit: str
    source: str


@dataclass(frozen=True)
class PriceTable:
    """Every price the estimate uses, for one region, and when and how they were checked."""

    region: str
    checked: str
    how_checked: str
    hours_per_month: Decimal
    prices: dict[str, Price]


@dataclass(frozen=True)
class CostLine:
    """One fixed monthly charge: ``quantity`` billable ``unit``s (``hour`` or ``key``) at ``price`` each."""

    item: str
    quantity: Decimal
    unit: str
    price: Decimal

    @property
    def monthly(self) -> Decimal:
        """``quantity * price``, rounded to the cent."""
        return (self.quantity * self.price).quantize(CENT, rounding=ROUND_HALF_UP)


def load_prices(path: Path = PRICES_FILE) -> PriceTable:
    """Read the price table (amounts as Decimal strings, never floats)."""
    data = json.loads(path.read_text())
    return PriceTable(
        region=data["region"],
        checked=data["checked"],
        how_checked=data["how_checked"],
        hours_per_month=Decimal(data["hours_per_month"]),
        prices={
            name: Price(Decimal(entry["usd"]), entry["unit"], entry["source"]) for name, entry in data["prices"].items()
        },
    )


def outside_price_region(regions: Mapping[str, str], table: PriceTable) -> dict[str, str]:
    """Of ``{name: region}``, those the table cannot price: its prices are one region's, and prices differ by region."""
    return {name: region for name, region in regions.items() if region != table.region}


def fixed_monthly_cost(model: NetworkModel, table: PriceTable) -> list[CostLine]:
    """The charges ``model`` incurs every month with no traffic at all, one line per item."""
    hours = table.hours_per_month
    interface_endpoint_azs = sum(len(e.subnets) for e in model.endpoints if e.endpoint_type == "Interface")
    nat = table.prices["nat_gateway_hour"].usd
    # AWS waives a NAT gateway hour for each firewall endpoint hour in the same VPC, one for one.
    waived = min(len(model.nat_gateways), model.firewall_endpoints)
    return [
        CostLine("NAT gateways", len(model.nat_gateways) * hours, "hour", nat),
        CostLine("NAT gateway hours waived for firewall endpoints", -waived * hours, "hour", nat),
        CostLine(
            "Network Firewall endpoints",
            model.firewall_endpoints * hours,
            "hour",
            table.prices["network_firewall_endpoint_hour"].usd,
        ),
        CostLine("Public IPv4 addresses", model.elastic_ips * hours, "hour", table.prices["public_ipv4_hour"].usd),
        CostLine("KMS keys, first year", Decimal(model.kms_keys), "key", table.prices["kms_key_month"].usd),
        CostLine(
            "Interface endpoints, per AZ",
            interface_endpoint_azs * hours,
            "hour",
            table.prices["interface_endpoint_az_hour"].usd,
        ),
    ]


def total(lines: Sequence[CostLine]) -> Decimal:
    """The sum of the rounded lines."""
    return sum((line.monthly for line in lines), Decimal("0.00"))


def cost_markdown(
    profiles: Sequence[tuple[str, NetworkModel]], variants: Sequence[tuple[str, NetworkModel]], table: PriceTable
) -> str:
    """The fixed monthly cost of each ``(name, network)`` side by side, then the per-GB rates.

    ``variants`` (a profile with other settings) are priced like ``profiles`` but add no retention.
    """
    priced = [(name, fixed_monthly_cost(model, table)) for name, model in [*profiles, *variants]]
    header = "| Fixed monthly charge | " + " | ".join(f"`{name}`" for name, _ in priced) + " |"
    rows = [header, "| --- |" + " ---: |" * len(priced)]
    for index, first in enumerate(priced[0][1]):
        cells = [_cell(lines[index]) for _, lines in priced]
        rows.append(f"| {first.item} (${first.price} per {first.unit}) | " + " | ".join(cells) + " |")
    rows.append("| **Total per month** | " + " | ".join(f"**${total(lines)}**" for _, lines in priced) + " |")
    rates = [
        f"- NAT data processing: {_rate(table, 'nat_gateway_data_gb')}; waived, GB for GB, for traffic a "
        "firewall endpoint processed (AWS Network Firewall pricing).",
        f"- Network Firewall traffic: {_rate(table, 'network_firewall_data_gb')}.",
        f"- DNS Firewall: {_rate(table, 'dns_firewall_queries_million')}; DNS query logs:"
        f" {_rate(table, 'flow_log_ingestion_gb')} (CloudWatch Logs vended-log ingestion).",
        f"- Flow-log ingestion: {_rate(table, 'flow_log_ingestion_gb')}.",
        f"- Flow-log storage: {_rate(table, 'log_storage_gb_month')}, kept for {_retentions(profiles)}.",
        f"- Interface endpoint data: {_rate(table, 'interface_endpoint_data_gb')}.",
        f"- KMS key rotation: {_rate(table, 'kms_rotation_month')}.",
        f"- Flow-log archive delivery to S3: {_rate(table, 'vended_logs_s3_gb')},"
        f" plus Parquet conversion: {_rate(table, 'parquet_conversion_gb')}.",
        f"- Archive storage: {_rate(table, 's3_standard_gb_month')}, then {_rate(table, 's3_glacier_ir_gb_month')}.",
        f"- Athena: {_rate(table, 'athena_tb_scanned')}.",
    ]
    basis = (
        f"{table.region} on-demand prices, {table.hours_per_month} hours per month, from `docs/prices.json`"
        f" (checked {table.checked}). Gateway endpoints, subnets, route tables and security groups cost nothing."
    )
    return "\n".join(rows) + "\n\nPlus, by usage:\n\n" + "\n".join(rates) + "\n\n" + basis + "\n"


def _cell(line: CostLine) -> str:
    plural = "" if line.quantity == 1 else "s"
    return f"${line.monthly} ({line.quantity:,} {line.unit}{plural})"


def _rate(table: PriceTable, name: str) -> str:
    price = table.prices[name]
    return f"${price.usd} {price.unit}"


def _retentions(profiles: Sequence[tuple[str, NetworkModel]]) -> str:
    """``30 days (`dev`), 365 days (`prod`)``: each profile's flow-log retention."""
    return ", ".join(
        f"{flow_log.retention_days} days (`{name}`)" if flow_log.retention_days else f"ever, never expiring (`{name}`)"
        for name, model in profiles
        for flow_log in model.flow_logs
    )


def cost_section() -> str:
    """The cost table of every profile and priced variant in the price table's region; the others named, unpriced."""
    table = load_prices()
    profiles, variants = profile_configs(), cost_variants()
    elsewhere = outside_price_region({item.name: item.config.region for item in [*profiles, *variants]}, table)
    markdown = cost_markdown(
        [(item.name, item.network) for item in profiles if item.name not in elsewhere],
        [(item.name, item.network) for item in variants if item.name not in elsewhere],
        table,
    )
    if elsewhere:
        listed = ", ".join(f"`{name}` ({region})" for name, region in elsewhere.items())
        markdown += (
            f"\nNot priced: {listed}. `docs/prices.json` holds {table.region} prices only, and AWS prices differ by"
            " region; add that region's prices before budgeting it.\n"
        )
    return markdown


def main() -> None:
    """`make cost`: print the cost table for every profile and the priced variants."""
    print(cost_section(), end="")


if __name__ == "__main__":
    run_cli(main, "cost")
