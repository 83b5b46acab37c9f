"""Each patch of tools/moto_server.py is still needed: plain moto 5.2.5 fails where the patched server works.

When a moto release fixes one, its "plain" test fails: drop the patch then.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from tools.emulator import Emulator, free_port, start
from tools.moto_server import MOTO_VERSION, PATCHES

ACCOUNT = "111111111111"


@pytest.fixture(scope="module")
def patched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    port = free_port()
    process = start(port, tmp_path_factory.mktemp("patched") / "moto.log")
    yield Emulator(port)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    port = free_port()
    log = (tmp_path_factory.mktemp("plain") / "moto.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "localhost", "-p", str(port)], stdout=log, stderr=log
    )
    server = Emulator(port)
    deadline = time.monotonic() + 60
    while not server.is_up(timeout=1):
        assert time.monotonic() < deadline, "plain moto_server did not start"
        time.sleep(0.2)
    yield server
    process.terminate()
    process.wait(timeout=10)
    log.close()


def client(server: Emulator, service: str) -> Any:
    return server.client(service, account=ACCOUNT)


def deploy(server: Emulator, name: str, template: dict[str, Any], *, update: bool = False) -> dict[str, str]:
    """Create (or update) a stack and return its outputs; a failure raises."""
    cloudformation = client(server, "cloudformation")
    call = cloudformation.update_stack if update else cloudformation.create_stack
    call(StackName=name, TemplateBody=json.dumps(template))
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


SUBNET_BY_AZ_ID = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.9.1.0/24", "AvailabilityZoneId": "use1-az4"},
        },
    },
    "Outputs": {
        "SubnetId": {"Value": {"Ref": "Subnet"}},
        "Zone": {"Value": {"Fn::GetAtt": ["Subnet", "AvailabilityZone"]}},
    },
}


def log_group(retention: int) -> dict[str, Any]:
    return {
        "Resources": {"Group": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": retention}}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Group", "Arn"]}}},
    }


def tagged_subnet(tag: str) -> dict[str, Any]:
    template: dict[str, Any] = json.loads(json.dumps(SUBNET_BY_AZ_ID))
    template["Resources"]["Subnet"]["Properties"] = {
        "VpcId": {"Ref": "Vpc"},
        "CidrBlock": "10.9.1.0/24",
        "AvailabilityZone": "us-east-1a",
        "Tags": [{"Key": "Name", "Value": tag}],
    }
    template["Outputs"] = {"SubnetId": {"Value": {"Ref": "Subnet"}}, "VpcId": {"Value": {"Ref": "Vpc"}}}
    return template


def test_the_patches_are_for_the_installed_moto() -> None:
    import moto

    assert moto.__version__ == MOTO_VERSION == "5.2.5"
    assert set(PATCHES) == {
        "account-from-access-key",
        "subnet-availability-zone-id",
        "log-group-update",
        "keep-resources-without-update",
        "kms-key-tags",
        "restrict-default-security-group",
    }


def test_plain_moto_puts_every_access_key_in_its_default_account(plain: Emulator) -> None:
    assert client(plain, "sts").get_caller_identity()["Account"] == "123456789012"


def test_patched_moto_acts_in_the_account_the_key_names(patched: Emulator) -> None:
    assert client(patched, "sts").get_caller_identity()["Account"] == ACCOUNT


def test_plain_moto_cannot_resolve_a_subnets_availability_zone(plain: Emulator) -> None:
    outputs = deploy(plain, "subnet-by-az-id", SUBNET_BY_AZ_ID)
    assert outputs["Zone"] == "{'Fn::GetAtt': ['Subnet', 'AvailabilityZone']}", "moto learned GetAtt: drop the patch"


def test_patched_moto_places_a_subnet_by_az_id(patched: Emulator) -> None:
    outputs = deploy(patched, "subnet-by-az-id", SUBNET_BY_AZ_ID)
    [subnet] = client(patched, "ec2").describe_subnets(SubnetIds=[outputs["SubnetId"]])["Subnets"]
    assert (subnet["AvailabilityZoneId"], subnet["AvailabilityZone"]) == ("use1-az4", outputs["Zone"])


def test_plain_moto_loses_a_log_group_whose_retention_changed(plain: Emulator) -> None:
    deploy(plain, "log-group", log_group(7))
    # moto answers the DescribeStacks after the update with an HTML 500 page.
    with pytest.raises((ClientError, ResponseParserError)):
        deploy(plain, "log-group", log_group(30), update=True)


def test_patched_moto_updates_the_retention_in_place(patched: Emulator) -> None:
    arn = deploy(patched, "log-group", log_group(7))["Arn"]
    assert deploy(patched, "log-group", log_group(30), update=True)["Arn"] == arn
    name = arn.split(":log-group:")[1]
    groups = client(patched, "logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert [group["retentionInDays"] for group in groups] == [30]


def test_plain_moto_drops_a_resource_it_cannot_update(plain: Emulator) -> None:
    assert "SubnetId" in deploy(plain, "tagged-subnet", tagged_subnet("a"))
    assert "SubnetId" not in deploy(plain, "tagged-subnet", tagged_subnet("b"), update=True)


def test_patched_moto_keeps_a_resource_it_cannot_update(patched: Emulator) -> None:
    before = deploy(patched, "tagged-subnet", tagged_subnet("a"))
    assert deploy(patched, "tagged-subnet", tagged_subnet("b"), update=True) == before


TAGGED_KEY = {
    "Resources": {
        "Key": {
            "Type": "AWS::KMS::Key",
            "Properties": {
                "KeyPolicy": {"Version": "2012-10-17", "Statement": []},
                "Tags": [{"Key": "Project", "Value": "PaymentGateway"}],
            },
        }
    },
    "Outputs": {"KeyId": {"Value": {"Ref": "Key"}}},
}

LOCKED_DEFAULT_GROUP = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.8.0.0/16"}},
        "Lockdown": {
            "Type": "Custom::VpcRestrictDefaultSG",
            "Properties": {
                "ServiceToken": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:aws-cdk-lib-handler",
                "DefaultSecurityGroupId": {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]},
                "Account": ACCOUNT,
            },
        },
    },
    "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}},
}


def stack_status(server: Emulator, name: str) -> str:
    status: str = client(server, "cloudformation").describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    return status


def test_plain_moto_fails_on_kms_key_tags(plain: Emulator) -> None:
    with pytest.raises((ClientError, ResponseParserError)):
        deploy(plain, "tagged-key", TAGGED_KEY)


def test_patched_moto_tags_the_key(patched: Emulator) -> None:
    key_id = deploy(patched, "tagged-key", TAGGED_KEY)["KeyId"]
    tags = client(patched, "kms").list_resource_tags(KeyId=key_id)["Tags"]
    assert tags == [{"TagKey": "Project", "TagValue": "PaymentGateway"}]


def test_plain_moto_cannot_complete_the_default_group_lockdown(plain: Emulator) -> None:
    try:
        deploy(plain, "lockdown", LOCKED_DEFAULT_GROUP)
    except (ClientError, ResponseParserError):
        return
    assert stack_status(plain, "lockdown") != "CREATE_COMPLETE"


def test_patched_moto_locks_the_default_group_down(patched: Emulator) -> None:
    vpc_id = deploy(patched, "lockdown", LOCKED_DEFAULT_GROUP)["VpcId"]
    assert stack_status(patched, "lockdown") == "CREATE_COMPLETE"
    [group] = client(patched, "ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    assert (group["IpPermissions"], group["IpPermissionsEgress"]) == ([], [])
