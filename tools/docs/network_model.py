"""The network a synthesized TapVpcStack template describes, read by following its references.

Everything the docs show (diagram, CIDR plan, cost) comes from here, so it can never drift from
what CloudFormation would deploy. Only the template is read, never the config or the code.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Template = Mapping[str, Any]


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
    """A NAT gateway, the subnet it sits in and the Elastic IP it uses."""

    logical_id: str
    subnet: str
    elastic_ip: str


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
    """One security-group ingress rule, as ``protocol``, port range and source network."""

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

    def subnets_routing_to(self, target: str) -> tuple[Subnet, ...]:
        """Subnets whose default route (0.0.0.0/0) goes to ``target`` (a NAT or internet gateway)."""
        return tuple(subnet for subnet in self.subnets if subnet.default_route_target == target)

    def subnets_using_route_tables(self, route_tables: tuple[str, ...]) -> tuple[Subnet, ...]:
        """Subnets associated with any of ``route_tables`` (the reach of a gateway endpoint)."""
        return tuple(subnet for subnet in self.subnets if subnet.route_table in route_tables)


def read_network(template: Template) -> NetworkModel:
    """Read the network of a synthesized template (a dict as ``Template.to_json()`` returns)."""
    resources: Mapping[str, Mapping[str, Any]] = template["Resources"]
    vpcs = [properties for _, properties in _of_type(resources, "AWS::EC2::VPC")]
    if len(vpcs) != 1:
        raise ValueError(f"expected one AWS::EC2::VPC in the template, found {len(vpcs)}")
    route_tables = _route_tables_by_subnet(resources)
    default_routes = _default_route_targets(resources)
    subnet_resources = _of_type(resources, "AWS::EC2::Subnet")
    pinned = list(dict.fromkeys(p["AvailabilityZoneId"] for _, p in subnet_resources if "AvailabilityZoneId" in p))
    subnets = [
        Subnet(
            logical_id=logical_id,
            tier=_subnet_tier(logical_id, properties),
            az=az_column(properties, pinned),
            az_label=properties.get("AvailabilityZoneId") or f"Fn::GetAZs[{az_column(properties, pinned)}]",
            cidr=ipaddress.IPv4Network(properties["CidrBlock"]),
            route_table=route_tables[logical_id],
            default_route_target=default_routes.get(route_tables[logical_id]),
        )
        for logical_id, properties in subnet_resources
    ]
    tier_order = list(dict.fromkeys(subnet.tier for subnet in subnets))
    subnets.sort(key=lambda subnet: (tier_order.index(subnet.tier), subnet.az))
    gateways = [logical_id for logical_id, _ in _of_type(resources, "AWS::EC2::InternetGateway")]
    return NetworkModel(
        vpc_cidr=ipaddress.IPv4Network(vpcs[0]["CidrBlock"]),
        subnets=tuple(subnets),
        internet_gateway=gateways[0] if gateways else None,
        nat_gateways=tuple(
            NatGateway(logical_id, _ref(properties["SubnetId"]), _ref(properties["AllocationId"]))
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
            SecurityGroup(logical_id, properties["GroupDescription"], _ingress_rules(properties))
            for logical_id, properties in _of_type(resources, "AWS::EC2::SecurityGroup")
        ),
        network_acls=_network_acls(resources, {subnet.logical_id: subnet.tier for subnet in subnets}),
        elastic_ips=len(_of_type(resources, "AWS::EC2::EIP")),
        kms_keys=len(_of_type(resources, "AWS::KMS::Key")),
    )


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
    """The value of tag ``key`` in a resource's ``properties``, or None."""
    return next((str(tag["Value"]) for tag in properties.get("Tags", []) if tag["Key"] == key), None)


def _subnet_tier(logical_id: str, properties: Mapping[str, Any]) -> str:
    """The L2 subnet-group name the CDK tags every subnet with."""
    tier = tag_value(properties, "aws-cdk:subnet-name")
    if tier is None:
        raise ValueError(f"subnet {logical_id} has no aws-cdk:subnet-name tag; it was not made by the L2 Vpc")
    return tier


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


_ACL_PROTOCOLS = {"-1": "all", "6": "TCP", "17": "UDP", "1": "ICMP"}


def _network_acls(
    resources: Mapping[str, Mapping[str, Any]], tier_of_subnet: Mapping[str, str]
) -> tuple[NetworkAcl, ...]:
    """Each ACL with the tier of its subnets, and its allow entries grouped by direction, protocol and ports."""
    tiers = {
        _ref(p["NetworkAclId"]): tier_of_subnet.get(_ref(p["SubnetId"]), "")
        for _, p in _of_type(resources, "AWS::EC2::SubnetNetworkAclAssociation")
    }
    acls = []
    for logical_id, _ in _of_type(resources, "AWS::EC2::NetworkAcl"):
        grouped: dict[tuple[bool, str, str], list[str]] = {}
        entries = sorted(
            (p for _, p in _of_type(resources, "AWS::EC2::NetworkAclEntry") if _ref(p["NetworkAclId"]) == logical_id),
            key=lambda p: (bool(p.get("Egress", False)), int(p["RuleNumber"])),
        )
        for entry in entries:
            if str(entry["RuleAction"]).lower() != "allow":
                continue
            port_range = entry.get("PortRange")
            ports = "" if not port_range else _port_text(int(port_range["From"]), int(port_range["To"]))
            key = (
                bool(entry.get("Egress", False)),
                _ACL_PROTOCOLS.get(str(entry["Protocol"]), str(entry["Protocol"])),
                ports,
            )
            grouped.setdefault(key, []).append(str(entry.get("CidrBlock", entry.get("Ipv6CidrBlock", ""))))
        lines = tuple(
            AclLine(egress, protocol, ports, tuple(peers)) for (egress, protocol, ports), peers in grouped.items()
        )
        acls.append(NetworkAcl(logical_id, tiers.get(logical_id, ""), lines))
    return tuple(acls)


def _port_text(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _route_tables_by_subnet(resources: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    return {
        _ref(properties["SubnetId"]): _ref(properties["RouteTableId"])
        for _, properties in _of_type(resources, "AWS::EC2::SubnetRouteTableAssociation")
    }


def _default_route_targets(resources: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Route table -> the gateway its 0.0.0.0/0 route goes to."""
    targets = {}
    for _, properties in _of_type(resources, "AWS::EC2::Route"):
        if properties.get("DestinationCidrBlock") == "0.0.0.0/0":
            target = properties.get("NatGatewayId") or properties["GatewayId"]
            targets[_ref(properties["RouteTableId"])] = _ref(target)
    return targets


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


def _ingress_rules(properties: Mapping[str, Any]) -> tuple[IngressRule, ...]:
    return tuple(
        IngressRule(
            protocol=str(rule["IpProtocol"]),
            from_port=rule.get("FromPort"),
            to_port=rule.get("ToPort"),
            source=rule.get("CidrIp") or rule["CidrIpv6"],
        )
        for rule in properties.get("SecurityGroupIngress", [])
    )
