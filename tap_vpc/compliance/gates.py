"""Compliance gates: the four cdk-nag packs, the PCI DSS v4.0.1 pack and Control Tower's controls, on every synth.

This is the only module that imports cdk_nag and the cfn-guard validator.
"""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks
from cdklabs.cdk_validator_cfnguard import CfnGuardValidator

from tap_vpc.compliance.control_tower_rules import inapplicable_rules, reported_types, resource_types
from tap_vpc.compliance.pci_dss_v4.plugin import PciDssV4Checks


def add_compliance_checks(app: App) -> None:
    """Run six gates on every synth: the four cdk-nag packs, TAP VPC's PCI DSS v4.0.1 pack, and Control Tower.

    Organisations enable the Control Tower controls as CloudFormation hooks, so a template that
    fails one fails at deploy in those accounts; cdklabs' cfn-guard validator runs the same rules,
    except those that report on no resource type the app holds (``control_tower_rules``). Call it
    after every stack is built. The PCI DSS v4.0.1 pack (``pci_dss_v4``) reads each template once.
    """
    disabled = inapplicable_rules(resource_types(app))
    packs = [AwsSolutionsChecks(app), NIST80053R5Checks(app), HIPAASecurityChecks(app), PCIDSS321Checks(app)]
    Validations.of(app).add_plugins(*packs, PciDssV4Checks())
    if len(disabled) < len(reported_types()):
        # cfn-guard refuses a run without rules; an app no rule reports on has nothing to check.
        Validations.of(app).add_plugins(
            # Typed against the Beta1 plugin interface, which aws-cdk-lib 2.275 still accepts at run time.
            CfnGuardValidator(control_tower_rules_enabled=True, disabled_rules=disabled)  # type: ignore[arg-type]
        )


def unacknowledged_findings(outdir: str) -> list[str]:
    """``plugin: rule`` for every violation left in a synthesized app's validation report.

    The synth itself fails on cdk-nag findings, but cfn-guard 0.0.62's report can say
    ``conclusion: success`` beside a violation (seen with CT.CLOUDWATCH.PR.2), so every entry
    point reads the report too. No report means no findings.
    """
    path = Path(outdir) / "validation-report.json"
    if not path.exists():
        return []
    report = json.loads(path.read_text())
    return sorted(
        {
            f"{plugin['pluginName']}: {violation['ruleName']}"
            for plugin in report.get("pluginReports", [])
            for violation in plugin.get("violations", [])
        }
    )
