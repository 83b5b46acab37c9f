"""``DnsFirewall``: Route 53 Resolver DNS Firewall and query logging for the VPC (PCI DSS 1.3.2, 10.2).

A second, cheaper layer behind the Network Firewall: the VPC's resolver answers only the names on
the allow-list, AWS's own names (``domains.AWS_RESOLVED_NAMES``: the API names behind the
interface endpoints' private DNS, and EC2's internal host names), and NXDOMAIN for everything else.
It cannot stop traffic sent straight to an IP address; the Network Firewall does that. What it
breaks: any name a workload needs that is not listed, such as public package mirrors, container
registries other than ECR, or third-party agents; add them to ``egressAllowedDomains``.

Every query the VPC's resolver answers is logged to a KMS-encrypted log group, so an investigation
sees which names a workload resolved (the flow log shows only addresses).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53resolver as resolver
from constructs import Construct

from tap_vpc.egress.domains import AWS_RESOLVED_NAMES

#: Rule priorities inside the group: the allow-list first, then the block of everything else.
ALLOW_PRIORITY = 100
BLOCK_PRIORITY = 200
#: The association's priority among the VPC's rule groups: 101-9899 are open to customers
#: (100 and 9900 are reserved for AWS Firewall Manager).
ASSOCIATION_PRIORITY = 101


class DnsFirewall(Construct):
    """The allow-list rule group (the rest answers NXDOMAIN) on the VPC, and query logging.

    Domain lists, a rule group, its VPC association, and query logging to ``query_log_group``.

    Props: ``vpc_id``; ``allowed_domains`` in Resolver syntax (``*.suffix`` or exact);
    ``query_log_group``; ``name_prefix`` of the names; ``protect`` (@default False): mutation
    protection on the association.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        vpc_id: str,
        allowed_domains: Sequence[str],
        query_log_group: logs.ILogGroup,
        name_prefix: str,
        protect: bool = False,
    ) -> None:
        super().__init__(scope, id_)
        allowed = resolver.CfnFirewallDomainList(
            self,
            "AllowedDomains",
            name=f"{name_prefix}-allowed",
            domains=[*AWS_RESOLVED_NAMES, *allowed_domains],
        )
        everything = resolver.CfnFirewallDomainList(
            self, "EveryDomain", name=f"{name_prefix}-everything", domains=["*"]
        )
        self.rule_group = resolver.CfnFirewallRuleGroup(
            self,
            "RuleGroup",
            name=f"{name_prefix}-egress",
            firewall_rules=[
                resolver.CfnFirewallRuleGroup.FirewallRuleProperty(
                    action="ALLOW", firewall_domain_list_id=allowed.attr_id, priority=ALLOW_PRIORITY
                ),
                resolver.CfnFirewallRuleGroup.FirewallRuleProperty(
                    action="BLOCK",
                    block_response="NXDOMAIN",
                    firewall_domain_list_id=everything.attr_id,
                    priority=BLOCK_PRIORITY,
                ),
            ],
        )
        self.association = resolver.CfnFirewallRuleGroupAssociation(
            self,
            "Association",
            name=f"{name_prefix}-egress",
            firewall_rule_group_id=self.rule_group.attr_id,
            vpc_id=vpc_id,
            priority=ASSOCIATION_PRIORITY,
            mutation_protection="ENABLED" if protect else "DISABLED",
        )
        self.query_logging = resolver.CfnResolverQueryLoggingConfig(
            self, "QueryLogging", name=f"{name_prefix}-queries", destination_arn=query_log_group.log_group_arn
        )
        resolver.CfnResolverQueryLoggingConfigAssociation(
            self, "QueryLoggingAssociation", resolver_query_log_config_id=self.query_logging.attr_id, resource_id=vpc_id
        )
