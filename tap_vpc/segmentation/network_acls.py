"""Network ACLs per tier: one ``ec2.NetworkAcl`` each, with the rules ``acl_plan`` states.

Every subnet of a tier is associated with its tier's ACL, which leaves the VPC's default network ACL
unused, and only once all the ACL's entries exist. Each entry carries its reason as ``TapVpc::Why``
metadata in the template.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnResource, Tags
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from tap_vpc.segmentation.acl_plan import AclRule, acl_plan
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.vocabulary import Tier


class TierNetworkAcls(Construct):
    """One network ACL per tier (``PublicAcl``, ``PrivateAcl``, ``IsolatedAcl``, ``FirewallAcl``), as planned.

    Every subnet of a tier is associated with its tier's ACL; the firewall tier's subnets are not the
    L2 Vpc's, so they come as ``firewall_subnets`` (@default none). ``acls`` maps tier name to the ACL.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        vpc: ec2.Vpc,
        config: TapVpcConfig,
        firewall_subnets: Sequence[ec2.ISubnet] = (),
    ) -> None:
        super().__init__(scope, id_)
        subnets = {
            Tier.PUBLIC.subnet_group: vpc.public_subnets,
            Tier.PRIVATE.subnet_group: vpc.private_subnets,
            Tier.DATA.subnet_group: vpc.isolated_subnets,
            Tier.FIREWALL.subnet_group: list(firewall_subnets),
        }
        self.acls: dict[str, ec2.NetworkAcl] = {}
        for tier, rules in acl_plan(config).items():
            acl = ec2.NetworkAcl(
                self, f"{tier}Acl", vpc=vpc, subnet_selection=ec2.SubnetSelection(subnets=subnets[tier])
            )
            Tags.of(acl).add("Name", f"{config.stack_name}-{tier.lower()}")
            for rule in rules:
                direction = "Out" if rule.egress else "In"
                entry = acl.add_entry(
                    f"{direction}{rule.number}",
                    cidr=ec2.AclCidr.ipv4(rule.cidr),
                    rule_number=rule.number,
                    traffic=_traffic(rule),
                    direction=ec2.TrafficDirection.EGRESS if rule.egress else ec2.TrafficDirection.INGRESS,
                    rule_action=ec2.Action.ALLOW,
                )
                cfn_entry = entry.node.default_child
                assert isinstance(cfn_entry, CfnResource)
                cfn_entry.add_metadata("TapVpc::Why", rule.why)
            _associate_after_entries(acl)
            _narrow_after_widening(acl)
            self.acls[tier] = acl


def _associate_after_entries(acl: ec2.NetworkAcl) -> None:
    # A new ACL denies everything until its entries exist; CloudFormation would otherwise move a
    # live subnet onto it as soon as the ACL exists, cutting its traffic for the rest of the deploy.
    entries = [child for child in acl.node.children if isinstance(child, ec2.NetworkAclEntry)]
    for child in acl.node.children:
        if isinstance(child, ec2.SubnetNetworkAclAssociation):
            child.node.add_dependency(*entries)


def _narrow_after_widening(acl: ec2.NetworkAcl) -> None:
    # Turning egress control on narrows the private tier's Out100 (all) to the VPC and adds Out200
    # (443 out). Both are updates of a live ACL: Out200 first, so 443 never stops on the way.
    entries = {child.node.id: child for child in acl.node.children if isinstance(child, ec2.NetworkAclEntry)}
    if "Out100" in entries and "Out200" in entries and acl.node.id == f"{Tier.PRIVATE.subnet_group}Acl":
        entries["Out100"].node.add_dependency(entries["Out200"])


def _traffic(rule: AclRule) -> ec2.AclTraffic:
    if rule.protocol == "all" or rule.ports is None:
        return ec2.AclTraffic.all_traffic()
    low, high = rule.ports
    if rule.protocol == "udp":
        return ec2.AclTraffic.udp_port_range(low, high)
    return ec2.AclTraffic.tcp_port(low) if low == high else ec2.AclTraffic.tcp_port_range(low, high)
