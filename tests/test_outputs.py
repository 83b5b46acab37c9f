"""The export contract: every output, its description and its export name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_vpc.exports.outputs import export_name, output_specs
from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import resources_of, route_table_of, subnets_by_tier
from tools.project import config_for, synthesize

SEED_OUTPUTS = {
    "VpcId",
    "VpcCidr",
    "InternetGatewayId",
    "PublicSubnetIds",
    "PrivateSubnetIds",
    "NatGatewayIds",
    "SecurityGroupId",
    "FlowLogId",
}
PER_AZ = {
    f"{kind}{n}Id"
    for kind in ("PublicSubnet", "PrivateSubnet", "PublicRouteTable", "PrivateRouteTable")
    for n in (1, 2, 3)
}
EXTRA = {"AvailabilityZones", "NatGatewayPublicIps", "FlowLogGroupName", "FlowLogGroupArn"}
ARCHIVE = {"ArchiveFlowLogId", "ArchiveBucketName", "FlowLogDatabaseName", "FlowLogTableName", "AthenaWorkGroupName"}


def test_every_contract_output_is_present_and_nothing_else(template_json: Mapping[str, Any]) -> None:
    assert set(template_json["Outputs"]) == SEED_OUTPUTS | PER_AZ | EXTRA | ARCHIVE


def test_without_the_archive_its_outputs_are_gone() -> None:
    outputs = synthesize(TapVpcConfig(environment_suffix="pr-7", flow_log_archive=False)).to_json()["Outputs"]
    assert set(outputs) == SEED_OUTPUTS | PER_AZ | EXTRA


def test_every_output_is_exported_under_its_stable_name_with_a_description(template_json: Mapping[str, Any]) -> None:
    for key, output in template_json["Outputs"].items():
        assert output["Export"] == {"Name": f"TapVpcStack-dev-{key}"}
        assert len(output["Description"]) > 10, key


def test_per_az_outputs_point_at_the_subnets_in_az_order(template_json: Mapping[str, Any]) -> None:
    outputs = template_json["Outputs"]
    tiers = subnets_by_tier(template_json)
    for number, (subnet_id, _) in enumerate(tiers["Public"], 1):
        assert outputs[f"PublicSubnet{number}Id"]["Value"] == {"Ref": subnet_id}
        assert outputs[f"PublicRouteTable{number}Id"]["Value"] == {"Ref": route_table_of(template_json, subnet_id)}
    for number, (subnet_id, _) in enumerate(tiers["Private"], 1):
        assert outputs[f"PrivateSubnet{number}Id"]["Value"] == {"Ref": subnet_id}
        assoc = next(
            a
            for a in resources_of(template_json, "AWS::EC2::SubnetRouteTableAssociation").values()
            if a["Properties"]["SubnetId"] == {"Ref": subnet_id}
        )
        assert outputs[f"PrivateRouteTable{number}Id"]["Value"] == assoc["Properties"]["RouteTableId"]


def test_lists_are_comma_joined_in_az_order(template_json: Mapping[str, Any]) -> None:
    outputs = template_json["Outputs"]
    tiers = subnets_by_tier(template_json)
    assert outputs["PublicSubnetIds"]["Value"] == {"Fn::Join": [",", [{"Ref": sid} for sid, _ in tiers["Public"]]]}
    assert outputs["PrivateSubnetIds"]["Value"] == {"Fn::Join": [",", [{"Ref": sid} for sid, _ in tiers["Private"]]]}
    nat_ids = outputs["NatGatewayIds"]["Value"]["Fn::Join"][1]
    assert sorted(ref["Ref"] for ref in nat_ids) == sorted(resources_of(template_json, "AWS::EC2::NatGateway"))
    eips = outputs["NatGatewayPublicIps"]["Value"]["Fn::Join"][1]
    assert sorted(ref["Ref"] for ref in eips) == sorted(resources_of(template_json, "AWS::EC2::EIP"))
    assert outputs["AvailabilityZones"]["Value"] == {
        "Fn::Join": [",", [{"Fn::Select": [i, {"Fn::GetAZs": ""}]} for i in range(3)]]
    }


def test_single_value_outputs_reference_their_resources(template_json: Mapping[str, Any]) -> None:
    outputs = template_json["Outputs"]
    (vpc,) = resources_of(template_json, "AWS::EC2::VPC")
    (igw,) = resources_of(template_json, "AWS::EC2::InternetGateway")
    (group,) = resources_of(template_json, "AWS::EC2::SecurityGroup")
    flow_logs = resources_of(template_json, "AWS::EC2::FlowLog")
    (flow_log,) = (i for i, r in flow_logs.items() if r["Properties"]["LogDestinationType"] == "cloud-watch-logs")
    (archive_flow_log,) = (i for i, r in flow_logs.items() if r["Properties"]["LogDestinationType"] == "s3")
    (log_group,) = resources_of(template_json, "AWS::Logs::LogGroup")
    (database,) = resources_of(template_json, "AWS::Glue::Database")
    (workgroup,) = resources_of(template_json, "AWS::Athena::WorkGroup")
    assert outputs["VpcId"]["Value"] == {"Ref": vpc}
    assert outputs["VpcCidr"]["Value"] == {"Fn::GetAtt": [vpc, "CidrBlock"]}
    assert outputs["InternetGatewayId"]["Value"] == {"Ref": igw}
    assert outputs["SecurityGroupId"]["Value"] == {"Fn::GetAtt": [group, "GroupId"]}
    assert outputs["FlowLogId"]["Value"] == {"Ref": flow_log}
    assert outputs["FlowLogGroupName"]["Value"] == {"Ref": log_group}
    assert outputs["FlowLogGroupArn"]["Value"] == {"Fn::GetAtt": [log_group, "Arn"]}
    assert outputs["ArchiveFlowLogId"]["Value"] == {"Ref": archive_flow_log}
    assert outputs["ArchiveBucketName"]["Value"] == {"Ref": "FlowLogArchiveBucketEDB91C57"}
    assert outputs["AthenaWorkGroupName"]["Value"] == {"Ref": workgroup}
    assert outputs["FlowLogDatabaseName"]["Value"] == "tap_vpc_dev"
    assert outputs["FlowLogTableName"]["Value"] == "vpc_flow_logs"
    assert database == "FlowLogTableDatabaseC68E683C"


def test_isolated_tier_adds_its_own_exports() -> None:
    config = TapVpcConfig(
        environment_suffix="db", isolated_subnet_cidrs=("10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24")
    )
    outputs = synthesize(config).to_json()["Outputs"]
    added = {"IsolatedSubnetIds", "IsolatedSubnet1Id", "IsolatedSubnet2Id", "IsolatedSubnet3Id", "DataSecurityGroupId"}
    assert set(outputs) == SEED_OUTPUTS | PER_AZ | EXTRA | ARCHIVE | added
    assert outputs["IsolatedSubnet1Id"]["Export"] == {"Name": "TapVpcStack-db-IsolatedSubnet1Id"}


def test_two_azs_export_two_per_az_outputs() -> None:
    config = TapVpcConfig(
        az_count=2,
        nat_gateways=2,
        public_subnet_cidrs=("10.0.1.0/24", "10.0.2.0/24"),
        private_subnet_cidrs=("10.0.11.0/24", "10.0.12.0/24"),
    )
    outputs = synthesize(config).to_json()["Outputs"]
    assert {key for key in outputs if key[-3:] == "3Id"} == set()
    assert {"PublicSubnet2Id", "PrivateSubnet2Id", "PrivateRouteTable2Id"} <= set(outputs)


def test_export_name_format() -> None:
    assert export_name("pr123", "VpcId") == "TapVpcStack-pr123-VpcId"


def test_every_spec_is_an_exported_output_of_the_template_with_its_description() -> None:
    # The prod profile has every optional output: archive, data tier, interface endpoints.
    config = config_for(environmentSuffix="prod")
    outputs = synthesize(config).to_json()["Outputs"]
    specs = output_specs(config)
    assert [spec.key for spec in specs] == list(outputs)
    for spec in specs:
        assert outputs[spec.key]["Description"] == spec.description
        assert outputs[spec.key]["Export"]["Name"] == f"TapVpcStack-prod-{spec.key}"
    assert outputs["PublicSubnetIds"]["Value"]["Fn::Join"][0] == ","
