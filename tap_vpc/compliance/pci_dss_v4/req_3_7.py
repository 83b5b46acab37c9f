"""Requirement 3.7.4 (Security Hub KMS.4): cryptographic keys are changed at the end of their cryptoperiod.

Every customer-managed KMS key in the template has automatic rotation on (yearly by default).
"""

from __future__ import annotations

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict


def check_key_rotation(template: CfnTemplate) -> Verdict:
    """3.7.4: each ``AWS::KMS::Key`` has ``EnableKeyRotation: true``."""
    keys = template.of_type("AWS::KMS::Key")
    if not keys:
        return not_applicable("no customer-managed KMS key")
    evidence, violations = [], []
    for key in keys:
        rotation = key.properties.get("EnableKeyRotation", False)
        evidence.append(
            Evidence.of(
                key,
                EnableKeyRotation=rotation,
                RotationPeriodInDays=key.properties.get("RotationPeriodInDays", 365),
            )
        )
        if str(rotation).lower() != "true":
            violations.append(Violation(key.logical_id, "customer-managed key does not rotate (EnableKeyRotation)"))
    return verdict(evidence, violations)


KEY_ROTATION = Rule(
    "3.7.4-KeyRotation",
    ("3.7.4",),
    "Every customer-managed KMS key rotates automatically.",
    check_key_rotation,
    ("KMS.4",),
)
