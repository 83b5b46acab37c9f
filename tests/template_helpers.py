"""Small queries over a synthesized template that follow references instead of hashed IDs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tools.docs import network_model


def resources_of(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical ID -> resource, for every resource of ``resource_type``."""
    return {lid: res for lid, res in template["Resources"].items() if res["Type"] == resource_type}


def by_path(template: Mapping[str, Any], suffix: str) -> tuple[str, dict[str, Any]]:
    """The one resource whose ``aws:cdk:path`` ends with ``suffix``."""
    matches = [
        (lid, res)
        for lid, res in template["Resources"].items()
        if res.get("Metadata", {}).get("aws:cdk:path", "").endswith(suffix)
    ]
    assert len(matches) == 1, f"expected one resource at */{suffix}, found {[lid for lid, _ in matches]}"
    return matches[0]


def az_index(subnet: dict[str, Any]) -> int:
    """The Fn::Select index of a subnet's AvailabilityZone (a hard-coded AZ raises)."""
    return network_model.az_index(subnet["Properties"]["AvailabilityZone"])


def tag_value(resource: dict[str, Any], key: str) -> str | None:
    """The value of tag ``key`` on ``resource``, or None."""
    return network_model.tag_value(resource["Properties"], key)


def subnets_by_tier(template: Mapping[str, Any]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Tier name (``aws-cdk:subnet-name`` tag) -> [(logical id, subnet)] in AZ order."""
    tiers: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    subnets = resources_of(template, "AWS::EC2::Subnet")
    # Pinned subnets carry AvailabilityZoneId, ordered as the template first names each AZ ID.
    pinned = list(
        dict.fromkeys(
            s["Properties"]["AvailabilityZoneId"] for s in subnets.values() if "AvailabilityZoneId" in s["Properties"]
        )
    )
    for lid, subnet in subnets.items():
        tier = tag_value(subnet, "aws-cdk:subnet-name")
        assert tier is not None
        tiers.setdefault(tier, []).append((lid, subnet))
    return {
        tier: sorted(items, key=lambda item: network_model.az_column(item[1]["Properties"], pinned))
        for tier, items in tiers.items()
    }


def route_table_of(template: Mapping[str, Any], subnet_id: str) -> str:
    """Logical ID of the route table associated with subnet ``subnet_id``."""
    for assoc in resources_of(template, "AWS::EC2::SubnetRouteTableAssociation").values():
        if assoc["Properties"]["SubnetId"] == {"Ref": subnet_id}:
            return str(assoc["Properties"]["RouteTableId"]["Ref"])
    raise AssertionError(f"no route table for {subnet_id}")


def default_route(template: Mapping[str, Any], route_table_id: str) -> dict[str, Any]:
    """Properties of the 0.0.0.0/0 route in ``route_table_id``."""
    routes = [
        route["Properties"]
        for route in resources_of(template, "AWS::EC2::Route").values()
        if route["Properties"]["RouteTableId"] == {"Ref": route_table_id}
        and route["Properties"].get("DestinationCidrBlock") == "0.0.0.0/0"
    ]
    assert len(routes) == 1, f"{route_table_id} has {len(routes)} default routes"
    route: dict[str, Any] = routes[0]
    return route


def imported_names(node: Any) -> Iterator[str]:
    """Every Fn::ImportValue name in a template fragment."""
    if isinstance(node, dict):
        if "Fn::ImportValue" in node:
            yield node["Fn::ImportValue"]
        for value in node.values():
            yield from imported_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from imported_names(value)
