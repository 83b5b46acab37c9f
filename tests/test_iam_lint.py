"""Every IAM policy the app writes passes parliament, or its finding is acknowledged with a reason.

Unknown actions and condition keys, resource-type mismatches and privilege escalations fail
(acknowledgements: tap_vpc.compliance.acknowledgements).

Policies: the flow-log role and its delivery policy, the lock-down handler's role, the key policies,
the bucket policies, the endpoint policies (TapVpcStack), and the CI roles with their execution
policy and boundary (TapVpcCiRoles). The execution policy's parts are linted as one document,
since an escalation may combine actions of several parts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import parliament
import pytest
from aws_cdk import App, Environment
from aws_cdk.assertions import Template
from parliament import statement

from ci_roles.stack import TapVpcCiRolesStack
from tests.iam_lint import SCAN_ACTIONS, SCAN_PRIVILEGES, acknowledged, lint_template, unacknowledged, unneeded
from tools.project import config_for, synthesized

ENVIRONMENTS = ("dev", "staging", "uat", "prod", "prod-dr")


def product(environment: str) -> tuple[Any, dict[str, Any], str, str]:
    stack, template = synthesized(config_for(environmentSuffix=environment))
    return stack, dict(template.to_json()), stack.account, stack.region


@pytest.fixture(scope="module")
def ci_roles(tmp_path_factory: pytest.TempPathFactory) -> tuple[TapVpcCiRolesStack, dict[str, Any]]:
    app = App(outdir=str(tmp_path_factory.mktemp("ci-lint")))
    stack = TapVpcCiRolesStack(
        app,
        "TapVpcCiRoles-prod",
        repository="example-org/tap-vpc",
        github_environments=["production"],
        regions=["us-east-1", "us-west-2"],
        env=Environment(account="222222222222", region="us-east-1"),
    )
    return stack, dict(Template.from_stack(stack).to_json())


def merged_execution_policy(template: dict[str, Any]) -> dict[str, Any]:
    """The template with the execution policy's parts as one policy, under the first part's logical ID."""
    resources = dict(template["Resources"])
    parts = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Properties"].get("ManagedPolicyName", "").startswith("TapVpcCloudFormationExecution")
    ]
    first = next(
        lid for lid in parts if resources[lid]["Properties"]["ManagedPolicyName"] == "TapVpcCloudFormationExecution"
    )
    statements = [s for lid in parts for s in resources[lid]["Properties"]["PolicyDocument"]["Statement"]]
    for lid in parts:
        del resources[lid]
    resources[first] = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": statements}},
    }
    return {"Resources": resources}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_products_policies_have_no_unacknowledged_finding(environment: str) -> None:
    stack, template, account, region = product(environment)
    problems = unacknowledged(lint_template(template, account, region), acknowledged(stack))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_product_acknowledgement_is_needed(environment: str) -> None:
    stack, template, account, region = product(environment)
    problems = unneeded(lint_template(template, account, region), acknowledged(stack))
    assert problems == [], "\n".join(problems)


def test_the_ci_roles_have_no_unacknowledged_finding(ci_roles: tuple[TapVpcCiRolesStack, dict[str, Any]]) -> None:
    stack, template = ci_roles
    findings = lint_template(merged_execution_policy(template), "222222222222", "us-east-1")
    problems = unacknowledged(findings, acknowledged(stack))
    assert problems == [], "\n".join(problems)
    assert unneeded(findings, acknowledged(stack)) == []


def test_the_flow_log_delivery_policy_is_clean(tmp_path: Path) -> None:
    # Before the fix, logs:DescribeLogGroups on the group's ARN was a RESOURCE_MISMATCH: IAM takes "*" for it.
    _, template, account, region = product("prod")
    [delivery] = [lid for lid in template["Resources"] if lid.startswith("FlowLogDeliveryPolicy")]
    assert [f for f in lint_template(template, account, region) if f.logical_id == delivery] == []


def test_an_escalation_is_reported_when_not_acknowledged() -> None:
    # The path: attach a policy to any TapVpc* role and pass a role to a new, invoked function.
    template = {
        "Resources": {
            "Policy": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["iam:PassRole", "iam:AttachRolePolicy"],
                                "Resource": "arn:aws:iam::222222222222:role/TapVpc*",
                            },
                            {
                                "Effect": "Allow",
                                "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                                "Resource": "arn:aws:lambda:us-east-1:222222222222:function:TapVpcStack-*",
                            },
                        ],
                    }
                },
            }
        }
    }
    problems = unacknowledged(lint_template(template, "222222222222", "us-east-1"), {})
    assert "Policy PolicyDocument: PRIVILEGE_ESCALATION PassExistingRoleToNewLambdaThenInvoke" in problems


@pytest.mark.parametrize(
    "action",
    ["s3:GetObject", "S3:getobject", "kms:*", "ec2:Describe*", "iam:?etRole", "*", "iam:NoSuchAction", "nosuch:Get"],
)
def test_the_lookups_answer_as_parliaments_own_scan(action: str) -> None:
    # tests.iam_lint indexes parliament's IAM database; exact names, patterns and unknown names alike.
    def answer(expand: Any) -> Any:
        try:
            return sorted((entry["service"], entry["action"]) for entry in expand(action))
        except Exception as error:  # the exception is the answer compared
            return type(error).__name__, str(error)

    assert answer(parliament.expand_action) == answer(SCAN_ACTIONS.__wrapped__)
    if action == "s3:GetObject":
        assert answer(parliament.expand_action) == [("s3", "GetObject")]
    if action == "iam:NoSuchAction":
        assert answer(parliament.expand_action) == ("UnknownActionException", "Unknown action iam:NoSuchAction")


@pytest.mark.parametrize(("service", "action"), [("s3", "GetObject"), ("kms", "Decrypt"), ("s3", "getobject")])
def test_the_privilege_lookup_answers_as_parliaments_own_scan(service: str, action: str) -> None:
    def answer(lookup: Any) -> Any:
        try:
            found = lookup(service, action)
        except Exception as error:  # the exception is the answer compared
            return type(error).__name__, str(error)
        return found["privilege"], found["access_level"], len(found["service_resources"])

    assert answer(statement.get_privilege_info) == answer(SCAN_PRIVILEGES)
    if action == "getobject":  # the scan compares names exactly
        assert answer(statement.get_privilege_info) == ("UnknownActionException", "Unknown action s3:getobject")
