"""The checker's firewall layer, edge by edge, on the prod template changed in one place each time.

Literal spec: a firewall with no policy in the template passes everything; a rule group missing
from the template decides nothing; an ALERT rule decides nothing; a rule naming ``$HOME_NET`` means
the VPC; a firewall whose subnets go straight to the internet gateway has no NAT return to check.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from tap_vpc.network.vpc import s3_endpoint_statements
from tap_vpc.segmentation.reachability.check import broken_rules, check_template
from tap_vpc.segmentation.reachability.egress import egress_findings
from tests.template_helpers import logical_id_at, resources_of, synthesized_with_paths
from tools.project import config_for

EGRESS_RULE = "private -> internet : 1-442,444-65535 : deny"


@pytest.fixture(scope="module")
def prod() -> Mapping[str, Any]:
    return synthesized_with_paths(config_for(environmentSuffix="prod"))


def changed(template: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(template))


def verdict(template: Mapping[str, Any], rule: str) -> bool:
    return next(result.holds for result in check_template(template) if result.rule.text == rule)


def route_state(template: Mapping[str, Any], rule: str) -> str:
    """The route layer's state (open or closed) for ``rule``: through the firewall, its policy decides."""
    result = next(result for result in check_template(template) if result.rule.text == rule)
    return next(layer.state for layer in result.layers if layer.layer == "route")


def baseline_rules(template: dict[str, Any]) -> list[dict[str, Any]]:
    group = template["Resources"][logical_id_at(template, "EgressFirewall/BaselineRules")]
    rules: list[dict[str, Any]] = group["Properties"]["RuleGroup"]["RulesSource"]["StatefulRules"]
    return rules


def open_private_and_firewall_egress(template: dict[str, Any]) -> None:
    for tier in ("Private", "Firewall"):
        entry = template["Resources"][logical_id_at(template, f"NetworkAcls/{tier}Acl/Out100/Resource")]
        entry["Properties"]["CidrBlock"] = "0.0.0.0/0"


def test_a_firewall_without_its_policy_in_the_template_passes_everything(prod: Mapping[str, Any]) -> None:
    template = changed(prod)
    del template["Resources"][logical_id_at(template, "EgressFirewall/Policy")]
    open_private_and_firewall_egress(template)
    assert verdict(template, EGRESS_RULE) is False
    [failure] = [r for r in broken_rules(check_template(template)) if r.rule.text == EGRESS_RULE]
    assert "has no firewall policy in the template" in "; ".join(failure.broken_layers()[0].deciders)


def test_a_rule_group_missing_from_the_template_decides_nothing(prod: Mapping[str, Any]) -> None:
    template = changed(prod)
    del template["Resources"][logical_id_at(template, "EgressFirewall/BaselineRules")]
    open_private_and_firewall_egress(template)
    # Without the baseline, the domain list passes any TCP port to an allow-listed name.
    assert verdict(template, EGRESS_RULE) is False
    assert verdict(template, "private -> internet : 443 : allow") is True


def test_an_alert_rule_decides_nothing(prod: Mapping[str, Any]) -> None:
    template = changed(prod)
    rules = baseline_rules(template)
    alert = copy.deepcopy(rules[1])
    alert["Action"] = "ALERT"
    alert["Header"]["DestinationPort"] = "ANY"
    rules.insert(0, alert)
    assert route_state(template, EGRESS_RULE) == "closed"


def test_a_rule_naming_home_net_means_the_vpc(prod: Mapping[str, Any]) -> None:
    template = changed(prod)
    rules = baseline_rules(template)
    passing = copy.deepcopy(rules[1])
    passing["Action"] = "PASS"
    passing["Header"]["Source"] = "$HOME_NET"
    passing["Header"]["DestinationPort"] = "25"
    rules.insert(0, passing)
    open_private_and_firewall_egress(template)
    assert verdict(template, EGRESS_RULE) is False


def test_a_udp_rule_does_not_decide_a_tcp_flow(prod: Mapping[str, Any]) -> None:
    template = changed(prod)
    rules = baseline_rules(template)
    udp_pass = copy.deepcopy(rules[3])
    udp_pass["Action"] = "PASS"
    rules.insert(0, udp_pass)
    assert route_state(template, EGRESS_RULE) == "closed"


def test_a_firewall_subnet_straight_to_the_internet_gateway_has_no_nat_return_to_check(
    prod: Mapping[str, Any],
) -> None:
    template = changed(prod)
    igw = logical_id_at(template, "Vpc/IGW")
    for az in (1, 2, 3):
        route = template["Resources"][logical_id_at(template, f"EgressFirewall/Subnet{az}DefaultRoute")]["Properties"]
        del route["NatGatewayId"]
        route["GatewayId"] = {"Ref": igw}
    assert verdict(template, "private -> internet : 443 : allow") is True
    assert [finding.problem for finding in egress_findings(template) if "back through" in finding.problem] == []


def test_without_aws_owned_buckets_the_s3_endpoint_admits_this_account_only() -> None:
    assert [statement.sid for statement in s3_endpoint_statements([])] == ["ThisAccountsBuckets"]


def test_an_ephemeral_environment_may_turn_egress_control_on_without_pinned_azs() -> None:
    template = synthesized_with_paths(
        config_for(environmentSuffix="pr-34", egressControl="shared", egressAllowedDomains="api.acquirer.example")
    )
    [subnet] = [
        resource
        for resource in resources_of(template, "AWS::EC2::Subnet").values()
        if resource.get("Metadata", {}).get("TapVpc::Tier") == "firewall"
    ][:1]
    assert "AvailabilityZoneId" not in subnet["Properties"]
    assert subnet["Properties"]["AvailabilityZone"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert broken_rules(check_template(template)) == []


def test_without_its_rule_groups_the_policy_default_drops_everything(prod: Mapping[str, Any]) -> None:
    template = changed(prod)
    for path in ("EgressFirewall/BaselineRules", "EgressFirewall/AllowedDomains"):
        del template["Resources"][logical_id_at(template, path)]
    assert verdict(template, "private -> internet : 443 : allow") is False
    result = next(r for r in check_template(template) if r.rule.text == "private -> internet : 443 : allow")
    route = next(layer for layer in result.layers if layer.layer == "route")
    assert "default actions (aws:drop_established, aws:alert_established) drops what no rule names" in "; ".join(
        route.deciders
    )


def test_a_tcp_rule_on_any_port_decides_every_tcp_flow(prod: Mapping[str, Any]) -> None:
    template = changed(prod)
    rules = baseline_rules(template)
    drop_all = copy.deepcopy(rules[1])
    drop_all["Header"]["DestinationPort"] = "ANY"
    rules.insert(1, drop_all)
    assert verdict(template, "private -> internet : 443 : allow") is False


def test_the_firewall_layout_wants_an_ipv4_vpc() -> None:
    from tap_vpc.network.layout import layout_firewall_subnets

    with pytest.raises(ValueError, match="is not IPv4"):
        layout_firewall_subnets("2001:db8::/56", 3)
