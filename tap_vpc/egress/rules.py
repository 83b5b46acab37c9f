"""Synth-time rules of the egress settings: the mode, the allow-list, the firewall subnets, the buckets."""

from __future__ import annotations

import re

from tap_vpc.egress.domains import is_valid_entry
from tap_vpc.errors import ConfigProblem
from tap_vpc.network.aws_buckets import bucket_names
from tap_vpc.settings.config import TapVpcConfig, key_of

EGRESS_MODES = ("per-az", "shared", "off")
#: The modes with a firewall in the path.
EGRESS_ON_MODES = ("per-az", "shared")
#: S3 bucket names: 3-63 characters of lowercase letters, digits, dots and hyphens, starting and
#: ending with a letter or digit (Amazon S3 User Guide, "General purpose bucket naming rules").
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def egress_on(config: TapVpcConfig) -> bool:
    """Whether the private tier's egress goes through the firewall (``egressControl`` per-az or shared)."""
    return config.egress_control in EGRESS_ON_MODES


def check_egress(config: TapVpcConfig) -> list[ConfigProblem]:
    """All egress settings; see each ``check_*``."""
    return [*check_egress_mode(config), *check_allowed_domains(config), *check_aws_buckets(config)]


def check_egress_mode(config: TapVpcConfig) -> list[ConfigProblem]:
    """One of the modes; per-az needs a NAT gateway per AZ, or replies would return by another endpoint."""
    key = key_of("egress_control")
    if config.egress_control not in EGRESS_MODES:
        return [ConfigProblem(key, config.egress_control, f"must be one of {', '.join(EGRESS_MODES)}.")]
    # No NAT gateway at all is the NAT rule's problem, reported once there.
    if config.egress_control == "per-az" and 1 <= config.nat_gateways != config.az_count:
        return [
            ConfigProblem(
                key,
                config.egress_control,
                f"needs a NAT gateway per AZ ({key_of('nat_gateways')} = {key_of('az_count')} = {config.az_count}, "
                f"not {config.nat_gateways}): an AZ without one would send its traffic out through another AZ's "
                "NAT gateway, whose replies come back through that AZ's firewall endpoint, and a stateful "
                "firewall drops a flow it sees one way only. Use shared, or one NAT gateway per AZ.",
            )
        ]
    return []


def check_allowed_domains(config: TapVpcConfig) -> list[ConfigProblem]:
    """Valid names and suffixes, each once; at least one when egress control is on."""
    key, entries = key_of("egress_allowed_domains"), config.egress_allowed_domains
    problems = [
        ConfigProblem(
            key,
            entry,
            "must be a DNS name such as api.acquirer.example, or a suffix such as .acquirer.example "
            "(lowercase letters, digits, '-' and '.'; no '*', no scheme, no port).",
        )
        for entry in entries
        if not is_valid_entry(entry)
    ]
    problems += [
        ConfigProblem(key, entry, "is listed twice.")
        for entry in sorted({entry for entry in entries if entries.count(entry) > 1})
    ]
    if egress_on(config) and not entries:
        problems.append(
            ConfigProblem(
                key,
                [],
                f"needs at least one name while {key_of('egress_control')} is {config.egress_control}: the firewall "
                "drops everything else, so the private tier would reach nothing on the internet.",
            )
        )
    return problems


def check_aws_buckets(config: TapVpcConfig) -> list[ConfigProblem]:
    """Each AWS-owned bucket, once its ``{region}`` is filled in, is a valid bucket name, each once."""
    key, patterns = key_of("gateway_endpoint_aws_buckets"), config.gateway_endpoint_aws_buckets
    problems = [
        ConfigProblem(key, pattern, "is not a valid S3 bucket name (3-63 of a-z, 0-9, '.' and '-').")
        for pattern, name in zip(patterns, bucket_names(patterns, config.region), strict=True)
        if not _BUCKET.match(name)
    ]
    problems += [
        ConfigProblem(key, pattern, "is listed twice.")
        for pattern in sorted({pattern for pattern in patterns if patterns.count(pattern) > 1})
    ]
    return problems
