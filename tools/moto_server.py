"""The project's moto server: moto 5.2.5 with the small patches TAP VPC's templates need.

Started by ``tools.emulator`` as ``python -m tools.moto_server -H localhost -p PORT``. Each patch
keeps the AWS template whole and teaches the emulator what CloudFormation does; ``PATCHES`` names
each with its reason, and ``tests/test_moto_server.py`` proves each one is still needed (so the
suite says when a moto release makes one unnecessary).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import moto
from moto.cloudformation import parsing
from moto.ec2.models.subnets import Subnet
from moto.iam import models as iam_models
from moto.kms.models import Key
from moto.logs.models import LogGroup, logs_backends

from tools.emulator_accounts import account_of
from tools.moto_archive import patch_archive_models, patch_bucket_policy_conditions, patch_s3_bucket_properties
from tools.moto_egress import patch_egress_models, patch_route_vpc_endpoint
from tools.moto_models import Properties, emulate_custom_resource, rewrite_properties
from tools.moto_network_acls import (
    patch_network_acl_models,
    patch_restrict_default_network_acl,
    patch_vpc_default_network_acl,
)
from tools.moto_policies import patch_kms_key_policy, patch_policy_documents

MOTO_VERSION = "5.2.5"


#: Access keys of this form act in the account they name: ``EMULATOR`` + 12 digits (20 characters,
#: the length moto's signature parser accepts). One server can so host every declared account.
def patch_account_from_access_key() -> None:
    """Moto maps unknown access keys to 123456789012; ours name their account instead."""
    original = iam_models.get_account_id_from

    def account_from(access_key: str) -> str:
        return account_of(access_key) or original(access_key)

    iam_models.get_account_id_from = account_from


def patch_subnet_availability_zone_id() -> None:
    """AWS::EC2::Subnet: honour ``AvailabilityZoneId`` and answer ``Fn::GetAtt AvailabilityZone``.

    moto 5.2.5 reads only ``AvailabilityZone`` (an AZ ID is silently ignored) and raises
    NotImplementedError for ``GetAtt AvailabilityZone``, both of which CloudFormation supports.
    """
    original_create = Subnet.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(
        cls: type[Subnet],
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Subnet:
        properties = cloudformation_json["Properties"]
        zone_id = properties.get("AvailabilityZoneId")
        if zone_id and "AvailabilityZone" not in properties:
            from moto.ec2.models import ec2_backends

            zones = ec2_backends[account_id][region_name].describe_availability_zones()
            names = [zone.name for zone in zones if zone.zone_id == zone_id]
            if not names:
                raise ValueError(f"AvailabilityZoneId {zone_id} is not a zone of {region_name}")
            properties = {**properties, "AvailabilityZone": names[0]}
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        return original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)  # type: ignore[no-any-return]

    def get_cfn_attribute(self: Subnet, attribute_name: str) -> str:
        if attribute_name == "AvailabilityZone":
            return self.availability_zone
        if attribute_name == "AvailabilityZoneId":
            return self.availability_zone_id
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    Subnet.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment,arg-type]
    Subnet.get_cfn_attribute = get_cfn_attribute  # type: ignore[method-assign,assignment]
    Subnet.has_cfn_attr = classmethod(lambda cls, attr: attr in ("AvailabilityZone", "AvailabilityZoneId"))  # type: ignore[method-assign,assignment]


def patch_log_group_update() -> None:
    """AWS::Logs::LogGroup: a stack update applies ``RetentionInDays`` to the same group.

    moto 5.2.5 has no update for log groups, so ``parse_and_update_resource`` returns None and the
    stack loses the group: the next DescribeStacks fails with "Fn::GetAtt references undefined
    resource". CloudFormation updates RetentionInDays (and KmsKeyId) in place.
    """

    def update(
        cls: type[LogGroup],
        original_resource: LogGroup,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> LogGroup:
        properties = cloudformation_json["Properties"]
        backend = logs_backends[account_id][region_name]
        if "RetentionInDays" in properties:
            # moto annotates the value as str but stores and returns it as given; AWS returns a number.
            backend.put_retention_policy(original_resource.name, int(properties["RetentionInDays"]))  # type: ignore[arg-type]
        else:
            backend.delete_retention_policy(original_resource.name)
        return original_resource

    LogGroup.update_from_cloudformation_json = classmethod(update)  # type: ignore[method-assign,assignment]


def patch_keep_resources_without_update() -> None:
    """A resource whose moto model cannot update keeps its old state instead of leaving the stack.

    moto 5.2.5's ``parse_and_update_resource`` returns None for such types, and the stack's resource
    map then holds None: every later reference to it fails. CloudFormation would update it.
    """
    original = parsing.parse_and_update_resource

    def update(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        updated = original(logical_id, resource_json, resources_map, account_id, region_name)
        return updated if updated is not None else resources_map[logical_id]

    parsing.parse_and_update_resource = update


def patch_kms_key_tags() -> None:
    """AWS::KMS::Key: read ``Tags`` as CloudFormation writes them (``Key``/``Value``).

    moto 5.2.5 hands them to its tagger, which expects ``TagKey``/``TagValue``, and the stack fails.
    """

    def tags_for_moto(properties: Properties) -> Properties:
        tags = [{"TagKey": tag["Key"], "TagValue": tag["Value"]} for tag in properties.get("Tags", [])]
        return {**properties, "Tags": tags}

    rewrite_properties(Key, tags_for_moto)


def patch_restrict_default_security_group() -> None:
    """Custom::VpcRestrictDefaultSG: do what aws-cdk-lib's handler does, without running its Lambda.

    moto 5.2.5 runs a custom resource's Lambda only with Docker, and the stack otherwise waits for
    ever. The handler revokes every rule of the VPC's default security group; so does this.
    """

    def revoke_all(properties: Properties, account_id: str, region_name: str) -> None:
        from moto.ec2.models import ec2_backends

        group_id = properties["DefaultSecurityGroupId"]
        group = ec2_backends[account_id][region_name].get_security_group_from_id(group_id)
        if group is None:
            raise ValueError(f"default security group {group_id} not found")
        group.ingress_rules.clear()
        group.egress_rules.clear()

    emulate_custom_resource("Custom::VpcRestrictDefaultSG", revoke_all)


#: Every patch, with the reason it exists (moto ``MOTO_VERSION``).
PATCHES: dict[str, tuple[Callable[[], None], str]] = {
    "account-from-access-key": (patch_account_from_access_key, "one server hosts every declared account"),
    "subnet-availability-zone-id": (
        patch_subnet_availability_zone_id,
        "AvailabilityZoneId ignored, GetAtt AvailabilityZone not implemented",
    ),
    "log-group-update": (patch_log_group_update, "a stack update loses a log group whose retention changed"),
    "keep-resources-without-update": (
        patch_keep_resources_without_update,
        "a stack update drops resources moto cannot update",
    ),
    "kms-key-tags": (patch_kms_key_tags, "AWS::KMS::Key tags from CloudFormation crash moto's tagger"),
    "restrict-default-security-group": (
        patch_restrict_default_security_group,
        "Custom::VpcRestrictDefaultSG needs its Lambda run, which moto cannot without Docker",
    ),
    "s3-bucket-properties": (
        patch_s3_bucket_properties,
        "AWS::S3::Bucket gets only encryption and tags: no versioning, Object Lock, lifecycle, logging",
    ),
    "bucket-policy-conditions": (
        patch_bucket_policy_conditions,
        "bucket policies are evaluated without their conditions: a TLS-only Deny denies everything",
    ),
    "archive-models": (
        patch_archive_models,
        "no AWS::S3::BucketPolicy, AWS::Glue::Database/Table or AWS::Athena::WorkGroup/NamedQuery",
    ),
    "network-acl-models": (
        patch_network_acl_models,
        "no AWS::EC2::NetworkAcl, NetworkAclEntry or SubnetNetworkAclAssociation: the tier ACLs would not exist",
    ),
    "route-vpc-endpoint": (
        patch_route_vpc_endpoint,
        "AWS::EC2::Route drops VpcEndpointId: a route to a firewall endpoint would have no target",
    ),
    "egress-models": (
        patch_egress_models,
        "no AWS::NetworkFirewall::* or AWS::Route53Resolver::*: the routes to the firewall endpoints cannot resolve",
    ),
    "vpc-default-network-acl": (
        patch_vpc_default_network_acl,
        "Fn::GetAtt <VPC>.DefaultNetworkAcl is not implemented and fails the stack",
    ),
    "restrict-default-network-acl": (
        patch_restrict_default_network_acl,
        "Custom::VpcRestrictDefaultNetworkAcl needs its Lambda run, which moto cannot without Docker",
    ),
    "kms-key-policy-json": (
        patch_kms_key_policy,
        "a CloudFormation key keeps its KeyPolicy as a dict, and DescribeKey answers 500",
    ),
    "policy-documents-json": (
        patch_policy_documents,
        "endpoint and inline role policies from CloudFormation come back as a Python repr, not JSON",
    ),
}


def apply_patches() -> None:
    """Apply every patch in ``PATCHES``; refuse a moto other than the one they were written for."""
    if moto.__version__ != MOTO_VERSION:
        raise SystemExit(
            f"tools/moto_server.py patches moto {MOTO_VERSION}, but {moto.__version__} is installed: "
            "check each patch against the new release, then update MOTO_VERSION."
        )
    for patch, _reason in PATCHES.values():
        patch()


def main(argv: list[str] | None = None) -> None:
    """Run moto's server with the patches; arguments are moto_server's (``-H HOST -p PORT``)."""
    apply_patches()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
