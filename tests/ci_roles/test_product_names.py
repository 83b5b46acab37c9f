"""Every name each declared environment's TapVpcStack creates falls inside the CI roles of its account.

The names come from the product's synthesized templates, the grants from the CI roles templates,
and the verdict from moto's IAM evaluator, action by action: renaming a resource in the product
without the roles following fails here, naming the statement, the resource and the action.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.ci_roles.named_resources import Named, named_resources, unclassified_types
from tests.ci_roles.roles_templates import execution_policy, listed, permits, policy_of
from tests.ci_roles.synth import RolesTemplate
from tools.project import cdk_json_context, config_for, synthesized

#: Each declared environment -> the CI roles stack of its account (the account's first environment).
ROLES_STACK_OF = {"dev": "dev", "staging": "staging", "uat": "staging", "prod": "prod", "prod-dr": "prod"}
#: The statements that scope names: the execution policy's, and the stack reads of both CI roles.
SCOPING_SIDS = {
    "ReadTapVpcStacks",
    "TapVpcLogGroups",
    "TapVpcKeyAliases",
    "TapVpcRoles",
    "TapVpcManagedPolicies",
    "TapVpcFunctions",
    "TapVpcBuckets",
    "TapVpcGlue",
    "TapVpcWorkGroups",
    "NetworkFirewall",
}


def uncovered(roles: dict[str, Any], named: list[Named]) -> list[str]:
    """One line per (name, ARN, action) that the name's statement does not grant, in any policy of ``roles``."""
    statements = execution_policy(roles) + policy_of(roles, "DeployPolicy") + policy_of(roles, "ReadOnlyPolicy")
    problems = []
    for item in named:
        scoping = [statement for statement in statements if statement["Sid"] == item.sid]
        problems += [f"no statement {item.sid} covers {item.name}"] if not scoping else []
        problems += [
            f"statement {item.sid} does not grant {action} on {item.name} ({arn})"
            for statement in scoping
            for action in listed(statement["Action"])
            for arn in item.arns
            if not permits([statement], action, arn)
        ]
    return problems


def product(environment: str) -> tuple[dict[str, Any], str, str, str]:
    """The environment's TapVpcStack template as `cdk synth` writes it, its stack name, account and region."""
    stack, template = synthesized(config_for(environmentSuffix=environment))
    return dict(template.to_json()), stack.stack_name, stack.account, stack.region


def test_every_declared_environment_is_checked() -> None:
    assert sorted(cdk_json_context()["tapVpcEnvironments"]) == sorted(ROLES_STACK_OF)


@pytest.mark.parametrize("environment", sorted(ROLES_STACK_OF))
def test_every_resource_type_of_the_product_is_classified(environment: str) -> None:
    template, *_ = product(environment)
    assert unclassified_types(template) == set(), "add the type to NAMED_TYPES (with its ARNs) or UNNAMED_TYPES"


@pytest.mark.parametrize("environment", sorted(ROLES_STACK_OF))
def test_every_name_falls_inside_the_roles_of_its_account(roles_template: RolesTemplate, environment: str) -> None:
    template, stack_name, account, region = product(environment)
    named = named_resources(template, stack_name, account, region)
    assert {item.sid for item in named} == SCOPING_SIDS
    problems = uncovered(roles_template(ROLES_STACK_OF[environment]), named)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("kind", "path", "renamed", "message"),
    [
        (
            "AWS::Logs::LogGroup",
            ("LogGroupName",),
            "/payments/prod/vpc-flow-logs",
            "statement TapVpcLogGroups does not grant logs:CreateLogGroup on /payments/prod/vpc-flow-logs "
            "(arn:aws:logs:us-east-1:222222222222:log-group:/payments/prod/vpc-flow-logs)",
        ),
        (
            "AWS::IAM::Role",
            ("RoleName",),
            "PaymentsFlowLogs-prod-us-east-1",
            "statement TapVpcRoles does not grant iam:GetRole on PaymentsFlowLogs-prod-us-east-1 "
            "(arn:aws:iam::222222222222:role/PaymentsFlowLogs-prod-us-east-1)",
        ),
        (
            "AWS::Glue::Database",
            ("DatabaseInput", "Name"),
            "payments_prod",
            "statement TapVpcGlue does not grant glue:CreateDatabase on payments_prod "
            "(arn:aws:glue:us-east-1:222222222222:database/payments_prod)",
        ),
    ],
)
def test_a_renamed_resource_outside_the_roles_fails_naming_statement_resource_and_action(
    roles_template: RolesTemplate, kind: str, path: tuple[str, ...], renamed: str, message: str
) -> None:
    template, stack_name, account, region = product("prod")
    template = copy.deepcopy(template)
    for resource in template["Resources"].values():
        if resource["Type"] == kind and path[0] in resource["Properties"]:
            owner = resource["Properties"]
            for key in path[:-1]:
                owner = owner[key]
            owner[path[-1]] = renamed
    assert message in uncovered(roles_template("prod"), named_resources(template, stack_name, account, region))


def test_a_stack_renamed_outside_the_roles_fails(roles_template: RolesTemplate) -> None:
    template, _, account, region = product("prod")
    problems = uncovered(roles_template("prod"), named_resources(template, "PaymentsVpc-prod", account, region))
    assert (
        "statement ReadTapVpcStacks does not grant cloudformation:DescribeStacks on PaymentsVpc-prod "
        "(arn:aws:cloudformation:us-east-1:222222222222:stack/PaymentsVpc-prod/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d)"
    ) in problems
    # CloudFormation names the lock-down function and its role after the stack, so they leave too.
    assert any(line.startswith("statement TapVpcFunctions does not grant") for line in problems)
