"""The execution policy allows every permission CloudFormation's handlers list for every type of every template.

The lists come straight from the registry schemas the pinned cfn-lint ships (read here, not through
ci_roles), so a cfn-lint update, a new resource type or a property a template starts to set fails
one of these tests with one message naming the type and the permission.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import pytest
from parliament import iam_definition

from ci_roles.exclusions import ADDITIONS, EXCLUSIONS, NOT_IAM_ACTIONS, WITHHELD, Exclusion
from ci_roles.policy_size import MANAGED_POLICY_MAX_CHARS
from tests.ci_roles.roles_templates import execution_policies, execution_policy, listed, of_type
from tests.ci_roles.synth import RolesTemplate
from tools.project import config_for, synthesized

ENVIRONMENTS = ("dev", "staging", "uat", "prod", "prod-dr")
ROLES_STACK_OF = {"dev": "dev", "staging": "staging", "uat": "staging", "prod": "prod", "prod-dr": "prod"}
#: Types with no registry schema: CDK's metadata (no handler) and custom resources (a Lambda invoke).
NO_SCHEMA = {"AWS::CDK::Metadata", "Custom::VpcRestrictDefaultSG", "Custom::VpcRestrictDefaultNetworkAcl"}


def cfn_lint(*parts: str) -> Any:
    return json.loads(resources.files("cfnlint.data").joinpath(*parts).read_text())


@cache
def handlers(kind: str) -> dict[str, list[str]]:
    """The registry schema's handler -> permissions (create, read, update, delete) of ``kind``."""
    schema = cfn_lint("schemas", "resources", f"{cfn_lint('schemas', 'providers', 'us-east-1.json')[kind]}.json")
    return {
        name: schema["handlers"].get(name, {}).get("permissions", []) for name in ("create", "read", "update", "delete")
    }


@cache
def product(environment: str) -> dict[str, Any]:
    return dict(synthesized(config_for(environmentSuffix=environment))[1].to_json())


def allowed_actions(statements: list[dict[str, Any]]) -> list[str]:
    return [action for s in statements if s["Effect"] == "Allow" for action in listed(s["Action"])]


def missing(template: Mapping[str, Any], statements: list[dict[str, Any]]) -> list[str]:
    """One line per (type, handler, permission) of ``template`` the policy's allows do not name."""
    granted = allowed_actions(statements)
    excluded = {(exclusion.resource_type, exclusion.permission) for exclusion in EXCLUSIONS}
    lines = []
    for kind in sorted({resource["Type"] for resource in template["Resources"].values()} - NO_SCHEMA):
        for handler, permissions in handlers(kind).items():
            lines += [
                f"{kind} ({handler} handler) needs {permission}, which TapVpcCloudFormationExecution does not allow"
                for permission in permissions
                if (kind, permission) not in excluded
                and permission not in NOT_IAM_ACTIONS
                and permission not in WITHHELD
                and not any(fnmatch.fnmatchcase(permission.lower(), action.lower()) for action in granted)
            ]
    return sorted(set(lines))


def property_at(properties: Mapping[str, Any], path: str) -> Any:
    value: Any = properties
    for key in path.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def set_excluded_properties(template: Mapping[str, Any]) -> list[str]:
    return sorted(
        {
            f"{exclusion.resource_type} sets {exclusion.property}, which {exclusion.permission} is excluded for"
            for exclusion in EXCLUSIONS
            for resource in template["Resources"].values()
            if resource["Type"] == exclusion.resource_type
            and property_at(resource.get("Properties", {}), exclusion.property) is not None
        }
    )


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_handler_permission_of_every_type_is_allowed(roles_template: RolesTemplate, environment: str) -> None:
    problems = missing(product(environment), execution_policy(roles_template(ROLES_STACK_OF[environment])))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_template_sets_a_property_whose_permissions_are_excluded(environment: str) -> None:
    problems = set_excluded_properties(product(environment))
    assert problems == [], "\n".join(problems)


def test_a_new_resource_type_fails_naming_the_type_and_the_permission(roles_template: RolesTemplate) -> None:
    template = {"Resources": {"Inspection": {"Type": "AWS::NetworkFirewall::TLSInspectionConfiguration"}}}
    assert (
        "AWS::NetworkFirewall::TLSInspectionConfiguration (create handler) needs "
        "network-firewall:CreateTLSInspectionConfiguration, which TapVpcCloudFormationExecution does not allow"
    ) in missing(template, execution_policy(roles_template("prod")))


def test_a_template_that_starts_to_set_an_excluded_property_fails() -> None:
    template = {"Resources": {"Site": {"Type": "AWS::S3::Bucket", "Properties": {"WebsiteConfiguration": {}}}}}
    assert set_excluded_properties(template) == [
        "AWS::S3::Bucket sets WebsiteConfiguration, which s3:DeleteBucketWebsite is excluded for",
        "AWS::S3::Bucket sets WebsiteConfiguration, which s3:PutBucketWebsite is excluded for",
    ]


@pytest.mark.parametrize("exclusion", EXCLUSIONS, ids=lambda e: f"{e.resource_type}:{e.permission}")
def test_each_exclusion_is_a_handler_permission_outside_the_read_handler(exclusion: Exclusion) -> None:
    listed_by = handlers(exclusion.resource_type)
    assert any(exclusion.permission in permissions for permissions in listed_by.values())
    # CloudFormation reads every resource after each change, and drift detection reads it too.
    assert exclusion.permission not in listed_by["read"]
    assert exclusion.reason


def iam_action_known(action: str) -> bool:
    service, _, name = action.partition(":")
    in_cfn_lint = name.lower() in cfn_lint("AdditionalSpecs", "Policies.json").get(service, {}).get("Actions", {})
    in_parliament = any(
        s["prefix"] == service and any(p["privilege"].lower() == name.lower() for p in s["privileges"])
        for s in iam_definition
    )
    return in_cfn_lint or in_parliament


@pytest.mark.parametrize("action", sorted(NOT_IAM_ACTIONS))
def test_each_schema_name_left_out_is_unknown_to_iam(action: str) -> None:
    assert not iam_action_known(action)


@pytest.mark.parametrize("action", sorted(WITHHELD))
def test_each_withheld_permission_is_a_real_action_the_policy_denies(
    roles_template: RolesTemplate, action: str
) -> None:
    assert iam_action_known(action)
    assert not any(
        fnmatch.fnmatchcase(action.lower(), granted.lower())
        for granted in allowed_actions(execution_policy(roles_template("prod")))
    )


def test_each_addition_is_allowed(roles_template: RolesTemplate) -> None:
    granted = allowed_actions(execution_policy(roles_template("prod")))
    assert [addition.permission for addition in ADDITIONS if addition.permission not in granted] == []
    assert {addition.permission for addition in ADDITIONS} == {
        "lambda:InvokeFunction",
        "route53:AssociateVPCWithHostedZone",
        "ssm:GetParameters",
    }


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_each_managed_policy_fits_iams_size_limit(roles_template: RolesTemplate, environment: str) -> None:
    template = roles_template(environment)
    assert MANAGED_POLICY_MAX_CHARS == 6144
    for props in of_type(template, "AWS::IAM::ManagedPolicy"):
        document = json.dumps(props["PolicyDocument"], separators=(",", ":"))
        assert len(document) <= 6144, props.get("ManagedPolicyName")
    assert sorted(execution_policies(template))[0] == "TapVpcCloudFormationExecution"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_role_carries_the_boundary_and_every_key_the_owner_tag(environment: str) -> None:
    template = product(environment)
    account = {"dev": "111111111111", "staging": "333333333333", "uat": "333333333333"}.get(environment, "222222222222")
    boundary = f"arn:aws:iam::{account}:policy/TapVpcPermissionsBoundary"
    roles = of_type(template, "AWS::IAM::Role")
    # The flow-log delivery role, aws-cdk-lib's default-SG lock-down role, and the default-ACL lock-down's.
    assert len(roles) == 3
    assert [role.get("PermissionsBoundary") for role in roles] == [boundary, boundary, boundary]
    keys = of_type(template, "AWS::KMS::Key")
    assert keys
    assert [{"Key": "TapVpcStack", "Value": f"TapVpcStack-{environment}"} in key["Tags"] for key in keys] == [
        True
    ] * len(keys)
