"""The deployed segmentation: the data tier, each tier's network ACL, the interface endpoints.

Live state through the EC2 API, against the config the stack was synthesized from. The matrix is
also checked over the template CloudFormation holds, so the evidence is about what was deployed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tap_vpc.segmentation.reachability.check import check_template
from tests.integration.conftest import Deployment, data_route_tables, emulator_lacks
from tools.access_analysis import run_analyses

pytestmark = pytest.mark.integration


def ids(value: str) -> list[str]:
    return value.split(",")


def acl_of(deployment: Deployment, subnet_id: str) -> dict[str, Any]:
    (acl,) = deployment.client("ec2").describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
    )["NetworkAcls"]
    return dict(acl)


def allow_entries(acl: dict[str, Any], *, egress: bool) -> list[tuple[str, str, Any]]:
    """(cidr, protocol, port range) of the ACL's allow entries in one direction, in rule order."""
    entries = sorted(
        (e for e in acl["Entries"] if e["Egress"] is egress and e["RuleAction"] == "allow" and e["RuleNumber"] < 32767),
        key=lambda e: e["RuleNumber"],
    )
    return [(e["CidrBlock"], str(e["Protocol"]), e.get("PortRange")) for e in entries]


def test_the_data_tier_has_its_cidrs_and_no_route_out(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    subnet_ids = ids(deployment.outputs["IsolatedSubnetIds"])
    subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == sorted(deployment.config.isolated_subnet_cidrs)
    tables = ec2.describe_route_tables(RouteTableIds=data_route_tables(deployment))["RouteTables"]
    assert len(tables) == len(subnet_ids)
    for table in tables:
        assert [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"] == []


@pytest.mark.parametrize("tier", ["Public", "Private", "Isolated"])
def test_each_tier_shares_one_acl_that_is_not_the_default(deployment: Deployment, tier: str) -> None:
    acls = {acl_of(deployment, subnet)["NetworkAclId"] for subnet in ids(deployment.outputs[f"{tier}SubnetIds"])}
    assert len(acls) == 1
    (acl,) = deployment.client("ec2").describe_network_acls(NetworkAclIds=list(acls))["NetworkAcls"]
    assert acl["IsDefault"] is False


def test_the_data_acl_admits_only_the_private_and_data_tiers(deployment: Deployment) -> None:
    config = deployment.config
    acl = acl_of(deployment, ids(deployment.outputs["IsolatedSubnetIds"])[0])
    inbound = allow_entries(acl, egress=False)
    assert {cidr for cidr, _, _ in inbound} == set(config.private_subnet_cidrs) | set(config.isolated_subnet_cidrs)
    for port in config.data_tier_ports:
        admitted = {cidr for cidr, _, ports in inbound if ports == {"From": port, "To": port}}
        assert admitted == set(config.private_subnet_cidrs)
    outbound = allow_entries(acl, egress=True)
    assert "0.0.0.0/0" not in {cidr for cidr, _, _ in outbound}


def test_the_public_acl_admits_https_from_the_configured_sources(deployment: Deployment) -> None:
    acl = acl_of(deployment, ids(deployment.outputs["PublicSubnetIds"])[0])
    https = [cidr for cidr, _, ports in allow_entries(acl, egress=False) if ports == {"From": 443, "To": 443}]
    assert https == [cidr for cidr in deployment.config.https_ingress_cidrs if ":" not in cidr]


def test_the_data_group_admits_its_ports_from_the_private_tier_only(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    (group,) = ec2.describe_security_groups(GroupIds=[deployment.outputs["DataSecurityGroupId"]])["SecurityGroups"]
    cidr_rules = {
        (rule["FromPort"], ip_range["CidrIp"]) for rule in group["IpPermissions"] for ip_range in rule["IpRanges"]
    }
    config = deployment.config
    assert cidr_rules == {(port, cidr) for port in config.data_tier_ports for cidr in config.private_subnet_cidrs}


def test_interface_endpoints_sit_in_the_private_tier_behind_their_group(deployment: Deployment) -> None:
    config = deployment.config
    ours = interface_endpoints(deployment)
    assert sorted(e["ServiceName"] for e in ours) == sorted(
        f"com.amazonaws.{config.region}.{service}" for service in config.interface_endpoints
    )
    for endpoint in ours:
        assert sorted(endpoint["SubnetIds"]) == sorted(ids(deployment.outputs["PrivateSubnetIds"]))
        assert [group["GroupId"] for group in endpoint["Groups"]] == [deployment.outputs["EndpointSecurityGroupId"]]
        assert endpoint["PrivateDnsEnabled"] is True


def interface_endpoints(deployment: Deployment) -> list[dict[str, Any]]:
    endpoints = deployment.client("ec2").describe_vpc_endpoints(
        Filters=[
            {"Name": "vpc-id", "Values": [deployment.outputs["VpcId"]]},
            {"Name": "vpc-endpoint-type", "Values": ["Interface"]},
        ]
    )["VpcEndpoints"]
    return [e for e in endpoints if not e["ServiceName"].endswith(".sqs")]  # the consumer's


def test_endpoint_policies_admit_this_accounts_principals_only(deployment: Deployment) -> None:
    for endpoint in interface_endpoints(deployment):
        statement = json.loads(endpoint["PolicyDocument"])["Statement"][0]
        assert statement["Condition"]["StringEquals"]["aws:PrincipalAccount"] == deployment.config.account


def test_the_deployed_template_passes_its_reachability_matrix(deployment: Deployment) -> None:
    body = deployment.client("cloudformation").get_template(StackName=deployment.config.stack_name)["TemplateBody"]
    template = body if isinstance(body, dict) else json.loads(body)
    results = check_template(template)
    assert len(results) == len(deployment.config.reachability_matrix)
    assert [result.rule.text for result in results if not result.holds] == []


@emulator_lacks("its CloudFormation skips AWS::EC2::NetworkInsightsAccessScope, and it has no Network Access Analyzer")
def test_network_access_analyzer_finds_no_path_the_matrix_denies(deployment: Deployment) -> None:
    found = run_analyses(deployment.config, deployment.client)
    deny_rules = [rule for rule in deployment.config.reachability_matrix if rule.endswith("deny")]
    assert len(found) == len(deny_rules)
    assert {logical_id: paths for logical_id, paths in found.items() if paths} == {}
