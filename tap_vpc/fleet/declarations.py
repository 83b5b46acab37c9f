"""Long-lived environments, declared once in cdk.json (``tapVpcEnvironments``), and ephemeral ones.

A declared environment fixes its account, its region and its AZs (by AZ ID). Nothing else may
set them: ``make synth``, ``make diff``, ``make deploy`` and the GitHub workflows all read this
one declaration. Any other suffix must match an ephemeral pattern (``pr-<number>`` or
``sandbox-<name>``); a suffix that is neither is refused with a did-you-mean, so that a typo such
as ``prdo`` never silently gets the ephemeral profile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tap_vpc.errors import ConfigProblem
from tap_vpc.fleet.overlaps import GROUP_PATTERN, routable_overlap_problems
from tap_vpc.settings.config import key_of
from tap_vpc.vocabulary import did_you_mean

ENVIRONMENTS_KEY = "tapVpcEnvironments"

#: Documented ephemeral suffixes: pull-request previews and personal sandboxes.
EPHEMERAL_PATTERNS: dict[str, re.Pattern[str]] = {
    "pr-<number>": re.compile(r"pr-[0-9]{1,6}"),
    "sandbox-<name>": re.compile(r"sandbox-[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?"),
}

#: The settings a declaration fixes, by config field, under the settings' own context keys.
ACCOUNT = key_of("account")
REGION = key_of("region")
AZ_IDS = key_of("availability_zone_ids")
VPC_CIDR = key_of("vpc_cidr")
#: Keys of one declaration; each is required.
DECLARATION_KEYS = (ACCOUNT, REGION, AZ_IDS)
#: Optional keys: the VPC CIDR (subnets then follow ``cidr_layout``), the routable group, the deploy
#: wave, and the account's Elastic IP quota in the region when it was raised (default: AWS's 5).
OPTIONAL_DECLARATION_KEYS = (VPC_CIDR, "routableGroup", "deployWave", "elasticIpQuota")
#: The deploy workflow's waves, in order; each is gated by the one before (.github/workflows/deploy.yml).
#: An environment named after a wave deploys in it unless its declaration names another ``deployWave``.
DEPLOY_WAVES = ("dev", "staging", "prod", "prod-dr")
#: Settings that only the declaration may set for a declared environment (vpcCidr when it declares one).
DECLARED_SETTINGS = (ACCOUNT, REGION, AZ_IDS, VPC_CIDR)


@dataclass(frozen=True)
class DeclaredEnvironment:
    """One long-lived environment: ``name`` (the suffix), ``account``, ``region``, pinned AZ IDs.

    ``vpc_cidr`` and ``routable_group`` are None unless declared; ``deploy_wave`` is one of
    ``DEPLOY_WAVES`` (default: the environment's own name, when that is a wave);
    ``elastic_ip_quota`` is None unless a raised quota is declared.
    """

    name: str
    account: str
    region: str
    availability_zone_ids: tuple[str, ...]
    vpc_cidr: str | None = None
    routable_group: str | None = None
    deploy_wave: str = "dev"
    elastic_ip_quota: int | None = None


@dataclass(frozen=True)
class Fleet:
    """``tapVpcEnvironments`` parsed once: the valid declarations, in order, and every problem found.

    ``elastic_ip_quotas`` maps (account, region) to the largest raised quota a declaration states.
    """

    environments: Mapping[str, DeclaredEnvironment]
    problems: tuple[ConfigProblem, ...]

    @property
    def elastic_ip_quotas(self) -> dict[tuple[str, str], int]:
        """(account, region) -> its raised Elastic IP quota (see ``raised_elastic_ip_quotas``)."""
        return raised_elastic_ip_quotas(self.environments)


def parse_fleet(context: Mapping[str, Any]) -> Fleet:
    """The fleet of ``context``'s ``tapVpcEnvironments``: parse it once and pass the ``Fleet`` around."""
    environments, problems = declared_environments(context)
    return Fleet(environments, tuple(problems))


def is_ephemeral(suffix: str) -> bool:
    """True when ``suffix`` matches one of ``EPHEMERAL_PATTERNS`` in full."""
    return any(pattern.fullmatch(suffix) for pattern in EPHEMERAL_PATTERNS.values())


def declared_environments(context: Mapping[str, Any]) -> tuple[dict[str, DeclaredEnvironment], list[ConfigProblem]]:
    """Parse ``tapVpcEnvironments`` from ``context``: the declarations, and every structural problem.

    Values are checked for type and presence here; their AWS limits (account format, region and
    AZ IDs) are checked by ``settings.rules`` on the resulting config.
    """
    raw = context.get(ENVIRONMENTS_KEY)
    if raw is None:
        return {}, [ConfigProblem(ENVIRONMENTS_KEY, raw, "is missing from cdk.json; declare dev and prod there.")]
    if not isinstance(raw, dict):
        return {}, [ConfigProblem(ENVIRONMENTS_KEY, raw, "must be an object of environment name -> declaration.")]
    environments: dict[str, DeclaredEnvironment] = {}
    problems: list[ConfigProblem] = []
    for name, declaration in raw.items():
        key = f"{ENVIRONMENTS_KEY}.{name}"
        if is_ephemeral(name):
            problems.append(ConfigProblem(key, name, "matches an ephemeral pattern; choose another name."))
            continue
        if not isinstance(declaration, dict):
            problems.append(ConfigProblem(key, declaration, f"must be an object with {', '.join(DECLARATION_KEYS)}."))
            continue
        found = _declaration_problems(name, key, declaration)
        problems += found
        if not found:
            environments[name] = DeclaredEnvironment(
                name=name,
                account=declaration[ACCOUNT],
                region=declaration[REGION],
                availability_zone_ids=tuple(declaration[AZ_IDS]),
                vpc_cidr=declaration.get(VPC_CIDR),
                routable_group=declaration.get("routableGroup"),
                deploy_wave=str(declaration.get("deployWave", name)),
                elastic_ip_quota=declaration.get("elasticIpQuota"),
            )
    problems += routable_overlap_problems(
        {name: (env.vpc_cidr, env.routable_group) for name, env in environments.items()}, ENVIRONMENTS_KEY
    )
    return environments, problems


def _declaration_problems(name: str, key: str, declaration: Mapping[str, Any]) -> list[ConfigProblem]:
    problems = [
        ConfigProblem(f"{key}.{missing}", None, "is required.")
        for missing in DECLARATION_KEYS
        if missing not in declaration
    ]
    problems += [
        ConfigProblem(
            f"{key}.{extra}",
            declaration[extra],
            f"is not a declaration key ({', '.join(DECLARATION_KEYS + OPTIONAL_DECLARATION_KEYS)}).",
        )
        for extra in declaration
        if extra not in DECLARATION_KEYS + OPTIONAL_DECLARATION_KEYS
    ]
    if VPC_CIDR in declaration and not isinstance(declaration[VPC_CIDR], str):
        problems.append(ConfigProblem(f"{key}.{VPC_CIDR}", declaration[VPC_CIDR], "must be a string."))
    group = declaration.get("routableGroup")
    if group is not None and not (isinstance(group, str) and GROUP_PATTERN.fullmatch(group)):
        problems.append(
            ConfigProblem(f"{key}.routableGroup", group, "must be a name of lower-case letters, digits and '-'.")
        )
    quota = declaration.get("elasticIpQuota")
    if quota is not None and (isinstance(quota, bool) or not isinstance(quota, int) or quota < 1):
        problems.append(ConfigProblem(f"{key}.elasticIpQuota", quota, "must be a whole number of at least 1."))
    wave = declaration.get("deployWave", name)
    if wave not in DEPLOY_WAVES:
        problems.append(
            ConfigProblem(
                f"{key}.deployWave",
                declaration.get("deployWave"),
                f"must be one of the deploy workflow's waves ({', '.join(DEPLOY_WAVES)}); an environment not "
                "named after a wave must name its wave.",
            )
        )
    for text_key in (ACCOUNT, REGION):
        if text_key in declaration and not isinstance(declaration[text_key], str):
            problems.append(ConfigProblem(f"{key}.{text_key}", declaration[text_key], "must be a string."))
    zones = declaration.get(AZ_IDS, [])
    if not isinstance(zones, list) or not all(isinstance(zone, str) for zone in zones):
        problems.append(ConfigProblem(f"{key}.{AZ_IDS}", zones, "must be a list of AZ IDs (strings)."))
    return problems


def account_environments(declared: Mapping[str, DeclaredEnvironment], name: str) -> list[DeclaredEnvironment]:
    """The declared environments in ``name``'s account, in declaration order; [] when ``name`` is not declared."""
    if name not in declared:
        return []
    return [environment for environment in declared.values() if environment.account == declared[name].account]


def raised_elastic_ip_quotas(declared: Mapping[str, DeclaredEnvironment]) -> dict[tuple[str, str], int]:
    """(account, region) -> the largest Elastic IP quota any of its declarations states."""
    raised: dict[tuple[str, str], int] = {}
    for environment in declared.values():
        if environment.elastic_ip_quota is not None:
            place = (environment.account, environment.region)
            raised[place] = max(raised.get(place, 0), environment.elastic_ip_quota)
    return raised


def unknown_suffix_problem(suffix: str, declared: Mapping[str, DeclaredEnvironment]) -> ConfigProblem:
    """The problem for a suffix that is neither declared nor ephemeral, with a did-you-mean."""
    hint = did_you_mean(suffix, declared) or "."
    names = ", ".join(sorted(declared)) or "none"
    patterns = ", ".join(EPHEMERAL_PATTERNS)
    return ConfigProblem(
        key_of("environment_suffix"),
        suffix,
        f"is neither a declared environment ({names}, in cdk.json {ENVIRONMENTS_KEY}) nor an "
        f"ephemeral name ({patterns}){hint}",
    )


def declared_setting_problems(
    environment: DeclaredEnvironment, sources: Mapping[str, Mapping[str, Any]]
) -> list[ConfigProblem]:
    """Refuse account, region or AZs set anywhere but the declaration of ``environment``.

    ``sources`` maps a place (``"cdk.json context or -c"``, ``"profile dev"``) to its settings.
    """
    return [
        ConfigProblem(
            key,
            settings[key],
            f"is declared for {environment.name!r} in cdk.json {ENVIRONMENTS_KEY}.{environment.name}; "
            f"it cannot also be set in {where}. Edit the declaration instead.",
        )
        for where, settings in sources.items()
        for key in DECLARED_SETTINGS
        if key in settings and (key != VPC_CIDR or environment.vpc_cidr is not None)
    ]
