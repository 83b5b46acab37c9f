"""parliament (with its community privilege-escalation auditors) over every IAM policy a synthesized stack holds.

A template's policies carry CloudFormation tokens; ``resolve`` turns each into the concrete value it
stands for (an ARN of the right type), so parliament checks real resource formats. Acknowledgements
come from the construct tree (``tap_vpc.compliance.acknowledgements.acknowledge_policy_lint``).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import parliament
from aws_cdk import CfnResource, Stack

from tap_vpc.compliance.acknowledgements import POLICY_LINT_ACKNOWLEDGEMENT

parliament.override_config(
    os.path.join(os.path.dirname(parliament.__file__), "community_auditors", "config_override.yaml")
)


def _indexed_lookups() -> tuple[Any, Any]:
    """Give parliament 1.6.4 a dictionary for exact action names, and a policy's allowed actions once; its answers do not change.

    Its ``expand_action`` and ``statement.get_privilege_info`` scan the whole IAM database (400+
    services) on every call, and an audit makes about 190,000 of them: 10 of the 11 seconds that
    linting one environment took. Exact names (no ``*`` or ``?``) are looked up; patterns, unknown
    names and their exceptions still go through parliament's own functions, which it returns.
    """
    from parliament import policy, statement
    from parliament.community_auditors import sensitive_access

    privileges: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    expansions: dict[tuple[str, str], list[dict[str, str]]] = {}
    for service in parliament.iam_definition:
        for privilege in service["privileges"]:
            privileges.setdefault((service["prefix"], privilege["privilege"]), (service, privilege))
            entry = {"service": service["prefix"], "action": privilege["privilege"]}
            expansions.setdefault((service["prefix"], privilege["privilege"].lower()), []).append(entry)
    scan_actions, scan_privileges = parliament.expand_action, statement.get_privilege_info

    @functools.cache
    def expand_action(action: str, raise_exceptions: bool = True) -> list[dict[str, str]]:
        prefix, _, name = action.partition(":")
        found = expansions.get((prefix.lower(), name.lower()))
        if found is None or any(glob in action for glob in "*?["):
            return list(scan_actions(action, raise_exceptions))
        return found

    def get_privilege_info(service: str, action: str) -> dict[str, Any]:
        if (service, action) not in privileges:
            return dict(scan_privileges(service, action))  # raises UnknownActionException, as before
        service_info, privilege_info = privileges[service, action]
        privilege_info["service_resources"] = service_info["resources"]
        privilege_info["service_conditions"] = service_info["conditions"]
        return privilege_info

    all_allowed = policy.Policy.get_allowed_actions

    def get_allowed_actions(self: Any, raise_exceptions: bool = True) -> list[str]:
        # Four community auditors ask each policy for this list; a policy's statements do not change
        # during its audit, so it is worked out once per policy (a second of work for Action "*").
        known = self.__dict__.setdefault("_tap_vpc_allowed_actions", {})
        if raise_exceptions not in known:
            known[raise_exceptions] = all_allowed(self, raise_exceptions)
        return list(known[raise_exceptions])

    for module in (parliament, policy, statement, sensitive_access):
        module.expand_action = expand_action
    statement.get_privilege_info = get_privilege_info
    policy.Policy.get_allowed_actions = get_allowed_actions
    return scan_actions, scan_privileges


#: parliament's own scanning functions, which the lookups replace (tests compare the two).
SCAN_ACTIONS, SCAN_PRIVILEGES = _indexed_lookups()

#: What fails the unit suite: unknown actions, prefixes and condition keys, resource-type mismatches, escalations.
GATED = ("RESOURCE_MISMATCH", "PRIVILEGE_ESCALATION", "RESOURCE_POLICY_PRIVILEGE_ESCALATION")
#: Properties that hold a policy document, by where they sit.
DOCUMENT_KEYS = ("PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument")


@dataclass(frozen=True)
class Finding:
    """One parliament finding on one policy document of resource ``logical_id``: ``issue`` and its ``key``."""

    logical_id: str
    document: str
    issue: str
    key: str

    def matches(self, acknowledged: str) -> bool:
        """Whether an acknowledgement (``ISSUE`` or ``ISSUE:key``) covers this finding."""
        return acknowledged in (self.issue, f"{self.issue}:{self.key}")

    @property
    def gated(self) -> bool:
        """Whether this finding fails the suite unless acknowledged."""
        return self.issue.startswith("UNKNOWN_") or self.issue in GATED


def resolve(value: Any, resources: Mapping[str, Any], account: str, region: str) -> Any:
    """``value`` with every Ref, Fn::GetAtt, Fn::Join and Fn::Sub replaced by the string it stands for."""
    if isinstance(value, list):
        return [resolve(item, resources, account, region) for item in value]
    if not isinstance(value, dict):
        return value
    pseudo = {
        "AWS::Partition": "aws",
        "AWS::Region": region,
        "AWS::AccountId": account,
        "AWS::URLSuffix": "amazonaws.com",
    }
    if "Ref" in value:
        target = value["Ref"]
        if target in pseudo:
            return pseudo[target]
        if resources[target]["Type"] == "AWS::IAM::OIDCProvider":
            return f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
        return target.lower()
    if "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        resource = resources[logical_id]
        properties = resource.get("Properties", {})
        arns = {
            "AWS::Logs::LogGroup": f"arn:aws:logs:{region}:{account}:log-group:{properties.get('LogGroupName')}:*",
            "AWS::S3::Bucket": f"arn:aws:s3:::{logical_id.lower()}",
            "AWS::KMS::Key": f"arn:aws:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "AWS::IAM::Role": f"arn:aws:iam::{account}:role/{properties.get('RoleName', logical_id)}",
            "AWS::IAM::OIDCProvider": f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com",
        }
        if attribute == "Arn":
            return arns[resource["Type"]]
        return "sg-0123456789abcdef0" if attribute == "DefaultSecurityGroup" else f"{logical_id.lower()}-{attribute}"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(str(resolve(part, resources, account, region)) for part in parts)
    if "Fn::Sub" in value:
        text = value["Fn::Sub"]
        for name, replacement in pseudo.items():
            text = text.replace("${" + name + "}", replacement)
        return text
    return {key: resolve(item, resources, account, region) for key, item in value.items()}


def _keys(issue: str, detail: Any, location: Any) -> list[str]:
    if issue == "PRIVILEGE_ESCALATION":
        return [str(location.get("type"))]
    if issue == "RESOURCE_MISMATCH" and isinstance(detail, list):
        return [str(item["action"]) for item in detail]
    if isinstance(detail, str) and detail.startswith("Unknown action "):
        return [detail.removeprefix("Unknown action ")]
    if isinstance(detail, str) and " for action " in detail:
        return [detail.rsplit(" for action ", 1)[1]]
    return [str(detail)]


@functools.cache
def _analyze(text: str) -> tuple[tuple[str, str], ...]:
    """Parliament's (issue, key) findings on one policy document; cached, since stacks repeat documents."""
    policy = parliament.analyze_policy_string(text, include_community_auditors=True)
    return tuple(
        (finding.issue, key)
        for finding in policy.findings
        for key in _keys(finding.issue, finding.detail, finding.location)
    )


def lint_template(template: Mapping[str, Any], account: str, region: str) -> list[Finding]:
    """Every parliament finding on every policy document of ``template`` (an inline policy as ``Policies/<name>``)."""
    resources = template["Resources"]
    findings = []
    for logical_id, resource in resources.items():
        properties = resource.get("Properties", {})
        documents = [(key, properties[key]) for key in DOCUMENT_KEYS if key in properties]
        documents += [(f"Policies/{p['PolicyName']}", p["PolicyDocument"]) for p in properties.get("Policies", [])]
        for name, document in documents:
            text = json.dumps(resolve(document, resources, account, region), sort_keys=True)
            findings += [Finding(logical_id, name, issue, key) for issue, key in _analyze(text)]
    return findings


def acknowledged(stack: Stack) -> dict[str, list[str]]:
    """Logical ID -> the findings acknowledged on that resource (``acknowledge_policy_lint``)."""
    found: dict[str, list[str]] = {}
    for construct in stack.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == POLICY_LINT_ACKNOWLEDGEMENT:
                assert isinstance(construct, CfnResource)
                found.setdefault(stack.resolve(construct.logical_id), []).extend(entry.data["findings"])
    return found


def unacknowledged(findings: list[Finding], acknowledgements: Mapping[str, list[str]]) -> list[str]:
    """One line per gated finding no acknowledgement on its resource covers."""
    return sorted(
        {
            f"{f.logical_id} {f.document}: {f.issue} {f.key}"
            for f in findings
            if f.gated and not any(f.matches(a) for a in acknowledgements.get(f.logical_id, []))
        }
    )


def unneeded(findings: list[Finding], acknowledgements: Mapping[str, list[str]]) -> list[str]:
    """One line per acknowledgement that no finding of its resource needs."""
    return sorted(
        f"{logical_id}: {entry}"
        for logical_id, entries in acknowledgements.items()
        for entry in entries
        if not any(f.logical_id == logical_id and f.matches(entry) for f in findings)
    )
