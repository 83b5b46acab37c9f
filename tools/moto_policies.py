"""moto 5.2.5 patches: policy documents from CloudFormation are kept as JSON, as AWS returns them.

moto's CloudFormation hands a resource's policy to its backend as the parsed template dict. AWS
stores and returns policies as JSON text; moto keeps the dict, so:

- a KMS key's ``KeyPolicy``: every call that checks the key policy (DescribeKey among them) runs
  ``json.loads`` on the dict and answers 500 (``TypeError: the JSON object must be str ... not dict``);
- a VPC endpoint's ``PolicyDocument`` and a role's inline ``Policies``: DescribeVpcEndpoints and
  GetRolePolicy return ``str(dict)``, a Python repr that no JSON parser reads.

Each patch serializes the document before moto's own create runs; ``tools.moto_server.PATCHES``
lists them.
"""

from __future__ import annotations

import json
from typing import Any

from moto.ec2.models.vpcs import VPCEndPoint
from moto.iam.models import Role
from moto.kms.models import Key


def as_json(document: Any) -> Any:
    """A policy document as JSON text, as AWS keeps it; text (or nothing) is left as it is."""
    return json.dumps(document) if isinstance(document, dict) else document


def _with_properties(cloudformation_json: Any, **changes: Any) -> Any:
    return {**cloudformation_json, "Properties": {**cloudformation_json["Properties"], **changes}}


def patch_kms_key_policy() -> None:
    """AWS::KMS::Key: keep ``KeyPolicy`` as JSON, so DescribeKey and the other key calls answer."""
    original_create = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(
        cls: type[Key],
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        /,
        **kwargs: Any,
    ) -> Key:
        policy = as_json(cloudformation_json["Properties"].get("KeyPolicy"))
        cloudformation_json = _with_properties(cloudformation_json, KeyPolicy=policy)
        return original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)  # type: ignore[no-any-return]

    Key.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]


def patch_policy_documents() -> None:
    """AWS::EC2::VPCEndpoint ``PolicyDocument`` and AWS::IAM::Role ``Policies``: stored as JSON, returned as JSON."""
    original_endpoint = VPCEndPoint.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    original_role = Role.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_endpoint(
        cls: type[VPCEndPoint],
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> VPCEndPoint:
        document = as_json(cloudformation_json["Properties"].get("PolicyDocument"))
        cloudformation_json = _with_properties(cloudformation_json, PolicyDocument=document)
        return original_endpoint(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)  # type: ignore[no-any-return]

    def create_role(
        cls: type[Role], resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> Role:
        policies = [
            {**policy, "PolicyDocument": as_json(policy["PolicyDocument"])}
            for policy in cloudformation_json["Properties"].get("Policies", [])
        ]
        cloudformation_json = _with_properties(cloudformation_json, Policies=policies)
        return original_role(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)  # type: ignore[no-any-return]

    VPCEndPoint.create_from_cloudformation_json = classmethod(create_endpoint)  # type: ignore[method-assign,assignment,arg-type]
    Role.create_from_cloudformation_json = classmethod(create_role)  # type: ignore[method-assign,assignment,arg-type]
