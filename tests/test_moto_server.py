"""Each patch of tools/moto_server.py is still needed: plain moto 5.2.5 fails where the patched server works.

When a moto release fixes one, its "plain" test fails: drop the patch then.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from tools.emulator import Emulator, free_port, running
from tools.moto_server import MOTO_VERSION, PATCHES

ACCOUNT = "111111111111"


@pytest.fixture(scope="module")
def patched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with running(tmp_path_factory.mktemp("patched") / "moto.log") as server:
        yield server


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


LOCKED_BUCKET: dict[str, Any] = {
    "Resources": {
        "Logs": {"Type": "AWS::S3::Bucket", "Properties": {}},
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "VersioningConfiguration": {"Status": "Enabled"},
                "ObjectLockEnabled": True,
                "ObjectLockConfiguration": {
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "Tier",
                            "Status": "Enabled",
                            "Transitions": [{"StorageClass": "GLACIER_IR", "TransitionInDays": 90}],
                            "ExpirationInDays": 365,
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        }
                    ]
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "LoggingConfiguration": {"DestinationBucketName": {"Ref": "Logs"}, "LogFilePrefix": "archive/"},
            },
        },
    },
    "Outputs": {"Bucket": {"Value": {"Ref": "Bucket"}}, "Logs": {"Value": {"Ref": "Logs"}}},
}

TLS_ONLY_POLICY: dict[str, Any] = {
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
        "Policy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "Bucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": {"AWS": "*"},
                            "Action": "s3:*",
                            "Resource": [
                                {"Fn::GetAtt": ["Bucket", "Arn"]},
                                {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]},
                            ],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
            },
        },
    },
    "Outputs": {"Bucket": {"Value": {"Ref": "Bucket"}}},
}

GLUE_AND_ATHENA: dict[str, Any] = {
    "Resources": {
        "Database": {
            "Type": "AWS::Glue::Database",
            "Properties": {"CatalogId": ACCOUNT, "DatabaseInput": {"Name": "probe_db"}},
        },
        "Table": {
            "Type": "AWS::Glue::Table",
            "Properties": {
                "CatalogId": ACCOUNT,
                "DatabaseName": {"Ref": "Database"},
                "TableInput": {
                    "Name": "probe_table",
                    "TableType": "EXTERNAL_TABLE",
                    "PartitionKeys": [{"Name": "year", "Type": "string"}],
                    "StorageDescriptor": {"Columns": [{"Name": "srcaddr", "Type": "string"}]},
                },
            },
        },
        "WorkGroup": {
            "Type": "AWS::Athena::WorkGroup",
            "Properties": {
                "Name": "probe-wg",
                "WorkGroupConfiguration": {"EnforceWorkGroupConfiguration": True},
            },
        },
        "Query": {
            "Type": "AWS::Athena::NamedQuery",
            "Properties": {
                "Name": "probe",
                "Database": {"Ref": "Database"},
                "QueryString": "SELECT 1",
                "WorkGroup": {"Ref": "WorkGroup"},
            },
        },
    },
    "Outputs": {
        "Database": {"Value": {"Ref": "Database"}},
        "WorkGroup": {"Value": {"Ref": "WorkGroup"}},
        "QueryId": {"Value": {"Ref": "Query"}},
    },
}


def test_plain_moto_creates_a_bucket_without_its_lock_lifecycle_or_logging(plain: Emulator) -> None:
    bucket = deploy(plain, "locked-bucket", LOCKED_BUCKET)["Bucket"]
    s3 = client(plain, "s3")
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    with pytest.raises(ClientError, match="ObjectLockConfigurationNotFoundError"):
        s3.get_object_lock_configuration(Bucket=bucket)
    with pytest.raises(ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


def test_patched_moto_applies_versioning_lock_lifecycle_access_block_and_logging(patched: Emulator) -> None:
    outputs = deploy(patched, "locked-bucket", LOCKED_BUCKET)
    s3, bucket = client(patched, "s3"), outputs["Bucket"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
    }
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Transitions"] == [{"Days": 90, "StorageClass": "GLACIER_IR"}]
    assert (rule["Expiration"], rule["NoncurrentVersionExpiration"]) == ({"Days": 365}, {"NoncurrentDays": 30})
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {
        "TargetBucket": outputs["Logs"],
        "TargetPrefix": "archive/",
    }


def test_plain_moto_has_no_bucket_policy_resource(plain: Emulator) -> None:
    bucket = deploy(plain, "tls-only", TLS_ONLY_POLICY)["Bucket"]
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):
        client(plain, "s3").get_bucket_policy(Bucket=bucket)


def test_moto_denies_everything_under_a_tls_only_policy_without_the_conditions_patch(plain: Emulator) -> None:
    # A plain server, given the policy by API, evaluates the Deny without its condition.
    s3 = client(plain, "s3")
    s3.create_bucket(Bucket="tls-only-probe")
    document = json.loads(json.dumps(TLS_ONLY_POLICY["Resources"]["Policy"]["Properties"]["PolicyDocument"]))
    document["Statement"][0]["Resource"] = ["arn:aws:s3:::tls-only-probe", "arn:aws:s3:::tls-only-probe/*"]
    s3.put_bucket_policy(Bucket="tls-only-probe", Policy=json.dumps(document))
    with pytest.raises(ClientError, match=r"AccessDenied|403"):
        s3.put_object(Bucket="tls-only-probe", Key="k", Body=b"x")


def test_patched_moto_stores_the_policy_and_still_serves_the_bucket(patched: Emulator) -> None:
    bucket = deploy(patched, "tls-only", TLS_ONLY_POLICY)["Bucket"]
    s3 = client(patched, "s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_plain_moto_skips_glue_and_athena(plain: Emulator) -> None:
    deploy(plain, "glue-athena", GLUE_AND_ATHENA)
    assert client(plain, "glue").get_databases()["DatabaseList"] == []
    assert [group["Name"] for group in client(plain, "athena").list_work_groups()["WorkGroups"]] == ["primary"]


def test_patched_moto_creates_the_database_table_workgroup_and_query(patched: Emulator) -> None:
    outputs = deploy(patched, "glue-athena", GLUE_AND_ATHENA)
    assert (outputs["Database"], outputs["WorkGroup"]) == ("probe_db", "probe-wg")
    table = client(patched, "glue").get_table(DatabaseName="probe_db", Name="probe_table")["Table"]
    assert table["PartitionKeys"] == [{"Name": "year", "Type": "string"}]
    athena = client(patched, "athena")
    assert athena.get_work_group(WorkGroup="probe-wg")["WorkGroup"]["Configuration"]["EnforceWorkGroupConfiguration"]
    query = athena.get_named_query(NamedQueryId=outputs["QueryId"])["NamedQuery"]
    assert (query["Name"], query["Database"], query["WorkGroup"]) == ("probe", "probe_db", "probe-wg")


def test_patched_moto_updates_a_glue_table_in_place(patched: Emulator) -> None:
    template = json.loads(json.dumps(GLUE_AND_ATHENA))
    template["Resources"]["Table"]["Properties"]["DatabaseName"] = "update_db"
    template["Resources"]["Database"]["Properties"]["DatabaseInput"]["Name"] = "update_db"
    template["Resources"]["WorkGroup"]["Properties"]["Name"] = "update-wg"
    deploy(patched, "glue-update", template)
    columns = template["Resources"]["Table"]["Properties"]["TableInput"]["StorageDescriptor"]["Columns"]
    columns.append({"Name": "dstaddr", "Type": "string"})
    deploy(patched, "glue-update", template, update=True)
    table = client(patched, "glue").get_table(DatabaseName="update_db", Name="probe_table")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["srcaddr", "dstaddr"]


def tagged_locked_bucket(transition_days: int) -> dict[str, Any]:
    template: dict[str, Any] = json.loads(json.dumps(LOCKED_BUCKET))
    properties = template["Resources"]["Bucket"]["Properties"]
    properties["Tags"] = [{"Key": "Project", "Value": "PaymentGateway"}]
    properties["LifecycleConfiguration"]["Rules"][0]["Transitions"][0]["TransitionInDays"] = transition_days
    return template


def test_plain_moto_fails_to_update_a_tagged_bucket_cloudformation_named(plain: Emulator) -> None:
    deploy(plain, "tagged-bucket", tagged_locked_bucket(90))
    with pytest.raises((ClientError, ResponseParserError)):  # KeyError 'BucketName' inside moto
        deploy(plain, "tagged-bucket", tagged_locked_bucket(60), update=True)


def test_patched_moto_updates_the_bucket_in_place(patched: Emulator) -> None:
    bucket = deploy(patched, "tagged-bucket", tagged_locked_bucket(90))["Bucket"]
    assert deploy(patched, "tagged-bucket", tagged_locked_bucket(60), update=True)["Bucket"] == bucket
    s3 = client(patched, "s3")
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Transitions"] == [{"Days": 60, "StorageClass": "GLACIER_IR"}]
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "Project", "Value": "PaymentGateway"}]


def network_acl(port: int) -> dict[str, Any]:
    """A VPC, a subnet, an ACL with one inbound entry on ``port``, and the subnet's association."""
    template: dict[str, Any] = json.loads(json.dumps(tagged_subnet("acl")))
    template["Resources"] |= {
        "Acl": {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Entry": {
            "Type": "AWS::EC2::NetworkAclEntry",
            "Properties": {
                "NetworkAclId": {"Ref": "Acl"},
                "RuleNumber": 100,
                "Protocol": 6,
                "RuleAction": "allow",
                "Egress": False,
                "CidrBlock": "10.9.0.0/16",
                "PortRange": {"From": port, "To": port},
            },
        },
        "Association": {
            "Type": "AWS::EC2::SubnetNetworkAclAssociation",
            "Properties": {"NetworkAclId": {"Ref": "Acl"}, "SubnetId": {"Ref": "Subnet"}},
        },
    }
    template["Outputs"]["AclId"] = {"Value": {"Ref": "Acl"}}
    return template


def acl_of_subnet(server: Emulator, subnet_id: str) -> dict[str, Any]:
    (acl,) = client(server, "ec2").describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
    )["NetworkAcls"]
    return dict(acl)


def test_plain_moto_leaves_the_subnet_on_the_default_network_acl(plain: Emulator) -> None:
    outputs = deploy(plain, "acl", network_acl(5432))
    assert acl_of_subnet(plain, outputs["SubnetId"])["IsDefault"] is True


def test_patched_moto_creates_the_acl_its_entry_and_association_and_updates_the_entry(patched: Emulator) -> None:
    outputs = deploy(patched, "acl", network_acl(5432))
    acl = acl_of_subnet(patched, outputs["SubnetId"])
    assert (acl["NetworkAclId"], acl["IsDefault"]) == (outputs["AclId"], False)
    inbound = [entry for entry in acl["Entries"] if not entry["Egress"] and entry["RuleNumber"] == 100]
    assert [(entry["CidrBlock"], entry["PortRange"]) for entry in inbound] == [
        ("10.9.0.0/16", {"From": 5432, "To": 5432})
    ]
    outputs = deploy(patched, "acl", network_acl(6379), update=True)
    inbound = [
        e for e in acl_of_subnet(patched, outputs["SubnetId"])["Entries"] if not e["Egress"] and e["RuleNumber"] == 100
    ]
    assert [entry["PortRange"] for entry in inbound] == [{"From": 6379, "To": 6379}]


DEFAULT_ACL_ID = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.7.0.0/16"}},
        "AclId": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Type": "String",
                "Name": "/probe/default-acl",
                "Value": {"Fn::GetAtt": ["Vpc", "DefaultNetworkAcl"]},
            },
        },
    },
    "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}},
}


def default_acl(server: Emulator, vpc_id: str) -> dict[str, Any]:
    (acl,) = client(server, "ec2").describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"]
    return dict(acl)


def test_plain_moto_cannot_resolve_a_vpcs_default_network_acl(plain: Emulator) -> None:
    with pytest.raises((ClientError, ResponseParserError)):
        deploy(plain, "default-acl-id", DEFAULT_ACL_ID)


def test_patched_moto_resolves_the_default_network_acl(patched: Emulator) -> None:
    vpc_id = deploy(patched, "default-acl-id", DEFAULT_ACL_ID)["VpcId"]
    parameter = client(patched, "ssm").get_parameter(Name="/probe/default-acl")["Parameter"]["Value"]
    assert parameter == default_acl(patched, vpc_id)["NetworkAclId"]


def acl_lockdown(acl_id: object) -> dict[str, Any]:
    return {
        "Type": "Custom::VpcRestrictDefaultNetworkAcl",
        "Properties": {
            "ServiceToken": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:acl-lockdown",
            "DefaultNetworkAclId": acl_id,
        },
    }


def test_plain_moto_cannot_complete_the_default_acl_lockdown(plain: Emulator) -> None:
    ec2 = client(plain, "ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    template = {"Resources": {"Lockdown": acl_lockdown(default_acl(plain, vpc_id)["NetworkAclId"])}}
    try:
        deploy(plain, "acl-lockdown", template)
    except (ClientError, ResponseParserError):
        return
    assert stack_status(plain, "acl-lockdown") != "CREATE_COMPLETE"


def test_patched_moto_empties_the_default_acl_but_its_final_deny_entries(patched: Emulator) -> None:
    template = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.6.0.0/16"}},
            "Lockdown": acl_lockdown({"Fn::GetAtt": ["Vpc", "DefaultNetworkAcl"]}),
        },
        "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}},
    }
    vpc_id = deploy(patched, "acl-lockdown", template)["VpcId"]
    assert stack_status(patched, "acl-lockdown") == "CREATE_COMPLETE"
    entries = default_acl(patched, vpc_id)["Entries"]
    assert sorted((entry["RuleNumber"], entry["Egress"], entry["RuleAction"]) for entry in entries) == [
        (32767, False, "deny"),
        (32767, True, "deny"),
    ]


KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Root",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ],
}
KEY_WITH_POLICY = {
    "Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": KEY_POLICY, "EnableKeyRotation": True}}},
    "Outputs": {"KeyId": {"Value": {"Ref": "Key"}}},
}


def test_plain_moto_cannot_describe_a_key_cloudformation_created(plain: Emulator) -> None:
    key_id = deploy(plain, "key-policy", KEY_WITH_POLICY)["KeyId"]
    with pytest.raises(ClientError, match=r"500|InternalFailure|InternalError"):
        client(plain, "kms").describe_key(KeyId=key_id)


def test_patched_moto_describes_the_key_and_returns_its_policy_as_json(patched: Emulator) -> None:
    key_id = deploy(patched, "key-policy", KEY_WITH_POLICY)["KeyId"]
    kms = client(patched, "kms")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id
    assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == KEY_POLICY
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True


ENDPOINT_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
}
ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}],
}
POLICY_DOCUMENTS = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.5.0.0/16"}},
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "S3": {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "ServiceName": "com.amazonaws.us-east-1.s3",
                "VpcEndpointType": "Gateway",
                "RouteTableIds": [{"Ref": "Table"}],
                "PolicyDocument": ENDPOINT_POLICY,
            },
        },
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "policy-probe",
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                },
                "Policies": [{"PolicyName": "Inline", "PolicyDocument": ROLE_POLICY}],
            },
        },
    },
    "Outputs": {"EndpointId": {"Value": {"Ref": "S3"}}},
}


def policies_read_back(server: Emulator) -> tuple[str, Any]:
    """(the endpoint's PolicyDocument as DescribeVpcEndpoints returns it, the role's inline policy as GetRolePolicy does)."""
    endpoint_id = deploy(server, "policy-documents", POLICY_DOCUMENTS)["EndpointId"]
    (endpoint,) = client(server, "ec2").describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    inline = client(server, "iam").get_role_policy(RoleName="policy-probe", PolicyName="Inline")["PolicyDocument"]
    return endpoint["PolicyDocument"], inline


def test_plain_moto_returns_endpoint_and_inline_role_policies_as_a_python_repr(plain: Emulator) -> None:
    endpoint, inline = policies_read_back(plain)
    assert endpoint == str(ENDPOINT_POLICY)
    with pytest.raises(json.JSONDecodeError):
        json.loads(endpoint)
    # boto3 decodes an IAM policy document it can parse; a repr stays an unreadable string.
    assert inline != ROLE_POLICY


def test_patched_moto_returns_them_as_json(patched: Emulator) -> None:
    endpoint, inline = policies_read_back(patched)
    assert json.loads(endpoint) == ENDPOINT_POLICY
    assert inline == ROLE_POLICY


#: Each patch and the tests that prove it still needed: plain moto fails (``plain``), the patched server works.
#: A firewall with one subnet, its (stand-in) policy, and a route to its endpoint, as TapVpcStack writes them.
FIREWALL_ROUTE: dict[str, Any] = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.9.31.0/28", "AvailabilityZone": "us-east-1a"},
        },
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Policy": {
            "Type": "AWS::NetworkFirewall::FirewallPolicy",
            "Properties": {
                "FirewallPolicyName": "probe",
                "FirewallPolicy": {
                    "StatelessDefaultActions": ["aws:forward_to_sfe"],
                    "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
                },
            },
        },
        "Firewall": {
            "Type": "AWS::NetworkFirewall::Firewall",
            "Properties": {
                "FirewallName": "probe",
                "FirewallPolicyArn": {"Fn::GetAtt": ["Policy", "FirewallPolicyArn"]},
                "VpcId": {"Ref": "Vpc"},
                "SubnetMappings": [{"SubnetId": {"Ref": "Subnet"}}],
            },
        },
        "Route": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "Table"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "VpcEndpointId": {
                    "Fn::Select": [
                        1,
                        {"Fn::Split": [":", {"Fn::Select": [0, {"Fn::GetAtt": ["Firewall", "EndpointIds"]}]}]},
                    ]
                },
            },
        },
    },
    "Outputs": {"TableId": {"Value": {"Ref": "Table"}}, "SubnetId": {"Value": {"Ref": "Subnet"}}},
}


def test_plain_moto_cannot_resolve_a_route_to_a_firewall_endpoint(plain: Emulator) -> None:
    with pytest.raises(ClientError, match="references undefined resource Firewall"):
        deploy(plain, "firewall-route", FIREWALL_ROUTE)


def test_patched_moto_routes_to_the_firewall_endpoint_in_its_subnet(patched: Emulator) -> None:
    outputs = deploy(patched, "firewall-route", FIREWALL_ROUTE)
    ec2 = client(patched, "ec2")
    [table] = ec2.describe_route_tables(RouteTableIds=[outputs["TableId"]])["RouteTables"]
    [default] = [route for route in table["Routes"] if route.get("DestinationCidrBlock") == "0.0.0.0/0"]
    [endpoint] = ec2.describe_vpc_endpoints(VpcEndpointIds=[default["GatewayId"]])["VpcEndpoints"]
    assert endpoint["VpcEndpointType"] == "GatewayLoadBalancer"
    assert endpoint["SubnetIds"] == [outputs["SubnetId"]]
    [firewall] = client(patched, "network-firewall").list_firewalls()["Firewalls"]
    assert firewall["FirewallName"] == "probe"


def without_firewall(template: dict[str, Any]) -> dict[str, Any]:
    """The route template with a plain VPC endpoint of type GatewayLoadBalancer in place of the firewall."""
    copied: dict[str, Any] = json.loads(json.dumps(template))
    resources = copied["Resources"]
    del resources["Policy"], resources["Firewall"]
    resources["Endpoint"] = {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
            "VpcEndpointType": "GatewayLoadBalancer",
            "SubnetIds": [{"Ref": "Subnet"}],
        },
    }
    resources["Route"]["Properties"]["VpcEndpointId"] = {"Ref": "Endpoint"}
    return copied


def test_plain_moto_drops_a_routes_vpc_endpoint_target(plain: Emulator) -> None:
    outputs = deploy(plain, "endpoint-route", without_firewall(FIREWALL_ROUTE))
    [table] = client(plain, "ec2").describe_route_tables(RouteTableIds=[outputs["TableId"]])["RouteTables"]
    [default] = [route for route in table["Routes"] if route.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert default.get("GatewayId") is None


def test_patched_moto_keeps_a_routes_vpc_endpoint_target(patched: Emulator) -> None:
    outputs = deploy(patched, "endpoint-route", without_firewall(FIREWALL_ROUTE))
    [table] = client(patched, "ec2").describe_route_tables(RouteTableIds=[outputs["TableId"]])["RouteTables"]
    [default] = [route for route in table["Routes"] if route.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert default["GatewayId"].startswith("vpce-")


PROOFS: dict[str, list[Callable[..., None]]] = {
    "account-from-access-key": [
        test_plain_moto_puts_every_access_key_in_its_default_account,
        test_patched_moto_acts_in_the_account_the_key_names,
    ],
    "subnet-availability-zone-id": [
        test_plain_moto_cannot_resolve_a_subnets_availability_zone,
        test_patched_moto_places_a_subnet_by_az_id,
    ],
    "log-group-update": [
        test_plain_moto_loses_a_log_group_whose_retention_changed,
        test_patched_moto_updates_the_retention_in_place,
    ],
    "keep-resources-without-update": [
        test_plain_moto_drops_a_resource_it_cannot_update,
        test_patched_moto_keeps_a_resource_it_cannot_update,
    ],
    "kms-key-tags": [test_plain_moto_fails_on_kms_key_tags, test_patched_moto_tags_the_key],
    "restrict-default-security-group": [
        test_plain_moto_cannot_complete_the_default_group_lockdown,
        test_patched_moto_locks_the_default_group_down,
    ],
    "s3-bucket-properties": [
        test_plain_moto_creates_a_bucket_without_its_lock_lifecycle_or_logging,
        test_patched_moto_applies_versioning_lock_lifecycle_access_block_and_logging,
        test_plain_moto_fails_to_update_a_tagged_bucket_cloudformation_named,
        test_patched_moto_updates_the_bucket_in_place,
    ],
    "bucket-policy-conditions": [
        test_moto_denies_everything_under_a_tls_only_policy_without_the_conditions_patch,
        test_patched_moto_stores_the_policy_and_still_serves_the_bucket,
    ],
    "archive-models": [
        test_plain_moto_has_no_bucket_policy_resource,
        test_plain_moto_skips_glue_and_athena,
        test_patched_moto_creates_the_database_table_workgroup_and_query,
        test_patched_moto_updates_a_glue_table_in_place,
    ],
    "network-acl-models": [
        test_plain_moto_leaves_the_subnet_on_the_default_network_acl,
        test_patched_moto_creates_the_acl_its_entry_and_association_and_updates_the_entry,
    ],
    "route-vpc-endpoint": [
        test_plain_moto_drops_a_routes_vpc_endpoint_target,
        test_patched_moto_keeps_a_routes_vpc_endpoint_target,
    ],
    "egress-models": [
        test_plain_moto_cannot_resolve_a_route_to_a_firewall_endpoint,
        test_patched_moto_routes_to_the_firewall_endpoint_in_its_subnet,
    ],
    "vpc-default-network-acl": [
        test_plain_moto_cannot_resolve_a_vpcs_default_network_acl,
        test_patched_moto_resolves_the_default_network_acl,
    ],
    "restrict-default-network-acl": [
        test_plain_moto_cannot_complete_the_default_acl_lockdown,
        test_patched_moto_empties_the_default_acl_but_its_final_deny_entries,
    ],
    "kms-key-policy-json": [
        test_plain_moto_cannot_describe_a_key_cloudformation_created,
        test_patched_moto_describes_the_key_and_returns_its_policy_as_json,
    ],
    "policy-documents-json": [
        test_plain_moto_returns_endpoint_and_inline_role_policies_as_a_python_repr,
        test_patched_moto_returns_them_as_json,
    ],
}


def servers_of(test: Callable[..., None]) -> set[str]:
    """Which emulators a test runs on: ``plain``, ``patched`` or both."""
    return set(inspect.signature(test).parameters) & {"plain", "patched"}


def test_every_patch_is_proven_needed_on_plain_moto_and_working_when_applied() -> None:
    # A new patch needs its proof here; a patch moto no longer needs is dropped with its proof.
    assert sorted(PATCHES) == sorted(PROOFS)
    for name, tests in PROOFS.items():
        assert {"plain", "patched"} <= set().union(*map(servers_of, tests)), name
        assert len(PATCHES[name][1].split()) >= 4, f"{name}: say what plain moto gets wrong"
    # Every test that shows plain moto failing stands for a patch.
    proofs = {test.__name__ for tests in PROOFS.values() for test in tests}
    plain_failures = {
        name for name, test in globals().items() if name.startswith("test_") and "plain" in servers_of(test)
    }
    assert plain_failures <= proofs, plain_failures - proofs
