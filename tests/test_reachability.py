"""The reachability checker over the dev template: each layer, both verdicts, and the matrix syntax.

The template is cdk.json's dev profile, synthesized once. Each test changes a copy of it the way a
careless edit would, and states the verdict and the deciding resource literally.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from tap_vpc.segmentation.reachability.addresses import networks
from tap_vpc.segmentation.reachability.check import check_template, describe_result, render_failure
from tap_vpc.segmentation.reachability.matrix import MatrixRuleError, parse_matrix, parse_rule
from tests.template_helpers import logical_id_at, resource_at, resources_matching, synthesized_with_paths
from tools.project import config_for, synthesize

PCI_MATRIX = [
    "internet -> public : 443 : allow",
    "internet -> private : any : deny",
    "internet -> data : any : deny",
    "public -> data : any : deny",
    "private -> data : data : allow",
    "private -> internet : 443 : allow",
    "data -> endpoints : 443 : allow",
    "data -> internet : any : deny",
]
#: With egress control on (the declared profiles), PCI DSS 1.3.2: nothing but 443 leaves the private tier.
EGRESS_RULE = "private -> internet : 1-442,444-65535 : deny"


@pytest.fixture(scope="module")
def dev() -> Mapping[str, Any]:
    """cdk.json's dev template, with construct paths: the resources a test changes are found by them."""
    return synthesized_with_paths(config_for(environmentSuffix="dev"))


def changed(template: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(template))


def verdicts(template: Mapping[str, Any]) -> dict[str, bool]:
    return {result.rule.text: result.holds for result in check_template(template)}


#: Construct paths (relative to the stack) of the resources the tests change or expect named.
DATA_GROUP = "DataSecurityGroup/Resource"
DATA_ROUTE_TABLE = "Vpc/IsolatedSubnet1/RouteTable"


def acl_entry(acl: str, number: int, action: str, ports: tuple[int, int] | None) -> dict[str, Any]:
    """An inbound entry from 0.0.0.0/0: TCP on ``ports``, or every protocol when None."""
    properties: dict[str, Any] = {
        "NetworkAclId": {"Ref": acl},
        "RuleNumber": number,
        "Protocol": -1 if ports is None else 6,
        "RuleAction": action,
        "CidrBlock": "0.0.0.0/0",
    }
    if ports is not None:
        properties["PortRange"] = {"From": ports[0], "To": ports[1]}
    return {"Type": "AWS::EC2::NetworkAclEntry", "Properties": properties}


def test_the_template_carries_the_pci_matrix_and_every_rule_holds(dev: Mapping[str, Any]) -> None:
    metadata = dev["Metadata"]["TapVpc::Segmentation"]
    assert metadata == {"ReachabilityMatrix": [*PCI_MATRIX, EGRESS_RULE], "DataTierPorts": [5432, 6379]}
    assert verdicts(dev) == dict.fromkeys([*PCI_MATRIX, EGRESS_RULE], True)


def test_allow_rules_name_the_resources_that_open_the_path(dev: Mapping[str, Any]) -> None:
    results = {result.rule.text: result for result in check_template(dev)}
    https = describe_result(results["internet -> public : 443 : allow"])
    route, igw = logical_id_at(dev, "Vpc/PublicSubnet1/DefaultRoute"), logical_id_at(dev, "Vpc/IGW")
    assert f"route: open ({route} (0.0.0.0/0 -> igw {igw})" in https
    assert f"{logical_id_at(dev, 'NetworkAcls/PublicAcl/In100/Resource')} (rule 100 allow 0.0.0.0/0)" in https
    assert f"security group: open ({logical_id_at(dev, 'HttpsSecurityGroup/Resource')} (HTTPS from 0.0.0.0/0))" in https
    assert results["private -> data : data : allow"].flow == "tcp 5432"


def test_a_template_without_a_matrix_is_not_checked(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    del template["Metadata"]
    assert check_template(template) == []


def test_a_data_group_without_its_5432_rules_breaks_the_allow_rule_by_name(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    group = resource_at(template, DATA_GROUP)["Properties"]
    group["SecurityGroupIngress"] = [rule for rule in group["SecurityGroupIngress"] if rule["FromPort"] != 5432]
    # 6379 still passes, so the rule holds on its second port...
    assert verdicts(template)["private -> data : data : allow"] is True
    # ...and fails when 5432 is the only data port.
    template["Metadata"]["TapVpc::Segmentation"] = {
        "ReachabilityMatrix": ["private -> data : data : allow"],
        "DataTierPorts": [5432],
    }
    (result,) = check_template(template)
    assert result.holds is False
    assert render_failure("TapVpcStack-dev", [result]).splitlines()[1] == (
        "  - rule 'private -> data : data : allow': the security group layer blocks tcp 5432: "
        f"{logical_id_at(template, DATA_GROUP)} (no inbound rule admits it)"
    )


def test_the_data_acl_admits_the_private_tier_on_high_ports_for_replies(dev: Mapping[str, Any]) -> None:
    """A stateless ACL that lets endpoint replies in admits 1024-65535 from the private tier: the group decides."""
    template = changed(dev)
    template["Metadata"]["TapVpc::Segmentation"]["ReachabilityMatrix"] = ["private -> data : 8080 : deny"]
    (result,) = check_template(template)
    layers = {layer.layer: layer for layer in result.layers}
    assert layers["nacl"].state == "open"
    assert layers["security group"].state == "closed"
    assert result.holds is False


def test_a_subnet_left_on_the_default_acl_admits_everything(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    associations = resources_matching(template, "NetworkAcls/IsolatedAcl/DefaultAssociation*")
    assert len(associations) == 3  # one per data subnet
    for lid in associations:
        del template["Resources"][lid]
    failed = {text for text, holds in verdicts(template).items() if not holds}
    assert failed == {"internet -> data : any : deny", "public -> data : any : deny", "data -> internet : any : deny"}
    (result,) = [r for r in check_template(template) if r.rule.text == "public -> data : any : deny"]
    assert "the VPC's default network ACL (admits everything)" in render_failure("Probe", [result])


def test_an_internet_gateway_route_on_the_data_tier_breaks_both_internet_rules(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    igw = logical_id_at(template, "Vpc/IGW")
    table = logical_id_at(template, DATA_ROUTE_TABLE)
    template["Resources"]["Leak"] = {
        "Type": "AWS::EC2::Route",
        "Properties": {"RouteTableId": {"Ref": table}, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": igw}},
    }
    failed = {text for text, holds in verdicts(template).items() if not holds}
    assert failed == {"internet -> data : any : deny", "data -> internet : any : deny"}


def test_internet_replies_into_the_private_tier_are_not_a_breach_but_port_22_would_be(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    assert verdicts(template)["internet -> private : any : deny"] is True
    template["Resources"]["Ssh"] = acl_entry(
        logical_id_at(template, "NetworkAcls/PrivateAcl/Resource"), 50, "allow", (22, 22)
    )
    (result,) = [r for r in check_template(template) if not r.holds]
    assert result.rule.text == "internet -> private : any : deny"
    assert "the nacl layer lets through tcp 22: Ssh (rule 50 allow 0.0.0.0/0)" in render_failure("Probe", [result])


def test_a_deny_entry_before_an_allow_wins_in_rule_order(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    template["Resources"]["Block"] = acl_entry(
        logical_id_at(template, "NetworkAcls/PublicAcl/Resource"), 10, "deny", None
    )
    assert verdicts(template)["internet -> public : 443 : allow"] is False


def test_without_a_data_tier_its_rules_do_not_apply() -> None:
    template = synthesize(config_for(environmentSuffix="pr-7")).to_json()
    results = {result.rule.text: result for result in check_template(template)}
    assert results["internet -> data : any : deny"].applicable is False
    assert results["data -> endpoints : 443 : allow"].applicable is False
    assert results["internet -> public : 443 : allow"].holds is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("internet -> public : 443", "must read 'source -> destination : ports : allow|deny'."),
        (
            "internet -> dmz : 443 : allow",
            "zone 'dmz' is unknown; zones are internet, public, private, data, endpoints.",
        ),
        ("data -> data : any : deny", "source and destination must differ"),
        ("internet -> public : 443 : maybe", "verdict 'maybe' must be allow or deny."),
        ("internet -> public : 70000 : allow", "port range '70000' must lie within 0-65535"),
        ("internet -> public : https : allow", "must be any, data, or ports and ranges"),
    ],
)
def test_a_rule_that_does_not_parse_says_why(text: str, message: str) -> None:
    with pytest.raises(MatrixRuleError, match=None) as raised:
        parse_rule(text, [5432])
    assert message in str(raised.value)


def test_ports_parse_as_ranges_and_data_expands() -> None:
    assert parse_rule("private -> data : data : allow", [5432, 6379]).ports == ((5432, 5432), (6379, 6379))
    assert parse_rule("internet -> public : 443,8443-8444 : allow", []).ports == ((443, 443), (8443, 8444))
    assert parse_rule("data -> internet : any : deny", []).ports is None


def test_a_rule_from_a_group_of_unknown_tier_counts_as_any_zone_in_the_vpc(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    data_group = logical_id_at(template, DATA_GROUP)
    template["Resources"]["Stranger"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x"}}
    template["Resources"]["FromStranger"] = {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {
            "GroupId": {"Fn::GetAtt": [data_group, "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "SourceSecurityGroupId": {"Fn::GetAtt": ["Stranger", "GroupId"]},
        },
    }
    failed = {text for text, holds in verdicts(template).items() if not holds}
    assert failed == {"public -> data : any : deny"}


def test_a_transit_gateway_default_route_on_the_data_tier_counts_as_a_way_out(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    table = logical_id_at(template, DATA_ROUTE_TABLE)
    template["Resources"]["ToTgw"] = {
        "Type": "AWS::EC2::Route",
        "Properties": {
            "RouteTableId": {"Ref": table},
            "DestinationCidrBlock": "0.0.0.0/0",
            "TransitGatewayId": "tgw-1",
        },
    }
    (result,) = [r for r in check_template(template) if not r.holds]
    assert result.rule.text == "data -> internet : any : deny"
    assert "the route layer lets through traffic: ToTgw (0.0.0.0/0 -> tgw-1)" in render_failure("Probe", [result])


def test_group_rules_resolve_the_vpc_cidr_and_count_unknown_peers_as_everywhere(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    data_group = logical_id_at(template, DATA_GROUP)
    vpc = logical_id_at(template, "Vpc/Resource")
    ingress = template["Resources"][data_group]["Properties"]["SecurityGroupIngress"]
    ingress.append(
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": {"Fn::GetAtt": [vpc, "CidrBlock"]}}
    )
    # The VPC's own CIDR includes the public tier, so only that rule breaks.
    assert {t for t, holds in verdicts(template).items() if not holds} == {"public -> data : any : deny"}
    for unknown in ({"Ref": "SomeParameter"}, {"Fn::GetAtt": [data_group, "GroupId"]}):
        ingress[-1]["CidrIp"] = unknown
        assert {t for t, holds in verdicts(template).items() if not holds} == {
            "internet -> data : any : deny",
            "public -> data : any : deny",
        }


def test_a_rule_on_a_group_outside_the_template_is_ignored(dev: Mapping[str, Any]) -> None:
    template = changed(dev)
    template["Resources"]["Elsewhere"] = {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {"GroupId": "sg-0123", "IpProtocol": "-1", "CidrIp": "0.0.0.0/0"},
    }
    template["Resources"]["Imported"] = {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {"GroupId": {"Fn::ImportValue": "other-sg"}, "IpProtocol": "-1", "CidrIp": "0.0.0.0/0"},
    }
    assert all(verdicts(template).values())


def test_without_endpoints_the_data_group_sends_nothing() -> None:
    """aws-cdk-lib's no-egress placeholder (ICMP 252/86 to 255.255.255.255) matches no packet."""
    config = config_for(environmentSuffix="pr-8", isolatedSubnetCidrs="10.0.21.0/24,10.0.22.0/24,10.0.23.0/24")
    results = {result.rule.text: result for result in check_template(synthesize(config).to_json())}
    layers = {layer.layer: layer for layer in results["data -> internet : any : deny"].layers}
    assert layers["security group"].state == "closed"
    assert results["data -> endpoints : 443 : allow"].applicable is False
    assert describe_result(results["data -> endpoints : 443 : allow"]) == (
        "not applicable (a zone is absent from this template)"
    )


def test_addresses_are_ipv4_only() -> None:
    assert [str(n) for n in networks(["::/0", "10.0.0.0/8", "10.1.0.0/16"])] == ["10.0.0.0/8"]


def test_a_matrix_names_the_rule_that_does_not_parse() -> None:
    with pytest.raises(MatrixRuleError, match=r"rule 'data -> moon : any : deny': zone 'moon' is unknown"):
        parse_matrix(["data -> internet : any : deny", "data -> moon : any : deny"], [])
