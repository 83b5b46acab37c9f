"""``EgressFirewall``: AWS Network Firewall between the private tier and the NAT gateways (PCI DSS 1.3.2).

The distributed model with NAT gateways ("Architecture with an internet gateway and a NAT gateway",
Network Firewall Developer Guide, "Example architectures with routing"; AWS blog "Deployment
models for AWS Network Firewall"): a /28 firewall subnet per AZ holds a firewall endpoint, and

- each private route table sends 0.0.0.0/0 to its AZ's endpoint (instead of the NAT gateway);
- each firewall subnet's route table sends 0.0.0.0/0 to the NAT gateway that AZ used before;
- each public route table sends every private subnet's CIDR to its AZ's endpoint, so the NAT
  gateways' replies come back through the endpoint that saw the request;
- each private route table sends every public subnet's CIDR to that public subnet's AZ endpoint,
  so a load balancer in the public tier and its targets in the private tier stay on one path both
  ways (routes more specific than the local route, which VPC route tables accept for a firewall
  endpoint when the destination is a subnet CIDR). The policy passes intra-VPC flows.

Nothing existing is replaced: the private route's target changes in place (an update), and the NAT
gateways, their Elastic IPs and the subnets stay. Traffic to interface endpoints (in the private
subnets) and to the gateway endpoints (prefix-list routes, more specific than 0.0.0.0/0) never
crosses the firewall.

A firewall per AZ, each with one subnet, shares one policy: its single endpoint ID is then known
from the template (``EndpointIds`` lists ``az:vpce-id`` pairs in no promised order), and a firewall
endpoint costs the same per hour whichever firewall owns it. ``shared`` builds only the first AZ's
firewall, and every route uses its endpoint: cheaper, but not zone-independent.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Fn, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_networkfirewall as nfw
from constructs import Construct

from tap_vpc.segmentation.reachability.template_model import TIER_METADATA
from tap_vpc.vocabulary import HTTPS, Tier

#: Stateless traffic all goes to the stateful engine, which decides (the policy's "forward" action).
FORWARD_TO_STATEFUL = "aws:forward_to_sfe"
#: Strict order, then drop what no rule passed: ``drop_established`` lets a TCP handshake complete
#: so the engine can read the TLS SNI or HTTP Host, then drops the flow unless a rule passed it;
#: ``alert_established`` logs each such drop (Network Firewall Developer Guide, "Stateful default actions").
DEFAULT_ACTIONS = ("aws:drop_established", "aws:alert_established")
STRICT_ORDER = "STRICT_ORDER"
#: Capacity of each stateful rule group (fixed at creation; a change replaces the group).
BASELINE_CAPACITY = 100
DOMAIN_LIST_CAPACITY = 1000


def baseline_rules(vpc_cidr: str) -> list[nfw.CfnRuleGroup.StatefulRuleProperty]:
    """The rules before the domain list: pass flows inside the VPC; drop every other port, UDP and ICMP out."""

    def rule(
        sid: int, action: str, protocol: str, destination: str, port: str, direction: str = "FORWARD"
    ) -> nfw.CfnRuleGroup.StatefulRuleProperty:
        return nfw.CfnRuleGroup.StatefulRuleProperty(
            action=action,
            header=nfw.CfnRuleGroup.HeaderProperty(
                protocol=protocol,
                source=vpc_cidr,
                source_port="ANY",
                direction=direction,
                destination=destination,
                destination_port=port,
            ),
            rule_options=[nfw.CfnRuleGroup.RuleOptionProperty(keyword="sid", settings=[str(sid)])],
        )

    return [
        rule(1, "PASS", "IP", vpc_cidr, "ANY", direction="ANY"),
        rule(2, "DROP", "TCP", "ANY", f"1:{HTTPS - 1}"),
        rule(3, "DROP", "TCP", "ANY", f"{HTTPS + 1}:65535"),
        rule(4, "DROP", "UDP", "ANY", "ANY"),
        rule(5, "DROP", "ICMP", "ANY", "ANY"),
    ]


class EgressFirewall(Construct):
    """Firewall subnets, the egress policy and its firewalls, logging, and the routes through them.

    Props:
    - ``vpc`` and its literal ``vpc_cidr``; ``subnet_cidrs``: one /28 per AZ, in AZ order.
    - ``allowed_domains``: Network Firewall domain-list targets (exact names and ``.suffix``).
    - ``per_az``: a firewall endpoint in every AZ. @default True (False: the first AZ's only)
    - ``alert_log_group``, ``flow_log_group``: where the firewalls log.
    - ``pin_az_ids``: the AZs are AZ IDs (declared environments). @default False
    - ``name_prefix``: of the firewall and rule-group names (the stack name).
    - ``protect``: delete and change protection on the firewalls. @default False

    Attributes: ``subnets``, ``policy``, ``firewalls`` (one per AZ, or one), ``endpoint_ids``
    (per AZ: the endpoint that AZ's routes use).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        vpc: ec2.Vpc,
        vpc_cidr: str,
        subnet_cidrs: Sequence[str],
        allowed_domains: Sequence[str],
        alert_log_group: logs.ILogGroup,
        flow_log_group: logs.ILogGroup,
        name_prefix: str,
        per_az: bool = True,
        pin_az_ids: bool = False,
        protect: bool = False,
    ) -> None:
        super().__init__(scope, id_)
        self.subnets = [
            self._subnet(vpc, number, cidr, private.availability_zone, pin_az_ids)
            for number, (cidr, private) in enumerate(zip(subnet_cidrs, vpc.private_subnets, strict=True), 1)
        ]
        self.policy = self._policy(vpc_cidr, allowed_domains, name_prefix)
        hosts = self.subnets if per_az else self.subnets[:1]
        self.firewalls = [
            self._firewall(vpc, number, subnet, name_prefix, protect, alert_log_group, flow_log_group)
            for number, subnet in enumerate(hosts, 1)
        ]
        self.logging = [self.node.find_child(f"Firewall{number}Logging") for number in range(1, len(hosts) + 1)]
        # Each firewall has one subnet, so its one endpoint is the first "az:vpce-id" pair's ID.
        endpoints = [
            Fn.select(1, Fn.split(":", Fn.select(0, firewall.attr_endpoint_ids))) for firewall in self.firewalls
        ]
        self.endpoint_ids = [endpoints[index] if per_az else endpoints[0] for index in range(len(self.subnets))]
        self._route(vpc)

    def _subnet(self, vpc: ec2.Vpc, number: int, cidr: str, zone: str, pin_az_ids: bool) -> ec2.Subnet:
        subnet = ec2.Subnet(
            self,
            f"Subnet{number}",
            vpc_id=vpc.vpc_id,
            cidr_block=cidr,
            availability_zone=zone,
            map_public_ip_on_launch=False,
        )
        cfn_subnet = subnet.node.default_child
        assert isinstance(cfn_subnet, ec2.CfnSubnet)
        cfn_subnet.add_metadata(TIER_METADATA, Tier.FIREWALL.value)
        if pin_az_ids:
            cfn_subnet.add_property_deletion_override("AvailabilityZone")
            cfn_subnet.add_property_override("AvailabilityZoneId", zone)
        Tags.of(subnet).add("Name", f"{Tier.FIREWALL.subnet_group}Subnet{number}")
        return subnet

    def _policy(self, vpc_cidr: str, allowed_domains: Sequence[str], name_prefix: str) -> nfw.CfnFirewallPolicy:
        strict = nfw.CfnRuleGroup.StatefulRuleOptionsProperty(rule_order=STRICT_ORDER)
        home = nfw.CfnRuleGroup.RuleVariablesProperty(
            ip_sets={"HOME_NET": nfw.CfnRuleGroup.IPSetProperty(definition=[vpc_cidr])}
        )
        baseline = nfw.CfnRuleGroup(
            self,
            "BaselineRules",
            rule_group_name=f"{name_prefix}-egress-baseline",
            type="STATEFUL",
            capacity=BASELINE_CAPACITY,
            description="Intra-VPC flows pass; only TCP 443 may leave the VPC",
            rule_group=nfw.CfnRuleGroup.RuleGroupProperty(
                stateful_rule_options=strict,
                rules_source=nfw.CfnRuleGroup.RulesSourceProperty(stateful_rules=baseline_rules(vpc_cidr)),
            ),
        )
        domains = nfw.CfnRuleGroup(
            self,
            "AllowedDomains",
            rule_group_name=f"{name_prefix}-egress-domains",
            type="STATEFUL",
            capacity=DOMAIN_LIST_CAPACITY,
            description="The egress allow-list (egressAllowedDomains), by TLS SNI and HTTP Host",
            rule_group=nfw.CfnRuleGroup.RuleGroupProperty(
                stateful_rule_options=strict,
                rule_variables=home,
                rules_source=nfw.CfnRuleGroup.RulesSourceProperty(
                    rules_source_list=nfw.CfnRuleGroup.RulesSourceListProperty(
                        generated_rules_type="ALLOWLIST",
                        target_types=["TLS_SNI", "HTTP_HOST"],
                        targets=list(allowed_domains),
                    )
                ),
            ),
        )
        return nfw.CfnFirewallPolicy(
            self,
            "Policy",
            firewall_policy_name=f"{name_prefix}-egress",
            description="Egress of the private tier: the baseline, then the domain allow-list; drop the rest",
            firewall_policy=nfw.CfnFirewallPolicy.FirewallPolicyProperty(
                stateless_default_actions=[FORWARD_TO_STATEFUL],
                stateless_fragment_default_actions=[FORWARD_TO_STATEFUL],
                stateful_engine_options=nfw.CfnFirewallPolicy.StatefulEngineOptionsProperty(rule_order=STRICT_ORDER),
                stateful_default_actions=list(DEFAULT_ACTIONS),
                stateful_rule_group_references=[
                    nfw.CfnFirewallPolicy.StatefulRuleGroupReferenceProperty(
                        resource_arn=baseline.attr_rule_group_arn, priority=100
                    ),
                    nfw.CfnFirewallPolicy.StatefulRuleGroupReferenceProperty(
                        resource_arn=domains.attr_rule_group_arn, priority=200
                    ),
                ],
            ),
        )

    def _firewall(
        self,
        vpc: ec2.Vpc,
        number: int,
        subnet: ec2.Subnet,
        name_prefix: str,
        protect: bool,
        alert_log_group: logs.ILogGroup,
        flow_log_group: logs.ILogGroup,
    ) -> nfw.CfnFirewall:
        firewall = nfw.CfnFirewall(
            self,
            f"Firewall{number}",
            firewall_name=f"{name_prefix}-egress-{number}",
            description=f"Egress firewall endpoint of AZ {number}",
            firewall_policy_arn=self.policy.attr_firewall_policy_arn,
            vpc_id=vpc.vpc_id,
            subnet_mappings=[nfw.CfnFirewall.SubnetMappingProperty(subnet_id=subnet.subnet_id)],
            delete_protection=protect,
            firewall_policy_change_protection=protect,
            subnet_change_protection=protect,
        )
        destinations = [
            nfw.CfnLoggingConfiguration.LogDestinationConfigProperty(
                log_type=log_type,
                log_destination_type="CloudWatchLogs",
                log_destination={"logGroup": group.log_group_name},
            )
            for log_type, group in (("ALERT", alert_log_group), ("FLOW", flow_log_group))
        ]
        nfw.CfnLoggingConfiguration(
            self,
            f"Firewall{number}Logging",
            firewall_arn=firewall.attr_firewall_arn,
            logging_configuration=nfw.CfnLoggingConfiguration.LoggingConfigurationProperty(
                log_destination_configs=destinations
            ),
        )
        return firewall

    def _route(self, vpc: ec2.Vpc) -> None:
        """Point the private default routes at the endpoints, and add the firewall and return routes."""
        for number, (private, subnet, endpoint) in enumerate(
            zip(vpc.private_subnets, self.subnets, self.endpoint_ids, strict=True), 1
        ):
            default_route = private.node.find_child("DefaultRoute")
            assert isinstance(default_route, ec2.CfnRoute)
            nat = default_route.nat_gateway_id
            # The same AWS::EC2::Route, another target: CloudFormation updates it in place (ReplaceRoute).
            default_route.add_property_deletion_override("NatGatewayId")
            default_route.add_property_override("VpcEndpointId", endpoint)
            # Traffic moves onto the firewall only once its alert and flow logs are recorded.
            default_route.node.add_dependency(*self.logging)
            ec2.CfnRoute(
                self,
                f"Subnet{number}DefaultRoute",
                route_table_id=subnet.route_table.route_table_id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat,
            )
        for public_number, (public, endpoint) in enumerate(zip(vpc.public_subnets, self.endpoint_ids, strict=True), 1):
            for private_number, private in enumerate(vpc.private_subnets, 1):
                ec2.CfnRoute(
                    self,
                    f"Public{public_number}ToPrivate{private_number}",
                    route_table_id=public.route_table.route_table_id,
                    destination_cidr_block=private.ipv4_cidr_block,
                    vpc_endpoint_id=endpoint,
                )
                ec2.CfnRoute(
                    self,
                    f"Private{private_number}ToPublic{public_number}",
                    route_table_id=private.route_table.route_table_id,
                    destination_cidr_block=public.ipv4_cidr_block,
                    vpc_endpoint_id=endpoint,
                )
