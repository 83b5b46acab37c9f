"""The emulator fleet's plan, without an emulator: deploy order by wave and account, and the live overlap rule."""

from __future__ import annotations

from tap_vpc.fleet.overlaps import Overlap, overlaps_within_groups
from tools.declared_environments import declarations
from tools.emulator_fleet import deploy_batches, synth_context


def test_the_fleet_deploys_wave_by_wave_one_batch_per_account() -> None:
    assert deploy_batches(declarations()) == [["dev"], ["staging", "uat"], ["prod"], ["prod-dr"]]


def test_an_account_with_stacks_in_two_waves_gets_a_batch_in_each() -> None:
    declared = {
        "dev": {"account": "111111111111", "region": "us-east-1"},
        "prod": {"account": "111111111111", "region": "us-east-1"},
        "canary": {"account": "111111111111", "region": "us-east-1", "deployWave": "prod"},
    }
    assert deploy_batches(declared) == [["dev"], ["prod", "canary"]]


def test_overlapping_live_ranges_within_a_group_are_found_naming_both() -> None:
    groups = {"prod": "payments", "prod-dr": "payments", "dev": None}
    cidrs = {"prod": ["10.0.0.0/16"], "prod-dr": ["10.16.0.0/16", "10.0.128.0/17"], "dev": ["10.0.0.0/16"]}
    assert overlaps_within_groups(groups, cidrs) == [
        Overlap("payments", "prod", "prod-dr", "10.0.0.0/16", "10.0.128.0/17")
    ]


def test_the_same_range_outside_a_group_or_across_groups_is_no_overlap() -> None:
    groups = {"prod": "payments", "staging": "acquirer-test", "dev": None}
    cidrs = {"prod": ["10.0.0.0/16"], "staging": ["10.0.0.0/16"], "dev": ["10.0.0.0/16"]}
    assert overlaps_within_groups(groups, cidrs) == []


def test_one_environment_is_synthesized_alone_and_several_as_the_fleet() -> None:
    assert synth_context({"natGateways": "1"}, ["dev"]) == {"natGateways": "1", "environmentSuffix": "dev"}
    assert synth_context({"natGateways": "1"}, ["staging", "uat"]) == {"natGateways": "1"}
