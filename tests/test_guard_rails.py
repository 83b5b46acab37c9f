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
    missing = sorted(f"{lid} ({kind})" for lid, kind in golden.items() if actual.get(lid) != kind)
    new = sorted(f"{lid} ({kind})" for lid, kind in actual.items() if lid not in golden)
    assert (missing, new) == ([], []), (
        f"[{suffix}] logical IDs changed. CloudFormation would DELETE and REPLACE {missing} "
        f"(creating {new}): an outage for everything in the VPC, or lost flow-log data. Usually a "
        f"construct id was renamed; rename it back. {HOW_TO_ACCEPT}"
    )
