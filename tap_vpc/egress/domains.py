"""The egress allow-list's names: exact DNS names and ``.suffix`` wildcards, in each service's syntax.

A setting entry is an exact name (``api.acquirer.example``) or a leading-dot suffix
(``.acquirer.example``: every name under it, not the name itself). Network Firewall's domain lists
take the same syntax ("Stateful domain list rule groups", Network Firewall Developer Guide);
Route 53 Resolver DNS Firewall writes a wildcard as ``*.acquirer.example`` ("Domain lists",
Route 53 Developer Guide).
"""

from __future__ import annotations

import re

#: A DNS name of lowercase labels (1-63 characters, letters, digits and inner hyphens), with a
#: top-level label of letters; at most 253 characters in all (RFC 1035).
_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

#: Names AWS services answer in the VPC, which DNS Firewall must always let resolve: the AWS API
#: names behind the interface endpoints' private DNS, and EC2's internal host names.
AWS_RESOLVED_NAMES: tuple[str, ...] = ("*.amazonaws.com", "*.compute.internal", "*.ec2.internal")


def is_valid_entry(entry: str) -> bool:
    """Whether ``entry`` is an exact DNS name or a ``.suffix`` of one."""
    return _NAME.match(entry[1:] if entry.startswith(".") else entry) is not None


def network_firewall_targets(entries: tuple[str, ...]) -> list[str]:
    """The domain list ``Targets`` of Network Firewall: the entries as they are."""
    return list(entries)


def dns_firewall_domains(entries: tuple[str, ...]) -> list[str]:
    """Route 53 Resolver DNS Firewall's syntax: ``.suffix`` becomes ``*.suffix``; exact names stay."""
    return [f"*{entry}" if entry.startswith(".") else entry for entry in entries]
