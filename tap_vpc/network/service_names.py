"""The interface endpoint services AWS offers, as aws-cdk-lib knows them, read without starting jsii.

``interface_services.txt`` lists the ``short_name`` of every ``ec2.InterfaceVpcEndpointAwsService``
member of the pinned aws-cdk-lib (``kms``, ``ecr.api``, ...). ``tools/interface_services.py``
regenerates it, and a test fails when it is stale. A service missing from it would make
CloudFormation fail at deploy ("The Vpc Endpoint Service ... does not exist").
"""

from __future__ import annotations

import functools
from pathlib import Path

SERVICES_FILE = Path(__file__).with_name("interface_services.txt")


@functools.cache
def interface_services() -> frozenset[str]:
    """The service names of ``interface_services.txt`` (comment lines skipped)."""
    lines = SERVICES_FILE.read_text().splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))
