"""Reading context: types from `-c` strings, profiles, precedence and typo detection."""

from __future__ import annotations

from typing import Any

import pytest

from tap_vpc.errors import ConfigError
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.loading import SETTINGS, load_config
from tools.project import cdk_json_context, config_for


def test_cdk_json_defaults_select_the_dev_profile() -> None:
    config = config_for()
    assert (config.environment_suffix, config.region) == ("dev", "us-east-1")
    assert (config.flow_log_retention_days, config.retain_data, config.termination_protection) == (365, False, False)
    assert (config.az_count, config.nat_gateways) == (3, 3)


def test_prod_profile_retains_and_protects() -> None:
    config = config_for(environmentSuffix="prod")
    assert (config.flow_log_retention_days, config.retain_data, config.termination_protection) == (365, True, True)
    assert config.nat_gateways == 3


@pytest.mark.parametrize("suffix", ["pr-123", "sandbox-alice"])
def test_any_other_suffix_is_ephemeral(suffix: str) -> None:
    config = config_for(environmentSuffix=suffix)
    assert (config.flow_log_retention_days, config.retain_data, config.termination_protection) == (365, False, False)


def test_precedence_builtin_then_profile_then_explicit_context() -> None:
    assert TapVpcConfig().retain_data is True  # built-in
    assert config_for().retain_data is False  # dev profile
    assert config_for(retainData="true").retain_data is True  # explicit -c


def test_environment_variable_sets_the_suffix_unless_context_does() -> None:
    context = cdk_json_context()
    assert load_config(context, {"ENVIRONMENT_SUFFIX": "prod"}).environment_suffix == "prod"
    both = {**context, "environmentSuffix": "pr-9"}
    assert load_config(both, {"ENVIRONMENT_SUFFIX": "prod"}).environment_suffix == "pr-9"


def test_region_is_never_read_from_the_shell() -> None:
    shell = {"AWS_REGION": "eu-west-1", "CDK_DEFAULT_REGION": "eu-west-1", "ENVIRONMENT_SUFFIX": "pr-1"}
    assert load_config(cdk_json_context(), shell).region == "us-east-1"


def test_command_line_strings_are_parsed() -> None:
    config = config_for(
        environmentSuffix="pr-1",
        azCount="2",
        natGateways="1",
        publicSubnetCidrs="10.0.1.0/24, 10.0.2.0/24",
        privateSubnetCidrs="10.0.11.0/24,10.0.12.0/24",
        isolatedSubnetCidrs="10.0.21.0/24,10.0.22.0/24",
        httpsIngressCidrs="10.0.0.0/8",
        retainData="TRUE",
        terminationProtection="false",
        tags="CostCenter=42, Owner=net=team",
        flowLogFormat="${srcaddr} ${dstaddr}",
        account="123456789012",
        dataTierPorts="5432, 3306",
        interfaceEndpoints="kms,ecr.api",
        reachabilityMatrix="data -> internet : any : deny",
    )
    assert config.data_tier_ports == (5432, 3306)
    assert config.interface_endpoints == ("kms", "ecr.api")
    assert config.reachability_matrix == ("data -> internet : any : deny",)
    assert config.az_count == 2
    assert config.public_subnet_cidrs == ("10.0.1.0/24", "10.0.2.0/24")
    assert config.isolated_subnet_cidrs == ("10.0.21.0/24", "10.0.22.0/24")
    assert config.https_ingress_cidrs == ("10.0.0.0/8",)
    assert (config.retain_data, config.termination_protection) == (True, False)
    assert config.tags == (("CostCenter", "42"), ("Owner", "net=team"))
    assert config.account == "123456789012"


def test_json_values_from_cdk_json_are_accepted() -> None:
    config = config_for(
        azCount=3,
        publicSubnetCidrs=["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
        tags={"A": "b"},
        retainData=True,
        dataTierPorts=[5432],
    )
    assert config.tags == (("A", "b"),)
    assert config.data_tier_ports == (5432,)


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"azCount": "three"}, "azCount = 'three': must be an integer."),
        ({"azCount": True}, "azCount = True: must be an integer, not a boolean."),
        ({"azCount": 2.5}, "azCount = 2.5: must be an integer."),
        ({"retainData": "yes"}, "retainData = 'yes': must be true or false."),
        ({"publicSubnetCidrs": 5}, "publicSubnetCidrs = 5: must be a list of strings or a comma-separated string."),
        ({"tags": "Owner"}, "tags = 'Owner': must be an object of strings, or 'Key=Value,Key=Value'."),
        ({"tags": ["a"]}, "tags = ['a']: must be an object of strings"),
        (
            {"deployTarget": "emulator"},
            "deployTarget = 'emulator': was removed in 2.0.0: every target deploys the same template",
        ),
        ({"vpcCidr": 10}, "vpcCidr = 10: must be a string."),
        ({"dataTierPorts": "5432,pg"}, "dataTierPorts = '5432,pg': must be a list of port numbers"),
        ({"dataTierPorts": 5432}, "dataTierPorts = 5432: must be a list of port numbers"),
        (
            {"flowLogRetention": "30"},
            "flowLogRetention = '30': is not a TAP VPC setting; did you mean 'flowLogRetentionDays'?",
        ),
        ({"vpccidr": "10.0.0.0/16"}, "did you mean 'vpcCidr'?"),
        ({"natGateway": "1"}, "did you mean 'natGateways'?"),
        ({"flowLogInterval": "60"}, "did you mean 'flowLogMaxAggregationInterval'?"),
        ({"tapVpcProfiles": []}, "tapVpcProfiles = []: must be an object of profile name -> settings (see cdk.json)."),
        ({"tapVpcProfiles": {"ephemeral": 3}}, "tapVpcProfiles.ephemeral = 3: must be an object of settings."),
        (
            {"tapVpcProfiles": {"ephemeral": {"flowLogRetentionDay": 7}}},
            "tapVpcProfiles.ephemeral.flowLogRetentionDay = 7: is not a profile setting; did you mean 'flowLogRetentionDays'?",
        ),
        (
            {"tapVpcProfiles": {"ephemeral": {"environmentSuffix": "x"}}},
            "tapVpcProfiles.ephemeral.environmentSuffix = 'x': is not a profile setting",
        ),
        (
            {"flowLogMaxAggregationInterval": "300"},
            "flowLogMaxAggregationInterval = 300: AWS::EC2::FlowLog MaxAggregationInterval must be 60 or 600",
        ),
    ],
)
def test_bad_context_is_reported(context: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({**cdk_json_context(), **context}, {"ENVIRONMENT_SUFFIX": "pr-1"})
    assert message in caught.value.render()


def test_unrelated_context_keys_are_left_alone() -> None:
    unrelated = {"@aws-cdk/core:someFlag": True, "cli-telemetry": False, "acknowledged-issue-numbers": [1]}
    assert load_config({**cdk_json_context(), **unrelated}) == config_for()


def test_every_setting_documents_itself() -> None:
    for setting in SETTINGS:
        assert setting.key[0].islower()
        assert "_" not in setting.key
        assert setting.allowed
        assert setting.description


# --- declared environments -----------------------------------------------------------------


def test_declared_environments_take_account_region_and_azs_from_cdk_json() -> None:
    prod = config_for(environmentSuffix="prod")
    assert (prod.account, prod.region) == ("222222222222", "us-east-1")
    assert prod.availability_zone_ids == ("use1-az1", "use1-az2", "use1-az4")
    dev = config_for(environmentSuffix="dev")
    assert (dev.account, dev.region, dev.availability_zone_ids) == (
        "111111111111",
        "us-east-1",
        ("use1-az1", "use1-az2", "use1-az4"),
    )


def test_ephemeral_environments_pin_nothing_and_keep_fn_getazs() -> None:
    config = config_for(environmentSuffix="pr-42")
    assert (config.account, config.availability_zone_ids) == (None, ())


@pytest.mark.parametrize(
    ("suffix", "hint"),
    [("prdo", "; did you mean 'prod'?"), ("dve", "; did you mean 'dev'?"), ("pr42", ""), ("local", "")],
)
def test_a_suffix_neither_declared_nor_ephemeral_is_refused(suffix: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_for(environmentSuffix=suffix)
    assert caught.value.problems[0].render() == (
        f"environmentSuffix = {suffix!r}: is neither a declared environment (dev, prod, prod-dr, staging, uat, in cdk.json "
        f"tapVpcEnvironments) nor an ephemeral name (pr-<number>, sandbox-<name>){hint or '.'}"
    )


@pytest.mark.parametrize("key", ["region", "account", "availabilityZoneIds"])
def test_a_declared_environments_account_region_and_azs_cannot_be_overridden(key: str) -> None:
    value = {"region": "eu-west-1", "account": "333333333333", "availabilityZoneIds": "use1-az1"}[key]
    with pytest.raises(ConfigError) as caught:
        config_for(environmentSuffix="prod", **{key: value})
    assert (
        f"{key} = {value!r}: is declared for 'prod' in cdk.json tapVpcEnvironments.prod; it cannot also be set "
        "in cdk.json context or -c. Edit the declaration instead." in caught.value.render()
    )


def test_a_profile_cannot_set_a_declared_environments_region() -> None:
    context = cdk_json_context()
    profiles = {**context["tapVpcProfiles"], "prod": {**context["tapVpcProfiles"]["prod"], "region": "eu-west-1"}}
    with pytest.raises(ConfigError) as caught:
        load_config({**context, "tapVpcProfiles": profiles, "environmentSuffix": "prod"})
    assert "it cannot also be set in profile 'prod'" in caught.value.render()


@pytest.mark.parametrize("profile", ["dev", "ephemeral"])
def test_a_deleted_profile_is_an_error_not_a_fallback(profile: str) -> None:
    context = cdk_json_context()
    profiles = {name: value for name, value in context["tapVpcProfiles"].items() if name != profile}
    suffix = "dev" if profile == "dev" else "pr-1"
    with pytest.raises(ConfigError) as caught:
        load_config({**context, "tapVpcProfiles": profiles, "environmentSuffix": suffix})
    assert f"tapVpcProfiles.{profile} = None: is missing: every environment needs its profile." in caught.value.render()


def test_missing_profiles_and_environments_are_errors() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"environmentSuffix": "pr-1"})
    rendered = caught.value.render()
    assert "tapVpcProfiles = None: must be an object of profile name -> settings (see cdk.json)." in rendered
    assert "tapVpcEnvironments = None: is missing from cdk.json; declare dev and prod there." in rendered


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            {"region": "us-east-1", "availabilityZoneIds": ["use1-az1"]},
            "tapVpcEnvironments.qa.account = None: is required.",
        ),
        (
            {"account": "1", "region": "us-east-1", "availabilityZoneIds": [], "vpc": "x"},
            "tapVpcEnvironments.qa.vpc = 'x': is not a declaration key",
        ),
        (
            {"account": 1, "region": "us-east-1", "availabilityZoneIds": []},
            "tapVpcEnvironments.qa.account = 1: must be a string.",
        ),
        (
            {"account": "1", "region": "us-east-1", "availabilityZoneIds": "use1-az1"},
            "tapVpcEnvironments.qa.availabilityZoneIds = 'use1-az1': must be a list of AZ IDs (strings).",
        ),
        ("x", "tapVpcEnvironments.qa = 'x': must be an object with account, region, availabilityZoneIds."),
    ],
)
def test_malformed_declarations_are_reported(declaration: Any, message: str) -> None:
    context = cdk_json_context()
    environments = {**context["tapVpcEnvironments"], "qa": declaration}
    with pytest.raises(ConfigError) as caught:
        load_config({**context, "tapVpcEnvironments": environments})
    assert message in caught.value.render()


def test_environments_must_be_an_object() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({**cdk_json_context(), "tapVpcEnvironments": ["dev"]})
    assert (
        "tapVpcEnvironments = ['dev']: must be an object of environment name -> declaration." in caught.value.render()
    )


def test_an_ephemeral_name_cannot_be_declared() -> None:
    context = cdk_json_context()
    environments = {**context["tapVpcEnvironments"], "pr-1": context["tapVpcEnvironments"]["dev"]}
    with pytest.raises(ConfigError, match=r"tapVpcEnvironments\.pr-1 = 'pr-1': matches an ephemeral pattern"):
        load_config({**context, "tapVpcEnvironments": environments})


def test_a_suffix_with_a_trailing_newline_is_refused_before_jsii() -> None:
    with pytest.raises(ConfigError, match="must be 1 or more of"):
        load_config(cdk_json_context(), {"ENVIRONMENT_SUFFIX": "pr-1\n"})


def test_a_whole_float_in_cdk_json_reads_as_the_cli_reads_it() -> None:
    # The CDK CLI parses cdk.json as JavaScript, where 400.0 is 400; every tool must agree with it.
    assert config_for(flowLogRetentionDays=400.0).flow_log_retention_days == 400
