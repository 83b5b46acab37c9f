"""Egress-control settings: the modes, the allow-list, the firewall subnets' layout, the default matrix.

No synth: these are the settings edge's answers, stated literally.
"""

from __future__ import annotations

import pytest

from tap_vpc.egress.domains import dns_firewall_domains, is_valid_entry
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.rules import config_problems
from tools.project import config_for

EGRESS_DENY = "private -> internet : 1-442,444-65535 : deny"
PROFILE_DOMAINS = ("api.acquirer-a.example", ".card-network.example")
FIREWALL_SUBNETS = ("10.0.31.0/28", "10.0.31.16/28", "10.0.31.32/28")


def rendered(config: TapVpcConfig) -> list[str]:
    return [problem.render() for problem in config_problems(config)]


@pytest.mark.parametrize(
    ("environment", "mode", "firewall_subnets"),
    [
        ("prod", "per-az", ("10.0.31.0/28", "10.0.31.16/28", "10.0.31.32/28")),
        ("prod-dr", "per-az", ("10.16.31.0/28", "10.16.31.16/28", "10.16.31.32/28")),
        ("staging", "per-az", ("10.1.31.0/28", "10.1.31.16/28", "10.1.31.32/28")),
        ("uat", "shared", ("10.2.31.0/28", "10.2.31.16/28", "10.2.31.32/28")),
        ("dev", "shared", ("10.0.31.0/28", "10.0.31.16/28", "10.0.31.32/28")),
    ],
)
def test_declared_profiles_turn_egress_control_on_with_the_layouts_firewall_subnets(
    environment: str, mode: str, firewall_subnets: tuple[str, ...]
) -> None:
    config = config_for(environmentSuffix=environment)
    assert config.egress_control == mode
    assert config.egress_allowed_domains == PROFILE_DOMAINS
    assert config.firewall_subnet_cidrs == firewall_subnets
    assert config.reachability_matrix[-1] == EGRESS_DENY


def test_ephemeral_environments_have_no_egress_control_and_no_egress_rule() -> None:
    config = config_for(environmentSuffix="pr-31")
    assert config.egress_control == "off"
    assert config.firewall_subnet_cidrs == ()
    assert EGRESS_DENY not in config.reachability_matrix


def test_an_explicit_matrix_is_kept_as_given() -> None:
    config = config_for(environmentSuffix="prod", reachabilityMatrix="internet -> public : 443 : allow")
    assert config.reachability_matrix == ("internet -> public : 443 : allow",)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"egress_control": "always"},
            "egressControl = 'always': must be one of per-az, shared, off.",
        ),
        (
            {
                "egress_control": "per-az",
                "nat_gateways": 1,
                "egress_allowed_domains": PROFILE_DOMAINS,
                "firewall_subnet_cidrs": FIREWALL_SUBNETS,
            },
            "egressControl = 'per-az': needs a NAT gateway per AZ (natGateways = azCount = 3, not 1): an AZ without "
            "one would send its traffic out through another AZ's NAT gateway, whose replies come back through that "
            "AZ's firewall endpoint, and a stateful firewall drops a flow it sees one way only. Use shared, or one NAT "
            "gateway per AZ.",
        ),
        (
            {"egress_control": "shared", "firewall_subnet_cidrs": FIREWALL_SUBNETS},
            "egressAllowedDomains = []: needs at least one name while egressControl is shared: the firewall drops "
            "everything else, so the private tier would reach nothing on the internet.",
        ),
        (
            {"egress_allowed_domains": ("*.acquirer.example",)},
            "egressAllowedDomains = '*.acquirer.example': must be a DNS name such as api.acquirer.example, or a "
            "suffix such as .acquirer.example (lowercase letters, digits, '-' and '.'; no '*', no scheme, no port).",
        ),
        (
            {"egress_allowed_domains": ("api.acquirer.example", "api.acquirer.example")},
            "egressAllowedDomains = 'api.acquirer.example': is listed twice.",
        ),
        (
            {"gateway_endpoint_aws_buckets": ("Bad_Bucket-{region}",)},
            "gatewayEndpointAwsBuckets = 'Bad_Bucket-{region}': is not a valid S3 bucket name (3-63 of a-z, 0-9, '.' "
            "and '-').",
        ),
        (
            {"gateway_endpoint_aws_buckets": ("aws-ssm-{region}", "aws-ssm-{region}")},
            "gatewayEndpointAwsBuckets = 'aws-ssm-{region}': is listed twice.",
        ),
    ],
)
def test_bad_egress_settings_are_refused_with_the_allowed_values(overrides: dict[str, object], expected: str) -> None:
    assert rendered(TapVpcConfig(**overrides)) == [expected]  # type: ignore[arg-type]


def test_firewall_subnets_are_checked_like_every_subnet() -> None:
    config = TapVpcConfig(
        egress_control="shared",
        egress_allowed_domains=PROFILE_DOMAINS,
        firewall_subnet_cidrs=("10.0.31.0/28", "10.0.11.0/28", "10.9.0.0/28"),
    )
    assert rendered(config) == [
        "firewallSubnetCidrs = '10.9.0.0/28': is outside the VPC CIDR 10.0.0.0/16.",
        "firewallSubnetCidrs = '10.0.11.0/28': overlaps 10.0.11.0/24 (privateSubnetCidrs); subnet CIDRs must not "
        "overlap.",
    ]


def test_a_vpc_too_small_for_the_firewall_block_is_refused() -> None:
    with pytest.raises(Exception, match=r"firewall subnets in /24 number 31, and 10\.40\.0\.0/20 holds only 16 /24s"):
        config_for(
            environmentSuffix="pr-32",
            vpcCidr="10.40.0.0/20",
            egressControl="shared",
            egressAllowedDomains="api.acquirer.example",
            azCount="2",
            natGateways="1",
        )


@pytest.mark.parametrize(
    ("entry", "valid"),
    [
        ("api.acquirer.example", True),
        (".acquirer.example", True),
        ("a-b.c-d.example", True),
        ("*.acquirer.example", False),
        ("https://acquirer.example", False),
        ("acquirer.example:443", False),
        ("Acquirer.example", False),
        ("localhost", False),
        ("-bad.example", False),
    ],
)
def test_allow_list_entries_are_names_or_dot_suffixes(entry: str, valid: bool) -> None:
    assert is_valid_entry(entry) is valid


def test_dns_firewall_writes_a_suffix_as_a_wildcard() -> None:
    assert dns_firewall_domains(PROFILE_DOMAINS) == ["api.acquirer-a.example", "*.card-network.example"]
