"""The network a synthesized TapVpcStack template describes, read by following its references.

Everything the docs show (diagram, CIDR plan, cost) comes from here, so it can never drift from
what CloudFormation would deploy. Only the template is read, never the config or the code.

What decides reachability (each subnet's tier, CIDR, route table and network ACL; the routes; the
ACL entries; the security-group rules) comes from the reachability checker's own template model
(``tap_vpc.segmentation.reachability.template_model``), so the docs and the segmentation gate that
runs on every synth read the template one way. That model does not carry what only the docs need
(AZ placement, NAT gateways, VPC endpoints, flow logs and the archive, Elastic IP and KMS key counts,
security-group descriptions); those, and only those, are read here from the resources' properties.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tap_vpc.segmentation.reachability.addresses import EVERYWHERE, AddressSet
from tap_vpc.segmentation.reachability.template_model import TIER_OF_SUBNET_GROUP, TemplateModel, read_template

Template = Mapping[str, Any]

#: The L2 subnet-group name (Public, Private, Isolated) of each tier of the template model.
SUBNET_GROUP_OF_TIER = {tier: group for group, tier in TIER_OF_SUBNET_GROUP.items()}
#: What a peer the template model reads as no address at all is: an IPv6 range or a prefix list,
#: which it leaves out (the checker is IPv4 only). Said in the docs rather than dropped from them.
UNMODELLED_PEER = "IPv6 or a prefix list (not in the template model)"


@dataclass(frozen=True)
class Subnet:
    """One subnet: ``tier`` is the L2 subnet-group name, ``az`` the 0-based AZ column.

    ``az_label`` is how the template names the AZ: the pinned AZ ID, or ``Fn::GetAZs[i]``.
    """

    logical_id: str
    tier: str
    az: int
    az_label: str
    cidr: ipaddress.IPv4Network
    route_table: str
    default_route_target: str | None

    @property
    def usable_addresses(self) -> int:
        """Addresses left for hosts: AWS reserves the first four and the last one of every subnet."""
        return self.cidr.num_addresses - 5


@dataclass(frozen=True)
class NatGateway:
    """A NAT gateway and the subnet it sits in."""

    logical_id: str
    subnet: str


@dataclass(frozen=True)
class VpcEndpoint:
    """A VPC endpoint: ``service`` is the last part of its service name (``s3``, ``ssm``)."""

    logical_id: str
    service: str
    endpoint_type: str
    route_tables: tuple[str, ...]
    subnets: tuple[str, ...]


@dataclass(frozen=True)
class FlowLog:
    """A flow log into a KMS-encrypted CloudWatch Logs group."""

    logical_id: str
    traffic_type: str
    max_aggregation_interval: int
    log_group: str
    log_group_name: str
    retention_days: int | None
    kms_key: str | None


@dataclass(frozen=True)
class Archive:
    """The flow log to S3 and what reads it: the bucket's lock and lifecycle, the table, the workgroup.

    Days are ``None`` where the template sets no such rule; ``table`` and ``workgroup`` are names.
    """

    flow_log: str
    bucket: str
    file_format: str
    hourly_hive_partitions: bool
    object_lock_mode: str | None
    object_lock_days: int | None
    transition_days: int | None
    expiry_days: int | None
    table: str | None
    workgroup: str | None
    named_queries: int


@dataclass(frozen=True)
class IngressRule:
    """One security-group ingress rule: ``protocol``, port range, and its source as the docs write it.

    ``source`` is the source's networks, ``this group`` or ``group <logical ID>`` for a group peer,
    or ``UNMODELLED_PEER``.
    """

    protocol: str
    from_port: int | None
    to_port: int | None
    source: str


@dataclass(frozen=True)
class SecurityGroup:
    """A security group the stack creates (not the VPC's default group)."""

    logical_id: str
    description: str
    ingress: tuple[IngressRule, ...]


@dataclass(frozen=True)
class AclLine:
    """Network ACL allow entries with the same direction, protocol and ports, and their peers."""

    egress: bool
    protocol: str
    ports: str
    peers: tuple[str, ...]


@dataclass(frozen=True)
class NetworkAcl:
    """A network ACL the stack creates, the tier of the subnets it serves, and its allow entries."""

    logical_id: str
    tier: str
    lines: tuple[AclLine, ...]


@dataclass(frozen=True)
class NetworkModel:
    """Everything the docs need from one template. Subnets are in tier order, then AZ order."""

    vpc_cidr: ipaddress.IPv4Network
    subnets: tuple[Subnet, ...]
    internet_gateway: str | None
    nat_gateways: tuple[NatGateway, ...]
    endpoints: tuple[VpcEndpoint, ...]
    flow_logs: tuple[FlowLog, ...]
    archives: tuple[Archive, ...]
    security_groups: tuple[SecurityGroup, ...]
    network_acls: tuple[NetworkAcl, ...]
    elastic_ips: int
    kms_keys: int
    firewall_endpoints: int = 0

    @property
    def tiers(self) -> tuple[str, ...]:
        """Tier names in template order (Public, Private, Isolated)."""
        return tuple(dict.fromkeys(subnet.tier for subnet in self.subnets))

    @property
    def az_count(self) -> int:
        """How many AZs the subnets span."""
        return len({subnet.az for subnet in self.subnets})

    def subnet(self, logical_id: str) -> Subnet:
        """The subnet with ``logical_id``."""
        return next(subnet for subnet in self.subnets if subnet.logical_id == logical_id)

    @property
    def nat_ids(self) -> set[str]:
        """The logical IDs of the NAT gateways."""
        return {nat.logical_id for nat in self.nat_gateways}

    def subnets_routing_to(self, target: str) -> tuple[Subnet, ...]:
        """Subnets whose default route (0.0.0.0/0) goes to ``target`` (a NAT or internet gateway)."""
        return tuple(subnet for subnet in self.subnets if subnet.default_route_target == target)

    def subnets_using_route_tables(self, route_tables: tuple[str, ...]) -> tuple[Subnet, ...]:
        """Subnets associated with any of ``route_tables`` (the reach of a gateway endpoint)."""
        return tuple(subnet for subnet in self.subnets if subnet.route_table in route_tables)


def read_network(template: Template) -> NetworkModel:
    """Read the network of a synthesized template (a dict as ``Template.to_json()`` returns).

    Raises ``ValueError`` for a template the docs cannot draw: not exactly one VPC with a literal
    IPv4 CIDR, a subnet without its L2 subnet group, CIDR or route table, or a hard-coded AZ name.
    """
    model = read_template(template)
    if len(model.vpc_cidr) != 1:
        raise ValueError(
            f"expected one AWS::EC2::VPC with a literal IPv4 CidrBlock in the template, found {len(model.vpc_cidr)}"
        )
    resources: Mapping[str, Mapping[str, Any]] = template["Resources"]
    default_routes = {
        route.route_table: route.target_id
        for route in model.routes
        if route.destination == EVERYWHERE and route.target in ("igw", "nat")
    }
    subnet_properties = dict(_of_type(resources, "AWS::EC2::Subnet"))
    # AZ placement is the one subnet fact the template model does not carry.
    zone_ids = [properties.get("AvailabilityZoneId") for properties in subnet_properties.values()]
    pinned = list(dict.fromkeys(zone_id for zone_id in zone_ids if zone_id))
    subnets = []
    for modelled in model.subnets:
        properties = subnet_properties[modelled.logical_id]
        column = az_column(properties, pinned)
        subnets.append(
            Subnet(
                logical_id=modelled.logical_id,
                tier=_subnet_group(modelled.logical_id, modelled.tier),
                az=column,
                az_label=properties.get("AvailabilityZoneId") or f"Fn::GetAZs[{column}]",
                cidr=_one_network(modelled.cidr, f"subnet {modelled.logical_id}'s CidrBlock"),
                route_table=_required(modelled.route_table, f"subnet {modelled.logical_id} has no route table"),
                default_route_target=default_routes.get(modelled.route_table or ""),
            )
        )
    tier_order = list(dict.fromkeys(subnet.tier for subnet in subnets))
    subnets.sort(key=lambda subnet: (tier_order.index(subnet.tier), subnet.az))
    return NetworkModel(
        vpc_cidr=model.vpc_cidr[0],
        subnets=tuple(subnets),
        # The gateway the public routes use: the model knows it by those routes.
        internet_gateway=next((route.target_id for route in model.routes if route.target == "igw"), None),
        # From here on, what the template model does not carry, read from the resources' own properties;
        # the group rules and the ACLs come from the model again.
        nat_gateways=tuple(
            NatGateway(logical_id, _ref(properties["SubnetId"]))
            for logical_id, properties in _of_type(resources, "AWS::EC2::NatGateway")
        ),
        endpoints=tuple(
            VpcEndpoint(
                logical_id=logical_id,
                service=_service_suffix(properties["ServiceName"]),
                endpoint_type=properties.get("VpcEndpointType", "Gateway"),
                route_tables=tuple(_ref(table) for table in properties.get("RouteTableIds", [])),
                subnets=tuple(_ref(subnet) for subnet in properties.get("SubnetIds", [])),
            )
            for logical_id, properties in _of_type(resources, "AWS::EC2::VPCEndpoint")
        ),
        flow_logs=tuple(
            _flow_log(resources, logical_id, properties)
            for logical_id, properties in _of_type(resources, "AWS::EC2::FlowLog")
            if properties.get("LogDestinationType", "cloud-watch-logs") == "cloud-watch-logs"
        ),
        archives=tuple(
            _archive(resources, logical_id, properties)
            for logical_id, properties in _of_type(resources, "AWS::EC2::FlowLog")
            if properties.get("LogDestinationType") == "s3"
        ),
        security_groups=tuple(
            SecurityGroup(logical_id, properties["GroupDescription"], _ingress_rules(model, logical_id))
            for logical_id, properties in _of_type(resources, "AWS::EC2::SecurityGroup")
        ),
        network_acls=_network_acls(model),
        elastic_ips=len(_of_type(resources, "AWS::EC2::EIP")),
        kms_keys=len(_of_type(resources, "AWS::KMS::Key")),
        firewall_endpoints=sum(
            len(props.get("SubnetMappings", [])) for _, props in _of_type(resources, "AWS::NetworkFirewall::Firewall")
        ),
    )


def _subnet_group(logical_id: str, tier: str) -> str:
    """The L2 subnet-group name of a subnet the template model put in ``tier``."""
    if not tier:
        raise ValueError(f"subnet {logical_id} has no aws-cdk:subnet-name tag; it was not made by the L2 Vpc")
    if tier not in SUBNET_GROUP_OF_TIER:
        raise ValueError(f"subnet {logical_id} is in subnet group {tier!r}, none of {sorted(TIER_OF_SUBNET_GROUP)}")
    return SUBNET_GROUP_OF_TIER[tier]


def _one_network(found: AddressSet, what: str) -> ipaddress.IPv4Network:
    """The one IPv4 network of ``found``; the model reads a token it cannot resolve as everywhere."""
    if len(found) != 1 or found == EVERYWHERE:
        raise ValueError(f"{what} is not one literal IPv4 network: the template model read {found!r}")
    return found[0]


def _required(value: str | None, problem: str) -> str:
    if value is None:
        raise ValueError(problem)
    return value


def _addresses(found: AddressSet) -> str:
    """``10.0.11.0/24`` as the docs write a peer, or ``UNMODELLED_PEER`` when the model read none."""
    return ", ".join(str(network) for network in found) or UNMODELLED_PEER


def _of_type(resources: Mapping[str, Mapping[str, Any]], resource_type: str) -> list[tuple[str, Mapping[str, Any]]]:
    return [
        (logical_id, resource.get("Properties", {}))
        for logical_id, resource in resources.items()
        if resource["Type"] == resource_type
    ]


def _ref(value: Any) -> str:
    """The logical ID a ``Ref`` or ``Fn::GetAtt`` points at."""
    if isinstance(value, Mapping) and "Ref" in value:
        return str(value["Ref"])
    if isinstance(value, Mapping) and "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    raise ValueError(f"expected a Ref or Fn::GetAtt to a resource of this template, got {value!r}")


def tag_value(properties: Mapping[str, Any], key: str) -> str | None:
    """The value of tag ``key`` in a resource's ``properties``, or None (the tests' template queries use it)."""
    return next((str(tag["Value"]) for tag in properties.get("Tags", []) if tag["Key"] == key), None)


def az_column(properties: Mapping[str, Any], pinned: list[str]) -> int:
    """The subnet's AZ column: its pinned AZ ID's place in ``pinned``, or its ``Fn::GetAZs`` index."""
    if "AvailabilityZoneId" in properties:
        return pinned.index(properties["AvailabilityZoneId"])
    return az_index(properties["AvailabilityZone"])


def az_index(availability_zone: Any) -> int:
    """The index of ``Fn::Select [i, Fn::GetAZs ""]``; TAP VPC never hard-codes an AZ name."""
    select = availability_zone["Fn::Select"]
    if select[1] != {"Fn::GetAZs": ""}:
        raise ValueError(f"AvailabilityZone must select from Fn::GetAZs, got {availability_zone!r}")
    return int(select[0])


def _service_suffix(service_name: Any) -> str:
    """``s3`` from ``Fn::Join ["", ["com.amazonaws.", Ref AWS::Region, ".s3"]]`` or a plain name."""
    last = service_name["Fn::Join"][1][-1] if isinstance(service_name, Mapping) else service_name
    name = str(last).lstrip(".")
    # "com.amazonaws.us-east-1.ecr.api" written out: keep what follows the region.
    return name.split(".", 3)[3] if name.startswith("com.amazonaws.") else name


#: How the docs write the template model's protocols.
_ACL_PROTOCOLS = {"all": "all", "tcp": "TCP", "udp": "UDP", "icmp": "ICMP"}


def _network_acls(model: TemplateModel) -> tuple[NetworkAcl, ...]:
    """Each ACL with the tier of its subnets, and its allow entries grouped by direction, protocol and ports.

    ACLs are in the order their subnets are (tier order), then any ACL that only has entries.
    """
    tiers = {
        subnet.network_acl: SUBNET_GROUP_OF_TIER.get(subnet.tier, subnet.tier)
        for subnet in model.subnets
        if subnet.network_acl
    }
    acl_ids = dict.fromkeys([*tiers, *(entry.network_acl for entry in model.acl_entries)])
    acls = []
    for logical_id in acl_ids:
        grouped: dict[tuple[bool, str, str], list[str]] = {}
        entries = sorted(
            (entry for entry in model.acl_entries if entry.network_acl == logical_id),
            key=lambda entry: (entry.egress, entry.number),
        )
        for entry in entries:
            if not entry.allow:
                continue
            ports = "" if entry.ports is None else _port_text(*entry.ports)
            key = (entry.egress, _ACL_PROTOCOLS.get(entry.protocol, entry.protocol), ports)
            grouped.setdefault(key, []).append(_addresses(entry.peer))
        lines = tuple(
            AclLine(egress, protocol, ports, tuple(peers)) for (egress, protocol, ports), peers in grouped.items()
        )
        acls.append(NetworkAcl(logical_id, tiers.get(logical_id, ""), lines))
    return tuple(acls)


def _port_text(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _flow_log(resources: Mapping[str, Mapping[str, Any]], logical_id: str, properties: Mapping[str, Any]) -> FlowLog:
    log_group = _ref(properties["LogGroupName"])
    group = resources[log_group]["Properties"]
    return FlowLog(
        logical_id=logical_id,
        traffic_type=properties["TrafficType"],
        max_aggregation_interval=int(properties.get("MaxAggregationInterval", 600)),
        log_group=log_group,
        log_group_name=group["LogGroupName"],
        retention_days=group.get("RetentionInDays"),
        kms_key=_ref(group["KmsKeyId"]) if "KmsKeyId" in group else None,
    )


def _archive(resources: Mapping[str, Mapping[str, Any]], logical_id: str, properties: Mapping[str, Any]) -> Archive:
    """The S3 flow log, the bucket its ``LogDestination`` names, and the Glue table and workgroup."""
    bucket = properties["LogDestination"]["Fn::GetAtt"][0]
    bucket_properties = resources[bucket]["Properties"]
    options = properties.get("DestinationOptions", {})
    retention = bucket_properties.get("ObjectLockConfiguration", {}).get("Rule", {}).get("DefaultRetention", {})
    rules = bucket_properties.get("LifecycleConfiguration", {}).get("Rules", [])
    transitions = [t["TransitionInDays"] for rule in rules for t in rule.get("Transitions", [])]
    expiries = [rule["ExpirationInDays"] for rule in rules if "ExpirationInDays" in rule]
    tables = [p["TableInput"]["Name"] for _, p in _of_type(resources, "AWS::Glue::Table")]
    workgroups = [p["Name"] for _, p in _of_type(resources, "AWS::Athena::WorkGroup")]
    return Archive(
        flow_log=logical_id,
        bucket=bucket,
        file_format=options.get("FileFormat", "plain-text"),
        hourly_hive_partitions=bool(options.get("HiveCompatiblePartitions")) and bool(options.get("PerHourPartition")),
        object_lock_mode=retention.get("Mode"),
        object_lock_days=retention.get("Days"),
        transition_days=min(transitions) if transitions else None,
        expiry_days=min(expiries) if expiries else None,
        table=tables[0] if tables else None,
        workgroup=workgroups[0] if workgroups else None,
        named_queries=len(_of_type(resources, "AWS::Athena::NamedQuery")),
    )


def _ingress_rules(model: TemplateModel, group: str) -> tuple[IngressRule, ...]:
    """The ingress rules of ``group``, inline and standalone, as the template model reads them."""
    rules = []
    for rule in model.group_rules:
        if rule.group != group or rule.egress:
            continue
        if rule.peer_group is not None:
            source = "this group" if rule.peer_group == group else f"group {rule.peer_group}"
        else:
            source = _addresses(rule.peer)
        from_port, to_port = rule.ports if rule.ports is not None else (None, None)
        rules.append(IngressRule(rule.protocol, from_port, to_port, source))
    return tuple(rules)
