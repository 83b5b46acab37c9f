"""Synth-time validation of the segmentation settings: data-tier ports, endpoints, matrix, NACL quotas."""

from __future__ import annotations

import re

from tap_vpc.errors import ConfigProblem
from tap_vpc.network.service_names import interface_services
from tap_vpc.segmentation.acl_plan import acl_plan, rule_counts
from tap_vpc.segmentation.reachability.matrix import MatrixRuleError, parse_rule
from tap_vpc.settings import limits
from tap_vpc.settings.config import TapVpcConfig, key_of
from tap_vpc.vocabulary import Tier, did_you_mean

_SERVICE = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")


def check_segmentation(config: TapVpcConfig) -> list[ConfigProblem]:
    """All segmentation settings; see each ``check_*``."""
    return [
        *check_data_tier_ports(config),
        *check_interface_endpoints(config),
        *check_reachability_matrix(config),
        *check_acl_quota(config),
    ]


def check_data_tier_ports(config: TapVpcConfig) -> list[ConfigProblem]:
    """TCP ports 1-65535, each once, at least one when the data tier exists."""
    ports, key = config.data_tier_ports, key_of("data_tier_ports")
    problems = [ConfigProblem(key, port, "must be a TCP port, 1-65535.") for port in ports if not 1 <= port <= 65535]
    if len(set(ports)) != len(ports):
        problems.append(ConfigProblem(key, list(ports), "lists a port twice."))
    if config.isolated_subnet_cidrs and not ports:
        problems.append(ConfigProblem(key, [], "needs at least one port: the data tier admits nothing else."))
    return problems


def check_interface_endpoints(config: TapVpcConfig) -> list[ConfigProblem]:
    """Service names (``kms``, ``ecr.api``), each once, within the per-VPC quota, not a gateway service."""
    services, key = config.interface_endpoints, key_of("interface_endpoints")
    problems = [
        ConfigProblem(key, service, "must be a service name such as kms, sts or ecr.api (lower case, dots).")
        for service in services
        if not _SERVICE.match(service)
    ]
    problems += [
        ConfigProblem(key, service, f"is served by the {service} gateway endpoint the VPC already has.")
        for service in services
        if service in limits.GATEWAY_ENDPOINT_SERVICES
    ]
    known = interface_services()
    problems += [
        ConfigProblem(
            key,
            service,
            f"is not an interface endpoint service that aws-cdk-lib's InterfaceVpcEndpointAwsService knows"
            f"{did_you_mean(service, known) or ''}; CloudFormation would refuse it at deploy "
            "(tap_vpc/network/interface_services.txt lists them).",
        )
        for service in services
        if _SERVICE.match(service) and service not in limits.GATEWAY_ENDPOINT_SERVICES and service not in known
    ]
    if len(set(services)) != len(services):
        problems.append(
            ConfigProblem(key, list(services), "lists a service twice; AWS refuses a second private DNS zone.")
        )
    if len(services) > limits.INTERFACE_ENDPOINTS_PER_VPC:
        problems.append(
            ConfigProblem(
                key,
                len(services),
                f"at most {limits.INTERFACE_ENDPOINTS_PER_VPC} interface endpoints per VPC (Amazon VPC quota).",
            )
        )
    return problems


def check_reachability_matrix(config: TapVpcConfig) -> list[ConfigProblem]:
    """Every rule parses; the same source, destination and ports are not given twice."""
    problems = []
    seen: set[tuple[str, str, object]] = set()
    for text in config.reachability_matrix:
        try:
            rule = parse_rule(text, config.data_tier_ports)
        except MatrixRuleError as error:
            problems.append(ConfigProblem(key_of("reachability_matrix"), text, str(error)))
            continue
        if (rule.source, rule.destination, rule.ports) in seen:
            problems.append(
                ConfigProblem(
                    key_of("reachability_matrix"), text, "repeats the source, destination and ports of an earlier rule."
                )
            )
        seen.add((rule.source, rule.destination, rule.ports))
    return problems


def check_acl_quota(config: TapVpcConfig) -> list[ConfigProblem]:
    """Each tier's NACL within the default quota of rules per direction, counted as AWS counts them."""
    problems = []
    causes = {
        Tier.PUBLIC.subnet_group: key_of("https_ingress_cidrs"),
        Tier.DATA.subnet_group: key_of("data_tier_ports"),
    }
    for tier, rules in acl_plan(config).items():
        for direction, count in zip(("inbound", "outbound"), rule_counts(rules), strict=True):
            if count > limits.NACL_RULES_PER_DIRECTION:
                problems.append(
                    ConfigProblem(
                        causes.get(tier, key_of("isolated_subnet_cidrs")),
                        count,
                        f"the {tier} network ACL needs {count} {direction} rules; AWS allows "
                        f"{limits.NACL_RULES_PER_DIRECTION} per direction by default (Amazon VPC quotas, "
                        f"'Rules per network ACL'). Use fewer values, or summarise CIDRs.",
                    )
                )
    return problems
