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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tap_vpc.egress.rules import EGRESS_ON_MODES
from tap_vpc.errors import ConfigError, ConfigProblem
from tap_vpc.fleet.declarations import (
    ENVIRONMENTS_KEY,
    Fleet,
    declared_setting_problems,
    is_ephemeral,
    parse_fleet,
    unknown_suffix_problem,
)
from tap_vpc.fleet.quotas import elastic_ip_problems
from tap_vpc.network.layout import LayoutError, layout_firewall_subnets, layout_subnets
from tap_vpc.settings.config import EGRESS_DENY_RULE, TapVpcConfig, declarations, key_of
from tap_vpc.settings.parsing import ParseError
from tap_vpc.settings.rules import config_problems
from tap_vpc.vocabulary import SUFFIX_PATTERN, Tier, did_you_mean

PROFILES_KEY = "tapVpcProfiles"
EPHEMERAL_PROFILE = "ephemeral"
SUFFIX_VARIABLE = "ENVIRONMENT_SUFFIX"


@dataclass(frozen=True)
class Setting:
    """One context key as the settings table shows it, read from its field's declaration (``config.py``)."""

    key: str
    field: str
    parse: Callable[[object], Any]
    allowed: str
    description: str


#: Every setting, in field order, derived from ``TapVpcConfig``'s declarations.
SETTINGS: tuple[Setting, ...] = tuple(
    Setting(declared.key, name, declared.parse, declared.allowed, declared.doc)
    for name, declared in declarations().items()
)

SETTINGS_BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}
#: cdk.json's GitHub repository (owner/name): the CI roles app (``python -m ci_roles``) trusts its OIDC tokens.
REPOSITORY_KEY = "tapVpcGitHubRepository"
KNOWN_KEYS: frozenset[str] = frozenset(SETTINGS_BY_KEY) | {PROFILES_KEY, ENVIRONMENTS_KEY, REPOSITORY_KEY}


SUFFIX_KEY = key_of("environment_suffix")


def load_config(context: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> TapVpcConfig:
    """Build and validate the config from CDK context (``app.node.get_all_context()``).

    ``environ`` supplies ENVIRONMENT_SUFFIX (pass ``os.environ``); it defaults to none. A declared
    environment (``tapVpcEnvironments``) takes account, region and AZ IDs from its declaration only;
    an ephemeral suffix (``pr-<number>``, ``sandbox-<name>``) gets the ``ephemeral`` profile; any
    other suffix is refused. Raises ``ConfigError`` listing every problem: unknown keys, missing
    profiles, unparsable and invalid values.
    """
    fleet = parse_fleet(context)
    config, problems = _build(context, environ or {}, fleet)
    problems = [*context_problems(context, fleet), *problems]
    if problems:
        raise ConfigError(problems)
    return config


def context_problems(context: Mapping[str, Any], fleet: Fleet) -> list[ConfigProblem]:
    """Problems of the whole context, whichever environment is built: unknown keys, profiles, the fleet."""
    problems = unknown_key_problems(context)
    if not isinstance(context.get(PROFILES_KEY), dict):
        problems.append(
            ConfigProblem(
                PROFILES_KEY, context.get(PROFILES_KEY), "must be an object of profile name -> settings (see cdk.json)."
            )
        )
    return [*problems, *fleet.problems]


def _build(
    context: Mapping[str, Any], environ: Mapping[str, str], fleet: Fleet
) -> tuple[TapVpcConfig, list[ConfigProblem]]:
    """The config of the selected environment, and its own problems (not those of ``context_problems``)."""
    problems: list[ConfigProblem] = []
    profiles = context.get(PROFILES_KEY)
    if not isinstance(profiles, dict):
        profiles = {}
    declared = fleet.environments
    suffix_raw = context.get(SUFFIX_KEY, environ.get(SUFFIX_VARIABLE, TapVpcConfig.environment_suffix))
    environment = declared.get(suffix_raw) if isinstance(suffix_raw, str) else None
    profile_name = suffix_raw if environment is not None else EPHEMERAL_PROFILE
    # A malformed suffix is reported by the suffix rule; only a well-formed one can be a typo.
    well_formed = isinstance(suffix_raw, str) and SUFFIX_PATTERN.fullmatch(suffix_raw) is not None
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
    layered[SUFFIX_KEY] = suffix_raw
    if environment is not None:
        problems += declared_setting_problems(
            environment, {"cdk.json context or -c": context, f"profile {profile_name!r}": profile}
        )
        layered.update(
            {
                key_of("account"): environment.account,
                key_of("region"): environment.region,
                key_of("availability_zone_ids"): list(environment.availability_zone_ids),
            }
        )
        if environment.vpc_cidr is not None:
            layered[key_of("vpc_cidr")] = environment.vpc_cidr

    values: dict[str, Any] = {}
    for key, raw in layered.items():
        setting = SETTINGS_BY_KEY[key]
        try:
            values[setting.field] = setting.parse(raw)
        except ParseError as error:
            problems.append(ConfigProblem(key, raw, str(error)))
    given = {SETTINGS_BY_KEY[key].field for key in layered}
    problems += apply_layout(values, given=given)
    apply_default_matrix(values, given=given)
    config = TapVpcConfig(**values)
    # Values that did not parse keep their defaults here, so every other rule still reports.
    return config, [*problems, *config_problems(config)]


def load_fleet_configs(context: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> list[TapVpcConfig]:
    """The configs a synth builds: the selected environment's, or, with none selected, every declared one.

    An environment is selected by ``environmentSuffix`` in the context (``-c``) or ENVIRONMENT_SUFFIX in
    ``environ``. Without one, each environment of ``tapVpcEnvironments`` is loaded as ``load_config``
    would load it; the problems of all of them are raised together, each once. Either way, the
    declared environments that share an account and region must fit its Elastic IP quota together
    (``fleet.quotas``), so a selected environment is checked with its neighbours too. The fleet is
    parsed once for all of them.
    """
    environ = environ or {}
    fleet = parse_fleet(context)
    problems = context_problems(context, fleet)
    declared = fleet.environments
    if SUFFIX_KEY in context or SUFFIX_VARIABLE in environ or not declared:
        selected, own = _build(context, environ, fleet)
        if problems or own:
            raise ConfigError([*problems, *own])
        # A neighbour with problems of its own is left to its own synth, which reports them.
        neighbours = [
            neighbour
            for name, environment in declared.items()
            if name != selected.environment_suffix
            and (environment.account, environment.region) == (selected.account, selected.region)
            for neighbour, neighbour_problems in [_build({**context, SUFFIX_KEY: name}, environ, fleet)]
            if not neighbour_problems
        ]
        quota_problems = elastic_ip_problems([selected, *neighbours], fleet.elastic_ip_quotas)
        if quota_problems:
            raise ConfigError(quota_problems)
        return [selected]
    configs: list[TapVpcConfig] = []
    valid: list[TapVpcConfig] = []
    for name in declared:
        config, own = _build({**context, SUFFIX_KEY: name}, environ, fleet)
        configs.append(config)
        if not own:
            valid.append(config)
        problems += [problem for problem in own if problem not in problems]
    # The quota counts the environments that load; the others report their own problems.
    problems += elastic_ip_problems(valid, fleet.elastic_ip_quotas)
    if problems:
        raise ConfigError(problems)
    return configs


#: Each tier the standard layout places, with the config field of its CIDRs.
_LAYOUT_TIERS = ((Tier.PUBLIC, "public_subnet_cidrs"), (Tier.PRIVATE, "private_subnet_cidrs"))


def apply_layout(values: dict[str, Any], given: set[str]) -> list[ConfigProblem]:
    """With a ``vpcCidr`` set, derive the subnets not ``given`` (config field names) from ``network.layout``.

    The public and private tiers always; the data tier when ``dataTier`` is true; the firewall tier's
    /28s when ``egressControl`` is on. Fills ``values``
    (config field -> value) in place; returns the problem when the VPC is too small.
    """
    az_count = values.get("az_count", TapVpcConfig.az_count)
    tiers = [*_LAYOUT_TIERS, *([(Tier.DATA, "isolated_subnet_cidrs")] if values.get("data_tier") else [])]
    if "vpc_cidr" not in values:
        # The built-in plan names its subnets; the firewall tier, newer than it, takes the layout's.
        tiers = []
    if values.get("egress_control", TapVpcConfig.egress_control) in EGRESS_ON_MODES:
        tiers.append((Tier.FIREWALL, "firewall_subnet_cidrs"))
    vpc_cidr = values.get("vpc_cidr", TapVpcConfig.vpc_cidr)
    for tier, field_name in tiers:
        if field_name in given:
            continue
        try:
            if tier is Tier.FIREWALL:
                values[field_name] = layout_firewall_subnets(vpc_cidr, az_count)
            else:
                values[field_name] = layout_subnets(vpc_cidr, tier.value, az_count)
        except LayoutError as error:
            return [ConfigProblem(key_of("vpc_cidr"), vpc_cidr, str(error))]
        except ValueError:
            return []  # not a network: the vpcCidr rule reports it
    return []


def apply_default_matrix(values: dict[str, Any], given: set[str]) -> None:
    """With egress control on and no ``reachabilityMatrix`` given, the default matrix adds the egress deny rule."""
    if (
        "reachability_matrix" in given
        or values.get("egress_control", TapVpcConfig.egress_control) not in EGRESS_ON_MODES
    ):
        return
    values["reachability_matrix"] = (*TapVpcConfig.reachability_matrix, EGRESS_DENY_RULE)


def profile_problems(name: str, profile: object) -> list[ConfigProblem]:
    """A profile is an object of known settings; it cannot choose the suffix that selects it."""
    key = f"{PROFILES_KEY}.{name}"
    if not isinstance(profile, dict):
        return [ConfigProblem(key, profile, "must be an object of settings.")]
    problems = []
    for setting_key in profile:
        if setting_key == SUFFIX_KEY or setting_key not in SETTINGS_BY_KEY:
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
    # Our prefixes make any close-ish key a likely typo of ours: there, the nearest key at any distance.
    cutoff = 0.0 if key.startswith(("flowLog", "tapVpc", "vpc", "nat", "az")) else 0.75
    return did_you_mean(key, KNOWN_KEYS, cutoff=0.75) or did_you_mean(key, KNOWN_KEYS, cutoff=cutoff)
