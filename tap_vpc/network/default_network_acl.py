"""The VPC's default network ACL admits nothing (PCI DSS v4.0.1 1.3.1, Security Hub EC2.21).

AWS gives every VPC a default network ACL with allow-all entries (rule 100, and 101 for IPv6) in
both directions. No TAP VPC subnet uses it, but a subnet created outside the stack lands in it, and
Security Hub's EC2.21 (AWS Config ``nacl-no-unrestricted-ssh-rdp``) flags every allow entry from
0.0.0.0/0 whatever its rule number, so deny entries at lower numbers would not clear it.
CloudFormation can neither remove those entries nor create one at their numbers, so, like
aws-cdk-lib's default-security-group lock-down and terraform-aws-vpc's ``manage_default_network_acl``,
a custom resource deletes them; deleting it puts AWS's IPv4 entries back.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CustomResource, CustomResourceProvider, CustomResourceProviderRuntime, Stack
from aws_cdk import aws_ec2 as ec2

from tap_vpc.vocabulary import DEFAULT_NETWORK_ACL_LOCKDOWN

#: The custom resource's type, beside aws-cdk-lib's ``Custom::VpcRestrictDefaultSG``.
LOCKDOWN_TYPE = DEFAULT_NETWORK_ACL_LOCKDOWN
#: The provider's construct id at the stack's root (one per stack, like aws-cdk-lib's): its unique id
#: (the type) plus the suffix ``CustomResourceProvider.get_or_create_provider`` appends.
PROVIDER_ID = f"{LOCKDOWN_TYPE}CustomResourceProvider"
#: The lock-down's construct id under the Vpc.
LOCKDOWN_ID = "RestrictDefaultNetworkAclCustomResource"
#: The only calls the handler makes, on the default ACL alone.
HANDLER_ACTIONS = ("ec2:DeleteNetworkAclEntry", "ec2:CreateNetworkAclEntry")
HANDLER_DIRECTORY = Path(__file__).with_name("default_network_acl_handler")


def restrict_default_network_acl(vpc: ec2.Vpc) -> CustomResource:
    """Remove the allow entries of ``vpc``'s default network ACL; returns the custom resource.

    The handler (``default_network_acl_handler/index.js``, Node.js as aws-cdk-lib's own handlers)
    may call only ``HANDLER_ACTIONS``, on that ACL's ARN. Call it once per VPC.
    """
    stack = Stack.of(vpc)
    provider = CustomResourceProvider.get_or_create_provider(
        stack,
        LOCKDOWN_TYPE,
        code_directory=str(HANDLER_DIRECTORY),
        runtime=CustomResourceProviderRuntime.NODEJS_24_X,
        description="Lambda function for removing the allow entries from the VPC default network ACL",
    )
    provider.add_to_role_policy(
        {
            "Effect": "Allow",
            "Action": list(HANDLER_ACTIONS),
            "Resource": [
                stack.format_arn(service="ec2", resource="network-acl", resource_name=vpc.vpc_default_network_acl)
            ],
        }
    )
    return CustomResource(
        vpc,
        LOCKDOWN_ID,
        resource_type=LOCKDOWN_TYPE,
        service_token=provider.service_token,
        properties={"DefaultNetworkAclId": vpc.vpc_default_network_acl},
    )
