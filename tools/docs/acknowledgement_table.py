"""docs/compliance.md's acknowledgement table: every rule acknowledged on a stack, where, and why.

Read from the synthesized stack's construct tree (the metadata ``Validations.acknowledge`` writes),
not from the code that writes it, so the table also shows what aws-cdk-lib acknowledges on its own
constructs, and an acknowledgement added anywhere appears here on the next `make docs`.
"""

from __future__ import annotations

from aws_cdk import Stack, Validations

#: The prefix cdk-nag's packs carry in the acknowledgement metadata; the docs show the rule id alone.
_ANNOTATION_PREFIX = "Annotation::"


def acknowledgements(stack: Stack) -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
    """``(construct paths, rule ids, reason)`` for ``stack``, one entry per reason and rule set.

    Paths are relative to the stack and in construct-tree order; constructs that acknowledge the
    same rules for the same reason share an entry.
    """
    grouped: dict[tuple[tuple[str, ...], str], list[str]] = {}
    prefix = f"{stack.node.path}/"
    for construct in stack.node.find_all():
        by_reason: dict[str, list[str]] = {}
        for entry in construct.node.metadata:
            if entry.type != Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                continue
            for rule_id, reason in entry.data.items():
                by_reason.setdefault(str(reason), []).append(str(rule_id).removeprefix(_ANNOTATION_PREFIX))
        path = construct.node.path.removeprefix(prefix)
        for reason, rule_ids in by_reason.items():
            grouped.setdefault((tuple(dict.fromkeys(rule_ids)), reason), []).append(path)
    return [(tuple(paths), rule_ids, reason) for (rule_ids, reason), paths in grouped.items()]


def acknowledgements_markdown(name: str, stack: Stack) -> str:
    """A table of ``stack``'s acknowledgements (``name`` is the profile it was synthesized from)."""
    rows = [
        f"Profile `{name}`, read from its synthesized construct tree (`make docs` refreshes this table):",
        "",
        "| Construct | Rules acknowledged | Reason |",
        "| --- | --- | --- |",
    ]
    for paths, rule_ids, reason in acknowledgements(stack):
        constructs = "<br>".join(f"`{path}`" for path in paths)
        rules = "<br>".join(f"`{rule_id}`" for rule_id in rule_ids)
        rows.append(f"| {constructs} | {rules} | {_escape(reason)} |")
    return "\n".join(rows) + "\n"


def _escape(text: str) -> str:
    """Keep ``|`` from ending a table cell."""
    return text.replace("|", "\\|")
