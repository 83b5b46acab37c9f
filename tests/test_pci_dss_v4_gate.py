"""The PCI DSS v4.0.1 pack on every synth: the prod stack passes, and each breach of the issue fails it.

Each breach is made on the prod stack through an escape hatch, then synthesized through the real
entry point (``synth_app``, as app.py does): the exit code is 1 and the validation report names the
rule and the resource.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import App, CfnResource, IPolicyValidationContext, PolicyValidationStack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam

from tap_vpc.compliance.pci_dss_v4.plugin import PLUGIN_NAME, PciDssV4Checks, acknowledgement_id
from tap_vpc.entrypoint import synth_app
from tap_vpc.network.vpc import nat_gateways
from tap_vpc.tap_vpc_stack import TapVpcStack, add_tap_vpc_stack
from tests.changed_synth import synth_environment_with
from tools.project import cdk_json_context, config_for, synthesized

Mutation = Callable[[TapVpcStack], None]


def mutate_nothing(stack: TapVpcStack) -> None:
    """The stack as its settings build it."""


def pack_findings(tmp_path: Path, mutate: Mutation) -> tuple[int, list[str]]:
    """Synthesize prod after ``mutate`` through ``synth_app``; (exit code, the pack's unacknowledged findings)."""
    code, _ = synth_environment_with(tmp_path, "prod", mutate)
    report = json.loads((tmp_path / "validation-report.json").read_text())
    (pack,) = [plugin for plugin in report["pluginReports"] if plugin["pluginName"] == "tap-vpc-pci-dss-v4"]
    return code, [violation["description"] for violation in pack["violations"]]


def test_the_prod_stack_passes_every_rule_with_only_its_reasoned_acknowledgements() -> None:
    stack, _ = synthesized(config_for(environmentSuffix="prod"))
    report = json.loads((Path(stack.node.root.outdir) / "validation-report.json").read_text())  # type: ignore[attr-defined]
    (pack,) = [plugin for plugin in report["pluginReports"] if plugin["pluginName"] == "tap-vpc-pci-dss-v4"]
    assert pack["violations"] == []
    acknowledged = sorted((v["ruleName"], v["acknowledgedAt"].split("/", 1)[1]) for v in pack["suppressedViolations"])
    assert acknowledged == [
        ("PCI.DSS.401-10.3.2-LogDestinationsEncrypted", "FlowLogArchive/AccessLogBucket"),
        (
            "PCI.DSS.401-7.2.5-ServiceRolesScopedToAccount",
            "Custom::VpcRestrictDefaultNetworkAclCustomResourceProvider/Role",
        ),
        ("PCI.DSS.401-7.2.5-ServiceRolesScopedToAccount", "Custom::VpcRestrictDefaultSGCustomResourceProvider/Role"),
    ]


def test_an_acknowledgement_names_the_plugin_and_the_rule() -> None:
    assert acknowledgement_id("PCI.DSS.401-3.7.4-KeyRotation") == "tap-vpc-pci-dss-v4::PCI.DSS.401-3.7.4-KeyRotation"
    assert PLUGIN_NAME == "tap-vpc-pci-dss-v4"
    checks = PciDssV4Checks()
    assert (checks.name, checks.version) == ("tap-vpc-pci-dss-v4", "1.0.0")
    assert "PCI.DSS.401-10.5.1-Retention" in checks.rule_ids


@jsii.implements(IPolicyValidationContext)
class _Context:
    def __init__(self, paths: list[str]) -> None:
        self._paths = paths

    @property
    def template_paths(self) -> list[str]:
        return self._paths

    @property
    def stack_templates(self) -> list[PolicyValidationStack]:
        return []

    @property
    def app_construct(self) -> Any:
        return None

    @property
    def account_id(self) -> str | None:
        return None

    @property
    def region(self) -> str | None:
        return None


def test_the_plugin_reports_each_finding_with_its_resource_and_template(tmp_path: Path) -> None:
    path = tmp_path / "Keys.template.json"
    path.write_text(json.dumps({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {}}}}))
    report = PciDssV4Checks().validate(_Context([str(path)]))
    assert report.success is False
    (violation,) = report.violations
    assert violation.rule_name == "PCI.DSS.401-3.7.4-KeyRotation"
    assert violation.description.startswith(
        "PCI.DSS.401-3.7.4-KeyRotation (PCI DSS v4.0.1 3.7.4; Security Hub KMS.4): Key:"
    )
    (resource,) = violation.violating_resources
    assert (resource.resource_logical_id, resource.template_path) == ("Key", str(path))
    path.write_text(
        json.dumps({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}}}})
    )
    assert PciDssV4Checks().validate(_Context([str(path)])).success is True


# --- the "done when": each breach fails the synth with its rule -------------------------


def remove_object_lock(stack: TapVpcStack) -> None:
    bucket = stack.required_archive.bucket.node.default_child
    assert isinstance(bucket, CfnResource)
    bucket.add_property_deletion_override("ObjectLockEnabled")
    bucket.add_property_deletion_override("ObjectLockConfiguration")


def keep_hot_logs_thirty_days(stack: TapVpcStack) -> None:
    # The settings edge refuses flowLogRetentionDays under 365 (CT.CLOUDWATCH.PR.2), so the
    # template itself is changed: the pack must catch what the settings would not let through.
    group = stack.flow_log.log_group.node.default_child
    assert isinstance(group, CfnResource)
    group.add_property_override("RetentionInDays", 30)


def wildcard_on_the_flow_log_role(stack: TapVpcStack) -> None:
    stack.flow_log.role.add_to_principal_policy(iam.PolicyStatement(actions=["logs:*"], resources=["*"]))


def firewall_with_a_private_route_straight_to_nat(stack: TapVpcStack) -> None:
    # The prod stack's egress firewall stays, but each private route table sends 0.0.0.0/0 to its
    # NAT gateway again, around it.
    for private, nat in zip(stack.vpc.private_subnets, nat_gateways(stack.vpc), strict=True):
        route = private.node.find_child("DefaultRoute")
        assert isinstance(route, ec2.CfnRoute)
        route.add_property_deletion_override("VpcEndpointId")
        route.add_property_override("NatGatewayId", nat.ref)


def test_removing_the_archives_object_lock_fails_the_synth_with_10_3(tmp_path: Path) -> None:
    code, found = pack_findings(tmp_path, remove_object_lock)
    assert code == 1
    assert any(
        line.startswith("PCI.DSS.401-10.3.3-ArchiveImmutable")
        and ": FlowLogArchiveBucketEDB91C57: archive bucket has no Object Lock default retention" in line
        for line in found
    ), found


def test_thirty_days_of_hot_logs_fail_the_synth_with_10_5_1(tmp_path: Path) -> None:
    code, found = pack_findings(tmp_path, keep_hot_logs_thirty_days)
    assert code == 1
    assert [line for line in found if line.startswith("PCI.DSS.401-10.5.1-Retention")] == [
        "PCI.DSS.401-10.5.1-Retention (PCI DSS v4.0.1 10.5.1): FlowLogLogGroupAFFB9038: "
        "log group keeps 30 days, under 90 of the three months kept hot"
    ]


def test_a_wildcard_action_on_the_flow_log_role_fails_the_synth_with_7_2(tmp_path: Path) -> None:
    code, found = pack_findings(tmp_path, wildcard_on_the_flow_log_role)
    assert code == 1
    (line,) = [line for line in found if line.startswith("PCI.DSS.401-7.2.5-NoWildcardActions")]
    assert ": FlowLogDeliveryRoleDefaultPolicy" in line
    assert "allows wildcard actions ['logs:*']" in line


def test_a_private_subnet_routed_around_the_firewall_fails_the_synth_with_1_3_2(tmp_path: Path) -> None:
    code, found = pack_findings(tmp_path, firewall_with_a_private_route_straight_to_nat)
    assert code == 1
    bypasses = [line for line in found if line.startswith("PCI.DSS.401-1.3.2-EgressThroughFirewall")]
    assert [line.split(": ")[1] for line in bypasses] == [
        "VpcPrivateSubnet1DefaultRouteBE02A9ED",
        "VpcPrivateSubnet2DefaultRoute060D2087",
        "VpcPrivateSubnet3DefaultRoute94B74F0D",
    ]
    assert all("sends 0.0.0.0/0 to NatGatewayId" in line and "around the firewall" in line for line in bypasses)
    # The stack's gateway endpoint policies and DNS query logging satisfy the other egress rules.
    assert not any(line.startswith("PCI.DSS.401-1.3.2-GatewayEndpointPolicies") for line in found)
    assert not any(line.startswith("PCI.DSS.401-10.2.1-DnsQueryLogs") for line in found)


def test_a_flow_log_of_rejected_traffic_with_a_short_record_fails_the_synth_with_10_2_1(tmp_path: Path) -> None:
    # The settings allow both (flowLogTrafficType, flowLogFormat); the standard does not.
    app = App(
        outdir=str(tmp_path),
        context={
            **cdk_json_context(),
            "environmentSuffix": "prod",
            "flowLogTrafficType": "REJECT",
            "flowLogFormat": "${version} ${srcaddr} ${dstaddr} ${action}",
        },
    )
    assert synth_app(lambda app, config: mutate_nothing(add_tap_vpc_stack(app, config)), app) == 1
    template = json.loads((tmp_path / "TapVpcStack-prod.template.json").read_text())
    assert template["Resources"]["FlowLog31A0BD0F"]["Properties"]["TrafficType"] == "REJECT"  # the setting, passed on
    report = json.loads((tmp_path / "validation-report.json").read_text())
    (pack,) = [plugin for plugin in report["pluginReports"] if plugin["pluginName"] == "tap-vpc-pci-dss-v4"]
    found = sorted(violation["description"] for violation in pack["violations"])
    assert found == [
        "PCI.DSS.401-10.2.1-FlowLogs (PCI DSS v4.0.1 10.2.1, 10.2.2): FlowLog31A0BD0F: "
        "record format lacks srcport, dstport, protocol, start, end",
        "PCI.DSS.401-10.2.1-FlowLogs (PCI DSS v4.0.1 10.2.1, 10.2.2): FlowLogArchiveFlowLogB5FAD573: "
        "record format lacks srcport, dstport, protocol, start, end",
        "PCI.DSS.401-10.2.1-FlowLogs (PCI DSS v4.0.1 10.2.1, 10.2.2): Vpc8378EB38: VPC has no flow log of ALL traffic",
    ]
