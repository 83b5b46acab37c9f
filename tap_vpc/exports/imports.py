"""What consumer stacks call to use a deployed TAP VPC through its CloudFormation exports.

Every value comes from ``Fn::ImportValue`` of a per-AZ export, so there is no ``Vpc.from_lookup``
(no account access at synth) and no list token of unknown length (aws-cdk issues 12160, 4118).
"""

from __future__ import annotations

from aws_cdk import Fn
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from tap_vpc.exports.outputs import export_name


def import_tap_vpc(scope: Construct, id_: str, *, environment_suffix: str, az_count: int = 3) -> ec2.IVpc:
    """Return the TAP VPC of ``environment_suffix`` as an ``ec2.IVpc`` for placing resources.

    ``az_count`` must match the producer's ``azCount`` (default 3). The VPC's public and private
    subnets, the private route tables and the AZs are all imported; isolated subnets are not.
    """

    def imported(output_key: str) -> str:
        return Fn.import_value(export_name(environment_suffix, output_key))

    numbers = range(1, az_count + 1)
    zones = Fn.split(",", imported("AvailabilityZones"), az_count)
    return ec2.Vpc.from_vpc_attributes(
        scope,
        id_,
        vpc_id=imported("VpcId"),
        vpc_cidr_block=imported("VpcCidr"),
        availability_zones=[Fn.select(index, zones) for index in range(az_count)],
        public_subnet_ids=[imported(f"PublicSubnet{number}Id") for number in numbers],
        public_subnet_route_table_ids=[imported(f"PublicRouteTable{number}Id") for number in numbers],
        private_subnet_ids=[imported(f"PrivateSubnet{number}Id") for number in numbers],
        private_subnet_route_table_ids=[imported(f"PrivateRouteTable{number}Id") for number in numbers],
    )


def import_https_security_group(scope: Construct, id_: str, *, environment_suffix: str) -> ec2.ISecurityGroup:
    """Return the HTTPS-tier security group of ``environment_suffix``; rules are not modified."""
    return ec2.SecurityGroup.from_security_group_id(
        scope,
        id_,
        Fn.import_value(export_name(environment_suffix, "SecurityGroupId")),
        mutable=False,
    )
