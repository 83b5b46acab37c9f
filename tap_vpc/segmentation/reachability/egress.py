"""Structural checks of egress control that the matrix's port rules cannot state (PCI DSS 1.3.2).

Where a template has an egress firewall, every synth also checks that:
- no private route table sends internet traffic straight to a NAT or internet gateway (a bypass);
- every firewall policy drops, by default, what no rule passes (strict order: ``aws:drop_strict`` or
  ``aws:drop_established``); otherwise 443 to any host would pass;
- each NAT gateway returns the replies to a private subnet through the firewall that subnet uses;
- a public subnet and a private subnet reach each other through the same firewall, or none, both
  ways (a load balancer and its targets): a stateful firewall drops a flow it sees one way only.

Each finding names its layer and the resource that decides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tap_vpc.segmentation.reachability.addresses import describe, intersect
from tap_vpc.segmentation.reachability.evaluate import DROP_DEFAULTS, _Checker
from tap_vpc.segmentation.reachability.template_model import Route, TemplateModel, read_template


@dataclass(frozen=True)
class EgressFinding:
    """One breach: the ``layer`` (route or firewall), the deciding ``resource``, and what is wrong."""

    layer: str
    resource: str
    problem: str

    def render(self) -> str:
        """``the route layer: <resource> <problem>``."""
        return f"the {self.layer} layer: {self.resource} {self.problem}"


def egress_findings(template: Mapping[str, Any]) -> list[EgressFinding]:
    """Every egress breach of ``template``; none when it has no egress firewall."""
    model = read_template(template)
    if not model.firewalls:
        return []
    checker = _Checker(model)
    return [
        *_bypasses(model, checker),
        *_passing_defaults(model),
        *_missing_returns(model, checker),
        *_one_way_paths(model, checker),
    ]


def _bypasses(model: TemplateModel, checker: _Checker) -> list[EgressFinding]:
    tables = {subnet.route_table for subnet in model.subnets_of("private")}
    return [
        EgressFinding(
            "route",
            route.logical_id,
            f"sends {describe(route.destination)} straight to {route.target} {route.target_id}, past the egress "
            "firewall: private traffic must leave through a firewall endpoint.",
        )
        for route in model.routes
        if route.route_table in tables
        and route.target in ("nat", "igw")
        and intersect(route.destination, checker.internet)
    ]


def _passing_defaults(model: TemplateModel) -> list[EgressFinding]:
    return [
        EgressFinding(
            "firewall",
            policy.logical_id,
            f"has stateful default actions {', '.join(policy.default_actions) or 'none'}, without aws:drop_strict or "
            "aws:drop_established: what no rule names passes (443 to any host).",
        )
        for policy in model.firewall_policies.values()
        if not DROP_DEFAULTS & set(policy.default_actions)
    ]


def _missing_returns(model: TemplateModel, checker: _Checker) -> list[EgressFinding]:
    findings = []
    for subnet in model.subnets_of("private"):
        for route in model.routes:
            if (
                route.route_table != subnet.route_table
                or route.target != "firewall"
                or not intersect(route.destination, checker.internet)
            ):
                continue
            firewall = model.firewalls[route.target_id]
            for exit_route in checker.firewall_exits(firewall):
                missing = checker.missing_return(exit_route, subnet, firewall)
                if missing:
                    table, _, problem = missing.partition(" ")
                    findings.append(EgressFinding("route", table, problem + "."))
    return findings


def _one_way_paths(model: TemplateModel, checker: _Checker) -> list[EgressFinding]:
    findings = []
    for public in model.subnets_of("public"):
        for private in model.subnets_of("private"):
            there = checker.most_specific(public.route_table, private.cidr)
            back = checker.most_specific(private.route_table, public.cidr)
            if _through(there) != _through(back):
                findings.append(
                    EgressFinding(
                        "route",
                        str(public.route_table),
                        f"sends {describe(private.cidr)} {_described(there)}, but {private.route_table} returns "
                        f"{describe(public.cidr)} {_described(back)}: a stateful firewall drops a flow it sees "
                        "one way.",
                    )
                )
    return findings


def _through(route: Route | None) -> str | None:
    # Inside the VPC only a firewall route changes the path; anything else takes the local route.
    return route.target_id if route is not None and route.target == "firewall" else None


def _described(route: Route | None) -> str:
    firewall = _through(route)
    return f"through {firewall}" if firewall else "by the local route"


def render_egress_failure(stack_name: str, findings: list[EgressFinding]) -> str:
    """The one error block for a template whose egress control is broken."""
    noun = "problem" if len(findings) == 1 else "problems"
    lines = [
        f"TAP VPC egress error: {stack_name} has {len(findings)} egress-control {noun} (PCI DSS v4.0.1 1.3.2); "
        "the synth fails."
    ]
    lines += [f"  - {finding.render()}" for finding in findings]
    return "\n".join(lines)
