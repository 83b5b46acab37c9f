"""Requirements 10.3.2 / 10.3.3: audit logs are protected from change and backed up where they are hard to alter.

- Every log destination (log groups, and the buckets that receive logs) is encrypted with a
  customer-managed KMS key that rotates (Security Hub S3.17 for buckets). S3 server access logs can
  only go to an SSE-S3 bucket: that exception is acknowledged, never silent.
- The archive (every bucket a flow log delivers to) is versioned, under Object Lock with a default
  retention, and access-logged (Security Hub S3.15, S3.9).
"""

from __future__ import annotations

from tap_vpc.compliance.pci_dss_v4.log_destinations import archive_buckets, log_destination_buckets
from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, Resource, as_list
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def _rotating_key(template: CfnTemplate, value: object) -> str | None:
    """The logical ID of the rotating template key ``value`` references, else None."""
    key = template.referenced(value)
    if key is None or key.type != "AWS::KMS::Key":
        return None
    return key.logical_id if str(key.properties.get("EnableKeyRotation", False)).lower() == "true" else None


def _bucket_encryption(bucket: Resource) -> tuple[str | None, object]:
    rules = as_list((bucket.properties.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration"))
    default = (rules[0].get("ServerSideEncryptionByDefault") or {}) if rules else {}
    return default.get("SSEAlgorithm"), default.get("KMSMasterKeyID")


def check_log_destinations_encrypted(template: CfnTemplate) -> Verdict:
    """10.3.2: each log group and log bucket is encrypted with a rotating customer-managed key."""
    groups = template.of_type("AWS::Logs::LogGroup")
    buckets = log_destination_buckets(template)
    if not groups and not buckets:
        return not_applicable("no log group and no bucket that receives logs")
    evidence, violations = [], []
    for group in groups:
        key = _rotating_key(template, group.properties.get("KmsKeyId"))
        evidence.append(Evidence.of(group, KmsKeyId=key or group.properties.get("KmsKeyId")))
        if key is None:
            violations.append(
                Violation(group.logical_id, "log group is not encrypted with a rotating key of the stack")
            )
    for bucket in buckets:
        algorithm, key_id = _bucket_encryption(bucket)
        key = _rotating_key(template, key_id) if algorithm in KMS_ALGORITHMS else None
        evidence.append(Evidence.of(bucket, SSEAlgorithm=algorithm, KMSMasterKeyID=key))
        if key is None:
            violations.append(
                Violation(bucket.logical_id, f"log bucket uses {algorithm or 'no'} encryption, not a rotating KMS key")
            )
    return verdict(evidence, violations)


def check_archive_immutable(template: CfnTemplate) -> Verdict:
    """10.3.3: each archive bucket is versioned, Object-Locked with a default retention, and access-logged."""
    buckets = archive_buckets(template)
    if not buckets:
        return not_applicable("no flow log delivers to S3: the log group is the only copy")
    evidence, violations = [], []
    for bucket in buckets:
        properties = bucket.properties
        versioning = (properties.get("VersioningConfiguration") or {}).get("Status")
        lock = properties.get("ObjectLockConfiguration") or {}
        retention = (lock.get("Rule") or {}).get("DefaultRetention")
        logging = properties.get("LoggingConfiguration") or {}
        locked = str(properties.get("ObjectLockEnabled", False)).lower() == "true" and lock.get("ObjectLockEnabled")
        evidence.append(
            Evidence.of(
                bucket,
                **{
                    "VersioningConfiguration.Status": versioning,
                    "ObjectLockEnabled": properties.get("ObjectLockEnabled", False),
                    "ObjectLockConfiguration.Rule.DefaultRetention": retention,
                    "LoggingConfiguration.DestinationBucketName": logging.get("DestinationBucketName"),
                },
            )
        )
        if versioning != "Enabled":
            violations.append(Violation(bucket.logical_id, "archive bucket is not versioned"))
        if not locked or not retention:
            violations.append(Violation(bucket.logical_id, "archive bucket has no Object Lock default retention"))
        if not logging.get("DestinationBucketName"):
            violations.append(Violation(bucket.logical_id, "archive bucket has no server access logging"))
    return verdict(evidence, violations)


LOG_DESTINATIONS_ENCRYPTED = Rule(
    "10.3.2-LogDestinationsEncrypted",
    ("10.3.2",),
    "Every log destination is encrypted with a rotating customer-managed key (reasoned exceptions acknowledged).",
    check_log_destinations_encrypted,
    ("S3.17",),
)
ARCHIVE_IMMUTABLE = Rule(
    "10.3.3-ArchiveImmutable",
    ("10.3.2", "10.3.3"),
    "The flow-log archive is versioned, under Object Lock, and access-logged.",
    check_archive_immutable,
    ("S3.15", "S3.9"),
)
