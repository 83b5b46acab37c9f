"""The export contract: every CfnOutput of TapVpcStack, with its description, its value and its export name.

Consumers import these by name (``Fn::ImportValue``), so this module is the one place that names
them: each spec carries its key, its meaning and how its value is read off the stack. Each export
is ``TapVpcStack-<suffix>-<OutputKey>``; lists are comma-joined strings, and the per-AZ outputs (N
from 1) let consumers avoid ``Fn::Split`` entirely. Importing this module loads no aws-cdk-lib, so
the settings rules can bound names by the longest key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tap_vpc.settings.config import STACK_NAME_PREFIX, TapVpcConfig

if TYPE_CHECKING:
    from aws_cdk import CfnOutput

    from tap_vpc.tap_vpc_stack import TapVpcStack

#: How an output's value is read off the built stack: one token, or a list that is comma-joined.
ValueOf = Callable[["TapVpcStack"], "str | list[str]"]


@dataclass(frozen=True)
class OutputSpec:
    """One stack output: ``key`` (the OutputKey), what its value means, and ``value`` (read off the stack)."""

    key: str
    description: str
    value: ValueOf


def _per_az(number: int) -> list[OutputSpec]:
    index = number - 1
    return [
        OutputSpec(
            f"PublicSubnet{number}Id",
            f"ID of the public subnet in AZ {number}",
            lambda stack: stack.vpc.public_subnets[index].subnet_id,
        ),
        OutputSpec(
            f"PrivateSubnet{number}Id",
            f"ID of the private subnet in AZ {number}",
            lambda stack: stack.vpc.private_subnets[index].subnet_id,
        ),
        OutputSpec(
            f"PublicRouteTable{number}Id",
            f"ID of the route table of the public subnet in AZ {number}",
            lambda stack: stack.vpc.public_subnets[index].route_table.route_table_id,
        ),
        OutputSpec(
            f"PrivateRouteTable{number}Id",
            f"ID of the route table of the private subnet in AZ {number}",
            lambda stack: stack.vpc.private_subnets[index].route_table.route_table_id,
        ),
    ]


def _data_subnet(number: int) -> OutputSpec:
    index = number - 1
    return OutputSpec(
        f"IsolatedSubnet{number}Id",
        f"ID of the isolated subnet in AZ {number}",
        lambda stack: stack.vpc.isolated_subnets[index].subnet_id,
    )


def output_specs(config: TapVpcConfig) -> list[OutputSpec]:
    """Every output the stack emits for ``config``, in template order.

    The data tier's outputs keep the CDK subnet group's name, ``Isolated``: they are a contract.
    """
    specs = [
        OutputSpec("VpcId", "ID of the VPC", lambda stack: stack.vpc.vpc_id),
        OutputSpec("VpcCidr", "IPv4 CIDR block of the VPC", lambda stack: stack.vpc.vpc_cidr_block),
        OutputSpec(
            "InternetGatewayId",
            "ID of the internet gateway attached to the VPC",
            lambda stack: stack.vpc.internet_gateway_id or "",
        ),
        OutputSpec(
            "AvailabilityZones",
            "Availability zones used, comma-separated, in subnet order",
            lambda stack: stack.availability_zone_names,
        ),
        OutputSpec(
            "PublicSubnetIds",
            "Public subnet IDs, comma-separated, in AZ order",
            lambda stack: [subnet.subnet_id for subnet in stack.vpc.public_subnets],
        ),
        OutputSpec(
            "PrivateSubnetIds",
            "Private (NAT egress) subnet IDs, comma-separated, in AZ order",
            lambda stack: [subnet.subnet_id for subnet in stack.vpc.private_subnets],
        ),
        OutputSpec("NatGatewayIds", "NAT gateway IDs, comma-separated", lambda stack: stack.nat_gateway_ids),
        OutputSpec(
            "NatGatewayPublicIps",
            "Public IPv4 addresses of the NAT gateways, comma-separated",
            lambda stack: stack.nat_public_ips,
        ),
        OutputSpec(
            "SecurityGroupId",
            "ID of the HTTPS-tier security group (TCP 443 in)",
            lambda stack: stack.https_security_group.security_group_id,
        ),
        OutputSpec("FlowLogId", "ID of the VPC flow log", lambda stack: stack.flow_log.flow_log_id),
        OutputSpec(
            "FlowLogGroupName",
            "Name of the KMS-encrypted CloudWatch Logs group of the flow log",
            lambda stack: stack.flow_log.log_group.log_group_name,
        ),
        OutputSpec(
            "FlowLogGroupArn",
            "ARN of the KMS-encrypted CloudWatch Logs group of the flow log",
            lambda stack: stack.flow_log.log_group.log_group_arn,
        ),
    ]
    if config.flow_log_archive:
        specs += [
            OutputSpec(
                "ArchiveFlowLogId",
                "ID of the VPC flow log to the S3 archive",
                lambda stack: stack.archive_flow_log_id,
            ),
            OutputSpec(
                "ArchiveBucketName",
                "S3 bucket of the flow-log archive (Parquet, Object Lock)",
                lambda stack: stack.required_archive.bucket.bucket_name,
            ),
            OutputSpec(
                "FlowLogDatabaseName",
                "Glue database of the flow-log archive table",
                lambda stack: stack.required_flow_log_table.database_name,
            ),
            OutputSpec(
                "FlowLogTableName",
                "Glue table over the flow-log archive (partition projection)",
                lambda stack: stack.required_flow_log_table.table_name,
            ),
            OutputSpec(
                "AthenaWorkGroupName",
                "Athena workgroup with the investigation queries",
                lambda stack: stack.required_investigations.workgroup.ref,
            ),
        ]
    for number in range(1, config.az_count + 1):
        specs += _per_az(number)
    if config.isolated_subnet_cidrs:
        specs.append(
            OutputSpec(
                "IsolatedSubnetIds",
                "Isolated (no internet route) subnet IDs, comma-separated",
                lambda stack: [subnet.subnet_id for subnet in stack.vpc.isolated_subnets],
            )
        )
        specs += [_data_subnet(number) for number in range(1, config.az_count + 1)]
        specs.append(
            OutputSpec(
                "DataSecurityGroupId",
                "ID of the data-tier security group (dataTierPorts from the private tier)",
                lambda stack: stack.required_data_security_group.security_group_id,
            )
        )
    if config.interface_endpoints:
        specs.append(
            OutputSpec(
                "EndpointSecurityGroupId",
                "ID of the interface endpoints' security group (443 from the VPC)",
                lambda stack: stack.required_interface_endpoints.security_group.security_group_id,
            )
        )
    return specs


def export_name(environment_suffix: str, output_key: str) -> str:
    """The stable export name of an output: ``TapVpcStack-<suffix>-<OutputKey>``."""
    return f"{STACK_NAME_PREFIX}-{environment_suffix}-{output_key}"


def longest_output_key(config: TapVpcConfig) -> str:
    """The longest OutputKey, which bounds the suffix length through the export-name limit."""
    return max((spec.key for spec in output_specs(config)), key=len)


def add_outputs(stack: TapVpcStack) -> list[CfnOutput]:
    """Create one exported CfnOutput per spec of ``stack.config``, its value read off ``stack``."""
    # aws-cdk-lib loads here, not at import: the settings rules import this module.
    from aws_cdk import CfnOutput, Fn

    outputs = []
    for spec in output_specs(stack.config):
        value = spec.value(stack)
        outputs.append(
            CfnOutput(
                stack,
                spec.key,
                value=Fn.join(",", value) if isinstance(value, list) else value,
                description=spec.description,
                export_name=export_name(stack.config.environment_suffix, spec.key),
            )
        )
    return outputs
