"""IPv4 address sets as lists of networks, with the set algebra the reachability checker needs."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

AddressSet = tuple[ipaddress.IPv4Network, ...]

EVERYWHERE: AddressSet = (ipaddress.IPv4Network("0.0.0.0/0"),)


def networks(cidrs: Iterable[str]) -> AddressSet:
    """The IPv4 networks among ``cidrs`` (IPv6 ones are skipped: the VPC has no IPv6 CIDR)."""
    found = []
    for cidr in cidrs:
        network = ipaddress.ip_network(cidr, strict=False)
        if isinstance(network, ipaddress.IPv4Network):
            found.append(network)
    return tuple(ipaddress.collapse_addresses(found))


def intersect(left: AddressSet, right: AddressSet) -> AddressSet:
    """Addresses in both sets."""
    found = []
    for a in left:
        for b in right:
            if a.subnet_of(b):
                found.append(a)
            elif b.subnet_of(a):
                found.append(b)
    return tuple(ipaddress.collapse_addresses(found))


def subtract(left: AddressSet, right: AddressSet) -> AddressSet:
    """Addresses in ``left`` and not in ``right``."""
    remaining = list(left)
    for b in right:
        next_remaining: list[ipaddress.IPv4Network] = []
        for a in remaining:
            if a.subnet_of(b):
                continue
            if b.subnet_of(a):
                next_remaining.extend(a.address_exclude(b))
            else:
                next_remaining.append(a)
        remaining = next_remaining
    return tuple(ipaddress.collapse_addresses(remaining))


def union(*sets: AddressSet) -> AddressSet:
    """Addresses in any of ``sets``."""
    return tuple(ipaddress.collapse_addresses([network for found in sets for network in found]))


def describe(found: AddressSet) -> str:
    """``10.0.1.0/24, 10.0.2.0/24`` or ``nothing``."""
    return ", ".join(str(network) for network in found) or "nothing"
