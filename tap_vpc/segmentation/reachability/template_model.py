"""What the reachability checker reads from a synthesized template: subnets, routes, NACLs, security groups.

Tiers come from the ``aws-cdk:subnet-name`` tag the L2 Vpc puts on each subnet (Public, Private,
Isolated), security groups from their ``TapVpc::Tier`` metadata. A peer given as a token the model
cannot resolve counts as everywhere, so an unknown peer can make a deny rule fail but never pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tap_vpc.segmentation.reachability.addresses import EVERYWHERE, AddressSet, networks
from tap_vpc.vocabulary import Tier

#: Resource metadata key naming the zone a security group guards (public, data, endpoints).
TIER_METADATA = "TapVpc::Tier"
#: Template metadata key holding the matrix and the data-tier ports the checker applies.
SEGMENTATION_METADATA = "TapVpc::Segmentation"
#: The L2 Vpc's subnet group names, as the matrix's tiers.
TIER_OF_SUBNET_GROUP = {tier.subnet_group: tier.value for tier in Tier}

_PROTOCOLS = {"-1": "all", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp", "1": "icmp", "icmp": "icmp"}


@dataclass(frozen=True)
class Subnet:
    """A subnet of one tier, with its route table and network ACL (None: the VPC's default ACL)."""

    logical_id: str
    tier: str
    cidr: AddressSet
    route_table: str | None
    network_acl: str | None


@dataclass(frozen=True)
class Route:
    """A route: ``target`` is ``igw``, ``nat`` or ``other``; ``via_subnet`` is a NAT gateway's subnet."""

    logical_id: str
    route_table: str
    destination: AddressSet
    target: str
    target_id: str
    via_subnet: str | None = None


@dataclass(frozen=True)
class AclEntry:
    """A network ACL entry; ``protocol`` is all, tcp, udp, icmp or a number; ``ports`` None is every port."""

    logical_id: str
    network_acl: str
    number: int
    egress: bool
    protocol: str
    allow: bool
    peer: AddressSet
    ports: tuple[int, int] | None


@dataclass(frozen=True)
class GroupRule:
    """A security-group rule: a CIDR peer, or another group (``peer_group``), on a protocol and port range."""

    group: str
    egress: bool
    protocol: str
    ports: tuple[int, int] | None
    peer: AddressSet
    peer_group: str | None
    description: str


@dataclass
class TemplateModel:
    """Everything in one template that decides reachability."""

    vpc_cidr: AddressSet
    subnets: list[Subnet] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    acl_entries: list[AclEntry] = field(default_factory=list)
    group_tiers: dict[str, str] = field(default_factory=dict)
    group_rules: list[GroupRule] = field(default_factory=list)

    def subnets_of(self, tier: str) -> list[Subnet]:
        """The subnets of ``tier`` (public, private or data)."""
        return [subnet for subnet in self.subnets if subnet.tier == tier]


def read_template(template: Mapping[str, Any]) -> TemplateModel:
    """Build the model of ``template`` (a parsed CloudFormation template)."""
    resources: Mapping[str, Any] = template.get("Resources", {})
    vpcs = [props.get("CidrBlock") for _, props in _of_type(resources, "AWS::EC2::VPC")]
    vpc_cidr = networks([cidr for cidr in vpcs if isinstance(cidr, str)])
    resolver = _Resolver(resources, vpc_cidr)
    tables = {
        _ref(p["SubnetId"]): _ref(p["RouteTableId"])
        for _, p in _of_type(resources, "AWS::EC2::SubnetRouteTableAssociation")
    }
    acls = {
        _ref(p["SubnetId"]): _ref(p["NetworkAclId"])
        for _, p in _of_type(resources, "AWS::EC2::SubnetNetworkAclAssociation")
    }
    model = TemplateModel(vpc_cidr=vpc_cidr)
    for logical_id, props in _of_type(resources, "AWS::EC2::Subnet"):
        group = next((tag["Value"] for tag in props.get("Tags", []) if tag.get("Key") == "aws-cdk:subnet-name"), "")
        model.subnets.append(
            Subnet(
                logical_id,
                TIER_OF_SUBNET_GROUP.get(group, group.lower()),
                resolver.peer(props.get("CidrBlock")),
                tables.get(logical_id),
                acls.get(logical_id),
            )
        )
    nat_subnets = {logical_id: _ref(p.get("SubnetId")) for logical_id, p in _of_type(resources, "AWS::EC2::NatGateway")}
    for logical_id, props in _of_type(resources, "AWS::EC2::Route"):
        model.routes.append(_route(logical_id, props, resolver, nat_subnets))
    for logical_id, props in _of_type(resources, "AWS::EC2::NetworkAclEntry"):
        port_range = props.get("PortRange")
        model.acl_entries.append(
            AclEntry(
                logical_id,
                _ref(props["NetworkAclId"]) or "",
                int(props["RuleNumber"]),
                bool(props.get("Egress", False)),
                _PROTOCOLS.get(str(props["Protocol"]), str(props["Protocol"])),
                str(props["RuleAction"]).lower() == "allow",
                resolver.peer(props.get("CidrBlock")) if "CidrBlock" in props else (),
                (int(port_range["From"]), int(port_range["To"])) if port_range else None,
            )
        )
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::EC2::SecurityGroup":
            continue
        tier = resource.get("Metadata", {}).get(TIER_METADATA)
        if tier:
            model.group_tiers[logical_id] = tier
        props = resource.get("Properties", {})
        for egress, key in ((False, "SecurityGroupIngress"), (True, "SecurityGroupEgress")):
            model.group_rules += [_group_rule(logical_id, egress, rule, resolver) for rule in props.get(key, [])]
    for kind, egress in (("AWS::EC2::SecurityGroupIngress", False), ("AWS::EC2::SecurityGroupEgress", True)):
        for _, props in _of_type(resources, kind):
            group = _ref(props.get("GroupId"))
            if group:
                model.group_rules.append(_group_rule(group, egress, props, resolver))
    return model


def _route(
    logical_id: str, props: Mapping[str, Any], resolver: _Resolver, nat_subnets: Mapping[str, str | None]
) -> Route:
    table = _ref(props.get("RouteTableId")) or ""
    destination = resolver.peer(props.get("DestinationCidrBlock")) if "DestinationCidrBlock" in props else ()
    if "NatGatewayId" in props:
        nat = _ref(props["NatGatewayId"]) or str(props["NatGatewayId"])
        return Route(logical_id, table, destination, "nat", nat, nat_subnets.get(nat))
    gateway = props.get("GatewayId")
    if gateway is not None:
        return Route(logical_id, table, destination, "igw", _ref(gateway) or str(gateway))
    target = next((str(value) for key, value in props.items() if key.endswith("Id") and key != "RouteTableId"), "?")
    return Route(logical_id, table, destination, "other", target)


def _group_rule(group: str, egress: bool, rule: Mapping[str, Any], resolver: _Resolver) -> GroupRule:
    protocol = _PROTOCOLS.get(str(rule.get("IpProtocol")), str(rule.get("IpProtocol")))
    ports = None
    if protocol in ("tcp", "udp") and "FromPort" in rule:
        ports = (int(rule["FromPort"]), int(rule["ToPort"]))
    peer_key = "DestinationSecurityGroupId" if egress else "SourceSecurityGroupId"
    peer_group = _ref(rule.get(peer_key)) if peer_key in rule else None
    peer = () if peer_key in rule else resolver.peer(rule.get("CidrIp")) if "CidrIp" in rule else ()
    return GroupRule(group, egress, protocol, ports, peer, peer_group, str(rule.get("Description", "")))


class _Resolver:
    """Turns a CIDR property into an address set: a literal, the VPC's own CIDR, or else everywhere."""

    def __init__(self, resources: Mapping[str, Any], vpc_cidr: AddressSet) -> None:
        self._vpcs = {logical_id for logical_id, _ in _of_type(resources, "AWS::EC2::VPC")}
        self._vpc_cidr = vpc_cidr

    def peer(self, value: object) -> AddressSet:
        if isinstance(value, str):
            return networks([value])
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            logical_id, attribute = value["Fn::GetAtt"]
            if logical_id in self._vpcs and attribute == "CidrBlock":
                return self._vpc_cidr
        return EVERYWHERE


def _ref(value: object) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def _of_type(resources: Mapping[str, Any], kind: str) -> list[tuple[str, Mapping[str, Any]]]:
    return [
        (logical_id, resource.get("Properties", {}))
        for logical_id, resource in resources.items()
        if resource.get("Type") == kind
    ]
