"""``TapVpcStack``: composes the network, the HTTPS security group, the flow log and the outputs."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Environment, Fn, RemovalPolicy, Stack, Tags
from constructs import Construct

from tap_vpc.compliance import acknowledgements
from tap_vpc.exports.outputs import add_outputs
from tap_vpc.flow_logs.archive import FlowLogArchive
from tap_vpc.flow_logs.fields import record_format
from tap_vpc.flow_logs.flow_log import VpcFlowLog
from tap_vpc.flow_logs.table import FlowLogTable
from tap_vpc.flow_logs.workgroup import InvestigationWorkGroup
from tap_vpc.network.data_security_group import build_data_security_group
from tap_vpc.network.https_security_group import build_https_security_group
from tap_vpc.network.interface_endpoints import PrivateServiceEndpoints
from tap_vpc.network.vpc import availability_zone_names, build_vpc, nat_elastic_ips, nat_gateways
from tap_vpc.segmentation.access_scopes import NetworkAccessScopes, zone_resources
from tap_vpc.segmentation.network_acls import TierNetworkAcls
from tap_vpc.segmentation.reachability.check import segmentation_metadata
from tap_vpc.segmentation.reachability.matrix import parse_matrix
from tap_vpc.segmentation.reachability.template_model import SEGMENTATION_METADATA
from tap_vpc.settings.config import TapVpcConfig


class TapVpcStack(Stack):
    """The TAP VPC network foundation for one environment, described by ``config``.

    ``config`` must already be validated (``settings.load_config`` does it). The stack reads no
    context and makes no account lookups. Its AZs are the config's pinned AZ IDs (declared
    environments), or ``Fn::Select`` over ``Fn::GetAZs`` (ephemeral ones). Extra keyword arguments
    go to ``Stack``.
    """

    def __init__(self, scope: Construct, id_: str, *, config: TapVpcConfig, **kwargs: Any) -> None:
        self.config = config
        super().__init__(
            scope,
            id_,
            description=f"TAP VPC network foundation ({config.environment_suffix})",
            termination_protection=config.termination_protection,
            **kwargs,
        )
        for key, value in config.all_tags.items():
            Tags.of(self).add(key, value)

        self.vpc = build_vpc(self, config)
        self.https_security_group = build_https_security_group(self, self.vpc, config.https_ingress_cidrs)
        Tags.of(self.https_security_group).add("Name", f"{config.stack_name}-https")
        self._build_segmentation()
        removal_policy = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        self.archive = (
            FlowLogArchive(
                self,
                "FlowLogArchive",
                retention_days=config.archive_retention_days,
                transition_days=config.archive_transition_days,
                object_lock_mode=config.archive_object_lock_mode,
                removal_policy=removal_policy,
                key_alias=config.archive_key_alias,
            )
            if config.flow_log_archive
            else None
        )
        self.flow_log = VpcFlowLog(
            self,
            "FlowLog",
            vpc=self.vpc,
            log_group_name=config.flow_log_group_name,
            traffic_type=config.flow_log_traffic_type,
            max_aggregation_interval=config.flow_log_max_aggregation_interval,
            retention_days=config.flow_log_retention_days,
            log_format=config.flow_log_format,
            removal_policy=removal_policy,
            role_name=config.flow_log_role_name,
            key_alias=config.flow_log_key_alias,
            archive_bucket=self.archive.bucket if self.archive else None,
        )
        if self.archive is not None:
            self.flow_log_table = FlowLogTable(
                self,
                "FlowLogTable",
                database_name=config.archive_database_name,
                bucket_name=self.archive.bucket.bucket_name,
                record_format=record_format(config.flow_log_format),
            )
            self.investigations = InvestigationWorkGroup(
                self,
                "Investigations",
                workgroup_name=config.archive_workgroup_name,
                database_name=config.archive_database_name,
                results_bucket=self.archive.query_results_bucket,
                key=self.archive.key,
                removal_policy=removal_policy,
            )
            self.investigations.node.add_dependency(self.flow_log_table)
        self._acknowledge_design_findings()
        acknowledgements.annotate_default_sg_lockdown_provider(self)
        self.outputs = add_outputs(self, config, self._output_values())

    def _build_segmentation(self) -> None:
        """NACLs per tier, interface endpoints, the data tier's group, and the matrix the synth checks."""
        config = self.config
        self.network_acls = TierNetworkAcls(self, "NetworkAcls", vpc=self.vpc, config=config)
        acknowledgements.acknowledge_network_acls(list(self.network_acls.acls.values()))
        self.interface_endpoints = (
            PrivateServiceEndpoints(
                self,
                "InterfaceEndpoints",
                vpc=self.vpc,
                vpc_cidr=config.vpc_cidr,
                services=config.interface_endpoints,
            )
            if config.interface_endpoints
            else None
        )
        self.data_security_group = (
            build_data_security_group(
                self,
                self.vpc,
                ports=config.data_tier_ports,
                private_cidrs=config.private_subnet_cidrs,
                endpoint_group=self.interface_endpoints.security_group if self.interface_endpoints else None,
            )
            if config.isolated_subnet_cidrs
            else None
        )
        if self.data_security_group is not None:
            Tags.of(self.data_security_group).add("Name", f"{config.stack_name}-data")
        if self.interface_endpoints is not None:
            Tags.of(self.interface_endpoints.security_group).add("Name", f"{config.stack_name}-endpoints")
        self.access_scopes = NetworkAccessScopes(
            self,
            "NetworkAccessScopes",
            rules=parse_matrix(config.reachability_matrix, config.data_tier_ports),
            zone_resources=zone_resources(self.vpc),
            name_prefix=config.stack_name,
        )
        self.template_options.metadata = {
            SEGMENTATION_METADATA: segmentation_metadata(config.reachability_matrix, config.data_tier_ports)
        }

    @property
    def availability_zones(self) -> list[str]:
        """The pinned AZ IDs, or else the first ``azCount`` AZs that ``Fn::GetAZs`` returns.

        Pinned IDs stand in for AZ names inside the L2 Vpc; ``pin_subnets_to_az_ids`` then puts each
        on its subnet as ``AvailabilityZoneId``. ``Fn::GetAZs`` (ephemeral environments only) may
        change its order when AWS adds an AZ, which would move, and so replace, every subnet.
        """
        if self.config.availability_zone_ids:
            return list(self.config.availability_zone_ids)
        return [Fn.select(index, Fn.get_azs()) for index in range(self.config.az_count)]

    def _acknowledge_design_findings(self) -> None:
        acknowledgements.acknowledge_public_internet_routes(self.vpc)
        if any(cidr in ("0.0.0.0/0", "::/0") for cidr in self.config.https_ingress_cidrs):
            acknowledgements.acknowledge_open_https(self.https_security_group)

    def _output_values(self) -> dict[str, str]:
        vpc = self.vpc
        nats = nat_gateways(vpc)
        values = {
            "VpcId": vpc.vpc_id,
            "VpcCidr": vpc.vpc_cidr_block,
            "InternetGatewayId": vpc.internet_gateway_id or "",
            "AvailabilityZones": Fn.join(
                ",", availability_zone_names(vpc, pinned=bool(self.config.availability_zone_ids))
            ),
            "PublicSubnetIds": Fn.join(",", [subnet.subnet_id for subnet in vpc.public_subnets]),
            "PrivateSubnetIds": Fn.join(",", [subnet.subnet_id for subnet in vpc.private_subnets]),
            "NatGatewayIds": Fn.join(",", [nat.ref for nat in nats]),
            "NatGatewayPublicIps": Fn.join(",", [eip.ref for eip in nat_elastic_ips(vpc)]),
            "SecurityGroupId": self.https_security_group.security_group_id,
            "FlowLogId": self.flow_log.flow_log_id,
            "FlowLogGroupName": self.flow_log.log_group.log_group_name,
            "FlowLogGroupArn": self.flow_log.log_group.log_group_arn,
        }
        if self.archive is not None and self.flow_log.archive_flow_log is not None:
            values |= {
                "ArchiveFlowLogId": self.flow_log.archive_flow_log.flow_log_id,
                "ArchiveBucketName": self.archive.bucket.bucket_name,
                "FlowLogDatabaseName": self.flow_log_table.database_name,
                "FlowLogTableName": self.flow_log_table.table_name,
                "AthenaWorkGroupName": self.investigations.workgroup.ref,
            }
        for number, (public, private) in enumerate(zip(vpc.public_subnets, vpc.private_subnets, strict=True), 1):
            values[f"PublicSubnet{number}Id"] = public.subnet_id
            values[f"PrivateSubnet{number}Id"] = private.subnet_id
            values[f"PublicRouteTable{number}Id"] = public.route_table.route_table_id
            values[f"PrivateRouteTable{number}Id"] = private.route_table.route_table_id
        if vpc.isolated_subnets:
            values["IsolatedSubnetIds"] = Fn.join(",", [subnet.subnet_id for subnet in vpc.isolated_subnets])
            for number, isolated in enumerate(vpc.isolated_subnets, 1):
                values[f"IsolatedSubnet{number}Id"] = isolated.subnet_id
        if self.data_security_group is not None:
            values["DataSecurityGroupId"] = self.data_security_group.security_group_id
        if self.interface_endpoints is not None:
            values["EndpointSecurityGroupId"] = self.interface_endpoints.security_group.security_group_id
        return values


def add_tap_vpc_stack(app: App, config: TapVpcConfig) -> TapVpcStack:
    """Add ``TapVpcStack-<environmentSuffix>`` to ``app`` in the config's region (and account, if set).

    app.py and every synthesized test and docs template go through here, so they are the same stack.
    """
    return TapVpcStack(
        app, config.stack_name, config=config, env=Environment(account=config.account, region=config.region)
    )
