#!/usr/bin/env python3
"""An example consumer: a stack in another team's repository that places resources in an exported TAP VPC.

It needs only the installed ``tap-vpc`` package (``from tap_vpc import ...``), never this
repository's cdk.json. Run it with the CDK CLI:

    npx cdk synth --app "python examples/consumer/consumer_app.py" -c environmentSuffix=prod
        -c account=222222222222 -c region=us-east-1

Context: ``environmentSuffix`` (default ``dev``), ``azCount`` (default 3, the producer's),
``account`` and ``region`` (the producer's; default: environment-agnostic).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import App, CfnOutput, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from tap_vpc import import_https_security_group, import_tap_vpc


def consumer_stack_name(environment_suffix: str) -> str:
    """Stack name of the example consumer for an environment: ``TapVpcConsumer-<suffix>``."""
    return f"TapVpcConsumer-{environment_suffix}"


class ExampleConsumerStack(Stack):
    """``TapVpcConsumer-<suffix>``: an app security group reachable from the HTTPS tier, and an SQS endpoint.

    ``az_count`` must match the producer's (default 3). SQS is not among TAP VPC's own
    ``interfaceEndpoints``: a second private-DNS endpoint for the same service in one VPC fails at
    deploy (AWS refuses the conflicting DNS domain). The SQS interface endpoint sits in the
    imported private subnets, and its own group admits only the app tier.
    """

    def __init__(
        self, scope: Construct, id_: str, *, environment_suffix: str, az_count: int = 3, **kwargs: Any
    ) -> None:
        super().__init__(scope, id_, description=f"Example consumer of TAP VPC ({environment_suffix})", **kwargs)
        vpc = import_tap_vpc(self, "TapVpc", environment_suffix=environment_suffix, az_count=az_count)
        https_tier = import_https_security_group(self, "HttpsTier", environment_suffix=environment_suffix)
        self.app_security_group = ec2.SecurityGroup(
            self, "AppSecurityGroup", vpc=vpc, description="Example app tier: 8443 from the HTTPS tier only"
        )
        self.app_security_group.add_ingress_rule(https_tier, ec2.Port.tcp(8443), "App traffic from the HTTPS tier")
        CfnOutput(self, "AppSecurityGroupId", value=self.app_security_group.security_group_id)
        # open=False: the endpoint's own group admits only the app tier, never a CIDR token.
        endpoint = vpc.add_interface_endpoint(
            "SqsEndpoint",
            service=ec2.InterfaceVpcEndpointAwsService.SQS,
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            open=False,
        )
        endpoint.connections.allow_default_port_from(self.app_security_group, "HTTPS from the app tier")
        CfnOutput(self, "SqsEndpointId", value=endpoint.vpc_endpoint_id)


def build(app: App) -> ExampleConsumerStack:
    """Add the consumer stack that ``app``'s context describes."""
    suffix = str(app.node.try_get_context("environmentSuffix") or "dev")
    return ExampleConsumerStack(
        app,
        consumer_stack_name(suffix),
        environment_suffix=suffix,
        az_count=int(app.node.try_get_context("azCount") or 3),
        env=Environment(account=app.node.try_get_context("account"), region=app.node.try_get_context("region")),
    )


if __name__ == "__main__":
    application = App()
    build(application)
    application.synth()
