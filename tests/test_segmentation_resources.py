"""The data tier, the tier network ACLs, the interface endpoints and their limits, as the spec states them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tap_vpc.errors import ConfigError
from tap_vpc.segmentation.acl_plan import acl_plan, rule_counts
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.rules import validate_config
from tests.template_helpers import logical_id_at, resources_of, subnets_by_tier, synthesized_with_paths
from tools.project import config_for

PROD_ENDPOINTS = ["kms", "secretsmanager", "logs", "sts", "ecr.api", "ecr.dkr", "ssm"]
PRIVATE = ("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24")
DATA = ("10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24")


@pytest.fixture(scope="module")
def prod() -> Mapping[str, Any]:
    """cdk.json's prod template, with construct paths (each tier's ACL is found by its own)."""
    return synthesized_with_paths(config_for(environmentSuffix="prod"))


def acl_of_tier(template: Mapping[str, Any], tier: str) -> str:
    """Logical ID of the tier's network ACL (``NetworkAcls/<tier>Acl``)."""
    return logical_id_at(template, f"NetworkAcls/{tier}Acl/Resource")


def acl_entries(template: Mapping[str, Any], tier: str) -> list[tuple[int, bool, str, int, Any]]:
    """(number, egress, cidr, protocol, port range) of every entry of the tier's ACL, sorted."""
    acl = acl_of_tier(template, tier)
    return sorted(
        (
            p["RuleNumber"],
            p.get("Egress", False),
            p["CidrBlock"],
            p["Protocol"],
            (p["PortRange"]["From"], p["PortRange"]["To"]) if "PortRange" in p else None,
        )
        for p in (r["Properties"] for r in resources_of(template, "AWS::EC2::NetworkAclEntry").values())
        if p["NetworkAclId"] == {"Ref": acl} and p["RuleAction"] == "allow"
    )


def test_prod_has_the_data_tier_with_its_documented_cidrs_and_no_internet_route(prod: Mapping[str, Any]) -> None:
    data = subnets_by_tier(prod)["Isolated"]
    assert [subnet["Properties"]["CidrBlock"] for _, subnet in data] == list(DATA)
    assert [subnet["Properties"]["AvailabilityZoneId"] for _, subnet in data] == ["use1-az1", "use1-az2", "use1-az4"]


def test_every_subnet_is_associated_with_its_tiers_acl(prod: Mapping[str, Any]) -> None:
    associations = resources_of(prod, "AWS::EC2::SubnetNetworkAclAssociation").values()
    acl_of = {a["Properties"]["SubnetId"]["Ref"]: a["Properties"]["NetworkAclId"]["Ref"] for a in associations}
    for tier, subnets in subnets_by_tier(prod).items():
        assert {acl_of[lid] for lid, _ in subnets} == {acl_of_tier(prod, tier)}, tier
    assert len(acl_of) == 12  # 3 AZs x public, private, data and firewall


def test_public_acl_admits_https_the_vpc_and_replies_but_never_3389_from_anywhere(prod: Mapping[str, Any]) -> None:
    assert acl_entries(prod, "Public") == [
        (100, False, "0.0.0.0/0", 6, (443, 443)),
        (100, True, "0.0.0.0/0", -1, None),
        (500, False, "10.0.0.0/16", -1, None),
        (600, False, "0.0.0.0/0", 6, (1024, 3388)),
        (610, False, "0.0.0.0/0", 6, (3390, 65535)),
        (620, False, "0.0.0.0/0", 17, (1024, 3388)),
        (630, False, "0.0.0.0/0", 17, (3390, 65535)),
    ]


def test_private_acl_admits_the_vpc_and_replies_and_sends_only_443_beyond_it(prod: Mapping[str, Any]) -> None:
    assert acl_entries(prod, "Private") == [
        (100, False, "10.0.0.0/16", -1, None),
        (100, True, "10.0.0.0/16", -1, None),
        (200, False, "0.0.0.0/0", 6, (1024, 3388)),
        (200, True, "0.0.0.0/0", 6, (443, 443)),
        (210, False, "0.0.0.0/0", 6, (3390, 65535)),
        (220, False, "0.0.0.0/0", 17, (1024, 3388)),
        (230, False, "0.0.0.0/0", 17, (3390, 65535)),
    ]


def test_firewall_acl_admits_the_vpc_and_tcp_replies_and_sends_only_443_beyond_it(prod: Mapping[str, Any]) -> None:
    assert acl_entries(prod, "Firewall") == [
        (100, False, "10.0.0.0/16", -1, None),
        (100, True, "10.0.0.0/16", -1, None),
        (200, False, "0.0.0.0/0", 6, (1024, 3388)),
        (200, True, "0.0.0.0/0", 6, (443, 443)),
        (210, False, "0.0.0.0/0", 6, (3390, 65535)),
    ]


def test_data_acl_admits_only_the_private_tier_on_5432_and_6379_and_itself(prod: Mapping[str, Any]) -> None:
    entries = acl_entries(prod, "Isolated")
    inbound = [entry for entry in entries if not entry[1]]
    assert inbound == [
        (100, False, "10.0.11.0/24", 6, (5432, 5432)),
        (110, False, "10.0.12.0/24", 6, (5432, 5432)),
        (120, False, "10.0.13.0/24", 6, (5432, 5432)),
        (200, False, "10.0.11.0/24", 6, (6379, 6379)),
        (210, False, "10.0.12.0/24", 6, (6379, 6379)),
        (220, False, "10.0.13.0/24", 6, (6379, 6379)),
        (300, False, "10.0.11.0/24", 6, (1024, 65535)),
        (310, False, "10.0.12.0/24", 6, (1024, 65535)),
        (320, False, "10.0.13.0/24", 6, (1024, 65535)),
        (400, False, "10.0.21.0/24", -1, None),
        (410, False, "10.0.22.0/24", -1, None),
        (420, False, "10.0.23.0/24", -1, None),
    ]
    outbound = [entry for entry in entries if entry[1]]
    assert {cidr for _, _, cidr, _, _ in outbound} == set(PRIVATE) | set(DATA)
    assert (200, True, "10.0.11.0/24", 6, (443, 443)) in outbound


def test_a_subnet_moves_to_its_acl_only_after_every_entry_exists(prod: Mapping[str, Any]) -> None:
    """A new ACL denies all until its entries exist: associating a live subnet first would cut it off."""
    entries = resources_of(prod, "AWS::EC2::NetworkAclEntry")
    for association in resources_of(prod, "AWS::EC2::SubnetNetworkAclAssociation").values():
        acl = association["Properties"]["NetworkAclId"]
        own_entries = {lid for lid, entry in entries.items() if entry["Properties"]["NetworkAclId"] == acl}
        assert own_entries
        assert own_entries <= set(association.get("DependsOn", []))


def test_every_acl_entry_says_why(prod: Mapping[str, Any]) -> None:
    entries = resources_of(prod, "AWS::EC2::NetworkAclEntry").values()
    assert all(entry["Metadata"]["TapVpc::Why"] for entry in entries)


def test_prod_endpoints_are_private_dns_interface_endpoints_in_the_private_tier(prod: Mapping[str, Any]) -> None:
    endpoints = [
        r["Properties"]
        for r in resources_of(prod, "AWS::EC2::VPCEndpoint").values()
        if r["Properties"].get("VpcEndpointType") == "Interface"
    ]
    services = [e["ServiceName"].removeprefix("com.amazonaws.us-east-1.") for e in endpoints]
    assert sorted(services) == sorted(PROD_ENDPOINTS)
    private = {lid for lid, _ in subnets_by_tier(prod)["Private"]}
    for endpoint in endpoints:
        assert endpoint["PrivateDnsEnabled"] is True
        assert {subnet["Ref"] for subnet in endpoint["SubnetIds"]} == private


def test_endpoint_policies_admit_only_this_accounts_principals(prod: Mapping[str, Any]) -> None:
    for resource in resources_of(prod, "AWS::EC2::VPCEndpoint").values():
        properties = resource["Properties"]
        if properties.get("VpcEndpointType") != "Interface":
            continue
        (statement,) = properties["PolicyDocument"]["Statement"]
        condition = statement["Condition"]["StringEquals"]
        assert condition["aws:PrincipalAccount"] == {"Ref": "AWS::AccountId"}
        if properties["ServiceName"] in ("com.amazonaws.us-east-1.sts", "com.amazonaws.us-east-1.ssm"):
            assert "aws:ResourceAccount" not in condition
        else:
            assert condition["aws:ResourceAccount"] == {"Ref": "AWS::AccountId"}


def test_endpoint_group_admits_443_from_the_vpc_only_and_the_data_group_reaches_it(prod: Mapping[str, Any]) -> None:
    groups = resources_of(prod, "AWS::EC2::SecurityGroup")
    endpoint = next(lid for lid, g in groups.items() if g.get("Metadata", {}).get("TapVpc::Tier") == "endpoints")
    assert [
        (rule["CidrIp"], rule["IpProtocol"], rule["FromPort"], rule["ToPort"])
        for rule in groups[endpoint]["Properties"]["SecurityGroupIngress"]
    ] == [("10.0.0.0/16", "tcp", 443, 443)]
    data = next(lid for lid, g in groups.items() if g.get("Metadata", {}).get("TapVpc::Tier") == "data")
    ingress = [(r["CidrIp"], r["FromPort"]) for r in groups[data]["Properties"]["SecurityGroupIngress"]]
    assert ingress == [(cidr, port) for port in (5432, 6379) for cidr in PRIVATE]
    (egress,) = [
        r["Properties"]
        for r in resources_of(prod, "AWS::EC2::SecurityGroupEgress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [data, "GroupId"]}
    ]
    assert (egress["DestinationSecurityGroupId"], egress["FromPort"]) == ({"Fn::GetAtt": [endpoint, "GroupId"]}, 443)


def test_prod_exports_the_data_and_endpoint_groups(prod: Mapping[str, Any]) -> None:
    assert prod["Outputs"]["DataSecurityGroupId"]["Export"] == {"Name": "TapVpcStack-prod-DataSecurityGroupId"}
    assert prod["Outputs"]["EndpointSecurityGroupId"]["Export"] == {"Name": "TapVpcStack-prod-EndpointSecurityGroupId"}


def config_with(**changes: Any) -> TapVpcConfig:
    return TapVpcConfig(isolated_subnet_cidrs=DATA, **changes)


def problems_of(config: TapVpcConfig) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        validate_config(config)
    return [problem.render() for problem in raised.value.problems]


def test_four_data_ports_fit_the_nacl_quota_and_five_do_not() -> None:
    four = config_with(data_tier_ports=(5432, 6379, 3306, 27017))
    assert rule_counts(acl_plan(four)["Isolated"]) == (18, 9)
    validate_config(four)
    (problem,) = problems_of(config_with(data_tier_ports=(5432, 6379, 3306, 27017, 9042)))
    assert problem.startswith("dataTierPorts = 21: the Isolated network ACL needs 21 inbound rules; AWS allows 20")


def test_fifteen_https_sources_fit_the_public_acl_and_sixteen_do_not() -> None:
    cidrs = tuple(f"198.51.{n}.0/24" for n in range(16))
    validate_config(TapVpcConfig(https_ingress_cidrs=cidrs[:15]))
    assert rule_counts(acl_plan(TapVpcConfig(https_ingress_cidrs=cidrs[:15]))["Public"]) == (20, 1)
    (problem,) = problems_of(TapVpcConfig(https_ingress_cidrs=cidrs))
    assert problem.startswith("httpsIngressCidrs = 21: the Public network ACL needs 21 inbound rules")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"data_tier_ports": (0,)}, "dataTierPorts = 0: must be a TCP port, 1-65535."),
        ({"data_tier_ports": (65536,)}, "dataTierPorts = 65536: must be a TCP port, 1-65535."),
        ({"data_tier_ports": (5432, 5432)}, "dataTierPorts = [5432, 5432]: lists a port twice."),
        ({"data_tier_ports": ()}, "dataTierPorts = []: needs at least one port"),
        ({"interface_endpoints": ("KMS",)}, "interfaceEndpoints = 'KMS': must be a service name"),
        ({"interface_endpoints": ("s3",)}, "interfaceEndpoints = 's3': is served by the s3 gateway endpoint"),
        ({"interface_endpoints": ("kms", "kms")}, "lists a service twice"),
        ({"reachability_matrix": ("internet -> dmz : 443 : allow",)}, "zone 'dmz' is unknown"),
        (
            {"reachability_matrix": ("data -> internet : any : deny", "data -> internet : any : allow")},
            "repeats the source, destination and ports of an earlier rule.",
        ),
    ],
)
def test_bad_segmentation_settings_are_refused(changes: dict[str, Any], message: str) -> None:
    assert any(message in problem for problem in problems_of(config_with(**changes)))


#: Fifty-one interface endpoint services AWS offers (Amazon VPC, "AWS services that integrate with AWS PrivateLink").
FIFTY_ONE_SERVICES = (
    "access-analyzer", "acm-pca", "airflow.api", "airflow.env", "airflow.ops", "backup-gateway", "appconfig",
    "appconfigdata", "application-autoscaling", "appmesh-envoy-management", "apprunner", "athena", "autoscaling",
    "backup", "batch", "cloudformation", "cloudtrail", "codebuild", "codecommit", "codedeploy", "codepipeline",
    "config", "datasync", "ebs", "ec2", "ec2messages", "ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry",
    "eks", "elasticache", "elasticfilesystem", "elasticloadbalancing", "events", "execute-api", "glue",
    "kinesis-streams", "kms", "lambda", "logs", "monitoring", "rds", "secretsmanager", "sns", "sqs", "ssm",
    "ssmmessages", "states", "sts",
)  # fmt: skip


def test_the_endpoint_quota_is_fifty() -> None:
    validate_config(config_with(interface_endpoints=FIFTY_ONE_SERVICES[:50]))
    assert any(
        "at most 50 interface endpoints per VPC" in p
        for p in problems_of(config_with(interface_endpoints=FIFTY_ONE_SERVICES))
    )
