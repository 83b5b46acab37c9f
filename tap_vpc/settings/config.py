"""The one typed, frozen configuration of a TAP VPC environment, and the declaration of every setting.

Each field is declared once with ``setting(...)``: its context key, parser, allowed values, doc
line and AWS limit (``declaration.py``). The settings table, the README's table, the parsers and
the rules read it from here. Defaults are the production topology: 3 AZs, a NAT gateway per AZ,
365-day flow-log retention, the flow-log archive in S3 under Object Lock in compliance mode, and
retained log data. Environment profiles in ``cdk.json`` adjust them (see ``loading.py``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

from tap_vpc.flow_logs.fields import DEFAULT_LOG_FORMAT
from tap_vpc.network.aws_buckets import AWS_OWNED_BUCKETS
from tap_vpc.settings.declaration import DECLARATION, AwsLimit, Declaration, setting
from tap_vpc.settings.parsing import (
    parse_bool,
    parse_int,
    parse_list,
    parse_optional_str,
    parse_ports,
    parse_str,
    parse_tags,
)
from tap_vpc.vocabulary import HTTPS

#: PCI DSS 1.3.2: the private tier reaches the internet on 443 only (through the egress firewall);
#: every other TCP port is denied. The default matrix of an environment with egress control adds it.
EGRESS_DENY_RULE = f"private -> internet : 1-{HTTPS - 1},{HTTPS + 1}-65535 : deny"

#: The segmentation a PCI cardholder-data environment needs (PCI DSS v4.0 1.3, 1.4), as
#: ``source -> destination : ports : verdict`` rules; ``data`` ports are ``dataTierPorts``.
PCI_REACHABILITY_MATRIX: tuple[str, ...] = (
    f"internet -> public : {HTTPS} : allow",
    "internet -> private : any : deny",
    "internet -> data : any : deny",
    "public -> data : any : deny",
    "private -> data : data : allow",
    f"private -> internet : {HTTPS} : allow",
    f"data -> endpoints : {HTTPS} : allow",
    "data -> internet : any : deny",
)

STACK_NAME_PREFIX = "TapVpcStack"
DEFAULT_PROJECT_TAG = "PaymentGateway"
DEFAULT_MANAGED_BY_TAG = "CDK"


#: CloudWatch Logs retention periods: AWS::Logs::LogGroup RetentionInDays, and the aws_logs.RetentionDays
#: member of each.
LOG_RETENTION = AwsLimit(
    values=(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653),
    source="CloudFormation resource schema AWS::Logs::LogGroup, RetentionInDays (enum)",
    cdk_names=(
        "ONE_DAY", "THREE_DAYS", "FIVE_DAYS", "ONE_WEEK", "TWO_WEEKS", "ONE_MONTH", "TWO_MONTHS", "THREE_MONTHS",
        "FOUR_MONTHS", "FIVE_MONTHS", "SIX_MONTHS", "ONE_YEAR", "THIRTEEN_MONTHS", "EIGHTEEN_MONTHS", "TWO_YEARS",
        "THREE_YEARS", "FIVE_YEARS", "SIX_YEARS", "SEVEN_YEARS", "EIGHT_YEARS", "NINE_YEARS", "TEN_YEARS",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class TapVpcConfig:
    """A validated TAP VPC environment. Build it with ``loading.load_config`` or directly.

    Constructing it does not validate; ``rules.config_problems`` does, and ``load_config`` always
    calls it. Every field declares its camelCase context key (``declaration_of``).
    """

    environment_suffix: str = setting(
        "dev",
        key="environmentSuffix",
        parse=parse_str,
        allowed="lowercase [a-z0-9-], length limited by derived names",
        doc="Environment name; selects the profile and suffixes every name and export. "
        "Also read from ENVIRONMENT_SUFFIX.",
    )
    region: str = setting(
        "us-east-1",
        key="region",
        parse=parse_str,
        allowed="an AWS region name",
        doc="Region to deploy to. Never guessed from the shell.",
    )
    account: str | None = setting(
        None,
        key="account",
        parse=parse_optional_str,
        allowed="12 digits, or unset",
        doc="Account to deploy to; unset keeps the template environment-agnostic.",
    )
    vpc_cidr: str = setting(
        "10.0.0.0/16",
        key="vpcCidr",
        parse=parse_str,
        allowed="IPv4 network, /16 to /28; a declared environment's only in its declaration",
        doc="The VPC's address range; when set, subnets not named explicitly follow the standard layout.",
    )
    az_count: int = setting(
        3,
        key="azCount",
        parse=parse_int,
        allowed="1 to 3; equal to the pinned AZ IDs",
        doc="Availability zones. Declared environments pin them; ephemeral ones choose with Fn::GetAZs at deploy time.",
        limit=AwsLimit(values=(1, 2, 3), source="TAP VPC's design: each tier spreads over 1 to 3 AZs"),
    )
    availability_zone_ids: tuple[str, ...] = setting(
        (),
        key="availabilityZoneIds",
        parse=parse_list,
        allowed="azCount AZ IDs of the region, or none",
        doc="Pinned AZs by AZ ID; set only in a declared environment (ephemeral ones may pass -c).",
    )
    nat_gateways: int = setting(
        3,
        key="natGateways",
        parse=parse_int,
        allowed="1 to azCount",
        doc="NAT gateways; one per AZ keeps AZs independent, 1 is the cheap non-production option.",
    )
    public_subnet_cidrs: tuple[str, ...] = setting(
        ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"),
        key="publicSubnetCidrs",
        parse=parse_list,
        allowed="azCount networks inside vpcCidr, /16 to /28",
        doc="Public tier, one per AZ.",
    )
    private_subnet_cidrs: tuple[str, ...] = setting(
        ("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"),
        key="privateSubnetCidrs",
        parse=parse_list,
        allowed="azCount networks inside vpcCidr, /16 to /28",
        doc="Private tier with NAT egress, one per AZ.",
    )
    data_tier: bool = setting(
        False,
        key="dataTier",
        parse=parse_bool,
        allowed="true, false",
        doc="The data tier (no internet route) at the standard layout's /24s 21-23 of vpcCidr; "
        "isolatedSubnetCidrs names other ones.",
    )
    isolated_subnet_cidrs: tuple[str, ...] = setting(
        (),
        key="isolatedSubnetCidrs",
        parse=parse_list,
        allowed="none, or azCount networks inside vpcCidr",
        doc="The data tier's subnets when they are not the layout's (dataTier); none and dataTier false: no data tier.",
    )
    https_ingress_cidrs: tuple[str, ...] = setting(
        ("0.0.0.0/0",),
        key="httpsIngressCidrs",
        parse=parse_list,
        allowed="IPv4/IPv6 networks with a mask (not host addresses); at most 15 IPv4 ones (public NACL quota)",
        doc="Sources allowed to reach TCP 443 on the HTTPS security group and the public tier's NACL.",
    )
    data_tier_ports: tuple[int, ...] = setting(
        (5432, 6379),
        key="dataTierPorts",
        parse=parse_ports,
        allowed="TCP ports 1-65535, each once; (ports + 2) x azCount NACL inbound rules within AWS's 20",
        doc="Ports the private tier may open to the data tier, in its NACL and security group.",
    )
    interface_endpoints: tuple[str, ...] = setting(
        (),
        key="interfaceEndpoints",
        parse=parse_list,
        allowed="services aws-cdk-lib's InterfaceVpcEndpointAwsService offers, such as kms, sts, ecr.api; each "
        "once, at most 50",
        doc="Interface endpoints in the private tier: private DNS, 443 from the VPC only, this account's principals.",
    )
    egress_control: str = setting(
        "off",
        key="egressControl",
        parse=parse_str,
        allowed="per-az, shared, off",
        doc="Outbound control of the private tier (PCI DSS 1.3.2): AWS Network Firewall with a domain allow-list, "
        "Route 53 Resolver DNS Firewall and query logs. per-az: a firewall endpoint in every AZ; shared: one in "
        "the first AZ for all (cheaper, not zone-independent); off: the private tier goes straight to NAT. "
        "Off by default: the allow-list is each environment's own; the declared profiles turn it on.",
    )
    egress_allowed_domains: tuple[str, ...] = setting(
        (),
        key="egressAllowedDomains",
        parse=parse_list,
        allowed="DNS names (api.acquirer.example) and .suffix wildcards (.acquirer.example), each once; "
        "at least one when egressControl is on",
        doc="Where the private tier may go on the internet: TLS SNI and HTTP Host names the firewall passes on "
        "443, and the names DNS Firewall resolves (besides AWS's own).",
    )
    firewall_subnet_cidrs: tuple[str, ...] = setting(
        (),
        key="firewallSubnetCidrs",
        parse=parse_list,
        allowed="azCount /28 networks inside vpcCidr, or none (the layout's /28s in /24 number 31)",
        doc="The firewall tier's subnets when egressControl is on; the standard layout places them.",
    )
    gateway_endpoint_aws_buckets: tuple[str, ...] = setting(
        AWS_OWNED_BUCKETS,
        key="gatewayEndpointAwsBuckets",
        parse=parse_list,
        allowed="S3 bucket names, {region} for the stack's region",
        doc="AWS-owned buckets the S3 gateway endpoint lets workloads read, besides this account's "
        "(defaults: ECR layers, Amazon Linux repositories, SSM Agent; sources in tap_vpc/network/aws_buckets.py).",
    )
    reachability_matrix: tuple[str, ...] = setting(
        PCI_REACHABILITY_MATRIX,
        key="reachabilityMatrix",
        parse=parse_list,
        allowed="rules 'source -> destination : ports : allow|deny' over internet, public, private, data",
        doc="What may reach what; every synth checks the template against it (PCI DSS 1.3, 1.4). Defaults to PCI's.",
    )
    flow_log_traffic_type: str = setting(
        "ALL",
        key="flowLogTrafficType",
        parse=parse_str,
        allowed="ACCEPT, ALL, REJECT",
        doc="Which traffic the flow log records.",
        limit=AwsLimit(
            values=("ACCEPT", "ALL", "REJECT"),
            source="CloudFormation resource schema AWS::EC2::FlowLog, TrafficType (enum)",
            cdk_names=("ACCEPT", "ALL", "REJECT"),
        ),
    )
    flow_log_max_aggregation_interval: int = setting(
        600,
        key="flowLogMaxAggregationInterval",
        parse=parse_int,
        allowed="60 or 600",
        doc="Flow-log aggregation window in seconds.",
        limit=AwsLimit(
            values=(60, 600),
            source="CloudFormation resource schema AWS::EC2::FlowLog, MaxAggregationInterval: 60 or 600 seconds",
            cdk_names=("ONE_MINUTE", "TEN_MINUTES"),
        ),
    )
    flow_log_retention_days: int = setting(
        365,
        key="flowLogRetentionDays",
        parse=parse_int,
        allowed="a CloudWatch Logs retention value",
        doc="Days the flow log is kept (PCI DSS 10.5.1 asks for 365).",
        limit=LOG_RETENTION,
    )
    flow_log_format: str | None = setting(
        DEFAULT_LOG_FORMAT,
        key="flowLogFormat",
        parse=parse_optional_str,
        allowed="${field} tokens separated by single spaces, each field once; null for AWS's v2 default",
        doc="Flow-log record format. The default is the fields an investigation needs (v2, v3, v4 and v5 fields:"
        " pkt-*, subnet, AZ, AWS service, direction, path); tap_vpc/flow_logs/fields.py types each one.",
    )
    flow_log_archive: bool = setting(
        True,
        key="flowLogArchive",
        parse=parse_bool,
        allowed="true, false",
        doc="A second flow log to S3 as hourly Hive-partitioned Parquet, with a Glue table and Athena queries over it.",
    )
    archive_retention_days: int = setting(
        365,
        key="archiveRetentionDays",
        parse=parse_int,
        allowed="1 to 36500; at least 365 when retainData; after archiveTransitionDays",
        doc="Days archive objects are locked and kept; they expire after it (PCI DSS 10.5.1 asks for 365).",
    )
    archive_transition_days: int = setting(
        90,
        key="archiveTransitionDays",
        parse=parse_int,
        allowed="0 or more, less than archiveRetentionDays",
        doc="Days before archive objects move to S3 Glacier Instant Retrieval.",
    )
    archive_object_lock_mode: str = setting(
        "COMPLIANCE",
        key="archiveObjectLockMode",
        parse=parse_str,
        allowed="GOVERNANCE, COMPLIANCE",
        doc="Object Lock mode of the archive. COMPLIANCE: no one, not even root, can delete or shorten it.",
        limit=AwsLimit(
            values=("GOVERNANCE", "COMPLIANCE"),
            source="CloudFormation resource schema AWS::S3::Bucket, DefaultRetention.Mode (enum)",
            cdk_names=("GOVERNANCE", "COMPLIANCE"),
        ),
    )
    retain_data: bool = setting(
        True,
        key="retainData",
        parse=parse_bool,
        allowed="true, false",
        doc="Keep the log group, the archive buckets and the KMS keys when the stack is deleted.",
    )
    termination_protection: bool = setting(
        False,
        key="terminationProtection",
        parse=parse_bool,
        allowed="true, false",
        doc="CloudFormation termination protection on the stack.",
    )
    tags: tuple[tuple[str, str], ...] = setting(
        (),
        key="tags",
        parse=parse_tags,
        allowed="at most 50; key 1-128, value up to 256 chars; no aws: prefix",
        doc="Extra tags, merged over Environment, Project=PaymentGateway and ManagedBy=CDK.",
    )

    @property
    def stack_name(self) -> str:
        """CloudFormation stack name, ``TapVpcStack-<environmentSuffix>``."""
        return f"{STACK_NAME_PREFIX}-{self.environment_suffix}"

    @property
    def export_prefix(self) -> str:
        """Prefix of every export name: ``TapVpcStack-<suffix>`` (export = prefix-OutputKey)."""
        return self.stack_name

    @property
    def flow_log_group_name(self) -> str:
        """CloudWatch Logs group that receives the VPC flow log."""
        return f"/tap-vpc/{self.environment_suffix}/vpc-flow-logs"

    @property
    def flow_log_role_name(self) -> str:
        """IAM role name for flow-log delivery; IAM is global, so the region is part of it."""
        return f"TapVpcFlowLogs-{self.environment_suffix}-{self.region}"

    @property
    def flow_log_key_alias(self) -> str:
        """KMS alias of the flow-log key."""
        return f"alias/tap-vpc/{self.environment_suffix}/vpc-flow-logs"

    @property
    def firewall_alert_log_group_name(self) -> str:
        """CloudWatch Logs group of the egress firewall's alerts (drops and alerts by rule)."""
        return f"/tap-vpc/{self.environment_suffix}/network-firewall/alert"

    @property
    def firewall_flow_log_group_name(self) -> str:
        """CloudWatch Logs group of the egress firewall's flow records."""
        return f"/tap-vpc/{self.environment_suffix}/network-firewall/flow"

    @property
    def dns_query_log_group_name(self) -> str:
        """CloudWatch Logs group of the VPC's Route 53 Resolver query log."""
        return f"/tap-vpc/{self.environment_suffix}/dns-queries"

    @property
    def egress_key_alias(self) -> str:
        """KMS alias of the key of the egress log groups."""
        return f"alias/tap-vpc/{self.environment_suffix}/egress-logs"

    @property
    def archive_database_name(self) -> str:
        """Glue database of the flow-log archive table: Athena names allow only ``[a-z0-9_]``."""
        return f"tap_vpc_{self.environment_suffix.replace('-', '_')}"

    @property
    def archive_workgroup_name(self) -> str:
        """Athena workgroup that queries the archive."""
        return f"tap-vpc-{self.environment_suffix}"

    @property
    def archive_key_alias(self) -> str:
        """KMS alias of the archive key (archive objects and Athena results)."""
        return f"alias/tap-vpc/{self.environment_suffix}/flow-log-archive"

    @property
    def all_tags(self) -> dict[str, str]:
        """Tags applied to every resource: the defaults, overridden by ``tags``."""
        defaults = {
            "Environment": self.environment_suffix,
            "Project": DEFAULT_PROJECT_TAG,
            "ManagedBy": DEFAULT_MANAGED_BY_TAG,
        }
        return {**defaults, **dict(self.tags)}


@functools.cache
def declarations() -> dict[str, Declaration]:
    """Config field name -> its declaration, in field order: every setting there is."""
    return {item.name: item.metadata[DECLARATION] for item in fields(TapVpcConfig)}


def declaration_of(field_name: str) -> Declaration:
    """The declaration of the config field ``field_name``; a field that does not exist is a ``KeyError``."""
    return declarations()[field_name]


def key_of(field_name: str) -> str:
    """The context key of the config field ``field_name`` (``vpc_cidr`` -> ``vpcCidr``)."""
    return declaration_of(field_name).key


def cdk_member(field_name: str, value: object) -> str:
    """The aws-cdk-lib enum member name that stands for ``value`` of the setting ``field_name``.

    ``value`` must be valid (the rules ran): ``cdk_member("flow_log_retention_days", 365)`` is ``ONE_YEAR``.
    """
    limit = declaration_of(field_name).limit
    assert limit is not None, f"{field_name} declares no AWS limit"
    return limit.cdk_name(value)
