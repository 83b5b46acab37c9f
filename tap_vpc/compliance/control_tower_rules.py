"""Which of AWS Control Tower's proactive-control rules can apply to an app's resources.

cdklabs' validator hands every Control Tower rule file (237 in 0.0.62) to one cfn-guard run, whose
time grows with rules times resources: 4.6 s of a prod synth's 9.8 s. A rule file states the types
it reports on (its "Reports on:" header), and reports only on resources of those types; a rule none
of whose types the app holds can only SKIP. ``inapplicable_rules`` names those, for the validator's
``disabled_rules``, so every rule that could find something still runs.
"""

from __future__ import annotations

import functools
import re
import tarfile
from collections.abc import Iterable
from importlib import resources
from pathlib import PurePosixPath

from aws_cdk import CfnResource
from constructs import IConstruct

#: Where the rule files sit inside the validator's jsii package.
RULES_PREFIX = "package/rules/control-tower/cfn-guard/"
#: Stands for "any type" in ``reported_types``: a rule without a header always runs.
ANY_TYPE = "*"
_REPORTS_ON = re.compile(r"^# Reports on:\s*\n#\s*(.+)$", re.MULTILINE)


@functools.cache
def reported_types() -> dict[str, frozenset[str]]:
    """Rule name (file stem, e.g. ``ct-ec2-pr-5``) -> the resource types its header reports on."""
    package = resources.files("cdklabs.cdk_validator_cfnguard._jsii")
    (bundle,) = [entry for entry in package.iterdir() if entry.name.endswith(".jsii.tgz")]
    found: dict[str, frozenset[str]] = {}
    # A stream ("r|gz"), read front to back once: random access into a gzip file re-inflates it from
    # the start on every backward seek, which cost 0.3-0.5 s of every synth (12 MB, cfn-guard binaries).
    with bundle.open("rb") as raw, tarfile.open(fileobj=raw, mode="r|gz") as archive:
        for member in archive:
            if not (member.name.startswith(RULES_PREFIX) and member.name.endswith(".guard")):
                continue
            extracted = archive.extractfile(member)
            assert extracted is not None
            found[PurePosixPath(member.name).stem] = header_types(extracted.read().decode())
    return found


def header_types(rule_text: str) -> frozenset[str]:
    """The types a rule file's "Reports on:" header names, or ``{ANY_TYPE}`` when it has none."""
    header = _REPORTS_ON.search(rule_text)
    if header is None:
        return frozenset({ANY_TYPE})
    return frozenset(kind.strip() for kind in header.group(1).split(","))


def resource_types(scope: IConstruct) -> set[str]:
    """The CloudFormation types of every resource under ``scope`` (call it after the stacks are built)."""
    types: set[str] = set()
    by_class: dict[type, str] = {}
    for child in scope.node.find_all():
        if isinstance(child, CfnResource):
            types.add(_type_of(child, by_class))
    return types


def _type_of(resource: CfnResource, by_class: dict[type, str]) -> str:
    """``resource``'s CloudFormation type: one jsii round trip per L1 class, not one per resource.

    Generated L1 classes carry their type as the class constant ``CFN_RESOURCE_TYPE_NAME``; a plain
    ``CfnResource`` (custom resources, aws-cdk-lib's provider function) is asked itself.
    """
    kind = type(resource)
    if kind in by_class:
        return by_class[kind]
    constant = getattr(kind, "CFN_RESOURCE_TYPE_NAME", None)
    if not isinstance(constant, str):
        return resource.cfn_resource_type
    by_class[kind] = constant
    return constant


def inapplicable_rules(types: Iterable[str]) -> list[str]:
    """Rule names whose reported types include none of ``types``; a rule without a header is kept."""
    present = set(types)
    return sorted(
        name for name, reported in reported_types().items() if ANY_TYPE not in reported and not reported & present
    )
