"""moto 5.2.5 patches: network ACLs from CloudFormation, and the default ACL's lock-down.

moto's EC2 backend has network ACLs, but its CloudFormation skips ``AWS::EC2::NetworkAcl``,
``AWS::EC2::NetworkAclEntry`` and ``AWS::EC2::SubnetNetworkAclAssociation`` with a warning, so the
tier ACLs would not exist on `make local`. These handlers create them through the backend, as
CloudFormation does in AWS. moto also has no ``Fn::GetAtt <VPC>.DefaultNetworkAcl``, and cannot run
the Lambda behind ``Custom::VpcRestrictDefaultNetworkAcl``; the last two patches do what
CloudFormation and that handler do. ``tools.moto_server.PATCHES`` lists the patches.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPC

from tools.moto_archive import Properties, ResourceHandler, register_models
from tools.moto_models import emulate_custom_resource


def _ec2(account: str, region: str) -> Any:
    return ec2_backends[account][region]


def _create_acl(properties: Properties, _name: str, account: str, region: str) -> str:
    return str(_ec2(account, region).create_network_acl(properties["VpcId"], tags=properties.get("Tags", [])).id)


def _delete_acl(_properties: Properties, acl_id: str, account: str, region: str) -> None:
    _ec2(account, region).delete_network_acl(acl_id)


def _entry_arguments(properties: Properties) -> dict[str, Any]:
    port_range = properties.get("PortRange") or {}
    icmp = properties.get("Icmp") or {}
    return {
        "network_acl_id": properties["NetworkAclId"],
        "rule_number": int(properties["RuleNumber"]),
        "protocol": str(properties["Protocol"]),
        "rule_action": str(properties["RuleAction"]).lower(),
        "egress": str(properties.get("Egress", False)).lower() == "true",
        "cidr_block": properties.get("CidrBlock"),
        "icmp_code": icmp.get("Code"),
        "icmp_type": icmp.get("Type"),
        "port_range_from": port_range.get("From"),
        "port_range_to": port_range.get("To"),
        "ipv6_cidr_block": properties.get("Ipv6CidrBlock"),
    }


def _create_entry(properties: Properties, _name: str, account: str, region: str) -> str:
    arguments = _entry_arguments(properties)
    _ec2(account, region).create_network_acl_entry(**arguments)
    return f"{arguments['network_acl_id']}|{arguments['egress']}|{arguments['rule_number']}"


def _update_entry(properties: Properties, account: str, region: str) -> None:
    _ec2(account, region).replace_network_acl_entry(**_entry_arguments(properties))


def _delete_entry(properties: Properties, _entry_id: str, account: str, region: str) -> None:
    arguments = _entry_arguments(properties)
    _ec2(account, region).delete_network_acl_entry(
        arguments["network_acl_id"], arguments["rule_number"], arguments["egress"]
    )


def _association_of(backend: Any, subnet_id: str) -> str:
    for acl in backend.network_acls.values():
        for association_id, association in acl._associations.items():
            if association.subnet_id == subnet_id:
                return str(association_id)
    raise KeyError(subnet_id)


def _associate(properties: Properties, _name: str, account: str, region: str) -> str:
    backend = _ec2(account, region)
    current = _association_of(backend, properties["SubnetId"])
    return str(backend.replace_network_acl_association(current, properties["NetworkAclId"]).id)


def _disassociate(properties: Properties, _association_id: str, account: str, region: str) -> None:
    # As in AWS, a subnet whose association goes returns to its VPC's default ACL.
    backend = _ec2(account, region)
    acl = backend.get_network_acl(properties["NetworkAclId"])
    default = next(other for other in backend.network_acls.values() if other.default and other.vpc_id == acl.vpc_id)
    backend.replace_network_acl_association(_association_of(backend, properties["SubnetId"]), default.id)


HANDLERS: tuple[ResourceHandler, ...] = (
    ResourceHandler("AWS::EC2::NetworkAcl", _create_acl, _delete_acl),
    ResourceHandler("AWS::EC2::NetworkAclEntry", _create_entry, _delete_entry, _update_entry),
    ResourceHandler("AWS::EC2::SubnetNetworkAclAssociation", _associate, _disassociate),
)


def patch_network_acl_models() -> None:
    """Add the network ACL types to moto's CloudFormation type map."""
    register_models(HANDLERS)


def _default_acl_of(backend: Any, vpc_id: str) -> Any:
    return next(acl for acl in backend.network_acls.values() if acl.default and acl.vpc_id == vpc_id)


def patch_vpc_default_network_acl() -> None:
    """AWS::EC2::VPC: answer ``Fn::GetAtt DefaultNetworkAcl`` with the VPC's default ACL, as CloudFormation does.

    moto 5.2.5 answers only CidrBlock, CidrBlockAssociations, DefaultSecurityGroup and VpcId, and
    fails the stack ("Bad Request") on any other attribute.
    """
    original = VPC.get_cfn_attribute

    def get_cfn_attribute(self: VPC, attribute_name: str) -> Any:
        if attribute_name == "DefaultNetworkAcl":
            return _default_acl_of(self.ec2_backend, self.id).id
        return original(self, attribute_name)

    VPC.get_cfn_attribute = get_cfn_attribute  # type: ignore[method-assign]


#: The entries AWS creates in a default ACL (rule 100, and 101 for IPv6), which the lock-down deletes.
ALLOW_ALL_RULES = (100, 101)


def patch_restrict_default_network_acl() -> None:
    """Custom::VpcRestrictDefaultNetworkAcl: delete the default ACL's allow entries, as its handler does.

    moto 5.2.5 runs a custom resource's Lambda only with Docker, and the stack otherwise waits for
    ever. The handler (``tap_vpc/network/default_network_acl_handler``) deletes rules 100 and 101
    in both directions; so does this, through moto's backend.
    """

    def delete_allow_entries(properties: Properties, account: str, region: str) -> None:
        acl = _ec2(account, region).get_network_acl(properties["DefaultNetworkAclId"])
        acl.network_acl_entries = [e for e in acl.network_acl_entries if int(e.rule_number) not in ALLOW_ALL_RULES]

    emulate_custom_resource("Custom::VpcRestrictDefaultNetworkAcl", delete_allow_entries)
