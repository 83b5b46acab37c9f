"""AWS limits that TAP VPC validates at synth time.

Every value here is quoted from the AWS documentation or CloudFormation resource schema (see
``../shared/REFERENCE.md``). Keep them in one place so validation, docs and tests agree.
"""

from __future__ import annotations

from tap_vpc.flow_logs.fields import FIELDS_BY_NAME

#: AWS Control Tower CT.CLOUDWATCH.PR.2: "Require an Amazon CloudWatch log group to be retained for
#: at least one year" (cfn-guard rule cloudwatch_log_group_retention_period_check). PCI DSS 10.5.1
#: asks for the same. Organisations enable it as a CloudFormation hook, so shorter fails at deploy.
LOG_RETENTION_MIN_DAYS = 365

#: Flow-log record fields AWS documents (tap_vpc/flow_logs/fields.py holds them with their types).
FLOW_LOG_FIELDS: frozenset[str] = frozenset(FIELDS_BY_NAME)

#: VPC and subnet prefix lengths AWS accepts.
MIN_PREFIX_LENGTH = 16
MAX_PREFIX_LENGTH = 28

#: Addresses AWS reserves in every subnet (network, router, DNS, future use, broadcast).
RESERVED_ADDRESSES_PER_SUBNET = 5

#: AZ IDs of each supported region (partition ``aws``). AZ IDs name the same physical zone in every
#: account, unlike AZ names, which AWS maps to zones per account.
#: Sources: AWS RAM User Guide, "Availability Zone IDs for your AWS resources"
#: (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html) and
#: ``aws ec2 describe-availability-zones --region R`` (ZoneId); cross-checked 2026-11-30 against
#: a second published zone table. A region missing here is refused at synth; add it after checking both.
AZ_IDS_BY_REGION: dict[str, tuple[str, ...]] = {
    "af-south-1": ("afs1-az1", "afs1-az2", "afs1-az3"),
    "ap-east-1": ("ape1-az1", "ape1-az2", "ape1-az3"),
    "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az4"),
    "ap-northeast-2": ("apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"),
    "ap-northeast-3": ("apne3-az1", "apne3-az2", "apne3-az3"),
    "ap-south-1": ("aps1-az1", "aps1-az2", "aps1-az3"),
    "ap-south-2": ("aps2-az1", "aps2-az2", "aps2-az3"),
    "ap-southeast-1": ("apse1-az1", "apse1-az2", "apse1-az3"),
    "ap-southeast-2": ("apse2-az1", "apse2-az2", "apse2-az3"),
    "ap-southeast-3": ("apse3-az1", "apse3-az2", "apse3-az3"),
    "ap-southeast-4": ("apse4-az1", "apse4-az2", "apse4-az3"),
    "ca-central-1": ("cac1-az1", "cac1-az2", "cac1-az4"),
    "ca-west-1": ("caw1-az1", "caw1-az2", "caw1-az3"),
    "eu-central-1": ("euc1-az1", "euc1-az2", "euc1-az3"),
    "eu-central-2": ("euc2-az1", "euc2-az2", "euc2-az3"),
    "eu-north-1": ("eun1-az1", "eun1-az2", "eun1-az3"),
    "eu-south-1": ("eus1-az1", "eus1-az2", "eus1-az3"),
    "eu-south-2": ("eus2-az1", "eus2-az2", "eus2-az3"),
    "eu-west-1": ("euw1-az1", "euw1-az2", "euw1-az3"),
    "eu-west-2": ("euw2-az1", "euw2-az2", "euw2-az3"),
    "eu-west-3": ("euw3-az1", "euw3-az2", "euw3-az3"),
    "il-central-1": ("ilc1-az1", "ilc1-az2", "ilc1-az3"),
    "me-central-1": ("mec1-az1", "mec1-az2", "mec1-az3"),
    "me-south-1": ("mes1-az1", "mes1-az2", "mes1-az3"),
    "sa-east-1": ("sae1-az1", "sae1-az2", "sae1-az3"),
    "us-east-1": ("use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"),
    "us-east-2": ("use2-az1", "use2-az2", "use2-az3"),
    "us-west-1": ("usw1-az1", "usw1-az3"),
    "us-west-2": ("usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"),
}

#: Regions where accounts commonly see fewer than 3 AZs. In us-west-1 most accounts see 2 (AZ IDs
#: usw1-az1 and usw1-az3), so ``Fn::GetAZs`` yields 2 and a third ``Fn::Select`` fails at deploy.
#: An environment there must pin its AZs to ask for as many as this, or fewer.
AZS_COMMONLY_VISIBLE: dict[str, int] = {"us-west-1": 2}

#: Partitions whose regions TAP VPC refuses: their service principals and ARNs differ
#: (``logs.<region>.amazonaws.com.cn``, ``arn:aws-cn:``), and nothing here has been deployed there.
UNSUPPORTED_PARTITION_PREFIXES: dict[str, str] = {"cn-": "aws-cn", "us-gov-": "aws-us-gov", "us-iso": "aws-iso"}

#: Name limits (CloudFormation, IAM, CloudWatch Logs, tagging).
STACK_NAME_MAX = 128
EXPORT_NAME_MAX = 255
LOG_GROUP_NAME_MAX = 512
IAM_ROLE_NAME_MAX = 64
TAGS_MAX = 50
#: Tag keys and values match ``^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`` (CloudFormation resource schemas, Tag).
TAG_EXTRA_CHARACTERS = "_.:/=+-@"

#: Tag keys the CDK adds on top of ours: ``Name`` (VPC, subnets, route tables, gateways, EIPs) and
#: the L2 Vpc's subnet tags. A subnet carries all three, so they count against ``TAGS_MAX``.
CDK_ADDED_TAG_KEYS: tuple[str, ...] = ("Name", "aws-cdk:subnet-name", "aws-cdk:subnet-type")

#: Service Quotas "Inbound or outbound rules per security group" (L-0EA8095F): 60 by default,
#: counted separately for IPv4 and IPv6 rules. Raise it in Service Quotas (Amazon VPC); the quota
#: times "Security groups per network interface" (5) may not exceed 1,000.
#: Source: Amazon VPC User Guide, "Amazon VPC quotas" (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
SECURITY_GROUP_INBOUND_RULES_MAX = 60

#: Service Quotas "EC2-VPC Elastic IPs" (L-0263D0A3): 5 per account per Region by default, shared by
#: every stack there; each NAT gateway takes one. Raise it in Service Quotas (Amazon EC2).
#: Source: Amazon EC2 User Guide, "Elastic IP address quota"
#: (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit)
#: and "Amazon VPC quotas" (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
ELASTIC_IPS_PER_REGION = 5

#: Ranges a VPC must not use. 172.17.0.0/16: "Some AWS services use the 172.17.0.0/16 CIDR range.
#: To avoid future conflicts, don't use this range when creating your VPC" (Amazon VPC User Guide,
#: "VPC CIDR blocks", https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html; AWS
#: Cloud9 and SageMaker conflict with it). The others are special-purpose IPv4 ranges (RFC 6890)
#: that no network can route: "this network", loopback, link-local, multicast and reserved.
VPC_CIDR_REFUSED: dict[str, str] = {
    "172.17.0.0/16": "AWS services such as Cloud9 and SageMaker use it (Amazon VPC User Guide, VPC CIDR blocks)",
    "0.0.0.0/8": "'this network' (RFC 6890)",
    "127.0.0.0/8": "loopback (RFC 6890)",
    "169.254.0.0/16": "link-local, used by the instance metadata service (RFC 6890)",
    "224.0.0.0/4": "multicast (RFC 6890)",
    "240.0.0.0/4": "reserved (RFC 6890)",
}
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256

#: S3 Object Lock: "the maximum retention period is 100 years" (Amazon S3 User Guide, "Locking
#: objects with Object Lock", https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
#: The default retention of a bucket is given in days, so 100 years is 36,500 days.
OBJECT_LOCK_RETENTION_MAX_DAYS = 36_500
#: PCI DSS v4.0 10.5.1: retain audit-log history for at least 12 months. Enforced on the archive
#: wherever data is retained (``retainData``, the prod profile).
ARCHIVE_RETENTION_MIN_DAYS = 365
#: S3 refuses a lifecycle rule whose expiration does not come after its transition: "'Days' in the
#: Expiration action ... must be greater than 'Days' in the Transition action" (InvalidArgument at
#: deploy; Amazon S3 User Guide, "Transitioning objects using Amazon S3 Lifecycle",
#: https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html).
#: Glacier Instant Retrieval bills at least 90 days per object (minimum storage duration), so an
#: expiration sooner than 90 days after the transition pays for days it does not keep.
GLACIER_IR_MIN_STORAGE_DAYS = 90
#: Days an Athena query result is kept in the results bucket before it expires.
QUERY_RESULTS_EXPIRY_DAYS = 30
#: Days a noncurrent (overwritten or deleted) archive object version is kept after it becomes
#: noncurrent; Object Lock still holds it until its own retention ends.
NONCURRENT_VERSION_EXPIRY_DAYS = 30
#: Athena's per-query data-scan cutoff of the workgroup (bytes): 100 GB, a cost guard at $5/TB.
QUERY_BYTES_SCANNED_CUTOFF = 100 * 1024**3
#: Years the table's partition projection covers (``projection.year.range``). Integer projection
#: has no ``NOW``; a query outside the range sees no partitions, so docs/flow-log-archive.md says when to extend it.
ARCHIVE_FIRST_YEAR = 2026
ARCHIVE_LAST_YEAR = 2050

#: Amazon VPC quotas, "Rules per network ACL": 20 inbound and 20 outbound by default (adjustable to
#: 40; each direction is counted on its own, the default '*' rule not included).
#: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
NACL_RULES_PER_DIRECTION = 20

#: Amazon VPC quotas, "Interface VPC endpoints per VPC": 50 by default.
#: https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-quotas.html
INTERFACE_ENDPOINTS_PER_VPC = 50

#: Services the VPC reaches through its gateway endpoints (S3, DynamoDB), never listed as interface ones.
GATEWAY_ENDPOINT_SERVICES = frozenset({"s3", "dynamodb"})
