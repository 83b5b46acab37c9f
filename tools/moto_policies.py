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

from tools.moto_models import Properties, rewrite_properties


def as_json(document: Any) -> Any:
    """A policy document as JSON text, as AWS keeps it; text (or nothing) is left as it is."""
    return json.dumps(document) if isinstance(document, dict) else document


def _key_policy_as_json(properties: Properties) -> Properties:
    return {**properties, "KeyPolicy": as_json(properties.get("KeyPolicy"))}


def _endpoint_policy_as_json(properties: Properties) -> Properties:
    return {**properties, "PolicyDocument": as_json(properties.get("PolicyDocument"))}


def _inline_policies_as_json(properties: Properties) -> Properties:
    policies = [{**p, "PolicyDocument": as_json(p["PolicyDocument"])} for p in properties.get("Policies", [])]
    return {**properties, "Policies": policies}


def patch_kms_key_policy() -> None:
    """AWS::KMS::Key: keep ``KeyPolicy`` as JSON, so DescribeKey and the other key calls answer."""
    rewrite_properties(Key, _key_policy_as_json)


def patch_policy_documents() -> None:
    """AWS::EC2::VPCEndpoint ``PolicyDocument`` and AWS::IAM::Role ``Policies``: stored as JSON, returned as JSON."""
    rewrite_properties(VPCEndPoint, _endpoint_policy_as_json)
    rewrite_properties(Role, _inline_policies_as_json)
