"""What CloudFormation's resource handlers call, and what IAM checks for each call, from the pinned cfn-lint.

cfn-lint ships the CloudFormation registry schemas: ``schemas/providers/us-east-1.json`` maps a
type name to ``schemas/resources/<hash>.json``, whose ``handlers.{create,read,update,delete}``
list the permissions each handler needs. It also ships IAM's action table
(``AdditionalSpecs/Policies.json``, built from the Service Authorization Reference): the resource
types IAM authorizes each action against. Updating cfn-lint therefore brings AWS's current lists,
and the unit suite (tests/ci_roles) tells what the update changed.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

#: The handlers CloudFormation runs on a stack's resources (``list`` runs only for resource discovery).
HANDLERS = ("create", "read", "update", "delete")
#: The schema set used; the handlers' permissions do not differ between regions.
SCHEMA_REGION = "us-east-1"


def _cfn_lint_data(*parts: str) -> Any:
    return json.loads(resources.files("cfnlint.data").joinpath(*parts).read_text())


@functools.cache
def _schema(type_name: str) -> dict[str, Any]:
    providers: dict[str, str] = _cfn_lint_data("schemas", "providers", f"{SCHEMA_REGION}.json")
    if type_name not in providers:
        raise KeyError(f"no CloudFormation registry schema for {type_name} in cfn-lint")
    schema: dict[str, Any] = _cfn_lint_data("schemas", "resources", f"{providers[type_name]}.json")
    return schema


@functools.cache
def _iam_actions() -> dict[str, Any]:
    table: dict[str, Any] = _cfn_lint_data("AdditionalSpecs", "Policies.json")
    return table


def handler_permissions(type_name: str) -> dict[str, tuple[str, ...]]:
    """Each handler of ``HANDLERS`` -> the permissions the registry schema of ``type_name`` lists (maybe none).

    Raises ``KeyError`` naming the type when cfn-lint has no schema for it.
    """
    handlers = _schema(type_name).get("handlers", {})
    return {handler: tuple(handlers.get(handler, {}).get("permissions", ())) for handler in HANDLERS}


def iam_resource_types(action: str) -> tuple[str, ...] | None:
    """The IAM resource types ``action`` (``service:Action``) is authorized against; () when it takes none.

    None when IAM's action table does not define the action (a schema may name a stale alias).
    """
    service, _, name = action.partition(":")
    definition = _iam_actions().get(service, {}).get("Actions", {}).get(name.lower())
    if definition is None:
        return None
    return tuple(definition.get("Resources", ()))
