"""The deployed egress control: each private subnet leaves through a firewall endpoint, and comes back.

Live state through the EC2, Network Firewall and Route 53 Resolver APIs. moto has no API for
firewall policies, rule groups or DNS Firewall (``tools.moto_egress`` answers their references and
creates nothing): those checks are strict xfails on the emulator, and must pass on a real account.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Deployment, emulator_lacks

pytestmark = pytest.mark.integration


def routes(deployment: Deployment, table_id: str) -> dict[str, str]:
    """Destination CIDR -> target (gateway, NAT gateway or endpoint ID) of a live route table."""
    [table] = deployment.client("ec2").describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
    return {
        route["DestinationCidrBlock"]: route.get("NatGatewayId") or route.get("GatewayId", "")
        for route in table["Routes"]
        if "DestinationCidrBlock" in route
    }


def endpoint_subnets(deployment: Deployment) -> dict[str, str]:
    """Firewall endpoint ID -> the subnet it sits in."""
    endpoints = deployment.client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [deployment.outputs["VpcId"]]}]
    )["VpcEndpoints"]
    return {e["VpcEndpointId"]: e["SubnetIds"][0] for e in endpoints if e["VpcEndpointType"] == "GatewayLoadBalancer"}


def firewall_subnet_ids(deployment: Deployment) -> list[str]:
    ec2 = deployment.client("ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [deployment.outputs["VpcId"]]}])["Subnets"]
    by_cidr = {subnet["CidrBlock"]: subnet["SubnetId"] for subnet in subnets}
    return [by_cidr[cidr] for cidr in deployment.config.firewall_subnet_cidrs]


def test_each_private_subnet_leaves_through_a_firewall_endpoint(deployment: Deployment) -> None:
    firewall_subnets = firewall_subnet_ids(deployment)
    endpoints = endpoint_subnets(deployment)
    per_az = deployment.config.egress_control == "per-az"
    for az in range(deployment.config.az_count):
        target = routes(deployment, deployment.outputs[f"PrivateRouteTable{az + 1}Id"])["0.0.0.0/0"]
        assert target.startswith("vpce-"), target
        assert endpoints[target] == firewall_subnets[az if per_az else 0]


def test_the_public_tier_returns_the_private_cidrs_through_the_same_endpoints(deployment: Deployment) -> None:
    per_az = deployment.config.egress_control == "per-az"
    for az in range(deployment.config.az_count):
        public = routes(deployment, deployment.outputs[f"PublicRouteTable{az + 1}Id"])
        private = routes(deployment, deployment.outputs[f"PrivateRouteTable{(az if per_az else 0) + 1}Id"])
        for cidr in deployment.config.private_subnet_cidrs:
            assert public[cidr] == private["0.0.0.0/0"], (az, cidr)
        assert public["0.0.0.0/0"].startswith("igw-")


def test_there_is_a_firewall_for_each_endpoint_and_its_logs_are_configured(deployment: Deployment) -> None:
    network_firewall = deployment.client("network-firewall")
    names = sorted(f["FirewallName"] for f in network_firewall.list_firewalls()["Firewalls"])
    count = deployment.config.az_count if deployment.config.egress_control == "per-az" else 1
    expected = [f"{deployment.config.stack_name}-egress-{number}" for number in range(1, count + 1)]
    assert [name for name in names if name.startswith(f"{deployment.config.stack_name}-")] == expected


def test_every_dns_query_of_the_vpc_is_logged(deployment: Deployment) -> None:
    associations = deployment.client("route53resolver").list_resolver_query_log_config_associations()[
        "ResolverQueryLogConfigAssociations"
    ]
    assert [a["Status"] for a in associations if a["ResourceId"] == deployment.outputs["VpcId"]] == ["ACTIVE"]


@emulator_lacks("no Network Firewall policy API (DescribeFirewallPolicy answers 500): the policy is a stand-in")
def test_the_firewall_policy_drops_what_no_rule_passes(deployment: Deployment) -> None:
    policy: Any = deployment.client("network-firewall").describe_firewall_policy(
        FirewallPolicyName=f"{deployment.config.stack_name}-egress"
    )["FirewallPolicy"]
    assert policy["StatefulDefaultActions"] == ["aws:drop_established", "aws:alert_established"]


@emulator_lacks("no Route 53 Resolver DNS Firewall API (ListFirewallRuleGroupAssociations answers 500)")
def test_dns_firewall_is_associated_with_the_vpc(deployment: Deployment) -> None:
    associations = deployment.client("route53resolver").list_firewall_rule_group_associations(
        VpcId=deployment.outputs["VpcId"]
    )["FirewallRuleGroupAssociations"]
    assert [(a["Priority"], a["Status"]) for a in associations] == [(101, "COMPLETE")]
