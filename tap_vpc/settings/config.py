"""The one typed, frozen configuration of a TAP VPC environment.

Defaults are the production topology: 3 AZs, a NAT gateway per AZ, 365-day flow-log retention, the
flow-log archive in S3 under Object Lock in compliance mode, and retained log data. Environment
profiles in ``cdk.json`` adjust them (see ``settings.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tap_vpc.flow_logs.fields import DEFAULT_LOG_FORMAT

#: The segmentation a PCI cardholder-data environment needs (PCI DSS v4.0 1.3, 1.4), as
#: ``source -> destination : ports : verdict`` rules; ``data`` ports are ``dataTierPorts``.
PCI_REACHABILITY_MATRIX: tuple[str, ...] = (
    "internet -> public : 443 : allow",
    "internet -> private : any : deny",
    "internet -> data : any : deny",
    "public -> data : any : deny",
    "private -> data : data : allow",
    "private -> internet : 443 : allow",
    "data -> endpoints : 443 : allow",
    "data -> internet : any : deny",
)

STACK_NAME_PREFIX = "TapVpcStack"
DEFAULT_PROJECT_TAG = "PaymentGateway"
DEFAULT_MANAGED_BY_TAG = "CDK"


@dataclass(frozen=True)
class TapVpcConfig:
    """A validated TAP VPC environment. Build it with ``settings.load_config`` or directly.

    Constructing it does not validate; ``validation.validate_config`` does, and ``load_config``
    always calls it. Every field maps to one camelCase context key (see ``settings.SETTINGS``).
    """

    environment_suffix: str = "dev"
    region: str = "us-east-1"
    account: str | None = None
    vpc_cidr: str = "10.0.0.0/16"
    az_count: int = 3
    availability_zone_ids: tuple[str, ...] = ()
    nat_gateways: int = 3
    public_subnet_cidrs: tuple[str, ...] = ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24")
    private_subnet_cidrs: tuple[str, ...] = ("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24")
    isolated_subnet_cidrs: tuple[str, ...] = ()
    https_ingress_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    data_tier_ports: tuple[int, ...] = (5432, 6379)
    interface_endpoints: tuple[str, ...] = ()
    reachability_matrix: tuple[str, ...] = PCI_REACHABILITY_MATRIX
    flow_log_traffic_type: str = "ALL"
    flow_log_max_aggregation_interval: int = 600
    flow_log_retention_days: int = 365
    flow_log_format: str | None = DEFAULT_LOG_FORMAT
    flow_log_archive: bool = True
    archive_retention_days: int = 365
    archive_transition_days: int = 90
    archive_object_lock_mode: str = "COMPLIANCE"
    retain_data: bool = True
    termination_protection: bool = False
    tags: tuple[tuple[str, str], ...] = field(default=())

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
