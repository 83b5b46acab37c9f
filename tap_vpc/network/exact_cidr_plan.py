"""An exact subnet CIDR plan for the L2 ``ec2.Vpc``.

The L2 Vpc normally carves subnets itself. ``ExactCidrPlan`` implements ``ec2.IIpAddresses`` so
the Vpc keeps building every subnet, route and NAT gateway while each subnet gets the CIDR the
config names, by tier and AZ index, with no L1 property patching.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import jsii
from aws_cdk import aws_ec2 as ec2


@jsii.implements(ec2.IIpAddresses)
class ExactCidrPlan:
    """Allocate ``vpc_cidr`` and, for tier name T and the i-th AZ, ``subnet_cidrs[T][i]``.

    ``subnet_cidrs`` maps each ``ec2.SubnetConfiguration.name`` to its CIDRs in AZ order.
    """

    def __init__(self, vpc_cidr: str, subnet_cidrs: Mapping[str, Sequence[str]]) -> None:
        self._vpc_cidr = vpc_cidr
        self._subnet_cidrs = {tier: tuple(cidrs) for tier, cidrs in subnet_cidrs.items()}

    def allocate_vpc_cidr(self) -> ec2.VpcIpamOptions:
        """Return the configured VPC CIDR."""
        return ec2.VpcIpamOptions(cidr_block=self._vpc_cidr)

    def allocate_subnets_cidr(
        self,
        *,
        requested_subnets: Sequence[ec2.RequestedSubnet | dict[str, Any]],
        vpc_cidr: str,
    ) -> ec2.SubnetIpamOptions:
        """Give each requested subnet its planned CIDR; the Vpc asks tier by tier, AZ by AZ."""
        next_index: dict[str, int] = {}
        allocated = []
        for request in requested_subnets:
            # jsii always passes RequestedSubnet structs; the dict form exists only in the stub.
            tier = cast(ec2.RequestedSubnet, request).configuration.name
            index = next_index.get(tier, 0)
            next_index[tier] = index + 1
            allocated.append(ec2.AllocatedSubnet(cidr=self._subnet_cidrs[tier][index]))
        return ec2.SubnetIpamOptions(allocated_subnets=allocated)
