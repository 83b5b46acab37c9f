"""Each setting declared once: the declarations, the keys' single home, and what the edge now refuses."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tap_vpc.errors import ConfigError
from tap_vpc.fleet.declarations import Fleet, parse_fleet
from tap_vpc.settings.config import TapVpcConfig, declarations, key_of
from tap_vpc.settings.loading import SETTINGS, load_config, load_fleet_configs
from tap_vpc.settings.rules import config_problems
from tools.project import ROOT, cdk_json_context, config_for

PACKAGE = ROOT / "tap_vpc"


#: Calls whose string argument is a config field name (``key_of("account")``), not a context key.
FIELD_LOOKUPS = {"key_of", "declaration_of", "cdk_member", "_limit"}
#: AWS's flow-log record fields include ``region``: a record field, not the setting.
RECORD_FIELDS = PACKAGE / "flow_logs" / "fields.py"


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Every plain string constant in ``path``, except config field names passed to ``FIELD_LOOKUPS``."""
    tree = ast.parse(path.read_text())
    field_names = {
        id(argument)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in FIELD_LOOKUPS
        for argument in node.args
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in field_names
    ]


def test_every_setting_key_is_a_literal_once_in_the_product() -> None:
    # A key may be mentioned in prose; as a whole string literal it lives only in its declaration.
    keys = {declared.key for declared in declarations().values()}
    homes: dict[str, list[str]] = {key: [] for key in keys}
    for path in sorted(set(PACKAGE.rglob("*.py")) - {RECORD_FIELDS}):
        for line, value in _string_literals(path):
            if value in keys:
                homes[value].append(f"{path.relative_to(ROOT)}:{line}")
    assert {key: places for key, places in homes.items() if len(places) != 1} == {}
    assert {Path(places[0].split(":")[0]).name for places in homes.values()} == {"config.py"}


def test_the_settings_table_is_derived_from_the_declarations() -> None:
    assert [(setting.key, setting.field) for setting in SETTINGS] == [
        (declared.key, name) for name, declared in declarations().items()
    ]
    assert key_of("flow_log_retention_days") == "flowLogRetentionDays"
    assert key_of("vpc_cidr") == "vpcCidr"
    with pytest.raises(KeyError):
        key_of("flow_log_retention")


def test_every_declared_limit_names_its_source_and_maps_each_value_to_a_cdk_member() -> None:
    limits = {name: declared.limit for name, declared in declarations().items() if declared.limit is not None}
    assert set(limits) == {
        "az_count",
        "flow_log_traffic_type",
        "flow_log_max_aggregation_interval",
        "flow_log_retention_days",
        "archive_object_lock_mode",
    }
    for limit in limits.values():
        assert limit.source
        assert not limit.cdk_names or len(limit.cdk_names) == len(limit.values)
    interval = limits["flow_log_max_aggregation_interval"]
    assert interval.values == (60, 600)
    assert interval.cdk_name(600) == "TEN_MINUTES"


def test_importing_the_settings_loads_no_aws_cdk() -> None:
    # Tools that only read settings (make local on bad input, the error paths) answer without jsii.
    probe = (
        "import sys; import tap_vpc.settings.loading, tap_vpc.settings.rules, tap_vpc.fleet.declarations; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('aws_cdk', 'jsii', 'constructs')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "httpsIngressCidrs",
            "203.0.113.7",
            "httpsIngressCidrs = '203.0.113.7': has no mask; CIDR blocks are written address/mask, e.g. "
            "203.0.113.7/32 for this one address.",
        ),
        (
            "httpsIngressCidrs",
            "2001:db8::1",
            "httpsIngressCidrs = '2001:db8::1': has no mask; CIDR blocks are written address/mask, e.g. "
            "2001:db8::1/128 for this one address.",
        ),
        (
            "vpcCidr",
            "10.9.0.0",
            "vpcCidr = '10.9.0.0': has no mask; CIDR blocks are written address/mask, e.g. 10.9.0.0/32 for this "
            "one address.",
        ),
        ("httpsIngressCidrs", "nowhere", "httpsIngressCidrs = 'nowhere': is not a valid CIDR block: write it as"),
    ],
)
def test_an_address_without_a_mask_is_refused_at_the_edge(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({**cdk_json_context(), "environmentSuffix": "pr-7", key: value})
    assert any(line.startswith(f"  - {message}") for line in caught.value.render().splitlines())


def test_an_interface_service_aws_does_not_offer_is_refused_with_a_did_you_mean() -> None:
    problems = config_problems(TapVpcConfig(interface_endpoints=("kms", "secretmanager", "ecr.api")))
    assert [problem.render() for problem in problems] == [
        "interfaceEndpoints = 'secretmanager': is not an interface endpoint service that aws-cdk-lib's "
        "InterfaceVpcEndpointAwsService knows; did you mean 'secretsmanager'?; CloudFormation would refuse it at "
        "deploy (tap_vpc/network/interface_services.txt lists them)."
    ]


def test_the_interface_service_list_is_what_the_pinned_aws_cdk_lib_knows() -> None:
    from tap_vpc.network.service_names import SERVICES_FILE
    from tools.interface_services import rendered

    assert SERVICES_FILE.read_text() == rendered(), "stale: run python -m tools.interface_services"
    listed = SERVICES_FILE.read_text().splitlines()
    assert {"kms", "sts", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"} <= set(listed)


@pytest.mark.parametrize(
    ("environment", "data_subnets"),
    [
        ("dev", ("10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24")),
        ("uat", ("10.2.21.0/24", "10.2.22.0/24", "10.2.23.0/24")),
        ("prod-dr", ("10.16.21.0/24", "10.16.22.0/24", "10.16.23.0/24")),
    ],
)
def test_the_data_tier_follows_the_layout_of_the_declared_vpc_cidr(
    environment: str, data_subnets: tuple[str, ...]
) -> None:
    assert config_for(environmentSuffix=environment).isolated_subnet_cidrs == data_subnets


def test_explicit_data_subnets_override_the_layout_and_no_data_tier_is_the_default() -> None:
    explicit = config_for(
        environmentSuffix="pr-4",
        vpcCidr="10.40.0.0/16",
        azCount="2",
        natGateways="2",
        isolatedSubnetCidrs="10.40.31.0/24,10.40.32.0/24",
    )
    assert explicit.isolated_subnet_cidrs == ("10.40.31.0/24", "10.40.32.0/24")
    layout = config_for(environmentSuffix="pr-4", vpcCidr="10.40.0.0/16", dataTier="true", azCount="2", natGateways="1")
    assert layout.isolated_subnet_cidrs == ("10.40.21.0/24", "10.40.22.0/24")
    assert config_for(environmentSuffix="pr-4", vpcCidr="10.40.0.0/16").isolated_subnet_cidrs == ()


def test_the_fleet_declarations_are_parsed_once_per_fleet_synth(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting_parse(context: Mapping[str, Any]) -> Fleet:
        calls.append(1)
        return parse_fleet(context)

    monkeypatch.setattr("tap_vpc.settings.loading.parse_fleet", counting_parse)
    configs = load_fleet_configs(cdk_json_context())
    assert [config.environment_suffix for config in configs] == ["dev", "staging", "uat", "prod", "prod-dr"]
    assert calls == [1]


def test_a_fleet_wide_problem_is_reported_once() -> None:
    context = cdk_json_context()
    environments = {**context["tapVpcEnvironments"], "qa": {"account": "111111111111"}}
    with pytest.raises(ConfigError) as caught:
        load_fleet_configs({**context, "tapVpcEnvironments": environments, "flowLogRetentionDay": 365})
    lines = caught.value.render().splitlines()[1:]
    assert len(lines) == len(set(lines))
    assert sum("flowLogRetentionDay = 365" in line for line in lines) == 1
    assert sum(line.startswith("  - tapVpcEnvironments.qa.region") for line in lines) == 1


def test_no_module_of_the_settings_or_fleet_imports_aws_cdk() -> None:
    for package in ("settings", "fleet"):
        for path in (PACKAGE / package).glob("*.py"):
            imported = re.findall(r"^\s*(?:from|import) (aws_cdk|constructs|jsii)\b", path.read_text(), re.M)
            assert imported == [], path


def test_a_null_flow_log_format_is_aws_default_record_and_valid() -> None:
    assert config_problems(TapVpcConfig(flow_log_format=None)) == []


def test_the_one_ipv4_test_reads_networks_and_refuses_what_is_not_one() -> None:
    from tap_vpc.vocabulary import is_ipv4

    assert is_ipv4("10.0.0.0/16") is True
    assert is_ipv4("2001:db8::/32") is False
    assert is_ipv4("10.0.0.300/16") is False
