"""TAP VPC: the network foundation of the payment gateway, as an AWS CDK app.

Public entry points:
- ``TapVpcConfig`` / ``load_config``: the one typed, validated configuration.
- ``TapVpcStack``: the VPC, flow log, HTTPS security group and exported outputs.
- ``VpcFlowLog``: the flow-log construct (KMS-encrypted CloudWatch Logs, and the S3 archive).
- ``FlowLogArchive``, ``FlowLogTable``, ``InvestigationWorkGroup``: the archive's buckets, its Glue
  table and its Athena workgroup.
- ``TierNetworkAcls``, ``PrivateServiceEndpoints``, ``NetworkAccessScopes``: the segmentation
  (a network ACL per tier, interface endpoints, Network Access Analyzer scopes per deny rule).
- ``check_template``: the reachability matrix's verdicts over a synthesized template.
- ``import_tap_vpc``: what consumer stacks call to use an exported TAP VPC.
"""

from tap_vpc.access_scopes import NetworkAccessScopes
from tap_vpc.athena_workgroup import InvestigationWorkGroup
from tap_vpc.config import TapVpcConfig
from tap_vpc.errors import ConfigError, ConfigProblem
from tap_vpc.flow_log import VpcFlowLog
from tap_vpc.flow_log_archive import FlowLogArchive
from tap_vpc.flow_log_table import FlowLogTable
from tap_vpc.imports import import_https_security_group, import_tap_vpc
from tap_vpc.interface_endpoints import PrivateServiceEndpoints
from tap_vpc.network_acls import TierNetworkAcls
from tap_vpc.reachability.check import check_template
from tap_vpc.settings import load_config
from tap_vpc.tap_vpc_stack import TapVpcStack

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "FlowLogArchive",
    "FlowLogTable",
    "InvestigationWorkGroup",
    "NetworkAccessScopes",
    "PrivateServiceEndpoints",
    "TapVpcConfig",
    "TapVpcStack",
    "TierNetworkAcls",
    "VpcFlowLog",
    "check_template",
    "import_https_security_group",
    "import_tap_vpc",
    "load_config",
]
