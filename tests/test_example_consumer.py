"""The consumer helper and example stack import exactly the contract's export names."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App
from aws_cdk.assertions import Annotations, Match, Template

from examples.consumer.consumer_app import ExampleConsumerStack
from tap_vpc.compliance.gates import add_compliance_checks
from tests.template_helpers import imported_names
from tools.golden import load_contract


def consumer(**kwargs: Any) -> tuple[ExampleConsumerStack, Template]:
    app = App()
    stack = ExampleConsumerStack(app, "TapVpcConsumer-pr5", environment_suffix="pr5", **kwargs)
    add_compliance_checks(app)
    return stack, Template.from_stack(stack)


@pytest.fixture(scope="module")
def consumer_template() -> tuple[ExampleConsumerStack, Template]:
    return consumer()


def test_imports_only_contract_exports_of_its_environment(
    consumer_template: tuple[ExampleConsumerStack, Template],
) -> None:
    _, template = consumer_template
    # The checked-in contract (contract/exports.json) is what consumers may rely on, not the code's list.
    contract = {pattern.replace("{environmentSuffix}", "pr5") for pattern in load_contract()}
    names = set(imported_names(template.to_json()))
    assert names <= contract
    assert names == {
        f"TapVpcStack-pr5-{key}"
        for key in [
            "VpcId",
            "SecurityGroupId",
            "PrivateSubnet1Id",
            "PrivateSubnet2Id",
            "PrivateSubnet3Id",
        ]
    }


def test_interface_endpoint_sits_in_the_imported_private_subnets(
    consumer_template: tuple[ExampleConsumerStack, Template],
) -> None:
    _, template = consumer_template
    template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Interface",
            "VpcId": {"Fn::ImportValue": "TapVpcStack-pr5-VpcId"},
            "SubnetIds": [{"Fn::ImportValue": f"TapVpcStack-pr5-PrivateSubnet{n}Id"} for n in (1, 2, 3)],
        },
    )
    template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {"FromPort": 8443, "SourceSecurityGroupId": {"Fn::ImportValue": "TapVpcStack-pr5-SecurityGroupId"}},
    )


def test_import_helper_raises_no_warnings(consumer_template: tuple[ExampleConsumerStack, Template]) -> None:
    stack, _ = consumer_template
    assert Annotations.from_stack(stack).find_warning("*", Match.any_value()) == []
