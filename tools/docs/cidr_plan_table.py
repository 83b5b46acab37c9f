"""The CIDR plan as Markdown, with what is left of the VPC range for new tiers.

Per profile: every subnet's tier, AZ, CIDR and usable addresses. Profiles with the same plan share
one table, so a profile that diverges gets its own.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from tools.docs.network_model import NetworkModel

#: How many of the largest free blocks to name under each table.
LARGEST_FREE_BLOCKS_SHOWN = 3


def free_blocks(vpc: ipaddress.IPv4Network, used: Iterable[ipaddress.IPv4Network]) -> list[ipaddress.IPv4Network]:
    """The aligned CIDR blocks of ``vpc`` that no network in ``used`` touches, largest first."""
    free = [vpc]
    for network in used:
        remaining: list[ipaddress.IPv4Network] = []
        for block in free:
            if network.subnet_of(block):
                remaining.extend(block.address_exclude(network))
            elif not block.subnet_of(network):
                remaining.append(block)
        free = remaining
    return sorted(free, key=lambda block: (block.prefixlen, block.network_address))


def plan_table(model: NetworkModel) -> str:
    """One Markdown table of ``model``'s subnets and a line on the VPC's free space."""
    rows = [
        "| Tier | AZ | CIDR | Addresses | Usable (addresses - 5) |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    rows += [
        f"| {subnet.tier} | AZ {subnet.az + 1} | `{subnet.cidr}` | {subnet.cidr.num_addresses:,}"
        f" | {subnet.usable_addresses:,} |"
        for subnet in model.subnets
    ]
    total = model.vpc_cidr.num_addresses
    allocated = sum(subnet.cidr.num_addresses for subnet in model.subnets)
    free = free_blocks(model.vpc_cidr, (subnet.cidr for subnet in model.subnets))
    largest = ", ".join(f"`{block}`" for block in free[:LARGEST_FREE_BLOCKS_SHOWN])
    summary = (
        f"VPC `{model.vpc_cidr}`: {total:,} addresses; subnets take {allocated:,} ({_percent(allocated, total)});"
        f" free: {total - allocated:,} ({_percent(total - allocated, total)}) in {len(free)} aligned blocks,"
        f" the largest {largest}."
    )
    return "\n".join(rows) + "\n\n" + summary + "\n"


def cidr_plan_markdown(plans: Sequence[tuple[str, NetworkModel]]) -> str:
    """Tables for ``(profile, network)`` pairs, one per distinct plan, headed by its profiles."""
    groups: dict[str, list[str]] = {}
    for profile, model in plans:
        groups.setdefault(plan_table(model), []).append(profile)
    sections = [
        f"Profiles {', '.join(f'`{name}`' for name in profiles)}:\n\n{table}" for table, profiles in groups.items()
    ]
    return "\n".join(sections)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%"
