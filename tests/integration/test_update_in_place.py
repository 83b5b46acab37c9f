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
    "IsolatedSubnetIds",
    "EndpointSecurityGroupId",
)


def data_acl(primary: Deployment, outputs: dict[str, str]) -> dict[str, Any]:
    subnet = outputs["IsolatedSubnetIds"].split(",")[0]
    (acl,) = primary.client("ec2").describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )["NetworkAcls"]
    return dict(acl)


@pytest.fixture(scope="module")
def data_acl_before(primary: Deployment) -> dict[str, Any]:
    """The data tier's ACL as the first deploy left it."""
    return data_acl(primary, primary.outputs)


@pytest.fixture(scope="module")
def updated(primary: Deployment, data_acl_before: dict[str, Any]) -> dict[str, str]:
    """The outputs after a second deploy with five settings changed."""
    assert primary.server is not None
    assert primary.workdir is not None
    changed = {
        **primary.context,
        "flowLogRetentionDays": "400",
        "httpsIngressCidrs": "10.20.0.0/16",
        "archiveTransitionDays": "60",
        "dataTierPorts": "5432,6379,3306",
    }
    _, outputs, _ = deploy_to_emulator(primary.server, changed, primary.workdir, quiet=True)
    return outputs


def test_a_new_data_port_is_live_in_the_same_data_acl(
    primary: Deployment, data_acl_before: dict[str, Any], updated: dict[str, str]
) -> None:
    after = data_acl(primary, updated)
    assert after["NetworkAclId"] == data_acl_before["NetworkAclId"]
    inbound_3306 = sorted(
        e["CidrBlock"]
        for e in after["Entries"]
        if not e["Egress"] and e["RuleAction"] == "allow" and e.get("PortRange") == {"From": 3306, "To": 3306}
    )
    assert inbound_3306 == ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"]
    assert len([e for e in after["Entries"] if not e["Egress"] and e["RuleNumber"] < 32767]) == 15


def test_the_public_acl_follows_the_new_https_sources(primary: Deployment, updated: dict[str, str]) -> None:
    subnet = updated["PublicSubnetIds"].split(",")[0]
    (acl,) = primary.client("ec2").describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )["NetworkAcls"]
    https = [
        e["CidrBlock"] for e in acl["Entries"] if not e["Egress"] and e.get("PortRange") == {"From": 443, "To": 443}
    ]
    assert https == ["10.20.0.0/16"]


def test_the_update_keeps_the_vpc_subnets_nat_gateways_and_flow_log(
    primary: Deployment, updated: dict[str, str]
) -> None:
    assert {key: updated[key] for key in KEPT} == {key: primary.outputs[key] for key in KEPT}


def test_the_new_retention_is_live(primary: Deployment, updated: dict[str, str]) -> None:
    groups = primary.client("logs").describe_log_groups(logGroupNamePrefix=updated["FlowLogGroupName"])["logGroups"]
    assert [group["retentionInDays"] for group in groups] == [400]


def test_the_new_archive_transition_is_live(primary: Deployment, updated: dict[str, str]) -> None:
    (rule,) = primary.client("s3").get_bucket_lifecycle_configuration(Bucket=updated["ArchiveBucketName"])["Rules"]
    assert rule["Transitions"] == [{"Days": 60, "StorageClass": "GLACIER_IR"}]
    assert rule["Expiration"] == {"Days": 365}


def test_the_new_ingress_is_live(primary: Deployment, updated: dict[str, str]) -> None:
    group: dict[str, Any] = primary.client("ec2").describe_security_groups(GroupIds=[updated["SecurityGroupId"]])[
        "SecurityGroups"
    ][0]
    assert [
        (rule["IpProtocol"], rule["FromPort"], rule["ToPort"], [r["CidrIp"] for r in rule.get("IpRanges", [])])
        for rule in group["IpPermissions"]
    ] == [("tcp", 443, 443, ["10.20.0.0/16"])]


@emulator_lacks("an ingress change replaces the security group instead of updating its rules")
def test_the_security_group_keeps_its_id(primary: Deployment, updated: dict[str, str]) -> None:
    assert updated["SecurityGroupId"] == primary.outputs["SecurityGroupId"]


def test_make_diff_prints_the_difference_and_exits_1(primary: Deployment, updated: dict[str, str]) -> None:
    # cdk.json still says 365 days and 0.0.0.0/0; the emulator now holds 400 days and 10.20.0.0/16.
    assert primary.server is not None
    result = run([sys.executable, "-m", "tools.local", "diff", "--port", str(primary.server.port)])
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert "RetentionInDays" in output
    assert result.stderr.strip().splitlines()[-1] == (
        "local: TapVpcStack-dev differs from what `make local` deployed (the diff is above)"
    )
