"""The one subnet layout: each tier's /24s at fixed offsets inside the VPC CIDR.

Public subnets take the VPC's /24 number 1, 2, 3, private ones 11, 12, 13, data ones 21, 22, 23
(one per AZ), so 10.0.0.0/16 gives today's 10.0.1.0/24 ... 10.0.23.0/24, and 10.1.0.0/16 gives
10.1.1.0/24 and so on. The egress firewall's subnets are /28s, AWS Network Firewall's minimum
("Firewall subnets", Network Firewall Developer Guide), at the start of /24 number 31: 10.0.31.0/28,
10.0.31.16/28, 10.0.31.32/28. A VPC smaller than the layout needs (a /20 holds /24 numbers 0-15)
must name its subnets explicitly.
"""

from __future__ import annotations

import ipaddress

SUBNET_PREFIX = 24
#: The /24 number of each tier's first subnet; AZ n (from 0) takes offset + n.
TIER_OFFSETS = {"public": 1, "private": 11, "data": 21}
#: The firewall tier: one /28 per AZ inside the /24 with this number.
FIREWALL_BLOCK = 31
FIREWALL_PREFIX = 28


class LayoutError(ValueError):
    """The VPC CIDR cannot hold the layout; the message says what fits."""


def layout_subnets(vpc_cidr: str, tier: str, az_count: int) -> tuple[str, ...]:
    """The ``az_count`` /24 CIDRs of ``tier`` inside ``vpc_cidr``; raises ``LayoutError`` if they do not fit."""
    vpc = ipaddress.ip_network(vpc_cidr, strict=False)
    if vpc.version != 4:
        raise ValueError(f"{vpc_cidr} is not IPv4")
    slots = 2 ** (SUBNET_PREFIX - vpc.prefixlen) if vpc.prefixlen <= SUBNET_PREFIX else 0
    last = TIER_OFFSETS[tier] + az_count - 1
    if last >= slots:
        raise LayoutError(
            f"the standard layout puts {tier} subnets at /24 numbers {TIER_OFFSETS[tier]}-{last}, and {vpc} holds "
            f"only {slots} /24s; name the subnets explicitly, or use a /19 or larger VPC CIDR."
        )
    return tuple(
        str(ipaddress.ip_network((int(vpc.network_address) + (TIER_OFFSETS[tier] + az) * 256, SUBNET_PREFIX)))
        for az in range(az_count)
    )


def layout_firewall_subnets(vpc_cidr: str, az_count: int) -> tuple[str, ...]:
    """The ``az_count`` /28 CIDRs of the firewall tier inside ``vpc_cidr``; ``LayoutError`` if they do not fit."""
    vpc = ipaddress.ip_network(vpc_cidr, strict=False)
    if vpc.version != 4:
        raise ValueError(f"{vpc_cidr} is not IPv4")
    slots = 2 ** (SUBNET_PREFIX - vpc.prefixlen) if vpc.prefixlen <= SUBNET_PREFIX else 0
    if slots <= FIREWALL_BLOCK:
        raise LayoutError(
            f"the standard layout puts firewall subnets in /24 number {FIREWALL_BLOCK}, and {vpc} holds only "
            f"{slots} /24s; name them explicitly, or use a /19 or larger VPC CIDR."
        )
    block = int(vpc.network_address) + FIREWALL_BLOCK * 256
    size = 2 ** (32 - FIREWALL_PREFIX)
    return tuple(str(ipaddress.ip_network((block + az * size, FIREWALL_PREFIX))) for az in range(az_count))
