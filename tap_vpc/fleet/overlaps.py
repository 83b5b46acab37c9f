"""The fleet's address plan: declared environments that must route to each other never overlap.

A declaration may name a ``vpcCidr`` and a ``routableGroup`` (prod and its DR copy, environments
behind one Transit Gateway, those with a VPN to an acquirer). Two members of one group with
overlapping CIDRs cannot be connected, so every synth refuses them, naming both. The same rule,
``overlaps_within_groups``, checks the live VPCs that `make local` deployed.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tap_vpc.errors import ConfigProblem
from tap_vpc.settings.config import key_of

GROUP_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@dataclass(frozen=True)
class Overlap:
    """Two environments of one routable group whose networks overlap (``first`` comes first in order)."""

    group: str
    first: str
    second: str
    first_cidr: str
    second_cidr: str


def overlaps_within_groups(groups: Mapping[str, str | None], cidrs: Mapping[str, Sequence[str]]) -> list[Overlap]:
    """Environment -> group and environment -> its networks: every overlapping pair inside one group.

    Pairs follow the order of ``cidrs``; an environment with no group overlaps nothing. Networks of
    different IP versions never overlap.
    """
    found = []
    for first, second in itertools.combinations(cidrs, 2):
        group = groups.get(first)
        if group is None or groups.get(second) != group:
            continue
        for first_cidr, second_cidr in itertools.product(cidrs[first], cidrs[second]):
            a, b = ipaddress.ip_network(first_cidr), ipaddress.ip_network(second_cidr)
            if a.version == b.version and a.overlaps(b):
                found.append(Overlap(group, first, second, first_cidr, second_cidr))
    return found


def routable_overlap_problems(
    declarations: Mapping[str, tuple[str | None, str | None]], key_prefix: str
) -> list[ConfigProblem]:
    """Environment name -> (vpcCidr, routableGroup): a problem per overlapping pair within a group.

    A group member needs a ``vpcCidr`` (else there is nothing to check), and an unparsable CIDR is
    reported once, here, for any environment in a group.
    """
    problems: list[ConfigProblem] = []
    groups: dict[str, str | None] = {}
    cidrs: dict[str, list[str]] = {}
    for name, (cidr, group) in declarations.items():
        if group is None:
            continue
        if cidr is None:
            problems.append(
                ConfigProblem(
                    f"{key_prefix}.{name}.{key_of('vpc_cidr')}", None, f"is required in routable group {group!r}."
                )
            )
            continue
        try:
            ipaddress.ip_network(cidr)
        except ValueError:
            problems.append(
                ConfigProblem(f"{key_prefix}.{name}.{key_of('vpc_cidr')}", cidr, "is not a valid network CIDR.")
            )
            continue
        groups[name], cidrs[name] = group, [cidr]
    return problems + [
        ConfigProblem(
            f"{key_prefix}.{overlap.second}.{key_of('vpc_cidr')}",
            overlap.second_cidr,
            f"overlaps {overlap.first}'s {overlap.first_cidr}; both are in routable group {overlap.group!r}, and "
            "VPCs that route to each other need distinct ranges.",
        )
        for overlap in overlaps_within_groups(groups, cidrs)
    ]
