"""What a rule is and what it answers: its verdict, the violations, and the evidence that proves it.

A ``Rule`` is named by the requirement it checks and names the Security Hub PCI DSS v4.0.1
controls that check the same on the deployed stack, so the synth-time verdict and the runtime
finding line up. Its ``check`` is a pure function of one template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, Resource

#: The prefix of every rule ID, as cdk-nag names its packs (``PCI.DSS.321-...``).
RULE_PREFIX = "PCI.DSS.401"
PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "not applicable"


@dataclass(frozen=True)
class Evidence:
    """One resource the rule read, by logical ID and type, with the property values that decide."""

    logical_id: str
    resource_type: str
    values: Mapping[str, Any]

    @classmethod
    def of(cls, resource: Resource, **values: Any) -> Evidence:
        """Evidence about ``resource``; ``values`` maps a property path to the value read."""
        return cls(resource.logical_id, resource.type, values)


@dataclass(frozen=True)
class Violation:
    """One resource that breaks the rule, and what is wrong with it (the message names the resource)."""

    logical_id: str
    message: str


@dataclass(frozen=True)
class Verdict:
    """A rule's answer over one template.

    ``applicable`` is False when the template holds nothing the rule is about (``note`` says why);
    otherwise the rule passes when there is no violation.
    """

    applicable: bool
    evidence: tuple[Evidence, ...] = ()
    violations: tuple[Violation, ...] = ()
    note: str = ""

    @property
    def status(self) -> str:
        """``pass``, ``fail`` or ``not applicable``."""
        if not self.applicable:
            return NOT_APPLICABLE
        return FAIL if self.violations else PASS


def verdict(evidence: list[Evidence], violations: list[Violation], *, note: str = "") -> Verdict:
    """An applicable verdict from what a rule collected."""
    return Verdict(True, tuple(evidence), tuple(violations), note)


def not_applicable(note: str) -> Verdict:
    """The verdict of a rule whose subject the template does not hold; ``note`` says which."""
    return Verdict(False, note=note)


@dataclass(frozen=True)
class Rule:
    """One rule of the pack.

    ``name`` reads ``<requirement>-<What>`` (the ID is ``PCI.DSS.401-<name>``); ``requirements``
    are the PCI DSS v4.0.1 requirement numbers it checks; ``security_hub`` the matching controls of
    Security Hub's PCI DSS v4.0.1 standard (empty where it has none); ``control`` says in one
    sentence what holds when the rule passes.
    """

    name: str
    requirements: tuple[str, ...]
    control: str
    check: Callable[[CfnTemplate], Verdict]
    security_hub: tuple[str, ...] = field(default=())

    @property
    def rule_id(self) -> str:
        """``PCI.DSS.401-<name>``: what the report prints and an acknowledgement names."""
        return f"{RULE_PREFIX}-{self.name}"

    def describe(self, violation: Violation) -> str:
        """The one-line finding: rule ID, requirement, resource and what is wrong."""
        controls = f"; Security Hub {', '.join(self.security_hub)}" if self.security_hub else ""
        requirements = ", ".join(self.requirements)
        return f"{self.rule_id} (PCI DSS v4.0.1 {requirements}{controls}): {violation.logical_id}: {violation.message}"
