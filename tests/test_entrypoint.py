"""synth_app, the shared body of app.py and ci_roles (`python -m ci_roles`), run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import App, CfnWaitConditionHandle, Stack
from aws_cdk import aws_ec2 as ec2

from tap_vpc.entrypoint import synth_app
from tap_vpc.settings.config import TapVpcConfig
from tools.project import cdk_json_context


@pytest.fixture
def outdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ENVIRONMENT_SUFFIX", raising=False)
    return tmp_path


def app_in(outdir: Path, **context: str) -> App:
    """An App as the CLI would start it: cdk.json context plus ``-c`` values."""
    return App(outdir=str(outdir), context={**cdk_json_context(), **context})


def empty_stack(app: App, config: TapVpcConfig) -> None:
    stack = Stack(app, f"Probe-{config.environment_suffix}")
    CfnWaitConditionHandle(stack, "Placeholder")  # CloudFormation needs one resource


def open_ssh(app: App, config: TapVpcConfig) -> None:
    stack = Stack(app, "OpenSsh")
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, subnet_configuration=[])
    group = ec2.SecurityGroup(stack, "Group", vpc=vpc, description="open ssh")
    group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22), "ssh")


def test_builds_with_the_context_config_and_synthesizes(outdir: Path) -> None:
    assert synth_app(empty_stack, app_in(outdir)) == 0
    assert (outdir / "Probe-dev.template.json").exists()


def test_bad_setting_prints_one_block_and_builds_nothing(outdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        synth_app(
            lambda app, config: pytest.fail("must not build"), app_in(outdir, flowLogMaxAggregationInterval="300")
        )
        == 1
    )
    assert capsys.readouterr().err.startswith("TAP VPC configuration error: 1 invalid setting;")
    assert list(outdir.iterdir()) == []


def test_compliance_finding_exits_1_without_a_traceback(outdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert synth_app(open_ssh, app_in(outdir)) == 1
    err = capsys.readouterr().err
    assert f"TAP VPC compliance error: the findings above fail the synth; report: {outdir}" in err
    assert "Traceback" not in err
    assert (outdir / "validation-report.json").exists()


def test_other_synth_errors_are_not_hidden(outdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_synth(self: App) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(App, "synth", broken_synth)
    with pytest.raises(RuntimeError, match="disk full"):
        synth_app(empty_stack, app_in(outdir))


def test_a_finding_left_in_the_report_fails_the_synth(
    outdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What cfn-guard 0.0.62 did with CT.CLOUDWATCH.PR.2: a violation beside "conclusion: success".
    monkeypatch.setattr(
        "tap_vpc.entrypoint.unacknowledged_findings",
        lambda _: ["cdk-validator-cfnguard: cloudwatch_log_group_retention_period_check"],
    )
    assert synth_app(empty_stack, app_in(outdir)) == 1
    assert capsys.readouterr().err == (
        "TAP VPC compliance error: cdk-validator-cfnguard: cloudwatch_log_group_retention_period_check "
        f"(see above); report: {outdir}/validation-report.json\n"
    )


def test_the_assembly_records_no_stack_traces(outdir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Under jsii a trace holds no Python frame; without them the metadata is a third smaller, templates alike.
    assert synth_app(empty_stack, app_in(outdir)) == 0
    recorded = json.loads((outdir / "Probe-dev.metadata.json").read_text())
    entries = [entry for entries in recorded.values() for entry in entries]
    assert entries
    assert [entry for entry in entries if entry["type"] == "aws:cdk:creationStack" or "trace" in entry] == []
    # A plain App records them: the setting is what takes them out.
    plain = tmp_path_factory.mktemp("plain")
    app = App(outdir=str(plain), context=cdk_json_context())
    empty_stack(app, TapVpcConfig())
    app.synth()
    plain_entries = [e for es in json.loads((plain / "Probe-dev.metadata.json").read_text()).values() for e in es]
    assert [entry for entry in plain_entries if entry["type"] == "aws:cdk:creationStack"]
    assert json.loads((plain / "Probe-dev.template.json").read_text()) == json.loads(
        (outdir / "Probe-dev.template.json").read_text()
    )
