"""VpcFlowLog: the flow log, its encrypted log group, the key policy and the delivery role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

from tap_vpc.flow_logs.flow_log import VpcFlowLog
from tap_vpc.settings.config import TapVpcConfig, cdk_member, declaration_of
from tap_vpc.settings.rules import config_problems
from tests.template_helpers import resources_of
from tools.project import synthesize

#: AWS::Logs::LogGroup RetentionInDays, as the CloudFormation reference lists it.
LOG_RETENTION_DAYS = [
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
]


LOG_GROUP_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":logs:",
            {"Ref": "AWS::Region"},
            ":",
            {"Ref": "AWS::AccountId"},
            ":log-group:/tap-vpc/dev/vpc-flow-logs",
        ],
    ]
}


def test_flow_log_covers_the_vpc_with_all_traffic_every_600s(template: Template) -> None:
    # Two flow logs: this one to CloudWatch Logs (the hot tier), and the archive's to S3.
    template.resource_count_is("AWS::EC2::FlowLog", 2)
    template.has_resource_properties(
        "AWS::EC2::FlowLog",
        {
            "ResourceType": "VPC",
            "ResourceId": {"Ref": Match.string_like_regexp("^Vpc")},
            "TrafficType": "ALL",
            "MaxAggregationInterval": 600,
            "LogDestinationType": "cloud-watch-logs",
            "LogGroupName": {"Ref": Match.string_like_regexp("^FlowLogLogGroup")},
            "DeliverLogsPermissionArn": {"Fn::GetAtt": [Match.string_like_regexp("^FlowLogDeliveryRole"), "Arn"]},
            # The investigation record: v2 fields, then where packets really went, and which subnet, AZ and path.
            "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
            "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} "
            "${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} "
            "${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path}",
        },
    )


def test_null_format_means_the_aws_default_record() -> None:
    synthesize(TapVpcConfig(environment_suffix="pr-2", flow_log_format=None)).has_resource_properties(
        "AWS::EC2::FlowLog", {"LogFormat": Match.absent()}
    )


def test_log_group_is_kms_encrypted_with_explicit_retention(template: Template) -> None:
    template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {
                "LogGroupName": "/tap-vpc/dev/vpc-flow-logs",
                "RetentionInDays": 365,
                "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^FlowLogKey"), "Arn"]},
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_key_rotates_and_is_retained_by_default(template: Template) -> None:
    template.has_resource(
        "AWS::KMS::Key",
        {"Properties": {"EnableKeyRotation": True}, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"},
    )
    template.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/tap-vpc/dev/vpc-flow-logs"})


def test_key_policy_scopes_cloudwatch_logs_to_this_log_group(template_json: Mapping[str, Any]) -> None:
    key = next(k for i, k in resources_of(template_json, "AWS::KMS::Key").items() if i.startswith("FlowLogKey"))
    statement = next(
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "AllowCloudWatchLogsForThisLogGroup"
    )
    assert statement["Principal"] == {
        "Service": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
    }
    assert statement["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": LOG_GROUP_ARN}}
    assert set(statement["Action"]) >= {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}
    assert not [action for action in statement["Action"] if "*" in action]


def test_key_policy_allows_grants_only_for_aws_services(template_json: Mapping[str, Any]) -> None:
    # AWS Control Tower CT.KMS.PR.3, as its guard rule checks it.
    key = next(k for i, k in resources_of(template_json, "AWS::KMS::Key").items() if i.startswith("FlowLogKey"))
    statement = next(
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "DenyGrantsExceptForAwsServices"
    )
    assert statement == {
        "Sid": "DenyGrantsExceptForAwsServices",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}},
    }


def test_role_trusts_only_flow_logs_for_this_account(template: Template) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "RoleName": "TapVpcFlowLogs-dev-us-east-1",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            "ArnLike": {"aws:SourceArn": Match.object_like({"Fn::Join": Match.any_value()})},
                        },
                    }
                ]
            },
        },
    )


def test_delivery_permissions_sit_in_a_managed_policy_scoped_to_the_log_group(template_json: Mapping[str, Any]) -> None:
    assert resources_of(template_json, "AWS::IAM::Policy") == {}
    policies = list(resources_of(template_json, "AWS::IAM::ManagedPolicy").values())
    assert len(policies) == 1
    (statement,) = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    # Delivery to an existing group: streams and events, all authorized on the group's ARN. Not
    # logs:DescribeLogGroups, which IAM authorizes on arn:aws:logs:<region>:<account>:log-group::log-stream:
    # (a grant on the group never applied), nor logs:CreateLogGroup: the stack creates the group.
    assert sorted(statement["Action"]) == [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert statement["Resource"] == {
        "Fn::GetAtt": [next(iter(resources_of(template_json, "AWS::Logs::LogGroup"))), "Arn"]
    }
    role_id = next(
        lid for lid in resources_of(template_json, "AWS::IAM::Role") if lid.startswith("FlowLogDeliveryRole")
    )
    assert policies[0]["Properties"]["Roles"] == [{"Ref": role_id}]
    assert "Policies" not in template_json["Resources"][role_id]["Properties"]


def test_flow_log_waits_for_its_permissions(template_json: Mapping[str, Any]) -> None:
    flow_log = next(iter(resources_of(template_json, "AWS::EC2::FlowLog").values()))
    assert any(dep.startswith("FlowLogDeliveryPolicy") for dep in flow_log["DependsOn"])


def test_non_retained_environments_destroy_log_group_and_key() -> None:
    template = synthesize(TapVpcConfig(retain_data=False, flow_log_retention_days=400))
    for resource_type in ("AWS::Logs::LogGroup", "AWS::KMS::Key"):
        template.has_resource(resource_type, {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"})
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 400})


def test_custom_format_and_one_minute_interval() -> None:
    # A custom record keeps the fields PCI DSS 10.2.2 needs: the pack refuses one without them, and a
    # flow log of REJECT traffic only (tests/test_pci_dss_v4_gate.py).
    log_format = (
        "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${end} ${action}"
    )
    config = TapVpcConfig(flow_log_format=log_format, flow_log_max_aggregation_interval=60)
    synthesize(config).has_resource_properties(
        "AWS::EC2::FlowLog", {"LogFormat": log_format, "MaxAggregationInterval": 60, "TrafficType": "ALL"}
    )


def test_the_retention_setting_accepts_what_cloudwatch_logs_accepts() -> None:
    declared = declaration_of("flow_log_retention_days")
    assert declared.key == "flowLogRetentionDays"
    assert declared.limit is not None
    assert list(declared.limit.values) == LOG_RETENTION_DAYS
    assert "AWS::Logs::LogGroup" in declared.limit.source


def test_every_retention_value_becomes_the_same_number_of_days_in_the_template() -> None:
    # Each value's aws-cdk-lib member, as the stack converts it, written back by the real L2 LogGroup.
    stack = Stack(App(), "RetentionProbe")
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, subnet_configuration=[])
    for days in LOG_RETENTION_DAYS:
        retention = logs.RetentionDays[cdk_member("flow_log_retention_days", days)]
        VpcFlowLog(stack, f"Log{days}", vpc=vpc, log_group_name=f"/probe/{days}", retention=retention)
    groups = resources_of(Template.from_stack(stack).to_json(), "AWS::Logs::LogGroup").values()
    assert sorted(group["Properties"]["RetentionInDays"] for group in groups) == LOG_RETENTION_DAYS


@pytest.mark.parametrize(
    ("field_name", "value", "expected"),
    [
        ("flow_log_max_aggregation_interval", 60, 60),
        ("flow_log_max_aggregation_interval", 600, 600),
        ("flow_log_traffic_type", "ACCEPT", "ACCEPT"),
        ("flow_log_traffic_type", "REJECT", "REJECT"),
    ],
)
def test_interval_and_traffic_type_members_write_the_values_aws_documents(
    field_name: str, value: object, expected: object
) -> None:
    stack = Stack(App(), "EnumProbe")
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, subnet_configuration=[])
    if field_name == "flow_log_traffic_type":
        kwargs: dict[str, Any] = {"traffic_type": ec2.FlowLogTrafficType[cdk_member(field_name, value)]}
        property_name = "TrafficType"
    else:
        kwargs = {"max_aggregation_interval": ec2.FlowLogMaxAggregationInterval[cdk_member(field_name, value)]}
        property_name = "MaxAggregationInterval"
    VpcFlowLog(stack, "FlowLog", vpc=vpc, log_group_name="/probe", **kwargs)
    Template.from_stack(stack).has_resource_properties("AWS::EC2::FlowLog", {property_name: expected})


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"max_aggregation_interval": 300}, "max_aggregation_interval must be one of"),
        ({"traffic_type": "ALL"}, "traffic_type must be one of"),
        ({"retention": 366}, "retention must be one of"),
    ],
)
def test_the_construct_on_its_own_takes_only_cdk_enums(kwargs: dict[str, Any], fragment: str) -> None:
    # Validation happens once, at the settings edge; used on its own, CDK's enum typing stops bad values.
    stack = Stack(App(), "Probe")
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, subnet_configuration=[])
    with pytest.raises(TypeError, match=fragment):
        VpcFlowLog(stack, "FlowLog", vpc=vpc, log_group_name="/probe", removal_policy=RemovalPolicy.DESTROY, **kwargs)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        (
            {"flow_log_max_aggregation_interval": 300},
            "flowLogMaxAggregationInterval = 300: AWS::EC2::FlowLog MaxAggregationInterval must be 60 or 600",
        ),
        ({"flow_log_traffic_type": "SOME"}, "flowLogTrafficType = 'SOME': must be one of ACCEPT, ALL, REJECT"),
        ({"flow_log_retention_days": 366}, "flowLogRetentionDays = 366"),
        ({"flow_log_retention_days": 30}, "CT.CLOUDWATCH.PR.2 requires at least 365 days"),
        ({"flow_log_format": "${srcaddr}  ${dstaddr}"}, "separated by single spaces"),
    ],
)
def test_the_settings_edge_refuses_what_aws_would(overrides: dict[str, Any], fragment: str) -> None:
    rendered = [problem.render() for problem in config_problems(TapVpcConfig(**overrides))]
    assert len(rendered) == 1
    assert fragment in rendered[0]


def test_construct_exposes_its_parts() -> None:
    stack = Stack(App(), "Parts")
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, subnet_configuration=[])
    flow_log = VpcFlowLog(stack, "FlowLog", vpc=vpc, log_group_name="/parts")
    default_child = flow_log.node.default_child
    assert default_child is not None
    assert default_child.node.path == "Parts/FlowLog/FlowLog/FlowLog"
    assert isinstance(default_child, ec2.CfnFlowLog)
    assert stack.resolve(flow_log.flow_log_id) == {"Ref": stack.get_logical_id(default_child)}
    log_group = flow_log.log_group.node.default_child
    assert isinstance(log_group, logs.CfnLogGroup)
    assert stack.resolve(flow_log.log_group.log_group_name) == {"Ref": stack.get_logical_id(log_group)}
    assert flow_log.key.node.path == "Parts/FlowLog/Key"
    assert flow_log.role.node.path == "Parts/FlowLog/DeliveryRole"
    assert flow_log.delivery_policy.node.path == "Parts/FlowLog/DeliveryPolicy"
