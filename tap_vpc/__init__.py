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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tap_vpc.errors import ConfigError, ConfigProblem
    from tap_vpc.exports.imports import import_https_security_group, import_tap_vpc
    from tap_vpc.flow_logs.archive import FlowLogArchive
    from tap_vpc.flow_logs.flow_log import VpcFlowLog
    from tap_vpc.flow_logs.table import FlowLogTable
    from tap_vpc.flow_logs.workgroup import InvestigationWorkGroup
    from tap_vpc.network.interface_endpoints import PrivateServiceEndpoints
    from tap_vpc.segmentation.access_scopes import NetworkAccessScopes
    from tap_vpc.segmentation.network_acls import TierNetworkAcls
    from tap_vpc.segmentation.reachability.check import check_template
    from tap_vpc.settings.config import TapVpcConfig
    from tap_vpc.settings.loading import load_config
    from tap_vpc.tap_vpc_stack import TapVpcStack

#: Public name -> the module that defines it. Loaded on first use (PEP 562), so that tools which need
#: only the settings (``make local`` on bad input, the error paths) do not start aws-cdk-lib's jsii
#: runtime, about 1.4 s per process, before they can answer.
_HOME = {
    "ConfigError": "tap_vpc.errors",
    "ConfigProblem": "tap_vpc.errors",
    "FlowLogArchive": "tap_vpc.flow_logs.archive",
    "FlowLogTable": "tap_vpc.flow_logs.table",
    "InvestigationWorkGroup": "tap_vpc.flow_logs.workgroup",
    "NetworkAccessScopes": "tap_vpc.segmentation.access_scopes",
    "PrivateServiceEndpoints": "tap_vpc.network.interface_endpoints",
    "TapVpcConfig": "tap_vpc.settings.config",
    "TapVpcStack": "tap_vpc.tap_vpc_stack",
    "TierNetworkAcls": "tap_vpc.segmentation.network_acls",
    "VpcFlowLog": "tap_vpc.flow_logs.flow_log",
    "check_template": "tap_vpc.segmentation.reachability.check",
    "import_https_security_group": "tap_vpc.exports.imports",
    "import_tap_vpc": "tap_vpc.exports.imports",
    "load_config": "tap_vpc.settings.loading",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use; any other name is an ``AttributeError``."""
    if name not in _HOME:
        raise AttributeError(f"module 'tap_vpc' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


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
