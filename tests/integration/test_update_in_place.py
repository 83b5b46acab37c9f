"""A settings change deploys in place: what users do every day after the first `make local`."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from tests.commands import run
from tests.integration.conftest import Deployment, emulator_lacks
from tools.local import deploy_to_emulator

pytestmark = pytest.mark.integration

#: Outputs naming resources that a retention or ingress change must leave in place.
KEPT = (
    "VpcId",
    "PublicSubnet1Id",
    "PublicSubnet2Id",
    "PublicSubnet3Id",
    "PrivateSubnet1Id",
    "PrivateSubnet2Id",
    "PrivateSubnet3Id",
    "NatGatewayIds",
    "FlowLogId",
    "FlowLogGroupName",
    "ArchiveFlowLogId",
    "ArchiveBucketName",
    "FlowLogDatabaseName",
    "AthenaWorkGroupName",
)


@pytest.fixture(scope="module")
def updated(deployment: Deployment) -> dict[str, str]:
    """The outputs after a second deploy with two settings changed."""
    assert deployment.server is not None
    assert deployment.workdir is not None
    changed = {
        **deployment.context,
        "flowLogRetentionDays": "400",
        "httpsIngressCidrs": "10.20.0.0/16",
        "archiveTransitionDays": "60",
    }
    _, outputs, _ = deploy_to_emulator(deployment.server, changed, deployment.workdir, quiet=True)
    return outputs


def test_the_update_keeps_the_vpc_subnets_nat_gateways_and_flow_log(
    deployment: Deployment, updated: dict[str, str]
) -> None:
    assert {key: updated[key] for key in KEPT} == {key: deployment.outputs[key] for key in KEPT}


def test_the_new_retention_is_live(deployment: Deployment, updated: dict[str, str]) -> None:
    groups = deployment.client("logs").describe_log_groups(logGroupNamePrefix=updated["FlowLogGroupName"])["logGroups"]
    assert [group["retentionInDays"] for group in groups] == [400]


def test_the_new_archive_transition_is_live(deployment: Deployment, updated: dict[str, str]) -> None:
    (rule,) = deployment.client("s3").get_bucket_lifecycle_configuration(Bucket=updated["ArchiveBucketName"])["Rules"]
    assert rule["Transitions"] == [{"Days": 60, "StorageClass": "GLACIER_IR"}]
    assert rule["Expiration"] == {"Days": 365}


def test_the_new_ingress_is_live(deployment: Deployment, updated: dict[str, str]) -> None:
    group: dict[str, Any] = deployment.client("ec2").describe_security_groups(GroupIds=[updated["SecurityGroupId"]])[
        "SecurityGroups"
    ][0]
    assert [
        (rule["IpProtocol"], rule["FromPort"], rule["ToPort"], [r["CidrIp"] for r in rule.get("IpRanges", [])])
        for rule in group["IpPermissions"]
    ] == [("tcp", 443, 443, ["10.20.0.0/16"])]


@emulator_lacks("an ingress change replaces the security group instead of updating its rules")
def test_the_security_group_keeps_its_id(deployment: Deployment, updated: dict[str, str]) -> None:
    assert updated["SecurityGroupId"] == deployment.outputs["SecurityGroupId"]


def test_make_diff_prints_the_difference_and_exits_1(deployment: Deployment, updated: dict[str, str]) -> None:
    # cdk.json still says 365 days and 0.0.0.0/0; the emulator now holds 400 days and 10.20.0.0/16.
    assert deployment.server is not None
    result = run([sys.executable, "-m", "tools.local", "diff", "--port", str(deployment.server.port)])
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert "RetentionInDays" in output
    assert result.stderr.strip().splitlines()[-1] == (
        "local: TapVpcStack-dev differs from what `make local` deployed (the diff is above)"
    )
