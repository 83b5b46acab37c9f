"""The fleet's address plan: a VPC CIDR per declared environment, one subnet layout, no overlap within a group.

The spec: public subnets take the VPC's /24 numbers 1-3, private ones 11-13; members of one routable
group must not overlap, and the synth names both environments when they do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, CfnWaitConditionHandle, Stack

from tap_vpc.cidr_layout import LayoutError, layout_subnets
from tap_vpc.config import TapVpcConfig
from tap_vpc.entrypoint import synth_app
from tap_vpc.errors import ConfigError
from tap_vpc.settings import load_config, load_fleet_configs
from tools.project import cdk_json_context

US_EAST_1 = {"region": "us-east-1", "availabilityZoneIds": ["use1-az1", "use1-az2", "use1-az4"]}


def fleet_context(**declarations: dict[str, Any]) -> dict[str, Any]:
    """cdk.json's context with extra declared environments (each with its own profile, a copy of dev's)."""
    context = cdk_json_context()
    environments = {**context["tapVpcEnvironments"]}
    profiles = {**context["tapVpcProfiles"]}
    for name, declaration in declarations.items():
        environments[name] = {"account": "333333333333", **US_EAST_1, **declaration}
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
        "tapVpcEnvironments.staging.vpcCidr = '10.8.128.0/17': overlaps prod-dr's 10.8.0.0/16; both are in "
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
    assert [(c.environment_suffix, c.account) for c in configs] == [("dev", "111111111111"), ("prod", "222222222222")]
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
    assert built == ["dev", "prod"]
    assert sorted(p.name for p in tmp_path.glob("*.template.json")) == [
        "Probe-dev.template.json",
        "Probe-prod.template.json",
    ]
