"""How a setting is declared: once, on its ``TapVpcConfig`` field, with everything the edge needs.

A field declared with ``setting(...)`` carries its camelCase context key, its parser, the allowed
text and the doc line of the settings table, and the AWS limit it is checked against with its
source. The settings table (``loading.SETTINGS``), the README's generated table, the parsers and
the rules all read the declaration; nothing types the key a second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The ``dataclasses.field`` metadata key that holds a field's ``Declaration``.
DECLARATION = "tap_vpc.setting"


@dataclass(frozen=True)
class AwsLimit:
    """The values AWS accepts for a setting, and the document that says so.

    ``values`` lists what is accepted (in the order error messages give them); ``cdk_names`` gives,
    for each of them, the aws-cdk-lib enum member that stands for it, where the construct takes an
    enum (jsii enums carry names, not numbers). ``source`` names the AWS document or schema.
    """

    values: tuple[Any, ...]
    source: str
    cdk_names: tuple[str, ...] = ()

    def cdk_name(self, value: object) -> str:
        """The aws-cdk-lib enum member name of ``value``, which must be one of ``values``."""
        return self.cdk_names[self.values.index(value)]


@dataclass(frozen=True)
class Declaration:
    """One setting as users see it: context ``key``, ``parse``r, ``allowed`` values and ``doc`` line.

    ``limit`` is the AWS limit it is checked against (None when a rule checks it against several).
    """

    key: str
    parse: Callable[[object], Any]
    allowed: str
    doc: str
    limit: AwsLimit | None = None


def setting(
    default: Any,
    *,
    key: str,
    parse: Callable[[object], Any],
    allowed: str,
    doc: str,
    limit: AwsLimit | None = None,
) -> Any:
    """A dataclass field with ``default`` that declares its setting (see ``Declaration``)."""
    declaration = Declaration(key=key, parse=parse, allowed=allowed, doc=doc, limit=limit)
    return field(default=default, metadata={DECLARATION: declaration})
