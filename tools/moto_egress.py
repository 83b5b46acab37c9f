"""moto 5.2.5 patch: the egress-control types from CloudFormation, so routes through the firewall deploy.

moto's CloudFormation skips every ``AWS::NetworkFirewall::*`` and ``AWS::Route53Resolver::*`` type
with a warning, and then refuses the template: each private route names its firewall endpoint
through ``Fn::GetAtt Firewall.EndpointIds``, a reference to a resource it skipped ("instance of
Fn::GetAtt references undefined resource"). These handlers make, where moto has the API, what
CloudFormation makes in AWS:

- ``Firewall``: a firewall in moto's Network Firewall backend, and per subnet a Gateway Load
  Balancer endpoint in its EC2 backend, so the routes to the endpoints exist and can be read live;
- ``LoggingConfiguration``: the firewall's logging configuration in that backend;
- ``ResolverQueryLoggingConfig`` and its association: in moto's Route 53 Resolver backend.

moto has no API for firewall policies, rule groups or DNS Firewall. Those are stand-ins: they
answer ``Ref`` and ``Fn::GetAtt`` so the template deploys whole, and create nothing. ``STAND_INS``
lists them; the integration suite treats them as not deployed and records each live check of one
as a strict xfail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.cloudformation import parsing
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import Route
from moto.networkfirewall.models import networkfirewall_backends
from moto.route53resolver.models import route53resolver_backends

from tools.moto_archive import Properties, _Model

#: Types moto has no API for: the patch answers their references and creates nothing.
STAND_INS = (
    "AWS::NetworkFirewall::FirewallPolicy",
    "AWS::NetworkFirewall::RuleGroup",
    "AWS::Route53Resolver::FirewallDomainList",
    "AWS::Route53Resolver::FirewallRuleGroup",
    "AWS::Route53Resolver::FirewallRuleGroupAssociation",
)

Created = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class AttributedHandler:
    """A CloudFormation type whose ``create`` returns its physical ID and its ``Fn::GetAtt`` attributes."""

    type: str
    create: Callable[[Properties, str, str, str], Created]
    delete: Callable[[Properties, str, str, str], None]


class _AttributedModel(_Model):
    """A ``tools.moto_archive`` model that also answers ``Fn::GetAtt``."""

    attributed: AttributedHandler

    def __init__(self, physical_id: str, attributes: dict[str, Any]) -> None:
        super().__init__(physical_id)
        self.attributes = attributes

    @classmethod
    def cloudformation_type(cls) -> str:
        """The CloudFormation type this model stands for."""
        return cls.attributed.type

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        """Every attribute the handler returned can be read."""
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        """``Fn::GetAtt``: the attribute the handler returned."""
        return self.attributes[attribute_name]

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> _AttributedModel:
        """Create through the handler."""
        return cls(*cls.attributed.create(cloudformation_json["Properties"], resource_name, account_id, region_name))

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> _AttributedModel:
        """An update keeps the resource: nothing the routes read changes."""
        return cls(original_resource.physical_id, original_resource.attributes)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        """Delete through the handler."""
        cls.attributed.delete(cloudformation_json["Properties"], resource_name, account_id, region_name)


def _create_firewall(properties: Properties, name: str, account: str, region: str) -> Created:
    ec2 = ec2_backends[account][region]
    subnets = [mapping["SubnetId"] for mapping in properties.get("SubnetMappings", [])]
    firewall = networkfirewall_backends[account][region].create_firewall(
        firewall_name=properties.get("FirewallName", name),
        firewall_policy_arn=properties["FirewallPolicyArn"],
        vpc_id=properties["VpcId"],
        subnet_mappings=[{"SubnetId": subnet} for subnet in subnets],
        delete_protection=properties.get("DeleteProtection"),
        subnet_change_protection=properties.get("SubnetChangeProtection"),
        firewall_policy_change_protection=properties.get("FirewallPolicyChangeProtection"),
        description=properties.get("Description", ""),
        tags=properties.get("Tags", []),
        encryption_configuration={},
        enabled_analysis_types=[],
    )
    endpoints = []
    for subnet in subnets:
        endpoint = ec2.create_vpc_endpoint(
            vpc_id=properties["VpcId"],
            service_name=f"com.amazonaws.vpce.{region}.vpce-svc-networkfirewall",
            endpoint_type="GatewayLoadBalancer",
            policy_document=None,
            route_table_ids=[],
            subnet_ids=[subnet],
        )
        endpoints.append(f"{ec2.get_subnet(subnet).availability_zone}:{endpoint.id}")
    firewall_id = firewall.arn.rsplit("/", 1)[-1]
    return firewall.arn, {"FirewallArn": firewall.arn, "FirewallId": firewall_id, "EndpointIds": endpoints}


def _delete_firewall(_properties: Properties, arn: str, account: str, region: str) -> None:
    networkfirewall_backends[account][region].firewalls.pop(arn, None)


def _update_logging(properties: Properties, _name: str, account: str, region: str) -> Created:
    arn = str(properties["FirewallArn"])
    networkfirewall_backends[account][region].update_logging_configuration(
        firewall_arn=arn, firewall_name="", logging_configuration=properties["LoggingConfiguration"]
    )
    return arn, {}


def _create_query_logging(properties: Properties, name: str, account: str, region: str) -> Created:
    config = route53resolver_backends[account][region].create_resolver_query_log_config(
        name=properties.get("Name", name), destination_arn=properties["DestinationArn"], creator_request_id=name
    )
    return str(config.id), {"Id": config.id, "Arn": config.arn}


def _associate_query_logging(properties: Properties, _name: str, account: str, region: str) -> Created:
    association = route53resolver_backends[account][region].associate_resolver_query_log_config(
        properties["ResolverQueryLogConfigId"], properties["ResourceId"]
    )
    return str(association.id), {"Id": association.id}


def _stand_in(kind: str) -> Callable[[Properties, str, str, str], Created]:
    def create(_properties: Properties, name: str, account: str, region: str) -> Created:
        arn = f"arn:aws:emulator:{region}:{account}:{kind}/{name}"
        attributes = {"Id": name, "Arn": arn, "FirewallPolicyArn": arn, "RuleGroupArn": arn}
        return arn, {**attributes, "FirewallPolicyId": name, "RuleGroupId": name}

    return create


def _nothing(_properties: Properties, _physical_id: str, _account: str, _region: str) -> None:
    return None


HANDLERS: tuple[AttributedHandler, ...] = (
    AttributedHandler("AWS::NetworkFirewall::Firewall", _create_firewall, _delete_firewall),
    AttributedHandler("AWS::NetworkFirewall::LoggingConfiguration", _update_logging, _nothing),
    AttributedHandler("AWS::Route53Resolver::ResolverQueryLoggingConfig", _create_query_logging, _nothing),
    AttributedHandler(
        "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation", _associate_query_logging, _nothing
    ),
    *(AttributedHandler(kind, _stand_in(kind.rsplit("::", 1)[-1].lower()), _nothing) for kind in STAND_INS),
)


def patch_egress_models() -> None:
    """Add a model per ``HANDLERS`` entry to moto's CloudFormation type map."""
    model_map = parsing.get_model_map()
    name_types = parsing.get_name_type_map()
    for handler in HANDLERS:
        model: Any = type(handler.type.replace("::", ""), (_AttributedModel,), {"attributed": handler})
        model_map[handler.type] = model
        name_types[handler.type] = _Model.cloudformation_name_type()


def patch_route_vpc_endpoint() -> None:
    """AWS::EC2::Route: honour ``VpcEndpointId`` (a Gateway Load Balancer or firewall endpoint).

    moto 5.2.5's CloudFormation reads every other target of a route but not this one, so a route to
    a firewall endpoint is created with no target at all. Its EC2 API takes it; this passes it on.
    """
    original = Route.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(
        cls: type[Route], resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> Route:
        properties = cloudformation_json["Properties"]
        if "VpcEndpointId" not in properties:
            return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)  # type: ignore[no-any-return]
        route: Route = ec2_backends[account_id][region_name].create_route(
            route_table_id=properties["RouteTableId"],
            destination_cidr_block=properties.get("DestinationCidrBlock"),
            vpc_endpoint_id=properties["VpcEndpointId"],
        )
        return route

    Route.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment,arg-type]
