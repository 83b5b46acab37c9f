"""A parsed CloudFormation template as the rules read it: resources by type, references, metadata.

Pure and read-only; every rule takes one ``CfnTemplate``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Deletion policies that keep a resource, and so its data, when the stack or the resource goes.
RETAINING_POLICIES = ("Retain", "RetainExceptOnCreate", "Snapshot")


@dataclass(frozen=True)
class Resource:
    """One resource: its logical ID, type, properties and metadata (empty mappings when absent).

    ``deletion_policy`` is the template's ``DeletionPolicy`` (CloudFormation's default, Delete, when absent).
    """

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    metadata: Mapping[str, Any]
    deletion_policy: str = "Delete"

    @property
    def retained(self) -> bool:
        """Whether deleting the stack keeps this resource (a Retain-like ``DeletionPolicy``)."""
        return self.deletion_policy in RETAINING_POLICIES


class CfnTemplate:
    """A synthesized template (``cdk synth`` output or ``Template.to_json()``), read by the rules."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        self.document = template
        self.resources = {
            logical_id: Resource(
                logical_id,
                str(resource.get("Type", "")),
                resource.get("Properties", {}) or {},
                resource.get("Metadata", {}) or {},
                str(resource.get("DeletionPolicy", "Delete")),
            )
            for logical_id, resource in template.get("Resources", {}).items()
        }

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of any of ``types``, in template order."""
        return [resource for resource in self.resources.values() if resource.type in types]

    def has(self, resource_type: str) -> bool:
        """True when the template holds at least one resource of ``resource_type``."""
        return any(resource.type == resource_type for resource in self.resources.values())

    def referenced(self, value: object) -> Resource | None:
        """The template resource ``value`` names by ``Ref`` or ``Fn::GetAtt``, or None."""
        logical_id = ref(value)
        return self.resources.get(logical_id) if logical_id else None


def ref(value: object) -> str | None:
    """The logical ID of a ``{"Ref": id}`` or ``{"Fn::GetAtt": [id, attribute]}``, else None."""
    if isinstance(value, Mapping):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else str(target).split(".")[0])
    return None


def get_att(value: object) -> tuple[str, str] | None:
    """``(logical ID, attribute)`` of a ``{"Fn::GetAtt": ...}``, else None."""
    if isinstance(value, Mapping) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        if isinstance(target, list):
            return str(target[0]), str(target[1])
        logical_id, _, attribute = str(target).partition(".")
        return logical_id, attribute
    return None


def as_list(value: object) -> list[Any]:
    """``value`` as a list: a list as it is, None as ``[]``, anything else as ``[value]``."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def statements(document: object) -> Iterator[Mapping[str, Any]]:
    """The statements of an IAM policy document (one given as a single object included)."""
    if isinstance(document, Mapping):
        for statement in as_list(document.get("Statement")):
            if isinstance(statement, Mapping):
                yield statement


def tag_value(resource: Resource, key: str) -> str | None:
    """The value of tag ``key`` on ``resource``, or None."""
    for tag in as_list(resource.properties.get("Tags")):
        if isinstance(tag, Mapping) and tag.get("Key") == key:
            return str(tag.get("Value"))
    return None
