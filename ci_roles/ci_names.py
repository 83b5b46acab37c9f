"""The names of what the CI roles stack creates; no name of the product's stacks matches any of them."""

from __future__ import annotations

READ_ONLY_ROLE = "TapVpcReadOnly"
DEPLOY_ROLE = "TapVpcDeploy"
EXECUTION_POLICY = "TapVpcCloudFormationExecution"
#: CloudFormation names the stack's unnamed managed policies ``TapVpcCiRoles-<environment>-<id>-<random>``.
CI_STACK_PREFIX = "TapVpcCiRoles"
