"""Requirement 1.3: network access to and from the cardholder data environment is restricted.

- 1.3.1 (Security Hub EC2.21): each VPC's default network ACL is locked down (the
  ``Custom::VpcRestrictDefaultNetworkAcl`` lock-down removes AWS's allow entries), and the template
  adds no allow entry to it.
- 1.3.1 (EC2.13, EC2.14, EC2.21, EC2.53, EC2.54): no security group and no network ACL admits
  0.0.0.0/0 or ::/0 to an administration port (22, 3389). Like Security Hub, an ACL's deny entries
  do not excuse a later allow entry: rule order is not considered.
- 1.3.1 / 1.3.2 / 1.4.x: the reachability matrix the template carries holds, by the same checker
  that gates every synth (``segmentation.reachability``), egress rules included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, Resource, as_list, get_att
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict
from tap_vpc.segmentation.reachability.check import check_template, describe_result
from tap_vpc.segmentation.reachability.template_model import SEGMENTATION_METADATA
from tap_vpc.vocabulary import DEFAULT_NETWORK_ACL_LOCKDOWN

#: Remote administration ports: SSH and RDP (Security Hub EC2.13, EC2.14, EC2.21, EC2.53, EC2.54).
ADMIN_PORTS = (22, 3389)
ANYWHERE = ("0.0.0.0/0", "::/0")
_ALL_PROTOCOLS = ("-1", "all")
_PORT_PROTOCOLS = ("6", "tcp", "17", "udp")


def check_default_network_acl(template: CfnTemplate) -> Verdict:
    """1.3.1: every VPC's default network ACL is emptied by a lock-down and given no allow entry."""
    vpcs = template.of_type("AWS::EC2::VPC")
    if not vpcs:
        return not_applicable("no VPC")
    lockdowns: dict[str, Resource] = {}
    for lockdown in template.of_type(DEFAULT_NETWORK_ACL_LOCKDOWN):
        target = get_att(lockdown.properties.get("DefaultNetworkAclId"))
        if target is not None and target[1] == "DefaultNetworkAcl":
            lockdowns[target[0]] = lockdown
    evidence, violations = [], []
    for vpc in vpcs:
        found = lockdowns.get(vpc.logical_id)
        if found is None:
            violations.append(
                Violation(
                    vpc.logical_id,
                    f"the VPC's default network ACL keeps AWS's allow-all entries: no {DEFAULT_NETWORK_ACL_LOCKDOWN} "
                    "names its Fn::GetAtt DefaultNetworkAcl",
                )
            )
        else:
            evidence.append(Evidence.of(lockdown, DefaultNetworkAclId=f"Fn::GetAtt {vpc.logical_id}.DefaultNetworkAcl"))
    for entry in template.of_type("AWS::EC2::NetworkAclEntry"):
        target = get_att(entry.properties.get("NetworkAclId"))
        if target is not None and target[1] == "DefaultNetworkAcl" and _allows(entry.properties):
            violations.append(Violation(entry.logical_id, f"allow entry in the default network ACL of {target[0]}"))
    return verdict(evidence, violations)


def _allows(properties: Mapping[str, Any]) -> bool:
    return str(properties.get("RuleAction", "")).lower() == "allow"


def _from_anywhere(value: object) -> bool:
    """A literal 0.0.0.0/0 or ::/0, or a peer the template cannot resolve (counted as anywhere).

    The VPC's own ``Fn::GetAtt ... CidrBlock`` is not anywhere.
    """
    if isinstance(value, str):
        return value in ANYWHERE
    attribute = get_att(value)
    return not (attribute is not None and attribute[1] in ("CidrBlock", "Ipv6CidrBlocks"))


def _covers_admin_port(protocol: object, low: object, high: object) -> list[int]:
    name = str(protocol).lower()
    if name in _ALL_PROTOCOLS:
        return list(ADMIN_PORTS)
    if name not in _PORT_PROTOCOLS:
        return []
    if low is None or high is None:
        return list(ADMIN_PORTS)
    return [port for port in ADMIN_PORTS if int(str(low)) <= port <= int(str(high))]


def _ingress_rules(template: CfnTemplate) -> list[tuple[Resource, str, Mapping[str, Any]]]:
    found = []
    for group in template.of_type("AWS::EC2::SecurityGroup"):
        for index, rule in enumerate(as_list(group.properties.get("SecurityGroupIngress"))):
            found.append((group, f"SecurityGroupIngress[{index}]", rule))
    found += [(rule, "", rule.properties) for rule in template.of_type("AWS::EC2::SecurityGroupIngress")]
    return found


def check_admin_ports(template: CfnTemplate) -> Verdict:
    """1.3.1: no group ingress rule and no inbound ACL allow entry opens 22 or 3389 to 0.0.0.0/0 or ::/0."""
    evidence, violations = [], []
    for resource, where, rule in _ingress_rules(template):
        for key in ("CidrIp", "CidrIpv6"):
            if key in rule and _from_anywhere(rule[key]):
                ports = _covers_admin_port(rule.get("IpProtocol"), rule.get("FromPort"), rule.get("ToPort"))
                label = f"{where}." if where else ""
                evidence.append(
                    Evidence.of(
                        resource,
                        **{
                            f"{label}{key}": rule[key],
                            f"{label}IpProtocol": rule.get("IpProtocol"),
                            f"{label}ports": f"{rule.get('FromPort')}-{rule.get('ToPort')}",
                        },
                    )
                )
                if ports:
                    violations.append(
                        Violation(
                            resource.logical_id,
                            f"{where or 'ingress'} admits {rule[key]} to port {', '.join(map(str, ports))}",
                        )
                    )
    for entry in template.of_type("AWS::EC2::NetworkAclEntry"):
        properties = entry.properties
        if str(properties.get("Egress", False)).lower() == "true" or not _allows(properties):
            continue
        for key in ("CidrBlock", "Ipv6CidrBlock"):
            if key in properties and _from_anywhere(properties[key]):
                port_range = properties.get("PortRange") or {}
                ports = _covers_admin_port(properties.get("Protocol"), port_range.get("From"), port_range.get("To"))
                evidence.append(
                    Evidence.of(
                        entry,
                        **{
                            key: properties[key],
                            "Protocol": properties.get("Protocol"),
                            "PortRange": f"{port_range.get('From')}-{port_range.get('To')}" if port_range else "all",
                        },
                    )
                )
                if ports:
                    violations.append(
                        Violation(
                            entry.logical_id,
                            f"inbound allow entry {properties.get('RuleNumber')} admits {properties[key]} "
                            f"to port {', '.join(map(str, ports))}",
                        )
                    )
    return verdict(evidence, violations, note="ingress from anywhere, none to an administration port")


def check_segmentation_matrix(template: CfnTemplate) -> Verdict:
    """1.3.1 / 1.3.2 / 1.4.x: every rule of the template's reachability matrix holds (``check_template``)."""
    vpcs = template.of_type("AWS::EC2::VPC")
    if not vpcs:
        return not_applicable("no VPC")
    vpc = vpcs[0]
    if not template.document.get("Metadata", {}).get(SEGMENTATION_METADATA):
        return verdict([], [Violation(vpc.logical_id, f"the template carries no {SEGMENTATION_METADATA} matrix")])
    results = check_template(template.document)
    evidence = [Evidence.of(vpc, **{result.rule.text: describe_result(result) for result in results})]
    violations = []
    for result in results:
        for layer in result.broken_layers():
            decider = layer.deciders[0] if layer.deciders else vpc.logical_id
            verb = "lets it through" if layer.state == "open" else "blocks it"
            violations.append(
                Violation(
                    decider.split(" (", 1)[0],
                    f"matrix rule '{result.rule.text}': the {layer.layer} layer {verb}: {'; '.join(layer.deciders)}",
                )
            )
    return verdict(evidence, violations)


DEFAULT_NETWORK_ACL = Rule(
    "1.3.1-DefaultNetworkAclClosed",
    ("1.3.1",),
    "Each VPC's default network ACL admits nothing: the lock-down removes AWS's allow-all entries.",
    check_default_network_acl,
    ("EC2.21",),
)
ADMIN_PORTS_CLOSED = Rule(
    "1.3.1-NoAdminPortsFromAnywhere",
    ("1.3.1",),
    "No security group and no network ACL admits 0.0.0.0/0 or ::/0 to port 22 or 3389.",
    check_admin_ports,
    ("EC2.13", "EC2.14", "EC2.21", "EC2.53", "EC2.54"),
)
SEGMENTATION_MATRIX = Rule(
    "1.3-SegmentationMatrix",
    ("1.3.1", "1.3.2", "1.4.1", "1.4.2", "1.4.4"),
    "Every rule of the reachability matrix holds on routes, network ACLs and security groups.",
    check_segmentation_matrix,
)
