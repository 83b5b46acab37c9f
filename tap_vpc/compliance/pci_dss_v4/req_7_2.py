"""Requirements 7.2.2 / 7.2.5 / 8.6.1: the roles this app creates have the least privilege they need.

- No ``Allow`` statement of a role's inline policies, an ``AWS::IAM::Policy`` or an
  ``AWS::IAM::ManagedPolicy`` grants a wildcard action (``*``, ``s3:*``, ``ec2:Describe*``) or uses
  ``NotAction``. AWS managed policies attached by ARN are outside the template; the evidence lists them.
- Every role that an AWS service assumes carries an ``aws:SourceAccount`` or ``aws:SourceArn``
  condition in its trust policy, so no other account can make the service use it (the confused
  deputy). Where AWS documents no such key for the service, an acknowledgement says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, Resource, as_list, statements
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict

CONFUSED_DEPUTY_KEYS = ("aws:SourceAccount", "aws:SourceArn")
POLICY_TYPES = ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")


def _documents(resource: Resource) -> Iterator[tuple[str, object]]:
    if resource.type == "AWS::IAM::Role":
        for policy in as_list(resource.properties.get("Policies")):
            yield f"Policies[{policy.get('PolicyName')}]", policy.get("PolicyDocument")
    else:
        yield "PolicyDocument", resource.properties.get("PolicyDocument")


def _wildcards(statement: Mapping[str, Any]) -> list[str]:
    if "NotAction" in statement:
        return [f"NotAction {action}" for action in as_list(statement["NotAction"])]
    return [str(action) for action in as_list(statement.get("Action")) if "*" in str(action)]


def check_no_wildcard_actions(template: CfnTemplate) -> Verdict:
    """7.2.2 / 7.2.5: no Allow statement of the template's IAM policies has a wildcard action or NotAction."""
    resources = template.of_type(*POLICY_TYPES)
    if not resources:
        return not_applicable("no IAM role or policy")
    evidence, violations = [], []
    for resource in resources:
        for where, document in _documents(resource):
            allowed = [s for s in statements(document) if s.get("Effect") == "Allow"]
            actions = sorted({str(a) for s in allowed for a in as_list(s.get("Action") or s.get("NotAction"))})
            evidence.append(Evidence.of(resource, **{f"{where} actions": actions}))
            wildcards = [wildcard for statement in allowed for wildcard in _wildcards(statement)]
            if wildcards:
                violations.append(Violation(resource.logical_id, f"{where} allows wildcard actions {wildcards}"))
        if resource.type == "AWS::IAM::Role" and resource.properties.get("ManagedPolicyArns"):
            evidence.append(Evidence.of(resource, ManagedPolicyArns=resource.properties["ManagedPolicyArns"]))
    return verdict(evidence, violations)


def _service_principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [str(service) for service in as_list(principal.get("Service"))]


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    condition = statement.get("Condition") or {}
    return {key for operator in condition.values() if isinstance(operator, Mapping) for key in operator}


def check_service_roles_scoped(template: CfnTemplate) -> Verdict:
    """7.2.5 / 8.6.1: each statement trusting an AWS service names ``aws:SourceAccount`` or ``aws:SourceArn``."""
    evidence, violations = [], []
    for role in template.of_type("AWS::IAM::Role"):
        for statement in statements(role.properties.get("AssumeRolePolicyDocument")):
            services = _service_principals(statement)
            if statement.get("Effect") != "Allow" or not services:
                continue
            keys = sorted(_condition_keys(statement) & set(CONFUSED_DEPUTY_KEYS))
            evidence.append(Evidence.of(role, **{"trusted service": services, "confused-deputy conditions": keys}))
            if not keys:
                violations.append(
                    Violation(
                        role.logical_id,
                        f"trust policy lets {', '.join(services)} assume the role without "
                        f"{' or '.join(CONFUSED_DEPUTY_KEYS)}",
                    )
                )
    if not evidence:
        return not_applicable("no role assumed by an AWS service")
    return verdict(evidence, violations)


NO_WILDCARD_ACTIONS = Rule(
    "7.2.5-NoWildcardActions",
    ("7.2.2", "7.2.5"),
    "No role or policy this app creates allows a wildcard action.",
    check_no_wildcard_actions,
)
SERVICE_ROLES_SCOPED = Rule(
    "7.2.5-ServiceRolesScopedToAccount",
    ("7.2.5", "8.6.1"),
    "Every service role can be assumed only by its service acting for this account.",
    check_service_roles_scoped,
)
