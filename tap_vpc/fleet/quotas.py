"""Quotas that environments sharing one account and region draw on together.

Each stack passes its own checks, yet two of them in one account and region can still fail at
deploy: the account's Elastic IP quota (5 per Region by default) is shared, and every NAT gateway
takes one address. staging and uat, both in 333333333333 us-east-1 with 3 NAT gateways each, would
ask for 6: the sixth NAT gateway's EIP fails, mid-deploy, with AddressLimitExceeded. So the synth
adds up the declared environments of each account and region.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from tap_vpc.errors import ConfigProblem
from tap_vpc.settings import limits
from tap_vpc.settings.config import TapVpcConfig, key_of


def elastic_ip_problems(configs: Sequence[TapVpcConfig], raised: Mapping[tuple[str, str], int]) -> list[ConfigProblem]:
    """A problem per account and region whose environments' NAT gateways need more EIPs than its quota.

    ``raised`` maps (account, region) to a quota raised in Service Quotas and declared in cdk.json;
    any other account and region has AWS's default, ``limits.ELASTIC_IPS_PER_REGION``.
    """
    problems = []

    def place(config: TapVpcConfig) -> tuple[str, str]:
        return (config.account or "", config.region)

    for (account, region), group in itertools.groupby(sorted(configs, key=place), key=place):
        members = list(group)
        needed = sum(config.nat_gateways for config in members)
        quota = raised.get((account, region), limits.ELASTIC_IPS_PER_REGION)
        if not account or needed <= quota:
            continue
        shares = " + ".join(f"{config.environment_suffix} {config.nat_gateways}" for config in members)
        problems.append(
            ConfigProblem(
                key_of("nat_gateways"),
                shares,
                f"these NAT gateways need {needed} Elastic IPs in account {account} {region}, and its quota there "
                f"is {quota} (EC2-VPC Elastic IPs, Service Quotas L-0263D0A3; AWS's default is "
                f"{limits.ELASTIC_IPS_PER_REGION}): a NAT gateway would fail at deploy. Lower "
                f"{key_of('nat_gateways')} in a "
                "profile, or raise the quota and declare it (elasticIpQuota in the environments' declarations).",
            )
        )
    return problems
