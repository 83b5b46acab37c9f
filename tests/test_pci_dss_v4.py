"""The PCI DSS v4.0.1 pack, rule by rule, on small hand-written templates: one that complies, one that does not.

Each non-compliant case asserts the rule ID and the resource in the finding. The templates are
written out here, as CloudFormation spells them, so each rule is checked against the standard's
words rather than against what TAP VPC happens to synthesize.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tap_vpc.compliance.pci_dss_v4 import (
    egress,
    req_1_2,
    req_1_3,
    req_1_4,
    req_3_7,
    req_7_2,
    req_10_2,
    req_10_3,
    req_10_5,
)
from tap_vpc.compliance.pci_dss_v4.pack import RULES, evaluate
from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, get_att, ref, tag_value
from tap_vpc.compliance.pci_dss_v4.verdicts import Rule

Template = dict[str, Any]
VPC = {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}


def template(**resources: dict[str, Any]) -> Template:
    """A template of ``resources`` (logical ID -> resource)."""
    return {"Resources": copy.deepcopy(resources)}


def findings(rule: Rule, document: Template) -> list[str]:
    """The rule's one-line findings over ``document``."""
    verdict = rule.check(CfnTemplate(document))
    return [rule.describe(violation) for violation in verdict.violations]


def status(rule: Rule, document: Template) -> str:
    return rule.check(CfnTemplate(document)).status


def assert_finding(rule_id: str, logical_id: str, found: list[str], *words: str) -> None:
    """Exactly one finding, naming ``rule_id``, ``logical_id`` and each of ``words``."""
    assert len(found) == 1, found
    assert found[0].startswith(f"{rule_id} (PCI DSS v4.0.1 "), found[0]
    assert f": {logical_id}: " in found[0], found[0]
    for word in words:
        assert word in found[0], found[0]


# --- the pack ---------------------------------------------------------------------------------


def test_every_rule_is_named_by_its_requirement_and_unique() -> None:
    ids = [rule.rule_id for rule in RULES]
    assert len(ids) == len(set(ids)) == 16
    for rule in RULES:
        assert rule.rule_id.startswith("PCI.DSS.401-")
        assert rule.rule_id.split("-")[1].startswith(rule.requirements[0].rsplit(".", 1)[0])
        assert rule.control.endswith(".")


def test_the_security_hub_ids_are_those_of_the_pci_dss_v4_standard() -> None:
    # Security Hub's "PCI DSS v4.0.1" standard maps these controls to the requirements (REFERENCE).
    named = {rule.rule_id: rule.security_hub for rule in RULES if rule.security_hub}
    assert named == {
        "PCI.DSS.401-1.2.7-NoUnusedNetworkAcl": ("EC2.16",),
        "PCI.DSS.401-1.3.1-DefaultNetworkAclClosed": ("EC2.21",),
        "PCI.DSS.401-1.3.1-NoAdminPortsFromAnywhere": ("EC2.13", "EC2.14", "EC2.21", "EC2.53", "EC2.54"),
        "PCI.DSS.401-1.4.4-DataTierNotPublic": ("EC2.15",),
        "PCI.DSS.401-3.7.4-KeyRotation": ("KMS.4",),
        "PCI.DSS.401-10.3.2-LogDestinationsEncrypted": ("S3.17",),
        "PCI.DSS.401-10.3.3-ArchiveImmutable": ("S3.15", "S3.9"),
    }


def test_a_finding_names_the_rule_the_requirements_the_control_and_the_resource() -> None:
    (found,) = findings(req_3_7.KEY_ROTATION, template(Key={"Type": "AWS::KMS::Key", "Properties": {}}))
    assert found == (
        "PCI.DSS.401-3.7.4-KeyRotation (PCI DSS v4.0.1 3.7.4; Security Hub KMS.4): Key: "
        "customer-managed key does not rotate (EnableKeyRotation)"
    )


def test_an_empty_template_has_nothing_to_check() -> None:
    statuses = {rule.rule_id: verdict.status for rule, verdict in evaluate({"Resources": {}})}
    assert set(statuses.values()) == {"not applicable", "pass"}
    assert statuses["PCI.DSS.401-1.3.1-NoAdminPortsFromAnywhere"] == "pass"


def test_template_references_read_ref_and_both_getatt_spellings() -> None:
    assert ref({"Ref": "A"}) == "A"
    assert ref({"Fn::GetAtt": ["B", "Arn"]}) == ref({"Fn::GetAtt": "B.Arn"}) == "B"
    assert ref("literal") is None
    assert get_att({"Fn::GetAtt": "B.Arn"}) == get_att({"Fn::GetAtt": ["B", "Arn"]}) == ("B", "Arn")
    assert get_att({"Ref": "A"}) is None
    resource = CfnTemplate(
        template(S={"Type": "AWS::EC2::Subnet", "Properties": {"Tags": [{"Key": "k", "Value": "v"}]}})
    )
    assert tag_value(resource.resources["S"], "k") == "v"
    assert tag_value(resource.resources["S"], "x") is None
    assert resource.referenced({"Ref": "S"}) is resource.resources["S"]
    assert resource.referenced("S") is None


# --- 1.2.5 / 1.2.8: every rule says why --------------------------------------------------------

REASONED = template(
    **VPC,
    Group={
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "web",
            "SecurityGroupIngress": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "CidrIp": "0.0.0.0/0",
                    "Description": "HTTPS from anywhere",
                }
            ],
        },
    },
    Extra={
        "Type": "AWS::EC2::SecurityGroupEgress",
        "Properties": {
            "GroupId": {"Ref": "Group"},
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "DestinationSecurityGroupId": {"Ref": "Group"},
            "Description": "to the database",
        },
    },
    Entry={
        "Type": "AWS::EC2::NetworkAclEntry",
        "Metadata": {"TapVpc::Why": "HTTPS from anywhere"},
        "Properties": {
            "NetworkAclId": {"Ref": "Acl"},
            "RuleNumber": 100,
            "Protocol": 6,
            "RuleAction": "allow",
            "CidrBlock": "0.0.0.0/0",
            "PortRange": {"From": 443, "To": 443},
        },
    },
)


def test_rules_with_descriptions_and_reasons_comply() -> None:
    assert status(req_1_2.RULE_REASONS, REASONED) == "pass"


def test_an_inline_group_rule_without_a_description_is_a_finding() -> None:
    document = copy.deepcopy(REASONED)
    del document["Resources"]["Group"]["Properties"]["SecurityGroupIngress"][0]["Description"]
    assert_finding(
        "PCI.DSS.401-1.2.5-RuleReasons",
        "Group",
        findings(req_1_2.RULE_REASONS, document),
        "SecurityGroupIngress[0] (tcp 443-443) has no Description",
    )


def test_a_standalone_group_rule_without_a_description_is_a_finding() -> None:
    document = copy.deepcopy(REASONED)
    del document["Resources"]["Extra"]["Properties"]["Description"]
    assert_finding("PCI.DSS.401-1.2.5-RuleReasons", "Extra", findings(req_1_2.RULE_REASONS, document))


def test_an_acl_entry_without_a_recorded_reason_is_a_finding() -> None:
    document = copy.deepcopy(REASONED)
    del document["Resources"]["Entry"]["Metadata"]
    assert_finding("PCI.DSS.401-1.2.5-RuleReasons", "Entry", findings(req_1_2.RULE_REASONS, document), "TapVpc::Why")


def test_a_template_without_rules_has_no_reasons_to_check() -> None:
    assert status(req_1_2.RULE_REASONS, template(**VPC)) == "not applicable"


# --- 1.2.7: no unused network ACL ---------------------------------------------------------------

ACL = {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": {"Ref": "Vpc"}}}
ASSOCIATION = {
    "Type": "AWS::EC2::SubnetNetworkAclAssociation",
    "Properties": {"NetworkAclId": {"Ref": "Acl"}, "SubnetId": {"Ref": "Subnet"}},
}


def test_an_associated_acl_complies() -> None:
    assert status(req_1_2.UNUSED_NETWORK_ACLS, template(**VPC, Acl=ACL, Assoc=ASSOCIATION)) == "pass"


def test_an_acl_no_subnet_uses_is_a_finding() -> None:
    assert_finding(
        "PCI.DSS.401-1.2.7-NoUnusedNetworkAcl",
        "Spare",
        findings(req_1_2.UNUSED_NETWORK_ACLS, template(**VPC, Acl=ACL, Assoc=ASSOCIATION, Spare=ACL)),
        "associated with no subnet",
    )


def test_without_acls_of_its_own_there_is_nothing_unused() -> None:
    assert status(req_1_2.UNUSED_NETWORK_ACLS, template(**VPC)) == "not applicable"


# --- 1.3.1: the default network ACL admits nothing ---------------------------------------------

LOCKDOWN: dict[str, Any] = {
    "Type": "Custom::VpcRestrictDefaultNetworkAcl",
    "Properties": {"ServiceToken": "arn", "DefaultNetworkAclId": {"Fn::GetAtt": ["Vpc", "DefaultNetworkAcl"]}},
}


def test_a_locked_down_default_acl_complies() -> None:
    assert status(req_1_3.DEFAULT_NETWORK_ACL, template(**VPC, Lockdown=LOCKDOWN)) == "pass"


def test_a_vpc_whose_default_acl_keeps_its_allow_entries_is_a_finding() -> None:
    other = copy.deepcopy(LOCKDOWN)
    other["Properties"]["DefaultNetworkAclId"] = {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}
    assert_finding(
        "PCI.DSS.401-1.3.1-DefaultNetworkAclClosed",
        "Vpc",
        findings(req_1_3.DEFAULT_NETWORK_ACL, template(**VPC, Lockdown=other)),
        "keeps AWS's allow-all entries",
    )


def test_an_allow_entry_added_to_the_default_acl_is_a_finding() -> None:
    entry: dict[str, Any] = {
        "Type": "AWS::EC2::NetworkAclEntry",
        "Properties": {
            "NetworkAclId": {"Fn::GetAtt": ["Vpc", "DefaultNetworkAcl"]},
            "RuleNumber": 10,
            "Protocol": -1,
            "RuleAction": "allow",
            "CidrBlock": "10.0.0.0/8",
        },
    }
    deny = copy.deepcopy(entry)
    deny["Properties"]["RuleAction"] = "deny"
    document = template(**VPC, Lockdown=LOCKDOWN, Opened=entry, Denied=deny)
    assert_finding(
        "PCI.DSS.401-1.3.1-DefaultNetworkAclClosed",
        "Opened",
        findings(req_1_3.DEFAULT_NETWORK_ACL, document),
        "default network ACL of Vpc",
    )


def test_without_a_vpc_there_is_no_default_acl() -> None:
    assert status(req_1_3.DEFAULT_NETWORK_ACL, template()) == "not applicable"


# --- 1.3.1: no administration port from anywhere ------------------------------------------------


def group(*ingress: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"GroupDescription": "g", "SecurityGroupIngress": list(ingress)},
    }


def acl_entry(
    cidr_key: str, cidr: str, protocol: object, ports: tuple[int, int] | None, **extra: object
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "NetworkAclId": {"Ref": "Acl"},
        "RuleNumber": 100,
        "Protocol": protocol,
        "RuleAction": "allow",
        cidr_key: cidr,
        **extra,
    }
    if ports:
        properties["PortRange"] = {"From": ports[0], "To": ports[1]}
    return {"Type": "AWS::EC2::NetworkAclEntry", "Properties": properties}


def test_https_from_anywhere_and_ssh_from_the_vpc_comply() -> None:
    document = template(
        **VPC,
        Web=group(
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "SourceSecurityGroupId": {"Ref": "Web"}},
        ),
        Replies=acl_entry("CidrBlock", "0.0.0.0/0", 6, (1024, 3388)),
        Icmp=acl_entry("CidrBlock", "0.0.0.0/0", 1, None),
        Out=acl_entry("CidrBlock", "0.0.0.0/0", -1, None, Egress=True),
        Deny=acl_entry("CidrBlock", "0.0.0.0/0", -1, None, RuleAction="deny"),
        Inside=acl_entry("CidrBlock", "10.0.0.0/16", -1, None),
    )
    assert status(req_1_3.ADMIN_PORTS_CLOSED, document) == "pass"


@pytest.mark.parametrize(
    ("rule", "port"),
    [
        ({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}, "22"),  # EC2.13, EC2.53
        ({"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIpv6": "::/0"}, "3389"),  # EC2.14, EC2.54
        ({"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}, "22, 3389"),
        ({"IpProtocol": "6", "FromPort": 0, "ToPort": 65535, "CidrIp": {"Ref": "SomeParameter"}}, "22, 3389"),
    ],
)
def test_a_group_open_to_anywhere_on_an_admin_port_is_a_finding(rule: dict[str, Any], port: str) -> None:
    assert_finding(
        "PCI.DSS.401-1.3.1-NoAdminPortsFromAnywhere",
        "Bastion",
        findings(req_1_3.ADMIN_PORTS_CLOSED, template(**VPC, Bastion=group(rule))),
        f"to port {port}",
    )


def test_a_standalone_ingress_rule_open_to_ssh_is_a_finding() -> None:
    rule = {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {
            "GroupId": {"Ref": "G"},
            "IpProtocol": "udp",
            "FromPort": 20,
            "ToPort": 30,
            "CidrIp": "0.0.0.0/0",
        },
    }
    assert_finding(
        "PCI.DSS.401-1.3.1-NoAdminPortsFromAnywhere",
        "Ssh",
        findings(req_1_3.ADMIN_PORTS_CLOSED, template(**VPC, Ssh=rule)),
        "ingress admits 0.0.0.0/0 to port 22",
    )


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (acl_entry("CidrBlock", "0.0.0.0/0", 6, (22, 22)), "admits 0.0.0.0/0 to port 22"),
        (acl_entry("Ipv6CidrBlock", "::/0", 17, (3000, 4000)), "admits ::/0 to port 3389"),
        # Like Security Hub EC2.21, a deny entry at a lower number does not excuse the allow entry.
        (acl_entry("CidrBlock", "0.0.0.0/0", -1, None), "admits 0.0.0.0/0 to port 22, 3389"),
        (acl_entry("CidrBlock", "0.0.0.0/0", "6", None), "to port 22, 3389"),
    ],
)
def test_an_acl_entry_open_to_anywhere_on_an_admin_port_is_a_finding(entry: dict[str, Any], words: str) -> None:
    deny_first = acl_entry("CidrBlock", "0.0.0.0/0", -1, None, RuleAction="deny", RuleNumber=1)
    assert_finding(
        "PCI.DSS.401-1.3.1-NoAdminPortsFromAnywhere",
        "Open",
        findings(req_1_3.ADMIN_PORTS_CLOSED, template(**VPC, First=deny_first, Open=entry)),
        words,
    )


# --- 1.3 / 1.4: the matrix holds (the segmentation checker) ------------------------------------


def segmented(matrix: list[str]) -> Template:
    """A VPC with a public and a private subnet, the private one routed to NAT, and ``matrix``."""
    document = template(
        **VPC,
        Public={
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.1.0/24",
                "Tags": [{"Key": "aws-cdk:subnet-name", "Value": "Public"}],
            },
        },
        Private={
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.11.0/24",
                "Tags": [{"Key": "aws-cdk:subnet-name", "Value": "Private"}],
            },
        },
        PublicTable={"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        PrivateTable={"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        PublicAssoc={
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Public"}, "RouteTableId": {"Ref": "PublicTable"}},
        },
        PrivateAssoc={
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Private"}, "RouteTableId": {"Ref": "PrivateTable"}},
        },
        Igw={"Type": "AWS::EC2::InternetGateway", "Properties": {}},
        Nat={"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": {"Ref": "Public"}}},
        PublicDefault={
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "PublicTable"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": {"Ref": "Igw"},
            },
        },
        PrivateDefault={
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "PrivateTable"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": {"Ref": "Nat"},
            },
        },
    )
    document["Metadata"] = {"TapVpc::Segmentation": {"ReachabilityMatrix": matrix, "DataTierPorts": [5432]}}
    return document


def test_a_matrix_the_template_meets_complies() -> None:
    assert status(req_1_3.SEGMENTATION_MATRIX, segmented(["private -> internet : 443 : allow"])) == "pass"


def test_a_broken_matrix_rule_names_its_layer_and_resource() -> None:
    route, nacl = findings(req_1_3.SEGMENTATION_MATRIX, segmented(["private -> internet : any : deny"]))
    assert_finding(
        "PCI.DSS.401-1.3-SegmentationMatrix",
        "PrivateDefault",
        [route],
        "matrix rule 'private -> internet : any : deny': the route layer lets it through: PrivateDefault (",
    )
    # No ACL of its own: the subnet's traffic passes the VPC's default ACL, which the finding names.
    assert "the nacl layer lets it through: the VPC's default network ACL" in nacl


def test_a_vpc_template_without_its_matrix_is_a_finding() -> None:
    assert_finding(
        "PCI.DSS.401-1.3-SegmentationMatrix",
        "Vpc",
        findings(req_1_3.SEGMENTATION_MATRIX, template(**VPC)),
        "carries no TapVpc::Segmentation matrix",
    )
    assert status(req_1_3.SEGMENTATION_MATRIX, template()) == "not applicable"


# --- 1.3.2: egress through the firewall, where there is one ------------------------------------

FIREWALL = {
    "Firewall": {"Type": "AWS::NetworkFirewall::Firewall", "Properties": {"FirewallPolicyArn": {"Ref": "Policy"}}},
    "Policy": {
        "Type": "AWS::NetworkFirewall::FirewallPolicy",
        "Properties": {
            "FirewallPolicy": {
                "StatelessDefaultActions": ["aws:forward_to_sfe"],
                "StatefulDefaultActions": ["aws:drop_established", "aws:alert_established"],
            }
        },
    },
}


def with_firewall(route_target: dict[str, Any]) -> Template:
    document = segmented(["internet -> private : any : deny"])
    document["Resources"] |= copy.deepcopy(FIREWALL)
    properties = document["Resources"]["PrivateDefault"]["Properties"]
    del properties["NatGatewayId"]
    properties |= route_target
    return document


FIREWALL_ENDPOINT = {
    "VpcEndpointId": {
        "Fn::Select": [1, {"Fn::Split": [":", {"Fn::Select": [0, {"Fn::GetAtt": ["Firewall", "EndpointIds"]}]}]}]
    }
}


def test_private_routes_through_a_dropping_firewall_comply() -> None:
    assert status(egress.EGRESS_THROUGH_FIREWALL, with_firewall(FIREWALL_ENDPOINT)) == "pass"


def test_a_private_route_straight_to_nat_around_the_firewall_is_a_finding() -> None:
    assert_finding(
        "PCI.DSS.401-1.3.2-EgressThroughFirewall",
        "PrivateDefault",
        findings(egress.EGRESS_THROUGH_FIREWALL, with_firewall({"NatGatewayId": {"Ref": "Nat"}})),
        "sends 0.0.0.0/0 to NatGatewayId Nat, around the firewall",
    )


def test_a_firewall_policy_that_passes_by_default_is_a_finding() -> None:
    document = with_firewall(FIREWALL_ENDPOINT)
    document["Resources"]["Policy"]["Properties"]["FirewallPolicy"]["StatefulDefaultActions"] = ["aws:alert_strict"]
    assert_finding(
        "PCI.DSS.401-1.3.2-EgressThroughFirewall",
        "Policy",
        findings(egress.EGRESS_THROUGH_FIREWALL, document),
        "aws:drop_strict or aws:drop_established",
    )


def test_without_a_firewall_egress_filtering_is_not_applicable_but_the_routes_are_shown() -> None:
    verdict = egress.EGRESS_THROUGH_FIREWALL.check(CfnTemplate(segmented([])))
    assert (verdict.status, verdict.violations) == ("not applicable", ())
    assert [(e.logical_id, e.values["target"]) for e in verdict.evidence] == [("PrivateDefault", "NatGatewayId")]
    assert "no AWS::NetworkFirewall::Firewall" in verdict.note


def gateway_endpoint(policy: dict[str, Any] | None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "VpcId": {"Ref": "Vpc"},
        "ServiceName": "com.amazonaws.us-east-1.s3",
        "VpcEndpointType": "Gateway",
        "RouteTableIds": [{"Ref": "PrivateTable"}],
    }
    if policy is not None:
        properties["PolicyDocument"] = policy
    return {"Type": "AWS::EC2::VPCEndpoint", "Properties": properties}


THIS_ACCOUNT_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ThisAccountsBuckets",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceAccount": {"Ref": "AWS::AccountId"}}},
        }
    ],
}


def test_gateway_endpoints_limited_to_this_accounts_resources_comply() -> None:
    interface = gateway_endpoint(None)
    interface["Properties"]["VpcEndpointType"] = "Interface"
    document = template(**VPC, **FIREWALL, S3=gateway_endpoint(THIS_ACCOUNT_ONLY), Kms=interface)
    assert status(egress.GATEWAY_ENDPOINT_POLICIES, document) == "pass"


def test_a_gateway_endpoint_without_a_policy_is_a_finding_where_egress_is_controlled() -> None:
    document = template(**VPC, **FIREWALL, S3=gateway_endpoint(None))
    assert_finding(
        "PCI.DSS.401-1.3.2-GatewayEndpointPolicies",
        "S3",
        findings(egress.GATEWAY_ENDPOINT_POLICIES, document),
        "no policy, so it allows full access",
    )


def test_a_gateway_endpoint_allowing_every_bucket_unconditionally_is_a_finding() -> None:
    policy = {"Statement": [{"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
    document = template(**VPC, **FIREWALL, S3=gateway_endpoint(policy))
    assert_finding(
        "PCI.DSS.401-1.3.2-GatewayEndpointPolicies",
        "S3",
        findings(egress.GATEWAY_ENDPOINT_POLICIES, document),
        "['All'] allow every resource",
    )


def test_an_open_gateway_endpoint_without_a_firewall_is_shown_but_not_applicable() -> None:
    verdict = egress.GATEWAY_ENDPOINT_POLICIES.check(CfnTemplate(template(**VPC, S3=gateway_endpoint(None))))
    assert verdict.status == "not applicable"
    assert verdict.evidence[0].values["PolicyDocument"] == "absent (AWS's default: full access)"


# --- 1.4.4: the data tier is not public ---------------------------------------------------------


def data_tier(route: dict[str, Any] | None, *, public_ips: bool = False) -> Template:
    document = template(
        **VPC,
        Data={
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.21.0/24",
                "MapPublicIpOnLaunch": public_ips,
                "Tags": [{"Key": "aws-cdk:subnet-name", "Value": "Isolated"}],
            },
        },
        DataTable={"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        DataAssoc={
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Data"}, "RouteTableId": {"Ref": "DataTable"}},
        },
    )
    if route is not None:
        document["Resources"]["DataOut"] = {
            "Type": "AWS::EC2::Route",
            "Properties": {"RouteTableId": {"Ref": "DataTable"}, **route},
        }
    return document


def test_a_data_tier_with_local_routes_only_complies() -> None:
    endpoint_route = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": {"Ref": "Igw"}}  # inside the VPC only
    assert status(req_1_4.DATA_TIER_NOT_PUBLIC, data_tier(None)) == "pass"
    assert status(req_1_4.DATA_TIER_NOT_PUBLIC, data_tier(endpoint_route)) == "pass"


@pytest.mark.parametrize(
    ("route", "words"),
    [
        ({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "Igw"}}, "to an internet gateway (Igw)"),
        ({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": {"Ref": "Nat"}}, "to a NAT gateway (Nat)"),
    ],
)
def test_a_data_tier_route_to_a_gateway_is_a_finding(route: dict[str, Any], words: str) -> None:
    assert_finding(
        "PCI.DSS.401-1.4.4-DataTierNotPublic",
        "DataOut",
        findings(req_1_4.DATA_TIER_NOT_PUBLIC, data_tier(route)),
        "data-tier route table DataTable",
        words,
    )


def test_a_subnet_that_assigns_public_ips_is_a_finding() -> None:
    assert_finding(
        "PCI.DSS.401-1.4.4-DataTierNotPublic",
        "Data",
        findings(req_1_4.DATA_TIER_NOT_PUBLIC, data_tier(None, public_ips=True)),
        "assigns public IPv4 addresses on launch",
    )
    assert status(req_1_4.DATA_TIER_NOT_PUBLIC, template(**VPC)) == "not applicable"


# --- 3.7.4: keys rotate -------------------------------------------------------------------------


def test_a_rotating_key_complies_and_a_keyless_template_has_nothing_to_rotate() -> None:
    assert (
        status(req_3_7.KEY_ROTATION, template(Key={"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}}))
        == "pass"
    )
    assert status(req_3_7.KEY_ROTATION, template()) == "not applicable"


def test_a_key_with_rotation_off_is_a_finding() -> None:
    key = {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": False}}
    assert_finding("PCI.DSS.401-3.7.4-KeyRotation", "Key", findings(req_3_7.KEY_ROTATION, template(Key=key)))


# --- 7.2.5 / 8.6.1: least privilege for the app's roles ----------------------------------------

TRUST_FLOW_LOGS: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
        }
    ],
}


def role(trust: dict[str, Any], *actions: object) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": trust,
            "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
            "Policies": [
                {
                    "PolicyName": "Inline",
                    "PolicyDocument": {
                        "Statement": [
                            {"Effect": "Allow", "Action": list(actions), "Resource": "*"},
                            {
                                "Effect": "Deny",
                                "Action": "*",
                                "Resource": "*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            },
                        ]
                    },
                }
            ],
        },
    }


def test_named_actions_comply_and_deny_statements_may_use_wildcards() -> None:
    policy = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}}
        },
    }
    document = template(Role=role(TRUST_FLOW_LOGS, "logs:CreateLogStream"), Policy=policy)
    verdict = req_7_2.NO_WILDCARD_ACTIONS.check(CfnTemplate(document))
    assert verdict.status == "pass"
    assert {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]} in [
        e.values for e in verdict.evidence
    ]


@pytest.mark.parametrize("action", ["*", "logs:*", "ec2:Describe*"])
def test_a_wildcard_action_on_a_role_is_a_finding(action: str) -> None:
    assert_finding(
        "PCI.DSS.401-7.2.5-NoWildcardActions",
        "Role",
        findings(req_7_2.NO_WILDCARD_ACTIONS, template(Role=role(TRUST_FLOW_LOGS, "logs:PutLogEvents", action))),
        f"Policies[Inline] allows wildcard actions ['{action}']",
    )


def test_not_action_in_a_policy_is_a_finding() -> None:
    policy = {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "p",
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]},
        },
    }
    assert_finding(
        "PCI.DSS.401-7.2.5-NoWildcardActions",
        "Policy",
        findings(req_7_2.NO_WILDCARD_ACTIONS, template(Policy=policy)),
        "NotAction iam:*",
    )
    assert status(req_7_2.NO_WILDCARD_ACTIONS, template()) == "not applicable"


def test_a_service_role_scoped_to_this_account_complies() -> None:
    federated = copy.deepcopy(TRUST_FLOW_LOGS)
    federated["Statement"][0] = {
        "Effect": "Allow",
        "Principal": {"Federated": "arn:oidc"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    document = template(Role=role(TRUST_FLOW_LOGS, "logs:PutLogEvents"), Ci=role(federated, "s3:GetObject"))
    assert status(req_7_2.SERVICE_ROLES_SCOPED, document) == "pass"
    assert status(req_7_2.SERVICE_ROLES_SCOPED, template(Ci=role(federated, "s3:GetObject"))) == "not applicable"


def test_a_service_role_without_confused_deputy_conditions_is_a_finding() -> None:
    trust = copy.deepcopy(TRUST_FLOW_LOGS)
    del trust["Statement"][0]["Condition"]
    assert_finding(
        "PCI.DSS.401-7.2.5-ServiceRolesScopedToAccount",
        "Role",
        findings(req_7_2.SERVICE_ROLES_SCOPED, template(Role=role(trust, "logs:PutLogEvents"))),
        "lets vpc-flow-logs.amazonaws.com assume the role without aws:SourceAccount or aws:SourceArn",
    )


# --- 10.2.1: flow logs and DNS query logs -------------------------------------------------------


def flow_log(traffic: str, log_format: str | None = None, **extra: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {"ResourceId": {"Ref": "Vpc"}, "ResourceType": "VPC", "TrafficType": traffic, **extra}
    if log_format is not None:
        properties["LogFormat"] = log_format
    return {"Type": "AWS::EC2::FlowLog", "Properties": properties}


FULL_FORMAT = "${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${end} ${action}"


def test_an_all_traffic_flow_log_with_the_needed_fields_complies() -> None:
    assert status(req_10_2.FLOW_LOGS, template(**VPC, Log=flow_log("ALL"))) == "pass"  # the default record
    assert status(req_10_2.FLOW_LOGS, template(**VPC, Log=flow_log("ALL", FULL_FORMAT))) == "pass"
    assert status(req_10_2.FLOW_LOGS, template()) == "not applicable"


def test_a_vpc_that_logs_only_rejected_traffic_is_a_finding() -> None:
    assert_finding(
        "PCI.DSS.401-10.2.1-FlowLogs",
        "Vpc",
        findings(req_10_2.FLOW_LOGS, template(**VPC, Log=flow_log("REJECT"))),
        "no flow log of ALL traffic",
    )


def test_a_record_format_without_ports_or_time_is_a_finding() -> None:
    assert_finding(
        "PCI.DSS.401-10.2.1-FlowLogs",
        "Log",
        findings(req_10_2.FLOW_LOGS, template(**VPC, Log=flow_log("ALL", "${srcaddr} ${dstaddr} ${action}"))),
        "record format lacks srcport, dstport, protocol, start, end",
    )


QUERY_LOGGING = {
    "Type": "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation",
    "Properties": {"ResolverQueryLogConfigId": {"Ref": "QueryLogs"}, "ResourceId": {"Ref": "Vpc"}},
}


def test_dns_queries_logged_wherever_egress_is_controlled_comply() -> None:
    assert status(req_10_2.DNS_QUERY_LOGS, template(**VPC, **FIREWALL, Queries=QUERY_LOGGING)) == "pass"
    assert status(req_10_2.DNS_QUERY_LOGS, template(**VPC)) == "not applicable"


def test_a_dns_firewall_without_query_logs_is_a_finding() -> None:
    association = {
        "Type": "AWS::Route53Resolver::FirewallRuleGroupAssociation",
        "Properties": {"VpcId": {"Ref": "Vpc"}},
    }
    assert_finding(
        "PCI.DSS.401-10.2.1-DnsQueryLogs",
        "Vpc",
        findings(req_10_2.DNS_QUERY_LOGS, template(**VPC, DnsFirewall=association)),
        "DNS queries are not logged",
    )


# --- 10.3.2 / 10.3.3 / 10.5.1: log destinations, the archive, retention -----------------------

ROTATING_KEY = {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}}


def archive(**changes: Any) -> Template:
    """A VPC logging to a KMS-encrypted group and to a locked, versioned, access-logged bucket."""
    bucket: dict[str, Any] = {
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {
                    "ServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]},
                    }
                }
            ]
        },
        "VersioningConfiguration": {"Status": "Enabled"},
        "ObjectLockEnabled": True,
        "ObjectLockConfiguration": {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
        },
        "LoggingConfiguration": {"DestinationBucketName": {"Ref": "AccessLogs"}},
        "LifecycleConfiguration": {"Rules": [{"Status": "Enabled", "ExpirationInDays": 365}]},
        **changes,
    }
    return template(
        **VPC,
        Key=ROTATING_KEY,
        Group={
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Retain",
            "Properties": {"KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}, "RetentionInDays": 90},
        },
        Hot=flow_log("ALL", LogGroupName={"Ref": "Group"}),
        Cold=flow_log("ALL", LogDestinationType="s3", LogDestination={"Fn::GetAtt": ["Archive", "Arn"]}),
        Archive={
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "Properties": {k: v for k, v in bucket.items() if v is not None},
        },
        AccessLogs={
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "Key"}}}
                    ]
                }
            },
        },
    )


def test_encrypted_log_destinations_comply() -> None:
    assert status(req_10_3.LOG_DESTINATIONS_ENCRYPTED, archive()) == "pass"
    assert status(req_10_3.LOG_DESTINATIONS_ENCRYPTED, template(**VPC)) == "not applicable"


def test_a_log_group_without_a_rotating_key_is_a_finding() -> None:
    document = archive()
    document["Resources"]["Key"]["Properties"]["EnableKeyRotation"] = False
    found = findings(req_10_3.LOG_DESTINATIONS_ENCRYPTED, document)
    assert len(found) == 3  # the group and both buckets use that key
    assert_finding(
        "PCI.DSS.401-10.3.2-LogDestinationsEncrypted", "Group", found[:1], "not encrypted with a rotating key"
    )


def test_a_log_bucket_with_sse_s3_is_a_finding() -> None:
    document = archive()
    document["Resources"]["AccessLogs"]["Properties"]["BucketEncryption"] = {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    }
    assert_finding(
        "PCI.DSS.401-10.3.2-LogDestinationsEncrypted",
        "AccessLogs",
        findings(req_10_3.LOG_DESTINATIONS_ENCRYPTED, document),
        "uses AES256 encryption",
    )


def test_query_and_firewall_log_buckets_are_log_destinations() -> None:
    document = template(
        Plain={"Type": "AWS::S3::Bucket", "Properties": {}},
        Queries={
            "Type": "AWS::Route53Resolver::ResolverQueryLoggingConfig",
            "Properties": {"DestinationArn": {"Fn::GetAtt": ["Plain", "Arn"]}},
        },
        FirewallLogs={
            "Type": "AWS::NetworkFirewall::LoggingConfiguration",
            "Properties": {
                "LoggingConfiguration": {
                    "LogDestinationConfigs": [
                        {
                            "LogType": "ALERT",
                            "LogDestinationType": "S3",
                            "LogDestination": {"bucketName": {"Ref": "Alerts"}},
                        }
                    ]
                }
            },
        },
        Alerts={"Type": "AWS::S3::Bucket", "Properties": {}},
    )
    found = findings(req_10_3.LOG_DESTINATIONS_ENCRYPTED, document)
    assert [line.split(": ")[1] for line in found] == ["Plain", "Alerts"]


def test_a_locked_versioned_logged_archive_complies() -> None:
    assert status(req_10_3.ARCHIVE_IMMUTABLE, archive()) == "pass"
    assert status(req_10_3.ARCHIVE_IMMUTABLE, template(**VPC, Log=flow_log("ALL"))) == "not applicable"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"ObjectLockEnabled": None, "ObjectLockConfiguration": None}, "no Object Lock default retention"),
        ({"VersioningConfiguration": {"Status": "Suspended"}}, "not versioned"),
        ({"LoggingConfiguration": None}, "no server access logging"),
    ],
)
def test_an_archive_without_lock_versioning_or_access_logs_is_a_finding(changes: dict[str, Any], words: str) -> None:
    assert_finding(
        "PCI.DSS.401-10.3.3-ArchiveImmutable",
        "Archive",
        findings(req_10_3.ARCHIVE_IMMUTABLE, archive(**changes)),
        words,
    )


def test_ninety_days_hot_and_a_year_archived_comply() -> None:
    assert status(req_10_5.RETENTION, archive()) == "pass"
    assert status(req_10_5.RETENTION, template(**VPC)) == "not applicable"
    document = archive(
        ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Years": 1}}}
    )
    del document["Resources"]["Group"]["Properties"]["RetentionInDays"]  # never expires
    assert status(req_10_5.RETENTION, document) == "pass"


def test_thirty_days_hot_is_a_finding() -> None:
    document = archive()
    document["Resources"]["Group"]["Properties"]["RetentionInDays"] = 30
    assert_finding(
        "PCI.DSS.401-10.5.1-Retention", "Group", findings(req_10_5.RETENTION, document), "keeps 30 days, under 90"
    )


def test_without_an_archive_the_flow_log_group_keeps_the_year() -> None:
    document = archive()
    for logical_id in ("Cold", "Archive", "AccessLogs"):
        del document["Resources"][logical_id]
    document["Resources"]["Group"]["Properties"]["RetentionInDays"] = 180
    assert_finding(
        "PCI.DSS.401-10.5.1-Retention",
        "Group",
        findings(req_10_5.RETENTION, document),
        "keeps 180 days, under 365 and no archive keeps the year",
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Days": 30}}}},
            "locks objects 30 days, under 365",
        ),
        ({"ObjectLockConfiguration": None}, "locks objects 0 days"),
        (
            {
                "LifecycleConfiguration": {
                    "Rules": [
                        {"Status": "Enabled", "ExpirationInDays": 90},
                        {"Status": "Disabled", "ExpirationInDays": 1},
                    ]
                }
            },
            "expires objects after 90 days",
        ),
    ],
)
def test_an_archive_kept_under_a_year_is_a_finding(changes: dict[str, Any], words: str) -> None:
    assert_finding("PCI.DSS.401-10.5.1-Retention", "Archive", findings(req_10_5.RETENTION, archive(**changes)), words)


def test_a_trust_policy_with_a_wildcard_principal_has_no_service_to_scope() -> None:
    trust = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}, "not a statement"]}
    assert status(req_7_2.SERVICE_ROLES_SCOPED, template(Role=role(trust, "s3:GetObject"))) == "not applicable"


def test_a_log_group_encrypted_with_a_key_outside_the_stack_is_a_finding() -> None:
    document = archive()
    document["Resources"]["Group"]["Properties"]["KmsKeyId"] = "arn:aws:kms:us-east-1:111111111111:key/abc"
    assert_finding(
        "PCI.DSS.401-10.3.2-LogDestinationsEncrypted",
        "Group",
        findings(req_10_3.LOG_DESTINATIONS_ENCRYPTED, document),
        "a rotating key of the stack",
    )


def test_a_disposable_environments_archive_is_shown_but_not_held_to_the_year() -> None:
    # retainData off writes DeletionPolicy Delete: the archive goes with the stack (the settings
    # edge asks 365 days only where data is retained).
    document = archive(
        ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Days": 7}}}
    )
    document["Resources"]["Archive"]["DeletionPolicy"] = "Delete"
    verdict = req_10_5.RETENTION.check(CfnTemplate(document))
    assert verdict.status == "pass"
    (shown,) = [e.values for e in verdict.evidence if e.logical_id == "Archive"]
    assert (shown["Object Lock default retention (days)"], shown["DeletionPolicy"]) == (7, "Delete")
    for logical_id in ("Cold", "Archive", "AccessLogs"):
        del document["Resources"][logical_id]
    document["Resources"]["Group"]["DeletionPolicy"] = "Delete"
    document["Resources"]["Group"]["Properties"]["RetentionInDays"] = 180
    assert status(req_10_5.RETENTION, document) == "pass"
