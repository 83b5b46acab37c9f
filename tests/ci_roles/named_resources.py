"""Every name a TapVpcStack template gives (or lets CloudFormation give) its resources, with the ARNs IAM checks.

The spec, stated here once: for each resource type, the execution policy statement that must let
CloudFormation manage it, where its name is, and the ARNs that IAM authorizes the statement's
actions against (Service Authorization Reference). A resource without a name gets the one
CloudFormation generates, ``<stack name>-<logical id>-<random>`` cut to the service's limit
(lowercased for S3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: resource type -> (statement Sid, name property, longest name, ARN formats of ``{name}``).
NAMED_TYPES: dict[str, tuple[str, str, int, tuple[str, ...]]] = {
    "AWS::Logs::LogGroup": (
        "TapVpcLogGroups",
        "LogGroupName",
        512,
        # CloudWatch Logs authorizes a log group both as its ARN and as that ARN with ":*".
        ("arn:aws:logs:{region}:{account}:log-group:{name}", "arn:aws:logs:{region}:{account}:log-group:{name}:*"),
    ),
    "AWS::KMS::Alias": ("TapVpcKeyAliases", "AliasName", 256, ("arn:aws:kms:{region}:{account}:{name}",)),
    "AWS::IAM::Role": ("TapVpcRoles", "RoleName", 64, ("arn:aws:iam::{account}:role/{name}",)),
    "AWS::IAM::ManagedPolicy": (
        "TapVpcManagedPolicies",
        "ManagedPolicyName",
        128,
        ("arn:aws:iam::{account}:policy/{name}",),
    ),
    "AWS::Lambda::Function": (
        "TapVpcFunctions",
        "FunctionName",
        64,
        ("arn:aws:lambda:{region}:{account}:function:{name}",),
    ),
    "AWS::S3::Bucket": ("TapVpcBuckets", "BucketName", 63, ("arn:aws:s3:::{name}",)),
    # Glue authorizes a database call against the catalog and the database.
    "AWS::Glue::Database": (
        "TapVpcGlue",
        "DatabaseInput.Name",
        255,
        ("arn:aws:glue:{region}:{account}:catalog", "arn:aws:glue:{region}:{account}:database/{name}"),
    ),
    "AWS::Athena::WorkGroup": (
        "TapVpcWorkGroups",
        "Name",
        128,
        ("arn:aws:athena:{region}:{account}:workgroup/{name}",),
    ),
    # Network Firewall authorizes each kind under its own path (Service Authorization Reference).
    "AWS::NetworkFirewall::Firewall": (
        "NetworkFirewall",
        "FirewallName",
        128,
        ("arn:aws:network-firewall:{region}:{account}:firewall/{name}",),
    ),
    "AWS::NetworkFirewall::FirewallPolicy": (
        "NetworkFirewall",
        "FirewallPolicyName",
        128,
        ("arn:aws:network-firewall:{region}:{account}:firewall-policy/{name}",),
    ),
    "AWS::NetworkFirewall::RuleGroup": (
        "NetworkFirewall",
        "RuleGroupName",
        128,
        ("arn:aws:network-firewall:{region}:{account}:stateful-rulegroup/{name}",),
    ),
}
#: Types whose IAM resource is their parent's (a Glue table, an Athena named query), or that carry no
#: name at all (EC2 resources have generated IDs; the Network statement grants them on "*").
UNNAMED_TYPES = {
    "AWS::Glue::Table",
    "AWS::Athena::NamedQuery",
    "AWS::KMS::Key",
    "AWS::S3::BucketPolicy",
    "AWS::CDK::Metadata",
    "Custom::VpcRestrictDefaultSG",
    # A firewall's logging is the firewall's own resource.
    "AWS::NetworkFirewall::LoggingConfiguration",
    # Route 53 Resolver names these by generated IDs (rslvr-...); the statement grants the account's.
    "AWS::Route53Resolver::FirewallDomainList",
    "AWS::Route53Resolver::FirewallRuleGroup",
    "AWS::Route53Resolver::FirewallRuleGroupAssociation",
    "AWS::Route53Resolver::ResolverQueryLoggingConfig",
    "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation",
    "Custom::VpcRestrictDefaultNetworkAcl",
}
#: What CloudFormation appends to a name it generates: a dash and 13 random characters.
GENERATED_SUFFIX = "-1A2B3C4D5E6F7"
#: A stack's ARN ends in its stack ID.
STACK_ID = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


@dataclass(frozen=True)
class Named:
    """A name the stack creates: the statement (``sid``) that must cover it, and the ARNs IAM checks."""

    sid: str
    name: str
    arns: tuple[str, ...]


def _property(properties: Mapping[str, Any], path: str) -> Any:
    value: Any = properties
    for key in path.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def generated_name(stack_name: str, logical_id: str, kind: str, longest: int) -> str:
    """The name CloudFormation gives a resource of ``kind`` that names none (S3 lowercases it)."""
    name = f"{stack_name}-{logical_id}"[: longest - len(GENERATED_SUFFIX)] + GENERATED_SUFFIX
    return name.lower() if kind == "AWS::S3::Bucket" else name


def unclassified_types(template: Mapping[str, Any]) -> set[str]:
    """Resource types of ``template`` that neither ``NAMED_TYPES`` nor ``UNNAMED_TYPES`` accounts for."""
    kinds = {resource["Type"] for resource in template["Resources"].values()}
    return {
        kind
        for kind in kinds
        if kind not in NAMED_TYPES and kind not in UNNAMED_TYPES and not kind.startswith("AWS::EC2::")
    }


def named_resources(template: Mapping[str, Any], stack_name: str, account: str, region: str) -> list[Named]:
    """Every name of ``template`` (stack ``stack_name`` in ``account`` and ``region``), with the ARNs IAM checks."""
    found = [
        Named(
            "ReadTapVpcStacks",
            stack_name,
            (f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/{STACK_ID}",),
        )
    ]
    resources = template["Resources"]
    for logical_id, resource in resources.items():
        kind = resource["Type"]
        if kind not in NAMED_TYPES:
            continue
        sid, path, longest, arns = NAMED_TYPES[kind]
        name = _property(resource.get("Properties", {}), path) or generated_name(stack_name, logical_id, kind, longest)
        found.append(Named(sid, name, tuple(arn.format(region=region, account=account, name=name) for arn in arns)))
    for resource in resources.values():
        if resource["Type"] == "AWS::Glue::Table":
            properties = resource["Properties"]
            database = resources[properties["DatabaseName"]["Ref"]]["Properties"]["DatabaseInput"]["Name"]
            table = f"{database}/{properties['TableInput']['Name']}"
            found.append(Named("TapVpcGlue", table, (f"arn:aws:glue:{region}:{account}:table/{table}",)))
    return found
