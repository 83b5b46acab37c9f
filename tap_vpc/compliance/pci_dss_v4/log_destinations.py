"""Where the template's logs go: flow logs per VPC, the archive buckets, every log destination.

Shared by the rules of requirement 10. The archive is every S3 bucket a flow log delivers to; a log
destination is every log group, plus every bucket that receives flow logs, server access logs,
Resolver query logs or Network Firewall logs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, Resource, as_list, ref

BUCKET = "AWS::S3::Bucket"


def referenced_ids(value: object) -> Iterator[str]:
    """Every logical ID ``value`` names by ``Ref`` or ``Fn::GetAtt``, at any depth."""
    if isinstance(value, Mapping):
        named = ref(value)
        if named is not None:
            yield named
        for inner in value.values():
            yield from referenced_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from referenced_ids(inner)


def _buckets_in(template: CfnTemplate, value: object) -> list[Resource]:
    found = (template.resources.get(logical_id) for logical_id in referenced_ids(value))
    return [resource for resource in found if resource is not None and resource.type == BUCKET]


def flow_logs_of(template: CfnTemplate, vpc: Resource) -> list[Resource]:
    """The ``AWS::EC2::FlowLog`` resources whose ``ResourceId`` is ``vpc``."""
    return [
        flow_log
        for flow_log in template.of_type("AWS::EC2::FlowLog")
        if ref(flow_log.properties.get("ResourceId")) == vpc.logical_id
    ]


def archive_buckets(template: CfnTemplate) -> list[Resource]:
    """Buckets a flow log delivers to (``LogDestinationType: s3``), in template order, once each."""
    found: dict[str, Resource] = {}
    for flow_log in template.of_type("AWS::EC2::FlowLog"):
        if flow_log.properties.get("LogDestinationType") == "s3":
            for bucket in _buckets_in(template, flow_log.properties.get("LogDestination")):
                found.setdefault(bucket.logical_id, bucket)
    return list(found.values())


def log_destination_buckets(template: CfnTemplate) -> list[Resource]:
    """Every bucket that receives logs: the archive, access-log targets, query and firewall log buckets."""
    found = {bucket.logical_id: bucket for bucket in archive_buckets(template)}
    for bucket in template.of_type(BUCKET):
        logging = bucket.properties.get("LoggingConfiguration") or {}
        for target in _buckets_in(template, logging.get("DestinationBucketName")):
            found.setdefault(target.logical_id, target)
    for config in template.of_type("AWS::Route53Resolver::ResolverQueryLoggingConfig"):
        for target in _buckets_in(template, config.properties.get("DestinationArn")):
            found.setdefault(target.logical_id, target)
    for config in template.of_type("AWS::NetworkFirewall::LoggingConfiguration"):
        destinations = (config.properties.get("LoggingConfiguration") or {}).get("LogDestinationConfigs")
        for destination in as_list(destinations):
            for target in _buckets_in(template, destination.get("LogDestination")):
                found.setdefault(target.logical_id, target)
    return [template.resources[logical_id] for logical_id in template.resources if logical_id in found]
