"""The deployed TAP VPC, checked resource by resource through the AWS APIs."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from typing import Any

import pytest

from tap_vpc.exports.outputs import export_name, output_specs
from tests.integration.conftest import Deployment, data_route_tables, emulator_lacks, firewall_route_tables
from tools.project import synthesize

pytestmark = pytest.mark.integration


def ids(value: str) -> list[str]:
    return value.split(",")


def test_vpc_cidr_and_tags(deployment: Deployment) -> None:
    vpc = deployment.client("ec2").describe_vpcs(VpcIds=[deployment.outputs["VpcId"]])["Vpcs"][0]
    assert vpc["CidrBlock"] == deployment.config.vpc_cidr == deployment.outputs["VpcCidr"]
    tags = {tag["Key"]: tag["Value"] for tag in vpc["Tags"]}
    assert deployment.config.all_tags.items() <= tags.items()
    assert deployment.config.stack_name in tags["Name"]


@emulator_lacks("AWS::EC2::VPC from CloudFormation ignores EnableDnsHostnames")
def test_vpc_dns_support_and_hostnames_are_on(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    vpc_id = deployment.outputs["VpcId"]
    support = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"]
    hostnames = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
    assert (support, hostnames) == (True, True)


def test_internet_gateway_is_attached(deployment: Deployment) -> None:
    igw = deployment.client("ec2").describe_internet_gateways(
        InternetGatewayIds=[deployment.outputs["InternetGatewayId"]]
    )
    attachments = igw["InternetGateways"][0]["Attachments"]
    assert [(a["VpcId"], a["State"]) for a in attachments] == [(deployment.outputs["VpcId"], "available")]


@pytest.mark.parametrize(
    ("tier", "cidr_field"), [("Public", "public_subnet_cidrs"), ("Private", "private_subnet_cidrs")]
)
def test_subnets_per_tier_and_az_match_the_plan(deployment: Deployment, tier: str, cidr_field: str) -> None:
    outputs, config = deployment.outputs, deployment.config
    subnet_ids = [outputs[f"{tier}Subnet{n}Id"] for n in range(1, config.az_count + 1)]
    assert ids(outputs[f"{tier}SubnetIds"]) == subnet_ids
    subnets = {s["SubnetId"]: s for s in deployment.client("ec2").describe_subnets(SubnetIds=subnet_ids)["Subnets"]}
    assert [subnets[sid]["CidrBlock"] for sid in subnet_ids] == list(getattr(config, cidr_field))
    assert [subnets[sid]["AvailabilityZone"] for sid in subnet_ids] == ids(outputs["AvailabilityZones"])
    assert {subnets[sid]["VpcId"] for sid in subnet_ids} == {outputs["VpcId"]}
    assert [subnets[sid]["MapPublicIpOnLaunch"] for sid in subnet_ids] == [False] * config.az_count


def test_nat_gateways_are_available_with_elastic_ips(deployment: Deployment) -> None:
    outputs = deployment.outputs
    nats = deployment.client("ec2").describe_nat_gateways(NatGatewayIds=ids(outputs["NatGatewayIds"]))["NatGateways"]
    assert len(nats) == deployment.config.nat_gateways
    assert {nat["State"] for nat in nats} == {"available"}
    assert {nat["SubnetId"] for nat in nats} <= set(ids(outputs["PublicSubnetIds"]))
    public_ips = sorted(address["PublicIp"] for nat in nats for address in nat["NatGatewayAddresses"])
    assert public_ips == sorted(ids(outputs["NatGatewayPublicIps"]))
    for address in public_ips:
        ipaddress.IPv4Address(address)


def default_route(table: dict[str, Any]) -> dict[str, Any]:
    routes = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert len(routes) == 1, table["RouteTableId"]
    route: dict[str, Any] = routes[0]
    return route


def test_private_route_tables_use_the_nat_in_their_own_az(deployment: Deployment) -> None:
    outputs, config, ec2 = deployment.outputs, deployment.config, deployment.client("ec2")
    nats = {
        n["NatGatewayId"]: n
        for n in ec2.describe_nat_gateways(NatGatewayIds=ids(outputs["NatGatewayIds"]))["NatGateways"]
    }
    subnet_az = {
        s["SubnetId"]: s["AvailabilityZone"]
        for s in ec2.describe_subnets(SubnetIds=ids(outputs["PublicSubnetIds"]) + ids(outputs["PrivateSubnetIds"]))[
            "Subnets"
        ]
    }
    for n in range(1, config.az_count + 1):
        table = ec2.describe_route_tables(RouteTableIds=[outputs[f"PrivateRouteTable{n}Id"]])["RouteTables"][0]
        private_subnet = outputs[f"PrivateSubnet{n}Id"]
        route = default_route(table)
        if "NatGatewayId" not in route:
            # Egress control: the private route goes to a firewall endpoint, whose subnet goes on to NAT.
            [endpoint] = ec2.describe_vpc_endpoints(VpcEndpointIds=[route["GatewayId"]])["VpcEndpoints"]
            [firewall_subnet] = ec2.describe_subnets(SubnetIds=endpoint["SubnetIds"])["Subnets"]
            az = config.firewall_subnet_cidrs.index(firewall_subnet["CidrBlock"])
            firewall_table = firewall_route_tables(deployment)[az]
            route = default_route(ec2.describe_route_tables(RouteTableIds=[firewall_table])["RouteTables"][0])
        nat = nats[route["NatGatewayId"]]
        if config.nat_gateways == config.az_count and config.egress_control != "shared":
            assert subnet_az[nat["SubnetId"]] == subnet_az[private_subnet]


def test_public_route_tables_use_the_internet_gateway(deployment: Deployment) -> None:
    outputs, ec2 = deployment.outputs, deployment.client("ec2")
    for n in range(1, deployment.config.az_count + 1):
        table = ec2.describe_route_tables(RouteTableIds=[outputs[f"PublicRouteTable{n}Id"]])["RouteTables"][0]
        assert default_route(table)["GatewayId"] == outputs["InternetGatewayId"]


@emulator_lacks("SubnetRouteTableAssociation from CloudFormation is missing from DescribeRouteTables")
def test_route_tables_are_associated_with_their_subnets(deployment: Deployment) -> None:
    outputs, ec2 = deployment.outputs, deployment.client("ec2")
    for tier in ("Public", "Private"):
        for n in range(1, deployment.config.az_count + 1):
            table = ec2.describe_route_tables(RouteTableIds=[outputs[f"{tier}RouteTable{n}Id"]])["RouteTables"][0]
            assert [a["SubnetId"] for a in table["Associations"]] == [outputs[f"{tier}Subnet{n}Id"]]


def test_gateway_endpoints_serve_the_private_and_data_route_tables(deployment: Deployment) -> None:
    outputs = deployment.outputs
    private_tables = sorted(outputs[f"PrivateRouteTable{n}Id"] for n in range(1, deployment.config.az_count + 1))
    if deployment.config.isolated_subnet_cidrs:
        private_tables = sorted(private_tables + data_route_tables(deployment))
    endpoints = deployment.client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [outputs["VpcId"]]}, {"Name": "vpc-endpoint-type", "Values": ["Gateway"]}]
    )["VpcEndpoints"]
    by_service = {e["ServiceName"].rsplit(".", 1)[-1]: sorted(e["RouteTableIds"]) for e in endpoints}
    assert by_service == {"s3": private_tables, "dynamodb": private_tables}


def https_rules(deployment: Deployment) -> list[tuple[str, int, int, str, str | None]]:
    group = deployment.client("ec2").describe_security_groups(GroupIds=[deployment.outputs["SecurityGroupId"]])[
        "SecurityGroups"
    ][0]
    assert group["VpcId"] == deployment.outputs["VpcId"]
    return sorted(
        (
            rule["IpProtocol"],
            rule["FromPort"],
            rule["ToPort"],
            source.get("CidrIp", source.get("CidrIpv6")),
            source.get("Description"),
        )
        for rule in group["IpPermissions"]
        for source in rule["IpRanges"] + rule["Ipv6Ranges"]
    )


def test_https_security_group_has_exactly_its_443_rules(deployment: Deployment) -> None:
    rules = [rule[:4] for rule in https_rules(deployment)]
    assert rules == sorted(("tcp", 443, 443, cidr) for cidr in deployment.config.https_ingress_cidrs)


@emulator_lacks("security-group rule Description from CloudFormation is dropped")
def test_https_rules_carry_their_descriptions(deployment: Deployment) -> None:
    assert [rule[4] for rule in https_rules(deployment)] == [
        f"HTTPS from {rule[3]}" for rule in https_rules(deployment)
    ]


def test_flow_log_is_active_and_delivers_to_the_log_group(deployment: Deployment) -> None:
    config, outputs = deployment.config, deployment.outputs
    (flow_log,) = deployment.client("ec2").describe_flow_logs(FlowLogIds=[outputs["FlowLogId"]])["FlowLogs"]
    assert flow_log["ResourceId"] == outputs["VpcId"]
    assert flow_log["FlowLogStatus"] == "ACTIVE"
    assert flow_log["TrafficType"] == config.flow_log_traffic_type
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["MaxAggregationInterval"] == config.flow_log_max_aggregation_interval
    assert flow_log["LogGroupName"] == outputs["FlowLogGroupName"] == config.flow_log_group_name
    assert flow_log["DeliverLogsPermissionArn"].endswith(f":role/{config.flow_log_role_name}")


def log_group(deployment: Deployment) -> dict[str, Any]:
    groups = deployment.client("logs").describe_log_groups(logGroupNamePrefix=deployment.outputs["FlowLogGroupName"])
    (group,) = [g for g in groups["logGroups"] if g["logGroupName"] == deployment.outputs["FlowLogGroupName"]]
    return group  # type: ignore[no-any-return]


def test_log_group_keeps_the_configured_retention(deployment: Deployment) -> None:
    group = log_group(deployment)
    assert group["retentionInDays"] == deployment.config.flow_log_retention_days
    assert group["arn"].removesuffix(":*") == deployment.outputs["FlowLogGroupArn"].removesuffix(":*")


@emulator_lacks("AWS::Logs::LogGroup from CloudFormation drops KmsKeyId")
def test_log_group_is_encrypted_with_the_rotating_key(deployment: Deployment) -> None:
    key_arn = log_group(deployment)["kmsKeyId"]
    kms = deployment.client("kms")
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True


def test_every_export_is_listed_under_its_contract_name(deployment: Deployment) -> None:
    config = deployment.config
    cloudformation = deployment.client("cloudformation")
    exports = {}
    for page in cloudformation.get_paginator("list_exports").paginate():
        exports.update({e["Name"]: e["Value"] for e in page["Exports"]})
    expected = {
        export_name(config.environment_suffix, spec.key): deployment.outputs[spec.key] for spec in output_specs(config)
    }
    assert {name: exports.get(name) for name in expected} == expected


def test_consumer_resources_live_in_the_exported_vpc(primary: Deployment) -> None:
    deployment = primary
    ec2 = deployment.client("ec2")
    group = ec2.describe_security_groups(GroupIds=[deployment.consumer_outputs["AppSecurityGroupId"]])[
        "SecurityGroups"
    ][0]
    assert group["VpcId"] == deployment.outputs["VpcId"]
    sources = [pair["GroupId"] for rule in group["IpPermissions"] for pair in rule["UserIdGroupPairs"]]
    assert sources == [deployment.outputs["SecurityGroupId"]]
    (endpoint,) = ec2.describe_vpc_endpoints(VpcEndpointIds=[deployment.consumer_outputs["SqsEndpointId"]])[
        "VpcEndpoints"
    ]
    assert endpoint["ServiceName"] == f"com.amazonaws.{deployment.config.region}.sqs"
    assert sorted(endpoint["SubnetIds"]) == sorted(ids(deployment.outputs["PrivateSubnetIds"]))


def test_the_default_security_group_allows_nothing(deployment: Deployment) -> None:
    # Security Hub EC2.2, done by aws-cdk-lib's Custom::VpcRestrictDefaultSG (natively on the emulator).
    [group] = deployment.client("ec2").describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [deployment.outputs["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    assert (group["IpPermissions"], group["IpPermissionsEgress"]) == ([], [])


def test_the_deployed_template_is_the_aws_template(deployment: Deployment) -> None:
    # No emulator adaptation: what runs locally is what CloudFormation gets in an account.
    deployed = deployment.client("cloudformation").get_template(StackName=deployment.config.stack_name)
    body = deployed["TemplateBody"]
    deployed_template = without_cli_metadata(
        json.loads(body) if isinstance(body, str) else json.loads(json.dumps(body))
    )
    assert deployed_template == without_cli_metadata(synthesize(deployment.config).to_json())


def without_cli_metadata(template: Mapping[str, Any]) -> dict[str, Any]:
    """The template without what only the CLI adds: ``CDKMetadata``, its condition, path and asset metadata."""
    resources = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::CDK::Metadata":
            continue
        metadata = {
            k: v for k, v in resource.get("Metadata", {}).items() if not k.startswith(("aws:cdk:", "aws:asset:"))
        }
        resources[logical_id] = {k: v for k, v in resource.items() if k != "Metadata"} | (
            {"Metadata": metadata} if metadata else {}
        )
    conditions = {k: v for k, v in template.get("Conditions", {}).items() if k != "CDKMetadataAvailable"}
    return {**template, "Resources": resources, "Conditions": conditions}
