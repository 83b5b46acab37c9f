"""The export contract: every CfnOutput of TapVpcStack, its description and its export name.

Consumers import these by name (``Fn::ImportValue``), so this module is the one place that names
them. Each export is ``TapVpcStack-<suffix>-<OutputKey>``; lists are comma-joined strings, and the
per-AZ outputs (N from 1) let consumers avoid ``Fn::Split`` entirely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import CfnOutput, Stack

from tap_vpc.settings.config import STACK_NAME_PREFIX, TapVpcConfig


@dataclass(frozen=True)
class OutputSpec:
    """One stack output: ``key`` (the OutputKey) and what its value means."""

    key: str
    description: str


def output_specs(config: TapVpcConfig) -> list[OutputSpec]:
    """Every output the stack emits for ``config``, in template order."""
    specs = [
        OutputSpec("VpcId", "ID of the VPC"),
        OutputSpec("VpcCidr", "IPv4 CIDR block of the VPC"),
        OutputSpec("InternetGatewayId", "ID of the internet gateway attached to the VPC"),
        OutputSpec("AvailabilityZones", "Availability zones used, comma-separated, in subnet order"),
        OutputSpec("PublicSubnetIds", "Public subnet IDs, comma-separated, in AZ order"),
        OutputSpec("PrivateSubnetIds", "Private (NAT egress) subnet IDs, comma-separated, in AZ order"),
        OutputSpec("NatGatewayIds", "NAT gateway IDs, comma-separated"),
        OutputSpec("NatGatewayPublicIps", "Public IPv4 addresses of the NAT gateways, comma-separated"),
        OutputSpec("SecurityGroupId", "ID of the HTTPS-tier security group (TCP 443 in)"),
        OutputSpec("FlowLogId", "ID of the VPC flow log"),
        OutputSpec("FlowLogGroupName", "Name of the KMS-encrypted CloudWatch Logs group of the flow log"),
        OutputSpec("FlowLogGroupArn", "ARN of the KMS-encrypted CloudWatch Logs group of the flow log"),
    ]
    if config.flow_log_archive:
        specs += [
            OutputSpec("ArchiveFlowLogId", "ID of the VPC flow log to the S3 archive"),
            OutputSpec("ArchiveBucketName", "S3 bucket of the flow-log archive (Parquet, Object Lock)"),
            OutputSpec("FlowLogDatabaseName", "Glue database of the flow-log archive table"),
            OutputSpec("FlowLogTableName", "Glue table over the flow-log archive (partition projection)"),
            OutputSpec("AthenaWorkGroupName", "Athena workgroup with the investigation queries"),
        ]
    for number in range(1, config.az_count + 1):
        specs += [
            OutputSpec(f"PublicSubnet{number}Id", f"ID of the public subnet in AZ {number}"),
            OutputSpec(f"PrivateSubnet{number}Id", f"ID of the private subnet in AZ {number}"),
            OutputSpec(f"PublicRouteTable{number}Id", f"ID of the route table of the public subnet in AZ {number}"),
            OutputSpec(f"PrivateRouteTable{number}Id", f"ID of the route table of the private subnet in AZ {number}"),
        ]
    if config.isolated_subnet_cidrs:
        specs.append(OutputSpec("IsolatedSubnetIds", "Isolated (no internet route) subnet IDs, comma-separated"))
        specs += [
            OutputSpec(f"IsolatedSubnet{number}Id", f"ID of the isolated subnet in AZ {number}")
            for number in range(1, config.az_count + 1)
        ]
        specs.append(
            OutputSpec(
                "DataSecurityGroupId", "ID of the data-tier security group (dataTierPorts from the private tier)"
            )
        )
    if config.interface_endpoints:
        specs.append(
            OutputSpec("EndpointSecurityGroupId", "ID of the interface endpoints' security group (443 from the VPC)")
        )
    return specs


def export_name(environment_suffix: str, output_key: str) -> str:
    """The stable export name of an output: ``TapVpcStack-<suffix>-<OutputKey>``."""
    return f"{STACK_NAME_PREFIX}-{environment_suffix}-{output_key}"


def longest_output_key(config: TapVpcConfig) -> str:
    """The longest OutputKey, which bounds the suffix length through the export-name limit."""
    return max((spec.key for spec in output_specs(config)), key=len)


def add_outputs(stack: Stack, config: TapVpcConfig, values: Mapping[str, str]) -> list[CfnOutput]:
    """Create one exported CfnOutput per spec; ``values`` must cover exactly the spec's keys."""
    specs = output_specs(config)
    missing = {spec.key for spec in specs} ^ set(values)
    if missing:
        raise KeyError(f"output values do not match the export contract: {sorted(missing)}")
    return [
        CfnOutput(
            stack,
            spec.key,
            value=values[spec.key],
            description=spec.description,
            export_name=export_name(config.environment_suffix, spec.key),
        )
        for spec in specs
    ]
