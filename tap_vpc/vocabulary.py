"""The words every concern shares: the tiers, the HTTPS port, the IPv4 test, did-you-mean, the suffix pattern.

Pure Python at the bottom of the import graph: settings, fleet, network, segmentation and the
docs all use these, so a tier, a port or a pattern is spelled once.
"""

from __future__ import annotations

import difflib
import enum
import ipaddress
import re
from collections.abc import Iterable

#: TCP port of every HTTPS rule: the public tier's ingress, the interface endpoints, the matrix.
HTTPS = 443

#: The CloudFormation type of the lock-down that empties a VPC's default network ACL: the network
#: builds it, the PCI DSS pack looks for it.
DEFAULT_NETWORK_ACL_LOCKDOWN = "Custom::VpcRestrictDefaultNetworkAcl"

#: An environment suffix: lowercase letters, digits and '-', starting and ending with a letter or digit.
SUFFIX_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


class Tier(enum.Enum):
    """A subnet tier. The value is its name in the reachability matrix and the address layout.

    ``subnet_group`` is the CDK subnet group the tier's subnets belong to. The data tier's group is
    ``Isolated``: that name is part of every data-tier logical ID and of the exported output keys
    (``IsolatedSubnet1Id``), which are a contract, so it stays while the product calls the tier "data".
    """

    PUBLIC = "public"
    PRIVATE = "private"
    DATA = "data"
    #: The egress firewall's endpoints, one /28 per AZ: not a zone of the matrix, no workload runs there.
    FIREWALL = "firewall"

    @property
    def subnet_group(self) -> str:
        """The subnet group name: ``Public``, ``Private``, ``Isolated`` or ``Firewall``."""
        return {"public": "Public", "private": "Private", "data": "Isolated", "firewall": "Firewall"}[self.value]


def is_ipv4(cidr: str) -> bool:
    """Whether ``cidr`` (a network in CIDR notation, host bits allowed) is IPv4; False when it is not a network."""
    try:
        return ipaddress.ip_network(cidr, strict=False).version == 4
    except ValueError:
        return False


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` for the candidate closest to ``word`` (difflib ratio >= ``cutoff``), else ``""``."""
    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=cutoff)
    return f"; did you mean {matches[0]!r}?" if matches else ""
