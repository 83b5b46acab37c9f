"""docs/segmentation.md's evidence: each matrix rule's verdict over the prod template, by layer.

The same checker that gates every synth reads the synthesized template here, so the table is what
an assessor can re-derive from ``cdk synth`` output; ``make docs`` keeps it current.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tap_vpc.segmentation.reachability.check import check_template
from tap_vpc.segmentation.reachability.evaluate import LayerResult, RuleResult

#: How many deciding resources a cell names before it says how many more there are.
SHOWN_DECIDERS = 2


def evidence_markdown(name: str, template: Mapping[str, Any]) -> str:
    """A table of ``template``'s matrix: rule, verdict, and each layer with its deciding resources."""
    results = check_template(template)
    lines = [
        f"Profile `{name}`, checked by every synth (`make docs` refreshes this table):",
        "",
        "| Rule | Verdict | Routes | Network ACLs | Security groups |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [_row(result) for result in results]
    return "\n".join(lines) + "\n"


def _row(result: RuleResult) -> str:
    if not result.applicable:
        verdict = "not applicable"
    elif result.holds:
        verdict = "holds" + (f" ({result.flow})" if result.rule.allows and result.flow else "")
    else:
        verdict = "**BROKEN**"
    layers = {layer.layer: layer for layer in result.layers}
    cells = [_cell(layers.get(name)) for name in ("route", "nacl", "security group")]
    return f"| `{result.rule.text}` | {verdict} | " + " | ".join(cells) + " |"


def _cell(layer: LayerResult | None) -> str:
    if layer is None or layer.state == "n/a":
        return "n/a"
    return f"{layer.state}: {_names(layer.deciders)}"


def _names(deciders: Sequence[str]) -> str:
    shown = ", ".join(f"`{decider.split(' (', 1)[0]}`{_detail(decider)}" for decider in deciders[:SHOWN_DECIDERS])
    more = len(deciders) - SHOWN_DECIDERS
    return shown + (f" and {more} more" if more > 0 else "")


def _detail(decider: str) -> str:
    return f" ({decider.split(' (', 1)[1]}" if " (" in decider else ""
