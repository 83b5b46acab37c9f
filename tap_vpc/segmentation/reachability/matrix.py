"""The reachability matrix: which zone may reach which, on which ports (PCI DSS v4.0 1.3, 1.4).

A rule is written ``source -> destination : ports : verdict``, for example
``internet -> public : 443 : allow``. Zones are ``internet``, the tiers ``public``, ``private`` and
``data`` (the isolated tier), and ``endpoints`` (the interface endpoints' network interfaces, which sit
in the private subnets). Ports are ``any`` (every protocol and port), ``data`` (``dataTierPorts``), or
TCP ports and ranges such as ``443`` or ``1024-65535,8443``. Parsing is pure; ``evaluate`` checks a
template against the rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

INTERNET = "internet"
TIERS = ("public", "private", "data")
ENDPOINTS = "endpoints"
ZONES = (INTERNET, *TIERS, ENDPOINTS)
VERDICTS = ("allow", "deny")
MAX_PORT = 65535

_RULE = re.compile(r"^\s*([a-z]+)\s*->\s*([a-z]+)\s*:\s*([a-z0-9,\- ]+?)\s*:\s*([a-z]+)\s*$")
_PORT_RANGE = re.compile(r"^([0-9]{1,5})(?:-([0-9]{1,5}))?$")


class MatrixRuleError(ValueError):
    """A rule that does not parse; the message says what is wrong and what is allowed."""


@dataclass(frozen=True)
class MatrixRule:
    """One parsed rule. ``ports`` is None for ``any`` (all protocols), else inclusive TCP ranges."""

    text: str
    source: str
    destination: str
    ports: tuple[tuple[int, int], ...] | None
    verdict: str

    @property
    def allows(self) -> bool:
        """True for an ``allow`` rule (a path must exist), False for ``deny`` (none may exist)."""
        return self.verdict == "allow"


def parse_rule(text: str, data_tier_ports: Sequence[int]) -> MatrixRule:
    """Parse one rule; ``data`` ports expand to ``data_tier_ports``. Raises ``MatrixRuleError``."""
    match = _RULE.match(text)
    if match is None:
        raise MatrixRuleError("must read 'source -> destination : ports : allow|deny'.")
    source, destination, ports, verdict = match.groups()
    for zone in (source, destination):
        if zone not in ZONES:
            raise MatrixRuleError(f"zone {zone!r} is unknown; zones are {', '.join(ZONES)}.")
    if source == destination:
        raise MatrixRuleError("source and destination must differ (a tier reaches itself locally).")
    if verdict not in VERDICTS:
        raise MatrixRuleError(f"verdict {verdict!r} must be allow or deny.")
    return MatrixRule(text.strip(), source, destination, parse_ports(ports, data_tier_ports), verdict)


def parse_ports(ports: str, data_tier_ports: Sequence[int]) -> tuple[tuple[int, int], ...] | None:
    """``any`` -> None; ``data`` -> each data-tier port; else comma-separated ports and ranges."""
    if ports.strip() == "any":
        return None
    if ports.strip() == "data":
        return tuple((port, port) for port in data_tier_ports)
    ranges = []
    for item in ports.replace(" ", "").split(","):
        match = _PORT_RANGE.match(item)
        if match is None:
            raise MatrixRuleError(f"ports {ports!r} must be any, data, or ports and ranges such as 443,1024-65535.")
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if not 0 <= low <= high <= MAX_PORT:
            raise MatrixRuleError(f"port range {item!r} must lie within 0-{MAX_PORT}, low end first.")
        ranges.append((low, high))
    return tuple(ranges)


def parse_matrix(rules: Sequence[str], data_tier_ports: Sequence[int]) -> list[MatrixRule]:
    """Parse every rule; raises ``MatrixRuleError`` naming the first rule that does not parse."""
    parsed = []
    for text in rules:
        try:
            parsed.append(parse_rule(text, data_tier_ports))
        except MatrixRuleError as error:
            raise MatrixRuleError(f"rule {text!r}: {error}") from None
    return parsed
