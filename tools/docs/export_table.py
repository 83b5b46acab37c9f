"""The export table as Markdown, generated from contract/exports.json.

Every export name, what it means, and how a consumer reads it: through the ``tap_vpc`` helpers
and through raw ``Fn::ImportValue``.

tests/test_docs.py resolves every snippet in a real consumer stack, so none can rot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tools.golden import SUFFIX_PLACEHOLDER
from tools.project import ToolError

#: The environment the snippets import from.
EXAMPLE_SUFFIX = "prod"
_HELPER_IMPORT = "from tap_vpc import import_https_security_group, import_tap_vpc\n"
_HELPER_CALLS = (
    f'vpc = import_tap_vpc(self, "TapVpc", environment_suffix="{EXAMPLE_SUFFIX}")\n'
    f'https = import_https_security_group(self, "HttpsTier", environment_suffix="{EXAMPLE_SUFFIX}")\n'
)
#: The lines every helper snippet assumes, inside a consumer Stack's ``__init__``.
HELPER_SETUP = f"{_HELPER_IMPORT}\n{_HELPER_CALLS}"
#: The export the README's snippet imports raw: one the helpers do not read, which most consumers need.
RAW_EXAMPLE_KEY = "DataSecurityGroupId"
#: The name the README's snippet binds the raw import to.
RAW_EXAMPLE_NAME = "data_security_group_id"
HELPER_EXPRESSIONS = {
    "VpcId": "vpc.vpc_id",
    "VpcCidr": "vpc.vpc_cidr_block",
    "AvailabilityZones": "vpc.availability_zones",
    "SecurityGroupId": "https.security_group_id",
}
#: List exports the helpers do not read; they build the same list from the per-AZ exports.
PER_AZ_EQUIVALENTS = {
    "PublicSubnetIds": ("[s.subnet_id for s in vpc.public_subnets]", "PublicSubnet{n}Id"),
    "PrivateSubnetIds": ("[s.subnet_id for s in vpc.private_subnets]", "PrivateSubnet{n}Id"),
}
PER_AZ_SUBNET = re.compile(r"(Public|Private)Subnet(\d+)Id")
PER_AZ_ROUTE_TABLE = re.compile(r"(Public|Private)RouteTable(\d+)Id")


def output_key(pattern: str) -> str:
    """``VpcId`` from ``TapVpcStack-{environmentSuffix}-VpcId``."""
    return pattern.split(f"{SUFFIX_PLACEHOLDER}-", 1)[1]


def is_list(value: Any) -> bool:
    """Whether an export's template value is a comma-joined list (``Fn::Join [",", ...]``)."""
    return isinstance(value, Mapping) and "Fn::Join" in value and value["Fn::Join"][0] == ","


def helper_expression(key: str) -> str | None:
    """The Python expression (over ``HELPER_SETUP``) that reads export ``key``, or None if no helper does."""
    if key in HELPER_EXPRESSIONS:
        return HELPER_EXPRESSIONS[key]
    if match := PER_AZ_SUBNET.fullmatch(key):
        return f"vpc.{match[1].lower()}_subnets[{int(match[2]) - 1}].subnet_id"
    if match := PER_AZ_ROUTE_TABLE.fullmatch(key):
        return f"vpc.{match[1].lower()}_subnets[{int(match[2]) - 1}].route_table.route_table_id"
    return None


def raw_expression(pattern: str, value: Any) -> str:
    """The ``aws_cdk.Fn`` expression that imports the export of ``pattern`` (split when it is a list)."""
    name = pattern.replace(SUFFIX_PLACEHOLDER, EXAMPLE_SUFFIX)
    imported = f'Fn.import_value("{name}")'
    # The known length keeps the list usable element by element (aws-cdk issues 12160, 4118).
    return f'Fn.split(",", {imported}, {len(value["Fn::Join"][1])})' if is_list(value) else imported


def export_table_markdown(contract: Mapping[str, Mapping[str, Any]]) -> str:
    """The Markdown table of every export in ``contract``, in the contract's (sorted) order."""
    rows = [
        "| Export name | Meaning | With the helpers | Raw `Fn::ImportValue` |",
        "| --- | --- | --- | --- |",
    ]
    for pattern, entry in contract.items():
        key = output_key(pattern)
        helper = helper_expression(key)
        if helper:
            helper_cell = f"`{helper}`"
        elif key in PER_AZ_EQUIVALENTS:
            helper_cell = f"`{PER_AZ_EQUIVALENTS[key][0]}` (same IDs, from the per-AZ exports)"
        else:
            helper_cell = "none; use the raw import"
        rows.append(
            f"| `{pattern}` | {entry['meaning']} | {helper_cell} | `{raw_expression(pattern, entry['value'])}` |"
        )
    return "\n".join(rows) + "\n"


def consumer_snippet(contract: Mapping[str, Mapping[str, Any]]) -> str:
    """The README's one snippet, fenced: both helpers, then ``RAW_EXAMPLE_KEY`` through ``Fn.import_value``.

    Raises ``ToolError`` when the contract has no such export.
    """
    pattern = next((pattern for pattern in contract if output_key(pattern) == RAW_EXAMPLE_KEY), None)
    if pattern is None:
        raise ToolError(f"contract/exports.json has no {RAW_EXAMPLE_KEY} export for the README's snippet")
    return (
        "```python\n"
        f"from aws_cdk import Fn\n{_HELPER_IMPORT}\n"
        "# In a consumer Stack's __init__: an ec2.IVpc and an ec2.ISecurityGroup built from the exports,\n"
        "# and any export by name.\n"
        f"{_HELPER_CALLS}"
        f"{RAW_EXAMPLE_NAME} = {raw_expression(pattern, contract[pattern]['value'])}\n"
        "```\n"
    )
