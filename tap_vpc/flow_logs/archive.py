"""``FlowLogArchive``: the S3 buckets behind the flow-log archive and its Athena queries.

Three buckets, each versioned, TLS-only, with all four block-public-access settings and bucket
owner-enforced object ownership:

- ``bucket``: the archive. SSE-KMS with a rotating customer-managed key and the S3 bucket key;
  Object Lock with a default retention; lifecycle to Glacier Instant Retrieval, then expiry, and
  noncurrent versions expired; a delivery policy for ``delivery.logs.amazonaws.com`` scoped to this
  account and its flow logs.
- ``query_results_bucket``: Athena results, SSE-KMS with the same key, expiring.
- ``access_log_bucket``: server access logs of the other two. SSE-S3, because S3 server access
  logging delivers only to destination buckets whose default encryption is SSE-S3.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from tap_vpc.compliance import acknowledgements
from tap_vpc.flow_logs.kms_keys import rotating_key
from tap_vpc.settings import limits

LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com"
#: The key policy AWS documents for flow logs to an SSE-KMS bucket (Amazon VPC User Guide, "Flow
#: logs to Amazon S3", "Required key policy for use with SSE-KMS"), spelled out without wildcards.
LOG_DELIVERY_KEY_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
)
#: Where flow logs write: ``AWSLogs/<account>/...`` (``AWSLogs/aws-account-id=<account>/...`` with
#: Hive-compatible partitions), so delivery may write under ``AWSLogs/`` only.
DELIVERY_PREFIX = "AWSLogs/"
SERVER_ACCESS_LOGS_USE_BUCKET_POLICY = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"


def _object_lock(mode: s3.ObjectLockMode, duration: Duration) -> s3.ObjectLockRetention:
    if mode == s3.ObjectLockMode.COMPLIANCE:
        return s3.ObjectLockRetention.compliance(duration)
    return s3.ObjectLockRetention.governance(duration)


def _send_events_to_eventbridge(bucket: s3.Bucket) -> None:
    """Object events to EventBridge (Control Tower CT.S3.PR.4), so alerting can subscribe.

    Set on the CfnBucket itself: the L2's ``event_bridge_enabled`` adds a Lambda-backed custom
    resource to do what CloudFormation's ``NotificationConfiguration`` does natively.
    """
    cfn_bucket = bucket.node.default_child
    assert isinstance(cfn_bucket, s3.CfnBucket)
    cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
        event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(event_bridge_enabled=True)
    )


class FlowLogArchive(Construct):
    """The archive buckets and key, with Object Lock, lifecycle and server access logs.

    Props, with their defaults:
    - ``retention``: how long objects are locked, then kept before they expire. @default 365 days
    - ``transition_after``: when objects move to Glacier Instant Retrieval. @default 90 days
    - ``object_lock_mode``: @default ``s3.ObjectLockMode.COMPLIANCE``
    - ``removal_policy`` of the buckets and key. @default ``RemovalPolicy.RETAIN``
    - ``key_alias``: @default None (no alias)

    Values are not validated again here: the settings edge (``flow_logs.archive_rules``) does. With
    ``RemovalPolicy.DESTROY`` the buckets are deleted with the stack only once empty (the docs say
    how to empty them); no Lambda empties them, because Object Lock would refuse it anyway.

    Attributes: ``key``, ``bucket``, ``query_results_bucket``, ``access_log_bucket``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        retention: Duration | None = None,
        transition_after: Duration | None = None,
        object_lock_mode: s3.ObjectLockMode = s3.ObjectLockMode.COMPLIANCE,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        key_alias: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        retention = retention or Duration.days(365)
        transition_after = transition_after or Duration.days(90)
        # Server access logs by bucket policy, whatever the app's cdk.json says: without this flag the
        # L2 grants the log-delivery group by ACL, which bucket owner-enforced ownership forbids.
        self.node.set_context(SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, True)
        self.key = rotating_key(
            self,
            "Key",
            description="Encrypts the VPC flow-log archive and its Athena query results",
            alias=key_alias,
            removal_policy=removal_policy,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowVpcFlowLogsDelivery",
                principals=[iam.ServicePrincipal(LOG_DELIVERY_SERVICE)],
                actions=list(LOG_DELIVERY_KEY_ACTIONS),
                resources=["*"],  # in a key policy, "*" means this key
                conditions=self._delivery_conditions(),
            )
        )
        self.access_log_bucket = s3.Bucket(
            self,
            "AccessLogBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireAccessLogs",
                    expiration=retention,
                    noncurrent_version_expiration=Duration.days(limits.NONCURRENT_VERSION_EXPIRY_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
            **self._common(removal_policy),
        )
        acknowledgements.acknowledge_access_log_destination(self.access_log_bucket)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            object_lock_enabled=True,
            object_lock_default_retention=_object_lock(object_lock_mode, retention),
            server_access_logs_bucket=self.access_log_bucket,
            server_access_logs_prefix="archive/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="GlacierInstantRetrievalThenExpire",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                            transition_after=transition_after,
                        )
                    ],
                    expiration=retention,
                    noncurrent_version_expiration=Duration.days(limits.NONCURRENT_VERSION_EXPIRY_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
            **self._common(removal_policy),
        )
        self._allow_log_delivery()
        self.query_results_bucket = s3.Bucket(
            self,
            "QueryResultsBucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            server_access_logs_bucket=self.access_log_bucket,
            server_access_logs_prefix="query-results/",
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.governance(Duration.days(1)),
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireQueryResults",
                    expiration=Duration.days(limits.QUERY_RESULTS_EXPIRY_DAYS),
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            **self._common(removal_policy),
        )
        buckets = [self.access_log_bucket, self.bucket, self.query_results_bucket]
        for bucket in buckets:
            _send_events_to_eventbridge(bucket)
        acknowledgements.acknowledge_unreplicated_archive(buckets)

    @staticmethod
    def _common(removal_policy: RemovalPolicy) -> dict[str, Any]:
        return {
            "versioned": True,
            "enforce_ssl": True,
            "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
            "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            "removal_policy": removal_policy,
        }

    @staticmethod
    def _delivery_conditions() -> dict[str, dict[str, str]]:
        # Confused-deputy guard: only log deliveries of this account's resources.
        return {
            "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            "ArnLike": {"aws:SourceArn": f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:*"},
        }

    def _allow_log_delivery(self) -> None:
        """The bucket policy AWS documents for flow logs to S3 (Amazon VPC User Guide, "Flow logs to Amazon S3")."""
        conditions = self._delivery_conditions()
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSLogDeliveryWrite",
                principals=[iam.ServicePrincipal(LOG_DELIVERY_SERVICE)],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{DELIVERY_PREFIX}*")],
                conditions={
                    **conditions,
                    "StringEquals": {
                        **conditions["StringEquals"],
                        "s3:x-amz-acl": "bucket-owner-full-control",
                    },
                },
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSLogDeliveryAclCheck",
                principals=[iam.ServicePrincipal(LOG_DELIVERY_SERVICE)],
                actions=["s3:GetBucketAcl", "s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions=conditions,
            )
        )
