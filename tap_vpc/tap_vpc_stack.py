"""``TapVpcStack``: composes the network, the HTTPS security group, the flow log and the outputs."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Duration, Environment, Fn, RemovalPolicy, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from tap_vpc.compliance import acknowledgements
from tap_vpc.compliance.permissions_boundary import apply_permissions_boundary
from tap_vpc.egress.dns_firewall import DnsFirewall
from tap_vpc.egress.domains import dns_firewall_domains, network_firewall_targets
from tap_vpc.egress.firewall import EgressFirewall
from tap_vpc.egress.logs import EgressLogs
from tap_vpc.egress.rules import egress_on
from tap_vpc.exports.outputs import add_outputs
from tap_vpc.flow_logs.archive import FlowLogArchive
from tap_vpc.flow_logs.fields import record_format
from tap_vpc.flow_logs.flow_log import VpcFlowLog
from tap_vpc.flow_logs.table import FlowLogTable
from tap_vpc.flow_logs.workgroup import InvestigationWorkGroup
from tap_vpc.network.data_security_group import build_data_security_group
from tap_vpc.network.default_network_acl import restrict_default_network_acl
from tap_vpc.network.https_security_group import build_https_security_group
from tap_vpc.network.interface_endpoints import PrivateServiceEndpoints
from tap_vpc.network.vpc import availability_zone_names, build_vpc, nat_elastic_ips, nat_gateways
from tap_vpc.segmentation.access_scopes import NetworkAccessScopes, zone_resources
from tap_vpc.segmentation.network_acls import TierNetworkAcls
from tap_vpc.segmentation.reachability.check import segmentation_metadata
from tap_vpc.segmentation.reachability.matrix import parse_matrix
from tap_vpc.segmentation.reachability.template_model import SEGMENTATION_METADATA
from tap_vpc.settings.config import TapVpcConfig, cdk_member


class TapVpcStack(Stack):
    """The TAP VPC network foundation for one environment, described by ``config``.

    ``config`` must already be validated (``settings.load_config`` does it). The stack reads no
    context and makes no account lookups. Every role it creates carries the account's
    ``TapVpcPermissionsBoundary`` (``permissions_boundary``), which the CI roles stack owns. Its
    AZs are the config's pinned AZ IDs (declared environments), or ``Fn::Select`` over
    ``Fn::GetAZs`` (ephemeral ones). Extra keyword arguments go to ``Stack``.
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
        self.default_network_acl_lockdown = restrict_default_network_acl(self.vpc)
        self.https_security_group = build_https_security_group(self, self.vpc, config.https_ingress_cidrs)
        Tags.of(self.https_security_group).add("Name", f"{config.stack_name}-https")
        removal_policy = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        self._build_egress_control(removal_policy)
        self._build_segmentation()
        self.archive = (
            FlowLogArchive(
                self,
                "FlowLogArchive",
                retention=Duration.days(config.archive_retention_days),
                transition_after=Duration.days(config.archive_transition_days),
                object_lock_mode=s3.ObjectLockMode[
                    cdk_member("archive_object_lock_mode", config.archive_object_lock_mode)
                ],
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
            traffic_type=ec2.FlowLogTrafficType[cdk_member("flow_log_traffic_type", config.flow_log_traffic_type)],
            max_aggregation_interval=ec2.FlowLogMaxAggregationInterval[
                cdk_member("flow_log_max_aggregation_interval", config.flow_log_max_aggregation_interval)
            ],
            retention=logs.RetentionDays[cdk_member("flow_log_retention_days", config.flow_log_retention_days)],
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
        apply_permissions_boundary(self)
        self.outputs = add_outputs(self)
        # Last: the gateway endpoints' policies are complete only once everything is built.
        acknowledgements.acknowledge_endpoint_policies(self)

    def _build_segmentation(self) -> None:
        """NACLs per tier, interface endpoints, the data tier's group, and the matrix the synth checks."""
        config = self.config
        self.network_acls = TierNetworkAcls(
            self,
            "NetworkAcls",
            vpc=self.vpc,
            config=config,
            firewall_subnets=self.egress_firewall.subnets if self.egress_firewall else (),
        )
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

    def _build_egress_control(self, removal_policy: RemovalPolicy) -> None:
        """The egress firewall, DNS Firewall and query logs, with their log groups (egressControl on)."""
        config = self.config
        self.egress_logs: EgressLogs | None = None
        self.egress_firewall: EgressFirewall | None = None
        self.dns_firewall: DnsFirewall | None = None
        if not egress_on(config):
            return
        self.egress_logs = EgressLogs(
            self,
            "EgressLogs",
            alert_name=config.firewall_alert_log_group_name,
            flow_name=config.firewall_flow_log_group_name,
            dns_queries_name=config.dns_query_log_group_name,
            retention=logs.RetentionDays[cdk_member("flow_log_retention_days", config.flow_log_retention_days)],
            removal_policy=removal_policy,
            key_alias=config.egress_key_alias,
        )
        self.egress_firewall = EgressFirewall(
            self,
            "EgressFirewall",
            vpc=self.vpc,
            vpc_cidr=config.vpc_cidr,
            subnet_cidrs=config.firewall_subnet_cidrs,
            allowed_domains=network_firewall_targets(config.egress_allowed_domains),
            alert_log_group=self.egress_logs.alert,
            flow_log_group=self.egress_logs.flow,
            name_prefix=config.stack_name,
            per_az=config.egress_control == "per-az",
            pin_az_ids=bool(config.availability_zone_ids),
            protect=config.termination_protection,
        )
        acknowledgements.acknowledge_one_zone_firewalls(
            self.egress_firewall.firewalls, per_az=config.egress_control == "per-az"
        )
        self.dns_firewall = DnsFirewall(
            self,
            "DnsFirewall",
            vpc_id=self.vpc.vpc_id,
            allowed_domains=dns_firewall_domains(config.egress_allowed_domains),
            query_log_group=self.egress_logs.dns_queries,
            name_prefix=config.stack_name,
            protect=config.termination_protection,
        )

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
        acknowledgements.acknowledge_logs_key_describe(self.flow_log.key)
        if self.egress_logs is not None:
            acknowledgements.acknowledge_logs_key_describe(self.egress_logs.key)
        if any(cidr in ("0.0.0.0/0", "::/0") for cidr in self.config.https_ingress_cidrs):
            acknowledgements.acknowledge_open_https(self.https_security_group)

    @property
    def availability_zone_names(self) -> list[str]:
        """The AZ of each public subnet, in AZ order: pinned AZ IDs, or the ``Fn::GetAZs`` tokens."""
        return availability_zone_names(self.vpc, pinned=bool(self.config.availability_zone_ids))

    @property
    def nat_gateway_ids(self) -> list[str]:
        """The NAT gateways' IDs, in AZ order."""
        return [nat.ref for nat in nat_gateways(self.vpc)]

    @property
    def nat_public_ips(self) -> list[str]:
        """The NAT gateways' Elastic IP addresses, in AZ order (acquirers allow-list them)."""
        return [eip.ref for eip in nat_elastic_ips(self.vpc)]

    @property
    def archive_flow_log_id(self) -> str:
        """The archive flow log's id; only stacks with ``flowLogArchive`` have one."""
        assert self.flow_log.archive_flow_log is not None, "flowLogArchive is off"
        return self.flow_log.archive_flow_log.flow_log_id

    @property
    def required_archive(self) -> FlowLogArchive:
        """The archive; only stacks with ``flowLogArchive`` have one."""
        assert self.archive is not None, "flowLogArchive is off"
        return self.archive

    @property
    def required_flow_log_table(self) -> FlowLogTable:
        """The archive's Glue table; only stacks with ``flowLogArchive`` have one."""
        assert self.flow_log_table is not None, "flowLogArchive is off"
        return self.flow_log_table

    @property
    def required_investigations(self) -> InvestigationWorkGroup:
        """The archive's Athena workgroup; only stacks with ``flowLogArchive`` have one."""
        assert self.investigations is not None, "flowLogArchive is off"
        return self.investigations

    @property
    def required_data_security_group(self) -> ec2.SecurityGroup:
        """The data tier's security group; only stacks with a data tier have one."""
        assert self.data_security_group is not None, "no data tier"
        return self.data_security_group

    @property
    def required_interface_endpoints(self) -> PrivateServiceEndpoints:
        """The interface endpoints; only stacks with ``interfaceEndpoints`` have them."""
        assert self.interface_endpoints is not None, "no interfaceEndpoints"
        return self.interface_endpoints


def add_tap_vpc_stack(app: App, config: TapVpcConfig) -> TapVpcStack:
    """Add ``TapVpcStack-<environmentSuffix>`` to ``app`` in the config's region (and account, if set).

    app.py and every synthesized test and docs template go through here, so they are the same stack.
    """
    return TapVpcStack(
        app, config.stack_name, config=config, env=Environment(account=config.account, region=config.region)
    )
