"""The fleet on the emulator: three accounts, two regions, routable groups that do not overlap, one diff."""

from __future__ import annotations

import ipaddress
import itertools
import sys

import pytest

from tests.commands import run
from tests.integration.conftest import Deployment

pytestmark = pytest.mark.integration

#: What cdk.json declares, stated here as the spec: environment -> (account, region, VPC CIDR).
DECLARED = {
    "dev": ("111111111111", "us-east-1", "10.0.0.0/16"),
    "staging": ("333333333333", "us-east-1", "10.1.0.0/16"),
    "uat": ("333333333333", "us-east-1", "10.2.0.0/16"),
    "prod": ("222222222222", "us-east-1", "10.0.0.0/16"),
    "prod-dr": ("222222222222", "us-west-2", "10.16.0.0/16"),
}
#: Environments that must route to each other (prod and its DR copy; the two behind the acquirer's test VPN).
ROUTABLE_GROUPS = {"payments": ("prod", "prod-dr"), "acquirer-test": ("staging", "uat")}
#: The AZ IDs each region's environments pin.
PINNED_AZ_IDS = {"us-east-1": ["use1-az1", "use1-az2", "use1-az4"], "us-west-2": ["usw2-az1", "usw2-az2", "usw2-az3"]}


def live_cidrs(deployment: Deployment) -> list[str]:
    (vpc,) = deployment.client("ec2").describe_vpcs(VpcIds=[deployment.outputs["VpcId"]])["Vpcs"]
    return [block["CidrBlock"] for block in vpc["CidrBlockAssociationSet"]]


def test_every_declared_environment_is_deployed_in_its_account_and_region(fleet: dict[str, Deployment]) -> None:
    deployed = {
        name: (d.client("sts").get_caller_identity()["Account"], d.config.region, live_cidrs(d)[0])
        for name, d in fleet.items()
    }
    assert deployed == DECLARED
    assert {region for _, region, _ in deployed.values()} == {"us-east-1", "us-west-2"}


def test_each_stack_lives_in_its_own_account_and_region(fleet: dict[str, Deployment]) -> None:
    for name, (account, region, _) in DECLARED.items():
        stack = fleet[name].client("cloudformation").describe_stacks(StackName=f"TapVpcStack-{name}")["Stacks"][0]
        assert stack["StackId"].startswith(f"arn:aws:cloudformation:{region}:{account}:stack/TapVpcStack-{name}/")


def test_subnets_sit_in_the_pinned_azs_of_their_region(fleet: dict[str, Deployment]) -> None:
    for name, (_, region, _) in DECLARED.items():
        subnet_ids = fleet[name].outputs["PrivateSubnetIds"].split(",")
        subnets = fleet[name].client("ec2").describe_subnets(SubnetIds=subnet_ids)["Subnets"]
        assert sorted(subnet["AvailabilityZoneId"] for subnet in subnets) == PINNED_AZ_IDS[region], name


def test_no_two_routable_environments_overlap_live(fleet: dict[str, Deployment]) -> None:
    for group, members in ROUTABLE_GROUPS.items():
        for first, second in itertools.combinations(members, 2):
            for a, b in itertools.product(live_cidrs(fleet[first]), live_cidrs(fleet[second])):
                assert not ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b)), (
                    f"{group}: {first} {a}, {second} {b}"
                )


def test_dev_and_prod_share_a_range_because_they_never_route_to_each_other(fleet: dict[str, Deployment]) -> None:
    assert live_cidrs(fleet["dev"]) == live_cidrs(fleet["prod"]) == ["10.0.0.0/16"]


def test_make_diff_of_the_unchanged_fleet_exits_0(fleet: dict[str, Deployment]) -> None:
    server = fleet["dev"].server
    assert server is not None
    result = run([sys.executable, "-m", "tools.local", "diff", "--port", str(server.port)])
    assert result.returncode == 0, result.stdout + result.stderr
    for name in DECLARED:
        assert f"Stack TapVpcStack-{name}" in result.stdout + result.stderr
