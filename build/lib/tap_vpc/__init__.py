"""TAP VPC: the network foundation of the payment gateway, as an AWS CDK app.

Public entry points:
- ``TapVpcConfig`` / ``load_config``: the one typed, validated configuration.
- ``TapVpcStack``: the VPC, flow log, HTTPS security group and exported outputs.
- ``VpcFlowLog``: the flow-log construct (KMS-encrypted CloudWatch Logs destination).
- ``import_tap_vpc``: what consumer stacks call to use an exported TAP VPC.
"""

from tap_vpc.config import TapVpcConfig
from tap_vpc.errors import ConfigError, ConfigProblem
from tap_vpc.flow_log import VpcFlowLog
from tap_vpc.imports import import_https_security_group, import_tap_vpc
from tap_vpc.settings import load_config
from tap_vpc.tap_vpc_stack import TapVpcStack

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "TapVpcConfig",
    "TapVpcStack",
    "VpcFlowLog",
    "import_https_security_group",
    "import_tap_vpc",
    "load_config",
]
