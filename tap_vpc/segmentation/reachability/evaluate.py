"""Check a template against the reachability matrix: routes, network ACLs and security groups.

An ``allow`` rule holds when some flow it names passes every layer: a route to or from the internet
(internet rules only; a route through an egress firewall passes only the flows its policy passes,
and only when the NAT gateway's replies come back through the same firewall), the network ACLs on
the way there and back, the firewall and NAT subnets' included (stateless: the reply returns on
ephemeral ports 1024-65535, which AWS recommends a NACL admit), and the security groups (stateful).
A ``deny`` rule holds only when every layer that applies refuses every flow on its own: a defence in
depth, so one mistaken route, NACL entry or group rule is enough to fail the synth. A NACL cannot
refuse internet replies to a tier that reaches out (NAT or internet gateway), so for internet flows
into such a tier the NACL layer is judged on ports 0-1023 only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tap_vpc.segmentation.reachability.addresses import EVERYWHERE, AddressSet, describe, intersect, subtract, union
from tap_vpc.segmentation.reachability.matrix import ENDPOINTS, INTERNET, MatrixRule
from tap_vpc.segmentation.reachability.template_model import (
    AclEntry,
    Firewall,
    FirewallRule,
    GroupRule,
    Route,
    Subnet,
    TemplateModel,
)

#: Ephemeral ports a NACL must admit for replies (AWS: "Ephemeral ports", 1024-65535 covers every
#: client), except 3389, which CT.EC2.PR.5 keeps closed to 0.0.0.0/0 (see ``acl_plan``).
EPHEMERAL_PORTS = (1024, 65535)
REPLY_PORTS_NOT_REQUIRED = frozenset({3389})
OPEN, CLOSED, NOT_APPLICABLE = "open", "closed", "n/a"
#: Stateful default actions that drop what no rule passed (Network Firewall, strict rule order).
DROP_DEFAULTS = frozenset({"aws:drop_strict", "aws:drop_established"})

Flow = tuple[str, int | None]


@dataclass(frozen=True)
class LayerResult:
    """One layer's answer for a rule: ``state`` is open, closed or n/a; ``deciders`` name the resources."""

    layer: str
    state: str
    deciders: tuple[str, ...]
    flow: str = ""


@dataclass(frozen=True)
class RuleResult:
    """A rule's verdict: ``holds`` (the template agrees), or ``applicable`` False when a zone is absent."""

    rule: MatrixRule
    applicable: bool
    holds: bool
    layers: tuple[LayerResult, ...]
    flow: str = ""

    def broken_layers(self) -> list[LayerResult]:
        """The layers that break the rule: open ones for deny, closed ones for allow."""
        wrong = CLOSED if self.rule.allows else OPEN
        return [layer for layer in self.layers if layer.state == wrong]


def evaluate(model: TemplateModel, rules: Sequence[MatrixRule]) -> list[RuleResult]:
    """The verdict of every rule over ``model``, in rule order."""
    return [_Checker(model).check(rule) for rule in rules]


class _Checker:
    """The layers of one template model, asked rule by rule (``egress`` asks it about paths too)."""

    def __init__(self, model: TemplateModel) -> None:
        self.model = model
        self.internet = subtract(EVERYWHERE, model.vpc_cidr)

    # zones -----------------------------------------------------------------------------------
    def subnets(self, zone: str) -> list[Subnet]:
        tier = "private" if zone == ENDPOINTS else zone
        return self.model.subnets_of(tier) if zone != INTERNET else []

    def addresses(self, zone: str) -> AddressSet:
        if zone == INTERNET:
            return self.internet
        return union(*(subnet.cidr for subnet in self.subnets(zone)))

    def present(self, zone: str) -> bool:
        if zone == ENDPOINTS:
            return ENDPOINTS in self.model.group_tiers.values() and bool(self.subnets(zone))
        return zone == INTERNET or bool(self.subnets(zone))

    # rule --------------------------------------------------------------------------------------
    def check(self, rule: MatrixRule) -> RuleResult:
        if not (self.present(rule.source) and self.present(rule.destination)):
            return RuleResult(rule, applicable=False, holds=True, layers=())
        flows = self.flows(rule)
        if rule.allows:
            first: tuple[LayerResult, ...] = ()
            for flow in flows:
                layers = self.layers(rule, flow, with_replies=True)
                if all(layer.state != CLOSED for layer in layers):
                    return RuleResult(rule, True, True, layers, _flow_text(flow))
                first = first or layers
            return RuleResult(rule, True, False, first, _flow_text(flows[0]) if flows else "")
        merged: dict[str, LayerResult] = {}
        for flow in flows:
            for layer in self.layers(rule, flow, with_replies=False):
                seen = merged.get(layer.layer)
                if layer.state == OPEN and (seen is None or seen.state != OPEN):
                    # The first flow a layer lets through is the one the failure names.
                    merged[layer.layer] = LayerResult(layer.layer, OPEN, layer.deciders, _flow_text(flow))
                elif seen is None or (seen.state == NOT_APPLICABLE and layer.state == CLOSED):
                    merged[layer.layer] = layer
                elif seen.state == layer.state == CLOSED:
                    merged[layer.layer] = LayerResult(seen.layer, CLOSED, _unique(seen.deciders + layer.deciders))
        layers = tuple(merged.values())
        opened = [layer for layer in layers if layer.state == OPEN]
        return RuleResult(rule, True, not opened, layers, opened[0].flow if opened else "")

    def flows(self, rule: MatrixRule) -> list[Flow]:
        cuts = {0, EPHEMERAL_PORTS[0], 65536}
        for entry in self.model.acl_entries:
            cuts |= set(_cut(entry.ports))
        for group_rule in self.model.group_rules:
            cuts |= set(_cut(group_rule.ports))
        for firewall_group in self.model.firewall_rule_groups.values():
            for firewall_rule in firewall_group.rules:
                cuts |= set(_cut(firewall_rule.ports))
        ranges = rule.ports if rule.ports is not None else ((0, 65535),)
        for low, high in ranges:
            cuts |= {low, high + 1}
        ports = sorted({cut for cut in cuts for low, high in ranges if low <= cut <= high})
        protocols = ("tcp",) if rule.ports is not None else ("tcp", "udp")
        flows: list[Flow] = [(protocol, port) for protocol in protocols for port in ports]
        return flows + ([("icmp", None)] if rule.ports is None else [])

    def layers(self, rule: MatrixRule, flow: Flow, *, with_replies: bool) -> tuple[LayerResult, ...]:
        found = [self.route_layer(rule, flow, allow_only_gateways=with_replies)]
        nacl_flow_judged = with_replies or not (
            rule.source == INTERNET and self.reaches_internet(self.subnets(rule.destination)) and (flow[1] or 0) >= 1024
        )
        found.append(
            self.acl_layer(rule, flow, with_replies) if nacl_flow_judged else LayerResult("nacl", NOT_APPLICABLE, ())
        )
        found.append(self.group_layer(rule, flow))
        return tuple(found)

    # routes ------------------------------------------------------------------------------------
    def route_layer(self, rule: MatrixRule, flow: Flow, *, allow_only_gateways: bool) -> LayerResult:
        if INTERNET not in (rule.source, rule.destination):
            return LayerResult("route", NOT_APPLICABLE, ())
        inbound = rule.source == INTERNET
        subnets = self.subnets(rule.destination if inbound else rule.source)
        tables = sorted({subnet.route_table for subnet in subnets if subnet.route_table})
        opening: list[str] = []
        refusing: list[str] = []
        decided_by_firewall = False
        for route in self.model.routes:
            if route.route_table not in tables or not intersect(route.destination, self.internet):
                continue
            text = f"{route.logical_id} ({describe(route.destination)} -> {route.target} {route.target_id})"
            if route.target == "igw" or (
                not inbound and route.target == "nat" and self.nat_reaches_internet(route.via_subnet)
            ):
                opening.append(text)
            elif not inbound and route.target == "firewall":
                decided_by_firewall = True
                passes, reason = self.through_firewall(route, flow, with_return=allow_only_gateways)
                (opening if passes else refusing).append(f"{text}: {reason}")
            elif not inbound and route.target == "other" and not allow_only_gateways:
                opening.append(f"{route.logical_id} ({describe(route.destination)} -> {route.target_id})")
        flow_text = _flow_text(flow) if decided_by_firewall else ""
        if opening:
            return LayerResult("route", OPEN, tuple(opening), flow_text)
        target = "internet gateway" if inbound else "internet gateway or NAT gateway"
        routed = {route.route_table for route in self.model.routes if route.target == "firewall"}
        refusing += [f"{table} (no route to an {target})" for table in tables if table not in routed]
        return LayerResult("route", CLOSED, tuple(refusing), flow_text)

    # the egress firewall -----------------------------------------------------------------------
    def through_firewall(self, route: Route, flow: Flow, *, with_return: bool) -> tuple[bool, str]:
        """Whether ``flow`` leaves by ``route`` through its firewall: on to a gateway, back the same way, passed."""
        firewall = self.model.firewalls[route.target_id]
        onward = self.firewall_exits(firewall)
        if not onward:
            return False, f"{firewall.logical_id}'s subnets have no route on to a NAT or internet gateway"
        if with_return:
            for subnet in (s for s in self.model.subnets if s.route_table == route.route_table):
                for exit_route in onward:
                    missing = self.missing_return(exit_route, subnet, firewall)
                    if missing:
                        return False, missing
        return self.firewall_passes(firewall, flow)

    def firewall_exits(self, firewall: Firewall) -> list[Route]:
        """The routes by which the firewall's subnets send internet traffic on to a NAT or internet gateway."""
        tables = {s.route_table for s in self.model.subnets if s.logical_id in firewall.subnets}
        return [
            route
            for route in self.model.routes
            if route.route_table in tables
            and intersect(route.destination, self.internet)
            and (route.target == "igw" or (route.target == "nat" and self.nat_reaches_internet(route.via_subnet)))
        ]

    def missing_return(self, exit_route: Route, subnet: Subnet, firewall: Firewall) -> str:
        """Why the NAT gateway's replies to ``subnet`` would not come back through ``firewall``, or ""."""
        if exit_route.target != "nat":
            return ""
        # An exit through a NAT gateway reaches the internet, so the gateway's subnet is in the model.
        nat_subnet = next(s for s in self.model.subnets if s.logical_id == exit_route.via_subnet)
        back = self.most_specific(nat_subnet.route_table, subnet.cidr)
        if back is not None and back.target == "firewall" and back.target_id == firewall.logical_id:
            return ""
        return (
            f"{nat_subnet.route_table} has no route for {describe(subnet.cidr)} back through {firewall.logical_id}: "
            f"the replies of NAT gateway {exit_route.target_id} would return by the local route, and the stateful "
            "firewall drops a flow it sees one way"
        )

    def most_specific(self, table: str | None, destination: AddressSet) -> Route | None:
        """The route of ``table`` that covers all of ``destination`` with the longest prefix (None: local)."""
        covering = [
            route
            for route in self.model.routes
            if route.route_table == table and route.destination and not subtract(destination, route.destination)
        ]
        return max(covering, key=lambda route: min(n.prefixlen for n in route.destination), default=None)

    def firewall_passes(self, firewall: Firewall, flow: Flow) -> tuple[bool, str]:
        """Strict rule order: the first 5-tuple rule that matches decides, then the domain list, then the default."""
        policy = self.model.firewall_policies.get(firewall.policy or "")
        if policy is None:
            return True, f"{firewall.logical_id} has no firewall policy in the template"
        for group_id in policy.groups:
            group = self.model.firewall_rule_groups.get(group_id)
            if group is None:
                continue
            for firewall_rule in group.rules:
                if firewall_rule.action != "ALERT" and self.firewall_rule_matches(firewall_rule, flow):
                    verb = "passes" if firewall_rule.action == "PASS" else "drops"
                    return firewall_rule.action == "PASS", f"{group_id} {verb} {_flow_text(flow)}"
            if group.allowed_names and flow[0] == "tcp":
                return True, f"{group_id} passes TLS SNI and HTTP Host of {len(group.allowed_names)} allow-listed names"
        drops = bool(DROP_DEFAULTS & set(policy.default_actions))
        verdict = "drops" if drops else "passes"
        actions = ", ".join(policy.default_actions) or "none"
        return not drops, f"{policy.logical_id}'s default actions ({actions}) {verdict} what no rule names"

    def firewall_rule_matches(self, firewall_rule: FirewallRule, flow: Flow) -> bool:
        protocol, port = flow
        if firewall_rule.protocol not in ("all", protocol):
            return False
        if not (
            intersect(firewall_rule.source, self.model.vpc_cidr) and intersect(firewall_rule.destination, self.internet)
        ):
            return False
        if firewall_rule.ports is None:
            return True
        return port is not None and firewall_rule.ports[0] <= port <= firewall_rule.ports[1]

    def nat_reaches_internet(self, subnet_id: str | None) -> bool:
        subnet = next((s for s in self.model.subnets if s.logical_id == subnet_id), None)
        return subnet is not None and self.reaches_internet([subnet], gateway_only=True)

    def reaches_internet(self, subnets: Iterable[Subnet], *, gateway_only: bool = False) -> bool:
        tables = {subnet.route_table for subnet in subnets}
        kinds = ("igw",) if gateway_only else ("igw", "nat", "firewall", "other")
        return any(
            route.route_table in tables and route.target in kinds and intersect(route.destination, self.internet)
            for route in self.model.routes
        )

    def nat_subnets(self, subnets: Iterable[Subnet]) -> list[Subnet]:
        tables = {subnet.route_table for subnet in subnets}
        ids = {route.via_subnet for route in self.model.routes if route.route_table in tables and route.target == "nat"}
        return [subnet for subnet in self.model.subnets if subnet.logical_id in ids]

    def transit_subnets(self, subnets: Sequence[Subnet]) -> list[list[Subnet]]:
        """The subnets internet traffic from ``subnets`` crosses: firewall subnets (if routed there), NAT ones."""
        tables = {subnet.route_table for subnet in subnets}
        firewall_ids = {r.target_id for r in self.model.routes if r.route_table in tables and r.target == "firewall"}
        firewall_subnet_ids = {
            subnet for firewall_id in firewall_ids for subnet in self.model.firewalls[firewall_id].subnets
        }
        firewall_subnets = [subnet for subnet in self.model.subnets if subnet.logical_id in firewall_subnet_ids]
        nat = self.nat_subnets([*subnets, *firewall_subnets])
        return [group for group in (firewall_subnets, nat) if group]

    # network ACLs ------------------------------------------------------------------------------
    def acl_layer(self, rule: MatrixRule, flow: Flow, with_replies: bool) -> LayerResult:
        source, destination = self.addresses(rule.source), self.addresses(rule.destination)
        src_subnets, dst_subnets = self.subnets(rule.source), self.subnets(rule.destination)
        # On the way out: the egress firewall's subnets, then the NAT gateways' subnets.
        transit = self.transit_subnets(src_subnets) if rule.destination == INTERNET else []
        # (subnets, egress, peers are sources?) for each hop of the request
        request = [
            (src_subnets, True, False),
            *((hop, egress, not egress) for hop in transit for egress in (False, True)),
            (dst_subnets, False, True),
        ]
        hops = [(subnets, egress, from_source, flow) for subnets, egress, from_source in request if subnets]
        if with_replies and flow[0] != "icmp":
            reply = [
                (dst_subnets, True, True),
                *((hop, egress, egress) for hop in reversed(transit) for egress in (False, True)),
                (src_subnets, False, False),
            ]
            for port in self.ephemeral_ports():
                hops += [
                    (subnets, egress, to_source, (flow[0], port)) for subnets, egress, to_source in reply if subnets
                ]
        reached_sources, reached_destinations = source, destination
        admitting: list[str] = []
        refusing: list[str] = []
        for subnets, egress, peers_are_sources, hop_flow in hops:
            peers = source if peers_are_sources else destination
            admitted, allowed_by, denied_by = self.acls_admit(subnets, egress, hop_flow, peers)
            admitting += allowed_by
            if peers_are_sources:
                reached_sources = intersect(reached_sources, admitted)
            else:
                reached_destinations = intersect(reached_destinations, admitted)
            if not admitted:
                refusing += denied_by
        if reached_sources and reached_destinations:
            return LayerResult("nacl", OPEN, _unique(admitting))
        return LayerResult("nacl", CLOSED, _unique(refusing) or _unique(admitting))

    def ephemeral_ports(self) -> list[int]:
        low, high = EPHEMERAL_PORTS
        cuts = {low} | {cut for entry in self.model.acl_entries for cut in _cut(entry.ports) if low < cut <= high}
        return sorted(cuts - REPLY_PORTS_NOT_REQUIRED)

    def acls_admit(
        self, subnets: Iterable[Subnet], egress: bool, flow: Flow, peers: AddressSet
    ) -> tuple[AddressSet, list[str], list[str]]:
        admitted: AddressSet = ()
        allowed_by: list[str] = []
        denied_by: list[str] = []
        for acl in sorted({subnet.network_acl or "" for subnet in subnets}):
            if not acl:
                admitted = union(admitted, peers)
                allowed_by.append("the VPC's default network ACL (admits everything)")
                continue
            remaining = peers
            entries = sorted(
                (e for e in self.model.acl_entries if e.network_acl == acl and e.egress == egress),
                key=lambda e: e.number,
            )
            for entry in entries:
                hit = intersect(remaining, entry.peer)
                if not hit or not _acl_matches(entry, flow):
                    continue
                action = "allow" if entry.allow else "deny"
                label = f"{entry.logical_id} (rule {entry.number} {action} {describe(entry.peer)})"
                if entry.allow:
                    admitted = union(admitted, hit)
                    allowed_by.append(label)
                else:
                    denied_by.append(label)
                remaining = subtract(remaining, entry.peer)
            if remaining:
                denied_by.append(f"{acl} ({'outbound' if egress else 'inbound'} rule * deny)")
        return admitted, allowed_by, denied_by

    # security groups ---------------------------------------------------------------------------
    def group_layer(self, rule: MatrixRule, flow: Flow) -> LayerResult:
        checks = []
        if rule.destination != INTERNET:
            checks.append((rule.destination, False, rule.source))
        if rule.source != INTERNET:
            checks.append((rule.source, True, rule.destination))
        states: list[tuple[str, list[str]]] = []
        for zone, egress, peer_zone in checks:
            groups = sorted(group for group, tier in self.model.group_tiers.items() if tier == zone)
            if not groups:
                continue
            admitting = [
                _group_label(group_rule)
                for group_rule in self.model.group_rules
                if group_rule.group in groups
                and group_rule.egress == egress
                and self.group_rule_admits(group_rule, flow, peer_zone)
            ]
            if admitting:
                states.append((OPEN, admitting))
            else:
                direction = "outbound" if egress else "inbound"
                states.append((CLOSED, [f"{group} (no {direction} rule admits it)" for group in groups]))
        if not states:
            return LayerResult("security group", NOT_APPLICABLE, ())
        closed = [decider for state, deciders in states if state == CLOSED for decider in deciders]
        if closed:
            return LayerResult("security group", CLOSED, _unique(closed))
        return LayerResult("security group", OPEN, _unique([d for _, deciders in states for d in deciders]))

    def group_rule_admits(self, group_rule: GroupRule, flow: Flow, peer_zone: str) -> bool:
        protocol, port = flow
        if group_rule.protocol != "all" and group_rule.protocol != protocol:
            return False
        if group_rule.ports is not None and port is not None and not group_rule.ports[0] <= port <= group_rule.ports[1]:
            return False
        if group_rule.peer_group is not None:
            # A group without tier metadata could hold any ENI in the VPC, never an internet address.
            tier = self.model.group_tiers.get(group_rule.peer_group)
            return tier == peer_zone if tier else peer_zone != INTERNET
        if _is_no_traffic_placeholder(group_rule):
            return False
        return bool(intersect(group_rule.peer, self.addresses(peer_zone)))


def _acl_matches(entry: AclEntry, flow: Flow) -> bool:
    protocol, port = flow
    if entry.protocol == "all":
        return True
    if entry.protocol != protocol:
        return False
    return entry.ports is None or port is None or entry.ports[0] <= port <= entry.ports[1]


def _is_no_traffic_placeholder(group_rule: GroupRule) -> bool:
    # aws-cdk-lib writes ICMP type 252 code 86 to 255.255.255.255/32 for "no egress": no packet matches it.
    return group_rule.egress and group_rule.protocol == "icmp" and describe(group_rule.peer) == "255.255.255.255/32"


def _group_label(group_rule: GroupRule) -> str:
    return f"{group_rule.group} ({group_rule.description or 'rule'})"


def _cut(ports: tuple[int, int] | None) -> tuple[int, ...]:
    return () if ports is None else (ports[0], ports[1] + 1)


def _flow_text(flow: Flow) -> str:
    protocol, port = flow
    return protocol if port is None else f"{protocol} {port}"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
