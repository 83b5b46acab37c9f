"""Queries over a synthesized CI roles template, and an IAM evaluator (principalmapper's) over its policies.

moto's ``IAMPolicy`` evaluates Action and Resource, but of conditions only plain string equality,
and a failed condition on an Allow statement counts as an explicit deny there; the boundary and
tag conditions need a real evaluator. principalmapper (NCC Group's Principal Mapper, pinned in
requirements-dev.txt) simulates IAM's decision locally: explicit deny, then allow, with the
condition operators IAM has (String*, Arn*, Null, Bool, ForAnyValue/ForAllValues, ...IfExists).
"""

from __future__ import annotations

import collections
import collections.abc
from collections.abc import Mapping
from typing import Any

# principalmapper 1.1.5, its last release (2022), imports Mapping and MutableMapping from
# collections, where Python 3.10 removed them: put the collections.abc ones back for its import.
for _name in ("Mapping", "MutableMapping"):
    setattr(collections, _name, getattr(collections.abc, _name))

from principalmapper.querying.local_policy_simulation import policy_has_matching_statement  # noqa: E402
from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict  # noqa: E402

#: The managed policy the accounts are bootstrapped with (README, "First deploy to a new account").
EXECUTION_POLICY_NAME = "TapVpcCloudFormationExecution"


def of_type(template: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    """The Properties of every resource of type ``kind``."""
    return [resource["Properties"] for resource in template["Resources"].values() if resource["Type"] == kind]


def role(template: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The Properties of the one role named ``name``."""
    [found] = [props for props in of_type(template, "AWS::IAM::Role") if props["RoleName"] == name]
    return found


def policy_of(template: Mapping[str, Any], logical_prefix: str) -> list[dict[str, Any]]:
    """The statements of the one managed policy whose logical ID starts with ``logical_prefix``."""
    [found] = [
        resource["Properties"]["PolicyDocument"]["Statement"]
        for logical_id, resource in template["Resources"].items()
        if logical_id.startswith(logical_prefix) and resource["Type"] == "AWS::IAM::ManagedPolicy"
    ]
    return list(found)


def execution_policies(template: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Name -> statements of each part of the execution policy (``TapVpcCloudFormationExecution``, ``...2``, ...)."""
    return {
        props["ManagedPolicyName"]: list(props["PolicyDocument"]["Statement"])
        for props in of_type(template, "AWS::IAM::ManagedPolicy")
        if props.get("ManagedPolicyName", "").startswith(EXECUTION_POLICY_NAME)
    }


def execution_policy(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statements of every part of the execution policy: IAM evaluates a role's policies together."""
    return [statement for statements in execution_policies(template).values() for statement in statements]


def named_policy(template: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    """The statements of the managed policy named ``name``."""
    [found] = [
        props["PolicyDocument"]["Statement"]
        for props in of_type(template, "AWS::IAM::ManagedPolicy")
        if props.get("ManagedPolicyName") == name
    ]
    return list(found)


def listed(value: str | list[str]) -> list[str]:
    """An Action or Resource element as a list (IAM allows a lone string)."""
    return [value] if isinstance(value, str) else list(value)


def permits(
    statements: list[dict[str, Any]], action: str, arn: str, context: Mapping[str, str | list[str]] | None = None
) -> bool:
    """Whether a policy of ``statements`` allows ``action`` on ``arn`` with the request ``context`` (condition keys).

    IAM's order: an explicit deny wins; otherwise an allow whose conditions hold; otherwise an implicit deny.
    """
    document = {"Version": "2012-10-17", "Statement": statements}
    keys = CaseInsensitiveDict(dict(context or {}))
    if policy_has_matching_statement(document, "Deny", action, arn, keys):
        return False
    return bool(policy_has_matching_statement(document, "Allow", action, arn, keys))
