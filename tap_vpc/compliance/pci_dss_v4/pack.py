"""The pack: every rule, in requirement order, and ``evaluate`` to run them over one template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_vpc.compliance.pci_dss_v4 import (
    egress,
    req_1_2,
    req_1_3,
    req_1_4,
    req_3_7,
    req_7_2,
    req_10_2,
    req_10_3,
    req_10_5,
)
from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate
from tap_vpc.compliance.pci_dss_v4.verdicts import Rule, Verdict

RULES: tuple[Rule, ...] = (
    req_1_2.RULE_REASONS,
    req_1_2.UNUSED_NETWORK_ACLS,
    req_1_3.DEFAULT_NETWORK_ACL,
    req_1_3.ADMIN_PORTS_CLOSED,
    req_1_3.SEGMENTATION_MATRIX,
    egress.EGRESS_THROUGH_FIREWALL,
    egress.GATEWAY_ENDPOINT_POLICIES,
    req_1_4.DATA_TIER_NOT_PUBLIC,
    req_3_7.KEY_ROTATION,
    req_7_2.NO_WILDCARD_ACTIONS,
    req_7_2.SERVICE_ROLES_SCOPED,
    req_10_2.FLOW_LOGS,
    req_10_2.DNS_QUERY_LOGS,
    req_10_3.LOG_DESTINATIONS_ENCRYPTED,
    req_10_3.ARCHIVE_IMMUTABLE,
    req_10_5.RETENTION,
)


def evaluate(template: Mapping[str, Any], rules: tuple[Rule, ...] = RULES) -> list[tuple[Rule, Verdict]]:
    """Each rule of ``rules`` (@default ``RULES``) with its verdict over ``template``, in order."""
    parsed = CfnTemplate(template)
    return [(rule, rule.check(parsed)) for rule in rules]
