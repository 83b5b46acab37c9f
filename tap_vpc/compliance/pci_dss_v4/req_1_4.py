"""Requirement 1.4.4 (Security Hub EC2.15): components that store cardholder data are not reachable from the internet.

The data tier has no route to an internet gateway or a NAT gateway (routes read through the
reachability checker's template model), and no subnet assigns public IPv4 addresses on launch.
"""

from __future__ import annotations

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict
from tap_vpc.segmentation.reachability.addresses import EVERYWHERE, describe, intersect, subtract
from tap_vpc.segmentation.reachability.template_model import read_template
from tap_vpc.vocabulary import Tier

_GATEWAYS = {"igw": "an internet gateway", "nat": "a NAT gateway"}


def check_data_tier_not_public(template: CfnTemplate) -> Verdict:
    """1.4.4: no data-tier route to an internet or NAT gateway; no subnet with ``MapPublicIpOnLaunch``."""
    subnets = template.of_type("AWS::EC2::Subnet")
    if not subnets:
        return not_applicable("no subnet")
    model = read_template(template.document)
    internet = subtract(EVERYWHERE, model.vpc_cidr)
    evidence, violations = [], []
    for subnet in subnets:
        mapped = subnet.properties.get("MapPublicIpOnLaunch", False)
        evidence.append(Evidence.of(subnet, MapPublicIpOnLaunch=mapped))
        if str(mapped).lower() == "true":
            violations.append(Violation(subnet.logical_id, "subnet assigns public IPv4 addresses on launch"))
    data_tables = {s.route_table for s in model.subnets_of(Tier.DATA.value) if s.route_table}
    for table in sorted(data_tables):
        routes = [route for route in model.routes if route.route_table == table]
        evidence.append(
            Evidence.of(
                template.resources[table],
                routes=[f"{describe(route.destination)} -> {route.target} {route.target_id}" for route in routes]
                or ["local only"],
            )
        )
        for route in routes:
            if route.target in _GATEWAYS and intersect(route.destination, internet):
                violations.append(
                    Violation(
                        route.logical_id,
                        f"data-tier route table {table} routes {describe(route.destination)} to "
                        f"{_GATEWAYS[route.target]} ({route.target_id})",
                    )
                )
    return verdict(evidence, violations)


DATA_TIER_NOT_PUBLIC = Rule(
    "1.4.4-DataTierNotPublic",
    ("1.4.4",),
    "The data tier has no route to an internet or NAT gateway, and no subnet assigns public IPs on launch.",
    check_data_tier_not_public,
    ("EC2.15",),
)
