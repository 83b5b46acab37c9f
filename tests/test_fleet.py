"""The fleet's address plan: a VPC CIDR per declared environment, one subnet layout, no overlap within a group.

The spec: public subnets take the VPC's /24 numbers 1-3, private ones 11-13; members of one routable
group must not overlap, and the synth names both environments when they do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, CfnWaitConditionHandle, Stack

from tap_vpc.entrypoint import synth_app
from tap_vpc.errors import ConfigError
from tap_vpc.fleet.declarations import account_environments, declared_environments
from tap_vpc.network.layout import LayoutError, layout_subnets
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.loading import load_config, load_fleet_configs
from tools.project import cdk_json_context

US_EAST_1 = {"region": "us-east-1", "availabilityZoneIds": ["use1-az1", "use1-az2", "use1-az4"]}


def fleet_context(**declarations: dict[str, Any]) -> dict[str, Any]:
    """cdk.json's context with extra declared environments (each with its own profile, a copy of dev's)."""
    context = cdk_json_context()
    environments = {**context["tapVpcEnvironments"]}
    profiles = {**context["tapVpcProfiles"]}
    for name, declaration in declarations.items():
        # A name that is not a deploy wave must say which wave it rides in.
        wave = {} if name in ("dev", "staging", "prod", "prod-dr") else {"deployWave": "staging"}
        environments[name] = {"account": "333333333333", **US_EAST_1, **wave, **declaration}
        profiles[name] = {k: v for k, v in profiles["dev"].items() if k != "isolatedSubnetCidrs"}
    return {**context, "tapVpcEnvironments": environments, "tapVpcProfiles": profiles}


def problems(context: dict[str, Any], suffix: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config({**context, "environmentSuffix": suffix})
    return caught.value.render()


def test_dev_and_prod_declare_the_seed_range_and_keep_todays_plan() -> None:
    for suffix in ("dev", "prod"):
        config = load_config({**cdk_json_context(), "environmentSuffix": suffix})
        assert config.vpc_cidr == "10.0.0.0/16"
        assert config.public_subnet_cidrs == ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24")
        assert config.private_subnet_cidrs == ("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24")


def test_a_declared_vpc_cidr_lays_out_its_subnets() -> None:
    context = fleet_context(staging={"vpcCidr": "10.1.0.0/16"})
    config = load_config({**context, "environmentSuffix": "staging"})
    assert config.public_subnet_cidrs == ("10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24")
    assert config.private_subnet_cidrs == ("10.1.11.0/24", "10.1.12.0/24", "10.1.13.0/24")


def test_the_layout_follows_az_count_and_respects_explicit_subnets() -> None:
    config = load_config(
        {
            **cdk_json_context(),
            "environmentSuffix": "pr-3",
            "vpcCidr": "172.16.0.0/16",
            "azCount": "2",
            "natGateways": "2",
        }
    )
    assert config.public_subnet_cidrs == ("172.16.1.0/24", "172.16.2.0/24")
    assert config.private_subnet_cidrs == ("172.16.11.0/24", "172.16.12.0/24")
    explicit = load_config(
        {
            **cdk_json_context(),
            "environmentSuffix": "pr-3",
            "vpcCidr": "172.16.0.0/16",
            "publicSubnetCidrs": "172.16.100.0/24,172.16.101.0/24,172.16.102.0/24",
        }
    )
    assert explicit.public_subnet_cidrs == ("172.16.100.0/24", "172.16.101.0/24", "172.16.102.0/24")
    assert explicit.private_subnet_cidrs == ("172.16.11.0/24", "172.16.12.0/24", "172.16.13.0/24")


def test_a_slash_20_holds_the_public_and_private_layout_and_a_slash_21_does_not() -> None:
    assert layout_subnets("10.4.0.0/20", "private", 3) == ("10.4.11.0/24", "10.4.12.0/24", "10.4.13.0/24")
    with pytest.raises(LayoutError, match=r"private subnets at /24 numbers 11-13, and 10.4.0.0/21 holds only 8 /24s"):
        layout_subnets("10.4.0.0/21", "private", 3)
    rendered = problems({**cdk_json_context(), "vpcCidr": "10.4.0.0/21"}, "pr-3")
    assert "vpcCidr = '10.4.0.0/21': the standard layout puts private subnets at /24 numbers 11-13" in rendered


def test_overlapping_members_of_a_routable_group_are_refused_naming_both() -> None:
    context = fleet_context(
        **{
            "prod-dr": {"vpcCidr": "10.8.0.0/16", "routableGroup": "payments"},
            "staging": {"vpcCidr": "10.8.128.0/17", "routableGroup": "payments"},
        }
    )
    rendered = problems(context, "prod-dr")
    assert (
        # cdk.json declares staging before prod-dr: the later one is named as the overlapping one.
        "tapVpcEnvironments.prod-dr.vpcCidr = '10.8.0.0/16': overlaps staging's 10.8.128.0/17; both are in "
        "routable group 'payments', and VPCs that route to each other need distinct ranges."
    ) in rendered


def test_the_same_range_in_different_groups_or_none_is_accepted() -> None:
    context = fleet_context(
        **{
            "prod-dr": {"vpcCidr": "10.8.0.0/16", "routableGroup": "payments"},
            "staging": {"vpcCidr": "10.8.0.0/16", "routableGroup": "testing"},
            "qa": {"vpcCidr": "10.8.0.0/16"},
        }
    )
    assert load_config({**context, "environmentSuffix": "staging"}).vpc_cidr == "10.8.0.0/16"


def test_adjacent_ranges_in_one_group_are_accepted() -> None:
    context = fleet_context(
        **{
            "prod-dr": {"vpcCidr": "10.8.0.0/16", "routableGroup": "payments"},
            "staging": {"vpcCidr": "10.9.0.0/16", "routableGroup": "payments"},
        }
    )
    assert load_config({**context, "environmentSuffix": "prod-dr"}).vpc_cidr == "10.8.0.0/16"


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            {"routableGroup": "payments"},
            "tapVpcEnvironments.qa.vpcCidr = None: is required in routable group 'payments'.",
        ),
        ({"vpcCidr": "10.8.0.0/16", "routableGroup": "Pay Ments"}, "tapVpcEnvironments.qa.routableGroup = 'Pay Ments'"),
        ({"vpcCidr": 10}, "tapVpcEnvironments.qa.vpcCidr = 10: must be a string."),
        ({"vpcCidr": "ten", "routableGroup": "payments"}, "tapVpcEnvironments.qa.vpcCidr = 'ten': is not a valid"),
    ],
)
def test_malformed_fleet_declarations_are_reported(declaration: dict[str, Any], message: str) -> None:
    assert message in problems(fleet_context(qa=declaration), "dev")


@pytest.mark.parametrize(
    ("declaration", "shown"),
    [({"deployWave": "canary"}, "'canary'"), ({"deployWave": None}, "None")],
)
def test_a_deploy_wave_must_be_one_of_the_workflows_four(declaration: dict[str, Any], shown: str) -> None:
    context = fleet_context(qa={"vpcCidr": "10.8.0.0/16"})
    if declaration["deployWave"] is None:
        del context["tapVpcEnvironments"]["qa"]["deployWave"]  # "qa" is no wave name, so it must name one
    else:
        context["tapVpcEnvironments"]["qa"].update(declaration)
    assert (
        f"tapVpcEnvironments.qa.deployWave = {shown}: must be one of the deploy workflow's waves (dev, staging, "
        "prod, prod-dr); an environment not named after a wave must name its wave."
    ) in problems(context, "dev")


def test_the_fleet_plan_keeps_routable_groups_apart() -> None:
    configs = {c.environment_suffix: c for c in load_fleet_configs(cdk_json_context())}
    assert {name: config.vpc_cidr for name, config in configs.items()} == {
        "dev": "10.0.0.0/16",
        "staging": "10.1.0.0/16",
        "uat": "10.2.0.0/16",
        "prod": "10.0.0.0/16",
        "prod-dr": "10.16.0.0/16",
    }
    assert configs["prod-dr"].private_subnet_cidrs == ("10.16.11.0/24", "10.16.12.0/24", "10.16.13.0/24")
    assert configs["uat"].isolated_subnet_cidrs == ("10.2.21.0/24", "10.2.22.0/24", "10.2.23.0/24")


def test_a_declared_vpc_cidr_cannot_be_overridden() -> None:
    rendered = problems({**cdk_json_context(), "vpcCidr": "10.9.0.0/16"}, "prod")
    assert "vpcCidr = '10.9.0.0/16': is declared for 'prod' in cdk.json tapVpcEnvironments.prod" in rendered


def test_a_declaration_without_a_vpc_cidr_keeps_the_built_in_plan() -> None:
    config = load_config({**fleet_context(qa={}), "environmentSuffix": "qa"})
    assert (config.vpc_cidr, config.public_subnet_cidrs[0]) == ("10.0.0.0/16", "10.0.1.0/24")


@pytest.mark.parametrize("cidr", ["banana", "2001:db8::/56"])
def test_a_vpc_cidr_that_is_no_ipv4_network_is_left_to_its_own_rule(cidr: str) -> None:
    rendered = problems({**cdk_json_context(), "vpcCidr": cidr}, "pr-3")
    assert f"vpcCidr = '{cidr}':" in rendered
    assert "standard layout" not in rendered


def test_with_no_environment_selected_every_declared_one_is_loaded() -> None:
    configs = load_fleet_configs(cdk_json_context())
    assert [(c.environment_suffix, c.account, c.region) for c in configs] == [
        ("dev", "111111111111", "us-east-1"),
        ("staging", "333333333333", "us-east-1"),
        ("uat", "333333333333", "us-east-1"),
        ("prod", "222222222222", "us-east-1"),
        ("prod-dr", "222222222222", "us-west-2"),
    ]
    assert [c.environment_suffix for c in load_fleet_configs({**cdk_json_context(), "environmentSuffix": "prod"})] == [
        "prod"
    ]
    assert [c.environment_suffix for c in load_fleet_configs(cdk_json_context(), {"ENVIRONMENT_SUFFIX": "pr-9"})] == [
        "pr-9"
    ]


def test_a_problem_every_environment_shares_is_reported_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load_fleet_configs({**cdk_json_context(), "natGateways": "0"})
    assert [problem.key for problem in caught.value.problems] == ["natGateways"]


def test_without_declarations_the_fleet_is_the_one_config_and_its_problems() -> None:
    context = {key: value for key, value in cdk_json_context().items() if key != "tapVpcEnvironments"}
    with pytest.raises(ConfigError, match=r"tapVpcEnvironments = None: is missing from cdk\.json"):
        load_fleet_configs(context)


def test_synth_app_builds_each_environment_of_the_fleet(tmp_path: Path) -> None:
    built: list[str] = []

    def build(app: App, config: TapVpcConfig) -> None:
        built.append(config.environment_suffix)
        CfnWaitConditionHandle(Stack(app, f"Probe-{config.environment_suffix}"), "Placeholder")

    assert synth_app(build, App(outdir=str(tmp_path), context=cdk_json_context()), fleet=True) == 0
    assert built == ["dev", "staging", "uat", "prod", "prod-dr"]
    assert sorted(p.name for p in tmp_path.glob("*.template.json")) == [
        "Probe-dev.template.json",
        "Probe-prod-dr.template.json",
        "Probe-prod.template.json",
        "Probe-staging.template.json",
        "Probe-uat.template.json",
    ]


def with_uat_nat_gateways(count: int, **staging_declaration: Any) -> dict[str, Any]:
    """cdk.json's context with uat's profile at ``count`` NAT gateways and extra keys on staging's declaration."""
    context = cdk_json_context()
    context["tapVpcProfiles"] = {**context["tapVpcProfiles"], "uat": {**context["tapVpcProfiles"]["uat"]}}
    context["tapVpcProfiles"]["uat"]["natGateways"] = count
    context["tapVpcEnvironments"] = {**context["tapVpcEnvironments"]}
    context["tapVpcEnvironments"]["staging"] = {**context["tapVpcEnvironments"]["staging"], **staging_declaration}
    return context


#: AWS's default "EC2-VPC Elastic IPs" quota is 5 per account and Region; a NAT gateway takes one.
SIX_EIPS = (
    "natGateways = 'staging 3 + uat 3': these NAT gateways need 6 Elastic IPs in account 333333333333 us-east-1, "
    "and its quota there is 5 (EC2-VPC Elastic IPs, Service Quotas L-0263D0A3; AWS's default is 5): a NAT gateway "
    "would fail at deploy."
)


def test_staging_and_uat_fit_the_default_elastic_ip_quota_with_four_nat_gateways() -> None:
    configs = {c.environment_suffix: c for c in load_fleet_configs(cdk_json_context())}
    assert (configs["staging"].nat_gateways, configs["uat"].nat_gateways) == (3, 1)


def test_five_elastic_ips_in_one_account_and_region_fit_and_six_do_not() -> None:
    assert len(load_fleet_configs(with_uat_nat_gateways(2))) == 5  # 3 + 2 = 5: at the quota
    with pytest.raises(ConfigError) as caught:
        load_fleet_configs(with_uat_nat_gateways(3))
    assert SIX_EIPS in caught.value.render()


def test_selecting_one_environment_still_counts_its_neighbours_addresses() -> None:
    with pytest.raises(ConfigError) as caught:
        load_fleet_configs({**with_uat_nat_gateways(3), "environmentSuffix": "staging"})
    assert SIX_EIPS in caught.value.render()
    # prod shares no account and region with staging or uat: unaffected.
    assert load_fleet_configs({**with_uat_nat_gateways(3), "environmentSuffix": "prod"})[0].nat_gateways == 3


def test_a_raised_quota_declared_for_the_account_admits_six() -> None:
    assert len(load_fleet_configs(with_uat_nat_gateways(3, elasticIpQuota=10))) == 5


@pytest.mark.parametrize("quota", [0, "10", True])
def test_a_declared_quota_must_be_a_whole_number_of_at_least_one(quota: object) -> None:
    rendered = problems(with_uat_nat_gateways(1, elasticIpQuota=quota), "staging")
    assert f"tapVpcEnvironments.staging.elasticIpQuota = {quota!r}: must be a whole number of at least 1." in rendered


def test_an_undeclared_environment_has_no_account_neighbours() -> None:
    declared, _ = declared_environments(cdk_json_context())
    assert account_environments(declared, "pr-7") == []
    assert [e.name for e in account_environments(declared, "prod-dr")] == ["prod", "prod-dr"]


def test_a_broken_neighbour_is_left_to_its_own_synth() -> None:
    # uat's profile asks for more NAT gateways than AZs: uat's own synth says so; staging's does not.
    context = with_uat_nat_gateways(4)
    assert load_fleet_configs({**context, "environmentSuffix": "staging"})[0].environment_suffix == "staging"
    assert "natGateways = 4: must be between 1 and azCount (3)" in problems(context, "uat")
