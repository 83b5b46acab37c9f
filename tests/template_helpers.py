"""Small queries over a synthesized template that follow references and construct paths instead of hashed IDs.

A resource is named by its construct path relative to its stack (``"Vpc/PublicSubnet1/Subnet"``), as
the ``aws:cdk:path`` metadata of a template records it. ``cdk synth`` turns that metadata on
(``aws:cdk:enable-path-metadata``); an in-process ``App`` such as ``tools.project.synthesize`` leaves
it off, so ``with_paths`` writes it back from the construct tree: the same ``node.path`` the CLI writes.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from tools.docs import network_model
from tools.project import synthesized

if TYPE_CHECKING:
    from aws_cdk import Stack

    from tap_vpc.settings.config import TapVpcConfig

PATH_METADATA = "aws:cdk:path"


def resources_of(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical ID -> resource, for every resource of ``resource_type``."""
    return {lid: res for lid, res in template["Resources"].items() if res["Type"] == resource_type}


def with_paths(stack: Stack, template: Mapping[str, Any]) -> dict[str, Any]:
    """``template`` (``stack``'s, as a dict) with each resource's ``aws:cdk:path``, as ``cdk synth`` writes it."""
    from aws_cdk import CfnResource  # local: aws-cdk-lib starts its jsii runtime on import

    located = {
        str(stack.resolve(cast("CfnResource", construct).logical_id)): construct.node.path
        for construct in stack.node.find_all()
        if CfnResource.is_cfn_resource(construct)
    }
    resources = {
        lid: {**resource, "Metadata": {PATH_METADATA: located[lid], **resource.get("Metadata", {})}}
        if lid in located
        else resource
        for lid, resource in template["Resources"].items()
    }
    return {**template, "Resources": resources}


def logical_id_in(stack: Stack, path: str) -> str:
    """The logical ID of the resource at construct path ``path`` in ``stack``'s tree (before or without a template).

    ``path`` names the L1 resource, or an L2 construct whose default child is one (``"Vpc"``).
    """
    from aws_cdk import CfnElement  # local: aws-cdk-lib starts its jsii runtime on import

    construct = stack.node.find_child(path.split("/")[0])
    for part in path.split("/")[1:]:
        construct = construct.node.find_child(part)
    element = construct if CfnElement.is_cfn_element(construct) else construct.node.default_child
    if element is None or not CfnElement.is_cfn_element(element):
        raise AssertionError(f"{path!r} holds no resource")
    return str(stack.resolve(cast("CfnElement", element).logical_id))


@functools.cache
def synthesized_with_paths(config: TapVpcConfig) -> Mapping[str, Any]:
    """The template of ``config`` (``tools.project.synthesize``, the same synth) with its construct paths.

    Shared by every caller: copy it before changing it.
    """
    stack, template = synthesized(config)
    return with_paths(stack, template.to_json())


def cdk_path(resource: Mapping[str, Any]) -> str | None:
    """The resource's construct path relative to its stack (a stack at the app's root), or None."""
    path = resource.get("Metadata", {}).get(PATH_METADATA)
    return None if path is None else str(path).split("/", 1)[-1]


def _paths(template: Mapping[str, Any]) -> dict[str, str]:
    """Construct path (relative to the stack) -> logical ID, for every resource that records one."""
    paths = {path: lid for lid, res in template["Resources"].items() if (path := cdk_path(res)) is not None}
    if not paths:
        raise AssertionError(
            f"this template records no {PATH_METADATA} metadata: an in-process App leaves it off. "
            "Take the template from tests.template_helpers.synthesized_with_paths (or with_paths)."
        )
    return paths


def near_paths(path: str, paths: list[str]) -> list[str]:
    """The paths a reader most likely meant by ``path``: close spellings, then its nearest existing parent's."""
    parts = path.split("/")
    siblings: list[str] = []
    for depth in range(len(parts) - 1, 0, -1):
        parent = "/".join(parts[:depth]) + "/"
        siblings = sorted(p for p in paths if p.startswith(parent))
        if siblings:
            break
    close = difflib.get_close_matches(path, paths, n=5, cutoff=0.6)
    return list(dict.fromkeys([*close, *siblings]))[:12]


def logical_id_at(template: Mapping[str, Any], path: str) -> str:
    """The logical ID of the resource at construct path ``path`` (relative to the stack)."""
    paths = _paths(template)
    if path in paths:
        return paths[path]
    near = near_paths(path, list(paths))
    what = "near paths" if near else "nothing near it; the stack's top-level constructs"
    listed = "\n".join(f"  - {entry}" for entry in near or sorted({p.split("/", 1)[0] for p in paths}))
    raise AssertionError(f"no resource at construct path {path!r} (relative to the stack); {what}:\n{listed}")


def resource_at(template: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The resource at construct path ``path`` (relative to the stack), e.g. ``"Vpc/PublicSubnet1/Subnet"``."""
    resource: dict[str, Any] = template["Resources"][logical_id_at(template, path)]
    return resource


def ref_at(template: Mapping[str, Any], path: str) -> dict[str, str]:
    """``{"Ref": <logical ID>}`` of the resource at ``path``: how the template refers to it."""
    return {"Ref": logical_id_at(template, path)}


def att_at(template: Mapping[str, Any], path: str, attribute: str) -> dict[str, list[str]]:
    """``{"Fn::GetAtt": [<logical ID>, attribute]}`` of the resource at ``path``."""
    return {"Fn::GetAtt": [logical_id_at(template, path), attribute]}


def resources_matching(template: Mapping[str, Any], pattern: str) -> dict[str, dict[str, Any]]:
    """Logical ID -> resource, for every resource whose construct path matches the glob ``pattern``."""
    return {
        paths_lid: template["Resources"][paths_lid]
        for path, paths_lid in _paths(template).items()
        if fnmatch.fnmatchcase(path, pattern)
    }


def az_index(subnet: dict[str, Any]) -> int:
    """The Fn::Select index of a subnet's AvailabilityZone (a hard-coded AZ raises)."""
    return network_model.az_index(subnet["Properties"]["AvailabilityZone"])


def tag_value(resource: dict[str, Any], key: str) -> str | None:
    """The value of tag ``key`` on ``resource``, or None."""
    return network_model.tag_value(resource["Properties"], key)


def subnets_by_tier(template: Mapping[str, Any]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Tier name (``aws-cdk:subnet-name`` tag, or ``Firewall`` for the firewall tier) -> [(logical id, subnet)] in AZ order."""
    tiers: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    subnets = resources_of(template, "AWS::EC2::Subnet")
    # Pinned subnets carry AvailabilityZoneId, ordered as the template first names each AZ ID.
    pinned = list(
        dict.fromkeys(
            s["Properties"]["AvailabilityZoneId"] for s in subnets.values() if "AvailabilityZoneId" in s["Properties"]
        )
    )
    for lid, subnet in subnets.items():
        # The firewall tier's subnets are not the L2 Vpc's: they say their tier in their metadata.
        marked = "Firewall" if subnet.get("Metadata", {}).get("TapVpc::Tier") == "firewall" else None
        tier = tag_value(subnet, "aws-cdk:subnet-name") or marked
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
