"""moto 5.2.5 patch: network ACLs from CloudFormation.

moto's EC2 backend has network ACLs, but its CloudFormation skips ``AWS::EC2::NetworkAcl``,
``AWS::EC2::NetworkAclEntry`` and ``AWS::EC2::SubnetNetworkAclAssociation`` with a warning, so the
tier ACLs would not exist on `make local`. These handlers create them through the backend, as
CloudFormation does in AWS; ``tools.moto_server.PATCHES`` lists the patch.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends

from tools.moto_archive import Properties, ResourceHandler, register_models


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
