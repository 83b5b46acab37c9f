"""cdk-nag gates: four packs, zero findings, and only the acknowledgements the design needs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from aws_cdk import App, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms

from tap_vpc.compliance import acknowledgements
from tap_vpc.compliance.control_tower_rules import header_types, inapplicable_rules, reported_types, resource_types
from tap_vpc.compliance.gates import add_compliance_checks, unacknowledged_findings
from tap_vpc.entrypoint import VALIDATION_FAILED
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.tap_vpc_stack import TapVpcStack, add_tap_vpc_stack
from tools.project import synthesized

ACK_KEY = Validations.ACKNOWLEDGED_RULES_METADATA_KEY


def nag_findings(tmp_path: Path, config: TapVpcConfig, mutate: Callable[[TapVpcStack], None]) -> set[str]:
    """Synthesize ``config`` after ``mutate`` and return the rule names the packs report."""
    app = App(outdir=str(tmp_path))
    stack = add_tap_vpc_stack(app, config)
    mutate(stack)
    add_compliance_checks(app)
    try:
        app.synth()
    except RuntimeError as error:
        if VALIDATION_FAILED not in str(error):
            raise
    return reported_rules(tmp_path)


def reported_rules(outdir: Path | str) -> set[str]:
    """Rule names in the nag report of a synthesized app's output directory."""
    report = json.loads((Path(outdir) / "validation-report.json").read_text())
    return {violation["ruleName"] for plugin in report["pluginReports"] for violation in plugin["violations"]}


def acknowledged(construct: object) -> set[str]:
    """Rule ids acknowledged directly on ``construct`` (not inherited)."""
    entries = [entry for entry in construct.node.metadata if entry.type == ACK_KEY]  # type: ignore[attr-defined]
    return {rule_id.split("::", 1)[-1] for entry in entries for rule_id in entry.data}


def test_a_key_without_the_grant_guard_fails_control_tower(tmp_path: Path) -> None:
    def add_bare_key(stack: TapVpcStack) -> None:
        kms.Key(stack, "BareKey", enable_key_rotation=True)

    findings = nag_findings(tmp_path, TapVpcConfig(), add_bare_key)
    assert "kms_create_grant_aws_service_check" in findings  # CT.KMS.PR.3


def test_control_tower_runs_every_rule_that_reports_on_a_type_the_app_holds() -> None:
    stack, _ = synthesized(TapVpcConfig())
    disabled = set(inapplicable_rules(resource_types(stack.node.scope)))  # type: ignore[arg-type]
    # NACL entries (CT.EC2.PR.5), the keys (CT.KMS.PR.3), the lock-down Lambda (CT.LAMBDA.PR.3),
    # the log groups (CT.CLOUDWATCH.PR.2) and the buckets (CT.S3.PR.1) stay on...
    assert not {"ct-ec2-pr-5", "ct-kms-pr-3", "ct-lambda-pr-3", "ct-cloudwatch-pr-2", "ct-s3-pr-1"} & disabled
    # ...rules about RDS, ECS or CloudFront, which the stack does not hold, do not run.
    assert {"ct-rds-pr-1", "ct-ecs-pr-1", "ct-cloudfront-pr-1"} <= disabled
    assert len(reported_types()) == 237
    assert reported_types()["ct-ec2-pr-5"] == {"AWS::EC2::NetworkAclEntry"}


def test_a_rule_file_without_a_reports_on_header_always_runs() -> None:
    assert header_types("# Rule Identifier:\n#   x\nrule x { }\n") == {"*"}
    assert header_types("# Reports on:\n#   AWS::IAM::Policy, AWS::IAM::Role\n") == {
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
    }


def ssh_from_anywhere_in_the_acl(stack: TapVpcStack) -> None:
    stack.network_acls.acls["Public"].add_entry(
        "Ssh",
        cidr=ec2.AclCidr.any_ipv4(),
        rule_number=50,
        traffic=ec2.AclTraffic.tcp_port(22),
        direction=ec2.TrafficDirection.INGRESS,
    )


def test_an_acl_entry_for_ssh_from_anywhere_fails_control_tower(tmp_path: Path) -> None:
    assert "nacl_no_unrestricted_ssh_rdp_check" in nag_findings(tmp_path, TapVpcConfig(), ssh_from_anywhere_in_the_acl)


def test_a_violation_beside_a_success_conclusion_still_counts(tmp_path: Path) -> None:
    # cfn-guard 0.0.62 reported CT.CLOUDWATCH.PR.2 under "conclusion: success"; the entry points must not trust it.
    report = {
        "pluginReports": [
            {
                "pluginName": "cdk-validator-cfnguard",
                "conclusion": "success",
                "violations": [{"ruleName": "cloudwatch_log_group_retention_period_check"}],
            }
        ]
    }
    (tmp_path / "validation-report.json").write_text(json.dumps(report))
    assert unacknowledged_findings(str(tmp_path)) == [
        "cdk-validator-cfnguard: cloudwatch_log_group_retention_period_check"
    ]
    assert unacknowledged_findings(str(tmp_path / "nowhere")) == []


def test_default_template_passes_all_six_gates() -> None:
    stack, _ = synthesized(TapVpcConfig())  # the session's one synth of this config
    assert reported_rules(stack.node.root.outdir) == set()  # type: ignore[attr-defined]


def remove_flow_log(stack: TapVpcStack) -> None:
    assert stack.node.try_remove_child("FlowLog")


def test_removing_the_flow_log_fails_every_pack(tmp_path: Path) -> None:
    findings = nag_findings(tmp_path, TapVpcConfig(), remove_flow_log)
    assert {
        "AwsSolutions-VPC7",
        "NIST.800.53.R5-VPCFlowLogsEnabled",
        "HIPAA.Security-VPCFlowLogsEnabled",
        "PCI.DSS.321-VPCFlowLogsEnabled",
    } <= findings


def test_a_new_finding_fails_the_synth(tmp_path: Path) -> None:
    def open_ssh(stack: TapVpcStack) -> None:
        group = ec2.SecurityGroup(stack, "Bastion", vpc=stack.vpc, description="bastion")
        group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22), "ssh")

    findings = nag_findings(tmp_path, TapVpcConfig(), open_ssh)
    assert "AwsSolutions-EC23" in findings
    assert "NIST.800.53.R5-EC2RestrictedSSH" in findings


def test_acknowledgements_sit_only_on_the_constructs_that_need_them() -> None:
    stack, _ = synthesized(TapVpcConfig())
    route_rules = {
        "NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
        "HIPAA.Security-VPCNoUnrestrictedRouteToIGW",
        "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW",
    }
    for subnet in stack.vpc.public_subnets:
        assert acknowledged(subnet) == route_rules
    for subnet in stack.vpc.private_subnets:
        assert acknowledged(subnet) == set()
    assert acknowledged(stack.https_security_group) == {"AwsSolutions-EC23"}
    for acl in stack.network_acls.acls.values():
        assert acknowledged(acl) == {"AwsSolutions-VPC3"}
    assert acknowledged(stack.network_acls) == set()
    assert acknowledged(stack.vpc) == set()
    assert acknowledged(stack) == set()


@pytest.mark.parametrize(
    ("helper", "expected"),
    [
        ("acknowledge_public_internet_routes", "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW"),
        ("acknowledge_open_https", "AwsSolutions-EC23"),
        ("acknowledge_lockdown_outside_vpc", "lambda_inside_vpc_check"),
        ("acknowledge_unreplicated_archive", "PCI.DSS.321-S3BucketReplicationEnabled"),
        ("acknowledge_network_acls", "AwsSolutions-VPC3"),
        ("acknowledge_acl_lockdown_outside_vpc", "lambda_inside_vpc_check"),
        ("acknowledge_lambda_trust_without_source_conditions", "PCI.DSS.401-7.2.5-ServiceRolesScopedToAccount"),
    ],
)
def test_each_acknowledgement_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper: str, expected: str
) -> None:
    monkeypatch.setattr(acknowledgements, helper, lambda construct: None)
    assert expected in nag_findings(tmp_path, TapVpcConfig(), lambda stack: None)


def test_the_access_log_destination_needs_each_of_its_acknowledgements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(acknowledgements, "acknowledge_access_log_destination", lambda bucket: None)
    findings = nag_findings(tmp_path, TapVpcConfig(), lambda stack: None)
    assert {
        "NIST.800.53.R5-S3DefaultEncryptionKMS",
        "HIPAA.Security-S3DefaultEncryptionKMS",
        "PCI.DSS.321-S3DefaultEncryptionKMS",
        "s3_bucket_default_encryption_kms_check",  # CT.S3.PR.10
        "s3_bucket_object_lock_enabled_check",  # CT.S3.PR.9
        "s3_bucket_logging_enabled_check",  # CT.S3.PR.2
        "PCI.DSS.401-10.3.2-LogDestinationsEncrypted",
    } <= findings


def test_archive_acknowledgements_sit_on_the_buckets_only() -> None:
    stack, _ = synthesized(TapVpcConfig())
    assert stack.archive is not None
    replication = {
        "NIST.800.53.R5-S3BucketReplicationEnabled",
        "HIPAA.Security-S3BucketReplicationEnabled",
        "PCI.DSS.321-S3BucketReplicationEnabled",
    }
    assert acknowledged(stack.archive.bucket) == replication
    assert acknowledged(stack.archive.query_results_bucket) == replication
    # AwsSolutions-S1 needs nothing: cdk-nag exempts a bucket that receives server access logs.
    assert acknowledged(stack.archive.access_log_bucket) == replication | {
        "NIST.800.53.R5-S3DefaultEncryptionKMS",
        "HIPAA.Security-S3DefaultEncryptionKMS",
        "PCI.DSS.321-S3DefaultEncryptionKMS",
        "s3_bucket_default_encryption_kms_check",
        "s3_bucket_object_lock_enabled_check",
        "s3_bucket_logging_enabled_check",
        "PCI.DSS.401-10.3.2-LogDestinationsEncrypted",
    }
    assert acknowledged(stack.archive) == set()
    assert acknowledged(stack.archive.key) == set()


def test_restricted_https_ingress_is_not_acknowledged() -> None:
    stack, _ = synthesized(TapVpcConfig(https_ingress_cidrs=("10.20.0.0/16", "2001:db8::/32")))
    assert acknowledged(stack.https_security_group) == set()


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0"])
def test_open_https_from_either_family_is_acknowledged(cidr: str) -> None:
    # The reachability model is IPv4 only: with IPv6 sources alone, "internet -> public : 443 : allow"
    # cannot hold, and the PCI DSS pack's matrix rule (like the segmentation gate) refuses the synth.
    matrix = tuple(rule for rule in TapVpcConfig().reachability_matrix if ":" not in cidr or "-> public" not in rule)
    stack, _ = synthesized(TapVpcConfig(https_ingress_cidrs=(cidr,), reachability_matrix=matrix))
    assert acknowledged(stack.https_security_group) == {"AwsSolutions-EC23"}
