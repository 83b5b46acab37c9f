"""Egress control as the prod template states it (PCI DSS 1.3.2): routes, firewall policy, DNS Firewall, logs.

The spec, literally: every private subnet's 0.0.0.0/0 goes to its own AZ's firewall endpoint; each
firewall subnet goes on to its AZ's NAT gateway; the public route tables return the private CIDRs
through the same AZ's endpoint, and the private ones reach the public CIDRs the same way; the
policy forwards everything to the stateful engine, in strict order, passes the VPC, drops every
TCP port but 443 and all UDP and ICMP out, passes the allow-list by TLS SNI and HTTP Host, and
drops the rest; DNS Firewall answers the allow-list and AWS's names and NXDOMAIN for the rest.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from tap_vpc.segmentation.reachability.check import broken_rules, check_template
from tap_vpc.segmentation.reachability.egress import egress_findings
from tests.ci_roles.roles_templates import permits
from tests.iam_lint import resolve
from tests.template_helpers import att_at, logical_id_at, ref_at, resource_at, resources_of, synthesized_with_paths
from tools.project import config_for

PRIVATE = ("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24")
PUBLIC = ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24")
FIREWALL_SUBNETS = ("10.0.31.0/28", "10.0.31.16/28", "10.0.31.32/28")
ACCOUNT = "222222222222"


@pytest.fixture(scope="module")
def prod() -> Mapping[str, Any]:
    return synthesized_with_paths(config_for(environmentSuffix="prod"))


@pytest.fixture(scope="module")
def uat() -> Mapping[str, Any]:
    return synthesized_with_paths(config_for(environmentSuffix="uat"))


def endpoint_of(template: Mapping[str, Any], firewall: int) -> dict[str, Any]:
    """The VpcEndpointId expression of firewall ``firewall``'s one endpoint."""
    endpoints = att_at(template, f"EgressFirewall/Firewall{firewall}", "EndpointIds")
    return {"Fn::Select": [1, {"Fn::Split": [":", {"Fn::Select": [0, endpoints]}]}]}


def props_at(template: Mapping[str, Any], path: str) -> dict[str, Any]:
    properties: dict[str, Any] = resource_at(template, path)["Properties"]
    return properties


@pytest.mark.parametrize("az", [1, 2, 3])
def test_each_private_default_route_goes_to_its_own_azs_firewall_endpoint(prod: Mapping[str, Any], az: int) -> None:
    route = props_at(prod, f"Vpc/PrivateSubnet{az}/DefaultRoute")
    assert route == {
        "DestinationCidrBlock": "0.0.0.0/0",
        "RouteTableId": ref_at(prod, f"Vpc/PrivateSubnet{az}/RouteTable"),
        "VpcEndpointId": endpoint_of(prod, az),
    }


@pytest.mark.parametrize("az", [1, 2, 3])
def test_each_firewall_subnet_is_a_slash_28_that_goes_on_to_its_azs_nat_gateway(
    prod: Mapping[str, Any], az: int
) -> None:
    subnet = props_at(prod, f"EgressFirewall/Subnet{az}/Subnet")
    assert subnet["CidrBlock"] == FIREWALL_SUBNETS[az - 1]
    assert subnet["AvailabilityZoneId"] == ("use1-az1", "use1-az2", "use1-az4")[az - 1]
    assert subnet["MapPublicIpOnLaunch"] is False
    assert props_at(prod, f"EgressFirewall/Subnet{az}DefaultRoute") == {
        "DestinationCidrBlock": "0.0.0.0/0",
        "NatGatewayId": ref_at(prod, f"Vpc/PublicSubnet{az}/NATGateway"),
        "RouteTableId": ref_at(prod, f"EgressFirewall/Subnet{az}/RouteTable"),
    }
    firewall = props_at(prod, f"EgressFirewall/Firewall{az}")
    assert firewall["SubnetMappings"] == [{"SubnetId": ref_at(prod, f"EgressFirewall/Subnet{az}/Subnet")}]
    assert firewall["DeleteProtection"] is True


@pytest.mark.parametrize(("public", "private"), [(p, q) for p in (1, 2, 3) for q in (1, 2, 3)])
def test_public_and_private_reach_each_other_through_the_public_azs_endpoint_both_ways(
    prod: Mapping[str, Any], public: int, private: int
) -> None:
    there = props_at(prod, f"EgressFirewall/Public{public}ToPrivate{private}")
    back = props_at(prod, f"EgressFirewall/Private{private}ToPublic{public}")
    assert there == {
        "DestinationCidrBlock": PRIVATE[private - 1],
        "RouteTableId": ref_at(prod, f"Vpc/PublicSubnet{public}/RouteTable"),
        "VpcEndpointId": endpoint_of(prod, public),
    }
    assert back == {
        "DestinationCidrBlock": PUBLIC[public - 1],
        "RouteTableId": ref_at(prod, f"Vpc/PrivateSubnet{private}/RouteTable"),
        "VpcEndpointId": endpoint_of(prod, public),
    }


def test_shared_mode_has_one_firewall_whose_endpoint_every_az_uses(uat: Mapping[str, Any]) -> None:
    assert len(resources_of(uat, "AWS::NetworkFirewall::Firewall")) == 1
    for az in (1, 2, 3):
        assert props_at(uat, f"Vpc/PrivateSubnet{az}/DefaultRoute")["VpcEndpointId"] == endpoint_of(uat, 1)
    assert props_at(uat, "EgressFirewall/Firewall1")["DeleteProtection"] is False


def test_the_policy_forwards_to_the_stateful_engine_in_strict_order_and_drops_by_default(
    prod: Mapping[str, Any],
) -> None:
    policy = props_at(prod, "EgressFirewall/Policy")["FirewallPolicy"]
    assert policy["StatelessDefaultActions"] == ["aws:forward_to_sfe"]
    assert policy["StatelessFragmentDefaultActions"] == ["aws:forward_to_sfe"]
    assert policy["StatefulEngineOptions"] == {"RuleOrder": "STRICT_ORDER"}
    assert policy["StatefulDefaultActions"] == ["aws:drop_established", "aws:alert_established"]
    assert policy["StatefulRuleGroupReferences"] == [
        {"Priority": 100, "ResourceArn": att_at(prod, "EgressFirewall/BaselineRules", "RuleGroupArn")},
        {"Priority": 200, "ResourceArn": att_at(prod, "EgressFirewall/AllowedDomains", "RuleGroupArn")},
    ]


def test_the_baseline_passes_the_vpc_and_drops_every_port_but_443_udp_and_icmp(prod: Mapping[str, Any]) -> None:
    group = props_at(prod, "EgressFirewall/BaselineRules")
    assert group["Type"] == "STATEFUL"
    assert group["RuleGroup"]["StatefulRuleOptions"] == {"RuleOrder": "STRICT_ORDER"}
    rules = [
        (
            rule["Action"],
            rule["Header"]["Protocol"],
            rule["Header"]["Source"],
            rule["Header"]["Direction"],
            rule["Header"]["Destination"],
            rule["Header"]["DestinationPort"],
        )
        for rule in group["RuleGroup"]["RulesSource"]["StatefulRules"]
    ]
    assert rules == [
        ("PASS", "IP", "10.0.0.0/16", "ANY", "10.0.0.0/16", "ANY"),
        ("DROP", "TCP", "10.0.0.0/16", "FORWARD", "ANY", "1:442"),
        ("DROP", "TCP", "10.0.0.0/16", "FORWARD", "ANY", "444:65535"),
        ("DROP", "UDP", "10.0.0.0/16", "FORWARD", "ANY", "ANY"),
        ("DROP", "ICMP", "10.0.0.0/16", "FORWARD", "ANY", "ANY"),
    ]


def test_only_the_allow_listed_names_pass_the_domain_list(prod: Mapping[str, Any]) -> None:
    group = props_at(prod, "EgressFirewall/AllowedDomains")["RuleGroup"]
    assert group["StatefulRuleOptions"] == {"RuleOrder": "STRICT_ORDER"}
    assert group["RuleVariables"] == {"IPSets": {"HOME_NET": {"Definition": ["10.0.0.0/16"]}}}
    listed = group["RulesSource"]["RulesSourceList"]
    assert listed == {
        "GeneratedRulesType": "ALLOWLIST",
        "TargetTypes": ["TLS_SNI", "HTTP_HOST"],
        "Targets": ["api.acquirer-a.example", ".card-network.example"],
    }
    # A name outside the list matches no pass rule, so the policy's default (drop) decides it.
    assert "exfil.attacker.example" not in listed["Targets"]
    assert not any("attacker.example".endswith(target) for target in listed["Targets"] if target.startswith("."))


def test_each_firewall_logs_alerts_and_flows_to_encrypted_groups_kept_a_year(prod: Mapping[str, Any]) -> None:
    for az in (1, 2, 3):
        logging = props_at(prod, f"EgressFirewall/Firewall{az}Logging")
        assert logging["FirewallArn"] == att_at(prod, f"EgressFirewall/Firewall{az}", "FirewallArn")
        assert logging["LoggingConfiguration"]["LogDestinationConfigs"] == [
            {
                "LogDestination": {"logGroup": ref_at(prod, "EgressLogs/AlertLogGroup/Resource")},
                "LogDestinationType": "CloudWatchLogs",
                "LogType": "ALERT",
            },
            {
                "LogDestination": {"logGroup": ref_at(prod, "EgressLogs/FlowLogGroup/Resource")},
                "LogDestinationType": "CloudWatchLogs",
                "LogType": "FLOW",
            },
        ]
    for path, name in (
        ("EgressLogs/AlertLogGroup/Resource", "/tap-vpc/prod/network-firewall/alert"),
        ("EgressLogs/FlowLogGroup/Resource", "/tap-vpc/prod/network-firewall/flow"),
        ("EgressLogs/DnsQueryLogGroup/Resource", "/tap-vpc/prod/dns-queries"),
    ):
        group = resource_at(prod, path)
        assert group["Properties"]["LogGroupName"] == name
        assert group["Properties"]["RetentionInDays"] == 365
        assert group["Properties"]["KmsKeyId"] == att_at(prod, "EgressLogs/Key/Resource", "Arn")
        assert group["DeletionPolicy"] == "Retain"
    assert props_at(prod, "EgressLogs/Key/Resource")["EnableKeyRotation"] is True


def test_dns_firewall_answers_the_list_and_aws_names_and_nxdomain_for_the_rest(prod: Mapping[str, Any]) -> None:
    assert props_at(prod, "DnsFirewall/AllowedDomains")["Domains"] == [
        "*.amazonaws.com",
        "*.compute.internal",
        "*.ec2.internal",
        "api.acquirer-a.example",
        "*.card-network.example",
    ]
    assert props_at(prod, "DnsFirewall/EveryDomain")["Domains"] == ["*"]
    assert props_at(prod, "DnsFirewall/RuleGroup")["FirewallRules"] == [
        {
            "Action": "ALLOW",
            "FirewallDomainListId": att_at(prod, "DnsFirewall/AllowedDomains", "Id"),
            "Priority": 100,
        },
        {
            "Action": "BLOCK",
            "BlockResponse": "NXDOMAIN",
            "FirewallDomainListId": att_at(prod, "DnsFirewall/EveryDomain", "Id"),
            "Priority": 200,
        },
    ]
    association = props_at(prod, "DnsFirewall/Association")
    assert association["VpcId"] == ref_at(prod, "Vpc/Resource")
    assert association["Priority"] == 101
    assert association["MutationProtection"] == "ENABLED"


def test_every_dns_query_of_the_vpc_is_logged(prod: Mapping[str, Any]) -> None:
    logging = props_at(prod, "DnsFirewall/QueryLogging")
    assert logging["DestinationArn"] == att_at(prod, "EgressLogs/DnsQueryLogGroup/Resource", "Arn")
    association = props_at(prod, "DnsFirewall/QueryLoggingAssociation")
    assert association == {
        "ResolverQueryLogConfigId": att_at(prod, "DnsFirewall/QueryLogging", "Id"),
        "ResourceId": ref_at(prod, "Vpc/Resource"),
    }


def endpoint_allows(template: Mapping[str, Any], path: str, action: str, resource: str, owner: str) -> bool:
    """Whether the endpoint's policy (account 222222222222, us-east-1) allows ``action`` on ``resource`` of ``owner``.

    The project's IAM evaluator (principalmapper, condition-aware) over the resolved document.
    """
    document = resolve(props_at(template, path)["PolicyDocument"], template["Resources"], ACCOUNT, "us-east-1")
    return permits(document["Statement"], action, resource, {"aws:ResourceAccount": owner})


@pytest.mark.parametrize(
    ("action", "resource", "owner", "allowed"),
    [
        ("s3:PutObject", "arn:aws:s3:::payments-exports/batch.csv", ACCOUNT, True),
        ("s3:PutObject", "arn:aws:s3:::attacker-drop/cards.csv", "999999999999", False),
        ("s3:GetObject", "arn:aws:s3:::attacker-drop/tool", "999999999999", False),
        ("s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer", "999999999999", True),
        ("s3:GetObject", "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/repo", "999999999999", True),
        ("s3:PutObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer", "999999999999", False),
    ],
)
def test_the_s3_gateway_endpoint_admits_this_accounts_buckets_and_reads_aws_owned_ones_only(
    prod: Mapping[str, Any], action: str, resource: str, owner: str, allowed: bool
) -> None:
    assert endpoint_allows(prod, "Vpc/S3Endpoint/Resource", action, resource, owner) is allowed


@pytest.mark.parametrize(("owner", "allowed"), [(ACCOUNT, True), ("999999999999", False)])
def test_the_dynamodb_gateway_endpoint_admits_this_accounts_tables_only(
    prod: Mapping[str, Any], owner: str, allowed: bool
) -> None:
    table = f"arn:aws:dynamodb:us-east-1:{owner}:table/ledger"
    assert endpoint_allows(prod, "Vpc/DynamoDbEndpoint/Resource", "dynamodb:PutItem", table, owner) is allowed


# -- the checker: the prod template holds, and each breach, made in the template, is named ---------


def test_the_prod_template_holds_its_matrix_with_the_egress_rule_and_has_no_egress_finding(
    prod: Mapping[str, Any],
) -> None:
    results = check_template(prod)
    assert [result.rule.text for result in results][-1] == "private -> internet : 1-442,444-65535 : deny"
    assert broken_rules(results) == []
    assert egress_findings(prod) == []


def broken(template: Mapping[str, Any]) -> list[str]:
    return [
        f"{result.rule.text} | {layer.layer} | {'; '.join(layer.deciders)}"
        for result in broken_rules(check_template(template))
        for layer in result.broken_layers()
    ]


def test_a_private_route_straight_to_nat_breaks_the_egress_rule_and_is_a_bypass(prod: Mapping[str, Any]) -> None:
    template = copy.deepcopy(dict(prod))
    route_id = logical_id_at(template, "Vpc/PrivateSubnet2/DefaultRoute")
    nat_id = logical_id_at(template, "Vpc/PublicSubnet2/NATGateway")
    route = template["Resources"][route_id]["Properties"]
    del route["VpcEndpointId"]
    route["NatGatewayId"] = {"Ref": nat_id}
    [failure] = broken(template)
    assert failure.startswith("private -> internet : 1-442,444-65535 : deny | route | ")
    assert f"{route_id} (0.0.0.0/0 -> nat {nat_id})" in failure
    assert [finding.render() for finding in egress_findings(template)] == [
        f"the route layer: {route_id} sends 0.0.0.0/0 straight to nat {nat_id}, past the egress firewall: private "
        "traffic must leave through a firewall endpoint."
    ]


def test_a_policy_whose_default_passes_is_a_finding_of_the_firewall_layer(prod: Mapping[str, Any]) -> None:
    template = copy.deepcopy(dict(prod))
    policy_id = logical_id_at(template, "EgressFirewall/Policy")
    template["Resources"][policy_id]["Properties"]["FirewallPolicy"]["StatefulDefaultActions"] = [
        "aws:alert_established"
    ]
    assert [finding.render() for finding in egress_findings(template)] == [
        f"the firewall layer: {policy_id} has stateful default actions aws:alert_established, without "
        "aws:drop_strict or aws:drop_established: what no rule names passes (443 to any host)."
    ]


def test_a_missing_return_route_is_named_with_the_nat_gateway_and_the_firewall(prod: Mapping[str, Any]) -> None:
    template = copy.deepcopy(dict(prod))
    del template["Resources"][logical_id_at(template, "EgressFirewall/Public1ToPrivate1")]
    table = logical_id_at(template, "Vpc/PublicSubnet1/RouteTable")
    private_table = logical_id_at(template, "Vpc/PrivateSubnet1/RouteTable")
    firewall = logical_id_at(template, "EgressFirewall/Firewall1")
    nat = logical_id_at(template, "Vpc/PublicSubnet1/NATGateway")
    assert [finding.render() for finding in egress_findings(template)] == [
        f"the route layer: {table} has no route for 10.0.11.0/24 back through {firewall}: the replies of NAT gateway "
        f"{nat} would return by the local route, and the stateful firewall drops a flow it sees one way.",
        f"the route layer: {table} sends 10.0.11.0/24 by the local route, but {private_table} returns 10.0.1.0/24 "
        f"through {firewall}: a stateful firewall drops a flow it sees one way.",
    ]


def test_with_every_return_route_gone_the_allow_rule_fails_too(prod: Mapping[str, Any]) -> None:
    template = copy.deepcopy(dict(prod))
    for public in (1, 2, 3):
        for private in (1, 2, 3):
            del template["Resources"][logical_id_at(template, f"EgressFirewall/Public{public}ToPrivate{private}")]
    failures = broken(template)
    assert [failure.split(" | ")[:2] for failure in failures] == [["private -> internet : 443 : allow", "route"]]
    assert "back through" in failures[0]


def test_a_firewall_that_cannot_reach_a_nat_gateway_passes_nothing(prod: Mapping[str, Any]) -> None:
    template = copy.deepcopy(dict(prod))
    for az in (1, 2, 3):
        del template["Resources"][logical_id_at(template, f"EgressFirewall/Subnet{az}DefaultRoute")]
    [failure] = broken(template)
    assert failure.startswith("private -> internet : 443 : allow | route | ")
    assert "subnets have no route on to a NAT or internet gateway" in failure


def test_a_rule_that_passes_port_25_breaks_the_egress_rule_naming_the_rule_group(prod: Mapping[str, Any]) -> None:
    template = copy.deepcopy(dict(prod))
    group_id = logical_id_at(template, "EgressFirewall/BaselineRules")
    rules = template["Resources"][group_id]["Properties"]["RuleGroup"]["RulesSource"]["StatefulRules"]
    rules.insert(1, copy.deepcopy(rules[1]))
    rules[1]["Action"] = "PASS"
    rules[1]["Header"]["DestinationPort"] = "25"
    # The NACLs still refuse 25: open the private and firewall tiers' egress too, so the firewall alone decides.
    for tier in ("Private", "Firewall"):
        entry = template["Resources"][logical_id_at(template, f"NetworkAcls/{tier}Acl/Out100/Resource")]
        entry["Properties"]["CidrBlock"] = "0.0.0.0/0"
    failures = {failure.split(" | ")[1]: failure for failure in broken(template)}
    assert set(failures) == {"route", "nacl"}
    assert failures["route"].startswith("private -> internet : 1-442,444-65535 : deny | route | ")
    assert f"{group_id} passes tcp 25" in failures["route"]


def test_without_an_egress_firewall_there_are_no_egress_findings() -> None:
    ephemeral = synthesized_with_paths(config_for(environmentSuffix="pr-33"))
    assert resources_of(ephemeral, "AWS::NetworkFirewall::Firewall") == {}
    assert egress_findings(ephemeral) == []
