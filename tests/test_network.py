"""The VPC: CIDR plan, tiers per AZ, NAT per AZ routing, endpoints, default SG lock-down."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk.assertions import Template

from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import (
    att_at,
    az_index,
    default_route,
    ref_at,
    resources_of,
    route_table_of,
    subnets_by_tier,
)
from tools.project import synthesize


def test_vpc_cidr_and_dns(template: Template) -> None:
    template.resource_count_is("AWS::EC2::VPC", 1)
    template.has_resource_properties(
        "AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/16", "EnableDnsHostnames": True, "EnableDnsSupport": True}
    )


def test_exact_cidr_plan_per_tier_and_az(template_json: Mapping[str, Any]) -> None:
    tiers = subnets_by_tier(template_json)
    planned = {
        tier: [(az_index(subnet), subnet["Properties"]["CidrBlock"]) for _, subnet in subnets]
        for tier, subnets in tiers.items()
    }
    assert planned == {
        "Public": [(0, "10.0.1.0/24"), (1, "10.0.2.0/24"), (2, "10.0.3.0/24")],
        "Private": [(0, "10.0.11.0/24"), (1, "10.0.12.0/24"), (2, "10.0.13.0/24")],
    }


def test_no_subnet_auto_assigns_public_ips(template_json: Mapping[str, Any]) -> None:
    subnets = resources_of(template_json, "AWS::EC2::Subnet").values()
    assert [subnet["Properties"]["MapPublicIpOnLaunch"] for subnet in subnets] == [False] * 6


def test_internet_gateway_attached(template: Template, template_with_paths: Mapping[str, Any]) -> None:
    template.resource_count_is("AWS::EC2::InternetGateway", 1)
    template.resource_count_is("AWS::EC2::VPCGatewayAttachment", 1)
    template.has_resource_properties(
        "AWS::EC2::VPCGatewayAttachment",
        {
            "VpcId": ref_at(template_with_paths, "Vpc/Resource"),
            "InternetGatewayId": ref_at(template_with_paths, "Vpc/IGW"),
        },
    )


def test_one_nat_gateway_with_eip_per_az(template_json: Mapping[str, Any]) -> None:
    public = dict(subnets_by_tier(template_json)["Public"])
    nats = resources_of(template_json, "AWS::EC2::NatGateway").values()
    eips = resources_of(template_json, "AWS::EC2::EIP")
    nat_azs = sorted(az_index(public[nat["Properties"]["SubnetId"]["Ref"]]) for nat in nats)
    assert nat_azs == [0, 1, 2]
    assert {nat["Properties"]["AllocationId"]["Fn::GetAtt"][0] for nat in nats} == set(eips)


def test_each_private_subnet_routes_to_the_nat_in_its_own_az(template_json: Mapping[str, Any]) -> None:
    tiers = subnets_by_tier(template_json)
    public = dict(tiers["Public"])
    nats = resources_of(template_json, "AWS::EC2::NatGateway")
    for subnet_id, subnet in tiers["Private"]:
        route = default_route(template_json, route_table_of(template_json, subnet_id))
        nat = nats[route["NatGatewayId"]["Ref"]]
        nat_az = az_index(public[nat["Properties"]["SubnetId"]["Ref"]])
        assert nat_az == az_index(subnet), f"{subnet_id} leaves its AZ for egress"


def test_public_subnets_route_to_the_internet_gateway(template_json: Mapping[str, Any]) -> None:
    igw = next(iter(resources_of(template_json, "AWS::EC2::InternetGateway")))
    for subnet_id, _ in subnets_by_tier(template_json)["Public"]:
        route = default_route(template_json, route_table_of(template_json, subnet_id))
        assert route["GatewayId"] == {"Ref": igw}


def test_gateway_endpoints_on_private_route_tables(template_json: Mapping[str, Any]) -> None:
    private_tables = sorted(route_table_of(template_json, sid) for sid, _ in subnets_by_tier(template_json)["Private"])
    endpoints = resources_of(template_json, "AWS::EC2::VPCEndpoint").values()
    services = {}
    for endpoint in endpoints:
        props = endpoint["Properties"]
        assert props["VpcEndpointType"] == "Gateway"
        service = props["ServiceName"]["Fn::Join"][1][-1]
        services[service] = sorted(table["Ref"] for table in props["RouteTableIds"])
    assert services == {".s3": private_tables, ".dynamodb": private_tables}


def test_default_security_group_is_locked_down(template: Template, template_with_paths: Mapping[str, Any]) -> None:
    template.resource_count_is("Custom::VpcRestrictDefaultSG", 1)
    template.has_resource_properties(
        "Custom::VpcRestrictDefaultSG",
        {"DefaultSecurityGroupId": att_at(template_with_paths, "Vpc/Resource", "DefaultSecurityGroup")},
    )


def test_isolated_tier_has_no_internet_route_and_gets_endpoints() -> None:
    config = TapVpcConfig(isolated_subnet_cidrs=("10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"))
    template_json = synthesize(config).to_json()
    isolated = subnets_by_tier(template_json)["Isolated"]
    assert [subnet["Properties"]["CidrBlock"] for _, subnet in isolated] == list(config.isolated_subnet_cidrs)
    isolated_tables = {route_table_of(template_json, sid) for sid, _ in isolated}
    routes = resources_of(template_json, "AWS::EC2::Route").values()
    assert not [r for r in routes if r["Properties"]["RouteTableId"]["Ref"] in isolated_tables]
    for endpoint in resources_of(template_json, "AWS::EC2::VPCEndpoint").values():
        assert isolated_tables <= {table["Ref"] for table in endpoint["Properties"]["RouteTableIds"]}


def test_single_nat_gateway_serves_every_private_subnet() -> None:
    template_json = synthesize(TapVpcConfig(nat_gateways=1)).to_json()
    nats = resources_of(template_json, "AWS::EC2::NatGateway")
    assert len(nats) == 1
    for subnet_id, _ in subnets_by_tier(template_json)["Private"]:
        route = default_route(template_json, route_table_of(template_json, subnet_id))
        assert route["NatGatewayId"] == {"Ref": next(iter(nats))}
