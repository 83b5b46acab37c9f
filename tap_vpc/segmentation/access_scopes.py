"""The matrix's deny rules as Network Access Analyzer scopes, for a real account's own proof.

Each ``deny`` rule between resources the template holds becomes an
``AWS::EC2::NetworkInsightsAccessScope`` whose match path runs from the source (the internet gateway,
or a tier's subnets) to the destination. An analysis of the scope that finds a path is a breach the
synth-time checker could not see (a route or group added outside CloudFormation, for example).
``make access-analysis SUFFIX=<env>`` runs every scope's analysis; it costs per ENI analysed
(Amazon VPC pricing, "Network Access Analyzer").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Tags
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from tap_vpc.segmentation.reachability.matrix import INTERNET, MatrixRule


def scope_id(rule: MatrixRule) -> str:
    """``internet -> data`` -> ``InternetToDataScope``."""
    return f"{rule.source.capitalize()}To{rule.destination.capitalize()}Scope"


class NetworkAccessScopes(Construct):
    """One access scope per deny rule whose zones are ``zone_resources`` keys (IDs of the IGW or subnets).

    ``scopes`` maps each rule's text to its scope. Rules naming ports match TCP on those ports only.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        rules: Sequence[MatrixRule],
        zone_resources: Mapping[str, Sequence[str]],
        name_prefix: str,
    ) -> None:
        super().__init__(scope, id_)
        self.scopes: dict[str, ec2.CfnNetworkInsightsAccessScope] = {}
        for rule in rules:
            if rule.allows or not zone_resources.get(rule.source) or not zone_resources.get(rule.destination):
                continue
            destination = ec2.CfnNetworkInsightsAccessScope.PathStatementRequestProperty(
                resource_statement=ec2.CfnNetworkInsightsAccessScope.ResourceStatementRequestProperty(
                    resources=list(zone_resources[rule.destination])
                ),
                packet_header_statement=None
                if rule.ports is None
                else ec2.CfnNetworkInsightsAccessScope.PacketHeaderStatementRequestProperty(
                    protocols=["tcp"],
                    destination_ports=[f"{low}-{high}" if low != high else str(low) for low, high in rule.ports],
                ),
            )
            access_scope = ec2.CfnNetworkInsightsAccessScope(
                self,
                scope_id(rule),
                match_paths=[
                    ec2.CfnNetworkInsightsAccessScope.AccessScopePathRequestProperty(
                        source=ec2.CfnNetworkInsightsAccessScope.PathStatementRequestProperty(
                            resource_statement=ec2.CfnNetworkInsightsAccessScope.ResourceStatementRequestProperty(
                                resources=list(zone_resources[rule.source])
                            )
                        ),
                        destination=destination,
                    )
                ],
            )
            # Tag values keep to the characters every AWS service accepts (no '>').
            Tags.of(access_scope).add("Name", f"{name_prefix}-no-{rule.source}-to-{rule.destination}")
            self.scopes[rule.text] = access_scope


def zone_resources(vpc: ec2.Vpc) -> dict[str, list[str]]:
    """Zone -> resource IDs a scope can name: the internet gateway and each tier's subnets."""
    return {
        INTERNET: [vpc.internet_gateway_id] if vpc.internet_gateway_id else [],
        "public": [subnet.subnet_id for subnet in vpc.public_subnets],
        "private": [subnet.subnet_id for subnet in vpc.private_subnets],
        "data": [subnet.subnet_id for subnet in vpc.isolated_subnets],
    }
