"""Requirement 1.2: network security controls are configured and maintained.

- 1.2.5 / 1.2.8: every security-group rule and network ACL entry says why it exists (a group rule
  its ``Description``, an ACL entry the ``TapVpc::Why`` metadata the ACL plan records: CloudFormation
  gives ACL entries no description).
- 1.2.7 (Security Hub EC2.16): no network ACL is left unused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, as_list, ref
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict

#: Resource metadata key holding an ACL entry's reason (written by ``segmentation.network_acls``).
WHY_METADATA = "TapVpc::Why"
GROUP_RULE_TYPES = ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")


def _flow(rule: Mapping[str, Any]) -> str:
    protocol = rule.get("IpProtocol", "?")
    ports = f" {rule.get('FromPort')}-{rule.get('ToPort')}" if "FromPort" in rule else ""
    return f"{protocol}{ports}"


def check_rule_reasons(template: CfnTemplate) -> Verdict:
    """1.2.5 / 1.2.8: each group rule has a non-empty ``Description``, each ACL entry a ``TapVpc::Why``."""
    evidence, violations = [], []
    for group in template.of_type("AWS::EC2::SecurityGroup"):
        for key in ("SecurityGroupIngress", "SecurityGroupEgress"):
            for index, rule in enumerate(as_list(group.properties.get(key))):
                description = rule.get("Description") if isinstance(rule, Mapping) else None
                evidence.append(Evidence.of(group, **{f"{key}[{index}].Description": description}))
                if not description:
                    violations.append(Violation(group.logical_id, f"{key}[{index}] ({_flow(rule)}) has no Description"))
    for rule_resource in template.of_type(*GROUP_RULE_TYPES):
        description = rule_resource.properties.get("Description")
        evidence.append(Evidence.of(rule_resource, Description=description))
        if not description:
            violations.append(
                Violation(rule_resource.logical_id, f"{_flow(rule_resource.properties)} rule has no Description")
            )
    for entry in template.of_type("AWS::EC2::NetworkAclEntry"):
        why = entry.metadata.get(WHY_METADATA)
        evidence.append(Evidence.of(entry, **{f"Metadata.{WHY_METADATA}": why}))
        if not why:
            violations.append(Violation(entry.logical_id, f"network ACL entry records no {WHY_METADATA} reason"))
    if not evidence:
        return not_applicable("no security group or network ACL entry")
    return verdict(evidence, violations)


def check_unused_network_acls(template: CfnTemplate) -> Verdict:
    """1.2.7: every ``AWS::EC2::NetworkAcl`` is associated with at least one subnet."""
    acls = template.of_type("AWS::EC2::NetworkAcl")
    if not acls:
        return not_applicable("no network ACL of its own (subnets, if any, use the VPC's default ACL)")
    subnets: dict[str, list[str]] = {}
    for association in template.of_type("AWS::EC2::SubnetNetworkAclAssociation"):
        acl_id = ref(association.properties.get("NetworkAclId"))
        subnets.setdefault(acl_id or "", []).append(ref(association.properties.get("SubnetId")) or "?")
    evidence, violations = [], []
    for acl in acls:
        associated = subnets.get(acl.logical_id, [])
        evidence.append(Evidence.of(acl, **{"associated subnets": associated}))
        if not associated:
            violations.append(Violation(acl.logical_id, "network ACL is associated with no subnet"))
    return verdict(evidence, violations)


RULE_REASONS = Rule(
    "1.2.5-RuleReasons",
    ("1.2.5", "1.2.8"),
    "Every security-group rule and network ACL entry records why it is allowed.",
    check_rule_reasons,
)
UNUSED_NETWORK_ACLS = Rule(
    "1.2.7-NoUnusedNetworkAcl",
    ("1.2.7",),
    "No network ACL is left unused.",
    check_unused_network_acls,
    ("EC2.16",),
)
