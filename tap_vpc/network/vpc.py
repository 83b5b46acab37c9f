"""The VPC itself: tiers, exact CIDR plan, NAT gateways and gateway endpoints."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from tap_vpc.network.aws_buckets import bucket_names
from tap_vpc.network.exact_cidr_plan import ExactCidrPlan
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.vocabulary import Tier

PUBLIC_TIER = Tier.PUBLIC.subnet_group
PRIVATE_TIER = Tier.PRIVATE.subnet_group
ISOLATED_TIER = Tier.DATA.subnet_group


def subnet_configurations(config: TapVpcConfig) -> list[ec2.SubnetConfiguration]:
    """Public and private tiers, plus the isolated tier when it has CIDRs.

    ``cidr_mask`` is required by the L2 API but the exact plan decides each CIDR, so it is the
    first CIDR's prefix (informational only).
    """
    tiers = [
        (PUBLIC_TIER, ec2.SubnetType.PUBLIC, config.public_subnet_cidrs),
        (PRIVATE_TIER, ec2.SubnetType.PRIVATE_WITH_EGRESS, config.private_subnet_cidrs),
        (ISOLATED_TIER, ec2.SubnetType.PRIVATE_ISOLATED, config.isolated_subnet_cidrs),
    ]
    return [
        ec2.SubnetConfiguration(
            name=name,
            subnet_type=subnet_type,
            cidr_mask=int(cidrs[0].split("/")[1]),
            # Security Hub EC2.15: instances in public subnets get no public IP by default.
            map_public_ip_on_launch=False if subnet_type is ec2.SubnetType.PUBLIC else None,
        )
        for name, subnet_type, cidrs in tiers
        if cidrs
    ]


def build_vpc(scope: Construct, config: TapVpcConfig) -> ec2.Vpc:
    """Create the L2 Vpc (id ``Vpc``) with DNS on, the exact CIDR plan and a NAT per AZ.

    The AZs are the scope's stack ``availability_zones`` (``TapVpcStack`` selects them from
    Fn::GetAZs). S3 and DynamoDB gateway endpoints serve the private and isolated route tables; their
    policies admit only this account's buckets and tables, and read-only the AWS-owned buckets of
    ``gatewayEndpointAwsBuckets``. Without a policy a gateway endpoint allows everything, and its
    prefix-list route is more specific than 0.0.0.0/0: a way out to any account's bucket that
    passes no firewall.
    """
    plan = ExactCidrPlan(
        config.vpc_cidr,
        {
            PUBLIC_TIER: config.public_subnet_cidrs,
            PRIVATE_TIER: config.private_subnet_cidrs,
            ISOLATED_TIER: config.isolated_subnet_cidrs,
        },
    )
    vpc = ec2.Vpc(
        scope,
        "Vpc",
        ip_addresses=plan,
        max_azs=config.az_count,
        nat_gateways=config.nat_gateways,
        subnet_configuration=subnet_configurations(config),
        enable_dns_hostnames=True,
        enable_dns_support=True,
        restrict_default_security_group=True,
    )
    endpoint_subnets = [ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)]
    if config.isolated_subnet_cidrs:
        endpoint_subnets.append(ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED))
    s3_endpoint = vpc.add_gateway_endpoint(
        "S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3, subnets=endpoint_subnets
    )
    for statement in s3_endpoint_statements(bucket_names(config.gateway_endpoint_aws_buckets, config.region)):
        s3_endpoint.add_to_policy(statement)
    dynamodb_endpoint = vpc.add_gateway_endpoint(
        "DynamoDbEndpoint", service=ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets=endpoint_subnets
    )
    dynamodb_endpoint.add_to_policy(this_account_only("ThisAccountsTables", "dynamodb:*"))
    if config.availability_zone_ids:
        pin_subnets_to_az_ids(vpc)
    return vpc


def this_account_only(sid: str, action: str) -> iam.PolicyStatement:
    """Allow ``action`` through a gateway endpoint on this account's resources only (``aws:ResourceAccount``)."""
    return iam.PolicyStatement(
        sid=sid,
        principals=[iam.AnyPrincipal()],
        actions=[action],
        resources=["*"],
        conditions={"StringEquals": {"aws:ResourceAccount": Aws.ACCOUNT_ID}},
    )


def s3_endpoint_statements(aws_buckets: list[str]) -> list[iam.PolicyStatement]:
    """The S3 gateway endpoint's policy: this account's buckets, and ``aws_buckets`` read-only."""
    statements = [this_account_only("ThisAccountsBuckets", "s3:*")]
    if aws_buckets:
        statements.append(
            iam.PolicyStatement(
                sid="AwsOwnedBucketsReadOnly",
                principals=[iam.AnyPrincipal()],
                actions=["s3:GetObject"],
                resources=[f"arn:{Aws.PARTITION}:s3:::{bucket}/*" for bucket in aws_buckets],
            )
        )
    return statements


def all_subnets(vpc: ec2.Vpc) -> list[ec2.ISubnet]:
    """Public, private and isolated subnets, tier by tier, in AZ order."""
    return [*vpc.public_subnets, *vpc.private_subnets, *vpc.isolated_subnets]


def pin_subnets_to_az_ids(vpc: ec2.Vpc) -> None:
    """Move each subnet's AZ from ``AvailabilityZone`` to ``AvailabilityZoneId``.

    The stack hands the L2 Vpc AZ IDs in place of AZ names; AWS::EC2::Subnet takes either, and an
    AZ ID names the same physical zone in every account.
    """
    for subnet in all_subnets(vpc):
        cfn_subnet = subnet.node.default_child
        assert isinstance(cfn_subnet, ec2.CfnSubnet)
        cfn_subnet.add_property_deletion_override("AvailabilityZone")
        cfn_subnet.add_property_override("AvailabilityZoneId", subnet.availability_zone)


def availability_zone_names(vpc: ec2.Vpc, *, pinned: bool) -> list[str]:
    """The AZ name of each public subnet: its ``Fn::GetAtt AvailabilityZone`` when pinned by ID."""
    if not pinned:
        return [subnet.availability_zone for subnet in vpc.public_subnets]
    names = []
    for subnet in vpc.public_subnets:
        cfn_subnet = subnet.node.default_child
        assert isinstance(cfn_subnet, ec2.CfnSubnet)
        names.append(cfn_subnet.attr_availability_zone)
    return names


def nat_gateways(vpc: ec2.Vpc) -> list[ec2.CfnNatGateway]:
    """The NAT gateways the L2 Vpc placed in its public subnets, in AZ order."""
    found = (subnet.node.try_find_child("NATGateway") for subnet in vpc.public_subnets)
    return [child for child in found if isinstance(child, ec2.CfnNatGateway)]


def nat_elastic_ips(vpc: ec2.Vpc) -> list[ec2.CfnEIP]:
    """The Elastic IPs of those NAT gateways, in AZ order."""
    found = (subnet.node.try_find_child("EIP") for subnet in vpc.public_subnets)
    return [child for child in found if isinstance(child, ec2.CfnEIP)]
