"""Queries over a synthesized CI roles template, and an IAM evaluator (moto's) over its policies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult

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


def execution_policy(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statements of ``TapVpcCloudFormationExecution``."""
    [found] = [
        props["PolicyDocument"]["Statement"]
        for props in of_type(template, "AWS::IAM::ManagedPolicy")
        if props.get("ManagedPolicyName") == EXECUTION_POLICY_NAME
    ]
    return list(found)


def listed(value: str | list[str]) -> list[str]:
    """An Action or Resource element as a list (IAM allows a lone string)."""
    return [value] if isinstance(value, str) else list(value)


def permits(statements: list[dict[str, Any]], action: str, arn: str) -> bool:
    """Whether a policy of ``statements`` allows ``action`` on ``arn``, as moto's IAM evaluator decides."""
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return bool(IAMPolicy(document).is_action_permitted(action, arn) == PermissionResult.PERMITTED)
