"""The data tier's security group: ``dataTierPorts`` from the private subnets, nothing from elsewhere."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from tap_vpc.network.tier_marks import mark_tier
from tap_vpc.vocabulary import HTTPS


def build_data_security_group(
    scope: Construct,
    vpc: ec2.IVpc,
    *,
    ports: Sequence[int],
    private_cidrs: Sequence[str],
    endpoint_group: ec2.ISecurityGroup | None,
) -> ec2.SecurityGroup:
    """Create ``DataSecurityGroup`` (tier metadata ``data``).

    In: each of ``ports`` from each private subnet CIDR, and from the group itself (replication).
    Out: nothing, except TCP 443 to ``endpoint_group`` when there is one (KMS, Secrets Manager).
    """
    group = ec2.SecurityGroup(
        scope,
        "DataSecurityGroup",
        vpc=vpc,
        description="Data tier: the data-tier ports from the private tier only",
        allow_all_outbound=False,
    )
    for port in ports:
        for cidr in private_cidrs:
            group.add_ingress_rule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(port), f"Port {port} from private {cidr}")
        group.add_ingress_rule(group, ec2.Port.tcp(port), f"Port {port} replication within the data tier")
    if endpoint_group is not None:
        group.add_egress_rule(endpoint_group, ec2.Port.tcp(HTTPS), "HTTPS to the interface endpoints")
    mark_tier(group, "data")
    return group
