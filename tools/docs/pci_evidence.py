"""docs/pci-dss-v4-evidence.md: per requirement, the resources and property values that prove it.

Read from the synthesized ``prod`` template and its validation report: the pack's rules
(``tap_vpc.compliance.pci_dss_v4``) run over the template exactly as on every synth, and each
finding the synth let through is one an acknowledgement, with its reason, covers. ``make docs``
keeps the page current; tests/test_docs.py fails when the checked-in copy is stale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tap_vpc.compliance.pci_dss_v4.outside_scope import OUTSIDE_SCOPE
from tap_vpc.compliance.pci_dss_v4.pack import evaluate
from tap_vpc.compliance.pci_dss_v4.plugin import PLUGIN_NAME
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict
from tools.docs.links import heading_slug

#: (rule ID, logical ID) -> the reason of the acknowledgement that covers that finding.
Acknowledged = Mapping[tuple[str, str], str]


def acknowledged_findings(outdir: str) -> dict[tuple[str, str], str]:
    """The pack's acknowledged findings in a synthesized app's ``validation-report.json``, with their reasons."""
    report = json.loads((Path(outdir) / "validation-report.json").read_text())
    found = {}
    for plugin in report.get("pluginReports", []):
        if plugin["pluginName"] != PLUGIN_NAME:
            continue
        for violation in plugin.get("suppressedViolations", []):
            for construct in violation["violatingConstructs"]:
                logical_id = construct["cloudFormationResource"]["logicalId"]
                found[(violation["ruleName"], logical_id)] = violation["reason"]
    return found


def evidence_page(name: str, template: Mapping[str, Any], acknowledged: Acknowledged) -> str:
    """The generated body of the evidence page for the template of profile ``name``."""
    results = evaluate(template)
    lines = [
        f"Profile `{name}`: its synthesized template, checked by the pack on every synth "
        "(`make docs` refreshes this page).",
        "",
        "| Requirement | Control | Security Hub | Rule | Verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {', '.join(rule.requirements)} | {_escape(rule.control)} | {', '.join(rule.security_hub) or '-'} | "
        f"[`{rule.rule_id}`](#{_anchor(rule)}) | {_verdict(rule, verdict, acknowledged)} |"
        for rule, verdict in results
    ]
    for rule, verdict in results:
        lines += ["", *_section(rule, verdict, acknowledged)]
    lines += [
        "",
        "## Not covered by this app",
        "",
        "| Requirements | What they ask | Who covers them | With what |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {item.requirements} | {item.asks} | {item.owner} | {item.with_what} |" for item in OUTSIDE_SCOPE]
    return "\n".join(lines) + "\n"


def _anchor(rule: Rule) -> str:
    return heading_slug(rule.rule_id)


def _verdict(rule: Rule, verdict: Verdict, acknowledged: Acknowledged) -> str:
    if not verdict.applicable:
        return "not applicable"
    covered = [v for v in verdict.violations if (rule.rule_id, v.logical_id) in acknowledged]
    if len(covered) < len(verdict.violations):
        return "**FAIL**"
    return f"pass ({len(covered)} acknowledged)" if covered else "pass"


def _section(rule: Rule, verdict: Verdict, acknowledged: Acknowledged) -> list[str]:
    lines = [
        f"### {rule.rule_id}",
        "",
        f"PCI DSS v4.0.1 {', '.join(rule.requirements)}: {rule.control} "
        f"Security Hub: {', '.join(rule.security_hub) or 'no control in its PCI DSS v4.0.1 standard'}. "
        f"Verdict: {_verdict(rule, verdict, acknowledged)}.",
    ]
    if verdict.note:
        lines += ["", f"{verdict.note[0].upper()}{verdict.note[1:]}."]
    rows = _rows(verdict.evidence)
    if rows:
        lines += ["", "| Resource | Type | Property values |", "| --- | --- | --- |", *rows]
    covered = [
        (v, acknowledged[(rule.rule_id, v.logical_id)])
        for v in verdict.violations
        if (rule.rule_id, v.logical_id) in acknowledged
    ]
    if covered:
        lines += ["", "Acknowledged, each on its one construct:", ""]
        lines += [f"- `{v.logical_id}`: {v.message}. Reason: {_escape(reason)}" for v, reason in covered]
    return lines


def _rows(evidence: Sequence[Evidence]) -> list[str]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for item in evidence:
        merged.setdefault((item.logical_id, item.resource_type), {}).update(item.values)
    return [
        f"| `{logical_id}` | `{resource_type}` | "
        + "<br>".join(f"{_escape(key)}: {_value(value)}" for key, value in values.items())
        + " |"
        for (logical_id, resource_type), values in merged.items()
    ]


def _value(value: object) -> str:
    if isinstance(value, str):
        return f"`{_escape(value)}`"
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value) or "none"
    return f"`{_escape(json.dumps(value, sort_keys=True))}`"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
