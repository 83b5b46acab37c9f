"""Requirement 10.2.1 / 10.2.2: audit logs capture network activity, with the details the standard needs.

- Every VPC has a flow log of ALL traffic, and every flow log's record format holds the source,
  destination, ports, protocol, action and time of each flow (AWS's default version-2 format does).
- Wherever the template controls egress (a Network Firewall or a Resolver DNS Firewall association),
  each VPC's DNS queries are logged (an ``AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation``).
"""

from __future__ import annotations

import re

from tap_vpc.compliance.pci_dss_v4.log_destinations import flow_logs_of
from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, ref
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict

#: Fields a flow record needs for 10.2.2: origination and destination, ports, protocol, outcome, time.
REQUIRED_FIELDS = ("srcaddr", "dstaddr", "srcport", "dstport", "protocol", "action", "start", "end")
#: AWS's default record (version 2), used when a flow log sets no ``LogFormat``.
DEFAULT_FORMAT_FIELDS = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
]
EGRESS_CONTROL = ("AWS::NetworkFirewall::Firewall", "AWS::Route53Resolver::FirewallRuleGroupAssociation")


def record_fields(log_format: object) -> list[str]:
    """The ``${field}`` names of a ``LogFormat``, or the default record's fields when it is None."""
    if log_format is None:
        return list(DEFAULT_FORMAT_FIELDS)
    return re.findall(r"\$\{([a-z0-9-]+)\}", str(log_format))


def check_flow_logs(template: CfnTemplate) -> Verdict:
    """10.2.1: each VPC has an ALL-traffic flow log; no flow log's format lacks a ``REQUIRED_FIELDS`` field."""
    vpcs = template.of_type("AWS::EC2::VPC")
    if not vpcs:
        return not_applicable("no VPC")
    evidence, violations = [], []
    for vpc in vpcs:
        flow_logs = flow_logs_of(template, vpc)
        for flow_log in flow_logs:
            fields = record_fields(flow_log.properties.get("LogFormat"))
            missing = [field for field in REQUIRED_FIELDS if field not in fields]
            evidence.append(
                Evidence.of(
                    flow_log,
                    ResourceId=vpc.logical_id,
                    TrafficType=flow_log.properties.get("TrafficType"),
                    LogDestinationType=flow_log.properties.get("LogDestinationType", "cloud-watch-logs"),
                    **{"required fields present": [field for field in REQUIRED_FIELDS if field in fields]},
                )
            )
            if missing:
                violations.append(Violation(flow_log.logical_id, f"record format lacks {', '.join(missing)}"))
        if not any(flow_log.properties.get("TrafficType") == "ALL" for flow_log in flow_logs):
            violations.append(Violation(vpc.logical_id, "VPC has no flow log of ALL traffic"))
    return verdict(evidence, violations)


def check_dns_query_logs(template: CfnTemplate) -> Verdict:
    """10.2.1: with egress control, every VPC has a Resolver query-logging association."""
    vpcs = template.of_type("AWS::EC2::VPC")
    associated = {
        ref(association.properties.get("ResourceId")): association
        for association in template.of_type("AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation")
    }
    evidence = [
        Evidence.of(association, ResourceId=logical_id, ResolverQueryLogConfigId="set")
        for logical_id, association in associated.items()
    ]
    if not vpcs or not any(template.has(kind) for kind in EGRESS_CONTROL):
        return Verdict(False, tuple(evidence), note="no egress control (Network Firewall or DNS Firewall) here")
    violations = [
        Violation(vpc.logical_id, "egress is controlled but the VPC's DNS queries are not logged")
        for vpc in vpcs
        if vpc.logical_id not in associated
    ]
    return verdict(evidence, violations)


FLOW_LOGS = Rule(
    "10.2.1-FlowLogs",
    ("10.2.1", "10.2.2"),
    "Every VPC logs ALL traffic, each record with source, destination, ports, protocol, action and time.",
    check_flow_logs,
)
DNS_QUERY_LOGS = Rule(
    "10.2.1-DnsQueryLogs",
    ("10.2.1",),
    "Wherever egress is controlled, the VPC's DNS queries are logged.",
    check_dns_query_logs,
)
