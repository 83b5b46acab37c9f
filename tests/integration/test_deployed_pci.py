"""The PCI DSS v4.0.1 pack's facts, live: what the pack reads in the template, read back from the deployed stack.

Key rotation and key policies (3.7.4), the gateway endpoint policies (1.3.2; the interface ones are
in test_deployed_segmentation.py), the
lock-down roles' inline policies (7.2.5), the default network ACL (1.3.1, EC2.21), and the pack's
verdicts over the template CloudFormation holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from tap_vpc.compliance.pci_dss_v4.pack import evaluate
from tests.integration.conftest import Deployment
from tools.project import synthesize
from tools.stack_resources import physical_ids

pytestmark = pytest.mark.integration

#: What AWS (and moto) return for a gateway endpoint created without a policy: full access.
FULL_ACCESS = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def template_resources(deployment: Deployment, resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical ID -> properties of each ``resource_type`` resource of the template as synthesized."""
    resources = synthesize(deployment.config).to_json()["Resources"]
    return {lid: res.get("Properties", {}) for lid, res in resources.items() if res["Type"] == resource_type}


def live(deployment: Deployment, resource_type: str) -> dict[str, str]:
    return physical_ids(deployment.client("cloudformation"), deployment.config.stack_name, resource_type)


def deployed_template(deployment: Deployment) -> dict[str, Any]:
    body = deployment.client("cloudformation").get_template(StackName=deployment.config.stack_name)["TemplateBody"]
    return body if isinstance(body, dict) else json.loads(body)


def test_every_key_is_enabled_rotates_and_keeps_the_policy_of_its_template(deployment: Deployment) -> None:
    kms = deployment.client("kms")
    keys = live(deployment, "AWS::KMS::Key")
    expected = template_resources(deployment, "AWS::KMS::Key")
    assert sorted(keys) == sorted(expected)
    for logical_id, key_id in keys.items():
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
        policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
        sids = [statement.get("Sid") for statement in expected[logical_id]["KeyPolicy"]["Statement"]]
        assert [statement.get("Sid") for statement in policy["Statement"]] == sids
        (deny,) = [s for s in policy["Statement"] if s.get("Sid") == "DenyGrantsExceptForAwsServices"]
        assert (deny["Effect"], deny["Action"]) == ("Deny", "kms:CreateGrant")  # CT.KMS.PR.3


def test_each_gateway_endpoint_has_the_policy_its_template_gives_it(deployment: Deployment) -> None:
    endpoints = live(deployment, "AWS::EC2::VPCEndpoint")
    expected = {
        lid: props
        for lid, props in template_resources(deployment, "AWS::EC2::VPCEndpoint").items()
        if props.get("VpcEndpointType") == "Gateway"
    }
    assert len(expected) == 2  # S3 and DynamoDB
    described = deployment.client("ec2").describe_vpc_endpoints(VpcEndpointIds=[endpoints[lid] for lid in expected])
    by_id = {endpoint["VpcEndpointId"]: endpoint for endpoint in described["VpcEndpoints"]}
    for logical_id, properties in expected.items():
        policy = json.loads(by_id[endpoints[logical_id]]["PolicyDocument"])
        if "PolicyDocument" in properties:
            assert [s.get("Sid") for s in policy["Statement"]] == [
                s.get("Sid") for s in properties["PolicyDocument"]["Statement"]
            ]
        else:
            # No policy in the template: AWS's default, full access, which the pack's 1.3.2 rule
            # refuses once the template controls egress.
            assert policy["Statement"] == [FULL_ACCESS]


def test_the_lockdown_roles_inline_policies_name_their_actions(deployment: Deployment) -> None:
    iam = deployment.client("iam")
    roles = live(deployment, "AWS::IAM::Role")
    expected = {
        lid: props for lid, props in template_resources(deployment, "AWS::IAM::Role").items() if "Policies" in props
    }
    assert len(expected) == 2  # the default security group's lock-down and the default network ACL's
    for logical_id, properties in expected.items():
        for policy in properties["Policies"]:
            document = iam.get_role_policy(RoleName=roles[logical_id], PolicyName=policy["PolicyName"])[
                "PolicyDocument"
            ]
            document = json.loads(document) if isinstance(document, str) else document
            actions = [action for statement in document["Statement"] for action in statement["Action"]]
            assert actions == [a for s in policy["PolicyDocument"]["Statement"] for a in s["Action"]]
            assert not [action for action in actions if "*" in action]


def test_the_default_network_acl_admits_nothing_and_no_subnet_uses_it(deployment: Deployment) -> None:
    (acl,) = deployment.client("ec2").describe_network_acls(
        Filters=[
            {"Name": "vpc-id", "Values": [deployment.outputs["VpcId"]]},
            {"Name": "default", "Values": ["true"]},
        ]
    )["NetworkAcls"]
    assert [entry for entry in acl["Entries"] if entry["RuleAction"] == "allow"] == []
    assert {(entry["Egress"], entry["RuleNumber"]) for entry in acl["Entries"]} <= {
        (False, 32767),
        (True, 32767),
        (False, 32768),
        (True, 32768),
    }
    assert acl.get("Associations", []) == []


def test_the_deployed_template_has_only_the_findings_the_synth_acknowledged(deployment: Deployment) -> None:
    def findings(template: Mapping[str, Any]) -> set[tuple[str, str]]:
        return {(rule.rule_id, v.logical_id) for rule, verdict in evaluate(template) for v in verdict.violations}

    deployed = findings(deployed_template(deployment))
    assert deployed == findings(synthesize(deployment.config).to_json())
    assert {rule_id for rule_id, _ in deployed} == {
        "PCI.DSS.401-7.2.5-ServiceRolesScopedToAccount",
        "PCI.DSS.401-10.3.2-LogDestinationsEncrypted",
    }
