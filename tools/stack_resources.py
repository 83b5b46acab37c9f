"""The physical IDs of one resource type in a deployed stack, as CloudFormation lists them."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from tools.project import ToolError


def physical_ids(cloudformation: Any, stack_name: str, resource_type: str) -> dict[str, str]:
    """Logical ID -> physical ID of every ``resource_type`` resource in ``stack_name``.

    A stack that does not exist (or cannot be read) raises ``ToolError`` with AWS's message. moto
    lists a resource type its CloudFormation skipped without ``ResourceType``; such entries never match.
    """
    try:
        pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name)
        return {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for page in pages
            for r in page["StackResourceSummaries"]
            if r.get("ResourceType") == resource_type
        }
    except ClientError as error:
        raise ToolError(f"{stack_name}: {error.response['Error'].get('Message', error)}") from None
