"""The HTTPS-tier security group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import resources_of
from tools.project import synthesize


def test_only_tcp_443_in_from_anywhere_by_default(template_json: Mapping[str, Any]) -> None:
    (group,) = resources_of(template_json, "AWS::EC2::SecurityGroup").values()
    assert group["Properties"]["GroupDescription"] == "HTTPS tier: TCP 443 from the configured networks"
    assert group["Properties"]["SecurityGroupIngress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS from 0.0.0.0/0",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    assert group["Properties"]["SecurityGroupEgress"] == [
        {"CidrIp": "0.0.0.0/0", "Description": "Allow all outbound traffic by default", "IpProtocol": "-1"}
    ]


def test_configured_networks_each_get_a_described_rule() -> None:
    template = synthesize(TapVpcConfig(https_ingress_cidrs=("10.20.0.0/16", "2001:db8::/32")))
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": [
                {
                    "CidrIp": "10.20.0.0/16",
                    "Description": "HTTPS from 10.20.0.0/16",
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "ToPort": 443,
                },
                {
                    "CidrIpv6": "2001:db8::/32",
                    "Description": "HTTPS from 2001:db8::/32",
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "ToPort": 443,
                },
            ]
        },
    )
