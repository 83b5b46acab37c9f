"""AWS limits that TAP VPC validates at synth time.

Every value here is quoted from the AWS documentation or CloudFormation resource schema (see
``../shared/REFERENCE.md``). Keep them in one place so validation, docs and tests agree.
"""

from __future__ import annotations

#: AWS::EC2::FlowLog MaxAggregationInterval accepts only these values (seconds).
FLOW_LOG_AGGREGATION_INTERVALS: tuple[int, ...] = (60, 600)

#: AWS::EC2::FlowLog TrafficType.
FLOW_LOG_TRAFFIC_TYPES: tuple[str, ...] = ("ACCEPT", "ALL", "REJECT")

#: AWS::Logs::LogGroup RetentionInDays accepts only these values (days).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

#: Flow-log record fields, by the record version that introduced them.
FLOW_LOG_FIELDS_BY_VERSION: dict[int, tuple[str, ...]] = {
    2: (
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
        "protocol", "packets", "bytes", "start", "end", "action", "log-status",
    ),
    3: ("vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr"),
    4: ("region", "az-id", "sublocation-type", "sublocation-id"),
    5: ("pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path"),
    7: (
        "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
        "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
        "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
    ),
}  # fmt: skip

FLOW_LOG_FIELDS: frozenset[str] = frozenset(field for fields in FLOW_LOG_FIELDS_BY_VERSION.values() for field in fields)

#: VPC and subnet prefix lengths AWS accepts.
MIN_PREFIX_LENGTH = 16
MAX_PREFIX_LENGTH = 28

#: Addresses AWS reserves in every subnet (network, router, DNS, future use, broadcast).
RESERVED_ADDRESSES_PER_SUBNET = 5

#: The template picks AZs with Fn::Select over Fn::GetAZs; every AWS region has at least 3.
MAX_AZ_COUNT = 3

#: Name limits (CloudFormation, IAM, CloudWatch Logs, tagging).
STACK_NAME_MAX = 128
EXPORT_NAME_MAX = 255
LOG_GROUP_NAME_MAX = 512
IAM_ROLE_NAME_MAX = 64
TAGS_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
