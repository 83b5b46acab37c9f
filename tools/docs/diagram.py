"""Draw a NetworkModel as a Graphviz DOT graph: AZ columns, tier rows, gateways and the flow log.

The DOT text is deterministic (same template, same bytes), so the checked-in ``docs/network.dot``
is compared byte for byte; ``docs/network.svg`` is what Graphviz's ``dot`` renders from it.
"""

from __future__ import annotations

from tools.docs.network_model import NetworkAcl, NetworkModel, SecurityGroup, Subnet, VpcEndpoint

FONT = "DejaVu Sans"
#: Fill colour per tier, so the rows read at a glance (the AWS console's public/private greens).
TIER_COLOURS = {"Public": "#e8f5e9", "Private": "#e3f2fd", "Isolated": "#f3e5f5"}
#: What each L2 subnet group is in the reachability matrix.
TIER_NAMES = {"Public": "Public", "Private": "Private", "Isolated": "Data"}
#: The node that stands for every interface endpoint (they share subnets, group and DNS setting).
INTERFACE_ENDPOINTS_NODE = "endpoint_interface"
DEFAULT_TIER_COLOUR = "#fafafa"
#: How AWS writes the services whose endpoints the stack may create; others show as named.
SERVICE_NAMES = {"s3": "S3", "dynamodb": "DynamoDB", "ssm": "SSM"}


def network_dot(model: NetworkModel, *, title: str, subtitle: str) -> str:
    """The DOT source of ``model``'s diagram, captioned ``title`` over a smaller ``subtitle``."""
    caption = f'<b>{_escape(title)}</b><br/><font point-size="9">{_escape(subtitle)}</font>'
    lines = [
        "digraph tap_vpc {",
        f'  graph [fontname="{FONT}", fontsize=12, newrank=true, compound=true, nodesep=0.3, ranksep=0.45,'
        f" labelloc=t, label=<{caption}>];",
        f'  node [fontname="{FONT}", fontsize=10, shape=box, style="rounded,filled", fillcolor=white,'
        ' margin="0.12,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=9, color="#546e7a", fontcolor="#37474f"];',
        '  internet [label="Internet", shape=ellipse, fillcolor="#eceff1"];',
        "  { rank=min; internet }",
    ]
    if model.internet_gateway:
        lines.append('  igw [label="Internet gateway", fillcolor="#fff3e0"];')
        lines.append("  internet -> igw [dir=both];")
        # Keep the gateway above the whole first row, whatever routes to it.
        lines += [f"  igw -> {_anchor(model, subnet)} [style=invis];" for subnet in _first_row(model)]
    lines += _vpc_cluster(model)
    lines += _routes(model)
    lines += _flow_logs(model)
    lines += _archives(model)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _vpc_cluster(model: NetworkModel) -> list[str]:
    lines = [
        "  subgraph cluster_vpc {",
        f'    label=<<b>VPC {model.vpc_cidr}</b>>; style="rounded"; color="#455a64"; penwidth=1.5;',
    ]
    for az in range(model.az_count):
        az_label = next(subnet.az_label for subnet in model.subnets if subnet.az == az)
        lines += [
            f"    subgraph cluster_az{az + 1} {{",
            f'      label="AZ {az + 1}: {az_label}"; fontsize=10; style="dashed,rounded"; color="#90a4ae";',
        ]
        for subnet in (subnet for subnet in model.subnets if subnet.az == az):
            lines += _subnet(model, subnet)
        lines.append("    }")
    for tier in model.tiers:
        row = [_anchor(model, subnet) for subnet in model.subnets if subnet.tier == tier]
        # Same rank makes the row; invisible edges along it keep the AZs in order, left to right.
        lines.append(f"    {{ rank=same; {' '.join(row)} }}")
        if len(row) > 1:
            lines.append(f"    {' -> '.join(row)} [style=invis];")
    for az in range(model.az_count):
        # Invisible edges down each AZ column keep the tiers in template order, top to bottom.
        column = [_anchor(model, subnet) for subnet in model.subnets if subnet.az == az]
        if len(column) > 1:
            lines.append(f"    {' -> '.join(column)} [style=invis];")
    endpoint_nodes = _endpoint_nodes(model)
    for endpoint in _gateway_endpoints(model):
        lines.append(
            f'    {_endpoint_node(endpoint.logical_id)} [label="{SERVICE_NAMES.get(endpoint.service, endpoint.service)}'
            f' gateway endpoint", shape=cds, fillcolor="#fffde7"];'
        )
    interface = _interface_endpoints(model)
    if interface:
        services = ", ".join(endpoint.service for endpoint in interface)
        lines.append(
            f"    {INTERFACE_ENDPOINTS_NODE} [label=<Interface endpoints, private DNS<br/>{_escape(services)}<br/>"
            f'an ENI in each private subnet>, shape=cds, fillcolor="#fffde7"];'
        )
    if endpoint_nodes:
        lines.append(f"    {{ rank=same; {' '.join(endpoint_nodes)} }}")
    for acl in model.network_acls:
        row = [_anchor(model, subnet) for subnet in model.subnets if subnet.tier == acl.tier]
        lines.append(
            f'    {_node_id(acl.logical_id)} [label=<{_acl_label(acl)}>, fillcolor="#fff8e1", margin="0.2,0.08"];'
        )
        if row:
            # The ACL sits at the start of its tier's row: the boundary every subnet of the row shares.
            lines.append(f"    {{ rank=same; {_node_id(acl.logical_id)} {row[0]} }}")
            lines.append(f"    {_node_id(acl.logical_id)} -> {row[0]} [style=dotted, arrowhead=none];")
    for group in model.security_groups:
        lines.append(
            f"    {_node_id(group.logical_id)} [label=<{_security_group_label(group)}>,"
            ' fillcolor="#fce4ec", margin="0.2,0.08"];'
        )
    lines.append("  }")
    return lines


def _subnet(model: NetworkModel, subnet: Subnet) -> list[str]:
    """A subnet node; a subnet holding a NAT gateway is drawn as a box around that gateway."""
    colour = TIER_COLOURS.get(subnet.tier, DEFAULT_TIER_COLOUR)
    label = f"{TIER_NAMES.get(subnet.tier, subnet.tier)} {subnet.cidr}<br/>{subnet.usable_addresses} usable addresses"
    nats = _nats_in(model, subnet)
    if not nats:
        return [f'      {_subnet_node(subnet)} [label=<{label}>, fillcolor="{colour}"];']
    lines = [
        f"      subgraph cluster_{_subnet_node(subnet)} {{",
        f'        label=<{label}>; fontsize=10; style="rounded,filled"; fillcolor="{colour}"; color="#78909c";',
    ]
    lines += [f'        {_node_id(nat)} [label="NAT gateway\\n+ Elastic IP", fillcolor="#fff3e0"];' for nat in nats]
    return [*lines, "      }"]


def _routes(model: NetworkModel) -> list[str]:
    """Every subnet's 0.0.0.0/0 route, and the subnets whose route tables a gateway endpoint is on."""
    lines = []
    for subnet in model.subnets:
        target = subnet.default_route_target
        if target is None:
            continue
        source = "igw" if target == model.internet_gateway else _node_id(target)
        lines.append(
            f'  {source} -> {_anchor(model, subnet)} [dir=back, label="0.0.0.0/0"{_clip(model, subnet, "lhead")}];'
        )
    for endpoint in _gateway_endpoints(model):
        for subnet in model.subnets_using_route_tables(endpoint.route_tables):
            lines.append(
                f"  {_anchor(model, subnet)} -> {_endpoint_node(endpoint.logical_id)}"
                f' [style=dashed, color="#b0bec5"{_clip(model, subnet, "ltail")}];'
            )
    return lines


def _flow_logs(model: NetworkModel) -> list[str]:
    """The flow log of the VPC, its log group and the KMS key that encrypts the group."""
    # Leave the VPC box from its bottom row, so the logging chain sits underneath it.
    bottom = _endpoint_nodes(model)
    anchor = bottom[-1] if bottom else _anchor(model, model.subnets[-1])
    lines = []
    for flow_log in model.flow_logs:
        flow_node, group_node = _node_id(flow_log.logical_id), _node_id(flow_log.log_group)
        retention = f"{flow_log.retention_days} days" if flow_log.retention_days else "kept forever"
        lines += [
            f'  {flow_node} [label="Flow log\\n{flow_log.traffic_type}, {flow_log.max_aggregation_interval} s",'
            ' fillcolor="#ede7f6"];',
            f'  {group_node} [label="CloudWatch Logs group\\n{flow_log.log_group_name}\\n{retention}",'
            ' shape=cylinder, fillcolor="#ede7f6"];',
            f'  {anchor} -> {flow_node} [ltail=cluster_vpc, label="all VPC traffic"];',
            f"  {flow_node} -> {group_node};",
        ]
        if flow_log.kms_key:
            key_node = _node_id(flow_log.kms_key)
            lines += [
                f'  {key_node} [label="KMS key\\ncustomer managed, rotating", shape=octagon, fillcolor="#ffebee"];',
                f'  {key_node} -> {group_node} [label="encrypts", style=dashed];',
                f"  {{ rank=same; {group_node} {key_node} }}",
            ]
    return lines


def _archives(model: NetworkModel) -> list[str]:
    """The flow log to S3, the locked bucket, the Glue table over it and the Athena workgroup."""
    lines = []
    for archive in model.archives:
        flow_node, bucket_node = _node_id(archive.flow_log), _node_id(archive.bucket)
        lock = f"Object Lock {archive.object_lock_mode} {archive.object_lock_days} days"
        tiers = f"Glacier IR after {archive.transition_days} days, expires after {archive.expiry_days}"
        partitions = "hourly Hive partitions" if archive.hourly_hive_partitions else "daily partitions"
        lines += [
            f'  {flow_node} [label="Flow log to S3\\n{archive.file_format}, {partitions}", fillcolor="#fff8e1"];',
            f'  {bucket_node} [label="S3 archive\\n{lock}\\n{tiers}", shape=cylinder, fillcolor="#fff8e1"];',
            # Beside the CloudWatch flow log, fed the same records; an edge from the VPC box instead
            # would pull Graphviz into reordering the AZ columns.
            *(
                f'  {_node_id(cw.logical_id)} -> {flow_node} [label="same records", style=dashed];'
                for cw in model.flow_logs
            ),
            *(f"  {{ rank=same; {_node_id(cw.logical_id)} {flow_node} }}" for cw in model.flow_logs),
            f"  {flow_node} -> {bucket_node};",
        ]
        if archive.table:
            lines += [
                f'  glue_table [label="Glue table {archive.table}\\npartition projection", fillcolor="#fff8e1"];',
                f'  {bucket_node} -> glue_table [dir=back, label="reads"];',
            ]
        if archive.workgroup:
            lines += [
                f'  athena [label="Athena workgroup {archive.workgroup}\\n{archive.named_queries} named queries,'
                ' KMS-encrypted results", fillcolor="#fff8e1"];',
                '  glue_table -> athena [dir=back, label="queries"];',
            ]
    return lines


def _security_group_label(group: SecurityGroup) -> str:
    rules = "<br/>".join(
        f"in: {rule.protocol.upper()} {_ports(rule.from_port, rule.to_port)} from {rule.source}"
        for rule in group.ingress
    )
    return f"Security group<br/>{_escape(group.description)}<br/>{rules}"


def _acl_label(acl: NetworkAcl) -> str:
    rules = "<br/>".join(
        f"{'out' if line.egress else 'in'}: {line.protocol} {line.ports}{' ' if line.ports else ''}"
        f"{'to' if line.egress else 'from'} {', '.join(line.peers)}"
        for line in acl.lines
    )
    return f"Network ACL, {TIER_NAMES.get(acl.tier, acl.tier).lower()} subnets<br/>{rules}"


def _gateway_endpoints(model: NetworkModel) -> list[VpcEndpoint]:
    return [endpoint for endpoint in model.endpoints if endpoint.endpoint_type != "Interface"]


def _interface_endpoints(model: NetworkModel) -> list[VpcEndpoint]:
    return [endpoint for endpoint in model.endpoints if endpoint.endpoint_type == "Interface"]


def _endpoint_nodes(model: NetworkModel) -> list[str]:
    nodes = [_endpoint_node(endpoint.logical_id) for endpoint in _gateway_endpoints(model)]
    return nodes + ([INTERFACE_ENDPOINTS_NODE] if _interface_endpoints(model) else [])


def _ports(from_port: int | None, to_port: int | None) -> str:
    if from_port is None or from_port == to_port:
        return "all" if from_port is None else str(from_port)
    return f"{from_port}-{to_port}"


def _first_row(model: NetworkModel) -> list[Subnet]:
    return [subnet for subnet in model.subnets if subnet.tier == model.tiers[0]]


def _nats_in(model: NetworkModel, subnet: Subnet) -> list[str]:
    return [nat.logical_id for nat in model.nat_gateways if nat.subnet == subnet.logical_id]


def _anchor(model: NetworkModel, subnet: Subnet) -> str:
    """The node that stands for ``subnet`` in rows and routes: its NAT gateway if it holds one."""
    nats = _nats_in(model, subnet)
    return _node_id(nats[0]) if nats else _subnet_node(subnet)


def _clip(model: NetworkModel, subnet: Subnet, end: str) -> str:
    """Attribute that ends an edge at the box of a subnet drawn as a cluster (``end``: lhead/ltail)."""
    return f", {end}=cluster_{_subnet_node(subnet)}" if _nats_in(model, subnet) else ""


def _subnet_node(subnet: Subnet) -> str:
    return f"{subnet.tier.lower()}_{subnet.az + 1}"


def _endpoint_node(logical_id: str) -> str:
    return f"endpoint_{_node_id(logical_id)}"


def _node_id(logical_id: str) -> str:
    """Logical IDs are alphanumeric, so they are valid DOT identifiers as they are."""
    return logical_id


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
