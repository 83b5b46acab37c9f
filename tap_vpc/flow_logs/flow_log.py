"""``VpcFlowLog``: a VPC flow log delivered to a KMS-encrypted CloudWatch Logs log group.

``ec2.FlowLog`` alone leaves the log group unencrypted, its retention open-ended and its IAM
permissions in an inline policy. This construct wires the L2 pieces so that every cdk-nag pack
passes without acknowledgements. It takes aws-cdk-lib's typed values and does not validate them
again: the settings edge (``tap_vpc.settings.rules``) refuses what AWS would.
"""

from __future__ import annotations

from aws_cdk import Aws, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from tap_vpc.flow_logs.kms_keys import allow_cloudwatch_logs, rotating_key

FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com"

#: What VPC Flow Logs calls to deliver to the existing log group, all authorized on the group's ARN
#: (``...:log-group:<name>:*`` covers its streams). ``logs:DescribeLogGroups`` is left out: IAM
#: authorizes it against ``...:log-group::log-stream:``, not the group, so a grant on the group's
#: ARN never took effect, and delivery works without it. AWS's example policy for the role (Amazon
#: VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs") lists it together with
#: ``logs:CreateLogGroup`` on "*" for a role that may have to find or create its group; this stack
#: creates the group before the flow log, and aws-cdk-lib's own ``FlowLogDestination.to_cloud_watch_logs``
#: grants exactly these three actions on the group.
LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
)


#: AWS::EC2::FlowLog ``DestinationOptions`` of the archive: Parquet, Hive-compatible S3 prefixes,
#: one partition per hour (CloudFormation spells the keys in PascalCase; all three are required).
ARCHIVE_DESTINATION_OPTIONS = {"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": True}


class VpcFlowLog(Construct):
    """Log a VPC's traffic to an encrypted, retention-bound CloudWatch Logs log group.

    Props, with their defaults:
    - ``traffic_type``: which traffic to record. @default ``ec2.FlowLogTrafficType.ALL``
    - ``max_aggregation_interval``: @default ``ec2.FlowLogMaxAggregationInterval.TEN_MINUTES``
    - ``retention``: how long the log group keeps records. @default ``logs.RetentionDays.ONE_YEAR``
    - ``log_format``: a custom ``LogFormat`` string. @default None (AWS's version-2 record)
    - ``removal_policy`` of the log group and key. @default ``RemovalPolicy.RETAIN``
    - ``role_name``, ``key_alias``: @default None (generated names, no alias)
    - ``archive_bucket``: @default None (no archive flow log)

    With ``archive_bucket``, a second flow log writes the same records (same traffic type, interval
    and format) to that bucket as hourly, Hive-partitioned Parquet; the bucket must already allow
    ``delivery.logs.amazonaws.com`` to write (``FlowLogArchive`` does).

    Attributes: ``key`` (customer-managed, rotated), ``log_group``, ``role`` (assumable only by
    the flow-logs service for this account), ``delivery_policy`` (customer-managed policy),
    ``flow_log`` (the ``ec2.FlowLog``), ``flow_log_id`` and ``archive_flow_log`` (or None).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        vpc: ec2.IVpc,
        log_group_name: str,
        traffic_type: ec2.FlowLogTrafficType = ec2.FlowLogTrafficType.ALL,
        max_aggregation_interval: ec2.FlowLogMaxAggregationInterval = ec2.FlowLogMaxAggregationInterval.TEN_MINUTES,
        retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        log_format: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        role_name: str | None = None,
        key_alias: str | None = None,
        archive_bucket: s3.IBucket | None = None,
    ) -> None:
        super().__init__(scope, id_)

        # The name is fixed up front so the key policy can scope CloudWatch Logs to this group
        # through the encryption context without a circular reference to the log group.
        self.key = rotating_key(
            self,
            "Key",
            description=f"Encrypts the VPC flow-log group {log_group_name}",
            alias=key_alias,
            removal_policy=removal_policy,
        )
        allow_cloudwatch_logs(self.key, "AllowCloudWatchLogsForThisLogGroup", [log_group_name])
        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            log_group_name=log_group_name,
            encryption_key=self.key,
            retention=retention,
            removal_policy=removal_policy,
        )

        self.role = iam.Role(
            self,
            "DeliveryRole",
            role_name=role_name,
            description="Lets VPC Flow Logs deliver records to its CloudWatch Logs group",
            assumed_by=iam.ServicePrincipal(
                FLOW_LOGS_SERVICE,
                conditions={
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{Aws.PARTITION}:ec2:{Aws.REGION}:{Aws.ACCOUNT_ID}:vpc-flow-log/*"
                    },
                },
            ),
        )
        # A customer-managed policy instead of the grants' inline DefaultPolicy (IAMNoInlinePolicy).
        self.delivery_policy = iam.ManagedPolicy(
            self,
            "DeliveryPolicy",
            description=f"Write VPC flow-log records to {log_group_name}",
            statements=[
                iam.PolicyStatement(actions=list(LOG_DELIVERY_ACTIONS), resources=[self.log_group.log_group_arn])
            ],
            roles=[self.role],
        )
        self.flow_log = ec2.FlowLog(
            self,
            "FlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(vpc),
            # without_policy_updates: the L2 destination would otherwise add an inline policy.
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(self.log_group, self.role.without_policy_updates()),
            traffic_type=traffic_type,
            max_aggregation_interval=max_aggregation_interval,
            log_format=[ec2.LogFormat.custom(log_format)] if log_format else None,
        )
        self.flow_log.node.add_dependency(self.delivery_policy)
        self.node.default_child = self.flow_log.node.default_child
        self.archive_flow_log = (
            self._archive_flow_log(vpc, archive_bucket, traffic_type, max_aggregation_interval, log_format)
            if archive_bucket is not None
            else None
        )

    def _archive_flow_log(
        self,
        vpc: ec2.IVpc,
        bucket: s3.IBucket,
        traffic_type: ec2.FlowLogTrafficType,
        max_aggregation_interval: ec2.FlowLogMaxAggregationInterval,
        log_format: str | None,
    ) -> ec2.FlowLog:
        """The same records to S3: Parquet, Hive-compatible paths, one partition per hour."""
        flow_log = ec2.FlowLog(
            self,
            "ArchiveFlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(vpc),
            destination=ec2.FlowLogDestination.to_s3(bucket),
            traffic_type=traffic_type,
            max_aggregation_interval=max_aggregation_interval,
            log_format=[ec2.LogFormat.custom(log_format)] if log_format else None,
        )
        # Set on the L1: aws-cdk-lib writes these keys in camelCase (fileFormat, ...), which the
        # AWS::EC2::FlowLog schema rejects (aws/aws-cdk#25432). Each change replaces the flow log.
        cfn_flow_log = flow_log.node.default_child
        assert isinstance(cfn_flow_log, ec2.CfnFlowLog)
        cfn_flow_log.destination_options = ARCHIVE_DESTINATION_OPTIONS
        # The bucket policy must exist first: without it, creating the flow log tries to write one.
        if bucket.policy is not None:
            flow_log.node.add_dependency(bucket.policy)
        return flow_log

    @property
    def flow_log_id(self) -> str:
        """The flow log's id (``fl-...``), as a token."""
        return self.flow_log.flow_log_id
