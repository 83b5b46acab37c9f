"""Stack-level behaviour: AZ selection, tags, description, termination protection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import App

from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.tap_vpc_stack import TapVpcStack, add_tap_vpc_stack
from tests.template_helpers import cdk_path, resources_of, tag_value
from tools.project import synthesize

# Everything whose replacement would hurt, plus the IAM role and the flow-log policy's neighbours.
TAGGED_TYPES = (
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::RouteTable",
    "AWS::EC2::NatGateway",
    "AWS::EC2::EIP",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::FlowLog",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::IAM::Role",
    "AWS::S3::Bucket",
    "AWS::Athena::WorkGroup",
)


def test_three_azs_without_account_or_hard_coded_names(default_config: TapVpcConfig) -> None:
    stack = TapVpcStack(App(), "AzProbe", config=default_config)
    assert [stack.resolve(az) for az in stack.availability_zones] == [
        {"Fn::Select": [index, {"Fn::GetAZs": ""}]} for index in range(3)
    ]


def test_every_resource_carries_the_configured_tags(template_with_paths: Mapping[str, Any]) -> None:
    for resource_type in TAGGED_TYPES:
        resources = resources_of(template_with_paths, resource_type)
        assert resources, resource_type
        for logical_id, resource in resources.items():
            if cdk_path(resource) in (
                "Custom::VpcRestrictDefaultSGCustomResourceProvider/Role",
                "Custom::VpcRestrictDefaultNetworkAclCustomResourceProvider/Role",
            ):
                continue  # aws-cdk-lib's provider roles (ours too) sit outside the stack's tag scope
            assert tag_value(resource, "Environment") == "dev", logical_id
            assert tag_value(resource, "Project") == "PaymentGateway", logical_id
            assert tag_value(resource, "ManagedBy") == "CDK", logical_id


def test_name_tags_carry_the_suffix(template_json: Mapping[str, Any]) -> None:
    for resource_type in ("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::NatGateway", "AWS::EC2::SecurityGroup"):
        for resource in resources_of(template_json, resource_type).values():
            name = tag_value(resource, "Name")
            assert name is not None
            assert name.startswith("TapVpcStack-dev")


def test_custom_tags_override_and_extend_defaults() -> None:
    config = TapVpcConfig(environment_suffix="pr7", tags=(("CostCenter", "1234"), ("ManagedBy", "platform")))
    vpc = next(iter(resources_of(synthesize(config).to_json(), "AWS::EC2::VPC").values()))
    assert tag_value(vpc, "CostCenter") == "1234"
    assert tag_value(vpc, "ManagedBy") == "platform"
    assert tag_value(vpc, "Environment") == "pr7"


def test_termination_protection_follows_config() -> None:
    protected = TapVpcStack(App(), "Protected", config=TapVpcConfig(termination_protection=True))
    assert protected.termination_protection is True
    assert TapVpcStack(App(), "Open", config=TapVpcConfig()).termination_protection is False


def test_description_names_the_environment(template_json: Mapping[str, Any]) -> None:
    assert template_json["Description"] == "TAP VPC network foundation (dev)"


def test_the_stack_is_named_and_placed_by_its_config() -> None:
    config = TapVpcConfig(environment_suffix="qa", account="123456789012", region="eu-west-1")
    stack = add_tap_vpc_stack(App(), config)
    assert (stack.stack_name, stack.account, stack.region) == ("TapVpcStack-qa", "123456789012", "eu-west-1")
