"""Guard rails the emulator cannot enforce: the export contract and logical-ID stability.

Once another stack imports an export, CloudFormation refuses to change or delete it, and both
stacks get stuck ("deadly embrace", aws-cdk issues 7602 and 33395). A changed logical ID makes
CloudFormation replace the resource: for a VPC, subnet or NAT gateway that is an outage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from tools.golden import (
    CONTRACT_FILE,
    GUARDED_PROFILES,
    LOGICAL_IDS_FILE,
    export_contract,
    load_contract,
    stateful_logical_ids,
)
from tools.project import config_for, synthesize

HOW_TO_ACCEPT = "If this is deliberate, run `make golden`, review the diff of contract/, and say why in the commit."


@pytest.fixture(scope="module")
def profile_templates() -> dict[str, Mapping[str, Any]]:
    return {suffix: synthesize(config_for(environmentSuffix=suffix)).to_json() for suffix in GUARDED_PROFILES}


def test_exports_match_the_checked_in_contract(profile_templates: dict[str, Mapping[str, Any]]) -> None:
    contract = load_contract()
    actual = export_contract(config_for(environmentSuffix="dev"), profile_templates["dev"])
    removed = sorted(set(contract) - set(actual))
    added = sorted(set(actual) - set(contract))
    repointed = sorted(name for name in set(contract) & set(actual) if contract[name]["value"] != actual[name]["value"])
    assert not removed, (
        f"exports removed or renamed: {removed}. Consumers that import them would break, and CloudFormation "
        f"refuses to delete an export in use. {HOW_TO_ACCEPT}"
    )
    assert not repointed, (
        f"exports now point at different resources: {repointed}. Importing stacks would silently follow the "
        f"new value, or CloudFormation refuses the update while they import it. {HOW_TO_ACCEPT}"
    )
    assert not added, f"new exports not yet in {CONTRACT_FILE.name}: {added}. List them there first: {HOW_TO_ACCEPT}"


def test_every_contract_entry_explains_itself() -> None:
    for name, entry in load_contract().items():
        assert name.startswith("TapVpcStack-{environmentSuffix}-")
        assert len(entry["meaning"]) > 10, name


@pytest.mark.parametrize("suffix", GUARDED_PROFILES)
def test_stateful_logical_ids_are_stable(profile_templates: dict[str, Mapping[str, Any]], suffix: str) -> None:
    golden = json.loads(LOGICAL_IDS_FILE.read_text())[suffix]
    actual = stateful_logical_ids(profile_templates[suffix])
    missing = sorted(f"{lid} ({entry['type']})" for lid, entry in golden.items() if lid not in actual)
    new = sorted(f"{lid} ({entry['type']})" for lid, entry in actual.items() if lid not in golden)
    assert (missing, new) == ([], []), (
        f"[{suffix}] logical IDs changed. CloudFormation would DELETE and REPLACE {missing} "
        f"(creating {new}): an outage for everything in the VPC, or lost flow-log data. Usually a "
        f"construct id was renamed; rename it back. {HOW_TO_ACCEPT}"
    )


@pytest.mark.parametrize("suffix", GUARDED_PROFILES)
def test_no_guarded_resource_changes_a_property_that_replaces_it(
    profile_templates: dict[str, Mapping[str, Any]], suffix: str
) -> None:
    golden = json.loads(LOGICAL_IDS_FILE.read_text())[suffix]
    actual = stateful_logical_ids(profile_templates[suffix])
    assert replacements(golden, actual) == [], (
        f"[{suffix}] CloudFormation would REPLACE these resources (an outage of every workload in them): "
        f"{replacements(golden, actual)}. {HOW_TO_ACCEPT}"
    )


def replacements(golden: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """``"<logical id> (<type>): <property> <old> -> <new>"`` for each replacing change."""
    found = []
    for logical_id, entry in sorted(golden.items()):
        now = actual.get(logical_id, {}).get("replace_on", {})
        for key in sorted(set(entry["replace_on"]) | set(now)):
            before, after = entry["replace_on"].get(key), now.get(key)
            if before != after:
                found.append(f"{logical_id} ({entry['type']}): {key} {before!r} -> {after!r}")
    return found


def test_changing_a_declared_environments_azs_is_reported_as_subnet_replacements() -> None:
    golden = stateful_logical_ids(synthesize(config_for(environmentSuffix="dev")).to_json())
    moved_template = synthesize(
        config_for(
            environmentSuffix="pr-3",
            availabilityZoneIds="use1-az1,use1-az2,use1-az6",
            isolatedSubnetCidrs="10.0.21.0/24,10.0.22.0/24,10.0.23.0/24",
            egressControl="shared",
            egressAllowedDomains="api.acquirer-a.example,.card-network.example",
        )
    ).to_json()
    found = replacements(golden, stateful_logical_ids(moved_template))
    subnet_moves = [line for line in found if "AvailabilityZoneId" in line]
    assert subnet_moves == [
        "EgressFirewallSubnet3Subnet1365FBC4 (AWS::EC2::Subnet): AvailabilityZoneId 'use1-az4' -> 'use1-az6'",
        "VpcIsolatedSubnet3Subnet6840A2D4 (AWS::EC2::Subnet): AvailabilityZoneId 'use1-az4' -> 'use1-az6'",
        "VpcPrivateSubnet3SubnetF258B56E (AWS::EC2::Subnet): AvailabilityZoneId 'use1-az4' -> 'use1-az6'",
        "VpcPublicSubnet3SubnetBE12F0B6 (AWS::EC2::Subnet): AvailabilityZoneId 'use1-az4' -> 'use1-az6'",
    ]
