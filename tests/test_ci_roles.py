"""TapVpcCiRoles: the OIDC provider and the two CI roles, trusted only where the workflows need them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment
from aws_cdk.assertions import Template

import ci_roles_app
from tap_vpc.ci_roles import TapVpcCiRolesStack, github_environment_for
from tap_vpc.compliance import acknowledgements
from tap_vpc.compliance.gates import add_compliance_checks, unacknowledged_findings
from tap_vpc.entrypoint import VALIDATION_FAILED, synth_app
from tools.project import cdk_json_context

ACCOUNT, REGION, DR_REGION = "222222222222", "us-east-1", "us-west-2"
REPO = "example-org/tap-vpc"


def synth_ci_roles(outdir: Path) -> dict[str, Any]:
    app = App(outdir=str(outdir))
    stack = TapVpcCiRolesStack(
        app,
        "TapVpcCiRoles-prod",
        repository=REPO,
        github_environments=["production"],
        regions=[REGION, DR_REGION],
        env=Environment(account=ACCOUNT, region=REGION),
    )
    add_compliance_checks(app)
    template: dict[str, Any] = dict(Template.from_stack(stack).to_json())
    assert unacknowledged_findings(str(outdir)) == [], "the CI roles pass all five gates"
    return template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return synth_ci_roles(tmp_path_factory.mktemp("ci-roles"))


def of_type(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [resource["Properties"] for resource in template["Resources"].values() if resource["Type"] == kind]


def role(template: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [props for props in of_type(template, "AWS::IAM::Role") if props["RoleName"] == name]
    return found


def policy_of(template: dict[str, Any], logical_prefix: str) -> list[dict[str, Any]]:
    [found] = [
        resource["Properties"]["PolicyDocument"]["Statement"]
        for logical_id, resource in template["Resources"].items()
        if logical_id.startswith(logical_prefix) and resource["Type"] == "AWS::IAM::ManagedPolicy"
    ]
    return list(found)


def test_the_github_oidc_provider_is_native_and_audience_sts(template: dict[str, Any]) -> None:
    [provider] = of_type(template, "AWS::IAM::OIDCProvider")
    assert provider["Url"] == "https://token.actions.githubusercontent.com"
    assert provider["ClientIdList"] == ["sts.amazonaws.com"]
    assert [r for r in template["Resources"].values() if r["Type"].startswith("Custom::")] == []


@pytest.mark.parametrize(
    ("name", "subjects"),
    [
        ("TapVpcReadOnly", [f"repo:{REPO}:pull_request", f"repo:{REPO}:ref:refs/heads/main"]),
        ("TapVpcDeploy", [f"repo:{REPO}:environment:production"]),
    ],
)
def test_each_role_trusts_only_its_repository_subjects(
    template: dict[str, Any], name: str, subjects: list[str]
) -> None:
    [statement] = role(template, name)["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": subjects,
        }
    }
    assert role(template, name)["MaxSessionDuration"] == 3600


def test_the_deploy_role_may_only_assume_the_bootstrap_roles_and_read_stacks(template: dict[str, Any]) -> None:
    statements = policy_of(template, "DeployPolicy")
    assume = next(s for s in statements if s["Sid"] == "AssumeBootstrapRoles")
    assert assume["Action"] == "sts:AssumeRole"
    # One account, two regions (prod and prod-dr): the bootstrap roles of both, and nothing else.
    assert assume["Resource"] == [
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-deploy-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-deploy-role-{ACCOUNT}-{DR_REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-file-publishing-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-file-publishing-role-{ACCOUNT}-{DR_REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{DR_REGION}",
    ]
    read = next(s for s in statements if s["Sid"] == "ReadTapVpcStacks")
    assert read["Resource"] == [
        f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/TapVpcStack-*/*",
        f"arn:aws:cloudformation:{DR_REGION}:{ACCOUNT}:stack/TapVpcStack-*/*",
    ]
    assert {s["Sid"] for s in statements} == {"ReadTapVpcStacks", "AssumeBootstrapRoles"}


def test_the_read_only_role_can_change_nothing(template: dict[str, Any]) -> None:
    actions = [
        a
        for s in policy_of(template, "ReadOnlyPolicy")
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    assert sorted(actions) == [
        "cloudformation:DescribeStackDriftDetectionStatus",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStackResourceDrifts",
        "cloudformation:DescribeStackResources",
        "cloudformation:DescribeStacks",
        "cloudformation:DetectStackDrift",
        "cloudformation:DetectStackResourceDrift",
        "cloudformation:GetTemplate",
        "sts:AssumeRole",
    ]
    lookup = next(s for s in policy_of(template, "ReadOnlyPolicy") if s["Action"] == "sts:AssumeRole")
    assert lookup["Resource"] == [
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{REGION}",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-lookup-role-{ACCOUNT}-{DR_REGION}",
    ]


def test_the_execution_policy_names_its_iam_and_log_scopes(template: dict[str, Any]) -> None:
    [policy] = [p for p in of_type(template, "AWS::IAM::ManagedPolicy") if p.get("ManagedPolicyName")]
    assert policy["ManagedPolicyName"] == "TapVpcCloudFormationExecution"
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert statements["TapVpcRoles"]["Resource"] == [
        f"arn:aws:iam::{ACCOUNT}:role/TapVpc*",
        f"arn:aws:iam::{ACCOUNT}:role/TapVpcStack-*",
        f"arn:aws:iam::{ACCOUNT}:policy/TapVpcStack-*",
    ]
    assert statements["FlowLogGroup"]["Resource"] == [
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/tap-vpc/*",
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group::log-stream:",
        f"arn:aws:logs:{DR_REGION}:{ACCOUNT}:log-group:/tap-vpc/*",
        f"arn:aws:logs:{DR_REGION}:{ACCOUNT}:log-group::log-stream:",
    ]
    assert "iam:*" not in json.dumps(policy)
    assert '"*:*"' not in json.dumps(policy)


def test_the_execution_policy_covers_the_archive_and_no_more(template: dict[str, Any]) -> None:
    [policy] = [p for p in of_type(template, "AWS::IAM::ManagedPolicy") if p.get("ManagedPolicyName")]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    # An S3 flow log needs logs:CreateLogDelivery of whoever creates it (CloudFormation, here).
    assert statements["FlowLogDeliveryToS3"]["Action"] == ["logs:CreateLogDelivery", "logs:DeleteLogDelivery"]
    buckets = statements["FlowLogArchiveBuckets"]
    assert buckets["Resource"] == "arn:aws:s3:::tapvpc*"
    assert {"s3:CreateBucket", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration"} <= set(
        buckets["Action"]
    )
    assert not [action for action in buckets["Action"] if "*" in action or action[3:9] == "Object"]
    assert "s3:DeleteObject" not in json.dumps(policy)  # CloudFormation never empties a locked archive
    assert statements["FlowLogArchiveTable"]["Resource"] == [
        f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog",
        f"arn:aws:glue:{REGION}:{ACCOUNT}:database/tap_vpc_*",
        f"arn:aws:glue:{REGION}:{ACCOUNT}:table/tap_vpc_*/*",
        f"arn:aws:glue:{DR_REGION}:{ACCOUNT}:catalog",
        f"arn:aws:glue:{DR_REGION}:{ACCOUNT}:database/tap_vpc_*",
        f"arn:aws:glue:{DR_REGION}:{ACCOUNT}:table/tap_vpc_*/*",
    ]
    assert statements["InvestigationWorkGroup"]["Resource"] == [
        f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/tap-vpc-*",
        f"arn:aws:athena:{DR_REGION}:{ACCOUNT}:workgroup/tap-vpc-*",
    ]


def test_the_execution_policy_covers_the_segmentation(template: dict[str, Any]) -> None:
    [policy] = [p for p in of_type(template, "AWS::IAM::ManagedPolicy") if p.get("ManagedPolicyName")]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert {"ec2:ReplaceNetworkAclAssociation", "ec2:ReplaceNetworkAclEntry"} <= set(statements["Network"]["Action"])
    assert statements["InterfaceEndpointPrivateDns"]["Action"] == "route53:AssociateVPCWithHostedZone"
    assert "route53:*" not in json.dumps(policy)


def test_the_wildcard_acknowledgements_are_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acknowledgements, "acknowledge_ci_policy_wildcards", lambda policy, statements: None)
    with pytest.raises(RuntimeError, match=VALIDATION_FAILED):
        synth_ci_roles(tmp_path)
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {v["ruleName"] for plugin in report["pluginReports"] for v in plugin["violations"]}
    assert rules
    assert {rule.split("[")[0] for rule in rules} == {"AwsSolutions-IAM5"}
    assert "AwsSolutions-IAM5[Action::ec2:Create*]" in rules


@pytest.mark.parametrize(
    ("wave", "github_environment"),
    [("dev", "development"), ("staging", "staging"), ("prod", "production"), ("prod-dr", "production")],
)
def test_each_wave_deploys_from_its_github_environment(wave: str, github_environment: str) -> None:
    assert github_environment_for(wave) == github_environment


def ci_roles_app_with(tmp_path: Path, environment: str) -> App:
    return App(outdir=str(tmp_path), context={**cdk_json_context(), "environmentSuffix": environment})


def test_an_account_with_two_regions_gets_one_roles_stack_covering_both(tmp_path: Path) -> None:
    app = ci_roles_app_with(tmp_path, "prod")
    assert synth_app(ci_roles_app.build, app) == 0
    template = json.loads((tmp_path / "TapVpcCiRoles-prod.template.json").read_text())
    read = next(s for s in policy_of(template, "DeployPolicy") if s["Sid"] == "ReadTapVpcStacks")
    assert read["Resource"] == [
        "arn:aws:cloudformation:us-east-1:222222222222:stack/TapVpcStack-*/*",
        "arn:aws:cloudformation:us-west-2:222222222222:stack/TapVpcStack-*/*",
    ]
    trust = role(template, "TapVpcDeploy")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == [
        "repo:example-org/tap-vpc:environment:production"
    ]


def test_a_second_environment_of_one_account_is_refused_naming_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # IAM role names are global to an account: a second TapVpcCiRoles stack there fails at deploy.
    assert synth_app(ci_roles_app.build, ci_roles_app_with(tmp_path, "prod-dr")) == 1
    error = capsys.readouterr().err
    assert "environmentSuffix = 'prod-dr': shares account 222222222222 with prod" in error
    assert "deploy TapVpcCiRoles-prod, which covers us-east-1, us-west-2" in error
    assert not list(tmp_path.glob("*.template.json"))


def test_staging_and_uat_share_the_staging_roles(tmp_path: Path) -> None:
    assert synth_app(ci_roles_app.build, ci_roles_app_with(tmp_path, "staging")) == 0
    template = json.loads((tmp_path / "TapVpcCiRoles-staging.template.json").read_text())
    trust = role(template, "TapVpcDeploy")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == [
        "repo:example-org/tap-vpc:environment:staging"
    ]
