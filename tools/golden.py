"""Write the guard-rail files the test suite enforces: `make golden`.

- contract/exports.json: every export name (as a pattern over the suffix), its meaning and the
  template value it resolves to (so re-pointing an export is caught);
- contract/logical-ids.json: logical IDs of the resources whose replacement disrupts service or
  loses data, for the dev and prod profiles.
Run it only to accept a change deliberately; review the diff before committing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tap_vpc.exports.outputs import output_specs
from tap_vpc.settings.config import TapVpcConfig
from tools.project import ROOT, config_for, run_cli, synthesize

CONTRACT_FILE = ROOT / "contract" / "exports.json"
LOGICAL_IDS_FILE = ROOT / "contract" / "logical-ids.json"
SUFFIX_PLACEHOLDER = "{environmentSuffix}"
GUARDED_PROFILES = ("dev", "prod")

#: Replacing any of these would disrupt traffic or lose data.
STATEFUL_TYPES = (
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::RouteTable",
    "AWS::EC2::NatGateway",
    "AWS::EC2::EIP",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::SecurityGroup",
    # A replaced interface endpoint is created before the old one goes, and its private DNS zone
    # then conflicts with the old one's: the update fails. A replaced ACL drops its subnets' rules.
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::FlowLog",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::S3::Bucket",
    "AWS::Glue::Database",
    "AWS::Glue::Table",
    "AWS::Athena::WorkGroup",
)


def load_contract(path: Path = CONTRACT_FILE) -> dict[str, dict[str, Any]]:
    """The checked-in contract: export-name pattern -> {meaning, value}."""
    contract: dict[str, dict[str, Any]] = json.loads(path.read_text())
    return contract


def export_contract(config: TapVpcConfig, template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Export-name pattern -> {meaning, value} for ``template``."""
    outputs = template["Outputs"]
    contract = {}
    for spec in output_specs(config):
        output = outputs[spec.key]
        pattern = output["Export"]["Name"].replace(config.environment_suffix, SUFFIX_PLACEHOLDER, 1)
        contract[pattern] = {"meaning": spec.description, "value": output["Value"]}
    return contract


#: Properties whose change makes CloudFormation replace the resource ("Update requires:
#: Replacement" in each resource's CloudFormation reference), for the guarded types that have any.
REPLACEMENT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::EC2::VPC": ("CidrBlock", "InstanceTenancy"),
    "AWS::EC2::Subnet": ("AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "VpcId"),
    "AWS::EC2::RouteTable": ("VpcId",),
    "AWS::EC2::NatGateway": ("AllocationId", "ConnectivityType", "SubnetId"),
    "AWS::EC2::EIP": ("Domain",),
    "AWS::EC2::SecurityGroup": ("GroupDescription", "GroupName", "VpcId"),
    "AWS::EC2::VPCEndpoint": ("ServiceName", "VpcEndpointType", "VpcId"),
    "AWS::EC2::NetworkAcl": ("VpcId",),
    "AWS::EC2::FlowLog": (
        "DeliverLogsPermissionArn", "DestinationOptions", "LogDestination", "LogDestinationType", "LogFormat",
        "LogGroupName", "MaxAggregationInterval", "ResourceId", "ResourceType", "TrafficType",
    ),
    "AWS::Logs::LogGroup": ("LogGroupName",),
    "AWS::S3::Bucket": ("BucketName",),
    "AWS::Glue::Database": ("CatalogId",),
    "AWS::Glue::Table": ("CatalogId", "DatabaseName"),
    "AWS::Athena::WorkGroup": ("Name",),
}  # fmt: skip


def stateful_logical_ids(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical ID -> {type, replace_on} for every resource of ``STATEFUL_TYPES``.

    ``replace_on`` holds the resource's current value of each property in
    ``REPLACEMENT_PROPERTIES``: a change of any of them replaces the resource.
    """
    guarded = {}
    for logical_id, resource in sorted(template["Resources"].items()):
        kind = resource["Type"]
        if kind not in STATEFUL_TYPES:
            continue
        properties = resource.get("Properties", {})
        replace_on = {key: properties[key] for key in REPLACEMENT_PROPERTIES.get(kind, ()) if key in properties}
        guarded[logical_id] = {"type": kind, "replace_on": replace_on}
    return guarded


def write(path: Path, data: Any) -> None:
    """Write ``data`` as stable, reviewable JSON."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def main() -> None:
    """Regenerate both files from the dev and prod profiles."""
    configs = {suffix: config_for(environmentSuffix=suffix) for suffix in GUARDED_PROFILES}
    templates = {suffix: synthesize(config).to_json() for suffix, config in configs.items()}
    write(CONTRACT_FILE, export_contract(configs["dev"], templates["dev"]))
    write(LOGICAL_IDS_FILE, {suffix: stateful_logical_ids(template) for suffix, template in templates.items()})
    print(f"wrote {CONTRACT_FILE.relative_to(ROOT)} and {LOGICAL_IDS_FILE.relative_to(ROOT)}; review the diff")


if __name__ == "__main__":
    run_cli(main, "golden")
