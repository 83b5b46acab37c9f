"""Synth-time validation of every TAP VPC setting against AWS limits.

Each ``check_*`` function is a pure rule over the config and returns the problems it finds, so
``validate_config`` can report every invalid setting in one run. Nothing here builds resources.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from tap_vpc.egress.rules import check_egress, egress_on
from tap_vpc.errors import ConfigError, ConfigProblem
from tap_vpc.exports.outputs import longest_output_key
from tap_vpc.flow_logs.archive_rules import check_archive
from tap_vpc.segmentation.rules import check_segmentation
from tap_vpc.settings import limits
from tap_vpc.settings.config import TapVpcConfig, declaration_of, key_of
from tap_vpc.vocabulary import SUFFIX_PATTERN, did_you_mean

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_ACCOUNT_PATTERN = re.compile(r"^[0-9]{12}$")
_FLOW_LOG_TOKEN = re.compile(r"^\$\{([a-z0-9-]+)\}$")


def validate_config(config: TapVpcConfig) -> TapVpcConfig:
    """Return ``config`` unchanged if valid; otherwise raise ``ConfigError`` listing every problem."""
    problems = config_problems(config)
    if problems:
        raise ConfigError(problems)
    return config


def config_problems(config: TapVpcConfig) -> list[ConfigProblem]:
    """Every problem any rule finds in ``config``, in rule order."""
    return [problem for rule in RULES for problem in rule(config)]


def check_flow_log(config: TapVpcConfig) -> list[ConfigProblem]:
    """All flow-log settings against AWS's limits: traffic type, interval, retention and record format."""
    return [
        *check_flow_log_traffic_type(config.flow_log_traffic_type),
        *check_flow_log_aggregation_interval(config.flow_log_max_aggregation_interval),
        *check_flow_log_retention(config.flow_log_retention_days),
        *check_flow_log_format(config.flow_log_format),
    ]


def check_flow_log_aggregation_interval(interval: int) -> list[ConfigProblem]:
    """AWS accepts 60 or 600 seconds only; 300 is the historical failure."""
    return problem_if(
        interval not in _limit("flow_log_max_aggregation_interval"),
        key_of("flow_log_max_aggregation_interval"),
        interval,
        "AWS::EC2::FlowLog MaxAggregationInterval must be 60 or 600 (seconds); "
        "CloudFormation rejects any other value at deploy time.",
    )


def check_flow_log_traffic_type(traffic_type: str) -> list[ConfigProblem]:
    """Traffic type must be ACCEPT, ALL or REJECT."""
    return problem_if(
        traffic_type not in _limit("flow_log_traffic_type"),
        key_of("flow_log_traffic_type"),
        traffic_type,
        "must be one of " + ", ".join(_limit("flow_log_traffic_type")) + ".",
    )


def check_flow_log_retention(retention_days: int) -> list[ConfigProblem]:
    """Retention must be a value CloudWatch Logs accepts, and at least a year (CT.CLOUDWATCH.PR.2)."""
    accepted = _limit("flow_log_retention_days")
    allowed = ", ".join(str(days) for days in accepted if days >= limits.LOG_RETENTION_MIN_DAYS)
    if retention_days in accepted and retention_days < limits.LOG_RETENTION_MIN_DAYS:
        return [
            ConfigProblem(
                key_of("flow_log_retention_days"),
                retention_days,
                f"AWS Control Tower's CT.CLOUDWATCH.PR.2 requires at least {limits.LOG_RETENTION_MIN_DAYS} days, and "
                f"accounts that enable it as a hook refuse the deploy. Use one of: {allowed}.",
            )
        ]
    return problem_if(
        retention_days not in accepted,
        key_of("flow_log_retention_days"),
        retention_days,
        f"CloudWatch Logs accepts only these retention periods (days), and CT.CLOUDWATCH.PR.2 at least "
        f"{limits.LOG_RETENTION_MIN_DAYS}: {allowed}.",
    )


def check_flow_log_format(log_format: str | None) -> list[ConfigProblem]:
    """A custom format is ``${field}`` tokens joined by single spaces, with known fields only."""
    if log_format is None:
        return []
    key = key_of("flow_log_format")
    if not log_format.strip():
        return [ConfigProblem(key, log_format, "must name at least one field, e.g. '${srcaddr}'.")]
    if log_format != log_format.strip() or "  " in log_format or re.search(r"\s", log_format.replace(" ", "")):
        return [
            ConfigProblem(
                key,
                log_format,
                "fields must be separated by single spaces, with no leading or trailing space "
                "(AWS rejects the format at deploy time otherwise).",
            )
        ]
    tokens = log_format.split(" ")
    problems = [
        ConfigProblem(key, log_format, f"names {token} twice; each field is one column of the archive table.")
        for token in sorted({token for token in tokens if tokens.count(token) > 1})
    ]
    for token in tokens:
        match = _FLOW_LOG_TOKEN.match(token)
        if match is None:
            problems.append(ConfigProblem(key, log_format, f"token {token!r} is not of the form '${{field}}'."))
        elif match.group(1) not in limits.FLOW_LOG_FIELDS:
            hint = did_you_mean(match.group(1), limits.FLOW_LOG_FIELDS)
            problems.append(ConfigProblem(key, log_format, f"unknown field {match.group(1)!r}{hint}."))
    return problems


def check_vpc_cidr(config: TapVpcConfig) -> list[ConfigProblem]:
    """The VPC CIDR is an IPv4 network from /16 to /28, clear of the ranges in ``limits.VPC_CIDR_REFUSED``."""
    network, problem = parse_network(key_of("vpc_cidr"), config.vpc_cidr)
    if problem:
        return [problem]
    assert network is not None
    problems = prefix_problems(key_of("vpc_cidr"), network)
    if network.version == 4:
        for refused, reason in limits.VPC_CIDR_REFUSED.items():
            if network.overlaps(ipaddress.IPv4Network(refused)):
                problems.append(ConfigProblem(key_of("vpc_cidr"), config.vpc_cidr, f"overlaps {refused}: {reason}."))
    return problems


def check_subnet_cidrs(config: TapVpcConfig) -> list[ConfigProblem]:
    """Subnets: well-formed, /16 to /28, inside the VPC, one per AZ per tier, no overlaps."""
    vpc, _ = parse_network(key_of("vpc_cidr"), config.vpc_cidr)
    problems: list[ConfigProblem] = []
    if vpc is not None and vpc.version != 4:
        vpc = None  # reported by check_vpc_cidr
    planned: list[tuple[str, Network]] = []
    for key, cidrs, optional in subnet_tiers(config):
        if not (optional and not cidrs) and len(cidrs) != config.az_count:
            expected = f"0 or {config.az_count}" if optional else str(config.az_count)
            problems.append(
                ConfigProblem(
                    key,
                    ",".join(cidrs),
                    f"needs {expected} CIDRs (one per AZ, {key_of('az_count')}={config.az_count}), got {len(cidrs)}.",
                )
            )
        for cidr in cidrs:
            network, problem = parse_network(key, cidr)
            if problem:
                problems.append(problem)
                continue
            assert network is not None
            problems += prefix_problems(key, network)
            if network.version != 4:
                continue
            if vpc is not None and not network.subnet_of(vpc):
                problems.append(ConfigProblem(key, cidr, f"is outside the VPC CIDR {vpc}."))
            planned.append((key, network))
    for (key_a, net_a), (key_b, net_b) in itertools.combinations(planned, 2):
        if net_a.overlaps(net_b):
            problems.append(
                ConfigProblem(key_b, str(net_b), f"overlaps {net_a} ({key_a}); subnet CIDRs must not overlap.")
            )
    return problems


def check_az_count(config: TapVpcConfig) -> list[ConfigProblem]:
    """1 to 3 AZs; without pinned AZ IDs, no more than accounts commonly see in the region."""
    counts = _limit("az_count")
    if config.az_count not in counts:
        return [ConfigProblem(key_of("az_count"), config.az_count, f"must be {min(counts)} to {max(counts)}.")]
    visible = limits.AZS_COMMONLY_VISIBLE.get(config.region)
    if not config.availability_zone_ids and visible is not None and config.az_count > visible:
        return [
            ConfigProblem(
                key_of("az_count"),
                config.az_count,
                f"many accounts see only {visible} AZs in {config.region}, so Fn::GetAZs cannot promise "
                f"{config.az_count}. Pin {key_of('availability_zone_ids')} (a declared environment in cdk.json "
                f"tapVpcEnvironments), or use {key_of('az_count')}={visible}.",
            )
        ]
    return []


def check_availability_zone_ids(config: TapVpcConfig) -> list[ConfigProblem]:
    """Pinned AZ IDs belong to the region, are distinct, and number exactly ``azCount``."""
    key, zones = key_of("availability_zone_ids"), config.availability_zone_ids
    if not zones:
        return []
    known = limits.AZ_IDS_BY_REGION.get(config.region, ())
    problems = [
        ConfigProblem(key, zone, f"is not an AZ ID of {config.region} ({', '.join(known) or 'region not in limits'}).")
        for zone in zones
        if zone not in known
    ]
    if len(set(zones)) != len(zones):
        problems.append(ConfigProblem(key, ",".join(zones), "lists an AZ twice; each tier needs distinct AZs."))
    if len(zones) != config.az_count:
        problems.append(
            ConfigProblem(
                key, ",".join(zones), f"pins {len(zones)} AZs, but {key_of('az_count')} is {config.az_count}."
            )
        )
    return problems


def check_nat_gateways(config: TapVpcConfig) -> list[ConfigProblem]:
    """1 to azCount NAT gateways: private subnets need egress; more than one per AZ is waste."""
    key, count = key_of("nat_gateways"), config.nat_gateways
    if count < 0 or count > config.az_count:
        return [
            ConfigProblem(
                key, count, f"must be between 1 and {key_of('az_count')} ({config.az_count}): one per AZ at most."
            )
        ]
    if count == 0 and config.private_subnet_cidrs:
        return [
            ConfigProblem(
                key,
                count,
                "the private subnets route to the internet through NAT gateways, so at least 1 is "
                f"needed. For subnets with no internet route, use {key_of('data_tier')} instead.",
            )
        ]
    return []


def check_environment_suffix(config: TapVpcConfig) -> list[ConfigProblem]:
    """The suffix must make valid stack, export, log-group and IAM role names."""
    key, suffix = key_of("environment_suffix"), config.environment_suffix
    if suffix and suffix.lower() != suffix:
        return [
            ConfigProblem(
                key,
                suffix,
                "must be lowercase: it becomes part of log-group, KMS alias and export names, and "
                "names that differ only by case are easy to confuse across accounts.",
            )
        ]
    if "_" in suffix:
        return [
            ConfigProblem(
                key,
                suffix,
                "must not contain '_': CloudFormation stack and export names allow only letters, digits and '-'.",
            )
        ]
    if not SUFFIX_PATTERN.fullmatch(suffix):
        return [
            ConfigProblem(key, suffix, "must be 1 or more of [a-z0-9-], starting and ending with a letter or digit.")
        ]
    return suffix_length_problems(config)


def check_https_ingress_cidrs(config: TapVpcConfig) -> list[ConfigProblem]:
    """Ingress sources are networks (IPv4 or IPv6), not host addresses, within the rules quota.

    Each CIDR is one inbound rule; the default quota is 60 per security group, for IPv4 and IPv6
    rules separately.
    """
    key = key_of("https_ingress_cidrs")
    if not config.https_ingress_cidrs:
        return [ConfigProblem(key, "", "needs at least one CIDR, e.g. 0.0.0.0/0 or 10.0.0.0/8.")]
    problems = [
        ConfigProblem(key, cidr, "is listed twice; each CIDR is one rule.")
        for cidr in sorted({c for c in config.https_ingress_cidrs if config.https_ingress_cidrs.count(c) > 1})
    ]
    networks = []
    for cidr in config.https_ingress_cidrs:
        network, problem = parse_network(key, cidr)
        if problem:
            problems.append(problem)
            continue
        assert network is not None
        networks.append(network)
    for version in (4, 6):
        count = sum(1 for network in networks if network.version == version)
        problems += problem_if(
            count > limits.SECURITY_GROUP_INBOUND_RULES_MAX,
            key,
            f"{count} IPv{version} CIDRs",
            f"each is an inbound rule of the HTTPS security group, and the quota 'Inbound or outbound rules "
            f"per security group' (L-0EA8095F) is {limits.SECURITY_GROUP_INBOUND_RULES_MAX} per IP version by "
            "default. Raise it in Service Quotas first, or use fewer, larger CIDRs (or a prefix list).",
        )
    return problems


def check_tags(config: TapVpcConfig) -> list[ConfigProblem]:
    """At most 50 tags on any resource as the template carries them; keys 1-128, values up to 256, no ``aws:``.

    The count is the resource with the most tags: ours (Environment, Project, ManagedBy and the
    user's) plus the ``Name`` and ``aws-cdk:subnet-*`` tags the CDK puts on every subnet.
    """
    tags = config.all_tags
    carried = len(set(tags) | set(limits.CDK_ADDED_TAG_KEYS))
    problems = problem_if(
        carried > limits.TAGS_MAX,
        key_of("tags"),
        f"{len(tags)} tags",
        f"a subnet would carry {carried} tags, and AWS allows at most {limits.TAGS_MAX} per resource: "
        f"Environment, Project, ManagedBy and yours, plus {', '.join(limits.CDK_ADDED_TAG_KEYS)} that the CDK adds.",
    )
    for tag_key, tag_value in tags.items():
        if not 1 <= len(tag_key) <= limits.TAG_KEY_MAX:
            problems.append(
                ConfigProblem(
                    key_of("tags"),
                    tag_key,
                    f"tag keys must be 1 to {limits.TAG_KEY_MAX} characters (got {len(tag_key)}).",
                )
            )
        if len(tag_value) > limits.TAG_VALUE_MAX:
            problems.append(
                ConfigProblem(
                    key_of("tags"),
                    f"{tag_key}={tag_value}",
                    f"tag values must be at most {limits.TAG_VALUE_MAX} characters (got {len(tag_value)}).",
                )
            )
        bad = sorted({char for char in tag_key + tag_value if not tag_character_allowed(char)})
        if bad:
            problems.append(
                ConfigProblem(
                    key_of("tags"),
                    f"{tag_key}={tag_value}",
                    f"contains {''.join(bad)!r}; tags allow letters, digits, spaces and _ . : / = + - @ "
                    "(pattern ^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$).",
                )
            )
        if tag_key.lower().startswith("aws:"):
            problems.append(ConfigProblem(key_of("tags"), tag_key, "the 'aws:' prefix is reserved for AWS."))
    return problems


def tag_character_allowed(char: str) -> bool:
    """AWS tag keys and values allow Unicode letters, separators and numbers, and ``_.:/=+-@``."""
    return unicodedata.category(char)[0] in "LZN" or char in limits.TAG_EXTRA_CHARACTERS


def check_region(config: TapVpcConfig) -> list[ConfigProblem]:
    """A region of the ``aws`` partition that limits knows the AZs of; other partitions are refused."""
    region = config.region
    for prefix, partition in limits.UNSUPPORTED_PARTITION_PREFIXES.items():
        if region.startswith(prefix):
            return [
                ConfigProblem(
                    key_of("region"),
                    region,
                    f"is in the {partition} partition, which TAP VPC does not support: its service principals "
                    "and ARNs differ from the aws partition's, and no template has been checked there.",
                )
            ]
    if region in limits.AZ_IDS_BY_REGION:
        return []
    hint = did_you_mean(region, limits.AZ_IDS_BY_REGION)
    return [
        ConfigProblem(
            key_of("region"),
            region,
            f"is not a supported region{hint} (supported: the aws-partition regions whose AZ IDs "
            "tap_vpc/settings/limits.py AZ_IDS_BY_REGION lists).",
        )
    ]


def check_account(config: TapVpcConfig) -> list[ConfigProblem]:
    """The optional account is a 12-digit AWS account id."""
    return problem_if(
        config.account is not None and not _ACCOUNT_PATTERN.fullmatch(config.account),
        key_of("account"),
        config.account,
        "must be a 12-digit AWS account id, or left out for an environment-agnostic template.",
    )


RULES: tuple[Callable[[TapVpcConfig], list[ConfigProblem]], ...] = (
    check_environment_suffix,
    check_region,
    check_account,
    check_vpc_cidr,
    check_az_count,
    check_availability_zone_ids,
    check_nat_gateways,
    check_subnet_cidrs,
    check_https_ingress_cidrs,
    check_flow_log,
    check_archive,
    check_segmentation,
    check_egress,
    check_tags,
)


def _limit(field_name: str) -> tuple[Any, ...]:
    """The values AWS accepts for the setting of ``field_name``, from its declaration's ``AwsLimit``."""
    limit = declaration_of(field_name).limit
    assert limit is not None, f"{field_name} declares no AWS limit"
    return limit.values


def problem_if(condition: bool, key: str, value: object, allowed: str) -> list[ConfigProblem]:
    """Return ``[ConfigProblem(key, value, allowed)]`` when ``condition`` holds, else ``[]``."""
    return [ConfigProblem(key, value, allowed)] if condition else []


def parse_network(key: str, cidr: str) -> tuple[Network | None, ConfigProblem | None]:
    """Parse ``cidr`` strictly: a mask is required, and a host address with a mask (10.0.0.1/16) is a problem.

    Python reads ``10.0.0.1`` as a /32, but aws-cdk-lib's ``ec2.Peer`` and CloudFormation want the
    mask written, so an address without one is refused here, at the settings edge.
    """
    if "/" not in cidr:
        try:
            network = ipaddress.ip_network(cidr)
        except ValueError:
            return None, ConfigProblem(key, cidr, "is not a valid CIDR block: write it as address/mask.")
        return None, ConfigProblem(
            key, cidr, f"has no mask; CIDR blocks are written address/mask, e.g. {network} for this one address."
        )
    try:
        return ipaddress.ip_network(cidr, strict=True), None
    except ValueError as error:
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            return None, ConfigProblem(key, cidr, f"is not a valid CIDR block ({error}).")
        return None, ConfigProblem(key, cidr, f"is a host address, not a network; did you mean {network}?")


def prefix_problems(key: str, network: Network) -> list[ConfigProblem]:
    """AWS allows VPC and subnet prefixes from /16 (largest) to /28 (smallest), IPv4 only."""
    if network.version != 4:
        return [ConfigProblem(key, str(network), "must be an IPv4 CIDR block.")]
    return problem_if(
        not limits.MIN_PREFIX_LENGTH <= network.prefixlen <= limits.MAX_PREFIX_LENGTH,
        key,
        str(network),
        f"the prefix must be from /{limits.MIN_PREFIX_LENGTH} to /{limits.MAX_PREFIX_LENGTH}.",
    )


def subnet_tiers(config: TapVpcConfig) -> list[tuple[str, tuple[str, ...], bool]]:
    """``(context key, cidrs, optional)`` of each tier: public, private, data, and firewall with egress control."""
    return [
        (key_of("public_subnet_cidrs"), config.public_subnet_cidrs, False),
        (key_of("private_subnet_cidrs"), config.private_subnet_cidrs, False),
        (key_of("isolated_subnet_cidrs"), config.isolated_subnet_cidrs, True),
        *([(key_of("firewall_subnet_cidrs"), config.firewall_subnet_cidrs, False)] if egress_on(config) else []),
    ]


def derived_names(config: TapVpcConfig) -> list[tuple[str, str, int]]:
    """Return ``(kind, name, max length)`` for every AWS name built from the suffix."""
    return [
        ("stack name", config.stack_name, limits.STACK_NAME_MAX),
        ("export name", f"{config.export_prefix}-{longest_output_key(config)}", limits.EXPORT_NAME_MAX),
        ("log group name", config.flow_log_group_name, limits.LOG_GROUP_NAME_MAX),
        ("IAM role name", config.flow_log_role_name, limits.IAM_ROLE_NAME_MAX),
    ]


def suffix_length_problems(config: TapVpcConfig) -> list[ConfigProblem]:
    """Report the tightest name limit the suffix breaks, with the maximum suffix length."""
    suffix = config.environment_suffix
    for kind, name, max_length in sorted(derived_names(config), key=lambda item: item[2] - len(item[1])):
        if len(name) > max_length:
            fits = max_length - (len(name) - len(suffix))
            return [
                ConfigProblem(
                    key_of("environment_suffix"),
                    suffix,
                    f"is {len(suffix)} characters; at most {fits} fit, because the {kind} "
                    f"{name.replace(suffix, '<suffix>')!r} must be at most {max_length} characters.",
                )
            ]
    return []
