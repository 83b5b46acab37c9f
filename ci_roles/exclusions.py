"""Where the execution policy departs from the handlers' lists in the registry schemas, each with its reason.

The schemas list supersets: a handler may call a permission only when a property is set. The
policy leaves such a permission out only through ``EXCLUSIONS``, which names the property;
tests/ci_roles proves that no template of the fleet sets it, so a template that starts to fails
the unit suite, naming the type and the permission. The rule for choosing: a permission of a
type's *read* handler is never excluded (CloudFormation reads every resource after creating or
updating it, and drift detection reads it too), and neither is one the templates' properties use.

``NOT_IAM_ACTIONS`` are names a schema lists that IAM's action table does not define (granting
them would be an unknown action); ``WITHHELD`` are permissions the design refuses even though a
handler lists them; ``ADDITIONS`` are permissions CloudFormation needs that no schema lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exclusion:
    """``permission``, listed by ``resource_type``'s handlers, is needed only when ``property`` is set.

    ``property`` is a dotted path under the resource's Properties (``VpcConfig``,
    ``WorkGroupConfiguration.ExecutionRole``); ``reason`` says what the property turns on.
    """

    permission: str
    resource_type: str
    property: str
    reason: str


@dataclass(frozen=True)
class Addition:
    """``permission``, which CloudFormation needs for ``needed_by`` (a type or a deploy step) and no schema lists."""

    permission: str
    needed_by: str
    reason: str


def _excluded(resource_type: str, property_: str, reason: str, *permissions: str) -> list[Exclusion]:
    return [Exclusion(permission, resource_type, property_, reason) for permission in permissions]


BUCKET = "AWS::S3::Bucket"
FUNCTION = "AWS::Lambda::Function"
LOG_GROUP = "AWS::Logs::LogGroup"

EXCLUSIONS: tuple[Exclusion, ...] = (
    *_excluded(BUCKET, "AbacStatus", "attribute-based access control for the bucket", "s3:PutBucketAbac"),
    *_excluded(BUCKET, "AccelerateConfiguration", "S3 Transfer Acceleration", "s3:PutAccelerateConfiguration"),
    *_excluded(BUCKET, "AccessControl", "a canned ACL (the buckets enforce bucket-owner ownership)", "s3:PutBucketAcl"),
    *_excluded(BUCKET, "AccessControl", "a canned ACL applied to objects", "s3:PutObjectAcl"),
    *_excluded(BUCKET, "AnalyticsConfigurations", "storage-class analysis", "s3:PutAnalyticsConfiguration"),
    *_excluded(BUCKET, "CorsConfiguration", "cross-origin requests (websites)", "s3:PutBucketCORS"),
    *_excluded(
        BUCKET,
        "IntelligentTieringConfigurations",
        "Intelligent-Tiering archive tiers",
        "s3:PutIntelligentTieringConfiguration",
    ),
    *_excluded(BUCKET, "InventoryConfigurations", "S3 Inventory reports", "s3:PutInventoryConfiguration"),
    *_excluded(BUCKET, "MetricsConfigurations", "request metrics", "s3:PutMetricsConfiguration"),
    *_excluded(
        BUCKET,
        "MetadataTableConfiguration",
        "S3 Metadata tables (an S3 Tables bucket the handler creates)",
        "s3:CreateBucketMetadataTableConfiguration",
        "s3:DeleteBucketMetadataTableConfiguration",
        "s3tables:CreateNamespace",
        "s3tables:CreateTable",
        "s3tables:CreateTableBucket",
        "s3tables:GetTable",
        "s3tables:GetTableMetadataLocation",
        "s3tables:PutTableBucketPolicy",
        "s3tables:PutTableEncryption",
        "s3tables:PutTablePolicy",
        "s3tables:UpdateTableMetadataLocation",
    ),
    *_excluded(
        BUCKET,
        "MetadataConfiguration",
        "S3 Metadata journal, inventory and annotation tables",
        "s3:UpdateBucketMetadataAnnotationTableConfiguration",
        "s3:UpdateBucketMetadataInventoryTableConfiguration",
        "s3:UpdateBucketMetadataJournalTableConfiguration",
    ),
    *_excluded(
        BUCKET,
        "ReplicationConfiguration",
        "replication, which passes a replication role to S3",
        "s3:PutReplicationConfiguration",
        "iam:PassRole",
    ),
    *_excluded(
        BUCKET, "WebsiteConfiguration", "static website hosting", "s3:PutBucketWebsite", "s3:DeleteBucketWebsite"
    ),
    *_excluded(FUNCTION, "CapacityProviderConfig", "Lambda managed instances", "lambda:PassCapacityProvider"),
    *_excluded(
        FUNCTION,
        "CodeSigningConfigArn",
        "code signing",
        "lambda:GetCodeSigningConfig",
        "lambda:PutFunctionCodeSigningConfig",
        "lambda:DeleteFunctionCodeSigningConfig",
    ),
    *_excluded(FUNCTION, "FileSystemConfigs", "an EFS or S3 Files mount", "elasticfilesystem:DescribeMountTargets"),
    *_excluded(FUNCTION, "FileSystemConfigs", "an EFS or S3 Files mount", "s3files:ListMountTargets"),
    *_excluded(
        FUNCTION, "FunctionScalingConfig", "scaling limits of managed instances", "lambda:PutFunctionScalingConfig"
    ),
    *_excluded(
        FUNCTION,
        "KmsKeyArn",
        "a customer-managed key for the function's environment (the handler's kms:Decrypt, a read, stays)",
        "kms:CreateGrant",
        "kms:Encrypt",
        "kms:GenerateDataKey",
    ),
    *_excluded(FUNCTION, "Layers", "layers", "lambda:GetLayerVersion"),
    *_excluded(FUNCTION, "RecursiveLoop", "recursive-loop detection turned off", "lambda:PutFunctionRecursionConfig"),
    *_excluded(
        FUNCTION,
        "ReservedConcurrentExecutions",
        "reserved concurrency",
        "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency",
    ),
    *_excluded(FUNCTION, "RuntimeManagementConfig", "a pinned runtime version", "lambda:PutRuntimeManagementConfig"),
    *_excluded(FUNCTION, "SnapStart", "SnapStart, which publishes versions", "lambda:PublishVersion"),
    *_excluded(
        LOG_GROUP,
        "DataProtectionPolicy",
        "a data-protection policy",
        "logs:PutDataProtectionPolicy",
        "logs:DeleteDataProtectionPolicy",
    ),
    *_excluded(
        LOG_GROUP,
        "FieldIndexPolicies",
        "field indexes",
        "logs:PutIndexPolicy",
        "logs:DeleteIndexPolicy",
    ),
    *_excluded(
        LOG_GROUP,
        "ResourcePolicyDocument",
        "a resource policy on the group, and the log delivery it enables (to S3 or Firehose)",
        "logs:PutResourcePolicy",
        "logs:DeleteResourcePolicy",
        "firehose:TagDeliveryStream",
    ),
    *_excluded(
        LOG_GROUP, "BearerTokenAuthenticationEnabled", "bearer-token ingestion", "logs:PutBearerTokenAuthentication"
    ),
    *_excluded(LOG_GROUP, "DeletionProtectionEnabled", "deletion protection", "logs:PutLogGroupDeletionProtection"),
    *_excluded(
        "AWS::Glue::Database",
        "DatabaseInput.FederatedDatabase",
        "a federated database and its Glue connection (the read handler's glue:GetConnection stays)",
        "glue:CreateConnection",
        "glue:UpdateConnection",
        "glue:DeleteConnection",
        "glue:PassConnection",
    ),
    *_excluded(
        "AWS::Glue::Table",
        "OpenTableFormatInput",
        "an Iceberg table, whose metadata the handler writes to S3",
        "s3:PutObject",
        "s3:GetObject",
        "iam:PassRole",
        "glue:PassConnection",
    ),
    *_excluded(
        "AWS::Glue::Table",
        "TableInput.StorageDescriptor.SchemaReference",
        "a schema from the Glue Schema Registry",
        "glue:GetSchemaVersion",
    ),
    *_excluded(
        "AWS::Athena::WorkGroup",
        "WorkGroupConfiguration.ExecutionRole",
        "Spark notebooks, which run with a passed execution role",
        "iam:PassRole",
        "iam:CreateServiceLinkedRole",
    ),
    *_excluded(
        "AWS::EC2::FlowLog",
        "TagFieldSpecifications",
        "tag fields in the records, read through the VPC Flow Logs service-linked role",
        "iam:CreateServiceLinkedRole",
    ),
    *_excluded(
        "AWS::EC2::VPCEndpoint",
        "ServiceNetworkArn",
        "a VPC Lattice service-network endpoint",
        "vpc-lattice:CreateServiceNetworkVpcEndpointAssociation",
    ),
    *_excluded("AWS::EC2::VPCEndpoint", "ServiceRegion", "a cross-region endpoint", "vpce:AllowMultiRegion"),
    *_excluded("AWS::EC2::VPC", "VpcEncryptionControl", "VPC encryption controls", "ec2:CreateVpcEncryptionControl"),
    *_excluded(
        "AWS::EC2::EIP",
        "TransferAddress",
        "accepting an address transferred from another account",
        "ec2:AcceptAddressTransfer",
    ),
    *_excluded(
        "AWS::EC2::NatGateway",
        "SecondaryAllocationIds",
        "secondary public addresses",
        "ec2:AssociateNatGatewayAddress",
        "ec2:DisassociateNatGatewayAddress",
    ),
    *_excluded(
        "AWS::EC2::NatGateway",
        "SecondaryPrivateIpAddresses",
        "secondary private addresses",
        "ec2:AssignPrivateNatGatewayAddress",
        "ec2:UnassignPrivateNatGatewayAddress",
    ),
    *_excluded(
        "AWS::EC2::VPCGatewayAttachment",
        "VpnGatewayId",
        "a virtual private gateway instead of an internet gateway",
        "ec2:AttachVpnGateway",
        "ec2:DetachVpnGateway",
    ),
    *_excluded(
        "AWS::EC2::Subnet",
        "Ipv6CidrBlock",
        "an IPv6 block added to a subnet",
        "ec2:AssociateSubnetCidrBlock",
        "ec2:DisassociateSubnetCidrBlock",
    ),
    *_excluded(
        "AWS::IAM::ManagedPolicy",
        "Groups",
        "attaching the policy to IAM groups",
        "iam:AttachGroupPolicy",
        "iam:DetachGroupPolicy",
    ),
    *_excluded(
        "AWS::IAM::ManagedPolicy",
        "Users",
        "attaching the policy to IAM users",
        "iam:AttachUserPolicy",
        "iam:DetachUserPolicy",
    ),
)

_NO_RESOLVER_QUERY_LOGGING_PREFIX = "IAM has no prefix resolverquerylogging; route53resolver's actions are granted"

#: Names a schema lists that IAM's action table (cfn-lint's, from the Service Authorization
#: Reference) does not define, so no policy can grant them; with the action IAM does check, if any.
NOT_IAM_ACTIONS: dict[str, str] = {
    "s3:PutObjectLockConfiguration": "stale alias of s3:PutBucketObjectLockConfiguration, which the policy grants",
    "s3:PutBucketReplication": "stale alias of s3:PutReplicationConfiguration (excluded: ReplicationConfiguration)",
    "s3:DeleteBucketReplication": "S3 authorizes DeleteBucketReplication as s3:PutReplicationConfiguration",
    "s3:DeleteBucketCors": "S3 authorizes DeleteBucketCors as s3:PutBucketCORS (excluded: CorsConfiguration)",
    "s3:DeleteBucketEncryption": "S3 authorizes DeleteBucketEncryption as s3:PutEncryptionConfiguration, granted",
    "s3:DeleteBucketLifecycle": "S3 authorizes DeleteBucketLifecycle as s3:PutLifecycleConfiguration, granted",
    "s3:DeleteBucketAnalyticsConfiguration": "S3 authorizes it as s3:PutAnalyticsConfiguration (excluded)",
    "s3:DeleteBucketMetricsConfiguration": "S3 authorizes it as s3:PutMetricsConfiguration (excluded)",
    "s3:REST.PUT.OBJECT": "an S3 server-access-log operation name, not an IAM action",
    "lakeformation:CreateTable": "not a Lake Formation action; creating the table is glue:CreateTable, granted",
    "lambda:AssociateRuntimeAlias": "not in the Service Authorization Reference that cfn-lint ships",
    "vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation": "not a VPC Lattice action in the reference",
    "network-firewall:UpdateProxySettings": "not a Network Firewall action in the reference (proxies only)",
    "network-firewall:ListTagsForResources": "misspelling of network-firewall:ListTagsForResource, granted",
    "resolverquerylogging:CreateConfig": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
    "resolverquerylogging:DeleteConfig": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
    "resolverquerylogging:GetConfig": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
    "resolverquerylogging:ListConfig": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
    "resolverquerylogging:AssociateConfig": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
    "resolverquerylogging:DisassociateConfig": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
    "resolverquerylogging:GetConfigAssociation": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
    "resolverquerylogging:ListConfigAssociation": _NO_RESOLVER_QUERY_LOGGING_PREFIX,
}

#: Handler permissions the design refuses, with the reason; tests/ci_roles proves the policy denies each.
WITHHELD: dict[str, str] = {
    # The S3 create handler lists it; the archive is under Object Lock, and CloudFormation never
    # empties a bucket (an ephemeral environment's archive is emptied by tools/empty_archive.py).
    "s3:DeleteObject": "CloudFormation never deletes archive objects",
    # The role update handler lists it, to drop a boundary the template no longer sets: a role
    # without the boundary is what the boundary exists to prevent.
    "iam:DeleteRolePermissionsBoundary": "no TAP VPC role may lose its permissions boundary",
}

#: Permissions CloudFormation needs that no registry schema lists.
ADDITIONS: tuple[Addition, ...] = (
    Addition(
        "lambda:InvokeFunction",
        "Custom::VpcRestrictDefaultSG",
        "CloudFormation invokes a custom resource's ServiceToken function with the execution role",
    ),
    Addition(
        "route53:AssociateVPCWithHostedZone",
        "AWS::EC2::VPCEndpoint",
        "an interface endpoint with private DNS associates the VPC with a hosted zone AWS owns "
        "(a dependent action of ec2:CreateVpcEndpoint)",
    ),
    Addition(
        "ssm:GetParameters",
        "CheckBootstrapVersion rule",
        "the template's BootstrapVersion parameter is an SSM parameter that CloudFormation resolves",
    ),
)
