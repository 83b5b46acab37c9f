"""Interface endpoints: AWS APIs from the private and data tiers without the internet.

One ENI per AZ in the private tier, private DNS on, a shared security group that admits 443 from
the VPC CIDR only, and a policy that lets only this account's principals use the endpoint, on this
account's resources where the service names one.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from tap_vpc.network.tier_marks import mark_tier
from tap_vpc.vocabulary import HTTPS

#: Services whose calls often name no resource, or name one that AWS owns (STS's GetCallerIdentity
#: and AssumeRole into partner accounts; SSM's public parameters under /aws/service/): the policy
#: checks the caller's account only, since aws:ResourceAccount would refuse those calls
#: (IAM User Guide, "AWS global condition context keys", aws:ResourceAccount).
PRINCIPAL_ACCOUNT_ONLY = frozenset({"sts", "ssm"})


def endpoint_id(service: str) -> str:
    """``ecr.api`` -> ``EcrApiEndpoint``: the construct ID, stable across reorderings of the setting."""
    return "".join(part.capitalize() for part in service.replace("-", ".").split(".")) + "Endpoint"


def account_only_policy(service: str) -> iam.PolicyStatement:
    """Allow every action, for this account's principals (and resources, unless ``PRINCIPAL_ACCOUNT_ONLY``)."""
    conditions = {"aws:PrincipalAccount": Aws.ACCOUNT_ID}
    if service not in PRINCIPAL_ACCOUNT_ONLY:
        conditions["aws:ResourceAccount"] = Aws.ACCOUNT_ID
    return iam.PolicyStatement(
        sid="ThisAccountOnly",
        principals=[iam.AnyPrincipal()],
        actions=["*"],
        resources=["*"],
        conditions={"StringEquals": conditions},
    )


class PrivateServiceEndpoints(Construct):
    """Interface endpoints for ``services`` (e.g. ``kms``, ``ecr.api``) in the VPC's private subnets.

    ``security_group`` (``EndpointSecurityGroup``, tier metadata ``endpoints``) admits TCP 443 from
    ``vpc_cidr`` (a literal, so every compliance pack can read the rule) and sends nothing.
    ``endpoints`` maps service name to its endpoint.
    """

    def __init__(self, scope: Construct, id_: str, *, vpc: ec2.Vpc, vpc_cidr: str, services: Sequence[str]) -> None:
        super().__init__(scope, id_)
        self.security_group = ec2.SecurityGroup(
            scope,
            "EndpointSecurityGroup",
            vpc=vpc,
            description="Interface endpoints: TCP 443 from the VPC only",
            allow_all_outbound=False,
        )
        self.security_group.add_ingress_rule(
            ec2.Peer.ipv4(vpc_cidr), ec2.Port.tcp(HTTPS), f"HTTPS from the VPC ({vpc_cidr})"
        )
        mark_tier(self.security_group, "endpoints")
        self.endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
        for service in services:
            endpoint = ec2.InterfaceVpcEndpoint(
                self,
                endpoint_id(service),
                vpc=vpc,
                service=ec2.InterfaceVpcEndpointAwsService(service),
                private_dns_enabled=True,
                subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                security_groups=[self.security_group],
                open=False,
            )
            endpoint.add_to_policy(account_only_policy(service))
            self.endpoints[service] = endpoint
