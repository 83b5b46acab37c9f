"""Two ways the emulator's patches change moto 5.2.5's CloudFormation models, each written once.

- ``rewrite_properties``: hand moto's own create a resource's properties as AWS would read them.
- ``emulate_custom_resource``: do what a custom resource's Lambda does, which moto runs only with Docker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudformation.custom_model import CustomModel

Properties = dict[str, Any]


def rewrite_properties(model: Any, rewrite: Callable[[Properties], Properties]) -> None:
    """Make ``model``'s ``create_from_cloudformation_json`` see ``rewrite(properties)`` instead of the template's."""
    original_create = model.create_from_cloudformation_json.__func__

    def create(
        cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, /, **kwargs: Any
    ) -> Any:
        cloudformation_json = {**cloudformation_json, "Properties": rewrite(dict(cloudformation_json["Properties"]))}
        return original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    model.create_from_cloudformation_json = classmethod(create)


def emulate_custom_resource(resource_type: str, act: Callable[[Properties, str, str], None]) -> None:
    """Create ``resource_type`` custom resources by ``act(properties, account, region)``, not their Lambda.

    Every other custom resource type goes to moto's own create (and so to any patch before this one).
    """
    original_create = CustomModel.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(
        cls: type[CustomModel],
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        /,
        **kwargs: Any,
    ) -> CustomModel:
        if kwargs.get("ResourceType") != resource_type:
            return original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)  # type: ignore[no-any-return]
        act(cloudformation_json["Properties"], account_id, region_name)
        resource = CustomModel(region_name, "emulator", kwargs["LogicalId"], resource_name)  # type: ignore[abstract]
        resource.set_data({})
        return resource

    CustomModel.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]
