"""Requirement 1.3.2: outbound traffic from the CDE is restricted, where the template controls egress.

Both rules are driven by the template: they apply once it holds an ``AWS::NetworkFirewall::Firewall``
(egress control), and until then say so, with the evidence of what there is.

- Every private-tier route table sends 0.0.0.0/0 to a firewall endpoint (a ``VpcEndpointId``), and
  every firewall policy's stateful default actions drop (``aws:drop_strict`` or ``aws:drop_established``).
- Every gateway endpoint (S3, DynamoDB) has a policy, and no statement of it allows every action on
  every resource without a condition: an open gateway endpoint is a way out that no firewall sees.
"""

from __future__ import annotations

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, statements
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, verdict
from tap_vpc.segmentation.reachability.addresses import describe
from tap_vpc.segmentation.reachability.template_model import read_template
from tap_vpc.vocabulary import Tier

FIREWALL = "AWS::NetworkFirewall::Firewall"
#: Stateful default actions that drop what no rule passes (AWS Network Firewall, strict rule order).
DROPPING_DEFAULT_ACTIONS = ("aws:drop_strict", "aws:drop_established")
_NO_FIREWALL = "no AWS::NetworkFirewall::Firewall in the template: egress is not filtered here (the matrix still holds)"


def check_egress_through_firewall(template: CfnTemplate) -> Verdict:
    """1.3.2: with firewalls, private default routes go to a firewall endpoint and policies drop by default."""
    model = read_template(template.document)
    tables = sorted({s.route_table for s in model.subnets_of(Tier.PRIVATE.value) if s.route_table})
    evidence, violations = [], []
    for route in model.routes:
        if route.route_table not in tables or describe(route.destination) != "0.0.0.0/0":
            continue
        resource = template.resources[route.logical_id]
        target = next((key for key in resource.properties if key.endswith("Id") and key != "RouteTableId"), "none")
        evidence.append(Evidence.of(resource, RouteTableId=route.route_table, target=target))
        if target != "VpcEndpointId":
            violations.append(
                Violation(
                    route.logical_id,
                    f"private route table {route.route_table} sends 0.0.0.0/0 to {target} "
                    f"{route.target_id}, around the firewall",
                )
            )
    for policy in template.of_type("AWS::NetworkFirewall::FirewallPolicy"):
        actions = list(policy.properties.get("FirewallPolicy", {}).get("StatefulDefaultActions", []))
        evidence.append(Evidence.of(policy, **{"FirewallPolicy.StatefulDefaultActions": actions}))
        if not set(actions) & set(DROPPING_DEFAULT_ACTIONS):
            violations.append(
                Violation(
                    policy.logical_id,
                    f"stateful default actions {actions} pass what no rule allows; "
                    f"include {' or '.join(DROPPING_DEFAULT_ACTIONS)}",
                )
            )
    if not template.has(FIREWALL):
        return Verdict(False, tuple(evidence), note=_NO_FIREWALL)
    return verdict(evidence, violations)


def check_gateway_endpoint_policies(template: CfnTemplate) -> Verdict:
    """1.3.2: with firewalls, each gateway endpoint's policy allows nothing unconditionally on every resource."""
    evidence, violations = [], []
    for endpoint in template.of_type("AWS::EC2::VPCEndpoint"):
        if endpoint.properties.get("VpcEndpointType") != "Gateway":
            continue
        document = endpoint.properties.get("PolicyDocument")
        open_statements = [
            statement.get("Sid", str(index))
            for index, statement in enumerate(statements(document))
            if statement.get("Effect") == "Allow" and "Condition" not in statement and statement.get("Resource") == "*"
        ]
        evidence.append(
            Evidence.of(
                endpoint,
                ServiceName=endpoint.properties.get("ServiceName"),
                PolicyDocument="absent (AWS's default: full access)" if document is None else "present",
                **({"unconditional Allow on *": open_statements} if open_statements else {}),
            )
        )
        if document is None:
            violations.append(
                Violation(endpoint.logical_id, "gateway endpoint has no policy, so it allows full access")
            )
        elif open_statements:
            violations.append(
                Violation(endpoint.logical_id, f"statements {open_statements} allow every resource without a condition")
            )
    if not template.has(FIREWALL):
        return Verdict(False, tuple(evidence), note=_NO_FIREWALL)
    return verdict(evidence, violations)


EGRESS_THROUGH_FIREWALL = Rule(
    "1.3.2-EgressThroughFirewall",
    ("1.3.2",),
    "Private subnets reach the internet only through a firewall endpoint whose policy drops by default.",
    check_egress_through_firewall,
)
GATEWAY_ENDPOINT_POLICIES = Rule(
    "1.3.2-GatewayEndpointPolicies",
    ("1.3.2",),
    "No gateway endpoint lets the private tier reach every bucket or table around the firewall.",
    check_gateway_endpoint_policies,
)
