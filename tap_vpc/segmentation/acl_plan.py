"""The rules of each tier's network ACL, as data: validation counts them, ``TierNetworkAcls`` builds them.

NACLs are stateless, so every tier that starts or answers connections admits replies on ephemeral
ports. Numbers leave gaps of 10 (per AZ) and 100 (per purpose) for later rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tap_vpc.egress.rules import egress_on
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.vocabulary import HTTPS, Tier

#: Ports a client picks for its side of a connection; NAT gateways and Lambda use 1024-65535, so a
#: NACL that carries replies admits that range (Amazon VPC User Guide, "Network ACLs", "Ephemeral ports").
EPHEMERAL = (1024, 65535)
#: From 0.0.0.0/0 the range skips 3389: AWS Control Tower's CT.EC2.PR.5 (a deploy hook in many
#: organisations) refuses an inbound entry from 0.0.0.0/0 whose range includes 22 or 3389. The cost:
#: a NAT translation that lands on port 3389 loses its reply (about 1 in 64,512 connections).
EPHEMERAL_FROM_ANYWHERE = ((1024, 3388), (3390, 65535))
ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class AclRule:
    """One NACL entry. ``protocol`` is tcp, udp or all; ``ports`` an inclusive range (None for all)."""

    number: int
    egress: bool
    cidr: str
    protocol: str
    ports: tuple[int, int] | None
    why: str


def replies_from_anywhere(first_number: int, to: str) -> list[AclRule]:
    """TCP and UDP replies from 0.0.0.0/0 on ``EPHEMERAL_FROM_ANYWHERE``, numbered from ``first_number``."""
    return [
        AclRule(first_number + 10 * index, False, ANYWHERE, protocol, ports, f"{protocol.upper()} replies {to}")
        for index, (protocol, ports) in enumerate(
            (protocol, ports) for protocol in ("tcp", "udp") for ports in EPHEMERAL_FROM_ANYWHERE
        )
    ]


def public_rules(config: TapVpcConfig) -> list[AclRule]:
    """The public tier's rules: HTTPS in, the VPC in, replies in, all out.

    HTTPS from each IPv4 ``httpsIngressCidrs`` entry (the VPC has no IPv6 CIDR); all from the VPC
    (NAT gateways forward private traffic); replies from the internet on ephemeral ports.
    """
    rules = [
        AclRule(100 + 10 * index, False, cidr, "tcp", (HTTPS, HTTPS), f"HTTPS from {cidr}")
        for index, cidr in enumerate(cidr for cidr in config.https_ingress_cidrs if ":" not in cidr)
    ]
    return [
        *rules,
        AclRule(500, False, config.vpc_cidr, "all", None, "Traffic from the VPC, which the NAT gateways forward"),
        *replies_from_anywhere(600, "to NAT gateways and the HTTPS tier"),
        AclRule(100, True, ANYWHERE, "all", None, "All out: replies to HTTPS clients, NAT gateway traffic"),
    ]


def private_rules(config: TapVpcConfig) -> list[AclRule]:
    """All from the VPC; replies from the internet (through the NAT gateways) on ephemeral ports; out, below.

    Out: all, where the route table decides NAT or local; with egress control, all inside the VPC
    and only TCP 443 beyond it, a second layer behind the firewall (PCI DSS 1.3.2).
    """
    inbound = [
        AclRule(100, False, config.vpc_cidr, "all", None, "Traffic from inside the VPC"),
        *replies_from_anywhere(200, "through the NAT gateways"),
    ]
    if not egress_on(config):
        return [*inbound, AclRule(100, True, ANYWHERE, "all", None, "All out: the route table decides NAT or local")]
    return [
        *inbound,
        AclRule(100, True, config.vpc_cidr, "all", None, "All inside the VPC"),
        AclRule(200, True, ANYWHERE, "tcp", (HTTPS, HTTPS), "HTTPS out, through the egress firewall"),
    ]


def firewall_rules(config: TapVpcConfig) -> list[AclRule]:
    """The firewall tier's rules: the firewall filters, the NACL only keeps to what it may pass.

    In: all from the VPC (the private tier's requests, the NAT gateways' forwarded replies keep
    the internet source, so also TCP replies from anywhere). Out: all to the VPC, TCP 443 beyond.
    """
    return [
        AclRule(100, False, config.vpc_cidr, "all", None, "The private tier's flows, and replies from NAT"),
        *(
            AclRule(200 + 10 * index, False, ANYWHERE, "tcp", ports, "TCP replies from the internet, through NAT")
            for index, ports in enumerate(EPHEMERAL_FROM_ANYWHERE)
        ),
        AclRule(100, True, config.vpc_cidr, "all", None, "To the private tier and to the NAT gateways' subnets"),
        AclRule(200, True, ANYWHERE, "tcp", (HTTPS, HTTPS), "HTTPS out, on to the NAT gateway"),
    ]


def data_rules(config: TapVpcConfig) -> list[AclRule]:
    """The data tier's rules: only the private tier and the data tier itself, never the internet.

    In: ``dataTierPorts`` from each private subnet, replies from the private tier (the endpoints),
    all from the data subnets (replication). Out: replies and 443 to the private tier, all to the
    data subnets.
    """
    private, data = config.private_subnet_cidrs, config.isolated_subnet_cidrs
    rules = [
        AclRule(100 * (index + 1) + 10 * az, False, cidr, "tcp", (port, port), f"Port {port} from {cidr}")
        for index, port in enumerate(config.data_tier_ports)
        for az, cidr in enumerate(private)
    ]
    after_ports = 100 * (len(config.data_tier_ports) + 1)
    rules += [
        AclRule(after_ports + 10 * az, False, cidr, "tcp", EPHEMERAL, f"Replies from endpoints in {cidr}")
        for az, cidr in enumerate(private)
    ]
    rules += [
        AclRule(after_ports + 100 + 10 * az, False, cidr, "all", None, f"Replication within the data tier ({cidr})")
        for az, cidr in enumerate(data)
    ]
    rules += [
        AclRule(100 + 10 * az, True, cidr, "tcp", EPHEMERAL, f"Replies to {cidr}") for az, cidr in enumerate(private)
    ]
    rules += [
        AclRule(200 + 10 * az, True, cidr, "tcp", (HTTPS, HTTPS), f"HTTPS to endpoints in {cidr}")
        for az, cidr in enumerate(private)
    ]
    rules += [
        AclRule(300 + 10 * az, True, cidr, "all", None, f"Replication within the data tier ({cidr})")
        for az, cidr in enumerate(data)
    ]
    return rules


def acl_plan(config: TapVpcConfig) -> dict[str, list[AclRule]]:
    """Tier name (Public, Private, Isolated, Firewall) -> its rules; Isolated and Firewall when they exist."""
    plan = {Tier.PUBLIC.subnet_group: public_rules(config), Tier.PRIVATE.subnet_group: private_rules(config)}
    if config.isolated_subnet_cidrs:
        plan[Tier.DATA.subnet_group] = data_rules(config)
    if egress_on(config):
        plan[Tier.FIREWALL.subnet_group] = firewall_rules(config)
    return plan


def rule_counts(rules: Sequence[AclRule]) -> tuple[int, int]:
    """(inbound, outbound) entry counts, which AWS limits separately."""
    inbound = sum(1 for rule in rules if not rule.egress)
    return inbound, len(rules) - inbound
