"""Every synth-time rule: one parametrized case per rule, asserting the message."""

from __future__ import annotations

from typing import Any

import pytest

from tap_vpc.errors import ConfigError
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.rules import validate_config
from tools.project import synthesize

THREE_PUBLIC = ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24")

CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "interval-300",
        {"flow_log_max_aggregation_interval": 300},
        "flowLogMaxAggregationInterval = 300: AWS::EC2::FlowLog MaxAggregationInterval must be 60 or 600",
    ),
    ("interval-0", {"flow_log_max_aggregation_interval": 0}, "must be 60 or 600"),
    ("traffic", {"flow_log_traffic_type": "all"}, "flowLogTrafficType = 'all': must be one of ACCEPT, ALL, REJECT"),
    (
        "retention",
        {"flow_log_retention_days": 366},
        "flowLogRetentionDays = 366: CloudWatch Logs accepts only these retention periods (days), and "
        "CT.CLOUDWATCH.PR.2 at least 365: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
    ),
    (
        "retention-under-a-year",
        {"flow_log_retention_days": 180},
        "flowLogRetentionDays = 180: AWS Control Tower's CT.CLOUDWATCH.PR.2 requires at least 365 days",
    ),
    ("format-empty", {"flow_log_format": " "}, "flowLogFormat = ' ': must name at least one field"),
    ("format-unknown", {"flow_log_format": "${srcaddr} ${dstadr}"}, "unknown field 'dstadr'; did you mean 'dstaddr'?"),
    ("format-unknown-no-hint", {"flow_log_format": "${zzzz}"}, "unknown field 'zzzz'."),
    ("format-double-space", {"flow_log_format": "${srcaddr}  ${dstaddr}"}, "separated by single spaces"),
    ("format-trailing", {"flow_log_format": "${srcaddr} "}, "no leading or trailing space"),
    ("format-tab", {"flow_log_format": "${srcaddr}\t${dstaddr}"}, "separated by single spaces"),
    (
        "format-field-twice",
        {"flow_log_format": "${srcaddr} ${dstaddr} ${srcaddr}"},
        "flowLogFormat = '${srcaddr} ${dstaddr} ${srcaddr}': names ${srcaddr} twice; each field is one column",
    ),
    ("format-bare-token", {"flow_log_format": "srcaddr"}, "token 'srcaddr' is not of the form '${field}'"),
    ("vpc-malformed", {"vpc_cidr": "10.0.0.0/33"}, "vpcCidr = '10.0.0.0/33': is not a valid CIDR block"),
    ("vpc-too-big", {"vpc_cidr": "10.0.0.0/8"}, "vpcCidr = '10.0.0.0/8': the prefix must be from /16 to /28"),
    ("vpc-host", {"vpc_cidr": "10.0.0.1/16"}, "is a host address, not a network; did you mean 10.0.0.0/16?"),
    ("vpc-ipv6", {"vpc_cidr": "2001:db8::/56"}, "must be an IPv4 CIDR block"),
    (
        "subnet-ipv6",
        {"public_subnet_cidrs": ("2001:db8::/64", "10.0.2.0/24", "10.0.3.0/24")},
        "publicSubnetCidrs = '2001:db8::/64': must be an IPv4 CIDR block",
    ),
    (
        "subnet-malformed",
        {"public_subnet_cidrs": ("10.0.1.0/24", "10.0.2.0", "nope")},
        "publicSubnetCidrs = 'nope': is not a valid CIDR block",
    ),
    (
        "subnet-outside",
        {"public_subnet_cidrs": ("10.1.1.0/24", "10.0.2.0/24", "10.0.3.0/24")},
        "publicSubnetCidrs = '10.1.1.0/24': is outside the VPC CIDR 10.0.0.0/16",
    ),
    (
        "subnet-overlap",
        {"private_subnet_cidrs": ("10.0.1.0/25", "10.0.12.0/24", "10.0.13.0/24")},
        "privateSubnetCidrs = '10.0.1.0/25': overlaps 10.0.1.0/24 (publicSubnetCidrs)",
    ),
    (
        "subnet-too-small",
        {"public_subnet_cidrs": ("10.0.1.0/29", "10.0.2.0/24", "10.0.3.0/24")},
        "publicSubnetCidrs = '10.0.1.0/29': the prefix must be from /16 to /28",
    ),
    (
        "subnet-count",
        {"private_subnet_cidrs": ("10.0.11.0/24", "10.0.12.0/24")},
        "privateSubnetCidrs = '10.0.11.0/24,10.0.12.0/24': needs 3 CIDRs (one per AZ, azCount=3), got 2",
    ),
    (
        "isolated-count",
        {"isolated_subnet_cidrs": ("10.0.21.0/24",)},
        "isolatedSubnetCidrs = '10.0.21.0/24': needs 0 or 3 CIDRs",
    ),
    (
        "az-count-high",
        {"az_count": 4},
        "azCount = 4: must be 1 to 3.",
    ),
    ("az-count-zero", {"az_count": 0}, "azCount = 0: must be 1 to 3"),
    ("nat-negative", {"nat_gateways": -1}, "natGateways = -1: must be between 1 and azCount (3)"),
    ("nat-too-many", {"nat_gateways": 4}, "natGateways = 4: must be between 1 and azCount (3)"),
    (
        "nat-zero",
        {"nat_gateways": 0},
        "natGateways = 0: the private subnets route to the internet through NAT gateways, so at least 1 is needed. For subnets with no internet route, use dataTier instead.",
    ),
    ("suffix-upper", {"environment_suffix": "Prod"}, "environmentSuffix = 'Prod': must be lowercase"),
    (
        "suffix-underscore",
        {"environment_suffix": "pr_5"},
        "environmentSuffix = 'pr_5': must not contain '_': CloudFormation stack and export names allow only letters, digits and '-'",
    ),
    ("suffix-chars", {"environment_suffix": "pr.5"}, "environmentSuffix = 'pr.5': must be 1 or more of [a-z0-9-]"),
    ("suffix-empty", {"environment_suffix": ""}, "environmentSuffix = '': must be 1 or more"),
    (
        "suffix-long",
        {"environment_suffix": "a" * 40},
        "environmentSuffix = '"
        + "a" * 40
        + "': is 40 characters; at most 39 fit, because the IAM role name 'TapVpcFlowLogs-<suffix>-us-east-1' must be at most 64 characters",
    ),
    (
        "ingress-host",
        {"https_ingress_cidrs": ("10.0.0.1/16",)},
        "httpsIngressCidrs = '10.0.0.1/16': is a host address, not a network; did you mean 10.0.0.0/16?",
    ),
    (
        "ingress-malformed",
        {"https_ingress_cidrs": ("banana",)},
        "httpsIngressCidrs = 'banana': is not a valid CIDR block",
    ),
    ("ingress-empty", {"https_ingress_cidrs": ()}, "httpsIngressCidrs = '': needs at least one CIDR"),
    (
        "tags-too-many",
        {"tags": tuple((f"k{i}", "v") for i in range(45))},
        "tags = '48 tags': a subnet would carry 51 tags, and AWS allows at most 50 per resource",
    ),
    (
        "ingress-61-rules",
        {"https_ingress_cidrs": tuple(f"203.0.{i}.0/24" for i in range(61))},
        "httpsIngressCidrs = '61 IPv4 CIDRs': each is an inbound rule of the HTTPS security group, and the quota "
        "'Inbound or outbound rules per security group' (L-0EA8095F) is 60 per IP version by default.",
    ),
    (
        "vpc-cidr-docker-range",
        {"vpc_cidr": "172.17.0.0/16"},
        "vpcCidr = '172.17.0.0/16': overlaps 172.17.0.0/16: AWS services such as Cloud9 and SageMaker use it",
    ),
    (
        "vpc-cidr-link-local",
        {"vpc_cidr": "169.254.0.0/16"},
        "vpcCidr = '169.254.0.0/16': overlaps 169.254.0.0/16: link-local",
    ),
    ("vpc-cidr-multicast", {"vpc_cidr": "224.1.0.0/16"}, "vpcCidr = '224.1.0.0/16': overlaps 224.0.0.0/4: multicast"),
    ("vpc-cidr-loopback", {"vpc_cidr": "127.0.0.0/16"}, "vpcCidr = '127.0.0.0/16': overlaps 127.0.0.0/8: loopback"),
    ("tag-bang", {"tags": (("Na!me", "x"),)}, "tags = 'Na!me=x': contains '!'; tags allow letters, digits, spaces"),
    ("tag-value-hash", {"tags": (("Team", "a#b"),)}, "tags = 'Team=a#b': contains '#'"),
    (
        "ingress-twice",
        {"https_ingress_cidrs": ("0.0.0.0/0", "0.0.0.0/0")},
        "httpsIngressCidrs = '0.0.0.0/0': is listed twice",
    ),
    ("tag-key-long", {"tags": (("k" * 129, "v"),)}, "tag keys must be 1 to 128 characters (got 129)"),
    ("tag-key-empty", {"tags": (("", "v"),)}, "tag keys must be 1 to 128 characters (got 0)"),
    ("tag-value-long", {"tags": (("Owner", "v" * 257),)}, "tag values must be at most 256 characters (got 257)"),
    ("tag-aws-prefix", {"tags": (("AWS:owner", "x"),)}, "tags = 'AWS:owner': the 'aws:' prefix is reserved for AWS"),
    (
        "region",
        {"region": "us-east"},
        "region = 'us-east': is not a supported region; did you mean 'us-east-2'? (supported: the aws-partition",
    ),
    ("region-unknown", {"region": "xx-north-9"}, "region = 'xx-north-9': is not a supported region"),
    ("region-gov", {"region": "us-gov-west-1"}, "region = 'us-gov-west-1': is in the aws-us-gov partition"),
    ("region-china", {"region": "cn-north-1"}, "region = 'cn-north-1': is in the aws-cn partition"),
    (
        "unpinned-us-west-1-3-azs",
        {"region": "us-west-1", "nat_gateways": 2, "az_count": 3},
        "azCount = 3: many accounts see only 2 AZs in us-west-1, so Fn::GetAZs cannot promise 3. Pin "
        "availabilityZoneIds",
    ),
    (
        "pinned-az-of-another-region",
        {"availability_zone_ids": ("use1-az1", "use1-az2", "euw1-az1")},
        "availabilityZoneIds = 'euw1-az1': is not an AZ ID of us-east-1 (use1-az1, use1-az2, use1-az3, use1-az4,",
    ),
    (
        "pinned-count-differs",
        {"availability_zone_ids": ("use1-az1", "use1-az2")},
        "availabilityZoneIds = 'use1-az1,use1-az2': pins 2 AZs, but azCount is 3.",
    ),
    (
        "pinned-twice",
        {"availability_zone_ids": ("use1-az1", "use1-az1", "use1-az2")},
        "availabilityZoneIds = 'use1-az1,use1-az1,use1-az2': lists an AZ twice",
    ),
    ("suffix-newline", {"environment_suffix": "dev\n"}, "environmentSuffix = 'dev\\n': must be 1 or more of"),
    ("account-newline", {"account": "123456789012\n"}, "must be a 12-digit AWS account id"),
    ("account", {"account": "1234"}, "account = '1234': must be a 12-digit AWS account id"),
]


@pytest.mark.parametrize(("overrides", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_rule_rejects_with_a_message_naming_key_value_and_allowed(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_config(TapVpcConfig(**overrides))
    assert message in caught.value.render()


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"flow_log_max_aggregation_interval": 60},
        {"flow_log_format": "${version} ${account-id} ${ecs-task-id} ${traffic-path}"},
        {"region": "us-east-2", "account": "123456789012"},
        {
            "region": "us-west-1",
            "az_count": 2,
            "nat_gateways": 2,
            "public_subnet_cidrs": ("10.0.1.0/24", "10.0.2.0/24"),
            "private_subnet_cidrs": ("10.0.11.0/24", "10.0.12.0/24"),
        },
        {
            "region": "us-west-1",
            "availability_zone_ids": ("usw1-az1", "usw1-az3", "usw1-az1")[:2],
            "az_count": 2,
            "nat_gateways": 2,
            "public_subnet_cidrs": ("10.0.1.0/24", "10.0.2.0/24"),
            "private_subnet_cidrs": ("10.0.11.0/24", "10.0.12.0/24"),
        },
        {"availability_zone_ids": ("use1-az1", "use1-az2", "use1-az6")},
        {"region": "eu-central-2"},
        {"environment_suffix": "a" * 39},
        {"environment_suffix": "pr123"},
        {"https_ingress_cidrs": ("10.0.0.0/8", "::/0")},
        {"nat_gateways": 1},
        {"tags": tuple((f"k{i}", "v") for i in range(44))},
        {"tags": (("Équipe réseau", "Zahlungs-Gateway_1 +=@:/."), ("Owner", ""))},
        # 15 IPv4 sources fill the public NACL's 20 inbound rules; IPv6 ones count only in the group.
        {"https_ingress_cidrs": tuple(f"203.0.{i}.0/24" for i in range(15))},
        {
            "https_ingress_cidrs": (
                *(f"203.0.{i}.0/24" for i in range(15)),
                *(f"2001:db8:{i:x}::/48" for i in range(60)),
            )
        },
        {
            "vpc_cidr": "172.16.0.0/16",
            "public_subnet_cidrs": ("172.16.1.0/24", "172.16.2.0/24", "172.16.3.0/24"),
            "private_subnet_cidrs": ("172.16.11.0/24", "172.16.12.0/24", "172.16.13.0/24"),
        },
        {
            "az_count": 1,
            "nat_gateways": 1,
            "public_subnet_cidrs": ("10.0.1.0/28",),
            "private_subnet_cidrs": ("10.0.11.0/28",),
        },
    ],
)
def test_valid_settings_pass_unchanged(overrides: dict[str, Any]) -> None:
    config = TapVpcConfig(**overrides)
    assert validate_config(config) is config


def test_every_problem_is_reported_in_one_run() -> None:
    config = TapVpcConfig(
        flow_log_max_aggregation_interval=300, flow_log_retention_days=2, region="moon", nat_gateways=9
    )
    with pytest.raises(ConfigError) as caught:
        validate_config(config)
    keys = [problem.key for problem in caught.value.problems]
    assert keys == ["region", "natGateways", "flowLogMaxAggregationInterval", "flowLogRetentionDays"]
    assert caught.value.render().startswith(
        "TAP VPC configuration error: 4 invalid settings; nothing was synthesized.\n  - "
    )


def test_the_tag_count_is_what_the_template_carries() -> None:
    # 44 tags of ours + Environment, Project, ManagedBy = 47; the CDK adds Name and two subnet tags.
    config = TapVpcConfig(environment_suffix="pr-1", tags=tuple((f"k{i}", "v") for i in range(44)))
    assert validate_config(config) is config
    resources = synthesize(config).to_json()["Resources"]
    counts = {lid: len(r["Properties"].get("Tags", [])) for lid, r in resources.items() if "Properties" in r}
    assert max(counts.values()) == 50
    assert counts["VpcPublicSubnet1Subnet5C2D37C4"] == 50
