"""IAM's size limit on a managed policy, and the split of a long policy into several that each fit.

A customer managed policy holds at most 6,144 characters, whitespace not counted (IAM User
Guide, "IAM and AWS STS quotas"). The derived execution policy is longer, so it is attached to
the bootstrap's CloudFormation role as several managed policies (a role may have ten).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from aws_cdk import aws_iam as iam

MANAGED_POLICY_MAX_CHARS = 6144
#: Room for the document's own ``{"Version":"2012-10-17","Statement":[...]}``.
DOCUMENT_OVERHEAD = 48


def statement_size(statement: iam.PolicyStatement) -> int:
    """Characters of ``statement`` as IAM counts them (compact JSON; no whitespace)."""
    return len(json.dumps(statement.to_statement_json(), separators=(",", ":")))


def split_statements(
    statements: Sequence[iam.PolicyStatement], limit: int = MANAGED_POLICY_MAX_CHARS
) -> list[list[iam.PolicyStatement]]:
    """``statements`` in order, cut into as few consecutive groups as fit ``limit`` characters each.

    Raises ``ValueError`` naming the statement when one alone does not fit.
    """
    groups: list[list[iam.PolicyStatement]] = [[]]
    used = DOCUMENT_OVERHEAD
    for statement in statements:
        size = statement_size(statement) + 1  # the comma between statements
        if DOCUMENT_OVERHEAD + size > limit:
            raise ValueError(f"statement {statement.sid} alone exceeds {limit} characters ({size})")
        if used + size > limit:
            groups.append([])
            used = DOCUMENT_OVERHEAD
        groups[-1].append(statement)
        used += size
    return groups
