"""The HTTPS-tier security group: TCP 443 in from configured networks, all traffic out."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from tap_vpc.network.tier_marks import mark_tier
from tap_vpc.vocabulary import HTTPS, is_ipv4


def build_https_security_group(scope: Construct, vpc: ec2.IVpc, ingress_cidrs: Sequence[str]) -> ec2.SecurityGroup:
    """Create ``HttpsSecurityGroup`` (tier metadata ``public``): a described rule per CIDR on TCP 443, egress all."""
    group = ec2.SecurityGroup(
        scope,
        "HttpsSecurityGroup",
        vpc=vpc,
        description="HTTPS tier: TCP 443 from the configured networks",
        allow_all_outbound=True,
    )
    for cidr in ingress_cidrs:
        peer = ec2.Peer.ipv4(cidr) if is_ipv4(cidr) else ec2.Peer.ipv6(cidr)
        group.add_ingress_rule(peer, ec2.Port.tcp(HTTPS), f"HTTPS from {cidr}")
    mark_tier(group, "public")
    return group
