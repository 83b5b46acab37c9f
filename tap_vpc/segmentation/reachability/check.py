"""The segmentation gate: every synthesized TAP VPC template is checked against its own matrix.

The stack writes the matrix and the data-tier ports into its template metadata
(``TapVpc::Segmentation``), so the template alone is the evidence: the synth, the docs'
evidence table and an auditor all read the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tap_vpc.segmentation.reachability.evaluate import RuleResult, evaluate
from tap_vpc.segmentation.reachability.matrix import parse_matrix
from tap_vpc.segmentation.reachability.template_model import SEGMENTATION_METADATA, read_template


def segmentation_metadata(matrix: Sequence[str], data_tier_ports: Sequence[int]) -> dict[str, Any]:
    """The template metadata value that ``check_template`` reads back."""
    return {"ReachabilityMatrix": list(matrix), "DataTierPorts": list(data_tier_ports)}


def check_template(template: Mapping[str, Any]) -> list[RuleResult]:
    """Every rule's verdict over ``template``; empty when the template carries no matrix."""
    metadata = template.get("Metadata", {}).get(SEGMENTATION_METADATA)
    if not metadata:
        return []
    rules = parse_matrix(metadata["ReachabilityMatrix"], metadata["DataTierPorts"])
    return evaluate(read_template(template), rules)


def broken_rules(results: Sequence[RuleResult]) -> list[RuleResult]:
    """The results whose rule the template breaks."""
    return [result for result in results if not result.holds]


def render_failure(stack_name: str, results: Sequence[RuleResult]) -> str:
    """The one error block for a template that breaks its matrix: each rule, layer and resource."""
    broken = broken_rules(results)
    noun = "rule" if len(broken) == 1 else "rules"
    lines = [
        f"TAP VPC segmentation error: {stack_name} breaks {len(broken)} {noun} of its reachability matrix "
        "(PCI DSS v4.0 1.3, 1.4); the synth fails."
    ]
    for result in broken:
        for layer in result.broken_layers():
            verb = "lets through" if layer.state == "open" else "blocks"
            # A route carries every protocol and port; a firewall on it names the flow in its decider.
            flow = "traffic" if layer.layer == "route" else layer.flow or result.flow
            lines.append(
                f"  - rule '{result.rule.text}': the {layer.layer} layer {verb} {flow}: " + "; ".join(layer.deciders)
            )
    return "\n".join(lines)


def describe_result(result: RuleResult) -> str:
    """One line per rule for the segmentation docs: each layer's state and its deciding resources."""
    if not result.applicable:
        return "not applicable (a zone is absent from this template)"
    return "; ".join(f"{layer.layer}: {layer.state} ({', '.join(layer.deciders) or '-'})" for layer in result.layers)
