"""The template helpers find resources by construct path, and say what is near when a path is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tests.template_helpers import logical_id_at, resource_at, resources_matching, tag_value


def test_a_resource_is_found_by_its_path_relative_to_the_stack(template_with_paths: Mapping[str, Any]) -> None:
    subnet = resource_at(template_with_paths, "Vpc/PublicSubnet1/Subnet")
    assert subnet["Type"] == "AWS::EC2::Subnet"
    assert subnet["Properties"]["CidrBlock"] == "10.0.1.0/24"
    assert tag_value(subnet, "aws-cdk:subnet-name") == "Public"
    assert subnet["Metadata"]["aws:cdk:path"] == "TapVpcStack-dev/Vpc/PublicSubnet1/Subnet"


def test_a_mistyped_path_lists_the_paths_near_it(template_with_paths: Mapping[str, Any]) -> None:
    with pytest.raises(AssertionError) as raised:
        logical_id_at(template_with_paths, "Vpc/PublicSubnet1/Subnt")
    message = str(raised.value)
    assert message.startswith("no resource at construct path 'Vpc/PublicSubnet1/Subnt' (relative to the stack)")
    assert "\n  - Vpc/PublicSubnet1/Subnet\n" in message  # the likely meaning comes first
    assert "  - Vpc/PublicSubnet1/RouteTable" in message  # then its siblings


def test_a_path_with_nothing_near_lists_the_stacks_top_level_constructs(
    template_with_paths: Mapping[str, Any],
) -> None:
    with pytest.raises(AssertionError, match="nothing near it; the stack's top-level constructs:\n  - ") as raised:
        resource_at(template_with_paths, "Xyzzy")
    assert "  - FlowLogArchive\n" in str(raised.value)


def test_a_template_without_path_metadata_says_where_to_get_one(template_json: Mapping[str, Any]) -> None:
    with pytest.raises(AssertionError, match=r"records no aws:cdk:path metadata.*synthesized_with_paths"):
        resource_at(template_json, "Vpc/PublicSubnet1/Subnet")


def test_paths_match_as_globs(template_with_paths: Mapping[str, Any]) -> None:
    tables = resources_matching(template_with_paths, "Vpc/PrivateSubnet*/RouteTable")
    assert len(tables) == 3
    assert {resource["Type"] for resource in tables.values()} == {"AWS::EC2::RouteTable"}
    assert resources_matching(template_with_paths, "Vpc/NoSuchSubnet*") == {}
