"""The fleet's address plan: declared environments that must route to each other never overlap.

A declaration may name a ``vpcCidr`` and a ``routableGroup`` (prod and its DR copy, environments
behind one Transit Gateway, those with a VPN to an acquirer). Two members of one group with
overlapping CIDRs cannot be connected, so every synth refuses them, naming both.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Mapping, Sequence

from tap_vpc.errors import ConfigProblem

GROUP_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def routable_overlap_problems(
    declarations: Mapping[str, tuple[str | None, str | None]], key_prefix: str
) -> list[ConfigProblem]:
    """Environment name -> (vpcCidr, routableGroup): a problem per overlapping pair within a group.

    A group member needs a ``vpcCidr`` (else there is nothing to check), and an unparsable CIDR is
    reported once, here, for any environment in a group.
    """
    problems: list[ConfigProblem] = []
    groups: dict[str, list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]]] = {}
    for name, (cidr, group) in declarations.items():
        if group is None:
            continue
        if cidr is None:
            problems.append(
                ConfigProblem(f"{key_prefix}.{name}.vpcCidr", None, f"is required in routable group {group!r}.")
            )
            continue
        try:
            groups.setdefault(group, []).append((name, ipaddress.ip_network(cidr)))
        except ValueError:
            problems.append(ConfigProblem(f"{key_prefix}.{name}.vpcCidr", cidr, "is not a valid network CIDR."))
    for group, members in sorted(groups.items()):
        problems += _overlaps(group, members, key_prefix)
    return problems


def _overlaps(
    group: str, members: Sequence[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]], key_prefix: str
) -> list[ConfigProblem]:
    return [
        ConfigProblem(
            f"{key_prefix}.{second}.vpcCidr",
            str(second_cidr),
            f"overlaps {first}'s {first_cidr}; both are in routable group {group!r}, and VPCs that route to "
            "each other need distinct ranges.",
        )
        for (first, first_cidr), (second, second_cidr) in itertools.combinations(members, 2)
        if first_cidr.version == second_cidr.version and first_cidr.overlaps(second_cidr)
    ]
