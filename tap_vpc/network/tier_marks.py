"""Security groups say which zone of the reachability matrix they guard, in their template metadata."""

from __future__ import annotations

from aws_cdk import CfnResource
from aws_cdk import aws_ec2 as ec2

from tap_vpc.segmentation.reachability.template_model import TIER_METADATA


def mark_tier(group: ec2.SecurityGroup, zone: str) -> None:
    """Record ``zone`` (public, data or endpoints) as the ``TapVpc::Tier`` metadata of ``group``."""
    cfn_group = group.node.default_child
    assert isinstance(cfn_group, CfnResource)
    cfn_group.add_metadata(TIER_METADATA, zone)
