"""``PciDssV4Checks``: the pack as a CDK policy-validation plugin, run on every synth beside the others.

A validation plugin, not a cdk-nag pack: it reads each synthesized template once, as JSON, in pure
Python. Several rules need the whole template (which ACLs no subnet uses, which VPC a lock-down
belongs to, the reachability matrix), where a cdk-nag rule sees one resource at a time and pays a
jsii round trip for each resource, property and rule. Its findings land in the same
``validation-report.json`` as cdk-nag's and cfn-guard's, and are acknowledged the same way:
``Validations.of(construct).acknowledge("<PLUGIN_NAME>::<rule ID>")``.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from tap_vpc.compliance.pci_dss_v4.pack import RULES, evaluate

#: The plugin's name in the report; acknowledgement IDs start with it.
PLUGIN_NAME = "tap-vpc-pci-dss-v4"
PLUGIN_VERSION = "1.0.0"


def acknowledgement_id(rule_id: str) -> str:
    """What ``Validations.of(construct).acknowledge`` takes to acknowledge ``rule_id`` on one construct."""
    return f"{PLUGIN_NAME}::{rule_id}"


@jsii.implements(IPolicyValidationPlugin)
class PciDssV4Checks:
    """Every rule of ``pack.RULES`` over every template of the app; any violation fails the synth."""

    @property
    def name(self) -> str:
        """The plugin's name in the validation report."""
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        """The pack's version."""
        return PLUGIN_VERSION

    @property
    def rule_ids(self) -> list[str]:
        """Every rule ID the pack evaluates."""
        return [rule.rule_id for rule in RULES]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        """One violation per broken rule and resource, with the rule's one-line finding."""
        violations = []
        for template_path in context.template_paths:
            template = json.loads(Path(template_path).read_text())
            for rule, verdict in evaluate(template):
                for violation in verdict.violations:
                    violations.append(
                        PolicyViolation(
                            rule_name=rule.rule_id,
                            description=rule.describe(violation),
                            fix=rule.control,
                            severity="error",
                            violating_resources=[
                                PolicyViolatingResource(
                                    resource_logical_id=violation.logical_id,
                                    template_path=template_path,
                                    locations=["Properties"],
                                )
                            ],
                        )
                    )
        return PolicyValidationPluginReport(success=not violations, violations=violations)
