"""Read TAP VPC settings from CDK context into a validated ``TapVpcConfig``.

Precedence, lowest first:
1. built-in defaults (``TapVpcConfig``'s field defaults: the production topology);
2. the environment profile from ``cdk.json`` (``tapVpcProfiles``), chosen by ``environmentSuffix``:
   a declared environment's own profile (``dev``, ``prod``), or ``ephemeral`` for an ephemeral suffix;
   a declared environment's account, region and AZ IDs come from ``tapVpcEnvironments`` only;
3. explicit context: top-level keys in ``cdk.json`` and ``cdk synth -c key=value``.
   ``environmentSuffix`` may also come from the ENVIRONMENT_SUFFIX variable (context wins).

Values given with ``-c`` arrive as strings: lists are comma-separated, tags are ``k=v,k=v``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from tap_vpc.errors import ConfigError, ConfigProblem
from tap_vpc.fleet.declarations import (
    ENVIRONMENTS_KEY,
    declared_environments,
    declared_setting_problems,
    is_ephemeral,
    raised_elastic_ip_quotas,
    unknown_suffix_problem,
)
from tap_vpc.fleet.quotas import elastic_ip_problems
from tap_vpc.network.layout import LayoutError, layout_subnets
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.rules import config_problems

PROFILES_KEY = "tapVpcProfiles"
EPHEMERAL_PROFILE = "ephemeral"
SUFFIX_VARIABLE = "ENVIRONMENT_SUFFIX"


class ParseError(ValueError):
    """A raw value that cannot be read as the setting's type; the message says what is expected."""


def parse_str(raw: object) -> str:
    """Accept a string as is."""
    if not isinstance(raw, str):
        raise ParseError("must be a string.")
    return raw


def parse_optional_str(raw: object) -> str | None:
    """Accept a string; JSON null means 'not set'."""
    return None if raw is None else parse_str(raw)


def parse_int(raw: object) -> int:
    """Accept an integer, a whole float such as 30.0, or a string of digits (from ``-c``).

    The CDK CLI reads cdk.json as JavaScript, where 30.0 is 30; a whole float is that integer here
    too, so that every tool reads cdk.json the way ``cdk synth`` does.
    """
    if isinstance(raw, bool):
        raise ParseError("must be an integer, not a boolean.")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            pass
    raise ParseError("must be an integer.")


def parse_bool(raw: object) -> bool:
    """Accept a boolean, or 'true'/'false' in any case (from ``-c``)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ParseError("must be true or false.")


def parse_list(raw: object) -> tuple[str, ...]:
    """Accept a JSON list of strings, or a comma-separated string; blanks are dropped."""
    if isinstance(raw, str):
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(item.strip() for item in raw)
    raise ParseError("must be a list of strings or a comma-separated string.")


def parse_ports(raw: object) -> tuple[int, ...]:
    """Accept a JSON list of integers, or a comma-separated string of them (from ``-c``)."""
    items = parse_list(raw) if isinstance(raw, str) else raw
    if isinstance(items, (list, tuple)):
        try:
            return tuple(parse_int(item) for item in items)
        except ParseError:
            pass
    raise ParseError("must be a list of port numbers, or a comma-separated string of them.")


def parse_tags(raw: object) -> tuple[tuple[str, str], ...]:
    """Accept a JSON object of strings, or ``k=v,k=v`` (from ``-c``)."""
    if isinstance(raw, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        return tuple(raw.items())
    if isinstance(raw, str):
        pairs = [item.strip() for item in raw.split(",") if item.strip()]
        if all("=" in pair for pair in pairs):
            return tuple((key.strip(), value.strip()) for key, value in (pair.split("=", 1) for pair in pairs))
    raise ParseError("must be an object of strings, or 'Key=Value,Key=Value'.")


@dataclass(frozen=True)
class Setting:
    """One context key: the config field it sets, its parser, and a line for the README table."""

    key: str
    field: str
    parse: Callable[[object], Any]
    allowed: str
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "environmentSuffix",
        "environment_suffix",
        parse_str,
        "lowercase [a-z0-9-], length limited by derived names",
        "Environment name; selects the profile and suffixes every name and export. Also read from ENVIRONMENT_SUFFIX.",
    ),
    Setting("region", "region", parse_str, "an AWS region name", "Region to deploy to. Never guessed from the shell."),
    Setting(
        "account",
        "account",
        parse_optional_str,
        "12 digits, or unset",
        "Account to deploy to; unset keeps the template environment-agnostic.",
    ),
    Setting(
        "vpcCidr",
        "vpc_cidr",
        parse_str,
        "IPv4 network, /16 to /28; a declared environment's only in its declaration",
        "The VPC's address range; when set, subnets not named explicitly follow the standard layout.",
    ),
    Setting(
        "azCount",
        "az_count",
        parse_int,
        "1 to 3; equal to the pinned AZ IDs",
        "Availability zones. Declared environments pin them; ephemeral ones choose with Fn::GetAZs at deploy time.",
    ),
    Setting(
        "availabilityZoneIds",
        "availability_zone_ids",
        parse_list,
        "azCount AZ IDs of the region, or none",
        "Pinned AZs by AZ ID; set only in a declared environment (ephemeral ones may pass -c).",
    ),
    Setting(
        "natGateways",
        "nat_gateways",
        parse_int,
        "1 to azCount",
        "NAT gateways; one per AZ keeps AZs independent, 1 is the cheap non-production option.",
    ),
    Setting(
        "publicSubnetCidrs",
        "public_subnet_cidrs",
        parse_list,
        "azCount networks inside vpcCidr, /16 to /28",
        "Public tier, one per AZ.",
    ),
    Setting(
        "privateSubnetCidrs",
        "private_subnet_cidrs",
        parse_list,
        "azCount networks inside vpcCidr, /16 to /28",
        "Private tier with NAT egress, one per AZ.",
    ),
    Setting(
        "isolatedSubnetCidrs",
        "isolated_subnet_cidrs",
        parse_list,
        "none, or azCount networks inside vpcCidr",
        "Optional database tier with no internet route.",
    ),
    Setting(
        "httpsIngressCidrs",
        "https_ingress_cidrs",
        parse_list,
        "IPv4/IPv6 networks (not host addresses); at most 15 IPv4 ones (public NACL quota)",
        "Sources allowed to reach TCP 443 on the HTTPS security group and the public tier's NACL.",
    ),
    Setting(
        "dataTierPorts",
        "data_tier_ports",
        parse_ports,
        "TCP ports 1-65535, each once; (ports + 2) x azCount NACL inbound rules within AWS's 20",
        "Ports the private tier may open to the data tier (isolatedSubnetCidrs), in its NACL and security group.",
    ),
    Setting(
        "interfaceEndpoints",
        "interface_endpoints",
        parse_list,
        "service names such as kms, sts, ecr.api, each once, at most 50",
        "Interface endpoints in the private tier: private DNS, 443 from the VPC only, this account's principals.",
    ),
    Setting(
        "reachabilityMatrix",
        "reachability_matrix",
        parse_list,
        "rules 'source -> destination : ports : allow|deny' over internet, public, private, data",
        "What may reach what; every synth checks the template against it (PCI DSS 1.3, 1.4). Defaults to PCI's.",
    ),
    Setting(
        "flowLogTrafficType",
        "flow_log_traffic_type",
        parse_str,
        "ACCEPT, ALL, REJECT",
        "Which traffic the flow log records.",
    ),
    Setting(
        "flowLogMaxAggregationInterval",
        "flow_log_max_aggregation_interval",
        parse_int,
        "60 or 600",
        "Flow-log aggregation window in seconds.",
    ),
    Setting(
        "flowLogRetentionDays",
        "flow_log_retention_days",
        parse_int,
        "a CloudWatch Logs retention value",
        "Days the flow log is kept (PCI DSS 10.5.1 asks for 365).",
    ),
    Setting(
        "flowLogFormat",
        "flow_log_format",
        parse_optional_str,
        "${field} tokens separated by single spaces, each field once; null for AWS's v2 default",
        "Flow-log record format. The default is the fields an investigation needs (v2, v3, v4 and v5 fields:"
        " pkt-*, subnet, AZ, AWS service, direction, path); tap_vpc/flow_logs/fields.py types each one.",
    ),
    Setting(
        "flowLogArchive",
        "flow_log_archive",
        parse_bool,
        "true, false",
        "A second flow log to S3 as hourly Hive-partitioned Parquet, with a Glue table and Athena queries over it.",
    ),
    Setting(
        "archiveRetentionDays",
        "archive_retention_days",
        parse_int,
        "1 to 36500; at least 365 when retainData; after archiveTransitionDays",
        "Days archive objects are locked and kept; they expire after it (PCI DSS 10.5.1 asks for 365).",
    ),
    Setting(
        "archiveTransitionDays",
        "archive_transition_days",
        parse_int,
        "0 or more, less than archiveRetentionDays",
        "Days before archive objects move to S3 Glacier Instant Retrieval.",
    ),
    Setting(
        "archiveObjectLockMode",
        "archive_object_lock_mode",
        parse_str,
        "GOVERNANCE, COMPLIANCE",
        "Object Lock mode of the archive. COMPLIANCE: no one, not even root, can delete or shorten it.",
    ),
    Setting(
        "retainData",
        "retain_data",
        parse_bool,
        "true, false",
        "Keep the log group, the archive buckets and the KMS keys when the stack is deleted.",
    ),
    Setting(
        "terminationProtection",
        "termination_protection",
        parse_bool,
        "true, false",
        "CloudFormation termination protection on the stack.",
    ),
    Setting(
        "tags",
        "tags",
        parse_tags,
        "at most 50; key 1-128, value up to 256 chars; no aws: prefix",
        "Extra tags, merged over Environment, Project=PaymentGateway and ManagedBy=CDK.",
    ),
)

SETTINGS_BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}
#: cdk.json's GitHub repository (owner/name), read by ci_roles_app.py for the OIDC trust conditions.
REPOSITORY_KEY = "tapVpcGitHubRepository"
KNOWN_KEYS: frozenset[str] = frozenset(SETTINGS_BY_KEY) | {PROFILES_KEY, ENVIRONMENTS_KEY, REPOSITORY_KEY}
_FIELD_NAMES = {f.name for f in fields(TapVpcConfig)}
assert {setting.field for setting in SETTINGS} == _FIELD_NAMES, "every config field needs a context key"


def load_config(context: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> TapVpcConfig:
    """Build and validate the config from CDK context (``app.node.get_all_context()``).

    ``environ`` supplies ENVIRONMENT_SUFFIX (pass ``os.environ``); it defaults to none. A declared
    environment (``tapVpcEnvironments``) takes account, region and AZ IDs from its declaration only;
    an ephemeral suffix (``pr-<number>``, ``sandbox-<name>``) gets the ``ephemeral`` profile; any
    other suffix is refused. Raises ``ConfigError`` listing every problem: unknown keys, missing
    profiles, unparsable and invalid values.
    """
    environ = environ or {}
    problems = unknown_key_problems(context)
    profiles = context.get(PROFILES_KEY)
    if not isinstance(profiles, dict):
        problems.append(
            ConfigProblem(PROFILES_KEY, profiles, "must be an object of profile name -> settings (see cdk.json).")
        )
        profiles = {}
    declared, declaration_problems = declared_environments(context)
    problems += declaration_problems

    suffix_raw = context.get("environmentSuffix", environ.get(SUFFIX_VARIABLE, TapVpcConfig.environment_suffix))
    environment = declared.get(suffix_raw) if isinstance(suffix_raw, str) else None
    profile_name = suffix_raw if environment is not None else EPHEMERAL_PROFILE
    # A malformed suffix is reported by validation's suffix rule; only a well-formed one can be a typo.
    well_formed = isinstance(suffix_raw, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", suffix_raw) is not None
    if environment is None and well_formed and not is_ephemeral(suffix_raw):
        problems.append(unknown_suffix_problem(suffix_raw, declared))
    profile = profiles.get(profile_name)
    if profile is None:
        if profiles:
            problems.append(
                ConfigProblem(
                    f"{PROFILES_KEY}.{profile_name}", None, "is missing: every environment needs its profile."
                )
            )
        profile = {}
    problems += profile_problems(profile_name, profile)
    if not isinstance(profile, dict):
        profile = {}

    layered: dict[str, Any] = {}
    for source in (profile, context):
        layered.update({key: value for key, value in source.items() if key in SETTINGS_BY_KEY})
    layered["environmentSuffix"] = suffix_raw
    if environment is not None:
        problems += declared_setting_problems(
            environment, {"cdk.json context or -c": context, f"profile {profile_name!r}": profile}
        )
        layered.update(
            account=environment.account,
            region=environment.region,
            availabilityZoneIds=list(environment.availability_zone_ids),
        )
        if environment.vpc_cidr is not None:
            layered["vpcCidr"] = environment.vpc_cidr

    values: dict[str, Any] = {}
    for key, raw in layered.items():
        setting = SETTINGS_BY_KEY[key]
        try:
            values[setting.field] = setting.parse(raw)
        except ParseError as error:
            problems.append(ConfigProblem(key, raw, str(error)))
    problems += apply_layout(values, given=set(layered))
    config = TapVpcConfig(**values)
    # Values that did not parse keep their defaults here, so every other rule still reports.
    problems += config_problems(config)
    if problems:
        raise ConfigError(problems)
    return config


def load_fleet_configs(context: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> list[TapVpcConfig]:
    """The configs a synth builds: the selected environment's, or, with none selected, every declared one.

    An environment is selected by ``environmentSuffix`` in the context (``-c``) or ENVIRONMENT_SUFFIX in
    ``environ``. Without one, each environment of ``tapVpcEnvironments`` is loaded as ``load_config``
    would load it; the problems of all of them are raised together, each once. Either way, the
    declared environments that share an account and region must fit its Elastic IP quota together
    (``regional_quotas``), so a selected environment is checked with its neighbours too.
    """
    environ = environ or {}
    declared, _ = declared_environments(context)
    if "environmentSuffix" in context or SUFFIX_VARIABLE in environ or not declared:
        selected = load_config(context, environ)
        neighbours = [
            neighbour
            for name, environment in declared.items()
            if name != selected.environment_suffix
            and (environment.account, environment.region) == (selected.account, selected.region)
            and (neighbour := _loaded_or_none({**context, "environmentSuffix": name}, environ)) is not None
        ]
        problems = elastic_ip_problems([selected, *neighbours], raised_elastic_ip_quotas(declared))
        if problems:
            raise ConfigError(problems)
        return [selected]
    configs: list[TapVpcConfig] = []
    problems = []
    for name in declared:
        try:
            configs.append(load_config({**context, "environmentSuffix": name}, environ))
        except ConfigError as error:
            problems += [problem for problem in error.problems if problem not in problems]
    problems += elastic_ip_problems(configs, raised_elastic_ip_quotas(declared))
    if problems:
        raise ConfigError(problems)
    return configs


def _loaded_or_none(context: Mapping[str, Any], environ: Mapping[str, str]) -> TapVpcConfig | None:
    """The config, or None when it has problems of its own (its own synth reports them)."""
    try:
        return load_config(context, environ)
    except ConfigError:
        return None


def apply_layout(values: dict[str, Any], given: set[str]) -> list[ConfigProblem]:
    """With a ``vpcCidr`` set, derive the public and private subnets not ``given`` from ``cidr_layout``.

    Fills ``values`` (config field -> value) in place; returns the problem when the VPC is too small.
    """
    if "vpc_cidr" not in values:
        return []
    az_count = values.get("az_count", TapVpcConfig.az_count)
    for tier, key, field_name in (
        ("public", "publicSubnetCidrs", "public_subnet_cidrs"),
        ("private", "privateSubnetCidrs", "private_subnet_cidrs"),
    ):
        if key in given:
            continue
        try:
            values[field_name] = layout_subnets(values["vpc_cidr"], tier, az_count)
        except LayoutError as error:
            return [ConfigProblem("vpcCidr", values["vpc_cidr"], str(error))]
        except ValueError:
            return []  # not a network: validation's vpcCidr rule reports it
    return []


def profile_problems(name: str, profile: object) -> list[ConfigProblem]:
    """A profile is an object of known settings; it cannot choose the suffix that selects it."""
    key = f"{PROFILES_KEY}.{name}"
    if not isinstance(profile, dict):
        return [ConfigProblem(key, profile, "must be an object of settings.")]
    problems = []
    for setting_key in profile:
        if setting_key == "environmentSuffix" or setting_key not in SETTINGS_BY_KEY:
            hint = key_suggestion(setting_key)
            problems.append(
                ConfigProblem(f"{key}.{setting_key}", profile[setting_key], f"is not a profile setting{hint}.")
            )
    return problems


#: Settings that earlier releases had, with what replaced them (see CHANGELOG.md).
RETIRED_KEYS: dict[str, str] = {
    "deployTarget": "was removed in 2.0.0: every target deploys the same template (see CHANGELOG.md)",
}


def unknown_key_problems(context: Mapping[str, Any]) -> list[ConfigProblem]:
    """Report retired keys, and context keys that look like ours but are not (a typo must not be ignored)."""
    problems = [ConfigProblem(key, context[key], RETIRED_KEYS[key]) for key in context if key in RETIRED_KEYS]
    for key in context:
        if key in KNOWN_KEYS or key in RETIRED_KEYS:
            continue
        hint = key_suggestion(key)
        if hint:
            problems.append(ConfigProblem(key, context[key], f"is not a TAP VPC setting{hint}"))
    return problems


def key_suggestion(key: str) -> str:
    """Return ``"; did you mean 'x'?"`` when ``key`` resembles a known setting, else ``""``."""
    by_lower = {known.lower(): known for known in KNOWN_KEYS}
    if key.lower() in by_lower:
        return f"; did you mean {by_lower[key.lower()]!r}?"
    matches = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.75)
    if not matches and key.startswith(("flowLog", "tapVpc", "vpc", "nat", "az")):
        matches = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.0)
    return f"; did you mean {matches[0]!r}?" if matches else ""
