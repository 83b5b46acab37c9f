"""``TapVpcPermissionsBoundary``: the most any role of a TapVpcStack may ever do, whatever policies it is given.

The execution policy lets CloudFormation create or change a role only with this boundary on, so a
template that attaches AdministratorAccess to a TAP VPC role, or passes such a role to a Lambda
function, still gets no more than this. It allows what the product's two roles need:

- the flow-log delivery role (``tap_vpc.flow_logs.flow_log.LOG_DELIVERY_ACTIONS``) on the flow-log groups;
- the default-SG lock-down handler (aws-cdk-lib's custom-resource provider): AWSLambdaBasicExecutionRole's
  logging to ``/aws/lambda/TapVpcStack-*``, and the security-group rule changes of its inline policy;
- the default-ACL lock-down handler (``tap_vpc.network.default_network_acl``): the same logging, and
  deleting (or, on delete, restoring) the default network ACL's entries.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam

from ci_roles.bootstrap import PARTITION
from ci_roles.product_names import ProductNames
from tap_vpc.flow_logs.flow_log import LOG_DELIVERY_ACTIONS

#: What AWSLambdaBasicExecutionRole allows: a function writes its own log group.
LAMBDA_LOGGING_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
#: What the default-ACL lock-down handler calls on the VPC's default network ACL (its ID is not known before).
NETWORK_ACL_ENTRY_ACTIONS = ("ec2:DeleteNetworkAclEntry", "ec2:CreateNetworkAclEntry")
#: What the lock-down handler calls on the VPC's default security group (its ID is not known before the deploy).
SECURITY_GROUP_RULE_ACTIONS = (
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
)


def boundary_statements(names: ProductNames, account: str, regions: Sequence[str]) -> list[iam.PolicyStatement]:
    """The boundary's statements for ``account`` in ``regions``: logging, security-group rules, default-ACL entries."""
    arn = f"arn:{PARTITION}"

    def log_groups(pattern: str) -> list[str]:
        return [
            resource
            for region in regions
            for resource in (
                f"{arn}:logs:{region}:{account}:log-group:{pattern}",
                f"{arn}:logs:{region}:{account}:log-group:{pattern}:*",
            )
        ]

    return [
        iam.PolicyStatement(
            sid="FlowLogDelivery", actions=list(LOG_DELIVERY_ACTIONS), resources=log_groups(names.log_groups)
        ),
        iam.PolicyStatement(
            sid="FunctionLogs",
            actions=list(LAMBDA_LOGGING_ACTIONS),
            resources=log_groups(f"/aws/lambda/{names.stacks}"),
        ),
        iam.PolicyStatement(
            sid="DefaultSecurityGroupLockdown",
            actions=list(SECURITY_GROUP_RULE_ACTIONS),
            resources=[f"{arn}:ec2:{region}:{account}:security-group/*" for region in regions],
        ),
        iam.PolicyStatement(
            sid="DefaultNetworkAclLockdown",
            actions=list(NETWORK_ACL_ENTRY_ACTIONS),
            resources=[f"{arn}:ec2:{region}:{account}:network-acl/*" for region in regions],
        ),
    ]
