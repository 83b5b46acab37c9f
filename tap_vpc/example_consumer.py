"""An example consumer: a stack that places resources in an exported TAP VPC."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from tap_vpc.imports import import_https_security_group, import_tap_vpc


def consumer_stack_name(environment_suffix: str) -> str:
    """Stack name of the example consumer for an environment: ``TapVpcConsumer-<suffix>``."""
    return f"TapVpcConsumer-{environment_suffix}"


class ExampleConsumerStack(Stack):
    """``TapVpcConsumer-<suffix>``: an example stack placed in an imported TAP VPC.

    It holds an app security group reachable from the HTTPS tier and, unless
    ``interface_endpoint`` is False, an SSM interface endpoint in the imported private subnets.
    ``az_count`` must match the producer's (default 3).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        environment_suffix: str,
        az_count: int = 3,
        interface_endpoint: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id_, description=f"Example consumer of TAP VPC ({environment_suffix})", **kwargs)
        vpc = import_tap_vpc(self, "TapVpc", environment_suffix=environment_suffix, az_count=az_count)
        https_tier = import_https_security_group(self, "HttpsTier", environment_suffix=environment_suffix)
        self.app_security_group = ec2.SecurityGroup(
            self, "AppSecurityGroup", vpc=vpc, description="Example app tier: 8443 from the HTTPS tier only"
        )
        self.app_security_group.add_ingress_rule(https_tier, ec2.Port.tcp(8443), "App traffic from the HTTPS tier")
        CfnOutput(self, "AppSecurityGroupId", value=self.app_security_group.security_group_id)
        if interface_endpoint:
            # open=False: the endpoint's own group admits only the app tier, never a CIDR token.
            endpoint = vpc.add_interface_endpoint(
                "SsmEndpoint",
                service=ec2.InterfaceVpcEndpointAwsService.SSM,
                subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                open=False,
            )
            endpoint.connections.allow_default_port_from(self.app_security_group, "HTTPS from the app tier")
            CfnOutput(self, "SsmEndpointId", value=endpoint.vpc_endpoint_id)
