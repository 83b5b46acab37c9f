"""Where each permission of the execution policy applies: a statement per IAM resource type, on TAP VPC's names.

An action lands in the statement of each IAM resource type it is authorized against
(``resource_schemas.iam_resource_types``) that has a scope here; an action that takes no
resource lands in ``TakesNoResource`` (IAM requires "*" for it). ``ACTION_SIDS`` overrides that
placement for the actions that need a condition. An action none of whose resource types has a
scope cannot be placed, and building the policy fails naming it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ci_roles.bootstrap import PARTITION, bootstrap_assets_arn, bootstrap_version_parameter_arn
from ci_roles.product_names import ProductNames
from tap_vpc.compliance.permissions_boundary import PERMISSIONS_BOUNDARY_POLICY_NAME
from tap_vpc.flow_logs.kms_keys import KEY_OWNER_TAG

#: Stands for every resource type of a service (EC2 IDs do not exist before the deploy).
ANY_TYPE = "*"
#: The statement of actions that take no resource.
TAKES_NO_RESOURCE = "TakesNoResource"


@dataclass(frozen=True)
class Scope:
    """One statement of the execution policy: ``sid``, its ``resources`` and its ``conditions`` (default none)."""

    sid: str
    resources: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def boundary_arn(account: str) -> str:
    """The ARN of ``TapVpcPermissionsBoundary`` in ``account``."""
    return f"arn:{PARTITION}:iam::{account}:policy/{PERMISSIONS_BOUNDARY_POLICY_NAME}"


#: Actions placed by name instead of by resource type, each in the statements listed.
ACTION_SIDS: dict[str, tuple[str, ...]] = {
    # A key is created, and tagged while it is created, only with the owner tag of a TapVpcStack.
    "kms:CreateKey": ("CreateTapVpcKeys",),
    "kms:TagResource": ("TapVpcKeys", "CreateTapVpcKeys"),
    # Roles are created and changed only with the boundary on (and keep it: the role must carry it).
    "iam:CreateRole": ("BoundedTapVpcRoles",),
    "iam:PutRolePermissionsBoundary": ("BoundedTapVpcRoles",),
    "iam:PutRolePolicy": ("BoundedTapVpcRoles",),
    "iam:DeleteRolePolicy": ("BoundedTapVpcRoles",),
    "iam:AttachRolePolicy": ("AttachToBoundedTapVpcRoles",),
    "iam:DetachRolePolicy": ("AttachToBoundedTapVpcRoles",),
    "iam:PassRole": ("PassTapVpcRoles",),
    "iam:CreateServiceLinkedRole": ("ServiceLinkedRoles",),
    # The Lambda code comes from the bootstrap assets bucket; other object access stays on TAP VPC's buckets.
    "s3:GetObject": ("TapVpcBucketObjects", "AssetsFromTheBootstrapBucket"),
    "s3:GetObjectVersion": ("AssetsFromTheBootstrapBucket",),
    # The hosted zone belongs to AWS and has no ARN known before the deploy.
    "route53:AssociateVPCWithHostedZone": ("InterfaceEndpointPrivateDns",),
}

#: The services passed roles may go to: VPC Flow Logs (delivery role) and Lambda (lock-down handler).
PASSED_TO_SERVICES = ("vpc-flow-logs.amazonaws.com", "lambda.amazonaws.com")
#: The services whose service-linked roles the handlers may create (Network Firewall, Route 53 Resolver).
SERVICE_LINKED_ROLE_SERVICES = ("network-firewall.amazonaws.com", "route53resolver.amazonaws.com")
#: AWS managed policies a TAP VPC role may have attached (the lock-down handler's basic execution role).
ATTACHABLE_AWS_POLICIES = ("service-role/AWSLambdaBasicExecutionRole",)


def scopes(names: ProductNames, account: str, regions: Sequence[str]) -> dict[tuple[str, str], Scope]:
    """(service prefix, IAM resource type) -> the statement it is granted in, for ``account`` in ``regions``.

    Also holds the statements that ``ACTION_SIDS`` names, under (``"sid"``, their Sid).
    """
    arn = f"arn:{PARTITION}"
    wheres = [f"{region}:{account}" for region in regions]
    role_arns = (f"{arn}:iam::{account}:role/{names.roles}", f"{arn}:iam::{account}:role/{names.stacks}")
    owned_keys = {"StringLike": {f"aws:ResourceTag/{KEY_OWNER_TAG}": names.stacks}}
    bounded = {"ArnEquals": {"iam:PermissionsBoundary": boundary_arn(account)}}
    every_region = (f"{arn}:{{service}}:{where}:*" for where in wheres)
    regional = tuple(every_region)

    def per_region(*formats: str) -> tuple[str, ...]:
        return tuple(f"{arn}:{resource.format(where=where)}" for where in wheres for resource in formats)

    glue = Scope(
        "TapVpcGlue",
        per_region(
            "glue:{where}:catalog",
            f"glue:{{where}}:database/{names.glue_databases}",
            f"glue:{{where}}:table/{names.glue_databases}/*",
            f"glue:{{where}}:userDefinedFunction/{names.glue_databases}/*",
            # Only read (the Database read handler); TAP VPC names no connection, so this matches none.
            f"glue:{{where}}:connection/{names.glue_databases}",
        ),
    )
    by_type = {
        # EC2 creates VPC resources with IDs unknown before the deploy, so they cannot be listed.
        ("ec2", ANY_TYPE): Scope("Network", ("*",)),
        ("ec2", ""): Scope("Network", ("*",)),
        ("logs", "log-group"): Scope(
            "TapVpcLogGroups",
            # IAM authorizes a log group as its ARN and as that ARN with ":*".
            per_region(
                f"logs:{{where}}:log-group:{names.log_groups}", f"logs:{{where}}:log-group:{names.log_groups}:*"
            ),
        ),
        ("kms", "key"): Scope("TapVpcKeys", per_region("kms:{where}:key/*"), owned_keys),
        ("kms", "alias"): Scope("TapVpcKeyAliases", per_region(f"kms:{{where}}:{names.key_aliases}")),
        ("iam", "role"): Scope("TapVpcRoles", role_arns),
        ("iam", "policy"): Scope("TapVpcManagedPolicies", (f"{arn}:iam::{account}:policy/{names.stacks}",)),
        ("lambda", "function"): Scope("TapVpcFunctions", per_region(f"lambda:{{where}}:function:{names.stacks}")),
        ("s3", "bucket"): Scope("TapVpcBuckets", (f"{arn}:s3:::{names.buckets}",)),
        ("s3", "object"): Scope("TapVpcBucketObjects", (f"{arn}:s3:::{names.buckets}/*",)),
        # Glue authorizes a database call against the catalog, the database and what it holds, in one
        # statement (an action needing several resource types must find all of them in one statement).
        **{
            ("glue", kind): glue
            for kind in ("rootcatalog", "catalog", "database", "table", "userdefinedfunction", "connection")
        },
        # Network Firewall logging may name a Firehose stream; TAP VPC names none, so this matches none.
        ("firehose", "deliverystream"): Scope(
            "TapVpcDeliveryStreams", per_region(f"firehose:{{where}}:deliverystream/{names.stacks}")
        ),
        ("athena", "workgroup"): Scope(
            "TapVpcWorkGroups", per_region(f"athena:{{where}}:workgroup/{names.workgroups}")
        ),
        ("ssm", "parameter"): Scope(
            "BootstrapVersion", tuple(bootstrap_version_parameter_arn(region, account) for region in regions)
        ),
        # The firewalls, policies and rule groups the stacks name (TapVpcStack-<env>-egress...), in
        # every Network Firewall path (firewall/, firewall-policy/, stateful-rulegroup/).
        ("network-firewall", ANY_TYPE): Scope(
            "NetworkFirewall", per_region(f"network-firewall:{{where}}:*/{names.stacks}")
        ),
        # Route 53 Resolver names its resources by generated IDs (rslvr-...): the account's, in its regions.
        ("route53resolver", ANY_TYPE): Scope(
            "Route53ResolverFirewallAndQueryLogs",
            tuple(resource.format(service="route53resolver") for resource in regional),
        ),
        ("*", ""): Scope(TAKES_NO_RESOURCE, ("*",)),
    }
    by_sid = {
        "CreateTapVpcKeys": Scope(
            "CreateTapVpcKeys",
            # CreateKey takes no resource; TagResource while creating needs a grant not limited to keys
            # (AWS KMS Developer Guide, "Controlling access to tags"). aws:RequestTag is supported on
            # both (Service Authorization Reference, AWS KMS: CreateKey and TagResource).
            ("*",),
            {"StringLike": {f"aws:RequestTag/{KEY_OWNER_TAG}": names.stacks}},
        ),
        "BoundedTapVpcRoles": Scope("BoundedTapVpcRoles", role_arns, bounded),
        "AttachToBoundedTapVpcRoles": Scope(
            "AttachToBoundedTapVpcRoles",
            role_arns,
            {
                **bounded,
                "ArnLike": {
                    "iam:PolicyARN": [
                        f"{arn}:iam::{account}:policy/{names.stacks}",
                        *(f"{arn}:iam::aws:policy/{policy}" for policy in ATTACHABLE_AWS_POLICIES),
                    ]
                },
            },
        ),
        "PassTapVpcRoles": Scope(
            "PassTapVpcRoles", role_arns, {"StringEquals": {"iam:PassedToService": list(PASSED_TO_SERVICES)}}
        ),
        "ServiceLinkedRoles": Scope(
            "ServiceLinkedRoles",
            (f"{arn}:iam::{account}:role/aws-service-role/*",),
            {"StringEquals": {"iam:AWSServiceName": list(SERVICE_LINKED_ROLE_SERVICES)}},
        ),
        "AssetsFromTheBootstrapBucket": Scope(
            "AssetsFromTheBootstrapBucket", tuple(bootstrap_assets_arn(region, account) for region in regions)
        ),
        "InterfaceEndpointPrivateDns": Scope("InterfaceEndpointPrivateDns", ("*",)),
    }
    return {**by_type, **{("sid", sid): scope for sid, scope in by_sid.items()}}
