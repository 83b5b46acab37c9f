"""The default network ACL's lock-down: the custom resource, its least-privilege role, and its handler.

The handler runs under Node.js (the pinned ``node`` package) against a stand-in EC2 client that
records each call, so its Create, Update and Delete are checked without AWS.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from typing import Any

import pytest

from tests.template_helpers import logical_id_at, resource_at, resources_of
from tools.project import ROOT

HANDLER = ROOT / "tap_vpc" / "network" / "default_network_acl_handler" / "index.js"
NODE = ROOT / "node_modules" / ".bin" / "node"
PROVIDER = "Custom::VpcRestrictDefaultNetworkAclCustomResourceProvider"


def test_the_vpcs_default_acl_is_handed_to_the_lockdown(template_with_paths: Mapping[str, Any]) -> None:
    (lockdown,) = resources_of(template_with_paths, "Custom::VpcRestrictDefaultNetworkAcl").values()
    vpc = logical_id_at(template_with_paths, "Vpc/Resource")
    assert lockdown["Properties"]["DefaultNetworkAclId"] == {"Fn::GetAtt": [vpc, "DefaultNetworkAcl"]}
    handler = logical_id_at(template_with_paths, f"{PROVIDER}/Handler")
    assert lockdown["Properties"]["ServiceToken"] == {"Fn::GetAtt": [handler, "Arn"]}


def test_the_handler_may_only_delete_and_create_entries_of_that_acl(template_with_paths: Mapping[str, Any]) -> None:
    role = resource_at(template_with_paths, f"{PROVIDER}/Role")["Properties"]
    (policy,) = role["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["ec2:DeleteNetworkAclEntry", "ec2:CreateNetworkAclEntry"]
    vpc = logical_id_at(template_with_paths, "Vpc/Resource")
    (arn,) = statement["Resource"]
    assert arn["Fn::Join"][1][-1] == {"Fn::GetAtt": [vpc, "DefaultNetworkAcl"]}
    assert arn["Fn::Join"][1][-2].endswith(":network-acl/")


def test_the_handler_runs_on_the_runtime_of_aws_cdk_libs_own_lockdown(template_with_paths: Mapping[str, Any]) -> None:
    ours = resource_at(template_with_paths, f"{PROVIDER}/Handler")["Properties"]
    theirs = resource_at(template_with_paths, "Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler")[
        "Properties"
    ]
    assert ours["Runtime"] == theirs["Runtime"]
    assert ours["Handler"] == "__entrypoint__.handler"  # aws-cdk-lib's wrapper answers CloudFormation


FAKE_EC2 = """
const calls = [];
const missing = new Set(JSON.parse(process.argv[2]));
const fail = (name) => { const error = new Error(name); error.name = name; throw error; };
const ec2 = {
  async deleteNetworkAclEntry(input) {
    calls.push(["delete", input]);
    if (missing.has(input.RuleNumber)) fail("InvalidNetworkAclEntry.NotFound");
    if (missing.has(-3)) fail("UnauthorizedOperation");
  },
  async createNetworkAclEntry(input) {
    calls.push(["create", input]);
    if (missing.has(-1)) fail("NetworkAclEntryAlreadyExists");
    if (missing.has(-2)) fail("UnauthorizedOperation");
  },
};
const { respond } = require(process.argv[1]);
respond(JSON.parse(process.argv[3]), ec2).then(
  (result) => console.log(JSON.stringify({ result, calls })),
  (error) => console.log(JSON.stringify({ error: error.name, calls })),
);
"""


def run_handler(event: dict[str, Any], missing: tuple[int, ...] = (101,)) -> dict[str, Any]:
    """The handler's answer to ``event`` and the EC2 calls it made; rules in ``missing`` do not exist."""
    completed = subprocess.run(
        [str(NODE), "-e", FAKE_EC2, str(HANDLER), json.dumps(list(missing)), json.dumps(event)],
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


def deletes(acl: str) -> list[list[Any]]:
    return [
        ["delete", {"NetworkAclId": acl, "RuleNumber": rule, "Egress": egress}]
        for egress in (False, True)
        for rule in (100, 101)
    ]


def restores(acl: str) -> list[list[Any]]:
    entry = {"NetworkAclId": acl, "RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}
    return [["create", {**entry, "Egress": egress}] for egress in (False, True)]


def test_create_deletes_the_ipv4_and_ipv6_allow_entries_in_both_directions() -> None:
    # A VPC without IPv6 has no rule 101: its absence is no error.
    answer = run_handler({"RequestType": "Create", "ResourceProperties": {"DefaultNetworkAclId": "acl-1"}})
    assert answer == {"result": {}, "calls": deletes("acl-1")}


def test_delete_puts_back_what_aws_creates() -> None:
    answer = run_handler(
        {"RequestType": "Delete", "ResourceProperties": {"DefaultNetworkAclId": "acl-1"}}, missing=(-1,)
    )
    assert answer == {"result": {}, "calls": restores("acl-1")}


def test_an_update_to_another_acl_restores_the_old_one_and_locks_the_new() -> None:
    event = {
        "RequestType": "Update",
        "ResourceProperties": {"DefaultNetworkAclId": "acl-new"},
        "OldResourceProperties": {"DefaultNetworkAclId": "acl-old"},
    }
    assert run_handler(event)["calls"] == restores("acl-old") + deletes("acl-new")
    unchanged = {**event, "OldResourceProperties": {"DefaultNetworkAclId": "acl-new"}}
    assert run_handler(unchanged) == {"result": {}, "calls": []}


@pytest.mark.parametrize(("request_type", "missing"), [("Create", (-3,)), ("Delete", (-2,))])
def test_any_other_ec2_error_fails_the_custom_resource(request_type: str, missing: tuple[int, ...]) -> None:
    event = {"RequestType": request_type, "ResourceProperties": {"DefaultNetworkAclId": "acl-1"}}
    assert run_handler(event, missing)["error"] == "UnauthorizedOperation"
