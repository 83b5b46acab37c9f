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

_FIREWALL_PROTOCOLS = {"IP": "all", "TCP": "tcp", "UDP": "udp", "ICMP": "icmp"}
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
    """A route: ``target`` is ``igw``, ``nat``, ``firewall`` or ``other``; ``via_subnet`` is a NAT gateway's subnet.

    A ``firewall`` route's ``target_id`` is the AWS::NetworkFirewall::Firewall whose endpoint it names.
    """

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


@dataclass(frozen=True)
class FirewallRule:
    """A stateful 5-tuple rule: ``action`` PASS, DROP, REJECT or ALERT on ``protocol`` (all, tcp, udp, icmp).

    ``ports`` are the destination ports (None: any); ``both_ways`` is Direction ANY.
    """

    action: str
    protocol: str
    source: AddressSet
    destination: AddressSet
    ports: tuple[int, int] | None
    both_ways: bool


@dataclass(frozen=True)
class FirewallRuleGroup:
    """A stateful rule group: its 5-tuple ``rules`` in order, or ``allowed_names`` of an ALLOWLIST domain list."""

    logical_id: str
    rules: tuple[FirewallRule, ...] = ()
    allowed_names: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FirewallPolicy:
    """A firewall policy: its stateful default actions and its rule groups in priority order."""

    logical_id: str
    default_actions: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Firewall:
    """An AWS Network Firewall: the subnets of its endpoints and its policy."""

    logical_id: str
    subnets: tuple[str, ...]
    policy: str | None


@dataclass
class TemplateModel:
    """Everything in one template that decides reachability."""

    vpc_cidr: AddressSet
    subnets: list[Subnet] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    acl_entries: list[AclEntry] = field(default_factory=list)
    group_tiers: dict[str, str] = field(default_factory=dict)
    group_rules: list[GroupRule] = field(default_factory=list)
    firewalls: dict[str, Firewall] = field(default_factory=dict)
    firewall_policies: dict[str, FirewallPolicy] = field(default_factory=dict)
    firewall_rule_groups: dict[str, FirewallRuleGroup] = field(default_factory=dict)

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
        # Subnets outside the L2 Vpc's groups (the firewall tier) say their tier in their metadata.
        marked = resources[logical_id].get("Metadata", {}).get(TIER_METADATA)
        model.subnets.append(
            Subnet(
                logical_id,
                marked or TIER_OF_SUBNET_GROUP.get(group, group.lower()),
                resolver.peer(props.get("CidrBlock")),
                tables.get(logical_id),
                acls.get(logical_id),
            )
        )
    nat_subnets = {logical_id: _ref(p.get("SubnetId")) for logical_id, p in _of_type(resources, "AWS::EC2::NatGateway")}
    firewall_ids = {logical_id for logical_id, _ in _of_type(resources, "AWS::NetworkFirewall::Firewall")}
    for logical_id, props in _of_type(resources, "AWS::EC2::Route"):
        model.routes.append(_route(logical_id, props, resolver, nat_subnets, firewall_ids))
    _read_firewalls(model, resources, resolver)
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
    logical_id: str,
    props: Mapping[str, Any],
    resolver: _Resolver,
    nat_subnets: Mapping[str, str | None],
    firewall_ids: set[str],
) -> Route:
    table = _ref(props.get("RouteTableId")) or ""
    destination = resolver.peer(props.get("DestinationCidrBlock")) if "DestinationCidrBlock" in props else ()
    firewall = _attribute_owner(props.get("VpcEndpointId"), "EndpointIds")
    if firewall in firewall_ids:
        return Route(logical_id, table, destination, "firewall", str(firewall))
    if "NatGatewayId" in props:
        nat = _ref(props["NatGatewayId"]) or str(props["NatGatewayId"])
        return Route(logical_id, table, destination, "nat", nat, nat_subnets.get(nat))
    gateway = props.get("GatewayId")
    if gateway is not None:
        return Route(logical_id, table, destination, "igw", _ref(gateway) or str(gateway))
    target = next((str(value) for key, value in props.items() if key.endswith("Id") and key != "RouteTableId"), "?")
    return Route(logical_id, table, destination, "other", target)


def _attribute_owner(value: object, attribute: str) -> str | None:
    """The logical ID of the ``Fn::GetAtt [X, attribute]`` anywhere inside ``value``, or None."""
    if isinstance(value, dict):
        found = value.get("Fn::GetAtt")
        if isinstance(found, list) and len(found) == 2 and found[1] == attribute:
            return str(found[0])
        return next((owner for item in value.values() if (owner := _attribute_owner(item, attribute))), None)
    if isinstance(value, list):
        return next((owner for item in value if (owner := _attribute_owner(item, attribute))), None)
    return None


def _read_firewalls(model: TemplateModel, resources: Mapping[str, Any], resolver: _Resolver) -> None:
    """Network Firewall firewalls, their policies (in priority order) and their stateful rule groups."""
    for logical_id, props in _of_type(resources, "AWS::NetworkFirewall::Firewall"):
        subnets = tuple(_ref(mapping.get("SubnetId")) or "" for mapping in props.get("SubnetMappings", []))
        model.firewalls[logical_id] = Firewall(logical_id, subnets, _ref(props.get("FirewallPolicyArn")))
    for logical_id, props in _of_type(resources, "AWS::NetworkFirewall::FirewallPolicy"):
        policy = props.get("FirewallPolicy", {})
        references = sorted(policy.get("StatefulRuleGroupReferences", []), key=lambda ref: ref.get("Priority", 0))
        model.firewall_policies[logical_id] = FirewallPolicy(
            logical_id,
            tuple(policy.get("StatefulDefaultActions", [])),
            tuple(_ref(reference.get("ResourceArn")) or "" for reference in references),
        )
    for logical_id, props in _of_type(resources, "AWS::NetworkFirewall::RuleGroup"):
        source = props.get("RuleGroup", {}).get("RulesSource", {})
        names = source.get("RulesSourceList")
        model.firewall_rule_groups[logical_id] = FirewallRuleGroup(
            logical_id,
            tuple(_firewall_rule(rule, resolver) for rule in source.get("StatefulRules", [])),
            tuple(names.get("Targets", [])) if names and names.get("GeneratedRulesType") == "ALLOWLIST" else None,
        )


def _firewall_rule(rule: Mapping[str, Any], resolver: _Resolver) -> FirewallRule:
    header = rule.get("Header", {})
    port = str(header.get("DestinationPort", "ANY"))
    low, _, high = port.partition(":")
    return FirewallRule(
        str(rule.get("Action", "")).upper(),
        _FIREWALL_PROTOCOLS.get(str(header.get("Protocol", "IP")).upper(), "other"),
        _firewall_peer(header.get("Source"), resolver),
        _firewall_peer(header.get("Destination"), resolver),
        None if port.upper() == "ANY" else (int(low), int(high or low)),
        str(header.get("Direction", "FORWARD")).upper() == "ANY",
    )


def _firewall_peer(value: object, resolver: _Resolver) -> AddressSet:
    # ANY is everywhere; $HOME_NET is the VPC (the policy's rule groups define it so).
    if value in (None, "ANY"):
        return EVERYWHERE
    if value == "$HOME_NET":
        return resolver.peer({"Fn::GetAtt": [next(iter(resolver.vpcs), ""), "CidrBlock"]})
    return resolver.peer(value)


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
        self.vpcs = {logical_id for logical_id, _ in _of_type(resources, "AWS::EC2::VPC")}
        self._vpc_cidr = vpc_cidr

    def peer(self, value: object) -> AddressSet:
        if isinstance(value, str):
            return networks([value])
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            logical_id, attribute = value["Fn::GetAtt"]
            if logical_id in self.vpcs and attribute == "CidrBlock":
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
